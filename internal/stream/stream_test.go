package stream

import (
	"context"
	"iter"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// count yields 0..n-1 and records how many items were taken.
func count(n int, taken *atomic.Int64) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := range n {
			taken.Add(1)
			if !yield(i) {
				return
			}
		}
	}
}

func TestMapYieldsEveryResult(t *testing.T) {
	var taken atomic.Int64
	var got []int
	for r := range Map(context.Background(), count(1000, &taken), 7, func(_ context.Context, i int) int { return i * 2 }) {
		got = append(got, r)
	}
	slices.Sort(got)
	require.Len(t, got, 1000)
	for i, v := range got {
		assert.Equal(t, i*2, v)
	}
}

func TestMapBoundsConcurrency(t *testing.T) {
	const workers = 4
	var inflight, peak atomic.Int64
	fn := func(_ context.Context, i int) int {
		n := inflight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(time.Millisecond)
		inflight.Add(-1)
		return i
	}
	var taken atomic.Int64
	n := 0
	for range Map(context.Background(), count(200, &taken), workers, fn) {
		n++
	}
	assert.Equal(t, 200, n)
	assert.LessOrEqual(t, peak.Load(), int64(workers))
	assert.Equal(t, int64(workers), peak.Load(), "the workers were not all used")
}

// A consumer that does not take results stops the input: at most one item
// per worker is taken ahead of what the consumer has received.
func TestMapBackpressure(t *testing.T) {
	const workers = 3
	var taken atomic.Int64
	received := 0
	for range Map(context.Background(), count(1_000_000, &taken), workers, func(_ context.Context, i int) int { return i }) {
		received++
		time.Sleep(100 * time.Microsecond) // a slow consumer
		assert.LessOrEqual(t, taken.Load(), int64(received+workers), "input read ahead of the consumer")
		if received == 50 {
			break
		}
	}
	assert.LessOrEqual(t, taken.Load(), int64(50+workers))
}

// Breaking out cancels the calls in flight and waits for them (goleak
// checks that none is left).
func TestMapBreakCancelsInFlight(t *testing.T) {
	var canceled atomic.Int64
	fn := func(ctx context.Context, i int) int {
		if i == 0 {
			return i
		}
		<-ctx.Done()
		canceled.Add(1)
		return i
	}
	var taken atomic.Int64
	for range Map(context.Background(), count(100, &taken), 5, fn) {
		break
	}
	assert.Equal(t, taken.Load()-1, canceled.Load(), "every call in flight saw its context canceled and was waited for")
}

// When the context ends, no further item is taken and the calls in flight
// are reported.
func TestMapContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var taken atomic.Int64
	results := 0
	fn := func(ctx context.Context, i int) int {
		if i == 10 {
			cancel()
		}
		if i >= 10 {
			<-ctx.Done()
		}
		return i
	}
	for range Map(ctx, count(1000, &taken), 4, fn) {
		results++
	}
	assert.Equal(t, int(taken.Load()), results, "every item taken is reported")
	assert.Less(t, taken.Load(), int64(20), "items were taken after the context ended")
}

func TestMapPanicReachesCaller(t *testing.T) {
	var taken atomic.Int64
	assert.PanicsWithValue(t, "boom", func() {
		for range Map(context.Background(), count(100, &taken), 4, func(_ context.Context, i int) int {
			if i == 7 {
				panic("boom")
			}
			return i
		}) {
		}
	})
	assert.PanicsWithValue(t, "input", func() {
		in := func(yield func(int) bool) { yield(1); panic("input") }
		for range Map(context.Background(), in, 2, func(_ context.Context, i int) int { return i }) {
		}
	})
}

func TestMapEmptyAndZeroWorkers(t *testing.T) {
	var taken atomic.Int64
	n := 0
	for range Map(context.Background(), count(0, &taken), 0, func(_ context.Context, i int) int { return i }) {
		n++
	}
	assert.Zero(t, n)
	for range Map(context.Background(), count(3, &taken), 0, func(_ context.Context, i int) int { return i }) {
		n++
	}
	assert.Equal(t, 3, n, "zero workers means one")
}

func TestPause(t *testing.T) {
	var p Pause
	require.NoError(t, p.Wait(context.Background()), "the zero Pause holds nothing")

	p.For(50 * time.Millisecond)
	p.For(time.Millisecond) // a shorter hold does not shorten it
	start := time.Now()
	require.NoError(t, p.Wait(context.Background()))
	assert.GreaterOrEqual(t, time.Since(start), 45*time.Millisecond)

	p.For(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, p.Wait(ctx), context.DeadlineExceeded)
}
