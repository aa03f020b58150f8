package nuveisim_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
)

// Issuer changes show on GET /network-tokens, the account updater's card
// fields included, and on the payment token of the same id.
func TestSimIssuerChanges(t *testing.T) {
	now := time.Date(2026, 7, 1, 9, 30, 0, 0, time.UTC)
	s := nuveisim.NewServer(nuveisim.WithClock(func() time.Time { return now }))
	defer s.Close()
	ex := call(t, s, "POST", "/network-tokens", nuveisim.APIKey, create(map[string]any{"card": card(nuveisim.VisaPAN)}))
	require.Equal(t, 201, ex.status, ex.body)
	id := ex.json["paymentOption"].(map[string]any)["networkToken"].(map[string]any)["paymentTokenId"].(string)
	get := func() map[string]any {
		ex := call(t, s, "GET", "/network-tokens/"+id+"?processingEntityId="+nuveisim.ProcessingEntityID, nuveisim.APIKey, nil)
		require.Equal(t, 200, ex.status, ex.body)
		return ex.json["paymentOption"].(map[string]any)["networkToken"].(map[string]any)
	}

	require.NoError(t, s.SetNetworkTokenState(id, tokenize.StateSuspended))
	assert.Equal(t, "SUSPENDED", get()["tokenStatus"])
	require.NoError(t, s.SetNetworkTokenExpiry(id, 4, 2035))
	nt := get()
	assert.Equal(t, []any{"04", "2035"}, []any{nt["expirationMonth"], nt["expirationYear"]})

	require.NoError(t, s.ReissueCard(id, "", 8, 2033))
	assert.Equal(t, map[string]any{"last4Digits": "1111", "expirationMonth": "08", "expirationYear": "2033",
		"cardUpdated": true, "updateReason": nuveisim.UpdateReasonExpiry, "updateDate": "2026-07-01T09:30:00Z"}, get()["card"])
	require.NoError(t, s.ReissueCard(id, "4242", 9, 2034))
	c := get()["card"].(map[string]any)
	assert.Equal(t, "4242", c["last4Digits"])
	assert.Equal(t, nuveisim.UpdateReasonNumber, c["updateReason"])
	pt := call(t, s, "GET", "/payment-tokens/"+id+"?processingEntityId="+nuveisim.ProcessingEntityID, nuveisim.APIKey, nil)
	require.Equal(t, 200, pt.status, pt.body)
	assert.Equal(t, "4***4242", pt.json["paymentToken"].(map[string]any)["paymentOption"].(map[string]any)["card"].(map[string]any)["maskedCardNumber"])

	require.NoError(t, s.SetNetworkTokenState(id, tokenize.StateDeleted))
	assert.Equal(t, "DELETED", get()["tokenStatus"])

	assert.Error(t, s.SetNetworkTokenExpiry("unknown", 1, 2030))
	assert.Error(t, s.ReissueCard(id, "42", 1, 2030))
	assert.Error(t, s.SetNetworkTokenExpiry(id, 0, 2030))
}

// The control API makes the same changes over HTTP.
func TestControlAPIChangesTokenDetails(t *testing.T) {
	s := nuveisim.NewServer()
	defer s.Close()
	ex := call(t, s, "POST", "/network-tokens", nuveisim.APIKey, create(map[string]any{"card": card(nuveisim.MastercardPAN)}))
	require.Equal(t, 201, ex.status, ex.body)
	id := ex.json["paymentOption"].(map[string]any)["networkToken"].(map[string]any)["paymentTokenId"].(string)
	require.Equal(t, 204, control(t, s, "/_sim/network-tokens/"+id, `{"expiry_month":3,"expiry_year":2036,"card_last4":"0001","card_expiry_month":3,"card_expiry_year":2035}`))
	got := call(t, s, "GET", "/network-tokens/"+id+"?processingEntityId="+nuveisim.ProcessingEntityID, nuveisim.APIKey, nil)
	nt := got.json["paymentOption"].(map[string]any)["networkToken"].(map[string]any)
	assert.Equal(t, []any{"03", "2036"}, []any{nt["expirationMonth"], nt["expirationYear"]})
	c := nt["card"].(map[string]any)
	assert.Equal(t, []any{"0001", "03", "2035", true, nuveisim.UpdateReasonNumber}, []any{c["last4Digits"], c["expirationMonth"], c["expirationYear"], c["cardUpdated"], c["updateReason"]})
	assert.Equal(t, 400, control(t, s, "/_sim/network-tokens/"+id, `{"card_expiry_month":3}`))
}
