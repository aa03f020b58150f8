package nuvei_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/conformance"
	_ "github.com/tokenize-go/tokenize/providers/nuvei"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
)

var fixtures = conformance.Fixtures{
	VisaCard:       tokenize.Card{Number: nuveisim.VisaPAN, ExpiryMonth: 12, ExpiryYear: 2031, CVV: "123", HolderName: "Jada Pinkett"},
	MastercardCard: tokenize.Card{Number: nuveisim.MastercardPAN, ExpiryMonth: 6, ExpiryYear: 32, CVV: "591"},
	DeclinedCard:   tokenize.Card{Number: nuveisim.DeclinedPAN, ExpiryMonth: 1, ExpiryYear: 2033, CVV: "456"},
	BankAccount: tokenize.BankAccount{AccountNumber: "11345739548759", RoutingNumber: "011000015",
		AccountType: tokenize.AccountChecking},
	UnknownPaymentTokenID: "00000000-0000-4000-8000-000000000000",
	UnknownNetworkTokenID: "00000000-0000-4000-8000-000000000001",
}

// The simulator server is the conformance suite's control surface.
var _ conformance.Simulator = (*nuveisim.Server)(nil)

func TestConformance(t *testing.T) {
	conformance.Run(t, simHarness())
}

func simHarness() conformance.Harness {
	return conformance.Harness{
		Provider: "nuvei",
		Fixtures: fixtures,
		New: func(t testing.TB, opts ...tokenize.Option) *conformance.Env {
			srv := nuveisim.NewServer()
			t.Cleanup(srv.Close)
			client, err := tokenize.Open(context.Background(), srv.Config(), opts...)
			require.NoError(t, err)
			bad := settingsWith(t, srv.Settings(), "api_key", "wrong-key")
			badClient, err := tokenize.Open(context.Background(), tokenize.Config{Provider: "nuvei", Settings: bad}, opts...)
			require.NoError(t, err)
			return &conformance.Env{
				Client:         client,
				BadCredentials: badClient,
				Secrets:        []string{srv.APIKey()},
				Sim:            srv,
				Baseline: func(hc *http.Client) conformance.Baseline {
					return &baseline{hc: hc, base: srv.URL, key: srv.APIKey(), entity: srv.ProcessingEntityID()}
				},
				NewTemporaryToken: func(_ testing.TB, card tokenize.Card) tokenize.Secret {
					return tokenize.Secret(srv.CreateTemporaryToken(card))
				},
				Issuer: srv,
			}
		},
	}
}

// TestConformanceLive runs the suite against a real Nuvei environment when
// NUVEI_BASE_URL, NUVEI_API_KEY and NUVEI_PROCESSING_ENTITY_ID are set.
func TestConformanceLive(t *testing.T) {
	base, key, entity := os.Getenv("NUVEI_BASE_URL"), os.Getenv("NUVEI_API_KEY"), os.Getenv("NUVEI_PROCESSING_ENTITY_ID")
	if base == "" || key == "" || entity == "" {
		t.Skip("live Nuvei conformance: set NUVEI_BASE_URL, NUVEI_API_KEY and NUVEI_PROCESSING_ENTITY_ID to run it")
	}
	settings := func(k string) json.RawMessage {
		b, _ := json.Marshal(map[string]string{"base_url": base, "api_key": k, "processing_entity_id": entity})
		return b
	}
	conformance.Run(t, conformance.Harness{
		Provider: "nuvei",
		Fixtures: fixtures,
		Live:     true,
		New: func(t testing.TB, opts ...tokenize.Option) *conformance.Env {
			client, err := tokenize.Open(context.Background(), tokenize.Config{Provider: "nuvei", Settings: settings(key)}, opts...)
			require.NoError(t, err)
			bad, err := tokenize.Open(context.Background(), tokenize.Config{Provider: "nuvei", Settings: settings("invalid-api-key")}, opts...)
			require.NoError(t, err)
			return &conformance.Env{Client: client, BadCredentials: bad, Secrets: []string{key}}
		},
	})
}

func settingsWith(t testing.TB, raw json.RawMessage, key, value string) json.RawMessage {
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m))
	m[key] = value
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}

// baseline is the hand-written floor RunBenchmarks compares the adapter
// with: the same HTTP exchanges, plain structs, no validation, no mapping,
// no retries. Nuvei provisions network tokens from a card, so
// ProvisionNetworkToken sends the Visa fixture, as the adapter does.
type baseline struct {
	hc                *http.Client
	base, key, entity string
}

type bResult struct {
	Status string `json:"status"`
}

type bCard struct {
	CardHolderName  string `json:"cardHolderName,omitempty"`
	CardNumber      string `json:"cardNumber"`
	ExpirationMonth string `json:"expirationMonth"`
	ExpirationYear  string `json:"expirationYear"`
	CVV             string `json:"cvv,omitempty"`
}

func (b *baseline) do(ctx context.Context, method, path string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		buf, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(buf)
	}
	u := b.base + path
	if method == http.MethodGet {
		u += "?processingEntityId=" + b.entity
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("x-api-key", b.key)
	resp, err := b.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return nil
}

func (b *baseline) visa() bCard {
	c := fixtures.VisaCard
	return bCard{CardHolderName: c.HolderName, CardNumber: c.Number.Reveal(), ExpirationMonth: fmt.Sprintf("%02d", c.ExpiryMonth),
		ExpirationYear: fmt.Sprint(c.ExpiryYear), CVV: c.CVV.Reveal()}
}

func (b *baseline) CreatePaymentToken(ctx context.Context) (string, error) {
	var out struct {
		PaymentToken struct {
			PaymentTokenID string `json:"paymentTokenId"`
		} `json:"paymentToken"`
		Result bResult `json:"result"`
	}
	card := b.visa()
	err := b.do(ctx, http.MethodPost, "/payment-tokens", map[string]any{
		"processingEntityId": b.entity, "paymentOption": map[string]any{"card": card}}, &out)
	if err == nil && out.Result.Status != "success" {
		err = errors.New(out.Result.Status)
	}
	return out.PaymentToken.PaymentTokenID, err
}

func (b *baseline) GetPaymentToken(ctx context.Context, id string) error {
	var out struct {
		PaymentToken map[string]any `json:"paymentToken"`
		Result       bResult        `json:"result"`
	}
	return b.do(ctx, http.MethodGet, "/payment-tokens/"+id, nil, &out)
}

type bNetworkToken struct {
	PaymentOption struct {
		NetworkToken struct {
			PaymentTokenID string `json:"paymentTokenId"`
			TokenNumber    string `json:"tokenNumber"`
			Cryptogram     string `json:"cryptogram"`
		} `json:"networkToken"`
	} `json:"paymentOption"`
	Result bResult `json:"result"`
}

func (b *baseline) ProvisionNetworkToken(ctx context.Context, _ string) (string, error) {
	var out bNetworkToken
	card := b.visa()
	card.CardHolderName = ""
	err := b.do(ctx, http.MethodPost, "/network-tokens", map[string]any{
		"processingEntityId": b.entity, "paymentOption": map[string]any{"card": card}}, &out)
	return out.PaymentOption.NetworkToken.PaymentTokenID, err
}

func (b *baseline) GetNetworkToken(ctx context.Context, id string) error {
	var out bNetworkToken
	return b.do(ctx, http.MethodGet, "/network-tokens/"+id, nil, &out)
}

func (b *baseline) RequestCryptogram(ctx context.Context, id string) error {
	var out bNetworkToken
	err := b.do(ctx, http.MethodPost, "/network-tokens/cryptograms", map[string]any{
		"processingEntityId": b.entity,
		"paymentOption":      map[string]any{"paymentToken": map[string]any{"paymentTokenId": id}},
		"type":               "ECOM",
	}, &out)
	if err == nil && out.PaymentOption.NetworkToken.Cryptogram == "" {
		err = errors.New("no cryptogram")
	}
	return err
}

// BenchmarkConformance measures the Client against a hand-written client
// doing the same HTTP exchanges with the simulator (see PERFORMANCE.md):
//
//	go test -run '^$' -bench . -benchmem ./providers/...
func BenchmarkConformance(b *testing.B) { conformance.RunBenchmarks(b, simHarness()) }

// BenchmarkSync sweeps 10,000 and 100,000 held tokens through
// SyncNetworkTokens; the heap figures show it flat (PERFORMANCE.md).
func BenchmarkSync(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) { conformance.RunSyncBenchmark(b, simHarness(), n) })
	}
}

// BenchmarkBackfill provisions network tokens for 10,000 and 100,000 cards
// through ProvisionNetworkTokens, beside the slice form it replaced, and
// at a rate limit; the heap figures show it flat (PERFORMANCE.md):
//
//	go test -run '^$' -bench Backfill -benchtime 1x ./providers/...
func BenchmarkBackfill(b *testing.B) { conformance.RunBackfillBenchmarks(b, simHarness()) }
