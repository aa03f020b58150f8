package nuvei_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

// reportedKey is the credential of the reported leaks.
const reportedKey = "supersecretapikey"

var reportedCard = tokenize.Card{Number: "4111111111111111", ExpiryMonth: 12, ExpiryYear: 2031, CVV: "123"}

func hostileConfig(t *testing.T, base string) tokenize.Config {
	t.Helper()
	b, err := json.Marshal(map[string]string{"base_url": base, "api_key": reportedKey, "processing_entity_id": "entity-1"})
	require.NoError(t, err)
	return tokenize.Config{Provider: "nuvei", Settings: b}
}

// TestRedirectWithCallersClientSendsNothingElsewhere reproduces the
// reported leak: with WithHTTPClient(&http.Client{}), a 307 to another
// host made the adapter resend the create, x-api-key, card number and CVV
// included. Now the redirect is the answer, and the other host receives
// nothing.
func TestRedirectWithCallersClientSendsNothingElsewhere(t *testing.T) {
	t.Cleanup(http.DefaultTransport.(*http.Transport).CloseIdleConnections)
	var received atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		received.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	t.Cleanup(other.Close)
	hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(hostile.Close)

	callers := &http.Client{}
	c, err := tokenize.Open(context.Background(), hostileConfig(t, hostile.URL), tokenize.WithHTTPClient(callers))
	require.NoError(t, err)
	_, err = c.CreatePaymentToken(context.Background(), tokenize.CreatePaymentTokenRequest{Card: &reportedCard})
	var te *tokenize.Error
	require.ErrorAs(t, err, &te)
	assert.Equal(t, tokenize.Internal, te.Code)
	assert.Equal(t, http.StatusTemporaryRedirect, te.HTTPStatus)
	assert.True(t, te.OutcomeUnknown, "a redirected create may have been carried out")
	assert.Zero(t, received.Load(), "the redirect target received the request")
	assert.Nil(t, callers.CheckRedirect, "the caller's client was modified")
}

// TestOpenRefusesWeakTLS: a caller's transport allowing TLS below 1.2 is
// refused at Open, with an error naming the problem.
func TestOpenRefusesWeakTLS(t *testing.T) {
	weak := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS10}}}
	_, err := tokenize.Open(context.Background(), hostileConfig(t, "https://nuvei.example"), tokenize.WithHTTPClient(weak))
	var te *tokenize.Error
	require.ErrorAs(t, err, &te)
	assert.Equal(t, tokenize.InvalidArgument, te.Code)
	assert.Equal(t, "http_client", te.Field)
	assert.Contains(t, te.Error(), "MinVersion")
}

// TestEchoedAPIKeyNeverReachesAnError reproduces the reported leak: a 400
// whose body repeats the x-api-key value put it verbatim into err.Error()
// and ProviderBody(), while the card number and CVV beside it were masked.
// The key is now removed by value wherever the answer carries it, with
// digits or without, in JSON, HTML or text, under any status.
func TestEchoedAPIKeyNeverReachesAnError(t *testing.T) {
	const reported = `{"result":{"status":"error","errors":{"code":"5000.1000","reason":"bad request … key supersecretapikey"}}}`
	for keyName, key := range map[string]string{"Key": reportedKey, "KeyWithDigits": "supersecret0123456789apikey"} {
		for _, tc := range []struct {
			name, contentType string
			status            int
			body              func(r *http.Request, reqBody string) string
		}{
			{"Reported400", "application/json", 400, func(*http.Request, string) string {
				return strings.ReplaceAll(reported, reportedKey, key)
			}},
			{"ReasonEchoesRequest200", "application/json", 200, func(r *http.Request, b string) string {
				reason, _ := json.Marshal("key " + r.Header.Get("X-Api-Key") + " request " + b)
				return `{"result":{"status":"error","errors":{"code":"5000.1000","reason":` + string(reason) + `}},"echo":` + b + `}`
			}},
			{"HTML500", "text/html", 500, func(r *http.Request, b string) string {
				return "<html><pre>x-api-key: " + html.EscapeString(r.Header.Get("X-Api-Key")) + "\n" + html.EscapeString(b) + "</pre></html>"
			}},
			{"Text401", "text/plain", 401, func(r *http.Request, b string) string {
				return "unauthorized key=" + url.QueryEscape(r.Header.Get("X-Api-Key")) + " " + b
			}},
		} {
			t.Run(keyName+"/"+tc.name, func(t *testing.T) {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					b, _ := io.ReadAll(r.Body)
					w.Header().Set("Content-Type", tc.contentType)
					w.WriteHeader(tc.status)
					_, _ = io.WriteString(w, tc.body(r, string(b)))
				}))
				t.Cleanup(srv.Close)
				cfg := hostileConfig(t, srv.URL)
				cfg.Settings = settingsWith(t, cfg.Settings, "api_key", key)
				c, err := tokenize.Open(context.Background(), cfg)
				require.NoError(t, err)
				_, err = c.CreatePaymentToken(context.Background(), tokenize.CreatePaymentTokenRequest{Card: &reportedCard})
				var te *tokenize.Error
				require.ErrorAs(t, err, &te)
				out := fmt.Sprintf("%v|%+v|%#v|%s|%q|", err, err, err, err, err) + string(te.ProviderBody())
				js, _ := json.Marshal(te)
				out += string(js)
				for _, leak := range []string{"supersecret", "apikey", reportedCard.Number.Reveal(), `"123"`, " 123 "} {
					assert.NotContains(t, out, leak)
				}
				if tc.status == 400 {
					assert.Contains(t, string(te.ProviderBody()), "[REDACTED]", "the body is kept, redacted")
					assert.Equal(t, "bad request … key [REDACTED]", te.Message)
				}
			})
		}
	}
}
