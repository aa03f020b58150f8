package nuveisim

import (
	"github.com/tokenize-go/tokenize/internal/simkit"
)

// controller is the simulator's part of the control API (see
// simkit.MountControl): the token changes only it knows how to make.
type controller struct{ s *Simulator }

var _ simkit.Controller = controller{}

// UpdateNetworkToken changes a network token as the Go API does: its
// tokenStatus, expiry and card; GET /network-tokens, GET /payment-tokens
// and the cryptogram endpoint then answer accordingly.
func (c controller) UpdateNetworkToken(id string, u simkit.TokenUpdate) error {
	return c.s.update(id, u)
}

// Reset forgets every payment token, temporary token and network token.
func (c controller) Reset() { c.s.store.reset() }

// reset empties the store.
func (st *store) reset() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.held = newHeld()
}

// Reset forgets every payment token, temporary token and network token, as
// POST /_sim/reset does. A long test resets to keep the simulator's memory
// bounded.
func (s *Simulator) Reset() { s.store.reset() }

// NetworkTokensByCard returns how many network tokens the simulator has
// provisioned from each card number since it started or was last reset.
// Nuvei's POST /network-tokens is not idempotent: every success makes a
// new token, so a count above one is a duplicate. Tests count duplicates
// and lost items with it where the tokens are made. It is never served
// over HTTP.
func (s *Simulator) NetworkTokensByCard() map[string]int {
	st := &s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	counts := make(map[string]int, len(st.networks))
	for _, nt := range st.networks {
		counts[nt.provisionedFrom]++
	}
	return counts
}
