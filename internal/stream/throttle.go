package stream

import (
	"context"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// How a Throttle's rate adapts to 429s: multiplicative decrease, additive
// increase (AIMD, as TCP finds a link's capacity), so that a configured
// rate above what the provider grants settles just under its limit
// instead of drawing a 429 in every window.
const (
	// cutFactor is what a 429 multiplies the rate by.
	cutFactor = 0.5
	// cutEvery is the least time between two cuts: the workers in flight
	// when the provider starts refusing all see a 429 at once, and one
	// window's refusals are one signal, not eight.
	cutEvery = time.Second
	// floorDivisor bounds the cuts: the rate never falls below the
	// configured one divided by it (four halvings). Below that, the pause
	// the provider asks for, not the rate, is what holds the workers back.
	floorDivisor = 16
	// recoverEvery is how long the rate must go without a 429 (counted
	// from the end of the pause the 429 asked for) before each step back
	// up, and recoverSteps how many steps lead from nothing to the
	// configured rate: from a halving back to full in five seconds.
	recoverEvery = time.Second
	recoverSteps = 10
)

// Throttle paces the requests of one stream to a provider: at most a
// configured rate (a token bucket, golang.org/x/time/rate), never while
// the provider has asked callers to wait (a Pause shared by every worker),
// and slower for a while after the provider answered 429. Call Wait before
// every request, retries included, and Throttled after every 429. A
// Throttle is safe for concurrent use.
type Throttle struct {
	pause Pause
	lim   *rate.Limiter // nil: no rate limit, only the pause
	max   rate.Limit    // the configured rate, where recovery stops
	floor rate.Limit

	mu        sync.Mutex
	lastCut   time.Time
	quietFrom time.Time // the end of the last 429's pause
	lastRaise time.Time
}

// NewThrottle returns a Throttle allowing perSecond requests a second on
// average with bursts of up to burst (at least 1). perSecond zero,
// negative or infinite (math.Inf or rate.Inf) means no rate limit: the Throttle then only
// pauses the workers when Throttled.
func NewThrottle(perSecond float64, burst int) *Throttle {
	t := &Throttle{}
	if perSecond > 0 && !math.IsInf(perSecond, 1) && rate.Limit(perSecond) < rate.Inf {
		t.max = rate.Limit(perSecond)
		t.floor = t.max / floorDivisor
		t.lim = rate.NewLimiter(t.max, max(burst, 1))
	}
	return t
}

// Limit returns the rate in force now, in requests per second (below the
// configured one for a while after a 429), or 0 when there is no limit.
func (t *Throttle) Limit() float64 {
	if t.lim == nil {
		return 0
	}
	return float64(t.lim.Limit())
}

// Paused returns how long the pause a 429 asked for lasts yet, or 0: a
// caller whose deadline comes sooner need not wait to fail.
func (t *Throttle) Paused() time.Duration { return t.pause.left() }

// Wait returns when a request may be sent: no pause is in force and the
// rate allows one more. It returns ctx's error, having sent nothing, only
// when ctx ends first.
func (t *Throttle) Wait(ctx context.Context) error {
	for {
		if err := t.pause.Wait(ctx); err != nil {
			return err
		}
		if t.lim == nil {
			return nil
		}
		t.recover(time.Now())
		// Reserve and sleep rather than Limiter.Wait, which fails at once
		// when the wait would pass ctx's deadline: an item must end with
		// its context's own error, when that really ends, not earlier.
		r := t.lim.Reserve()
		if d := r.Delay(); d > 0 {
			timer := time.NewTimer(d)
			select {
			case <-timer.C:
			case <-ctx.Done():
				timer.Stop()
				r.Cancel()
				return ctx.Err()
			}
		}
		if !t.pause.active() {
			return nil
		}
		// A 429 arrived while this request waited for its turn: it waits
		// out the pause too (its turn is spent, slowing the stream a
		// little more).
	}
}

// Throttled reports a 429: every worker waits for wait from now, and the
// rate is cut (at most once per cutEvery, never below the floor).
func (t *Throttle) Throttled(wait time.Duration) {
	t.pause.For(wait)
	if t.lim == nil {
		return
	}
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if q := now.Add(wait); q.After(t.quietFrom) {
		t.quietFrom = q
	}
	if now.Sub(t.lastCut) < cutEvery {
		return
	}
	t.lastCut = now
	t.lim.SetLimitAt(now, max(t.lim.Limit()*cutFactor, t.floor))
}

// recover raises a cut rate by one step when it has gone recoverEvery
// without a 429 since the last pause ended and since the last step.
func (t *Throttle) recover(now time.Time) {
	cur := t.lim.Limit()
	if cur >= t.max {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if now.Sub(t.quietFrom) < recoverEvery || now.Sub(t.lastRaise) < recoverEvery {
		return
	}
	t.lastRaise = now
	t.lim.SetLimitAt(now, min(t.lim.Limit()+t.max/recoverSteps, t.max))
}
