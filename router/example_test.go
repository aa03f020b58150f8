package router_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/faults"
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

// New builds a router from providers you opened yourself; Health shows
// each provider's circuit. Here Checkout.com fails a create with a 503:
// the create may have happened there, so the error says so and nothing is
// sent elsewhere, but the circuit opens (Failures: 1), and the next create
// goes to Nuvei without trying Checkout.com.
func ExampleNew() {
	ctx := context.Background()
	nv, co := nuveisim.NewServer(), checkoutsim.NewServer()
	defer nv.Close()
	defer co.Close()
	var providers []tokenize.Provider
	for _, cfg := range []tokenize.Config{co.Config(), nv.Config()} {
		p, err := tokenize.OpenProvider(ctx, cfg, tokenize.OpenOptions{})
		if err != nil {
			fmt.Println(err)
			return
		}
		providers = append(providers, p)
	}
	r, err := router.New(router.Config{
		Default: router.Names{"checkout", "nuvei"},
		Breaker: router.Breaker{Failures: 1},
	}, providers...)
	if err != nil {
		fmt.Println(err)
		return
	}
	c := tokenize.New(r)

	co.Faults().Inject(faults.Fault{Kind: faults.Status, Status: http.StatusServiceUnavailable, Times: 1, Method: http.MethodPost, PathPrefix: "/instruments"})
	card := tokenize.Card{Number: checkoutsim.MastercardPAN, ExpiryMonth: 12, ExpiryYear: 2031, CVV: "123"}
	for range 2 {
		tok, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: &card})
		var te *tokenize.Error
		if errors.As(err, &te) {
			fmt.Println("failed at", te.Provider, te.Code, "outcome unknown:", te.OutcomeUnknown)
			continue
		}
		fmt.Println("created at", tok.Ref().Provider)
	}
	for _, h := range r.Health() {
		fmt.Println(h.Provider, h.State, "failures:", h.ConsecutiveFailures, "failovers:", h.Failovers)
	}
	// Output:
	// failed at checkout Unavailable outcome unknown: true
	// created at nuvei
	// checkout open failures: 1 failovers: 1
	// nuvei closed failures: 0 failovers: 0
}
