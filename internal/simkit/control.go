package simkit

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
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

// WebhookSender is implemented by a Controller whose simulator pushes
// events (checkoutsim): MountControl then also serves /_sim/webhooks, so
// that a test in any language can register its receiver and make the
// deliveries misbehave as real senders do.
type WebhookSender interface {
	// Webhooks returns the simulator's sender.
	Webhooks() *Webhooks
	// SetWebhookKey changes the key later events are signed with, as a
	// rotation of the provider's signature key does.
	SetWebhookKey(key string)
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
//
// and, when c is a WebhookSender:
//
//	GET    /_sim/webhooks                the receiver and the delivery counters
//	POST   /_sim/webhooks                {"url", "duplicate", "key"}: register a receiver, send every event twice, sign with a new key
//	POST   /_sim/webhooks/hold           keep later events back
//	POST   /_sim/webhooks/release        {"newest_first"}: send the held events at once, optionally out of order
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
	if ws, ok := c.(WebhookSender); ok {
		k.mountWebhookControl(ws)
	}
}

// mountWebhookControl serves the webhook routes of a simulator that
// pushes events. A reset leaves them as they are: a test registers its
// receiver once and resets between cases.
func (k *Kit) mountWebhookControl(ws WebhookSender) {
	status := func(w http.ResponseWriter) {
		WriteJSON(w, http.StatusOK, "application/json", ws.Webhooks().Status())
	}
	k.controlRoute("GET "+ControlPrefix+"webhooks", "the webhook receiver and the delivery counters", func(w http.ResponseWriter, _ *http.Request) { status(w) })
	k.controlRoute("POST "+ControlPrefix+"webhooks", `register a webhook receiver and set the deliveries: {"url" ("" stops), "duplicate", "key"}`, func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			URL       *string `json:"url"`
			Duplicate *bool   `json:"duplicate"`
			Key       *string `json:"key"`
		}
		if err := decodeControl(r, &in); err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
		switch {
		case in.URL == nil && in.Duplicate == nil && in.Key == nil:
			controlError(w, http.StatusBadRequest, `give "url", "duplicate" or "key"`)
			return
		case in.URL != nil && *in.URL != "" && !isHTTPURL(*in.URL):
			controlError(w, http.StatusBadRequest, "url: want an absolute http or https URL")
			return
		case in.Key != nil && *in.Key == "":
			controlError(w, http.StatusBadRequest, "key: want a non-empty signature key")
			return
		}
		if in.URL != nil {
			ws.Webhooks().SendTo(*in.URL)
		}
		if in.Duplicate != nil {
			ws.Webhooks().Duplicate(*in.Duplicate)
		}
		if in.Key != nil {
			ws.SetWebhookKey(*in.Key)
		}
		status(w)
	})
	k.controlRoute("POST "+ControlPrefix+"webhooks/hold", "keep later webhook events back until released", func(w http.ResponseWriter, _ *http.Request) {
		ws.Webhooks().Hold()
		w.WriteHeader(http.StatusNoContent)
	})
	k.controlRoute("POST "+ControlPrefix+"webhooks/release", `send the held webhook events at once: {"newest_first"} sends them out of order`, func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			NewestFirst bool `json:"newest_first"`
		}
		if r.ContentLength != 0 {
			if err := decodeControl(r, &in); err != nil {
				controlError(w, http.StatusBadRequest, err.Error())
				return
			}
		}
		ws.Webhooks().Release(in.NewestFirst)
		w.WriteHeader(http.StatusNoContent)
	})
}

// isHTTPURL reports whether s is an absolute http or https URL.
func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
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
	Kind         string   `json:"kind"`
	Times        int      `json:"times,omitempty"`
	Method       string   `json:"method,omitempty"`
	PathPrefix   string   `json:"path_prefix,omitempty"`
	Status       int      `json:"status,omitempty"`
	Body         string   `json:"body,omitempty"`
	ContentType  string   `json:"content_type,omitempty"`
	RetryAfter   string   `json:"retry_after,omitempty"`
	Delay        string   `json:"delay,omitempty"`
	Size         int      `json:"size,omitempty"`
	AfterHandler bool     `json:"after_handler,omitempty"`
	Location     string   `json:"location,omitempty"`
	EchoHeaders  []string `json:"echo_headers,omitempty"`
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
		Size: in.Size, AfterHandler: in.AfterHandler, Location: in.Location, EchoHeaders: in.EchoHeaders,
	}
	switch {
	case in.Times < 0:
		return f, errors.New("times: want 0 (every request until cleared) or more")
	case in.PathPrefix != "" && !strings.HasPrefix(in.PathPrefix, "/"):
		return f, errors.New("path_prefix: want a path starting with /")
	case kind == faults.Status && (in.Status < 100 || in.Status > 599):
		return f, errors.New("status: a status fault needs an HTTP status from 100 to 599")
	case kind == faults.Redirect && in.Status != 0 && (in.Status < 300 || in.Status > 399):
		return f, errors.New("status: a redirect fault needs a 3xx status (307 when absent)")
	case kind == faults.Echo && in.Status != 0 && (in.Status < 100 || in.Status > 599):
		return f, errors.New("status: an echo fault needs an HTTP status from 100 to 599 (400 when absent)")
	case in.Location != "" && !strings.HasPrefix(in.Location, "http://") && !strings.HasPrefix(in.Location, "https://"):
		return f, errors.New("location: want an http(s) base URL, or nothing for the same host")
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
		Size: f.Size, AfterHandler: f.AfterHandler, Location: f.Location, EchoHeaders: f.EchoHeaders,
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
