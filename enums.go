package tokenize

import (
	"fmt"
	"strconv"
	"strings"
)

// All enums in this package are small integers whose zero value means
// "unknown" or "unset", with String, a Parse function accepting the String
// form case-insensitively, and text marshalling so they read well in JSON
// and logs.

type enum interface {
	~uint8
}

func enumString[T enum](names []string, v T, typ string) string {
	if int(v) < len(names) && names[v] != "" {
		return names[v]
	}
	return typ + "(" + strconv.Itoa(int(v)) + ")"
}

func enumParse[T enum](names []string, s, typ string) (T, error) {
	for i, n := range names {
		if n != "" && strings.EqualFold(n, s) {
			return T(i), nil
		}
	}
	return 0, fmt.Errorf("tokenize: unknown %s %q", typ, s)
}

func enumKnown[T enum](names []string, v T) bool {
	return int(v) < len(names) && names[v] != ""
}

// Brand is a card scheme.
type Brand uint8

// The card brands.
const (
	BrandUnknown Brand = iota
	BrandVisa
	BrandMastercard
	BrandAmex
	BrandDiners
	BrandJCB
	BrandDiscover
)

var brandNames = []string{"unknown", "visa", "mastercard", "amex", "diners", "jcb", "discover"}

// String returns the Brand's name, or Brand(n) for a value out of range.
func (b Brand) String() string { return enumString(brandNames, b, "Brand") }

// ParseBrand parses the String form of a Brand.
func ParseBrand(s string) (Brand, error) { return enumParse[Brand](brandNames, s, "brand") }

// MarshalText implements encoding.TextMarshaler.
func (b Brand) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (b *Brand) UnmarshalText(t []byte) (err error) { *b, err = ParseBrand(string(t)); return }

// NetworkTokenState is the lifecycle state of a scheme network token.
type NetworkTokenState uint8

// The network token states. Providers that report free text (Nuvei) map
// what they can and report StateUnknown for the rest.
const (
	StateUnknown NetworkTokenState = iota
	// StateActive: the token can be used and cryptograms can be requested.
	StateActive
	// StateSuspended: temporarily unusable (issuer or cardholder action).
	StateSuspended
	// StateInactive: no longer usable, typically after deletion.
	StateInactive
	// StateDeclined: the scheme refused to provision a token for the card.
	StateDeclined
	// StateRequested: provisioning is still in progress.
	StateRequested
	// StateDeleted: permanently removed at the scheme.
	StateDeleted
)

var stateNames = []string{"unknown", "active", "suspended", "inactive", "declined", "requested", "deleted"}

// String returns the NetworkTokenState's name, or NetworkTokenState(n) for a value out of range.
func (s NetworkTokenState) String() string { return enumString(stateNames, s, "NetworkTokenState") }

// ParseNetworkTokenState parses the String form of a NetworkTokenState.
func ParseNetworkTokenState(s string) (NetworkTokenState, error) {
	return enumParse[NetworkTokenState](stateNames, s, "network token state")
}

// MarshalText implements encoding.TextMarshaler.
func (s NetworkTokenState) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *NetworkTokenState) UnmarshalText(t []byte) (err error) {
	*s, err = ParseNetworkTokenState(string(t))
	return
}

// TokenScheme is the scheme token service that issued a network token.
type TokenScheme uint8

// The token services.
const (
	SchemeUnknown TokenScheme = iota
	// SchemeVTS is Visa Token Service.
	SchemeVTS
	// SchemeMDES is Mastercard Digital Enablement Service.
	SchemeMDES
)

var schemeNames = []string{"unknown", "vts", "mdes"}

// String returns the TokenScheme's name, or TokenScheme(n) for a value out of range.
func (s TokenScheme) String() string { return enumString(schemeNames, s, "TokenScheme") }

// ParseTokenScheme parses the String form of a TokenScheme.
func ParseTokenScheme(s string) (TokenScheme, error) {
	return enumParse[TokenScheme](schemeNames, s, "token scheme")
}

// MarshalText implements encoding.TextMarshaler.
func (s TokenScheme) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *TokenScheme) UnmarshalText(t []byte) (err error) {
	*s, err = ParseTokenScheme(string(t))
	return
}

// TransactionType is the kind of transaction a cryptogram is requested for.
// Its zero value is invalid: a cryptogram request must say what it is for.
type TransactionType uint8

// The transaction types.
const (
	// ECommerce is a customer-initiated online purchase ("ecom").
	ECommerce TransactionType = iota + 1
	// Recurring is a merchant-initiated recurring payment ("recurring").
	Recurring
	// PointOfSale is an in-person transaction ("pos").
	PointOfSale
	// AccountFunding is an account funding transaction, AFT ("aft").
	AccountFunding
)

var transactionTypeNames = []string{"", "ecom", "recurring", "pos", "aft"}

// String returns the TransactionType's name, or TransactionType(n) for a value out of range.
func (t TransactionType) String() string {
	return enumString(transactionTypeNames, t, "TransactionType")
}

// ParseTransactionType parses the String form of a TransactionType.
func ParseTransactionType(s string) (TransactionType, error) {
	return enumParse[TransactionType](transactionTypeNames, s, "transaction type")
}

// MarshalText implements encoding.TextMarshaler.
func (t TransactionType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *TransactionType) UnmarshalText(b []byte) (err error) {
	*t, err = ParseTransactionType(string(b))
	return
}

// DeleteInitiator says who asked for a network token to be deleted.
type DeleteInitiator uint8

// The delete initiators.
const (
	// InitiatedByTokenRequestor: the merchant or orchestrator ("token_requestor").
	InitiatedByTokenRequestor DeleteInitiator = iota + 1
	// InitiatedByCardholder: the cardholder asked ("cardholder").
	InitiatedByCardholder
)

var initiatorNames = []string{"", "token_requestor", "cardholder"}

// String returns the DeleteInitiator's name, or DeleteInitiator(n) for a value out of range.
func (d DeleteInitiator) String() string { return enumString(initiatorNames, d, "DeleteInitiator") }

// ParseDeleteInitiator parses the String form of a DeleteInitiator.
func ParseDeleteInitiator(s string) (DeleteInitiator, error) {
	return enumParse[DeleteInitiator](initiatorNames, s, "delete initiator")
}

// MarshalText implements encoding.TextMarshaler.
func (d DeleteInitiator) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *DeleteInitiator) UnmarshalText(t []byte) (err error) {
	*d, err = ParseDeleteInitiator(string(t))
	return
}

// DeleteReason says why a network token is deleted.
type DeleteReason uint8

// The delete reasons.
const (
	// ReasonOther is any reason but fraud ("other").
	ReasonOther DeleteReason = iota + 1
	// ReasonFraud: the token or card is compromised ("fraud").
	ReasonFraud
)

var reasonNames = []string{"", "other", "fraud"}

// String returns the DeleteReason's name, or DeleteReason(n) for a value out of range.
func (d DeleteReason) String() string { return enumString(reasonNames, d, "DeleteReason") }

// ParseDeleteReason parses the String form of a DeleteReason.
func ParseDeleteReason(s string) (DeleteReason, error) {
	return enumParse[DeleteReason](reasonNames, s, "delete reason")
}

// MarshalText implements encoding.TextMarshaler.
func (d DeleteReason) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *DeleteReason) UnmarshalText(t []byte) (err error) {
	*d, err = ParseDeleteReason(string(t))
	return
}

// CardType is the funding type of a card.
type CardType uint8

// The card types.
const (
	CardTypeUnknown CardType = iota
	CardTypeCredit
	CardTypeDebit
)

var cardTypeNames = []string{"unknown", "credit", "debit"}

// String returns the CardType's name, or CardType(n) for a value out of range.
func (c CardType) String() string { return enumString(cardTypeNames, c, "CardType") }

// ParseCardType parses the String form of a CardType.
func ParseCardType(s string) (CardType, error) {
	return enumParse[CardType](cardTypeNames, s, "card type")
}

// MarshalText implements encoding.TextMarshaler.
func (c CardType) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *CardType) UnmarshalText(t []byte) (err error) { *c, err = ParseCardType(string(t)); return }

// UsageIntent declares how a payment token will be used for
// merchant-initiated transactions. The zero value declares nothing.
type UsageIntent uint8

// The usage intents.
const (
	UsageUnspecified UsageIntent = iota
	// UsageRecurring: scheduled payments of a subscription.
	UsageRecurring
	// UsageUnscheduled: unscheduled card-on-file payments.
	UsageUnscheduled
)

var usageNames = []string{"", "recurring", "unscheduled"}

// String returns the UsageIntent's name, or UsageIntent(n) for a value out of range.
func (u UsageIntent) String() string {
	if u == UsageUnspecified {
		return "unspecified"
	}
	return enumString(usageNames, u, "UsageIntent")
}

// ParseUsageIntent parses the String form of a UsageIntent; "" and
// "unspecified" give UsageUnspecified.
func ParseUsageIntent(s string) (UsageIntent, error) {
	if s == "" || strings.EqualFold(s, "unspecified") {
		return UsageUnspecified, nil
	}
	return enumParse[UsageIntent](usageNames, s, "usage intent")
}

// MarshalText implements encoding.TextMarshaler.
func (u UsageIntent) MarshalText() ([]byte, error) { return []byte(u.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (u *UsageIntent) UnmarshalText(t []byte) (err error) {
	*u, err = ParseUsageIntent(string(t))
	return
}

// PaymentMethodKind is what a payment token stands for.
type PaymentMethodKind uint8

// The payment method kinds.
const (
	KindUnknown PaymentMethodKind = iota
	// KindCard is a payment card.
	KindCard
	// KindBankAccount is a US bank account for ACH debits.
	KindBankAccount
)

var kindNames = []string{"unknown", "card", "bank_account"}

// String returns the PaymentMethodKind's name, or PaymentMethodKind(n) for a value out of range.
func (k PaymentMethodKind) String() string { return enumString(kindNames, k, "PaymentMethodKind") }

// ParsePaymentMethodKind parses the String form of a PaymentMethodKind.
func ParsePaymentMethodKind(s string) (PaymentMethodKind, error) {
	return enumParse[PaymentMethodKind](kindNames, s, "payment method kind")
}

// MarshalText implements encoding.TextMarshaler.
func (k PaymentMethodKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *PaymentMethodKind) UnmarshalText(t []byte) (err error) {
	*k, err = ParsePaymentMethodKind(string(t))
	return
}

// BankAccountType is the type of a US bank account.
type BankAccountType uint8

// The bank account types.
const (
	AccountTypeUnknown BankAccountType = iota
	AccountChecking
	AccountSavings
)

var accountTypeNames = []string{"", "checking", "savings"}

// String returns the BankAccountType's name, or BankAccountType(n) for a value out of range.
func (a BankAccountType) String() string {
	if a == AccountTypeUnknown {
		return "unknown"
	}
	return enumString(accountTypeNames, a, "BankAccountType")
}

// ParseBankAccountType parses the String form of a BankAccountType,
// "unknown" included, so that a BankAccountDetails whose type the provider
// did not say survives a JSON round trip.
func ParseBankAccountType(s string) (BankAccountType, error) {
	if strings.EqualFold(s, "unknown") {
		return AccountTypeUnknown, nil
	}
	return enumParse[BankAccountType](accountTypeNames, s, "bank account type")
}

// MarshalText implements encoding.TextMarshaler.
func (a BankAccountType) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (a *BankAccountType) UnmarshalText(t []byte) (err error) {
	*a, err = ParseBankAccountType(string(t))
	return
}

// Operation names a Client operation. It appears in errors, logs and
// Capabilities.
type Operation uint8

// The operations.
const (
	OpCreatePaymentToken Operation = iota + 1
	OpGetPaymentToken
	OpDeletePaymentToken
	OpProvisionNetworkToken
	OpGetNetworkToken
	OpDeleteNetworkToken
	OpRequestCryptogram
	// OpReceiveWebhook is the verification and parsing of a webhook
	// delivery (Client.ParseWebhook, Client.WebhookHandler). It is not a
	// call to the provider, and Capabilities.Webhooks, not Operations,
	// declares it.
	OpReceiveWebhook
)

var opNames = []string{"", "CreatePaymentToken", "GetPaymentToken", "DeletePaymentToken",
	"ProvisionNetworkToken", "GetNetworkToken", "DeleteNetworkToken", "RequestCryptogram", "ReceiveWebhook"}

// String returns the Operation's name, or Operation(n) for a value out of range.
func (o Operation) String() string { return enumString(opNames, o, "Operation") }

// ParseOperation parses the String form of an Operation.
func ParseOperation(s string) (Operation, error) {
	return enumParse[Operation](opNames, s, "operation")
}

// MarshalText implements encoding.TextMarshaler.
func (o Operation) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (o *Operation) UnmarshalText(t []byte) (err error) { *o, err = ParseOperation(string(t)); return }

// Operations lists every operation a provider implements as a method of
// Provider and declares in Capabilities.Operations, in a stable order.
// OpReceiveWebhook is not among them (see Capabilities.Webhooks).
func Operations() []Operation {
	return []Operation{OpCreatePaymentToken, OpGetPaymentToken, OpDeletePaymentToken,
		OpProvisionNetworkToken, OpGetNetworkToken, OpDeleteNetworkToken, OpRequestCryptogram}
}
