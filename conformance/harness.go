package conformance

import (
	"context"
	"net/http"
	"testing"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/faults"
)

// Harness connects the suite to one provider: a simulator in-process, or a
// live sandbox.
type Harness struct {
	// Provider is the registered provider name; every Client the harness
	// returns must report it.
	Provider string

	// New starts a fresh environment for one test: new simulator state (or
	// a live sandbox) and Clients built with opts, which carry the suite's
	// capturing logger. The harness registers its cleanup with t.Cleanup.
	New func(t testing.TB, opts ...tokenize.Option) *Env

	// Fixtures are the test data the provider's simulator or sandbox
	// recognises.
	Fixtures Fixtures

	// Live reports a real sandbox: cases that need simulator control are
	// skipped and timing bounds are relaxed.
	Live bool

	// RequestIDHeader names the response header carrying the provider's
	// request id, if it has one (Checkout.com: Cko-Request-Id). Optional:
	// the hostile-server cases fill it, besides Request-Id and
	// X-Request-Id, with echoed credentials.
	RequestIDHeader string
}

// Env is one test's view of the provider.
type Env struct {
	// Client uses valid credentials.
	Client *tokenize.Client
	// BadCredentials uses credentials the provider rejects.
	BadCredentials *tokenize.Client
	// Secrets are the credential values in use (API keys, client secrets),
	// which must never appear in logs or errors.
	Secrets []string
	// Sim controls the simulator; nil in live mode.
	Sim Simulator
	// Baseline, when non-nil, returns a minimal hand-written client
	// (net/http + encoding/json, no tokenize code) that performs the same
	// HTTP exchanges as Client against the same server. RunBenchmarks runs
	// it side by side with Client to measure what the library adds. Nil in
	// live mode.
	Baseline func(hc *http.Client) Baseline
	// NewTemporaryToken creates a single-use client-side token for card, as
	// a browser SDK would, for providers declaring TemporaryTokens. Nil
	// otherwise.
	NewTemporaryToken func(t testing.TB, card tokenize.Card) tokenize.Secret
	// Issuer changes network tokens as their issuer or the scheme would,
	// for the lifecycle cases (every simulator here implements it). Nil in live
	// mode: the cases that need it are skipped.
	Issuer Issuer
	// Webhooks drives the simulator's webhook deliveries, for providers
	// declaring Capabilities.Webhooks; nil otherwise. The Client must hold
	// the simulator's webhook secret, and every Env of the harness the
	// same one (the suite replays a delivery to a second Client).
	Webhooks WebhookSender
}

// Simulator is the control surface the suite needs from a provider
// simulator.
type Simulator interface {
	// Requests returns how many HTTP requests the simulator has received,
	// on every endpoint (the suite uses it to prove that invalid input sends
	// nothing).
	Requests() int64
	// Faults returns the injector wrapping the simulator's handler, through
	// which the suite adds latency and failures; its Injected count proves
	// that retries happen exactly as the policy says.
	Faults() *faults.Injector
	// SetNetworkTokenState forces the state of a network token, as an
	// issuer or cardholder action would (suspend, reactivate).
	SetNetworkTokenState(id string, state tokenize.NetworkTokenState) error
	// Connections returns how many TCP connections clients have opened to
	// the simulator; load tests use it to prove connections are reused.
	Connections() int64
}

// Baseline is the hand-written reference client RunBenchmarks compares the
// Client with. Each method performs exactly the HTTP exchange (method,
// path, headers, JSON body, response decoding into plain structs) that the
// provider's adapter performs for the same operation, with the fixture
// card VisaCard, and returns the id it created where there is one. It
// validates nothing, maps nothing and never retries: it is the floor.
type Baseline interface {
	CreatePaymentToken(ctx context.Context) (id string, err error)
	GetPaymentToken(ctx context.Context, id string) error
	ProvisionNetworkToken(ctx context.Context, paymentTokenID string) (id string, err error)
	GetNetworkToken(ctx context.Context, id string) error
	RequestCryptogram(ctx context.Context, networkTokenID string) error
}

// Fixtures are provider-recognised test data.
type Fixtures struct {
	// VisaCard provisions an active VTS network token.
	VisaCard tokenize.Card
	// MastercardCard provisions an active MDES network token.
	MastercardCard tokenize.Card
	// DeclinedCard is a valid card whose network-token provisioning the
	// scheme declines.
	DeclinedCard tokenize.Card
	// BankAccount is a valid US bank account, for providers declaring
	// KindBankAccount.
	BankAccount tokenize.BankAccount
	// UnknownPaymentTokenID and UnknownNetworkTokenID are well-formed ids
	// the provider does not know.
	UnknownPaymentTokenID string
	UnknownNetworkTokenID string
	// PendingCard is a valid card whose network-token provisioning answers
	// before the token exists (StateRequested), for providers declaring
	// Capabilities.ProvisionMayBePending. The token stays requested until
	// Env.Issuer makes it active, as the scheme would when it issues the
	// token. Zero: the pending cases are skipped.
	PendingCard tokenize.Card
}
