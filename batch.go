package tokenize

import (
	"context"
	"iter"
	"time"

	"github.com/tokenize-go/tokenize/internal/stream"
)

// DefaultBatchConcurrency is the number of calls a batch keeps in flight
// when BatchOptions.Concurrency is zero: enough to hide network latency,
// few enough not to trip a provider's rate limit.
const DefaultBatchConcurrency = 8

// BatchOptions configures the Client's calls over many items:
// ProvisionNetworkTokens (a backfill) and SyncNetworkTokens (a sweep).
// The zero value runs DefaultBatchConcurrency calls at a time with no rate
// limit and no progress reports.
type BatchOptions struct {
	// Concurrency bounds the calls in flight; DefaultBatchConcurrency when
	// zero or negative.
	Concurrency int
	// RequestsPerSecond, when positive, bounds how fast requests are sent
	// to the provider, retries included. Set it below the limit the
	// provider gives your account, leaving room for your other traffic.
	// Whatever it is, a 429 (RateLimited) holds every worker back for the
	// Retry-After the provider sent (one second when it sent none) and the
	// item is sent again; with a rate set, the 429 also halves the rate
	// (at most once a second, never below a sixteenth of
	// RequestsPerSecond), which then grows back by a tenth of
	// RequestsPerSecond for every second without a 429.
	RequestsPerSecond float64
	// Burst is how many requests may go at once after a quiet spell, with
	// RequestsPerSecond; 1 (evenly spaced requests) when zero or negative.
	Burst int
	// Total is the number of items, when you know it, for Progress.ETA and
	// a percentage; zero when unknown.
	Total int
	// Progress, if set, is called each time an item is finished, whatever
	// its outcome, with the counts so far. It runs on the goroutine
	// ranging over the results, before that item's result is yielded, so
	// it needs no locking of its own; it is cheap enough to call for every
	// item (PERFORMANCE.md), and should return quickly.
	Progress func(Progress)
}

func (o BatchOptions) workers() int {
	if o.Concurrency <= 0 {
		return DefaultBatchConcurrency
	}
	return o.Concurrency
}

// Progress is how far a batch has got: the counts passed to
// BatchOptions.Progress. Every item is counted once, in Done, when it is
// finished; Failed, OutcomeUnknown, AlreadyExisted, Declined, Pending and
// Changed count kinds of finished items.
type Progress struct {
	// Total is BatchOptions.Total: the number of items, or 0 when unknown.
	Total int
	// Done is the number of items finished, whatever their outcome.
	Done int
	// Failed is the number of finished items whose result carries an
	// error; FailedWith breaks it down by Code.
	Failed int
	// OutcomeUnknown is the number of failed items whose request may have
	// taken effect (IsOutcomeUnknown): reconcile them before sending them
	// again.
	OutcomeUnknown int
	// AlreadyExisted is, for ProvisionNetworkTokens, the number of items
	// whose token existed before (NetworkToken.AlreadyExisted): done by an
	// earlier run.
	AlreadyExisted int
	// Declined is, for ProvisionNetworkTokens, the number of tokens the
	// scheme declined (StateDeclined): results, not failures.
	Declined int
	// Pending is, for ProvisionNetworkTokens, the number of tokens still
	// being made (StateRequested, where Capabilities.ProvisionMayBePending):
	// results to keep, which AwaitNetworkToken or a later
	// SyncNetworkTokens finishes.
	Pending int
	// Changed is, for SyncNetworkTokens, the number of tokens that
	// changed: the events yielded.
	Changed int
	// Elapsed is the time since the batch started.
	Elapsed time.Duration
	// RateLimit is the requests-per-second limit in force: the configured
	// BatchOptions.RequestsPerSecond, lower for a while after a 429, or 0
	// without one.
	RateLimit float64

	failed [len(codeNames)]int
}

// FailedWith returns the number of finished items that failed with code.
func (p Progress) FailedWith(code Code) int {
	if int(code) >= len(p.failed) {
		return 0
	}
	return p.failed[code]
}

// Failures yields each Code some items failed with and how many, in the
// order of the codes.
func (p Progress) Failures() iter.Seq2[Code, int] {
	return func(yield func(Code, int) bool) {
		for c, n := range p.failed {
			if n > 0 && !yield(Code(c), n) {
				return
			}
		}
	}
}

// Rate returns the items finished per second since the batch started.
func (p Progress) Rate() float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	return float64(p.Done) / p.Elapsed.Seconds()
}

// ETA returns the time left at the rate so far, or 0 when the total is
// unknown, nothing is finished yet, or everything is.
func (p Progress) ETA() time.Duration {
	if p.Total <= p.Done || p.Done == 0 || p.Elapsed <= 0 {
		return 0
	}
	return time.Duration(float64(p.Elapsed) * float64(p.Total-p.Done) / float64(p.Done))
}

// fail counts a failed item.
func (p *Progress) fail(err error) {
	p.Failed++
	if c := CodeOf(err); int(c) < len(p.failed) {
		p.failed[c]++
	}
	if IsOutcomeUnknown(err) {
		p.OutcomeUnknown++
	}
}

// ProvisionItem is one item of a backfill: the request, and your own key
// for it.
type ProvisionItem struct {
	// Key is your identifier of the item (a card's row id), returned with
	// its result so that you can write the token back to it. The Client
	// does not interpret it; it need not be unique, but write-back is
	// easiest when it is. Never a card number: it is not masked.
	Key string
	// Request is what to provision from.
	Request ProvisionNetworkTokenRequest
}

// ProvisionResult is the outcome of one item of ProvisionNetworkTokens.
// Exactly one of Token and Err is set.
type ProvisionResult struct {
	// Key is the item's ProvisionItem.Key. It is empty only for a failure
	// of the whole batch (the provider cannot provision network tokens),
	// which is then the only result.
	Key string
	// Token is the network token: a new one, or with AlreadyExisted set
	// the one an earlier call provisioned from the same source. A scheme
	// refusal is a token in StateDeclined, not an error; a token still
	// being made is in StateRequested (keep it: AwaitNetworkToken or a
	// later SyncNetworkTokens finishes it).
	Token *NetworkToken
	// Err is why the item was not provisioned, a *Error as from
	// ProvisionNetworkToken. With OutcomeUnknown set the request may have
	// taken effect: reconcile before sending the item again. Without it
	// nothing was provisioned and the item may be sent again; an item the
	// batch took but never sent, because ctx ended first, fails with
	// Canceled or DeadlineExceeded and Attempts 0.
	Err error
}

// rateLimitedRounds bounds how often a batch sends an item again after
// the provider kept answering 429 (each time after the Client's own
// retries, per the RetryPolicy). A 429 means the request was not
// processed, so sending it again is safe even where provisioning is not
// idempotent; between rounds every worker waits out the Retry-After, so a
// throttled batch slows down instead of reporting errors.
const rateLimitedRounds = 5

// rateLimitedPause is how long every worker of a batch waits after a 429
// that did not say how long to wait: long enough for a per-second limit
// to recover.
const rateLimitedPause = time.Second

// ProvisionNetworkTokens provisions a network token for every item — a
// backfill — and yields each item's result as it completes, with the
// item's Key, so that you can write the token back as it arrives:
//
//	opts := tokenize.BatchOptions{RequestsPerSecond: 50, Total: n, Progress: report}
//	for r := range client.ProvisionNetworkTokens(ctx, cards, opts) {
//		switch {
//		case r.Err == nil:
//			db.SaveNetworkToken(r.Key, r.Token.ID) // a rerun skips this key
//		case tokenize.IsOutcomeUnknown(r.Err):
//			db.MarkToReconcile(r.Key) // do not send it again blindly
//		default:
//			log.Printf("%s: %v", r.Key, r.Err) // nothing made: the next run sends it again
//		}
//	}
//
// Results come in completion order, not the order of items: a slow item
// holds up no other, and memory stays constant (input order would have
// to hold every result behind the slowest item in flight). The Key says
// which item each result belongs to.
//
// items is read lazily, at most opts.Concurrency items ahead of the
// results taken, so a million cards from a database cursor are provisioned
// in constant memory. Requests are paced by opts.RequestsPerSecond and
// Burst, and a 429 slows every worker down (see BatchOptions). One item's
// failure does not stop the others; an invalid item fails with
// InvalidArgument without being sent.
//
// Every item taken from items gets exactly one result. To stop early,
// cancel ctx and keep ranging: no further item is taken, an item waiting
// for its turn fails with ctx's error without being sent (Attempts 0), the
// requests in flight are aborted and their results yielded (a create that
// may have reached the provider with OutcomeUnknown). Items never taken
// get no result and were not sent: a rerun over the same input picks them
// up. Breaking out of the loop instead drops the results of up to
// opts.Concurrency items in flight, whose outcome you then do not know.
//
// Resuming: where provisioning is idempotent
// (Capabilities.ProvisionIsIdempotent: Checkout.com), a rerun over the
// whole input is safe, since what an earlier run made comes back with
// AlreadyExisted set and is counted as such in Progress. Where it is not
// (Nuvei, Worldpay), keep each Token.ID against its key as it arrives (for Nuvei it
// is the payment token the network token belongs to, what
// GetNetworkToken and RequestCryptogram take) and rerun over the items
// without one, leaving out those marked for reconciliation; setting each
// request's MerchantReference to the item's key lets you find an
// OutcomeUnknown item in the provider's records.
func (c *Client) ProvisionNetworkTokens(ctx context.Context, items iter.Seq[ProvisionItem], opts BatchOptions) iter.Seq[ProvisionResult] {
	return func(yield func(ProvisionResult) bool) {
		if !c.caps.Supports(OpProvisionNetworkToken) {
			yield(ProvisionResult{Err: c.finish(ctx, OpProvisionNetworkToken, callLog{}, c.unsupported(OpProvisionNetworkToken, ""), nil)})
			return
		}
		provision := func(ctx context.Context, it ProvisionItem) ProvisionResult {
			nt, err := untilNotRateLimited(ctx, func() (*NetworkToken, error) { return c.ProvisionNetworkToken(ctx, it.Request) })
			if err != nil {
				return ProvisionResult{Key: it.Key, Err: err}
			}
			return ProvisionResult{Key: it.Key, Token: nt}
		}
		count := func(p *Progress, r *ProvisionResult) bool {
			switch {
			case r.Err != nil:
				p.fail(r.Err)
			case r.Token.AlreadyExisted:
				p.AlreadyExisted++
			}
			if r.Token != nil {
				switch r.Token.State {
				case StateDeclined:
					p.Declined++
				case StateRequested:
					p.Pending++
				}
			}
			return true
		}
		runBatch(ctx, items, opts, provision, count)(yield)
	}
}

// runBatch is the engine of the Client's batches: it runs do for every
// item of in through stream.Map, at most opts.Concurrency at a time, with
// every request of every call paced by one Throttle, and yields the
// results for which count, having counted them into the Progress,
// returns true.
func runBatch[In, Out any](ctx context.Context, in iter.Seq[In], opts BatchOptions,
	do func(context.Context, In) Out, count func(*Progress, *Out) bool) iter.Seq[Out] {
	return func(yield func(Out) bool) {
		th := stream.NewThrottle(opts.RequestsPerSecond, opts.Burst)
		t := tally{p: Progress{Total: max(opts.Total, 0)}, start: time.Now(), th: th, report: opts.Progress}
		for r := range stream.Map(withThrottle(ctx, th), in, opts.workers(), do) {
			t.p.Done++
			keep := count(&t.p, &r)
			t.finished()
			if keep && !yield(r) {
				return
			}
		}
	}
}

// tally is a batch's running Progress.
type tally struct {
	p      Progress
	start  time.Time
	th     *stream.Throttle
	report func(Progress)
}

// finished reports the counts after an item was counted.
func (t *tally) finished() {
	if t.report != nil {
		t.p.Elapsed = time.Since(t.start)
		t.p.RateLimit = t.th.Limit()
		t.report(t.p)
	}
}

// untilNotRateLimited calls fn again while it fails with RateLimited, up to
// rateLimitedRounds times in all; the Throttle of the batch holds the next
// call back until the provider's Retry-After has passed.
func untilNotRateLimited[T any](ctx context.Context, fn func() (T, error)) (T, error) {
	for round := 1; ; round++ {
		v, err := fn()
		if CodeOf(err) != RateLimited || round >= rateLimitedRounds || ctx.Err() != nil {
			return v, err
		}
	}
}

type throttleKey struct{}

// withThrottle returns ctx carrying th, which call consults before every
// attempt and tells of every 429: how a batch paces the requests of its
// calls, retries included.
func withThrottle(ctx context.Context, th *stream.Throttle) context.Context {
	return context.WithValue(ctx, throttleKey{}, th)
}

func throttleOf(ctx context.Context) *stream.Throttle {
	th, _ := ctx.Value(throttleKey{}).(*stream.Throttle)
	return th
}
