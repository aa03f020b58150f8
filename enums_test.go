package tokenize_test

import (
	"encoding"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

// enumCase exercises one enum type: its known values, in order, and a
// pointer to a zero value for decoding.
type enumCase struct {
	name   string
	values []fmt.Stringer
	parse  func(string) (fmt.Stringer, error)
	decode func() encoding.TextUnmarshaler
	bad    fmt.Stringer // an out-of-range value
}

func wrap[T fmt.Stringer](f func(string) (T, error)) func(string) (fmt.Stringer, error) {
	return func(s string) (fmt.Stringer, error) { v, err := f(s); return v, err }
}

func stringers[T fmt.Stringer](vs ...T) []fmt.Stringer {
	out := make([]fmt.Stringer, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

func TestEnums(t *testing.T) {
	cases := []enumCase{
		{"Brand", stringers(tokenize.BrandUnknown, tokenize.BrandVisa, tokenize.BrandMastercard, tokenize.BrandAmex,
			tokenize.BrandDiners, tokenize.BrandJCB, tokenize.BrandDiscover), wrap(tokenize.ParseBrand),
			func() encoding.TextUnmarshaler { return new(tokenize.Brand) }, tokenize.Brand(200)},
		{"NetworkTokenState", stringers(tokenize.StateUnknown, tokenize.StateActive, tokenize.StateSuspended, tokenize.StateInactive,
			tokenize.StateDeclined, tokenize.StateRequested, tokenize.StateDeleted), wrap(tokenize.ParseNetworkTokenState),
			func() encoding.TextUnmarshaler { return new(tokenize.NetworkTokenState) }, tokenize.NetworkTokenState(200)},
		{"TokenScheme", stringers(tokenize.SchemeUnknown, tokenize.SchemeVTS, tokenize.SchemeMDES), wrap(tokenize.ParseTokenScheme),
			func() encoding.TextUnmarshaler { return new(tokenize.TokenScheme) }, tokenize.TokenScheme(200)},
		{"TransactionType", stringers(tokenize.ECommerce, tokenize.Recurring, tokenize.PointOfSale, tokenize.AccountFunding),
			wrap(tokenize.ParseTransactionType), func() encoding.TextUnmarshaler { return new(tokenize.TransactionType) }, tokenize.TransactionType(200)},
		{"DeleteInitiator", stringers(tokenize.InitiatedByTokenRequestor, tokenize.InitiatedByCardholder), wrap(tokenize.ParseDeleteInitiator),
			func() encoding.TextUnmarshaler { return new(tokenize.DeleteInitiator) }, tokenize.DeleteInitiator(200)},
		{"DeleteReason", stringers(tokenize.ReasonOther, tokenize.ReasonFraud), wrap(tokenize.ParseDeleteReason),
			func() encoding.TextUnmarshaler { return new(tokenize.DeleteReason) }, tokenize.DeleteReason(200)},
		{"CardType", stringers(tokenize.CardTypeUnknown, tokenize.CardTypeCredit, tokenize.CardTypeDebit), wrap(tokenize.ParseCardType),
			func() encoding.TextUnmarshaler { return new(tokenize.CardType) }, tokenize.CardType(200)},
		{"UsageIntent", stringers(tokenize.UsageUnspecified, tokenize.UsageRecurring, tokenize.UsageUnscheduled), wrap(tokenize.ParseUsageIntent),
			func() encoding.TextUnmarshaler { return new(tokenize.UsageIntent) }, tokenize.UsageIntent(200)},
		{"PaymentMethodKind", stringers(tokenize.KindUnknown, tokenize.KindCard, tokenize.KindBankAccount), wrap(tokenize.ParsePaymentMethodKind),
			func() encoding.TextUnmarshaler { return new(tokenize.PaymentMethodKind) }, tokenize.PaymentMethodKind(200)},
		{"BankAccountType", stringers(tokenize.AccountTypeUnknown, tokenize.AccountChecking, tokenize.AccountSavings), wrap(tokenize.ParseBankAccountType),
			func() encoding.TextUnmarshaler { return new(tokenize.BankAccountType) }, tokenize.BankAccountType(200)},
		{"Operation", stringers(append(tokenize.Operations(), tokenize.OpReceiveWebhook)...), wrap(tokenize.ParseOperation),
			func() encoding.TextUnmarshaler { return new(tokenize.Operation) }, tokenize.Operation(200)},
		{"EventKind", stringers(tokenize.EventNone, tokenize.EventUpdated, tokenize.EventCardUpdated, tokenize.EventStateChanged,
			tokenize.EventDeleted), wrap(tokenize.ParseEventKind),
			func() encoding.TextUnmarshaler { return new(tokenize.EventKind) }, tokenize.EventKind(200)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			seen := map[string]bool{}
			for _, v := range tc.values {
				s := v.String()
				require.NotEmpty(t, s)
				assert.False(t, seen[s], "duplicate name %q", s)
				seen[s] = true
				got, err := tc.parse(s)
				require.NoError(t, err, s)
				assert.Equal(t, v, got)
				got, err = tc.parse(strings.ToUpper(s))
				require.NoError(t, err, "parsing is case-insensitive")
				assert.Equal(t, v, got)
				b, err := json.Marshal(v)
				require.NoError(t, err)
				assert.Equal(t, `"`+s+`"`, string(b))
				dst := tc.decode()
				require.NoError(t, dst.UnmarshalText([]byte(s)))
				assert.Equal(t, s, dst.(fmt.Stringer).String())
			}
			assert.Equal(t, tc.name+"(200)", tc.bad.String())
			_, err := tc.parse("no-such-value")
			assert.Error(t, err)
			assert.Error(t, tc.decode().UnmarshalText([]byte("no-such-value")))
		})
	}
	assert.Len(t, tokenize.Operations(), 7)
	// Every enum of a result reads back from its own JSON, unknown values
	// included.
	tok := tokenize.PaymentToken{Kind: tokenize.KindBankAccount, BankAccount: &tokenize.BankAccountDetails{Last4: "6789"}}
	b, err := json.Marshal(tok)
	require.NoError(t, err)
	var back tokenize.PaymentToken
	require.NoError(t, json.Unmarshal(b, &back), "%s", b)
	assert.Equal(t, tok, back)
	// The unset values that validation refuses print distinctly.
	assert.Equal(t, "TransactionType(0)", tokenize.TransactionType(0).String())
	assert.Equal(t, "unspecified", tokenize.UsageUnspecified.String())
}
