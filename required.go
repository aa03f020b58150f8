package tokenize

import (
	"slices"
	"strings"
)

// RequirableFields are the fields a provider may list in
// Capabilities.RequiredFields: the optional fields of a
// CreatePaymentTokenRequest. A card or bank account field applies when the
// request carries a card or a bank account.
var RequirableFields = []string{FieldCardHolderName, FieldBankHolderName, FieldCustomerReference, FieldMerchantReference}

// Requires reports whether the provider lists field in RequiredFields.
func (c Capabilities) Requires(field string) bool { return slices.Contains(c.RequiredFields, field) }

// checkRequired refuses a request lacking a field the provider requires.
// Blank text counts as missing: a holder name of spaces names no one.
func checkRequired(required []string, req *CreatePaymentTokenRequest) *Error {
	for _, field := range required {
		var v string
		applies := true
		switch field {
		case FieldCardHolderName:
			applies = req.Card != nil
			if applies {
				v = req.Card.HolderName
			}
		case FieldBankHolderName:
			applies = req.BankAccount != nil
			if applies {
				v = req.BankAccount.HolderName
			}
		case FieldCustomerReference:
			v = req.CustomerReference
		case FieldMerchantReference:
			v = req.MerchantReference
		default:
			applies = false // not a field of this request; see RequirableFields
		}
		if applies && strings.TrimSpace(v) == "" {
			return invalid(field, "is required by this provider")
		}
	}
	return nil
}
