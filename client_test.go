package tokenize_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// debugOpts logs at debug level without timestamps, so that the digits of
// a time cannot be mistaken for a leaked CVV.
var debugOpts = &slog.HandlerOptions{Level: slog.LevelDebug, ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey && len(groups) == 0 {
		return slog.Attr{}
	}
	return a
}}

// allOps runs every Client operation once and returns the errors.
func allOps(ctx context.Context, c *tokenize.Client) []error {
	var errs []error
	add := func(err error) { errs = append(errs, err) }
	_, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: goodCard(), MerchantReference: "order-1"})
	add(err)
	_, err = c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{BankAccount: goodBank()})
	add(err)
	_, err = c.GetPaymentToken(ctx, "pt_1")
	add(err)
	add(c.DeletePaymentToken(ctx, "pt_1"))
	_, err = c.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: "pt_1"})
	add(err)
	_, err = c.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{Card: goodCard()})
	add(err)
	_, err = c.GetNetworkToken(ctx, "nt_1")
	add(err)
	_, err = c.RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: "nt_1", TransactionType: tokenize.ECommerce})
	add(err)
	add(c.DeleteNetworkToken(ctx, goodDelete()))
	items := slices.Values([]tokenize.ProvisionItem{{Key: "a", Request: tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: "a"}},
		{Key: "b", Request: tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: "b"}}})
	for r := range c.ProvisionNetworkTokens(ctx, items, tokenize.BatchOptions{Concurrency: 2}) {
		add(r.Err)
	}
	_ = c.Capabilities().Supports(tokenize.OpGetPaymentToken)
	_ = c.Provider()
	return errs
}

const opsPerRound = 11 // provider calls made by allOps

func TestClientConcurrentUse(t *testing.T) {
	p := newFake()
	p.hook = func(ctx context.Context) {
		tokenize.ObserveResponse(ctx, tokenize.ResponseInfo{RequestID: "req-1", HTTPStatus: 200})
	}
	var logs syncBuffer
	c := tokenize.New(p, clockAt(fixedNow), tokenize.WithLogger(slog.New(slog.NewJSONHandler(&logs, debugOpts))))
	const goroutines = 100
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for _, err := range allOps(context.Background(), c) {
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	assert.EqualValues(t, goroutines*opsPerRound, p.calls.Load())
	out := logs.String()
	assertClean(t, out, "concurrent call logs")
	assert.Equal(t, goroutines*opsPerRound, strings.Count(out, `"msg":"tokenize call"`))
}

func TestClientDefaultTimeout(t *testing.T) {
	deadlineSeen := func(opts []tokenize.Option, ctx context.Context) time.Duration {
		p := newFake()
		c := tokenize.New(p, opts...)
		_, err := c.GetPaymentToken(ctx, "pt_1")
		require.NoError(t, err)
		require.Len(t, p.deadlines, 1)
		return p.deadlines[0]
	}
	bg := context.Background()
	d := deadlineSeen(nil, bg)
	assert.InDelta(t, tokenize.DefaultTimeout.Seconds(), d.Seconds(), 1, "DefaultTimeout applies without a deadline")

	d = deadlineSeen([]tokenize.Option{tokenize.WithTimeout(5 * time.Second)}, bg)
	assert.InDelta(t, 5, d.Seconds(), 1, "WithTimeout applies without a deadline")

	ctx, cancel := context.WithTimeout(bg, time.Hour)
	defer cancel()
	d = deadlineSeen([]tokenize.Option{tokenize.WithTimeout(5 * time.Second)}, ctx)
	assert.InDelta(t, time.Hour.Seconds(), d.Seconds(), 1, "the caller's deadline wins, even a longer one")

	d = deadlineSeen([]tokenize.Option{tokenize.WithTimeout(0)}, bg)
	assert.Equal(t, time.Duration(-1), d, "WithTimeout(0) disables the bound")

	// The bound really ends a slow call, as DeadlineExceeded.
	p := newFake()
	p.delay = 5 * time.Second
	c := tokenize.New(p, tokenize.WithTimeout(30*time.Millisecond), tokenize.WithRetryPolicy(tokenize.RetryPolicy{}))
	start := time.Now()
	_, err := c.GetPaymentToken(bg, "pt_1")
	assert.Less(t, time.Since(start), 2*time.Second)
	assert.Equal(t, tokenize.DeadlineExceeded, tokenize.CodeOf(err))
	assert.ErrorIs(t, err, tokenize.ErrDeadlineExceeded)
}

type logRecord map[string]any

func parseLogs(t *testing.T, s string) []logRecord {
	t.Helper()
	var recs []logRecord
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r logRecord
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r), sc.Text())
		recs = append(recs, r)
	}
	return recs
}

func TestClientDebugLogRecord(t *testing.T) {
	p := newFake()
	p.hook = func(ctx context.Context) {
		tokenize.ObserveResponse(ctx, tokenize.ResponseInfo{RequestID: "req-42", HTTPStatus: 201})
	}
	var buf syncBuffer
	c := tokenize.New(p, clockAt(fixedNow), tokenize.WithLogger(slog.New(slog.NewJSONHandler(&buf, debugOpts))))
	ctx := context.Background()
	_, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: goodCard()})
	require.NoError(t, err)
	_, err = c.RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: "nt_1", TransactionType: tokenize.ECommerce})
	require.NoError(t, err)
	p.err = &tokenize.Error{Code: tokenize.NotFound, HTTPStatus: 404, RequestID: "req-err", Message: "no token " + testPAN}
	_, err = c.GetPaymentToken(ctx, "pt_404")
	require.Error(t, err)
	// Refused before any call: still logged, with its code.
	card := goodCard()
	card.CVV = "1"
	_, err = c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: card})
	require.Error(t, err)

	out := buf.String()
	assertClean(t, out, "debug log")
	recs := parseLogs(t, out)
	require.Len(t, recs, 4)
	for _, r := range recs {
		assert.Equal(t, "DEBUG", r["level"])
		assert.Equal(t, "tokenize call", r["msg"])
		assert.Equal(t, "fake", r["provider"])
		assert.Contains(t, r, "duration")
		assert.Contains(t, r, "op")
		assert.Contains(t, r, "code")
	}
	assert.Equal(t, "CreatePaymentToken", recs[0]["op"])
	assert.Equal(t, "OK", recs[0]["code"])
	assert.Equal(t, "req-42", recs[0]["request_id"])
	assert.EqualValues(t, 201, recs[0]["http_status"])
	assert.Equal(t, "RequestCryptogram", recs[1]["op"])
	assert.Equal(t, "NotFound", recs[2]["code"])
	assert.Equal(t, "req-err", recs[2]["request_id"])
	assert.Contains(t, recs[2], "error")
	assert.Equal(t, "InvalidArgument", recs[3]["code"])
	assert.EqualValues(t, 0, recs[3]["http_requests"])

	// The text handler shows the same fields and no sensitive value.
	var text syncBuffer
	c = tokenize.New(p, clockAt(fixedNow), tokenize.WithLogger(slog.New(slog.NewTextHandler(&text, debugOpts))))
	p.err = nil
	_, err = c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: goodCard()})
	require.NoError(t, err)
	assertClean(t, text.String(), "text debug log")
	for _, k := range []string{"op=CreatePaymentToken", "provider=fake", "duration=", "code=OK", "request_id=req-42"} {
		assert.Contains(t, text.String(), k)
	}

	// A request id reported as it arrived is scrubbed like any provider
	// string.
	var echo syncBuffer
	p.hook = func(ctx context.Context) {
		tokenize.ObserveResponse(ctx, tokenize.ResponseInfo{RequestID: "req-" + testPAN, HTTPStatus: 200})
	}
	c = tokenize.New(p, tokenize.WithLogger(slog.New(slog.NewJSONHandler(&echo, debugOpts))))
	_, err = c.GetPaymentToken(ctx, "pt_1")
	require.NoError(t, err)
	assertClean(t, echo.String(), "request id in the debug log")
	p.hook = nil

	// Nothing is logged above debug level.
	var quiet syncBuffer
	c = tokenize.New(p, tokenize.WithLogger(slog.New(slog.NewTextHandler(&quiet, nil))))
	_, err = c.GetPaymentToken(ctx, "pt_1")
	require.NoError(t, err)
	assert.Empty(t, quiet.String())
}

func TestClientNewPanicsOnNil(t *testing.T) {
	assert.Panics(t, func() { tokenize.New(nil) })
}

func TestClientCapabilitiesIsACopy(t *testing.T) {
	c := tokenize.New(newFake())
	caps := c.Capabilities()
	caps.Operations[0] = 0
	caps.TransactionTypes[0] = 0
	assert.True(t, c.Capabilities().Supports(tokenize.OpCreatePaymentToken))
	assert.True(t, c.Capabilities().SupportsTransactionType(tokenize.ECommerce))
}
