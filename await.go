package tokenize

import (
	"context"
	"math/rand/v2"
	"time"
)

// DefaultAwaitTimeout bounds AwaitNetworkToken when the caller's context
// has no deadline: Access Worldpay asks clients to poll a Mastercard
// token's lookup link "for up to 5 minutes while the network token is
// being created", the longest any provider documents.
const DefaultAwaitTimeout = 5 * time.Minute

// Default polling intervals of AwaitNetworkToken: the first read comes at
// once, the second after about a second, and the gaps double up to 15 s,
// so a token that takes the whole five minutes costs about 25 reads.
const (
	DefaultAwaitInterval    = time.Second
	DefaultAwaitMaxInterval = 15 * time.Second
)

// AwaitOptions configures AwaitNetworkToken. The zero value uses the
// defaults.
type AwaitOptions struct {
	// Interval is the wait after the first read that finds the token
	// still requested; each later wait doubles, up to MaxInterval. Each
	// wait is drawn from the upper half of its bound, so callers polling
	// many tokens spread out. DefaultAwaitInterval when zero or negative.
	Interval time.Duration
	// MaxInterval caps the wait between two reads.
	// DefaultAwaitMaxInterval when zero or negative.
	MaxInterval time.Duration
}

func (o AwaitOptions) withDefaults() AwaitOptions {
	if o.Interval <= 0 {
		o.Interval = DefaultAwaitInterval
	}
	if o.MaxInterval <= 0 {
		o.MaxInterval = DefaultAwaitMaxInterval
	}
	o.MaxInterval = max(o.MaxInterval, o.Interval)
	return o
}

// AwaitNetworkToken finishes a provisioning that answered before the token
// existed: it reads the network token id until its state is no longer
// StateRequested, and returns it as read then — active with its DPAN, or
// declined, or whatever the scheme decided. A token that is not requested
// is returned after one read, so it is safe to call on any token.
//
// Providers declare Capabilities.ProvisionMayBePending when
// ProvisionNetworkToken can return a StateRequested token (Access
// Worldpay's Mastercard tokens, Checkout.com's requested state). Such a
// token has no DPAN and serves no payment yet (NetworkToken.UsePAN is
// true). Either wait here, within your deadline, or store it and let
// SyncNetworkTokens report the change later as an EventStateChanged; both
// read the token the same way, so a provider needs nothing else.
//
// Reads are GetNetworkToken calls, each retried per the Client's
// RetryPolicy; the waits between them grow as AwaitOptions says. ctx
// bounds the whole wait; without a deadline, DefaultAwaitTimeout does. A
// read that fails (NotFound for an unknown or deleted token,
// Unauthenticated, …) ends the wait with its error. When the deadline
// passes or ctx is canceled while the token is still requested, the last
// token read is returned with the error (DeadlineExceeded or Canceled), so
// that the caller can store it and finish it later.
func (c *Client) AwaitNetworkToken(ctx context.Context, id string, opts AwaitOptions) (*NetworkToken, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultAwaitTimeout)
		defer cancel()
	}
	opts = opts.withDefaults()
	wait := opts.Interval
	var last *NetworkToken
	for {
		nt, err := c.GetNetworkToken(ctx, id)
		if err != nil {
			if ctx.Err() != nil {
				// The deadline came during a read: the token is as
				// last read (nil if never), and the error says why.
				return last, err
			}
			return nil, err
		}
		last = nt
		if nt.State != StateRequested {
			return nt, nil
		}
		// Upper half of the bound: never a busy loop, still spread out.
		d := wait/2 + time.Duration(rand.Int64N(int64(wait/2)+1))
		if !sleep(ctx, d) {
			e := fromContext(ctx.Err())
			e.Op, e.Provider = OpGetNetworkToken, c.name
			e.Message = "the network token is still requested: " + e.Message
			return nt, e
		}
		wait = min(2*wait, opts.MaxInterval)
	}
}
