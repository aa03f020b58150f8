package worldpaysim

import "github.com/tokenize-go/tokenize/internal/simkit"

// Test cards (valid Luhn). Any other valid card tokenizes, and provisions
// an active network token if it is a Visa or Mastercard.
const (
	// VisaPAN is the reference's example card: an active VTS network token
	// at once.
	VisaPAN = "4444333322221111"
	// MastercardPAN provisions an active MDES network token at once (the
	// synchronous path most requests take).
	MastercardPAN = "5555555555554444"
	// PendingPAN is the asynchronous Mastercard path: the provisioning
	// answers a tokenReference and a tokens:networkTokenLookup link with
	// no token; the lookup shows the token once the scheme issues it
	// (WithPendingFor, or SetNetworkTokenState active).
	PendingPAN = "5454545454545454"
	// DeclinedPAN tokenizes, but the scheme declines its network token:
	// the answer carries provisioningErrors and no token.
	DeclinedPAN = "4000000000000002"
	// InvalidPAN is refused by validation: 400 bodyDoesNotMatchSchema,
	// fieldHasInvalidValue at $.paymentInstrument.cardNumber.
	InvalidPAN = "4000000000000101"
	// ForbiddenPAN is refused for lack of permission: 403 accessDenied.
	ForbiddenPAN = "4000000000000069"
	// InternalErrorPAN fails inside Worldpay: 500 internalErrorOccurred.
	InternalErrorPAN = "4000000000000119"
)

// TestCards lists the test cards and what each triggers, for tools that
// print them (tokenize sim).
func TestCards() []simkit.TestCard {
	return []simkit.TestCard{
		{Number: VisaPAN, Triggers: "Visa: an active VTS network token"},
		{Number: MastercardPAN, Triggers: "Mastercard: an active MDES network token"},
		{Number: PendingPAN, Triggers: "Mastercard, asynchronous: the network token is requested (no DPAN) until the scheme issues it"},
		{Number: DeclinedPAN, Triggers: "tokenizes; the scheme declines its network token (provisioningErrors: state declined, no DPAN)"},
		{Number: InvalidPAN, Triggers: "HTTP 400 bodyDoesNotMatchSchema at $.paymentInstrument.cardNumber (InvalidArgument)"},
		{Number: ForbiddenPAN, Triggers: "HTTP 403 accessDenied (PermissionDenied)"},
		{Number: InternalErrorPAN, Triggers: "HTTP 500 internalErrorOccurred (Internal)"},
	}
}
