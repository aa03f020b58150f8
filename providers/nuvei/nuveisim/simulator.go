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
//
// Tests change network tokens as an issuer would: SetNetworkTokenState,
// SetNetworkTokenExpiry and ReissueCard (lifecycle.go); GET
// /network-tokens reflects each change, the account updater's card fields
// included. Nuvei documents no network-token webhook, so nothing is pushed.
//
// The files: simulator.go (this: options and the control surface),
// lifecycle.go (issuer changes), control.go (the control API),
// handlers.go (routes and handlers),
// store.go (state), validate.go (the documented field rules), errors.go
// (error answers), wire.go (JSON shapes), cards.go (test cards and what
// each triggers), server.go (loopback serving).
package nuveisim

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/faults"
	"github.com/tokenize-go/tokenize/internal/simkit"
)

// Credentials the default simulator accepts.
const (
	APIKey             = "nuveisim-api-key-5f1c9e2a7b"
	ProcessingEntityID = "80aef199-b89a-4d59-ba0c-f2cd3c25d5cd"
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

// WithSeed makes every id, token number and cryptogram the simulator
// generates reproducible: two simulators with the same seed answer the
// same sequence of requests with the same values. Without it they are
// random.
func WithSeed(seed uint64) Option { return func(s *Simulator) { s.rand = simkit.Seeded(seed) } }

// Simulator is the simulated Nuvei API. It is safe for concurrent use.
type Simulator struct {
	apiKey string
	entity string
	now    func() time.Time
	rand   *simkit.Rand
	kit    *simkit.Kit
	store  store
}

// New returns a Simulator with empty state.
func New(opts ...Option) *Simulator {
	s := &Simulator{apiKey: APIKey, entity: ProcessingEntityID, now: time.Now, store: newStore()}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	s.kit = simkit.New(simkit.Config{Rand: s.rand, Wrap: s.auth})
	s.rand = s.kit.Rand() // the seeded one, or the Kit's own
	s.routes()
	s.kit.MountControl(controller{s})
	return s
}

// Handler returns the API wrapped by Faults.
func (s *Simulator) Handler() http.Handler { return s.kit }

// Requests returns how many HTTP requests the simulator received, on every
// endpoint, faulted or not.
func (s *Simulator) Requests() int64 { return s.kit.Requests() }

// Faults returns the injector wrapping the API.
func (s *Simulator) Faults() *faults.Injector { return s.kit.Faults() }

// APIKey returns the x-api-key the simulator accepts.
func (s *Simulator) APIKey() string { return s.apiKey }

// ProcessingEntityID returns the processing entity the simulator accepts.
func (s *Simulator) ProcessingEntityID() string { return s.entity }

// CreateTemporaryToken stores card as a temporary payment token, as
// Nuvei's client-side SDK would with POST /temporary-payment-tokens, and
// returns its paymentTokenId. The token converts once.
func (s *Simulator) CreateTemporaryToken(card tokenize.Card) string {
	id := s.rand.UUID()
	s.store.putTemp(id, &cardData{number: card.Number.Reveal(), month: fmt.Sprintf("%02d", card.ExpiryMonth),
		year: strconv.Itoa(fourDigit(card.ExpiryYear)), holder: card.HolderName})
	return id
}

func fourDigit(y int) int {
	if y < 100 {
		return 2000 + y
	}
	return y
}
