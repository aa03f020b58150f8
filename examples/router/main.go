// Command router runs two providers at once behind a router, against the
// built-in simulators:
//
//	go run ./examples/router
//
// Visa cards go to Nuvei (then Checkout.com), everything else to
// Checkout.com, by the rules in router.json. Nuvei then fails at its
// simulator: reads of its tokens fail there and nowhere else, its circuit
// opens, and new Visa cards go to Checkout.com; Checkout.com's tokens are
// still read from Checkout.com, and Nuvei's again from Nuvei once it is
// back. Last, the issuer suspends a network token and the cryptogram
// request answers with the PAN-fallback signal: charge with the card.
package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/faults"
	_ "github.com/tokenize-go/tokenize/providers/checkout"
	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
	_ "github.com/tokenize-go/tokenize/providers/nuvei"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
	"github.com/tokenize-go/tokenize/router"
)

//go:embed router.json
var config []byte

func main() {
	sims := startSimulators()
	defer sims.close()
	if err := run(context.Background(), os.Stdout, sims); err != nil {
		fmt.Fprintln(os.Stderr, "router:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, sims *simulators) error {
	// tokenize.LoadConfig(path) does the same from a file on disk.
	cfg, err := tokenize.ParseConfig(config, os.LookupEnv)
	if err != nil {
		return err
	}
	r, err := router.Open(ctx, cfg, tokenize.OpenOptions{})
	if err != nil {
		return err
	}
	c := tokenize.New(r)
	say := func(format string, args ...any) { fmt.Fprintf(out, format+"\n", args...) }

	// 1. Rules by brand: Visa to Nuvei, Mastercard to the default.
	visa, err := create(ctx, c, nuveisim.VisaPAN)
	if err != nil {
		return err
	}
	mc, err := create(ctx, c, checkoutsim.MastercardPAN)
	if err != nil {
		return err
	}
	say("visa card       → %s (stored reference %q)", visa.Ref().Provider, visa.Ref())
	say("mastercard card → %s (stored reference %q)", mc.Ref().Provider, mc.Ref())
	nt, err := c.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: mc.ID})
	if err != nil {
		return err
	}
	say("network token for the mastercard → %s (%s, %s)", nt.Ref().Provider, nt.Scheme, nt.State)

	// 2. Nuvei fails: every request answers 503 at its simulator.
	sims.nuvei.Faults().Inject(faults.Fault{Kind: faults.Status, Status: 503, Body: `{"reason":"maintenance"}`})
	_, err = c.GetPaymentToken(ctx, visa.ID)
	say("nuvei down: reading the visa token → %s at %s (never asked elsewhere)", tokenize.CodeOf(err), providerOf(err))
	say("nuvei circuit: %s", state(r, "nuvei"))

	// 3. New Visa cards go to the other provider; old tokens are still
	// read from their own.
	visa2, err := create(ctx, c, nuveisim.VisaPAN)
	if err != nil {
		return err
	}
	say("new visa card   → %s (nuvei skipped while its circuit is open)", visa2.Ref().Provider)
	if _, err := c.GetPaymentToken(ctx, mc.ID); err != nil {
		return err
	}
	say("old mastercard token read from %s", mc.Ref().Provider)
	sims.nuvei.Faults().Clear()
	again, err := c.GetPaymentToken(ctx, visa.ID)
	if err != nil {
		return err
	}
	say("nuvei back: old visa token read from %s (card %s)", again.Ref().Provider, again.Card.MaskedNumber)

	// 4. The issuer suspends the network token: the cryptogram request
	// says to charge with the card instead.
	if err := sims.checkout.SetNetworkTokenState(nt.Ref().ID, tokenize.StateSuspended); err != nil {
		return err
	}
	_, cgErr := c.RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: nt.ID, TransactionType: tokenize.ECommerce})
	if !errors.Is(cgErr, tokenize.ErrUsePAN) {
		return fmt.Errorf("want the PAN-fallback signal, got %v", cgErr)
	}
	got, err := c.GetNetworkToken(ctx, nt.ID)
	if err != nil {
		return err
	}
	say("suspended token: cryptogram refused (%s, errors.Is ErrUsePAN), token %s UsePAN=%v → charge with the card",
		tokenize.CodeOf(cgErr), got.State, got.UsePAN())
	return nil
}

func create(ctx context.Context, c *tokenize.Client, pan string) (*tokenize.PaymentToken, error) {
	card := tokenize.Card{Number: tokenize.PAN(pan), ExpiryMonth: 12, ExpiryYear: time.Now().Year() + 3, CVV: "123"}
	return c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: &card})
}

func providerOf(err error) string {
	var te *tokenize.Error
	if errors.As(err, &te) {
		return te.Provider
	}
	return "?"
}

func state(r *router.Router, name string) router.CircuitState {
	for _, h := range r.Health() {
		if h.Provider == name {
			return h.State
		}
	}
	return router.CircuitClosed
}

type simulators struct {
	nuvei    *nuveisim.Server
	checkout *checkoutsim.Server
}

func (s *simulators) close() { s.nuvei.Close(); s.checkout.Close() }

// startSimulators starts both simulators and points the variables
// router.json references at them.
func startSimulators() *simulators {
	s := &simulators{nuvei: nuveisim.NewServer(), checkout: checkoutsim.NewServer()}
	for k, v := range map[string]string{
		"NUVEI_BASE_URL":             s.nuvei.URL,
		"NUVEI_API_KEY":              nuveisim.APIKey,
		"NUVEI_PROCESSING_ENTITY_ID": nuveisim.ProcessingEntityID,
		"CHECKOUT_BASE_URL":          s.checkout.URL,
		"CHECKOUT_TOKEN_URL":         s.checkout.URL + "/connect/token",
		"CHECKOUT_CLIENT_ID":         checkoutsim.ClientID,
		"CHECKOUT_CLIENT_SECRET":     checkoutsim.ClientSecret,
		"CHECKOUT_PUBLIC_KEY":        checkoutsim.PublicKey,
	} {
		_ = os.Setenv(k, v)
	}
	return s
}
