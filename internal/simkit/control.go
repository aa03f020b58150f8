package simkit

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/tokenize-go/tokenize/faults"
)

// Controller is the part of the control API particular to one simulator:
// changing a network token as an issuer or cardholder would, and
// forgetting everything. A simulator implements it and passes it to
// MountControl, which serves it under ControlPrefix beside what every
// simulator shares: faults, counters, reset, and the refusal of clients
// that are not allowed in.
type Controller interface {
	// UpdateNetworkToken applies u to the network token id. It returns an
	// error wrapping ErrNotFound for an unknown id and ErrInvalid for a
	// change the simulator cannot make, naming it.
	UpdateNetworkToken(id string, u TokenUpdate) error
	// Reset forgets every token, card and credential the simulator issued,
	// as if it had just started.
	Reset()
}

// TokenUpdate is a change to a network token, as the scheme would report
// it after an issuer or cardholder action. Fields left zero stay as they
// are.
type TokenUpdate struct {
	// State is the new state, by its neutral name: active, suspended,
	// inactive, deleted (what each simulator accepts is its provider's).
	State string `json:"state,omitempty"`
	// ExpiryMonth and ExpiryYear are the token's new expiry.
	ExpiryMonth int `json:"expiry_month,omitempty"`
	ExpiryYear  int `json:"expiry_year,omitempty"`
	// CardLast4, CardExpiryMonth and CardExpiryYear describe the card
	// behind the token after a reissue.
	CardLast4       string `json:"card_last4,omitempty"`
	CardExpiryMonth int    `json:"card_expiry_month,omitempty"`
	CardExpiryYear  int    `json:"card_expiry_year,omitempty"`
}

// IsZero reports whether u changes nothing.
func (u TokenUpdate) IsZero() bool { return u == TokenUpdate{} }

// Check reports a change no provider could make, wrapping ErrInvalid: an
// expiry is a month 1-12 with a four-digit year, both or neither, and the
// card's last four are four digits. The state is each simulator's to check.
func (u TokenUpdate) Check() error {
	for _, e := range [][2]int{{u.ExpiryMonth, u.ExpiryYear}, {u.CardExpiryMonth, u.CardExpiryYear}} {
		if e != [2]int{} && (e[0] < 1 || e[0] > 12 || e[1] < 1000 || e[1] > 9999) {
			return fmt.Errorf("an expiry is a month 1-12 and a four-digit year, both or neither: %w", ErrInvalid)
		}
	}
	if u.CardLast4 != "" && (len(u.CardLast4) != 4 || strings.Trim(u.CardLast4, "0123456789") != "") {
		return fmt.Errorf("card_last4 must be four digits: %w", ErrInvalid)
	}
	return nil
}

// Errors a Controller wraps, which the control API answers with 404 and
// 400.
var (
	ErrNotFound = errors.New("not found")
	ErrInvalid  = errors.New("invalid")
)

// ControlAccess says who may use the control API.
type ControlAccess uint32

const (
	// ControlLoopback, the default, lets in requests that arrive on a
	// loopback address, and requests served in process (a test calling
	// the handler): the control API is then reachable by programs on the
	// same machine only, however the server listens. A request arriving
	// on any other address is refused.
	ControlLoopback ControlAccess = iota
	// ControlOpen lets in every request that reaches the server.
	ControlOpen
	// ControlOff refuses every request.
	ControlOff
)

var controlAccessNames = []string{"loopback", "open", "off"}

// String returns the access's name: loopback, open or off.
func (a ControlAccess) String() string {
	if int(a) < len(controlAccessNames) {
		return controlAccessNames[a]
	}
	return fmt.Sprintf("ControlAccess(%d)", uint32(a))
}

// SetControlAccess sets who may use the control API; ControlLoopback until
// it is called. It is safe to call while serving.
func (k *Kit) SetControlAccess(a ControlAccess) { k.access.Store(uint32(a)) }

// controlAllowed applies the access policy to r.
func (k *Kit) controlAllowed(r *http.Request) bool {
	switch ControlAccess(k.access.Load()) {
	case ControlOpen:
		return true
	case ControlOff:
		return false
	}
	addr, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return true // served in process, not over a network
	}
	host, _, err := net.SplitHostPort(addr.String())
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// controlRoute is one route of the control API, for its index.
type controlRoute struct {
	Route       string `json:"route"`
	Description string `json:"description,omitempty"`
}

// MountControl serves the control API under ControlPrefix: c's token
// changes, and the routes every simulator shares. Call it once, before
// serving; a simulator may add routes of its own with HandleControl.
//
//	GET    /_sim/                        the routes
//	GET    /_sim/counters                requests received, in all and by route; faults applied
//	POST   /_sim/faults                  arm a fault (JSON: kind, times, method, path_prefix, ...)
//	GET    /_sim/faults                  the faults armed, with their remaining uses
//	DELETE /_sim/faults                  disarm every fault
//	POST   /_sim/reset                   forget all state, disarm faults, zero counters, restart seeded ids
//	POST   /_sim/network-tokens/{id}     change a network token (JSON: TokenUpdate)
func (k *Kit) MountControl(c Controller) {
	k.controlRoute("GET "+ControlPrefix+"{$}", "these routes", k.controlIndex)
	k.controlRoute("GET "+ControlPrefix+"counters", "API requests received, in all and by route, and faults applied", k.controlCounters)
	k.controlRoute("POST "+ControlPrefix+"faults", `arm a fault: {"kind": "`+strings.Join(kindNames(), `"|"`)+`", "times", "method", "path_prefix", "status", "body", "content_type", "retry_after", "delay", "size", "after_handler"}`, k.controlArmFault)
	k.controlRoute("GET "+ControlPrefix+"faults", "the faults armed, in the order they apply, with their remaining uses", k.controlListFaults)
	k.controlRoute("DELETE "+ControlPrefix+"faults", "disarm every fault", func(w http.ResponseWriter, _ *http.Request) {
		k.faults.Clear()
		w.WriteHeader(http.StatusNoContent)
	})
	k.controlRoute("POST "+ControlPrefix+"reset", "forget every token and credential issued, disarm faults, zero counters; with a seed, ids start over", func(w http.ResponseWriter, _ *http.Request) {
		c.Reset()
		k.faults.Clear()
		k.resetCounters()
		k.rand.Restart()
		w.WriteHeader(http.StatusNoContent)
	})
	k.controlRoute("POST "+ControlPrefix+"network-tokens/{id}", `change a network token as the scheme would: {"state", "expiry_month", "expiry_year", "card_last4", "card_expiry_month", "card_expiry_year"}`, func(w http.ResponseWriter, r *http.Request) {
		var u TokenUpdate
		if err := decodeControl(r, &u); err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
		if u.IsZero() {
			controlError(w, http.StatusBadRequest, "the update changes nothing")
			return
		}
		switch err := c.UpdateNetworkToken(r.PathValue("id"), u); {
		case errors.Is(err, ErrNotFound):
			controlError(w, http.StatusNotFound, err.Error())
		case errors.Is(err, ErrInvalid):
			controlError(w, http.StatusBadRequest, err.Error())
		case err != nil:
			controlError(w, http.StatusInternalServerError, err.Error())
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})
}

func (k *Kit) controlRoute(pattern, description string, f http.HandlerFunc) {
	k.HandleControl(pattern, f)
	r := &k.controlRoutes[len(k.controlRoutes)-1]
	r.Route = strings.TrimSuffix(r.Route, "{$}") // as a client writes it
	r.Description = description
}

func (k *Kit) controlIndex(w http.ResponseWriter, _ *http.Request) {
	WriteJSON(w, http.StatusOK, "application/json", map[string]any{"routes": k.controlRoutes})
}

// counters is the answer of GET /_sim/counters.
type counters struct {
	// Requests counts every API request, faulted or not.
	Requests int64 `json:"requests"`
	// ByRoute counts them by the route that serves them ("POST
	// /network-tokens"); requests no route serves count under
	// "unmatched".
	ByRoute map[string]int64 `json:"by_route"`
	// Faulted counts the requests a fault was applied to; Inapplicable
	// those a fault matched but could not apply to (see
	// faults.Injector.Inapplicable).
	Faulted      int64 `json:"faulted"`
	Inapplicable int64 `json:"inapplicable"`
}

func (k *Kit) controlCounters(w http.ResponseWriter, _ *http.Request) {
	c := counters{
		Requests:     k.Requests(),
		ByRoute:      map[string]int64{},
		Faulted:      k.faults.Injected() - k.faultedBase.Load(),
		Inapplicable: k.faults.Inapplicable() - k.inapplicableBase.Load(),
	}
	for pattern, n := range k.byRoute {
		if v := n.Load(); v > 0 {
			c.ByRoute[pattern] = v
		}
	}
	if v := k.unmatched.Load(); v > 0 {
		c.ByRoute["unmatched"] = v
	}
	WriteJSON(w, http.StatusOK, "application/json", c)
}

// resetCounters zeroes what GET /_sim/counters reports. The injector's own
// counters only grow (tests read them directly), so the Kit keeps a base.
func (k *Kit) resetCounters() {
	k.requests.Store(0)
	k.unmatched.Store(0)
	for _, n := range k.byRoute {
		n.Store(0)
	}
	k.faultedBase.Store(k.faults.Injected())
	k.inapplicableBase.Store(k.faults.Inapplicable())
}

// faultJSON is a faults.Fault as the control API reads and writes it.
type faultJSON struct {
	Kind         string `json:"kind"`
	Times        int    `json:"times,omitempty"`
	Method       string `json:"method,omitempty"`
	PathPrefix   string `json:"path_prefix,omitempty"`
	Status       int    `json:"status,omitempty"`
	Body         string `json:"body,omitempty"`
	ContentType  string `json:"content_type,omitempty"`
	RetryAfter   string `json:"retry_after,omitempty"`
	Delay        string `json:"delay,omitempty"`
	Size         int    `json:"size,omitempty"`
	AfterHandler bool   `json:"after_handler,omitempty"`
}

// maxFaultSize bounds an oversized fault's body: large enough to exceed
// any client's response limit, small enough not to exhaust the simulator.
const maxFaultSize = 64 << 20

func (k *Kit) controlArmFault(w http.ResponseWriter, r *http.Request) {
	var in faultJSON
	if err := decodeControl(r, &in); err != nil {
		controlError(w, http.StatusBadRequest, err.Error())
		return
	}
	f, err := in.fault()
	if err != nil {
		controlError(w, http.StatusBadRequest, err.Error())
		return
	}
	k.faults.Inject(f)
	WriteJSON(w, http.StatusCreated, "application/json", faultOut(f))
}

func (k *Kit) controlListFaults(w http.ResponseWriter, _ *http.Request) {
	list := []faultJSON{}
	for _, f := range k.faults.Armed() {
		list = append(list, faultOut(f))
	}
	WriteJSON(w, http.StatusOK, "application/json", map[string]any{"faults": list})
}

// fault checks in and returns the fault it describes.
func (in faultJSON) fault() (faults.Fault, error) {
	kind, err := faults.ParseKind(in.Kind)
	if err != nil {
		return faults.Fault{}, fmt.Errorf("kind: want one of %s", strings.Join(kindNames(), ", "))
	}
	f := faults.Fault{
		Kind: kind, Times: in.Times, Method: strings.ToUpper(in.Method), PathPrefix: in.PathPrefix,
		Status: in.Status, Body: in.Body, ContentType: in.ContentType, RetryAfter: in.RetryAfter,
		Size: in.Size, AfterHandler: in.AfterHandler,
	}
	switch {
	case in.Times < 0:
		return f, errors.New("times: want 0 (every request until cleared) or more")
	case in.PathPrefix != "" && !strings.HasPrefix(in.PathPrefix, "/"):
		return f, errors.New("path_prefix: want a path starting with /")
	case kind == faults.Status && (in.Status < 100 || in.Status > 599):
		return f, errors.New("status: a status fault needs an HTTP status from 100 to 599")
	case kind == faults.Oversized && (in.Size <= 0 || in.Size > maxFaultSize):
		return f, fmt.Errorf("size: an oversized fault needs a size from 1 to %d bytes", maxFaultSize)
	}
	if in.Delay != "" {
		if f.Delay, err = time.ParseDuration(in.Delay); err != nil || f.Delay < 0 {
			return f, errors.New(`delay: want a duration such as "1.5s"`)
		}
	}
	if kind == faults.Latency && f.Delay == 0 {
		return f, errors.New("delay: a latency fault needs a delay")
	}
	return f, nil
}

func faultOut(f faults.Fault) faultJSON {
	out := faultJSON{
		Kind: f.Kind.String(), Times: f.Times, Method: f.Method, PathPrefix: f.PathPrefix,
		Status: f.Status, Body: f.Body, ContentType: f.ContentType, RetryAfter: f.RetryAfter,
		Size: f.Size, AfterHandler: f.AfterHandler,
	}
	if f.Delay > 0 {
		out.Delay = f.Delay.String()
	}
	return out
}

func kindNames() []string {
	var names []string
	for _, k := range faults.Kinds() {
		names = append(names, k.String())
	}
	return names
}

// decodeControl decodes a control request's JSON body into v, refusing
// unknown fields so that a misspelt one is an error, not a no-op.
func decodeControl(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, MaxRequestBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("the body must be one JSON object of the documented fields: %v", err)
	}
	return nil
}

// controlError answers a control request with status and {"error": msg}.
func controlError(w http.ResponseWriter, status int, msg string) {
	WriteJSON(w, status, "application/json", map[string]string{"error": msg})
}

// refuseControl answers a control request the access policy refuses.
func (k *Kit) refuseControl(w http.ResponseWriter) {
	msg := "the control API is off"
	if ControlAccess(k.access.Load()) == ControlLoopback {
		msg = "the control API answers clients on the same machine only (connect over loopback, or enable it for every client)"
	}
	controlError(w, http.StatusForbidden, msg)
}
