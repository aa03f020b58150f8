package worldpaysim

import "github.com/tokenize-go/tokenize/internal/simkit"

// controller is the simulator's part of the control API (see
// simkit.MountControl).
type controller struct{ s *Simulator }

var _ simkit.Controller = controller{}

// UpdateNetworkToken changes a network token as the Go API does: its
// status (active issues a requested token), expiry and card.
func (c controller) UpdateNetworkToken(ref string, u simkit.TokenUpdate) error {
	return c.s.update(ref, u)
}

// Reset forgets every token and network token (the Kit restarts a seeded
// simulator's ids).
func (c controller) Reset() { c.s.Reset() }

// Reset forgets every token and network token, as POST /_sim/reset does. A
// long test resets to keep the simulator's memory bounded.
func (s *Simulator) Reset() { s.store.reset() }

// NetworkTokensByCard returns how many network tokens the simulator has
// provisioned from each card number, directly or through a token, since it
// started or was last reset. Nothing documents that POST /tokens/network
// returns an existing token, so every success makes a new one and a count
// above one is a duplicate. It is never served over HTTP.
func (s *Simulator) NetworkTokensByCard() map[string]int {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	out := make(map[string]int, len(s.store.provisioned))
	for k, v := range s.store.provisioned {
		out[k] = v
	}
	return out
}
