// Command network-token-payment shows how an orchestrator puts a network
// token's DPAN, a fresh cryptogram and its ECI into the authorization
// request of each provider's payment API. The requests are built and
// printed, never sent; the DPAN and cryptogram are masked in the printout,
// as they must be in any log.
//
//	go run ./examples/network-token-payment
//
// It starts both simulators in-process, tokenizes a test card, provisions
// a network token and requests an e-commerce cryptogram through the neutral
// API, then builds:
//
//   - Nuvei REST 2.0 POST /payment-api/payments with paymentOption.networkToken
//   - Checkout.com POST /payments with a source of type "network_token"
//
// Which fields each body carries comes from the providers' payment API
// references; the builders are small on purpose, so that an orchestrator
// can lift the mapping, not the program.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/tokenize-go/tokenize"
	_ "github.com/tokenize-go/tokenize/providers/checkout"
	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
	_ "github.com/tokenize-go/tokenize/providers/nuvei"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
)

// nuveiNetworkTokenKey is where Nuvei's payment request takes a
// merchant-provided network token. The reference's prose names a
// "networkToken" class while its JSON example shows "networkTokens"; we
// follow the prose, which also matches the token responses.
const nuveiNetworkTokenKey = "networkToken"

// payment is what the orchestrator wants to charge.
type payment struct {
	Amount    string // decimal string, as Nuvei takes it
	Minor     int64  // minor units, as Checkout.com takes it
	Currency  string
	Reference string
}

// authorization is a built request: the provider, method and path, and the
// JSON body exactly as it would go on the wire.
type authorization struct {
	Provider string
	Method   string
	Path     string
	Body     map[string]any
}

// networkCredentials are the values an authorization needs, gathered from
// the network token and the cryptogram.
type networkCredentials struct {
	DPAN           tokenize.PAN
	ExpiryMonth    int
	ExpiryYear     int
	Scheme         tokenize.TokenScheme
	Cryptogram     tokenize.Secret
	ECI            string
	AssuranceLevel string
	RequestorID    string
}

// credentials prefers the DPAN and expiry the cryptogram response carried
// (the token the cryptogram was computed for) and falls back to the
// network token's.
func credentials(nt *tokenize.NetworkToken, cg *tokenize.Cryptogram) networkCredentials {
	c := networkCredentials{
		DPAN: nt.Number, ExpiryMonth: nt.ExpiryMonth, ExpiryYear: nt.ExpiryYear,
		Scheme: nt.Scheme, Cryptogram: cg.Value, ECI: cg.ECI,
		AssuranceLevel: nt.AssuranceLevel, RequestorID: nt.TokenRequestorID,
	}
	if cg.Number != "" {
		c.DPAN, c.ExpiryMonth, c.ExpiryYear = cg.Number, cg.ExpiryMonth, cg.ExpiryYear
	}
	return c
}

// nuveiAuthorization builds a Nuvei REST 2.0 sale with a network token.
// Nuvei takes expiry as two-digit strings.
func nuveiAuthorization(p payment, c networkCredentials, processingEntityID string) authorization {
	nt := map[string]any{
		"tokenNumber":     c.DPAN.Reveal(),
		"expirationMonth": fmt.Sprintf("%02d", c.ExpiryMonth),
		"expirationYear":  fmt.Sprintf("%02d", c.ExpiryYear%100),
		"cryptogram":      c.Cryptogram.Reveal(),
	}
	if c.AssuranceLevel != "" {
		nt["tokenAssuranceLevel"] = c.AssuranceLevel
	}
	if c.RequestorID != "" {
		nt["tokenRequestorId"] = c.RequestorID
	}
	return authorization{
		Provider: "nuvei", Method: "POST", Path: "/payment-api/payments",
		Body: map[string]any{
			"processingEntityId": processingEntityID,
			"transactionType":    "Sale",
			"amount":             p.Amount,
			"currency":           p.Currency,
			"merchantReference":  p.Reference,
			"paymentOption":      map[string]any{nuveiNetworkTokenKey: nt},
		},
	}
}

// checkoutAuthorization builds a Checkout.com payment whose source is the
// network token. Checkout.com takes expiry as integers and the amount in
// minor units.
func checkoutAuthorization(p payment, c networkCredentials, processingChannelID string) authorization {
	return authorization{
		Provider: "checkout", Method: "POST", Path: "/payments",
		Body: map[string]any{
			"source": map[string]any{
				"type":         "network_token",
				"token":        c.DPAN.Reveal(),
				"expiry_month": c.ExpiryMonth,
				"expiry_year":  c.ExpiryYear,
				"token_type":   c.Scheme.String(), // "vts" or "mdes"
				"cryptogram":   c.Cryptogram.Reveal(),
				"eci":          c.ECI,
			},
			"amount":                p.Minor,
			"currency":              p.Currency,
			"reference":             p.Reference,
			"processing_channel_id": processingChannelID,
		},
	}
}

// printable returns a copy of a body with the DPAN and cryptogram masked,
// using the same types that mask them everywhere else.
func printable(body map[string]any) map[string]any {
	out := make(map[string]any, len(body))
	for k, v := range body {
		switch k {
		case "tokenNumber", "token":
			out[k] = tokenize.PAN(v.(string)).Masked()
		case "cryptogram":
			out[k] = tokenize.Secret(v.(string)).String()
		default:
			if m, ok := v.(map[string]any); ok {
				v = printable(m)
			}
			out[k] = v
		}
	}
	return out
}

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "network-token-payment:", err)
		os.Exit(1)
	}
}

func run(out io.Writer) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	nv, co := nuveisim.NewServer(), checkoutsim.NewServer()
	defer nv.Close()
	defer co.Close()

	p := payment{Amount: "10.00", Minor: 1000, Currency: "USD", Reference: "order-1001"}
	for _, t := range []struct {
		cfg   tokenize.Config
		pan   string
		build func(networkCredentials) authorization
	}{
		{nv.Config(), nuveisim.VisaPAN, func(c networkCredentials) authorization {
			return nuveiAuthorization(p, c, nuveisim.ProcessingEntityID)
		}},
		{co.Config(), checkoutsim.VisaPAN, func(c networkCredentials) authorization {
			return checkoutAuthorization(p, c, "pc_example")
		}},
	} {
		c, err := tokenize.Open(ctx, t.cfg)
		if err != nil {
			return err
		}
		nt, cg, err := tokenAndCryptogram(ctx, c, t.pan)
		if err != nil {
			return fmt.Errorf("%s: %w", c.Provider(), err)
		}
		a := t.build(credentials(nt, cg))
		b, err := json.MarshalIndent(printable(a.Body), "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s: %s %s (DPAN and cryptogram masked here; sent in full)\n%s\n\n", a.Provider, a.Method, a.Path, b)
	}
	return nil
}

// tokenAndCryptogram is the provider-neutral part: the same code for every
// provider.
func tokenAndCryptogram(ctx context.Context, c *tokenize.Client, pan string) (*tokenize.NetworkToken, *tokenize.Cryptogram, error) {
	card := tokenize.Card{Number: tokenize.PAN(pan), ExpiryMonth: 12, ExpiryYear: time.Now().Year() + 3, CVV: "123"}
	req := tokenize.ProvisionNetworkTokenRequest{Card: &card}
	if c.Capabilities().ProvisionFromPaymentToken {
		pt, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: &card})
		if err != nil {
			return nil, nil, err
		}
		req = tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: pt.ID}
	}
	nt, err := c.ProvisionNetworkToken(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	if nt.Number == "" { // some providers return the DPAN only on read
		if nt, err = c.GetNetworkToken(ctx, nt.ID); err != nil {
			return nil, nil, err
		}
	}
	cg, err := c.RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: nt.ID, TransactionType: tokenize.ECommerce})
	if err != nil {
		return nil, nil, err
	}
	return nt, cg, nil
}
