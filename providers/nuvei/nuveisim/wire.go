package nuveisim

import (
	"net/http"

	"github.com/tokenize-go/tokenize/internal/simkit"
)

// --- requests ----------------------------------------------------------

// envelope is what every POST body carries. Pointers tell a missing field
// (answered "must not be null") from an empty one.
type envelope struct {
	ProcessingEntityID string            `json:"processingEntityId"`
	PaymentOption      *reqPaymentOption `json:"paymentOption"`
}

func (e *envelope) base() *envelope { return e }

type reqPaymentOption struct {
	Card                     *reqCard `json:"card"`
	AlternativePaymentMethod *struct {
		Name *string        `json:"name"`
		Data map[string]any `json:"data"`
	} `json:"alternativePaymentMethod"`
	TemporaryPaymentToken *struct {
		PaymentTokenID *string `json:"paymentTokenId"`
	} `json:"temporaryPaymentToken"`
	PaymentToken *struct {
		PaymentTokenID  *string `json:"paymentTokenId"`
		Type            *string `json:"type"`
		TransactionType *string `json:"transactionType"`
	} `json:"paymentToken"`
}

type reqCard struct {
	CardHolderName  *string `json:"cardHolderName"`
	CardNumber      *string `json:"cardNumber"`
	ExpirationMonth *string `json:"expirationMonth"`
	ExpirationYear  *string `json:"expirationYear"`
	CVV             *string `json:"cvv"`
}

// createRequest is POST /payment-tokens.
type createRequest struct {
	envelope
	MerchantReference *string `json:"merchantReference"`
	BuyerID           *string `json:"buyerId"`
	UsageIntent       *string `json:"usageIntent"`
}

// tempRequest is POST /temporary-payment-tokens.
type tempRequest struct {
	envelope
}

// provisionRequest is POST /network-tokens.
type provisionRequest struct {
	envelope
	MerchantReference *string `json:"merchantReference"`
}

// cryptogramRequest is POST /network-tokens/cryptograms.
type cryptogramRequest struct {
	envelope
	Type            *string `json:"type"`
	TransactionType *string `json:"transactionType"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// --- answers -----------------------------------------------------------

type result struct {
	Status string     `json:"status"`
	Errors *errorBody `json:"errors,omitempty"`
}

type errorBody struct {
	Code   string `json:"code,omitempty"`
	Reason string `json:"reason"`
}

var okResult = result{Status: "success"}

func writeJSON(w http.ResponseWriter, status int, v any) {
	simkit.WriteJSON(w, status, "application/json", v)
}

func last4(s string) string {
	if len(s) < 4 {
		return s
	}
	return s[len(s)-4:]
}

// minBINNumber is the shortest number whose BIN the simulator reports: below
// a card number's 12 digits, BIN and last four would show it all.
const minBINNumber = 12

// maskedCard is the card object of a response: "4***1111" and the BIN, as
// seed 001 shows. Numbers too short to mask (a temporary token stored with
// CreateTemporaryToken is not validated) show neither.
func maskedCard(c *cardData) map[string]any {
	_, name := brand(c.number)
	masked, bin := "***", ""
	if len(c.number) > 4 {
		masked = c.number[:1] + "***" + last4(c.number)
	}
	if len(c.number) >= minBINNumber {
		bin = c.number[:6]
	}
	m := map[string]any{
		"maskedCardNumber": masked,
		"expirationMonth":  c.month,
		"expirationYear":   c.year,
		"cardType":         "Credit",
	}
	if bin != "" {
		m["bin"] = bin
	}
	if cardBrands[name] {
		m["cardBrand"] = name
	}
	if c.holder != "" {
		m["cardHolderName"] = c.holder
	}
	for k, v := range cardDetails(c.number) {
		m[k] = v
	}
	return m
}

// wire is the paymentToken object of a response. Create answers the
// fields seed 001 shows; get adds the ones seed 003 shows.
func (t *paymentToken) wire(full bool) map[string]any {
	m := map[string]any{"paymentTokenId": t.id}
	if t.card != nil {
		ccc, _ := brand(t.card.number)
		m["cccId"] = ccc
		m["paymentOption"] = map[string]any{"card": maskedCard(t.card)}
	} else {
		m["cccId"] = 573 // seed 001, "ACH Payment Token"
		data := map[string]string{}
		for k, v := range t.apmData {
			data[k] = v
		}
		m["paymentOption"] = map[string]any{"alternativePaymentMethod": map[string]any{"name": t.apmName, "data": data}}
	}
	if full {
		m["processingEntityId"] = t.processingEntityID
		for k, v := range map[string]string{"buyerId": t.buyerID, "merchantReference": t.merchRef, "usageIntent": t.usageIntent} {
			if v != "" {
				m[k] = v
			}
		}
	}
	return m
}

// wire is a network-token response: the provisioning/get shape, or with a
// cryptogram the shape of seed 000.
func (nt *networkToken) wire(cryptogram string) map[string]any {
	tok := map[string]any{
		"paymentTokenId": nt.paymentTokenID,
		"tokenStatus":    nt.status,
	}
	if nt.number != "" {
		tok["tokenNumber"] = nt.number
		tok["expirationMonth"] = nt.month
		tok["expirationYear"] = nt.year
		tok["tokenUniqueReference"] = nt.tur
		tok["paymentAccountReference"] = nt.par
		tok["tokenAssuranceLevel"] = "3"
	}
	if nt.merchRef != "" {
		tok["merchantReference"] = nt.merchRef
	}
	out := map[string]any{"paymentOption": map[string]any{"networkToken": tok}, "result": okResult}
	if cryptogram != "" {
		tok["cryptogram"] = cryptogram
		return out
	}
	card := map[string]any{"last4Digits": last4(nt.card.number), "expirationMonth": nt.card.month, "expirationYear": nt.card.year}
	if nt.cardUpdated {
		// The account updater's fields, present once it changed the card.
		card["cardUpdated"], card["updateReason"], card["updateDate"] = true, nt.updateReason, nt.updated.Format(updateDateLayout)
	}
	tok["card"] = card
	if nt.trid != "" {
		out["tokenRequestorId"] = nt.trid
	}
	return out
}
