package tokenize_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

// callFn runs one Client operation.
type callFn func(ctx context.Context, c *tokenize.Client) error

func createCard(mut func(*tokenize.Card)) callFn {
	return func(ctx context.Context, c *tokenize.Client) error {
		card := goodCard()
		mut(card)
		_, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: card})
		return err
	}
}

func provisionCard(mut func(*tokenize.Card)) callFn {
	return func(ctx context.Context, c *tokenize.Client) error {
		card := goodCard()
		mut(card)
		_, err := c.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{Card: card})
		return err
	}
}

func createBank(mut func(*tokenize.BankAccount)) callFn {
	return func(ctx context.Context, c *tokenize.Client) error {
		b := goodBank()
		mut(b)
		_, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{BankAccount: b})
		return err
	}
}

func createReq(req tokenize.CreatePaymentTokenRequest) callFn {
	return func(ctx context.Context, c *tokenize.Client) error {
		_, err := c.CreatePaymentToken(ctx, req)
		return err
	}
}

func provision(req tokenize.ProvisionNetworkTokenRequest) callFn {
	return func(ctx context.Context, c *tokenize.Client) error {
		_, err := c.ProvisionNetworkToken(ctx, req)
		return err
	}
}

func cryptogram(req tokenize.CryptogramRequest) callFn {
	return func(ctx context.Context, c *tokenize.Client) error {
		_, err := c.RequestCryptogram(ctx, req)
		return err
	}
}

func deleteNT(req tokenize.DeleteNetworkTokenRequest) callFn {
	return func(ctx context.Context, c *tokenize.Client) error {
		return c.DeleteNetworkToken(ctx, req)
	}
}

func getPT(id string) callFn {
	return func(ctx context.Context, c *tokenize.Client) error { _, err := c.GetPaymentToken(ctx, id); return err }
}

func deletePT(id string) callFn {
	return func(ctx context.Context, c *tokenize.Client) error { return c.DeletePaymentToken(ctx, id) }
}

func getNT(id string) callFn {
	return func(ctx context.Context, c *tokenize.Client) error { _, err := c.GetNetworkToken(ctx, id); return err }
}

func goodDelete() tokenize.DeleteNetworkTokenRequest {
	return tokenize.DeleteNetworkTokenRequest{ID: "nt_1", InitiatedBy: tokenize.InitiatedByCardholder, Reason: tokenize.ReasonFraud}
}

type validationCase struct {
	name  string
	call  callFn
	field string // "" for a case that must succeed
}

// cardCases are applied to both CreatePaymentToken and ProvisionNetworkToken.
func cardCases() []struct {
	name  string
	mut   func(*tokenize.Card)
	field string
} {
	setPAN := func(s string) func(*tokenize.Card) { return func(c *tokenize.Card) { c.Number = tokenize.PAN(s) } }
	setMonth := func(m int) func(*tokenize.Card) { return func(c *tokenize.Card) { c.ExpiryMonth = m } }
	setYear := func(y int) func(*tokenize.Card) { return func(c *tokenize.Card) { c.ExpiryYear = y } }
	setCVV := func(s string) func(*tokenize.Card) { return func(c *tokenize.Card) { c.CVV = tokenize.Secret(s) } }
	setName := func(s string) func(*tokenize.Card) { return func(c *tokenize.Card) { c.HolderName = s } }
	return []struct {
		name  string
		mut   func(*tokenize.Card)
		field string
	}{
		{"pan 16 ok", setPAN(testPAN), ""},
		{"pan 12 ok", setPAN("123456789015"), ""},
		{"pan 13 ok", setPAN("4222222222222"), ""},
		{"pan 15 amex ok", setPAN("378282246310005"), ""},
		{"pan 19 ok", setPAN("6011000990139424000"[:18] + luhnDigit("6011000990139424000"[:18])), ""},
		{"pan empty", setPAN(""), tokenize.FieldCardNumber},
		{"pan 11 digits luhn ok", setPAN("12345678903"), tokenize.FieldCardNumber},
		{"pan 20 digits luhn ok", setPAN("1234567890123456789" + luhnDigit("1234567890123456789")), tokenize.FieldCardNumber},
		{"pan luhn fails", setPAN("4111111111111112"), tokenize.FieldCardNumber},
		{"pan with spaces", setPAN("4111 1111 1111 1111"), tokenize.FieldCardNumber},
		{"pan with dashes", setPAN("4111-1111-1111-1111"), tokenize.FieldCardNumber},
		{"pan letters", setPAN("411111111111111a"), tokenize.FieldCardNumber},
		{"pan unicode digits", setPAN("٤١١١١١١١١١١١١١١١"), tokenize.FieldCardNumber},
		{"month 1 ok", setMonth(1), ""},
		{"month 12 ok", setMonth(12), ""},
		{"month 0", setMonth(0), tokenize.FieldCardExpiryMonth},
		{"month 13", setMonth(13), tokenize.FieldCardExpiryMonth},
		{"month -1", setMonth(-1), tokenize.FieldCardExpiryMonth},
		{"year 2 digits ok", setYear(30), ""},
		{"year 4 digits ok", setYear(2030), ""},
		{"year 2 digits expired", setYear(25), tokenize.FieldCardExpiryYear},
		{"year 4 digits expired", setYear(2025), tokenize.FieldCardExpiryYear},
		{"year 3 digits", setYear(203), tokenize.FieldCardExpiryYear},
		{"year 5 digits", setYear(20300), tokenize.FieldCardExpiryYear},
		{"year negative", setYear(-30), tokenize.FieldCardExpiryYear},
		{"year 0 means 2000, expired", setYear(0), tokenize.FieldCardExpiryYear},
		{"cvv empty ok", setCVV(""), ""},
		{"cvv 3 ok", setCVV("123"), ""},
		{"cvv 4 ok", setCVV("1234"), ""},
		{"cvv 2", setCVV("12"), tokenize.FieldCardCVV},
		{"cvv 5", setCVV("12345"), tokenize.FieldCardCVV},
		{"cvv letters", setCVV("12a"), tokenize.FieldCardCVV},
		{"name 70 ok", setName(strings.Repeat("é", 70)), ""},
		{"name 71", setName(strings.Repeat("a", 71)), tokenize.FieldCardHolderName},
		{"name control char", setName("Ada\nLovelace"), tokenize.FieldCardHolderName},
		{"name invalid utf8", setName("Ada\xff"), tokenize.FieldCardHolderName},
	}
}

// luhnDigit returns the check digit that makes s+digit pass Luhn.
func luhnDigit(s string) string {
	for d := byte('0'); d <= '9'; d++ {
		if luhn(s + string(d)) {
			return string(d)
		}
	}
	panic("unreachable")
}

func luhn(s string) bool {
	sum, double := 0, false
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

func validationCases() []validationCase {
	var cases []validationCase
	for _, cc := range cardCases() {
		cases = append(cases,
			validationCase{"create card: " + cc.name, createCard(cc.mut), cc.field},
			validationCase{"provision card: " + cc.name, provisionCard(cc.mut), cc.field})
	}
	bank := func(name string, mut func(*tokenize.BankAccount), field string) {
		cases = append(cases, validationCase{"bank: " + name, createBank(mut), field})
	}
	acct := func(s string) func(*tokenize.BankAccount) {
		return func(b *tokenize.BankAccount) { b.AccountNumber = tokenize.AccountNumber(s) }
	}
	routing := func(s string) func(*tokenize.BankAccount) {
		return func(b *tokenize.BankAccount) { b.RoutingNumber = s }
	}
	bank("account 4 ok", acct("1234"), "")
	bank("account 17 ok", acct(strings.Repeat("7", 17)), "")
	bank("account empty", acct(""), tokenize.FieldBankAccountNumber)
	bank("account 3", acct("123"), tokenize.FieldBankAccountNumber)
	bank("account 18", acct(strings.Repeat("7", 18)), tokenize.FieldBankAccountNumber)
	bank("account letters", acct("12345x"), tokenize.FieldBankAccountNumber)
	bank("routing ok 021000021", routing("021000021"), "")
	bank("routing ok 011000015", routing("011000015"), "")
	bank("routing empty", routing(""), tokenize.FieldBankRoutingNumber)
	bank("routing 8 digits", routing("02100002"), tokenize.FieldBankRoutingNumber)
	bank("routing 10 digits", routing("0210000210"), tokenize.FieldBankRoutingNumber)
	bank("routing letters", routing("02100002a"), tokenize.FieldBankRoutingNumber)
	bank("routing bad checksum", routing("021000022"), tokenize.FieldBankRoutingNumber)
	bank("routing all zeros", routing("000000000"), tokenize.FieldBankRoutingNumber)
	bank("account type savings ok", func(b *tokenize.BankAccount) { b.AccountType = tokenize.AccountSavings }, "")
	bank("account type unset", func(b *tokenize.BankAccount) { b.AccountType = 0 }, tokenize.FieldBankAccountType)
	bank("account type unknown value", func(b *tokenize.BankAccount) { b.AccountType = 99 }, tokenize.FieldBankAccountType)
	bank("holder 71", func(b *tokenize.BankAccount) { b.HolderName = strings.Repeat("b", 71) }, tokenize.FieldBankHolderName)

	card := goodCard()
	cases = append(cases,
		validationCase{"create: nothing set", createReq(tokenize.CreatePaymentTokenRequest{}), tokenize.FieldPaymentMethod},
		validationCase{"create: card and bank", createReq(tokenize.CreatePaymentTokenRequest{Card: card, BankAccount: goodBank()}), tokenize.FieldPaymentMethod},
		validationCase{"create: card and temporary token", createReq(tokenize.CreatePaymentTokenRequest{Card: card, TemporaryToken: "tok_1"}), tokenize.FieldPaymentMethod},
		validationCase{"create: temporary token ok", createReq(tokenize.CreatePaymentTokenRequest{TemporaryToken: "tok_abc-123"}), ""},
		validationCase{"create: temporary token with slash", createReq(tokenize.CreatePaymentTokenRequest{TemporaryToken: "tok/../x"}), tokenize.FieldTemporaryToken},
		validationCase{"create: temporary token too long", createReq(tokenize.CreatePaymentTokenRequest{TemporaryToken: tokenize.Secret(strings.Repeat("t", 256))}), tokenize.FieldTemporaryToken},
		validationCase{"create: merchant reference 50 ok", createReq(tokenize.CreatePaymentTokenRequest{Card: card, MerchantReference: strings.Repeat("m", 50)}), ""},
		validationCase{"create: merchant reference 51", createReq(tokenize.CreatePaymentTokenRequest{Card: card, MerchantReference: strings.Repeat("m", 51)}), tokenize.FieldMerchantReference},
		validationCase{"create: customer reference 255 ok", createReq(tokenize.CreatePaymentTokenRequest{Card: card, CustomerReference: strings.Repeat("c", 255)}), ""},
		validationCase{"create: customer reference 256", createReq(tokenize.CreatePaymentTokenRequest{Card: card, CustomerReference: strings.Repeat("c", 256)}), tokenize.FieldCustomerReference},
		validationCase{"create: usage recurring ok", createReq(tokenize.CreatePaymentTokenRequest{Card: card, UsageIntent: tokenize.UsageRecurring}), ""},
		validationCase{"create: usage unscheduled ok", createReq(tokenize.CreatePaymentTokenRequest{Card: card, UsageIntent: tokenize.UsageUnscheduled}), ""},
		validationCase{"create: usage unknown value", createReq(tokenize.CreatePaymentTokenRequest{Card: card, UsageIntent: 99}), tokenize.FieldUsageIntent},
		validationCase{"provision: nothing set", provision(tokenize.ProvisionNetworkTokenRequest{}), tokenize.FieldProvisionSource},
		validationCase{"provision: both set", provision(tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: "pt_1", Card: card}), tokenize.FieldProvisionSource},
		validationCase{"provision: payment token ok", provision(tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: "pt_1"}), ""},
		validationCase{"provision: merchant reference 51", provision(tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: "pt_1", MerchantReference: strings.Repeat("m", 51)}), tokenize.FieldMerchantReference},
		validationCase{"cryptogram: ok", cryptogram(tokenize.CryptogramRequest{NetworkTokenID: "nt_1", TransactionType: tokenize.ECommerce}), ""},
		validationCase{"cryptogram: type unset", cryptogram(tokenize.CryptogramRequest{NetworkTokenID: "nt_1"}), tokenize.FieldTransactionType},
		validationCase{"cryptogram: type unknown value", cryptogram(tokenize.CryptogramRequest{NetworkTokenID: "nt_1", TransactionType: 99}), tokenize.FieldTransactionType},
		validationCase{"delete nt: ok", deleteNT(goodDelete()), ""},
		validationCase{"delete nt: initiator unset", deleteNT(tokenize.DeleteNetworkTokenRequest{ID: "nt_1", Reason: tokenize.ReasonOther}), tokenize.FieldInitiatedBy},
		validationCase{"delete nt: initiator unknown value", deleteNT(tokenize.DeleteNetworkTokenRequest{ID: "nt_1", InitiatedBy: 99, Reason: tokenize.ReasonOther}), tokenize.FieldInitiatedBy},
		validationCase{"delete nt: reason unset", deleteNT(tokenize.DeleteNetworkTokenRequest{ID: "nt_1", InitiatedBy: tokenize.InitiatedByTokenRequestor}), tokenize.FieldReason},
		validationCase{"delete nt: reason unknown value", deleteNT(tokenize.DeleteNetworkTokenRequest{ID: "nt_1", InitiatedBy: tokenize.InitiatedByTokenRequestor, Reason: 99}), tokenize.FieldReason},
	)
	for _, t := range []tokenize.TransactionType{tokenize.Recurring, tokenize.PointOfSale, tokenize.AccountFunding} {
		cases = append(cases, validationCase{"cryptogram: " + t.String() + " ok",
			cryptogram(tokenize.CryptogramRequest{NetworkTokenID: "nt_1", TransactionType: t}), ""})
	}

	goodIDs := []string{"pt_1", "a", "A-Z_a.z:0~9", strings.Repeat("i", 255), "..."}
	badIDs := map[string]string{
		"empty": "", "slash": "a/b", "dot": ".", "dotdot": "..", "dotdot slash": "../x", "backslash": `a\b`,
		"query": "a?b", "fragment": "a#b", "percent": "a%2Fb", "space": "a b", "newline": "a\nb",
		"too long": strings.Repeat("i", 256), "unicode": "tök", "nul": "a\x00b",
	}
	idOps := []struct {
		name  string
		fn    func(string) callFn
		field string
	}{
		{"get payment token", getPT, tokenize.FieldID},
		{"delete payment token", deletePT, tokenize.FieldID},
		{"get network token", getNT, tokenize.FieldID},
		{"provision payment token id", func(id string) callFn {
			return provision(tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: id})
		}, tokenize.FieldPaymentTokenID},
		{"cryptogram network token id", func(id string) callFn {
			return cryptogram(tokenize.CryptogramRequest{NetworkTokenID: id, TransactionType: tokenize.ECommerce})
		}, tokenize.FieldNetworkTokenID},
		{"delete network token id", func(id string) callFn {
			r := goodDelete()
			r.ID = id
			return deleteNT(r)
		}, tokenize.FieldID},
	}
	for _, op := range idOps {
		for _, id := range goodIDs {
			cases = append(cases, validationCase{op.name + ": good id " + id[:min(len(id), 10)], op.fn(id), ""})
		}
		for name, id := range badIDs {
			field := op.field
			if op.name == "provision payment token id" && id == "" {
				field = tokenize.FieldProvisionSource // empty id means no source at all
			}
			cases = append(cases, validationCase{op.name + ": bad id " + name, op.fn(id), field})
		}
	}
	return cases
}

func TestValidation(t *testing.T) {
	for _, tc := range validationCases() {
		t.Run(tc.name, func(t *testing.T) {
			p := newFake()
			c := tokenize.New(p, clockAt(fixedNow))
			err := tc.call(context.Background(), c)
			if tc.field == "" {
				require.NoError(t, err)
				assert.EqualValues(t, 1, p.calls.Load(), "a valid request reaches the provider once")
				return
			}
			require.Error(t, err)
			var te *tokenize.Error
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tokenize.InvalidArgument, te.Code, "%v", err)
			assert.Equal(t, tc.field, te.Field, "%v", err)
			assert.ErrorIs(t, err, tokenize.ErrInvalidArgument)
			assert.Equal(t, "fake", te.Provider)
			assert.NotZero(t, te.Op)
			assert.Zero(t, te.Attempts, "a refused request was never sent")
			assert.EqualValues(t, 0, p.calls.Load(), "an invalid request must not reach the provider")
			for _, s := range sensitiveValues {
				assert.NotContains(t, err.Error(), s)
			}
		})
	}
}

func TestValidationNormalisesYearAndCopiesRequest(t *testing.T) {
	p := newFake()
	c := tokenize.New(p, clockAt(fixedNow))
	card := goodCard()
	card.ExpiryYear = 31
	tok, err := c.CreatePaymentToken(context.Background(), tokenize.CreatePaymentTokenRequest{Card: card})
	require.NoError(t, err)
	assert.Equal(t, 2031, p.lastCreate.Card.ExpiryYear, "the provider sees four digits")
	assert.Equal(t, 31, card.ExpiryYear, "the caller's card is not modified")
	assert.Equal(t, 2031, tok.Card.ExpiryYear)
	assert.Equal(t, "fake", tok.Provider)

	card = goodCard()
	card.ExpiryYear = 29
	_, err = c.ProvisionNetworkToken(context.Background(), tokenize.ProvisionNetworkTokenRequest{Card: card})
	require.NoError(t, err)
	assert.Equal(t, 2029, p.lastProv.Card.ExpiryYear)
}

// TestExpiryBoundaryUTCMinus12 pins that a card is valid through the last
// day of its expiry month in the last timezone on Earth (UTC-12).
func TestExpiryBoundaryUTCMinus12(t *testing.T) {
	cases := []struct {
		name    string
		now     time.Time
		expired bool
	}{
		{"mid expiry month", time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC), false},
		{"first instant of next month UTC", time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), false},
		{"11:59:59 UTC next month, still June in UTC-12", time.Date(2026, 7, 1, 11, 59, 59, 999999999, time.UTC), false},
		{"12:00 UTC next month, July everywhere", time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC), true},
		{"clock in UTC+14 already July", time.Date(2026, 7, 1, 9, 0, 0, 0, time.FixedZone("UTC+14", 14*3600)), false},
		{"next year", time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC), true},
		{"month before", time.Date(2026, 5, 31, 23, 0, 0, 0, time.UTC), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newFake()
			c := tokenize.New(p, clockAt(tc.now))
			card := goodCard()
			card.ExpiryMonth, card.ExpiryYear = 6, 26
			_, err := c.CreatePaymentToken(context.Background(), tokenize.CreatePaymentTokenRequest{Card: card})
			if !tc.expired {
				require.NoError(t, err)
				return
			}
			var te *tokenize.Error
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tokenize.InvalidArgument, te.Code)
			assert.Equal(t, tokenize.FieldCardExpiryYear, te.Field)
			assert.EqualValues(t, 0, p.calls.Load())
		})
	}
}

func TestCapabilityChecks(t *testing.T) {
	card := goodCard()
	cases := []struct {
		name string
		caps func(*tokenize.Capabilities)
		call callFn
		op   tokenize.Operation
		want string // substring of the message besides the provider name
	}{
		{"create card not supported", func(c *tokenize.Capabilities) {
			c.PaymentMethods = []tokenize.PaymentMethodKind{tokenize.KindBankAccount}
		},
			createCard(func(*tokenize.Card) {}), tokenize.OpCreatePaymentToken, "card"},
		{"create bank not supported", func(c *tokenize.Capabilities) { c.PaymentMethods = []tokenize.PaymentMethodKind{tokenize.KindCard} },
			createBank(func(*tokenize.BankAccount) {}), tokenize.OpCreatePaymentToken, "bank account"},
		{"temporary tokens not supported", func(c *tokenize.Capabilities) { c.TemporaryTokens = false },
			createReq(tokenize.CreatePaymentTokenRequest{TemporaryToken: "tok_1"}), tokenize.OpCreatePaymentToken, "temporary tokens"},
		{"provision from card not supported", func(c *tokenize.Capabilities) { c.ProvisionFromCard = false },
			provision(tokenize.ProvisionNetworkTokenRequest{Card: card}), tokenize.OpProvisionNetworkToken, "card"},
		{"provision from payment token not supported", func(c *tokenize.Capabilities) { c.ProvisionFromPaymentToken = false },
			provision(tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: "pt_1"}), tokenize.OpProvisionNetworkToken, "payment token"},
		{"transaction type not supported", func(c *tokenize.Capabilities) { c.TransactionTypes = []tokenize.TransactionType{tokenize.ECommerce} },
			cryptogram(tokenize.CryptogramRequest{NetworkTokenID: "nt_1", TransactionType: tokenize.AccountFunding}), tokenize.OpRequestCryptogram, "aft"},
	}
	ops := map[tokenize.Operation]callFn{
		tokenize.OpCreatePaymentToken:    createCard(func(*tokenize.Card) {}),
		tokenize.OpGetPaymentToken:       getPT("pt_1"),
		tokenize.OpDeletePaymentToken:    deletePT("pt_1"),
		tokenize.OpProvisionNetworkToken: provision(tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: "pt_1"}),
		tokenize.OpGetNetworkToken:       getNT("nt_1"),
		tokenize.OpDeleteNetworkToken:    deleteNT(goodDelete()),
		tokenize.OpRequestCryptogram:     cryptogram(tokenize.CryptogramRequest{NetworkTokenID: "nt_1", TransactionType: tokenize.ECommerce}),
	}
	require.Len(t, ops, len(tokenize.Operations()), "every operation is covered")
	for op, fn := range ops {
		cases = append(cases, struct {
			name string
			caps func(*tokenize.Capabilities)
			call callFn
			op   tokenize.Operation
			want string
		}{"operation " + op.String() + " not declared", func(c *tokenize.Capabilities) {
			var keep []tokenize.Operation
			for _, o := range tokenize.Operations() {
				if o != op {
					keep = append(keep, o)
				}
			}
			c.Operations = keep
		}, fn, op, op.String()})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newFake()
			p.name = "limited"
			tc.caps(&p.caps)
			c := tokenize.New(p, clockAt(fixedNow))
			err := tc.call(context.Background(), c)
			require.ErrorIs(t, err, tokenize.ErrUnsupported)
			var te *tokenize.Error
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tokenize.Unsupported, te.Code)
			assert.Equal(t, tc.op, te.Op)
			assert.Equal(t, "limited", te.Provider)
			assert.Contains(t, te.Message, "limited")
			assert.Contains(t, te.Message, tc.want)
			assert.Contains(t, err.Error(), "limited")
			assert.Contains(t, err.Error(), tc.op.String())
			assert.False(t, errors.Is(err, tokenize.ErrInvalidArgument))
			assert.EqualValues(t, 0, p.calls.Load(), "an unsupported call must not reach the provider")
		})
	}
}

// An undeclared operation is refused even when its request is also invalid:
// the caller learns the real obstacle first.
func TestUnsupportedBeatsInvalid(t *testing.T) {
	p := newFake()
	p.caps.Operations = []tokenize.Operation{tokenize.OpCreatePaymentToken}
	c := tokenize.New(p)
	_, err := c.GetPaymentToken(context.Background(), "../bad")
	assert.ErrorIs(t, err, tokenize.ErrUnsupported)
	assert.EqualValues(t, 0, p.calls.Load())
}
