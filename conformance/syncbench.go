package conformance

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/httpx"
)

// SyncBenchTokens is the number of distinct network tokens the sync
// benchmark provisions; the held copies cycle over them, so that a sweep
// of any length needs only this many provisioning calls to set up.
const SyncBenchTokens = 100

// syncBenchChanged is one token in ten suspended by the issuer before each
// sweep: a tenth of the results are events.
const syncBenchChanged = 10

// syncHeapSamples is how many times a sweep reads the heap, spread over
// its length: ReadMemStats stops the world, so not for every result.
const syncHeapSamples = 50

// RunSyncBenchmark sweeps held copies of network tokens through
// Client.SyncNetworkTokens against the harness's simulator and reports
// what a sweep of that length costs: tokens/s, and the heap in use, to
// show it stays flat whatever the number of tokens held. Run it for two
// lengths side by side:
//
//	func BenchmarkSync(b *testing.B) {
//		for _, n := range []int{10_000, 100_000} {
//			b.Run(strconv.Itoa(n), func(b *testing.B) { conformance.RunSyncBenchmark(b, harness, n) })
//		}
//	}
//
// The copies are generated as the sweep reads them (nothing holds all of
// them), cycling over SyncBenchTokens provisioned tokens of which one in
// ten is suspended by the issuer, so one result in ten is an event.
// Metrics: tokens/s; events (per sweep, a check); heap-inuse-peak-MiB, the
// most the heap held during a sweep, sampled syncHeapSamples times without
// forcing a collection; live-heap-start-MiB and live-heap-end-MiB, the
// heap after a collection once a tenth of the sweep is done and at its
// end. It skips without a simulator and Issuer.
func RunSyncBenchmark(b *testing.B, h Harness, held int) {
	if h.Live {
		b.Skip("the sync benchmark needs the simulator; skipped in live mode")
	}
	env := h.New(b, BenchClientOptions(httpx.NewHTTPClient())...)
	if env.Sim == nil || env.Issuer == nil {
		b.Skip("the sync benchmark needs the simulator and Env.Issuer")
	}
	c := env.Client
	caps := c.Capabilities()
	if !caps.Supports(tokenize.OpProvisionNetworkToken) || !caps.Supports(tokenize.OpGetNetworkToken) {
		b.Skipf("%s cannot provision and read network tokens", h.Provider)
	}
	ctx := context.Background()
	tokens := make([]tokenize.NetworkToken, SyncBenchTokens)
	for i := range tokens {
		req := tokenize.ProvisionNetworkTokenRequest{Card: &h.Fixtures.VisaCard}
		if caps.ProvisionFromPaymentToken {
			pt, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: &h.Fixtures.VisaCard})
			if err != nil {
				b.Fatalf("CreatePaymentToken: %v", err)
			}
			req = tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: pt.ID}
		}
		nt, err := c.ProvisionNetworkToken(ctx, req)
		if err != nil {
			b.Fatalf("ProvisionNetworkToken: %v", err)
		}
		tokens[i] = *nt
	}
	for i := 0; i < len(tokens); i += syncBenchChanged {
		if err := env.Issuer.SetNetworkTokenState(tokens[i].ID, tokenize.StateSuspended); err != nil {
			b.Fatalf("suspending a token: %v", err)
		}
	}
	copies := func(yield func(tokenize.NetworkToken) bool) {
		for i := range held {
			if !yield(tokens[i%len(tokens)]) {
				return
			}
		}
	}

	var peak, liveStart, liveEnd uint64
	events, every := 0, max(held/syncHeapSamples, 1)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		events = 0
		for r := range c.SyncNetworkTokens(ctx, copies, tokenize.BatchOptions{}) {
			if r.Err != nil {
				b.Fatalf("sync %s: %v", r.ID, r.Err)
			}
			events++
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()

	// A second sweep, outside the timing, reads the heap as it goes.
	seen := 0
	for r := range c.SyncNetworkTokens(ctx, func(yield func(tokenize.NetworkToken) bool) {
		for i := range held {
			if i%every == 0 {
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
			if i == held/10 {
				liveStart = liveHeap()
			}
			if !yield(tokens[i%len(tokens)]) {
				return
			}
		}
	}, tokenize.BatchOptions{}) {
		if r.Err != nil {
			b.Fatalf("sync %s: %v", r.ID, r.Err)
		}
		seen++
	}
	liveEnd = liveHeap()
	if want := held / syncBenchChanged; events != want || seen != want {
		b.Fatalf("a sweep of %d copies yielded %d and %d events, want %d", held, events, seen, want)
	}
	const mib = 1 << 20
	b.ReportMetric(float64(held*b.N)/elapsed.Seconds(), "tokens/s")
	b.ReportMetric(float64(events), "events")
	b.ReportMetric(float64(peak)/mib, "heap-inuse-peak-MiB")
	b.ReportMetric(float64(liveStart)/mib, "live-heap-start-MiB")
	b.ReportMetric(float64(liveEnd)/mib, "live-heap-end-MiB")
}

// liveHeap returns the heap in use after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}
