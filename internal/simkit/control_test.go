package simkit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize/internal/simkit"
)

// fakeController records what the control API asked of it.
type fakeController struct {
	mu      sync.Mutex
	updates map[string]simkit.TokenUpdate
	resets  int
}

func (f *fakeController) UpdateNetworkToken(id string, u simkit.TokenUpdate) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case id == "missing":
		return fmt.Errorf("token %s: %w", id, simkit.ErrNotFound)
	case u.State == "melted":
		return fmt.Errorf("state %s: %w", u.State, simkit.ErrInvalid)
	}
	f.updates[id] = u
	return nil
}

func (f *fakeController) Reset() {
	f.mu.Lock()
	f.resets++
	f.mu.Unlock()
}

// controlled is a Kit with two API routes and the control API, served on
// loopback.
func controlled(t *testing.T, seed uint64) (*simkit.Kit, *fakeController, *simkit.Loopback) {
	t.Helper()
	k := simkit.New(simkit.Config{Rand: simkit.Seeded(seed)})
	k.HandleFunc("POST /tokens", func(w http.ResponseWriter, _ *http.Request) {
		simkit.WriteJSON(w, http.StatusCreated, "application/json", map[string]string{"id": k.Rand().Base32(8)})
	})
	k.HandleFunc("GET /tokens/{id}", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, r.PathValue("id")) })
	c := &fakeController{updates: map[string]simkit.TokenUpdate{}}
	k.MountControl(c)
	srv := simkit.Serve(k)
	t.Cleanup(srv.Close)
	return k, c, srv
}

// call sends a request with an optional JSON body and decodes a JSON
// answer into out when it is not nil.
func call(t *testing.T, method, url, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if out != nil {
		require.NoError(t, json.Unmarshal(b, out), string(b))
	}
	return resp.StatusCode
}

func TestControlCounters(t *testing.T) {
	_, _, srv := controlled(t, 1)
	call(t, "POST", srv.URL+"/tokens", "", nil)
	call(t, "POST", srv.URL+"/tokens", "", nil)
	call(t, "GET", srv.URL+"/tokens/x", "", nil)
	call(t, "GET", srv.URL+"/nowhere", "", nil)
	call(t, "DELETE", srv.URL+"/tokens/x", "", nil)

	var c struct {
		Requests int64            `json:"requests"`
		ByRoute  map[string]int64 `json:"by_route"`
		Faulted  int64            `json:"faulted"`
	}
	require.Equal(t, 200, call(t, "GET", srv.URL+"/_sim/counters", "", &c))
	assert.Equal(t, int64(5), c.Requests, "control requests are not counted")
	assert.Equal(t, map[string]int64{"POST /tokens": 2, "GET /tokens/{id}": 1, "unmatched": 2}, c.ByRoute)
}

// Every kind of the fault matrix can be armed for the next N requests or
// for a path, listed with its remaining uses, and cleared.
func TestControlFaults(t *testing.T) {
	k, _, srv := controlled(t, 1)
	var armed map[string]any
	require.Equal(t, 201, call(t, "POST", srv.URL+"/_sim/faults", `{"kind": "status", "status": 503, "body": "<html>down</html>", "content_type": "text/html", "times": 2, "method": "post", "path_prefix": "/tokens"}`, &armed))
	assert.Equal(t, "POST", armed["method"])

	assert.Equal(t, 200, call(t, "GET", srv.URL+"/tokens/x", "", nil), "another method is not faulted")
	assert.Equal(t, 503, call(t, "POST", srv.URL+"/tokens", "", nil))

	var list struct{ Faults []map[string]any }
	call(t, "GET", srv.URL+"/_sim/faults", "", &list)
	require.Len(t, list.Faults, 1)
	assert.Equal(t, float64(1), list.Faults[0]["times"], "one use left")

	assert.Equal(t, 503, call(t, "POST", srv.URL+"/tokens", "", nil))
	assert.Equal(t, 201, call(t, "POST", srv.URL+"/tokens", "", nil), "two uses, then gone")

	for _, body := range []string{
		`{"kind": "latency", "delay": "1ms"}`,
		`{"kind": "status", "status": 429, "retry_after": "1"}`,
		`{"kind": "reset"}`,
		`{"kind": "reset-mid-body"}`,
		`{"kind": "truncated"}`,
		`{"kind": "oversized", "size": 1048576}`,
		`{"kind": "wrong-content-type"}`,
		`{"kind": "stall", "path_prefix": "/never"}`,
		`{"kind": "status", "status": 500, "after_handler": true}`,
		`{"kind": "redirect", "status": 308, "location": "http://127.0.0.1:9/", "path_prefix": "/never"}`,
		`{"kind": "echo", "status": 401, "content_type": "text/html", "echo_headers": ["Request-Id"], "path_prefix": "/never"}`,
	} {
		assert.Equal(t, 201, call(t, "POST", srv.URL+"/_sim/faults", body, nil), body)
	}
	assert.Len(t, k.Faults().Armed(), 11)
	got := k.Faults().Armed()
	assert.Equal(t, "http://127.0.0.1:9/", got[9].Location)
	assert.Equal(t, []string{"Request-Id"}, got[10].EchoHeaders)
	assert.Equal(t, 204, call(t, "DELETE", srv.URL+"/_sim/faults", "", nil))
	assert.Empty(t, k.Faults().Armed())

	for _, body := range []string{
		`{"kind": "meltdown"}`,
		`{"kind": "status"}`,
		`{"kind": "status", "status": 600}`,
		`{"kind": "latency"}`,
		`{"kind": "latency", "delay": "soon"}`,
		`{"kind": "oversized"}`,
		`{"kind": "oversized", "size": 1000000000}`,
		`{"kind": "reset", "times": -1}`,
		`{"kind": "reset", "path_prefix": "tokens"}`,
		`{"kind": "reset", "tiems": 1}`,
		`{"kind": "redirect", "status": 200}`,
		`{"kind": "redirect", "location": "ftp://x"}`,
		`{"kind": "echo", "status": 700}`,
		`{"kind": `,
	} {
		var e struct{ Error string }
		assert.Equal(t, 400, call(t, "POST", srv.URL+"/_sim/faults", body, &e), body)
		assert.NotEmpty(t, e.Error, body)
	}
	assert.Empty(t, k.Faults().Armed(), "nothing armed by a refused request")
}

func TestControlNetworkTokenUpdate(t *testing.T) {
	_, c, srv := controlled(t, 1)
	assert.Equal(t, 204, call(t, "POST", srv.URL+"/_sim/network-tokens/nt_1", `{"state": "suspended", "expiry_month": 1, "expiry_year": 2031}`, nil))
	assert.Equal(t, simkit.TokenUpdate{State: "suspended", ExpiryMonth: 1, ExpiryYear: 2031}, c.updates["nt_1"])

	var e struct{ Error string }
	assert.Equal(t, 404, call(t, "POST", srv.URL+"/_sim/network-tokens/missing", `{"state": "active"}`, &e))
	assert.Contains(t, e.Error, "missing")
	assert.Equal(t, 400, call(t, "POST", srv.URL+"/_sim/network-tokens/nt_1", `{"state": "melted"}`, nil))
	assert.Equal(t, 400, call(t, "POST", srv.URL+"/_sim/network-tokens/nt_1", `{}`, nil), "a change of nothing")
	assert.Equal(t, 400, call(t, "POST", srv.URL+"/_sim/network-tokens/nt_1", `{"status": "active"}`, nil), "a misspelt field")
	assert.Equal(t, 405, call(t, "GET", srv.URL+"/_sim/network-tokens/nt_1", "", nil))
}

// Reset forgets the simulator's state, disarms faults, zeroes counters
// and, with a seed, starts the ids over.
func TestControlReset(t *testing.T) {
	k, c, srv := controlled(t, 42)
	var first, again map[string]string
	call(t, "POST", srv.URL+"/tokens", "", &first)
	call(t, "POST", srv.URL+"/_sim/faults", `{"kind": "reset", "path_prefix": "/elsewhere"}`, nil)

	require.Equal(t, 204, call(t, "POST", srv.URL+"/_sim/reset", "", nil))
	assert.Equal(t, 1, c.resets)
	assert.Empty(t, k.Faults().Armed())
	var counters struct {
		Requests int64            `json:"requests"`
		ByRoute  map[string]int64 `json:"by_route"`
	}
	call(t, "GET", srv.URL+"/_sim/counters", "", &counters)
	assert.Zero(t, counters.Requests)
	assert.Empty(t, counters.ByRoute)

	call(t, "POST", srv.URL+"/tokens", "", &again)
	assert.Equal(t, first["id"], again["id"], "the seeded ids start over")
}

func TestControlIndex(t *testing.T) {
	_, _, srv := controlled(t, 1)
	var idx struct {
		Routes []struct{ Route, Description string }
	}
	require.Equal(t, 200, call(t, "GET", srv.URL+"/_sim/", "", &idx))
	var routes []string
	for _, r := range idx.Routes {
		routes = append(routes, r.Route)
		assert.NotEmpty(t, r.Description, r.Route)
	}
	assert.Contains(t, routes, "POST /_sim/faults")
	assert.Contains(t, routes, "POST /_sim/network-tokens/{id}")
}

// By default only clients on the same machine get in: a request that
// arrives on any other address is refused, whatever the server listens
// on. Open lets everyone in, Off no one.
func TestControlAccess(t *testing.T) {
	k, _, srv := controlled(t, 1)
	assert.Equal(t, 200, call(t, "GET", srv.URL+"/_sim/counters", "", nil), "loopback is let in")

	remote := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/_sim/counters", nil)
		ctx := context.WithValue(req.Context(), http.LocalAddrContextKey, &net.TCPAddr{IP: net.IPv4(192, 0, 2, 10), Port: 8080})
		rec := httptest.NewRecorder()
		k.ServeHTTP(rec, req.WithContext(ctx))
		return rec
	}
	rec := remote()
	assert.Equal(t, 403, rec.Code)
	assert.Contains(t, rec.Body.String(), "same machine")

	k.SetControlAccess(simkit.ControlOpen)
	assert.Equal(t, 200, remote().Code)

	k.SetControlAccess(simkit.ControlOff)
	assert.Equal(t, 403, call(t, "GET", srv.URL+"/_sim/counters", "", nil))
	assert.Equal(t, 201, call(t, "POST", srv.URL+"/tokens", "", nil), "the API is unaffected")
	assert.Equal(t, "off", simkit.ControlOff.String())
}

// pushing is a Controller whose simulator pushes an event for every
// change, signed with its current key.
type pushing struct {
	*fakeController
	hooks *simkit.Webhooks
	mu    sync.Mutex
	key   string
}

func (p *pushing) UpdateNetworkToken(id string, u simkit.TokenUpdate) error {
	if err := p.fakeController.UpdateNetworkToken(id, u); err != nil {
		return err
	}
	p.hooks.Send([]byte(`{"id":"` + id + `","state":"` + u.State + `"}`))
	return nil
}
func (p *pushing) Webhooks() *simkit.Webhooks { return p.hooks }
func (p *pushing) SetWebhookKey(key string) {
	p.mu.Lock()
	p.key = key
	p.mu.Unlock()
}

// The webhook routes let a test register its receiver and make the
// deliveries duplicate, wait and arrive out of order.
func TestControlWebhooks(t *testing.T) {
	p := &pushing{fakeController: &fakeController{updates: map[string]simkit.TokenUpdate{}}, key: "k1"}
	p.hooks = simkit.NewWebhooks(func([]byte) http.Header {
		p.mu.Lock()
		defer p.mu.Unlock()
		return http.Header{"Signed-With": {p.key}}
	}, nil)
	t.Cleanup(p.hooks.Close)
	k := simkit.New(simkit.Config{})
	k.MountControl(p)
	srv := simkit.Serve(k)
	t.Cleanup(srv.Close)

	var (
		mu       sync.Mutex
		received []string
	)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		received = append(received, r.Header.Get("Signed-With")+" "+string(b))
		mu.Unlock()
	}))
	t.Cleanup(recv.Close)
	got := func() []string {
		require.NoError(t, p.hooks.Wait(context.Background()))
		mu.Lock()
		defer mu.Unlock()
		out := received
		received = nil
		return out
	}
	change := func(id, state string) {
		require.Equal(t, 204, call(t, "POST", srv.URL+"/_sim/network-tokens/"+id, `{"state": "`+state+`"}`, nil))
	}

	var st simkit.WebhookStatus
	require.Equal(t, 200, call(t, "POST", srv.URL+"/_sim/webhooks", `{"url": "`+recv.URL+`"}`, &st))
	assert.Equal(t, recv.URL, st.URL)
	change("nt_1", "suspended")
	assert.Equal(t, []string{`k1 {"id":"nt_1","state":"suspended"}`}, got())

	call(t, "POST", srv.URL+"/_sim/webhooks", `{"duplicate": true, "key": "k2"}`, nil)
	change("nt_1", "active")
	assert.Equal(t, []string{`k2 {"id":"nt_1","state":"active"}`, `k2 {"id":"nt_1","state":"active"}`}, got())
	call(t, "POST", srv.URL+"/_sim/webhooks", `{"duplicate": false}`, nil)

	require.Equal(t, 204, call(t, "POST", srv.URL+"/_sim/webhooks/hold", "", nil))
	change("nt_1", "suspended")
	change("nt_2", "suspended")
	assert.Empty(t, got(), "held back")
	call(t, "GET", srv.URL+"/_sim/webhooks", "", &st)
	assert.True(t, st.Hold)
	assert.Equal(t, 2, st.Pending)
	require.Equal(t, 204, call(t, "POST", srv.URL+"/_sim/webhooks/release", `{"newest_first": true}`, nil))
	assert.Equal(t, []string{`k2 {"id":"nt_2","state":"suspended"}`, `k2 {"id":"nt_1","state":"suspended"}`}, got(), "newest first")

	call(t, "GET", srv.URL+"/_sim/webhooks", "", &st)
	assert.Equal(t, int64(5), st.Delivered)
	assert.Zero(t, st.Pending)

	for _, body := range []string{`{}`, `{"url": "ftp://x"}`, `{"url": "/relative"}`, `{"key": ""}`, `{"urll": "http://x"}`} {
		assert.Equal(t, 400, call(t, "POST", srv.URL+"/_sim/webhooks", body, nil), body)
	}
	require.Equal(t, 200, call(t, "POST", srv.URL+"/_sim/webhooks", `{"url": ""}`, &st))
	change("nt_1", "active")
	assert.Empty(t, got(), `"url": "" stops sending`)
}

// A simulator that pushes nothing has no webhook routes.
func TestControlWithoutWebhooks(t *testing.T) {
	_, _, srv := controlled(t, 1)
	assert.Equal(t, 404, call(t, "GET", srv.URL+"/_sim/webhooks", "", nil))
}
