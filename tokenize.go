package tokenize

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/tokenize-go/tokenize/internal/redact"
	"github.com/tokenize-go/tokenize/internal/stream"
)

// DefaultTimeout bounds a call whose context has no deadline. A provider
// that has not answered in 30 s is treated as failed; callers who want
// another bound set a context deadline or use WithTimeout.
const DefaultTimeout = 30 * time.Second

// Client is the provider-neutral API. It validates every request before
// anything is sent, refuses operations the provider does not declare,
// classifies every failure as an *Error, and logs each call at debug level
// without sensitive values. A Client is safe for concurrent use.
type Client struct {
	p       Provider
	name    string
	caps    Capabilities
	logger  *slog.Logger
	now     func() time.Time
	timeout time.Duration
	retry   RetryPolicy
	obs     Observer
}

// Option configures a Client.
type Option func(*options)

type options struct {
	logger     *slog.Logger
	now        func() time.Time
	timeout    time.Duration
	httpClient *http.Client
	retry      RetryPolicy
	observer   Observer
}

// WithLogger sets the logger for per-call debug records (operation,
// provider, duration, outcome code, provider request id). By default
// nothing is logged.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.logger = l
		}
	}
}

// WithClock sets the clock used to decide whether a card has expired and
// to time calls. The default is time.Now.
func WithClock(now func() time.Time) Option {
	return func(o *options) {
		if now != nil {
			o.now = now
		}
	}
}

// WithTimeout sets the bound applied to calls whose context has no
// deadline (DefaultTimeout unless set). Zero or negative disables it.
func WithTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// WithHTTPClient passes an *http.Client to the adapter built by Open, for
// proxies, custom TLS roots or instrumentation. It has no effect on New.
//
// The adapter sends every request with a shallow copy of hc that never
// follows a redirect (a redirect is an Internal error), so hc's own
// CheckRedirect does not apply to it; hc is not modified, and its Transport
// and connection pool are shared. Open refuses (InvalidArgument, Field
// "http_client") an *http.Transport whose TLS configuration allows versions
// below TLS 1.2 or skips certificate verification without verifying
// otherwise; a wrapping RoundTripper (instrumentation, for example) cannot
// be inspected and is used as it is.
func WithHTTPClient(hc *http.Client) Option { return func(o *options) { o.httpClient = hc } }

func buildOptions(opts []Option) options {
	o := options{
		logger:  slog.New(slog.DiscardHandler),
		now:     time.Now,
		timeout: DefaultTimeout,
		retry:   DefaultRetryPolicy(),
	}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return o
}

// New returns a Client that uses p. Most programs call Open instead, so
// that the provider is chosen by configuration.
func New(p Provider, opts ...Option) *Client {
	if p == nil {
		panic("tokenize: New with nil Provider")
	}
	return newClient(p, buildOptions(opts))
}

func newClient(p Provider, o options) *Client {
	return &Client{
		p:       p,
		name:    p.Name(),
		caps:    p.Capabilities(),
		logger:  o.logger,
		now:     o.now,
		timeout: o.timeout,
		retry:   o.retry,
		obs:     o.observer,
	}
}

// String returns "tokenize.Client(name)" with the provider's name only.
func (c *Client) String() string {
	if c == nil {
		return "tokenize.Client(nil)"
	}
	return "tokenize.Client(" + c.name + ")"
}

// GoString returns a Go-syntax form naming only the provider.
func (c *Client) GoString() string {
	if c == nil {
		return "(*tokenize.Client)(nil)"
	}
	return `tokenize.Client{provider: "` + c.name + `"}`
}

// Format prints only the provider's name, for every verb: the default
// formatting would reflect into the provider value and print its
// credentials.
func (c *Client) Format(f fmt.State, verb rune) {
	switch verb {
	case 'v':
		if f.Flag('#') {
			_, _ = io.WriteString(f, c.GoString())
			return
		}
	case 'q':
		fmt.Fprintf(f, "%q", c.String())
		return
	}
	_, _ = io.WriteString(f, c.String())
}

// LogValue implements slog.LogValuer with the provider's name only.
func (c *Client) LogValue() slog.Value {
	if c == nil {
		return slog.StringValue("<nil>")
	}
	return slog.GroupValue(slog.String("provider", c.name))
}

// Provider returns the name of the provider behind the Client.
func (c *Client) Provider() string { return c.name }

// Capabilities returns what the provider supports. Operations it does not
// declare fail with ErrUnsupported without reaching the provider.
func (c *Client) Capabilities() Capabilities {
	caps := c.caps
	caps.Operations = append([]Operation(nil), caps.Operations...)
	caps.PaymentMethods = append([]PaymentMethodKind(nil), caps.PaymentMethods...)
	caps.TransactionTypes = append([]TransactionType(nil), caps.TransactionTypes...)
	return caps
}

// CreatePaymentToken stores a card, a US bank account or a temporary token
// at the provider and returns the reusable payment token.
//
// A create is never retried: if the outcome is unknown (the request may
// have reached the provider), the error says so with OutcomeUnknown and
// carries the merchant reference to reconcile with.
func (c *Client) CreatePaymentToken(ctx context.Context, req CreatePaymentTokenRequest) (*PaymentToken, error) {
	const op = OpCreatePaymentToken
	valid, verr := c.validateCreate(&req)
	tok, err := call(c, ctx, op, verr, func(ctx context.Context) (*PaymentToken, error) {
		return c.p.CreatePaymentToken(ctx, valid)
	})
	if err != nil {
		err.MerchantReference = req.MerchantReference
		return nil, err
	}
	tok.Provider = c.name
	return tok, nil
}

// GetPaymentToken reads a payment token by id. An unknown id gives
// ErrNotFound.
func (c *Client) GetPaymentToken(ctx context.Context, id string) (*PaymentToken, error) {
	tok, err := call(c, ctx, OpGetPaymentToken, checkID(id, FieldID), func(ctx context.Context) (*PaymentToken, error) {
		return c.p.GetPaymentToken(ctx, id)
	})
	if err != nil {
		return nil, err
	}
	tok.Provider = c.name
	return tok, nil
}

// DeletePaymentToken deletes a payment token. An unknown id gives
// ErrNotFound.
func (c *Client) DeletePaymentToken(ctx context.Context, id string) error {
	_, err := call(c, ctx, OpDeletePaymentToken, checkID(id, FieldID), func(ctx context.Context) (struct{}, error) {
		return struct{}{}, c.p.DeletePaymentToken(ctx, id)
	})
	if err != nil {
		return err
	}
	return nil
}

// ProvisionNetworkToken asks the card scheme, through the provider, for a
// network token for a payment token or a card. A scheme refusal is not an
// error: the token comes back in StateDeclined.
func (c *Client) ProvisionNetworkToken(ctx context.Context, req ProvisionNetworkTokenRequest) (*NetworkToken, error) {
	valid, verr := c.validateProvision(&req)
	nt, err := call(c, ctx, OpProvisionNetworkToken, verr, func(ctx context.Context) (*NetworkToken, error) {
		return c.p.ProvisionNetworkToken(ctx, valid)
	})
	if err != nil {
		err.MerchantReference = req.MerchantReference
		return nil, err
	}
	nt.Provider = c.name
	return nt, nil
}

// GetNetworkToken reads a network token by id. An unknown id gives
// ErrNotFound.
func (c *Client) GetNetworkToken(ctx context.Context, id string) (*NetworkToken, error) {
	nt, err := call(c, ctx, OpGetNetworkToken, checkID(id, FieldID), func(ctx context.Context) (*NetworkToken, error) {
		return c.p.GetNetworkToken(ctx, id)
	})
	if err != nil {
		return nil, err
	}
	nt.Provider = c.name
	return nt, nil
}

// DeleteNetworkToken permanently deletes a network token at the scheme.
func (c *Client) DeleteNetworkToken(ctx context.Context, req DeleteNetworkTokenRequest) error {
	_, err := call(c, ctx, OpDeleteNetworkToken, c.validateDeleteNetworkToken(&req), func(ctx context.Context) (struct{}, error) {
		return struct{}{}, c.p.DeleteNetworkToken(ctx, &req)
	})
	if err != nil {
		return err
	}
	return nil
}

// RequestCryptogram returns a fresh single-use cryptogram for one
// transaction with a network token. A token that is not active gives
// ErrFailedPrecondition.
func (c *Client) RequestCryptogram(ctx context.Context, req CryptogramRequest) (*Cryptogram, error) {
	cg, err := call(c, ctx, OpRequestCryptogram, c.validateCryptogram(&req), func(ctx context.Context) (*Cryptogram, error) {
		return c.p.RequestCryptogram(ctx, &req)
	})
	if err != nil {
		return nil, err
	}
	cg.Provider = c.name
	return cg, nil
}

// call runs one operation: it reports a validation failure without calling
// the provider, refuses undeclared operations, applies the default timeout,
// classifies the outcome and logs it.
func call[T any](c *Client, ctx context.Context, op Operation, verr *Error, fn func(context.Context) (T, error)) (T, *Error) {
	var zero T
	// Inside a batch, a Throttle paces every attempt. The wait for the
	// first is the batch's queue, not the provider's time: it comes before
	// the call is timed, logged, observed or given its default timeout. A
	// call that will not be sent does not wait; a context that ends while
	// waiting is reported below (Canceled, nothing sent, Attempts 0).
	th := throttleOf(ctx)
	if th != nil && verr == nil && c.caps.Supports(op) {
		_ = th.Wait(ctx) // it fails only when ctx ends, which ctx.Err() below reports
	}
	ctx, lg := c.begin(ctx, op)
	if !c.caps.Supports(op) {
		return zero, c.finish(ctx, op, lg, c.unsupported(op, ""), nil)
	}
	if verr != nil {
		return zero, c.finish(ctx, op, lg, verr, nil)
	}
	if err := ctx.Err(); err != nil {
		return zero, c.finish(ctx, op, lg, fromContext(err), nil)
	}
	// One reading of the clock serves the default deadline and the retry
	// budget (context.WithTimeout would read it again).
	began := time.Now()
	callCtx := ctx
	if _, ok := ctx.Deadline(); !ok && c.timeout > 0 {
		var cancel context.CancelFunc
		callCtx, cancel = context.WithDeadline(ctx, began.Add(c.timeout))
		defer cancel()
	}
	// The response bookkeeping and the context carrying it are one
	// allocation.
	cc := &callContext{Context: callCtx, obs: lg.obs, provider: c.name}
	info := &cc.info
	callCtx = cc
	policy := c.retry
	earlierMayHaveApplied := false
	var last *Error // the previous attempt's error
	for attempt := 1; ; attempt++ {
		if th != nil && attempt > 1 {
			if err := th.Wait(callCtx); err != nil {
				return zero, c.finish(ctx, op, lg, c.classify(callCtx, last), info)
			}
		}
		info.attempts = attempt
		actx := lg.startAttempt(callCtx, attempt)
		res, err := fn(actx)
		if err == nil && isNil(res) {
			err = &Error{Code: Internal, Message: "provider returned neither a result nor an error"}
		}
		if err == nil {
			lg.endAttempt(actx, attempt, nil)
			return res, c.finish(ctx, op, lg, nil, info)
		}
		e := c.classify(callCtx, err)
		e.Attempts = attempt
		lg.endAttempt(actx, attempt, e)
		if th != nil && e.Code == RateLimited {
			th.Throttled(cmp.Or(e.RetryAfter, rateLimitedPause))
		}
		if e.Code == NotFound && isDelete(op) && earlierMayHaveApplied {
			// An earlier attempt's answer was lost, and it evidently
			// deleted the token: the caller's goal holds.
			return zero, c.finish(ctx, op, lg, nil, info)
		}
		earlierMayHaveApplied = earlierMayHaveApplied || !notProcessed(e)
		last = e
		if !e.Retryable || attempt >= policy.MaxAttempts {
			return zero, c.finish(ctx, op, lg, e, info)
		}
		delay := policy.backoff(attempt, e.RetryAfter)
		if th != nil {
			// The retry waits for the batch's pause too: when that outlasts
			// the call's deadline, the provider's own answer is reported
			// (a 429 is then sent again by the batch, past the pause)
			// rather than a deadline reached waiting.
			delay = max(delay, th.Paused())
		}
		if time.Since(began)+delay > policy.MaxElapsed || pastDeadline(callCtx, delay) {
			return zero, c.finish(ctx, op, lg, e, info)
		}
		c.logRetry(ctx, op, attempt, e, delay)
		if !sleep(callCtx, delay) {
			e = c.classify(callCtx, e)
			return zero, c.finish(ctx, op, lg, e, info)
		}
	}
}

func isDelete(op Operation) bool { return op == OpDeletePaymentToken || op == OpDeleteNetworkToken }

// notProcessed reports an error saying the provider did not act on the
// request: it throttled it (429) or never received it whole (408).
func notProcessed(e *Error) bool {
	return e.Code == RateLimited || e.HTTPStatus == http.StatusRequestTimeout
}

// pastDeadline reports whether waiting d would outlast ctx's deadline.
func pastDeadline(ctx context.Context, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	return ok && time.Until(dl) <= d
}

func (c *Client) logRetry(ctx context.Context, op Operation, attempt int, e *Error, delay time.Duration) {
	if c.logger.Enabled(ctx, slog.LevelDebug) {
		c.logger.LogAttrs(ctx, slog.LevelDebug, "tokenize retry",
			slog.String("op", op.String()),
			slog.String("provider", c.name),
			slog.Int("attempt", attempt),
			slog.String("code", e.Code.String()),
			slog.Duration("delay", delay))
	}
}

// ResponseInfo describes one HTTP response an adapter received.
type ResponseInfo struct {
	// RequestID is the provider's request identifier, if it sent one.
	RequestID string
	// HTTPStatus is the response status.
	HTTPStatus int
	// Provider names the provider that answered. The Client fills it in
	// (an adapter leaves it empty): behind a router it is the provider
	// the router sent the call to, where the call itself is the router's.
	Provider string
}

type callKey struct{}

// callContext is the context of one call's attempts: it answers callKey
// with itself (what context.WithValue would do, in one allocation instead
// of two) and delegates everything else.
type callContext struct {
	context.Context
	info callInfo
	// obs observes the call; nil when it is not observed.
	obs CallObserver
	// provider is the name of the Client making the call.
	provider string
}

// Value implements context.Context. It hides a batch's Throttle from
// the provider: a provider that calls through Clients of its own (a
// router) must not pace the same request twice.
func (c *callContext) Value(key any) any {
	switch key {
	case callKey{}:
		return c
	case throttleKey{}:
		return (*stream.Throttle)(nil)
	}
	return c.Context.Value(key)
}

// callLog is what finish needs to log and observe a call: whether to log,
// when the call started, and its observer (nil when none).
// begin starts logging and observing a call of op, and returns the
// context the call carries on with.
func (c *Client) begin(ctx context.Context, op Operation) (context.Context, callLog) {
	// Whether the call is logged is decided once, here: with debug logging
	// off (the production case) the clock is not read for the log and no
	// attribute is built.
	lg := callLog{on: c.logger.Enabled(ctx, slog.LevelDebug)}
	if lg.on {
		lg.start = c.now()
	}
	if c.obs != nil {
		// The observer's context (its span) is the call's from here on:
		// the attempts, the adapter's requests and the log record carry it.
		if octx, obs := c.obs.ObserveCall(ctx, CallStart{Provider: c.name, Operation: op}); octx != nil {
			ctx, lg.obs = octx, obs
		}
	}
	return ctx, lg
}

type callLog struct {
	on    bool
	start time.Time
	obs   CallObserver
}

// callInfo collects what adapters report about the responses of one call.
// An adapter may answer from goroutines of its own, hence the mutex.
type callInfo struct {
	mu        sync.Mutex
	last      ResponseInfo
	responses int
	// attempts is written and read by the calling goroutine only.
	attempts int
}

// ObserveResponse lets an adapter report each HTTP response it receives
// during a Client call, so that the Client can log the provider's request
// id for successful calls too, and the call's Observer sees every
// exchange. It does nothing outside a Client call. A Client called from
// inside a Provider (a router's) reports the response to the enclosing
// Client's call too, whose context it was called with.
func ObserveResponse(ctx context.Context, r ResponseInfo) {
	for observed := false; ; observed = true {
		cc, _ := ctx.Value(callKey{}).(*callContext)
		if cc == nil {
			return
		}
		info := &cc.info
		info.mu.Lock()
		info.last = r
		info.responses++
		info.mu.Unlock()
		// The innermost call's observer (its own, or the enclosing
		// call's it inherits) sees the exchange, once.
		if obs := cc.observer(); obs != nil && !observed {
			o := r
			o.RequestID = scrubDigits(o.RequestID)
			if o.Provider == "" {
				o.Provider = cc.provider
			}
			obs.Response(ctx, o)
		}
		ctx = cc.Context
	}
}

// isNil reports a nil pointer result, which the contract forbids with a
// nil error.
func isNil(v any) bool {
	switch t := v.(type) {
	case *PaymentToken:
		return t == nil
	case *NetworkToken:
		return t == nil
	case *Cryptogram:
		return t == nil
	}
	return false
}

// classify turns whatever the provider returned into an *Error owned by
// the Client (the adapter's value is copied, never modified).
func (c *Client) classify(ctx context.Context, err error) *Error {
	var e *Error
	switch {
	case errors.As(err, &e) && e == nil:
		// A typed nil (var e *Error; return e) is an adapter bug, not a
		// success, and must not crash the caller.
		e = &Error{Code: Internal, Message: "provider returned a nil *Error"}
	case e != nil:
		cp := *e
		e = &cp
		// The Client sets the merchant reference from the request once the
		// call is over; one an inner Client set (a router's provider) is
		// not passed on before, so that no observer is given it.
		e.MerchantReference = ""
	default:
		e = &Error{Code: CodeOf(err), Message: "provider returned an unclassified error", Err: err}
	}
	if e.Code == OK || int(e.Code) >= len(codeNames) {
		// An error must never read as success, nor carry a code callers
		// cannot match.
		e.Code = Unknown
	}
	if e.OutcomeUnknown {
		// A request that may have taken effect is not safe to repeat,
		// whatever the adapter said: retrying it could duplicate a create.
		e.Retryable = false
	}
	// A done context decides the code, whatever the transport or the
	// adapter made of it; OutcomeUnknown is kept, because the request may
	// have been sent before the context ended.
	if ctxErr := ctx.Err(); ctxErr != nil {
		ce := fromContext(ctxErr)
		e.Code, e.Retryable = ce.Code, false
		if !errors.Is(e, ctxErr) {
			e.Err = errors.Join(e.Err, ctxErr)
		}
		if e.Message == "" {
			e.Message = ce.Message
		}
	}
	// Defence in depth: no string a provider supplied may carry a card number.
	e.Message = scrubDigits(e.Message)
	e.Field = scrubDigits(e.Field)
	e.RequestID = scrubDigits(e.RequestID)
	e.ProviderCodes = scrubCodes(e.ProviderCodes)
	return e
}

func fromContext(err error) *Error {
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Code: DeadlineExceeded, Message: "deadline exceeded", Err: err}
	}
	return &Error{Code: Canceled, Message: "context canceled", Err: err}
}

func (c *Client) unsupported(op Operation, what string) *Error {
	msg := c.name + " does not support " + op.String()
	if what != "" {
		msg = c.name + " does not support " + what
	}
	return &Error{Code: Unsupported, Message: msg}
}

// finish completes err with the operation and provider, and logs the call.
func (c *Client) finish(ctx context.Context, op Operation, lg callLog, err *Error, info *callInfo) *Error {
	if err != nil {
		err.Op = op
		if err.Provider == "" {
			// A router reports the provider it routed to; an adapter
			// leaves it empty.
			err.Provider = c.name
		}
		markUsePAN(op, err)
	}
	if lg.obs != nil {
		var end CallEnd
		if err != nil { // never a typed nil
			end.Err = err
		}
		if info != nil {
			end.Attempts = info.attempts
		}
		lg.obs.End(ctx, end)
	}
	if !lg.on {
		return err
	}
	var last ResponseInfo
	responses := 0
	if info != nil {
		info.mu.Lock()
		last, responses = info.last, info.responses
		info.mu.Unlock()
	}
	code := OK
	if err != nil {
		code = err.Code
		if err.RequestID != "" {
			last.RequestID = err.RequestID
		}
		if err.HTTPStatus != 0 {
			last.HTTPStatus = err.HTTPStatus
		}
	}
	attrs := make([]slog.Attr, 0, 8)
	attrs = append(attrs,
		slog.String("op", op.String()),
		slog.String("provider", c.name),
		slog.Duration("duration", c.now().Sub(lg.start)),
		slog.String("code", code.String()),
		slog.Int("http_requests", responses),
	)
	if last.RequestID != "" {
		// Scrubbed like every provider-supplied string: an adapter reports
		// the header as it arrived.
		attrs = append(attrs, slog.String("request_id", scrubDigits(last.RequestID)))
	}
	if last.HTTPStatus != 0 {
		attrs = append(attrs, slog.Int("http_status", last.HTTPStatus))
	}
	if err != nil {
		attrs = append(attrs, slog.Any("error", err))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "tokenize call", attrs...)
	return err
}

// scrubDigits masks card-number-like digit runs in provider-supplied text.
func scrubDigits(s string) string { return redact.CardNumbers(s) }
