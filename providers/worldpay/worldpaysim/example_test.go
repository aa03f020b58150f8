package worldpaysim_test

import (
	"context"
	"fmt"
	"time"

	"github.com/tokenize-go/tokenize"
	_ "github.com/tokenize-go/tokenize/providers/worldpay" // registers "worldpay"
	"github.com/tokenize-go/tokenize/providers/worldpay/worldpaysim"
)

// Worldpay's asynchronous Mastercard path: the provisioning answers before
// the token number exists, and AwaitNetworkToken reads the token until the
// scheme has issued it.
func Example() {
	srv := worldpaysim.NewServer(worldpaysim.WithPendingFor(50 * time.Millisecond))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	client, err := tokenize.Open(ctx, srv.Config())
	if err != nil {
		fmt.Println(err)
		return
	}
	card := tokenize.Card{Number: worldpaysim.PendingPAN, ExpiryMonth: 9, ExpiryYear: 2034, HolderName: "Mary Morstan"}
	nt, err := client.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{Card: &card})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(nt.State, nt.Number == "", nt.UsePAN())

	nt, err = client.AwaitNetworkToken(ctx, nt.ID, tokenize.AwaitOptions{Interval: 20 * time.Millisecond})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(nt.State, nt.Scheme, nt.Number != "", nt.UsePAN())
	// Output:
	// requested true true
	// active mdes true false
}
