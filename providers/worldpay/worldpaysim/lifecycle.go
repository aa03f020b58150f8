package worldpaysim

import (
	"fmt"
	"strings"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/simkit"
)

// statusByState is the tokenPaymentInstrument.status of each state an
// issuer can set.
var statusByState = map[tokenize.NetworkTokenState]string{
	tokenize.StateActive:    statusActive,
	tokenize.StateSuspended: statusSuspended,
	tokenize.StateInactive:  statusInactive,
	tokenize.StateDeleted:   statusDeleted,
}

// SetNetworkTokenState changes the status of the network token ref as an
// issuer or cardholder would (Suspended, Active again, Inactive, Deleted).
// Made active while requested, the token is issued: the scheme finished
// the asynchronous provisioning, and the lookup shows its token number.
func (s *Simulator) SetNetworkTokenState(ref string, st tokenize.NetworkTokenState) error {
	if _, ok := statusByState[st]; !ok {
		return fmt.Errorf("worldpaysim: no status for state %v: %w", st, simkit.ErrInvalid)
	}
	return s.update(ref, simkit.TokenUpdate{State: st.String()})
}

// SetNetworkTokenExpiry gives the token a new expiry, as the scheme does
// when it renews a token.
func (s *Simulator) SetNetworkTokenExpiry(ref string, month, year int) error {
	return s.update(ref, simkit.TokenUpdate{ExpiryMonth: month, ExpiryYear: year})
}

// ReissueCard records that the issuer replaced the card behind the token:
// a new expiry, and new last four digits when last4 is not empty. The
// lookup shows the new card.
func (s *Simulator) ReissueCard(ref, last4 string, month, year int) error {
	if month == 0 && year == 0 {
		return fmt.Errorf("worldpaysim: a reissued card has an expiry: %w", simkit.ErrInvalid)
	}
	return s.update(ref, simkit.TokenUpdate{CardLast4: last4, CardExpiryMonth: month, CardExpiryYear: year})
}

// update applies u to the network token ref as one change: what the Go API
// and the control API share.
func (s *Simulator) update(ref string, u simkit.TokenUpdate) error {
	if err := u.Check(); err != nil {
		return fmt.Errorf("worldpaysim: %w", err)
	}
	status := ""
	if u.State != "" {
		st, err := tokenize.ParseNetworkTokenState(u.State)
		if status = statusByState[st]; err != nil || status == "" {
			return fmt.Errorf("worldpaysim: no status for state %q: %w", u.State, simkit.ErrInvalid)
		}
	}
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	nt := s.store.networkTokens[strings.ToLower(ref)]
	if nt == nil {
		return fmt.Errorf("worldpaysim: network token %s: %w", ref, simkit.ErrNotFound)
	}
	s.settle(nt)
	switch {
	case nt.declined:
		return fmt.Errorf("worldpaysim: network token %s was declined: %w", ref, simkit.ErrInvalid)
	case nt.pending && status != statusActive:
		return fmt.Errorf("worldpaysim: network token %s is still requested; make it active first: %w", ref, simkit.ErrInvalid)
	case nt.pending:
		s.issue(nt)
		s.store.byNumber[nt.number] = nt
	case status != "":
		nt.status = status
	}
	if u.ExpiryMonth != 0 {
		nt.month, nt.year = u.ExpiryMonth, u.ExpiryYear
	}
	if u.CardLast4 != "" || u.CardExpiryMonth != 0 {
		c := *nt.card // the token's copy: the Worldpay token keeps its own
		if u.CardLast4 != "" {
			c.number = c.number[:len(c.number)-4] + u.CardLast4
		}
		if u.CardExpiryMonth != 0 {
			c.month, c.year = u.CardExpiryMonth, u.CardExpiryYear
		}
		nt.card = &c
	}
	return nil
}
