package router_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/conformance"
	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
	"github.com/tokenize-go/tokenize/router"
)

// bothRouting sends cards to Checkout.com and bank accounts and temporary
// tokens (made by Nuvei's simulator) to Nuvei. Every card token the suite
// makes is at Checkout.com, which supports the union of both providers'
// by-reference operations, so each declared operation works on each token
// the suite holds (see the package documentation on Capabilities).
const bothRouting = `{"default": "checkout", "rules": [{"kind": ["bank_account", "temporary_token"], "to": "nuvei"}]}`

// TestConformance runs the whole suite against a router over both
// simulators.
func TestConformance(t *testing.T) { conformance.Run(t, bothHarness()) }

func bothHarness() conformance.Harness {
	return conformance.Harness{
		Provider: tokenize.RouterName,
		Fixtures: conformance.Fixtures{
			VisaCard:       tokenize.Card{Number: checkoutsim.VisaPAN, ExpiryMonth: 12, ExpiryYear: 2031, CVV: "9180", HolderName: "Ada Lovelace"},
			MastercardCard: tokenize.Card{Number: checkoutsim.MastercardPAN, ExpiryMonth: 6, ExpiryYear: 2030, CVV: "9180"},
			DeclinedCard:   tokenize.Card{Number: checkoutsim.DeclinedPAN, ExpiryMonth: 1, ExpiryYear: 2032, CVV: "9180"},
			BankAccount: tokenize.BankAccount{AccountNumber: "11345739548759", RoutingNumber: "011000015",
				AccountType: tokenize.AccountChecking},
			UnknownPaymentTokenID: "checkout:src_aaaaaaaaaaaaaaaaaaaaaaaaaa",
			UnknownNetworkTokenID: "checkout:nt_aaaaaaaaaaaaaaaaaaaaaaaaaa",
		},
		New: func(t testing.TB, opts ...tokenize.Option) *conformance.Env {
			s := startSims(t)
			c, _ := s.open(t, bothRouting, opts...)
			bad, err := router.Open(context.Background(), s.badConfig(t, bothRouting), tokenize.OpenOptions{})
			require.NoError(t, err)
			return &conformance.Env{
				Client:         c,
				BadCredentials: tokenize.New(bad, opts...),
				Secrets:        s.secrets(),
				Sim:            s,
				Issuer:         s,
				Webhooks:       s,
				NewTemporaryToken: func(_ testing.TB, card tokenize.Card) tokenize.Secret {
					return tokenize.Secret(s.nuvei.CreateTemporaryToken(card))
				},
			}
		},
	}
}

// nuveiRouting holds Nuvei alone: the router is then transparent for a
// provider whose provisioning is not idempotent and which cannot delete.
const nuveiRouting = `{"default": "nuvei"}`

// TestConformanceNuveiOnly runs the suite against a router holding Nuvei
// alone, so that every case runs over Nuvei's simulator too (beside it,
// Checkout.com's deletes would be declared for Nuvei's tokens).
func TestConformanceNuveiOnly(t *testing.T) {
	conformance.Run(t, conformance.Harness{
		Provider: tokenize.RouterName,
		Fixtures: conformance.Fixtures{
			VisaCard:       tokenize.Card{Number: nuveisim.VisaPAN, ExpiryMonth: 12, ExpiryYear: 2031, CVV: "123", HolderName: "Jada Pinkett"},
			MastercardCard: tokenize.Card{Number: nuveisim.MastercardPAN, ExpiryMonth: 6, ExpiryYear: 32, CVV: "591"},
			DeclinedCard:   tokenize.Card{Number: nuveisim.DeclinedPAN, ExpiryMonth: 1, ExpiryYear: 2033, CVV: "456"},
			BankAccount: tokenize.BankAccount{AccountNumber: "11345739548759", RoutingNumber: "011000015",
				AccountType: tokenize.AccountChecking},
			UnknownPaymentTokenID: "nuvei:00000000-0000-4000-8000-000000000000",
			UnknownNetworkTokenID: "nuvei:00000000-0000-4000-8000-000000000001",
		},
		New: func(t testing.TB, opts ...tokenize.Option) *conformance.Env {
			s := startSims(t)
			cfg, err := tokenize.ParseConfig([]byte(`{"router": `+nuveiRouting+`, "providers": {"nuvei": `+
				string(s.nuvei.SettingsAt(s.nuveiSrv.URL))+`}}`), func(string) (string, bool) { return "", false })
			require.NoError(t, err)
			c, err := tokenize.Open(context.Background(), cfg, opts...)
			require.NoError(t, err)
			badCfg, err := tokenize.ParseConfig([]byte(`{"router": `+nuveiRouting+`, "providers": {"nuvei": {"base_url": "`+
				s.nuveiSrv.URL+`", "api_key": "wrong-key", "processing_entity_id": "`+s.nuvei.ProcessingEntityID()+`"}}}`),
				func(string) (string, bool) { return "", false })
			require.NoError(t, err)
			bad, err := tokenize.Open(context.Background(), badCfg, opts...)
			require.NoError(t, err)
			return &conformance.Env{
				Client:         c,
				BadCredentials: bad,
				Secrets:        s.secrets(),
				Sim:            s,
				Issuer:         s,
				NewTemporaryToken: func(_ testing.TB, card tokenize.Card) tokenize.Secret {
					return tokenize.Secret(s.nuvei.CreateTemporaryToken(card))
				},
			}
		},
	})
}
