// Command switch-provider runs the same orchestrator code twice, from two
// configuration files that differ in one value: "provider".
//
//	go run ./examples/switch-provider
//	diff examples/switch-provider/nuvei.json examples/switch-provider/checkout.json
//
// Both files hold every provider's settings side by side (the "providers"
// form of tokenize.Config); "provider" picks one. Credentials are ${NAME}
// references to the environment. To run against the built-in simulators,
// this program starts them and sets those variables to point at them; set
// them yourself and pass -live to use real sandboxes.
package main

import (
	"context"
	"embed"
	"flag"
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

func main() {
	live := flag.Bool("live", false, "use the environment as it is (real sandboxes) instead of starting the simulators")
	pan := flag.String("pan", "", "test card number (default: the simulator's Visa test card of each provider)")
	flag.Parse()

	if !*live {
		stop := startSimulators()
		defer stop()
	}
	if err := run(os.Stdout, *pan); err != nil {
		fmt.Fprintln(os.Stderr, "switch-provider:", err)
		os.Exit(1)
	}
}

// run opens a Client from each config file and hands it to the same
// orchestrator code.
func run(out io.Writer, pan string) error {
	ctx := context.Background()
	for _, file := range []string{"nuvei.json", "checkout.json"} {
		data, err := configs.ReadFile(file)
		if err != nil {
			return err
		}
		// tokenize.LoadConfig(path) does the same from a file on disk.
		cfg, err := tokenize.ParseConfig(data, os.LookupEnv)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		client, err := tokenize.Open(ctx, cfg)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		card := pan
		if card == "" {
			card = testCards[cfg.Provider]
		}
		summary, err := orchestrate(ctx, client, tokenize.PAN(card))
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		fmt.Fprintf(out, "%-13s → %s\n", file, summary)
	}
	return nil
}

// orchestrate is the orchestrator's code: written once against the neutral
// API, it never names a provider.
func orchestrate(ctx context.Context, c *tokenize.Client, pan tokenize.PAN) (string, error) {
	card := tokenize.Card{Number: pan, ExpiryMonth: 12, ExpiryYear: time.Now().Year() + 3, CVV: "123"}
	pt, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: &card, MerchantReference: "order-1001"})
	if err != nil {
		return "", err
	}
	req := tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: pt.ID}
	if !c.Capabilities().ProvisionFromPaymentToken {
		req = tokenize.ProvisionNetworkTokenRequest{Card: &card}
	}
	nt, err := c.ProvisionNetworkToken(ctx, req)
	if err != nil {
		return "", err
	}
	cg, err := c.RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: nt.ID, TransactionType: tokenize.ECommerce})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("provider=%s card=%s network token=%s (%s, %s) cryptogram=%v eci=%s",
		c.Provider(), pt.Card.MaskedNumber, nt.ID, nt.Scheme, nt.State, cg.Value, cg.ECI), nil
}

// startSimulators starts both simulators and points the variables the
// config files reference at them.
func startSimulators() (stop func()) {
	nv, co := nuveisim.NewServer(), checkoutsim.NewServer()
	for k, v := range map[string]string{
		"NUVEI_BASE_URL":             nv.URL,
		"NUVEI_API_KEY":              nuveisim.APIKey,
		"NUVEI_PROCESSING_ENTITY_ID": nuveisim.ProcessingEntityID,
		"CHECKOUT_BASE_URL":          co.URL,
		"CHECKOUT_TOKEN_URL":         co.URL + "/connect/token",
		"CHECKOUT_CLIENT_ID":         checkoutsim.ClientID,
		"CHECKOUT_CLIENT_SECRET":     checkoutsim.ClientSecret,
		"CHECKOUT_PUBLIC_KEY":        checkoutsim.PublicKey,
	} {
		_ = os.Setenv(k, v)
	}
	return func() { nv.Close(); co.Close() }
}

// configs are the two configuration files, embedded so that the program
// runs from any working directory.
//
//go:embed nuvei.json checkout.json
var configs embed.FS

// testCards are the simulators' Visa test cards: test data, not
// orchestrator logic.
var testCards = map[string]string{"nuvei": nuveisim.VisaPAN, "checkout": checkoutsim.VisaPAN}
