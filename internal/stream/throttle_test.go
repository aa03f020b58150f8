package stream

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

func TestThrottleKeepsTheRate(t *testing.T) {
	// 200/s is far below what any machine sustains for an empty loop, so
	// only the upper bound of the elapsed time depends on the load.
	const perSecond, n = 200, 41
	th := NewThrottle(perSecond, 1)
	assert.Equal(t, float64(perSecond), th.Limit())
	start := time.Now()
	for range n {
		require.NoError(t, th.Wait(context.Background()))
	}
	elapsed := time.Since(start)
	// The first request goes at once, each other one 5 ms after the last.
	assert.GreaterOrEqual(t, elapsed, 195*time.Millisecond)
	assert.Less(t, elapsed, 2*time.Second)
}

func TestThrottleBurst(t *testing.T) {
	th := NewThrottle(1, 5)
	start := time.Now()
	for range 5 {
		require.NoError(t, th.Wait(context.Background()))
	}
	assert.Less(t, time.Since(start), 500*time.Millisecond, "a full bucket lets a burst go at once")
}

func TestThrottleWithoutRateOnlyPauses(t *testing.T) {
	for _, perSecond := range []float64{0, -1, float64(rate.Inf)} {
		th := NewThrottle(perSecond, 0)
		assert.Zero(t, th.Limit())
		start := time.Now()
		for range 1000 {
			require.NoError(t, th.Wait(context.Background()))
		}
		assert.Less(t, time.Since(start), time.Second)
	}
	th := NewThrottle(0, 0)
	assert.Zero(t, th.Paused())
	th.Throttled(80 * time.Millisecond)
	assert.InDelta(t, 80*time.Millisecond, th.Paused(), float64(20*time.Millisecond))
	start := time.Now()
	require.NoError(t, th.Wait(context.Background()))
	assert.GreaterOrEqual(t, time.Since(start), 75*time.Millisecond)
	assert.Zero(t, th.Limit(), "no rate to cut")
}

// A 429 seen by one worker holds back all of them, including one already
// waiting for its turn of the rate.
func TestThrottledPausesEveryWorker(t *testing.T) {
	th := NewThrottle(20, 1)
	require.NoError(t, th.Wait(context.Background())) // spends the burst
	var wg sync.WaitGroup
	released := make([]time.Duration, 3)
	start := time.Now()
	for i := range released {
		wg.Go(func() {
			assert.NoError(t, th.Wait(context.Background()))
			released[i] = time.Since(start)
		})
	}
	time.Sleep(10 * time.Millisecond) // the workers are waiting for their turn
	th.Throttled(300 * time.Millisecond)
	wg.Wait()
	for _, d := range released {
		assert.GreaterOrEqual(t, d, 300*time.Millisecond, "a worker went out during the pause")
	}
}

func TestThrottledCutsTheRateAndItRecovers(t *testing.T) {
	th := NewThrottle(160, 1)
	th.Throttled(0)
	assert.Equal(t, 80.0, th.Limit(), "a 429 halves the rate")
	th.Throttled(0)
	assert.Equal(t, 80.0, th.Limit(), "429s within cutEvery of a cut are one signal")
	for range 10 {
		th.mu.Lock()
		th.lastCut = time.Time{}
		th.mu.Unlock()
		th.Throttled(0)
	}
	assert.Equal(t, 10.0, th.Limit(), "never below a sixteenth of the configured rate")

	now := time.Now()
	th.recover(now)
	assert.Equal(t, 10.0, th.Limit(), "no step up right after a 429")
	now = now.Add(recoverEvery)
	th.recover(now)
	assert.Equal(t, 26.0, th.Limit(), "a tenth of the configured rate per quiet second")
	th.recover(now.Add(recoverEvery / 2))
	assert.Equal(t, 26.0, th.Limit(), "one step per recoverEvery")
	for i := 2; i < 20; i++ {
		th.recover(now.Add(time.Duration(i) * recoverEvery))
	}
	assert.Equal(t, 160.0, th.Limit(), "back to the configured rate, and no further")

	// The pause a 429 asks for is not quiet time.
	th.mu.Lock()
	th.lastCut = time.Time{}
	th.mu.Unlock()
	th.Throttled(time.Hour)
	assert.Equal(t, 80.0, th.Limit())
	th.recover(time.Now().Add(30 * time.Minute))
	assert.Equal(t, 80.0, th.Limit())
}

func TestThrottleWaitEndsWithItsContext(t *testing.T) {
	th := NewThrottle(1, 1)
	require.NoError(t, th.Wait(context.Background()))

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	start := time.Now()
	assert.ErrorIs(t, th.Wait(ctx), context.Canceled)
	assert.Less(t, time.Since(start), 500*time.Millisecond, "cancellation ends the wait promptly")

	// A deadline the wait would pass ends it when it comes, with its own
	// error, not at once.
	ctx, cancel = context.WithTimeout(context.Background(), 40*time.Millisecond)
	defer cancel()
	start = time.Now()
	assert.ErrorIs(t, th.Wait(ctx), context.DeadlineExceeded)
	assert.GreaterOrEqual(t, time.Since(start), 35*time.Millisecond)

	paused := NewThrottle(0, 0)
	paused.Throttled(time.Hour)
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, paused.Wait(ctx), context.DeadlineExceeded)
}
