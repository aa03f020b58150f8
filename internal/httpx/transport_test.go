package httpx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

// target is a server that must never be reached: it counts connections
// and requests.
type target struct {
	*httptest.Server
	conns, requests atomic.Int64
}

func newTarget(t *testing.T, tlsOn bool) *target {
	t.Helper()
	tg := &target{}
	tg.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tg.requests.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	}))
	tg.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			tg.conns.Add(1)
		}
	}
	if tlsOn {
		tg.StartTLS()
	} else {
		tg.Start()
	}
	t.Cleanup(tg.Close)
	return tg
}

var redirectStatuses = []int{
	http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
	http.StatusTemporaryRedirect, http.StatusPermanentRedirect,
}

// TestNewClientNeverFollowsRedirects: whatever *http.Client the caller
// passes, a redirect of any kind, to this host or another, over http or
// https, is returned to the adapter, and nothing reaches the target.
func TestNewClientNeverFollowsRedirects(t *testing.T) {
	t.Cleanup(http.DefaultTransport.(*http.Transport).CloseIdleConnections)
	other, otherTLS := newTarget(t, false), newTarget(t, true)
	// The caller's client trusts otherTLS, so only our refusal can keep
	// the request from reaching it.
	trusting := otherTLS.Client()
	t.Cleanup(trusting.CloseIdleConnections)
	followAll := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}

	callers := []struct {
		name string
		hc   *http.Client
	}{
		{"Default", nil},
		{"Plain", &http.Client{}},
		{"FollowsEverything", followAll},
		{"TrustsTarget", trusting},
	}
	for _, status := range redirectStatuses {
		for _, caller := range callers {
			for _, dest := range []struct {
				name string
				tg   *target // nil: the same host
			}{{"OtherHost", other}, {"OtherHostHTTPS", otherTLS}, {"SameHost", nil}} {
				t.Run(strconv.Itoa(status)+"/"+caller.name+"/"+dest.name, func(t *testing.T) {
					var hits atomic.Int64
					srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
						hits.Add(1)
						loc := "/elsewhere"
						if dest.tg != nil {
							loc = dest.tg.URL + "/payment-tokens"
						}
						w.Header().Set("Location", loc)
						w.WriteHeader(status)
					})
					c, err := NewClient(caller.hc)
					require.NoError(t, err)
					t.Cleanup(c.HTTP.CloseIdleConnections)
					resp, err := c.Do(context.Background(), Request{Method: http.MethodPost, URL: srv.URL + "/payment-tokens",
						Header: http.Header{"X-Api-Key": {"supersecretapikey"}}, Body: []byte(`{"cardNumber":"4111111111111111"}`)})
					require.NoError(t, err)
					assert.Equal(t, status, resp.Status, "the redirect itself is the answer")
					assert.Equal(t, int64(1), hits.Load(), "sent once, not again to the same host")
					if dest.tg != nil {
						assert.Zero(t, dest.tg.requests.Load(), "the redirect target received a request")
						assert.Zero(t, dest.tg.conns.Load(), "the redirect target received a connection")
					}
					e := StatusError(resp)
					assert.Equal(t, tokenize.Internal, e.Code)
					assert.Equal(t, "unexpected redirect", e.Message)
					assert.True(t, e.OutcomeUnknown, "a redirected create may have been carried out")
				})
			}
		}
	}
}

// TestNewClientDoesNotModifyTheCallersClient: the caller's client keeps
// its own CheckRedirect; ours shares its transport (and so its pool).
func TestNewClientDoesNotModifyTheCallersClient(t *testing.T) {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	jar := &nopJar{}
	hc := &http.Client{Transport: tr, Jar: jar, Timeout: 7}
	c, err := NewClient(hc)
	require.NoError(t, err)
	assert.Nil(t, hc.CheckRedirect, "the caller's CheckRedirect was set")
	assert.NotSame(t, hc, c.HTTP)
	assert.Same(t, tr, c.HTTP.Transport, "the caller's transport, and its connection pool, are used")
	assert.Same(t, jar, c.HTTP.Jar)
	assert.Equal(t, hc.Timeout, c.HTTP.Timeout)
	require.NotNil(t, c.HTTP.CheckRedirect)
	assert.ErrorIs(t, c.HTTP.CheckRedirect(nil, nil), http.ErrUseLastResponse)

	own := func(*http.Request, []*http.Request) error { return nil }
	hc2 := &http.Client{CheckRedirect: own}
	_, err = NewClient(hc2)
	require.NoError(t, err)
	assert.NoError(t, hc2.CheckRedirect(nil, nil), "the caller's own CheckRedirect is kept for the caller")
}

type nopJar struct{}

func (*nopJar) SetCookies(*url.URL, []*http.Cookie) {}
func (*nopJar) Cookies(*url.URL) []*http.Cookie     { return nil }

func TestNewClientDefault(t *testing.T) {
	c, err := NewClient(nil)
	require.NoError(t, err)
	t.Cleanup(c.HTTP.CloseIdleConnections)
	tr, ok := c.HTTP.Transport.(*http.Transport)
	require.True(t, ok)
	assert.Equal(t, uint16(MinTLSVersion), tr.TLSClientConfig.MinVersion)
	assert.ErrorIs(t, c.HTTP.CheckRedirect(nil, nil), http.ErrUseLastResponse)
}

type wrapped struct{ http.RoundTripper }

func TestCheckTLS(t *testing.T) {
	verify := func(tls.ConnectionState) error { return nil }
	verifyPeer := func([][]byte, [][]*x509.Certificate) error { return nil }
	cases := []struct {
		name string
		rt   http.RoundTripper
		why  string // "" means accepted
	}{
		{"nil (DefaultTransport)", nil, ""},
		{"no TLS config", &http.Transport{}, ""},
		{"zero MinVersion (Go's default, 1.2)", &http.Transport{TLSClientConfig: &tls.Config{}}, ""},
		{"TLS 1.2", &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12}}, ""},
		{"TLS 1.3", &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS13}}, ""},
		{"TLS 1.0 minimum", &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS10}}, "MinVersion"},
		{"TLS 1.1 minimum", &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS11}}, "MinVersion"},
		{"TLS 1.1 maximum", &http.Transport{TLSClientConfig: &tls.Config{MaxVersion: tls.VersionTLS11}}, "MaxVersion"},
		{"no verification", &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, "InsecureSkipVerify"},
		{"own verification (connection)", &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true, VerifyConnection: verify}}, ""},
		{"own verification (peer)", &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true, VerifyPeerCertificate: verifyPeer}}, ""},
		// Not inspectable: the caller answers for what is inside.
		{"wrapped", wrapped{&http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS10}}}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckTLS(tc.rt)
			if tc.why == "" {
				assert.NoError(t, err)
				_, err = NewClient(&http.Client{Transport: tc.rt})
				assert.NoError(t, err)
				return
			}
			var te *tokenize.Error
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tokenize.InvalidArgument, te.Code)
			assert.Equal(t, FieldHTTPClient, te.Field)
			assert.Contains(t, te.Message, tc.why)
			assert.Contains(t, te.Message, "WithHTTPClient")
			_, err = NewClient(&http.Client{Transport: tc.rt})
			assert.ErrorAs(t, err, &te, "NewClient applies CheckTLS")
		})
	}
}

func TestCheckTLSInspectsAnAlteredDefaultTransport(t *testing.T) {
	saved := http.DefaultTransport
	t.Cleanup(func() { http.DefaultTransport = saved })
	http.DefaultTransport = &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS10}}
	_, err := NewClient(&http.Client{})
	var te *tokenize.Error
	require.ErrorAs(t, err, &te)
	assert.Equal(t, FieldHTTPClient, te.Field)
}

// A request id that echoes a credential is dropped before it is reported
// to the Client (which logs it) or to the adapter.
func TestDoDropsARequestIDHoldingACredential(t *testing.T) {
	const key = "supersecretapikey"
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req-"+r.Header.Get("X-Api-Key"))
		w.WriteHeader(http.StatusBadRequest)
	})
	c := newClient(t)
	c.Secrets.Add(key)
	resp, err := c.Do(context.Background(), Request{Method: http.MethodGet, URL: srv.URL, Header: http.Header{"X-Api-Key": {key}}})
	require.NoError(t, err)
	assert.Empty(t, resp.RequestID)

	resp, err = newClient(t).Do(context.Background(), Request{Method: http.MethodGet, URL: srv.URL, Header: http.Header{"X-Api-Key": {"other"}}})
	require.NoError(t, err)
	assert.Equal(t, "req-other", resp.RequestID, "an ordinary request id is kept")
}

// Response.Scrub and KeptBody remove the Client's credentials first, then
// the request's values, then card numbers: a credential holding a
// card-number-like run is not split by the masking.
func TestResponseScrubRemovesCredentialsFirst(t *testing.T) {
	const key = "key-4111111111111111-tail"
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		basic := r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, "bad key "+key+", auth "+basic+", cvv 9180, card 5555555555554444")
	})
	c := newClient(t)
	c.Secrets.Add("cli_client", key)
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte("cli_client:"+key))
	resp, err := c.Do(context.Background(), Request{Method: http.MethodPost, URL: srv.URL, Body: []byte("x"),
		Header: http.Header{"Authorization": {auth}}, Sensitive: []string{"9180"}})
	require.NoError(t, err)
	for _, out := range []string{resp.Scrub(string(resp.Body)), string(resp.KeptBody(nil))} {
		assert.Equal(t, "bad key [REDACTED], auth Basic [REDACTED], cvv [REDACTED], card 555555******4444", out)
	}
}

// A server that echoes the request's body base64-encoded (as a gateway
// passes a body on) keeps none of the request's card values in the text an
// adapter copies into an error, nor in the kept body.
func TestResponseScrubRemovesBase64EchoedRequestValues(t *testing.T) {
	const pan, tok = "4111111111111111", "tok_ubfj2q76miwundwlk72vxt2i7q"
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"message":"bad request","body_base64":"`+base64.StdEncoding.EncodeToString(b)+`"}`)
	})
	body := []byte(`{"number":"` + pan + `","token":"` + tok + `"}`)
	resp, err := newClient(t).Do(context.Background(), Request{Method: http.MethodPost, URL: srv.URL,
		Body: body, Sensitive: []string{pan, tok}})
	require.NoError(t, err)
	require.Contains(t, string(resp.Body), base64.StdEncoding.EncodeToString(body))
	for _, out := range []string{resp.Scrub(string(resp.Body)), string(resp.KeptBody(nil))} {
		var echo struct {
			Message string `json:"message"`
			Body64  string `json:"body_base64"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &echo), out)
		assert.Equal(t, "bad request", echo.Message)
		decoded, _ := base64.StdEncoding.DecodeString(echo.Body64)
		for _, v := range []string{pan, tok} {
			assert.NotContains(t, string(decoded), v, out)
		}
	}
}
