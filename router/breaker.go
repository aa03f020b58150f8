package router

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tokenize-go/tokenize"
)

// Breaker configures the circuit breaker the router keeps for each
// provider. In JSON: {"failures": 5, "cooldown": "30s"}.
type Breaker struct {
	// Failures is how many consecutive failures (Unavailable, a 5xx, a
	// provider timeout) open the circuit; DefaultFailures when zero. Each
	// attempt counts: the Client around the router retries a failed read
	// or delete itself, and each retry reaches the router as a call of its
	// own, so one call retried three times is three failures.
	Failures int
	// Cooldown is how long an open circuit waits before one call may
	// probe the provider again; DefaultCooldown when zero. In JSON, a
	// positive duration string such as "30s".
	Cooldown time.Duration
}

// Defaults of Breaker: five failures in a row are no accident on a
// provider that answers thousands of calls, and 30 s lets a restarting
// gateway come back before it is probed.
const (
	DefaultFailures = 5
	DefaultCooldown = 30 * time.Second
)

// breakerJSON is Breaker as a configuration writes it: the cooldown as a
// duration string rather than time.Duration's nanoseconds, so that Go
// code sets Cooldown as any other duration.
type breakerJSON struct {
	Failures int    `json:"failures,omitempty"`
	Cooldown string `json:"cooldown,omitempty"`
}

// UnmarshalJSON reads {"failures": 5, "cooldown": "30s"}, naming the
// setting that is wrong without quoting its value.
func (b *Breaker) UnmarshalJSON(data []byte) error {
	var in breakerJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typeErr) && typeErr.Field != "":
			return tokenize.InvalidSetting("router.breaker."+typeErr.Field, "must be a JSON "+typeErr.Type.Kind().String())
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return tokenize.InvalidSetting("router.breaker", "takes failures and cooldown; not "+strings.TrimPrefix(err.Error(), "json: unknown field "))
		}
		return tokenize.InvalidSetting("router.breaker", `must be an object such as {"failures": 5, "cooldown": "30s"}`)
	}
	out := Breaker{Failures: in.Failures}
	if in.Cooldown != "" {
		d, err := time.ParseDuration(in.Cooldown)
		if err != nil || d <= 0 {
			return tokenize.InvalidSetting("router.breaker.cooldown", `must be a positive duration such as "30s"`)
		}
		out.Cooldown = d
	}
	*b = out
	return nil
}

// MarshalJSON writes the breaker as UnmarshalJSON reads it.
func (b Breaker) MarshalJSON() ([]byte, error) {
	out := breakerJSON{Failures: b.Failures}
	if b.Cooldown != 0 {
		out.Cooldown = b.Cooldown.String()
	}
	return json.Marshal(out)
}

func (b Breaker) withDefaults() Breaker {
	if b.Failures <= 0 {
		b.Failures = DefaultFailures
	}
	if b.Cooldown <= 0 {
		b.Cooldown = DefaultCooldown
	}
	return b
}

// CircuitState is a circuit's state.
type CircuitState uint8

// The circuit states.
const (
	// CircuitClosed: the provider is healthy and chosen in its turn.
	CircuitClosed CircuitState = iota
	// CircuitOpen: the provider failed Breaker.Failures times in a row; creates
	// go to the next eligible provider until the cooldown has passed.
	CircuitOpen
	// CircuitHalfOpen: the cooldown has passed and one call is probing the
	// provider; its success closes the circuit, its failure opens it again.
	CircuitHalfOpen
)

var stateNames = [...]string{CircuitClosed: "closed", CircuitOpen: "open", CircuitHalfOpen: "half-open"}

// String returns "closed", "open" or "half-open".
func (s CircuitState) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "CircuitState(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText implements encoding.TextMarshaler.
func (s CircuitState) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Health is a snapshot of one provider's circuit.
type Health struct {
	// Provider is the provider's name.
	Provider string
	// State is the circuit's state.
	State CircuitState
	// ConsecutiveFailures counts failures since the last success.
	ConsecutiveFailures int
	// LastFailure is the Code of the latest failure, OK if none.
	LastFailure tokenize.Code
	// OpenedAt is when the circuit last opened; zero if it never did.
	OpenedAt time.Time
	// Failovers counts creates that moved on from this provider to the
	// next one because it refused before doing anything or its circuit
	// was open.
	Failovers int64
}

// breaker is one provider's circuit: a consecutive-failure count, an
// open period, and a single half-open probe.
type breaker struct {
	cfg Breaker
	now func() time.Time

	mu        sync.Mutex
	state     CircuitState
	failures  int
	last      tokenize.Code
	openedAt  time.Time
	probing   bool
	failovers int64
}

// allow reports whether a create may be sent now, and whether it is the
// half-open probe (whose outcome must be reported with done).
func (b *breaker) allow() (ok, probe bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.state {
	case CircuitClosed:
		return true, false
	case CircuitOpen:
		if b.now().Sub(b.openedAt) < b.cfg.Cooldown {
			return false, false
		}
		b.state = CircuitHalfOpen
	}
	if b.probing {
		return false, false
	}
	b.probing = true
	return true, true
}

// outcome classifies a call's result for the circuit.
type outcome uint8

const (
	neutral outcome = iota // nothing learned: refused before sending, canceled, throttled
	healthy                // the provider answered
	failed                 // the provider is down or failing
)

// classify says what err (from a call made with ctx) tells about the
// provider's health.
func classify(ctx context.Context, err error) outcome {
	if err == nil {
		return healthy
	}
	e, ok := err.(*tokenize.Error)
	if !ok || e.Attempts == 0 || ctx.Err() != nil {
		return neutral
	}
	switch {
	case e.Code == tokenize.Unavailable && e.HTTPStatus != 408,
		e.Code == tokenize.Internal && e.HTTPStatus >= 500,
		e.Code == tokenize.DeadlineExceeded:
		return failed
	case e.Code == tokenize.RateLimited, e.Code == tokenize.Canceled, e.Code == tokenize.Unavailable:
		return neutral
	}
	return healthy
}

// record updates the circuit with a call's outcome. probe says the call
// was the half-open probe.
func (b *breaker) record(o outcome, code tokenize.Code, probe bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if probe {
		b.probing = false
	}
	switch o {
	case healthy:
		b.state, b.failures = CircuitClosed, 0
	case failed:
		b.failures++
		b.last = code
		if b.state == CircuitHalfOpen || b.failures >= b.cfg.Failures {
			if b.state != CircuitOpen {
				b.openedAt = b.now()
			}
			b.state = CircuitOpen
		}
	}
}

func (b *breaker) failedOver() {
	b.mu.Lock()
	b.failovers++
	b.mu.Unlock()
}

func (b *breaker) health(name string) Health {
	b.mu.Lock()
	defer b.mu.Unlock()
	return Health{Provider: name, State: b.state, ConsecutiveFailures: b.failures,
		LastFailure: b.last, OpenedAt: b.openedAt, Failovers: b.failovers}
}
