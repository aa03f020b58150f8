package router_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/faults"
	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
	"github.com/tokenize-go/tokenize/router"
)

// checkoutFirst sends Mastercard cards to Checkout.com, then Nuvei. Its
// breaker opens on the first failure, so that a retry of a failed call
// would find Checkout.com's circuit open and be routed to Nuvei.
const checkoutFirst = `{"default": "checkout", "rules": [{"brand": ["mastercard"], "to": ["checkout", "nuvei"]}], "breaker": {"failures": 1}}`

// TestIdempotentProvisionIsNotRetriedElsewhere: Checkout.com provisions
// idempotently, so its transport does not trace whether a request was
// written, and a connection cut after the request took effect reads like
// one that failed before it was sent (Unavailable, no status, outcome not
// marked unknown). The router must not let the Client around it retry
// such a provision from a card: the retry is routed afresh, Checkout.com's
// circuit has opened meanwhile, and Nuvei would make a second network
// token for the same card.
func TestIdempotentProvisionIsNotRetriedElsewhere(t *testing.T) {
	s := startSims(t)
	c, r := s.open(t, checkoutFirst, fast)
	s.ckoFaults.Inject(faults.Fault{Kind: faults.Reset, AfterHandler: true, Times: 1, Method: "POST", PathPrefix: "/network-tokens"})
	nt, err := c.ProvisionNetworkToken(context.Background(), tokenize.ProvisionNetworkTokenRequest{Card: card(checkoutsim.MastercardPAN)})
	made := s.NetworkTokensByCard()[checkoutsim.MastercardPAN]
	require.Equal(t, 1, s.checkout.NetworkTokensByCard()[checkoutsim.MastercardPAN], "the cut request took effect at Checkout.com")
	assert.Equal(t, 1, made, "network tokens for one card across both providers (got a token %v, error %v)", nt, err)
	te := requireCode(t, tokenize.Unavailable, err)
	assert.True(t, te.OutcomeUnknown, "the provision may have happened: %v", err)
	assert.False(t, te.Retryable)
	assert.Equal(t, "checkout", te.Provider)
	assert.Equal(t, router.CircuitOpen, health(r, "checkout").State)
}
