package conformance

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/httpx"
)

// Resetter is implemented by a Simulator that can forget everything it
// holds, as its control API's reset does (both simulators do). The
// backfill benchmark resets it every BackfillResetEvery items, so that a
// million provisioned tokens do not pile up in the simulator's memory and
// the heap measured is the Client's.
type Resetter interface {
	Reset()
}

// BackfillBenchItemsEnv names the environment variable listing the
// backfill benchmark's sizes, comma-separated (default "10000,100000"):
//
//	TOKENIZE_BACKFILL_BENCH_ITEMS=10000,1000000 go test -run '^$' -bench Backfill -benchtime 1x ./providers/...
const BackfillBenchItemsEnv = "TOKENIZE_BACKFILL_BENCH_ITEMS"

// BackfillBenchRateEnv names the environment variable setting the
// requests per second of the benchmark's rate-limited run (default
// 1000: well under what two shared cores serve, so the limit binds).
const BackfillBenchRateEnv = "TOKENIZE_BACKFILL_BENCH_RATE"

// BackfillResetEvery is how many items the backfill benchmark provisions
// between two resets of the simulator (a Resetter), which would otherwise
// hold every token made: the heap measured is then the Client's plus at
// most this many tokens at the simulator (about a megabyte), whatever the
// number of items. The simulator is reset again before the live heap is
// measured at the end, which is then what the caller and the Client hold.
const BackfillResetEvery = 1000

// backfillSliceMax is the largest run of the slice form: it holds every
// request and result, which is the point, and a million of them would
// take a gigabyte.
const backfillSliceMax = 100_000

// backfillLimitedItems is the size of the rate-limited run.
const backfillLimitedItems = 10_000

// backfillLimitedConcurrency is the calls in flight of the rate-limited
// run. A batch reaches its rate only while a worker is free at every
// turn: at most Concurrency / (latency + wake-up) items a second. At 8
// and 1,000 a second each worker has 8 ms per item, which the loopback
// round trip plus a late wake-up on a loaded machine sometimes exceeds;
// with four times as many the limiter alone sets the pace, as in a
// backfill tuned to its limit (more workers than rate × latency).
const backfillLimitedConcurrency = 4 * tokenize.DefaultBatchConcurrency

// backfillHeapEvery is how often the benchmark samples the heap.
const backfillHeapEvery = 20 * time.Millisecond

// RunBackfillBenchmarks measures Client.ProvisionNetworkTokens against the
// harness's simulator, one card per item (each a card of its own, made as
// it is read), at DefaultBatchConcurrency:
//
//   - stream/N: the streaming form, unlimited (the simulator's capacity),
//     for each size of BackfillBenchItemsEnv;
//   - slice/N: the slice form it replaced (a slice of requests in, a
//     slice of results out; reproduced here as the baseline), for the
//     sizes up to 100,000;
//   - paired/5000: the streaming form, the slice form and the streaming
//     form under a limit it never reaches (unbound), in 11 rounds of 5,000
//     items each, reporting the median items/s of each and of the ratios
//     stream/slice and unbound/stream, the comparisons that hold on a
//     shared machine;
//   - limited/N: the streaming form at BackfillBenchRateEnv requests per
//     second, 10,000 items, with 32 calls in flight so that the limit
//     binds, and no reset of the simulator during the run.
//
// Metrics: items/s; heap-inuse-peak-MiB, the most the heap held during
// the run (sampled every 20 ms); live-heap-end-MiB, the heap after a
// collection when the run ends, the simulator reset and the results still
// held (the slice form's are all in memory), in whole spans (HeapInuse);
// live-objects-end-MiB, the bytes of the objects alone then (HeapAlloc),
// which fragmentation does not move; allocs/item; and for the
// limited run rate-vs-limit, the items per second after the first burst
// over the limit. Each iteration is one whole run: use -benchtime 1x. The
// provider must provision from a card; the simulator should be a
// Resetter.
func RunBackfillBenchmarks(b *testing.B, h Harness) {
	sizes := []int{10_000, 100_000}
	if v := os.Getenv(BackfillBenchItemsEnv); v != "" {
		sizes = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				b.Fatalf("%s: %q is not a number of items", BackfillBenchItemsEnv, f)
			}
			sizes = append(sizes, n)
		}
	}
	limit := 1000.0
	if v := os.Getenv(BackfillBenchRateEnv); v != "" {
		var err error
		if limit, err = strconv.ParseFloat(v, 64); err != nil || limit <= 0 {
			b.Fatalf("%s: %q is not a rate", BackfillBenchRateEnv, v)
		}
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("stream/%d", n), func(b *testing.B) { newBackfillBench(b, h).measure(b, n, tokenize.BatchOptions{}, false) })
		if n <= backfillSliceMax {
			b.Run(fmt.Sprintf("slice/%d", n), func(b *testing.B) { newBackfillBench(b, h).measure(b, n, tokenize.BatchOptions{}, true) })
		}
	}
	b.Run(fmt.Sprintf("paired/%d", backfillPairedItems), func(b *testing.B) { newBackfillBench(b, h).paired(b) })
	b.Run(fmt.Sprintf("limited/%d", backfillLimitedItems), func(b *testing.B) {
		bb := newBackfillBench(b, h)
		// No reset during the run: resetting Checkout.com's simulator
		// revokes the access token, and the 401s and token fetch that
		// follow every 1,000 items cost 4 % of the pace, which is the
		// benchmark's doing, not the limiter's. 10,000 tokens held are a
		// few MiB.
		bb.resetEvery = 0
		bb.measure(b, backfillLimitedItems, tokenize.BatchOptions{RequestsPerSecond: limit,
			Burst: tokenize.DefaultBatchConcurrency, Concurrency: backfillLimitedConcurrency}, false)
	})
}

// The paired comparison: on two shared cores, two runs taken one after the
// other drift apart by more than the forms differ, so the forms alternate
// in short rounds (each from a collected heap, the order rotating from
// round to round) and the median of the per-round ratios is reported. The
// forms are the streaming one, the slice one, and the streaming one under
// a limit no simulator reaches (backfillUnboundRate): the limiter runs for
// every request but never waits, so that its own cost shows.
const (
	backfillPairedItems  = 5000
	backfillPairedRounds = 11
	backfillUnboundRate  = 1e6
)

// backfillBench is one benchmark's Client and simulator.
type backfillBench struct {
	c     *tokenize.Client
	reset Resetter // nil when the simulator is none
	// resetEvery is how many items go between two resets of the
	// simulator during a run; 0: none.
	resetEvery int
	base       tokenize.Card
}

func newBackfillBench(b *testing.B, h Harness) *backfillBench {
	if h.Live {
		b.Skip("the backfill benchmark needs the simulator; skipped in live mode")
	}
	env := h.New(b, BenchClientOptions(httpx.NewHTTPClient())...)
	if env.Sim == nil {
		b.Skip("the backfill benchmark needs the simulator")
	}
	caps := env.Client.Capabilities()
	if !caps.Supports(tokenize.OpProvisionNetworkToken) || !caps.ProvisionFromCard {
		b.Skipf("%s does not provision network tokens from a card", h.Provider)
	}
	reset, _ := env.Sim.(Resetter)
	if reset == nil {
		b.Log("note: the simulator is no Resetter: it keeps every token made, and the heap grows with them")
	}
	return &backfillBench{c: env.Client, reset: reset, resetEvery: BackfillResetEvery, base: h.Fixtures.VisaCard}
}

// maybeReset resets the simulator before item i when it is due.
func (bb *backfillBench) maybeReset(i int) {
	if bb.reset != nil && bb.resetEvery > 0 && i%bb.resetEvery == 0 {
		bb.reset.Reset()
	}
}

// run provisions items cards with the streaming form under opts, or with
// the slice form, and returns what the caller holds at the
// end (the slice form's results; nothing for the streaming form, whose
// results are written back as they come) and the first failure.
func (bb *backfillBench) run(ctx context.Context, items int, opts tokenize.BatchOptions, slice bool) (held any, err error) {
	c := bb.c
	if slice {
		reqs := make([]tokenize.ProvisionNetworkTokenRequest, items)
		for i := range reqs {
			card := BackfillCard(bb.base, i)
			reqs[i].Card = &card
		}
		var n atomic.Int64
		res := sliceProvision(ctx, reqs, tokenize.DefaultBatchConcurrency, func(ctx context.Context, req tokenize.ProvisionNetworkTokenRequest) (*tokenize.NetworkToken, error) {
			bb.maybeReset(int(n.Add(1) - 1))
			return c.ProvisionNetworkToken(ctx, req)
		})
		for _, r := range res {
			err = cmp.Or(err, r.Err)
		}
		return res, err
	}
	cards := func(yield func(tokenize.ProvisionItem) bool) {
		for i := range items {
			bb.maybeReset(i)
			card := BackfillCard(bb.base, i)
			if !yield(tokenize.ProvisionItem{Key: strconv.Itoa(i), Request: tokenize.ProvisionNetworkTokenRequest{Card: &card}}) {
				return
			}
		}
	}
	for r := range c.ProvisionNetworkTokens(ctx, cards, opts) {
		err = cmp.Or(err, r.Err)
	}
	return nil, err
}

// measure runs b.N whole runs and reports their metrics.
func (bb *backfillBench) measure(b *testing.B, items int, opts tokenize.BatchOptions, slice bool) {
	ctx := context.Background()
	var (
		elapsed    time.Duration
		peak, live uint64
		objects    uint64
		mallocs    uint64
	)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		stop := sampleHeap(&peak)
		b.StartTimer()
		start := time.Now()
		held, err := bb.run(ctx, items, opts, slice)
		elapsed += time.Since(start)
		b.StopTimer()
		stop()
		if err != nil {
			b.Fatalf("%d items: %v", items, err)
		}
		if bb.reset != nil {
			bb.reset.Reset()
		}
		live = max(live, liveHeap())
		runtime.KeepAlive(held)
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		objects = max(objects, after.HeapAlloc)
		mallocs += after.Mallocs - before.Mallocs
		b.StartTimer()
	}
	b.StopTimer()
	const mib = 1 << 20
	total := float64(b.N * items)
	b.ReportMetric(total/elapsed.Seconds(), "items/s")
	b.ReportMetric(float64(peak)/mib, "heap-inuse-peak-MiB")
	b.ReportMetric(float64(live)/mib, "live-heap-end-MiB")
	b.ReportMetric(float64(objects)/mib, "live-objects-end-MiB")
	b.ReportMetric(float64(mallocs)/total, "allocs/item")
	if opts.RequestsPerSecond > 0 {
		// A full bucket lets the first burst go at once; the rest go at
		// the rate.
		paced := (total - float64(b.N*max(opts.Burst, 1))) / elapsed.Seconds()
		b.ReportMetric(paced/opts.RequestsPerSecond, "rate-vs-limit")
	}
}

// paired runs the three forms in rounds, the order rotating, and reports
// the median items/s of each and the medians of the per-round ratios
// stream/slice and unbound/stream.
func (bb *backfillBench) paired(b *testing.B) {
	ctx := context.Background()
	forms := []struct {
		opts  tokenize.BatchOptions
		slice bool
	}{
		{}, // stream
		{slice: true},
		{opts: tokenize.BatchOptions{RequestsPerSecond: backfillUnboundRate, Burst: tokenize.DefaultBatchConcurrency}},
	}
	timed := func(form int) float64 {
		runtime.GC()
		start := time.Now()
		held, err := bb.run(ctx, backfillPairedItems, forms[form].opts, forms[form].slice)
		d := time.Since(start)
		if err != nil {
			b.Fatalf("%d items: %v", backfillPairedItems, err)
		}
		runtime.KeepAlive(held)
		return backfillPairedItems / d.Seconds()
	}
	var rates [3][]float64
	var streamSlice, unboundStream []float64
	for range b.N {
		for round := range backfillPairedRounds {
			var r [3]float64
			for k := range forms {
				form := (round + k) % len(forms)
				r[form] = timed(form)
			}
			for form := range r {
				rates[form] = append(rates[form], r[form])
			}
			streamSlice = append(streamSlice, r[0]/r[1])
			unboundStream = append(unboundStream, r[2]/r[0])
		}
	}
	median := func(v []float64) float64 { slices.Sort(v); return v[len(v)/2] }
	b.ReportMetric(median(rates[0]), "stream-items/s")
	b.ReportMetric(median(rates[1]), "slice-items/s")
	b.ReportMetric(median(rates[2]), "unbound-items/s")
	b.ReportMetric(median(streamSlice), "stream/slice")
	b.ReportMetric(median(unboundStream), "unbound/stream")
}

// sampleHeap records into peak the most heap in use until the returned
// function is called.
func sampleHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(backfillHeapEvery)
		defer t.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			*peak = max(*peak, ms.HeapInuse)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// sliceResult is an item's outcome in the slice form.
type sliceResult struct {
	Index int
	Token *tokenize.NetworkToken
	Err   error
}

// sliceProvision is Client.ProvisionNetworkTokens as it was before it
// streamed, kept as the benchmarks' baseline: every request in one slice,
// every result in another, in the order of the requests, errgroup-bounded.
func sliceProvision(ctx context.Context, reqs []tokenize.ProvisionNetworkTokenRequest, concurrency int,
	provision func(context.Context, tokenize.ProvisionNetworkTokenRequest) (*tokenize.NetworkToken, error)) []sliceResult {
	results := make([]sliceResult, len(reqs))
	var g errgroup.Group
	g.SetLimit(concurrency)
	for i := range reqs {
		g.Go(func() error {
			nt, err := provision(ctx, reqs[i])
			results[i] = sliceResult{Index: i, Token: nt, Err: err}
			return nil
		})
	}
	_ = g.Wait()
	return results
}
