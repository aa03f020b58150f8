package tokenize_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

// pendingProvider answers ProvisionNetworkToken with a requested token,
// which reads as requested until the scheme issues it: after readyAfter
// reads, or when issue is called.
type pendingProvider struct {
	*fakeProvider
	mu         sync.Mutex
	reads      int
	readyAfter int // 0: only issue makes it active
	issued     bool
	final      tokenize.NetworkTokenState
	gone       bool
	onRead     func(n int) // called with each read's number, if set
}

func newPending(readyAfter int) *pendingProvider {
	f := newFake()
	f.caps.ProvisionMayBePending = true
	return &pendingProvider{fakeProvider: f, readyAfter: readyAfter, final: tokenize.StateActive}
}

func (p *pendingProvider) ProvisionNetworkToken(ctx context.Context, req *tokenize.ProvisionNetworkTokenRequest) (*tokenize.NetworkToken, error) {
	return &tokenize.NetworkToken{ID: "nt_pending", State: tokenize.StateRequested, Scheme: tokenize.SchemeMDES}, nil
}

func (p *pendingProvider) GetNetworkToken(ctx context.Context, id string) (*tokenize.NetworkToken, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reads++
	if p.onRead != nil {
		p.onRead(p.reads)
	}
	if p.gone {
		return nil, &tokenize.Error{Code: tokenize.NotFound, HTTPStatus: 404}
	}
	if p.issued || (p.readyAfter > 0 && p.reads >= p.readyAfter) {
		nt := &tokenize.NetworkToken{ID: id, State: p.final, Scheme: tokenize.SchemeMDES}
		if p.final == tokenize.StateActive {
			nt.Number, nt.ExpiryMonth, nt.ExpiryYear = testDPAN, 12, 2031
		}
		return nt, nil
	}
	return &tokenize.NetworkToken{ID: id, State: tokenize.StateRequested, Scheme: tokenize.SchemeMDES}, nil
}

func (p *pendingProvider) readCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.reads
}

var fastAwait = tokenize.AwaitOptions{Interval: 5 * time.Millisecond, MaxInterval: 20 * time.Millisecond}

func TestAwaitNetworkTokenFinishesARequestedToken(t *testing.T) {
	p := newPending(4)
	c := tokenize.New(p)
	ctx := context.Background()
	nt, err := c.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: "pt_1"})
	require.NoError(t, err)
	require.Equal(t, tokenize.StateRequested, nt.State)
	assert.True(t, nt.UsePAN(), "a requested token serves no payment yet")

	got, err := c.AwaitNetworkToken(ctx, nt.ID, fastAwait)
	require.NoError(t, err)
	assert.Equal(t, tokenize.StateActive, got.State)
	assert.Equal(t, testDPAN, got.Number.Reveal())
	assert.Equal(t, "fake", got.Provider)
	assert.Equal(t, 4, p.readCount(), "it reads until the state leaves requested, then stops")
}

func TestAwaitNetworkTokenReturnsAnyOtherStateAtOnce(t *testing.T) {
	for _, st := range []tokenize.NetworkTokenState{tokenize.StateActive, tokenize.StateDeclined, tokenize.StateSuspended} {
		t.Run(st.String(), func(t *testing.T) {
			p := newPending(1)
			p.final = st
			got, err := tokenize.New(p).AwaitNetworkToken(context.Background(), "nt_x", fastAwait)
			require.NoError(t, err)
			assert.Equal(t, st, got.State, "a declined provisioning is an answer too, not an error")
			assert.Equal(t, 1, p.readCount())
		})
	}
}

func TestAwaitNetworkTokenDeadlineReturnsTheLastRead(t *testing.T) {
	// The deadline passes right after the third read answers, so the
	// wait meets it between two reads however loaded the machine is (a
	// real 80 ms deadline fell during the first or second read when the
	// machine was busy, which is the next test's case).
	p := newPending(0)
	ctx := newExpiringContext()
	p.onRead = func(n int) {
		if n == 3 {
			ctx.expire()
		}
	}
	c := tokenize.New(p)
	nt, err := c.AwaitNetworkToken(ctx, "nt_pending", fastAwait)
	var te *tokenize.Error
	require.True(t, errors.As(err, &te), "%T", err)
	assert.Equal(t, tokenize.DeadlineExceeded, te.Code)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, tokenize.OpGetNetworkToken, te.Op)
	assert.Equal(t, "fake", te.Provider)
	assert.Contains(t, te.Message, "still requested", "the wait, not a read, met the deadline")
	require.NotNil(t, nt, "the last token read comes back with the error, to be kept and finished later")
	assert.Equal(t, tokenize.StateRequested, nt.State)
	assert.Equal(t, 3, p.readCount(), "the deadline bounds the wait: no read after it")
}

// The deadline may come while a read is in flight rather than between two
// reads: the last token read still comes back with the error.
func TestAwaitNetworkTokenDeadlineDuringARead(t *testing.T) {
	p := newPending(0)
	ctx := newExpiringContext()
	c := tokenize.New(cutRead{p, ctx, 2})
	nt, err := c.AwaitNetworkToken(ctx, "nt_pending", tokenize.AwaitOptions{Interval: time.Millisecond, MaxInterval: time.Millisecond})
	assert.ErrorIs(t, err, tokenize.ErrDeadlineExceeded)
	require.NotNil(t, nt)
	assert.Equal(t, tokenize.StateRequested, nt.State)
	assert.Equal(t, 1, p.readCount(), "one read answered before the deadline")
}

// cutRead answers reads until the n-th, during which the deadline passes:
// that read ends with the context's error, as an adapter's request cut by
// the deadline does.
type cutRead struct {
	*pendingProvider
	ctx *expiringContext
	n   int
}

func (s cutRead) GetNetworkToken(ctx context.Context, id string) (*tokenize.NetworkToken, error) {
	if s.readCount()+1 < s.n {
		return s.pendingProvider.GetNetworkToken(ctx, id)
	}
	s.ctx.expire()
	<-ctx.Done()
	return nil, &tokenize.Error{Code: tokenize.DeadlineExceeded, Err: ctx.Err()}
}

// expiringContext is a context with a deadline that passes when the test
// calls expire, not when a clock says: how many reads fit before a real
// deadline depends on how loaded the machine is, and these tests are about
// what the wait does when the deadline passes. (The conformance suite's
// Pending/AwaitDeadline case runs a real deadline against the simulators.)
type expiringContext struct {
	context.Context
	deadline time.Time
	done     chan struct{}
	once     sync.Once
}

func newExpiringContext() *expiringContext {
	return &expiringContext{Context: context.Background(), deadline: time.Now().Add(time.Hour), done: make(chan struct{})}
}

func (c *expiringContext) expire() { c.once.Do(func() { close(c.done) }) }

func (c *expiringContext) Deadline() (time.Time, bool) { return c.deadline, true }
func (c *expiringContext) Done() <-chan struct{}       { return c.done }
func (c *expiringContext) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

func TestAwaitNetworkTokenCanceled(t *testing.T) {
	p := newPending(0)
	c := tokenize.New(p)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(30*time.Millisecond, cancel)
	_, err := c.AwaitNetworkToken(ctx, "nt_pending", fastAwait)
	assert.ErrorIs(t, err, tokenize.ErrCanceled)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestAwaitNetworkTokenReadErrorEndsTheWait(t *testing.T) {
	p := newPending(0)
	p.gone = true
	_, err := tokenize.New(p).AwaitNetworkToken(context.Background(), "nt_pending", fastAwait)
	assert.ErrorIs(t, err, tokenize.ErrNotFound)
	assert.Equal(t, 1, p.readCount())

	_, err = tokenize.New(p).AwaitNetworkToken(context.Background(), "../x", fastAwait)
	assert.ErrorIs(t, err, tokenize.ErrInvalidArgument, "the id is validated like GetNetworkToken's")
}

func TestAwaitNetworkTokenWithoutDeadlineIsBounded(t *testing.T) {
	p := newPending(0)
	var seen time.Duration
	c := tokenize.New(observeDeadline{p, &seen})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	_, _ = c.AwaitNetworkToken(ctx, "nt_pending", fastAwait)
	assert.InDelta(t, tokenize.DefaultAwaitTimeout.Seconds(), seen.Seconds(), 5,
		"a context without a deadline is bounded by DefaultAwaitTimeout, not the Client's call timeout")
}

// observeDeadline records the deadline the first read saw.
type observeDeadline struct {
	*pendingProvider
	seen *time.Duration
}

func (o observeDeadline) GetNetworkToken(ctx context.Context, id string) (*tokenize.NetworkToken, error) {
	if dl, ok := ctx.Deadline(); ok && *o.seen == 0 {
		*o.seen = time.Until(dl)
	}
	return o.pendingProvider.GetNetworkToken(ctx, id)
}

func TestAwaitNetworkTokenUnsupported(t *testing.T) {
	p := newPending(1)
	p.caps.Operations = []tokenize.Operation{tokenize.OpProvisionNetworkToken}
	_, err := tokenize.New(p).AwaitNetworkToken(context.Background(), "nt_x", fastAwait)
	assert.ErrorIs(t, err, tokenize.ErrUnsupported)
	assert.Zero(t, p.readCount())
}

func TestCapabilitiesCarryProvisionMayBePending(t *testing.T) {
	assert.True(t, tokenize.New(newPending(1)).Capabilities().ProvisionMayBePending)
	assert.False(t, tokenize.New(newFake()).Capabilities().ProvisionMayBePending)
}

// A provider that provisions asynchronously returns a requested token;
// AwaitNetworkToken finishes it within the caller's deadline.
func ExampleClient_AwaitNetworkToken() {
	client := tokenize.New(newPending(3)) // a provider whose token is issued on the third read
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	nt, err := client.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: "pt_1"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(nt.State, client.Capabilities().ProvisionMayBePending)
	if nt.State == tokenize.StateRequested {
		// Or store it and let SyncNetworkTokens report the change.
		nt, err = client.AwaitNetworkToken(ctx, nt.ID, tokenize.AwaitOptions{Interval: 10 * time.Millisecond})
		if err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println(nt.State, nt.Number)
	// Output:
	// requested true
	// active 489537******3478
}
