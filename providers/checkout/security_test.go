package checkout_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

const (
	hostileSecret      = "supersecretclientsecret"
	hostileAccessToken = "at_supersecretaccesstoken"
)

func hostileConfig(t *testing.T, base string) tokenize.Config {
	t.Helper()
	b, err := json.Marshal(map[string]string{"client_id": "cli_hostile", "client_secret": hostileSecret,
		"public_key": "pk_sbox_supersecretpublickey", "base_url": base, "token_url": base + "/connect/token"})
	require.NoError(t, err)
	return tokenize.Config{Provider: "checkout", Settings: b}
}

// TestRedirectWithCallersClientSendsNothingElsewhere: with a caller's
// plain *http.Client, neither the access-token request nor an API request
// follows a redirect to another host.
func TestRedirectWithCallersClientSendsNothingElsewhere(t *testing.T) {
	t.Cleanup(http.DefaultTransport.(*http.Transport).CloseIdleConnections)
	var received atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		received.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	t.Cleanup(other.Close)
	for _, redirectToken := range []bool{true, false} {
		name := "APIRequest"
		if redirectToken {
			name = "TokenEndpoint"
		}
		t.Run(name, func(t *testing.T) {
			hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/connect/token" && !redirectToken {
					w.Header().Set("Content-Type", "application/json")
					_, _ = io.WriteString(w, `{"access_token":"`+hostileAccessToken+`","token_type":"Bearer","expires_in":3600}`)
					return
				}
				http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
			}))
			t.Cleanup(hostile.Close)
			callers := &http.Client{}
			c, err := tokenize.Open(context.Background(), hostileConfig(t, hostile.URL), tokenize.WithHTTPClient(callers))
			require.NoError(t, err)
			_, err = c.GetNetworkToken(context.Background(), "nt_aaaaaaaaaaaaaaaaaaaaaaaaaa")
			var te *tokenize.Error
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tokenize.Internal, te.Code, "%v", err)
			assert.Equal(t, http.StatusTemporaryRedirect, te.HTTPStatus)
			assert.Zero(t, received.Load(), "the redirect target received a request")
			assert.Nil(t, callers.CheckRedirect, "the caller's client was modified")
		})
	}
}

// TestOpenRefusesWeakTLS: a caller's transport allowing TLS below 1.2, or
// skipping certificate verification, is refused at Open.
func TestOpenRefusesWeakTLS(t *testing.T) {
	for why, cfg := range map[string]*tls.Config{
		"MinVersion":         {MinVersion: tls.VersionTLS11},
		"InsecureSkipVerify": {InsecureSkipVerify: true},
	} {
		weak := &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}
		_, err := tokenize.Open(context.Background(), hostileConfig(t, "https://checkout.example"), tokenize.WithHTTPClient(weak))
		var te *tokenize.Error
		require.ErrorAs(t, err, &te, why)
		assert.Equal(t, tokenize.InvalidArgument, te.Code)
		assert.Equal(t, "http_client", te.Field)
		assert.Contains(t, te.Error(), why)
	}
}

var hostileCard = tokenize.Card{Number: "4242424242424242", ExpiryMonth: 12, ExpiryYear: 2031, CVV: "9180"}

// hostileCredentials are every credential of hostileConfig, and the access
// token the hostile server hands out.
var hostileCredentials = []string{"cli_hostile", hostileSecret, "pk_sbox_supersecretpublickey", hostileAccessToken}

// echo is a request as a hostile server repeats it: headers and body.
func echo(r *http.Request) string {
	b, _ := io.ReadAll(r.Body)
	var sb strings.Builder
	_ = r.Header.Write(&sb)
	return sb.String() + "\n" + string(b)
}

// TestEchoedCredentialsNeverReachAnError: whatever the token endpoint or
// the API echoes (the Basic credential, the bearer access token, the
// public key), in the body, the error codes, the request id or the
// granted scopes, no credential reaches the error, its kept body or the
// debug log.
func TestEchoedCredentialsNeverReachAnError(t *testing.T) {
	jsonText := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	cases := []struct {
		name    string
		handler func(w http.ResponseWriter, r *http.Request)
		call    func(c *tokenize.Client) error
	}{
		{"TokenEndpoint401", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error":`+jsonText(r.Header.Get("Authorization"))+`,"echo":`+jsonText(echo(r))+`}`)
		}, getNetworkToken},
		{"TokenEndpointHTML", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, "<pre>"+html.EscapeString(echo(r))+"</pre>")
		}, getNetworkToken},
		{"API400", withToken(func(w http.ResponseWriter, r *http.Request) {
			auth := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			w.Header().Set("Cko-Request-Id", auth)
			w.WriteHeader(http.StatusUnprocessableEntity)
			_, _ = io.WriteString(w, `{"request_id":`+jsonText(auth)+`,"error_type":`+jsonText(auth)+
				`,"error_codes":[`+jsonText(hostileSecret)+`,"card_number_invalid"],"echo":`+jsonText(echo(r))+`}`)
		}), createCard},
		{"API500Text", withToken(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, echo(r))
		}), getNetworkToken},
		{"ScopesEchoCredentials403", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/connect/token" {
				_, _ = io.WriteString(w, `{"access_token":"`+hostileAccessToken+`","token_type":"Bearer","expires_in":3600,"scope":"vault:network-tokens `+hostileSecret+` `+hostileAccessToken+`"}`)
				return
			}
			w.WriteHeader(http.StatusForbidden)
		}, getNetworkToken},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(tc.handler))
			t.Cleanup(srv.Close)
			var logs bytes.Buffer
			c, err := tokenize.Open(context.Background(), hostileConfig(t, srv.URL),
				tokenize.WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
				tokenize.WithRetryPolicy(tokenize.RetryPolicy{}))
			require.NoError(t, err)
			err = tc.call(c)
			var te *tokenize.Error
			require.ErrorAs(t, err, &te)
			js, _ := json.Marshal(te)
			out := fmt.Sprintf("%v|%+v|%#v|%q|", err, err, err, err) + string(te.ProviderBody()) + string(js) + logs.String()
			for _, leak := range append(hostileCredentials, hostileCard.Number.Reveal(), "supersecret", "9180") {
				assert.NotContains(t, out, leak)
			}
			assert.NotContains(t, out, basicOf(), "the Basic credential")
		})
	}
}

func basicOf() string {
	return base64.StdEncoding.EncodeToString([]byte("cli_hostile:" + hostileSecret))
}

// withToken answers the token endpoint with hostileAccessToken and every
// other request with h.
func withToken(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/connect/token" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"access_token":"`+hostileAccessToken+`","token_type":"Bearer","expires_in":3600}`)
			return
		}
		h(w, r)
	}
}

func getNetworkToken(c *tokenize.Client) error {
	_, err := c.GetNetworkToken(context.Background(), "nt_aaaaaaaaaaaaaaaaaaaaaaaaaa")
	return err
}

func createCard(c *tokenize.Client) error {
	card := hostileCard
	_, err := c.CreatePaymentToken(context.Background(), tokenize.CreatePaymentTokenRequest{Card: &card})
	return err
}
