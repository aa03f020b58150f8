package tokenize_test

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

func heldSeq(tokens ...tokenize.NetworkToken) iter.Seq[tokenize.NetworkToken] {
	return slices.Values(tokens)
}

func collect(seq iter.Seq[tokenize.SyncResult]) map[string]tokenize.SyncResult {
	out := map[string]tokenize.SyncResult{}
	for r := range seq {
		out[r.ID] = r
	}
	return out
}

func TestSyncYieldsWhatChanged(t *testing.T) {
	p := newIssuer()
	base := tokenize.NetworkToken{State: tokenize.StateActive, Number: testDPAN, ExpiryMonth: 7, ExpiryYear: 2030,
		CardLast4: "1111", CardExpiryMonth: 12, CardExpiryYear: 2029}
	tok := func(id string, change func(*tokenize.NetworkToken)) tokenize.NetworkToken {
		nt := base
		nt.ID = id
		if change != nil {
			change(&nt)
		}
		return nt
	}
	p.set(tok("same", nil))
	p.set(tok("suspended", func(nt *tokenize.NetworkToken) { nt.State = tokenize.StateSuspended }))
	p.set(tok("reactivated", nil))
	p.set(tok("renewed", func(nt *tokenize.NetworkToken) { nt.ExpiryYear = 2033 }))
	p.set(tok("reissued", func(nt *tokenize.NetworkToken) { nt.CardLast4, nt.CardExpiryYear = "4242", 2032 }))
	p.set(tok("deactivated", func(nt *tokenize.NetworkToken) { nt.State = tokenize.StateInactive }))
	// "forgotten" is held but the provider no longer knows it.

	c := tokenize.New(p, clockAt(fixedNow))
	heldTokens := []tokenize.NetworkToken{
		tok("same", nil), tok("suspended", nil),
		tok("reactivated", func(nt *tokenize.NetworkToken) { nt.State = tokenize.StateSuspended }),
		tok("renewed", nil), tok("reissued", nil), tok("deactivated", nil), tok("forgotten", nil),
	}
	got := collect(c.SyncNetworkTokens(context.Background(), heldSeq(heldTokens...), tokenize.BatchOptions{}))

	want := map[string]tokenize.EventKind{
		"suspended": tokenize.EventStateChanged, "reactivated": tokenize.EventStateChanged,
		"renewed": tokenize.EventCardUpdated, "reissued": tokenize.EventCardUpdated,
		"deactivated": tokenize.EventDeleted, "forgotten": tokenize.EventDeleted,
	}
	require.Len(t, got, len(want), "an unchanged token yields nothing")
	for _, h := range heldTokens {
		kind, changed := want[h.ID]
		if !changed {
			continue
		}
		r := got[h.ID]
		require.NoError(t, r.Err, h.ID)
		require.NotNil(t, r.Event, h.ID)
		ev := r.Event
		assert.Equal(t, kind, ev.Kind, h.ID)
		assert.Equal(t, "fake", ev.Provider)
		assert.Equal(t, "fake", ev.Token.Provider)
		assert.Equal(t, h.ID, ev.Token.ID)
		assert.Equal(t, fixedNow, ev.OccurredAt, "a sync event's time is the read's")
		assert.Empty(t, ev.ProviderType)
		assert.Nil(t, ev.ProviderPayload())
		assert.Regexp(t, `^sync_[0-9a-f]{32}$`, ev.ID)
		// Applying it to the copy it was computed from reports the same.
		copyOf := h
		applied, ok := ev.Apply(&copyOf)
		assert.True(t, ok)
		assert.Equal(t, kind, applied, h.ID)
	}
	assert.Equal(t, tokenize.StateDeleted, got["forgotten"].Event.Token.State)

	// A second sweep from the same copies reports the same ids (a repeat);
	// one from the updated copies reports nothing.
	again := collect(c.SyncNetworkTokens(context.Background(), heldSeq(heldTokens...), tokenize.BatchOptions{}))
	updated := slices.Clone(heldTokens)
	for id, r := range got {
		assert.Equal(t, r.Event.ID, again[id].Event.ID, "the same change from the same copy has the same id")
		i := slices.IndexFunc(updated, func(h tokenize.NetworkToken) bool { return h.ID == id })
		r.Event.Apply(&updated[i])
	}
	assert.Empty(t, collect(c.SyncNetworkTokens(context.Background(), heldSeq(updated...), tokenize.BatchOptions{})))

	// The same change happening again after it was applied is a new event.
	p.set(tok("reactivated", func(nt *tokenize.NetworkToken) { nt.State = tokenize.StateSuspended }))
	i := slices.IndexFunc(updated, func(h tokenize.NetworkToken) bool { return h.ID == "reactivated" })
	resuspended := collect(c.SyncNetworkTokens(context.Background(), heldSeq(updated[i]), tokenize.BatchOptions{}))
	assert.NotEqual(t, got["reactivated"].Event.ID, resuspended["reactivated"].Event.ID)
}

// A provider whose clock runs ahead dates the change after our read: the
// event takes the later time, so that it still applies to a copy dated by
// that provider.
func TestSyncEventTimeIsNeverBeforeTheProviders(t *testing.T) {
	p := newIssuer()
	ahead := fixedNow.Add(5 * time.Second)
	p.set(tokenize.NetworkToken{ID: "nt_1", State: tokenize.StateSuspended, UpdatedAt: ahead})
	held := tokenize.NetworkToken{ID: "nt_1", State: tokenize.StateActive, UpdatedAt: fixedNow.Add(2 * time.Second)}
	c := tokenize.New(p, clockAt(fixedNow))
	got := collect(c.SyncNetworkTokens(context.Background(), heldSeq(held), tokenize.BatchOptions{}))
	ev := got["nt_1"].Event
	require.NotNil(t, ev)
	assert.Equal(t, ahead, ev.OccurredAt)
	changed, applied := ev.Apply(&held)
	assert.True(t, applied)
	assert.Equal(t, tokenize.EventStateChanged, changed)
}

func TestSyncBoundsConcurrencyAndReportsErrors(t *testing.T) {
	p := newIssuer()
	p.readDelay = 2 * time.Millisecond
	var heldTokens []tokenize.NetworkToken
	for i := range 60 {
		nt := tokenize.NetworkToken{ID: fmt.Sprintf("nt_%d", i), State: tokenize.StateActive}
		p.set(nt)
		nt.State = tokenize.StateSuspended
		heldTokens = append(heldTokens, nt)
	}
	heldTokens = append(heldTokens, tokenize.NetworkToken{ID: "bad/id"})
	c := tokenize.New(p)
	var progress []tokenize.Progress
	got := collect(c.SyncNetworkTokens(context.Background(), heldSeq(heldTokens...), tokenize.BatchOptions{Concurrency: 3,
		Progress: func(p tokenize.Progress) { progress = append(progress, p) }}))
	assert.Len(t, got, 61)
	require.Len(t, progress, 61, "Progress counts every token dealt with")
	assert.Equal(t, 61, progress[60].Done)
	assert.Equal(t, 60, progress[60].Changed)
	assert.Equal(t, 1, progress[60].Failed)
	assert.Equal(t, 1, progress[60].FailedWith(tokenize.InvalidArgument))
	assert.LessOrEqual(t, p.peak.Load(), int64(3))
	assert.Equal(t, int64(3), p.peak.Load())
	bad := got["bad/id"]
	assert.Nil(t, bad.Event)
	assert.Equal(t, tokenize.InvalidArgument, tokenize.CodeOf(bad.Err), "an invalid id is refused, nothing sent")
	assert.Equal(t, int64(60), p.reads.Load())
}

// A 429 holds every worker back for its Retry-After, and the token is read
// again rather than reported.
func TestSyncWaitsOutRateLimits(t *testing.T) {
	p := newIssuer()
	p.throttle, p.retryAfter = 1, 150*time.Millisecond
	var heldTokens []tokenize.NetworkToken
	for i := range 8 {
		nt := tokenize.NetworkToken{ID: fmt.Sprintf("nt_%d", i), State: tokenize.StateActive}
		p.set(nt)
		heldTokens = append(heldTokens, nt)
	}
	// No retries inside the Client: the sweep's own waiting is measured.
	c := tokenize.New(p, tokenize.WithRetryPolicy(tokenize.RetryPolicy{}))
	const workers = 4
	got := collect(c.SyncNetworkTokens(context.Background(), heldSeq(heldTokens...), tokenize.BatchOptions{Concurrency: workers}))
	assert.Empty(t, got, "nothing changed and the throttled read was repeated, not reported")
	require.Len(t, p.throttledAt, 1)
	require.Len(t, p.readAt, 8)
	// Only the reads already in flight when the 429 came may land during
	// the pause; every other worker waited.
	during := 0
	for _, at := range p.readAt {
		if d := at.Sub(p.throttledAt[0]); d >= 0 && d < 140*time.Millisecond {
			during++
		}
	}
	assert.LessOrEqual(t, during, workers-1, "reads went out during the pause")

	// Throttled beyond the rounds: the error is reported.
	p.throttle, p.retryAfter = 100, time.Millisecond
	got = collect(c.SyncNetworkTokens(context.Background(), heldSeq(heldTokens[0]), tokenize.BatchOptions{}))
	assert.Equal(t, tokenize.RateLimited, tokenize.CodeOf(got["nt_0"].Err))
}

func TestSyncCancellation(t *testing.T) {
	p := newIssuer()
	p.readDelay = time.Hour
	infinite := func(yield func(tokenize.NetworkToken) bool) {
		for i := 0; ; i++ {
			if !yield(tokenize.NetworkToken{ID: fmt.Sprintf("nt_%d", i)}) {
				return
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	c := tokenize.New(p)
	n := 0
	for r := range c.SyncNetworkTokens(ctx, infinite, tokenize.BatchOptions{Concurrency: 4}) {
		n++
		assert.Equal(t, tokenize.DeadlineExceeded, tokenize.CodeOf(r.Err), "in-flight reads end with the context's error")
	}
	assert.Equal(t, 4, n, "the reads in flight are reported, and nothing more is read")
	assert.Error(t, ctx.Err())
}

func TestSyncUnsupported(t *testing.T) {
	p := newIssuer()
	p.caps.Operations = []tokenize.Operation{tokenize.OpCreatePaymentToken}
	c := tokenize.New(p)
	var results []tokenize.SyncResult
	for r := range c.SyncNetworkTokens(context.Background(), heldSeq(tokenize.NetworkToken{ID: "nt_1"}, tokenize.NetworkToken{ID: "nt_2"}), tokenize.BatchOptions{}) {
		results = append(results, r)
	}
	require.Len(t, results, 1, "one failure for the sweep, not one per token")
	assert.Empty(t, results[0].ID)
	assert.ErrorIs(t, results[0].Err, tokenize.ErrUnsupported)
	assert.Zero(t, p.reads.Load())
}
