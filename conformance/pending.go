package conformance

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

// pendingAwait polls fast: the simulators issue a pending token as soon as
// the suite says so.
var pendingAwait = tokenize.AwaitOptions{Interval: 10 * time.Millisecond, MaxInterval: 50 * time.Millisecond}

// testPending checks the asynchronous provisioning path of providers
// declaring Capabilities.ProvisionMayBePending: a provisioning that
// answers before the token exists is a StateRequested token without a
// DPAN, which serves no payment yet; Client.AwaitNetworkToken finishes it
// within the caller's deadline, and SyncNetworkTokens reports its issue as
// a state change. The issuing itself is the scheme's: Env.Issuer makes the
// token active.
func testPending(t *testing.T, h Harness) {
	t.Run("Requested", func(t *testing.T) {
		c, nt := setupPending(t, h)
		assert.Empty(t, nt.Number.Reveal(), "a requested token has no DPAN yet")
		assert.True(t, nt.UsePAN(), "a requested token says: use the card until it is issued")
		assert.False(t, nt.AlreadyExisted)
		if c.caps.Supports(tokenize.OpGetNetworkToken) {
			got, err := c.env.Client.GetNetworkToken(c.ctx, nt.ID)
			c.noteToken(got)
			require.NoError(t, c.note(got, err))
			assert.Equal(t, tokenize.StateRequested, got.State, "reading it again before it is issued")
			assert.Empty(t, got.Number.Reveal())
		}
		if c.caps.Supports(tokenize.OpRequestCryptogram) {
			_, err := c.cryptogram(nt.ID, c.firstTransactionType())
			assertUsePAN(t, err, tokenize.FailedPrecondition, "cryptogram for a requested token")
		}
	})
	t.Run("AwaitIssued", func(t *testing.T) {
		c, nt := setupPending(t, h)
		c.requireIssuer()
		c.requireOp(tokenize.OpGetNetworkToken)
		issued := make(chan error, 1)
		time.AfterFunc(100*time.Millisecond, func() { issued <- c.env.Issuer.SetNetworkTokenState(nt.ID, tokenize.StateActive) })
		ctx, cancel := context.WithTimeout(c.ctx, 10*time.Second)
		defer cancel()
		got, err := c.env.Client.AwaitNetworkToken(ctx, nt.ID, pendingAwait)
		c.noteToken(got)
		require.NoError(t, <-issued, "the scheme issuing the token")
		require.NoError(t, c.note(got, err), "AwaitNetworkToken")
		assertActiveToken(t, h.Provider, h.Fixtures.PendingCard, nt.Scheme, got)
		assert.Equal(t, nt.ID, got.ID, "the issued token is the one that was requested")
		if c.caps.Supports(tokenize.OpRequestCryptogram) {
			cg, err := c.cryptogram(got.ID, c.firstTransactionType())
			require.NoError(t, err, "a cryptogram once the token is issued")
			assert.NotEmpty(t, cg.Value.Reveal())
		}
	})
	t.Run("AwaitDeadline", func(t *testing.T) {
		c, nt := setupPending(t, h)
		c.skipUnlessSim() // a live token may be issued within the wait
		c.requireOp(tokenize.OpGetNetworkToken)
		// One read first, to count the requests a read takes.
		before := c.env.Sim.Requests()
		read, err := c.env.Client.GetNetworkToken(c.ctx, nt.ID)
		c.noteToken(read)
		require.NoError(t, c.note(read, err))
		perRead := c.env.Sim.Requests() - before
		// The deadline passes once the simulator has a request of the
		// second read, so the first has answered: a fixed 300 ms could
		// pass before one read answered on a loaded machine, and then
		// there is no token to return.
		ctx := deadlineAfterRequests(t, c.env.Sim, perRead+1)
		got, err := c.env.Client.AwaitNetworkToken(ctx, nt.ID, pendingAwait)
		require.False(t, ctx.passedAt().IsZero(), "AwaitNetworkToken returned before its deadline: %v", err)
		assert.Less(t, time.Since(ctx.passedAt()), promptBound, "the caller's deadline bounds the wait")
		assertCode(t, tokenize.DeadlineExceeded, c.note(nil, err), "AwaitNetworkToken past the deadline")
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		if assert.NotNil(t, got, "the last token read comes back with the error") {
			c.noteToken(got)
			c.rec.value(got)
			assert.Equal(t, tokenize.StateRequested, got.State)
			assert.Equal(t, nt.ID, got.ID)
		}
	})
	t.Run("SyncIssued", func(t *testing.T) {
		c, nt := setupPending(t, h)
		c.requireIssuer()
		c.requireOp(tokenize.OpGetNetworkToken)
		held := *nt
		assert.Empty(t, c.sync(held), "a token still requested has not changed")
		require.NoError(t, c.env.Issuer.SetNetworkTokenState(held.ID, tokenize.StateActive), "the scheme issuing the token")
		rs := c.sync(held)
		require.Len(t, rs, 1, "the issued token is one change")
		require.NoError(t, rs[0].Err)
		require.NotNil(t, rs[0].Event)
		assert.Equal(t, tokenize.EventStateChanged, rs[0].Event.Kind, "requested to active is a state change")
		applyOne(t, rs[0].Event, &held, tokenize.EventStateChanged)
		assert.Equal(t, tokenize.StateActive, held.State)
		assert.NotEmpty(t, held.Number.Reveal(), "the copy gains the DPAN")
		assert.False(t, held.UsePAN())
		assert.Empty(t, c.sync(held), "a second sweep from the updated copy")
	})
	t.Run("AwaitSettled", func(t *testing.T) {
		// Every provider that reads network tokens: a token that is not
		// requested comes back after one read.
		c := setup(t, h)
		c.requireOp(tokenize.OpProvisionNetworkToken)
		c.requireOp(tokenize.OpGetNetworkToken)
		nt := c.provision(h.Fixtures.VisaCard)
		before := c.requests()
		got, err := c.env.Client.AwaitNetworkToken(c.ctx, nt.ID, pendingAwait)
		c.noteToken(got)
		require.NoError(t, c.note(got, err))
		assert.Equal(t, ntView(nt), ntView(got))
		if before >= 0 {
			assert.LessOrEqual(t, c.env.Sim.Requests()-before, int64(2), "one read (two where reading a token takes two requests)")
		}
		_, err = c.env.Client.AwaitNetworkToken(c.ctx, h.Fixtures.UnknownNetworkTokenID, pendingAwait)
		assertCode(t, tokenize.NotFound, c.note(nil, err), "AwaitNetworkToken(unknown id)")
	})
}

// setupPending provisions the pending fixture card and checks that the
// answer is a requested token; it skips, with its reason, where the
// provider or the harness cannot.
func setupPending(t *testing.T, h Harness) (*tc, *tokenize.NetworkToken) {
	t.Helper()
	c := setup(t, h)
	c.requireOp(tokenize.OpProvisionNetworkToken)
	if !c.caps.ProvisionMayBePending {
		t.Skipf("%s does not declare ProvisionMayBePending: its provisioning answers with the token", h.Provider)
	}
	if h.Fixtures.PendingCard.Number == "" {
		t.Skip("Fixtures.PendingCard is not set: no card known to take the asynchronous path")
	}
	c.rec.card(h.Fixtures.PendingCard)
	nt, err := c.env.Client.ProvisionNetworkToken(c.ctx, c.provisionRequest(h.Fixtures.PendingCard))
	c.noteToken(nt)
	require.NoError(t, c.note(nt, err), "a provisioning answered before the token exists is not an error")
	require.Equal(t, tokenize.StateRequested, nt.State, "the pending card's token is requested")
	assert.Equal(t, h.Provider, nt.Provider)
	assert.NotEmpty(t, nt.ID, "a requested token has the id to finish it with")
	return c, nt
}

// requestDeadline is a context whose deadline passes when the simulator
// has received a number of requests (or, as a backstop, after
// requestDeadlineBackstop): the case needs the deadline to fall after a
// read has answered, which no fixed duration promises on a loaded
// machine.
type requestDeadline struct {
	context.Context
	deadline time.Time
	done     chan struct{}
	once     sync.Once
	mu       sync.Mutex
	at       time.Time
}

// requestDeadlineBackstop ends the wait of a harness whose simulator does
// not count the requests the case waits for.
const requestDeadlineBackstop = 10 * time.Second

// deadlineAfterRequests returns a context whose deadline passes once sim
// has received n more requests. It watches until the test ends.
func deadlineAfterRequests(t *testing.T, sim Simulator, n int64) *requestDeadline {
	ctx := &requestDeadline{Context: context.Background(), deadline: time.Now().Add(requestDeadlineBackstop), done: make(chan struct{})}
	start := sim.Requests()
	stop := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if sim.Requests()-start >= n || time.Now().After(ctx.deadline) {
					ctx.pass()
					return
				}
			}
		}
	}()
	t.Cleanup(func() { close(stop); <-finished })
	return ctx
}

func (c *requestDeadline) pass() {
	c.once.Do(func() {
		c.mu.Lock()
		c.at = time.Now()
		c.mu.Unlock()
		close(c.done)
	})
}

// passedAt returns when the deadline passed, or the zero time.
func (c *requestDeadline) passedAt() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at
}

func (c *requestDeadline) Deadline() (time.Time, bool) { return c.deadline, true }
func (c *requestDeadline) Done() <-chan struct{}       { return c.done }
func (c *requestDeadline) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}
