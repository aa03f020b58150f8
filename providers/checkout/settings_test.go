package checkout

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/httpx"
)

func openJSON(t *testing.T, js string) (*provider, error) {
	t.Helper()
	p, err := open(ctx, json.RawMessage(js), tokenize.OpenOptions{})
	if err != nil {
		return nil, err
	}
	return p.(*provider), nil
}

func TestSettingsDefaults(t *testing.T) {
	p, err := openJSON(t, `{"client_id":"cli_vkuhvk4vjn2edkps7dfsq6emqm","client_secret":"s","public_key":"pk_sbox_x"}`)
	require.NoError(t, err)
	assert.Equal(t, "https://vkuhvk4v.api.sandbox.checkout.com", p.baseURL, "the {prefix} comes from the client id")
	assert.Equal(t, "https://vkuhvk4v.access.sandbox.checkout.com/connect/token", p.tokenURL)
	assert.Zero(t, p.timeout)
	assert.True(t, p.caps.SupportsPaymentMethod(tokenize.KindCard))
	assert.True(t, p.caps.ProvisionIsIdempotent)

	p, err = openJSON(t, `{"environment":"production","client_id":"cli_vkuhvk4vjn2edkps7dfsq6emqm","client_secret":"s"}`)
	require.NoError(t, err)
	assert.Equal(t, "https://vkuhvk4v.api.checkout.com", p.baseURL)
	assert.Equal(t, "https://vkuhvk4v.access.checkout.com/connect/token", p.tokenURL)
	assert.False(t, p.caps.SupportsPaymentMethod(tokenize.KindCard), "no public key, no raw cards")
	assert.True(t, p.caps.SupportsPaymentMethod(tokenize.KindBankAccount))

	p, err = openJSON(t, `{"client_id":"ack_legacyaccesskey","client_secret":"s"}`)
	require.NoError(t, err)
	assert.Equal(t, "https://api.sandbox.checkout.com", p.baseURL, "other client ids use the classic hosts")
	assert.Equal(t, "https://access.sandbox.checkout.com/connect/token", p.tokenURL)

	p, err = openJSON(t, `{"client_id":"cli_x","client_secret":"s","base_url":"http://127.0.0.1:8080/","token_url":"https://auth.example/connect/token","timeout":"5s","secret_key":"sk_sbox_y"}`)
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:8080", p.baseURL)
	assert.Equal(t, "https://auth.example/connect/token", p.tokenURL)
	assert.Equal(t, 5*time.Second, p.timeout)

	tr := &http.Transport{}
	hc := &http.Client{Transport: tr}
	pp, err := open(ctx, json.RawMessage(`{"client_id":"cli_x","client_secret":"s"}`), tokenize.OpenOptions{HTTPClient: hc})
	require.NoError(t, err)
	used := pp.(*provider).http.HTTP
	assert.Same(t, tr, used.Transport, "OpenOptions.HTTPClient's transport is used")
	assert.NotNil(t, used.CheckRedirect, "redirects are refused")
	assert.Nil(t, hc.CheckRedirect, "the caller's client is not modified")
}

func TestSettingsErrors(t *testing.T) {
	for _, tc := range []struct {
		js, field string
	}{
		{`{}`, "settings.client_id"},
		{`{"client_id":"cli_x"}`, "settings.client_secret"},
		{`{"client_id":"cli x","client_secret":"s"}`, "settings.client_id"},
		{`{"client_id":"cli_x","client_secret":"s","environment":"live"}`, "settings.environment"},
		{`{"client_id":"cli_x","client_secret":"s","public_key":"sk_sbox_oops"}`, "settings.public_key"},
		{`{"client_id":"cli_x","client_secret":"s","secret_key":"pk_sbox_oops"}`, "settings.secret_key"},
		{`{"client_id":"cli_x","client_secret":"s","base_url":"http://api.example"}`, "settings.base_url"},
		{`{"client_id":"cli_x","client_secret":"s","base_url":"https://u:p@api.example"}`, "settings.base_url"},
		{`{"client_id":"cli_x","client_secret":"s","token_url":"ftp://x"}`, "settings.token_url"},
		{`{"client_id":"cli_x","client_secret":"s","timeout":30}`, "settings.timeout"},
		{`{"client_id":"cli_x","client_secret":"s","timeout":"-1s"}`, "settings.timeout"},
		{`{"client_id":"cli_x","client_secret":"s","api_key":"x"}`, "settings.api_key"},
		{`{"client_id":"cli_x","client_secret":7}`, "settings.client_secret"},
	} {
		t.Run(tc.field, func(t *testing.T) {
			_, err := openJSON(t, tc.js)
			var te *tokenize.Error
			require.ErrorAs(t, err, &te, tc.js)
			assert.Equal(t, tokenize.InvalidArgument, te.Code)
			assert.Equal(t, tc.field, te.Field, tc.js)
			assert.NotContains(t, te.Error(), "oops")
		})
	}
	_, err := openJSON(t, `{"client_id":"cli_x","client_secret":"s","base_url":"http://api.example","allow_insecure_http":true}`)
	assert.NoError(t, err, "allow_insecure_http permits plain http")
}

func TestSettingsOpenByName(t *testing.T) {
	c, err := tokenize.Open(ctx, tokenize.Config{Provider: "checkout", Settings: json.RawMessage(`{"client_id":"cli_x","client_secret":"s","public_key":"pk_x"}`)})
	require.NoError(t, err)
	assert.Equal(t, "checkout", c.Provider())
	assert.Contains(t, tokenize.Providers(), "checkout")
}

func TestDecodeAccessToken(t *testing.T) {
	w, err := decodeAccessToken(&httpx.Response{Status: 200, Body: []byte(researchAccessToken)})
	require.NoError(t, err)
	assert.Equal(t, "eyJhbGciOiJSUzI1NiJ9.e30.sig", w.AccessToken)
	assert.Equal(t, int64(3600), w.ExpiresIn)
	for _, bad := range []string{``, `{}`, `{"access_token":"x","token_type":"mac"}`, `{"access_token":"x","expires_in":-1}`, `[]`} {
		_, err := decodeAccessToken(&httpx.Response{Status: 200, Body: []byte(bad)})
		assert.Error(t, err, bad)
	}
}

func TestFieldOf(t *testing.T) {
	assert.Equal(t, tokenize.FieldCardNumber, FieldOf([]string{"card_number_invalid"}))
	assert.Equal(t, tokenize.FieldCardExpiryMonth, FieldOf([]string{"card_expiry_month_invalid"}))
	assert.Equal(t, tokenize.FieldCardExpiryYear, FieldOf([]string{"unknown_code", "card_expired"}))
	assert.Equal(t, tokenize.FieldCardCVV, FieldOf([]string{"CVV_INVALID"}))
	assert.Equal(t, "", FieldOf([]string{"currency_required"}))
	assert.Equal(t, "", FieldOf(nil))
	for code, field := range fieldOfCode {
		assert.NotEmpty(t, field, code)
	}
}

func TestSettingsPrintRedacted(t *testing.T) {
	s := Settings{ClientID: "cli_x", ClientSecret: "the-client-secret", PublicKey: "pk_the_public", SecretKey: "sk_the_secret"}
	for _, out := range []string{fmt.Sprintf("%v", s), fmt.Sprintf("%+v", s), fmt.Sprintf("%#v", s)} {
		for _, secret := range []string{"the-client-secret", "pk_the_public", "sk_the_secret"} {
			assert.NotContains(t, out, secret)
		}
	}
	p, err := newProvider(s, nil)
	require.NoError(t, err)
	var asProvider tokenize.Provider = p
	out := fmt.Sprintf("%v %+v %#v %s %q", p, p, p, asProvider, asProvider)
	for _, secret := range []string{"the-client-secret", "pk_the_public", "sk_the_secret"} {
		assert.NotContains(t, out, secret)
	}
	assert.Contains(t, out, "cli_x")
}

// A failed open returns a nil Provider interface, not an interface holding
// a nil *provider (which is != nil and panics on use).
func TestOpenErrorReturnsNilInterface(t *testing.T) {
	p, err := open(ctx, json.RawMessage(`{"client_secret":"s"}`), tokenize.OpenOptions{})
	require.Error(t, err)
	assert.True(t, p == nil, "typed nil *provider in a non-nil interface")
}
