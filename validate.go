package tokenize

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Neutral field names, used in Error.Field by the Client's validation and
// by adapters translating provider field paths.
const (
	FieldCard                          = "card"
	FieldCardNumber                    = "card.number"
	FieldCardExpiryMonth               = "card.expiry_month"
	FieldCardExpiryYear                = "card.expiry_year"
	FieldCardCVV                       = "card.cvv"
	FieldCardHolderName                = "card.holder_name"
	FieldBankAccount                   = "bank_account"
	FieldBankAccountNumber             = "bank_account.account_number"
	FieldBankRoutingNumber             = "bank_account.routing_number"
	FieldBankAccountType               = "bank_account.account_type"
	FieldBankHolderName                = "bank_account.holder_name"
	FieldTemporaryToken                = "temporary_token"
	FieldCustomerReference             = "customer_reference"
	FieldMerchantReference             = "merchant_reference"
	FieldUsageIntent                   = "usage_intent"
	FieldPaymentMethod                 = "payment_method"
	FieldID                            = "id"
	FieldPaymentTokenID                = "payment_token_id"
	FieldNetworkTokenID                = "network_token_id"
	FieldTransactionType               = "transaction_type"
	FieldInitiatedBy                   = "initiated_by"
	FieldReason                        = "reason"
	FieldProvisionSource               = "source"
	maxHolderName                      = 70  // Nuvei cardHolderName (seed 001)
	maxMerchantReference               = 50  // Nuvei merchantReference (seeds 000, 001)
	maxCustomerReference               = 255 // Nuvei buyerId; Checkout customer email
	maxIDLength                        = 255
	maxTemporaryToken                  = 255
	minPANDigits, maxPANDigits         = 12, 19
	minAccountDigits, maxAccountDigits = 4, 17
)

func invalid(field, msg string) *Error {
	return &Error{Code: InvalidArgument, Field: field, Message: msg}
}

// validateCard checks c and returns a copy with a four-digit year.
func validateCard(c *Card, now time.Time) (*Card, *Error) {
	if c == nil {
		return nil, invalid(FieldCard, "is required")
	}
	n := string(c.Number)
	switch {
	case n == "":
		return nil, invalid(FieldCardNumber, "is required")
	case !allDigits(n):
		return nil, invalid(FieldCardNumber, "must contain digits only")
	case len(n) < minPANDigits || len(n) > maxPANDigits:
		return nil, invalid(FieldCardNumber, "must be 12 to 19 digits")
	case !luhnValid(n):
		return nil, invalid(FieldCardNumber, "fails the Luhn check")
	}
	if c.ExpiryMonth < 1 || c.ExpiryMonth > 12 {
		return nil, invalid(FieldCardExpiryMonth, "must be 1 to 12")
	}
	year, err := normaliseYear(c.ExpiryYear, FieldCardExpiryYear)
	if err != nil {
		return nil, err
	}
	if expired(year, c.ExpiryMonth, now) {
		return nil, invalid(FieldCardExpiryYear, "the card has expired")
	}
	if cvv := string(c.CVV); cvv != "" && (!allDigits(cvv) || len(cvv) < 3 || len(cvv) > 4) {
		return nil, invalid(FieldCardCVV, "must be 3 or 4 digits")
	}
	if err := checkText(c.HolderName, maxHolderName, FieldCardHolderName); err != nil {
		return nil, err
	}
	out := *c
	out.ExpiryYear = year
	return &out, nil
}

// normaliseYear accepts a two-digit year (meaning 20YY) or a four-digit one.
func normaliseYear(y int, field string) (int, *Error) {
	switch {
	case y >= 0 && y <= 99:
		return 2000 + y, nil
	case y >= 1000 && y <= 9999:
		return y, nil
	}
	return 0, invalid(field, "must have 2 or 4 digits")
}

// expired reports whether a card expiring at the end of month/year is past
// at now. A card is valid through the last day of its expiry month; the
// check uses UTC-12, the last timezone on Earth to reach a new month, so a
// card is never refused while it is still valid somewhere.
func expired(year, month int, now time.Time) bool {
	// The UTC clock moved back 12 hours reads what a UTC-12 clock reads,
	// without the three allocations of a time.FixedZone per call.
	t := now.UTC().Add(-12 * time.Hour)
	ny, nm := t.Year(), int(t.Month())
	return year < ny || (year == ny && month < nm)
}

func luhnValid(s string) bool {
	sum := 0
	double := false
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// abaValid checks the ABA routing number checksum: 3·(d1+d4+d7) +
// 7·(d2+d5+d8) + (d3+d6+d9) ≡ 0 mod 10.
func abaValid(s string) bool {
	if len(s) != 9 || !allDigits(s) {
		return false
	}
	w := [3]int{3, 7, 1}
	sum := 0
	for i := 0; i < 9; i++ {
		sum += w[i%3] * int(s[i]-'0')
	}
	return sum%10 == 0 && s != "000000000"
}

func validateBankAccount(b *BankAccount) *Error {
	n := string(b.AccountNumber)
	switch {
	case n == "":
		return invalid(FieldBankAccountNumber, "is required")
	case !allDigits(n) || len(n) < minAccountDigits || len(n) > maxAccountDigits:
		return invalid(FieldBankAccountNumber, "must be 4 to 17 digits")
	}
	switch r := b.RoutingNumber; {
	case r == "":
		return invalid(FieldBankRoutingNumber, "is required")
	case len(r) != 9 || !allDigits(r):
		return invalid(FieldBankRoutingNumber, "must be 9 digits")
	case !abaValid(r):
		return invalid(FieldBankRoutingNumber, "fails the ABA checksum")
	}
	if b.AccountType == AccountTypeUnknown {
		return invalid(FieldBankAccountType, "is required (checking or savings)")
	}
	if !enumKnown(accountTypeNames, b.AccountType) {
		return invalid(FieldBankAccountType, "is not a known account type")
	}
	return checkText(b.HolderName, maxHolderName, FieldBankHolderName)
}

// checkText checks an optional free-text field: valid UTF-8, no control
// characters, at most max characters.
func checkText(s string, max int, field string) *Error {
	if s == "" {
		return nil
	}
	if !utf8.ValidString(s) {
		return invalid(field, "must be valid UTF-8")
	}
	if utf8.RuneCountInString(s) > max {
		return invalid(field, "must be at most "+strconv.Itoa(max)+" characters")
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return invalid(field, "must not contain control characters")
		}
	}
	return nil
}

// checkID accepts provider identifiers: non-empty, at most 255 characters
// from [A-Za-z0-9._:~-], and not "." or "..", so an id can never change
// the path of the URL it is put in.
func checkID(id, field string) *Error {
	if id == "" {
		return invalid(field, "is required")
	}
	if len(id) > maxIDLength {
		return invalid(field, "must be at most 255 characters")
	}
	if id == "." || id == ".." {
		return invalid(field, "must not be a path segment")
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == ':' || c == '~'
		if !ok {
			return invalid(field, "contains a character not allowed in an id")
		}
	}
	return nil
}

func (c *Client) validateCreate(req *CreatePaymentTokenRequest) (*CreatePaymentTokenRequest, *Error) {
	if req == nil {
		return nil, invalid(FieldPaymentMethod, "request is required")
	}
	out := *req
	set := 0
	if req.Card != nil {
		set++
	}
	if req.BankAccount != nil {
		set++
	}
	if req.TemporaryToken != "" {
		set++
	}
	if set != 1 {
		return nil, invalid(FieldPaymentMethod, "exactly one of card, bank account and temporary token must be set")
	}
	caps := c.caps
	switch {
	case req.Card != nil:
		if !caps.SupportsPaymentMethod(KindCard) {
			return nil, c.unsupported(OpCreatePaymentToken, "card payment tokens")
		}
		card, err := validateCard(req.Card, c.now())
		if err != nil {
			return nil, err
		}
		out.Card = card
	case req.BankAccount != nil:
		if !caps.SupportsPaymentMethod(KindBankAccount) {
			return nil, c.unsupported(OpCreatePaymentToken, "bank account payment tokens")
		}
		if err := validateBankAccount(req.BankAccount); err != nil {
			return nil, err
		}
		b := *req.BankAccount
		out.BankAccount = &b
	default:
		if !caps.TemporaryTokens {
			return nil, c.unsupported(OpCreatePaymentToken, "temporary tokens")
		}
		if t := string(req.TemporaryToken); len(t) > maxTemporaryToken || checkID(t, FieldTemporaryToken) != nil {
			return nil, invalid(FieldTemporaryToken, "is not a well-formed token")
		}
	}
	if err := checkText(req.CustomerReference, maxCustomerReference, FieldCustomerReference); err != nil {
		return nil, err
	}
	if err := checkText(req.MerchantReference, maxMerchantReference, FieldMerchantReference); err != nil {
		return nil, err
	}
	if req.UsageIntent != UsageUnspecified && !enumKnown(usageNames, req.UsageIntent) {
		return nil, invalid(FieldUsageIntent, "is not a known usage intent")
	}
	if err := checkRequired(caps.RequiredFields, req); err != nil {
		return nil, err
	}
	return &out, nil
}

func (c *Client) validateProvision(req *ProvisionNetworkTokenRequest) (*ProvisionNetworkTokenRequest, *Error) {
	if req == nil {
		return nil, invalid(FieldProvisionSource, "request is required")
	}
	out := *req
	switch {
	case req.Card != nil && req.PaymentTokenID != "", req.Card == nil && req.PaymentTokenID == "":
		return nil, invalid(FieldProvisionSource, "exactly one of payment token id and card must be set")
	case req.Card != nil:
		if !c.caps.ProvisionFromCard {
			return nil, c.unsupported(OpProvisionNetworkToken, "provisioning from a card")
		}
		card, err := validateCard(req.Card, c.now())
		if err != nil {
			return nil, err
		}
		out.Card = card
	default:
		if !c.caps.ProvisionFromPaymentToken {
			return nil, c.unsupported(OpProvisionNetworkToken, "provisioning from a payment token")
		}
		if err := checkID(req.PaymentTokenID, FieldPaymentTokenID); err != nil {
			return nil, err
		}
	}
	if err := checkText(req.MerchantReference, maxMerchantReference, FieldMerchantReference); err != nil {
		return nil, err
	}
	return &out, nil
}

func (c *Client) validateCryptogram(req *CryptogramRequest) *Error {
	if req == nil {
		return invalid(FieldNetworkTokenID, "request is required")
	}
	if err := checkID(req.NetworkTokenID, FieldNetworkTokenID); err != nil {
		return err
	}
	if !enumKnown(transactionTypeNames, req.TransactionType) {
		return invalid(FieldTransactionType, "must be one of "+strings.Join(transactionTypeNames[1:], ", "))
	}
	if !c.caps.SupportsTransactionType(req.TransactionType) {
		return c.unsupported(OpRequestCryptogram, "transaction type "+req.TransactionType.String()+
			" (supported: "+joinTypes(c.caps.TransactionTypes)+")")
	}
	return nil
}

func (c *Client) validateDeleteNetworkToken(req *DeleteNetworkTokenRequest) *Error {
	if req == nil {
		return invalid(FieldID, "request is required")
	}
	if err := checkID(req.ID, FieldID); err != nil {
		return err
	}
	if !enumKnown(initiatorNames, req.InitiatedBy) {
		return invalid(FieldInitiatedBy, "must be token_requestor or cardholder")
	}
	if !enumKnown(reasonNames, req.Reason) {
		return invalid(FieldReason, "must be other or fraud")
	}
	return nil
}

func joinTypes(ts []TransactionType) string {
	if len(ts) == 0 {
		return "none"
	}
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.String()
	}
	return strings.Join(names, ", ")
}
