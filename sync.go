package tokenize

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"iter"
	"time"
)

// SyncResult is what a sweep found for one token you hold: an event when
// the token changed, or the error that kept it from being read.
type SyncResult struct {
	// ID is the held token's ID. It is empty only for a failure of the
	// sweep itself (the provider cannot read network tokens), which is
	// then the only result.
	ID string
	// Event is the change found, nil when Err is set.
	Event *NetworkTokenEvent
	// Err is why the token could not be read, a *Error as from
	// GetNetworkToken. The sweep goes on with the other tokens; read this
	// one again in a later sweep.
	Err error
}

// SyncNetworkTokens reads every token in held again and yields what
// changed since the copy you hold: the same NetworkTokenEvent a webhook
// would bring, for providers that push nothing (Nuvei, Worldpay) and as a
// safety net for those that do. Give it your copies (ID and whatever you
// last saw: the token as you stored it after provisioning, reading it, or
// applying events); apply each event with NetworkTokenEvent.Apply.
//
// A token whose state or details differ yields one event whose Kind says
// precisely what changed, by the rule of Apply; a token the provider no
// longer knows (NotFound) yields EventDeleted; an unchanged token yields
// nothing; a token that cannot be read yields its error and the sweep goes
// on. Results come in completion order, not the order of held.
//
// NotFound means "not known to these credentials": a sweep run with
// another account's credentials (a sandbox key, the wrong processing
// entity) sees every token as deleted. Before acting on many deletions at
// once (purging tokens, re-provisioning), compare Progress.Changed with
// Progress.Done, or read one of them again with the credentials you
// expect.
//
// The sweep holds at most opts.Concurrency tokens at a time, reading held
// lazily as results are taken, so a million held tokens are swept in
// constant memory; stop early by breaking out of the loop. Reads are paced
// by opts.RequestsPerSecond and Burst as a backfill's provisioning is, and
// when the provider answers 429 (RateLimited), every worker waits for its
// Retry-After before the next read, and the token is read again (see
// BatchOptions). opts.Progress counts every token dealt with, unchanged
// ones included (Progress.Changed counts the events). When ctx ends, the
// reads in flight end with its error and no further token is read: check
// ctx.Err() after the loop to know whether the sweep covered everything.
func (c *Client) SyncNetworkTokens(ctx context.Context, held iter.Seq[NetworkToken], opts BatchOptions) iter.Seq[SyncResult] {
	return func(yield func(SyncResult) bool) {
		if !c.caps.Supports(OpGetNetworkToken) {
			e := c.unsupported(OpGetNetworkToken, "reading network tokens, which syncing needs")
			yield(SyncResult{Err: c.finish(ctx, OpGetNetworkToken, callLog{}, e, nil)})
			return
		}
		count := func(p *Progress, r *SyncResult) bool {
			switch {
			case r.Err != nil:
				p.fail(r.Err)
			case r.Event != nil:
				p.Changed++
			default:
				return false // unchanged
			}
			return true
		}
		runBatch(ctx, held, opts, c.syncOne, count)(yield)
	}
}

// syncOne reads one held token and compares it with the copy.
func (c *Client) syncOne(ctx context.Context, held NetworkToken) SyncResult {
	var readAt time.Time
	now, err := untilNotRateLimited(ctx, func() (*NetworkToken, error) {
		readAt = c.now()
		return c.GetNetworkToken(ctx, held.ID)
	})
	switch CodeOf(err) {
	case OK:
		return SyncResult{ID: held.ID, Event: c.syncEvent(&held, now, readAt)}
	case NotFound:
		gone := &NetworkToken{Provider: c.name, ID: held.ID, State: StateDeleted}
		return SyncResult{ID: held.ID, Event: c.syncEvent(&held, gone, readAt)}
	}
	return SyncResult{ID: held.ID, Err: err}
}

// syncEvent returns the event that reading now at readAt implies for held,
// or nil when nothing changed. Its time is readAt, or the provider's own
// time of the change when that is later: the copy's UpdatedAt may come
// from the provider's clock (Checkout.com's modified_on, a webhook's
// created_on), and a provider clock ahead of ours must not make a change
// read just after it look older than the copy.
func (c *Client) syncEvent(held, now *NetworkToken, readAt time.Time) *NetworkTokenEvent {
	kind := changeOf(held, now)
	if kind == EventNone {
		return nil
	}
	at := readAt
	if now.UpdatedAt.After(at) {
		at = now.UpdatedAt
	}
	return &NetworkTokenEvent{
		Provider:   c.name,
		ID:         syncEventID(c.name, held, now),
		OccurredAt: at,
		Kind:       kind,
		Token:      *now,
	}
}

// syncEventID derives an event id from the token, the copy it was
// compared with (its UpdatedAt included, so that a change that happens
// again after being applied gets a new id) and the fields read. The DPAN
// is left out: a hash of a card number is as good as the number to anyone
// who can enumerate a BIN's range, and the id is printed and logged.
func syncEventID(provider string, held, now *NetworkToken) string {
	h := sha256.New()
	str := func(s string) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	num := func(v int64) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(v))
		h.Write(n[:])
	}
	str(provider)
	str(held.ID)
	num(held.UpdatedAt.UnixNano())
	for _, t := range []*NetworkToken{held, now} {
		num(int64(t.State))
		num(int64(t.ExpiryMonth))
		num(int64(t.ExpiryYear))
		str(t.CardLast4)
		num(int64(t.CardExpiryMonth))
		num(int64(t.CardExpiryYear))
		str(t.PaymentAccountReference)
	}
	return "sync_" + hex.EncodeToString(h.Sum(nil)[:16])
}
