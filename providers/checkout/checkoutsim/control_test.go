package checkoutsim_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize/internal/simkit"
	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
)

// The control API changes a network token as the scheme would, over HTTP
// from any language, and a reset forgets everything, access tokens
// included.
func TestControlAPI(t *testing.T) {
	s := checkoutsim.NewServer()
	defer s.Close()
	at := accessToken(t, s)
	src := instrument(t, s, at, checkoutsim.VisaPAN)
	r := do(t, s, "POST", "/network-tokens", at, "application/json", jsonBody(map[string]any{"source": map[string]string{"type": "id", "id": src}}))
	require.Equal(t, 201, r.status, r.raw)
	id := r.body["network_token"].(map[string]any)["id"].(string)
	state := func() any {
		return do(t, s, "GET", "/network-tokens/"+id, at, "", "").body["network_token"].(map[string]any)["state"]
	}

	for in, want := range map[string]string{"suspended": "suspended", "deleted": checkoutsim.DeletedState.String(), "active": "active"} {
		r = do(t, s, "POST", "/_sim/network-tokens/"+id, "", "application/json", `{"state": "`+in+`"}`)
		require.Equal(t, 204, r.status, r.raw)
		assert.Equal(t, want, state())
	}
	assert.Equal(t, 404, do(t, s, "POST", "/_sim/network-tokens/nt_unknown", "", "", `{"state": "active"}`).status)
	r = do(t, s, "POST", "/_sim/network-tokens/"+id, "", "", `{"state": "unknown"}`)
	assert.Equal(t, 400, r.status)
	assert.Contains(t, r.body["error"], "no network token state unknown")

	assert.Equal(t, 204, do(t, s, "POST", "/_sim/reset", "", "", "").status)
	assert.Equal(t, 401, do(t, s, "GET", "/network-tokens/"+id, at, "", "").status, "access tokens are forgotten too")
	assert.Equal(t, 404, do(t, s, "GET", "/network-tokens/"+id, accessToken(t, s), "", "").status, "and every token")
}

// The test cards a tool prints are valid, distinct and say what they do.
func TestTestCardsListed(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range checkoutsim.TestCards() {
		assert.True(t, simkit.Luhn(c.Number), c.Number)
		assert.False(t, seen[c.Number], "listed twice: %s", c.Number)
		seen[c.Number] = true
		assert.NotEmpty(t, c.Triggers, c.Number)
	}
	assert.True(t, seen[checkoutsim.VisaPAN] && seen[checkoutsim.MastercardPAN] && seen[checkoutsim.DeclinedPAN])
}
