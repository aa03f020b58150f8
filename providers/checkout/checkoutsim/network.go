package checkoutsim

import (
	"encoding/base64"
	"net/http"
	"strings"
)

// provision is POST /network-tokens: 201 with a new token, or 200 with the
// live token already provisioned from the same source.
func (s *Simulator) provision(w http.ResponseWriter, r *http.Request) {
	if !s.authorize(w, r, false, ScopeVaultNetworkTokens) {
		return
	}
	var req struct {
		Source *struct {
			Type        string `json:"type"`
			ID          string `json:"id"`
			Number      string `json:"number"`
			ExpiryMonth string `json:"expiry_month"`
			ExpiryYear  string `json:"expiry_year"`
			CVV         string `json:"cvv"`
		} `json:"source"`
	}
	if !decode(w, r, &req) {
		return
	}
	src := req.Source
	if src == nil {
		invalid(w, "payment_source_required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var c card
	var key string
	switch src.Type {
	case "id":
		in := s.instruments[src.ID]
		if code := checkSourceID(src.ID, in); code != "" {
			invalid(w, code)
			return
		}
		c, key = in.card, "src:"+src.ID
	case "card":
		// Expiry values are strings here: "" is missing (0), anything
		// but 1-2 digits for the month or 4 for the year is invalid (-1).
		month, year := stringField(src.ExpiryMonth, 1, 2), stringField(src.ExpiryYear, 4, 4)
		if codes := s.checkCard(src.Number, month, year, src.CVV); len(codes) > 0 {
			invalid(w, codes...)
			return
		}
		c, key = card{number: src.Number, expiryMonth: month, expiryYear: year}, "card:"+src.Number
	case "":
		invalid(w, "source_type_required")
		return
	default:
		invalid(w, "source_invalid")
		return
	}
	if id := s.bySource[key]; id != "" {
		if nt := s.networkTokens[id]; nt != nil && nt.state != "inactive" {
			writeJSON(w, http.StatusOK, s.networkTokenJSON(nt, linkBase(r)))
			return
		}
	}
	now := s.now().UTC()
	vts := strings.HasPrefix(c.number, "4")
	nt := &networkToken{
		id: s.newID("nt_"), state: "active", scheme: "mdes",
		cardLast4: c.number[len(c.number)-4:], cardMonth: c.expiryMonth, cardYear: c.expiryYear,
		par: "5001" + strings.ToUpper(fingerprint("par" + c.number))[:25], trid: "50110030273", cardArt: cardArtID(c.number),
		created: now, modified: now, provisionedFrom: c.number,
	}
	if vts {
		nt.scheme, nt.trid = "vts", "40010030273"
	}
	switch c.number {
	case DeclinedPAN:
		nt.state = "declined"
	case RequestedPAN:
		nt.state = "requested"
	default:
		s.issueDPAN(nt)
	}
	s.networkTokens[nt.id] = nt
	s.bySource[key] = nt.id
	writeJSON(w, http.StatusCreated, s.networkTokenJSON(nt, linkBase(r)))
}

func (s *Simulator) getNetworkToken(w http.ResponseWriter, r *http.Request) {
	s.onNetworkToken(w, r, nil, func(nt *networkToken) { writeJSON(w, http.StatusOK, s.networkTokenJSON(nt, linkBase(r))) })
}

// onNetworkToken is the common part of the calls on /network-tokens/{id}:
// it checks the access token, decodes the body into req (unless nil) and
// runs f on the token with the state locked, answering 404 for an unknown
// token. Each step answers its own failure.
func (s *Simulator) onNetworkToken(w http.ResponseWriter, r *http.Request, req any, f func(*networkToken)) {
	if !s.authorize(w, r, false, ScopeVaultNetworkTokens) {
		return
	}
	if req != nil && !decode(w, r, req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	nt := s.networkTokens[r.PathValue("id")]
	if nt == nil {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	f(nt)
}

func (s *Simulator) cryptogram(w http.ResponseWriter, r *http.Request) {
	var req struct {
		TransactionType string `json:"transaction_type"`
	}
	s.onNetworkToken(w, r, &req, func(nt *networkToken) {
		if code := checkTransactionType(req.TransactionType); code != "" {
			invalid(w, code)
			return
		}
		if nt.state != "active" {
			invalid(w, CodeTokenStateInvalid)
			return
		}
		writeJSON(w, http.StatusCreated, map[string]any{
			"cryptogram": base64.StdEncoding.EncodeToString(s.rand.Bytes(20)),
			"eci":        CryptogramECI,
			"_links": map[string]any{
				"self":          link(linkBase(r) + "/network-tokens/" + nt.id + "/cryptograms"),
				"network-token": link(linkBase(r) + "/network-tokens/" + nt.id),
			},
		})
	})
}

// deleteNetworkToken is PATCH /network-tokens/{id}/delete: the token stays,
// in DeletedState.
func (s *Simulator) deleteNetworkToken(w http.ResponseWriter, r *http.Request) {
	var req struct {
		InitiatedBy string `json:"initiated_by"`
		Reason      string `json:"reason"`
	}
	var event []byte
	s.onNetworkToken(w, r, &req, func(nt *networkToken) {
		if codes := checkDelete(req.InitiatedBy, req.Reason); len(codes) > 0 {
			invalid(w, codes...)
			return
		}
		nt.state = DeletedState.String()
		s.touchLocked(nt)
		event = s.webhookEventLocked(nt)
		w.WriteHeader(http.StatusNoContent)
	})
	if event != nil {
		// The research notes' simulator checklist (§15, item 5): a delete
		// is a state change like any other, and is announced.
		s.webhooks.Send(event)
	}
}
