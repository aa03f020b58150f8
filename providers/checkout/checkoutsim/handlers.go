package checkoutsim

import (
	"net/http"
	"strings"
	"time"
)

// routes mounts the API on the kit.
func (s *Simulator) routes() {
	s.kit.HandleFunc("POST /connect/token", s.connectToken)
	s.kit.HandleFunc("POST /tokens", s.createCardToken)
	s.kit.HandleFunc("POST /instruments", s.createInstrument)
	s.kit.HandleFunc("GET /instruments/{id}", s.getInstrument)
	s.kit.HandleFunc("DELETE /instruments/{id}", s.deleteInstrument)
	s.kit.HandleFunc("POST /network-tokens", s.provision)
	s.kit.HandleFunc("GET /network-tokens/{id}", s.getNetworkToken)
	s.kit.HandleFunc("POST /network-tokens/{id}/cryptograms", s.cryptogram)
	s.kit.HandleFunc("PATCH /network-tokens/{id}/delete", s.deleteNetworkToken)
	// Checkout.com answers an unknown path with an empty 404.
	s.kit.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotFound) })
}

// --- /tokens ----------------------------------------------------------------

func (s *Simulator) createCardToken(w http.ResponseWriter, r *http.Request) {
	if bearer(r) != s.publicKey {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var req struct {
		Type        string `json:"type"`
		Number      string `json:"number"`
		ExpiryMonth int    `json:"expiry_month"`
		ExpiryYear  int    `json:"expiry_year"`
		Name        string `json:"name"`
		CVV         string `json:"cvv"`
	}
	if !decode(w, r, &req) {
		return
	}
	var codes []string
	if req.Type != "card" {
		codes = append(codes, "token_type_invalid")
	}
	codes = append(codes, s.checkCard(req.Number, req.ExpiryMonth, req.ExpiryYear, req.CVV)...)
	if len(codes) > 0 {
		invalid(w, codes...)
		return
	}
	now := s.now().UTC()
	id := s.newID("tok_")
	c := card{number: req.Number, expiryMonth: req.ExpiryMonth, expiryYear: req.ExpiryYear, name: req.Name}
	s.mu.Lock()
	s.cardTokens[id] = &cardToken{card: c, expires: now.Add(cardTokenTTL)}
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{
		"type": "card", "token": id, "expires_on": now.Add(cardTokenTTL).Format(time.RFC3339),
		"expiry_month": c.expiryMonth, "expiry_year": c.expiryYear, "scheme": strings.ToUpper(schemeOf(c.number)),
		"last4": c.number[len(c.number)-4:], "bin": c.number[:6], "card_type": "CREDIT", "card_category": "CONSUMER",
		"issuer_country": "US",
	})
}

// --- /instruments ------------------------------------------------------------

func (s *Simulator) createInstrument(w http.ResponseWriter, r *http.Request) {
	if !s.authorize(w, r, true, ScopeVaultInstruments) {
		return
	}
	var req struct {
		Type           string         `json:"type"`
		Token          string         `json:"token"`
		InstrumentData *achData       `json:"instrument_data"`
		AccountHolder  *accountHolder `json:"account_holder"`
		Customer       *struct {
			ID    string `json:"id"`
			Email string `json:"email"`
		} `json:"customer"`
	}
	if !decode(w, r, &req) {
		return
	}
	in := &instrument{id: s.newID("src_"), created: s.now().UTC(), holder: req.AccountHolder}
	var codes []string
	if c := req.Customer; c != nil {
		codes = checkCustomer(c.ID, c.Email)
		in.customerID, in.email = c.ID, c.Email
		if in.customerID == "" {
			in.customerID = s.newID("cus_")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch req.Type {
	case "token":
		ct := s.cardTokens[req.Token]
		switch {
		case req.Token == "":
			codes = append(codes, "token_required")
		case ct == nil:
			codes = append(codes, "token_invalid")
		case ct.used:
			codes = append(codes, "token_used")
		case !s.now().Before(ct.expires):
			codes = append(codes, "token_expired")
		}
		if len(codes) > 0 {
			invalid(w, codes...)
			return
		}
		ct.used = true
		in.kind, in.card, in.fingerprint = "card", ct.card, fingerprint(ct.number)
	case "ach":
		codes = append(codes, checkACH(req.InstrumentData)...)
		if codes = append(codes, checkACHHolder(req.AccountHolder)...); len(codes) > 0 {
			invalid(w, codes...)
			return
		}
		d := req.InstrumentData
		in.kind, in.ach, in.fingerprint = "ach", *d, fingerprint(d.BankCode+d.AccountNumber)
	default:
		invalid(w, append(codes, "instrument_type_invalid")...)
		return
	}
	s.instruments[in.id] = in
	if in.kind == "ach" {
		writeJSON(w, http.StatusCreated, map[string]any{"type": "ach", "id": in.id, "fingerprint": in.fingerprint})
		return
	}
	writeJSON(w, http.StatusCreated, s.instrumentJSON(in))
}

func (s *Simulator) getInstrument(w http.ResponseWriter, r *http.Request) {
	if !s.authorize(w, r, true, ScopeVaultInstruments) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.instruments[r.PathValue("id")]
	if in == nil {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	writeJSON(w, http.StatusOK, s.instrumentJSON(in))
}

func (s *Simulator) deleteInstrument(w http.ResponseWriter, r *http.Request) {
	if !s.authorize(w, r, true, ScopeVaultInstruments) {
		return
	}
	id := r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.instruments[id] == nil {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	delete(s.instruments, id)
	w.WriteHeader(http.StatusNoContent)
}
