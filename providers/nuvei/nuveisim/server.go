package nuveisim

import (
	"encoding/json"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/simkit"
)

// Server is a Nuvei Simulator listening on a loopback port; Settings and
// Config point the nuvei adapter at it with the x-api-key and processing
// entity it accepts. It satisfies the conformance suite's Simulator
// interface.
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

// Settings returns settings for the provider "nuvei" that point at the
// server with the credentials it accepts.
func (s *Server) Settings() json.RawMessage { return s.SettingsAt(s.URL) }

// SettingsAt returns the settings of provider "nuvei" for the simulator
// served at baseURL (as Server.Settings does for its own URL), for
// programs that serve it themselves, such as tokenize sim.
func (s *Simulator) SettingsAt(baseURL string) json.RawMessage {
	b, _ := json.Marshal(map[string]string{
		"base_url":             baseURL,
		"api_key":              s.apiKey,
		"processing_entity_id": s.entity,
	})
	return b
}

// Config returns a tokenize.Config for the provider "nuvei" that points at
// the server. Blank-import github.com/tokenize-go/tokenize/providers/nuvei
// before passing it to tokenize.Open.
func (s *Server) Config() tokenize.Config {
	return tokenize.Config{Provider: "nuvei", Settings: s.Settings()}
}
