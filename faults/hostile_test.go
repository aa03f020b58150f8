package faults

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// noFollow is a client that returns redirects instead of following them.
func noFollow(srv *httptest.Server) *http.Client {
	c := *srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

func TestRedirect(t *testing.T) {
	inj, srv, handled := serve(t)
	var seen http.Header
	inj.Inject(Fault{Kind: Redirect, Status: http.StatusPermanentRedirect, Location: "http://other.example/",
		Observe: func(h http.Header) { seen = h }})
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/payment-tokens?x=1", strings.NewReader("card"))
	req.Header.Set("X-Api-Key", "k")
	resp, err := noFollow(srv).Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusPermanentRedirect, resp.StatusCode)
	assert.Equal(t, "http://other.example/payment-tokens?x=1", resp.Header.Get("Location"))
	assert.EqualValues(t, 0, handled.Load(), "the real handler does not run")
	assert.EqualValues(t, 1, inj.Injected())
	assert.Equal(t, "k", seen.Get("X-Api-Key"), "Observe sees the request's headers")

	inj.Clear()
	inj.Inject(Fault{Kind: Redirect})
	resp, err = noFollow(srv).Get(srv.URL + "/a")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusTemporaryRedirect, resp.StatusCode, "307 by default")
	assert.Equal(t, "/a", resp.Header.Get("Location"), "the same host by default")
}

func TestEcho(t *testing.T) {
	const key, body = "supersecretapikey", `{"cardNumber":"4111111111111111","cvv":"123"}`
	send := func(t *testing.T, f Fault) (*http.Response, string) {
		inj, srv, handled := serve(t)
		inj.Inject(f)
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/payment-tokens", strings.NewReader(body))
		req.Header.Set("X-Api-Key", key)
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		assert.EqualValues(t, 0, handled.Load())
		return resp, string(b)
	}
	t.Run("JSON", func(t *testing.T) {
		resp, out := send(t, Fault{Kind: Echo, Status: 401, EchoHeaders: []string{"Request-Id"}})
		assert.Equal(t, 401, resp.StatusCode)
		assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
		assert.Equal(t, key, resp.Header.Get("X-Api-Key"), "request headers come back as response headers")
		assert.Contains(t, resp.Header.Get("Request-Id"), "X-Api-Key: "+key)
		var v struct {
			ErrorType  string   `json:"error_type"`
			ErrorCodes []string `json:"error_codes"`
			Result     struct {
				Errors struct{ Reason string } `json:"errors"`
			} `json:"result"`
			Request struct {
				Body    string
				Body64  string `json:"body_base64"`
				Headers http.Header
			} `json:"request"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &v))
		for _, s := range []string{v.ErrorType, v.ErrorCodes[0], v.Result.Errors.Reason} {
			assert.Contains(t, s, "POST /payment-tokens")
			assert.Contains(t, s, "X-Api-Key: "+key)
			assert.Contains(t, s, body)
		}
		assert.Equal(t, body, v.Request.Body)
		assert.Equal(t, base64.StdEncoding.EncodeToString([]byte(body)), v.Request.Body64)
		assert.Equal(t, key, v.Request.Headers.Get("X-Api-Key"))
	})
	t.Run("HTML", func(t *testing.T) {
		resp, out := send(t, Fault{Kind: Echo, Status: 500, ContentType: "text/html"})
		assert.Equal(t, 500, resp.StatusCode)
		assert.Contains(t, out, "X-Api-Key: "+key)
		assert.Contains(t, out, `{&#34;cardNumber&#34;:&#34;4111111111111111&#34;`, "escaped like a template")
	})
	t.Run("Text", func(t *testing.T) {
		resp, out := send(t, Fault{Kind: Echo, ContentType: "text/plain"})
		assert.Equal(t, 400, resp.StatusCode, "400 by default")
		assert.Contains(t, out, "X-Api-Key: "+key)
		assert.True(t, strings.HasSuffix(out, "\n\n"+body))
	})
}
