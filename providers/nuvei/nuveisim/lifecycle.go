package nuveisim

import (
	"fmt"
	"strconv"
	"time"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/simkit"
)

// The card.updateReason values the simulator reports after ReissueCard.
// Nuvei documents the field (research notes §3.7) but not its values;
// these name the two account-updater outcomes.
const (
	// UpdateReasonExpiry: the same card number with a new expiry.
	UpdateReasonExpiry = "EXPIRY_UPDATE"
	// UpdateReasonNumber: a new card number (new last four digits).
	UpdateReasonNumber = "PAN_UPDATE"
)

// updateDateLayout is how the simulator writes card.updateDate: Nuvei does
// not document the format, so it uses RFC 3339, the form the adapter reads
// first.
const updateDateLayout = time.RFC3339

// SetNetworkTokenState forces the tokenStatus of the network token id (its
// paymentTokenId), as an issuer or cardholder action would; StateDeleted
// reads back as "DELETED", a token the scheme deleted.
func (s *Simulator) SetNetworkTokenState(id string, st tokenize.NetworkTokenState) error {
	if _, ok := statusByState[st]; !ok {
		return fmt.Errorf("nuveisim: no tokenStatus for state %v: %w", st, simkit.ErrInvalid)
	}
	return s.update(id, simkit.TokenUpdate{State: st.String()})
}

// SetNetworkTokenExpiry gives the token a new expiry, as the scheme does
// when it renews a token; GET /network-tokens shows it.
func (s *Simulator) SetNetworkTokenExpiry(id string, month, year int) error {
	return s.update(id, simkit.TokenUpdate{ExpiryMonth: month, ExpiryYear: year})
}

// ReissueCard records that the issuer replaced the card behind the token,
// as Nuvei's account updater reports it on GET /network-tokens: the new
// expiry, new last four digits when last4 is not empty, and
// card.cardUpdated, updateReason and updateDate. The payment token of the
// same id shows the new card too.
func (s *Simulator) ReissueCard(id, last4 string, month, year int) error {
	if month == 0 && year == 0 {
		return fmt.Errorf("nuveisim: a reissued card has an expiry: %w", simkit.ErrInvalid)
	}
	return s.update(id, simkit.TokenUpdate{CardLast4: last4, CardExpiryMonth: month, CardExpiryYear: year})
}

// update applies u to the network token id as one change. It is what the
// Go API and the control API share.
func (s *Simulator) update(id string, u simkit.TokenUpdate) error {
	if err := u.Check(); err != nil {
		return fmt.Errorf("nuveisim: %w", err)
	}
	status := ""
	if u.State != "" {
		st, err := tokenize.ParseNetworkTokenState(u.State)
		if status = statusByState[st]; err != nil || status == "" {
			return fmt.Errorf("nuveisim: no tokenStatus for state %q: %w", u.State, simkit.ErrInvalid)
		}
	}
	var err error
	found := s.store.withNetwork(id, func(nt *networkToken) {
		if u.ExpiryMonth != 0 && nt.number == "" {
			err = fmt.Errorf("nuveisim: network token %s has no token number to renew: %w", id, simkit.ErrInvalid)
			return
		}
		if status != "" {
			nt.status = status
		}
		if u.ExpiryMonth != 0 {
			nt.month, nt.year = fmt.Sprintf("%02d", u.ExpiryMonth), strconv.Itoa(u.ExpiryYear)
		}
		if u.CardLast4 == "" && u.CardExpiryMonth == 0 {
			return
		}
		c := nt.card // shared with the payment token
		nt.updateReason = UpdateReasonExpiry
		if u.CardLast4 != "" && u.CardLast4 != c.number[len(c.number)-4:] {
			c.number = c.number[:len(c.number)-4] + u.CardLast4
			nt.updateReason = UpdateReasonNumber
		}
		if u.CardExpiryMonth != 0 {
			c.month, c.year = fmt.Sprintf("%02d", u.CardExpiryMonth), strconv.Itoa(u.CardExpiryYear)
		}
		nt.cardUpdated, nt.updated = true, s.now().UTC()
	})
	if !found {
		return fmt.Errorf("nuveisim: network token %s: %w", id, simkit.ErrNotFound)
	}
	return err
}
