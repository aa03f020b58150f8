package checkoutsim

import (
	"strings"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/simkit"
)

// controller is the simulator's part of the control API (see
// simkit.MountControl): the token changes only it knows how to make.
type controller struct{ s *Simulator }

var _ simkit.WebhookSender = controller{}

// Webhooks returns the sender of network_token_update events, which the
// control API lets a test point at its receiver.
func (c controller) Webhooks() *simkit.Webhooks { return c.s.webhooks }

// SetWebhookKey changes the key later events are signed with.
func (c controller) SetWebhookKey(key string) { c.s.SetWebhookKey(key) }

var _ simkit.Controller = controller{}

// UpdateNetworkToken changes a network token as the Go API does (state,
// token expiry, card details, all in one change that sends one
// network_token_update); "deleted" reads as DeletedState, what a delete
// through the API leaves.
func (c controller) UpdateNetworkToken(id string, u simkit.TokenUpdate) error {
	if strings.EqualFold(u.State, tokenize.StateDeleted.String()) {
		u.State = DeletedState.String()
	}
	return c.s.update(id, u)
}

// Reset forgets every access token, card token, instrument and network
// token: clients holding an access token get 401 and request a new one.
func (c controller) Reset() { c.s.store.reset() }

// reset empties the store.
func (st *store) reset() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.held = newHeld()
}

// Reset forgets every access token, card token, instrument and network
// token, as POST /_sim/reset does: clients holding an access token get 401
// and request a new one. A long test resets to keep the simulator's memory
// bounded.
func (s *Simulator) Reset() { s.store.reset() }

// NetworkTokensByCard returns how many network tokens the simulator has
// provisioned from each card number (given as a card or through an
// instrument) since it started or was last reset: a 201, not the 200 that
// returns a token already provisioned. Tests count duplicates and lost
// items with it where the tokens are made. It is never served over HTTP.
func (s *Simulator) NetworkTokensByCard() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	counts := make(map[string]int, len(s.networkTokens))
	for _, nt := range s.networkTokens {
		counts[nt.provisionedFrom]++
	}
	return counts
}
