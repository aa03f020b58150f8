package nuveisim_test

import (
	"context"
	"fmt"
	"slices"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
)

// The issuer reissues the card behind a network token; Nuvei pushes
// nothing, so a sync of the copy held finds the change.
func ExampleSimulator_ReissueCard() {
	srv := nuveisim.NewServer()
	defer srv.Close()
	ctx := context.Background()
	client, err := tokenize.Open(ctx, srv.Config())
	if err != nil {
		fmt.Println(err)
		return
	}
	card := tokenize.Card{Number: nuveisim.VisaPAN, ExpiryMonth: 12, ExpiryYear: 2030, CVV: "123"}
	nt, err := client.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{Card: &card})
	if err != nil {
		fmt.Println(err)
		return
	}
	held := *nt

	if err := srv.ReissueCard(nt.ID, "4242", 6, 2034); err != nil {
		fmt.Println(err)
		return
	}
	for r := range client.SyncNetworkTokens(ctx, slices.Values([]tokenize.NetworkToken{held}), tokenize.BatchOptions{}) {
		if r.Err != nil {
			fmt.Println(r.Err)
			continue
		}
		changed, _ := r.Event.Apply(&held)
		fmt.Println(changed, held.CardLast4, held.CardExpiryMonth, held.CardExpiryYear)
	}
	// Output:
	// card_updated 4242 6 2034
}
