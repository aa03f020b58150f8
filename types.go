package tokenize

import (
	"fmt"
	"log/slog"
	"time"
)

// Card is raw card data to tokenize. Number and CVV are sensitive types
// that mask themselves wherever they are printed or logged.
type Card struct {
	// Number is the card number: 12 to 19 digits passing the Luhn check.
	Number PAN
	// ExpiryMonth is 1 to 12.
	ExpiryMonth int
	// ExpiryYear is four digits, or two digits meaning 20YY. The Client
	// normalises it to four digits before the provider sees it.
	ExpiryYear int
	// CVV is optional: 3 or 4 digits.
	CVV Secret
	// HolderName is at most 70 characters. It is optional unless the
	// provider lists FieldCardHolderName in Capabilities.RequiredFields.
	HolderName string
}

// LogValue implements slog.LogValuer with masked values only.
func (c Card) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("number", c.Number.Masked()),
		slog.Int("expiry_month", c.ExpiryMonth),
		slog.Int("expiry_year", c.ExpiryYear),
		slog.Bool("cvv_present", c.CVV != ""),
	)
}

// Format prints the card with its number and CVV masked, whatever the verb.
// Without it, fmt would print the raw fields of a *Card reached through a
// struct with a verb a pointer does not support (%s, %q, %d): fmt turns
// off every Formatter while it reports such a "bad verb".
func (c Card) Format(f fmt.State, verb rune) {
	type plain struct {
		Number                  string
		ExpiryMonth, ExpiryYear int
		CVV                     string
		HolderName              string
	}
	type Card plain // so that %#v names the type tokenize.Card
	fmt.Fprintf(f, fmt.FormatString(f, verb), Card{c.Number.Masked(), c.ExpiryMonth, c.ExpiryYear, c.CVV.String(), c.HolderName})
}

// BankAccount is a US bank account for ACH debits.
type BankAccount struct {
	// AccountNumber is 4 to 17 digits.
	AccountNumber AccountNumber
	// RoutingNumber is the 9-digit ABA routing number (checksum verified).
	RoutingNumber string
	// AccountType is checking or savings.
	AccountType BankAccountType
	// HolderName is at most 70 characters. It is optional unless the
	// provider lists FieldBankHolderName in Capabilities.RequiredFields
	// (Checkout.com does).
	HolderName string
}

// LogValue implements slog.LogValuer with masked values only.
func (b BankAccount) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("account_number", b.AccountNumber.Masked()),
		slog.String("routing_number", b.RoutingNumber),
		slog.String("account_type", b.AccountType.String()),
	)
}

// Format prints the account with its number masked, whatever the verb (see
// Card.Format).
func (b BankAccount) Format(f fmt.State, verb rune) {
	type plain struct {
		AccountNumber string
		RoutingNumber string
		AccountType   BankAccountType
		HolderName    string
	}
	type BankAccount plain
	fmt.Fprintf(f, fmt.FormatString(f, verb), BankAccount{b.AccountNumber.Masked(), b.RoutingNumber, b.AccountType, b.HolderName})
}

// CreatePaymentTokenRequest asks the provider to store a payment method and
// return a reusable payment token. Exactly one of Card, BankAccount and
// TemporaryToken must be set.
type CreatePaymentTokenRequest struct {
	// Card is raw card data. Sending it puts your servers in PCI DSS scope;
	// prefer TemporaryToken where you can.
	Card *Card
	// BankAccount is a US bank account for ACH debits.
	BankAccount *BankAccount
	// TemporaryToken is a single-use token created client-side by the
	// provider's browser or mobile SDK (a Nuvei temporary payment token, a
	// Checkout.com tok_ token), converted here into a reusable token. Raw
	// card data never touches your servers.
	TemporaryToken Secret
	// CustomerReference links the token to a customer at the provider
	// (Nuvei buyerId; Checkout.com customer id "cus_..." or email; Worldpay
	// namespace, which groups a shopper's tokens). Optional, at most 255
	// characters.
	CustomerReference string
	// MerchantReference is your own reference for the token. Optional, at
	// most 50 characters.
	MerchantReference string
	// UsageIntent declares future merchant-initiated use. Optional.
	UsageIntent UsageIntent
}

// ProvisionNetworkTokenRequest asks the scheme (through the provider) for a
// network token. Exactly one of PaymentTokenID and Card must be set;
// Capabilities says which the provider accepts.
type ProvisionNetworkTokenRequest struct {
	// PaymentTokenID is a payment token issued by the same provider.
	PaymentTokenID string
	// Card is raw card data.
	Card *Card
	// MerchantReference is your own reference. Optional, at most 50
	// characters.
	MerchantReference string
}

// CryptogramRequest asks for a fresh cryptogram for one transaction.
type CryptogramRequest struct {
	// NetworkTokenID is the NetworkToken.ID to use.
	NetworkTokenID string
	// TransactionType is required; Capabilities lists what the provider
	// supports.
	TransactionType TransactionType
}

// DeleteNetworkTokenRequest asks for a network token to be deleted
// permanently at the scheme.
type DeleteNetworkTokenRequest struct {
	// ID is the NetworkToken.ID.
	ID string
	// InitiatedBy is required.
	InitiatedBy DeleteInitiator
	// Reason is required.
	Reason DeleteReason
}

// PaymentToken is a stored payment method at one provider. Its ID means
// nothing to any other provider: tokens are not portable.
type PaymentToken struct {
	// Provider is the registered name of the provider that issued the token.
	Provider string
	// ID is the provider's token identifier (Nuvei paymentTokenId,
	// Checkout.com src_ instrument id, Worldpay the last segment of the
	// token's href).
	ID string
	// Kind says which of Card and BankAccount is set.
	Kind PaymentMethodKind
	// Card holds the masked card details when Kind is KindCard.
	Card *CardDetails
	// BankAccount holds the masked account details when Kind is
	// KindBankAccount.
	BankAccount *BankAccountDetails
	// CustomerReference is the provider's customer link (Nuvei buyerId,
	// Checkout.com customer id, Worldpay namespace), when known.
	CustomerReference string
	// MerchantReference is your reference, when the provider keeps one.
	MerchantReference string
	// UsageIntent is the declared merchant-initiated usage, when the
	// provider keeps one.
	UsageIntent UsageIntent
	// NetworkTokenID is the network token the provider associates with this
	// payment token, when it reports one.
	NetworkTokenID string
}

// CardDetails is what a provider tells about a stored card. Nothing in it
// is sensitive.
type CardDetails struct {
	// Brand is the card scheme, when the provider says.
	Brand Brand
	// MaskedNumber shows at most the BIN and last four digits.
	MaskedNumber string
	// BIN is the first six (or eight) digits.
	BIN string
	// Last4 is the last four digits.
	Last4 string
	// ExpiryMonth is 1 to 12.
	ExpiryMonth int
	// ExpiryYear has four digits.
	ExpiryYear int
	// Type is credit or debit, when the provider says.
	Type CardType
	// Prepaid reports a prepaid card, when the provider says.
	Prepaid bool
	// IssuerCountry is the ISO 3166-1 alpha-2 country of the issuer.
	IssuerCountry string
	// HolderName is the cardholder name.
	HolderName string
}

// BankAccountDetails is what a provider tells about a stored bank account.
type BankAccountDetails struct {
	// Last4 is the last four digits of the account number, when known.
	Last4 string
	// RoutingNumber is the ABA routing number, when the provider returns it.
	RoutingNumber string
	// AccountType is checking or savings, when known.
	AccountType BankAccountType
}

// NetworkToken is a scheme network token (Visa VTS, Mastercard MDES)
// provisioned through a provider.
type NetworkToken struct {
	// Provider is the registered name of the provider that provisioned it.
	Provider string
	// ID identifies the network token at the provider (Checkout.com nt_ id;
	// Worldpay tokenReference; for Nuvei the paymentTokenId the network
	// token belongs to).
	ID string
	// PaymentTokenID is the payment token it was provisioned for, when known.
	PaymentTokenID string
	// State is the lifecycle state.
	State NetworkTokenState
	// Scheme is the token service, VTS or MDES.
	Scheme TokenScheme
	// Number is the DPAN. It is empty when the provider withholds it (for
	// example while the token is requested or declined).
	Number PAN
	// ExpiryMonth and ExpiryYear are the token's own expiry, when returned.
	ExpiryMonth int
	ExpiryYear  int
	// CardLast4, CardExpiryMonth and CardExpiryYear describe the underlying
	// card.
	CardLast4       string
	CardExpiryMonth int
	CardExpiryYear  int
	// PaymentAccountReference (PAR) is shared by every token of the same
	// account.
	PaymentAccountReference string
	// TokenRequestorID (TRID) identifies the token requestor.
	TokenRequestorID string
	// TokenReference is the scheme's token reference (Nuvei
	// tokenUniqueReference, Checkout.com token_scheme_id, Worldpay
	// tokenReference).
	TokenReference string
	// AssuranceLevel is the scheme's token assurance level, when returned.
	AssuranceLevel string
	// CreatedAt and UpdatedAt are zero when the provider does not say.
	CreatedAt time.Time
	UpdatedAt time.Time
	// AlreadyExisted reports that provisioning returned a token that
	// existed before the call rather than a new one.
	AlreadyExisted bool
}

// Format prints the token with its DPAN masked, whatever the verb (see
// Card.Format).
func (t NetworkToken) Format(f fmt.State, verb rune) {
	type plain NetworkToken // the same fields without this method
	type NetworkToken plain // so that %#v names the type tokenize.NetworkToken
	// The copy is a struct value, which fmt never reports as a bad verb, so
	// the PAN field's own Format always runs.
	fmt.Fprintf(f, fmt.FormatString(f, verb), NetworkToken(t))
}

// Cryptogram is a single-use cryptogram for one transaction with a network
// token. Never store it.
type Cryptogram struct {
	// Provider is the registered name of the provider that issued it.
	Provider string
	// NetworkTokenID is the token it was generated for.
	NetworkTokenID string
	// TransactionType is what it was requested for.
	TransactionType TransactionType
	// Value is the cryptogram (TAVV, DSRP), base64 as the scheme issued it.
	Value Secret
	// ECI is the electronic commerce indicator to send with it, always two
	// digits ("05", "07") whatever the provider wrote.
	ECI string
	// Number is the DPAN, when the provider returns it with the cryptogram.
	Number PAN
	// ExpiryMonth and ExpiryYear are the DPAN's expiry, when returned.
	ExpiryMonth int
	ExpiryYear  int
}

// Format prints the cryptogram with its value redacted and its DPAN masked,
// whatever the verb (see Card.Format).
func (c Cryptogram) Format(f fmt.State, verb rune) {
	type plain Cryptogram // the same fields without this method
	type Cryptogram plain // so that %#v names the type tokenize.Cryptogram
	// The copy is a struct value, which fmt never reports as a bad verb, so
	// the fields' own Format methods always run.
	fmt.Fprintf(f, fmt.FormatString(f, verb), Cryptogram(c))
}
