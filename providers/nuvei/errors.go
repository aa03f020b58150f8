package nuvei

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/httpx"
)

// Nuvei error codes the adapter recognises. The seeds show 5000.1000
// (validation, HTTP 400), 7300.3000 (authorization, HTTP 401 and 403) and
// 7000.1000 (internal, HTTP 500); the REST 2.0 response-handling page lists
// the 200-OK group (5000/5100/5200 input errors, 5300 payment-option
// errors, 1xxx gateway and merchant outcomes).
const (
	codeAuthorization = "7300.3000"
	codeStillRunning  = "5300.1003" // "The request is still being processed"
	// codeNoLongerValid, "Saved payment option no longer valid", is how
	// Nuvei refuses a cryptogram for a network token that is not active:
	// the token is unusable, the card behind it is not (UsePAN).
	codeNoLongerValid = "5300.10012"
)

// classify turns any response that is not a success into a
// *tokenize.Error. env is the decoded envelope, or nil when the body is not
// one (empty, HTML, truncated).
//
// Order: an HTTP status that says who failed (401, 403, 404, 429, 5xx)
// decides the Code; otherwise, for a Nuvei error under any status (200
// included), the Nuvei code decides; otherwise the status does.
func classify(resp *httpx.Response, env *envelope) *tokenize.Error {
	var we *wireError
	nuveiError := false
	if env != nil && env.Result != nil {
		if w := env.Result.Errors; w != nil {
			// Scrubbed before anything else looks at them (scrubReason
			// truncates, which could cut an echoed credential in two).
			we = &wireError{Code: cleanCode(resp.Scrub(w.Code)), Reason: resp.Scrub(w.Reason)}
		}
		nuveiError = strings.EqualFold(env.Result.Status, statusError)
	}
	var e *tokenize.Error
	switch s := resp.Status; {
	case s == http.StatusUnauthorized, s == http.StatusForbidden, s == http.StatusNotFound,
		s == http.StatusTooManyRequests, s >= 500:
		e = httpx.StatusError(resp)
	case nuveiError && we != nil && we.Code != "":
		e = classifyCode(resp, we.Code)
	case s >= 200 && s < 300:
		// A 2xx that reports an error without a code.
		e = &tokenize.Error{Code: tokenize.Unknown, HTTPStatus: s, Message: "Nuvei reported an error"}
	default:
		e = httpx.StatusError(resp)
	}
	if we != nil {
		if we.Code != "" {
			e.ProviderCodes = []string{we.Code}
		}
		if we.Reason != "" {
			e.Message = scrubReason(we.Reason)
		}
		if e.Code == tokenize.InvalidArgument {
			e.Field = FieldFromReason(we.Reason)
		}
	}
	e.RequestID = resp.RequestID
	e.SetProviderBody(resp.KeptBody(sensitiveKeys))
	return e
}

// sensitiveKeys are the wire fields whose values must not survive in the
// body kept by Error.ProviderBody: Nuvei's error responses use the full
// resource schema (seeds 000, 001, 003), so an error can carry a card
// number, CVV, DPAN, cryptogram or bank account number.
var sensitiveKeys = map[string]bool{
	"cardNumber":        true,
	"cvv":               true,
	"CVV":               true,
	"tokenNumber":       true,
	"cryptogram":        true,
	achAccountNumberKey: true,
}

// maxCodeLen is the documented bound of errors.code ("<= 11 characters").
const maxCodeLen = 11

// cleanCode returns code if it looks like a Nuvei code (at most 11
// letters, digits, dots, hyphens or underscores), else "": a longer or
// stranger value is not a code and could carry anything (it stays in the
// body kept for ProviderBody, redacted).
func cleanCode(code string) string {
	if len(code) > maxCodeLen {
		return ""
	}
	for i := 0; i < len(code); i++ {
		c := code[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == '-' || c == '_') {
			return ""
		}
	}
	return code
}

// classifyCode maps a Nuvei code carried by a response whose status does
// not decide (200, 400, other 4xx).
func classifyCode(resp *httpx.Response, code string) *tokenize.Error {
	e := &tokenize.Error{HTTPStatus: resp.Status}
	family, _, _ := strings.Cut(code, ".")
	switch {
	case code == codeAuthorization:
		e.Code = tokenize.Unauthenticated
	case code == codeNoLongerValid:
		e.Code, e.UsePAN = tokenize.FailedPrecondition, true
	case code == codeStillRunning:
		e.Code = tokenize.Unavailable
		e.Retryable, e.OutcomeUnknown = resp.Idempotent, !resp.Idempotent
	case family == "5000", family == "5100", family == "5200":
		e.Code = tokenize.InvalidArgument
	case family == "5300":
		// Payment option no longer valid, cannot be registered, card
		// company not processed: the request is well formed but the
		// resource or account does not allow it.
		e.Code = tokenize.FailedPrecondition
	case family == "7300":
		e.Code = tokenize.Unauthenticated
	case family == "7000":
		e.Code = tokenize.Internal
		e.Retryable, e.OutcomeUnknown = resp.Idempotent, !resp.Idempotent
	case len(family) == 4 && family[0] == '1':
		// 1300-1900: gateway, risk and merchant outcomes (declines).
		e.Code = tokenize.FailedPrecondition
	case resp.Status == http.StatusBadRequest:
		e.Code = tokenize.InvalidArgument
	default:
		e.Code = tokenize.Unknown
	}
	return e
}

// decodeEnvelope reads the result envelope of any body, or nil.
func decodeEnvelope(body []byte) *envelope {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return nil
	}
	var env envelope
	if json.Unmarshal(body, &env) != nil || env.Result == nil {
		return nil
	}
	return &env
}

// maxReason bounds the provider text kept in Error.Message (Nuvei: at most
// 400 characters).
const maxReason = 400

// scrubReason keeps a provider reason safe to print: at most 400 bytes,
// control characters dropped, and every run of three or more digits masked,
// so that no card number or CVV the provider might echo survives. Nuvei's
// documented reasons ("[x] must match \"^(\\d{4}|\\d{2})$\"") have no such
// runs.
func scrubReason(s string) string {
	if len(s) > maxReason {
		s = s[:maxReason]
	}
	var b strings.Builder
	flush := func(digits string) {
		if len(digits) >= 3 {
			b.WriteString(strings.Repeat("*", len(digits)))
		} else {
			b.WriteString(digits)
		}
	}
	start := -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			flush(s[start:i])
			start = -1
		}
		if c < 0x20 || c == 0x7f {
			continue
		}
		b.WriteByte(c)
	}
	if start >= 0 {
		flush(s[start:])
	}
	return strings.ToValidUTF8(b.String(), "")
}

// fieldByPath translates Nuvei request paths, as they appear between
// brackets in a validation reason, to neutral field names.
var fieldByPath = map[string]string{
	"paymentOption":                                                      tokenize.FieldPaymentMethod,
	"paymentOption.card":                                                 tokenize.FieldCard,
	"paymentOption.card.cardNumber":                                      tokenize.FieldCardNumber,
	"paymentOption.card.expirationMonth":                                 tokenize.FieldCardExpiryMonth,
	"paymentOption.card.expirationYear":                                  tokenize.FieldCardExpiryYear,
	"paymentOption.card.cvv":                                             tokenize.FieldCardCVV,
	"paymentOption.card.CVV":                                             tokenize.FieldCardCVV,
	"paymentOption.card.cardHolderName":                                  tokenize.FieldCardHolderName,
	"paymentOption.alternativePaymentMethod":                             tokenize.FieldBankAccount,
	"paymentOption.alternativePaymentMethod.name":                        tokenize.FieldBankAccount,
	"paymentOption.alternativePaymentMethod.data":                        tokenize.FieldBankAccount,
	"paymentOption.alternativePaymentMethod.data." + achAccountNumberKey: tokenize.FieldBankAccountNumber,
	"paymentOption.alternativePaymentMethod.data." + achRoutingNumberKey: tokenize.FieldBankRoutingNumber,
	"paymentOption.temporaryPaymentToken":                                tokenize.FieldTemporaryToken,
	"paymentOption.temporaryPaymentToken.paymentTokenId":                 tokenize.FieldTemporaryToken,
	"paymentOption.paymentToken":                                         tokenize.FieldNetworkTokenID,
	"paymentOption.paymentToken.paymentTokenId":                          tokenize.FieldNetworkTokenID,
	"paymentOption.paymentToken." + cryptogramTypeField:                  tokenize.FieldTransactionType,
	cryptogramTypeField:                                                  tokenize.FieldTransactionType,
	"transactionType":                                                    tokenize.FieldTransactionType,
	"merchantReference":                                                  tokenize.FieldMerchantReference,
	"buyerId":                                                            tokenize.FieldCustomerReference,
	"usageIntent":                                                        tokenize.FieldUsageIntent,
	"processingEntityId":                                                 "settings.processing_entity_id",
	"payment-token-id":                                                   tokenize.FieldID,
	"paymentTokenId":                                                     tokenize.FieldID,
}

// FieldFromReason returns the neutral field name for a Nuvei validation
// reason such as `[paymentOption.card.expirationMonth] must match "..."`
// (tokenize.FieldCardExpiryMonth), or "" when the reason names no field
// the adapter knows.
func FieldFromReason(reason string) string {
	reason = strings.TrimSpace(reason)
	if !strings.HasPrefix(reason, "[") {
		return ""
	}
	end := strings.IndexByte(reason, ']')
	if end < 0 {
		return ""
	}
	return fieldByPath[strings.TrimSpace(reason[1:end])]
}
