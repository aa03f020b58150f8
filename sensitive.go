package tokenize

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/tokenize-go/tokenize/internal/redact"
)

// The sensitive types below hold values that must never reach a log, an
// error or fmt output. Each masks itself in every fmt verb (%v %+v %#v %s %q
// %x ...), as a slog value, and as text or JSON. The raw value is available
// only through an explicit Reveal call (or a string conversion), which is
// what adapters use to build the wire request.

// PAN is a primary account number: a card number, or a network token's
// DPAN. It prints as its first six and last four digits at most.
type PAN string

// Reveal returns the full number. Call it only to send the value to a
// provider or an authorization request.
func (p PAN) Reveal() string { return string(p) }

// Masked returns the number with everything but the first six and last four
// digits replaced by '*'. Numbers shorter than 16 digits show only the last
// four, and a value that is not all digits shows nothing.
func (p PAN) Masked() string { return redact.PAN(string(p)) }

// Last4 returns the last four digits, or "" if p is not a number of at
// least four digits.
func (p PAN) Last4() string {
	s := string(p)
	if len(s) < 4 || !allDigits(s) {
		return ""
	}
	return s[len(s)-4:]
}

// BIN returns the first six digits, or "" if p is not a plausible PAN.
func (p PAN) BIN() string {
	s := string(p)
	if len(s) < 12 || !allDigits(s) {
		return ""
	}
	return s[:6]
}

// String returns the masked form.
func (p PAN) String() string { return p.Masked() }

// GoString returns the masked form.
func (p PAN) GoString() string { return `tokenize.PAN("` + p.Masked() + `")` }

// Format masks the value for every verb.
func (p PAN) Format(f fmt.State, verb rune) { formatMasked(f, verb, p.Masked()) }

// LogValue implements slog.LogValuer.
func (p PAN) LogValue() slog.Value { return slog.StringValue(p.Masked()) }

// MarshalText implements encoding.TextMarshaler with the masked form, so
// JSON, slog text and slog JSON output are masked too.
func (p PAN) MarshalText() ([]byte, error) { return []byte(p.Masked()), nil }

// AccountNumber is a bank account number. It prints as its last four digits.
type AccountNumber string

// Reveal returns the full account number.
func (a AccountNumber) Reveal() string { return string(a) }

// Masked returns the account number with all but the last four characters
// replaced by '*'; values of four characters or fewer are fully masked.
func (a AccountNumber) Masked() string {
	s := string(a)
	if len(s) <= 4 {
		return strings.Repeat("*", len(s))
	}
	return strings.Repeat("*", len(s)-4) + s[len(s)-4:]
}

// Last4 returns the last four characters, or "" when there are fewer than
// five (a shorter number would be fully revealed).
func (a AccountNumber) Last4() string {
	s := string(a)
	if len(s) <= 4 {
		return ""
	}
	return s[len(s)-4:]
}

// String returns the masked form.
func (a AccountNumber) String() string { return a.Masked() }

// GoString returns the masked form.
func (a AccountNumber) GoString() string { return `tokenize.AccountNumber("` + a.Masked() + `")` }

// Format masks the value for every verb.
func (a AccountNumber) Format(f fmt.State, verb rune) { formatMasked(f, verb, a.Masked()) }

// LogValue implements slog.LogValuer.
func (a AccountNumber) LogValue() slog.Value { return slog.StringValue(a.Masked()) }

// MarshalText implements encoding.TextMarshaler with the masked form.
func (a AccountNumber) MarshalText() ([]byte, error) { return []byte(a.Masked()), nil }

// Secret is a value that is never shown at all: a CVV, a cryptogram, a
// single-use card token, an API key or a client secret. It prints as
// "[REDACTED]" (or "" when empty, so that an unset secret is visible as
// unset).
//
// Secret has no UnmarshalText method, so a configuration file's plain JSON
// string decodes into it directly.
type Secret string

const redacted = redact.Redacted

// Reveal returns the raw value.
func (s Secret) Reveal() string { return string(s) }

// String returns "[REDACTED]", or "" for an empty secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString returns a redacted Go-syntax form.
func (s Secret) GoString() string { return `tokenize.Secret("` + s.String() + `")` }

// Format redacts the value for every verb.
func (s Secret) Format(f fmt.State, verb rune) { formatMasked(f, verb, s.String()) }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText implements encoding.TextMarshaler with the redacted form.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// formatMasked writes the masked form for every verb (%v %+v %#v %s %x
// %d ...): the raw value is never formatted.
func formatMasked(f fmt.State, verb rune, masked string) { redact.Format(f, verb, masked) }

func allDigits(s string) bool { return redact.AllDigits(s) }
