package checkoutsim

import (
	"net/http"
)

// customerRequest is an instrument request's customer: an existing one by
// id or email, or a new one (email, name and phone are kept for a new
// customer only, as the API reference says). default makes the instrument
// the customer's default.
type customerRequest struct {
	ID      string `json:"id"`
	Email   string `json:"email"`
	Name    string `json:"name"`
	Phone   *phone `json:"phone"`
	Default bool   `json:"default"`
}

func (s *Simulator) createInstrument(w http.ResponseWriter, r *http.Request) {
	if !s.authorize(w, r, true, ScopeVaultInstruments) {
		return
	}
	var req struct {
		Type           string           `json:"type"`
		Token          string           `json:"token"`
		InstrumentData *achData         `json:"instrument_data"`
		AccountHolder  *accountHolder   `json:"account_holder"`
		Customer       *customerRequest `json:"customer"`
	}
	if !decode(w, r, &req) {
		return
	}
	in := &instrument{id: s.newID("src_"), created: s.now().UTC(), holder: req.AccountHolder}
	var codes []string
	if c := req.Customer; c != nil {
		codes = checkCustomer(c.ID, c.Email)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch req.Type {
	case "token":
		ct := s.cardTokens[req.Token]
		if codes = append(codes, s.checkCardToken(req.Token, ct)...); len(codes) > 0 {
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
	if req.Customer != nil {
		in.customerID = s.linkCustomer(req.Customer, in.id).id
	}
	s.instruments[in.id] = in
	if in.kind == "ach" {
		writeJSON(w, http.StatusCreated, map[string]any{"type": "ach", "id": in.id, "fingerprint": in.fingerprint})
		return
	}
	writeJSON(w, http.StatusCreated, s.instrumentJSON(in))
}

// linkCustomer finds or creates the customer an instrument is stored for;
// s.mu must be held.
func (s *Simulator) linkCustomer(req *customerRequest, instrumentID string) *customer {
	c := s.customers[req.ID]
	if c == nil && req.ID == "" {
		for _, known := range s.customers {
			if known.email == req.Email {
				c = known
				break
			}
		}
	}
	if c == nil {
		c = &customer{id: req.ID, email: req.Email, name: req.Name, phone: req.Phone}
		if c.id == "" {
			c.id = s.newID("cus_")
		}
		s.customers[c.id] = c
	}
	if req.Default || c.defaultInstrument == "" {
		c.defaultInstrument = instrumentID
	}
	return c
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
	in := s.instruments[id]
	if in == nil {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	if c := s.customers[in.customerID]; c != nil && c.defaultInstrument == id {
		c.defaultInstrument = ""
	}
	delete(s.instruments, id)
	w.WriteHeader(http.StatusNoContent)
}
