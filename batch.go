package tokenize

import (
	"context"
	"sync"

	"golang.org/x/sync/errgroup"
)

// DefaultBatchConcurrency is the number of provisioning calls a batch keeps
// in flight when BatchOptions.Concurrency is zero: enough to hide network
// latency, few enough not to trip a provider's rate limit.
const DefaultBatchConcurrency = 8

// BatchOptions configures ProvisionNetworkTokens.
type BatchOptions struct {
	// Concurrency bounds the calls in flight; DefaultBatchConcurrency when
	// zero or negative.
	Concurrency int
	// Progress, if set, is called after each item completes with the
	// number of completed items and the total. Calls are serialised, so it
	// needs no locking of its own, and it should return quickly.
	Progress func(done, total int)
}

// ProvisionResult is the outcome of one item of a batch.
type ProvisionResult struct {
	// Index is the item's position in the request slice.
	Index int
	// Token is the provisioned network token, nil when Err is set.
	Token *NetworkToken
	// Err is the item's error, a *Error as from ProvisionNetworkToken.
	Err error
}

// ProvisionNetworkTokens provisions a network token for each request with
// bounded concurrency. One item's failure does not stop the others: every
// item gets a result, in the order of reqs. When ctx ends, items not yet
// sent fail with Canceled or DeadlineExceeded without being sent, and the
// context's error is returned alongside the results.
func (c *Client) ProvisionNetworkTokens(ctx context.Context, reqs []ProvisionNetworkTokenRequest, opts BatchOptions) ([]ProvisionResult, error) {
	limit := opts.Concurrency
	if limit <= 0 {
		limit = DefaultBatchConcurrency
	}
	results := make([]ProvisionResult, len(reqs))
	var (
		g    errgroup.Group
		mu   sync.Mutex
		done int
	)
	g.SetLimit(limit)
	for i := range reqs {
		g.Go(func() error {
			nt, err := c.ProvisionNetworkToken(ctx, reqs[i])
			results[i] = ProvisionResult{Index: i, Token: nt}
			if err != nil {
				results[i] = ProvisionResult{Index: i, Err: err}
			}
			if opts.Progress != nil {
				mu.Lock()
				done++
				opts.Progress(done, len(reqs))
				mu.Unlock()
			}
			return nil // an item's failure is its result, not the batch's
		})
	}
	_ = g.Wait()
	return results, ctx.Err()
}
