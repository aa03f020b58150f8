package worldpay_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/conformance"
	_ "github.com/tokenize-go/tokenize/providers/worldpay"
	"github.com/tokenize-go/tokenize/providers/worldpay/worldpaysim"
)

// The simulator server is the suite's Simulator (worldpaysim does not
// import conformance).
var _ conformance.Simulator = (*worldpaysim.Server)(nil)

// testCVV is never sent (a Worldpay token stores no CVV), but the suite
// searches every output for it all the same.
const testCVV = "918"

func fixtures() conformance.Fixtures {
	return conformance.Fixtures{
		VisaCard:       tokenize.Card{Number: worldpaysim.VisaPAN, ExpiryMonth: 5, ExpiryYear: 2035, CVV: testCVV, HolderName: "Sherlock Holmes"},
		MastercardCard: tokenize.Card{Number: worldpaysim.MastercardPAN, ExpiryMonth: 6, ExpiryYear: 2032, CVV: testCVV, HolderName: "John Watson"},
		DeclinedCard:   tokenize.Card{Number: worldpaysim.DeclinedPAN, ExpiryMonth: 1, ExpiryYear: 2033, CVV: testCVV, HolderName: "Irene Adler"},
		BankAccount: tokenize.BankAccount{AccountNumber: "918181918", RoutingNumber: "011000015",
			AccountType: tokenize.AccountChecking, HolderName: "Mycroft Holmes"},
		UnknownPaymentTokenID: "eyJrIjoxLCJkIjoiQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQT0ifQ", // the documented shape: base64url of {"k":1,"d":"AAAA…="}
		UnknownNetworkTokenID: "00000000-0000-4000-8000-000000000000",
		PendingCard:           tokenize.Card{Number: worldpaysim.PendingPAN, ExpiryMonth: 9, ExpiryYear: 2034, CVV: testCVV, HolderName: "Mary Morstan"},
	}
}

// simHarness runs the suite against a fresh simulator per test. Pending
// tokens stay requested until the suite issues them.
func simHarness() conformance.Harness {
	return conformance.Harness{Provider: "worldpay", Fixtures: fixtures(), New: simEnv, RequestIDHeader: "WP-CorrelationId"}
}

func simEnv(t testing.TB, opts ...tokenize.Option) *conformance.Env {
	s := worldpaysim.NewServer(worldpaysim.WithPendingFor(0))
	t.Cleanup(s.Close)
	ctx := context.Background()
	c, err := tokenize.Open(ctx, s.Config(), opts...)
	require.NoError(t, err)
	bad, err := tokenize.Open(ctx, tokenize.Config{Provider: "worldpay", Settings: settingsJSON(t, map[string]string{
		"base_url": s.URL, "username": worldpaysim.Username, "password": "wrong-password",
	})}, opts...)
	require.NoError(t, err)
	return &conformance.Env{
		Client:         c,
		BadCredentials: bad,
		Secrets:        []string{worldpaysim.Username, worldpaysim.Password},
		Sim:            s,
		Baseline:       func(hc *http.Client) conformance.Baseline { return newBaseline(hc, s.URL) },
		Issuer:         s,
	}
}

func liveEnv(user, pass, entity string) func(t testing.TB, opts ...tokenize.Option) *conformance.Env {
	return func(t testing.TB, opts ...tokenize.Option) *conformance.Env {
		settings := map[string]string{"environment": "try", "username": user, "password": pass}
		if entity != "" {
			settings["merchant_entity"] = entity
		}
		ctx := context.Background()
		c, err := tokenize.Open(ctx, tokenize.Config{Provider: "worldpay", Settings: settingsJSON(t, settings)}, opts...)
		require.NoError(t, err)
		settings["password"] = "wrong-password"
		bad, err := tokenize.Open(ctx, tokenize.Config{Provider: "worldpay", Settings: settingsJSON(t, settings)}, opts...)
		require.NoError(t, err)
		return &conformance.Env{Client: c, BadCredentials: bad, Secrets: []string{user, pass}}
	}
}

func settingsJSON(t testing.TB, m map[string]string) json.RawMessage {
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}

func TestConformance(t *testing.T) { conformance.Run(t, simHarness()) }

// TestConformanceLive runs the suite against Access Worldpay's Try
// environment when WORLDPAY_USERNAME and WORLDPAY_PASSWORD are set
// (WORLDPAY_MERCHANT_ENTITY optional, default "default"). Network tokens
// must be enabled on the account; Try has no documented network-token
// test cards, so the Declined and pending cases need cards the account's
// schemes treat that way.
func TestConformanceLive(t *testing.T) {
	user, pass := os.Getenv("WORLDPAY_USERNAME"), os.Getenv("WORLDPAY_PASSWORD")
	if user == "" || pass == "" {
		t.Skip("live Worldpay conformance: set WORLDPAY_USERNAME and WORLDPAY_PASSWORD (and optionally WORLDPAY_MERCHANT_ENTITY) to run it")
	}
	f := fixtures()
	f.PendingCard = tokenize.Card{} // no documented card takes the asynchronous path on Try
	conformance.Run(t, conformance.Harness{Provider: "worldpay", Fixtures: f, Live: true,
		New: liveEnv(user, pass, os.Getenv("WORLDPAY_MERCHANT_ENTITY"))})
}

// baseline is the hand-written reference client: plain net/http and
// encoding/json doing the adapter's exchanges (POST /tokens; GET
// /tokens/{id}; POST /tokens/network from the token's href; GET
// /tokens/network/{ref}; for a cryptogram, the lookup then POST
// /tokens/network/cryptograms with the token number).
type baseline struct {
	hc   *http.Client
	base string
	auth string
}

func newBaseline(hc *http.Client, base string) *baseline {
	return &baseline{hc: hc, base: base,
		auth: "Basic " + base64.StdEncoding.EncodeToString([]byte(worldpaysim.Username+":"+worldpaysim.Password))}
}

const mediaType = "application/vnd.worldpay.tokens-v3.hal+json"

func (b *baseline) call(ctx context.Context, method, url string, body any, want int, out any) error {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", mediaType)
	if body != nil {
		req.Header.Set("Content-Type", mediaType)
	}
	req.Header.Set("Authorization", b.auth)
	resp, err := b.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: HTTP %d", method, req.URL.Path, resp.StatusCode)
	}
	return json.Unmarshal(data, out)
}

type (
	baseExpiry struct{ Month, Year int }
	baseToken  struct {
		TokenID                string `json:"tokenId"`
		Description            string `json:"description"`
		TokenPaymentInstrument struct {
			Href string `json:"href"`
		} `json:"tokenPaymentInstrument"`
		PaymentInstrument struct {
			CardNumber     string     `json:"cardNumber"`
			CardHolderName string     `json:"cardHolderName"`
			CardExpiryDate baseExpiry `json:"cardExpiryDate"`
			Bin            string     `json:"bin"`
			Brand          string     `json:"brand"`
		} `json:"paymentInstrument"`
	}
	baseNetworkToken struct {
		TokenReference         string `json:"tokenReference"`
		TokenPaymentInstrument struct {
			Status      string     `json:"status"`
			TokenNumber string     `json:"tokenNumber"`
			ExpiryDate  baseExpiry `json:"expiryDate"`
		} `json:"tokenPaymentInstrument"`
		PaymentInstrument struct {
			FirstSix       string     `json:"firstSix"`
			LastFour       string     `json:"lastFour"`
			CardExpiryDate baseExpiry `json:"cardExpiryDate"`
			PAR            string     `json:"paymentAccountReference"`
		} `json:"paymentInstrument"`
		Links struct {
			Cryptogram struct {
				Href string `json:"href"`
			} `json:"tokens:networkTokenCryptogram"`
		} `json:"_links"`
	}
	baseCryptogram struct {
		CryptogramDetails struct {
			Cryptogram string `json:"cryptogram"`
			ECI        string `json:"eci"`
		} `json:"cryptogramDetails"`
	}
)

func (b *baseline) CreatePaymentToken(ctx context.Context) (string, error) {
	var tok baseToken
	err := b.call(ctx, http.MethodPost, b.base+"/tokens", map[string]any{
		"paymentInstrument": map[string]any{"type": "card/front", "cardHolderName": "Sherlock Holmes",
			"cardNumber": worldpaysim.VisaPAN, "cardExpiryDate": map[string]int{"month": 5, "year": 2035}},
		"merchant": map[string]string{"entity": worldpaysim.MerchantEntity},
	}, http.StatusCreated, &tok)
	href := tok.TokenPaymentInstrument.Href
	return href[strings.LastIndexByte(href, '/')+1:], err
}

func (b *baseline) GetPaymentToken(ctx context.Context, id string) error {
	var tok baseToken
	return b.call(ctx, http.MethodGet, b.base+"/tokens/"+id, nil, http.StatusOK, &tok)
}

func (b *baseline) ProvisionNetworkToken(ctx context.Context, paymentTokenID string) (string, error) {
	var nt baseNetworkToken
	err := b.call(ctx, http.MethodPost, b.base+"/tokens/network", map[string]any{
		"paymentInstrument": map[string]string{"type": "card/tokenized", "href": b.base + "/tokens/" + paymentTokenID},
		"merchant":          map[string]string{"entity": worldpaysim.MerchantEntity},
	}, http.StatusOK, &nt)
	return nt.TokenReference, err
}

func (b *baseline) GetNetworkToken(ctx context.Context, id string) error {
	var nt baseNetworkToken
	return b.call(ctx, http.MethodGet, b.base+"/tokens/network/"+id, nil, http.StatusOK, &nt)
}

func (b *baseline) RequestCryptogram(ctx context.Context, networkTokenID string) error {
	var nt baseNetworkToken
	if err := b.call(ctx, http.MethodGet, b.base+"/tokens/network/"+networkTokenID, nil, http.StatusOK, &nt); err != nil {
		return err
	}
	var cg baseCryptogram
	return b.call(ctx, http.MethodPost, nt.Links.Cryptogram.Href,
		map[string]string{"tokenNumber": nt.TokenPaymentInstrument.TokenNumber}, http.StatusOK, &cg)
}

// TestBaseline proves the reference client works against the simulator,
// so benchmarks comparing it with the Client compare like with like.
func TestBaseline(t *testing.T) {
	env := simEnv(t)
	b := env.Baseline(http.DefaultClient)
	ctx := context.Background()
	id, err := b.CreatePaymentToken(ctx)
	require.NoError(t, err)
	require.NoError(t, b.GetPaymentToken(ctx, id))
	nt, err := b.ProvisionNetworkToken(ctx, id)
	require.NoError(t, err)
	require.NoError(t, b.GetNetworkToken(ctx, nt))
	require.NoError(t, b.RequestCryptogram(ctx, nt))
}

// BenchmarkConformance measures the Client against a hand-written client
// doing the same HTTP exchanges with the simulator (see PERFORMANCE.md):
//
//	go test -run '^$' -bench . -benchmem ./providers/worldpay
func BenchmarkConformance(b *testing.B) { conformance.RunBenchmarks(b, simHarness()) }

// BenchmarkBackfill provisions network tokens for 10,000 and 100,000 cards
// through ProvisionNetworkTokens, beside the slice form it replaced, and
// at a rate limit; the heap figures show it flat (PERFORMANCE.md):
//
//	go test -run '^$' -bench Backfill -benchtime 1x ./providers/...
func BenchmarkBackfill(b *testing.B) { conformance.RunBackfillBenchmarks(b, simHarness()) }
