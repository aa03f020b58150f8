package tokenize_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

// A field the provider lists in RequiredFields is refused, blank or
// missing, with InvalidArgument naming it and nothing sent; where the
// field does not belong to the request (a card holder for a bank account)
// it does not apply.
func TestRequiredFields(t *testing.T) {
	ctx := context.Background()
	card := func(holder string) tokenize.CreatePaymentTokenRequest {
		c := goodCard()
		c.HolderName = holder
		return tokenize.CreatePaymentTokenRequest{Card: c}
	}
	bank := func(holder string) tokenize.CreatePaymentTokenRequest {
		b := goodBank()
		b.HolderName = holder
		return tokenize.CreatePaymentTokenRequest{BankAccount: b}
	}
	withRefs := func(r tokenize.CreatePaymentTokenRequest, customer, merchant string) tokenize.CreatePaymentTokenRequest {
		r.CustomerReference, r.MerchantReference = customer, merchant
		return r
	}
	for _, tc := range []struct {
		name      string
		required  []string
		req       tokenize.CreatePaymentTokenRequest
		wantField string // "" when the request must go through
	}{
		{"BankHolderMissing", []string{tokenize.FieldBankHolderName}, bank(""), tokenize.FieldBankHolderName},
		{"BankHolderBlank", []string{tokenize.FieldBankHolderName}, bank("   "), tokenize.FieldBankHolderName},
		{"BankHolderGiven", []string{tokenize.FieldBankHolderName}, bank("Ada Lovelace"), ""},
		{"BankHolderNotForCards", []string{tokenize.FieldBankHolderName}, card(""), ""},
		{"CardHolderMissing", []string{tokenize.FieldCardHolderName}, card(""), tokenize.FieldCardHolderName},
		{"CardHolderNotForBanks", []string{tokenize.FieldCardHolderName}, bank(""), ""},
		{"CustomerReferenceMissing", []string{tokenize.FieldCustomerReference}, card("A B"), tokenize.FieldCustomerReference},
		{"MerchantReferenceMissing", []string{tokenize.FieldCustomerReference, tokenize.FieldMerchantReference},
			withRefs(card(""), "cus-1", ""), tokenize.FieldMerchantReference},
		{"AllGiven", tokenize.RequirableFields, withRefs(bank("Ada"), "cus-1", "order-1"), ""},
		{"NothingRequired", nil, bank(""), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newFake()
			p.caps.RequiredFields = tc.required
			c := tokenize.New(p)
			for _, f := range tc.required {
				assert.True(t, c.Capabilities().Requires(f), f)
			}
			_, err := c.CreatePaymentToken(ctx, tc.req)
			if tc.wantField == "" {
				require.NoError(t, err)
				assert.Equal(t, int64(1), p.calls.Load())
				return
			}
			var te *tokenize.Error
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tokenize.InvalidArgument, te.Code)
			assert.Equal(t, tc.wantField, te.Field)
			assert.Contains(t, te.Error(), "required by this provider")
			assert.Zero(t, p.calls.Load(), "nothing reaches the provider")
		})
	}
}

// holderNameProvider is the example's provider: it needs the card holder's
// name, as a provider whose API requires one would declare.
type holderNameProvider struct{ *memoryProvider }

func (p holderNameProvider) Capabilities() tokenize.Capabilities {
	caps := p.memoryProvider.Capabilities()
	caps.RequiredFields = []string{tokenize.FieldCardHolderName}
	return caps
}

// A provider declares the optional fields it needs; the Client refuses a
// request without one before anything is sent, naming the field.
func ExampleCapabilities_Requires() {
	client := tokenize.New(holderNameProvider{newMemoryProvider()})
	card := exampleCard()
	card.HolderName = ""

	fmt.Println("needs a holder name:", client.Capabilities().Requires(tokenize.FieldCardHolderName))
	_, err := client.CreatePaymentToken(context.Background(), tokenize.CreatePaymentTokenRequest{Card: card})
	var te *tokenize.Error
	if errors.As(err, &te) {
		fmt.Println(te.Code, te.Field)
	}
	// Output:
	// needs a holder name: true
	// InvalidArgument card.holder_name
}
