// Package redact masks card numbers. It is the one implementation behind
// the root package's PAN formatting and error scrubbing and the adapters'
// scrubbing of provider-supplied text, so that every layer agrees on what
// a card number looks like and how it is shown. Format is the one fmt
// method of the types that must never print their own fields.
package redact

import (
	"fmt"
	"io"
	"strings"
)

// Redacted replaces a value that must not be shown at all.
const Redacted = "[REDACTED]"

// MinCardDigits is the shortest digit run treated as a possible card
// number: the shortest PAN the schemes issue.
const MinCardDigits = 12

// PAN masks a card number: the first six and last four digits stay for
// numbers of 16 digits or more, only the last four for shorter ones, and a
// value that is not all digits (or is shorter than four) is Redacted.
func PAN(s string) string {
	if s == "" {
		return ""
	}
	if !AllDigits(s) || len(s) < 4 {
		return Redacted
	}
	if len(s) < 16 {
		return strings.Repeat("*", len(s)-4) + s[len(s)-4:]
	}
	return s[:6] + strings.Repeat("*", len(s)-10) + s[len(s)-4:]
}

// MaxCardDigits is the longest PAN the schemes issue.
const MaxCardDigits = 19

// CardNumbers masks, with PAN, every run of at least MinCardDigits digits
// in s, counting digits grouped by one or two spaces or hyphens
// ("4111 1111 1111 1111") as one run. Shorter numbers, such as dates,
// amounts and codes, are left alone. A run longer than MaxCardDigits, or
// one whose last group has fewer than four digits, may be a card number
// followed by a CVV or an expiry ("4111 1111 1111 1111 123"): its last
// digits would show them, so it is masked whole. It returns s itself when
// nothing is masked.
func CardNumbers(s string) string {
	var out []byte // nil until something is masked
	copied := 0    // s[:copied] is in out
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		var digits []byte
		group := 0 // digits since the last separator
		j := i
	scan:
		for j < len(s) {
			switch {
			case isDigit(s[j]):
				digits = append(digits, s[j])
				group++
			case isSep(s[j]) && j+1 < len(s) && isDigit(s[j+1]):
				group = 0
			case isSep(s[j]) && j+2 < len(s) && isSep(s[j+1]) && isDigit(s[j+2]):
				// Two separators ("4111  1111") still join groups: a
				// doubled space must not split a card number in two.
				group = 0
				j++
			default:
				break scan
			}
			j++
		}
		if len(digits) >= MinCardDigits {
			out = append(out, s[copied:i]...)
			if len(digits) > MaxCardDigits || group < 4 {
				out = append(out, strings.Repeat("*", len(digits))...)
			} else {
				out = append(out, PAN(string(digits))...)
			}
			copied = j
		}
		i = j
	}
	if out == nil {
		return s
	}
	return string(append(out, s[copied:]...))
}

// AllDigits reports whether s is non-empty and only ASCII digits.
func AllDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// isSep reports a separator people write between card-number groups.
func isSep(b byte) bool { return b == ' ' || b == '-' }

// Format writes safe, the text a value shows instead of itself, for any fmt
// verb: quoted for %q, as is otherwise. It is the Format method of every
// type whose default formatting could reveal a sensitive value: with it,
// no verb, flag or width reaches the raw fields.
func Format(f fmt.State, verb rune, safe string) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", safe)
		return
	}
	_, _ = io.WriteString(f, safe)
}
