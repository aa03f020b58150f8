package worldpay

import (
	"encoding/base64"
	"strings"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/httpx"
	"github.com/tokenize-go/tokenize/internal/redact"
)

// decodeToken maps an answer of POST /tokens or GET /tokens/{id}. The
// token's id is the last segment of tokenPaymentInstrument.href, the
// address GET, DELETE and card/tokenized take; wantID, when set, is the id
// that was read and must be the one answered.
func decodeToken(resp *httpx.Response, wantID string) (*tokenize.PaymentToken, error) {
	var w tokenResponse
	if err := httpx.DecodeJSON(resp, &w); err != nil {
		return nil, err
	}
	href := ""
	if w.TokenPaymentInstrument != nil {
		href = w.TokenPaymentInstrument.Href
	}
	if href == "" {
		href = w.Links.Token.href()
	}
	id := lastSegment(href)
	if !validID(id) {
		return nil, httpx.Malformed(resp, "token answer has no tokenPaymentInstrument.href naming the token")
	}
	if wantID != "" && id != wantID {
		return nil, httpx.Malformed(resp, "the answer is for another token")
	}
	c := &w.PaymentInstrument
	if c.CardExpiryDate.isZero() {
		return nil, httpx.Malformed(resp, "token answer has no card paymentInstrument")
	}
	d := &tokenize.CardDetails{
		Brand:         brandOf(c.Brand),
		HolderName:    c.CardHolderName,
		IssuerCountry: c.CountryCode,
		ExpiryMonth:   c.CardExpiryDate.Month,
		ExpiryYear:    c.CardExpiryDate.Year,
	}
	if !c.CardExpiryDate.valid() {
		return nil, httpx.Malformed(resp, "token cardExpiryDate is not a month and a four-digit year")
	}
	last4 := lastDigits(c.CardNumber)
	if last4 == "" {
		last4 = c.LastFour
	}
	if len(last4) != 4 || !redact.AllDigits(last4) {
		return nil, httpx.Malformed(resp, "token card number does not end in four digits")
	}
	d.Last4 = last4
	bin := c.Bin
	if bin == "" {
		bin = c.FirstSix
	}
	if bin != "" && (len(bin) < 6 || len(bin) > maxBINDigits || !redact.AllDigits(bin)) {
		return nil, httpx.Malformed(resp, "token bin is not a BIN")
	}
	d.BIN = bin
	if bin != "" {
		d.MaskedNumber = bin + "******" + last4
	}
	if d.Brand == tokenize.BrandUnknown && bin != "" {
		d.Brand = brandOfBIN(bin)
	}
	switch strings.ToLower(c.FundingType) {
	case "credit":
		d.Type = tokenize.CardTypeCredit
	case "debit":
		d.Type = tokenize.CardTypeDebit
	case "prepaid":
		d.Prepaid = true
	}
	return &tokenize.PaymentToken{
		Provider:          Name,
		ID:                id,
		Kind:              tokenize.KindCard,
		Card:              d,
		CustomerReference: w.Namespace,
		MerchantReference: w.Description,
	}, nil
}

// maxBINDigits: a BIN is six or, for eight-digit BIN programmes, eight
// digits; more would expose the card number.
const maxBINDigits = 8

// validID accepts what the adapter may put into a path: the characters of
// Worldpay's token ids and references (base64url-like ids, UUIDs).
func validID(id string) bool {
	if id == "" || len(id) > 256 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '=' || c == '.') {
			return false
		}
	}
	return id != "." && id != ".."
}

func (e expiry) isZero() bool { return e == expiry{} }

func (e expiry) valid() bool {
	return e.Month >= 1 && e.Month <= 12 && e.Year >= 1000 && e.Year <= 9999
}

// lastDigits returns the last four characters of a masked number when they
// are digits ("444433******1111" → "1111").
func lastDigits(s string) string {
	if len(s) < 4 || !redact.AllDigits(s[len(s)-4:]) {
		return ""
	}
	return s[len(s)-4:]
}

// brandOf maps Worldpay's brand names ("VISA", "MASTERCARD", "AMEX", …).
func brandOf(brand string) tokenize.Brand {
	switch strings.ToLower(strings.TrimSpace(brand)) {
	case "visa", "visa debit", "visa electron":
		return tokenize.BrandVisa
	case "mastercard", "mastercard debit", "maestro", "ecmc":
		return tokenize.BrandMastercard
	case "amex", "american express":
		return tokenize.BrandAmex
	case "diners", "diners club":
		return tokenize.BrandDiners
	case "jcb":
		return tokenize.BrandJCB
	case "discover":
		return tokenize.BrandDiscover
	}
	return tokenize.BrandUnknown
}

// brandOfBIN infers the brand of the two schemes Worldpay provisions
// network tokens for from the BIN, where the answer names no brand (a
// network token describes its card by firstSix alone).
func brandOfBIN(bin string) tokenize.Brand {
	switch {
	case strings.HasPrefix(bin, "4"):
		return tokenize.BrandVisa
	case bin[0] == '5' && bin[1] >= '1' && bin[1] <= '5', strings.HasPrefix(bin, "2"):
		return tokenize.BrandMastercard
	}
	return tokenize.BrandUnknown
}

// statusOf maps tokenPaymentInstrument.status. The reference lists Active,
// Inactive and Suspended; Deleted is named elsewhere. Any other value (a
// status added later) is StateUnknown rather than a failure.
func statusOf(s string) tokenize.NetworkTokenState {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "active":
		return tokenize.StateActive
	case "suspended":
		return tokenize.StateSuspended
	case "inactive":
		return tokenize.StateInactive
	case "deleted":
		return tokenize.StateDeleted
	}
	return tokenize.StateUnknown
}

// declinedWhenProvisioningErrors: the reference does not show a scheme's
// refusal. An answer that carries provisioningErrors and no token number
// is read as a token the scheme declined (StateDeclined), which is what the
// neutral API makes of a refusal; the errors stay in the answer.
const declinedWhenProvisioningErrors = true

// decodeNetworkToken maps a provisioning answer or a lookup. id is the
// token reference that was read ("" for a provisioning, whose answer
// carries it). An answer without tokenPaymentInstrument is a token not
// provisioned yet (StateRequested), or a declined one (provisioningErrors).
func decodeNetworkToken(resp *httpx.Response, id string) (*tokenize.NetworkToken, *networkTokenResponse, error) {
	var w networkTokenResponse
	if err := httpx.DecodeJSON(resp, &w); err != nil {
		return nil, nil, err
	}
	ref := w.TokenReference
	if self := lastSegment(w.Links.Self.href()); ref == "" && id != "" && self != "" && self != lastSegment(pathNetworkTokens) {
		ref = self
	}
	switch {
	case id == "" && !validID(ref):
		return nil, nil, httpx.Malformed(resp, "network token answer has no tokenReference")
	case id != "" && ref != "" && !strings.EqualFold(ref, id):
		// A token reference is a UUID, which Worldpay writes in either
		// case (upper in the reference's lookup request, lower in self
		// links): only another UUID is another token.
		return nil, nil, httpx.Malformed(resp, "the answer is for another network token")
	case id != "":
		ref = id
	}
	nt := &tokenize.NetworkToken{Provider: Name, ID: ref, TokenReference: ref}
	if c := &w.PaymentInstrument; c.Type != "" || c.LastFour != "" || c.FirstSix != "" {
		if c.LastFour != "" && (len(c.LastFour) != 4 || !redact.AllDigits(c.LastFour)) {
			return nil, nil, httpx.Malformed(resp, "network token card lastFour is not four digits")
		}
		if c.FirstSix != "" && (len(c.FirstSix) != 6 || !redact.AllDigits(c.FirstSix)) {
			return nil, nil, httpx.Malformed(resp, "network token card firstSix is not six digits")
		}
		nt.CardLast4 = c.LastFour
		if !c.CardExpiryDate.isZero() {
			if !c.CardExpiryDate.valid() {
				return nil, nil, httpx.Malformed(resp, "network token cardExpiryDate is not a month and a four-digit year")
			}
			nt.CardExpiryMonth, nt.CardExpiryYear = c.CardExpiryDate.Month, c.CardExpiryDate.Year
		}
		nt.PaymentAccountReference = c.PaymentAccountReference
		nt.Scheme = schemeOfBIN(c.FirstSix)
	}
	tpi := w.TokenPaymentInstrument
	switch {
	case tpi == nil && len(w.ProvisioningErrors) > 0 && declinedWhenProvisioningErrors:
		nt.State = tokenize.StateDeclined
		return nt, &w, nil
	case tpi == nil:
		nt.State = tokenize.StateRequested
		return nt, &w, nil
	}
	if tpi.Type != "" && tpi.Type != typeNetworkToken {
		return nil, nil, httpx.Malformed(resp, "tokenPaymentInstrument is not a card/networkToken")
	}
	nt.State = statusOf(tpi.Status)
	if tpi.Status == "" {
		return nil, nil, httpx.Malformed(resp, "tokenPaymentInstrument has no status")
	}
	if n := tpi.TokenNumber; n != "" {
		if len(n) < 13 || len(n) > 19 || !redact.AllDigits(n) {
			return nil, nil, httpx.Malformed(resp, "tokenNumber is not a token number")
		}
		nt.Number = tokenize.PAN(n)
		if s := schemeOfBIN(n[:6]); s != tokenize.SchemeUnknown {
			nt.Scheme = s
		}
	}
	if !tpi.ExpiryDate.isZero() {
		if !tpi.ExpiryDate.valid() {
			return nil, nil, httpx.Malformed(resp, "network token expiryDate is not a month and a four-digit year")
		}
		nt.ExpiryMonth, nt.ExpiryYear = tpi.ExpiryDate.Month, tpi.ExpiryDate.Year
	}
	if nt.State == tokenize.StateActive && nt.Number == "" {
		return nil, nil, httpx.Malformed(resp, "an active network token has no tokenNumber")
	}
	if len(w.ProvisioningErrors) > 0 && nt.Number == "" && nt.State == tokenize.StateUnknown {
		nt.State = tokenize.StateDeclined
	}
	return nt, &w, nil
}

// schemeOfBIN is the token service of the card or DPAN: Worldpay's
// answers do not name it, and it provisions from Visa (VTS) and
// Mastercard (MDES).
func schemeOfBIN(bin string) tokenize.TokenScheme {
	if len(bin) < 2 {
		return tokenize.SchemeUnknown
	}
	switch brandOfBIN(bin) {
	case tokenize.BrandVisa:
		return tokenize.SchemeVTS
	case tokenize.BrandMastercard:
		return tokenize.SchemeMDES
	}
	return tokenize.SchemeUnknown
}

// decodeCryptogram maps the answer of the cryptogram link for nt.
func decodeCryptogram(resp *httpx.Response, nt *tokenize.NetworkToken, tt tokenize.TransactionType) (*tokenize.Cryptogram, error) {
	var w cryptogramResponse
	if err := httpx.DecodeJSON(resp, &w); err != nil {
		return nil, err
	}
	d := w.CryptogramDetails
	if d == nil || d.Cryptogram == "" {
		return nil, httpx.Malformed(resp, "cryptogram answer has no cryptogramDetails.cryptogram")
	}
	if _, err := base64.StdEncoding.DecodeString(d.Cryptogram); err != nil {
		return nil, httpx.Malformed(resp, "cryptogram is not base64")
	}
	eci := d.ECI
	if eci == "" || len(eci) > 2 || !redact.AllDigits(eci) {
		return nil, httpx.Malformed(resp, "eci is not a one- or two-digit indicator")
	}
	if len(eci) == 1 {
		eci = "0" + eci
	}
	return &tokenize.Cryptogram{
		Provider:        Name,
		NetworkTokenID:  nt.ID,
		TransactionType: tt,
		Value:           tokenize.Secret(d.Cryptogram),
		ECI:             eci,
		Number:          nt.Number,
		ExpiryMonth:     nt.ExpiryMonth,
		ExpiryYear:      nt.ExpiryYear,
	}, nil
}
