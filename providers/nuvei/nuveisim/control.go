package nuveisim

import (
	"fmt"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/simkit"
)

// controller is the simulator's part of the control API (see
// simkit.MountControl): the token changes only it knows how to make.
type controller struct{ s *Simulator }

var _ simkit.Controller = controller{}

// UpdateNetworkToken changes a network token's tokenStatus, as
// SetNetworkTokenState does; GET /payment-tokens and the cryptogram
// endpoint then answer accordingly.
func (c controller) UpdateNetworkToken(id string, u simkit.TokenUpdate) error {
	if u != (simkit.TokenUpdate{State: u.State}) {
		return fmt.Errorf("nuveisim: only the state of a network token can be changed: %w", simkit.ErrInvalid)
	}
	st, err := tokenize.ParseNetworkTokenState(u.State)
	if err != nil {
		return fmt.Errorf("nuveisim: state %q: %w", u.State, simkit.ErrInvalid)
	}
	return c.s.SetNetworkTokenState(id, st)
}

// Reset forgets every payment token, temporary token and network token.
func (c controller) Reset() { c.s.store.reset() }

// reset empties the store.
func (st *store) reset() {
	fresh := newStore()
	st.mu.Lock()
	defer st.mu.Unlock()
	st.tokens, st.temps, st.networks = fresh.tokens, fresh.temps, fresh.networks
}
