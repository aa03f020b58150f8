// Package stream runs work over a sequence with bounded concurrency, at
// constant memory whatever the sequence's length: the engine behind the
// Client's streaming calls (network-token sync, and bulk provisioning).
//
// Map is the whole engine: it reads its input lazily, at most as many
// items ahead as it has workers, runs them, and yields results as they
// complete. A Throttle shared by the workers paces their requests: a rate
// limit with bursts, and a Pause that holds them all back while the
// provider has asked callers to wait (a 429 with Retry-After seen by any
// one of them), after which the rate is lowered for a while.
package stream

import (
	"context"
	"iter"
	"sync"
	"time"
)

// Map calls fn for every item of in, at most workers calls at a time
// (at least one), and yields each result as soon as it is ready:
// completion order, not input order, so that one slow item does not hold
// back the others.
//
// Memory is constant: an item is taken from in only when a worker is free,
// and a worker's result waits for the consumer to take it before that
// worker gets another item, so a slow consumer slows the input down
// instead of piling results up (backpressure).
//
// in is read, and yield called, on the caller's goroutine; a panic in in
// reaches the caller, and so does a panic in fn, after the other calls in
// flight have returned. When ctx ends, no further item is taken; the calls
// in flight (whose context is canceled) finish and their results are
// yielded, so that every item taken is reported. When the consumer stops
// (breaks out of its range loop), the calls in flight are canceled and
// waited for, and their results dropped. No goroutine outlives Map's
// sequence either way.
func Map[In, Out any](ctx context.Context, in iter.Seq[In], workers int, fn func(context.Context, In) Out) iter.Seq[Out] {
	workers = max(workers, 1)
	return func(yield func(Out) bool) {
		ctx, cancel := context.WithCancel(ctx)
		type result struct {
			out      Out
			panicked any
		}
		// Buffered for every worker, so that a worker never blocks on
		// its send and the cleanup below can always collect it.
		results := make(chan result, workers)
		inflight := 0
		var panicked any
		defer func() {
			cancel()
			for ; inflight > 0; inflight-- {
				if r := <-results; r.panicked != nil && panicked == nil {
					panicked = r.panicked
				}
			}
			if panicked != nil {
				panic(panicked)
			}
		}()
		next, stop := iter.Pull(in)
		defer stop()
		more := true
		for {
			for more && inflight < workers && ctx.Err() == nil {
				var item In
				if item, more = next(); !more {
					break
				}
				inflight++
				go func() {
					var r result
					defer func() {
						if p := recover(); p != nil {
							r.panicked = p
						}
						results <- r
					}()
					r.out = fn(ctx, item)
				}()
			}
			if inflight == 0 {
				return
			}
			r := <-results
			inflight--
			if r.panicked != nil {
				panicked = r.panicked
				return
			}
			if !yield(r.out) {
				return
			}
		}
	}
}

// Pause holds back every worker sharing it while the provider has asked
// callers to wait. The zero value is ready to use and holds nothing.
type Pause struct {
	mu    sync.Mutex
	until time.Time
}

// For holds the workers back for at least d from now. A shorter hold than
// one already in force changes nothing.
func (p *Pause) For(d time.Duration) {
	until := time.Now().Add(d)
	p.mu.Lock()
	if until.After(p.until) {
		p.until = until
	}
	p.mu.Unlock()
}

// active reports whether a hold is in force.
func (p *Pause) active() bool { return p.left() > 0 }

// left returns how long the hold in force lasts yet, or 0 without one.
func (p *Pause) left() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return max(time.Until(p.until), 0)
}

// Wait returns when no hold is in force, or with ctx's error when ctx ends
// first. A hold extended while waiting is waited for too.
func (p *Pause) Wait(ctx context.Context) error {
	for {
		p.mu.Lock()
		d := time.Until(p.until)
		p.mu.Unlock()
		if d <= 0 {
			return ctx.Err()
		}
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}
