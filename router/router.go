package router

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/redact"
)

// Config is how a Router routes: the "router" object of a configuration.
//
//	{
//	  "default": ["checkout", "nuvei"],
//	  "rules": [
//	    {"brand": ["visa"], "to": "nuvei"},
//	    {"kind": ["bank_account"], "to": "nuvei"},
//	    {"tag": {"region": "eu"}, "bin": ["400000-499999"], "to": ["checkout", "nuvei"]}
//	  ],
//	  "breaker": {"failures": 5, "cooldown": "30s"}
//	}
type Config struct {
	// Default lists the providers, in order, for creates no rule matches
	// (or whose rule's providers cannot take them). In JSON a name or a
	// list.
	Default Names `json:"default"`
	// Rules are tried in order; the first that matches decides.
	Rules []Rule `json:"rules,omitempty"`
	// Breaker configures every provider's circuit breaker.
	Breaker Breaker `json:"breaker,omitzero"`
}

// Router holds several providers behind one tokenize.Provider. Wrap it in
// a Client, like any provider:
//
//	r, err := router.Open(ctx, cfg, tokenize.OpenOptions{}) // or router.New
//	c := tokenize.New(r)
//
// The Client's tokens then have ids that are references ("nuvei:…",
// "checkout:src_…", see tokenize.Ref) and Provider "router"; their Ref
// method names the provider that holds each one. A Router is safe for
// concurrent use.
type Router struct {
	members []*member
	byName  map[string]*member
	def     Names
	rules   []Rule
	caps    tokenize.Capabilities
}

// member is one provider held by the router, behind a Client of its own
// that validates requests against that provider's capabilities and
// classifies its errors. Its retries and default timeout are off: the
// Client around the router owns them, so a call is retried once, not at
// two levels.
type member struct {
	name    string
	client  *tokenize.Client
	caps    tokenize.Capabilities
	breaker *breaker
	target  bool // a create may be routed to it
}

// New returns a Router over providers, routed by cfg, for programs that
// build their providers themselves (tokenize.OpenProvider opens one from
// its configuration); Open does both from one configuration. Providers are
// known by their Name; every name cfg uses must be among them, and
// cfg.Default must name at least one. A configuration it cannot route by
// is an InvalidArgument *tokenize.Error whose Field names the setting as
// a configuration file places it ("settings.router.default",
// "settings.router.rules[0].to").
func New(cfg Config, providers ...tokenize.Provider) (*Router, error) {
	return newRouter(cfg, providers, time.Now)
}

func newRouter(cfg Config, providers []tokenize.Provider, now func() time.Time) (*Router, error) {
	if len(providers) == 0 {
		return nil, tokenize.InvalidSetting("providers", "must hold at least one provider")
	}
	r := &Router{byName: map[string]*member{}, def: cfg.Default, rules: cfg.Rules}
	b := cfg.Breaker.withDefaults()
	for _, p := range providers {
		if p == nil {
			return nil, tokenize.InvalidSetting("providers", "holds a nil provider")
		}
		name := p.Name()
		switch {
		case name == tokenize.RouterName:
			return nil, tokenize.InvalidSetting("providers."+name, "a router cannot hold a router")
		case r.byName[name] != nil:
			return nil, tokenize.InvalidSetting("providers."+name, "is given twice")
		}
		m := &member{
			name: name,
			// The router's own Client carries the caller's deadline and
			// retries; this one only validates and classifies.
			client:  tokenize.New(p, tokenize.WithRetryPolicy(tokenize.RetryPolicy{}), tokenize.WithTimeout(0)),
			caps:    p.Capabilities(),
			breaker: &breaker{cfg: b, now: now},
		}
		r.members = append(r.members, m)
		r.byName[name] = m
	}
	if err := checkNames(cfg.Default, r.byName, "router.default"); err != nil {
		return nil, err
	}
	for _, n := range cfg.Default {
		r.byName[n].target = true
	}
	for i, rule := range cfg.Rules {
		if err := rule.check(r.byName, i); err != nil {
			return nil, err
		}
		for _, n := range rule.To {
			r.byName[n].target = true
		}
	}
	r.caps = r.capabilities()
	return r, nil
}

// Name returns tokenize.RouterName.
func (r *Router) Name() string { return tokenize.RouterName }

// Providers returns the names of the providers the router holds, in the
// order they were given.
func (r *Router) Providers() []string {
	names := make([]string, len(r.members))
	for i, m := range r.members {
		names[i] = m.name
	}
	return names
}

// ProviderCapabilities returns what the named provider supports, which is
// what decides an operation on a token it holds; false if the router does
// not hold it.
func (r *Router) ProviderCapabilities(name string) (tokenize.Capabilities, bool) {
	m := r.byName[name]
	if m == nil {
		return tokenize.Capabilities{}, false
	}
	return m.client.Capabilities(), true
}

// Health returns each provider's circuit, in the order the providers were
// given.
func (r *Router) Health() []Health {
	out := make([]Health, len(r.members))
	for i, m := range r.members {
		out[i] = m.breaker.health(m.name)
	}
	return out
}

// Capabilities implements tokenize.Provider; see the package documentation
// for what the union means.
func (r *Router) Capabilities() tokenize.Capabilities { return r.caps }

// capabilities computes the router's declaration: what some held provider
// can do for an operation addressed by reference (the reference's provider
// decides, and refuses what it cannot do), and what some provider a create
// may be routed to can do for creates.
func (r *Router) capabilities() tokenize.Capabilities {
	var c tokenize.Capabilities
	var required []string
	firstTarget := true
	for _, m := range r.members {
		mc := m.caps
		for _, op := range mc.Operations {
			routed := op == tokenize.OpCreatePaymentToken ||
				op == tokenize.OpProvisionNetworkToken && !mc.ProvisionFromPaymentToken
			if (m.target || !routed) && !slices.Contains(c.Operations, op) {
				c.Operations = append(c.Operations, op)
			}
		}
		for _, tt := range mc.TransactionTypes {
			if mc.Supports(tokenize.OpRequestCryptogram) && !slices.Contains(c.TransactionTypes, tt) {
				c.TransactionTypes = append(c.TransactionTypes, tt)
			}
		}
		canProvision := mc.Supports(tokenize.OpProvisionNetworkToken)
		c.ProvisionFromPaymentToken = c.ProvisionFromPaymentToken || canProvision && mc.ProvisionFromPaymentToken
		// A provision from a payment token goes to that token's provider,
		// whose own idempotency holds (and its errors say so); one from a
		// card is routed and never retried where it may have taken effect.
		c.ProvisionIsIdempotent = c.ProvisionIsIdempotent || canProvision && mc.ProvisionFromPaymentToken && mc.ProvisionIsIdempotent
		c.Webhooks = c.Webhooks || mc.Webhooks
		c.ProvisionMayBePending = c.ProvisionMayBePending || canProvision && mc.ProvisionMayBePending
		if !m.target {
			continue
		}
		c.ProvisionFromCard = c.ProvisionFromCard || canProvision && mc.ProvisionFromCard
		if mc.Supports(tokenize.OpCreatePaymentToken) {
			for _, k := range mc.PaymentMethods {
				if !slices.Contains(c.PaymentMethods, k) {
					c.PaymentMethods = append(c.PaymentMethods, k)
				}
			}
			c.TemporaryTokens = c.TemporaryTokens || mc.TemporaryTokens
			// A field is required only if every provider a create can go
			// to requires it; otherwise the router skips the providers
			// that would refuse the request.
			if firstTarget {
				required = slices.Clone(mc.RequiredFields)
				firstTarget = false
			} else {
				required = slices.DeleteFunc(required, func(f string) bool { return !mc.Requires(f) })
			}
		}
	}
	c.RequiredFields = required
	// Operations in the package's order, for a stable declaration.
	ordered := c.Operations[:0:0]
	for _, op := range tokenize.Operations() {
		if slices.Contains(c.Operations, op) {
			ordered = append(ordered, op)
		}
	}
	c.Operations = ordered
	return c
}

// --- operations addressed by reference ---------------------------------

// resolve returns the member a reference names and the provider's own id.
// A malformed reference, or one naming a provider the router does not
// hold, is InvalidArgument: nothing is sent anywhere.
func (r *Router) resolve(id, field string) (*member, string, error) {
	ref, err := tokenize.ParseRef(id)
	if err != nil {
		return nil, "", &tokenize.Error{Code: tokenize.InvalidArgument, Field: field,
			Message: "is not a reference (provider:id) this router can route"}
	}
	m := r.byName[ref.Provider]
	if m == nil {
		return nil, "", &tokenize.Error{Code: tokenize.InvalidArgument, Field: field,
			Message: fmt.Sprintf("names provider %q, which this router does not hold", ref.Provider)}
	}
	return m, ref.ID, nil
}

// call runs fn on m, recording the outcome in m's circuit. Every call by
// reference goes to its provider whatever the circuit says: there is no
// other place it could go, and refusing it would turn a possible success
// into a certain failure.
func call[T any](ctx context.Context, m *member, fn func(*tokenize.Client) (T, error)) (T, error) {
	res, err := fn(m.client)
	m.breaker.record(classify(ctx, err), tokenize.CodeOf(err), false)
	return res, err
}

func qualify(m *member, id string) string {
	if id == "" {
		return ""
	}
	return m.name + ":" + id
}

// GetPaymentToken implements tokenize.Provider: it reads the token at the
// provider its reference names.
func (r *Router) GetPaymentToken(ctx context.Context, id string) (*tokenize.PaymentToken, error) {
	m, bare, err := r.resolve(id, tokenize.FieldID)
	if err != nil {
		return nil, err
	}
	tok, err := call(ctx, m, func(c *tokenize.Client) (*tokenize.PaymentToken, error) { return c.GetPaymentToken(ctx, bare) })
	if err != nil {
		return nil, err
	}
	return paymentToken(m, tok), nil
}

// DeletePaymentToken implements tokenize.Provider.
func (r *Router) DeletePaymentToken(ctx context.Context, id string) error {
	m, bare, err := r.resolve(id, tokenize.FieldID)
	if err != nil {
		return err
	}
	_, err = call(ctx, m, func(c *tokenize.Client) (struct{}, error) { return struct{}{}, c.DeletePaymentToken(ctx, bare) })
	return err
}

// GetNetworkToken implements tokenize.Provider.
func (r *Router) GetNetworkToken(ctx context.Context, id string) (*tokenize.NetworkToken, error) {
	m, bare, err := r.resolve(id, tokenize.FieldID)
	if err != nil {
		return nil, err
	}
	nt, err := call(ctx, m, func(c *tokenize.Client) (*tokenize.NetworkToken, error) { return c.GetNetworkToken(ctx, bare) })
	if err != nil {
		return nil, err
	}
	return networkToken(m, nt), nil
}

// DeleteNetworkToken implements tokenize.Provider.
func (r *Router) DeleteNetworkToken(ctx context.Context, req *tokenize.DeleteNetworkTokenRequest) error {
	m, bare, err := r.resolve(req.ID, tokenize.FieldID)
	if err != nil {
		return err
	}
	inner := *req
	inner.ID = bare
	_, err = call(ctx, m, func(c *tokenize.Client) (struct{}, error) { return struct{}{}, c.DeleteNetworkToken(ctx, inner) })
	return err
}

// RequestCryptogram implements tokenize.Provider.
func (r *Router) RequestCryptogram(ctx context.Context, req *tokenize.CryptogramRequest) (*tokenize.Cryptogram, error) {
	m, bare, err := r.resolve(req.NetworkTokenID, tokenize.FieldNetworkTokenID)
	if err != nil {
		return nil, err
	}
	inner := *req
	inner.NetworkTokenID = bare
	cg, err := call(ctx, m, func(c *tokenize.Client) (*tokenize.Cryptogram, error) { return c.RequestCryptogram(ctx, inner) })
	if err != nil {
		return nil, err
	}
	cg.NetworkTokenID = qualify(m, cg.NetworkTokenID)
	return cg, nil
}

func paymentToken(m *member, tok *tokenize.PaymentToken) *tokenize.PaymentToken {
	tok.ID = qualify(m, tok.ID)
	tok.NetworkTokenID = qualify(m, tok.NetworkTokenID)
	return tok
}

func networkToken(m *member, nt *tokenize.NetworkToken) *tokenize.NetworkToken {
	nt.ID = qualify(m, nt.ID)
	nt.PaymentTokenID = qualify(m, nt.PaymentTokenID)
	return nt
}

// --- routed operations ---------------------------------------------------

// CreatePaymentToken implements tokenize.Provider: the first rule that
// matches the request chooses the providers to try, in order (the default
// providers when none matches); see the package documentation for when the
// next one is tried.
func (r *Router) CreatePaymentToken(ctx context.Context, req *tokenize.CreatePaymentTokenRequest) (*tokenize.PaymentToken, error) {
	rq := request{kind: KindTemporaryToken}
	switch {
	case req.Card != nil:
		rq = request{kind: KindCard, pan: req.Card.Number.Reveal()}
	case req.BankAccount != nil:
		rq.kind = KindBankAccount
	}
	tok, m, err := route(ctx, r, tokenize.OpCreatePaymentToken, rq, func(c *tokenize.Client) (*tokenize.PaymentToken, error) {
		return c.CreatePaymentToken(ctx, *req)
	})
	if err != nil {
		return nil, err
	}
	return paymentToken(m, tok), nil
}

// ProvisionNetworkToken implements tokenize.Provider. A provision from a
// payment token goes to the provider its reference names; one from a card
// is routed like a create of that card.
func (r *Router) ProvisionNetworkToken(ctx context.Context, req *tokenize.ProvisionNetworkTokenRequest) (*tokenize.NetworkToken, error) {
	var nt *tokenize.NetworkToken
	var m *member
	var err error
	if req.Card == nil {
		var bare string
		if m, bare, err = r.resolve(req.PaymentTokenID, tokenize.FieldPaymentTokenID); err != nil {
			return nil, err
		}
		inner := *req
		inner.PaymentTokenID = bare
		nt, err = call(ctx, m, func(c *tokenize.Client) (*tokenize.NetworkToken, error) { return c.ProvisionNetworkToken(ctx, inner) })
	} else {
		nt, m, err = route(ctx, r, tokenize.OpProvisionNetworkToken, request{kind: KindCard, pan: req.Card.Number.Reveal()},
			func(c *tokenize.Client) (*tokenize.NetworkToken, error) { return c.ProvisionNetworkToken(ctx, *req) })
		err = provisionError(err, m)
	}
	if err != nil {
		return nil, err
	}
	return networkToken(m, nt), nil
}

// provisionError is the error of a provision from a card, which was
// routed: repeating it could land at another provider (a circuit that
// opened meanwhile) and provision the card twice, so an error whose
// request may have been acted on has an unknown outcome and is not
// retryable, whatever the provider's own idempotency. One the provider
// provably did not act on (notActedOn) is kept as it is. m is the member
// that answered, nil when every candidate refused before doing anything:
// whether its error proves that depends on its idempotency, because the
// transport traces the writes of non-idempotent requests only, and an
// idempotent provision cut after it took effect reads like one never sent.
func provisionError(err error, m *member) error {
	var e *tokenize.Error
	if !errors.As(err, &e) || e.Attempts == 0 || m == nil || notActedOn(e, m.caps.ProvisionIsIdempotent) {
		return err
	}
	switch e.Code {
	case tokenize.Unavailable, tokenize.Internal, tokenize.DeadlineExceeded, tokenize.Canceled, tokenize.Unknown:
	default:
		return err // the provider answered with a refusal
	}
	cp := *e
	cp.Retryable, cp.OutcomeUnknown = false, true
	return &cp
}

// notActedOn reports an error proving the provider did nothing with the
// request: the member's own Client refused it before sending (a capability
// or field that provider lacks), the provider throttled it (429) or never
// received it whole (408), or no connection could be made (neverConnected).
// A failure to complete the exchange without an answer (Unavailable, or a
// transport timeout) proves it too for a request that is not idempotent at
// the provider: its transport traces the write, and OutcomeUnknown is false
// only when nothing was written. An idempotent request is not traced, so
// for it only a failed dial is proof.
func notActedOn(e *tokenize.Error, idempotent bool) bool {
	switch {
	case e.Attempts == 0:
		return e.Code == tokenize.Unsupported || e.Code == tokenize.InvalidArgument
	case e.Code == tokenize.RateLimited, e.HTTPStatus == http.StatusRequestTimeout:
		return true
	case e.HTTPStatus != 0 || e.OutcomeUnknown:
		return false
	case neverConnected(e):
		return true
	}
	return (e.Code == tokenize.Unavailable || e.Code == tokenize.DeadlineExceeded) && !idempotent
}

// neverConnected reports a transport error from dialing the provider
// (refused, unreachable, a dial timeout, a failed name lookup): no
// connection, so no byte of the request left. net/http returns a dial
// error only for an attempt that wrote nothing, having resent on a new
// connection only requests that wrote nothing or are replayable (our
// adapters send no Idempotency-Key header, which would make a POST so).
func neverConnected(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// candidates returns the members that can take a routed request, in the
// order to try them: the first matching rule's providers, else the
// default's, leaving out those that do not declare what it needs.
func (r *Router) candidates(ctx context.Context, op tokenize.Operation, rq request) []*member {
	for _, rule := range r.rules {
		if rule.matches(ctx, rq) {
			if ms := r.eligible(rule.To, op, rq); len(ms) > 0 {
				return ms
			}
			break
		}
	}
	return r.eligible(r.def, op, rq)
}

func (r *Router) eligible(names Names, op tokenize.Operation, rq request) []*member {
	out := make([]*member, 0, len(names))
	for _, n := range names {
		if m := r.byName[n]; m.accepts(op, rq) {
			out = append(out, m)
		}
	}
	return out
}

func (m *member) accepts(op tokenize.Operation, rq request) bool {
	c := m.caps
	if !c.Supports(op) {
		return false
	}
	if op == tokenize.OpProvisionNetworkToken {
		return c.ProvisionFromCard
	}
	switch rq.kind {
	case KindCard:
		return c.SupportsPaymentMethod(tokenize.KindCard)
	case KindBankAccount:
		return c.SupportsPaymentMethod(tokenize.KindBankAccount)
	}
	return c.TemporaryTokens
}

// route sends a create to the candidates in turn. A provider whose circuit
// is open is put last; the next candidate is tried only after an error
// proving the previous one did nothing (notActedOn), never after one whose
// outcome is unknown, so a create cannot be made twice.
func route[T any](ctx context.Context, r *Router, op tokenize.Operation, rq request, fn func(*tokenize.Client) (T, error)) (T, *member, error) {
	var zero T
	cands := r.candidates(ctx, op, rq)
	if len(cands) == 0 {
		return zero, nil, &tokenize.Error{Code: tokenize.Unsupported,
			Message: "no provider of the router can take this " + op.String() + " (check the rules, the default and the providers' capabilities)"}
	}
	if rq.kind == KindTemporaryToken {
		// A temporary token is a single-use secret that only the provider
		// whose SDK issued it can redeem: the next provider would receive
		// a secret that is not its own, and refuse it anyway.
		cands = cands[:1]
	}
	var (
		open    []*member // skipped for an open circuit: the last resort
		left    []*member // refused or skipped since the last try
		lastErr error
	)
	// movedOn counts a failover for each provider the create left behind
	// (refused, or skipped for its circuit) now that it goes to another
	// one: a provider with nowhere to move on to has not failed over.
	movedOn := func() {
		for _, p := range left {
			p.breaker.failedOver()
		}
		left = left[:0]
	}
	try := func(m *member, probe bool) (T, bool, error) {
		res, err := fn(m.client)
		m.breaker.record(classify(ctx, err), tokenize.CodeOf(err), probe)
		if err == nil {
			return res, true, nil
		}
		var e *tokenize.Error
		idempotent := op == tokenize.OpProvisionNetworkToken && m.caps.ProvisionIsIdempotent
		if ctx.Err() == nil && errors.As(err, &e) && notActedOn(e, idempotent) {
			return zero, false, err // next candidate
		}
		return zero, true, err
	}
	for _, m := range cands {
		ok, probe := m.breaker.allow()
		if !ok {
			open = append(open, m)
			left = append(left, m)
			continue
		}
		movedOn()
		res, done, err := try(m, probe)
		if done {
			return res, m, err
		}
		left = append(left, m)
		lastErr = err
	}
	// Every provider with a closed circuit refused before doing anything:
	// the open ones are the last resort, better than a certain failure.
	// Those skipped since the last try are about to be tried, not left.
	left = slices.DeleteFunc(left, func(m *member) bool { return slices.Contains(open, m) })
	for _, m := range open {
		movedOn()
		res, done, err := try(m, false)
		if done {
			return res, m, err
		}
		left = append(left, m)
		lastErr = err
	}
	return zero, nil, lastErr
}

// String names the router's providers, never their settings.
func (r *Router) String() string { return fmt.Sprintf("router.Router%v", r.Providers()) }

// Format prints the same text as String for every verb, so that %#v
// cannot reflect into the providers.
func (r *Router) Format(f fmt.State, verb rune) { redact.Format(f, verb, r.String()) }
