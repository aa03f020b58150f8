package conformance_test

// toy is a tiny HTTP provider used to develop and test RunBenchmarks and
// RunLoad without the real adapters: an httptest server speaking JSON for
// the five benchmarked operations, an adapter built on internal/httpx like
// the real ones, and the hand-written baseline doing the same exchanges.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/conformance"
	"github.com/tokenize-go/tokenize/faults"
	"github.com/tokenize-go/tokenize/internal/httpx"
)

const (
	toyName      = "toy"
	toyKey       = "toy-api-key-0123456789"
	toyUserAgent = "tokenize-go/" + tokenize.Version
	toyECommerce = "ecom" // tokenize.ECommerce on the toy wire
)

func init() { tokenize.Register(toyName, openToy) }

// Wire types, shared by the simulator, the adapter and the baseline (the
// baseline's own copy would be identical).

type toyCard struct {
	Number      string `json:"number"`
	ExpiryMonth int    `json:"expiry_month"`
	ExpiryYear  int    `json:"expiry_year"`
	CVV         string `json:"cvv,omitempty"`
	HolderName  string `json:"holder_name,omitempty"`
}

type toyPaymentToken struct {
	ID          string `json:"id"`
	Brand       string `json:"brand"`
	BIN         string `json:"bin"`
	Last4       string `json:"last4"`
	ExpiryMonth int    `json:"expiry_month"`
	ExpiryYear  int    `json:"expiry_year"`
	HolderName  string `json:"holder_name,omitempty"`
}

type toyNetworkToken struct {
	ID             string `json:"id"`
	PaymentTokenID string `json:"payment_token_id,omitempty"`
	State          string `json:"state"`
	Number         string `json:"number"`
	ExpiryMonth    int    `json:"expiry_month"`
	ExpiryYear     int    `json:"expiry_year"`
	Last4          string `json:"card_last4"`
}

type toyProvisionRequest struct {
	PaymentTokenID string   `json:"payment_token_id,omitempty"`
	Card           *toyCard `json:"card,omitempty"`
}

type toyCryptogramRequest struct {
	TransactionType string `json:"transaction_type"`
}

type toyCryptogram struct {
	Cryptogram string `json:"cryptogram"`
	ECI        string `json:"eci"`
}

// toySim is the server.
type toySim struct {
	srv   *httptest.Server
	inj   *faults.Injector
	conns atomic.Int64

	mu       sync.Mutex
	payments map[string]toyPaymentToken
	tokens   map[string]toyNetworkToken
}

func newToySim(t testing.TB) *toySim {
	s := &toySim{inj: faults.New(), payments: map[string]toyPaymentToken{}, tokens: map[string]toyNetworkToken{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /payment-tokens", s.createPaymentToken)
	mux.HandleFunc("GET /payment-tokens/{id}", s.getPaymentToken)
	mux.HandleFunc("POST /network-tokens", s.provision)
	mux.HandleFunc("GET /network-tokens/{id}", s.getNetworkToken)
	mux.HandleFunc("POST /network-tokens/{id}/cryptograms", s.cryptogram)
	auth := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+toyKey {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		mux.ServeHTTP(w, r)
	})
	s.srv = httptest.NewUnstartedServer(s.inj.Wrap(auth))
	s.srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.srv.Start()
	t.Cleanup(s.srv.Close)
	return s
}

func (s *toySim) Requests() int64                                               { return s.inj.Requests() }
func (s *toySim) Faults() *faults.Injector                                      { return s.inj }
func (s *toySim) Connections() int64                                            { return s.conns.Load() }
func (s *toySim) SetNetworkTokenState(string, tokenize.NetworkTokenState) error { return nil }

func toyID(prefix string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return prefix + "_" + hex.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Request-Id", toyID("req"))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return false
	}
	return true
}

func (s *toySim) createPaymentToken(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Card toyCard `json:"card"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	n := req.Card.Number
	if len(n) < 12 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		return
	}
	pt := toyPaymentToken{ID: toyID("pt"), Brand: "visa", BIN: n[:6], Last4: n[len(n)-4:],
		ExpiryMonth: req.Card.ExpiryMonth, ExpiryYear: req.Card.ExpiryYear, HolderName: req.Card.HolderName}
	s.mu.Lock()
	s.payments[pt.ID] = pt
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, pt)
}

func (s *toySim) getPaymentToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	pt, ok := s.payments[r.PathValue("id")]
	s.mu.Unlock()
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	writeJSON(w, http.StatusOK, pt)
}

func (s *toySim) provision(w http.ResponseWriter, r *http.Request) {
	var req toyProvisionRequest
	if !readJSON(w, r, &req) {
		return
	}
	nt := toyNetworkToken{ID: toyID("nt"), PaymentTokenID: req.PaymentTokenID, State: "active",
		Number: "4895370012003478", ExpiryMonth: 12, ExpiryYear: 2033}
	s.mu.Lock()
	switch {
	case req.Card != nil:
		nt.Last4 = req.Card.Number[len(req.Card.Number)-4:]
	default:
		pt, ok := s.payments[req.PaymentTokenID]
		if !ok {
			s.mu.Unlock()
			w.WriteHeader(http.StatusNotFound)
			return
		}
		nt.Last4 = pt.Last4
	}
	s.tokens[nt.ID] = nt
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, nt)
}

func (s *toySim) getNetworkToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	nt, ok := s.tokens[r.PathValue("id")]
	s.mu.Unlock()
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	writeJSON(w, http.StatusOK, nt)
}

func (s *toySim) cryptogram(w http.ResponseWriter, r *http.Request) {
	var req toyCryptogramRequest
	if !readJSON(w, r, &req) {
		return
	}
	s.mu.Lock()
	_, ok := s.tokens[r.PathValue("id")]
	s.mu.Unlock()
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	writeJSON(w, http.StatusCreated, toyCryptogram{Cryptogram: base64.StdEncoding.EncodeToString(b), ECI: "07"})
}

// toyProvider is the adapter, written the way the real ones are.
type toyProvider struct {
	http    *httpx.Client
	baseURL string
	header  http.Header
}

func openToy(_ context.Context, settings json.RawMessage, opts tokenize.OpenOptions) (tokenize.Provider, error) {
	var s struct {
		BaseURL string `json:"base_url"`
		APIKey  string `json:"api_key"`
	}
	if err := json.Unmarshal(settings, &s); err != nil {
		return nil, tokenize.InvalidSetting("", err.Error())
	}
	hx, err := httpx.NewClient(opts.HTTPClient)
	if err != nil {
		return nil, err
	}
	hx.RequestIDHeader = "Request-Id"
	h := http.Header{}
	h.Set("Authorization", "Bearer "+s.APIKey)
	h.Set("Content-Type", "application/json")
	h.Set("Accept", "application/json")
	return &toyProvider{http: hx, baseURL: s.BaseURL, header: h}, nil
}

func (p *toyProvider) Name() string { return toyName }

func (p *toyProvider) Capabilities() tokenize.Capabilities {
	return tokenize.Capabilities{
		Operations: []tokenize.Operation{tokenize.OpCreatePaymentToken, tokenize.OpGetPaymentToken,
			tokenize.OpProvisionNetworkToken, tokenize.OpGetNetworkToken, tokenize.OpRequestCryptogram},
		PaymentMethods:            []tokenize.PaymentMethodKind{tokenize.KindCard},
		ProvisionFromPaymentToken: true,
		ProvisionFromCard:         true,
		TransactionTypes:          []tokenize.TransactionType{tokenize.ECommerce},
	}
}

// do sends one request and decodes a 2xx answer into out.
func (p *toyProvider) do(ctx context.Context, method, path string, in, out any, idempotent bool) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return &tokenize.Error{Code: tokenize.Internal, Message: "cannot encode request", Err: err}
		}
	}
	resp, err := p.http.Do(ctx, httpx.Request{Method: method, URL: p.baseURL + path, Header: p.header, Body: body, Idempotent: idempotent})
	if err != nil {
		return err
	}
	if resp.Status < 200 || resp.Status > 299 {
		return httpx.StatusError(resp)
	}
	if e := httpx.DecodeJSON(resp, out); e != nil {
		return e
	}
	return nil
}

func toyPT(w *toyPaymentToken) *tokenize.PaymentToken {
	return &tokenize.PaymentToken{ID: w.ID, Kind: tokenize.KindCard, Card: &tokenize.CardDetails{
		Brand: tokenize.BrandVisa, BIN: w.BIN, Last4: w.Last4, MaskedNumber: w.BIN + "******" + w.Last4,
		ExpiryMonth: w.ExpiryMonth, ExpiryYear: w.ExpiryYear, HolderName: w.HolderName}}
}

func toyNT(w *toyNetworkToken) *tokenize.NetworkToken {
	st := tokenize.StateActive
	if w.State != "active" {
		st = tokenize.StateInactive
	}
	return &tokenize.NetworkToken{ID: w.ID, PaymentTokenID: w.PaymentTokenID, State: st, Scheme: tokenize.SchemeVTS,
		Number: tokenize.PAN(w.Number), ExpiryMonth: w.ExpiryMonth, ExpiryYear: w.ExpiryYear, CardLast4: w.Last4}
}

func wireCard(c *tokenize.Card) *toyCard {
	return &toyCard{Number: c.Number.Reveal(), ExpiryMonth: c.ExpiryMonth, ExpiryYear: c.ExpiryYear, CVV: c.CVV.Reveal(), HolderName: c.HolderName}
}

func (p *toyProvider) CreatePaymentToken(ctx context.Context, req *tokenize.CreatePaymentTokenRequest) (*tokenize.PaymentToken, error) {
	var out toyPaymentToken
	in := struct {
		Card *toyCard `json:"card"`
	}{wireCard(req.Card)}
	if err := p.do(ctx, http.MethodPost, "/payment-tokens", in, &out, false); err != nil {
		return nil, err
	}
	return toyPT(&out), nil
}

func (p *toyProvider) GetPaymentToken(ctx context.Context, id string) (*tokenize.PaymentToken, error) {
	var out toyPaymentToken
	if err := p.do(ctx, http.MethodGet, "/payment-tokens/"+id, nil, &out, true); err != nil {
		return nil, err
	}
	return toyPT(&out), nil
}

func (p *toyProvider) ProvisionNetworkToken(ctx context.Context, req *tokenize.ProvisionNetworkTokenRequest) (*tokenize.NetworkToken, error) {
	in := toyProvisionRequest{PaymentTokenID: req.PaymentTokenID}
	if req.Card != nil {
		in.Card = wireCard(req.Card)
	}
	var out toyNetworkToken
	if err := p.do(ctx, http.MethodPost, "/network-tokens", in, &out, false); err != nil {
		return nil, err
	}
	return toyNT(&out), nil
}

func (p *toyProvider) GetNetworkToken(ctx context.Context, id string) (*tokenize.NetworkToken, error) {
	var out toyNetworkToken
	if err := p.do(ctx, http.MethodGet, "/network-tokens/"+id, nil, &out, true); err != nil {
		return nil, err
	}
	return toyNT(&out), nil
}

func (p *toyProvider) RequestCryptogram(ctx context.Context, req *tokenize.CryptogramRequest) (*tokenize.Cryptogram, error) {
	var out toyCryptogram
	in := toyCryptogramRequest{TransactionType: req.TransactionType.String()}
	if err := p.do(ctx, http.MethodPost, "/network-tokens/"+req.NetworkTokenID+"/cryptograms", in, &out, true); err != nil {
		return nil, err
	}
	return &tokenize.Cryptogram{NetworkTokenID: req.NetworkTokenID, TransactionType: req.TransactionType,
		Value: tokenize.Secret(out.Cryptogram), ECI: out.ECI}, nil
}

func (p *toyProvider) DeletePaymentToken(context.Context, string) error {
	return &tokenize.Error{Code: tokenize.Unsupported}
}

func (p *toyProvider) DeleteNetworkToken(context.Context, *tokenize.DeleteNetworkTokenRequest) error {
	return &tokenize.Error{Code: tokenize.Unsupported}
}

// toyBaseline is the hand-written floor: net/http and encoding/json only,
// the same requests (method, path, headers, body) and the same decoding
// into plain structs, no validation, mapping or retries.
type toyBaseline struct {
	hc      *http.Client
	baseURL string
	card    toyCard
}

func (b *toyBaseline) exchange(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		data, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, b.baseURL+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+toyKey)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", toyUserAgent)
	resp, err := b.hc.Do(req)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: HTTP %d", method, path, resp.StatusCode)
	}
	return json.Unmarshal(data, out)
}

func (b *toyBaseline) CreatePaymentToken(ctx context.Context) (string, error) {
	var out toyPaymentToken
	in := struct {
		Card *toyCard `json:"card"`
	}{&b.card}
	err := b.exchange(ctx, http.MethodPost, "/payment-tokens", in, &out)
	return out.ID, err
}

func (b *toyBaseline) GetPaymentToken(ctx context.Context, id string) error {
	var out toyPaymentToken
	return b.exchange(ctx, http.MethodGet, "/payment-tokens/"+id, nil, &out)
}

func (b *toyBaseline) ProvisionNetworkToken(ctx context.Context, paymentTokenID string) (string, error) {
	in := toyProvisionRequest{PaymentTokenID: paymentTokenID}
	if paymentTokenID == "" {
		in.Card = &b.card
	}
	var out toyNetworkToken
	err := b.exchange(ctx, http.MethodPost, "/network-tokens", in, &out)
	return out.ID, err
}

func (b *toyBaseline) GetNetworkToken(ctx context.Context, id string) error {
	var out toyNetworkToken
	return b.exchange(ctx, http.MethodGet, "/network-tokens/"+id, nil, &out)
}

func (b *toyBaseline) RequestCryptogram(ctx context.Context, networkTokenID string) error {
	var out toyCryptogram
	return b.exchange(ctx, http.MethodPost, "/network-tokens/"+networkTokenID+"/cryptograms",
		toyCryptogramRequest{TransactionType: toyECommerce}, &out)
}

var toyVisa = tokenize.Card{Number: "4242424242424242", ExpiryMonth: 12, ExpiryYear: 2030, CVV: "837", HolderName: "Ada Lovelace"}

func toyHarness() conformance.Harness {
	return conformance.Harness{
		Provider: toyName,
		New: func(t testing.TB, opts ...tokenize.Option) *conformance.Env {
			sim := newToySim(t)
			open := func(key string) *tokenize.Client {
				settings, _ := json.Marshal(map[string]string{"base_url": sim.srv.URL, "api_key": key})
				c, err := tokenize.Open(context.Background(), tokenize.Config{Provider: toyName, Settings: settings}, opts...)
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				return c
			}
			return &conformance.Env{
				Client:         open(toyKey),
				BadCredentials: open("wrong"),
				Secrets:        []string{toyKey},
				Sim:            sim,
				Baseline: func(hc *http.Client) conformance.Baseline {
					return &toyBaseline{hc: hc, baseURL: sim.srv.URL, card: *wireCard(&toyVisa)}
				},
			}
		},
		Fixtures: conformance.Fixtures{VisaCard: toyVisa, UnknownPaymentTokenID: "pt_unknown", UnknownNetworkTokenID: "nt_unknown"},
	}
}

// TestToyTransactionTypeWire pins the one value the baseline hard-codes.
func TestToyTransactionTypeWire(t *testing.T) {
	if got := tokenize.ECommerce.String(); got != toyECommerce {
		t.Fatalf("ECommerce.String() = %q; the toy baseline sends %q", got, toyECommerce)
	}
}
