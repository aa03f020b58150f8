package router_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
	"github.com/tokenize-go/tokenize/router"
)

// A router over both simulators: Visa cards to Nuvei, everything else to
// Checkout.com; every call by reference goes to the provider it names.
func Example() {
	nv, co := nuveisim.NewServer(), checkoutsim.NewServer()
	defer nv.Close()
	defer co.Close()
	doc := `{
		"router": {"default": "checkout", "rules": [{"brand": ["visa"], "to": "nuvei"}]},
		"providers": {"nuvei": ` + string(nv.Settings()) + `, "checkout": ` + string(co.Settings()) + `}
	}`
	cfg, err := tokenize.ParseConfig([]byte(doc), func(string) (string, bool) { return "", false })
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	r, err := router.Open(ctx, cfg, tokenize.OpenOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := tokenize.New(r)
	for _, pan := range []tokenize.PAN{nuveisim.VisaPAN, checkoutsim.MastercardPAN} {
		card := tokenize.Card{Number: pan, ExpiryMonth: 12, ExpiryYear: 2031, CVV: "123"}
		tok, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: &card})
		if err != nil {
			fmt.Println(err)
			return
		}
		got, err := c.GetPaymentToken(ctx, tok.ID) // read from the provider tok.ID names
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(got.Card.Brand, "→", tok.Ref().Provider, tok.ID == tok.Ref().String())
	}
	_, err = c.GetPaymentToken(ctx, "adyen:8535296")
	fmt.Println(errors.Is(err, tokenize.ErrInvalidArgument))
	// Output:
	// visa → nuvei true
	// mastercard → checkout true
	// true
}

// A tag travels in the context to the router's rules.
func ExampleWithTag() {
	ctx := router.WithTag(context.Background(), "region", "eu")
	region, ok := router.Tag(ctx, "region")
	fmt.Println(region, ok)
	// Output: eu true
}

func ExampleParseBINRange() {
	r, err := router.ParseBINRange("222100-272099")
	fmt.Println(r.Low, r.High, err)
	// Output: 222100 272099 <nil>
}
