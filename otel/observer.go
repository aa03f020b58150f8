package otel

import (
	"context"
	"errors"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	otelglobal "go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/tokenize-go/tokenize"
)

// Observer is a tokenize.Observer that records traces and metrics with
// OpenTelemetry. Build it with New and give it to a Client with
// tokenize.WithObserver. It is safe for concurrent use, and one Observer
// may serve any number of Clients.
type Observer struct {
	tracer        trace.Tracer
	callDuration  metric.Float64Histogram
	activeCalls   metric.Int64UpDownCounter
	retries       metric.Int64Counter
	tokenDuration metric.Float64Histogram

	// ops caches the attributes of each provider and operation seen, so
	// that a call builds no attribute set. Calls read it without a lock
	// (it is replaced, never modified); mu orders the rare additions.
	ops atomic.Pointer[map[opKey]*opAttrs]
	mu  sync.Mutex
}

var _ tokenize.Observer = (*Observer)(nil)

// Option configures New.
type Option func(*config)

type config struct {
	tp trace.TracerProvider
	mp metric.MeterProvider
}

// WithTracerProvider sets the TracerProvider; the global one
// (otel.GetTracerProvider) by default.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) {
		if tp != nil {
			c.tp = tp
		}
	}
}

// WithMeterProvider sets the MeterProvider; the global one
// (otel.GetMeterProvider) by default.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) {
		if mp != nil {
			c.mp = mp
		}
	}
}

// New returns an Observer recording with the given (or the global)
// providers. Its error comes from the MeterProvider refusing an instrument.
func New(opts ...Option) (*Observer, error) {
	cfg := config{tp: otelglobal.GetTracerProvider(), mp: otelglobal.GetMeterProvider()}
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	o := &Observer{
		tracer: cfg.tp.Tracer(ScopeName, trace.WithInstrumentationVersion(tokenize.Version), trace.WithSchemaURL(semconv.SchemaURL)),
	}
	meter := cfg.mp.Meter(ScopeName, metric.WithInstrumentationVersion(tokenize.Version), metric.WithSchemaURL(semconv.SchemaURL))
	var errs [4]error
	o.callDuration, errs[0] = meter.Float64Histogram(CallDurationMetric, metric.WithUnit("s"),
		metric.WithDescription("Duration of tokenize Client calls, retries included."),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	o.activeCalls, errs[1] = meter.Int64UpDownCounter(ActiveCallsMetric, metric.WithUnit("{call}"),
		metric.WithDescription("Number of tokenize Client calls in progress."))
	o.retries, errs[2] = meter.Int64Counter(RetriesMetric, metric.WithUnit("{retry}"),
		metric.WithDescription("Number of attempts a tokenize Client repeated after a transient failure."))
	o.tokenDuration, errs[3] = meter.Float64Histogram(AccessTokenDurationMetric, metric.WithUnit("s"),
		metric.WithDescription("Duration of access-token fetches by tokenize adapters."),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	if err := errors.Join(errs[:]...); err != nil {
		return nil, err
	}
	return o, nil
}

type opKey struct {
	provider string
	op       tokenize.Operation
}

// opAttrs are the attributes of one provider and operation, and the
// options carrying them, built once: a call then allocates none.
type opAttrs struct {
	spanName string
	// start is what a call's span starts with: provider and operation.
	start     []attribute.KeyValue
	startOpts []trace.SpanStartOption
	// active carries the attribute set of the in-progress counter.
	active []metric.AddOption
	// outcomes carry the set of every code: provider, operation, code
	// and, for a failure, error.type.
	outcomes [tokenize.Internal + 1]outcomeOpts
}

// outcomeOpts carry one attribute set, as the options of each kind of
// instrument (typed slices: passing them allocates nothing).
type outcomeOpts struct {
	record []metric.RecordOption
	add    []metric.AddOption
}

func newOutcomeOpts(set attribute.Set) outcomeOpts {
	opt := metric.WithAttributeSet(set)
	return outcomeOpts{record: []metric.RecordOption{opt}, add: []metric.AddOption{opt}}
}

// attemptOpts start the span of attempts 1 to len-1, built once.
var attemptOpts = func() [8][]trace.SpanStartOption {
	var opts [8][]trace.SpanStartOption
	for n := range opts {
		opts[n] = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(AttemptKey.Int(n))}
	}
	return opts
}()

func (o *Observer) attrs(provider string, op tokenize.Operation) *opAttrs {
	k := opKey{provider, op}
	if m := o.ops.Load(); m != nil {
		if a, ok := (*m)[k]; ok {
			return a
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	old := o.ops.Load()
	if old != nil {
		if a, ok := (*old)[k]; ok {
			return a
		}
	}
	a := &opAttrs{
		spanName: CallSpanPrefix + op.String(),
		start:    []attribute.KeyValue{ProviderKey.String(provider), OperationKey.String(op.String())},
	}
	a.startOpts = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(a.start...)}
	a.active = []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(a.start...))}
	for c := range a.outcomes {
		a.outcomes[c] = newOutcomeOpts(outcomeSet(a.start, tokenize.Code(c)))
	}
	m := make(map[opKey]*opAttrs, 1)
	if old != nil {
		m = maps.Clone(*old)
	}
	m[k] = a
	o.ops.Store(&m)
	return a
}

func (a *opAttrs) outcome(code tokenize.Code) outcomeOpts {
	if int(code) < len(a.outcomes) {
		return a.outcomes[code]
	}
	return newOutcomeOpts(outcomeSet(a.start, code))
}

// outcomeSet is base with the code and, for a failure, error.type.
func outcomeSet(base []attribute.KeyValue, code tokenize.Code) attribute.Set {
	kv := append(append(make([]attribute.KeyValue, 0, len(base)+2), base...), CodeKey.String(code.String()))
	if code != tokenize.OK {
		kv = append(kv, semconv.ErrorTypeKey.String(code.String()))
	}
	return attribute.NewSet(kv...)
}

// ObserveCall implements tokenize.Observer: it starts the call's span and
// counts the call in progress.
func (o *Observer) ObserveCall(ctx context.Context, c tokenize.CallStart) (context.Context, tokenize.CallObserver) {
	a := o.attrs(c.Provider, c.Operation)
	ctx, span := o.tracer.Start(ctx, a.spanName, a.startOpts...)
	o.activeCalls.Add(ctx, 1, a.active...)
	return ctx, &call{o: o, a: a, provider: c.Provider, span: span, start: time.Now()}
}

// call follows one Client call.
type call struct {
	o        *Observer
	a        *opAttrs
	provider string
	span     trace.Span
	start    time.Time

	mu sync.Mutex
	// attempt is the span of the attempt in progress, nil between
	// attempts.
	attempt trace.Span
	// resp is the last response of the attempt in progress, last that of
	// the whole call.
	resp, last tokenize.ResponseInfo
	// failed is the code of the last failed attempt, the cause of a retry.
	failed tokenize.Code
}

// StartAttempt implements tokenize.CallObserver: an attempt's span, and a
// retry counted from the second attempt on.
func (c *call) StartAttempt(ctx context.Context, attempt int) context.Context {
	if attempt > 1 {
		c.o.retries.Add(ctx, 1, c.a.outcome(c.failed).add...)
	}
	var opts []trace.SpanStartOption
	if attempt < len(attemptOpts) {
		opts = attemptOpts[attempt]
	} else {
		opts = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(AttemptKey.Int(attempt))}
	}
	ctx, span := c.o.tracer.Start(ctx, AttemptSpanName, opts...)
	c.mu.Lock()
	c.attempt, c.resp = span, tokenize.ResponseInfo{}
	c.mu.Unlock()
	return ctx
}

// Response implements tokenize.CallObserver: an event on the span of the
// attempt, or of the access-token fetch, the response belongs to.
func (c *call) Response(ctx context.Context, r tokenize.ResponseInfo) {
	if f, _ := ctx.Value(fetchKey{}).(*fetch); f != nil {
		f.response(r)
		return
	}
	c.mu.Lock()
	span := c.attempt
	c.resp, c.last = r, r
	c.mu.Unlock()
	if span != nil && span.IsRecording() {
		attrs := responseAttrs(r)
		if routed(c.provider, r.Provider) {
			attrs = append(attrs, ProviderKey.String(r.Provider))
		}
		span.AddEvent(ResponseEventName, trace.WithAttributes(attrs...))
	}
}

// EndAttempt implements tokenize.CallObserver.
func (c *call) EndAttempt(_ context.Context, _ int, err error) {
	c.mu.Lock()
	span, resp := c.attempt, c.resp
	c.attempt = nil
	c.mu.Unlock()
	if span == nil {
		return
	}
	e := asError(err)
	if e != nil {
		c.failed = e.Code
	}
	if span.IsRecording() {
		span.SetAttributes(outcomeAttrs(e, resp, 0)...)
		setStatus(span, e)
	}
	span.End()
}

// End implements tokenize.CallObserver: the call's duration and outcome.
func (c *call) End(ctx context.Context, end tokenize.CallEnd) {
	elapsed := time.Since(c.start).Seconds()
	e := asError(end.Err)
	code := tokenize.OK
	if e != nil {
		code = e.Code
	}
	c.o.callDuration.Record(ctx, elapsed, c.a.outcome(code).record...)
	c.o.activeCalls.Add(ctx, -1, c.a.active...)
	if !c.span.IsRecording() {
		c.span.End()
		return
	}

	c.mu.Lock()
	last := c.last
	c.mu.Unlock()
	extra := 2
	if e != nil {
		extra = 5
	}
	attrs := append(outcomeAttrs(e, last, extra), AttemptsKey.Int(end.Attempts))
	// A router's call says where it went: the provider that answered
	// last, else the one its error names.
	servedBy := last.Provider
	if e != nil && e.Provider != "" {
		servedBy = e.Provider
	}
	if routed(c.provider, servedBy) {
		attrs = append(attrs, RoutedProviderKey.String(servedBy))
	}
	if e != nil {
		attrs = append(attrs, OutcomeUnknownKey.Bool(e.OutcomeUnknown))
		if len(e.ProviderCodes) > 0 {
			attrs = append(attrs, ProviderCodesKey.StringSlice(e.ProviderCodes))
		}
		if e.Field != "" {
			attrs = append(attrs, FieldKey.String(e.Field))
		}
	}
	c.span.SetAttributes(attrs...)
	setStatus(c.span, e)
	c.span.End()
}

type fetchKey struct{}

// TokenFetch implements tokenize.CallObserver: a span enclosing the fetch's
// requests, and its duration.
// The fetch is labelled with the adapter's provider, which behind a router
// is not the call's.
func (c *call) TokenFetch(ctx context.Context, tf tokenize.TokenFetch) (context.Context, func(error)) {
	provider := tf.Provider
	if provider == "" {
		provider = c.provider
	}
	base := []attribute.KeyValue{ProviderKey.String(provider), AccessTokenReasonKey.String(tf.Reason.String())}
	ctx, span := c.o.tracer.Start(ctx, AccessTokenSpanName, trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(base...))
	f := &fetch{o: c.o, base: base, span: span, start: time.Now()}
	return context.WithValue(ctx, fetchKey{}, f), f.end
}

// fetch follows one access-token fetch, which may outlast the call that
// started it.
type fetch struct {
	o     *Observer
	base  []attribute.KeyValue
	span  trace.Span
	start time.Time

	mu   sync.Mutex
	last tokenize.ResponseInfo
}

func (f *fetch) response(r tokenize.ResponseInfo) {
	f.mu.Lock()
	f.last = r
	f.mu.Unlock()
	if f.span.IsRecording() {
		f.span.AddEvent(ResponseEventName, trace.WithAttributes(responseAttrs(r)...))
	}
}

func (f *fetch) end(err error) {
	elapsed := time.Since(f.start).Seconds()
	e := asError(err)
	code := tokenize.OK
	if e != nil {
		code = e.Code
	}
	f.o.tokenDuration.Record(context.Background(), elapsed, newOutcomeOpts(outcomeSet(f.base, code)).record...)
	f.mu.Lock()
	last := f.last
	f.mu.Unlock()
	attrs := outcomeAttrs(e, last, 1)
	if e != nil && len(e.ProviderCodes) > 0 {
		attrs = append(attrs, ProviderCodesKey.StringSlice(e.ProviderCodes))
	}
	f.span.SetAttributes(attrs...)
	setStatus(f.span, e)
	f.span.End()
}

// asError returns err as the *tokenize.Error the Client always gives, or
// one of code Unknown for anything else.
func asError(err error) *tokenize.Error {
	if err == nil {
		return nil
	}
	var e *tokenize.Error
	if errors.As(err, &e) && e != nil {
		return e
	}
	return &tokenize.Error{Code: tokenize.CodeOf(err)}
}

// routed reports whether a call of the Client named call was served by
// another provider, as a router's call is.
func routed(call, servedBy string) bool { return servedBy != "" && servedBy != call }

func responseAttrs(r tokenize.ResponseInfo) []attribute.KeyValue {
	attrs := []attribute.KeyValue{semconv.HTTPResponseStatusCode(r.HTTPStatus)}
	if r.RequestID != "" {
		attrs = append(attrs, RequestIDKey.String(r.RequestID))
	}
	return attrs
}

// outcomeAttrs are the code, the HTTP status and request id (the error's,
// else the last response's) and, for a failure, error.type, with room for
// extra more (the SDK copies them: the slice is garbage at once, so it is
// made no larger than needed).
func outcomeAttrs(e *tokenize.Error, last tokenize.ResponseInfo, extra int) []attribute.KeyValue {
	code := tokenize.OK
	if e != nil {
		code = e.Code
		if e.HTTPStatus != 0 {
			last.HTTPStatus = e.HTTPStatus
		}
		if e.RequestID != "" {
			last.RequestID = e.RequestID
		}
	}
	attrs := make([]attribute.KeyValue, 0, 4+extra)
	attrs = append(attrs, CodeKey.String(code.String()))
	if last.HTTPStatus != 0 {
		attrs = append(attrs, semconv.HTTPResponseStatusCode(last.HTTPStatus))
	}
	if last.RequestID != "" {
		attrs = append(attrs, RequestIDKey.String(last.RequestID))
	}
	if e != nil {
		attrs = append(attrs, semconv.ErrorTypeKey.String(code.String()))
	}
	return attrs
}

// setStatus marks a failed span as an error, described by its code alone:
// a provider's message is free text, which a trace must not carry.
func setStatus(span trace.Span, e *tokenize.Error) {
	if e != nil {
		span.SetStatus(codes.Error, e.Code.String())
	}
}
