package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

// delivery is one webhook a receiver got.
type delivery struct {
	header http.Header
	body   []byte
}

// A receiver of the test's own, registered through the control API, gets
// the network_token_update a token change triggers, signed with the key
// tokenize sim printed; the library turns it into the neutral event.
func TestControlAPITriggersWebhooks(t *testing.T) {
	sim := startSim(t, "-provider", "checkout")
	info := sim.sims["checkout"]
	secrets, ok := info.Credentials["webhook_secrets"].([]any)
	require.True(t, ok, "tokenize sim prints the webhook key: %v", info.Credentials)
	key := secrets[0].(string)

	got := make(chan delivery, 10)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- delivery{r.Header.Clone(), b}
	}))
	defer recv.Close()
	require.Equal(t, 200, control(t, info, "POST", "webhooks", `{"url": "`+recv.URL+`"}`, nil))

	_, nt := provisioned(t, info)
	require.Equal(t, 204, control(t, info, "POST", "network-tokens/"+nt, `{"state": "suspended", "expiry_month": 3, "expiry_year": 2031}`, nil))

	var d delivery
	select {
	case d = <-got:
	case <-time.After(30 * time.Second):
		t.Fatal("no webhook within 30 s")
	}
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write(d.body)
	assert.Equal(t, hex.EncodeToString(mac.Sum(nil)), d.header.Get("Cko-Signature"), "signed with the printed key")

	ctx := context.Background()
	c, err := tokenize.Open(ctx, info.Config)
	require.NoError(t, err)
	events, err := c.ParseWebhook(ctx, d.header, d.body)
	require.NoError(t, err)
	require.Len(t, events, 1)
	assert.Equal(t, nt, events[0].Token.ID)
	assert.Equal(t, tokenize.StateSuspended, events[0].Token.State)
	assert.Equal(t, 3, events[0].Token.ExpiryMonth)

	var st struct{ Delivered int64 }
	require.Eventually(t, func() bool {
		control(t, info, "GET", "webhooks", "", &st)
		return st.Delivered == 1
	}, 10*time.Second, 10*time.Millisecond)

	// Held events arrive together once released.
	require.Equal(t, 204, control(t, info, "POST", "webhooks/hold", "", nil))
	require.Equal(t, 204, control(t, info, "POST", "network-tokens/"+nt, `{"state": "active"}`, nil))
	select {
	case <-got:
		t.Fatal("a held event was delivered")
	case <-time.After(100 * time.Millisecond):
	}
	require.Equal(t, 204, control(t, info, "POST", "webhooks/release", "", nil))
	select {
	case <-got:
	case <-time.After(30 * time.Second):
		t.Fatal("the released event did not arrive")
	}
}
