package checkout

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/httpx"
)

// errorBody is Checkout.com's error envelope:
// {"request_id": "...", "error_type": "request_invalid", "error_codes": ["..."]}.
type errorBody struct {
	RequestID  string   `json:"request_id"`
	ErrorType  string   `json:"error_type"`
	ErrorCodes []string `json:"error_codes"`
}

// Error codes whose meaning overrides the HTTP status. Checkout documents
// no network-token-specific codes (research notes §8.2, §17.4); these are
// the codes the simulator sends, chosen from its generic vocabulary.
const (
	// codeSourceUnknown: provisioning from a well-formed src_ id the
	// account does not hold. Seed 002 lists no 404 for provisioning, so an
	// unknown source arrives as a 422 with this code and maps to NotFound.
	codeSourceUnknown = "source_id_unknown"
	// codeTokenStateInvalid: a cryptogram requested for a network token that
	// is not active (undocumented; 422 per seed 002's labels). It maps to
	// FailedPrecondition with UsePAN.
	codeTokenStateInvalid = "token_state_invalid"
)

// fieldOfCode maps Checkout validation codes to neutral field names.
var fieldOfCode = map[string]string{
	"card_number_invalid":        tokenize.FieldCardNumber,
	"card_number_required":       tokenize.FieldCardNumber,
	"card_expiry_month_invalid":  tokenize.FieldCardExpiryMonth,
	"card_expiry_month_required": tokenize.FieldCardExpiryMonth,
	"card_expiry_year_invalid":   tokenize.FieldCardExpiryYear,
	"card_expiry_year_required":  tokenize.FieldCardExpiryYear,
	"card_expired":               tokenize.FieldCardExpiryYear,
	"cvv_invalid":                tokenize.FieldCardCVV,
	"card_holder_invalid":        tokenize.FieldCardHolderName,
	"name_invalid":               tokenize.FieldCardHolderName,
	"account_number_invalid":     tokenize.FieldBankAccountNumber,
	"account_number_required":    tokenize.FieldBankAccountNumber,
	"bank_code_invalid":          tokenize.FieldBankRoutingNumber,
	"bank_code_required":         tokenize.FieldBankRoutingNumber,
	"account_type_invalid":       tokenize.FieldBankAccountType,
	"account_type_required":      tokenize.FieldBankAccountType,
	"account_holder_invalid":     tokenize.FieldBankHolderName,
	"account_holder_required":    tokenize.FieldBankHolderName,
	"token_invalid":              tokenize.FieldTemporaryToken,
	"token_required":             tokenize.FieldTemporaryToken,
	"token_expired":              tokenize.FieldTemporaryToken,
	"token_used":                 tokenize.FieldTemporaryToken,
	"customer_id_invalid":        tokenize.FieldCustomerReference,
	"customer_not_found":         tokenize.FieldCustomerReference,
	"email_invalid":              tokenize.FieldCustomerReference,
	"payment_source_required":    tokenize.FieldProvisionSource,
	"source_type_required":       tokenize.FieldProvisionSource,
	"source_invalid":             tokenize.FieldProvisionSource,
	"source_id_invalid":          tokenize.FieldPaymentTokenID,
	"source_id_required":         tokenize.FieldPaymentTokenID,
	codeSourceUnknown:            tokenize.FieldPaymentTokenID,
	"transaction_type_invalid":   tokenize.FieldTransactionType,
	"transaction_type_required":  tokenize.FieldTransactionType,
	"initiated_by_invalid":       tokenize.FieldInitiatedBy,
	"initiated_by_required":      tokenize.FieldInitiatedBy,
	"reason_invalid":             tokenize.FieldReason,
	"reason_required":            tokenize.FieldReason,
}

// FieldOf returns the neutral field (a tokenize.Field* constant) named by
// the first of codes that names one, or "".
func FieldOf(codes []string) string {
	for _, c := range codes {
		if f, ok := fieldOfCode[strings.ToLower(strings.TrimSpace(c))]; ok {
			return f
		}
	}
	return ""
}

// sensitiveKeys are the wire fields whose values must not survive in the
// body kept by Error.ProviderBody, should an error answer (or a proxy's)
// echo a request or carry a resource: card and DPAN numbers, CVVs, bank
// account numbers, card tokens and cryptograms.
var sensitiveKeys = map[string]bool{
	"number": true, "cvv": true, "account_number": true, "token": true, "cryptogram": true,
}

// apiError classifies a non-2xx answer of the Checkout.com API: the status
// decides the Code (httpx.StatusError), the error body adds every code in
// order, the Field and the request id; a few codes refine the Code. The
// adapter's credentials and the request's sensitive values are removed
// from the kept ProviderBody and from every string copied from the body.
func apiError(resp *httpx.Response) *tokenize.Error {
	e := httpx.StatusError(resp)
	e.RequestID = safeID(e.RequestID)
	if len(resp.Body) > 0 {
		e.SetProviderBody(resp.KeptBody(sensitiveKeys))
	}
	var b errorBody
	body := bytes.TrimSpace(resp.Body)
	if len(body) > 0 && body[0] == '{' && json.Unmarshal(body, &b) == nil {
		e.ProviderCodes = scrubbedCodes(resp, b.ErrorCodes)
		errorType := safeCode(resp.Scrub(b.ErrorType))
		if len(e.ProviderCodes) == 0 && errorType != "" {
			e.ProviderCodes = []string{errorType}
		}
		if e.RequestID == "" {
			e.RequestID = safeID(resp.Scrub(b.RequestID))
		}
		if errorType != "" {
			e.Message = errorType
		}
	}
	if resp.Status == http.StatusUnsupportedMediaType {
		// The adapter always sends JSON: a 415 means the request was
		// altered on the way (a proxy) or the adapter is wrong, not that
		// the caller's input was.
		e.Code = tokenize.Internal
	}
	if resp.Status < 500 && resp.Status != http.StatusTooManyRequests {
		switch {
		case hasCode(e.ProviderCodes, codeTokenStateInvalid):
			// The token's state refuses the cryptogram; the card behind
			// it is unaffected, so the caller may charge with the card.
			e.Code, e.UsePAN = tokenize.FailedPrecondition, true
		case hasCode(e.ProviderCodes, codeSourceUnknown):
			e.Code = tokenize.NotFound
		}
	}
	if e.Code == tokenize.InvalidArgument {
		e.Field = FieldOf(e.ProviderCodes)
	}
	return e
}

// oauthSensitiveKeys are the OAuth fields whose values a kept token
// endpoint answer must not show (RFC 6749 §4.4, §5.1).
var oauthSensitiveKeys = map[string]bool{
	"access_token": true, "refresh_token": true, "id_token": true, "client_secret": true, "client_assertion": true,
}

// oauthErrorBody is the OAuth 2.0 token endpoint's error (RFC 6749 §5.2).
type oauthErrorBody struct {
	Error string `json:"error"`
}

// oauthError classifies a failed answer of the token endpoint. The OAuth
// error code is kept as the provider code.
func oauthError(resp *httpx.Response) *tokenize.Error {
	e := httpx.StatusError(resp)
	e.RequestID = safeID(e.RequestID)
	if len(resp.Body) > 0 {
		// The request carried the client id and secret (Basic): an
		// answer echoing them keeps neither.
		e.SetProviderBody(resp.KeptBody(oauthSensitiveKeys))
	}
	var b oauthErrorBody
	body := bytes.TrimSpace(resp.Body)
	if len(body) > 0 && body[0] == '{' && json.Unmarshal(body, &b) == nil {
		e.ProviderCodes = scrubbedCodes(resp, []string{b.Error})
	}
	if resp.Status >= 500 || resp.Status == http.StatusTooManyRequests {
		return e
	}
	code := ""
	if len(e.ProviderCodes) > 0 {
		code = e.ProviderCodes[0]
	}
	e.Retryable, e.OutcomeUnknown = false, false
	switch code {
	case "invalid_client", "invalid_grant":
		e.Code, e.Message = tokenize.Unauthenticated, "access token request rejected: "+code
	case "invalid_scope", "unauthorized_client", "access_denied":
		e.Code, e.Message = tokenize.PermissionDenied, "access token request rejected: "+code
	case "":
		if resp.Status == http.StatusUnauthorized || resp.Status == http.StatusBadRequest {
			e.Code, e.Message = tokenize.Unauthenticated, "access token request rejected"
		}
	default:
		// invalid_request, unsupported_grant_type and anything newer: the
		// adapter's own request was wrong, not the caller's.
		e.Code, e.Message = tokenize.Internal, "access token request rejected: "+code
	}
	return e
}

func hasCode(codes []string, c string) bool {
	for _, x := range codes {
		if strings.EqualFold(x, c) {
			return true
		}
	}
	return false
}

// Provider strings copied into errors are checked, so that an error body
// echoing request data (a card number, a CVV) cannot carry it into an
// error message or a log line. Checkout's codes are snake_case words and
// its request ids short alphanumerics.
const (
	maxCodeLen   = 100
	maxCodeDigit = 2  // a longer digit run in a code is echoed data, not a code
	maxIDDigits  = 11 // a request id never holds a card-number-length digit run
)

// scrubbedCodes keeps the well-formed codes among codes, which resp
// carried, once the adapter's credentials are removed from them: a code
// that held one is dropped.
func scrubbedCodes(resp *httpx.Response, codes []string) []string {
	var out []string
	for _, c := range codes {
		if c = safeCode(resp.Scrub(c)); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// safeCodes keeps the well-formed codes, in order.
func safeCodes(codes []string) []string {
	var out []string
	for _, c := range codes {
		if c = safeCode(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// safeCode returns c if it looks like an error code, else "".
func safeCode(c string) string {
	if !safeToken(c, maxCodeDigit) {
		return ""
	}
	return c
}

// safeID returns id if it looks like a request id, else "".
func safeID(id string) string {
	if !safeToken(id, maxIDDigits) {
		return ""
	}
	return id
}

// safeToken accepts 1 to maxCodeLen characters of [A-Za-z0-9_.:-] with
// no run of more than maxRun digits.
func safeToken(s string, maxRun int) bool {
	if s == "" || len(s) > maxCodeLen {
		return false
	}
	run := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if run++; run > maxRun {
				return false
			}
			continue
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c == '.', c == ':', c == '-':
		default:
			return false
		}
		run = 0
	}
	return true
}
