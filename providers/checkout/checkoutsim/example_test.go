package checkoutsim_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"regexp"

	"github.com/tokenize-go/tokenize"
	_ "github.com/tokenize-go/tokenize/providers/checkout"
	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
)

// Start the simulator, open a Client on it, store a card and provision a
// network token. Only non-sensitive values are printed: a masked DPAN
// prints as its first six and last four digits.
func Example() {
	s := checkoutsim.NewServer()
	defer s.Close()

	ctx := context.Background()
	client, err := tokenize.Open(ctx, s.Config())
	if err != nil {
		log.Fatal(err)
	}
	card := tokenize.Card{Number: checkoutsim.VisaPAN, ExpiryMonth: 12, ExpiryYear: 2031, CVV: "100"}
	pt, err := client.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: &card})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("card:", pt.Card.Brand, pt.Card.MaskedNumber, pt.Card.ExpiryMonth, pt.Card.ExpiryYear)
	fmt.Println("card CVV prints as:", card.CVV)

	nt, err := client.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: pt.ID})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("network token:", nt.State, nt.Scheme, "already existed:", nt.AlreadyExisted)
	fmt.Println("DPAN BIN:", nt.Number.Masked()[:6], "card last4:", nt.CardLast4)

	cg, err := client.RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: nt.ID, TransactionType: tokenize.ECommerce})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("cryptogram:", cg.Value, "ECI:", cg.ECI)
	// Output:
	// card: visa 424242******4242 12 2031
	// card CVV prints as: [REDACTED]
	// network token: active vts already existed: false
	// DPAN BIN: 489537 card last4: 4242
	// cryptogram: [REDACTED] ECI: 07
}

// With a seed, everything the simulator makes up is reproducible: ids,
// DPANs, cryptograms, and the Cko-Request-Id of every answer.
func ExampleWithSeed() {
	firstRequestID := func() string {
		s := checkoutsim.NewServer(checkoutsim.WithSeed(7))
		defer s.Close()
		resp, err := http.Get(s.URL + "/network-tokens/nt_aaaaaaaaaaaaaaaaaaaaaaaaaa")
		if err != nil {
			return err.Error()
		}
		resp.Body.Close()
		return resp.Header.Get("Cko-Request-Id")
	}
	one, two := firstRequestID(), firstRequestID()
	fmt.Println(len(one), one == two)
	// Output:
	// 26 true
}

// A test may choose its own keys; the simulator then accepts only those.
// Keys of the documented format (KeyPattern) pass the official SDKs'
// checks as the sandbox's do.
func ExampleWithKeys() {
	const pk, sk = "pk_sbox_abcdefghijklmnopqrstuvwxyz=", "sk_sbox_abcdefghijklmnopqrstuvwxyz="
	s := checkoutsim.NewServer(checkoutsim.WithKeys(pk, sk))
	defer s.Close()
	publicKey, _ := s.Keys()
	fmt.Println(regexp.MustCompile(checkoutsim.KeyPattern).MatchString(publicKey))

	client, err := tokenize.Open(context.Background(), s.Config()) // Config carries the chosen public key
	if err != nil {
		log.Fatal(err)
	}
	card := tokenize.Card{Number: checkoutsim.VisaPAN, ExpiryMonth: 12, ExpiryYear: 2031, CVV: "100"}
	pt, err := client.CreatePaymentToken(context.Background(), tokenize.CreatePaymentTokenRequest{Card: &card})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(pt.Card.Brand, pt.Card.IssuerCountry)
	// Output:
	// true
	// visa US
}
