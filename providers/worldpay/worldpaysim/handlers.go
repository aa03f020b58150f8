package worldpaysim

import (
	"encoding/base64"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"
)

// tokenLifetime is how long a Try token lives ("7 days in Try").
const tokenLifetime = 7 * 24 * time.Hour

func (s *Simulator) routes() {
	s.kit.HandleFunc("POST /tokens", s.createToken)
	s.kit.HandleFunc("GET /tokens/{id}", s.getToken)
	s.kit.HandleFunc("DELETE /tokens/{id}", s.deleteToken)
	s.kit.HandleFunc("POST /tokens/network", s.provision)
	s.kit.HandleFunc("GET /tokens/network/{ref}", s.lookup)
	s.kit.HandleFunc("DELETE /tokens/network/{ref}", s.deleteNetworkToken)
	s.kit.HandleFunc("POST /tokens/network/cryptograms", s.cryptogram)
}

// correlationID gives every answer, fault answers included, its
// WP-CorrelationId.
func (s *Simulator) correlationID(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set(correlationHeader, s.rand.UUID())
}

// guard checks what every request needs before any route sees it: Basic
// credentials (401), an Accept naming the versioned media type (406), and
// that media type as the Content-Type of a body (415).
func (s *Simulator) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// r.BasicAuth reads the scheme name in any case, as HTTP allows.
		if user, pass, ok := r.BasicAuth(); !ok || user != s.username || pass != s.password {
			fail(w, &apiError{status: http.StatusUnauthorized, ErrorName: ErrAccessDenied, Message: "Access to the requested resource has been denied"})
			return
		}
		if e := checkMedia(r); e != nil {
			fail(w, e)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// checkMedia is the media-type negotiation: the Accept header selects the
// API version, so one that is missing or does not name it is refused with
// 406; a body in another type is refused with 415. Both carry
// headerHasInvalidValue, as Access Worldpay answers a wrong header
// (docs/worldpay-api.md §1); a body without any Content-Type gets
// headerIsMissing.
func checkMedia(r *http.Request) *apiError {
	if !accepts(r.Header.Get("Accept")) {
		return &apiError{status: http.StatusNotAcceptable, ErrorName: ErrHeaderHasInvalidValue, Message: "Accept header is missing or not supported"}
	}
	if r.Method != http.MethodPost && r.Method != http.MethodPut {
		return nil
	}
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	switch {
	case ct == "":
		return &apiError{status: http.StatusUnsupportedMediaType, ErrorName: ErrHeaderIsMissing, Message: "Content-Type header is missing"}
	case err != nil || !strings.EqualFold(mt, MediaType):
		return &apiError{status: http.StatusUnsupportedMediaType, ErrorName: ErrHeaderHasInvalidValue, Message: "Content-Type header is not supported"}
	}
	return nil
}

// accepts reports whether an Accept header names the media type.
func accepts(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && strings.EqualFold(mt, MediaType) {
			return true
		}
	}
	return false
}

func (s *Simulator) createToken(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Description       string        `json:"description"`
		PaymentInstrument *instrument   `json:"paymentInstrument"`
		Namespace         string        `json:"namespace"`
		Merchant          *merchantJSON `json:"merchant"`
	}
	if e := decode(r, &req); e != nil {
		fail(w, e)
		return
	}
	if req.PaymentInstrument == nil || req.PaymentInstrument.Type != "card/front" {
		fail(w, schema(ErrFieldHasInvalidValue, "$.paymentInstrument", "Couldn't determine type of paymentInstrument"))
		return
	}
	c, e := s.front(req.PaymentInstrument)
	if e == nil {
		e = text(req.Description, maxText, "$.description")
	}
	if e == nil && strings.ContainsAny(req.Description, "&<") {
		e = schema(ErrFieldHasInvalidValue, "$.description", "Description must not contain & or <")
	}
	if e == nil {
		e = text(req.Namespace, maxNamespace, "$.namespace")
	}
	if e == nil {
		e = s.checkMerchant(req.Merchant)
	}
	if e != nil {
		fail(w, e)
		return
	}
	desc := req.Description
	if desc == "" {
		desc = "Token for card ending " + c.number[len(c.number)-4:] // "a default description is created for you"
	}
	t := &token{id: tokenIDOf(s.rand.Bytes(32)), tokenID: "99" + s.rand.From("0123456789", 17), description: desc,
		namespace: req.Namespace, expires: s.now().Add(tokenLifetime), card: c}
	s.store.mu.Lock()
	s.store.tokens[t.id] = t
	s.store.mu.Unlock()
	writeJSON(w, http.StatusCreated, tokenJSON(t, linkBase(r)))
}

// tokenIDOf makes a token id of the documented shape from 32 random
// bytes. The reference's token hrefs end in base64url (unpadded) of a small
// JSON document, {"k":1,"d":"<standard base64>"}: every id starts "eyJ",
// never with '-', though its alphabet includes '-' and '_'.
func tokenIDOf(random []byte) string {
	doc := `{"k":1,"d":"` + base64.StdEncoding.EncodeToString(random) + `"}`
	return base64.RawURLEncoding.EncodeToString([]byte(doc))
}

func (s *Simulator) getToken(w http.ResponseWriter, r *http.Request) {
	s.store.mu.Lock()
	t := s.store.tokens[r.PathValue("id")]
	s.store.mu.Unlock()
	if t == nil {
		fail(w, notFound())
		return
	}
	writeJSON(w, http.StatusOK, tokenJSON(t, linkBase(r)))
}

func (s *Simulator) deleteToken(w http.ResponseWriter, r *http.Request) {
	s.store.mu.Lock()
	_, ok := s.store.tokens[r.PathValue("id")]
	delete(s.store.tokens, r.PathValue("id"))
	s.store.mu.Unlock()
	if !ok {
		fail(w, notFound())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// provision is POST /tokens/network, from card/front or card/tokenized.
func (s *Simulator) provision(w http.ResponseWriter, r *http.Request) {
	var req struct {
		PaymentInstrument *instrument   `json:"paymentInstrument"`
		Merchant          *merchantJSON `json:"merchant"`
	}
	if e := decode(r, &req); e != nil {
		fail(w, e)
		return
	}
	in := req.PaymentInstrument
	var c *card
	var e *apiError
	switch {
	case in == nil:
		e = schema(ErrFieldIsMissing, "$.paymentInstrument", "Payment instrument must be supplied")
	case in.Type == "card/front":
		c, e = s.front(in)
	case in.Type == "card/tokenized":
		if in.CardNumber != nil || in.CardHolderName != nil || in.CardExpiryDate != nil {
			e = schema(ErrFieldHasInvalidValue, "$.paymentInstrument", "Card details can only be supplied with card/front")
			break
		}
		c, e = s.tokenized(in.Href, linkBase(r))
	default:
		e = schema(ErrFieldHasInvalidValue, "$.paymentInstrument", "Couldn't determine type of paymentInstrument")
	}
	if e == nil {
		e = s.checkMerchant(req.Merchant)
	}
	if e != nil {
		fail(w, e)
		return
	}
	nt := &networkToken{ref: s.rand.UUID(), card: c}
	switch {
	case c.number == DeclinedPAN:
		nt.declined = true
	case c.number == PendingPAN:
		nt.pending = true
		if s.pendingFor > 0 {
			nt.pendingUntil = s.now().Add(s.pendingFor)
		}
	default:
		s.issue(nt)
	}
	s.store.mu.Lock()
	s.store.networkTokens[nt.ref] = nt
	s.store.provisioned[c.number]++
	if nt.number != "" {
		s.store.byNumber[nt.number] = nt
	}
	body := networkTokenJSON(nt, linkBase(r), true)
	s.store.mu.Unlock()
	writeJSON(w, http.StatusOK, body)
}

// tokenized resolves the href of a card/tokenized instrument: a token of
// this simulator, by its address.
func (s *Simulator) tokenized(href, base string) (*card, *apiError) {
	prefix := base + "/tokens/"
	id, ok := strings.CutPrefix(href, prefix)
	if href == "" || len(href) > maxHrefBytes || !ok || id == "" || strings.ContainsAny(id, "/?#") {
		return nil, schema(ErrFieldHasInvalidValue, "$.paymentInstrument.href", "Token href is invalid")
	}
	s.store.mu.Lock()
	t := s.store.tokens[id]
	s.store.mu.Unlock()
	if t == nil {
		return nil, notFound()
	}
	cp := *t.card
	return &cp, nil
}

// issue gives nt its token number, expiry and PAR: the scheme issued it.
// Tokens of one card share its PAR.
func (s *Simulator) issue(nt *networkToken) {
	prefix := "489537"
	if !strings.HasPrefix(nt.card.number, "4") {
		prefix = "522222"
	}
	nt.number = s.rand.CardNumber(prefix, 16, "23456789")
	nt.status = statusActive
	nt.month, nt.year = nt.card.month, nt.card.year+3
	nt.par = "5001" + parOf(nt.card.number)
	nt.pending = false
}

// parOf derives a stable 25-character PAR body from a card number.
func parOf(number string) string {
	var h uint64 = 1469598103934665603
	for i := 0; i < len(number); i++ {
		h = (h ^ uint64(number[i])) * 1099511628211
	}
	return strings.ToUpper(fmt.Sprintf("%016X%09X", h, h>>28))[:25]
}

// settle issues a requested token whose time has come. The store is
// locked.
func (s *Simulator) settle(nt *networkToken) {
	if nt.pending && !nt.pendingUntil.IsZero() && !s.now().Before(nt.pendingUntil) {
		s.issue(nt)
		s.store.byNumber[nt.number] = nt
	}
}

// lookup is GET /tokens/network/{ref}, the tokens:networkTokenLookup link.
func (s *Simulator) lookup(w http.ResponseWriter, r *http.Request) {
	s.store.mu.Lock()
	nt := s.store.networkTokens[strings.ToLower(r.PathValue("ref"))]
	var body map[string]any
	if nt != nil {
		s.settle(nt)
		body = networkTokenJSON(nt, linkBase(r), false)
	}
	s.store.mu.Unlock()
	if nt == nil {
		fail(w, notFound())
		return
	}
	writeJSON(w, http.StatusOK, body)
}

func (s *Simulator) deleteNetworkToken(w http.ResponseWriter, r *http.Request) {
	s.store.mu.Lock()
	nt := s.store.networkTokens[strings.ToLower(r.PathValue("ref"))]
	if nt != nil {
		delete(s.store.networkTokens, nt.ref)
		delete(s.store.byNumber, nt.number)
	}
	s.store.mu.Unlock()
	if nt == nil {
		fail(w, notFound())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// cryptogram is POST /tokens/network/cryptograms: a fresh cryptogram for
// an active token, by its token number.
func (s *Simulator) cryptogram(w http.ResponseWriter, r *http.Request) {
	var req struct {
		TokenNumber string `json:"tokenNumber"`
	}
	if e := decode(r, &req); e != nil {
		fail(w, e)
		return
	}
	if req.TokenNumber == "" {
		fail(w, schema(ErrFieldIsMissing, "$.tokenNumber", "Token number must be supplied"))
		return
	}
	s.store.mu.Lock()
	nt := s.store.byNumber[req.TokenNumber]
	status := ""
	if nt != nil {
		status = nt.status
	}
	s.store.mu.Unlock()
	switch {
	case nt == nil:
		fail(w, notFound())
		return
	case status != statusActive:
		fail(w, &apiError{status: http.StatusConflict, ErrorName: ErrNetworkTokenNotActive,
			Message: "The network token is " + strings.ToLower(status)})
		return
	}
	base := linkBase(r)
	m := links(base, "self", "/tokens/network/cryptograms")
	m["tokens:networkTokenLookup"] = link{Href: base + "/tokens/network/{tokenReference}", Templated: true}
	writeJSON(w, http.StatusOK, map[string]any{
		"cryptogramDetails": map[string]string{"cryptogram": base64.StdEncoding.EncodeToString(s.rand.Bytes(20)), "eci": "07"},
		"_links":            m,
	})
}

// brandOf names a card's brand as Worldpay's token answers do.
func brandOf(n string) string {
	switch {
	case strings.HasPrefix(n, "4"):
		return "VISA"
	case n[0] == '5' || n[0] == '2':
		return "MASTERCARD"
	case strings.HasPrefix(n, "34") || strings.HasPrefix(n, "37"):
		return "AMEX"
	}
	return "UNKNOWN"
}
