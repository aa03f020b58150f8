package checkoutsim

import (
	"encoding/json"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/simkit"
)

// Server is a Checkout.com Simulator on a loopback port, serving the API
// and the OAuth token endpoint on one host. It satisfies the conformance
// suite's Simulator interface.
type Server struct {
	*Simulator
	*simkit.Loopback // URL (such as "http://127.0.0.1:54321"), Close, Connections
}

// NewServer starts a Simulator on a loopback port. Close it when done.
func NewServer(opts ...Option) *Server {
	sim := New(opts...)
	return &Server{Simulator: sim, Loopback: simkit.Serve(sim.Handler())}
}

// Close stops the server and the simulator's webhook deliveries.
func (s *Server) Close() {
	s.Simulator.Close()
	s.Loopback.Close()
}

// Settings returns valid settings for provider "checkout" with the default
// credentials, pointing base_url and token_url at the server, and the
// webhook signature key in webhook_secrets.
func (s *Server) Settings() json.RawMessage { return s.SettingsAt(s.URL) }

// SettingsAt returns the settings of provider "checkout" for the simulator
// served at baseURL (as Server.Settings does for its own URL), for
// programs that serve it themselves, such as tokenize sim.
func (s *Simulator) SettingsAt(baseURL string) json.RawMessage {
	b, _ := json.Marshal(map[string]any{
		"environment":     "sandbox",
		"client_id":       s.clientID,
		"client_secret":   s.clientSecret,
		"public_key":      s.publicKey,
		"base_url":        baseURL,
		"token_url":       baseURL + "/connect/token",
		"webhook_secrets": []string{*s.webhookKey.Load()},
	})
	return b
}

// Config returns a tokenize.Config for provider "checkout" using Settings.
func (s *Server) Config() tokenize.Config {
	return tokenize.Config{Provider: "checkout", Settings: s.Settings()}
}
