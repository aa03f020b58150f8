package router

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/tokenize-go/tokenize"
)

func TestBreakerLifecycle(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	b := &breaker{cfg: Breaker{Failures: 2, Cooldown: time.Second}, now: clock}

	ok, probe := b.allow()
	assert.True(t, ok)
	assert.False(t, probe)
	b.record(failed, tokenize.Unavailable, false)
	assert.Equal(t, CircuitClosed, b.health("p").State, "one failure is not enough")
	b.record(healthy, tokenize.OK, false)
	b.record(failed, tokenize.Unavailable, false)
	assert.Equal(t, CircuitClosed, b.health("p").State, "a success in between resets the count")
	b.record(failed, tokenize.Internal, false)
	h := b.health("p")
	assert.Equal(t, CircuitOpen, h.State)
	assert.Equal(t, 2, h.ConsecutiveFailures)
	assert.Equal(t, tokenize.Internal, h.LastFailure)
	assert.Equal(t, now, h.OpenedAt)

	ok, _ = b.allow()
	assert.False(t, ok, "open during the cooldown")

	// After the cooldown exactly one of many concurrent callers probes.
	mu.Lock()
	now = now.Add(time.Second)
	mu.Unlock()
	var probes atomic.Int64
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, probe := b.allow(); ok && probe {
				probes.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int64(1), probes.Load())
	assert.Equal(t, CircuitHalfOpen, b.health("p").State)

	// A failed probe opens the circuit again, for a new cooldown.
	b.record(failed, tokenize.Unavailable, true)
	assert.Equal(t, CircuitOpen, b.health("p").State)
	mu.Lock()
	now = now.Add(time.Second)
	mu.Unlock()
	ok, probe = b.allow()
	assert.True(t, ok && probe)
	// A probe that taught nothing (canceled) leaves the circuit half-open
	// with the probe free again.
	b.record(neutral, tokenize.Canceled, true)
	ok, probe = b.allow()
	assert.True(t, ok && probe)
	b.record(healthy, tokenize.OK, true)
	assert.Equal(t, CircuitClosed, b.health("p").State)
	assert.Zero(t, b.health("p").ConsecutiveFailures)
}

func TestClassifyOutcome(t *testing.T) {
	ctx := context.Background()
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	for _, tc := range []struct {
		ctx  context.Context
		err  error
		want outcome
	}{
		{ctx, nil, healthy},
		{ctx, &tokenize.Error{Code: tokenize.NotFound, Attempts: 1}, healthy},
		{ctx, &tokenize.Error{Code: tokenize.InvalidArgument, Attempts: 1, HTTPStatus: 400}, healthy},
		{ctx, &tokenize.Error{Code: tokenize.Unavailable, Attempts: 1, HTTPStatus: 503}, failed},
		{ctx, &tokenize.Error{Code: tokenize.Unavailable, Attempts: 1}, failed},
		{ctx, &tokenize.Error{Code: tokenize.Internal, Attempts: 1, HTTPStatus: 500}, failed},
		{ctx, &tokenize.Error{Code: tokenize.Internal, Attempts: 1, HTTPStatus: 200}, healthy},
		{ctx, &tokenize.Error{Code: tokenize.DeadlineExceeded, Attempts: 1}, failed},
		{ctx, &tokenize.Error{Code: tokenize.Unavailable, Attempts: 1, HTTPStatus: 408}, neutral},
		{ctx, &tokenize.Error{Code: tokenize.RateLimited, Attempts: 1, HTTPStatus: 429}, neutral},
		{ctx, &tokenize.Error{Code: tokenize.Unsupported}, neutral},
		{canceled, &tokenize.Error{Code: tokenize.Canceled, Attempts: 1}, neutral},
	} {
		assert.Equal(t, tc.want, classify(tc.ctx, tc.err), "%v", tc.err)
	}
}
