package tokenize

import (
	"context"
	"math/rand/v2"
	"time"
)

// RetryPolicy says how the Client repeats a call that failed transiently.
//
// The Client retries only errors marked Retryable, which adapters set only
// when repeating the request cannot create a duplicate: reads, deletes,
// cryptogram requests, provisioning where the provider returns the existing
// token (Capabilities.ProvisionIsIdempotent), and any request the provider
// provably did not act on (connection refused, HTTP 408 and 429). A create
// whose request may have taken effect is never retried; its error has
// OutcomeUnknown set instead.
//
// Delays grow exponentially with full jitter (a random delay between zero
// and min(MaxBackoff, InitialBackoff·2^n)), and are never shorter than a
// Retry-After the provider sent. Retrying stops at MaxAttempts, when the
// next delay would pass MaxElapsed or the context's deadline, or when the
// context ends.
type RetryPolicy struct {
	// MaxAttempts is the total number of attempts, the first included.
	// 1 disables retries.
	MaxAttempts int
	// InitialBackoff is the upper bound of the first delay.
	InitialBackoff time.Duration
	// MaxBackoff caps the upper bound of any delay.
	MaxBackoff time.Duration
	// MaxElapsed bounds the time spent on one call, retries included.
	MaxElapsed time.Duration
}

// DefaultRetryPolicy returns the policy used unless WithRetryPolicy says
// otherwise: three attempts, delays drawn up to 200 ms then 400 ms (longer
// when the provider sends Retry-After), at most 10 s in all.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		MaxAttempts:    3,
		InitialBackoff: 200 * time.Millisecond,
		MaxBackoff:     2 * time.Second,
		MaxElapsed:     10 * time.Second,
	}
}

// WithRetryPolicy sets the retry policy. Zero durations take the values of
// DefaultRetryPolicy; MaxAttempts of zero or one disables retries, so
// WithRetryPolicy(RetryPolicy{}) turns them off.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(o *options) { o.retry = p.withDefaults() }
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetryPolicy()
	p.MaxAttempts = max(p.MaxAttempts, 1)
	if p.InitialBackoff <= 0 {
		p.InitialBackoff = d.InitialBackoff
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = d.MaxBackoff
	}
	if p.MaxElapsed <= 0 {
		p.MaxElapsed = d.MaxElapsed
	}
	return p
}

// backoff returns the delay before attempt n+1 (n ≥ 1 attempts made).
func (p RetryPolicy) backoff(n int, retryAfter time.Duration) time.Duration {
	ceiling := p.MaxBackoff
	if n <= 32 { // beyond, the shift could overflow; MaxBackoff applies anyway
		if c := p.InitialBackoff << (n - 1); c > 0 && c < ceiling {
			ceiling = c
		}
	}
	d := time.Duration(rand.Int64N(int64(ceiling) + 1))
	return max(d, retryAfter)
}

// sleep waits d or until ctx ends, reporting whether it waited the whole d
// with ctx still live.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		// A goroutine scheduled late finds both ready, and select picks
		// at random: an ended ctx wins, so no attempt starts past it.
		return ctx.Err() == nil
	case <-ctx.Done():
		return false
	}
}
