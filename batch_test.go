package tokenize

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// batchProvider provisions tokens, failing ids that start with "bad", and
// tracks how many calls are in flight.
type batchProvider struct {
	scriptedProvider
	inFlight, maxInFlight, calls atomic.Int32
	delay                        time.Duration
}

func (p *batchProvider) Name() string { return "batchtest" }

func (p *batchProvider) Capabilities() Capabilities {
	return Capabilities{Operations: Operations(), ProvisionFromPaymentToken: true}
}

func (p *batchProvider) ProvisionNetworkToken(ctx context.Context, req *ProvisionNetworkTokenRequest) (*NetworkToken, error) {
	p.calls.Add(1)
	n := p.inFlight.Add(1)
	defer p.inFlight.Add(-1)
	for {
		m := p.maxInFlight.Load()
		if n <= m || p.maxInFlight.CompareAndSwap(m, n) {
			break
		}
	}
	select {
	case <-time.After(p.delay):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if strings.HasPrefix(req.PaymentTokenID, "bad") {
		return nil, &Error{Code: NotFound, HTTPStatus: 404}
	}
	return &NetworkToken{ID: "nt-" + req.PaymentTokenID, State: StateActive}, nil
}

func batchRequests(n int) []ProvisionNetworkTokenRequest {
	reqs := make([]ProvisionNetworkTokenRequest, n)
	for i := range reqs {
		id := "pt" + strconv.Itoa(i)
		if i%10 == 3 {
			id = "bad" + strconv.Itoa(i)
		}
		reqs[i] = ProvisionNetworkTokenRequest{PaymentTokenID: id}
	}
	return reqs
}

func TestProvisionNetworkTokensBoundedAndPerItem(t *testing.T) {
	p := &batchProvider{delay: 2 * time.Millisecond}
	c := New(p)
	reqs := batchRequests(200)
	var mu sync.Mutex
	var progress []int
	results, err := c.ProvisionNetworkTokens(context.Background(), reqs, BatchOptions{
		Concurrency: 5,
		Progress: func(done, total int) {
			mu.Lock()
			defer mu.Unlock()
			assert.Equal(t, 200, total)
			progress = append(progress, done)
		},
	})
	require.NoError(t, err)
	require.Len(t, results, 200)
	assert.EqualValues(t, 5, p.maxInFlight.Load(), "concurrency must reach but never exceed the limit")
	assert.EqualValues(t, 200, p.calls.Load(), "one failure does not stop the rest")
	for i, r := range results {
		assert.Equal(t, i, r.Index)
		if i%10 == 3 {
			assert.ErrorIs(t, r.Err, ErrNotFound, "item %d", i)
			assert.Nil(t, r.Token)
		} else {
			require.NoError(t, r.Err, "item %d", i)
			assert.Equal(t, "nt-"+reqs[i].PaymentTokenID, r.Token.ID, "results keep the order of the requests")
			assert.Equal(t, "batchtest", r.Token.Provider)
		}
	}
	require.Len(t, progress, 200)
	for i, d := range progress {
		assert.Equal(t, i+1, d, "progress is serialised and monotonic")
	}
}

func TestProvisionNetworkTokensInvalidItemsAreNotSent(t *testing.T) {
	p := &batchProvider{}
	c := New(p)
	results, err := c.ProvisionNetworkTokens(context.Background(), []ProvisionNetworkTokenRequest{
		{PaymentTokenID: "ok"}, {PaymentTokenID: "../x"}, {},
	}, BatchOptions{})
	require.NoError(t, err)
	assert.NoError(t, results[0].Err)
	assert.ErrorIs(t, results[1].Err, ErrInvalidArgument)
	assert.ErrorIs(t, results[2].Err, ErrInvalidArgument)
	assert.EqualValues(t, 1, p.calls.Load())
}

func TestProvisionNetworkTokensCancellation(t *testing.T) {
	p := &batchProvider{delay: 20 * time.Millisecond}
	c := New(p)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	results, err := c.ProvisionNetworkTokens(ctx, batchRequests(1000), BatchOptions{Concurrency: 4})
	assert.ErrorIs(t, err, context.Canceled)
	assert.Less(t, time.Since(start), time.Second, "cancellation must stop the batch promptly")
	assert.Less(t, p.calls.Load(), int32(100), "items after the cancellation must not be sent")
	canceled := 0
	for _, r := range results {
		if r.Err != nil && CodeOf(r.Err) == Canceled {
			canceled++
		}
	}
	assert.Greater(t, canceled, 900)
}
