// Package checkoutsim is an in-process simulator of the Checkout.com APIs
// the checkout adapter uses: the OAuth token endpoint (/connect/token),
// card tokens (/tokens), instruments (/instruments) and network tokens
// (/network-tokens with its cryptograms and delete sub-resources).
//
// It follows seed 002 and the research notes: Cko-Request-Id and
// Cko-Version headers on every answer, absolute _links built from the
// request's host, error bodies {request_id, error_type, error_codes}, empty
// 401 bodies, 415 for a body that is not JSON, 422 listing one code per bad
// field, 200 for an existing network token and 201 for a new one, the DPAN
// and its expiry only for active, suspended or inactive tokens, and a fresh
// base64 cryptogram per call. Tests steer it: SetNetworkTokenState
// suspends or reactivates a token, SetNetworkTokenExpiry renews it and
// ReissueCard changes the card behind it, as an issuer would, each change
// sending a signed network_token_update webhook to the URL given to
// SendWebhooksTo (resent until acknowledged, optionally duplicated or out
// of order); ExpireAccessTokens revokes every access token, WithClock and
// WithTokenTTL control expiry, WithSeed makes its ids reproducible,
// TokenRequests counts token requests, and Faults injects network and
// server failures.
//
//	s := checkoutsim.NewServer()
//	defer s.Close()
//	client, err := tokenize.Open(ctx, s.Config())
//
// The files: simulator.go (this: options and the control surface),
// handlers.go (routes and card tokens), instruments.go (instruments and
// customers), network.go (network tokens), lifecycle.go (issuer changes
// and webhooks), control.go (the control API), auth.go (the token
// endpoint and credentials), store.go (state), validate.go (field rules
// and their error codes), wire.go (JSON shapes), cards.go (test cards and
// what each triggers), server.go (loopback serving).
//
// The package imports only the standard library, the root tokenize package
// (for NetworkTokenState), faults and the simulators' shared plumbing.
package checkoutsim

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/faults"
	"github.com/tokenize-go/tokenize/internal/simkit"
)

// DeletedState is what a network token reads as after PATCH
// /network-tokens/{id}/delete: the research notes (§7.2) leave "inactive
// or 404" open; the simulator keeps the token, inactive, so later reads
// return it (with its DPAN, as for every inactive token) and cryptogram
// requests fail with 422 token_state_invalid.
const DeletedState = tokenize.StateInactive

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

// APIVersion is the Cko-Version header on every answer, which the official
// SDKs read into their response metadata. The value is the one the
// official Node SDK's fixtures carry (test/payments/capturePayment.js).
const APIVersion = "3.31.4"

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

// WithKeys replaces the accepted public and secret keys (default PublicKey
// and SecretKey). Give keys of the documented format (KeyPattern) to stay
// indistinguishable from the sandbox; the simulator accepts whatever it is
// given.
func WithKeys(publicKey, secretKey string) Option {
	return func(s *Simulator) { s.publicKey, s.secretKey = publicKey, secretKey }
}

// WithSeed makes every id, token number and cryptogram the simulator
// generates reproducible: two simulators with the same seed answer the
// same sequence of requests with the same values. Without it they are
// random.
func WithSeed(seed uint64) Option { return func(s *Simulator) { s.rand = simkit.Seeded(seed) } }

// Simulator is the simulated Checkout.com API. It is safe for concurrent
// use.
type Simulator struct {
	now          func() time.Time
	tokenTTL     time.Duration
	clientID     string
	clientSecret string
	publicKey    string
	secretKey    string
	rand         *simkit.Rand
	kit          *simkit.Kit

	tokenRequests atomic.Int64

	store
	lifecycle
}

// New returns a Simulator with no data.
func New(opts ...Option) *Simulator {
	s := &Simulator{
		now:          time.Now,
		tokenTTL:     DefaultTokenTTL,
		clientID:     ClientID,
		clientSecret: ClientSecret,
		publicKey:    PublicKey,
		secretKey:    SecretKey,
		store:        newStore(),
	}
	for _, o := range opts {
		o(s)
	}
	s.startWebhooks()
	s.kit = simkit.New(simkit.Config{Rand: s.rand, Before: s.before})
	s.rand = s.kit.Rand() // the seeded one, or the Kit's own
	s.routes()
	s.kit.MountControl(controller{s})
	return s
}

// before counts token requests and gives every answer, a fault's too, its
// request id.
func (s *Simulator) before(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/connect/token" {
		s.tokenRequests.Add(1)
	}
	w.Header().Set("Cko-Request-Id", s.rand.Base32(26))
	w.Header().Set("Cko-Version", APIVersion)
}

// Format prints the simulator's counters only, for every verb: its state
// holds card numbers, the client secret and access tokens, which fmt would
// otherwise print by reflection. A *Server prints the same.
func (s *Simulator) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "checkoutsim.Simulator{requests: %d, token_requests: %d}", s.Requests(), s.tokenRequests.Load())
}

// Keys returns the public and secret keys the simulator accepts.
func (s *Simulator) Keys() (publicKey, secretKey string) { return s.publicKey, s.secretKey }

// Handler returns the API, wrapped by Faults().
func (s *Simulator) Handler() http.Handler { return s.kit }

// Requests returns how many HTTP requests the simulator received, on every
// endpoint.
func (s *Simulator) Requests() int64 { return s.kit.Requests() }

// TokenRequests returns how many requests reached the access-token
// endpoint.
func (s *Simulator) TokenRequests() int64 { return s.tokenRequests.Load() }

// Faults returns the fault injector wrapping the API.
func (s *Simulator) Faults() *faults.Injector { return s.kit.Faults() }

// ExpireAccessTokens revokes every access token issued so far: API calls
// using one get 401 until a new token is requested.
func (s *Simulator) ExpireAccessTokens() {
	s.mu.Lock()
	clear(s.accessTokens)
	s.mu.Unlock()
}
