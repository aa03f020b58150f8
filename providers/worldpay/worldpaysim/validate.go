package worldpaysim

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tokenize-go/tokenize/internal/simkit"
)

// Limits of the Tokens API v3 reference (description 1 to 255
// characters, namespace 1 to 64), and where it documents none, generous
// bounds that still refuse junk (cardHolderName, href).
const (
	maxText      = 255 // description, cardHolderName
	maxNamespace = 64
	maxHrefBytes = 512
)

// instrument is a request's paymentInstrument, either type.
type instrument struct {
	Type           string  `json:"type"`
	CardHolderName *string `json:"cardHolderName"`
	CardNumber     *string `json:"cardNumber"`
	CardExpiryDate *struct {
		Month *int `json:"month"`
		Year  *int `json:"year"`
	} `json:"cardExpiryDate"`
	Href string `json:"href"`
}

type merchantJSON struct {
	Entity string `json:"entity"`
}

// decode reads a JSON body into v: 400 bodyIsNotJson for anything else.
func decode(r *http.Request, v any) *apiError {
	if err := simkit.DecodeJSON(r, v); err != nil {
		var syn *json.SyntaxError
		if errors.Is(err, simkit.ErrBodyTooLarge) || errors.As(err, &syn) || err.Error() == "unexpected end of JSON input" {
			return &apiError{status: http.StatusBadRequest, ErrorName: ErrBodyIsNotJSON, Message: "The body within the request is not valid json"}
		}
		return schema(ErrFieldHasInvalidValue, "$", "The json body provided does not match the expected schema")
	}
	return nil
}

// checkMerchant checks merchant.entity against the simulator's.
func (s *Simulator) checkMerchant(m *merchantJSON) *apiError {
	if m == nil || m.Entity == "" {
		return schema(ErrFieldIsMissing, "$.merchant.entity", "Merchant entity must be supplied")
	}
	if m.Entity != s.entity {
		return &apiError{status: http.StatusForbidden, ErrorName: ErrAccessDenied, Message: "Access to the merchant entity has been denied"}
	}
	return nil
}

// front checks a card/front instrument and returns its card, or the
// documented validation error.
func (s *Simulator) front(in *instrument) (*card, *apiError) {
	if in.CardHolderName == nil || strings.TrimSpace(*in.CardHolderName) == "" {
		return nil, schema(ErrFieldIsMissing, "$.paymentInstrument.cardHolderName", "Card holder name must be supplied")
	}
	if utf8.RuneCountInString(*in.CardHolderName) > maxText {
		return nil, schema(ErrFieldHasInvalidValue, "$.paymentInstrument.cardHolderName", "Card holder name is too long")
	}
	if in.CardNumber == nil || *in.CardNumber == "" {
		return nil, schema(ErrFieldIsMissing, "$.paymentInstrument.cardNumber", "Card number must be supplied")
	}
	n := *in.CardNumber
	if len(n) < 12 || len(n) > 19 || !simkit.Luhn(n) || n == InvalidPAN {
		return nil, schema(ErrFieldHasInvalidValue, "$.paymentInstrument.cardNumber", "Card number is invalid")
	}
	d := in.CardExpiryDate
	if d == nil {
		return nil, schema(ErrFieldIsMissing, "$.paymentInstrument.cardExpiryDate", "Card expiry date must be supplied")
	}
	if d.Month == nil {
		return nil, schema(ErrFieldIsMissing, "$.paymentInstrument.cardExpiryDate.month", "Card expiry month must be supplied")
	}
	if d.Year == nil {
		return nil, schema(ErrFieldIsMissing, "$.paymentInstrument.cardExpiryDate.year", "Card expiry year must be supplied")
	}
	if *d.Month < 1 || *d.Month > 12 {
		return nil, schema(ErrFieldHasInvalidValue, "$.paymentInstrument.cardExpiryDate.month", "Card expiry month must be between 1 and 12")
	}
	if *d.Year < 1000 || *d.Year > 9999 {
		return nil, schema(ErrFieldHasInvalidValue, "$.paymentInstrument.cardExpiryDate.year", "Card expiry year must have four digits")
	}
	now := s.now().UTC()
	if *d.Year < now.Year() || *d.Year == now.Year() && time.Month(*d.Month) < now.Month() {
		return nil, schema(ErrFieldHasInvalidValue, "$.paymentInstrument.cardExpiryDate", "Card expiry date must not be in the past")
	}
	switch n {
	case ForbiddenPAN:
		return nil, &apiError{status: http.StatusForbidden, ErrorName: ErrAccessDenied, Message: "Access to the requested resource has been denied"}
	case InternalErrorPAN:
		return nil, &apiError{status: http.StatusInternalServerError, ErrorName: ErrInternal, Message: "An internal error occurred"}
	}
	return &card{number: n, holder: *in.CardHolderName, month: *d.Month, year: *d.Year}, nil
}

// text checks an optional free-text field of at most max characters.
func text(v string, max int, path string) *apiError {
	if utf8.RuneCountInString(v) > max {
		return schema(ErrFieldHasInvalidValue, path, "Value is too long")
	}
	return nil
}
