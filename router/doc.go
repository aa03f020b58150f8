// Package router holds several tokenize providers behind one
// tokenize.Provider, as database/sql holds a driver behind a pool: wrap a
// Router in a Client and everything that works on a Client works on it.
//
//	import (
//		_ "github.com/tokenize-go/tokenize/providers/checkout"
//		_ "github.com/tokenize-go/tokenize/providers/nuvei"
//		"github.com/tokenize-go/tokenize/router"
//	)
//
//	cfg, _ := tokenize.LoadConfig("tokenize.json") // {"router": {...}, "providers": {...}}
//	r, _ := router.Open(ctx, cfg, tokenize.OpenOptions{})
//	c := tokenize.New(r)
//
// # References
//
// The Client's tokens have ids that are references, "provider:id" (see
// tokenize.Ref): "nuvei:2c9a…", "checkout:src_…". Store them; give them
// back to the Client. Their Ref method names the provider holding each
// token. A reference stored from a direct Client's token (tok.Ref()) is
// the same text, so moving to a router needs no data migration.
//
// # Routing
//
// Creates (CreatePaymentToken, and ProvisionNetworkToken from a card) go
// to the providers of the first Rule that matches what the request shows:
// its kind (card, bank_account, temporary_token), the card's brand and BIN,
// and tags the caller put on the context (WithTag). With no matching rule
// they go to Config.Default. A provider that does not declare what the
// request needs (the operation, the payment method, temporary tokens,
// provisioning from a card, a field it requires) is never chosen.
//
// A temporary token (from a provider's browser or mobile SDK) can be
// redeemed only at the provider that issued it, and the router cannot tell
// which one did from the token: route them with a rule, a "kind":
// ["temporary_token"] rule when one provider issues them all, or a tag
// naming the issuing SDK. A create from a temporary token goes to the
// first eligible provider of its rule (or of the default) and never fails
// over: the next provider would receive a single-use secret that is not
// its own.
//
// Everything addressed by a reference — reads, deletes, cryptograms,
// provisioning from a payment token — goes to the provider the reference
// names and nowhere else, whatever its health: a malformed reference or
// one naming a provider the router does not hold is InvalidArgument with
// nothing sent.
//
// # Failover that cannot duplicate
//
// A create moves to the next provider of its list only when the previous
// one provably did nothing: its own Client refused the request before
// sending it (a capability or required field that provider lacks), it
// answered 429 (RateLimited) or 408, no connection could be made (refused,
// unreachable, a dial timeout), the connection failed before a request the
// provider does not treat as idempotent was written, or its circuit is
// open. Never after an error whose outcome is unknown (a 5xx, a reset
// after sending, a timeout once connected): the create
// may have happened there, and making it again elsewhere would hold the
// card twice. Those errors reach the caller with OutcomeUnknown, as from a
// direct Client. Retries (per the Client's RetryPolicy) happen once, in
// the Client around the router; the providers' own Clients never retry.
//
// # Health
//
// Each provider has a circuit breaker (Breaker): Failures consecutive
// failed attempts (Unavailable, a 5xx, a provider timeout; each retry of
// the Client around the router is an attempt) open it; while open,
// creates go to the next eligible provider; after Cooldown one create
// probes it (half-open), and its success closes the circuit. Any call the
// provider answers closes it too. An open circuit never blocks a call by
// reference, and a create whose every candidate is open still goes to
// them, in order: refusing would turn a possible success into a certain
// failure. Router.Health shows every circuit.
//
// # Capabilities
//
// A Router declares the union of what its providers can do, because the
// provider a token belongs to, not the router, decides what can be done
// with it: an operation is declared when some held provider supports it
// (DeleteNetworkToken on a Checkout.com reference works even beside a
// provider that cannot delete), and a call the reference's provider cannot
// make fails with Unsupported naming that provider, nothing sent. For
// creates the union is over the providers a create can be routed to (the
// default and the rules' providers), so a provider kept only to read old
// tokens adds nothing; a RequiredFields entry is declared only when every
// such provider requires it. ProvisionIsIdempotent is declared when a
// held provider provisions idempotently from its payment tokens (the
// reference pins the provider, whose errors keep their Retryable); a
// provision from a card is routed, and a retry could land at another
// provider, so its errors that may have taken effect have OutcomeUnknown
// and are not retried. Ask ProviderCapabilities for what a given token's
// provider supports.
//
// Webhooks are declared when some held provider pushes them: the Client's
// one WebhookHandler verifies each delivery against every such provider's
// secrets in turn (see Router.ParseWebhook), and the events' tokens carry
// the router's ids.
package router
