package conformance

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/httpx"
)

// Performance budget of the Client against the provider's hand-written
// baseline (issue 7). The allocation ratio is deterministic enough to be
// enforced on every run; the time ratio is enforced only when
// StrictTimingEnv is set, because on a shared or busy machine two runs of
// the same code routinely differ by more than 10 %.
const (
	MaxTimeRatio       = 1.10
	MaxAllocRatio      = 1.3
	MinThroughputRatio = 0.90
)

// StrictTimingEnv names the environment variable that, set to any
// non-empty value, makes RunBenchmarks fail an operation whose ns/op ratio
// exceeds MaxTimeRatio instead of only reporting it.
const StrictTimingEnv = "TOKENIZE_BENCH_STRICT"

// DefaultBatchItems is the size of the batch provisioning benchmark.
const DefaultBatchItems = 10_000

// setupConcurrency bounds the calls that create the payment tokens a batch
// benchmark provisions: enough to hide loopback latency, few enough not to
// swamp a two-core machine.
const setupConcurrency = 16

// BenchOptions configures RunBenchmarksWith.
type BenchOptions struct {
	// BatchItems is the number of items of the batch provisioning
	// benchmark: DefaultBatchItems when zero; negative skips it.
	BatchItems int
	// BatchConcurrency is BatchOptions.Concurrency for the batch
	// (tokenize.DefaultBatchConcurrency when zero).
	BatchConcurrency int
	// Load configures the Load sub-benchmark; Calls < 0 skips it.
	Load LoadOptions
}

// RunBenchmarks benchmarks the provider's Client against its simulator,
// side by side with the hand-written baseline of Env.Baseline, in the
// style of gocloud.dev's drivertest:
//
//	func BenchmarkConformance(b *testing.B) { conformance.RunBenchmarks(b, harness) }
//
// Run it with
//
//	go test -run '^$' -bench . -benchmem ./providers/...
//
// For every operation the provider declares among CreatePaymentToken,
// GetPaymentToken, ProvisionNetworkToken, GetNetworkToken and
// RequestCryptogram there are two sub-benchmarks: <op>/client, the full
// Client call, and <op>/baseline, the same HTTP exchange made by the
// baseline. Both use one *http.Client (the adapters' default
// configuration), passed to the Client with tokenize.WithHTTPClient and to
// Env.Baseline, so Harness.New must build its Clients with tokenize.Open
// (or otherwise honour WithHTTPClient). Cryptograms are requested for
// tokenize.ECommerce; network tokens are provisioned from a payment token
// when the provider accepts one, else from Fixtures.VisaCard, and the
// baseline is called with an empty payment token id in that case.
//
// Each pair also reports req/op, the simulator requests per call: the
// Client must send no more than the baseline (no access-token calls or
// retries in steady state). At the end, a table of client/baseline ratios
// is logged and checked against MaxAllocRatio (always) and MaxTimeRatio
// (when StrictTimingEnv is set).
//
// Load runs RunLoad's workload (each iteration is one whole load) and
// BatchProvision10k provisions DefaultBatchItems payment tokens with
// Client.ProvisionNetworkTokens (BatchProvision10k/stream) and with the
// slice form it replaced (/slice, the baseline), reporting items/s.
//
// RunBenchmarks skips in live mode and when the harness supplies no
// Baseline.
func RunBenchmarks(b *testing.B, h Harness) { RunBenchmarksWith(b, h, BenchOptions{}) }

// RunBenchmarksWith is RunBenchmarks with options, for tests that need a
// smaller batch or load.
func RunBenchmarksWith(b *testing.B, h Harness, o BenchOptions) {
	if h.Live {
		b.Skip("benchmarks need the simulator; skipped in live mode")
	}
	env, hc := measuredEnv(b, h)
	bench := &benchRun{env: env, bl: env.Baseline(hc), caps: env.Client.Capabilities(), card: h.Fixtures.VisaCard}
	if note := checkSharedTransport(context.Background(), env, hc); note != "" {
		b.Log(note)
	}
	bench.run(b, o)
}

// BenchClientOptions are the Client options of the benchmarks: hc as the
// HTTP client and a logger at Info level writing nowhere, as in a
// production service where debug logging is off.
func BenchClientOptions(hc *http.Client) []tokenize.Option {
	logger := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
	return []tokenize.Option{tokenize.WithHTTPClient(hc), tokenize.WithLogger(logger)}
}

// checkSharedTransport finds out whether the Client really sends through
// hc: after closing hc's idle connections, a Client call needs a new TCP
// connection only if it uses hc. It returns a note when it does not.
func checkSharedTransport(ctx context.Context, env *Env, hc *http.Client) string {
	caps := env.Client.Capabilities()
	if !caps.Supports(tokenize.OpGetPaymentToken) {
		return ""
	}
	probe := func() { _, _ = env.Client.GetPaymentToken(ctx, "pt_benchmark_probe") }
	probe()
	if env.Sim.Connections() == 0 {
		return "" // the simulator does not count connections
	}
	hc.CloseIdleConnections()
	before := env.Sim.Connections()
	probe()
	if env.Sim.Connections() > before {
		return ""
	}
	return "note: the Client does not send through the *http.Client given with tokenize.WithHTTPClient " +
		"(build Env.Client with tokenize.Open); the baseline uses a separate client of the same configuration"
}

type benchRun struct {
	env  *Env
	bl   Baseline
	caps tokenize.Capabilities
	card tokenize.Card

	mu      sync.Mutex
	results []pairResult
}

// sideResult is what one side measured in its last (longest) run.
type sideResult struct {
	n      int
	ns     float64
	allocs float64
	reqs   float64
}

type pairResult struct {
	op               string
	client, baseline sideResult
	// paired is the median client/baseline time ratio of alternating
	// rounds (see pairedRatio); 0 when not measured.
	paired float64
}

// Paired rounds: the sequential client and baseline runs above each take
// about a second, long enough for the machine's state (frequency, other
// load, GC) to drift between them; short alternating rounds see the same
// conditions, and their median ratio is what the time budget judges.
const (
	pairedRounds = 101
	pairedCalls  = 100
)

// callerContext is the context both sides of a measurement run under:
// one with a deadline, as callers in production pass. net/http then does
// the same work for both (a cancellable request context), and the Client
// adds no default timeout of its own; what that timeout costs a caller
// without a deadline is in the ClientOverhead micro-benchmarks.
func callerContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), time.Hour)
}

// pairedRatio runs pairedRounds rounds of pairedCalls calls of each side,
// alternating which goes first, and returns the median per-round ratio of
// client to baseline time.
func pairedRatio(client, baseline func(context.Context) error) (float64, error) {
	ctx, cancel := callerContext()
	defer cancel()
	timed := func(fn func(context.Context) error) (time.Duration, error) {
		// Each block starts from a collected heap, so that neither side
		// pays for garbage the other left (the simulator's state grows
		// with every create).
		runtime.GC()
		start := time.Now()
		for range pairedCalls {
			if err := fn(ctx); err != nil {
				return 0, err
			}
		}
		return time.Since(start), nil
	}
	ratios := make([]float64, 0, pairedRounds)
	for i := range pairedRounds {
		first, second := client, baseline
		if i%2 == 1 {
			first, second = baseline, client
		}
		a, err := timed(first)
		if err != nil {
			return 0, err
		}
		z, err := timed(second)
		if err != nil {
			return 0, err
		}
		if i%2 == 1 {
			a, z = z, a
		}
		ratios = append(ratios, float64(a)/float64(z))
	}
	slices.Sort(ratios)
	return ratios[len(ratios)/2], nil
}

// measuredEnv starts the environment a benchmark or load test measures:
// a Client and a baseline sharing one *http.Client, and the simulator
// whose counts the checks read. It skips when the harness cannot provide
// them.
func measuredEnv(tb testing.TB, h Harness) (*Env, *http.Client) {
	tb.Helper()
	if h.New == nil {
		tb.Fatal("Harness.New is required")
	}
	hc := httpx.NewHTTPClient()
	env := h.New(tb, BenchClientOptions(hc)...)
	if env == nil || env.Client == nil {
		tb.Fatal("Harness.New returned no Client")
	}
	if env.Baseline == nil {
		tb.Skip("the harness supplies no Baseline to compare the Client with")
	}
	if env.Sim == nil {
		tb.Skip("measuring needs the simulator's request and connection counts")
	}
	return env, hc
}

func (r *benchRun) run(b *testing.B, o BenchOptions) {
	ctx := context.Background()
	c := r.env.Client
	card := r.card

	var ptID string
	if r.caps.Supports(tokenize.OpCreatePaymentToken) && r.caps.SupportsPaymentMethod(tokenize.KindCard) {
		r.pair(b, tokenize.OpCreatePaymentToken,
			func(ctx context.Context) error {
				card := card
				_, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: &card})
				return err
			},
			func(ctx context.Context) error { _, err := r.bl.CreatePaymentToken(ctx); return err })
		tok, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: &card})
		if err != nil {
			b.Fatalf("setup: CreatePaymentToken: %v", err)
		}
		ptID = tok.ID
	}
	if ptID != "" && r.caps.Supports(tokenize.OpGetPaymentToken) {
		r.pair(b, tokenize.OpGetPaymentToken,
			func(ctx context.Context) error { _, err := c.GetPaymentToken(ctx, ptID); return err },
			func(ctx context.Context) error { return r.bl.GetPaymentToken(ctx, ptID) })
	}

	provisionReq, blSource, canProvision := r.provisionSource(ptID)
	var ntID string
	if canProvision {
		r.pair(b, tokenize.OpProvisionNetworkToken,
			func(ctx context.Context) error { _, err := c.ProvisionNetworkToken(ctx, provisionReq()); return err },
			func(ctx context.Context) error { _, err := r.bl.ProvisionNetworkToken(ctx, blSource); return err })
		nt, err := c.ProvisionNetworkToken(ctx, provisionReq())
		if err != nil {
			b.Fatalf("setup: ProvisionNetworkToken: %v", err)
		}
		if nt.State != tokenize.StateActive {
			b.Fatalf("setup: VisaCard provisioned a network token in state %v, want active", nt.State)
		}
		ntID = nt.ID
	}
	if ntID != "" && r.caps.Supports(tokenize.OpGetNetworkToken) {
		r.pair(b, tokenize.OpGetNetworkToken,
			func(ctx context.Context) error { _, err := c.GetNetworkToken(ctx, ntID); return err },
			func(ctx context.Context) error { return r.bl.GetNetworkToken(ctx, ntID) })
	}
	cryptogram := ntID != "" && r.caps.Supports(tokenize.OpRequestCryptogram) &&
		r.caps.SupportsTransactionType(tokenize.ECommerce)
	if cryptogram {
		req := tokenize.CryptogramRequest{NetworkTokenID: ntID, TransactionType: tokenize.ECommerce}
		r.pair(b, tokenize.OpRequestCryptogram,
			func(ctx context.Context) error { _, err := c.RequestCryptogram(ctx, req); return err },
			func(ctx context.Context) error { return r.bl.RequestCryptogram(ctx, ntID) })
	}
	r.report(b)

	if cryptogram && o.Load.Calls >= 0 {
		b.Run("Load", func(b *testing.B) {
			// One bounded run whatever b.N: its result is the metrics, and
			// -benchtime Nx must not multiply 40,000 calls.
			rep := runLoad(b, r.env, r.bl, ntID, o.Load.withDefaults())
			rep.reportMetrics(b)
			b.Log(rep.String())
		})
	}
	if items := o.BatchItems; items >= 0 && canProvision {
		if items == 0 {
			items = DefaultBatchItems
		}
		name := fmt.Sprintf("BatchProvision%d", items)
		if items%1000 == 0 {
			name = fmt.Sprintf("BatchProvision%dk", items/1000)
		}
		for _, slice := range []bool{false, true} {
			form := "stream"
			if slice {
				form = "slice"
			}
			b.Run(name+"/"+form, func(b *testing.B) { r.batch(b, items, o.BatchConcurrency, blSource != "", slice) })
		}
	}
}

// provisionSource returns the request the Client provisions from, the
// payment token id the baseline is given (empty for a card), and whether
// provisioning can be benchmarked at all.
func (r *benchRun) provisionSource(ptID string) (func() tokenize.ProvisionNetworkTokenRequest, string, bool) {
	if !r.caps.Supports(tokenize.OpProvisionNetworkToken) {
		return nil, "", false
	}
	if r.caps.ProvisionFromPaymentToken && ptID != "" {
		return func() tokenize.ProvisionNetworkTokenRequest {
			return tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: ptID}
		}, ptID, true
	}
	if r.caps.ProvisionFromCard {
		return func() tokenize.ProvisionNetworkTokenRequest {
			card := r.card
			return tokenize.ProvisionNetworkTokenRequest{Card: &card}
		}, "", true
	}
	return nil, "", false
}

// pair runs <op>/client and <op>/baseline, after one untimed call of each
// (connection set-up, access tokens) that must succeed.
func (r *benchRun) pair(b *testing.B, op tokenize.Operation, client, baseline func(context.Context) error) {
	b.Run(op.String(), func(b *testing.B) {
		ctx := context.Background()
		if err := client(ctx); err != nil {
			b.Fatalf("warm-up: Client.%s: %v", op, err)
		}
		if err := baseline(ctx); err != nil {
			b.Fatalf("warm-up: baseline %s: %v", op, err)
		}
		res := pairResult{op: op.String()}
		b.Run("client", r.measure(client, &res.client))
		measureBaseline := r.measure(baseline, &res.baseline)
		b.Run("baseline", func(b *testing.B) {
			measureBaseline(b)
			// The ratios to the client run just before, on the baseline's
			// line of the output (the framework keeps the last run's).
			if res.client.n > 0 && res.baseline.ns > 0 {
				b.ReportMetric(res.client.ns/res.baseline.ns, "client/baseline-ns")
				b.ReportMetric(res.client.allocs/max(res.baseline.allocs, 1), "client/baseline-allocs")
			}
		})
		if res.client.n > 0 && res.baseline.n > 0 {
			p, err := pairedRatio(client, baseline)
			if err != nil {
				b.Fatalf("paired rounds: %v", err)
			}
			res.paired = p
		}
		r.mu.Lock()
		r.results = append(r.results, res)
		r.mu.Unlock()
	})
}

// measure times fn b.N times and keeps what the run measured in out (the
// framework calls it with growing b.N; the last run wins).
func (r *benchRun) measure(fn func(context.Context) error, out *sideResult) func(*testing.B) {
	return func(b *testing.B) {
		ctx, cancel := callerContext()
		defer cancel()
		b.ReportAllocs()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		mallocs := ms.Mallocs
		reqs := r.env.Sim.Requests()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if err := fn(ctx); err != nil {
				b.Fatalf("call %d: %v", i, err)
			}
		}
		b.StopTimer()
		runtime.ReadMemStats(&ms)
		n := float64(b.N)
		*out = sideResult{
			n:      b.N,
			ns:     float64(b.Elapsed().Nanoseconds()) / n,
			allocs: float64(ms.Mallocs-mallocs) / n,
			reqs:   float64(r.env.Sim.Requests()-reqs) / n,
		}
		b.ReportMetric(out.reqs, "req/op")
	}
}

// report logs the client/baseline ratios and checks them against the
// budget.
func (r *benchRun) report(b *testing.B) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.results) == 0 {
		return
	}
	strict := os.Getenv(StrictTimingEnv) != ""
	var sb strings.Builder
	fmt.Fprintf(&sb, "client vs baseline (budget: time ≤ %.2f as the median of %d alternating rounds, allocs ≤ %.2f):\n",
		MaxTimeRatio, pairedRounds, MaxAllocRatio)
	fmt.Fprintf(&sb, "%-22s %12s %12s %6s %7s %10s %10s %6s %8s\n", "op", "client ns", "base ns", "ratio", "paired", "client al", "base al", "ratio", "req/op")
	for _, p := range r.results {
		if p.client.n == 0 || p.baseline.n == 0 {
			continue // filtered out by -bench
		}
		tr := p.paired
		ar := p.client.allocs / max(p.baseline.allocs, 1)
		fmt.Fprintf(&sb, "%-22s %12.0f %12.0f %6.2f %7.2f %10.1f %10.1f %6.2f %4.2f/%.2f\n",
			p.op, p.client.ns, p.baseline.ns, p.client.ns/p.baseline.ns, tr, p.client.allocs, p.baseline.allocs, ar, p.client.reqs, p.baseline.reqs)
		if ar > MaxAllocRatio {
			b.Errorf("%s: client makes %.2f× the baseline's allocations per call (budget %.2f)", p.op, ar, MaxAllocRatio)
		}
		if tr > MaxTimeRatio {
			if strict {
				b.Errorf("%s: client takes %.2f× the baseline's time per call (budget %.2f)", p.op, tr, MaxTimeRatio)
			} else {
				fmt.Fprintf(&sb, "  %s over the time budget (%.2f > %.2f); set %s=1 to fail on it\n", p.op, tr, MaxTimeRatio, StrictTimingEnv)
			}
		}
		if p.client.reqs > p.baseline.reqs {
			b.Errorf("%s: client sends %.2f requests per call, baseline %.2f: steady state must make no "+
				"access-token calls or retries", p.op, p.client.reqs, p.baseline.reqs)
		}
	}
	// The parent of sub-benchmarks has no output line of its own, so its
	// log is shown only when it fails: print the table to stdout, where the
	// benchmark lines go.
	fmt.Fprint(os.Stdout, sb.String())
}

// batch provisions items payment tokens (or cards) with
// Client.ProvisionNetworkTokens, or with the slice form it replaced (the
// baseline, sliceProvision); the payment tokens are created untimed, fresh
// for every iteration so that no item finds an existing token.
func (r *benchRun) batch(b *testing.B, items, concurrency int, fromPaymentToken, slice bool) {
	ctx := context.Background()
	c := r.env.Client
	if concurrency <= 0 {
		concurrency = tokenize.DefaultBatchConcurrency
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		reqs := make([]tokenize.ProvisionNetworkTokenRequest, items)
		if fromPaymentToken {
			if err := r.createPaymentTokens(ctx, reqs); err != nil {
				b.Fatalf("setup: %v", err)
			}
		} else {
			for j := range reqs {
				card := r.card
				reqs[j].Card = &card
			}
		}
		b.StartTimer()
		failed := 0
		var first error
		note := func(err error) {
			if err != nil {
				failed++
				first = cmp.Or(first, err)
			}
		}
		if slice {
			for _, it := range sliceProvision(ctx, reqs, concurrency, c.ProvisionNetworkToken) {
				note(it.Err)
			}
		} else {
			in := func(yield func(tokenize.ProvisionItem) bool) {
				for j := range reqs {
					if !yield(tokenize.ProvisionItem{Key: strconv.Itoa(j), Request: reqs[j]}) {
						return
					}
				}
			}
			for it := range c.ProvisionNetworkTokens(ctx, in, tokenize.BatchOptions{Concurrency: concurrency}) {
				note(it.Err)
			}
		}
		b.StopTimer()
		if failed > 0 {
			b.Fatalf("%d of %d items failed; first: %v", failed, items, first)
		}
	}
	total := float64(b.N) * float64(items)
	b.ReportMetric(total/b.Elapsed().Seconds(), "items/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/total, "ns/item")
}

// createPaymentTokens fills reqs with fresh payment tokens of the fixture
// card, setupConcurrency calls at a time.
func (r *benchRun) createPaymentTokens(ctx context.Context, reqs []tokenize.ProvisionNetworkTokenRequest) error {
	var (
		next  atomic.Int64
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for range setupConcurrency {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(reqs) {
					return
				}
				card := r.card
				tok, err := r.env.Client.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: &card})
				if err != nil {
					mu.Lock()
					if first == nil {
						first = fmt.Errorf("CreatePaymentToken: %w", err)
					}
					mu.Unlock()
					return
				}
				reqs[i].PaymentTokenID = tok.ID
			}
		})
	}
	wg.Wait()
	return first
}
