package nuveisim_test

import (
	"context"
	"fmt"

	"github.com/tokenize-go/tokenize"
	_ "github.com/tokenize-go/tokenize/providers/nuvei" // registers "nuvei"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
)

// Start the simulator, open a Client on it by configuration, and store and
// read back a card. Only masked values ever print.
func Example() {
	srv := nuveisim.NewServer()
	defer srv.Close()

	ctx := context.Background()
	client, err := tokenize.Open(ctx, srv.Config())
	if err != nil {
		fmt.Println(err)
		return
	}
	card := tokenize.Card{Number: nuveisim.VisaPAN, ExpiryMonth: 12, ExpiryYear: 2030, CVV: "123"}
	tok, err := client.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: &card, MerchantReference: "order-42"})
	if err != nil {
		fmt.Println(err)
		return
	}
	got, err := client.GetPaymentToken(ctx, tok.ID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(got.ID == tok.ID, got.Provider, got.Kind)
	fmt.Println(got.Card.Brand, got.Card.MaskedNumber, got.Card.BIN, got.Card.Last4, got.Card.ExpiryMonth, got.Card.ExpiryYear)
	fmt.Println(card.Number, got.MerchantReference)
	// Output:
	// true nuvei card
	// visa 4***1111 411111 1111 12 2030
	// 411111******1111 order-42
}

// Two simulators built with the same seed give the same ids, token numbers
// and cryptograms for the same sequence of calls: a test or a demo can
// print and compare them run after run.
func ExampleWithSeed() {
	ctx := context.Background()
	run := func() string {
		srv := nuveisim.NewServer(nuveisim.WithSeed(42))
		defer srv.Close()
		client, err := tokenize.Open(ctx, srv.Config())
		if err != nil {
			return err.Error()
		}
		card := tokenize.Card{Number: nuveisim.VisaPAN, ExpiryMonth: 12, ExpiryYear: 2030, CVV: "123"}
		nt, err := client.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{Card: &card})
		if err != nil {
			return err.Error()
		}
		return nt.ID + " " + nt.Number.Reveal()
	}
	first, second := run(), run()
	fmt.Println("same id and token number:", first == second)
	// Output:
	// same id and token number: true
}
