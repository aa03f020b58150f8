package checkoutsim

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/tokenize-go/tokenize/internal/simkit"
)

// Test cards (valid Luhn). Any other valid card behaves like the one of
// its brand. Each has the issuer and product data Checkout.com's BIN
// lookup returns for a card (profileOf).
const (
	// VisaPAN provisions an active VTS network token. It is the card every
	// official SDK's tests use, with the issuer data of their fixtures.
	VisaPAN = "4242424242424242"
	// MastercardPAN provisions an active MDES network token.
	MastercardPAN = "5436031030606378"
	// DeclinedPAN is a Visa card whose network token provisioning the
	// scheme declines: the token is created in state declined.
	DeclinedPAN = "4000000000000002"
	// RequestedPAN is a Mastercard card whose network token the scheme
	// has not issued when provisioning answers: the token is created in
	// state requested, without a DPAN, and becomes active (with its DPAN)
	// when SetNetworkTokenState or the control API activates it, as the
	// scheme would.
	RequestedPAN = "5454545454545454"
	// ClassicVisaPAN is the API reference's POST /tokens example card: a
	// Visa Classic credit card of "Test Bank" (US).
	ClassicVisaPAN = "4543474002249996"
	// DebitPAN is a Visa debit card of a US issuer under debit interchange
	// regulation: regulated_indicator true.
	DebitPAN = "4658584090000001"
	// WalletPAN is a Visa card co-badged Cartes Bancaires, issued in France
	// and stored from a Google Pay token: scheme_local cartes_bancaires,
	// card_wallet_type googlepay.
	WalletPAN = "4000000000000036"
)

// TestCards lists the test cards and what each triggers, for tools that
// print them (tokenize sim).
func TestCards() []simkit.TestCard {
	return []simkit.TestCard{
		{Number: VisaPAN, Triggers: "Visa: an active VTS network token"},
		{Number: MastercardPAN, Triggers: "Mastercard: an active MDES network token"},
		{Number: DeclinedPAN, Triggers: "tokenizes; the scheme declines its network token (state declined, no DPAN)"},
		{Number: RequestedPAN, Triggers: "Mastercard: the network token is requested (no DPAN) until activated through the control API"},
		{Number: ClassicVisaPAN, Triggers: "Visa Classic of Test Bank (US): the API reference's example card"},
		{Number: DebitPAN, Triggers: "Visa debit under US debit regulation: regulated_indicator true"},
		{Number: WalletPAN, Triggers: "Visa co-badged Cartes Bancaires (FR) stored from Google Pay: scheme_local, card_wallet_type"},
	}
}

// cardProfile is what Checkout.com says of a card besides its number and
// expiry: scheme, issuer and product (the fields of the official SDKs'
// CardTokenResponse and GetCardInstrumentResponse).
type cardProfile struct {
	scheme, schemeLocal    string
	cardType, cardCategory string // as /instruments spells them ("Credit"; /tokens upper-cases)
	issuer, issuerCountry  string
	productID, productType string
	walletType             string
	regulated              bool
}

// profiles holds the test cards' profiles; other cards get their brand's.
var profiles = map[string]cardProfile{
	// The issuer data of the official SDKs' fixtures for this card.
	VisaPAN:        {scheme: "Visa", cardType: "Credit", cardCategory: "Consumer", issuer: "JPMORGAN CHASE BANK NA", issuerCountry: "US", productID: "A", productType: "Visa Traditional"},
	MastercardPAN:  {scheme: "Mastercard", cardType: "Credit", cardCategory: "Consumer", issuer: "Test Bank", issuerCountry: "US", productID: "MCS", productType: "Standard"},
	DeclinedPAN:    {scheme: "Visa", cardType: "Credit", cardCategory: "Consumer", issuer: "Test Bank", issuerCountry: "US", productID: "F", productType: "Visa Classic"},
	ClassicVisaPAN: {scheme: "Visa", cardType: "Credit", cardCategory: "Consumer", issuer: "Test Bank", issuerCountry: "US", productID: "F", productType: "CLASSIC"},
	DebitPAN:       {scheme: "Visa", cardType: "Debit", cardCategory: "Consumer", issuer: "Test Bank", issuerCountry: "US", productID: "F", productType: "Visa Classic", regulated: true},
	WalletPAN: {scheme: "Visa", schemeLocal: "cartes_bancaires", cardType: "Debit", cardCategory: "Consumer", issuer: "Test Bank", issuerCountry: "FR",
		productID: "F", productType: "Visa Classic", walletType: "googlepay"},
}

// profileOf returns what the simulator's BIN table says of number.
func profileOf(number string) cardProfile {
	if p, ok := profiles[number]; ok {
		return p
	}
	p := cardProfile{scheme: schemeOf(number), cardType: "Credit", cardCategory: "Consumer", issuer: "Test Bank", issuerCountry: "US"}
	switch p.scheme {
	case "Visa":
		p.productID, p.productType = "F", "Visa Classic"
	case "Mastercard":
		p.productID, p.productType = "MCS", "Standard"
	}
	return p
}

// schemeOf names a card's scheme by its leading digits.
func schemeOf(number string) string {
	has := func(prefixes ...string) bool {
		for _, p := range prefixes {
			if strings.HasPrefix(number, p) {
				return true
			}
		}
		return false
	}
	switch {
	case has("4"):
		return "Visa"
	case has("34", "37"):
		return "American Express"
	case has("36", "30", "38"):
		return "Diners Club International"
	case has("35"):
		return "JCB"
	case has("6011", "64", "65"):
		return "Discover"
	}
	return "Mastercard"
}

// cardArtID names the card art of a card's product: 32 hex digits, stable
// per BIN, scheme and product (the shape of the official Node SDK's
// fixture), so cards of one product share their art.
func cardArtID(number string) string {
	p := profileOf(number)
	sum := sha256.Sum256([]byte("checkoutsim-card-art:" + number[:6] + p.scheme + p.productType))
	return hex.EncodeToString(sum[:16])
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
