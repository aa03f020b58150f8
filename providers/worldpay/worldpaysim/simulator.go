// Package worldpaysim is an in-process simulator of the Access Worldpay
// Tokens API v3, for the tokenize tests and for yours: an http.Handler
// that answers POST /tokens, GET and DELETE /tokens/{id}, POST
// /tokens/network, GET and DELETE /tokens/network/{tokenReference} and
// POST /tokens/network/cryptograms as Worldpay documents them, and a
// helper that serves it on loopback.
//
//	srv := worldpaysim.NewServer()
//	defer srv.Close()
//	client, err := tokenize.Open(ctx, srv.Config()) // with _ ".../providers/worldpay"
//
// It checks HTTP Basic credentials first (401 accessDenied), then the
// versioned HAL media type (406 headerHasInvalidValue for a missing or
// other Accept, 415 for a Content-Type other than
// application/vnd.worldpay.tokens-v3.hal+json), validates every field
// (400 bodyIsNotJson, or bodyDoesNotMatchSchema with validationErrors
// naming the jsonPath), answers HAL documents whose _links carry curies
// and absolute action links built from the request's host, and keeps its
// state in memory (safe for concurrent use). Ids have the documented
// shapes: token ids are base64url of {"k":1,"d":"…"} ("eyJ…"), network
// token references UUIDs.
//
// Test cards select the outcome (cards.go): VisaPAN and MastercardPAN
// provision active network tokens at once; PendingPAN is the asynchronous
// Mastercard path — the provisioning answers with a token reference and a
// tokens:networkTokenLookup link but no token, and the lookup shows the
// token once the scheme issues it (after WithPendingFor, or when
// SetNetworkTokenState makes it active); DeclinedPAN is refused by the
// scheme (provisioningErrors, no token); InvalidPAN, ForbiddenPAN and
// InternalErrorPAN trigger each error class.
//
// Every request goes through a faults.Injector (Faults) and is counted;
// the control API under /_sim/ changes tokens as an issuer would. Worldpay
// documents no network-token webhook, so nothing is pushed.
//
// The files: simulator.go (this: options and the control surface),
// handlers.go (routes, authentication, media types), store.go (state),
// validate.go (the documented field rules), wire.go (JSON shapes and
// links), cards.go (test cards), lifecycle.go (issuer changes), control.go
// (the control API), server.go (loopback serving).
package worldpaysim

import (
	"net/http"
	"time"

	"github.com/tokenize-go/tokenize/faults"
	"github.com/tokenize-go/tokenize/internal/simkit"
)

// Credentials and merchant entity the default simulator accepts.
const (
	Username       = "worldpaysim-user"
	Password       = "worldpaysim-pass-7c1e94b2"
	MerchantEntity = "default"
)

// DefaultPendingFor is how long a PendingPAN token stays requested in a
// simulator built without WithPendingFor: long enough to see the
// asynchronous path, far below the five minutes Worldpay allows.
const DefaultPendingFor = 2 * time.Second

// Option configures a Simulator.
type Option func(*Simulator)

// WithCredentials sets the Basic auth username and password the simulator
// accepts (default Username, Password).
func WithCredentials(username, password string) Option {
	return func(s *Simulator) { s.username, s.password = username, password }
}

// WithMerchantEntity sets the merchant.entity the simulator accepts
// (default MerchantEntity).
func WithMerchantEntity(entity string) Option { return func(s *Simulator) { s.entity = entity } }

// WithPendingFor sets how long a PendingPAN network token stays requested
// before the scheme issues it. Zero or negative: until SetNetworkTokenState
// makes it active (tests that decide when it completes).
func WithPendingFor(d time.Duration) Option { return func(s *Simulator) { s.pendingFor = d } }

// WithClock sets the simulator's clock (default time.Now): card expiry
// checks and pending tokens read it.
func WithClock(now func() time.Time) Option {
	return func(s *Simulator) {
		if now != nil {
			s.now = now
		}
	}
}

// WithSeed makes every id, token number and cryptogram reproducible: two
// simulators with the same seed answer the same sequence of requests with
// the same values. Without it they are random.
func WithSeed(seed uint64) Option { return func(s *Simulator) { s.rand = simkit.Seeded(seed) } }

// Simulator is the simulated Tokens API. It is safe for concurrent use.
type Simulator struct {
	username, password string
	entity             string
	pendingFor         time.Duration
	now                func() time.Time
	rand               *simkit.Rand
	kit                *simkit.Kit
	store              store
}

// New returns a Simulator with empty state.
func New(opts ...Option) *Simulator {
	s := &Simulator{username: Username, password: Password, entity: MerchantEntity,
		pendingFor: DefaultPendingFor, now: time.Now, store: newStore()}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	s.kit = simkit.New(simkit.Config{Rand: s.rand, Before: s.correlationID, Wrap: s.guard})
	s.rand = s.kit.Rand()
	s.routes()
	s.kit.MountControl(controller{s})
	return s
}

// Handler returns the API (and its control API) wrapped by Faults.
func (s *Simulator) Handler() http.Handler { return s.kit }

// Requests returns how many API requests the simulator received, faulted
// or not.
func (s *Simulator) Requests() int64 { return s.kit.Requests() }

// Faults returns the injector wrapping the API.
func (s *Simulator) Faults() *faults.Injector { return s.kit.Faults() }
