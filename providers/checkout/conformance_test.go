package checkout_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/conformance"
	_ "github.com/tokenize-go/tokenize/providers/checkout"
	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
)

// The simulator server is the suite's Simulator (checkoutsim does not
// import conformance).
var _ conformance.Simulator = (*checkoutsim.Server)(nil)

// testCVV has four digits, none of them among the digits of the
// simulator's ids and DPANs (2-7), so the suite's search for leaked CVVs
// cannot match a timestamp's milliseconds, an id or a masked DPAN by chance.
const testCVV = "9180"

func fixtures() conformance.Fixtures {
	return conformance.Fixtures{
		VisaCard:       tokenize.Card{Number: checkoutsim.VisaPAN, ExpiryMonth: 12, ExpiryYear: 2031, CVV: testCVV, HolderName: "Ada Lovelace"},
		MastercardCard: tokenize.Card{Number: checkoutsim.MastercardPAN, ExpiryMonth: 6, ExpiryYear: 2030, CVV: testCVV},
		DeclinedCard:   tokenize.Card{Number: checkoutsim.DeclinedPAN, ExpiryMonth: 1, ExpiryYear: 2032, CVV: testCVV},
		BankAccount: tokenize.BankAccount{AccountNumber: "918181918", RoutingNumber: "011000015",
			AccountType: tokenize.AccountChecking, HolderName: "Ada Lovelace"},
		UnknownPaymentTokenID: "src_aaaaaaaaaaaaaaaaaaaaaaaaaa",
		UnknownNetworkTokenID: "nt_aaaaaaaaaaaaaaaaaaaaaaaaaa",
		PendingCard:           tokenize.Card{Number: checkoutsim.RequestedPAN, ExpiryMonth: 9, ExpiryYear: 2034, CVV: testCVV},
	}
}

// simHarness runs the suite against a fresh simulator per test.
func simHarness() conformance.Harness {
	return conformance.Harness{Provider: "checkout", Fixtures: fixtures(), New: simEnv, RequestIDHeader: "Cko-Request-Id"}
}

func simEnv(t testing.TB, opts ...tokenize.Option) *conformance.Env {
	s := checkoutsim.NewServer()
	t.Cleanup(s.Close)
	ctx := context.Background()
	c, err := tokenize.Open(ctx, s.Config(), opts...)
	require.NoError(t, err)
	bad, err := tokenize.Open(ctx, tokenize.Config{Provider: "checkout", Settings: settingsJSON(t, map[string]string{
		"client_id": checkoutsim.ClientID, "client_secret": "wrong-secret", "public_key": "pk_sbox_wrongwrongwrong",
		"base_url": s.URL, "token_url": s.URL + "/connect/token",
	})}, opts...)
	require.NoError(t, err)
	return &conformance.Env{
		Client:         c,
		BadCredentials: bad,
		// The public key is publishable (browsers hold it), but it is still
		// a credential: the suite proves it never reaches logs or errors.
		Secrets:           []string{checkoutsim.ClientSecret, checkoutsim.SecretKey, checkoutsim.PublicKey, checkoutsim.WebhookKey},
		Sim:               s,
		Baseline:          func(hc *http.Client) conformance.Baseline { return newBaseline(hc, s.URL) },
		NewTemporaryToken: func(t testing.TB, card tokenize.Card) tokenize.Secret { return cardToken(t, s.URL, card) },
		Issuer:            s,
		Webhooks:          s,
	}
}

func liveEnv(id, secret, pk string) func(t testing.TB, opts ...tokenize.Option) *conformance.Env {
	return func(t testing.TB, opts ...tokenize.Option) *conformance.Env {
		env := os.Getenv("CHECKOUT_ENVIRONMENT")
		if env == "" {
			env = "sandbox"
		}
		ctx := context.Background()
		c, err := tokenize.Open(ctx, tokenize.Config{Provider: "checkout", Settings: settingsJSON(t, map[string]string{
			"environment": env, "client_id": id, "client_secret": secret, "public_key": pk,
		})}, opts...)
		require.NoError(t, err)
		bad, err := tokenize.Open(ctx, tokenize.Config{Provider: "checkout", Settings: settingsJSON(t, map[string]string{
			"environment": env, "client_id": id, "client_secret": "wrong-secret", "public_key": "pk_sbox_wrongwrongwrong",
		})}, opts...)
		require.NoError(t, err)
		return &conformance.Env{Client: c, BadCredentials: bad, Secrets: []string{secret, pk}}
	}
}

func settingsJSON(t testing.TB, m map[string]string) json.RawMessage {
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}

func TestConformance(t *testing.T) { conformance.Run(t, simHarness()) }

// TestConformanceLive runs the suite against Checkout.com when
// CHECKOUT_CLIENT_ID, CHECKOUT_CLIENT_SECRET and CHECKOUT_PUBLIC_KEY are
// set (CHECKOUT_ENVIRONMENT: sandbox, the default, or production). The
// sandbox has no network-token test cards (research notes §11), so the
// Declined case needs an account whose scheme declines the fixture.
func TestConformanceLive(t *testing.T) {
	id, secret, pk := os.Getenv("CHECKOUT_CLIENT_ID"), os.Getenv("CHECKOUT_CLIENT_SECRET"), os.Getenv("CHECKOUT_PUBLIC_KEY")
	if id == "" || secret == "" || pk == "" {
		t.Skip("live Checkout.com conformance: set CHECKOUT_CLIENT_ID, CHECKOUT_CLIENT_SECRET and CHECKOUT_PUBLIC_KEY (and optionally CHECKOUT_ENVIRONMENT, default sandbox) to run it")
	}
	conformance.Run(t, conformance.Harness{Provider: "checkout", Fixtures: fixtures(), Live: true, New: liveEnv(id, secret, pk)})
}

// cardToken creates a single-use tok_ token the way Frames does in a
// browser: POST /tokens with the public key.
func cardToken(t testing.TB, base string, card tokenize.Card) tokenize.Secret {
	body, _ := json.Marshal(map[string]any{"type": "card", "number": card.Number.Reveal(),
		"expiry_month": card.ExpiryMonth, "expiry_year": card.ExpiryYear, "cvv": card.CVV.Reveal()})
	req, _ := http.NewRequest(http.MethodPost, base+"/tokens", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+checkoutsim.PublicKey)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	var out struct {
		Token string `json:"token"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return tokenize.Secret(out.Token)
}

// baseline is the hand-written reference client: plain net/http and
// encoding/json doing the adapter's exchanges (one cached OAuth access
// token; POST /tokens then POST /instruments; GET /instruments/{id}; POST
// /network-tokens from the src_ id; GET /network-tokens/{id}; POST
// /network-tokens/{id}/cryptograms with ecom).
type baseline struct {
	hc   *http.Client
	base string

	mu    sync.Mutex
	token string
}

func newBaseline(hc *http.Client, base string) *baseline { return &baseline{hc: hc, base: base} }

func (b *baseline) accessToken(ctx context.Context) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.token != "" {
		return b.token, nil
	}
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"vault:instruments vault:network-tokens"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.base+"/connect/token", bytes.NewBufferString(form.Encode()))
	if err != nil {
		return "", err
	}
	req.SetBasicAuth(checkoutsim.ClientID, checkoutsim.ClientSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	var out struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if err := b.send(req, http.StatusOK, &out); err != nil {
		return "", err
	}
	b.token = out.AccessToken
	return b.token, nil
}

func (b *baseline) send(req *http.Request, want int, out any) error {
	resp, err := b.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	// Provisioning answers 200 for an existing token and 201 for a new one.
	if resp.StatusCode != want && !(want == http.StatusCreated && resp.StatusCode == http.StatusOK) {
		return fmt.Errorf("%s %s: HTTP %d", req.Method, req.URL.Path, resp.StatusCode)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(data, out)
}

func (b *baseline) call(ctx context.Context, method, path, auth string, body any, want int, out any) error {
	data, err := json.Marshal(body)
	if err != nil {
		return err
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, b.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+auth)
	return b.send(req, want, out)
}

// Plain wire structs, as a hand-written client would have them.
type (
	baseCardToken struct {
		Token string `json:"token"`
	}
	baseInstrument struct {
		ID          string `json:"id"`
		Type        string `json:"type"`
		Scheme      string `json:"scheme"`
		Last4       string `json:"last4"`
		Bin         string `json:"bin"`
		ExpiryMonth int    `json:"expiry_month"`
		ExpiryYear  int    `json:"expiry_year"`
	}
	baseNetworkToken struct {
		Card struct {
			Last4       string `json:"last4"`
			ExpiryMonth string `json:"expiry_month"`
			ExpiryYear  string `json:"expiry_year"`
		} `json:"card"`
		NetworkToken struct {
			ID          string `json:"id"`
			State       string `json:"state"`
			Number      string `json:"number"`
			ExpiryMonth string `json:"expiry_month"`
			ExpiryYear  string `json:"expiry_year"`
			Type        string `json:"type"`
			PAR         string `json:"payment_account_reference"`
			CreatedOn   string `json:"created_on"`
			ModifiedOn  string `json:"modified_on"`
		} `json:"network_token"`
		TokenRequestorID string `json:"token_requestor_id"`
		TokenSchemeID    string `json:"token_scheme_id"`
	}
	baseCryptogram struct {
		Cryptogram string `json:"cryptogram"`
		ECI        string `json:"eci"`
	}
)

func (b *baseline) CreatePaymentToken(ctx context.Context) (string, error) {
	at, err := b.accessToken(ctx)
	if err != nil {
		return "", err
	}
	var tok baseCardToken
	if err := b.call(ctx, http.MethodPost, "/tokens", checkoutsim.PublicKey, map[string]any{
		"type": "card", "number": checkoutsim.VisaPAN, "expiry_month": 12, "expiry_year": 2031,
		"name": "Ada Lovelace", "cvv": testCVV,
	}, http.StatusCreated, &tok); err != nil {
		return "", err
	}
	var ins baseInstrument
	if err := b.call(ctx, http.MethodPost, "/instruments", at, map[string]any{"type": "token", "token": tok.Token},
		http.StatusCreated, &ins); err != nil {
		return "", err
	}
	return ins.ID, nil
}

func (b *baseline) GetPaymentToken(ctx context.Context, id string) error {
	at, err := b.accessToken(ctx)
	if err != nil {
		return err
	}
	var ins baseInstrument
	return b.call(ctx, http.MethodGet, "/instruments/"+id, at, nil, http.StatusOK, &ins)
}

func (b *baseline) ProvisionNetworkToken(ctx context.Context, paymentTokenID string) (string, error) {
	at, err := b.accessToken(ctx)
	if err != nil {
		return "", err
	}
	var nt baseNetworkToken
	err = b.call(ctx, http.MethodPost, "/network-tokens", at,
		map[string]any{"source": map[string]string{"type": "id", "id": paymentTokenID}}, http.StatusCreated, &nt)
	return nt.NetworkToken.ID, err
}

func (b *baseline) GetNetworkToken(ctx context.Context, id string) error {
	at, err := b.accessToken(ctx)
	if err != nil {
		return err
	}
	var nt baseNetworkToken
	return b.call(ctx, http.MethodGet, "/network-tokens/"+id, at, nil, http.StatusOK, &nt)
}

func (b *baseline) RequestCryptogram(ctx context.Context, networkTokenID string) error {
	at, err := b.accessToken(ctx)
	if err != nil {
		return err
	}
	var cg baseCryptogram
	return b.call(ctx, http.MethodPost, "/network-tokens/"+networkTokenID+"/cryptograms", at,
		map[string]string{"transaction_type": "ecom"}, http.StatusCreated, &cg)
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
