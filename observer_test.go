package tokenize_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

// recorder is an Observer that writes down everything it is told, one
// line per event, and marks the contexts it returns so that tests can see
// where they travel.
type recorder struct {
	mu    sync.Mutex
	lines []string
	// skip makes ObserveCall return no CallObserver.
	skip bool
}

type markKey struct{}

// mark returns ctx carrying label, appended to the labels already there.
func mark(ctx context.Context, label string) context.Context {
	if prev, _ := ctx.Value(markKey{}).(string); prev != "" {
		label = prev + ">" + label
	}
	return context.WithValue(ctx, markKey{}, label)
}

func marks(ctx context.Context) string { s, _ := ctx.Value(markKey{}).(string); return s }

func (r *recorder) add(format string, args ...any) {
	r.mu.Lock()
	r.lines = append(r.lines, fmt.Sprintf(format, args...))
	r.mu.Unlock()
}

func (r *recorder) Lines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.lines...)
}

func (r *recorder) ObserveCall(ctx context.Context, c tokenize.CallStart) (context.Context, tokenize.CallObserver) {
	r.add("call %s %s", c.Provider, c.Operation)
	if r.skip {
		return ctx, nil
	}
	return mark(ctx, "call"), &recordedCall{r: r}
}

type recordedCall struct{ r *recorder }

func errText(err error) string {
	if err == nil {
		return "OK"
	}
	var e *tokenize.Error
	if !errors.As(err, &e) {
		return "not a *tokenize.Error: " + err.Error()
	}
	return fmt.Sprintf("%s status=%d request=%s codes=%v attempts=%d", e.Code, e.HTTPStatus, e.RequestID, e.ProviderCodes, e.Attempts)
}

func (c *recordedCall) StartAttempt(ctx context.Context, n int) context.Context {
	c.r.add("attempt %d [%s]", n, marks(ctx))
	return mark(ctx, fmt.Sprintf("attempt%d", n))
}

func (c *recordedCall) Response(ctx context.Context, r tokenize.ResponseInfo) {
	c.r.add("response %d %s [%s]", r.HTTPStatus, r.RequestID, marks(ctx))
}

func (c *recordedCall) TokenFetch(ctx context.Context, f tokenize.TokenFetch) (context.Context, func(error)) {
	c.r.add("fetch %s [%s]", f.Reason, marks(ctx))
	return mark(ctx, "fetch"), func(err error) {
		msg := ""
		if e := (*tokenize.Error)(nil); errors.As(err, &e) {
			msg = " message=" + e.Message
		}
		c.r.add("fetch end %s%s", errText(err), msg)
	}
}

func (c *recordedCall) EndAttempt(ctx context.Context, n int, err error) {
	c.r.add("end attempt %d %s [%s]", n, errText(err), marks(ctx))
}

func (c *recordedCall) End(ctx context.Context, e tokenize.CallEnd) {
	c.r.add("end %s attempts=%d [%s]", errText(e.Err), e.Attempts, marks(ctx))
}

// fastRetries makes retries immediate.
var fastRetries = tokenize.WithRetryPolicy(tokenize.RetryPolicy{MaxAttempts: 3, InitialBackoff: time.Microsecond, MaxBackoff: time.Microsecond})

func TestObserverSuccess(t *testing.T) {
	p := newFake()
	var seen string
	p.hook = func(ctx context.Context) {
		seen = marks(ctx)
		tokenize.ObserveResponse(ctx, tokenize.ResponseInfo{RequestID: "req-1", HTTPStatus: 200})
	}
	rec := &recorder{}
	c := tokenize.New(p, tokenize.WithObserver(rec))
	_, err := c.GetPaymentToken(context.Background(), "pt_1")
	require.NoError(t, err)
	assert.Equal(t, "call>attempt1", seen, "the adapter runs under the observer's contexts")
	assert.Equal(t, []string{
		"call fake GetPaymentToken",
		"attempt 1 [call]",
		"response 200 req-1 [call>attempt1]",
		"end attempt 1 OK [call>attempt1]",
		"end OK attempts=1 [call]",
	}, rec.Lines())
}

// TestObserverRefused: a call refused before sending is observed, with no
// attempt.
func TestObserverRefused(t *testing.T) {
	p := newFake()
	p.caps.Operations = []tokenize.Operation{tokenize.OpGetPaymentToken}
	rec := &recorder{}
	c := tokenize.New(p, tokenize.WithObserver(rec))
	ctx := context.Background()
	_, err := c.GetPaymentToken(ctx, "")
	require.Error(t, err)
	_, err = c.GetNetworkToken(ctx, "nt_1")
	require.Error(t, err)
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = c.GetPaymentToken(canceled, "pt_1")
	require.Error(t, err)
	assert.Zero(t, p.calls.Load())
	assert.Equal(t, []string{
		"call fake GetPaymentToken",
		"end InvalidArgument status=0 request= codes=[] attempts=0 attempts=0 [call]",
		"call fake GetNetworkToken",
		"end Unsupported status=0 request= codes=[] attempts=0 attempts=0 [call]",
		"call fake GetPaymentToken",
		"end Canceled status=0 request= codes=[] attempts=0 attempts=0 [call]",
	}, rec.Lines())
}

// flaky fails GetPaymentToken with errs, one per attempt, then succeeds.
type flaky struct {
	*fakeProvider
	mu   sync.Mutex
	errs []error
}

func (p *flaky) GetPaymentToken(ctx context.Context, id string) (*tokenize.PaymentToken, error) {
	p.mu.Lock()
	var err error
	if len(p.errs) > 0 {
		err, p.errs = p.errs[0], p.errs[1:]
	}
	p.mu.Unlock()
	status := 200
	if e := (*tokenize.Error)(nil); errors.As(err, &e) {
		status = e.HTTPStatus
	}
	tokenize.ObserveResponse(ctx, tokenize.ResponseInfo{RequestID: "req-" + marks(ctx), HTTPStatus: status})
	if err != nil {
		return nil, err
	}
	return p.fakeProvider.GetPaymentToken(ctx, id)
}

func TestObserverRetried(t *testing.T) {
	p := &flaky{fakeProvider: newFake(), errs: []error{
		&tokenize.Error{Code: tokenize.Unavailable, HTTPStatus: 503, Retryable: true, RequestID: "r1"},
		&tokenize.Error{Code: tokenize.RateLimited, HTTPStatus: 429, Retryable: true, RequestID: "r2"},
	}}
	rec := &recorder{}
	c := tokenize.New(p, tokenize.WithObserver(rec), fastRetries)
	_, err := c.GetPaymentToken(context.Background(), "pt_1")
	require.NoError(t, err)
	assert.Equal(t, []string{
		"call fake GetPaymentToken",
		"attempt 1 [call]",
		"response 503 req-call>attempt1 [call>attempt1]",
		"end attempt 1 Unavailable status=503 request=r1 codes=[] attempts=1 [call>attempt1]",
		"attempt 2 [call]",
		"response 429 req-call>attempt2 [call>attempt2]",
		"end attempt 2 RateLimited status=429 request=r2 codes=[] attempts=2 [call>attempt2]",
		"attempt 3 [call]",
		"response 200 req-call>attempt3 [call>attempt3]",
		"end attempt 3 OK [call>attempt3]",
		"end OK attempts=3 [call]",
	}, rec.Lines())
}

func TestObserverFailedCall(t *testing.T) {
	p := newFake()
	p.err = &tokenize.Error{Code: tokenize.Internal, HTTPStatus: 500, OutcomeUnknown: true, RequestID: "id-" + testPAN,
		ProviderCodes: []string{"code-" + testPAN}, Message: "echoed " + testPAN}
	rec := &recorder{}
	c := tokenize.New(p, tokenize.WithObserver(rec), fastRetries)
	_, err := c.CreatePaymentToken(context.Background(), tokenize.CreatePaymentTokenRequest{Card: goodCard(), MerchantReference: "customer-42"})
	require.Error(t, err)
	lines := rec.Lines()
	require.Len(t, lines, 4)
	assert.Equal(t, "end Internal status=500 request=id-411111******1111 codes=[code-411111******1111] attempts=1 attempts=1 [call]", lines[3],
		"an unknown outcome is not retried, and what the observer sees is scrubbed")
	assertClean(t, strings.Join(lines, "\n"), "observer lines")
}

// TestObserverTokenFetch: an adapter's token fetch reaches the observer
// with its reason, under the context the observer returns, and its error
// without free text.
func TestObserverTokenFetch(t *testing.T) {
	p := newFake()
	var fetchMarks string
	p.hook = func(ctx context.Context) {
		fctx, done := tokenize.ObserveTokenFetch(ctx, tokenize.TokenFetch{Reason: tokenize.AccessTokenRejected})
		fetchMarks = marks(fctx)
		tokenize.ObserveResponse(fctx, tokenize.ResponseInfo{RequestID: "tok-req", HTTPStatus: 401})
		done(&tokenize.Error{Code: tokenize.Unauthenticated, HTTPStatus: 401, RequestID: "tok-req",
			ProviderCodes: []string{"invalid_client"}, Message: "client " + testAPIKey + " unknown"})
	}
	rec := &recorder{}
	c := tokenize.New(p, tokenize.WithObserver(rec))
	_, err := c.GetNetworkToken(context.Background(), "nt_1")
	require.NoError(t, err)
	assert.Equal(t, "call>attempt1>fetch", fetchMarks)
	assert.Equal(t, []string{
		"call fake GetNetworkToken",
		"attempt 1 [call]",
		"fetch rejected [call>attempt1]",
		"response 401 tok-req [call>attempt1>fetch]",
		"fetch end Unauthenticated status=401 request=tok-req codes=[invalid_client] attempts=0 message=access-token fetch failed",
		"end attempt 1 OK [call>attempt1]",
		"end OK attempts=1 [call]",
	}, rec.Lines())
}

// TestObserverSeveral: every observer given is told everything, in the
// order given; each derives from the contexts of the ones before it and
// ends with the contexts it returned itself. An observer that declines a
// call (no CallObserver) is skipped for it, and WithObserver(nil) adds
// nothing.
func TestObserverSeveral(t *testing.T) {
	p := newFake()
	p.hook = func(ctx context.Context) {
		fctx, done := tokenize.ObserveTokenFetch(ctx, tokenize.TokenFetch{Reason: tokenize.AccessTokenMissing})
		tokenize.ObserveResponse(fctx, tokenize.ResponseInfo{RequestID: "tok-req", HTTPStatus: 200})
		done(nil)
	}
	first, declines, second := &recorder{}, &recorder{skip: true}, &recorder{}
	c := tokenize.New(p, tokenize.WithObserver(first), tokenize.WithObserver(nil), tokenize.WithObserver(declines), tokenize.WithObserver(second))
	_, err := c.GetNetworkToken(context.Background(), "nt_1")
	require.NoError(t, err)
	assert.Equal(t, []string{
		"call fake GetNetworkToken",
		"attempt 1 [call>call]",
		"fetch missing [call>call>attempt1>attempt1]",
		"response 200 tok-req [call>call>attempt1>attempt1>fetch>fetch]",
		"fetch end OK",
		"end attempt 1 OK [call>call>attempt1]",
		"end OK attempts=1 [call]",
	}, first.Lines())
	assert.Equal(t, []string{"call fake GetNetworkToken"}, declines.Lines())
	assert.Equal(t, []string{
		"call fake GetNetworkToken",
		"attempt 1 [call>call>attempt1]",
		"fetch missing [call>call>attempt1>attempt1>fetch]",
		"response 200 tok-req [call>call>attempt1>attempt1>fetch>fetch]",
		"fetch end OK",
		"end attempt 1 OK [call>call>attempt1>attempt1]",
		"end OK attempts=1 [call>call]",
	}, second.Lines())

	// One observer is used as it is: the single-observer path costs nothing more.
	only := &recorder{}
	c = tokenize.New(newFake(), tokenize.WithObserver(nil), tokenize.WithObserver(only))
	_, err = c.GetNetworkToken(context.Background(), "nt_1")
	require.NoError(t, err)
	assert.Equal(t, []string{"call fake GetNetworkToken", "attempt 1 [call]", "end attempt 1 OK [call>attempt1]", "end OK attempts=1 [call]"}, only.Lines())
}

// TestObserverAbsent: without an observer the adapter's entry points do
// nothing and hand back the context they were given.
func TestObserverAbsent(t *testing.T) {
	p := newFake()
	ctx := mark(context.Background(), "caller")
	p.hook = func(actx context.Context) {
		fctx, done := tokenize.ObserveTokenFetch(actx, tokenize.TokenFetch{Reason: tokenize.AccessTokenMissing})
		assert.Equal(t, actx, fctx)
		done(errors.New("x"))
		tokenize.ObserveResponse(actx, tokenize.ResponseInfo{HTTPStatus: 200})
	}
	_, err := tokenize.New(p).GetPaymentToken(ctx, "pt_1")
	require.NoError(t, err)
	fctx, done := tokenize.ObserveTokenFetch(ctx, tokenize.TokenFetch{})
	assert.Equal(t, ctx, fctx, "outside a call")
	done(nil)

	// An observer that declines a call sees only its start.
	rec := &recorder{skip: true}
	_, err = tokenize.New(p, tokenize.WithObserver(rec)).GetPaymentToken(ctx, "pt_1")
	require.NoError(t, err)
	assert.Equal(t, []string{"call fake GetPaymentToken"}, rec.Lines())
}

// nested is a Provider whose GetPaymentToken is another Client's call, as
// a router's is: the inner Client is not observed.
type nested struct {
	*fakeProvider
	inner *tokenize.Client
}

func (p *nested) GetPaymentToken(ctx context.Context, id string) (*tokenize.PaymentToken, error) {
	return p.inner.GetPaymentToken(ctx, id)
}

// TestObserverNestedClients: what the adapter of an unobserved inner
// Client reports reaches the observer of the enclosing call; an inner
// Client with its own observer gets it instead.
func TestObserverNestedClients(t *testing.T) {
	leaf := newFake()
	leaf.hook = func(ctx context.Context) {
		tokenize.ObserveResponse(ctx, tokenize.ResponseInfo{RequestID: "leaf", HTTPStatus: 200})
		_, done := tokenize.ObserveTokenFetch(ctx, tokenize.TokenFetch{Reason: tokenize.AccessTokenMissing})
		done(nil)
	}
	outer := &recorder{}
	p := &nested{fakeProvider: newFake(), inner: tokenize.New(leaf)}
	p.name = "router"
	_, err := tokenize.New(p, tokenize.WithObserver(outer)).GetPaymentToken(context.Background(), "pt_1")
	require.NoError(t, err)
	assert.Equal(t, []string{
		"call router GetPaymentToken",
		"attempt 1 [call]",
		"response 200 leaf [call>attempt1]",
		"fetch missing [call>attempt1]",
		"fetch end OK",
		"end attempt 1 OK [call>attempt1]",
		"end OK attempts=1 [call]",
	}, outer.Lines())

	outer, inner := &recorder{}, &recorder{}
	p.inner = tokenize.New(leaf, tokenize.WithObserver(inner))
	_, err = tokenize.New(p, tokenize.WithObserver(outer)).GetPaymentToken(context.Background(), "pt_1")
	require.NoError(t, err)
	assert.Equal(t, []string{
		"call router GetPaymentToken",
		"attempt 1 [call]",
		"end attempt 1 OK [call>attempt1]",
		"end OK attempts=1 [call]",
	}, outer.Lines())
	assert.Equal(t, []string{
		"call fake GetPaymentToken",
		"attempt 1 [call>attempt1>call]",
		"response 200 leaf [call>attempt1>call>attempt1]",
		"fetch missing [call>attempt1>call>attempt1]",
		"fetch end OK",
		"end attempt 1 OK [call>attempt1>call>attempt1]",
		"end OK attempts=1 [call>attempt1>call]",
	}, inner.Lines())
}

// TestObserverConcurrent runs every operation from many goroutines under
// one observer (with -race).
func TestObserverConcurrent(t *testing.T) {
	p := newFake()
	p.hook = func(ctx context.Context) {
		tokenize.ObserveResponse(ctx, tokenize.ResponseInfo{RequestID: "r", HTTPStatus: 200})
	}
	rec := &recorder{}
	c := tokenize.New(p, tokenize.WithObserver(rec))
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			for _, err := range allOps(context.Background(), c) {
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	ends := 0
	for _, l := range rec.Lines() {
		if strings.HasPrefix(l, "end OK") {
			ends++
		}
	}
	assert.Equal(t, 20*opsPerRound, ends)
}

func TestTokenFetchReasonString(t *testing.T) {
	for r, want := range map[tokenize.TokenFetchReason]string{
		tokenize.AccessTokenReasonUnknown: "unknown", tokenize.AccessTokenMissing: "missing",
		tokenize.AccessTokenExpired: "expired", tokenize.AccessTokenRejected: "rejected", 200: "unknown",
	} {
		assert.Equal(t, want, r.String())
	}
}

// createNested is a Provider whose CreatePaymentToken is another Client's
// call, as a router's is: the inner Client's error carries the request's
// merchant reference.
type createNested struct {
	*fakeProvider
	inner *tokenize.Client
}

func (p *createNested) CreatePaymentToken(ctx context.Context, req *tokenize.CreatePaymentTokenRequest) (*tokenize.PaymentToken, error) {
	return p.inner.CreatePaymentToken(ctx, *req)
}

// endErrors records the merchant reference of the error every call's End
// is given, read during End as the contract says.
type endErrors struct {
	recorder
	mu   sync.Mutex
	refs []string
}

func (o *endErrors) ObserveCall(ctx context.Context, c tokenize.CallStart) (context.Context, tokenize.CallObserver) {
	ctx, obs := o.recorder.ObserveCall(ctx, c)
	return ctx, endHook{obs, o}
}

type endHook struct {
	tokenize.CallObserver
	o *endErrors
}

func (h endHook) End(ctx context.Context, e tokenize.CallEnd) {
	var te *tokenize.Error
	if errors.As(e.Err, &te) {
		h.o.mu.Lock()
		h.o.refs = append(h.o.refs, te.MerchantReference)
		h.o.mu.Unlock()
	}
	h.CallObserver.End(ctx, e)
}

// TestObserverNeverSeesMerchantReference: an observer is not given the
// merchant reference, even when the error comes from an inner Client that
// set it; the caller gets it as always.
func TestObserverNeverSeesMerchantReference(t *testing.T) {
	leaf := newFake()
	leaf.err = &tokenize.Error{Code: tokenize.Unavailable, OutcomeUnknown: true}
	p := &createNested{fakeProvider: newFake(), inner: tokenize.New(leaf)}
	obs := &endErrors{}
	_, err := tokenize.New(p, tokenize.WithObserver(obs)).CreatePaymentToken(context.Background(),
		tokenize.CreatePaymentTokenRequest{Card: goodCard(), MerchantReference: "customer-42"})
	var te *tokenize.Error
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "customer-42", te.MerchantReference)
	assert.Equal(t, []string{""}, obs.refs)
}
