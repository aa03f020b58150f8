package checkout

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

// The adapter is what tokenize.Client.WebhookHandler uses.
var _ tokenize.WebhookParser = (*provider)(nil)

// researchWebhook is the network_token_update example (research §10).
const researchWebhook = `{
  "id": "evt_a5bfgfrn5mgeloyqfyxxdnkrjq",
  "type": "network_token_update",
  "version": "1.0.0",
  "created_on": "2025-02-27T16:34:45.7630616Z",
  "data": {
    "scheme": "visa",
    "card": { "last_four": "4321", "expiry_month": 2, "expiry_year": 2025 },
    "network_token": {
      "id": "nt_karvk3vpkvfppmn7jjzbfnsawa",
      "state": "active",
      "expiry_month": 7,
      "expiry_year": 2050,
      "payment_account_reference": "asd123"
    }
  },
  "_links": { "self": { "href": "https://flow.cko-qa.ckotech.co/workflows/events/evt_a5bfgfrn5mgeloyqfyxxdnkrjq" } }
}`

const (
	webhookKey     = "whsec-current-key"
	webhookNextKey = "whsec-next-key"
)

func sign(body, key string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(body))
	return hex.EncodeToString(m.Sum(nil))
}

func signed(body, key string) http.Header { return http.Header{SignatureHeader: {sign(body, key)}} }

func webhookProvider(t testing.TB, keys ...string) *provider {
	t.Helper()
	secrets := make([]tokenize.Secret, len(keys))
	for i, k := range keys {
		secrets[i] = tokenize.Secret(k)
	}
	p, err := newProvider(Settings{ClientID: "cli_x", ClientSecret: "s", WebhookSecrets: secrets}, nil)
	require.NoError(t, err)
	return p
}

func TestParseWebhook(t *testing.T) {
	p := webhookProvider(t, webhookKey, webhookNextKey)
	require.True(t, p.Capabilities().Webhooks)
	at := time.Date(2025, 2, 27, 16, 34, 45, 763061600, time.UTC)
	for _, key := range []string{webhookKey, webhookNextKey} {
		events, err := p.ParseWebhook(signed(researchWebhook, key), []byte(researchWebhook))
		require.NoError(t, err, "either key of a rotation verifies")
		require.Len(t, events, 1)
		ev := events[0]
		assert.Equal(t, "evt_a5bfgfrn5mgeloyqfyxxdnkrjq", ev.ID)
		assert.Equal(t, at, ev.OccurredAt)
		assert.Equal(t, tokenize.EventUpdated, ev.Kind, "the event does not say what changed")
		assert.Equal(t, EventNetworkTokenUpdate, ev.ProviderType)
		assert.Equal(t, tokenize.NetworkToken{
			Provider: "checkout", ID: "nt_karvk3vpkvfppmn7jjzbfnsawa", State: tokenize.StateActive, Scheme: tokenize.SchemeVTS,
			ExpiryMonth: 7, ExpiryYear: 2050, CardLast4: "4321", CardExpiryMonth: 2, CardExpiryYear: 2025,
			PaymentAccountReference: "asd123",
		}, ev.Token)
		assert.JSONEq(t, researchWebhook, string(ev.ProviderPayload()), "nothing sensitive in it: kept whole")
	}

	inactive := strings.Replace(researchWebhook, `"state": "active"`, `"state": "inactive"`, 1)
	events, err := p.ParseWebhook(signed(inactive, webhookKey), []byte(inactive))
	require.NoError(t, err)
	assert.Equal(t, tokenize.EventDeleted, events[0].Kind)
	assert.Equal(t, tokenize.StateInactive, events[0].Token.State)
}

func TestParseWebhookRefusesBadSignatures(t *testing.T) {
	p := webhookProvider(t, webhookKey)
	body := []byte(researchWebhook)
	upper := strings.ToUpper(sign(researchWebhook, webhookKey))
	for name, h := range map[string]http.Header{
		"no header":        {},
		"empty":            {SignatureHeader: {""}},
		"another key":      signed(researchWebhook, webhookNextKey),
		"other bytes":      signed(researchWebhook+" ", webhookKey),
		"not hex":          {SignatureHeader: {"zz"}},
		"truncated":        {SignatureHeader: {sign(researchWebhook, webhookKey)[:40]}},
		"base64, not hex":  {SignatureHeader: {"q83vEjRWeJA="}},
		"sha1-length hmac": {SignatureHeader: {strings.Repeat("ab", 20)}},
	} {
		events, err := p.ParseWebhook(h, body)
		assert.Nil(t, events, name)
		assert.Equal(t, tokenize.Unauthenticated, tokenize.CodeOf(err), name)
	}
	// Hex is hex whatever its case.
	_, err := p.ParseWebhook(http.Header{SignatureHeader: {upper}}, body)
	assert.NoError(t, err)
	// Verified before anything is parsed: garbage with a bad signature is
	// Unauthenticated, not InvalidArgument.
	_, err = p.ParseWebhook(signed("x", "k"), []byte("{not json"))
	assert.Equal(t, tokenize.Unauthenticated, tokenize.CodeOf(err))
	// The secrets never reach the error.
	assert.NotContains(t, err.Error(), webhookKey)
}

func TestParseWebhookBodies(t *testing.T) {
	p := webhookProvider(t, webhookKey)
	for _, body := range []string{
		`{"id":"evt_pay","type":"payment_approved","data":{}}`,
		`{"type":"payment_captured"}`,
	} {
		events, err := p.ParseWebhook(signed(body, webhookKey), []byte(body))
		assert.NoError(t, err, "another event type is acknowledged: %s", body)
		assert.Empty(t, events)
	}
	for _, body := range []string{
		``, `[]`, `{`, `null`,
		`{"id":"evt_x","type":"network_token_update","created_on":"2025-02-27T16:34:45Z"}`,
		`{"id":"evt_x","type":"network_token_update","created_on":"2025-02-27T16:34:45Z","data":{"network_token":{"id":""}}}`,
		`{"id":"evt_x","type":"network_token_update","created_on":"2025-02-27T16:34:45Z","data":{"network_token":{"id":"nt/../x"}}}`,
		`{"id":"","type":"network_token_update","created_on":"2025-02-27T16:34:45Z","data":{"network_token":{"id":"nt_x"}}}`,
		`{"id":"evt_x","type":"network_token_update","data":{"network_token":{"id":"nt_x"}}}`,
		`{"id":"evt_x","type":"network_token_update","created_on":"yesterday","data":{"network_token":{"id":"nt_x"}}}`,
		`{"id":"evt_x","type":"network_token_update","created_on":"2025-02-27T16:34:45Z","data":{"network_token":{"id":"nt_x","expiry_month":13}}}`,
		`{"id":"evt_x","type":"network_token_update","created_on":"2025-02-27T16:34:45Z","data":{"network_token":{"id":"nt_x"},"card":{"expiry_year":25}}}`,
		`{"id":"` + strings.Repeat("e", maxEventIDLen+1) + `","type":"network_token_update","created_on":"2025-02-27T16:34:45Z","data":{"network_token":{"id":"nt_x"}}}`,
	} {
		events, err := p.ParseWebhook(signed(body, webhookKey), []byte(body))
		assert.Nil(t, events, body)
		assert.Equal(t, tokenize.InvalidArgument, tokenize.CodeOf(err), body)
	}
}

// A card number or DPAN in a delivery never survives in the payload.
func TestParseWebhookPayloadRedacted(t *testing.T) {
	p := webhookProvider(t, webhookKey)
	body := strings.Replace(researchWebhook, `"state": "active",`, `"state": "active", "number": "4895370012003478",`, 1)
	body = strings.Replace(body, `"last_four": "4321"`, `"last_four": "4321", "note": "4242424242424242"`, 1)
	events, err := p.ParseWebhook(signed(body, webhookKey), []byte(body))
	require.NoError(t, err)
	payload := string(events[0].ProviderPayload())
	assert.NotContains(t, payload, "4895370012003478")
	assert.NotContains(t, payload, "4242424242424242")
}

func TestWebhookSecretsSetting(t *testing.T) {
	p, err := openJSON(t, `{"client_id":"cli_x","client_secret":"s"}`)
	require.NoError(t, err)
	assert.False(t, p.Capabilities().Webhooks, "no secrets, no webhooks")
	p, err = openJSON(t, `{"client_id":"cli_x","client_secret":"s","webhook_secrets":["a","b"]}`)
	require.NoError(t, err)
	assert.True(t, p.Capabilities().Webhooks)
	for _, js := range []string{
		`{"client_id":"cli_x","client_secret":"s","webhook_secrets":["a","b","c"]}`,
		`{"client_id":"cli_x","client_secret":"s","webhook_secrets":["a",""]}`,
		`{"client_id":"cli_x","client_secret":"s","webhook_secrets":"a"}`,
	} {
		_, err := openJSON(t, js)
		var te *tokenize.Error
		require.ErrorAs(t, err, &te, js)
		assert.Equal(t, "settings.webhook_secrets", te.Field, js)
		assert.NotContains(t, err.Error(), `"a"`, "errors never quote a setting's value")
	}
	// The provider never prints its secrets.
	p, err = openJSON(t, `{"client_id":"cli_x","client_secret":"s","webhook_secrets":["`+webhookKey+`"]}`)
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		assert.NotContains(t, fmt.Sprintf(verb, p), webhookKey)
	}
}

func FuzzParseWebhook(f *testing.F) {
	f.Add([]byte(researchWebhook))
	f.Add([]byte(`{"id":"evt_x","type":"network_token_update","created_on":"2025-02-27T16:34:45Z","data":{"network_token":{"id":"nt_x","state":"suspended"}}}`))
	f.Add([]byte(`{"id":"evt_x","type":"payment_approved"}`))
	p := webhookProvider(f, "k")
	f.Fuzz(func(t *testing.T, body []byte) {
		// Signed correctly, so that the parser itself is exercised.
		events, err := p.ParseWebhook(signed(string(body), "k"), body)
		checkErr(t, err)
		if err != nil && events != nil {
			t.Fatal("events with an error")
		}
		for _, ev := range events {
			if ev == nil || ev.ID == "" || ev.Token.ID == "" || ev.OccurredAt.IsZero() || ev.Kind == tokenize.EventNone {
				t.Fatalf("incomplete event: %+v", ev)
			}
			if panRun.Match(ev.ProviderPayload()) {
				t.Fatalf("payload carries a card-number-like digit run: %s", ev.ProviderPayload())
			}
		}
		// Signed with another key: refused, whatever the body.
		if _, err := p.ParseWebhook(signed(string(body), "other"), body); tokenize.CodeOf(err) != tokenize.Unauthenticated {
			t.Fatalf("a wrong signature gave %v", err)
		}
	})
}

// Through the Client's handler, as a program mounts it: the research
// example verified, handed on, acknowledged; a forged one refused.
func TestWebhookHandlerWithAdapter(t *testing.T) {
	p := webhookProvider(t, webhookKey)
	at := time.Date(2025, 2, 27, 16, 40, 0, 0, time.UTC)
	c := tokenize.New(p, tokenize.WithClock(func() time.Time { return at }))
	var got []*tokenize.NetworkTokenEvent
	h, err := c.WebhookHandler(func(_ context.Context, ev *tokenize.NetworkTokenEvent) error {
		got = append(got, ev)
		return nil
	})
	require.NoError(t, err)
	for _, tc := range []struct {
		key    string
		status int
	}{{webhookKey, http.StatusOK}, {"forged", http.StatusUnauthorized}} {
		req := httptest.NewRequest(http.MethodPost, "/webhooks", strings.NewReader(researchWebhook))
		req.Header.Set(SignatureHeader, sign(researchWebhook, tc.key))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		assert.Equal(t, tc.status, w.Code, tc.key)
	}
	require.Len(t, got, 1)
	assert.Equal(t, "checkout", got[0].Provider)
	assert.Equal(t, "nt_karvk3vpkvfppmn7jjzbfnsawa", got[0].Token.ID)

	// Without secrets the handler is refused, naming the setting's purpose.
	_, err = tokenize.New(webhookProvider(t)).WebhookHandler(func(context.Context, *tokenize.NetworkTokenEvent) error { return nil })
	assert.ErrorIs(t, err, tokenize.ErrUnsupported)
	assert.Contains(t, err.Error(), "webhook secrets")
}
