package checkoutsim_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
)

// hook is a webhook receiver: it checks each delivery's signature, answers
// the statuses it is given in turn (200 once they run out), and keeps the
// events it acknowledged.
type hook struct {
	t        *testing.T
	key      string
	mu       sync.Mutex
	statuses []int
	events   []map[string]any
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	mac := hmac.New(sha256.New, []byte(h.key))
	mac.Write(body)
	assert.Equal(h.t, hex.EncodeToString(mac.Sum(nil)), r.Header.Get("Cko-Signature"), "signature")
	assert.Equal(h.t, "application/json", r.Header.Get("Content-Type"))
	status := http.StatusOK
	if len(h.statuses) > 0 {
		status, h.statuses = h.statuses[0], h.statuses[1:]
	}
	if status == http.StatusOK {
		var ev map[string]any
		require.NoError(h.t, json.Unmarshal(body, &ev))
		h.events = append(h.events, ev)
	}
	w.WriteHeader(status)
}

func (h *hook) received() []map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]map[string]any(nil), h.events...)
}

func receiver(t *testing.T, s *checkoutsim.Server, key string) *hook {
	h := &hook{t: t, key: key}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	s.SendWebhooksTo(srv.URL)
	return h
}

func waitWebhooks(t *testing.T, s *checkoutsim.Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, s.WaitWebhooks(ctx))
}

// provisioned returns a new network token's id and its answer.
func provisioned(t *testing.T, s *checkoutsim.Server) (string, resp) {
	at := accessToken(t, s)
	src := instrument(t, s, at, checkoutsim.VisaPAN)
	r := do(t, s, "POST", "/network-tokens", at, "application/json", jsonBody(map[string]any{"source": map[string]string{"type": "id", "id": src}}))
	require.Equal(t, 201, r.status, r.raw)
	return r.body["network_token"].(map[string]any)["id"].(string), r
}

func TestIssuerChangesSendSignedEvents(t *testing.T) {
	s := checkoutsim.NewServer()
	defer s.Close()
	h := receiver(t, s, checkoutsim.WebhookKey)
	id, created := provisioned(t, s)
	assert.Empty(t, h.received(), "provisioning is not a change")

	require.NoError(t, s.SetNetworkTokenState(id, tokenize.StateSuspended))
	require.NoError(t, s.SetNetworkTokenExpiry(id, 9, 2034))
	require.NoError(t, s.ReissueCard(id, "0005", 3, 2033))
	at := accessToken(t, s)
	r := do(t, s, "PATCH", "/network-tokens/"+id+"/delete", at, "application/json", `{"initiated_by":"cardholder","reason":"other"}`)
	require.Equal(t, 204, r.status)
	waitWebhooks(t, s)

	events := h.received()
	require.Len(t, events, 4)
	ids := map[string]bool{}
	var last time.Time
	for _, ev := range events {
		assert.Equal(t, "network_token_update", ev["type"])
		assert.Equal(t, "1.0.0", ev["version"])
		assert.Regexp(t, `^evt_[a-z2-7]{26}$`, ev["id"])
		ids[ev["id"].(string)] = true
		on, err := time.Parse(time.RFC3339Nano, ev["created_on"].(string))
		require.NoError(t, err)
		assert.False(t, on.Before(last), "events are sent in the order they happened")
		last = on
		data := ev["data"].(map[string]any)
		assert.Equal(t, "visa", data["scheme"])
		nt := data["network_token"].(map[string]any)
		assert.Equal(t, id, nt["id"])
		assert.NotContains(t, nt, "number", "the event carries no DPAN")
	}
	assert.Len(t, ids, 4, "every event has its own id")
	state := func(i int) any { return events[i]["data"].(map[string]any)["network_token"].(map[string]any)["state"] }
	card := func(i int) map[string]any { return events[i]["data"].(map[string]any)["card"].(map[string]any) }
	assert.Equal(t, "suspended", state(0))
	assert.Equal(t, []any{float64(9), float64(2034)}, []any{
		events[1]["data"].(map[string]any)["network_token"].(map[string]any)["expiry_month"],
		events[1]["data"].(map[string]any)["network_token"].(map[string]any)["expiry_year"]}, "integers, as documented")
	assert.Equal(t, map[string]any{"last_four": "0005", "expiry_month": float64(3), "expiry_year": float64(2033)}, card(2))
	assert.Equal(t, "inactive", state(3), "a delete is announced too")

	// GET shows the same.
	got := do(t, s, "GET", "/network-tokens/"+id, at, "", "")
	nt := got.body["network_token"].(map[string]any)
	assert.Equal(t, "inactive", nt["state"])
	assert.Equal(t, "9", nt["expiry_month"])
	assert.Equal(t, "2034", nt["expiry_year"])
	assert.Equal(t, map[string]any{"last4": "0005", "expiry_month": "3", "expiry_year": "2033"}, got.body["card"])
	assert.NotEqual(t, created.body["network_token"].(map[string]any)["modified_on"], nt["modified_on"])

	assert.Error(t, s.SetNetworkTokenExpiry("nt_unknown", 1, 2030))
	assert.Error(t, s.SetNetworkTokenExpiry(id, 13, 2030))
	assert.Error(t, s.ReissueCard(id, "12a4", 1, 2030))
	assert.Error(t, s.SetNetworkTokenState(id, tokenize.StateDeleted), "Checkout.com has no deleted state")
}

func TestWebhooksRedeliveredDuplicatedReordered(t *testing.T) {
	s := checkoutsim.NewServer()
	defer s.Close()
	h := receiver(t, s, checkoutsim.WebhookKey)
	id, _ := provisioned(t, s)

	// Refused twice, then acknowledged: delivered once, attempted thrice.
	h.statuses = []int{500, 503}
	require.NoError(t, s.SetNetworkTokenState(id, tokenize.StateSuspended))
	waitWebhooks(t, s)
	require.Len(t, h.received(), 1)
	assert.Equal(t, int64(3), s.WebhookAttempts())

	// Held, then released newest first, each twice.
	s.DuplicateWebhooks(true)
	s.HoldWebhooks()
	require.NoError(t, s.SetNetworkTokenState(id, tokenize.StateActive))
	require.NoError(t, s.SetNetworkTokenState(id, tokenize.StateSuspended))
	s.ReleaseWebhooks(true)
	waitWebhooks(t, s)
	events := h.received()[1:]
	require.Len(t, events, 4)
	states := []any{}
	for _, ev := range events {
		states = append(states, ev["data"].(map[string]any)["network_token"].(map[string]any)["state"])
	}
	assert.Equal(t, []any{"suspended", "suspended", "active", "active"}, states)
	assert.Equal(t, events[0]["id"], events[1]["id"], "a duplicate is the same event")
}

func TestWebhookKeyRotation(t *testing.T) {
	s := checkoutsim.NewServer(checkoutsim.WithWebhookKey("whsec_old"), checkoutsim.WithWebhookRetryDelays())
	defer s.Close()
	h := receiver(t, s, "whsec_old")
	id, _ := provisioned(t, s)
	require.NoError(t, s.SetNetworkTokenState(id, tokenize.StateSuspended))
	waitWebhooks(t, s)
	h.mu.Lock()
	h.key = "whsec_new"
	h.mu.Unlock()
	s.SetWebhookKey("whsec_new")
	require.NoError(t, s.SetNetworkTokenState(id, tokenize.StateActive))
	waitWebhooks(t, s)
	assert.Len(t, h.received(), 2)

	var settings map[string]any
	require.NoError(t, json.Unmarshal(s.Settings(), &settings))
	assert.Equal(t, []any{"whsec_new"}, settings["webhook_secrets"])
}

// The control API makes the same changes over HTTP, several at once as one
// event.
func TestControlAPIChangesTokenDetails(t *testing.T) {
	s := checkoutsim.NewServer()
	defer s.Close()
	h := receiver(t, s, checkoutsim.WebhookKey)
	id, _ := provisioned(t, s)
	r := do(t, s, "POST", "/_sim/network-tokens/"+id, "", "application/json",
		`{"state":"suspended","expiry_month":2,"expiry_year":2036,"card_last4":"9999","card_expiry_month":2,"card_expiry_year":2035}`)
	require.Equal(t, 204, r.status, r.raw)
	waitWebhooks(t, s)
	events := h.received()
	require.Len(t, events, 1, "one change, one event")
	data := events[0]["data"].(map[string]any)
	assert.Equal(t, map[string]any{"last_four": "9999", "expiry_month": float64(2), "expiry_year": float64(2035)}, data["card"])
	nt := data["network_token"].(map[string]any)
	assert.Equal(t, []any{"suspended", float64(2), float64(2036)}, []any{nt["state"], nt["expiry_month"], nt["expiry_year"]})
	for _, bad := range []string{`{"expiry_month":13,"expiry_year":2030}`, `{"expiry_month":1}`, `{"card_last4":"12"}`} {
		assert.Equal(t, 400, do(t, s, "POST", "/_sim/network-tokens/"+id, "", "application/json", bad).status, bad)
	}
}
