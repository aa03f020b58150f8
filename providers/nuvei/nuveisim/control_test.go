package nuveisim_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize/internal/simkit"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
)

// The control API changes a network token as the scheme would, over HTTP
// from any language, and a reset forgets everything.
func TestControlAPI(t *testing.T) {
	s := nuveisim.NewServer()
	defer s.Close()
	ex := call(t, s, "POST", "/network-tokens", nuveisim.APIKey, create(map[string]any{"card": card(nuveisim.VisaPAN)}))
	require.Equal(t, 201, ex.status, ex.body)
	id := ex.json["paymentOption"].(map[string]any)["networkToken"].(map[string]any)["paymentTokenId"].(string)
	get := func() exchange {
		return call(t, s, "GET", "/network-tokens/"+id+"?processingEntityId="+nuveisim.ProcessingEntityID, nuveisim.APIKey, nil)
	}
	status := func() any {
		return get().json["paymentOption"].(map[string]any)["networkToken"].(map[string]any)["tokenStatus"]
	}

	for state, want := range map[string]string{"suspended": "SUSPENDED", "deleted": "DELETED", "active": "ACTIVE"} {
		require.Equal(t, 204, control(t, s, "/_sim/network-tokens/"+id, `{"state": "`+state+`"}`))
		assert.Equal(t, want, status())
	}
	assert.Equal(t, 404, control(t, s, "/_sim/network-tokens/unknown", `{"state": "active"}`))
	assert.Equal(t, 400, control(t, s, "/_sim/network-tokens/"+id, `{"state": "melted"}`))

	requests := s.Requests()
	assert.Equal(t, 204, control(t, s, "/_sim/reset", ""))
	assert.Equal(t, 404, get().status, "reset forgets every token")
	assert.Equal(t, int64(1), s.Requests(), "counters start over; control requests are not counted")
	assert.Greater(t, requests, int64(1))
}

// control POSTs body to a control route and returns the status.
func control(t *testing.T, s *nuveisim.Server, path, body string) int {
	t.Helper()
	resp, err := http.Post(s.URL+path, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// The test cards a tool prints are valid, distinct and say what they do.
func TestTestCardsListed(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range nuveisim.TestCards() {
		assert.True(t, simkit.Luhn(c.Number), c.Number)
		assert.False(t, seen[c.Number], "listed twice: %s", c.Number)
		seen[c.Number] = true
		assert.NotEmpty(t, c.Triggers, c.Number)
	}
	assert.True(t, seen[nuveisim.VisaPAN] && seen[nuveisim.MastercardPAN] && seen[nuveisim.DeclinedPAN])
}
