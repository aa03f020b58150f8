package worldpaysim

import (
	"net/http"
	"strings"

	"github.com/tokenize-go/tokenize/internal/simkit"
)

// MediaType is the versioned HAL media type the API takes and answers.
const MediaType = "application/vnd.worldpay.tokens-v3.hal+json"

// answerType is the Content-Type of every answer, as the reference's
// examples show it.
const answerType = MediaType + ";charset=UTF-8"

// correlationHeader carries the id of each request, set on every answer
// (fault answers included): Access Worldpay's WP-CorrelationId.
const correlationHeader = "WP-CorrelationId"

type expiry struct {
	Month int `json:"month"`
	Year  int `json:"year"`
}

type link struct {
	Href      string `json:"href"`
	Templated bool   `json:"templated,omitempty"`
}

type curie struct {
	Name      string `json:"name"`
	Href      string `json:"href"`
	Templated bool   `json:"templated"`
}

// links builds a _links object: rel/href pairs, then the tokens curie.
func links(base string, rels ...string) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(rels); i += 2 {
		m[rels[i]] = link{Href: base + rels[i+1]}
	}
	m["curies"] = []curie{{Name: "tokens", Href: base + "/rels/tokens/{rel}.json", Templated: true}}
	return m
}

// linkBase is where links point (simkit.LinkBase): the adapter follows
// them, so they must reach this simulator.
var linkBase = simkit.LinkBase

// tokenJSON is a token as POST /tokens and GET /tokens/{id} answer it.
func tokenJSON(t *token, base string) map[string]any {
	n := t.card.number
	href := base + "/tokens/" + t.id
	pi := map[string]any{
		"type":           "card/masked",
		"cardNumber":     n[:6] + strings.Repeat("*", len(n)-10) + n[len(n)-4:],
		"cardHolderName": t.card.holder,
		"cardExpiryDate": expiry{t.card.month, t.card.year},
		"bin":            n[:6],
		"brand":          brandOf(n),
		"fundingType":    "credit",
		"countryCode":    "GB",
	}
	out := map[string]any{
		"tokenId":                t.tokenID,
		"description":            t.description,
		"tokenExpiryDateTime":    t.expires.UTC().Format("2006-01-02T15:04:05Z"),
		"tokenPaymentInstrument": map[string]string{"type": "card/tokenized", "href": href},
		"paymentInstrument":      pi,
		"_links": links(base, "tokens:token", "/tokens/"+t.id, "tokens:description", "/tokens/"+t.id+"/description",
			"tokens:cardHolderName", "/tokens/"+t.id+"/paymentInstrument/cardHolderName",
			"tokens:cardExpiryDate", "/tokens/"+t.id+"/paymentInstrument/cardExpiryDate"),
	}
	if t.namespace != "" {
		out["namespace"] = t.namespace
	}
	return out
}

// networkTokenJSON is a network token as the provisioning (withRef) and
// the lookup answer it: tokenPaymentInstrument once issued, the
// provisioning errors of a declined one, and the links to go on with —
// the lookup while it is requested, the cryptogram link while it is
// active.
func networkTokenJSON(nt *networkToken, base string, withRef bool) map[string]any {
	n := nt.card.number
	pi := map[string]any{
		"type":           "card/masked",
		"firstSix":       n[:6],
		"lastFour":       n[len(n)-4:],
		"cardExpiryDate": expiry{nt.card.month, nt.card.year},
	}
	if nt.par != "" {
		pi["paymentAccountReference"] = nt.par
	}
	out := map[string]any{"paymentInstrument": pi}
	if withRef {
		out["tokenReference"] = nt.ref
	}
	lookup := "/tokens/network/" + nt.ref
	switch {
	case nt.declined:
		out["provisioningErrors"] = []map[string]string{{
			"errorCode": "cardNotEligible", "providerErrorCode": "CARD_NOT_ELIGIBLE", "source": "VTS",
			"context": "provisioning", "message": "The card is not eligible for network tokenization",
		}}
		out["_links"] = links(base, "self", lookup)
	case nt.number == "":
		self := lookup
		if withRef {
			self = "/tokens/network"
		}
		out["_links"] = links(base, "self", self, "tokens:networkTokenLookup", lookup)
	default:
		out["tokenPaymentInstrument"] = map[string]any{
			"status": nt.status, "type": "card/networkToken", "tokenNumber": nt.number,
			"expiryDate": expiry{nt.month, nt.year},
		}
		rels := []string{"self", lookup}
		if withRef {
			rels = append(rels, "tokens:networkTokenLookup", lookup)
		}
		if nt.status == statusActive {
			rels = append(rels, "tokens:networkTokenCryptogram", "/tokens/network/cryptograms")
		}
		out["_links"] = links(base, rels...)
	}
	return out
}

// writeJSON answers status with v in the API's media type.
func writeJSON(w http.ResponseWriter, status int, v any) {
	simkit.WriteJSON(w, status, answerType, v)
}

// apiError is an Access Worldpay error document with its status.
type apiError struct {
	status           int
	ErrorName        string            `json:"errorName"`
	Message          string            `json:"message"`
	ValidationErrors []validationError `json:"validationErrors,omitempty"`
}

type validationError struct {
	ErrorName string `json:"errorName"`
	Message   string `json:"message"`
	JSONPath  string `json:"jsonPath"`
}

func (e *apiError) Error() string { return e.ErrorName + ": " + e.Message }

// Error names the simulator answers with: the documented ones, and names
// of the Access vocabulary where the Tokens pages show none.
const (
	ErrBodyIsNotJSON         = "bodyIsNotJson"
	ErrBodyDoesNotMatch      = "bodyDoesNotMatchSchema"
	ErrFieldHasInvalidValue  = "fieldHasInvalidValue"
	ErrFieldIsMissing        = "fieldIsMissing"
	ErrAccessDenied          = "accessDenied"
	ErrResourceNotFound      = "resourceNotFound"
	ErrHeaderIsMissing       = "headerIsMissing"
	ErrHeaderHasInvalidValue = "headerHasInvalidValue"
	ErrInternal              = "internalErrorOccurred"
	ErrNetworkTokenNotActive = "networkTokenNotActive"
)

func fail(w http.ResponseWriter, e *apiError) { writeJSON(w, e.status, e) }

func notFound() *apiError {
	return &apiError{status: http.StatusNotFound, ErrorName: ErrResourceNotFound, Message: "Requested resource was not found"}
}

// schema is a 400 bodyDoesNotMatchSchema with one validation error.
func schema(name, path, msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, ErrorName: ErrBodyDoesNotMatch,
		Message:          "The json body provided does not match the expected schema",
		ValidationErrors: []validationError{{ErrorName: name, Message: msg, JSONPath: path}}}
}
