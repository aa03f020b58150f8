package checkoutsim_test

import (
	"context"
	"fmt"
	"slices"

	"github.com/tokenize-go/tokenize"
	_ "github.com/tokenize-go/tokenize/providers/checkout" // registers "checkout"
	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
)

// Checkout.com answers a second provisioning from the same card with the
// token it already made (200, AlreadyExisted): the simulator still holds
// one token for the card, so a backfill may be rerun over all its input.
func ExampleSimulator_NetworkTokensByCard() {
	srv := checkoutsim.NewServer()
	defer srv.Close()
	ctx := context.Background()
	client, err := tokenize.Open(ctx, srv.Config())
	if err != nil {
		fmt.Println(err)
		return
	}
	card := tokenize.Card{Number: checkoutsim.VisaPAN, ExpiryMonth: 12, ExpiryYear: 2030, CVV: "100"}
	items := []tokenize.ProvisionItem{
		{Key: "card-1", Request: tokenize.ProvisionNetworkTokenRequest{Card: &card}},
		{Key: "card-1 again", Request: tokenize.ProvisionNetworkTokenRequest{Card: &card}},
	}
	for r := range client.ProvisionNetworkTokens(ctx, slices.Values(items), tokenize.BatchOptions{Concurrency: 1}) {
		fmt.Println(r.Key, r.Err, r.Token.AlreadyExisted)
	}
	fmt.Println(srv.NetworkTokensByCard()[checkoutsim.VisaPAN], "token for the card")
	srv.Reset()
	fmt.Println(len(srv.NetworkTokensByCard()), "after a reset")
	// Output:
	// card-1 <nil> false
	// card-1 again <nil> true
	// 1 token for the card
	// 0 after a reset
}
