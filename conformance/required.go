package conformance

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

// testRequiredFields checks Capabilities.RequiredFields: every field the
// provider declares is one the Client can check, and a request lacking it
// (all else valid, every other required field present) is refused with
// InvalidArgument naming the field, before anything is sent.
func testRequiredFields(t *testing.T, h Harness) {
	c := setup(t, h)
	c.requireOp(tokenize.OpCreatePaymentToken)
	if len(c.caps.RequiredFields) == 0 {
		t.Skipf("%s declares no required fields", h.Provider)
	}
	for _, field := range c.caps.RequiredFields {
		t.Run(field, func(t *testing.T) {
			require.Contains(t, tokenize.RequirableFields, field, "RequiredFields lists a field the Client cannot check")
			req, ok := requestLacking(field, h.Fixtures, c.caps)
			if !ok {
				t.Skipf("%s declares no payment method %s belongs to", h.Provider, field)
			}
			before := c.requests()
			_, err := c.env.Client.CreatePaymentToken(c.ctx, req)
			if te := assertCode(t, tokenize.InvalidArgument, c.note(nil, err), "request lacking %s", field); te != nil {
				assert.Equal(t, field, te.Field, "Error.Field")
			}
			c.assertNothingSent(before, "request lacking "+field)
		})
	}
}

// requestLacking builds a valid create request from the fixtures with
// every required field but field, which is blank. ok is false when the
// provider declares no payment method the field belongs to.
func requestLacking(field string, f Fixtures, caps tokenize.Capabilities) (req tokenize.CreatePaymentTokenRequest, ok bool) {
	const filled = "Conformance Required"
	set := func(name string) string {
		if name == field || !slices.Contains(caps.RequiredFields, name) {
			return ""
		}
		return filled
	}
	card, bank := f.VisaCard, f.BankAccount
	card.HolderName, bank.HolderName = set(tokenize.FieldCardHolderName), set(tokenize.FieldBankHolderName)
	req.CustomerReference, req.MerchantReference = set(tokenize.FieldCustomerReference), set(tokenize.FieldMerchantReference)
	useBank := field == tokenize.FieldBankHolderName ||
		(field != tokenize.FieldCardHolderName && !caps.SupportsPaymentMethod(tokenize.KindCard))
	switch {
	case useBank && caps.SupportsPaymentMethod(tokenize.KindBankAccount):
		req.BankAccount = &bank
	case !useBank && caps.SupportsPaymentMethod(tokenize.KindCard):
		req.Card = &card
	default:
		return req, false
	}
	return req, true
}
