package tokenize_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tokenize-go/tokenize"
)

func TestNetworkTokenStateUsePAN(t *testing.T) {
	want := map[tokenize.NetworkTokenState]bool{
		tokenize.StateUnknown: false, tokenize.StateActive: false,
		tokenize.StateSuspended: true, tokenize.StateInactive: true, tokenize.StateDeclined: true,
		tokenize.StateRequested: true, tokenize.StateDeleted: true,
	}
	for s, w := range want {
		assert.Equal(t, w, s.UsePAN(), s.String())
		assert.Equal(t, w, (&tokenize.NetworkToken{State: s}).UsePAN(), s.String())
	}
}

func TestErrUsePAN(t *testing.T) {
	e := &tokenize.Error{Code: tokenize.FailedPrecondition, UsePAN: true}
	assert.ErrorIs(t, e, tokenize.ErrUsePAN)
	assert.ErrorIs(t, e, tokenize.ErrFailedPrecondition, "the Code still matches")
	assert.ErrorIs(t, fmt.Errorf("charge: %w", e), tokenize.ErrUsePAN)
	assert.NotErrorIs(t, &tokenize.Error{Code: tokenize.FailedPrecondition}, tokenize.ErrUsePAN)
	assert.Equal(t, tokenize.FailedPrecondition, tokenize.CodeOf(e))
	assert.Contains(t, e.Error(), "use the card")
	b, err := json.Marshal(e)
	assert.NoError(t, err)
	assert.Contains(t, string(b), `"use_pan":true`)
	assert.False(t, errors.Is(errors.New("x"), tokenize.ErrUsePAN))
}

// The Client marks the cryptogram refusals the Provider contract defines
// for a token's state (FailedPrecondition) and for a token the provider
// no longer knows (NotFound), and nothing else.
func TestClientMarksUsePAN(t *testing.T) {
	ctx := t.Context()
	for _, tc := range []struct {
		code tokenize.Code
		want bool
	}{
		{tokenize.FailedPrecondition, true},
		{tokenize.NotFound, true},
		{tokenize.Unauthenticated, false},
		{tokenize.Unavailable, false},
		{tokenize.InvalidArgument, false},
		{tokenize.RateLimited, false},
	} {
		p := &fakeProvider{name: "fake", caps: allCaps(), err: &tokenize.Error{Code: tc.code}}
		c := tokenize.New(p, tokenize.WithRetryPolicy(tokenize.RetryPolicy{}))
		_, err := c.RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: "nt_1", TransactionType: tokenize.ECommerce})
		assert.Equal(t, tc.want, errors.Is(err, tokenize.ErrUsePAN), "cryptogram %s", tc.code)
		_, err = c.GetNetworkToken(ctx, "nt_1")
		assert.NotErrorIs(t, err, tokenize.ErrUsePAN, "a read is not a payment: %s", tc.code)
	}
	// An adapter's own signal is kept, and so is a Provider a router set.
	p := &fakeProvider{name: "fake", caps: allCaps(), err: &tokenize.Error{Code: tokenize.FailedPrecondition, UsePAN: true, Provider: "nuvei"}}
	_, err := tokenize.New(p).ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: "src_1"})
	assert.ErrorIs(t, err, tokenize.ErrUsePAN)
	var te *tokenize.Error
	if assert.True(t, errors.As(err, &te)) {
		assert.Equal(t, "nuvei", te.Provider)
	}
}

// A cryptogram refused because the network token is suspended: charge
// with the card instead.
func ExampleErrUsePAN() {
	// What a Client returns for a suspended token (Checkout.com's 422
	// token_state_invalid, Nuvei's 5300.10012).
	var err error = &tokenize.Error{Op: tokenize.OpRequestCryptogram, Provider: "checkout",
		Code: tokenize.FailedPrecondition, UsePAN: true}
	if errors.Is(err, tokenize.ErrUsePAN) {
		fmt.Println("charge with the card")
	}
	fmt.Println(tokenize.StateSuspended.UsePAN(), tokenize.StateActive.UsePAN())
	// Output:
	// charge with the card
	// true false
}
