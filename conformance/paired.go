package conformance

import "context"

// PairedRatio times a against b the way RunBenchmarks judges its time
// budget: alternating rounds of calls of each, every round from a
// collected heap, and returns the median of the per-round ratios of a's
// time to b's. Use it to compare two configurations of the same call,
// such as a Client with and without an observer, in one run on a shared
// machine, where two sequential one-second benchmarks drift apart.
func PairedRatio(a, b func(context.Context) error) (float64, error) { return pairedRatio(a, b) }
