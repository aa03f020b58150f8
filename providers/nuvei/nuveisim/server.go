package nuveisim

import (
	"encoding/json"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/loopback"
)

// Server is a Simulator served over HTTP on a loopback address. It
// satisfies the conformance suite's Simulator interface.
type Server struct {
	*Simulator
	// URL is the base URL of the simulated API, such as
	// "http://127.0.0.1:54321".
	URL string

	srv *loopback.Server
}

// NewServer starts a Simulator on a loopback port. Close it when done.
func NewServer(opts ...Option) *Server {
	s := &Server{Simulator: New(opts...)}
	s.srv = loopback.Start(s.Handler())
	s.URL = s.srv.URL
	return s
}

// Close shuts the server down, closing open client connections.
func (s *Server) Close() { s.srv.Close() }

// Connections returns how many TCP connections clients have opened to the
// server.
func (s *Server) Connections() int64 { return s.srv.Connections() }

// Settings returns settings for the provider "nuvei" that point at the
// server with the credentials it accepts.
func (s *Server) Settings() json.RawMessage {
	b, _ := json.Marshal(map[string]string{
		"base_url":             s.URL,
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
