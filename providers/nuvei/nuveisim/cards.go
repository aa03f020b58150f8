package nuveisim

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/tokenize-go/tokenize/internal/simkit"
)

// Deterministic test cards. All pass the Luhn check.
const (
	// VisaPAN provisions an active Visa (VTS) network token.
	VisaPAN = "4111111111111111"
	// MastercardPAN provisions an active Mastercard (MDES) network token.
	MastercardPAN = "5555555555554444"
	// DeclinedPAN tokenizes, but the scheme declines its network token:
	// provisioning answers 201 with tokenStatus DECLINED and no tokenNumber.
	DeclinedPAN = "4000000000000002"
	// InvalidPAN is refused by validation: HTTP 400, code 5000.1000,
	// "[paymentOption.card.cardNumber] is invalid".
	InvalidPAN = "4000000000000101"
	// ForbiddenPAN is refused for lack of permission: HTTP 403, code
	// 7300.3000 "Authorization error.".
	ForbiddenPAN = "4000000000000069"
	// InternalErrorPAN fails inside Nuvei: HTTP 500, code 7000.1000
	// "Internal Processing Error.".
	InternalErrorPAN = "4000000000000119"
	// RefusedPAN is refused with HTTP 200 and result.status "error", code
	// 5300.1109 "Unable to process this credit card company." (an error of
	// the documented 200-OK group).
	RefusedPAN = "4000000000000127"
)

// TestCards lists the test cards and what each triggers, for tools that
// print them (tokenize sim).
func TestCards() []simkit.TestCard {
	return []simkit.TestCard{
		{Number: VisaPAN, Triggers: "Visa: an active VTS network token"},
		{Number: MastercardPAN, Triggers: "Mastercard: an active MDES network token"},
		{Number: DeclinedPAN, Triggers: "tokenizes; the scheme declines its network token (state declined, no DPAN)"},
		{Number: InvalidPAN, Triggers: "HTTP 400, code " + CodeValidation + ": card number invalid (InvalidArgument)"},
		{Number: ForbiddenPAN, Triggers: "HTTP 403, code " + CodeAuthorization + " (PermissionDenied)"},
		{Number: InternalErrorPAN, Triggers: "HTTP 500, code " + CodeInternal + " (Internal)"},
		{Number: RefusedPAN, Triggers: "HTTP 200 with result.status error, code " + CodeRefused + " (FailedPrecondition)"},
	}
}

// cardOutcome is the error a test card triggers.
func cardOutcome(prefix, pan string) error {
	switch pan {
	case InvalidPAN:
		return invalid("[" + prefix + ".cardNumber] is invalid")
	case ForbiddenPAN:
		return errForbidden
	case InternalErrorPAN:
		return errInternal
	case RefusedPAN:
		return errRefused
	}
	return nil
}

// Token requestor ids the simulator reports (11 digits, as the schemes
// assign them).
const (
	tridVTS  = "40010030273"
	tridMDES = "50110030273"
)

// provisionOutcome sets what the scheme gives a new network token for
// its card: an active VTS or MDES token with a DPAN, or a decline.
func (s *Simulator) provisionOutcome(nt *networkToken) {
	_, name := brand(nt.card.number)
	n := len(nt.card.number)
	switch {
	case nt.card.number == DeclinedPAN:
		nt.status = "DECLINED"
	case name == "VISA":
		nt.status, nt.number, nt.tur, nt.trid = "ACTIVE", s.dpan("489537", n), "DNITHE"+s.rand.HexUpper(26), tridVTS
	case name == "MASTERCARD":
		nt.status, nt.number, nt.tur, nt.trid = "ACTIVE", s.dpan("522185", n), "DM4MMC"+s.rand.HexUpper(26), tridMDES
	default:
		nt.status = "DECLINED" // the simulator tokenizes Visa and Mastercard only
	}
}

// dpan is a random Luhn-valid token number with the given prefix, as long
// as the card's number (16 when that is outside 13 to 19).
func (s *Simulator) dpan(prefix string, n int) string {
	if n < 13 || n > 19 {
		n = 16
	}
	return s.rand.CardNumber(prefix, n, "0123456789")
}

// brand is what the simulator knows of a card number.
func brand(pan string) (ccc int, name string) {
	switch {
	case strings.HasPrefix(pan, "4"):
		return 1, "VISA"
	case strings.HasPrefix(pan, "5") || strings.HasPrefix(pan, "2"):
		return 2, "MASTERCARD"
	case strings.HasPrefix(pan, "34") || strings.HasPrefix(pan, "37"):
		return 3, "AMEX"
	case strings.HasPrefix(pan, "36") || strings.HasPrefix(pan, "30"):
		return 4, "DINERS"
	case strings.HasPrefix(pan, "35"):
		return 5, "JCB"
	case strings.HasPrefix(pan, "6"):
		return 6, "DISCOVER"
	}
	return 0, ""
}

// cardDetails are the card object's descriptive fields of seed 001's
// schema (cardProduct, cardProgram, cardProductType, isPrepaid,
// issuingCountry, isVirtual, isDynamicCurrencyConversionSupported). Nuvei
// documents their names and types but no values: the simulator's are
// plausible ones, the same for every card of a brand.
func cardDetails(pan string) map[string]any {
	product, program := "Standard", "Credit"
	switch _, name := brand(pan); name {
	case "VISA":
		product, program = "Visa Classic", "Visa Credit"
	case "MASTERCARD":
		product, program = "Mastercard Standard", "Mastercard Credit"
	}
	return map[string]any{
		"cardProduct": product, "cardProgram": program, "cardProductType": "Consumer",
		"isPrepaid": false, "issuingCountry": "US", "isVirtual": false, "isDynamicCurrencyConversionSupported": false,
	}
}

// cardBrands is the cardBrand enum of seed 001. The simulator reports no
// other value: JCB and Discover cards are told by cccId alone.
var cardBrands = map[string]bool{"VISA": true, "MASTERCARD": true, "AMEX": true, "DINERS": true}

// par is a stable 29-character payment account reference for a card.
func par(pan string) string {
	sum := sha256.Sum256([]byte("nuveisim-par:" + pan))
	return "V001" + strings.ToUpper(hex.EncodeToString(sum[:]))[:25]
}
