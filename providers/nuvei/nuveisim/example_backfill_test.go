package nuveisim_test

import (
	"context"
	"fmt"
	"slices"

	"github.com/tokenize-go/tokenize"
	_ "github.com/tokenize-go/tokenize/providers/nuvei" // registers "nuvei"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
)

// Nuvei's POST /network-tokens is not idempotent: the same card sent twice
// gets two tokens, which the simulator's count shows. A backfill over Nuvei
// keeps each token's id against its key and does not send that key again.
func ExampleSimulator_NetworkTokensByCard() {
	srv := nuveisim.NewServer()
	defer srv.Close()
	ctx := context.Background()
	client, err := tokenize.Open(ctx, srv.Config())
	if err != nil {
		fmt.Println(err)
		return
	}
	card := tokenize.Card{Number: nuveisim.VisaPAN, ExpiryMonth: 12, ExpiryYear: 2030, CVV: "123"}
	items := []tokenize.ProvisionItem{
		{Key: "card-1", Request: tokenize.ProvisionNetworkTokenRequest{Card: &card}},
		{Key: "card-1 again", Request: tokenize.ProvisionNetworkTokenRequest{Card: &card}},
	}
	for r := range client.ProvisionNetworkTokens(ctx, slices.Values(items), tokenize.BatchOptions{Concurrency: 1}) {
		fmt.Println(r.Key, r.Err, r.Token.AlreadyExisted)
	}
	fmt.Println(srv.NetworkTokensByCard()[nuveisim.VisaPAN], "tokens for the card")
	srv.Reset()
	fmt.Println(len(srv.NetworkTokensByCard()), "after a reset")
	// Output:
	// card-1 <nil> false
	// card-1 again <nil> false
	// 2 tokens for the card
	// 0 after a reset
}
