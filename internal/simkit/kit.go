// Package simkit is the plumbing every provider simulator shares, so that
// a simulator's own files hold only what is particular to its provider
// (state, routes, validation, wire shapes, test cards):
//
//   - Kit: the request pipeline. A simulator mounts its API routes on it;
//     every API request is counted, passes the simulator's Before hook
//     (headers every answer carries, such as a request id) and then the
//     fault injector, and only then reaches the simulator's own middleware
//     and routes. Paths under ControlPrefix are reserved for the control
//     API (changing state, arming faults, reading counters, resetting):
//     they bypass counting, faults and the simulator's authentication.
//   - Rand: ids, card numbers and cryptograms, random by default and
//     reproducible from a seed.
//   - Loopback: serving a handler on a loopback port, counting the TCP
//     connections clients open (load tests prove connection reuse with it).
//   - JSON helpers for bounded request bodies and answers, and the Luhn
//     check.
//
// A simulator looks like this:
//
//	kit := simkit.New(simkit.Config{Rand: rnd, Before: setRequestID})
//	kit.HandleFunc("POST /tokens", s.createToken)
//	kit.HandleControl("POST /_sim/reset", s.reset)   // a control route
//	srv := simkit.Serve(kit)                         // on loopback
//
// The package imports only the standard library and faults, so the
// simulators stay independent of the library they test.
package simkit

import (
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/tokenize-go/tokenize/faults"
)

// ControlPrefix is the path prefix reserved for a simulator's control API.
// No provider the simulators imitate serves a path beginning with an
// underscore segment, so it cannot shadow an API route.
const ControlPrefix = "/_sim/"

// Config configures a Kit. The zero value is usable: random ids, no hooks.
type Config struct {
	// Rand generates the simulator's ids and random values. Nil means a
	// new, randomly seeded Rand.
	Rand *Rand
	// Before, when set, runs on every API request after it is counted and
	// before faults are injected, so that what it sets (a request-id
	// header, a version header) is on fault answers too. It may count or
	// set headers; it must not write a body.
	Before func(w http.ResponseWriter, r *http.Request)
	// Wrap, when set, wraps the route mux inside the fault injector: the
	// place for middleware every API route shares, such as an API-key
	// check.
	Wrap func(http.Handler) http.Handler
}

// Kit is one simulator's request pipeline. It is an http.Handler and is
// safe for concurrent use; mount every route before serving.
type Kit struct {
	rand     *Rand
	faults   *faults.Injector
	requests atomic.Int64
	routes   *http.ServeMux
	control  *http.ServeMux
	api      http.Handler
	before   func(http.ResponseWriter, *http.Request)

	// byRoute counts API requests by the pattern of the route serving
	// them; its keys are set while routes are mounted, before serving.
	byRoute   map[string]*atomic.Int64
	unmatched atomic.Int64
	// faultedBase and inapplicableBase are the injector's counts at the
	// last control reset.
	faultedBase, inapplicableBase atomic.Int64
	access                        atomic.Uint32 // a ControlAccess
	controlRoutes                 []controlRoute
}

// New returns a Kit with no routes.
func New(cfg Config) *Kit {
	k := &Kit{
		rand:    cfg.Rand,
		faults:  faults.New(),
		routes:  http.NewServeMux(),
		control: http.NewServeMux(),
		before:  cfg.Before,
		byRoute: map[string]*atomic.Int64{},
	}
	if k.rand == nil {
		k.rand = NewRand()
	}
	var inner http.Handler = k.routes
	if cfg.Wrap != nil {
		inner = cfg.Wrap(inner)
	}
	k.api = k.faults.Wrap(inner)
	return k
}

// Handle mounts an API route; pattern is an http.ServeMux pattern such as
// "GET /instruments/{id}". It panics on a pattern under ControlPrefix.
func (k *Kit) Handle(pattern string, h http.Handler) {
	if underControl(pattern) {
		panic("simkit: API route " + pattern + " is under the reserved " + ControlPrefix)
	}
	k.routes.Handle(pattern, h)
	k.byRoute[pattern] = new(atomic.Int64)
}

// HandleFunc mounts an API route handled by f.
func (k *Kit) HandleFunc(pattern string, f func(http.ResponseWriter, *http.Request)) {
	k.Handle(pattern, http.HandlerFunc(f))
}

// HandleControl mounts a control-API route, such as
// "POST /_sim/network-tokens/{id}/state". Its pattern must be under
// ControlPrefix (it panics otherwise). Control requests are not counted,
// never faulted and skip the simulator's Wrap middleware.
func (k *Kit) HandleControl(pattern string, h http.Handler) {
	if !underControl(pattern) {
		panic("simkit: control route " + pattern + " is not under " + ControlPrefix)
	}
	k.control.Handle(pattern, h)
	k.controlRoutes = append(k.controlRoutes, controlRoute{Route: pattern})
}

// underControl reports whether a ServeMux pattern ("[METHOD ][HOST]/PATH")
// lies under ControlPrefix.
func underControl(pattern string) bool {
	if i := strings.IndexByte(pattern, ' '); i >= 0 {
		pattern = strings.TrimLeft(pattern[i+1:], " ")
	}
	if i := strings.IndexByte(pattern, '/'); i > 0 {
		pattern = pattern[i:] // drop a host
	}
	return strings.HasPrefix(pattern, ControlPrefix)
}

// ServeHTTP routes a request: control paths to the control routes (if
// SetControlAccess lets the client in), every other path through counting,
// Before, faults, Wrap and the API routes.
func (k *Kit) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, ControlPrefix) {
		if !k.controlAllowed(r) {
			k.refuseControl(w)
			return
		}
		k.control.ServeHTTP(w, r)
		return
	}
	k.requests.Add(1)
	if _, pattern := k.routes.Handler(r); k.byRoute[pattern] != nil {
		k.byRoute[pattern].Add(1)
	} else {
		k.unmatched.Add(1)
	}
	if k.before != nil {
		k.before(w, r)
	}
	k.api.ServeHTTP(w, r)
}

// Requests returns how many API requests the Kit received, faulted or not,
// on every path outside ControlPrefix.
func (k *Kit) Requests() int64 { return k.requests.Load() }

// Faults returns the injector that sits between Before and the routes.
func (k *Kit) Faults() *faults.Injector { return k.faults }

// Rand returns the simulator's source of ids and random values.
func (k *Kit) Rand() *Rand { return k.rand }
