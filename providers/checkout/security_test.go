package checkout_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
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
