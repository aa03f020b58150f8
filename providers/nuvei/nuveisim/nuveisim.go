// Package nuveisim is an in-process simulator of Nuvei REST API 2.0
// tokenization, for the tokenize tests and for yours: an http.Handler that
// answers POST/GET /payment-tokens, POST /temporary-payment-tokens,
// POST/GET /network-tokens, POST /network-tokens/cryptograms and
// GET /buyers/{buyer-id}/payment-tokens the way Nuvei documents them, and a
// helper that serves it on loopback.
//
//	srv := nuveisim.NewServer()
//	defer srv.Close()
//	client, err := tokenize.Open(ctx, srv.Config()) // with _ ".../providers/nuvei"
//
// It checks the x-api-key header (401, code 7300.3000) and the
// processingEntityId (400 "[processingEntityId] must not be null"; another
// entity than its own: 403, 7300.3000), validates every field with the
// documented regular expression and length (400, code 5000.1000, reason
// "[path] must match ..." / "[path] must not be null" / "[path] size must
// be between min and max"), keeps its state in memory (safe for concurrent
// use), provisions network tokens from cards and issues a fresh cryptogram
// on every call. Deterministic test cards select the outcome: VisaPAN and
// MastercardPAN provision active VTS and MDES tokens, DeclinedPAN is
// declined by the scheme, and InvalidPAN, ForbiddenPAN, InternalErrorPAN
// and RefusedPAN trigger each documented error class.
//
// Every request goes through a faults.Injector (Faults) so tests can add
// latency, resets and gateway errors.
package nuveisim

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/faults"
)

// Credentials the default simulator accepts.
const (
	APIKey             = "nuveisim-api-key-5f1c9e2a7b"
	ProcessingEntityID = "80aef199-b89a-4d59-ba0c-f2cd3c25d5cd"
)

// Deterministic test cards. All pass the Luhn check.
const (
	// VisaPAN provisions an active Visa (VTS) network token.
	VisaPAN = "4111111111111111"
	// MastercardPAN provisions an active Mastercard (MDES) network token.
	MastercardPAN = "5555555555554444"
	// DeclinedPAN tokenizes, but the scheme declines its network token:
	// provisioning answers 201 with tokenStatus DECLINED and no tokenNumber.
	DeclinedPAN = "4000000000000002"
	// InvalidPAN is refused by validation: HTTP 400, code 5000.1000,
	// "[paymentOption.card.cardNumber] is invalid".
	InvalidPAN = "4000000000000101"
	// ForbiddenPAN is refused for lack of permission: HTTP 403, code
	// 7300.3000 "Authorization error.".
	ForbiddenPAN = "4000000000000069"
	// InternalErrorPAN fails inside Nuvei: HTTP 500, code 7000.1000
	// "Internal Processing Error.".
	InternalErrorPAN = "4000000000000119"
	// RefusedPAN is refused with HTTP 200 and result.status "error", code
	// 5300.1109 "Unable to process this credit card company." (an error of
	// the documented 200-OK group).
	RefusedPAN = "4000000000000127"
)

// Nuvei error codes and reasons the simulator answers with (seeds 000,
// 001, 003 and the REST 2.0 response-handling page).
const (
	CodeValidation    = "5000.1000"
	CodeAuthorization = "7300.3000"
	CodeInternal      = "7000.1000"
	// CodeRefused is the 200-OK error of RefusedPAN.
	CodeRefused = "5300.1109"
	// CodeNotActive answers a cryptogram request for a network token that
	// is not active, with HTTP 200 ("Saved payment option no longer valid").
	CodeNotActive = "5300.10012"
)

// Option configures a Simulator.
type Option func(*Simulator)

// WithAPIKey sets the x-api-key the simulator accepts (default APIKey).
func WithAPIKey(key string) Option { return func(s *Simulator) { s.apiKey = key } }

// WithProcessingEntityID sets the processing entity the simulator accepts
// (default ProcessingEntityID).
func WithProcessingEntityID(id string) Option { return func(s *Simulator) { s.entity = id } }

// WithClock sets the clock that dates network-token expiries (default
// time.Now).
func WithClock(now func() time.Time) Option {
	return func(s *Simulator) {
		if now != nil {
			s.now = now
		}
	}
}

// Simulator is the simulated Nuvei API. It is safe for concurrent use.
type Simulator struct {
	apiKey   string
	entity   string
	now      func() time.Time
	faults   *faults.Injector
	requests atomic.Int64
	handler  http.Handler

	mu       sync.Mutex
	tokens   map[string]*paymentToken
	temps    map[string]*cardData
	networks map[string]*networkToken
}

type cardData struct {
	number, month, year, holder string
}

type paymentToken struct {
	id                 string
	card               *cardData
	apmName            string
	apmData            map[string]string
	buyerID, merchRef  string
	usageIntent        string
	processingEntityID string
}

type networkToken struct {
	paymentTokenID string
	card           *cardData
	number         string
	month, year    string
	status         string
	tur, par       string
	trid           string
	merchRef       string
}

// New returns a Simulator with empty state.
func New(opts ...Option) *Simulator {
	s := &Simulator{
		apiKey:   APIKey,
		entity:   ProcessingEntityID,
		now:      time.Now,
		faults:   faults.New(),
		tokens:   map[string]*paymentToken{},
		temps:    map[string]*cardData{},
		networks: map[string]*networkToken{},
	}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /payment-tokens", s.createPaymentToken)
	mux.HandleFunc("GET /payment-tokens/{id}", s.getPaymentToken)
	mux.HandleFunc("POST /temporary-payment-tokens", s.createTemporaryToken)
	mux.HandleFunc("POST /network-tokens", s.provision)
	mux.HandleFunc("GET /network-tokens/{id}", s.getNetworkToken)
	mux.HandleFunc("POST /network-tokens/cryptograms", s.cryptogram)
	mux.HandleFunc("GET /buyers/{buyer}/payment-tokens", s.buyerTokens)
	api := s.auth(mux)
	wrapped := s.faults.Wrap(api)
	s.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		wrapped.ServeHTTP(w, r)
	})
	return s
}

// Handler returns the API wrapped by Faults.
func (s *Simulator) Handler() http.Handler { return s.handler }

// Requests returns how many HTTP requests the simulator received, on every
// endpoint, faulted or not.
func (s *Simulator) Requests() int64 { return s.requests.Load() }

// Faults returns the injector wrapping the API.
func (s *Simulator) Faults() *faults.Injector { return s.faults }

// APIKey returns the x-api-key the simulator accepts.
func (s *Simulator) APIKey() string { return s.apiKey }

// ProcessingEntityID returns the processing entity the simulator accepts.
func (s *Simulator) ProcessingEntityID() string { return s.entity }

// statusByState is the tokenStatus the simulator reports for each state.
var statusByState = map[tokenize.NetworkTokenState]string{
	tokenize.StateActive:    "ACTIVE",
	tokenize.StateSuspended: "SUSPENDED",
	tokenize.StateInactive:  "INACTIVE",
	tokenize.StateDeclined:  "DECLINED",
	tokenize.StateRequested: "REQUESTED",
	tokenize.StateDeleted:   "DELETED",
}

// SetNetworkTokenState forces the tokenStatus of the network token id (its
// paymentTokenId), as an issuer or cardholder action would.
func (s *Simulator) SetNetworkTokenState(id string, st tokenize.NetworkTokenState) error {
	status, ok := statusByState[st]
	if !ok {
		return fmt.Errorf("nuveisim: no tokenStatus for state %v", st)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	nt := s.networks[id]
	if nt == nil {
		return fmt.Errorf("nuveisim: no network token %q", id)
	}
	nt.status = status
	return nil
}

// CreateTemporaryToken stores card as a temporary payment token, as
// Nuvei's client-side SDK would with POST /temporary-payment-tokens, and
// returns its paymentTokenId. The token converts once.
func (s *Simulator) CreateTemporaryToken(card tokenize.Card) string {
	id := newUUID()
	s.mu.Lock()
	s.temps[id] = &cardData{number: card.Number.Reveal(), month: fmt.Sprintf("%02d", card.ExpiryMonth),
		year: strconv.Itoa(fourDigit(card.ExpiryYear)), holder: card.HolderName}
	s.mu.Unlock()
	return id
}

func fourDigit(y int) int {
	if y < 100 {
		return 2000 + y
	}
	return y
}

// --- envelope ---------------------------------------------------------

type result struct {
	Status string     `json:"status"`
	Errors *errorBody `json:"errors,omitempty"`
}

type errorBody struct {
	Code   string `json:"code,omitempty"`
	Reason string `json:"reason"`
}

var okResult = result{Status: "success"}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, status int, code, reason string) {
	writeJSON(w, status, map[string]any{"result": result{Status: "error", Errors: &errorBody{Code: code, Reason: reason}}})
}

// apiError is a documented error answer.
type apiError struct {
	status       int
	code, reason string
}

func (e *apiError) Error() string { return e.reason }

func invalid(reason string) *apiError {
	return &apiError{http.StatusBadRequest, CodeValidation, reason}
}

func notNull(path string) *apiError { return invalid("[" + path + "] must not be null") }

var (
	errUnauthorized = &apiError{http.StatusUnauthorized, CodeAuthorization, "Authorization error."}
	errForbidden    = &apiError{http.StatusForbidden, CodeAuthorization, "Authorization error."}
	errInternal     = &apiError{http.StatusInternalServerError, CodeInternal, "Internal Processing Error."}
	errRefused      = &apiError{http.StatusOK, CodeRefused, "Unable to process this credit card company."}
)

// errNotFound answers an unknown id. Nuvei documents a 404 for
// GET /payment-tokens/{id} but shows no body or code for it, so the body
// has a reason and no code.
func errNotFound(what string) *apiError {
	return &apiError{status: http.StatusNotFound, reason: what + " not found."}
}

func fail(w http.ResponseWriter, err error) {
	var ae *apiError
	if errors.As(err, &ae) {
		if ae.code == "" {
			writeJSON(w, ae.status, map[string]any{"result": result{Status: "error", Errors: &errorBody{Reason: ae.reason}}})
			return
		}
		writeError(w, ae.status, ae.code, ae.reason)
		return
	}
	writeError(w, http.StatusInternalServerError, CodeInternal, "Unexpected error")
}

// --- auth and decoding ------------------------------------------------

func (s *Simulator) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("x-api-key") != s.apiKey {
			fail(w, errUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// maxRequestBody bounds request bodies; a token request is well under 4 KiB.
const maxRequestBody = 64 << 10

// decode reads a JSON request body into v and checks processingEntityId.
func (s *Simulator) decode(r *http.Request, v any) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil || len(b) > maxRequestBody {
		return invalid("Malformed request body")
	}
	if err := json.Unmarshal(b, v); err != nil {
		return invalid("Malformed request body")
	}
	return nil
}

func (s *Simulator) checkEntity(id string) error {
	if id == "" {
		return notNull("processingEntityId")
	}
	if id != s.entity {
		return errForbidden
	}
	return nil
}

// queryEntity reads the processing entity of a GET. The seeds spell it
// processingEntityId, other Nuvei pages processing_entity_id: both work.
func (s *Simulator) queryEntity(r *http.Request) error {
	q := r.URL.Query()
	id := q.Get("processingEntityId")
	if id == "" {
		id = q.Get("processing_entity_id")
	}
	return s.checkEntity(id)
}

// --- validation (documented regular expressions and lengths) ----------

var (
	reMonth = regexp.MustCompile(`^(0[1-9]|1[0-2])$`)
	reYear  = regexp.MustCompile(`^(\d{4}|\d{2})$`)
)

func sizeBetween(path string, min, max int) *apiError {
	return invalid(fmt.Sprintf("[%s] size must be between %d and %d", path, min, max))
}

func checkLen(path, v string, min, max int) error {
	if n := len([]rune(v)); n < min || n > max {
		return sizeBetween(path, min, max)
	}
	return nil
}

type reqCard struct {
	CardHolderName  *string `json:"cardHolderName"`
	CardNumber      *string `json:"cardNumber"`
	ExpirationMonth *string `json:"expirationMonth"`
	ExpirationYear  *string `json:"expirationYear"`
	CVV             *string `json:"cvv"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// checkCard validates a card object. minNumber is 1 for /payment-tokens
// ("non-empty and <= 20") and 6 for /network-tokens; cvvRequired is true
// for /network-tokens.
func checkCard(prefix string, c *reqCard, minNumber int, cvvRequired bool) (*cardData, error) {
	if c.CardNumber == nil {
		return nil, notNull(prefix + ".cardNumber")
	}
	if err := checkLen(prefix+".cardNumber", *c.CardNumber, minNumber, 20); err != nil {
		return nil, err
	}
	if c.ExpirationMonth == nil {
		return nil, notNull(prefix + ".expirationMonth")
	}
	if err := checkLen(prefix+".expirationMonth", *c.ExpirationMonth, 2, 2); err != nil {
		return nil, err
	}
	if !reMonth.MatchString(*c.ExpirationMonth) {
		return nil, invalid(`[` + prefix + `.expirationMonth] must match "^(0[1-9]|1[0-2])$"`)
	}
	if c.ExpirationYear == nil {
		return nil, notNull(prefix + ".expirationYear")
	}
	if err := checkLen(prefix+".expirationYear", *c.ExpirationYear, 2, 4); err != nil {
		return nil, err
	}
	if !reYear.MatchString(*c.ExpirationYear) {
		return nil, invalid(`[` + prefix + `.expirationYear] must match "^(\d{4}|\d{2})$"`)
	}
	if c.CVV == nil && cvvRequired {
		return nil, notNull(prefix + ".cvv")
	}
	if err := checkLen(prefix+".cvv", str(c.CVV), 0, 4); err != nil {
		return nil, err
	}
	if err := checkLen(prefix+".cardHolderName", str(c.CardHolderName), 0, 70); err != nil {
		return nil, err
	}
	if err := cardOutcome(prefix, *c.CardNumber); err != nil {
		return nil, err
	}
	return &cardData{number: *c.CardNumber, month: *c.ExpirationMonth, year: *c.ExpirationYear, holder: str(c.CardHolderName)}, nil
}

// cardOutcome is the error a test card triggers.
func cardOutcome(prefix, pan string) error {
	switch pan {
	case InvalidPAN:
		return invalid("[" + prefix + ".cardNumber] is invalid")
	case ForbiddenPAN:
		return errForbidden
	case InternalErrorPAN:
		return errInternal
	case RefusedPAN:
		return errRefused
	}
	return nil
}

// --- payment tokens ----------------------------------------------------

type reqPaymentOption struct {
	Card                     *reqCard `json:"card"`
	AlternativePaymentMethod *struct {
		Name *string        `json:"name"`
		Data map[string]any `json:"data"`
	} `json:"alternativePaymentMethod"`
	TemporaryPaymentToken *struct {
		PaymentTokenID *string `json:"paymentTokenId"`
	} `json:"temporaryPaymentToken"`
	PaymentToken *struct {
		PaymentTokenID  *string `json:"paymentTokenId"`
		Type            *string `json:"type"`
		TransactionType *string `json:"transactionType"`
	} `json:"paymentToken"`
}

type createRequest struct {
	ProcessingEntityID string            `json:"processingEntityId"`
	MerchantReference  *string           `json:"merchantReference"`
	PaymentOption      *reqPaymentOption `json:"paymentOption"`
	BuyerID            *string           `json:"buyerId"`
	UsageIntent        *string           `json:"usageIntent"`
}

func (s *Simulator) createPaymentToken(w http.ResponseWriter, r *http.Request) {
	var req createRequest
	if err := s.decode(r, &req); err != nil {
		fail(w, err)
		return
	}
	tok, err := s.newPaymentToken(&req)
	if err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"paymentToken": tok.wire(false), "result": okResult})
}

func (s *Simulator) newPaymentToken(req *createRequest) (*paymentToken, error) {
	if err := s.checkEntity(req.ProcessingEntityID); err != nil {
		return nil, err
	}
	if err := checkLen("merchantReference", str(req.MerchantReference), 0, 50); err != nil {
		return nil, err
	}
	if err := checkLen("buyerId", str(req.BuyerID), 0, 255); err != nil {
		return nil, err
	}
	if u := str(req.UsageIntent); req.UsageIntent != nil && u != "recurring" && u != "unscheduled" {
		return nil, invalid("[usageIntent] must be one of [recurring, unscheduled]")
	}
	po := req.PaymentOption
	if po == nil {
		return nil, notNull("paymentOption")
	}
	n := 0
	for _, set := range []bool{po.Card != nil, po.AlternativePaymentMethod != nil, po.TemporaryPaymentToken != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return nil, invalid("[paymentOption] must contain exactly one of card, alternativePaymentMethod, temporaryPaymentToken")
	}
	tok := &paymentToken{
		id: newUUID(), buyerID: str(req.BuyerID), merchRef: str(req.MerchantReference),
		usageIntent: str(req.UsageIntent), processingEntityID: req.ProcessingEntityID,
	}
	switch {
	case po.Card != nil:
		c, err := checkCard("paymentOption.card", po.Card, 1, false)
		if err != nil {
			return nil, err
		}
		tok.card = c
	case po.AlternativePaymentMethod != nil:
		apm := po.AlternativePaymentMethod
		if apm.Name == nil {
			return nil, notNull("paymentOption.alternativePaymentMethod.name")
		}
		if err := checkLen("paymentOption.alternativePaymentMethod.name", *apm.Name, 1, 50); err != nil {
			return nil, err
		}
		if apm.Data == nil {
			return nil, notNull("paymentOption.alternativePaymentMethod.data")
		}
		tok.apmName = *apm.Name
		tok.apmData = map[string]string{}
		for k, v := range apm.Data {
			sv, ok := v.(string)
			if !ok {
				return nil, invalid("[paymentOption.alternativePaymentMethod.data." + k + "] must be a string")
			}
			tok.apmData[k] = sv
		}
		if strings.EqualFold(tok.apmName, "ACH") {
			for _, k := range []string{"accountNumber", "routingNumber"} {
				if tok.apmData[k] == "" {
					return nil, notNull("paymentOption.alternativePaymentMethod.data." + k)
				}
			}
		}
	default:
		id := po.TemporaryPaymentToken.PaymentTokenID
		if id == nil {
			return nil, notNull("paymentOption.temporaryPaymentToken.paymentTokenId")
		}
		s.mu.Lock()
		c := s.temps[*id]
		delete(s.temps, *id) // a temporary token converts once
		s.mu.Unlock()
		if c == nil {
			return nil, invalid("[paymentOption.temporaryPaymentToken.paymentTokenId] is not a valid temporary payment token")
		}
		tok.card = c
	}
	s.mu.Lock()
	s.tokens[tok.id] = tok
	s.mu.Unlock()
	return tok, nil
}

func (s *Simulator) getPaymentToken(w http.ResponseWriter, r *http.Request) {
	if err := s.queryEntity(r); err != nil {
		fail(w, err)
		return
	}
	s.mu.Lock()
	tok := s.tokens[r.PathValue("id")]
	var out map[string]any
	if tok != nil {
		out = tok.wire(true)
	}
	s.mu.Unlock()
	if tok == nil {
		fail(w, errNotFound("Payment token"))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"paymentToken": out, "result": okResult})
}

func (s *Simulator) buyerTokens(w http.ResponseWriter, r *http.Request) {
	if err := s.queryEntity(r); err != nil {
		fail(w, err)
		return
	}
	buyer := r.PathValue("buyer")
	list := []map[string]any{}
	s.mu.Lock()
	for _, t := range s.tokens {
		if t.buyerID == buyer {
			list = append(list, t.wire(true))
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"paymentTokens": list, "result": okResult})
}

type tempRequest struct {
	ProcessingEntityID string            `json:"processingEntityId"`
	PaymentOption      *reqPaymentOption `json:"paymentOption"`
}

func (s *Simulator) createTemporaryToken(w http.ResponseWriter, r *http.Request) {
	var req tempRequest
	if err := s.decode(r, &req); err != nil {
		fail(w, err)
		return
	}
	if err := s.checkEntity(req.ProcessingEntityID); err != nil {
		fail(w, err)
		return
	}
	if req.PaymentOption == nil {
		fail(w, notNull("paymentOption"))
		return
	}
	if req.PaymentOption.Card == nil {
		fail(w, notNull("paymentOption.card"))
		return
	}
	c, err := checkCard("paymentOption.card", req.PaymentOption.Card, 1, false)
	if err != nil {
		fail(w, err)
		return
	}
	id := newUUID()
	s.mu.Lock()
	s.temps[id] = c
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{
		"temporaryPaymentToken": map[string]any{"paymentTokenId": id, "paymentOption": map[string]any{"card": maskedCard(c)}},
		"result":                okResult,
	})
}

// brand is what the simulator knows of a card number.
func brand(pan string) (ccc int, name string) {
	switch {
	case strings.HasPrefix(pan, "4"):
		return 1, "VISA"
	case strings.HasPrefix(pan, "5") || strings.HasPrefix(pan, "2"):
		return 2, "MASTERCARD"
	case strings.HasPrefix(pan, "34") || strings.HasPrefix(pan, "37"):
		return 3, "AMEX"
	case strings.HasPrefix(pan, "36") || strings.HasPrefix(pan, "30"):
		return 4, "DINERS"
	case strings.HasPrefix(pan, "35"):
		return 5, "JCB"
	case strings.HasPrefix(pan, "6"):
		return 6, "DISCOVER"
	}
	return 0, ""
}

func last4(s string) string {
	if len(s) < 4 {
		return s
	}
	return s[len(s)-4:]
}

// cardBrands is the cardBrand enum of seed 001. The simulator reports no
// other value: JCB and Discover cards are told by cccId alone.
var cardBrands = map[string]bool{"VISA": true, "MASTERCARD": true, "AMEX": true, "DINERS": true}

// minBINNumber is the shortest number whose BIN the simulator reports: below
// a card number's 12 digits, BIN and last four would show it all.
const minBINNumber = 12

// maskedCard is the card object of a response: "4***1111" and the BIN, as
// seed 001 shows. Numbers too short to mask (a temporary token stored with
// CreateTemporaryToken is not validated) show neither.
func maskedCard(c *cardData) map[string]any {
	_, name := brand(c.number)
	masked, bin := "***", ""
	if len(c.number) > 4 {
		masked = c.number[:1] + "***" + last4(c.number)
	}
	if len(c.number) >= minBINNumber {
		bin = c.number[:6]
	}
	m := map[string]any{
		"maskedCardNumber": masked,
		"expirationMonth":  c.month,
		"expirationYear":   c.year,
		"cardType":         "Credit",
	}
	if bin != "" {
		m["bin"] = bin
	}
	if cardBrands[name] {
		m["cardBrand"] = name
	}
	if c.holder != "" {
		m["cardHolderName"] = c.holder
	}
	return m
}

// wire is the paymentToken object of a response. Create answers the
// fields seed 001 shows; get adds the ones seed 003 shows.
func (t *paymentToken) wire(full bool) map[string]any {
	m := map[string]any{"paymentTokenId": t.id}
	if t.card != nil {
		ccc, _ := brand(t.card.number)
		m["cccId"] = ccc
		m["paymentOption"] = map[string]any{"card": maskedCard(t.card)}
	} else {
		m["cccId"] = 573 // seed 001, "ACH Payment Token"
		data := map[string]string{}
		for k, v := range t.apmData {
			data[k] = v
		}
		m["paymentOption"] = map[string]any{"alternativePaymentMethod": map[string]any{"name": t.apmName, "data": data}}
	}
	if full {
		m["processingEntityId"] = t.processingEntityID
		for k, v := range map[string]string{"buyerId": t.buyerID, "merchantReference": t.merchRef, "usageIntent": t.usageIntent} {
			if v != "" {
				m[k] = v
			}
		}
	}
	return m
}

// --- network tokens ------------------------------------------------------

type provisionRequest struct {
	ProcessingEntityID string            `json:"processingEntityId"`
	PaymentOption      *reqPaymentOption `json:"paymentOption"`
	MerchantReference  *string           `json:"merchantReference"`
}

// Token requestor ids the simulator reports (11 digits, as the schemes
// assign them).
const (
	tridVTS  = "40010030273"
	tridMDES = "50110030273"
)

func (s *Simulator) provision(w http.ResponseWriter, r *http.Request) {
	var req provisionRequest
	if err := s.decode(r, &req); err != nil {
		fail(w, err)
		return
	}
	if err := s.checkEntity(req.ProcessingEntityID); err != nil {
		fail(w, err)
		return
	}
	if err := checkLen("merchantReference", str(req.MerchantReference), 0, 50); err != nil {
		fail(w, err)
		return
	}
	if req.PaymentOption == nil {
		fail(w, notNull("paymentOption"))
		return
	}
	if req.PaymentOption.Card == nil {
		fail(w, notNull("paymentOption.card"))
		return
	}
	c, err := checkCard("paymentOption.card", req.PaymentOption.Card, 6, true)
	if err != nil {
		fail(w, err)
		return
	}
	nt := &networkToken{paymentTokenID: newUUID(), card: c, merchRef: str(req.MerchantReference), par: par(c.number)}
	_, name := brand(c.number)
	switch {
	case c.number == DeclinedPAN:
		nt.status = "DECLINED"
	case name == "VISA":
		nt.status, nt.number, nt.tur, nt.trid = "ACTIVE", dpan("489537", len(c.number)), "DNITHE"+randHex(26), tridVTS
	case name == "MASTERCARD":
		nt.status, nt.number, nt.tur, nt.trid = "ACTIVE", dpan("522185", len(c.number)), "DM4MMC"+randHex(26), tridMDES
	default:
		nt.status = "DECLINED" // the simulator tokenizes Visa and Mastercard only
	}
	if nt.number != "" {
		exp := s.now().AddDate(3, 0, 0)
		nt.month, nt.year = fmt.Sprintf("%02d", int(exp.Month())), strconv.Itoa(exp.Year())
	}
	// Provisioning stores the card as a payment token too: the network
	// token is known by that paymentTokenId.
	pt := &paymentToken{id: nt.paymentTokenID, card: c, merchRef: nt.merchRef, processingEntityID: req.ProcessingEntityID}
	s.mu.Lock()
	s.tokens[pt.id] = pt
	s.networks[nt.paymentTokenID] = nt
	out := nt.wire(false)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, out)
}

func (s *Simulator) getNetworkToken(w http.ResponseWriter, r *http.Request) {
	if err := s.queryEntity(r); err != nil {
		fail(w, err)
		return
	}
	s.mu.Lock()
	nt := s.networks[r.PathValue("id")]
	var out map[string]any
	if nt != nil {
		out = nt.wire(false)
	}
	s.mu.Unlock()
	if nt == nil {
		// Nuvei lists no 404 for this endpoint; an unknown id is answered
		// like GET /payment-tokens/{id}.
		fail(w, errNotFound("Network token"))
		return
	}
	writeJSON(w, http.StatusOK, out)
}

type cryptogramRequest struct {
	ProcessingEntityID string            `json:"processingEntityId"`
	PaymentOption      *reqPaymentOption `json:"paymentOption"`
	Type               *string           `json:"type"`
	TransactionType    *string           `json:"transactionType"`
}

func (s *Simulator) cryptogram(w http.ResponseWriter, r *http.Request) {
	var req cryptogramRequest
	if err := s.decode(r, &req); err != nil {
		fail(w, err)
		return
	}
	if err := s.checkEntity(req.ProcessingEntityID); err != nil {
		fail(w, err)
		return
	}
	if req.PaymentOption == nil {
		fail(w, notNull("paymentOption"))
		return
	}
	if req.PaymentOption.PaymentToken == nil {
		fail(w, notNull("paymentOption.paymentToken"))
		return
	}
	ref := req.PaymentOption.PaymentToken
	if ref.PaymentTokenID == nil {
		fail(w, notNull("paymentOption.paymentToken.paymentTokenId"))
		return
	}
	// The field is "type" in the seeds and "transactionType" in Nuvei's
	// reference, at the top level or beside paymentTokenId: all accepted.
	tt := req.Type
	for _, alt := range []*string{req.TransactionType, ref.Type, ref.TransactionType} {
		if tt == nil {
			tt = alt
		}
	}
	if tt == nil {
		fail(w, notNull("type"))
		return
	}
	if *tt != "ECOM" && *tt != "AFT" {
		fail(w, invalid("[type] must be one of [ECOM, AFT]"))
		return
	}
	s.mu.Lock()
	nt := s.networks[*ref.PaymentTokenID]
	var out map[string]any
	active := nt != nil && nt.status == "ACTIVE"
	if active {
		out = nt.wire(true)
	}
	s.mu.Unlock()
	switch {
	case nt == nil:
		// Seed 000 lists no 404; an unknown token is answered like an
		// unknown id on the GET endpoints.
		fail(w, errNotFound("Network token"))
	case !active:
		fail(w, &apiError{http.StatusOK, CodeNotActive, "Saved payment option no longer valid"})
	default:
		writeJSON(w, http.StatusCreated, out)
	}
}

// wire is a network-token response: the provisioning/get shape, or with
// cryptogram set the shape of seed 000 with a fresh cryptogram.
func (nt *networkToken) wire(cryptogram bool) map[string]any {
	tok := map[string]any{
		"paymentTokenId": nt.paymentTokenID,
		"tokenStatus":    nt.status,
	}
	if nt.number != "" {
		tok["tokenNumber"] = nt.number
		tok["expirationMonth"] = nt.month
		tok["expirationYear"] = nt.year
		tok["tokenUniqueReference"] = nt.tur
		tok["paymentAccountReference"] = nt.par
		tok["tokenAssuranceLevel"] = "3"
	}
	if nt.merchRef != "" {
		tok["merchantReference"] = nt.merchRef
	}
	out := map[string]any{"paymentOption": map[string]any{"networkToken": tok}, "result": okResult}
	if cryptogram {
		tok["cryptogram"] = newCryptogram()
		return out
	}
	tok["card"] = map[string]any{"last4Digits": last4(nt.card.number), "expirationMonth": nt.card.month, "expirationYear": nt.card.year}
	if nt.trid != "" {
		out["tokenRequestorId"] = nt.trid
	}
	return out
}

// --- generators --------------------------------------------------------

func randHex(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b)
	return strings.ToUpper(hex.EncodeToString(b))[:n]
}

func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// newCryptogram is a TAVV-sized value: 20 random bytes, base64.
func newCryptogram() string {
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// dpan is a random Luhn-valid number of length n with the given prefix.
func dpan(prefix string, n int) string {
	if n < 13 || n > 19 {
		n = 16
	}
	digits := []byte(prefix)
	for len(digits) < n-1 {
		d, _ := rand.Int(rand.Reader, big.NewInt(10))
		digits = append(digits, byte('0'+d.Int64()))
	}
	return string(digits) + string(byte('0'+luhnCheck(string(digits))))
}

func luhnCheck(s string) int {
	sum := 0
	double := true
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return (10 - sum%10) % 10
}

// par is a stable 29-character payment account reference for a card.
func par(pan string) string {
	sum := sha256.Sum256([]byte("nuveisim-par:" + pan))
	return "V001" + strings.ToUpper(hex.EncodeToString(sum[:]))[:25]
}
