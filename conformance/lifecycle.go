package conformance

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/faults"
)

// Issuer changes network tokens as their issuer or the scheme would. Both
// simulators implement it; Env.Issuer is nil in live mode.
type Issuer interface {
	// SetNetworkTokenState suspends, reactivates or deletes a token.
	SetNetworkTokenState(id string, state tokenize.NetworkTokenState) error
	// SetNetworkTokenExpiry renews a token with a new expiry.
	SetNetworkTokenExpiry(id string, month, year int) error
	// ReissueCard replaces the card behind a token: a new expiry, and new
	// last four digits when last4 is not empty.
	ReissueCard(id, last4 string, month, year int) error
}

// WebhookSender drives a simulator's webhook deliveries, for providers
// declaring Capabilities.Webhooks. Env.Webhooks is nil otherwise.
type WebhookSender interface {
	// SendWebhooksTo makes the simulator POST its later events to url.
	SendWebhooksTo(url string)
	// DuplicateWebhooks makes every later event go out twice.
	DuplicateWebhooks(on bool)
	// HoldWebhooks keeps later events back until ReleaseWebhooks.
	HoldWebhooks()
	// ReleaseWebhooks sends the held events at once, newest first when
	// newestFirst is set.
	ReleaseWebhooks(newestFirst bool)
	// WaitWebhooks returns once every event not held has been
	// acknowledged or given up.
	WaitWebhooks(ctx context.Context) error
	// WebhookAttempts counts delivery attempts, resends included.
	WebhookAttempts() int64
}

// change is one issuer-side change of the lifecycle cases and the neutral
// event it must produce.
type change struct {
	name string
	want tokenize.EventKind
	// before, when set, runs first and is applied to the copy held: the
	// change is then made from that state.
	before func(c *tc, id string) error
	do     func(c *tc, id string) error
	// check verifies the copy held after the event is applied.
	check func(t *testing.T, held *tokenize.NetworkToken)
}

// Values the changes set; the years are far enough ahead to be new.
const (
	newTokenExpiryMonth, newTokenExpiryYear = 3, 2040
	newCardLast4                            = "0005"
	newCardExpiryMonth, newCardExpiryYear   = 4, 2039
)

func lifecycleChanges() []change {
	suspend := func(c *tc, id string) error {
		return c.env.Issuer.SetNetworkTokenState(id, tokenize.StateSuspended)
	}
	state := func(want tokenize.NetworkTokenState) func(*testing.T, *tokenize.NetworkToken) {
		return func(t *testing.T, held *tokenize.NetworkToken) {
			assert.Equal(t, want, held.State, "state of the copy")
		}
	}
	return []change{
		{name: "Suspend", want: tokenize.EventStateChanged, do: suspend, check: state(tokenize.StateSuspended)},
		{name: "Reactivate", want: tokenize.EventStateChanged, before: suspend,
			do:    func(c *tc, id string) error { return c.env.Issuer.SetNetworkTokenState(id, tokenize.StateActive) },
			check: state(tokenize.StateActive)},
		{name: "NewExpiry", want: tokenize.EventCardUpdated,
			do: func(c *tc, id string) error {
				return c.env.Issuer.SetNetworkTokenExpiry(id, newTokenExpiryMonth, newTokenExpiryYear)
			},
			check: func(t *testing.T, held *tokenize.NetworkToken) {
				assert.Equal(t, [2]int{newTokenExpiryMonth, newTokenExpiryYear}, [2]int{held.ExpiryMonth, held.ExpiryYear}, "token expiry")
				assert.Equal(t, tokenize.StateActive, held.State)
			}},
		{name: "CardReissued", want: tokenize.EventCardUpdated,
			do: func(c *tc, id string) error {
				return c.env.Issuer.ReissueCard(id, newCardLast4, newCardExpiryMonth, newCardExpiryYear)
			},
			check: func(t *testing.T, held *tokenize.NetworkToken) {
				assert.Equal(t, newCardLast4, held.CardLast4)
				assert.Equal(t, [2]int{newCardExpiryMonth, newCardExpiryYear}, [2]int{held.CardExpiryMonth, held.CardExpiryYear}, "card expiry")
			}},
		{name: "Delete", want: tokenize.EventDeleted,
			do: func(c *tc, id string) error {
				if c.caps.Supports(tokenize.OpDeleteNetworkToken) {
					return c.env.Client.DeleteNetworkToken(c.ctx, tokenize.DeleteNetworkTokenRequest{
						ID: id, InitiatedBy: tokenize.InitiatedByCardholder, Reason: tokenize.ReasonOther})
				}
				// Deleted at the scheme, where the provider offers no delete.
				return c.env.Issuer.SetNetworkTokenState(id, tokenize.StateDeleted)
			},
			check: func(t *testing.T, held *tokenize.NetworkToken) {
				assert.Contains(t, []tokenize.NetworkTokenState{tokenize.StateInactive, tokenize.StateDeleted}, held.State)
			}},
	}
}

// testTokenLifecycle: network-token changes reach the caller as neutral
// events, by sync for every provider that can read a token and by webhook
// for those declaring Capabilities.Webhooks.
func testTokenLifecycle(t *testing.T, h Harness) {
	t.Run("Sync", func(t *testing.T) {
		for _, ch := range lifecycleChanges() {
			t.Run(ch.name, func(t *testing.T) { testSyncChange(t, h, ch) })
		}
		t.Run("Unchanged", func(t *testing.T) { testSyncUnchanged(t, h) })
		t.Run("UnknownIsDeleted", func(t *testing.T) { testSyncUnknown(t, h) })
		t.Run("RateLimited", func(t *testing.T) { testSyncRateLimited(t, h) })
	})
	t.Run("Webhook", func(t *testing.T) {
		for _, ch := range lifecycleChanges() {
			t.Run(ch.name, func(t *testing.T) { testWebhookChange(t, h, ch) })
		}
		t.Run("Refused", func(t *testing.T) { testWebhookRefused(t, h) })
		t.Run("DuplicatesAndReordering", func(t *testing.T) { testWebhookDuplicatesAndReordering(t, h) })
		t.Run("Redelivery", func(t *testing.T) { testWebhookRedelivery(t, h) })
	})
}

// syncable provisions an active token for the sync cases and returns it.
func (c *tc) syncable() *tokenize.NetworkToken {
	c.t.Helper()
	c.requireOp(tokenize.OpProvisionNetworkToken)
	c.requireOp(tokenize.OpGetNetworkToken)
	return c.provision(c.h.Fixtures.VisaCard)
}

func (c *tc) requireIssuer() {
	c.t.Helper()
	if c.env.Issuer == nil {
		c.t.Skip("needs Env.Issuer to change tokens as an issuer would; not available in live mode")
	}
}

// sync sweeps held and returns every result, each recorded for the
// redaction check.
func (c *tc) sync(held ...tokenize.NetworkToken) []tokenize.SyncResult {
	c.t.Helper()
	var out []tokenize.SyncResult
	for r := range c.env.Client.SyncNetworkTokens(c.ctx, slices.Values(held), tokenize.BatchOptions{}) {
		c.rec.err(r.Err)
		if r.Event != nil {
			c.noteEvent(r.Event)
		}
		out = append(out, r)
	}
	return out
}

// noteEvent records an event, its payload included, for the redaction
// check.
func (c *tc) noteEvent(ev *tokenize.NetworkTokenEvent) {
	c.noteToken(&ev.Token)
	c.rec.value(ev)
	c.rec.value(string(ev.ProviderPayload()))
}

// applyOne applies ev to held and checks what changed.
func applyOne(t *testing.T, ev *tokenize.NetworkTokenEvent, held *tokenize.NetworkToken, want tokenize.EventKind) {
	t.Helper()
	changed, applied := ev.Apply(held)
	assert.True(t, applied, "the event is newer than the copy it was computed from")
	assert.Equal(t, want, changed, "what Apply reports changed")
	assert.Contains(t, []tokenize.EventKind{want, tokenize.EventUpdated}, ev.Kind,
		"the event's Kind is the change, or EventUpdated where the provider does not say")
}

func testSyncChange(t *testing.T, h Harness, ch change) {
	c := setup(t, h)
	c.requireIssuer()
	nt := c.syncable()
	held := *nt
	if ch.before != nil {
		require.NoError(t, ch.before(c, held.ID))
		rs := c.sync(held)
		require.Len(t, rs, 1)
		require.NoError(t, rs[0].Err)
		rs[0].Event.Apply(&held)
	}
	require.NoError(t, c.note(nil, ch.do(c, held.ID)), "changing the token")

	rs := c.sync(held)
	require.Len(t, rs, 1, "one held token changed, one result")
	r := rs[0]
	require.NoError(t, r.Err)
	require.NotNil(t, r.Event)
	ev := r.Event
	assert.Equal(t, held.ID, r.ID)
	assert.Equal(t, ch.want, ev.Kind, "a sync says precisely what changed")
	assert.Equal(t, h.Provider, ev.Provider)
	assert.Equal(t, held.ID, ev.Token.ID)
	assert.NotEmpty(t, ev.ID)
	assert.False(t, ev.OccurredAt.IsZero())
	applyOne(t, ev, &held, ch.want)
	ch.check(t, &held)

	// Swept again from the updated copy: nothing more to say.
	assert.Empty(t, c.sync(held), "a second sweep from the updated copy")
}

func testSyncUnchanged(t *testing.T, h Harness) {
	c := setup(t, h)
	nt := c.syncable()
	got, err := c.env.Client.GetNetworkToken(c.ctx, nt.ID)
	require.NoError(t, c.note(got, err))
	assert.Empty(t, c.sync(*nt, *got), "unchanged tokens yield nothing")
}

func testSyncUnknown(t *testing.T, h Harness) {
	c := setup(t, h)
	c.requireOp(tokenize.OpGetNetworkToken)
	held := tokenize.NetworkToken{Provider: h.Provider, ID: h.Fixtures.UnknownNetworkTokenID, State: tokenize.StateActive}
	rs := c.sync(held)
	require.Len(t, rs, 1)
	require.NoError(t, rs[0].Err, "a token the provider no longer knows is an event, not an error")
	assert.Equal(t, tokenize.EventDeleted, rs[0].Event.Kind)
	assert.Equal(t, tokenize.StateDeleted, rs[0].Event.Token.State)
}

// A 429 during a sweep is waited out, for every worker, and the token read
// again: the change is reported, not a RateLimited error.
func testSyncRateLimited(t *testing.T, h Harness) {
	c := setup(t, h, tokenize.WithRetryPolicy(tokenize.RetryPolicy{})) // the sweep's own waiting, not the Client's retries
	c.skipUnlessSim()
	c.requireIssuer()
	nt := c.syncable()
	require.NoError(t, c.env.Issuer.SetNetworkTokenState(nt.ID, tokenize.StateSuspended))
	inj := c.env.Sim.Faults()
	inj.Inject(faults.Fault{Kind: faults.Status, Status: http.StatusTooManyRequests, RetryAfter: "1", Times: 1})
	t.Cleanup(inj.Clear)
	start := time.Now()
	rs := c.sync(*nt)
	require.Len(t, rs, 1)
	require.NoError(t, rs[0].Err, "the sweep waits out a 429 instead of reporting it")
	assert.Equal(t, tokenize.EventStateChanged, rs[0].Event.Kind)
	assert.Equal(t, int64(1), inj.Injected())
	assert.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond, "the Retry-After was waited")
}

// --- webhooks ----------------------------------------------------------

// inbox receives the simulator's webhooks through the Client's handler,
// served on loopback as a program would serve it, and keeps what arrived:
// every raw delivery, and the events the handler delivered.
type inbox struct {
	handler http.Handler
	url     string

	mu         sync.Mutex
	deliveries []delivery
	events     []*tokenize.NetworkTokenEvent
	statuses   []int
	failNext   int // deliver fails this many more times
}

// delivery is one request the simulator sent, as it arrived.
type delivery struct {
	header http.Header
	body   []byte
}

// webhooks starts an inbox and points the simulator's deliveries at it.
// It skips, after checking the refusal, when the provider declares no
// webhooks.
func (c *tc) webhooks() *inbox {
	c.t.Helper()
	deliver := func(ctx context.Context, ev *tokenize.NetworkTokenEvent) error { return nil }
	if !c.caps.Webhooks {
		_, err := c.env.Client.WebhookHandler(deliver)
		te := assertCode(c.t, tokenize.Unsupported, c.note(nil, err), "WebhookHandler without Capabilities.Webhooks")
		if te != nil {
			assert.Equal(c.t, tokenize.OpReceiveWebhook, te.Op)
		}
		c.t.Skipf("%s does not declare webhooks (checked: the handler is refused); its changes arrive by sync", c.h.Provider)
	}
	if c.env.Webhooks == nil {
		c.t.Skip("needs Env.Webhooks to make the simulator deliver; not available in live mode")
	}
	c.requireIssuer()
	in := &inbox{}
	h, err := c.env.Client.WebhookHandler(func(_ context.Context, ev *tokenize.NetworkTokenEvent) error {
		c.noteEvent(ev)
		in.mu.Lock()
		defer in.mu.Unlock()
		if in.failNext > 0 {
			in.failNext--
			return errors.New("the caller's store is down")
		}
		in.events = append(in.events, ev)
		return nil
	})
	require.NoError(c.t, c.note(nil, err), "WebhookHandler")
	in.handler = h
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 2*tokenize.MaxWebhookBytes))
		in.mu.Lock()
		in.deliveries = append(in.deliveries, delivery{header: r.Header.Clone(), body: body})
		in.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		in.mu.Lock()
		in.statuses = append(in.statuses, rec.Code)
		in.mu.Unlock()
		w.WriteHeader(rec.Code)
	}))
	c.t.Cleanup(srv.Close)
	in.url = srv.URL
	c.env.Webhooks.SendWebhooksTo(srv.URL)
	c.t.Cleanup(func() { c.env.Webhooks.SendWebhooksTo("") })
	return in
}

// settle waits for the simulator's deliveries to be done.
func (c *tc) settle() {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, 10*time.Second)
	defer cancel()
	require.NoError(c.t, c.env.Webhooks.WaitWebhooks(ctx), "webhook deliveries did not settle")
}

func (in *inbox) received() []*tokenize.NetworkTokenEvent {
	in.mu.Lock()
	defer in.mu.Unlock()
	return slices.Clone(in.events)
}

func (in *inbox) answers() []int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return slices.Clone(in.statuses)
}

func testWebhookChange(t *testing.T, h Harness, ch change) {
	c := setup(t, h)
	c.requireOp(tokenize.OpProvisionNetworkToken)
	in := c.webhooks()
	nt := c.provision(h.Fixtures.VisaCard)
	held := *nt
	if ch.before != nil {
		require.NoError(t, ch.before(c, held.ID))
		c.settle()
		evs := in.received()
		require.Len(t, evs, 1)
		evs[0].Apply(&held)
	}
	seen := len(in.received())
	require.NoError(t, c.note(nil, ch.do(c, held.ID)), "changing the token")
	c.settle()

	evs := in.received()[seen:]
	require.Len(t, evs, 1, "one change, one event")
	ev := evs[0]
	assert.Equal(t, h.Provider, ev.Provider)
	assert.Equal(t, h.Provider, ev.Token.Provider)
	assert.Equal(t, held.ID, ev.Token.ID)
	assert.NotEmpty(t, ev.ID)
	assert.NotEmpty(t, ev.ProviderType, "a webhook names the provider's event type")
	assert.NotEmpty(t, ev.ProviderPayload(), "a webhook keeps the provider's payload, redacted")
	applyOne(t, ev, &held, ch.want)
	ch.check(t, &held)
	assert.Equal(t, http.StatusOK, in.answers()[len(in.answers())-1], "the handler acknowledged")
}

// Tampered, unsigned, oversized and stale deliveries are refused, and
// nothing reaches the callback.
func testWebhookRefused(t *testing.T, h Harness) {
	c := setup(t, h)
	c.requireOp(tokenize.OpProvisionNetworkToken)
	in := c.webhooks()
	nt := c.provision(h.Fixtures.VisaCard)
	require.NoError(t, c.env.Issuer.SetNetworkTokenState(nt.ID, tokenize.StateSuspended))
	c.settle()
	in.mu.Lock()
	require.Len(t, in.deliveries, 1)
	genuine := in.deliveries[0]
	in.mu.Unlock()
	delivered := len(in.received())

	replay := func(handler http.Handler, header http.Header, body []byte) int {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header = header.Clone()
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, req)
		c.rec.value(w.Body.String())
		return w.Code
	}
	assert.Equal(t, http.StatusOK, replay(in.handler, genuine.header, genuine.body), "the genuine delivery, replayed at once, is accepted")
	delivered++

	tampered := bytes.Clone(genuine.body)
	tampered[len(tampered)/2] ^= 0x01
	unsigned := http.Header{"Content-Type": {"application/json"}}
	oversized := append(bytes.Clone(genuine.body), bytes.Repeat([]byte(" "), tokenize.MaxWebhookBytes)...)
	assert.Equal(t, http.StatusUnauthorized, replay(in.handler, genuine.header, tampered), "tampered body")
	assert.Equal(t, http.StatusUnauthorized, replay(in.handler, unsigned, genuine.body), "no signature")
	assert.Equal(t, http.StatusRequestEntityTooLarge, replay(in.handler, genuine.header, oversized), "oversized body")

	// Stale: the same delivery replayed to a Client whose clock is past
	// MaxWebhookAge. Harness.New gives it the same webhook secrets.
	later := time.Now().Add(tokenize.MaxWebhookAge + time.Hour)
	old := h.New(t, c.rec.option(), tokenize.WithClock(func() time.Time { return later }))
	staleHandler, err := old.Client.WebhookHandler(func(context.Context, *tokenize.NetworkTokenEvent) error {
		t.Error("a stale event was delivered")
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadRequest, replay(staleHandler, genuine.header, genuine.body), "stale event (a replay)")

	assert.Len(t, in.received(), delivered, "nothing refused reached the callback")
	_, err = c.env.Client.ParseWebhook(c.ctx, unsigned, genuine.body)
	assertCode(t, tokenize.Unauthenticated, c.note(nil, err), "ParseWebhook without a signature")
}

// Events delivered twice and out of order leave the copy as the newest
// event says, through Apply.
func testWebhookDuplicatesAndReordering(t *testing.T, h Harness) {
	c := setup(t, h)
	c.requireOp(tokenize.OpProvisionNetworkToken)
	in := c.webhooks()
	nt := c.provision(h.Fixtures.VisaCard)
	held := *nt
	w := c.env.Webhooks
	w.DuplicateWebhooks(true)
	t.Cleanup(func() { w.DuplicateWebhooks(false) })
	w.HoldWebhooks()
	require.NoError(t, c.env.Issuer.SetNetworkTokenState(held.ID, tokenize.StateSuspended))
	require.NoError(t, c.env.Issuer.SetNetworkTokenState(held.ID, tokenize.StateActive))
	w.ReleaseWebhooks(true)
	c.settle()

	evs := in.received()
	require.Len(t, evs, 4, "two events, each delivered twice")
	assert.Equal(t, tokenize.StateSuspended, evs[len(evs)-1].Token.State,
		"the older event arrived last: keeping the last delivery would be wrong")
	ids := map[string]int{}
	applied := 0
	for _, ev := range evs {
		ids[ev.ID]++
		if _, ok := ev.Apply(&held); ok {
			applied++
		}
	}
	assert.Len(t, ids, 2, "a duplicate carries the same event id")
	assert.Equal(t, 1, applied, "only the newest event applies; duplicates and the older one change nothing")
	assert.Equal(t, tokenize.StateActive, held.State)
}

// A callback that fails gets the delivery refused (not 2xx), and the
// provider delivers it again.
func testWebhookRedelivery(t *testing.T, h Harness) {
	c := setup(t, h)
	c.requireOp(tokenize.OpProvisionNetworkToken)
	in := c.webhooks()
	nt := c.provision(h.Fixtures.VisaCard)
	attempts := c.env.Webhooks.WebhookAttempts()
	in.mu.Lock()
	in.failNext = 1
	in.mu.Unlock()
	require.NoError(t, c.env.Issuer.SetNetworkTokenState(nt.ID, tokenize.StateSuspended))
	c.settle()

	assert.Equal(t, []int{http.StatusInternalServerError, http.StatusOK}, in.answers(), "refused while the callback failed, then acknowledged")
	assert.Equal(t, attempts+2, c.env.Webhooks.WebhookAttempts(), "the provider delivered again")
	evs := in.received()
	require.Len(t, evs, 1)
	held := *nt
	applyOne(t, evs[0], &held, tokenize.EventStateChanged)
}
