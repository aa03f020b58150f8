package nuvei_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
)

// Configure Nuvei from a JSON file whose secrets come from the
// environment, then provision a network token and fetch a cryptogram.
func Example() {
	srv := nuveisim.NewServer() // stands in for Nuvei here
	defer srv.Close()
	env := map[string]string{ // os.LookupEnv in a real program (LoadConfig)
		"NUVEI_BASE_URL": srv.URL, "NUVEI_API_KEY": nuveisim.APIKey, "NUVEI_PROCESSING_ENTITY_ID": nuveisim.ProcessingEntityID,
	}
	cfg, err := tokenize.ParseConfig([]byte(`{
		"provider": "nuvei",
		"settings": {
			"base_url": "${NUVEI_BASE_URL}",
			"api_key": "${NUVEI_API_KEY}",
			"processing_entity_id": "${NUVEI_PROCESSING_ENTITY_ID}",
			"timeout": "20s"
		}
	}`), func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	client, err := tokenize.Open(ctx, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	card := tokenize.Card{Number: nuveisim.MastercardPAN, ExpiryMonth: 6, ExpiryYear: 2031, CVV: "591"}
	nt, err := client.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{Card: &card})
	if err != nil {
		fmt.Println(err)
		return
	}
	cg, err := client.RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: nt.ID, TransactionType: tokenize.ECommerce})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(nt.State, nt.Scheme, nt.CardLast4, cg.Value, cg.ECI)

	// Nuvei documents no delete endpoint: the Client refuses without a call.
	err = client.DeletePaymentToken(ctx, nt.PaymentTokenID)
	fmt.Println(errors.Is(err, tokenize.ErrUnsupported))
	// Output:
	// active mdes 4444 [REDACTED] 06
	// true
}
