// Package checkoutsim is an in-process simulator of the Checkout.com APIs
// the checkout adapter uses: the OAuth token endpoint (/connect/token),
// card tokens (/tokens), instruments (/instruments) and network tokens
// (/network-tokens with its cryptograms and delete sub-resources).
//
// It follows seed 002 and the research notes: a Cko-Request-Id header on
// every answer, error bodies {request_id, error_type, error_codes}, empty
// 401 bodies, 415 for a body that is not JSON, 422 listing one code per bad
// field, 200 for an existing network token and 201 for a new one, the DPAN
// and its expiry only for active, suspended or inactive tokens, and a fresh
// base64 cryptogram per call. Tests steer it: SetNetworkTokenState
// suspends or reactivates a token, ExpireAccessTokens revokes every access
// token, WithClock and WithTokenTTL control expiry, TokenRequests counts
// token requests, and Faults injects network and server failures.
//
//	s := checkoutsim.NewServer()
//	defer s.Close()
//	client, err := tokenize.Open(ctx, s.Config())
//
// The package imports only the standard library, the root tokenize package
// (for NetworkTokenState) and faults.
package checkoutsim

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/faults"
)

// Credentials the simulator accepts by default.
const (
	// ClientID is the OAuth access key id. Its {prefix} is "simulato".
	ClientID = "cli_simulatorclientid0000000"
	// ClientSecret is the OAuth access key secret.
	ClientSecret = "sim-client-secret-3c1e9b7a"
	// PublicKey authenticates POST /tokens.
	PublicKey = "pk_sbox_simulatorpublickey23456abc"
	// SecretKey authenticates /instruments as an alternative to OAuth.
	SecretKey = "sk_sbox_simulatorsecretkey23456abc"
)

// Test cards (valid Luhn). Any other valid card behaves like the one of
// its brand.
const (
	// VisaPAN provisions an active VTS network token.
	VisaPAN = "4242424242424242"
	// MastercardPAN provisions an active MDES network token.
	MastercardPAN = "5436031030606378"
	// DeclinedPAN is a Visa card whose network token provisioning the
	// scheme declines: the token is created in state declined.
	DeclinedPAN = "4000000000000002"
)

// DeletedState is what a network token reads as after PATCH
// /network-tokens/{id}/delete: the research notes (§7.2) leave "inactive
// or 404" open; the simulator keeps the token, inactive, so later reads
// return it (with its DPAN, as for every inactive token) and cryptogram
// requests fail with 422 token_state_invalid.
const DeletedState = tokenize.StateInactive

// Scopes the token endpoint grants (research notes §2.4).
const (
	ScopeVault              = "vault"
	ScopeVaultInstruments   = "vault:instruments"
	ScopeVaultNetworkTokens = "vault:network-tokens"
	ScopeVaultTokenization  = "vault:tokenization"
)

// Error codes the simulator sends beyond the documented vocabulary.
const (
	// CodeSourceUnknown: provisioning from a well-formed src_ id that does
	// not exist (seed 002 lists no 404 for provisioning).
	CodeSourceUnknown = "source_id_unknown"
	// CodeTokenStateInvalid: a cryptogram for a token that is not active.
	CodeTokenStateInvalid = "token_state_invalid"
)

// CryptogramECI is the ECI of every cryptogram: seed 002's example, "7",
// unpadded. A cryptogram from /network-tokens carries no 3-D Secure
// authentication, so an "authenticated" ECI (Visa 05, Mastercard 02) would
// be a false claim.
const CryptogramECI = "7"

// DefaultTokenTTL is the lifetime of an access token (expires_in 3600).
const DefaultTokenTTL = time.Hour

// cardTokenTTL: "tokens are single use and expire after 15 minutes".
const cardTokenTTL = 15 * time.Minute

// Option configures a Simulator.
type Option func(*Simulator)

// WithClock sets the simulator's clock (access and card token expiry,
// timestamps). The default is time.Now.
func WithClock(now func() time.Time) Option { return func(s *Simulator) { s.now = now } }

// WithTokenTTL sets the lifetime of the access tokens it issues.
func WithTokenTTL(d time.Duration) Option { return func(s *Simulator) { s.tokenTTL = d } }

// WithCredentials replaces the accepted OAuth client id and secret.
func WithCredentials(clientID, clientSecret string) Option {
	return func(s *Simulator) { s.clientID, s.clientSecret = clientID, clientSecret }
}

// Simulator is the simulated Checkout.com API. It is safe for concurrent
// use.
type Simulator struct {
	now          func() time.Time
	tokenTTL     time.Duration
	clientID     string
	clientSecret string
	inj          *faults.Injector
	handler      http.Handler

	requests      atomic.Int64
	tokenRequests atomic.Int64

	mu            sync.Mutex
	accessTokens  map[string]accessToken
	cardTokens    map[string]*cardToken
	instruments   map[string]*instrument
	networkTokens map[string]*networkToken
	bySource      map[string]string // "src:<id>" or "card:<pan>" -> nt id
}

type accessToken struct {
	expires time.Time
	scopes  []string
}

type card struct {
	number      string
	expiryMonth int
	expiryYear  int
	name        string
}

type cardToken struct {
	card
	expires time.Time
	used    bool
}

type instrument struct {
	id          string
	kind        string // card or ach
	card        card
	fingerprint string
	customerID  string
	email       string
	ach         achData
	created     time.Time
}

// networkToken is a stored network token. scheme is the wire "type" (vts
// or mdes); dpan and its expiry are empty until the scheme issues them.
type networkToken struct {
	id, state, scheme   string
	dpan                string
	expMonth, expYear   int
	cardLast4           string
	cardMonth, cardYear int
	par, trid           string
	tokenSchemeID       string // token_scheme_id
	created, modified   time.Time
}

// New returns a Simulator with no data.
func New(opts ...Option) *Simulator {
	s := &Simulator{
		now:           time.Now,
		tokenTTL:      DefaultTokenTTL,
		clientID:      ClientID,
		clientSecret:  ClientSecret,
		inj:           faults.New(),
		accessTokens:  map[string]accessToken{},
		cardTokens:    map[string]*cardToken{},
		instruments:   map[string]*instrument{},
		networkTokens: map[string]*networkToken{},
		bySource:      map[string]string{},
	}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /connect/token", s.connectToken)
	mux.HandleFunc("POST /tokens", s.createCardToken)
	mux.HandleFunc("POST /instruments", s.createInstrument)
	mux.HandleFunc("GET /instruments/{id}", s.getInstrument)
	mux.HandleFunc("DELETE /instruments/{id}", s.deleteInstrument)
	mux.HandleFunc("POST /network-tokens", s.provision)
	mux.HandleFunc("GET /network-tokens/{id}", s.getNetworkToken)
	mux.HandleFunc("POST /network-tokens/{id}/cryptograms", s.cryptogram)
	mux.HandleFunc("PATCH /network-tokens/{id}/delete", s.deleteNetworkToken)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotFound) })
	inner := s.inj.Wrap(mux)
	s.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		if r.URL.Path == "/connect/token" {
			s.tokenRequests.Add(1)
		}
		w.Header().Set("Cko-Request-Id", newID(""))
		inner.ServeHTTP(w, r)
	})
	return s
}

// Format prints the simulator's counters only, for every verb: its state
// holds card numbers, the client secret and access tokens, which fmt would
// otherwise print by reflection. A *Server prints the same.
func (s *Simulator) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "checkoutsim.Simulator{requests: %d, token_requests: %d}", s.requests.Load(), s.tokenRequests.Load())
}

// Handler returns the API, wrapped by Faults().
func (s *Simulator) Handler() http.Handler { return s.handler }

// Requests returns how many HTTP requests the simulator received, on every
// endpoint.
func (s *Simulator) Requests() int64 { return s.requests.Load() }

// TokenRequests returns how many requests reached the access-token
// endpoint.
func (s *Simulator) TokenRequests() int64 { return s.tokenRequests.Load() }

// Faults returns the fault injector wrapping the API.
func (s *Simulator) Faults() *faults.Injector { return s.inj }

// ExpireAccessTokens revokes every access token issued so far: API calls
// using one get 401 until a new token is requested.
func (s *Simulator) ExpireAccessTokens() {
	s.mu.Lock()
	clear(s.accessTokens)
	s.mu.Unlock()
}

// SetNetworkTokenState forces the state of a network token, as an issuer
// or cardholder action would. Only the states Checkout.com reports
// (active, suspended, inactive, declined, requested) are accepted.
func (s *Simulator) SetNetworkTokenState(id string, st tokenize.NetworkTokenState) error {
	name := ""
	switch st {
	case tokenize.StateActive, tokenize.StateSuspended, tokenize.StateInactive, tokenize.StateDeclined, tokenize.StateRequested:
		name = st.String()
	default:
		return errors.New("checkoutsim: Checkout.com has no network token state " + st.String())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	nt := s.networkTokens[id]
	if nt == nil {
		return errors.New("checkoutsim: unknown network token " + id)
	}
	nt.state, nt.modified = name, s.now().UTC()
	if hasDPAN(name) && nt.dpan == "" {
		// A token the scheme declined has no DPAN yet; one it now
		// activates gets one, as at provisioning.
		s.issueDPAN(nt)
	}
	return nil
}

// hasDPAN reports the states whose answers carry the DPAN and its expiry
// (seed 002: "only returned when the network token status is one of:
// active, suspended, inactive").
func hasDPAN(state string) bool {
	return state == "active" || state == "suspended" || state == "inactive"
}

// issueDPAN gives nt a DPAN, its expiry and a scheme token id; s.mu must
// be held.
func (s *Simulator) issueDPAN(nt *networkToken) {
	nt.dpan, nt.expMonth, nt.expYear = dpan(nt.scheme == "vts"), nt.cardMonth, s.now().UTC().Year()+3
	nt.tokenSchemeID = newID("scheme_")
}

// --- helpers -------------------------------------------------------------

const base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567"

// newID returns prefix + 26 random lowercase base32 characters.
func newID(prefix string) string {
	var b [26]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = base32Alphabet[b[i]%32]
	}
	return prefix + string(b[:])
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError sends Checkout's error envelope.
func writeError(w http.ResponseWriter, status int, errorType string, codes ...string) {
	body := map[string]any{"request_id": w.Header().Get("Cko-Request-Id"), "error_type": errorType}
	if len(codes) > 0 {
		body["error_codes"] = codes
	}
	writeJSON(w, status, body)
}

func invalid(w http.ResponseWriter, codes ...string) {
	writeError(w, http.StatusUnprocessableEntity, "request_invalid", codes...)
}

// isJSON reports a JSON request body (415 otherwise).
func isJSON(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// decode reads a JSON body, answering 415 or 422 itself on failure.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if !isJSON(r) {
		w.WriteHeader(http.StatusUnsupportedMediaType)
		return false
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(v); err != nil {
		invalid(w, "request_json_invalid")
		return false
	}
	return true
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return strings.TrimSpace(h)
}

// authorize checks an OAuth access token carrying one of scopes, or, when
// secretKeyOK, the secret key. It answers 401 (empty body) or 403 itself.
func (s *Simulator) authorize(w http.ResponseWriter, r *http.Request, secretKeyOK bool, scopes ...string) bool {
	cred := bearer(r)
	if secretKeyOK && cred == SecretKey {
		return true
	}
	s.mu.Lock()
	at, ok := s.accessTokens[cred]
	s.mu.Unlock()
	if !ok || !s.now().Before(at.expires) {
		w.WriteHeader(http.StatusUnauthorized)
		return false
	}
	for _, have := range at.scopes {
		for _, want := range scopes {
			if have == want || have == ScopeVault {
				return true
			}
		}
	}
	w.WriteHeader(http.StatusForbidden)
	return false
}

func luhn(n string) bool {
	sum, alt := 0, false
	for i := len(n) - 1; i >= 0; i-- {
		d := int(n[i] - '0')
		if alt {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		alt = !alt
	}
	return sum%10 == 0
}

func digits(s string, lo, hi int) bool {
	if len(s) < lo || len(s) > hi {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// checkCard returns one error code per bad field.
func (s *Simulator) checkCard(number string, month, year int, cvv string) []string {
	var codes []string
	switch {
	case number == "":
		codes = append(codes, "card_number_required")
	case !digits(number, 12, 19) || !luhn(number):
		codes = append(codes, "card_number_invalid")
	}
	monthOK, yearOK := true, true
	switch {
	case month == 0:
		codes, monthOK = append(codes, "card_expiry_month_required"), false
	case month < 1 || month > 12:
		codes, monthOK = append(codes, "card_expiry_month_invalid"), false
	}
	switch {
	case year == 0:
		codes, yearOK = append(codes, "card_expiry_year_required"), false
	case year < 1000 || year > 9999:
		codes, yearOK = append(codes, "card_expiry_year_invalid"), false
	}
	if monthOK && yearOK {
		now := s.now().UTC()
		if year < now.Year() || (year == now.Year() && month < int(now.Month())) {
			codes = append(codes, "card_expired")
		}
	}
	if cvv != "" && !digits(cvv, 3, 4) {
		codes = append(codes, "cvv_invalid")
	}
	return codes
}

// stringField reads a numeric string field of lo to hi digits: 0 when
// absent, -1 when malformed.
func stringField(v string, lo, hi int) int {
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || !digits(v, lo, hi) {
		return -1
	}
	return n
}

func schemeOf(number string) string {
	if strings.HasPrefix(number, "4") {
		return "Visa"
	}
	return "Mastercard"
}

// fingerprint is a stable opaque id of a card number (FNV-1a, base32).
func fingerprint(s string) string {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	var b [26]byte
	for i := range b {
		b[i] = base32Alphabet[h%32]
		h = h*6364136223846793005 + 1442695040888963407
	}
	return string(b[:])
}

// dpan returns a random Luhn-valid 16-digit token number in a token BIN
// range of the scheme.
func dpan(vts bool) string {
	prefix := "489537"
	if !vts {
		prefix = "520473"
	}
	var b [9]byte
	_, _ = rand.Read(b[:])
	n := []byte(prefix)
	for _, x := range b {
		// Digits 2-7 only, like the base32 ids: a test CVV made of other
		// digits can then never match a DPAN's visible last four.
		n = append(n, '2'+x%6)
	}
	for c := byte('0'); c <= '9'; c++ {
		if luhn(string(append(n, c))) {
			return string(append(n, c))
		}
	}
	return ""
}

// --- /connect/token --------------------------------------------------------

var grantable = map[string]bool{ScopeVault: true, ScopeVaultInstruments: true, ScopeVaultNetworkTokens: true, ScopeVaultTokenization: true}

func (s *Simulator) connectToken(w http.ResponseWriter, r *http.Request) {
	oauthErr := func(code string) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": code})
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/x-www-form-urlencoded" || r.ParseForm() != nil {
		oauthErr("invalid_request")
		return
	}
	id, secret, basic := r.BasicAuth()
	if basic {
		// RFC 6749 §2.3.1: both parts are form-urlencoded inside the
		// Basic credentials; a part that does not decode matches nothing.
		id, secret = formDecode(id), formDecode(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if r.PostForm.Get("grant_type") != "client_credentials" {
		oauthErr("unsupported_grant_type")
		return
	}
	if id != s.clientID || secret != s.clientSecret {
		oauthErr("invalid_client")
		return
	}
	scopes := strings.Fields(r.PostForm.Get("scope"))
	if len(scopes) == 0 {
		scopes = []string{ScopeVault}
	}
	for _, sc := range scopes {
		if !grantable[sc] {
			oauthErr("invalid_scope")
			return
		}
	}
	tok := "eyJhbGciOiJub25lIn0." + newID("") + newID("")
	s.mu.Lock()
	s.accessTokens[tok] = accessToken{expires: s.now().Add(s.tokenTTL), scopes: scopes}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok, "token_type": "Bearer",
		"expires_in": int64(s.tokenTTL / time.Second), "scope": strings.Join(scopes, " "),
	})
}

// formDecode undoes application/x-www-form-urlencoded encoding, or returns
// "" when v is not validly encoded.
func formDecode(v string) string {
	d, err := url.QueryUnescape(v)
	if err != nil {
		return ""
	}
	return d
}

// --- /tokens ----------------------------------------------------------------

func (s *Simulator) createCardToken(w http.ResponseWriter, r *http.Request) {
	if bearer(r) != PublicKey {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var req struct {
		Type        string `json:"type"`
		Number      string `json:"number"`
		ExpiryMonth int    `json:"expiry_month"`
		ExpiryYear  int    `json:"expiry_year"`
		Name        string `json:"name"`
		CVV         string `json:"cvv"`
	}
	if !decode(w, r, &req) {
		return
	}
	var codes []string
	if req.Type != "card" {
		codes = append(codes, "token_type_invalid")
	}
	codes = append(codes, s.checkCard(req.Number, req.ExpiryMonth, req.ExpiryYear, req.CVV)...)
	if len(codes) > 0 {
		invalid(w, codes...)
		return
	}
	now := s.now().UTC()
	id := newID("tok_")
	c := card{number: req.Number, expiryMonth: req.ExpiryMonth, expiryYear: req.ExpiryYear, name: req.Name}
	s.mu.Lock()
	s.cardTokens[id] = &cardToken{card: c, expires: now.Add(cardTokenTTL)}
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{
		"type": "card", "token": id, "expires_on": now.Add(cardTokenTTL).Format(time.RFC3339),
		"expiry_month": c.expiryMonth, "expiry_year": c.expiryYear, "scheme": strings.ToUpper(schemeOf(c.number)),
		"last4": c.number[len(c.number)-4:], "bin": c.number[:6], "card_type": "CREDIT", "card_category": "CONSUMER",
		"issuer_country": "US",
	})
}

// --- /instruments ------------------------------------------------------------

type achData struct {
	AccountType   string `json:"account_type"`
	AccountNumber string `json:"account_number"`
	BankCode      string `json:"bank_code"`
	Currency      string `json:"currency"`
	Country       string `json:"country"`
}

func (s *Simulator) createInstrument(w http.ResponseWriter, r *http.Request) {
	if !s.authorize(w, r, true, ScopeVaultInstruments) {
		return
	}
	var req struct {
		Type           string   `json:"type"`
		Token          string   `json:"token"`
		InstrumentData *achData `json:"instrument_data"`
		Customer       *struct {
			ID    string `json:"id"`
			Email string `json:"email"`
		} `json:"customer"`
	}
	if !decode(w, r, &req) {
		return
	}
	in := &instrument{id: newID("src_"), created: s.now().UTC()}
	var codes []string
	if c := req.Customer; c != nil {
		switch {
		case c.ID != "" && (!strings.HasPrefix(c.ID, "cus_") || len(c.ID) != 30):
			codes = append(codes, "customer_id_invalid")
		case c.ID == "" && !strings.Contains(c.Email, "@"):
			codes = append(codes, "email_invalid")
		}
		in.customerID, in.email = c.ID, c.Email
		if in.customerID == "" {
			in.customerID = newID("cus_")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch req.Type {
	case "token":
		ct := s.cardTokens[req.Token]
		switch {
		case req.Token == "":
			codes = append(codes, "token_required")
		case ct == nil:
			codes = append(codes, "token_invalid")
		case ct.used:
			codes = append(codes, "token_used")
		case !s.now().Before(ct.expires):
			codes = append(codes, "token_expired")
		}
		if len(codes) > 0 {
			invalid(w, codes...)
			return
		}
		ct.used = true
		in.kind, in.card, in.fingerprint = "card", ct.card, fingerprint(ct.number)
	case "ach":
		d := req.InstrumentData
		if d == nil {
			codes = append(codes, "instrument_data_required")
		} else {
			if d.AccountType != "checking" && d.AccountType != "savings" {
				codes = append(codes, "account_type_invalid")
			}
			if !digits(d.AccountNumber, 4, 17) {
				codes = append(codes, "account_number_invalid")
			}
			if !digits(d.BankCode, 9, 9) {
				codes = append(codes, "bank_code_invalid")
			}
			if d.Currency != "USD" {
				codes = append(codes, "currency_invalid")
			}
			if d.Country != "US" {
				codes = append(codes, "country_invalid")
			}
		}
		if len(codes) > 0 {
			invalid(w, codes...)
			return
		}
		in.kind, in.ach, in.fingerprint = "ach", *d, fingerprint(d.BankCode+d.AccountNumber)
	default:
		invalid(w, append(codes, "instrument_type_invalid")...)
		return
	}
	s.instruments[in.id] = in
	if in.kind == "ach" {
		writeJSON(w, http.StatusCreated, map[string]any{"type": "ach", "id": in.id, "fingerprint": in.fingerprint})
		return
	}
	writeJSON(w, http.StatusCreated, s.instrumentJSON(in))
}

// instrumentJSON renders an instrument; s.mu must be held.
func (s *Simulator) instrumentJSON(in *instrument) map[string]any {
	m := map[string]any{"type": in.kind, "id": in.id, "fingerprint": in.fingerprint}
	if in.customerID != "" {
		c := map[string]any{"id": in.customerID}
		if in.email != "" {
			c["email"] = in.email
		}
		m["customer"] = c
	}
	if in.kind == "ach" {
		n := in.ach.AccountNumber
		m["instrument_data"] = map[string]any{
			"account_type": in.ach.AccountType, "account_number": strings.Repeat("*", len(n)-4) + n[len(n)-4:],
			"bank_code": in.ach.BankCode, "currency": in.ach.Currency, "country": in.ach.Country,
		}
		m["created_on"] = in.created.Format(time.RFC3339Nano)
		m["modified_on"] = in.created.Format(time.RFC3339Nano)
		return m
	}
	c := in.card
	m["expiry_month"], m["expiry_year"] = c.expiryMonth, c.expiryYear
	m["scheme"], m["last4"], m["bin"] = schemeOf(c.number), c.number[len(c.number)-4:], c.number[:6]
	m["card_type"], m["card_category"], m["issuer_country"] = "Credit", "Consumer", "US"
	if c.name != "" {
		m["name"] = c.name
	}
	if ntID := s.bySource["src:"+in.id]; ntID != "" {
		if nt := s.networkTokens[ntID]; nt != nil {
			m["network_token"] = map[string]any{"id": nt.id, "state": nt.state}
		}
	}
	return m
}

func (s *Simulator) getInstrument(w http.ResponseWriter, r *http.Request) {
	if !s.authorize(w, r, true, ScopeVaultInstruments) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.instruments[r.PathValue("id")]
	if in == nil {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	writeJSON(w, http.StatusOK, s.instrumentJSON(in))
}

func (s *Simulator) deleteInstrument(w http.ResponseWriter, r *http.Request) {
	if !s.authorize(w, r, true, ScopeVaultInstruments) {
		return
	}
	id := r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.instruments[id] == nil {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	delete(s.instruments, id)
	w.WriteHeader(http.StatusNoContent)
}

// --- /network-tokens ---------------------------------------------------------

func (s *Simulator) provision(w http.ResponseWriter, r *http.Request) {
	if !s.authorize(w, r, false, ScopeVaultNetworkTokens) {
		return
	}
	var req struct {
		Source *struct {
			Type        string `json:"type"`
			ID          string `json:"id"`
			Number      string `json:"number"`
			ExpiryMonth string `json:"expiry_month"`
			ExpiryYear  string `json:"expiry_year"`
			CVV         string `json:"cvv"`
		} `json:"source"`
	}
	if !decode(w, r, &req) {
		return
	}
	src := req.Source
	if src == nil {
		invalid(w, "payment_source_required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var c card
	var key string
	switch src.Type {
	case "id":
		switch in := s.instruments[src.ID]; {
		case src.ID == "":
			invalid(w, "source_id_required")
			return
		case !strings.HasPrefix(src.ID, "src_") || len(src.ID) != 30:
			invalid(w, "source_id_invalid")
			return
		case in == nil:
			invalid(w, CodeSourceUnknown)
			return
		case in.kind != "card":
			invalid(w, "source_invalid")
			return
		default:
			c, key = in.card, "src:"+src.ID
		}
	case "card":
		// Expiry values are strings here: "" is missing (0), anything
		// but 1-2 digits for the month or 4 for the year is invalid (-1).
		month, year := stringField(src.ExpiryMonth, 1, 2), stringField(src.ExpiryYear, 4, 4)
		if codes := s.checkCard(src.Number, month, year, src.CVV); len(codes) > 0 {
			invalid(w, codes...)
			return
		}
		c, key = card{number: src.Number, expiryMonth: month, expiryYear: year}, "card:"+src.Number
	case "":
		invalid(w, "source_type_required")
		return
	default:
		invalid(w, "source_invalid")
		return
	}
	if id := s.bySource[key]; id != "" {
		if nt := s.networkTokens[id]; nt != nil && nt.state != "inactive" {
			writeJSON(w, http.StatusOK, s.networkTokenJSON(nt))
			return
		}
	}
	now := s.now().UTC()
	vts := strings.HasPrefix(c.number, "4")
	nt := &networkToken{
		id: newID("nt_"), state: "active", scheme: "mdes",
		cardLast4: c.number[len(c.number)-4:], cardMonth: c.expiryMonth, cardYear: c.expiryYear,
		par: "5001" + strings.ToUpper(fingerprint("par" + c.number))[:25], trid: "50110030273",
		created: now, modified: now,
	}
	if vts {
		nt.scheme, nt.trid = "vts", "40010030273"
	}
	if c.number == DeclinedPAN {
		nt.state = "declined"
	} else {
		s.issueDPAN(nt)
	}
	s.networkTokens[nt.id] = nt
	s.bySource[key] = nt.id
	writeJSON(w, http.StatusCreated, s.networkTokenJSON(nt))
}

// networkTokenJSON renders the seed 002 shape; expiry values are strings.
func (s *Simulator) networkTokenJSON(nt *networkToken) map[string]any {
	t := map[string]any{
		"id": nt.id, "state": nt.state, "type": nt.scheme,
		"payment_account_reference": nt.par,
		"created_on":                nt.created.Format("2006-01-02T15:04:05.000-07:00"),
		"modified_on":               nt.modified.Format("2006-01-02T15:04:05.000-07:00"),
	}
	if hasDPAN(nt.state) {
		t["number"] = nt.dpan
		t["expiry_month"], t["expiry_year"] = strconv.Itoa(nt.expMonth), strconv.Itoa(nt.expYear)
	}
	m := map[string]any{
		"card": map[string]any{
			"last4": nt.cardLast4, "expiry_month": strconv.Itoa(nt.cardMonth), "expiry_year": strconv.Itoa(nt.cardYear),
		},
		"network_token":      t,
		"token_requestor_id": nt.trid,
		"_links": map[string]any{
			"self":       map[string]string{"href": "/network-tokens/" + nt.id},
			"cryptogram": map[string]string{"href": "/network-tokens/" + nt.id + "/cryptograms"},
		},
	}
	if nt.tokenSchemeID != "" {
		m["token_scheme_id"] = nt.tokenSchemeID
	}
	return m
}

func (s *Simulator) getNetworkToken(w http.ResponseWriter, r *http.Request) {
	if !s.authorize(w, r, false, ScopeVaultNetworkTokens) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	nt := s.networkTokens[r.PathValue("id")]
	if nt == nil {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	writeJSON(w, http.StatusOK, s.networkTokenJSON(nt))
}

var transactionTypes = map[string]bool{"ecom": true, "recurring": true, "pos": true, "aft": true}

func (s *Simulator) cryptogram(w http.ResponseWriter, r *http.Request) {
	if !s.authorize(w, r, false, ScopeVaultNetworkTokens) {
		return
	}
	var req struct {
		TransactionType string `json:"transaction_type"`
	}
	if !decode(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	nt := s.networkTokens[r.PathValue("id")]
	switch {
	case nt == nil:
		w.WriteHeader(http.StatusNotFound)
		return
	case req.TransactionType == "":
		invalid(w, "transaction_type_required")
		return
	case !transactionTypes[req.TransactionType]:
		invalid(w, "transaction_type_invalid")
		return
	case nt.state != "active":
		invalid(w, CodeTokenStateInvalid)
		return
	}
	var raw [20]byte
	_, _ = rand.Read(raw[:])
	writeJSON(w, http.StatusCreated, map[string]any{
		"cryptogram": base64.StdEncoding.EncodeToString(raw[:]),
		"eci":        CryptogramECI,
		"_links": map[string]any{
			"network-token": map[string]string{"href": "/network-tokens/" + nt.id},
		},
	})
}

var (
	initiators = map[string]bool{"cardholder": true, "token_requestor": true}
	reasons    = map[string]bool{"fraud": true, "other": true}
)

func (s *Simulator) deleteNetworkToken(w http.ResponseWriter, r *http.Request) {
	if !s.authorize(w, r, false, ScopeVaultNetworkTokens) {
		return
	}
	var req struct {
		InitiatedBy string `json:"initiated_by"`
		Reason      string `json:"reason"`
	}
	if !decode(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	nt := s.networkTokens[r.PathValue("id")]
	if nt == nil {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	var codes []string
	switch {
	case req.InitiatedBy == "":
		codes = append(codes, "initiated_by_required")
	case !initiators[req.InitiatedBy]:
		codes = append(codes, "initiated_by_invalid")
	}
	switch {
	case req.Reason == "":
		codes = append(codes, "reason_required")
	case !reasons[req.Reason]:
		codes = append(codes, "reason_invalid")
	}
	if len(codes) > 0 {
		invalid(w, codes...)
		return
	}
	nt.state, nt.modified = DeletedState.String(), s.now().UTC()
	w.WriteHeader(http.StatusNoContent)
}
