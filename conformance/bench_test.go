package conformance_test

import (
	"strings"
	"testing"

	"github.com/tokenize-go/tokenize/conformance"
)

// BenchmarkToy runs the benchmark suite against the toy provider, so that
// RunBenchmarks is exercised without the real adapters:
//
//	go test -run '^$' -bench Toy -benchmem ./conformance
func BenchmarkToy(b *testing.B) { conformance.RunBenchmarks(b, toyHarness()) }

// TestRunLoadSmall runs the load test's mechanics on a few calls. The
// throughput ratio is only loosely bounded here: under -race and with
// other tests running, a small load says little about the library's
// overhead, which the benchmarks measure.
func TestRunLoadSmall(t *testing.T) {
	rep := conformance.RunLoad(t, toyHarness(), conformance.LoadOptions{Calls: 1000, Goroutines: 16, MinThroughputRatio: 0.2})
	if rep.Client.Calls != 1000 || rep.Baseline.Calls != 1000 {
		t.Errorf("calls: client %d, baseline %d, want 1000 each", rep.Client.Calls, rep.Baseline.Calls)
	}
	if !strings.Contains(rep.String(), "budget ≥ 0.20") {
		t.Errorf("the report does not state the budget it was judged against:\n%s", rep)
	}
	for name, s := range map[string]conformance.LoadSide{"client": rep.Client, "baseline": rep.Baseline} {
		if s.CallsPerSecond <= 0 || s.P50 <= 0 || s.P99 < s.P50 {
			t.Errorf("%s: implausible report %+v", name, s)
		}
	}
}

// TestRunLoadSkipsWithoutBaseline checks the skip path with the in-memory
// provider, which has no HTTP baseline.
func TestRunLoadSkipsWithoutBaseline(t *testing.T) {
	var skipped bool
	t.Run("mem", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		conformance.RunLoad(t, harness(fullCaps()), conformance.LoadOptions{Calls: 10})
	})
	if !skipped {
		t.Error("RunLoad did not skip a harness without Baseline")
	}
}

// BenchmarkMemSkips shows the skip path: the in-memory provider has no
// HTTP baseline, so RunBenchmarks skips with a reason.
func BenchmarkMemSkips(b *testing.B) { conformance.RunBenchmarks(b, harness(fullCaps())) }
