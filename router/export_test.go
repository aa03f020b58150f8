package router

import "time"

// SetClock gives r's circuit breakers the clock now, so that a test steps
// through a cooldown instead of sleeping through it: on a loaded machine a
// short real cooldown can end between two calls that must both see the
// circuit open.
func SetClock(r *Router, now func() time.Time) {
	for _, m := range r.members {
		m.breaker.now = now
	}
}
