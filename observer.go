package tokenize

import (
	"context"
	"errors"
)

// Observer follows a Client's calls, for tracing and metrics: set one with
// WithObserver. The module github.com/tokenize-go/tokenize/otel implements
// it with OpenTelemetry; this package defines it with the standard library
// alone, so importing tokenize brings in no telemetry dependency.
//
// A call is observed from start to end: ObserveCall when it begins (before
// validation, so a call refused without sending is seen too), then for
// each attempt the Client makes CallObserver.StartAttempt, what the adapter
// reports during it (Response for every HTTP response, TokenFetch for every
// access-token fetch) and EndAttempt, and finally End, exactly once.
// Receiving a webhook (Client.ParseWebhook, and so WebhookHandler) is
// observed as a call of OpReceiveWebhook that makes no attempt, since it
// sends nothing: a delivery refused as forged (Unauthenticated) or stale
// (InvalidArgument) ends with that code.
//
// Nothing an observer is given holds a card number, CVV, DPAN, cryptogram,
// credential or merchant reference: every error is nil or the Client's
// classified, scrubbed *Error (read it with CodeOf and errors.As), and
// request ids are scrubbed of card-number-like digit runs.
// An Observer is used by concurrent calls and must be safe for that.
type Observer interface {
	// ObserveCall is called when a call begins. It returns the context the
	// call carries on with, ctx itself or a context derived from it (one
	// holding a span, say), which every attempt, the adapter and its HTTP
	// requests inherit; and the CallObserver of this call, or nil to
	// observe nothing more of it.
	ObserveCall(ctx context.Context, call CallStart) (context.Context, CallObserver)
}

// CallStart describes a call that begins.
type CallStart struct {
	// Provider is the Client's provider name, such as "nuvei".
	Provider string
	// Operation is the operation called.
	Operation Operation
}

// CallObserver follows one call, as returned by Observer.ObserveCall. The
// Client calls StartAttempt, EndAttempt and End in order from the calling
// goroutine; Response and TokenFetch come from the adapter, possibly from
// goroutines of its own.
type CallObserver interface {
	// StartAttempt is called before each attempt (numbered from 1; an
	// attempt above 1 is a retry), with the call's context. It returns
	// the context the adapter receives for this attempt: ctx itself or a
	// context derived from it.
	StartAttempt(ctx context.Context, attempt int) context.Context

	// Response is called for each HTTP response the adapter reports with
	// ObserveResponse, with the adapter's context (derived from the one
	// StartAttempt or TokenFetch returned).
	Response(ctx context.Context, r ResponseInfo)

	// TokenFetch is called when the adapter starts fetching an access
	// token (ObserveTokenFetch). It returns the context for the fetch's
	// requests, ctx itself or one derived from it, and a function the
	// adapter calls once when the fetch ends, with nil on success (the
	// error carries the classification, never the provider's message).
	// One fetch may serve several concurrent calls and outlast the call
	// that started it; it is reported to that call alone.
	TokenFetch(ctx context.Context, f TokenFetch) (context.Context, func(error))

	// EndAttempt is called when an attempt ends, with the context
	// StartAttempt returned and the attempt's error: nil when it
	// succeeded, else an *Error to read, not to modify nor keep (it may
	// become the error the caller gets).
	EndAttempt(ctx context.Context, attempt int, err error)

	// End is called once when the call ends, with the context ObserveCall
	// returned.
	End(ctx context.Context, end CallEnd)
}

// CallEnd describes how a call ended.
type CallEnd struct {
	// Err is the error the call returns: nil when it succeeded, else an
	// *Error to read during End, not to modify nor keep (the caller gets
	// it, and may fill in more, such as its merchant reference).
	Err error
	// Attempts is how many attempts the Client made: 0 when it refused
	// the call before sending anything (invalid input, an undeclared
	// operation, a context already done), and for OpReceiveWebhook, which
	// sends nothing.
	Attempts int
}

// TokenFetch describes an access-token fetch an adapter starts.
type TokenFetch struct {
	// Reason says why the adapter needs a new token.
	Reason TokenFetchReason
	// Provider is the adapter's provider name. It differs from the
	// call's when the call is a router's, which holds several; empty
	// means the call's.
	Provider string
}

// TokenFetchReason says why an adapter fetches an access token.
type TokenFetchReason uint8

// The reasons for an access-token fetch. Their names say "AccessToken"
// because in this package a bare "token" is a payment or network token. A
// stream of AccessTokenRejected says that the provider refuses access
// tokens before they expire (revoked credentials, several services sharing
// one client id, a skewed clock).
const (
	// AccessTokenReasonUnknown: the adapter did not say.
	AccessTokenReasonUnknown TokenFetchReason = iota
	// AccessTokenMissing: the adapter held no access token yet.
	AccessTokenMissing
	// AccessTokenExpired: the access token held reached the end of its
	// life.
	AccessTokenExpired
	// AccessTokenRejected: the provider refused the access token held
	// (HTTP 401).
	AccessTokenRejected
)

var tokenFetchReasons = []string{"unknown", "missing", "expired", "rejected"}

// String returns "missing", "expired", "rejected" or "unknown".
func (r TokenFetchReason) String() string {
	if int(r) < len(tokenFetchReasons) {
		return tokenFetchReasons[r]
	}
	return "unknown"
}

// WithObserver adds an observer told about every call the Client makes
// (see Observer). By default there is none, and a call does no work for
// one. Given several times, every observer is told, in the order given
// (an OpenTelemetry one and metrics of your own, say): each derives its
// contexts from those of the observers before it, and its EndAttempt and
// End get the contexts it returned itself. Response is given the
// adapter's context, which holds every observer's values, so at most one
// of them should put spans in it. WithObserver(nil) adds nothing.
func WithObserver(o Observer) Option {
	return func(opts *options) {
		switch prev := opts.observer.(type) {
		case nil:
			opts.observer = o
		case observers:
			if o != nil {
				opts.observer = append(prev[:len(prev):len(prev)], o)
			}
		default:
			if o != nil {
				opts.observer = observers{prev, o}
			}
		}
	}
}

// observers tells several observers of every call.
type observers []Observer

// ObserveCall implements Observer: each observer is given the context the
// ones before it returned.
func (os observers) ObserveCall(ctx context.Context, call CallStart) (context.Context, CallObserver) {
	fan := &callObservers{}
	for _, o := range os {
		octx, co := o.ObserveCall(ctx, call)
		if octx != nil {
			ctx = octx
		}
		if co != nil {
			fan.obs = append(fan.obs, co)
			fan.call = append(fan.call, ctx)
		}
	}
	switch len(fan.obs) {
	case 0:
		return ctx, nil
	case 1:
		return ctx, fan.obs[0]
	}
	fan.attempt = make([]context.Context, len(fan.obs))
	return ctx, fan
}

// callObservers follows one call for several observers. The Client calls
// StartAttempt, EndAttempt and End in turn from one goroutine, so attempt
// needs no lock; Response and TokenFetch read only obs.
type callObservers struct {
	obs     []CallObserver
	call    []context.Context // what each one's ObserveCall returned, for its End
	attempt []context.Context // what each one's StartAttempt returned, for its EndAttempt
}

func (f *callObservers) StartAttempt(ctx context.Context, attempt int) context.Context {
	for i, o := range f.obs {
		if actx := o.StartAttempt(ctx, attempt); actx != nil {
			ctx = actx
		}
		f.attempt[i] = ctx
	}
	return ctx
}

func (f *callObservers) Response(ctx context.Context, r ResponseInfo) {
	for _, o := range f.obs {
		o.Response(ctx, r)
	}
}

func (f *callObservers) TokenFetch(ctx context.Context, tf TokenFetch) (context.Context, func(error)) {
	ends := make([]func(error), 0, len(f.obs))
	for _, o := range f.obs {
		fctx, end := o.TokenFetch(ctx, tf)
		if fctx != nil {
			ctx = fctx
		}
		if end != nil {
			ends = append(ends, end)
		}
	}
	return ctx, func(err error) {
		for i := len(ends) - 1; i >= 0; i-- { // innermost first, as spans end
			ends[i](err)
		}
	}
}

func (f *callObservers) EndAttempt(_ context.Context, attempt int, err error) {
	for i := len(f.obs) - 1; i >= 0; i-- {
		f.obs[i].EndAttempt(f.attempt[i], attempt, err)
	}
}

func (f *callObservers) End(_ context.Context, end CallEnd) {
	for i := len(f.obs) - 1; i >= 0; i-- {
		f.obs[i].End(f.call[i], end)
	}
}

// ObserveTokenFetch lets an adapter report an access-token fetch (OAuth
// client credentials and the like) made during a Client call. Send the
// token request with the returned context, so that an observer's span
// encloses it, and call the returned function once with the fetch's
// outcome:
//
//	ctx, done := tokenize.ObserveTokenFetch(ctx, tokenize.TokenFetch{Reason: tokenize.AccessTokenExpired})
//	tok, err := fetch(ctx)
//	done(err)
//
// The fetch is reported to the observer of the innermost observed call in
// ctx. Outside an observed call it returns ctx and a function that does
// nothing.
func ObserveTokenFetch(ctx context.Context, f TokenFetch) (context.Context, func(error)) {
	cc, _ := ctx.Value(callKey{}).(*callContext)
	obs := cc.observer()
	if obs == nil {
		return ctx, noFetchEnd
	}
	fctx, end := obs.TokenFetch(ctx, f)
	if fctx == nil {
		fctx = ctx
	}
	if end == nil {
		return fctx, noFetchEnd
	}
	return fctx, func(err error) {
		if err == nil {
			end(nil)
			return
		}
		end(fetchError(err))
	}
}

func noFetchEnd(error) {}

// fetchError is what an observer is told of a failed token fetch: the
// classification and the provider's identifiers, never a message (an
// OAuth error description is free text).
func fetchError(err error) *Error {
	out := &Error{Code: CodeOf(err), Message: "access-token fetch failed"}
	var e *Error
	if errors.As(err, &e) && e != nil {
		out.HTTPStatus = e.HTTPStatus
		out.RequestID = scrubDigits(e.RequestID)
		out.ProviderCodes = scrubCodes(e.ProviderCodes)
		out.Retryable = e.Retryable
	}
	if out.Code == OK {
		out.Code = Unknown
	}
	return out
}

// scrubCodes returns a copy of provider codes with card-number-like digit
// runs masked.
func scrubCodes(codes []string) []string {
	if len(codes) == 0 {
		return nil
	}
	out := make([]string, len(codes))
	for i, pc := range codes {
		out[i] = scrubDigits(pc)
	}
	return out
}

// observer returns the CallObserver of the innermost observed call: cc's
// own, or, for a call made within another Client's call (a router's
// providers are Clients of their own), the enclosing call's. It is nil
// when no call is observed, cc included.
func (cc *callContext) observer() CallObserver {
	for cc != nil {
		if cc.obs != nil {
			return cc.obs
		}
		cc, _ = cc.Context.Value(callKey{}).(*callContext)
	}
	return nil
}

// startAttempt tells the call's observer, if any, that an attempt starts,
// and returns the context for it.
func (lg *callLog) startAttempt(ctx context.Context, attempt int) context.Context {
	if lg.obs == nil {
		return ctx
	}
	if actx := lg.obs.StartAttempt(ctx, attempt); actx != nil {
		return actx
	}
	return ctx
}

// endAttempt tells the call's observer, if any, that an attempt ended.
// err is nil or an *Error, never a typed nil.
func (lg *callLog) endAttempt(ctx context.Context, attempt int, err *Error) {
	if lg.obs == nil {
		return
	}
	if err == nil {
		lg.obs.EndAttempt(ctx, attempt, nil)
		return
	}
	lg.obs.EndAttempt(ctx, attempt, err)
}
