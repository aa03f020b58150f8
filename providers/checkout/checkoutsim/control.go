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
