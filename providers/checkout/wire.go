package checkout

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/httpx"
	"github.com/tokenize-go/tokenize/internal/redact"
)

// Wire types: the JSON Checkout.com sends and receives. Field names follow
// the research notes (../shared/research/checkout-api.md) and seed 002.

// cardTokenRequest is the body of POST /tokens.
type cardTokenRequest struct {
	Type        string `json:"type"`
	Number      string `json:"number"`
	ExpiryMonth int    `json:"expiry_month"`
	ExpiryYear  int    `json:"expiry_year"`
	Name        string `json:"name,omitempty"`
	CVV         string `json:"cvv,omitempty"`
}

// cardTokenResponse is the 201 answer of POST /tokens. Only the token is
// used: the stored instrument describes the card.
type cardTokenResponse struct {
	Type  string `json:"type"`
	Token string `json:"token"`
}

// customerRef links an instrument to a customer by id or email.
type customerRef struct {
	ID    string `json:"id,omitempty"`
	Email string `json:"email,omitempty"`
}

// accountHolder is the optional holder of an instrument.
type accountHolder struct {
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
}

// achData is instrument_data of an ACH instrument.
type achData struct {
	AccountType   string `json:"account_type,omitempty"`
	AccountNumber string `json:"account_number,omitempty"`
	BankCode      string `json:"bank_code,omitempty"`
	Currency      string `json:"currency,omitempty"`
	Country       string `json:"country,omitempty"`
}

// instrumentRequest is the body of POST /instruments, type token or ach.
type instrumentRequest struct {
	Type           string         `json:"type"`
	Token          string         `json:"token,omitempty"`
	InstrumentData *achData       `json:"instrument_data,omitempty"`
	AccountHolder  *accountHolder `json:"account_holder,omitempty"`
	Customer       *customerRef   `json:"customer,omitempty"`
}

// instrumentResponse is the answer of POST /instruments and GET
// /instruments/{id}. Card expiry values are integers here (strings on
// /network-tokens).
type instrumentResponse struct {
	Type          string `json:"type"`
	ID            string `json:"id"`
	Fingerprint   string `json:"fingerprint"`
	ExpiryMonth   int    `json:"expiry_month"`
	ExpiryYear    int    `json:"expiry_year"`
	Name          string `json:"name"`
	Scheme        string `json:"scheme"`
	Last4         string `json:"last4"`
	Bin           string `json:"bin"`
	CardType      string `json:"card_type"`
	IssuerCountry string `json:"issuer_country"`
	Customer      *struct {
		ID    string `json:"id"`
		Email string `json:"email"`
	} `json:"customer"`
	NetworkToken *struct {
		ID    string `json:"id"`
		State string `json:"state"`
	} `json:"network_token"`
	InstrumentData *achData `json:"instrument_data"`
}

// provisionSource is the source of POST /network-tokens: type id (a src_
// instrument) or card (expiry as strings).
type provisionSource struct {
	Type        string `json:"type"`
	ID          string `json:"id,omitempty"`
	Number      string `json:"number,omitempty"`
	ExpiryMonth string `json:"expiry_month,omitempty"`
	ExpiryYear  string `json:"expiry_year,omitempty"`
	CVV         string `json:"cvv,omitempty"`
}

type provisionRequest struct {
	Source provisionSource `json:"source"`
}

// networkTokenResponse is the answer of POST /network-tokens and GET
// /network-tokens/{id} (seed 002).
type networkTokenResponse struct {
	Card *struct {
		Last4       string `json:"last4"`
		ExpiryMonth string `json:"expiry_month"`
		ExpiryYear  string `json:"expiry_year"`
	} `json:"card"`
	NetworkToken *struct {
		ID                      string `json:"id"`
		State                   string `json:"state"`
		Number                  string `json:"number"`
		ExpiryMonth             string `json:"expiry_month"`
		ExpiryYear              string `json:"expiry_year"`
		Type                    string `json:"type"`
		PaymentAccountReference string `json:"payment_account_reference"`
		CreatedOn               string `json:"created_on"`
		ModifiedOn              string `json:"modified_on"`
	} `json:"network_token"`
	TokenRequestorID string `json:"token_requestor_id"`
	TokenSchemeID    string `json:"token_scheme_id"`
}

type cryptogramRequest struct {
	TransactionType string `json:"transaction_type"`
}

type cryptogramResponse struct {
	Cryptogram string `json:"cryptogram"`
	ECI        string `json:"eci"`
}

type deleteNetworkTokenRequest struct {
	InitiatedBy string `json:"initiated_by"`
	Reason      string `json:"reason"`
}

// accessTokenResponse is the 2xx answer of the OAuth token endpoint.
type accessTokenResponse struct {
	AccessToken string    `json:"access_token"`
	TokenType   string    `json:"token_type"`
	ExpiresIn   int64     `json:"expires_in"`
	Scope       scopeList `json:"scope"`
}

// scopeList is the granted scope: RFC 6749 §5.1 (and Checkout's docs) send
// one space-separated string, the official Node SDK's mocks a JSON array;
// both are read, keeping only well-formed scope names. Any other shape is
// ignored rather than refused: the scope is informational, and the access
// token beside it is still good.
type scopeList []string

// UnmarshalJSON reads a space-separated string or an array of strings.
func (s *scopeList) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*s = safeCodes(strings.Fields(one))
		return nil
	}
	var many []string
	if json.Unmarshal(b, &many) == nil {
		var out []string
		for _, m := range many {
			out = append(out, strings.Fields(m)...)
		}
		*s = safeCodes(out)
		return nil
	}
	*s = nil
	return nil
}

// --- decoding and mapping -----------------------------------------------

// decodeCardToken reads the tok_ id of a POST /tokens answer.
func decodeCardToken(resp *httpx.Response) (string, error) {
	var w cardTokenResponse
	if err := httpx.DecodeJSON(resp, &w); err != nil {
		return "", err
	}
	if w.Token == "" {
		return "", httpx.Malformed(resp, "card token response has no token")
	}
	return w.Token, nil
}

// decodeInstrument maps a POST /instruments or GET /instruments/{id}
// answer. fallbackBank describes the account when the answer does not (the
// ACH create answer carries only type, id and fingerprint).
func decodeInstrument(resp *httpx.Response, fallbackBank *tokenize.BankAccountDetails) (*tokenize.PaymentToken, error) {
	var w instrumentResponse
	if err := httpx.DecodeJSON(resp, &w); err != nil {
		return nil, err
	}
	if w.ID == "" {
		return nil, httpx.Malformed(resp, "instrument response has no id")
	}
	tok := &tokenize.PaymentToken{Provider: Name, ID: w.ID}
	if w.Customer != nil {
		tok.CustomerReference = w.Customer.ID
		if tok.CustomerReference == "" {
			tok.CustomerReference = w.Customer.Email
		}
	}
	if w.NetworkToken != nil {
		tok.NetworkTokenID = w.NetworkToken.ID
	}
	switch strings.ToLower(w.Type) {
	case "card":
		if len(w.Last4) != 4 || !redact.AllDigits(w.Last4) {
			return nil, httpx.Malformed(resp, "card instrument last4 is not four digits")
		}
		if w.Bin != "" && (len(w.Bin) > maxBINDigits || !redact.AllDigits(w.Bin)) {
			return nil, httpx.Malformed(resp, "card instrument bin is not a BIN")
		}
		d := &tokenize.CardDetails{
			Brand:         brandOf(w.Scheme),
			BIN:           w.Bin,
			Last4:         w.Last4,
			ExpiryMonth:   w.ExpiryMonth,
			ExpiryYear:    w.ExpiryYear,
			IssuerCountry: w.IssuerCountry,
			HolderName:    w.Name,
		}
		switch strings.ToLower(w.CardType) {
		case "credit":
			d.Type = tokenize.CardTypeCredit
		case "debit":
			d.Type = tokenize.CardTypeDebit
		case "prepaid":
			d.Prepaid = true
		}
		if w.Bin != "" {
			d.MaskedNumber = w.Bin + "******" + w.Last4
		}
		tok.Kind, tok.Card = tokenize.KindCard, d
	case "ach", "bank_account":
		d := &tokenize.BankAccountDetails{}
		if fallbackBank != nil {
			*d = *fallbackBank
		}
		if w.InstrumentData != nil {
			if l := lastDigits(w.InstrumentData.AccountNumber, 4); l != "" {
				d.Last4 = l
			}
			if w.InstrumentData.BankCode != "" {
				d.RoutingNumber = w.InstrumentData.BankCode
			}
			if at, err := tokenize.ParseBankAccountType(w.InstrumentData.AccountType); err == nil {
				d.AccountType = at
			}
		}
		tok.Kind, tok.BankAccount = tokenize.KindBankAccount, d
	default:
		return nil, httpx.Malformed(resp, "instrument response has an unknown type")
	}
	return tok, nil
}

// maxBINDigits: a BIN is six or, for eight-digit BIN programmes, eight
// digits (research notes §3.3); more would expose the card number.
const maxBINDigits = 8

// lastDigits returns the last n characters of s when they are digits (a
// masked account number such as "*****6789" keeps its last four).
func lastDigits(s string, n int) string {
	if len(s) < n {
		return ""
	}
	tail := s[len(s)-n:]
	for i := 0; i < len(tail); i++ {
		if tail[i] < '0' || tail[i] > '9' {
			return ""
		}
	}
	return tail
}

// brandOf maps Checkout's scheme, whose casing varies ("VISA" on /tokens,
// "Visa" on /instruments).
func brandOf(scheme string) tokenize.Brand {
	switch strings.ToLower(strings.TrimSpace(scheme)) {
	case "visa":
		return tokenize.BrandVisa
	case "mastercard":
		return tokenize.BrandMastercard
	case "amex", "american express":
		return tokenize.BrandAmex
	case "diners", "diners club", "diners club international":
		return tokenize.BrandDiners
	case "jcb":
		return tokenize.BrandJCB
	case "discover":
		return tokenize.BrandDiscover
	}
	return tokenize.BrandUnknown
}

// decodeNetworkToken maps a POST /network-tokens or GET
// /network-tokens/{id} answer. Expiry values arrive as strings ("5",
// "2025") and become integers; the DPAN and its expiry only when present.
func decodeNetworkToken(resp *httpx.Response) (*tokenize.NetworkToken, error) {
	var w networkTokenResponse
	if err := httpx.DecodeJSON(resp, &w); err != nil {
		return nil, err
	}
	if w.NetworkToken == nil || w.NetworkToken.ID == "" {
		return nil, httpx.Malformed(resp, "network token response has no network_token.id")
	}
	n := w.NetworkToken
	nt := &tokenize.NetworkToken{
		Provider:                Name,
		ID:                      n.ID,
		State:                   stateOf(n.State),
		Number:                  tokenize.PAN(n.Number),
		PaymentAccountReference: n.PaymentAccountReference,
		TokenRequestorID:        w.TokenRequestorID,
		TokenReference:          w.TokenSchemeID,
	}
	switch strings.ToLower(n.Type) {
	case "vts":
		nt.Scheme = tokenize.SchemeVTS
	case "mdes":
		nt.Scheme = tokenize.SchemeMDES
	}
	if n.Number != "" && !redact.AllDigits(n.Number) {
		return nil, httpx.Malformed(resp, "network token number is not numeric")
	}
	var ok bool
	if nt.ExpiryMonth, ok = atoiOpt(n.ExpiryMonth, 1, 12); !ok {
		return nil, httpx.Malformed(resp, "network token expiry_month is not a month")
	}
	if nt.ExpiryYear, ok = atoiOpt(n.ExpiryYear, 1000, 9999); !ok {
		return nil, httpx.Malformed(resp, "network token expiry_year is not a four-digit year")
	}
	if w.Card != nil {
		if l := w.Card.Last4; l != "" && (len(l) != 4 || !redact.AllDigits(l)) {
			return nil, httpx.Malformed(resp, "card last4 is not four digits")
		}
		nt.CardLast4 = w.Card.Last4
		if nt.CardExpiryMonth, ok = atoiOpt(w.Card.ExpiryMonth, 1, 12); !ok {
			return nil, httpx.Malformed(resp, "card expiry_month is not a month")
		}
		if nt.CardExpiryYear, ok = atoiOpt(w.Card.ExpiryYear, 1000, 9999); !ok {
			return nil, httpx.Malformed(resp, "card expiry_year is not a four-digit year")
		}
	}
	if nt.CreatedAt, ok = timeOpt(n.CreatedOn); !ok {
		return nil, httpx.Malformed(resp, "network token created_on is not a timestamp")
	}
	if nt.UpdatedAt, ok = timeOpt(n.ModifiedOn); !ok {
		return nil, httpx.Malformed(resp, "network token modified_on is not a timestamp")
	}
	return nt, nil
}

// stateOf maps Checkout's network token state; an unknown value (a state
// added later) is StateUnknown rather than a failure.
func stateOf(s string) tokenize.NetworkTokenState {
	switch strings.ToLower(s) {
	case "active":
		return tokenize.StateActive
	case "suspended":
		return tokenize.StateSuspended
	case "inactive":
		return tokenize.StateInactive
	case "declined":
		return tokenize.StateDeclined
	case "requested":
		return tokenize.StateRequested
	}
	return tokenize.StateUnknown
}

// atoiOpt parses an optional decimal string within [lo, hi]; "" is 0.
func atoiOpt(s string, lo, hi int) (int, bool) {
	if s == "" {
		return 0, true
	}
	if len(s) > 4 || !redact.AllDigits(s) {
		return 0, false
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < lo || v > hi {
		return 0, false
	}
	return v, true
}

// timeOpt parses an optional ISO-8601 timestamp such as
// "2020-02-11T15:57:32.435+00:00"; "" is the zero time.
func timeOpt(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	// The instant is what matters; UTC keeps values comparable.
	return t.UTC(), true
}

// decodeCryptogram maps a POST /network-tokens/{id}/cryptograms answer.
func decodeCryptogram(resp *httpx.Response, id string, tt tokenize.TransactionType) (*tokenize.Cryptogram, error) {
	var w cryptogramResponse
	if err := httpx.DecodeJSON(resp, &w); err != nil {
		return nil, err
	}
	if w.Cryptogram == "" {
		return nil, httpx.Malformed(resp, "cryptogram response has no cryptogram")
	}
	if _, err := base64.StdEncoding.DecodeString(w.Cryptogram); err != nil {
		return nil, httpx.Malformed(resp, "cryptogram is not base64")
	}
	if len(w.ECI) > 2 || (w.ECI != "" && !redact.AllDigits(w.ECI)) {
		return nil, httpx.Malformed(resp, "eci is not a one- or two-digit indicator")
	}
	eci := w.ECI
	if len(eci) == 1 {
		// Seed 002 shows "7"; the schemes and the other providers write
		// the indicator with two digits ("07"), which is what an
		// authorization request carries.
		eci = "0" + eci
	}
	return &tokenize.Cryptogram{
		Provider:        Name,
		NetworkTokenID:  id,
		TransactionType: tt,
		Value:           tokenize.Secret(w.Cryptogram),
		ECI:             eci,
	}, nil
}

// decodeAccessToken reads a 2xx answer of the token endpoint.
func decodeAccessToken(resp *httpx.Response) (*accessTokenResponse, error) {
	var w accessTokenResponse
	if err := httpx.DecodeJSON(resp, &w); err != nil {
		return nil, err
	}
	if w.AccessToken == "" {
		return nil, httpx.Malformed(resp, "token endpoint answer has no access_token")
	}
	if w.TokenType != "" && !strings.EqualFold(w.TokenType, "bearer") {
		return nil, httpx.Malformed(resp, "token endpoint answer has an unsupported token_type")
	}
	if w.ExpiresIn < 0 {
		return nil, httpx.Malformed(resp, "token endpoint answer has a negative expires_in")
	}
	return &w, nil
}
