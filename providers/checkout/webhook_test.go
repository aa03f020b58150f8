package checkout

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

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

func sign(body, key string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(body))
	return hex.EncodeToString(m.Sum(nil))
}

func TestParseNetworkTokenUpdate(t *testing.T) {
	const key = "whsec-key"
	ev, err := ParseNetworkTokenUpdate([]byte(researchWebhook), sign(researchWebhook, key), key)
	require.NoError(t, err)
	at := time.Date(2025, 2, 27, 16, 34, 45, 763061600, time.UTC)
	assert.Equal(t, &NetworkTokenUpdate{EventID: "evt_a5bfgfrn5mgeloyqfyxxdnkrjq", OccurredAt: at, Token: &tokenize.NetworkToken{
		Provider: "checkout", ID: "nt_karvk3vpkvfppmn7jjzbfnsawa", State: tokenize.StateActive, Scheme: tokenize.SchemeVTS,
		ExpiryMonth: 7, ExpiryYear: 2050, CardLast4: "4321", CardExpiryMonth: 2, CardExpiryYear: 2025,
		PaymentAccountReference: "asd123", UpdatedAt: at,
	}}, ev)

	_, err = ParseNetworkTokenUpdate([]byte(researchWebhook), sign(researchWebhook, "other"), key)
	assert.Equal(t, tokenize.Unauthenticated, tokenize.CodeOf(err))
	_, err = ParseNetworkTokenUpdate([]byte(researchWebhook+" "), sign(researchWebhook, key), key)
	assert.Equal(t, tokenize.Unauthenticated, tokenize.CodeOf(err), "the signature covers the exact bytes")
	_, err = ParseNetworkTokenUpdate([]byte(researchWebhook), "zz", key)
	assert.Equal(t, tokenize.Unauthenticated, tokenize.CodeOf(err))
	_, err = ParseNetworkTokenUpdate([]byte(researchWebhook), sign(researchWebhook, key), "")
	assert.Equal(t, tokenize.InvalidArgument, tokenize.CodeOf(err))
	for _, body := range []string{`{"type":"payment_approved","data":{}}`, `{"type":"network_token_update"}`, `[]`,
		`{"type":"network_token_update","data":{"network_token":{"id":"nt_x","expiry_month":13}}}`} {
		_, err = ParseNetworkTokenUpdate([]byte(body), sign(body, key), key)
		assert.Equal(t, tokenize.InvalidArgument, tokenize.CodeOf(err), body)
	}
}

func FuzzParseNetworkTokenUpdate(f *testing.F) {
	f.Add([]byte(researchWebhook))
	f.Add([]byte(`{"type":"network_token_update","data":{"network_token":{"id":"nt_x"}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := ParseNetworkTokenUpdate(body, sign(string(body), "k"), "k")
		checkErr(t, err)
		if err == nil && (ev == nil || ev.Token == nil || ev.Token.ID == "") {
			t.Fatal("success without a network token id")
		}
	})
}
