package otel_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/conformance"
	tokenizeotel "github.com/tokenize-go/tokenize/otel"
	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
	"github.com/tokenize-go/tokenize/providers/worldpay/worldpaysim"
)

// TestConformanceObserved runs the whole conformance suite of each
// provider (the fault matrix, hostile servers, retries, lifecycle) with
// every Client observed, then requires of everything exported what
// TestRedaction does, for the suite's card data and credentials: the
// observer must never break a call nor leak what the suite sends.
func TestConformanceObserved(t *testing.T) {
	if testing.Short() {
		t.Skip("the whole suite, twice: not in -short")
	}
	for _, h := range []struct {
		harness   conformance.Harness
		sensitive []string
	}{
		{nuveiHarness(), []string{nuveisim.APIKey, "wrong-key"}},
		{checkoutHarness(), []string{checkoutsim.ClientSecret, checkoutsim.SecretKey, checkoutsim.PublicKey, "wrong-secret", "pk_sbox_wrongwrongwrong"}},
		{worldpayHarness(), []string{worldpaysim.Password, "wrong-password", worldpayBasic(worldpaysim.Password), worldpayBasic("wrong-password")}},
	} {
		t.Run(h.harness.Provider, func(t *testing.T) {
			tel := newTelemetry(t)
			observed := h.harness
			newEnv := h.harness.New
			observed.New = func(t testing.TB, opts ...tokenize.Option) *conformance.Env {
				// Observers add up: the Backfill rate cases time the
				// sends with an Observer of their own, beside this one.
				return newEnv(t, append([]tokenize.Option{tokenize.WithObserver(tel.obs)}, opts...)...)
			}
			conformance.Run(t, observed)

			f := observed.Fixtures
			sensitive := append(h.sensitive, f.VisaCard.Number.Reveal(), f.MastercardCard.Number.Reveal(), f.DeclinedCard.Number.Reveal(),
				f.VisaCard.CVV.Reveal(), f.BankAccount.AccountNumber.Reveal())
			texts, keys := exported(t, tel)
			require.Greater(t, len(tel.spans.Ended()), 200)
			for _, k := range keys {
				assert.True(t, ourKeys[k], "attribute %s", k)
			}
			assertNone(t, strings.Join(texts, "\n"), sensitive)
			for _, line := range strings.Split(tel.metrics(t), "\n") {
				if strings.HasPrefix(line, tokenizeotel.ActiveCallsMetric) {
					assert.True(t, strings.HasSuffix(line, " value=0"), "a call left in progress: %s", line)
				}
			}
		})
	}
}

// exported returns every string of tel's spans and metric points, and the
// attribute keys this module set.
func exported(t *testing.T, tel *telemetry) (texts []string, ours []attribute.Key) {
	for _, s := range tel.spans.Ended() {
		own := s.InstrumentationScope().Name == tokenizeotel.ScopeName
		texts = append(texts, s.Name(), s.Status().Description)
		for _, kv := range s.Attributes() {
			texts = append(texts, string(kv.Key), kv.Value.String())
			if own {
				ours = append(ours, kv.Key)
			}
		}
		for _, e := range s.Events() {
			texts = append(texts, e.Name)
			for _, kv := range e.Attributes {
				texts = append(texts, string(kv.Key), kv.Value.String())
				if own {
					ours = append(ours, kv.Key)
				}
			}
		}
	}
	texts = append(texts, tel.metrics(t))
	return texts, ours
}

func nuveiHarness() conformance.Harness {
	return conformance.Harness{
		Provider: "nuvei",
		Fixtures: conformance.Fixtures{
			VisaCard:       tokenize.Card{Number: nuveisim.VisaPAN, ExpiryMonth: 12, ExpiryYear: 2031, CVV: nuveiCVV, HolderName: holderName},
			MastercardCard: tokenize.Card{Number: nuveisim.MastercardPAN, ExpiryMonth: 6, ExpiryYear: 32, CVV: nuveiCVV},
			DeclinedCard:   tokenize.Card{Number: nuveisim.DeclinedPAN, ExpiryMonth: 1, ExpiryYear: 2033, CVV: nuveiCVV},
			BankAccount: tokenize.BankAccount{AccountNumber: "11345739548759", RoutingNumber: "011000015",
				AccountType: tokenize.AccountChecking},
			UnknownPaymentTokenID: "00000000-0000-4000-8000-000000000000",
			UnknownNetworkTokenID: "00000000-0000-4000-8000-000000000001",
		},
		New: func(t testing.TB, opts ...tokenize.Option) *conformance.Env {
			srv := nuveisim.NewServer()
			t.Cleanup(srv.Close)
			c, err := tokenize.Open(context.Background(), srv.Config(), opts...)
			require.NoError(t, err)
			bad, err := tokenize.Open(context.Background(), tokenize.Config{Provider: "nuvei", Settings: with(t, srv.Settings(), "api_key", "wrong-key")}, opts...)
			require.NoError(t, err)
			return &conformance.Env{
				Client: c, BadCredentials: bad, Secrets: []string{srv.APIKey()}, Sim: srv, Issuer: srv,
				NewTemporaryToken: func(_ testing.TB, card tokenize.Card) tokenize.Secret {
					return tokenize.Secret(srv.CreateTemporaryToken(card))
				},
			}
		},
	}
}

func checkoutHarness() conformance.Harness {
	return conformance.Harness{
		Provider: "checkout",
		Fixtures: conformance.Fixtures{
			VisaCard:       tokenize.Card{Number: checkoutsim.VisaPAN, ExpiryMonth: 12, ExpiryYear: 2031, CVV: testCVV, HolderName: holderName},
			MastercardCard: tokenize.Card{Number: checkoutsim.MastercardPAN, ExpiryMonth: 6, ExpiryYear: 2030, CVV: testCVV},
			DeclinedCard:   tokenize.Card{Number: checkoutsim.DeclinedPAN, ExpiryMonth: 1, ExpiryYear: 2032, CVV: testCVV},
			BankAccount: tokenize.BankAccount{AccountNumber: bankAccount, RoutingNumber: "011000015",
				AccountType: tokenize.AccountChecking, HolderName: holderName},
			UnknownPaymentTokenID: "src_aaaaaaaaaaaaaaaaaaaaaaaaaa",
			UnknownNetworkTokenID: "nt_aaaaaaaaaaaaaaaaaaaaaaaaaa",
		},
		New: func(t testing.TB, opts ...tokenize.Option) *conformance.Env {
			srv := checkoutsim.NewServer()
			t.Cleanup(srv.Close)
			c, err := tokenize.Open(context.Background(), srv.Config(), opts...)
			require.NoError(t, err)
			settings := with(t, with(t, srv.Settings(), "client_secret", "wrong-secret"), "public_key", "pk_sbox_wrongwrongwrong")
			bad, err := tokenize.Open(context.Background(), tokenize.Config{Provider: "checkout", Settings: settings}, opts...)
			require.NoError(t, err)
			return &conformance.Env{
				Client: c, BadCredentials: bad, Sim: srv, Issuer: srv, Webhooks: srv,
				Secrets: []string{checkoutsim.ClientSecret, checkoutsim.SecretKey, checkoutsim.PublicKey, checkoutsim.WebhookKey},
				NewTemporaryToken: func(t testing.TB, card tokenize.Card) tokenize.Secret {
					return cardToken(t, srv.URL, card)
				},
			}
		},
	}
}

func worldpayHarness() conformance.Harness {
	return conformance.Harness{
		Provider: "worldpay",
		Fixtures: conformance.Fixtures{
			VisaCard:       tokenize.Card{Number: worldpaysim.VisaPAN, ExpiryMonth: 12, ExpiryYear: 2031, CVV: worldpayCVV, HolderName: holderName},
			MastercardCard: tokenize.Card{Number: worldpaysim.MastercardPAN, ExpiryMonth: 6, ExpiryYear: 2030, CVV: worldpayCVV, HolderName: holderName},
			DeclinedCard:   tokenize.Card{Number: worldpaysim.DeclinedPAN, ExpiryMonth: 1, ExpiryYear: 2032, CVV: worldpayCVV, HolderName: holderName},
			PendingCard:    tokenize.Card{Number: worldpaysim.PendingPAN, ExpiryMonth: 9, ExpiryYear: 2034, CVV: worldpayCVV, HolderName: holderName},
			BankAccount: tokenize.BankAccount{AccountNumber: bankAccount, RoutingNumber: "011000015",
				AccountType: tokenize.AccountChecking, HolderName: holderName},
			UnknownPaymentTokenID: "eyJrIjoxLCJkIjoiQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQT0ifQ",
			UnknownNetworkTokenID: "00000000-0000-4000-8000-000000000000",
		},
		RequestIDHeader: "WP-CorrelationId",
		New: func(t testing.TB, opts ...tokenize.Option) *conformance.Env {
			// Pending tokens stay requested until the suite issues them.
			srv := worldpaysim.NewServer(worldpaysim.WithPendingFor(0))
			t.Cleanup(srv.Close)
			c, err := tokenize.Open(context.Background(), srv.Config(), opts...)
			require.NoError(t, err)
			bad, err := tokenize.Open(context.Background(), tokenize.Config{Provider: "worldpay", Settings: with(t, srv.Settings(), "password", "wrong-password")}, opts...)
			require.NoError(t, err)
			return &conformance.Env{
				Client: c, BadCredentials: bad, Sim: srv, Issuer: srv,
				Secrets: []string{worldpaysim.Username, worldpaysim.Password},
			}
		},
	}
}

// worldpayBasic is the Basic credential the worldpay adapter sends with
// the simulator's username and password.
func worldpayBasic(password string) string {
	return base64.StdEncoding.EncodeToString([]byte(worldpaysim.Username + ":" + password))
}

// with returns settings with key set to value.
func with(t testing.TB, settings json.RawMessage, key, value string) json.RawMessage {
	var m map[string]any
	require.NoError(t, json.Unmarshal(settings, &m))
	m[key] = value
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}

// cardToken is what Checkout.com's browser SDK does: POST /tokens with
// the public key, for a single-use tok_ token.
func cardToken(t testing.TB, base string, card tokenize.Card) tokenize.Secret {
	body, err := json.Marshal(map[string]any{"type": "card", "number": card.Number.Reveal(),
		"expiry_month": card.ExpiryMonth, "expiry_year": card.ExpiryYear, "cvv": card.CVV.Reveal()})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, base+"/tokens", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+checkoutsim.PublicKey)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	var out struct {
		Token string `json:"token"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return tokenize.Secret(out.Token)
}
