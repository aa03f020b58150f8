package tokenize_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

const (
	webhookKey     = "whsec_current_0c6f1e"
	webhookNextKey = "whsec_next_8a2b4d"
)

// receiver records what a handler delivered.
type receiver struct {
	mu     sync.Mutex
	events []*tokenize.NetworkTokenEvent
	fail   error
}

func (r *receiver) deliver(_ context.Context, ev *tokenize.NetworkTokenEvent) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.events = append(r.events, ev)
	return nil
}

func post(h http.Handler, header http.Header, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/webhooks", bytes.NewReader(body))
	for k, v := range header {
		req.Header[k] = v
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func TestWebhookHandler(t *testing.T) {
	p := newIssuer(webhookKey, webhookNextKey)
	var logs syncBuffer
	c := tokenize.New(p, clockAt(fixedNow), tokenize.WithLogger(slogTo(&logs)))
	rcv := &receiver{}
	h, err := c.WebhookHandler(rcv.deliver)
	require.NoError(t, err)
	ev := toyEvent{ID: "evt_1", At: fixedNow.Add(-time.Minute), Token: "nt_1", State: "suspended"}

	// Either key of a rotation is accepted.
	for _, key := range []string{webhookKey, webhookNextKey} {
		hdr, body := toyDelivery(key, ev)
		w := post(h, hdr, body)
		assert.Equal(t, http.StatusOK, w.Code, key)
	}
	require.Len(t, rcv.events, 2)
	got := rcv.events[0]
	assert.Equal(t, "fake", got.Provider)
	assert.Equal(t, "fake", got.Token.Provider)
	assert.Equal(t, "evt_1", got.ID)
	assert.Equal(t, tokenize.StateSuspended, got.Token.State)
	assert.NotEmpty(t, got.ProviderPayload())

	// Refused with nothing delivered: a wrong key, a tampered body, no
	// signature, a body over the limit, a stale or future event, a body
	// that is not an event, another method.
	hdr, body := toyDelivery(webhookKey, ev)
	tampered := bytes.Replace(body, []byte("suspended"), []byte("active\x20\x20\x20"), 1)
	oversized := append(bytes.Clone(body), bytes.Repeat([]byte(" "), tokenize.MaxWebhookBytes)...)
	staleHdr, stale := toyDelivery(webhookKey, toyEvent{ID: "evt_old", At: fixedNow.Add(-tokenize.MaxWebhookAge - time.Second), Token: "nt_1", State: "active"})
	futureHdr, future := toyDelivery(webhookKey, toyEvent{ID: "evt_new", At: fixedNow.Add(time.Hour), Token: "nt_1", State: "active"})
	wrongHdr, wrong := toyDelivery("whsec_someone_else", ev)
	notEvent := []byte(`{"hello":"world"}`)
	for _, tc := range []struct {
		name   string
		header http.Header
		body   []byte
		status int
	}{
		{"wrong key", wrongHdr, wrong, http.StatusUnauthorized},
		{"tampered", hdr, tampered, http.StatusUnauthorized},
		{"unsigned", nil, body, http.StatusUnauthorized},
		{"garbage signature", http.Header{"X-Sig": {"zz"}}, body, http.StatusUnauthorized},
		{"oversized", http.Header{"X-Sig": {toySign(webhookKey, oversized)}}, oversized, http.StatusRequestEntityTooLarge},
		{"stale", staleHdr, stale, http.StatusBadRequest},
		{"future", futureHdr, future, http.StatusBadRequest},
		{"not an event", http.Header{"X-Sig": {toySign(webhookKey, notEvent)}}, notEvent, http.StatusBadRequest},
	} {
		w := post(h, tc.header, tc.body)
		assert.Equal(t, tc.status, w.Code, tc.name)
		assert.Equal(t, http.StatusText(tc.status)+"\n", w.Body.String(), "%s: the answer says nothing more", tc.name)
	}
	req := httptest.NewRequest(http.MethodGet, "/webhooks", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	assert.Equal(t, http.StatusMethodNotAllowed, w.Code)
	assert.Equal(t, "POST", w.Header().Get("Allow"))
	assert.Len(t, rcv.events, 2, "nothing refused was delivered")

	// A verified event of another type is acknowledged, not delivered.
	otherHdr, other := toyDelivery(webhookKey, toyEvent{ID: "evt_pay", At: fixedNow, Type: "payment", Token: "pay_1"})
	assert.Equal(t, http.StatusOK, post(h, otherHdr, other).Code)
	assert.Len(t, rcv.events, 2)

	// A failing callback gets 500, so that the provider redelivers.
	rcv.fail = errors.New("database down")
	assert.Equal(t, http.StatusInternalServerError, post(h, hdr, body).Code)
	rcv.fail = nil
	assert.Equal(t, http.StatusOK, post(h, hdr, body).Code, "the redelivery succeeds")

	out := logs.String()
	assert.Contains(t, out, "op=ReceiveWebhook")
	assert.Contains(t, out, "tokenize webhook not delivered")
	assert.NotContains(t, out, "database down", "the caller's error is theirs to log")
	for _, k := range []string{webhookKey, webhookNextKey} {
		assert.NotContains(t, out, k)
	}
}

func TestParseWebhook(t *testing.T) {
	p := newIssuer(webhookKey)
	c := tokenize.New(p, clockAt(fixedNow))
	hdr, body := toyDelivery(webhookKey, toyEvent{ID: "evt_1", At: fixedNow, Token: "nt_1", State: "active"})
	events, err := c.ParseWebhook(context.Background(), hdr, body)
	require.NoError(t, err)
	require.Len(t, events, 1)
	assert.Equal(t, tokenize.StateActive, events[0].Token.State)

	_, err = c.ParseWebhook(context.Background(), nil, body)
	var te *tokenize.Error
	require.ErrorAs(t, err, &te)
	assert.Equal(t, tokenize.Unauthenticated, te.Code)
	assert.Equal(t, tokenize.OpReceiveWebhook, te.Op)
	assert.Equal(t, "fake", te.Provider)

	_, err = c.ParseWebhook(context.Background(), hdr, bytes.Repeat([]byte("x"), tokenize.MaxWebhookBytes+1))
	assert.ErrorIs(t, err, tokenize.ErrInvalidArgument)
}

func TestWebhookRefusedWithoutCapability(t *testing.T) {
	deliver := func(context.Context, *tokenize.NetworkTokenEvent) error { return nil }

	// A provider that pushes nothing.
	_, err := tokenize.New(newFake()).WebhookHandler(deliver)
	require.ErrorIs(t, err, tokenize.ErrUnsupported)
	assert.Contains(t, err.Error(), "SyncNetworkTokens")
	assert.Contains(t, err.Error(), "ReceiveWebhook")

	// One that could, without secrets configured.
	_, err = tokenize.New(newIssuer()).WebhookHandler(deliver)
	require.ErrorIs(t, err, tokenize.ErrUnsupported)
	assert.Contains(t, err.Error(), "webhook secrets are not configured")
	_, err = tokenize.New(newIssuer()).ParseWebhook(context.Background(), nil, nil)
	assert.ErrorIs(t, err, tokenize.ErrUnsupported)

	_, err = tokenize.New(newIssuer(webhookKey)).WebhookHandler(nil)
	assert.ErrorIs(t, err, tokenize.ErrInvalidArgument)
}

func slogTo(w *syncBuffer) *slog.Logger { return slog.New(slog.NewTextHandler(w, debugOpts)) }

// Receiving a webhook is observed as a call that makes no attempt, so
// that a stream of forged deliveries shows in traces and metrics; the
// deliver function runs with the observed call's context.
func TestWebhookObserved(t *testing.T) {
	rec := &recorder{}
	c := tokenize.New(newIssuer(webhookKey), clockAt(fixedNow), tokenize.WithObserver(rec))
	var deliveredIn string
	h, err := c.WebhookHandler(func(ctx context.Context, _ *tokenize.NetworkTokenEvent) error {
		deliveredIn = marks(ctx)
		return nil
	})
	require.NoError(t, err)
	hdr, body := toyDelivery(webhookKey, toyEvent{ID: "evt_1", At: fixedNow, Token: "nt_1", State: "active"})

	assert.Equal(t, http.StatusOK, post(h, hdr, body).Code)
	assert.Equal(t, http.StatusUnauthorized, post(h, nil, body).Code)
	assert.Equal(t, []string{
		"call fake ReceiveWebhook",
		"end OK attempts=0 [call]",
		"call fake ReceiveWebhook",
		"end Unauthenticated status=0 request= codes=[] attempts=0 attempts=0 [call]",
	}, rec.Lines())
	assert.Empty(t, deliveredIn, "deliver gets the request's context, not the observed call's")
}
