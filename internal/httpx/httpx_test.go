package httpx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

func TestCheckBaseURL(t *testing.T) {
	cases := []struct {
		raw      string
		insecure bool
		want     string // "" means refused
		why      string
	}{
		{"https://api.nuvei.com", false, "https://api.nuvei.com", ""},
		{"https://api.nuvei.com/", false, "https://api.nuvei.com", ""},
		{"https://api.example/v1///", false, "https://api.example/v1", ""},
		{"https://api.example:8443/base", false, "https://api.example:8443/base", ""},
		{"http://127.0.0.1:8080", false, "http://127.0.0.1:8080", ""},
		{"http://localhost:1234/", false, "http://localhost:1234", ""},
		{"http://LOCALHOST", false, "http://LOCALHOST", ""},
		{"http://[::1]:9000", false, "http://[::1]:9000", ""},
		{"http://127.1.2.3", false, "http://127.1.2.3", ""},
		{"http://api.example", false, "", "https"},
		{"http://10.0.0.1", false, "", "https"},
		{"http://localhost.evil.example", false, "", "https"},
		{"http://api.example", true, "http://api.example", ""},
		{"https://user:pass@api.example", false, "", "credentials"},
		{"https://user@api.example", false, "", "credentials"},
		{"https://api.example?x=1", false, "", "query"},
		{"https://api.example/#frag", false, "", "fragment"},
		{"https://api.example?", false, "", "query"},
		{"https://api.example/v1?", false, "", "query"},
		{"https://api.example#", false, "", "fragment"},
		{"https://api.example:99999", false, "", "port"},
		{"https://api.example:0", false, "", "port"},
		{"https://api.example:65535", false, "https://api.example:65535", ""},
		{"ftp://api.example", false, "", "absolute"},
		{"api.example", false, "", "absolute"},
		{"/relative", false, "", "absolute"},
		{"", false, "", "absolute"},
		{"https://", false, "", "absolute"},
		{"https://api.example/%zz", false, "", "absolute"},
		{"://bad", false, "", "absolute"},
	}
	for _, tc := range cases {
		t.Run(tc.raw, func(t *testing.T) {
			got, err := CheckBaseURL("base_url", tc.raw, tc.insecure)
			if tc.want != "" {
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
				return
			}
			var te *tokenize.Error
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tokenize.InvalidArgument, te.Code)
			assert.Equal(t, "settings.base_url", te.Field)
			assert.Contains(t, te.Message, tc.why)
			assert.NotContains(t, te.Error(), "pass", "the URL is never quoted")
		})
	}
}

// newClient returns a Client using NewHTTPClient whose idle connections
// are closed when the test ends, so that goleak sees no goroutine left.
func newClient(t *testing.T) *Client {
	t.Helper()
	hc := NewHTTPClient()
	t.Cleanup(hc.CloseIdleConnections)
	return &Client{HTTP: hc, RequestIDHeader: "X-Request-Id"}
}

func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func requireCode(t *testing.T, err error, code tokenize.Code) *tokenize.Error {
	t.Helper()
	var te *tokenize.Error
	require.ErrorAs(t, err, &te)
	require.Equal(t, code, te.Code, "%v", err)
	return te
}

func TestDoSuccess(t *testing.T) {
	var gotUA, gotBody, gotHeader string
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		gotUA = r.UserAgent()
		gotHeader = r.Header.Get("X-Api-Key")
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
		w.Header().Set("X-Request-Id", "req-7")
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(201)
		_, _ = io.WriteString(w, `{"id":"tok"}`)
	})
	c := newClient(t)
	req := Request{Method: http.MethodPost, URL: srv.URL + "/tokens", Body: []byte(`{"a":1}`),
		Header: http.Header{"X-Api-Key": {"k"}}}
	for range 2 { // a Request can be sent again, body included
		resp, err := c.Do(context.Background(), req)
		require.NoError(t, err)
		assert.Equal(t, 201, resp.Status)
		assert.Equal(t, "req-7", resp.RequestID)
		assert.Equal(t, `{"id":"tok"}`, string(resp.Body))
		assert.Equal(t, `{"a":1}`, gotBody)
		assert.Equal(t, UserAgent, gotUA)
		assert.Equal(t, "k", gotHeader)
		var v struct{ ID string }
		require.Nil(t, DecodeJSON(resp, &v))
		assert.Equal(t, "tok", v.ID)
	}
}

func TestDoRedirectIsNotFollowed(t *testing.T) {
	var hits int
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		hits++
		http.Redirect(w, r, "/elsewhere", http.StatusTemporaryRedirect)
	})
	resp, err := newClient(t).Do(context.Background(), Request{Method: http.MethodPost, URL: srv.URL, Body: []byte("card")})
	require.NoError(t, err)
	assert.Equal(t, http.StatusTemporaryRedirect, resp.Status)
	assert.Equal(t, 1, hits, "the POST body is not resent to the redirect target")
	e := StatusError(resp)
	assert.Equal(t, tokenize.Internal, e.Code)
	assert.True(t, e.OutcomeUnknown, "the redirected create may have been carried out")
	assert.False(t, e.Retryable)
}

func TestDoBodyCap(t *testing.T) {
	const limit = 1000
	for _, tc := range []struct {
		name       string
		size       int
		status     int
		idempotent bool
		ok         bool
		unknown    bool
	}{
		{"exactly the limit", limit, 200, false, true, false},
		{"limit plus one, create", limit + 1, 200, false, false, true},
		{"limit plus one, read", limit + 1, 200, true, false, false},
		{"limit plus one, client error", limit + 1, 400, false, false, false},
		{"much larger, chunked", 10 * limit, 200, false, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Request-Id", "req-big")
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(strings.Repeat("a", tc.size)))
			})
			c := newClient(t)
			c.MaxBodyBytes = limit
			resp, err := c.Do(context.Background(), Request{Method: http.MethodPost, URL: srv.URL, Idempotent: tc.idempotent})
			if tc.ok {
				require.NoError(t, err)
				assert.Len(t, resp.Body, tc.size)
				return
			}
			assert.Nil(t, resp)
			te := requireCode(t, err, tokenize.Internal)
			assert.Equal(t, tc.status, te.HTTPStatus)
			assert.Equal(t, "req-big", te.RequestID)
			assert.Contains(t, te.Message, "exceeds 1000 bytes")
			assert.Equal(t, tc.unknown, te.OutcomeUnknown)
			assert.False(t, te.Retryable)
		})
	}
	assert.Equal(t, int64(0), (&Client{}).MaxBodyBytes, "zero means DefaultMaxBodyBytes")
}

func TestDoDefaultBodyCap(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(make([]byte, DefaultMaxBodyBytes+1))
	})
	_, err := newClient(t).Do(context.Background(), Request{Method: http.MethodGet, URL: srv.URL, Idempotent: true})
	requireCode(t, err, tokenize.Internal)
}

// hijack takes over the connection of a request, after the request has
// been read in full.
func hijack(t *testing.T, w http.ResponseWriter, r *http.Request) net.Conn {
	_, _ = io.Copy(io.Discard, r.Body)
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return nil
	}
	return conn
}

// reset closes conn with a TCP RST rather than a FIN.
func reset(conn net.Conn) {
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func TestDoTruncatedBody(t *testing.T) {
	for _, tc := range []struct {
		name       string
		status     int
		idempotent bool
		retryable  bool
		unknown    bool
	}{
		{"create", 201, false, false, true},
		{"read", 200, true, true, false},
		{"client error", 400, false, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				conn := hijack(t, w, r)
				if conn == nil {
					return
				}
				// Content-Length promises 100 bytes; 10 arrive.
				fmt.Fprintf(conn, "HTTP/1.1 %d %s\r\nContent-Length: 100\r\nX-Request-Id: req-t\r\n\r\n{\"id\":\"to", tc.status, http.StatusText(tc.status))
				_ = conn.Close()
			})
			resp, err := newClient(t).Do(context.Background(), Request{Method: http.MethodPost, URL: srv.URL, Idempotent: tc.idempotent})
			assert.Nil(t, resp)
			te := requireCode(t, err, tokenize.Unavailable)
			assert.Contains(t, te.Message, "truncated")
			assert.Equal(t, tc.status, te.HTTPStatus)
			assert.Equal(t, "req-t", te.RequestID)
			assert.Equal(t, tc.retryable, te.Retryable)
			assert.Equal(t, tc.unknown, te.OutcomeUnknown)
		})
	}
}

func TestDoConnectionFailures(t *testing.T) {
	closedURL := func(t *testing.T) string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := l.Addr().String()
		require.NoError(t, l.Close())
		return "http://" + addr
	}
	resetBeforeHeaders := func(t *testing.T) string {
		return serve(t, func(w http.ResponseWriter, r *http.Request) {
			if conn := hijack(t, w, r); conn != nil {
				reset(conn)
			}
		}).URL
	}
	closeBeforeHeaders := func(t *testing.T) string {
		return serve(t, func(w http.ResponseWriter, r *http.Request) {
			if conn := hijack(t, w, r); conn != nil {
				_ = conn.Close()
			}
		}).URL
	}
	resetAfterHeaders := func(t *testing.T) string {
		return serve(t, func(w http.ResponseWriter, r *http.Request) {
			conn := hijack(t, w, r)
			if conn == nil {
				return
			}
			_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{\"id\":")
			time.Sleep(10 * time.Millisecond)
			reset(conn)
		}).URL
	}
	for _, tc := range []struct {
		name        string
		url         func(*testing.T) string
		idempotent  bool
		retryable   bool
		unknown     bool
		wantMessage string
	}{
		{"refused, create: never sent", closedURL, false, true, false, "cannot reach"},
		{"refused, read", closedURL, true, true, false, "cannot reach"},
		{"reset before response headers, create", resetBeforeHeaders, false, false, true, "cannot reach"},
		{"reset before response headers, read", resetBeforeHeaders, true, true, false, "cannot reach"},
		{"closed before response headers, create", closeBeforeHeaders, false, false, true, "cannot reach"},
		{"closed before response headers, read", closeBeforeHeaders, true, true, false, "cannot reach"},
		{"reset after response headers, create", resetAfterHeaders, false, false, true, "truncated"},
		{"reset after response headers, read", resetAfterHeaders, true, true, false, "truncated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			method := http.MethodPost
			if tc.idempotent {
				method = http.MethodDelete
			}
			resp, err := newClient(t).Do(context.Background(), Request{Method: method, URL: tc.url(t), Body: []byte(`{}`), Idempotent: tc.idempotent})
			assert.Nil(t, resp)
			te := requireCode(t, err, tokenize.Unavailable)
			assert.Equal(t, tc.retryable, te.Retryable, "Retryable: %v", err)
			assert.Equal(t, tc.unknown, te.OutcomeUnknown, "OutcomeUnknown: %v", err)
			assert.Contains(t, te.Message, tc.wantMessage)
			assert.NotContains(t, te.Message, "http://", "the URL is not repeated")
			assert.Error(t, errors.Unwrap(te), "the transport error is kept as the cause")
		})
	}
}

func TestDoContext(t *testing.T) {
	release := make(chan struct{})
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release)
	c := newClient(t)

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(30*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Do(ctx, Request{Method: http.MethodPost, URL: srv.URL, Body: []byte("x")})
	assert.Less(t, time.Since(start), 2*time.Second)
	te := requireCode(t, err, tokenize.Canceled)
	assert.False(t, te.Retryable)
	assert.True(t, te.OutcomeUnknown, "the create was sent before the cancel")
	assert.ErrorIs(t, err, context.Canceled)

	dctx, dcancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer dcancel()
	_, err = c.Do(dctx, Request{Method: http.MethodGet, URL: srv.URL, Idempotent: true})
	te = requireCode(t, err, tokenize.DeadlineExceeded)
	assert.False(t, te.OutcomeUnknown)
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	// Already canceled: nothing is sent, so the outcome is known.
	cctx, ccancel := context.WithCancel(context.Background())
	ccancel()
	_, err = c.Do(cctx, Request{Method: http.MethodPost, URL: srv.URL})
	te = requireCode(t, err, tokenize.Canceled)
	assert.False(t, te.OutcomeUnknown)

	// A request that cannot be built.
	_, err = c.Do(context.Background(), Request{Method: "BAD METHOD", URL: srv.URL})
	requireCode(t, err, tokenize.Internal)
}

func TestDoClientTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release)
	c := newClient(t)
	c.HTTP.Timeout = 30 * time.Millisecond
	_, err := c.Do(context.Background(), Request{Method: http.MethodGet, URL: srv.URL, Idempotent: true})
	te := requireCode(t, err, tokenize.DeadlineExceeded)
	assert.True(t, te.Retryable, "a read that timed out may be repeated")
	_, err = c.Do(context.Background(), Request{Method: http.MethodPost, URL: srv.URL})
	te = requireCode(t, err, tokenize.DeadlineExceeded)
	assert.False(t, te.Retryable)
	assert.True(t, te.OutcomeUnknown)
}

func TestStatusError(t *testing.T) {
	type want struct {
		code                 tokenize.Code
		retryRead, retryPost bool
		unknownPost          bool
	}
	table := map[int]want{
		100: {code: tokenize.Internal},
		200: {code: tokenize.Internal},
		204: {code: tokenize.Internal},
		301: {code: tokenize.Internal, unknownPost: true},
		302: {code: tokenize.Internal, unknownPost: true},
		303: {code: tokenize.Internal, unknownPost: true},
		304: {code: tokenize.Internal, unknownPost: true},
		400: {code: tokenize.InvalidArgument},
		401: {code: tokenize.Unauthenticated},
		402: {code: tokenize.Unknown},
		403: {code: tokenize.PermissionDenied},
		404: {code: tokenize.NotFound},
		405: {code: tokenize.Unknown},
		408: {code: tokenize.Unavailable, retryRead: true, retryPost: true},
		409: {code: tokenize.FailedPrecondition},
		410: {code: tokenize.NotFound},
		412: {code: tokenize.FailedPrecondition},
		413: {code: tokenize.InvalidArgument},
		418: {code: tokenize.Unknown},
		422: {code: tokenize.InvalidArgument},
		429: {code: tokenize.RateLimited, retryRead: true, retryPost: true},
		499: {code: tokenize.Unknown},
		500: {code: tokenize.Internal, retryRead: true, unknownPost: true},
		501: {code: tokenize.Unsupported},
		502: {code: tokenize.Unavailable, retryRead: true, unknownPost: true},
		503: {code: tokenize.Unavailable, retryRead: true, unknownPost: true},
		504: {code: tokenize.Unavailable, retryRead: true, unknownPost: true},
		520: {code: tokenize.Unavailable, retryRead: true, unknownPost: true},
		599: {code: tokenize.Unavailable, retryRead: true, unknownPost: true},
	}
	for status, w := range table {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			for _, idem := range []bool{true, false} {
				e := StatusError(&Response{Status: status, Header: http.Header{}, RequestID: "r", Idempotent: idem})
				assert.Equal(t, w.code, e.Code)
				assert.Equal(t, status, e.HTTPStatus)
				assert.Equal(t, "r", e.RequestID)
				assert.NotEmpty(t, e.Message)
				if idem {
					assert.Equal(t, w.retryRead, e.Retryable)
					assert.False(t, e.OutcomeUnknown)
				} else {
					assert.Equal(t, w.retryPost, e.Retryable)
					assert.Equal(t, w.unknownPost, e.OutcomeUnknown)
				}
				assert.False(t, e.Retryable && e.OutcomeUnknown, "never both")
			}
		})
	}
	e := StatusError(&Response{Status: 429, Header: http.Header{"Retry-After": {"7"}}})
	assert.Equal(t, 7*time.Second, e.RetryAfter)
	e = StatusError(&Response{Status: 503, Header: http.Header{"Retry-After": {"2"}}})
	assert.Equal(t, 2*time.Second, e.RetryAfter)
	e = StatusError(&Response{Status: 400, Header: http.Header{"Retry-After": {"2"}}})
	assert.Zero(t, e.RetryAfter)
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
	h := func(v string) http.Header { return http.Header{"Retry-After": {v}} }
	assert.Equal(t, time.Duration(0), RetryAfter(http.Header{}, now))
	assert.Equal(t, 3*time.Second, RetryAfter(h("3"), now))
	assert.Equal(t, 3*time.Second, RetryAfter(h(" 3 "), now))
	assert.Equal(t, time.Duration(0), RetryAfter(h("0"), now))
	assert.Equal(t, time.Duration(0), RetryAfter(h("-5"), now))
	assert.Equal(t, time.Hour, RetryAfter(h("86400"), now), "capped at one hour")
	assert.Equal(t, 90*time.Second, RetryAfter(h(now.Add(90*time.Second).Format(http.TimeFormat)), now))
	assert.Equal(t, 90*time.Second, RetryAfter(h("Mon, 15 Jun 2026 12:01:30 GMT"), now))
	assert.Equal(t, 90*time.Second, RetryAfter(h("Monday, 15-Jun-26 12:01:30 GMT"), now), "RFC 850")
	assert.Equal(t, time.Duration(0), RetryAfter(h(now.Add(-time.Minute).Format(http.TimeFormat)), now), "a past date")
	assert.Equal(t, time.Hour, RetryAfter(h(now.Add(48*time.Hour).Format(http.TimeFormat)), now))
	assert.Equal(t, time.Duration(0), RetryAfter(h("soon"), now))
	assert.Equal(t, time.Duration(0), RetryAfter(h("1.5"), now))
	assert.Equal(t, time.Duration(0), RetryAfter(h("99999999999999999999"), now))
}

func TestDecodeJSON(t *testing.T) {
	type target struct {
		ID    string `json:"id"`
		Count int    `json:"count"`
	}
	for _, tc := range []struct {
		name, body, why string
	}{
		{"ok", `{"id":"x","count":2}`, ""},
		{"ok with spaces", " \n{\"id\":\"x\"}\n", ""},
		{"empty", ``, "empty"},
		{"whitespace", " \n\t", "empty"},
		{"html", `<html><body>502 Bad Gateway</body></html>`, "not a JSON object"},
		{"array", `[{"id":"x"}]`, "not a JSON object"},
		{"string", `"x"`, "not a JSON object"},
		{"null", `null`, "not a JSON object"},
		{"number", `42`, "not a JSON object"},
		{"truncated", `{"id":"x","cou`, "malformed"},
		{"garbage after", `{"id":"x"} trailing`, "malformed"},
		{"wrong type", `{"count":"two"}`, "field count has the wrong type"},
		{"binary", "\x00\x01\x02", "not a JSON object"},
		{"bom", "\xef\xbb\xbf{\"id\":\"x\"}", "not a JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, idem := range []bool{true, false} {
				var v target
				e := DecodeJSON(&Response{Status: 200, Body: []byte(tc.body), RequestID: "r", Idempotent: idem}, &v)
				if tc.why == "" {
					require.Nil(t, e)
					assert.Equal(t, "x", v.ID)
					continue
				}
				require.NotNil(t, e, "garbage must never decode as success")
				assert.Equal(t, tokenize.Internal, e.Code)
				assert.Contains(t, e.Message, tc.why)
				assert.Equal(t, 200, e.HTTPStatus)
				assert.Equal(t, "r", e.RequestID)
				assert.Equal(t, idem, e.Retryable)
				assert.Equal(t, !idem, e.OutcomeUnknown)
				assert.NotContains(t, e.Message, "502 Bad Gateway", "the body is not quoted")
			}
		})
	}
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "127.0.0.1": true, "::1": true, "127.255.0.1": true,
		"10.0.0.1": false, "example.com": false, "": false, "0.0.0.0": false, "localhost.": false,
	} {
		assert.Equal(t, want, IsLoopback(host), host)
	}
}

func TestNewHTTPClient(t *testing.T) {
	hc := NewHTTPClient()
	defer hc.CloseIdleConnections()
	tr, ok := hc.Transport.(*http.Transport)
	require.True(t, ok)
	assert.Equal(t, uint16(0x0303), tr.TLSClientConfig.MinVersion, "TLS 1.2 minimum")
	assert.Equal(t, 64, tr.MaxIdleConnsPerHost)
	assert.Zero(t, hc.Timeout, "per-call limits come from the context")
	assert.NotNil(t, hc.CheckRedirect)
}

func TestRequestAndResponseDoNotPrintSecrets(t *testing.T) {
	const key, pan, cryptogram = "sk_live_abcdef0123456789", "4111111111111111", "AgAAAAAABk4DWZ4C28yUQAAAAAA="
	req := Request{Method: "POST", URL: "https://api.example/tokens", Header: http.Header{"Authorization": {"Bearer " + key}},
		Body: []byte(`{"number":"` + pan + `"}`)}
	resp := &Response{Status: 201, Header: http.Header{"Set-Cookie": {key}}, RequestID: "r1",
		Body: []byte(`{"dpan":"` + pan + `","cryptogram":"` + cryptogram + `"}`)}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		for _, out := range []string{fmt.Sprintf(verb, req), fmt.Sprintf(verb, &req), fmt.Sprintf(verb, resp), fmt.Sprintf(verb, *resp),
			fmt.Sprintf(verb, struct {
				R Request
				P *Response
			}{req, resp})} {
			for _, s := range []string{key, pan, cryptogram, "4111", "Bearer"} {
				assert.NotContains(t, out, s, verb)
			}
		}
	}
	assert.Equal(t, "POST https://api.example/tokens (29 bytes)", fmt.Sprint(req))
	assert.Equal(t, "HTTP 201 (71 bytes, request id r1)", fmt.Sprint(resp))
}
