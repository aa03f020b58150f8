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
