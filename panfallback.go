package tokenize

// usePAN is the type of ErrUsePAN: not a Code, because the signal
// accompanies one (FailedPrecondition, NotFound).
type usePAN struct{}

func (usePAN) Error() string { return "tokenize: use the card instead of the network token" }

// ErrUsePAN matches, with errors.Is, an error saying that the network
// token cannot be used for this payment but the card can: its state
// (suspended, inactive, deleted, declined or still being provisioned) made
// the provider refuse a cryptogram, or the provider no longer knows it.
// Charge with the card (PAN) instead, through whatever path you use for
// cards. Errors where the card would fail as well — bad credentials,
// invalid input, a provider that is down or throttling — never match it.
//
//	cg, err := c.RequestCryptogram(ctx, req)
//	if errors.Is(err, tokenize.ErrUsePAN) {
//		return chargeWithCard(ctx, order) // the token is unusable, the card is not
//	}
//
// The Error's own Code still says why (FailedPrecondition, NotFound).
var ErrUsePAN error = usePAN{}

// UsePAN reports whether a network token in state s cannot be used for a
// payment while the card behind it can: declined by the scheme,
// suspended, inactive, deleted, or requested (provisioning not finished).
// Active and unknown states report false.
func (s NetworkTokenState) UsePAN() bool {
	switch s {
	case StateDeclined, StateSuspended, StateInactive, StateDeleted, StateRequested:
		return true
	}
	return false
}

// UsePAN reports whether this token, in its current state, cannot be used
// for a payment while the card behind it can (see NetworkTokenState.UsePAN):
// a provisioning the scheme declined, a suspended, inactive or deleted
// token, or one still being provisioned.
func (t *NetworkToken) UsePAN() bool { return t.State.UsePAN() }

// markUsePAN sets UsePAN on the errors that say a network token cannot
// serve a payment while its card can. The Provider contract gives a
// cryptogram refused for the token's state FailedPrecondition, and a token
// the provider no longer knows (deleted) NotFound. Adapters may set UsePAN
// on other provider-specific refusals; it is never cleared here.
func markUsePAN(op Operation, e *Error) {
	if op == OpRequestCryptogram && (e.Code == FailedPrecondition || e.Code == NotFound) {
		e.UsePAN = true
	}
}
