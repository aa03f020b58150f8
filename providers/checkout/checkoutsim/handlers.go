package checkoutsim

import (
	"net/http"
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
		Type           string   `json:"type"`
		Number         string   `json:"number"`
		ExpiryMonth    int      `json:"expiry_month"`
		ExpiryYear     int      `json:"expiry_year"`
		Name           string   `json:"name"`
		CVV            string   `json:"cvv"`
		BillingAddress *address `json:"billing_address"`
		Phone          *phone   `json:"phone"`
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
	c := card{number: req.Number, expiryMonth: req.ExpiryMonth, expiryYear: req.ExpiryYear, name: req.Name,
		billing: req.BillingAddress, phone: req.Phone}
	s.mu.Lock()
	s.cardTokens[id] = &cardToken{card: c, expires: now.Add(cardTokenTTL)}
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, cardTokenJSON(id, now.Add(cardTokenTTL), c))
}
