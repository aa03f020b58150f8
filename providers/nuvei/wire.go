package nuvei

import (
	"strconv"
	"strings"
	"time"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/redact"
)

// Wire types of Nuvei REST API 2.0, as the seed documents show them
// (seeds 000, 001, 003) and the research notes complete them
// (POST/GET /network-tokens, temporary payment tokens).

// result is the envelope every response carries.
type result struct {
	Status string     `json:"status"`
	Errors *wireError `json:"errors,omitempty"`
}

type wireError struct {
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

// envelope decodes only the result of any response.
type envelope struct {
	Result *result `json:"result"`
}

// --- requests ---------------------------------------------------------

// cryptogramRequest is the body of POST /network-tokens/cryptograms. The
// tag of Type must be cryptogramTypeField (TestCryptogramTypeField pins
// it): a struct encodes without the map a computed key would need.
type cryptogramRequest struct {
	ProcessingEntityID string           `json:"processingEntityId"`
	PaymentOption      reqPaymentOption `json:"paymentOption"`
	Type               string           `json:"type"`
}

type createPaymentTokenRequest struct {
	ProcessingEntityID string           `json:"processingEntityId"`
	MerchantReference  string           `json:"merchantReference,omitempty"`
	PaymentOption      reqPaymentOption `json:"paymentOption"`
	BuyerID            string           `json:"buyerId,omitempty"`
	UsageIntent        string           `json:"usageIntent,omitempty"`
}

type reqPaymentOption struct {
	Card                     *reqCard     `json:"card,omitempty"`
	AlternativePaymentMethod *reqAPM      `json:"alternativePaymentMethod,omitempty"`
	TemporaryPaymentToken    *reqTokenRef `json:"temporaryPaymentToken,omitempty"`
	PaymentToken             *reqTokenRef `json:"paymentToken,omitempty"`
}

type reqCard struct {
	CardHolderName  string `json:"cardHolderName,omitempty"`
	CardNumber      string `json:"cardNumber"`
	ExpirationMonth string `json:"expirationMonth"`
	ExpirationYear  string `json:"expirationYear"`
	CVV             string `json:"cvv,omitempty"`
}

type reqAPM struct {
	Name string            `json:"name"`
	Data map[string]string `json:"data"`
}

type reqTokenRef struct {
	PaymentTokenID string `json:"paymentTokenId"`
}

type provisionRequest struct {
	ProcessingEntityID string           `json:"processingEntityId"`
	PaymentOption      reqPaymentOption `json:"paymentOption"`
	MerchantReference  string           `json:"merchantReference,omitempty"`
}

// --- responses --------------------------------------------------------

type paymentTokenResponse struct {
	PaymentToken *wirePaymentToken `json:"paymentToken"`
	// PaymentTokens is the buyer-listing shape that seed 003's schema
	// examples show for GET /payment-tokens/{id}; accepted when it holds
	// the requested token.
	PaymentTokens []wirePaymentToken `json:"paymentTokens"`
	Result        *result            `json:"result"`
}

type wirePaymentToken struct {
	PaymentTokenID     string            `json:"paymentTokenId"`
	CccID              int               `json:"cccId"`
	PaymentOption      wirePaymentOption `json:"paymentOption"`
	BuyerID            string            `json:"buyerId"`
	MerchantReference  string            `json:"merchantReference"`
	ProcessingEntityID string            `json:"processingEntityId"`
	UsageIntent        string            `json:"usageIntent"`
}

type wirePaymentOption struct {
	Card                     *wireCard `json:"card"`
	AlternativePaymentMethod *wireAPM  `json:"alternativePaymentMethod"`
}

type wireCard struct {
	CardHolderName   string `json:"cardHolderName"`
	MaskedCardNumber string `json:"maskedCardNumber"`
	BIN              string `json:"bin"`
	ExpirationMonth  string `json:"expirationMonth"`
	ExpirationYear   string `json:"expirationYear"`
	CardType         string `json:"cardType"`
	CardBrand        string `json:"cardBrand"`
	IsPrepaid        bool   `json:"isPrepaid"`
	IssuingCountry   string `json:"issuingCountry"`
}

type wireAPM struct {
	Name string            `json:"name"`
	Data map[string]string `json:"data"`
}

type networkTokenResponse struct {
	PaymentOption struct {
		NetworkToken *wireNetworkToken `json:"networkToken"`
	} `json:"paymentOption"`
	TokenRequestorID string  `json:"tokenRequestorId"`
	Result           *result `json:"result"`
}

type wireNetworkToken struct {
	PaymentTokenID          string         `json:"paymentTokenId"`
	TokenNumber             string         `json:"tokenNumber"`
	ExpirationYear          string         `json:"expirationYear"`
	ExpirationMonth         string         `json:"expirationMonth"`
	TokenStatus             string         `json:"tokenStatus"`
	TokenUniqueReference    string         `json:"tokenUniqueReference"`
	PaymentAccountReference string         `json:"paymentAccountReference"`
	TokenAssuranceLevel     string         `json:"tokenAssuranceLevel"`
	Cryptogram              string         `json:"cryptogram"`
	MerchantReference       string         `json:"merchantReference"`
	Card                    *wireTokenCard `json:"card"`
}

// wireTokenCard is the card behind a network token. cardUpdated,
// updateReason and updateDate report an account-updater change (research
// notes §3.7: lifecycle information on GET); only updateDate is mapped,
// to UpdatedAt: the card's new details are in the other fields, and the
// reason's values are undocumented.
type wireTokenCard struct {
	Last4Digits     string `json:"last4Digits"`
	ExpirationYear  string `json:"expirationYear"`
	ExpirationMonth string `json:"expirationMonth"`
	CardUpdated     bool   `json:"cardUpdated"`
	UpdateReason    string `json:"updateReason"`
	UpdateDate      string `json:"updateDate"`
}

// --- mapping: neutral → wire -------------------------------------------

func cardToWire(c *tokenize.Card) *reqCard {
	return &reqCard{
		CardHolderName:  c.HolderName,
		CardNumber:      c.Number.Reveal(),
		ExpirationMonth: twoDigits(c.ExpiryMonth),
		ExpirationYear:  strconv.Itoa(c.ExpiryYear),
		CVV:             c.CVV.Reveal(),
	}
}

func twoDigits(n int) string {
	if n >= 0 && n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// achMethodName is the alternativePaymentMethod name of a US bank account
// (seed 001, "ACH Payment Token").
const achMethodName = "ACH"

// The ACH data keys seed 001 shows. The account type has no documented key,
// so it is not sent.
const (
	achAccountNumberKey = "accountNumber"
	achRoutingNumberKey = "routingNumber"
)

func usageToWire(u tokenize.UsageIntent) string {
	switch u {
	case tokenize.UsageRecurring:
		return "recurring"
	case tokenize.UsageUnscheduled:
		return "unscheduled"
	}
	return ""
}

func usageFromWire(s string) tokenize.UsageIntent {
	switch strings.ToLower(s) {
	case "recurring":
		return tokenize.UsageRecurring
	case "unscheduled":
		return tokenize.UsageUnscheduled
	}
	return tokenize.UsageUnspecified
}

// cryptogramTypes maps the transaction types Nuvei documents for
// POST /network-tokens/cryptograms (seed 000: [ECOM, AFT]).
var cryptogramTypes = map[tokenize.TransactionType]string{
	tokenize.ECommerce:      "ECOM",
	tokenize.AccountFunding: "AFT",
}

// --- mapping: wire → neutral -------------------------------------------

// brandByCccID is Nuvei's "ID of card in the Gateway" (seed 001):
// 1 = VISA | 2 = MasterCard | 3 = Amex | 4 = Diners | 5 = JCB | 6 = Discover.
var brandByCccID = map[int]tokenize.Brand{
	1: tokenize.BrandVisa, 2: tokenize.BrandMastercard, 3: tokenize.BrandAmex,
	4: tokenize.BrandDiners, 5: tokenize.BrandJCB, 6: tokenize.BrandDiscover,
}

// brandByName is cardBrand. The seed enum lists VISA, MASTERCARD, AMEX and
// DINERS; JCB and DISCOVER are accepted for the cccId values that exist.
var brandByName = map[string]tokenize.Brand{
	"VISA": tokenize.BrandVisa, "MASTERCARD": tokenize.BrandMastercard, "AMEX": tokenize.BrandAmex,
	"DINERS": tokenize.BrandDiners, "JCB": tokenize.BrandJCB, "DISCOVER": tokenize.BrandDiscover,
}

// brandOf prefers cccId, the gateway's numeric id, over the cardBrand
// label; the label is used when cccId is absent or not a card company.
func brandOf(ccc int, name string) tokenize.Brand {
	if b, ok := brandByCccID[ccc]; ok {
		return b
	}
	return brandByName[strings.ToUpper(strings.TrimSpace(name))]
}

// stateByStatus maps tokenStatus, a free string Nuvei does not enumerate,
// to the neutral state. The values are the schemes' own (VTS ACTIVE,
// INACTIVE, SUSPENDED, DELETED; MDES ACTIVE, SUSPENDED, DEACTIVATED) plus
// the request outcomes DECLINED and REQUESTED/PENDING; the match ignores
// case. Anything else is StateUnknown.
var stateByStatus = map[string]tokenize.NetworkTokenState{
	"ACTIVE":      tokenize.StateActive,
	"SUSPENDED":   tokenize.StateSuspended,
	"INACTIVE":    tokenize.StateInactive,
	"DEACTIVATED": tokenize.StateInactive,
	"DELETED":     tokenize.StateDeleted,
	"DECLINED":    tokenize.StateDeclined,
	"REQUESTED":   tokenize.StateRequested,
	"PENDING":     tokenize.StateRequested,
}

func stateOf(status string) tokenize.NetworkTokenState {
	return stateByStatus[strings.ToUpper(strings.TrimSpace(status))]
}

// schemeOf derives the token service from the DPAN: Nuvei does not name
// it. Visa tokens start with 4 (VTS); Mastercard with 5 or 2 (MDES).
func schemeOf(dpan string) tokenize.TokenScheme {
	switch {
	case dpan == "":
		return tokenize.SchemeUnknown
	case dpan[0] == '4':
		return tokenize.SchemeVTS
	case dpan[0] == '5' || dpan[0] == '2':
		return tokenize.SchemeMDES
	}
	return tokenize.SchemeUnknown
}

// eciByScheme is the ECI returned with a cryptogram. Nuvei's cryptogram
// response carries none, so the adapter supplies the value for a network
// token transaction without 3-D Secure: Visa "07" (e-commerce, not
// authenticated), Mastercard "06" ("network token without 3-D Secure",
// per the processors' published ECI tables, for example Cybersource's
// payer-authentication values). Unknown scheme: "07".
var eciByScheme = map[tokenize.TokenScheme]string{
	tokenize.SchemeVTS:  "07",
	tokenize.SchemeMDES: "06",
}

const defaultECI = "07"

// malformedError is the reason a response could not be mapped.
type malformedError string

func (m malformedError) Error() string { return string(m) }

// parseMonth parses "06" or "6". Empty gives 0 (not returned).
func parseMonth(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	if len(s) > 2 || !redact.AllDigits(s) {
		return 0, malformedError("expiration month is not a number")
	}
	m, _ := strconv.Atoi(s)
	if m < 1 || m > 12 {
		return 0, malformedError("expiration month out of range")
	}
	return m, nil
}

// parseYear parses "2022" or "22" (meaning 2022) into four digits.
func parseYear(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	if (len(s) != 2 && len(s) != 4) || !redact.AllDigits(s) {
		return 0, malformedError("expiration year must have 2 or 4 digits")
	}
	y, _ := strconv.Atoi(s)
	if len(s) == 2 {
		y += 2000
	}
	return y, nil
}

// lastDigits returns the trailing four digits of a masked number such as
// "4***1111", or "".
func lastDigits(masked string) string {
	if len(masked) < 4 || !redact.AllDigits(masked[len(masked)-4:]) {
		return ""
	}
	return masked[len(masked)-4:]
}

// safeMasked keeps a masked number only if it cannot be a full PAN: at
// most ten digits visible.
func safeMasked(s string) string {
	digits := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			digits++
		}
	}
	if digits > 10 {
		return ""
	}
	return s
}

func mapPaymentToken(w *wirePaymentToken) (*tokenize.PaymentToken, error) {
	if w.PaymentTokenID == "" {
		return nil, malformedError("paymentToken.paymentTokenId is missing")
	}
	tok := &tokenize.PaymentToken{
		ID:                w.PaymentTokenID,
		CustomerReference: w.BuyerID,
		MerchantReference: w.MerchantReference,
		UsageIntent:       usageFromWire(w.UsageIntent),
	}
	switch po := w.PaymentOption; {
	case po.Card != nil:
		c := po.Card
		month, err := parseMonth(c.ExpirationMonth)
		if err != nil {
			return nil, err
		}
		year, err := parseYear(c.ExpirationYear)
		if err != nil {
			return nil, err
		}
		if c.BIN != "" && (!redact.AllDigits(c.BIN) || len(c.BIN) > 8) {
			return nil, malformedError("paymentOption.card.bin is not a BIN")
		}
		tok.Kind = tokenize.KindCard
		tok.Card = &tokenize.CardDetails{
			Brand:         brandOf(w.CccID, c.CardBrand),
			MaskedNumber:  safeMasked(c.MaskedCardNumber),
			BIN:           c.BIN,
			Last4:         lastDigits(c.MaskedCardNumber),
			ExpiryMonth:   month,
			ExpiryYear:    year,
			Type:          cardTypeOf(c.CardType),
			Prepaid:       c.IsPrepaid,
			IssuerCountry: countryOf(c.IssuingCountry),
			HolderName:    c.CardHolderName,
		}
	case po.AlternativePaymentMethod != nil && strings.EqualFold(po.AlternativePaymentMethod.Name, achMethodName):
		data := po.AlternativePaymentMethod.Data
		tok.Kind = tokenize.KindBankAccount
		// The account number comes back in full (seed 001); only its last
		// four digits are kept.
		tok.BankAccount = &tokenize.BankAccountDetails{
			Last4:         tokenize.AccountNumber(data[achAccountNumberKey]).Last4(),
			RoutingNumber: data[achRoutingNumberKey],
		}
	default:
		return nil, malformedError("paymentToken.paymentOption has neither a card nor an ACH account")
	}
	return tok, nil
}

// countryOf returns issuingCountry as an ISO 3166-1 alpha-2 code: seed 001
// documents exactly two characters. Any other value is dropped rather than
// reported as a country.
func countryOf(s string) string {
	if len(s) != 2 {
		return ""
	}
	s = strings.ToUpper(s)
	for i := 0; i < 2; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return ""
		}
	}
	return s
}

func cardTypeOf(s string) tokenize.CardType {
	switch strings.ToLower(s) {
	case "credit":
		return tokenize.CardTypeCredit
	case "debit":
		return tokenize.CardTypeDebit
	}
	return tokenize.CardTypeUnknown
}

func mapNetworkToken(w *wireNetworkToken, trid string) (*tokenize.NetworkToken, error) {
	if w == nil {
		return nil, malformedError("paymentOption.networkToken is missing")
	}
	if w.PaymentTokenID == "" {
		return nil, malformedError("paymentOption.networkToken.paymentTokenId is missing")
	}
	if w.TokenNumber != "" && (!redact.AllDigits(w.TokenNumber) || len(w.TokenNumber) < 12 || len(w.TokenNumber) > 19) {
		return nil, malformedError("paymentOption.networkToken.tokenNumber is not a token number")
	}
	month, err := parseMonth(w.ExpirationMonth)
	if err != nil {
		return nil, err
	}
	year, err := parseYear(w.ExpirationYear)
	if err != nil {
		return nil, err
	}
	nt := &tokenize.NetworkToken{
		ID:                      w.PaymentTokenID,
		PaymentTokenID:          w.PaymentTokenID,
		State:                   stateOf(w.TokenStatus),
		Scheme:                  schemeOf(w.TokenNumber),
		Number:                  tokenize.PAN(w.TokenNumber),
		ExpiryMonth:             month,
		ExpiryYear:              year,
		PaymentAccountReference: w.PaymentAccountReference,
		TokenRequestorID:        trid,
		TokenReference:          w.TokenUniqueReference,
		AssuranceLevel:          w.TokenAssuranceLevel,
	}
	if c := w.Card; c != nil {
		if c.Last4Digits != "" && (len(c.Last4Digits) != 4 || !redact.AllDigits(c.Last4Digits)) {
			return nil, malformedError("paymentOption.networkToken.card.last4Digits is not four digits")
		}
		nt.CardLast4 = c.Last4Digits
		if nt.CardExpiryMonth, err = parseMonth(c.ExpirationMonth); err != nil {
			return nil, err
		}
		if nt.CardExpiryYear, err = parseYear(c.ExpirationYear); err != nil {
			return nil, err
		}
		nt.UpdatedAt = parseUpdateDate(c.UpdateDate)
	}
	return nt, nil
}

// updateDateLayouts are the forms of card.updateDate the adapter reads.
// Nuvei does not document the format: RFC 3339 is tried first, then the
// "yyyy-MM-dd HH:mm:ss" and date-only forms its other APIs use. A date in
// none of them is ignored (UpdatedAt stays zero) rather than failing the
// read: the field is informative, and a read that fails over it would hide
// the token's state.
var updateDateLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02"}

// parseUpdateDate reads card.updateDate as UTC, or returns the zero time.
func parseUpdateDate(s string) time.Time {
	for _, layout := range updateDateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
