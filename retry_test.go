package tokenize

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scriptedProvider answers GetPaymentToken and CreatePaymentToken with the
// errors in script, one per call, then succeeds.
type scriptedProvider struct {
	script []error
	calls  atomic.Int32
}

func (p *scriptedProvider) Name() string { return "scripted" }
func (p *scriptedProvider) Capabilities() Capabilities {
	return Capabilities{Operations: Operations(), PaymentMethods: []PaymentMethodKind{KindCard}}
}
func (p *scriptedProvider) next() error {
	n := int(p.calls.Add(1)) - 1
	if n < len(p.script) {
		return p.script[n]
	}
	return nil
}
func (p *scriptedProvider) CreatePaymentToken(context.Context, *CreatePaymentTokenRequest) (*PaymentToken, error) {
	if err := p.next(); err != nil {
		return nil, err
	}
	return &PaymentToken{ID: "pt"}, nil
}
func (p *scriptedProvider) GetPaymentToken(context.Context, string) (*PaymentToken, error) {
	if err := p.next(); err != nil {
		return nil, err
	}
	return &PaymentToken{ID: "pt"}, nil
}
func (p *scriptedProvider) DeletePaymentToken(context.Context, string) error { return p.next() }
func (p *scriptedProvider) ProvisionNetworkToken(context.Context, *ProvisionNetworkTokenRequest) (*NetworkToken, error) {
	return nil, p.next()
}
func (p *scriptedProvider) GetNetworkToken(context.Context, string) (*NetworkToken, error) {
	return nil, p.next()
}
func (p *scriptedProvider) DeleteNetworkToken(context.Context, *DeleteNetworkTokenRequest) error {
	return p.next()
}
func (p *scriptedProvider) RequestCryptogram(context.Context, *CryptogramRequest) (*Cryptogram, error) {
	return nil, p.next()
}

func transient() error { return &Error{Code: Unavailable, HTTPStatus: 503, Retryable: true} }

var fastRetries = RetryPolicy{MaxAttempts: 3, InitialBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond, MaxElapsed: time.Second}

func TestRetryRecoversFromTransientFailures(t *testing.T) {
	p := &scriptedProvider{script: []error{transient(), transient()}}
	c := New(p, WithRetryPolicy(fastRetries))
	tok, err := c.GetPaymentToken(context.Background(), "pt")
	require.NoError(t, err)
	assert.Equal(t, "pt", tok.ID)
	assert.EqualValues(t, 3, p.calls.Load(), "two failures then a success")
}

func TestRetryStopsAtMaxAttempts(t *testing.T) {
	p := &scriptedProvider{script: []error{transient(), transient(), transient(), transient()}}
	c := New(p, WithRetryPolicy(fastRetries))
	_, err := c.GetPaymentToken(context.Background(), "pt")
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, Unavailable, e.Code)
	assert.Equal(t, 3, e.Attempts)
	assert.EqualValues(t, 3, p.calls.Load())
	assert.Contains(t, e.Error(), "3 attempts")
}

func TestRetryNeverRepeatsWhatIsNotRetryable(t *testing.T) {
	for name, failure := range map[string]error{
		"not found":       &Error{Code: NotFound, HTTPStatus: 404},
		"outcome unknown": &Error{Code: Unavailable, HTTPStatus: 502, OutcomeUnknown: true},
		// Contradictory: the Client trusts OutcomeUnknown over Retryable.
		"outcome unknown marked retryable": &Error{Code: Unavailable, HTTPStatus: 502, OutcomeUnknown: true, Retryable: true},
		"foreign error":                    errors.New("boom"),
	} {
		t.Run(name, func(t *testing.T) {
			p := &scriptedProvider{script: []error{failure, failure}}
			c := New(p, WithRetryPolicy(fastRetries))
			_, err := c.CreatePaymentToken(context.Background(), CreatePaymentTokenRequest{
				Card: &Card{Number: "4242424242424242", ExpiryMonth: 1, ExpiryYear: 2099}, MerchantReference: "order-7",
			})
			require.Error(t, err)
			assert.EqualValues(t, 1, p.calls.Load(), "sent once")
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, 1, e.Attempts)
			assert.Equal(t, "order-7", e.MerchantReference)
			assert.False(t, e.Retryable, "an error the Client did not retry must not invite the caller to")
		})
	}
}

func TestRetryDisabled(t *testing.T) {
	p := &scriptedProvider{script: []error{transient()}}
	c := New(p, WithRetryPolicy(RetryPolicy{}))
	_, err := c.GetPaymentToken(context.Background(), "pt")
	assert.ErrorIs(t, err, ErrUnavailable)
	assert.EqualValues(t, 1, p.calls.Load())
}

func TestRetryHonoursRetryAfter(t *testing.T) {
	const wait = 60 * time.Millisecond
	p := &scriptedProvider{script: []error{&Error{Code: RateLimited, HTTPStatus: 429, Retryable: true, RetryAfter: wait}}}
	c := New(p, WithRetryPolicy(fastRetries))
	start := time.Now()
	_, err := c.GetPaymentToken(context.Background(), "pt")
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), wait, "retried before Retry-After")
	assert.EqualValues(t, 2, p.calls.Load())
}

func TestRetryGivesUpWhenRetryAfterExceedsBudget(t *testing.T) {
	p := &scriptedProvider{script: []error{&Error{Code: RateLimited, Retryable: true, RetryAfter: time.Hour}}}
	c := New(p, WithRetryPolicy(fastRetries))
	start := time.Now()
	_, err := c.GetPaymentToken(context.Background(), "pt")
	assert.ErrorIs(t, err, ErrRateLimited)
	assert.Less(t, time.Since(start), 100*time.Millisecond, "waited for a delay beyond MaxElapsed")
	assert.EqualValues(t, 1, p.calls.Load())

	// The same when the context deadline is nearer than the delay.
	p = &scriptedProvider{script: []error{&Error{Code: RateLimited, Retryable: true, RetryAfter: 500 * time.Millisecond}}}
	c = New(p, WithRetryPolicy(RetryPolicy{MaxAttempts: 3, MaxElapsed: time.Hour}))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = c.GetPaymentToken(ctx, "pt")
	assert.ErrorIs(t, err, ErrRateLimited)
	assert.EqualValues(t, 1, p.calls.Load())
}

func TestRetryStopsWhenContextEndsDuringBackoff(t *testing.T) {
	p := &scriptedProvider{script: []error{transient(), transient()}}
	c := New(p, WithRetryPolicy(RetryPolicy{MaxAttempts: 3, InitialBackoff: time.Second, MaxBackoff: time.Second, MaxElapsed: time.Minute}))
	ctx, cancel := context.WithCancel(context.Background())
	// A backoff drawn as zero would retry at once; the script keeps failing
	// so the call ends in the next backoff or at MaxAttempts either way.
	time.AfterFunc(20*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.GetPaymentToken(ctx, "pt")
	require.Error(t, err)
	assert.Less(t, time.Since(start), 500*time.Millisecond)
	if p.calls.Load() < 3 {
		assert.ErrorIs(t, err, ErrCanceled)
		assert.ErrorIs(t, err, context.Canceled)
	}
}

func TestBackoffFullJitter(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 10, InitialBackoff: 100 * time.Millisecond, MaxBackoff: 400 * time.Millisecond}
	for n, ceiling := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 9: 400 * time.Millisecond, 80: 400 * time.Millisecond} {
		var sawLow, sawHigh bool
		for range 500 {
			d := p.backoff(n, 0)
			require.GreaterOrEqual(t, d, time.Duration(0))
			require.LessOrEqual(t, d, ceiling, "attempt %d", n)
			sawLow = sawLow || d < ceiling/4
			sawHigh = sawHigh || d > ceiling*3/4
		}
		assert.True(t, sawLow && sawHigh, "attempt %d: delays are not spread over [0, %v]", n, ceiling)
	}
	assert.Equal(t, time.Second, p.backoff(1, time.Second), "Retry-After is a floor")
}

func TestWithRetryPolicyDefaults(t *testing.T) {
	got := RetryPolicy{MaxAttempts: 5}.withDefaults()
	d := DefaultRetryPolicy()
	assert.Equal(t, RetryPolicy{MaxAttempts: 5, InitialBackoff: d.InitialBackoff, MaxBackoff: d.MaxBackoff, MaxElapsed: d.MaxElapsed}, got)
	assert.Equal(t, 1, RetryPolicy{MaxAttempts: -3}.withDefaults().MaxAttempts)
}

func TestRetriedDeleteThatFindsNothingSucceeded(t *testing.T) {
	lost := &Error{Code: Unavailable, HTTPStatus: 502, Retryable: true}
	gone := &Error{Code: NotFound, HTTPStatus: 404}
	p := &scriptedProvider{script: []error{lost, gone}}
	c := New(p, WithRetryPolicy(fastRetries))
	require.NoError(t, c.DeletePaymentToken(context.Background(), "pt"), "the first attempt deleted it; its answer was lost")
	assert.EqualValues(t, 2, p.calls.Load())

	// A first-attempt NotFound is reported as such.
	p = &scriptedProvider{script: []error{gone}}
	c = New(p, WithRetryPolicy(fastRetries))
	assert.ErrorIs(t, c.DeletePaymentToken(context.Background(), "pt"), ErrNotFound)

	// After a throttled attempt (never processed), NotFound is genuine.
	p = &scriptedProvider{script: []error{&Error{Code: RateLimited, Retryable: true}, gone}}
	c = New(p, WithRetryPolicy(fastRetries))
	assert.ErrorIs(t, c.DeletePaymentToken(context.Background(), "pt"), ErrNotFound)

	// So it is after a 408: the server never had the whole request.
	p = &scriptedProvider{script: []error{&Error{Code: Unavailable, HTTPStatus: 408, Retryable: true}, gone}}
	c = New(p, WithRetryPolicy(fastRetries))
	assert.ErrorIs(t, c.DeletePaymentToken(context.Background(), "pt"), ErrNotFound)
}
