package nuvei_test

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
