package conformance

import (
	"context"
	"fmt"
	"iter"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/faults"
)

// ProvisionCounter is implemented by a Simulator that counts, per card
// number, the network tokens it has provisioned (both simulators do). The
// Backfill cases count duplicates and lost items with it, where the tokens
// are made; without it they check only what the Client reports.
type ProvisionCounter interface {
	// NetworkTokensByCard returns how many network tokens the simulator
	// has provisioned from each card number, directly or through a
	// payment token, since it started or was last reset. A provision
	// answered with an existing token does not count.
	NetworkTokensByCard() map[string]int
}

// BackfillItemsEnv names the environment variable that sets the number of
// cards of the Backfill cases' fault run (backfillItems when unset), for
// the 10,000-card run of PERFORMANCE.md:
//
//	TOKENIZE_BACKFILL_ITEMS=10000 go test -v -count 1 -timeout 45m -run 'TestConformance$/Backfill/Faults' ./providers/...
const BackfillItemsEnv = "TOKENIZE_BACKFILL_ITEMS"

// Sizes of the Backfill cases in the ordinary suite: enough items for
// every fault of the matrix to hit several of them, few enough to run in
// seconds.
const (
	backfillItems = 170
	// backfillFaultEvery: one item in this many arms a fault of the
	// matrix, each on one request.
	backfillFaultEvery = 5
	// backfillTimeout bounds each call of the fault run (a Stall fault
	// lasts that long).
	backfillTimeout = 500 * time.Millisecond
)

// The rate case: a rate a machine sustains against a simulator on
// loopback many times over, even on two shared cores at a load of 10
// under the race detector, so that only the limiter decides the pace.
const (
	backfillRate      = 20.0
	backfillRateBurst = 8
	backfillRateItems = 48 // two seconds at the rate, after the first burst
)

// testBackfill runs the cases of Client.ProvisionNetworkTokens against the
// simulator: every item accounted for under the whole fault matrix and
// after a cancellation, counted at the simulator, and the rate limit kept.
func testBackfill(t *testing.T, h Harness) {
	t.Run("Faults", func(t *testing.T) { testBackfillFaults(t, h) })
	t.Run("CancelAndResume", func(t *testing.T) { testBackfillCancelAndResume(t, h) })
	t.Run("RateLimit", func(t *testing.T) { testBackfillRateLimit(t, h) })
	t.Run("RetryAfterHoldsEveryWorker", func(t *testing.T) { testBackfillRetryAfter(t, h) })
}

// backfill is one backfill under test: the items, and what the caller's
// database would hold after each run.
type backfill struct {
	c     *tc
	cards []tokenize.Card
	items []tokenize.ProvisionItem
	// byKey is the index of each key in items.
	byKey map[string]int
	// saved is the network token id written back per key; reconcile the
	// keys whose outcome is unknown.
	saved     map[string]string
	reconcile map[string]bool
}

// newBackfill prepares n distinct cards, provisioned from the card where
// the provider accepts one and from a payment token of it otherwise.
func (c *tc) newBackfill(n int) *backfill {
	c.t.Helper()
	c.requireOp(tokenize.OpProvisionNetworkToken)
	bf := &backfill{c: c, byKey: make(map[string]int, n), saved: map[string]string{}, reconcile: map[string]bool{}}
	for i := range n {
		card := BackfillCard(c.h.Fixtures.VisaCard, i)
		if bf.watched(i, n) {
			c.rec.sensitive("card number", card.Number.Reveal())
		}
		req := tokenize.ProvisionNetworkTokenRequest{Card: &card}
		if !c.caps.ProvisionFromCard {
			req = tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: c.createCard(card, "").ID}
		}
		key := "card-" + strconv.Itoa(i)
		bf.cards = append(bf.cards, card)
		bf.items = append(bf.items, tokenize.ProvisionItem{Key: key, Request: req})
		bf.byKey[key] = i
	}
	return bf
}

// backfillWatched bounds the items whose card number, DPAN and result the
// suite's recorder searches every log line for: the search costs lines
// times values, which for 10,000 items would take longer than the
// backfill. A spread sample of this many is watched.
const backfillWatched = 200

// watched reports whether item i of n is in the recorder's sample.
func (bf *backfill) watched(i, n int) bool {
	return i%max(1, n/backfillWatched) == 0
}

// BackfillCard returns the i-th card of a backfill: base with a distinct
// card number, a Visa number (49…, 16 digits, valid Luhn) that no
// simulator's test card uses, so that every item is a card of its own.
func BackfillCard(base tokenize.Card, i int) tokenize.Card {
	body := fmt.Sprintf("49%013d", i)
	base.Number = tokenize.PAN(body + strconv.Itoa(luhnDigit(body)))
	return base
}

// luhnDigit is the check digit that makes body+digit pass the Luhn check.
func luhnDigit(body string) int {
	sum := 0
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if (len(body)-1-i)%2 == 0 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return (10 - sum%10) % 10
}

// run provisions items and returns each key's one result and the last
// Progress; it fails the test on a second result for a key or a key not
// asked for.
func (bf *backfill) run(ctx context.Context, items iter.Seq[tokenize.ProvisionItem], opts tokenize.BatchOptions) (map[string]tokenize.ProvisionResult, tokenize.Progress) {
	t := bf.c.t
	t.Helper()
	var last tokenize.Progress
	report := opts.Progress
	opts.Progress = func(p tokenize.Progress) {
		last = p
		if report != nil {
			report(p)
		}
	}
	got := map[string]tokenize.ProvisionResult{}
	for r := range bf.c.env.Client.ProvisionNetworkTokens(ctx, items, opts) {
		_, known := bf.byKey[r.Key]
		require.True(t, known, "a result for key %q, which no item has: %v", r.Key, r.Err)
		_, dup := got[r.Key]
		require.False(t, dup, "a second result for %s", r.Key)
		got[r.Key] = r
		if bf.watched(bf.byKey[r.Key], len(bf.items)) {
			bf.c.note(r.Token, r.Err)
			bf.c.noteToken(r.Token)
		}
	}
	return got, last
}

// Reconciling waits for the simulator to settle: a request the Client
// abandoned (cancelled, timed out) may still be carried out after the
// batch returned, as at a real provider, so its count is read once no
// count has moved for settleQuiet, or after settleMax.
const (
	settleQuiet = 100 * time.Millisecond
	settleMax   = 3 * time.Second
)

// counts returns the simulator's count of network tokens per card of the
// backfill once it has settled, or nil without a ProvisionCounter.
func (bf *backfill) counts() []int {
	pc, ok := bf.c.env.Sim.(ProvisionCounter)
	if !ok {
		return nil
	}
	read := func() []int {
		byCard := pc.NetworkTokensByCard()
		out := make([]int, len(bf.cards))
		for i, card := range bf.cards {
			out[i] = byCard[card.Number.Reveal()]
		}
		return out
	}
	cur := read()
	for deadline := time.Now().Add(settleMax); time.Now().Before(deadline); {
		time.Sleep(settleQuiet)
		next := read()
		if slices.Equal(cur, next) {
			break
		}
		cur = next
	}
	return cur
}

// check verifies one run's results against the simulator's counts
// (nil: not available) and writes back what a caller would: the token of
// each item provisioned, the keys to reconcile.
func (bf *backfill) check(results map[string]tokenize.ProvisionResult, counts []int, last tokenize.Progress) (ok, failed, unknown int) {
	t := bf.c.t
	t.Helper()
	idempotent := bf.c.caps.ProvisionIsIdempotent
	ids := map[string]string{}
	for key, r := range results {
		i := bf.byKey[key]
		if r.Err == nil {
			ok++
			require.NotNil(t, r.Token, key)
			require.NotEmpty(t, r.Token.ID, key)
			if other, dup := ids[r.Token.ID]; dup {
				t.Errorf("%s and %s got the same token %s", key, other, r.Token.ID)
			}
			ids[r.Token.ID] = key
			bf.saved[key] = r.Token.ID
			delete(bf.reconcile, key)
			if counts != nil {
				assert.Equal(t, 1, counts[i], "%s: provisioned, so exactly one token at the simulator", key)
			}
			continue
		}
		failed++
		assert.Nil(t, r.Token, key)
		if tokenize.IsOutcomeUnknown(r.Err) {
			unknown++
			bf.reconcile[key] = true
		}
		if counts == nil {
			continue
		}
		switch {
		case counts[i] > 1:
			t.Errorf("%s: %d tokens at the simulator: a duplicate", key, counts[i])
		case !idempotent && !tokenize.IsOutcomeUnknown(r.Err) && counts[i] != 0:
			t.Errorf("%s: failed with %v, without OutcomeUnknown, yet the simulator made its token", key, r.Err)
		}
	}
	assert.Equal(t, len(results), last.Done, "Progress.Done")
	assert.Equal(t, failed, last.Failed, "Progress.Failed")
	assert.Equal(t, unknown, last.OutcomeUnknown, "Progress.OutcomeUnknown")
	return ok, failed, unknown
}

// resume returns the items a rerun sends, as the caller's database would
// select them: every item where provisioning is idempotent (what was made
// comes back as AlreadyExisted); otherwise the items without a saved token,
// after reconciling those whose outcome was unknown with the simulator's
// counts (a caller looks in the provider's records, found by the
// MerchantReference it set).
func (bf *backfill) resume(counts []int) iter.Seq[tokenize.ProvisionItem] {
	if bf.c.caps.ProvisionIsIdempotent {
		return func(yield func(tokenize.ProvisionItem) bool) {
			for _, it := range bf.items {
				if !yield(it) {
					return
				}
			}
		}
	}
	if counts == nil && len(bf.reconcile) > 0 {
		bf.c.t.Skipf("%d outcomes to reconcile, and no ProvisionCounter on the simulator to reconcile them with: the rerun is not checked",
			len(bf.reconcile))
	}
	for key := range bf.reconcile {
		if counts[bf.byKey[key]] == 1 {
			bf.saved[key] = "(reconciled)"
		}
		delete(bf.reconcile, key)
	}
	return func(yield func(tokenize.ProvisionItem) bool) {
		for _, it := range bf.items {
			if _, done := bf.saved[it.Key]; done {
				continue
			}
			if !yield(it) {
				return
			}
		}
	}
}

// finish reruns what resume selects with no fault armed and checks the
// end state: every item has its token, and the simulator holds exactly one
// per card: no duplicate, no item lost.
func (bf *backfill) finish(counts []int) {
	t := bf.c.t
	t.Helper()
	before := map[string]string{}
	for k, v := range bf.saved {
		before[k] = v
	}
	// A deadline of its own: the fault run's short per-call timeout (for
	// stalls) applies only to calls whose context has none, and a loaded
	// machine must not fail a rerun that has no fault to recover from.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	results, last := bf.run(ctx, bf.resume(counts), tokenize.BatchOptions{})
	ok, failed, _ := bf.check(results, nil, last)
	assert.Zero(t, failed, "the rerun, with no fault, provisions everything")
	for key, r := range results {
		if r.Err != nil {
			t.Errorf("%s: rerun: %v", key, r.Err)
			continue
		}
		prev, had := before[key]
		if bf.c.caps.ProvisionIsIdempotent && had {
			assert.True(t, r.Token.AlreadyExisted, "%s: provisioned by the first run, so existing now", key)
			assert.Equal(t, prev, r.Token.ID, "%s: the same token as the first run's", key)
		}
		if counts != nil && counts[bf.byKey[key]] == 1 {
			assert.True(t, r.Token.AlreadyExisted, "%s: made by the first run although it failed there", key)
		}
	}
	assert.Len(t, bf.saved, len(bf.items), "every item has its token")
	t.Logf("rerun: %d items sent again, %d came back as already existing", ok, last.AlreadyExisted)
	if final := bf.counts(); final != nil {
		dups, lost := 0, 0
		for i, n := range final {
			switch {
			case n > 1:
				dups++
				t.Errorf("%s: %d tokens at the simulator", bf.items[i].Key, n)
			case n == 0:
				lost++
				t.Errorf("%s: no token at the simulator", bf.items[i].Key)
			}
		}
		t.Logf("at the simulator: %d cards, %d duplicates, %d lost", len(final), dups, lost)
	}
}

// testBackfillFaults runs a backfill with the suite's fault matrix armed
// on one request in backfillFaultEvery, round the matrix, then resumes it
// as a caller would: every item ends with exactly one token at the
// simulator.
func testBackfillFaults(t *testing.T, h Harness) {
	c := setup(t, h, tokenize.WithRetryPolicy(faultPolicy), tokenize.WithTimeout(backfillTimeout))
	c.skipUnlessSim()
	inj := c.faults()
	n := backfillItems
	if v := os.Getenv(BackfillItemsEnv); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(t, err, BackfillItemsEnv)
	}
	c.warm()
	bf := c.newBackfill(n)
	if _, ok := c.env.Sim.(ProvisionCounter); !ok {
		t.Log("the simulator has no ProvisionCounter: the results are checked, not the tokens it holds")
	}
	matrix := FaultMatrix()
	before := inj.Injected()
	// Each fault is armed as an item is taken and hits one request, that
	// item's or another's in flight: faults spread over the whole run.
	faulty := func(yield func(tokenize.ProvisionItem) bool) {
		for i, it := range bf.items {
			if i%backfillFaultEvery == 0 {
				f := matrix[(i/backfillFaultEvery)%len(matrix)].Fault
				f.Times, f.Method = 1, "POST"
				inj.Inject(f)
			}
			if !yield(it) {
				return
			}
		}
	}
	start := time.Now()
	results, last := bf.run(context.Background(), faulty, tokenize.BatchOptions{Total: n})
	elapsed := time.Since(start)
	inj.Clear()
	injected := inj.Injected() - before
	require.Len(t, results, n, "every item has a result")
	counts := bf.counts()
	ok, failed, unknown := bf.check(results, counts, last)
	assert.Positive(t, injected, "no fault hit a request")
	var codes []string
	for code, k := range last.Failures() {
		codes = append(codes, fmt.Sprintf("%s %d", code, k))
	}
	t.Logf("%d items in %v, %d faults injected: %d provisioned (%d already existing), %d failed %v, %d of them with outcome unknown",
		n, elapsed.Round(time.Millisecond), injected, ok, last.AlreadyExisted, failed, codes, unknown)
	bf.finish(counts)
}

// testBackfillCancelAndResume cancels a paced backfill a third of the way
// through: it stops promptly, every item taken has exactly one result and
// no other item was sent; a rerun finishes the job without a duplicate.
func testBackfillCancelAndResume(t *testing.T, h Harness) {
	c := setup(t, h)
	c.skipUnlessSim()
	c.warm()
	const n = 90
	bf := c.newBackfill(n)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var canceledAt time.Time
	taken := 0
	items := func(yield func(tokenize.ProvisionItem) bool) {
		for _, it := range bf.items {
			taken++
			if !yield(it) {
				return
			}
		}
	}
	opts := tokenize.BatchOptions{RequestsPerSecond: 120, Burst: 1, Progress: func(p tokenize.Progress) {
		if p.Done == n/3 {
			canceledAt = time.Now()
			cancel()
		}
	}}
	results, last := bf.run(ctx, items, opts)
	stopped := time.Since(canceledAt)
	assert.Less(t, stopped, time.Second, "a canceled backfill stops promptly")
	assert.Less(t, taken, n, "items after the cancellation are not taken")
	assert.Len(t, results, taken, "every item taken has exactly one result")
	counts := bf.counts()
	notSent := 0
	for key, r := range results {
		var e *tokenize.Error
		if r.Err != nil && assert.ErrorAs(t, r.Err, &e) && e.Attempts == 0 {
			notSent++
			assert.Equal(t, tokenize.Canceled, e.Code, "%s: never sent, because of the cancellation", key)
			if counts != nil {
				assert.Zero(t, counts[bf.byKey[key]], "%s: reported not sent, yet provisioned", key)
			}
		}
	}
	if counts != nil {
		for i := taken; i < n; i++ {
			assert.Zero(t, counts[i], "%s: never taken, yet provisioned", bf.items[i].Key)
		}
	}
	ok, failed, unknown := bf.check(results, counts, last)
	t.Logf("canceled after %d results, stopped %v later: %d taken, %d provisioned, %d failed (%d never sent, %d with outcome unknown)",
		n/3, stopped.Round(time.Millisecond), taken, ok, failed, notSent, unknown)
	bf.finish(counts)
}

// testBackfillRateLimit provisions at a configured rate the simulator
// serves many times over: the requests go out at that rate, within 5 %.
//
// The rate is measured where the limiter acts, at the moment each request
// is sent (an Observer's StartAttempt, which the Client calls once the
// batch's Throttle lets the request go), not at completions, which add the
// loaded machine's latency to every point. And it is the median of the
// slopes between every two send times after the first burst (Theil–Sen),
// not the span between the first and the last: on two shared cores a
// goroutine woken 100 ms late is common, and at either end of a two-second
// span it moves a two-point estimate by 5 % (the case once measured 21.2/s
// against 20 that way). Lateness only ever delays a request past its
// turn, so a few late points are outliers the median ignores, while a
// limiter that ran 5 % fast or slow would move every slope. Every item
// is in flight from the start (Concurrency is the number of items), so
// each holds its turn from the first moment and a worker slow to come
// back for the next item, on a starved machine, cannot push the turns
// themselves later: only the limiter spaces them. Measured this way, 60
// runs under -race at load 17 on two cores gave 19.94–20.08/s; with 16 in
// flight and a least-squares line through the completions, 18.6–22.6/s.
func testBackfillRateLimit(t *testing.T, h Harness) {
	sends := &sendTimes{}
	c := setup(t, h, tokenize.WithObserver(sends))
	c.skipUnlessSim()
	c.warm()
	bf := c.newBackfill(backfillRateItems)
	var done []time.Duration // Progress.Elapsed at each completion
	start := time.Now()
	results, last := bf.run(context.Background(), func(yield func(tokenize.ProvisionItem) bool) {
		for _, it := range bf.items {
			if !yield(it) {
				return
			}
		}
	}, tokenize.BatchOptions{Concurrency: backfillRateItems, RequestsPerSecond: backfillRate, Burst: backfillRateBurst,
		Progress: func(p tokenize.Progress) { done = append(done, p.Elapsed) }})
	_, failed, _ := bf.check(results, bf.counts(), last)
	require.Zero(t, failed)
	require.Len(t, done, backfillRateItems)
	sent := sends.since(start)
	require.Len(t, sent, backfillRateItems, "one request per item: no retry, no 429")
	// The first burst goes at once; every later request waits its turn,
	// 1/rate after the one before.
	rate := 1 / medianSlope(sent[backfillRateBurst:])
	completed := 1 / medianSlope(done[backfillRateBurst:])
	t.Logf("%d items, %.2f requests/s sent after the first burst, %.2f/s completed (limit %.0f/s, burst %d); %v in all",
		backfillRateItems, rate, completed, backfillRate, backfillRateBurst, last.Elapsed.Round(time.Millisecond))
	if !assert.InDelta(t, backfillRate, rate, backfillRate*0.05, "requests/s against the limit") {
		t.Logf("send times: %v", sent)
	}
	assert.Equal(t, backfillRate, last.RateLimit, "no 429, so the rate was never cut")
}

// The Retry-After case: a paced backfill one of whose requests the
// simulator answers 429 with a Retry-After of backfillRetryAfter.
const (
	backfillRetryAfter      = time.Second
	backfillRetryAfterItems = 60
	backfillRetryAfterRate  = 40.0
	// backfillRetryAfterAt is the item whose taking arms the 429.
	backfillRetryAfterAt = 20
	// backfillPauseSlack is how far into the pause, at either end, a
	// request is allowed: one that the Throttle let go just before the
	// 429 arrived may reach StartAttempt just after on a loaded machine.
	backfillPauseSlack = 100 * time.Millisecond
)

// testBackfillRetryAfter answers one request of a paced backfill 429 with
// a Retry-After, at the simulator: no worker sends anything while the
// pause lasts (not just the one that saw the 429), the rate is halved,
// and every item still gets its one token, the throttled one sent again.
func testBackfillRetryAfter(t *testing.T, h Harness) {
	sends := &sendTimes{}
	c := setup(t, h, tokenize.WithObserver(sends))
	c.skipUnlessSim()
	inj := c.faults()
	c.warm()
	bf := c.newBackfill(backfillRetryAfterItems)
	retryAfter := strconv.Itoa(int(backfillRetryAfter / time.Second))
	items := func(yield func(tokenize.ProvisionItem) bool) {
		for i, it := range bf.items {
			if i == backfillRetryAfterAt {
				inj.Inject(faults.Fault{Kind: faults.Status, Status: 429, RetryAfter: retryAfter, Body: `{}`, Times: 1, Method: "POST"})
			}
			if !yield(it) {
				return
			}
		}
	}
	minLimit := backfillRetryAfterRate
	start := time.Now()
	results, last := bf.run(context.Background(), items, tokenize.BatchOptions{
		Concurrency: 8, RequestsPerSecond: backfillRetryAfterRate, Burst: 1,
		Progress: func(p tokenize.Progress) { minLimit = min(minLimit, p.RateLimit) }})
	_, failed, _ := bf.check(results, bf.counts(), last)
	assert.Zero(t, failed, "a 429 is waited out and the item sent again, not reported")
	limited := sends.rateLimitedSince(start)
	require.Len(t, limited, 1, "the simulator answered one request 429")
	sent := sends.since(start)
	assert.Len(t, sent, backfillRetryAfterItems+1, "every item sent once, the throttled one twice")
	from, until := limited[0]+backfillPauseSlack, limited[0]+backfillRetryAfter-backfillPauseSlack
	during, after := 0, 0
	for _, d := range sent {
		switch {
		case d > from && d < until:
			during++
		case d >= until:
			after++
		}
	}
	t.Logf("429 at %v: %d requests sent in the %v pause, %d after it; rate cut to %.0f/s (limit %.0f/s)",
		limited[0].Round(time.Millisecond), during, backfillRetryAfter, after, minLimit, backfillRetryAfterRate)
	if !assert.Zero(t, during, "requests sent while the provider asked every caller to wait") {
		t.Logf("send times: %v", sent)
	}
	assert.Greater(t, after, 1, "the other items went on after the pause")
	assert.Equal(t, backfillRetryAfterRate/2, minLimit, "the 429 halved the rate")
}

// medianSlope returns the Theil–Sen estimate of the seconds per step of
// times (sorted, one per step): the median of the slopes between every
// two of them. Late points (a goroutine woken late) pull a least-squares
// line along; the median of the pairwise slopes ignores up to a quarter
// of them, while every slope moves when the spacing itself is off.
func medianSlope(times []time.Duration) float64 {
	var slopes []float64
	for i := range times {
		for j := i + 1; j < len(times); j++ {
			slopes = append(slopes, (times[j]-times[i]).Seconds()/float64(j-i))
		}
	}
	slices.Sort(slopes)
	return slopes[len(slopes)/2]
}

// sendTimes is an Observer recording when each provisioning request is
// sent (the start of each attempt of ProvisionNetworkToken) and when each
// answer 429 came back (the end of an attempt failing RateLimited).
type sendTimes struct {
	mu          sync.Mutex
	at          []time.Time
	rateLimited []time.Time
}

// since returns the send times, sorted, as durations from start.
func (s *sendTimes) since(start time.Time) []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedSince(s.at, start)
}

// rateLimitedSince returns when the 429s came back, sorted, as durations
// from start.
func (s *sendTimes) rateLimitedSince(start time.Time) []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedSince(s.rateLimited, start)
}

func sortedSince(times []time.Time, start time.Time) []time.Duration {
	out := make([]time.Duration, len(times))
	for i, at := range times {
		out[i] = at.Sub(start)
	}
	slices.Sort(out)
	return out
}

// ObserveCall implements tokenize.Observer: it follows provisioning calls.
func (s *sendTimes) ObserveCall(ctx context.Context, call tokenize.CallStart) (context.Context, tokenize.CallObserver) {
	if call.Operation != tokenize.OpProvisionNetworkToken {
		return ctx, nil
	}
	return ctx, sendObserver{s}
}

// sendObserver records the attempts of one call.
type sendObserver struct{ s *sendTimes }

func (o sendObserver) StartAttempt(ctx context.Context, _ int) context.Context {
	now := time.Now()
	o.s.mu.Lock()
	o.s.at = append(o.s.at, now)
	o.s.mu.Unlock()
	return ctx
}

func (sendObserver) Response(context.Context, tokenize.ResponseInfo) {}

func (sendObserver) TokenFetch(ctx context.Context, _ tokenize.TokenFetch) (context.Context, func(error)) {
	return ctx, func(error) {}
}

func (o sendObserver) EndAttempt(_ context.Context, _ int, err error) {
	if tokenize.CodeOf(err) != tokenize.RateLimited {
		return
	}
	now := time.Now()
	o.s.mu.Lock()
	o.s.rateLimited = append(o.s.rateLimited, now)
	o.s.mu.Unlock()
}

func (sendObserver) End(context.Context, tokenize.CallEnd) {}
