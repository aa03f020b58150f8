package router_test

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/faults"
	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
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

// TestFailoverWhenNothingWasSent: a connection that could not be made
// proves the provider received nothing, whatever the request: a create
// whose dial timed out and an idempotent provision whose connection was
// refused both move on to the next provider.
func TestFailoverWhenNothingWasSent(t *testing.T) {
	// down is the address whose connections fail; an expired dial is a
	// real dial timeout (*net.OpError "dial", i/o timeout).
	openWith := func(t *testing.T, s *sims, routing string, down string, expire bool) (*tokenize.Client, *router.Router) {
		var d net.Dialer
		tr := &http.Transport{DisableKeepAlives: true, DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if addr == down && expire {
				expired, cancel := context.WithDeadline(ctx, time.Unix(0, 0))
				defer cancel()
				return d.DialContext(expired, network, addr)
			}
			return d.DialContext(ctx, network, addr)
		}}
		t.Cleanup(tr.CloseIdleConnections)
		r, err := router.Open(context.Background(), s.config(t, routing), tokenize.OpenOptions{HTTPClient: &http.Client{Transport: tr}})
		require.NoError(t, err)
		return tokenize.New(r, fast), r
	}
	hostOf := func(rawURL string) string {
		u, err := url.Parse(rawURL)
		require.NoError(t, err)
		return u.Host
	}

	t.Run("CreateWhoseDialTimedOut", func(t *testing.T) {
		s := startSims(t)
		c, r := openWith(t, s, failoverRouting, hostOf(s.nuveiSrv.URL), true)
		tok, err := c.CreatePaymentToken(context.Background(), tokenize.CreatePaymentTokenRequest{Card: card(nuveisim.VisaPAN)})
		require.NoError(t, err)
		assert.Equal(t, "checkout", tok.Ref().Provider)
		assert.Zero(t, s.nuvei.Requests(), "Nuvei received nothing")
		assert.Positive(t, health(r, "nuvei").Failovers)
	})
	t.Run("IdempotentProvisionRefused", func(t *testing.T) {
		s := startSims(t)
		c, r := openWith(t, s, checkoutFirst, hostOf(s.ckoSrv.URL), false)
		// An access token first, so that what is refused below is the
		// provision itself, not the access-token request before it.
		_, err := c.GetNetworkToken(context.Background(), "checkout:nt_unknown")
		requireCode(t, tokenize.NotFound, err)
		s.ckoSrv.Close() // connections refused from now on
		nt, err := c.ProvisionNetworkToken(context.Background(), tokenize.ProvisionNetworkTokenRequest{Card: card(checkoutsim.MastercardPAN)})
		require.NoError(t, err)
		assert.Equal(t, "nuvei", nt.Ref().Provider)
		assert.Positive(t, health(r, "checkout").Failovers)
	})
}

// TestTemporaryTokenStaysWithItsIssuer: a temporary token was issued by
// one provider's browser or mobile SDK, and only that provider can redeem
// it. A create from one goes to the first provider its rule names and no
// further, even when that provider throttles it: the next provider would
// receive a single-use secret that is not its own, and refuse it anyway.
func TestTemporaryTokenStaysWithItsIssuer(t *testing.T) {
	s := startSims(t)
	c, r := s.open(t, `{"default": "checkout", "rules": [{"kind": ["temporary_token"], "to": ["nuvei", "checkout"]}]}`, fast)
	ctx := context.Background()
	tmp := tokenize.Secret(s.nuvei.CreateTemporaryToken(tokenize.Card{Number: nuveisim.VisaPAN, ExpiryMonth: 12, ExpiryYear: 2031, CVV: "123"}))

	s.nuveiFaults.Inject(faults.Fault{Kind: faults.Status, Status: 429, RetryAfter: "0", Body: `{}`})
	_, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{TemporaryToken: tmp})
	te := requireCode(t, tokenize.RateLimited, err)
	assert.Equal(t, "nuvei", te.Provider)
	assert.Zero(t, s.checkout.Requests(), "Nuvei's temporary token reached Checkout.com")
	assert.Zero(t, health(r, "nuvei").Failovers, "a provider with nowhere to move on to has not failed over")

	s.nuveiFaults.Clear()
	tok, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{TemporaryToken: tmp})
	require.NoError(t, err)
	assert.Equal(t, "nuvei", tok.Ref().Provider)
	assert.Zero(t, s.checkout.Requests())
}
