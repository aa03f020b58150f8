package conformance

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/faults"
)

// testPANFallback checks the PAN-fallback signal: tokenize.ErrUsePAN on
// every refusal that leaves the card usable (a declined, suspended or
// deleted network token), NetworkToken.UsePAN on the token itself, and
// neither where charging the card would fail too (bad credentials, invalid
// input, a provider that is down or throttling).
func testPANFallback(t *testing.T, h Harness) {
	t.Run("Declined", func(t *testing.T) {
		c := setup(t, h)
		c.requireOp(tokenize.OpProvisionNetworkToken)
		nt, err := c.env.Client.ProvisionNetworkToken(c.ctx, c.provisionRequest(h.Fixtures.DeclinedCard))
		c.noteToken(nt)
		require.NoError(t, c.note(nt, err))
		assert.True(t, nt.UsePAN(), "a token the scheme declined says: use the card")
		if c.caps.Supports(tokenize.OpRequestCryptogram) {
			_, err := c.cryptogram(nt.ID, c.firstTransactionType())
			assertUsePAN(t, err, tokenize.FailedPrecondition, "cryptogram for a declined token")
		}
	})
	t.Run("Active", func(t *testing.T) {
		c := setup(t, h)
		c.requireOp(tokenize.OpProvisionNetworkToken)
		nt := c.provision(h.Fixtures.VisaCard)
		assert.False(t, nt.UsePAN(), "an active token is usable")
	})
	t.Run("Suspended", func(t *testing.T) {
		c := setup(t, h)
		c.skipUnlessSim()
		c.requireOp(tokenize.OpProvisionNetworkToken)
		c.requireOp(tokenize.OpRequestCryptogram)
		nt := c.provision(h.Fixtures.MastercardCard)
		tt := c.firstTransactionType()
		require.NoError(t, c.env.Sim.SetNetworkTokenState(nt.ID, tokenize.StateSuspended))
		if c.caps.Supports(tokenize.OpGetNetworkToken) {
			got, err := c.env.Client.GetNetworkToken(c.ctx, nt.ID)
			c.noteToken(got)
			require.NoError(t, c.note(got, err))
			assert.True(t, got.UsePAN(), "a suspended token says: use the card")
		}
		_, err := c.cryptogram(nt.ID, tt)
		assertUsePAN(t, err, tokenize.FailedPrecondition, "cryptogram for a suspended token")

		require.NoError(t, c.env.Sim.SetNetworkTokenState(nt.ID, tokenize.StateActive))
		_, err = c.cryptogram(nt.ID, tt)
		require.NoError(t, err, "a reactivated token serves payments again")
	})
	t.Run("Deleted", func(t *testing.T) {
		c := setup(t, h)
		c.requireOp(tokenize.OpProvisionNetworkToken)
		c.requireOp(tokenize.OpDeleteNetworkToken)
		c.requireOp(tokenize.OpRequestCryptogram)
		nt := c.provision(h.Fixtures.VisaCard)
		require.NoError(t, c.note(nil, c.env.Client.DeleteNetworkToken(c.ctx, tokenize.DeleteNetworkTokenRequest{
			ID: nt.ID, InitiatedBy: tokenize.InitiatedByTokenRequestor, Reason: tokenize.ReasonOther})))
		_, err := c.cryptogram(nt.ID, c.firstTransactionType())
		require.Error(t, err, "a cryptogram for a deleted token")
		assert.ErrorIs(t, err, tokenize.ErrUsePAN, "a deleted token says: use the card (%v)", err)
	})
	t.Run("NotWhenTheCardFailsToo", func(t *testing.T) {
		c := setup(t, h, tokenize.WithRetryPolicy(faultPolicy))
		c.requireOp(tokenize.OpProvisionNetworkToken)
		c.requireOp(tokenize.OpRequestCryptogram)
		tt := c.firstTransactionType()
		if c.env.BadCredentials != nil {
			_, err := c.env.BadCredentials.RequestCryptogram(c.ctx, tokenize.CryptogramRequest{NetworkTokenID: h.Fixtures.UnknownNetworkTokenID, TransactionType: tt})
			assertNotUsePAN(t, c.note(nil, err), "bad credentials")
		}
		_, err := c.env.Client.RequestCryptogram(c.ctx, tokenize.CryptogramRequest{NetworkTokenID: "../x", TransactionType: tt})
		assertNotUsePAN(t, c.note(nil, err), "invalid input")
		if c.env.Sim == nil || c.env.Sim.Faults() == nil {
			return
		}
		nt := c.provision(h.Fixtures.VisaCard)
		inj := c.env.Sim.Faults()
		t.Cleanup(inj.Clear)
		for _, f := range []faults.Fault{
			{Kind: faults.Status, Status: 503, Body: `{"message":"unavailable"}`},
			{Kind: faults.Status, Status: 429, RetryAfter: "0", Body: `{}`},
			{Kind: faults.Reset},
		} {
			inj.Inject(f)
			_, err := c.cryptogramCtx(context.Background(), nt.ID, tt)
			inj.Clear()
			assertNotUsePAN(t, err, "provider down: "+f.Kind.String())
		}
	})
}

func assertUsePAN(t *testing.T, err error, code tokenize.Code, what string) {
	t.Helper()
	te := assertCode(t, code, err, what)
	if te != nil {
		assert.True(t, te.UsePAN, "%s: Error.UsePAN", what)
		assert.True(t, errors.Is(err, tokenize.ErrUsePAN), "%s: errors.Is(err, ErrUsePAN)", what)
	}
}

func assertNotUsePAN(t *testing.T, err error, what string) {
	t.Helper()
	require.Error(t, err, what)
	assert.False(t, errors.Is(err, tokenize.ErrUsePAN), "%s: falling back to the card would fail too, yet ErrUsePAN: %v", what, err)
}
