package worldpay

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/httpx"
)

// fieldOfPath maps the jsonPath of a validation error (Worldpay's own
// request fields) to the neutral field. Paths under a card's
// cardExpiryDate name the month or year; the date as a whole ("must not be
// in the past") is the year's to fix, as the Client reports an expired
// card.
var fieldOfPath = map[string]string{
	"$.paymentInstrument":                      tokenize.FieldProvisionSource,
	"$.paymentInstrument.type":                 tokenize.FieldProvisionSource,
	"$.paymentInstrument.cardNumber":           tokenize.FieldCardNumber,
	"$.paymentInstrument.cardHolderName":       tokenize.FieldCardHolderName,
	"$.paymentInstrument.cardExpiryDate":       tokenize.FieldCardExpiryYear,
	"$.paymentInstrument.cardExpiryDate.year":  tokenize.FieldCardExpiryYear,
	"$.paymentInstrument.cardExpiryDate.month": tokenize.FieldCardExpiryMonth,
	"$.paymentInstrument.href":                 tokenize.FieldPaymentTokenID,
	"$.namespace":                              tokenize.FieldCustomerReference,
	"$.description":                            tokenize.FieldMerchantReference,
	"$.tokenNumber":                            tokenize.FieldNetworkTokenID,
}

// FieldOf returns the neutral field (a tokenize.Field* constant) named by
// a validation error's jsonPath, or "".
func FieldOf(jsonPath string) string { return fieldOfPath[strings.TrimSpace(jsonPath)] }

// sensitiveKeys are the wire fields whose values must not survive in the
// body kept for Error.ProviderBody, should an error answer (or a proxy's)
// echo a request or carry a resource: card numbers, DPANs, cryptograms.
var sensitiveKeys = map[string]bool{
	"cardNumber": true, "tokenNumber": true, "cryptogram": true, "cvc": true,
}

// maxMessage bounds the provider text an error keeps.
const maxMessage = 200

// apiError classifies a non-2xx answer: the status decides the Code
// (httpx.StatusError), the error body adds its errorName and every
// validation error's name as provider codes, in order, and the Field of
// the first validation error's jsonPath. Every string copied from the body
// goes through Scrub first.
func apiError(resp *httpx.Response) *tokenize.Error {
	e := httpx.StatusError(resp)
	if len(resp.Body) > 0 {
		e.SetProviderBody(resp.KeptBody(sensitiveKeys))
	}
	var b errorBody
	body := bytes.TrimSpace(resp.Body)
	if len(body) > 0 && body[0] == '{' && json.Unmarshal(body, &b) == nil {
		if name := safeName(resp.Scrub(b.ErrorName)); name != "" {
			e.ProviderCodes = append(e.ProviderCodes, name)
			e.Message = name
		}
		for _, v := range b.ValidationErrors {
			if name := safeName(resp.Scrub(v.ErrorName)); name != "" {
				e.ProviderCodes = append(e.ProviderCodes, name)
			}
			if e.Field == "" && e.Code == tokenize.InvalidArgument {
				e.Field = FieldOf(v.JSONPath)
			}
		}
		msg := b.Message
		if len(b.ValidationErrors) > 0 && b.ValidationErrors[0].Message != "" {
			msg = b.ValidationErrors[0].Message // the specific one
		}
		if msg = strings.TrimSpace(resp.Scrub(msg)); msg != "" {
			if len(msg) > maxMessage {
				msg = msg[:maxMessage] + "…"
			}
			e.Message = strings.TrimPrefix(e.Message+": ", ": ") + msg
		}
	}
	switch resp.Status {
	case http.StatusNotAcceptable, http.StatusUnsupportedMediaType:
		// The adapter always sends the versioned media type: a 406 or 415
		// means the request was altered on the way or the API version
		// was withdrawn, not that the caller's input was wrong.
		e.Code = tokenize.Internal
	case http.StatusMethodNotAllowed:
		e.Code = tokenize.Internal
	}
	return e
}

// safeName returns an Access error name ("bodyDoesNotMatchSchema") if s
// looks like one: 1 to 64 letters, digits, '_', '.' or '-', with no run of
// more than two digits (a longer one is echoed data, not a name).
func safeName(s string) string {
	if s == "" || len(s) > 64 {
		return ""
	}
	run := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if run++; run > 2 {
				return ""
			}
			continue
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c == '.', c == '-':
		default:
			return ""
		}
		run = 0
	}
	return s
}
