package checkoutsim

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tokenize-go/tokenize/internal/simkit"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	simkit.WriteJSON(w, status, "application/json; charset=utf-8", v)
}

// writeError sends Checkout's error envelope.
func writeError(w http.ResponseWriter, status int, errorType string, codes ...string) {
	body := map[string]any{"request_id": w.Header().Get("Cko-Request-Id"), "error_type": errorType}
	if len(codes) > 0 {
		body["error_codes"] = codes
	}
	writeJSON(w, status, body)
}

func invalid(w http.ResponseWriter, codes ...string) {
	writeError(w, http.StatusUnprocessableEntity, "request_invalid", codes...)
}

// isJSON reports a JSON request body (415 otherwise).
func isJSON(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// decode reads a JSON body, answering 415 or 422 itself on failure.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if !isJSON(r) {
		w.WriteHeader(http.StatusUnsupportedMediaType)
		return false
	}
	if err := simkit.DecodeJSON(r, v); err != nil {
		invalid(w, "request_json_invalid")
		return false
	}
	return true
}

// accountHolder is an instrument's account_holder: the fields the API
// reference shows for instruments (first_name, last_name, billing_address,
// phone) and the type and company_name of the official SDKs' AccountHolder.
// The simulator stores it as sent and returns it on GET.
type accountHolder struct {
	Type           string   `json:"type,omitempty"`
	FirstName      string   `json:"first_name,omitempty"`
	LastName       string   `json:"last_name,omitempty"`
	CompanyName    string   `json:"company_name,omitempty"`
	BillingAddress *address `json:"billing_address,omitempty"`
	Phone          *phone   `json:"phone,omitempty"`
}

// address is a billing address.
type address struct {
	AddressLine1 string `json:"address_line1,omitempty"`
	AddressLine2 string `json:"address_line2,omitempty"`
	City         string `json:"city,omitempty"`
	State        string `json:"state,omitempty"`
	Zip          string `json:"zip,omitempty"`
	Country      string `json:"country,omitempty"`
}

// phone is a phone number.
type phone struct {
	CountryCode string `json:"country_code,omitempty"`
	Number      string `json:"number,omitempty"`
}

// achData is an ACH instrument's instrument_data.
type achData struct {
	AccountType   string `json:"account_type"`
	AccountNumber string `json:"account_number"`
	BankCode      string `json:"bank_code"`
	Currency      string `json:"currency"`
	Country       string `json:"country"`
}

// cardTokenJSON renders the 201 answer of POST /tokens: the card with its
// issuer data, and the name, billing address and phone it was sent with.
// /tokens spells scheme, card type and category in capitals (the API
// reference's example).
func cardTokenJSON(id string, expires time.Time, c card) map[string]any {
	p := profileOf(c.number)
	m := map[string]any{
		"type": "card", "token": id, "expires_on": expires.Format(time.RFC3339),
		"expiry_month": c.expiryMonth, "expiry_year": c.expiryYear, "scheme": strings.ToUpper(p.scheme),
		"last4": c.number[len(c.number)-4:], "bin": c.number[:6],
		"card_type": strings.ToUpper(p.cardType), "card_category": strings.ToUpper(p.cardCategory),
		"issuer": p.issuer, "issuer_country": p.issuerCountry, "product_id": p.productID, "product_type": p.productType,
	}
	if p.schemeLocal != "" {
		m["scheme_local"] = p.schemeLocal
	}
	if c.name != "" {
		m["name"] = c.name
	}
	if c.billing != nil {
		m["billing_address"] = c.billing
	}
	if c.phone != nil {
		m["phone"] = c.phone
	}
	return m
}

// customerJSON renders an instrument's customer; s.mu must be held.
func (s *Simulator) customerJSON(in *instrument) map[string]any {
	c := s.customers[in.customerID]
	if c == nil {
		return map[string]any{"id": in.customerID}
	}
	m := map[string]any{"id": c.id, "default": c.defaultInstrument == in.id}
	if c.email != "" {
		m["email"] = c.email
	}
	if c.name != "" {
		m["name"] = c.name
	}
	if c.phone != nil {
		m["phone"] = c.phone
	}
	return m
}

// instrumentJSON renders an instrument; s.mu must be held.
func (s *Simulator) instrumentJSON(in *instrument) map[string]any {
	m := map[string]any{"type": in.kind, "id": in.id, "fingerprint": in.fingerprint}
	if in.customerID != "" {
		m["customer"] = s.customerJSON(in)
	}
	if in.holder != nil {
		m["account_holder"] = in.holder
	}
	if in.kind == "ach" {
		n := in.ach.AccountNumber
		m["instrument_data"] = map[string]any{
			"account_type": in.ach.AccountType, "account_number": strings.Repeat("*", len(n)-4) + n[len(n)-4:],
			"bank_code": in.ach.BankCode, "currency": in.ach.Currency, "country": in.ach.Country,
		}
		m["created_on"] = in.created.Format(time.RFC3339Nano)
		m["modified_on"] = in.created.Format(time.RFC3339Nano)
		return m
	}
	c, p := in.card, profileOf(in.card.number)
	m["expiry_month"], m["expiry_year"] = c.expiryMonth, c.expiryYear
	m["scheme"], m["last4"], m["bin"] = p.scheme, c.number[len(c.number)-4:], c.number[:6]
	m["card_type"], m["card_category"] = p.cardType, p.cardCategory
	m["issuer"], m["issuer_country"], m["product_id"], m["product_type"] = p.issuer, p.issuerCountry, p.productID, p.productType
	m["regulated_indicator"] = p.regulated
	if p.schemeLocal != "" {
		m["scheme_local"] = p.schemeLocal
	}
	if p.walletType != "" {
		m["card_wallet_type"] = p.walletType
	}
	if c.name != "" {
		m["name"] = c.name
	}
	if ntID := s.bySource["src:"+in.id]; ntID != "" {
		if nt := s.networkTokens[ntID]; nt != nil {
			m["network_token"] = map[string]any{"id": nt.id, "state": nt.state}
		}
	}
	return m
}

// linkBase is where _links point (simkit.LinkBase): the official SDKs
// only read links; a client that follows one reaches this simulator.
var linkBase = simkit.LinkBase

// cardArtBase is the host of network tokens' card-art links, as the
// official Node SDK's fixtures show it: card art is served apart from the
// API, so the simulator names an image there it does not serve.
const cardArtBase = "https://card-art.checkout.com/"

func link(href string) map[string]string { return map[string]string{"href": href} }

// networkTokenJSON renders the seed 002 shape, links absolute on base;
// expiry values are strings.
func (s *Simulator) networkTokenJSON(nt *networkToken, base string) map[string]any {
	t := map[string]any{
		"id": nt.id, "state": nt.state, "type": nt.scheme,
		"payment_account_reference": nt.par,
		"created_on":                nt.created.Format("2006-01-02T15:04:05.000-07:00"),
		"modified_on":               nt.modified.Format("2006-01-02T15:04:05.000-07:00"),
	}
	if hasDPAN(nt.state) {
		t["number"] = nt.dpan
		t["expiry_month"], t["expiry_year"] = strconv.Itoa(nt.expMonth), strconv.Itoa(nt.expYear)
	}
	m := map[string]any{
		"card": map[string]any{
			"last4": nt.cardLast4, "expiry_month": strconv.Itoa(nt.cardMonth), "expiry_year": strconv.Itoa(nt.cardYear),
		},
		"network_token":      t,
		"token_requestor_id": nt.trid,
		"_links": map[string]any{
			"self":       link(base + "/network-tokens/" + nt.id),
			"cryptogram": link(base + "/network-tokens/" + nt.id + "/cryptograms"),
			"card-art":   link(cardArtBase + nt.cardArt),
		},
	}
	if nt.tokenSchemeID != "" {
		m["token_scheme_id"] = nt.tokenSchemeID
	}
	return m
}
