package faults

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const realBody = `{"id":"tok_123","state":"active","number":"4242"}`

// serve starts an Injector-wrapped handler that counts how often the real
// handler ran.
func serve(t *testing.T) (*Injector, *httptest.Server, *atomic.Int64) {
	t.Helper()
	var handled atomic.Int64
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handled.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cko-Request-Id", "req-1")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, realBody)
	})
	inj := New()
	srv := httptest.NewServer(inj.Wrap(api))
	t.Cleanup(srv.Close)
	return inj, srv, &handled
}

func get(t *testing.T, srv *httptest.Server, path string, timeout time.Duration) (*http.Response, []byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+path, nil)
	resp, err := srv.Client().Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func TestNoFaultPassesThrough(t *testing.T) {
	inj, srv, handled := serve(t)
	resp, body, err := get(t, srv, "/x", time.Second)
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Equal(t, realBody, string(body))
	assert.EqualValues(t, 1, handled.Load())
	assert.EqualValues(t, 1, inj.Requests())
	assert.EqualValues(t, 0, inj.Injected())
}

func TestStatusFault(t *testing.T) {
	inj, srv, handled := serve(t)
	inj.Inject(Fault{Kind: Status, Status: 503, Body: "<html>down</html>", ContentType: "text/html", RetryAfter: "2", Times: 1})
	resp, body, err := get(t, srv, "/x", time.Second)
	require.NoError(t, err)
	assert.Equal(t, 503, resp.StatusCode)
	assert.Equal(t, "<html>down</html>", string(body))
	assert.Equal(t, "text/html", resp.Header.Get("Content-Type"))
	assert.Equal(t, "2", resp.Header.Get("Retry-After"))
	assert.EqualValues(t, 0, handled.Load(), "the request must not reach the real handler")

	// Times: 1 is used up; the next request is served normally.
	resp, _, err = get(t, srv, "/x", time.Second)
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.EqualValues(t, 2, inj.Requests())
	assert.EqualValues(t, 1, inj.Injected())
}

func TestAfterHandlerRunsTheRealHandler(t *testing.T) {
	inj, srv, handled := serve(t)
	inj.Inject(Fault{Kind: Status, Status: 504, AfterHandler: true})
	resp, _, err := get(t, srv, "/x", time.Second)
	require.NoError(t, err)
	assert.Equal(t, 504, resp.StatusCode)
	assert.EqualValues(t, 1, handled.Load(), "the request took effect, only the answer was lost")

	inj.Clear()
	inj.Inject(Fault{Kind: Reset, AfterHandler: true})
	_, _, err = get(t, srv, "/x", time.Second)
	require.Error(t, err)
	assert.EqualValues(t, 2, handled.Load())
}

func TestResetFaults(t *testing.T) {
	inj, srv, handled := serve(t)
	inj.Inject(Fault{Kind: Reset, Times: 1})
	_, _, err := get(t, srv, "/x", time.Second)
	require.Error(t, err, "a reset connection must fail the request")
	assert.EqualValues(t, 0, handled.Load())

	inj.Inject(Fault{Kind: ResetMidBody, Times: 1})
	resp, body, err := get(t, srv, "/x", time.Second)
	require.NotNil(t, resp, "headers arrive before the reset")
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	require.Error(t, err, "reading the body must fail")
	assert.Less(t, len(body), len(realBody))
}

func TestTruncatedAndWrongContentType(t *testing.T) {
	inj, srv, _ := serve(t)
	inj.Inject(Fault{Kind: Truncated, Times: 1})
	resp, body, err := get(t, srv, "/x", time.Second)
	require.NoError(t, err, "a truncated body is complete at the HTTP level")
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Equal(t, realBody[:len(realBody)/2], string(body))
	assert.Equal(t, "req-1", resp.Header.Get("Cko-Request-Id"), "real headers are kept")

	inj.Inject(Fault{Kind: WrongContentType, Times: 1})
	resp, body, err = get(t, srv, "/x", time.Second)
	require.NoError(t, err)
	assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Equal(t, realBody, string(body))
}

func TestOversized(t *testing.T) {
	inj, srv, _ := serve(t)
	inj.Inject(Fault{Kind: Oversized, Size: 2 << 20})
	resp, body, err := get(t, srv, "/x", 5*time.Second)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Len(t, body, 2<<20)
	assert.Equal(t, byte('{'), body[0])
}

func TestLatencyAndStall(t *testing.T) {
	inj, srv, _ := serve(t)
	inj.Inject(Fault{Kind: Latency, Delay: 80 * time.Millisecond, Times: 1})
	start := time.Now()
	resp, _, err := get(t, srv, "/x", time.Second)
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.GreaterOrEqual(t, time.Since(start), 80*time.Millisecond)

	inj.Inject(Fault{Kind: Stall, Times: 1})
	start = time.Now()
	_, _, err = get(t, srv, "/x", 100*time.Millisecond)
	require.Error(t, err, "a stalled response never completes")
	assert.Less(t, time.Since(start), time.Second)
}

func TestMatching(t *testing.T) {
	inj, srv, _ := serve(t)
	inj.Inject(Fault{Kind: Status, Status: 500, PathPrefix: "/network-tokens", Method: "POST"})
	resp, _, err := get(t, srv, "/instruments", time.Second)
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, resp.StatusCode, "other paths are not affected")
	resp, _, err = get(t, srv, "/network-tokens/nt_1", time.Second)
	require.NoError(t, err)
	assert.Equal(t, 500, resp.StatusCode)
	resp, _, err = get(t, srv, "/network-tokens/nt_1", time.Second)
	require.NoError(t, err)
	assert.Equal(t, 500, resp.StatusCode, "Times 0 means until Clear")
	inj.Clear()
	resp, _, err = get(t, srv, "/network-tokens/nt_1", time.Second)
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
}

func TestKindString(t *testing.T) {
	assert.Equal(t, "reset-mid-body", ResetMidBody.String())
	assert.Equal(t, "Kind(99)", Kind(99).String())
}

// A 204 has no body to cut: Truncated and ResetMidBody pass it through and
// count it as inapplicable, not injected.
func TestCutFaultsInapplicableToEmptyBody(t *testing.T) {
	for _, kind := range []Kind{Truncated, ResetMidBody} {
		t.Run(kind.String(), func(t *testing.T) {
			inj := New()
			srv := httptest.NewServer(inj.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Cko-Request-Id", "req-204")
				w.WriteHeader(http.StatusNoContent)
			})))
			t.Cleanup(srv.Close)
			inj.Inject(Fault{Kind: kind, Times: 1})
			resp, body, err := get(t, srv, "/x", time.Second)
			require.NoError(t, err)
			assert.Equal(t, http.StatusNoContent, resp.StatusCode)
			assert.Equal(t, "req-204", resp.Header.Get("Cko-Request-Id"))
			assert.Empty(t, body)
			assert.EqualValues(t, 0, inj.Injected())
			assert.EqualValues(t, 1, inj.Inapplicable())
		})
	}
}

func TestKindNamesRoundTrip(t *testing.T) {
	for _, k := range Kinds() {
		got, err := ParseKind(k.String())
		require.NoError(t, err)
		assert.Equal(t, k, got)
	}
	_, err := ParseKind("Reset")
	assert.Error(t, err, "names are exact")
	assert.Len(t, Kinds(), int(Echo), "every kind, and Echo the last")
}

func TestArmedReportsRemainingUses(t *testing.T) {
	inj := New()
	h := inj.Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	inj.Inject(Fault{Kind: Status, Status: 503, Times: 2, PathPrefix: "/a"})
	inj.Inject(Fault{Kind: Latency, Delay: time.Millisecond})
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/a", nil))
	armed := inj.Armed()
	require.Len(t, armed, 2)
	assert.Equal(t, 1, armed[0].Times)
	assert.Equal(t, "/a", armed[0].PathPrefix)
	assert.Equal(t, 0, armed[1].Times, "until Clear")
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/a", nil))
	assert.Len(t, inj.Armed(), 1, "a fault used up is disarmed")
	inj.Clear()
	assert.Empty(t, inj.Armed())
}
