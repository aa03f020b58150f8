package worldpaysim

import (
	"encoding/json"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/simkit"
)

// Server is a Simulator listening on a loopback port; Settings and Config
// point the worldpay adapter at it with the credentials it accepts. It
// satisfies the conformance suite's Simulator interface.
type Server struct {
	*Simulator
	*simkit.Loopback // URL (such as "http://127.0.0.1:54321"), Close, Connections
}

// NewServer starts a Simulator built with opts on a loopback port. Close
// it when done.
func NewServer(opts ...Option) *Server {
	sim := New(opts...)
	return &Server{Simulator: sim, Loopback: simkit.Serve(sim.Handler())}
}

// Settings returns settings for the provider "worldpay" that point at the
// server with the credentials it accepts.
func (s *Server) Settings() json.RawMessage { return s.SettingsAt(s.URL) }

// SettingsAt returns the settings of provider "worldpay" for the simulator
// served at baseURL, for programs that serve it themselves (tokenize sim).
func (s *Simulator) SettingsAt(baseURL string) json.RawMessage {
	b, _ := json.Marshal(map[string]string{
		"base_url":        baseURL,
		"username":        s.username,
		"password":        s.password,
		"merchant_entity": s.entity,
	})
	return b
}

// Config returns a tokenize.Config for the provider "worldpay" that points
// at the server. Blank-import
// github.com/tokenize-go/tokenize/providers/worldpay before passing it to
// tokenize.Open.
func (s *Server) Config() tokenize.Config {
	return tokenize.Config{Provider: "worldpay", Settings: s.Settings()}
}
