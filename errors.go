package tokenize

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/tokenize-go/tokenize/internal/redact"
)

// Code classifies an error independently of the provider that produced it.
// The numeric values are stable: they may be stored or exported as metrics.
type Code uint8

// The error codes. Every error a Client returns has exactly one of them,
// readable with CodeOf.
const (
	// OK is the code of a nil error; no *Error carries it.
	OK Code = iota
	// Unknown means the failure could not be classified.
	Unknown
	// InvalidArgument means the request was malformed. Error.Field names the
	// offending field when it is known. Retrying the same request fails again.
	InvalidArgument
	// Unauthenticated means the provider rejected the credentials.
	Unauthenticated
	// PermissionDenied means the credentials are valid but lack a permission
	// (an OAuth scope, a product enablement).
	PermissionDenied
	// NotFound means the referenced token does not exist for these credentials.
	NotFound
	// FailedPrecondition means the resource is not in a state that allows the
	// operation, for example a cryptogram requested for a declined network token.
	FailedPrecondition
	// RateLimited means the provider throttled the request; Error.RetryAfter
	// says how long it asked to wait, when it did.
	RateLimited
	// Unavailable means the provider or the network failed transiently.
	Unavailable
	// DeadlineExceeded means the context deadline (or the Client's default
	// timeout) expired before the operation completed.
	DeadlineExceeded
	// Canceled means the context was canceled.
	Canceled
	// Unsupported means the provider does not offer the operation or option.
	Unsupported
	// Internal means the provider failed, or answered with something that
	// cannot be a valid response (malformed, truncated, oversized).
	Internal
)

var codeNames = [...]string{
	OK:                 "OK",
	Unknown:            "Unknown",
	InvalidArgument:    "InvalidArgument",
	Unauthenticated:    "Unauthenticated",
	PermissionDenied:   "PermissionDenied",
	NotFound:           "NotFound",
	FailedPrecondition: "FailedPrecondition",
	RateLimited:        "RateLimited",
	Unavailable:        "Unavailable",
	DeadlineExceeded:   "DeadlineExceeded",
	Canceled:           "Canceled",
	Unsupported:        "Unsupported",
	Internal:           "Internal",
}

// String returns the code's name, such as "NotFound".
func (c Code) String() string {
	if int(c) < len(codeNames) {
		return codeNames[c]
	}
	return "Code(" + strconv.Itoa(int(c)) + ")"
}

// ParseCode returns the Code whose String is s (case-insensitive).
func ParseCode(s string) (Code, error) {
	for i, n := range codeNames {
		if strings.EqualFold(n, s) {
			return Code(i), nil
		}
	}
	return Unknown, fmt.Errorf("tokenize: unknown error code %q", s)
}

// MarshalText implements encoding.TextMarshaler.
func (c Code) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseCode, so that
// a code written as JSON (an Error's "code") reads back.
func (c *Code) UnmarshalText(t []byte) (err error) { *c, err = ParseCode(string(t)); return }

// sentinel is the type of the Err* values. It is immutable, so the sentinels
// are safe to share.
type sentinel Code

func (s sentinel) Error() string { return "tokenize: " + Code(s).String() }

// Sentinel errors, one per Code, for use with errors.Is:
//
//	if errors.Is(err, tokenize.ErrNotFound) { ... }
var (
	ErrUnknown            error = sentinel(Unknown)
	ErrInvalidArgument    error = sentinel(InvalidArgument)
	ErrUnauthenticated    error = sentinel(Unauthenticated)
	ErrPermissionDenied   error = sentinel(PermissionDenied)
	ErrNotFound           error = sentinel(NotFound)
	ErrFailedPrecondition error = sentinel(FailedPrecondition)
	ErrRateLimited        error = sentinel(RateLimited)
	ErrUnavailable        error = sentinel(Unavailable)
	ErrDeadlineExceeded   error = sentinel(DeadlineExceeded)
	ErrCanceled           error = sentinel(Canceled)
	ErrUnsupported        error = sentinel(Unsupported)
	ErrInternal           error = sentinel(Internal)
)

// Error is the error type of every failed Client call. Adapters return it
// too, filling what they know; the Client completes Op and Provider.
//
// Error never holds a card number, CVV, DPAN, cryptogram or credential, and
// its string form and slog form are safe to log.
type Error struct {
	// Op is the operation that failed.
	Op Operation
	// Provider is the registered name of the provider, such as "nuvei".
	Provider string
	// Code classifies the failure.
	Code Code
	// HTTPStatus is the provider's HTTP status, or 0 when no response arrived.
	HTTPStatus int
	// ProviderCodes are the provider's own error codes, all of them, in the
	// order the provider sent them (Nuvei "5000.1000", Checkout
	// "card_number_invalid").
	ProviderCodes []string
	// Field is the neutral name of the offending request field, such as
	// FieldCardNumber, when known.
	Field string
	// Message is a human-readable explanation.
	Message string
	// RequestID is the provider's identifier of the request, when it sent one.
	RequestID string
	// Retryable reports that sending the same request again is safe and may
	// succeed: the failure is transient and a repeat cannot create a duplicate.
	Retryable bool
	// RetryAfter is how long the provider asked the caller to wait, if it did.
	RetryAfter time.Duration
	// OutcomeUnknown reports that the request may have taken effect at the
	// provider even though no successful answer arrived (for example the
	// connection broke after a create was sent). Reconcile before retrying.
	OutcomeUnknown bool
	// Attempts is how many times the Client sent the request, retries
	// included (0 when it was refused before sending).
	Attempts int
	// MerchantReference echoes the request's merchant reference, when it had
	// one, to help reconcile an operation whose outcome is unknown.
	MerchantReference string
	// Err is the underlying cause, if any (a context error, a transport
	// error, or an adapter's raw error type reachable with errors.As).
	Err error
	// UsePAN reports that the network token cannot be used for this
	// payment but the card behind it can: charge with the card (PAN)
	// instead. errors.Is(err, ErrUsePAN) tests it. It is never set where
	// the card would fail too (bad credentials, invalid input, a provider
	// that is down).
	UsePAN bool

	body []byte
}

// Error returns a one-line description useful to a human. It contains no
// sensitive value.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("tokenize: ")
	if e.Provider != "" {
		b.WriteString(e.Provider)
		b.WriteByte(' ')
	}
	if e.Op != 0 {
		b.WriteString(e.Op.String())
		b.WriteString(": ")
	}
	b.WriteString(e.Code.String())
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	var details []string
	if e.HTTPStatus != 0 {
		details = append(details, "HTTP "+strconv.Itoa(e.HTTPStatus))
	}
	if len(e.ProviderCodes) > 0 {
		details = append(details, "provider codes "+strings.Join(e.ProviderCodes, ","))
	}
	if e.RequestID != "" {
		details = append(details, "request id "+e.RequestID)
	}
	if e.OutcomeUnknown {
		details = append(details, "outcome unknown")
	}
	if e.Retryable {
		details = append(details, "retryable")
	}
	if e.Attempts > 1 {
		details = append(details, strconv.Itoa(e.Attempts)+" attempts")
	}
	if e.UsePAN {
		details = append(details, "use the card instead of the network token")
	}
	if len(details) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(details, "; "))
		b.WriteByte(')')
	}
	if e.Err != nil && e.Message == "" {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	// Defence in depth: a cause or a field an adapter filled carelessly
	// must not carry a card number into a log line.
	return scrubDigits(b.String())
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is the sentinel of e's Code, so that
// errors.Is(err, ErrNotFound) works, or ErrUsePAN when UsePAN is set.
func (e *Error) Is(target error) bool {
	if target == ErrUsePAN {
		return e.UsePAN
	}
	s, ok := target.(sentinel)
	return ok && Code(s) == e.Code
}

// Format prints the same text as Error for every verb, so that %+v and %#v
// cannot dump the cause's internals.
func (e *Error) Format(f fmt.State, verb rune) { redact.Format(f, verb, e.Error()) }

// LogValue implements slog.LogValuer. Like Error and MarshalJSON, it masks
// card numbers in every provider-supplied string, so that an *Error built
// outside a Client (which scrubs them already) is safe to log too.
func (e *Error) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("code", e.Code.String())}
	if e.Op != 0 {
		attrs = append(attrs, slog.String("op", e.Op.String()))
	}
	if e.Provider != "" {
		attrs = append(attrs, slog.String("provider", e.Provider))
	}
	if e.HTTPStatus != 0 {
		attrs = append(attrs, slog.Int("http_status", e.HTTPStatus))
	}
	if len(e.ProviderCodes) > 0 {
		attrs = append(attrs, slog.String("provider_codes", scrubDigits(strings.Join(e.ProviderCodes, ","))))
	}
	if e.Field != "" {
		attrs = append(attrs, slog.String("field", scrubDigits(e.Field)))
	}
	if e.RequestID != "" {
		attrs = append(attrs, slog.String("request_id", scrubDigits(e.RequestID)))
	}
	if e.Retryable {
		attrs = append(attrs, slog.Bool("retryable", true))
	}
	if e.OutcomeUnknown {
		attrs = append(attrs, slog.Bool("outcome_unknown", true))
	}
	if e.Attempts > 1 {
		attrs = append(attrs, slog.Int("attempts", e.Attempts))
	}
	if e.UsePAN {
		attrs = append(attrs, slog.Bool("use_pan", true))
	}
	if e.Message != "" {
		attrs = append(attrs, slog.String("message", scrubDigits(e.Message)))
	}
	return slog.GroupValue(attrs...)
}

// MarshalJSON encodes the error's safe fields. It exists so that
// json.Marshal never reflects into the cause, whose exported fields are
// outside this package's control; the cause appears only as its scrubbed
// text.
func (e *Error) MarshalJSON() ([]byte, error) {
	type safeError struct {
		Op                string   `json:"op,omitempty"`
		Provider          string   `json:"provider,omitempty"`
		Code              Code     `json:"code"`
		HTTPStatus        int      `json:"http_status,omitempty"`
		ProviderCodes     []string `json:"provider_codes,omitempty"`
		Field             string   `json:"field,omitempty"`
		Message           string   `json:"message,omitempty"`
		RequestID         string   `json:"request_id,omitempty"`
		Retryable         bool     `json:"retryable,omitempty"`
		RetryAfter        string   `json:"retry_after,omitempty"`
		OutcomeUnknown    bool     `json:"outcome_unknown,omitempty"`
		Attempts          int      `json:"attempts,omitempty"`
		MerchantReference string   `json:"merchant_reference,omitempty"`
		UsePAN            bool     `json:"use_pan,omitempty"`
		Error             string   `json:"error"`
	}
	out := safeError{
		Provider:          e.Provider,
		Code:              e.Code,
		HTTPStatus:        e.HTTPStatus,
		Field:             scrubDigits(e.Field),
		Message:           scrubDigits(e.Message),
		RequestID:         scrubDigits(e.RequestID),
		Retryable:         e.Retryable,
		OutcomeUnknown:    e.OutcomeUnknown,
		Attempts:          e.Attempts,
		MerchantReference: scrubDigits(e.MerchantReference),
		UsePAN:            e.UsePAN,
		Error:             e.Error(),
	}
	if e.Op != 0 {
		out.Op = e.Op.String()
	}
	for _, pc := range e.ProviderCodes {
		out.ProviderCodes = append(out.ProviderCodes, scrubDigits(pc))
	}
	if e.RetryAfter > 0 {
		out.RetryAfter = e.RetryAfter.String()
	}
	return json.Marshal(out)
}

// ProviderBody returns a copy of the raw response body the provider sent
// with the error, or nil. It is an escape hatch for codes this package does
// not model; the bytes are the provider's and are never printed by Error.
func (e *Error) ProviderBody() []byte {
	if e.body == nil {
		return nil
	}
	return append([]byte(nil), e.body...)
}

// SetProviderBody records the raw error body returned by ProviderBody.
// Adapters call it; the body is copied and capped at 64 KiB.
func (e *Error) SetProviderBody(b []byte) {
	const maxKept = 64 << 10
	if len(b) > maxKept {
		b = b[:maxKept]
	}
	e.body = append([]byte(nil), b...)
}

// CodeOf returns the Code of err: OK for nil, the Code of the first *Error
// in its chain, Canceled or DeadlineExceeded for context errors, and Unknown
// for anything else.
func CodeOf(err error) Code {
	if err == nil {
		return OK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var s sentinel
	if errors.As(err, &s) {
		return Code(s)
	}
	switch {
	case errors.Is(err, context.Canceled):
		return Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return DeadlineExceeded
	}
	return Unknown
}

// IsRetryable reports whether err is an *Error marked Retryable.
func IsRetryable(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Retryable
}

// IsOutcomeUnknown reports whether err says the operation may have taken
// effect at the provider despite the error.
func IsOutcomeUnknown(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.OutcomeUnknown
}
