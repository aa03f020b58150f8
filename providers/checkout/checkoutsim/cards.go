package checkoutsim

import (
	"strings"

	"github.com/tokenize-go/tokenize/internal/simkit"
)

// Test cards (valid Luhn). Any other valid card behaves like the one of
// its brand.
const (
	// VisaPAN provisions an active VTS network token.
	VisaPAN = "4242424242424242"
	// MastercardPAN provisions an active MDES network token.
	MastercardPAN = "5436031030606378"
	// DeclinedPAN is a Visa card whose network token provisioning the
	// scheme declines: the token is created in state declined.
	DeclinedPAN = "4000000000000002"
)

func schemeOf(number string) string {
	if strings.HasPrefix(number, "4") {
		return "Visa"
	}
	return "Mastercard"
}

// fingerprint is a stable opaque id of a card number (FNV-1a, base32).
func fingerprint(s string) string {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	var b [26]byte
	for i := range b {
		b[i] = simkit.Base32Alphabet[h%32]
		h = h*6364136223846793005 + 1442695040888963407
	}
	return string(b[:])
}

// dpan returns a random Luhn-valid 16-digit token number in a token BIN
// range of the scheme. Its random digits are 2-7 only, like the base32
// ids: a test CVV made of other digits can then never match a DPAN's
// visible last four.
func (s *Simulator) dpan(vts bool) string {
	prefix := "489537"
	if !vts {
		prefix = "520473"
	}
	return s.rand.CardNumber(prefix, 16, "234567")
}
