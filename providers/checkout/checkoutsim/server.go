package checkoutsim

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

// Settings returns valid settings for provider "checkout" with the default
// credentials, pointing base_url and token_url at the server.
func (s *Server) Settings() json.RawMessage {
	b, _ := json.Marshal(map[string]string{
		"environment":   "sandbox",
		"client_id":     s.clientID,
		"client_secret": s.clientSecret,
		"public_key":    PublicKey,
		"base_url":      s.URL,
		"token_url":     s.URL + "/connect/token",
	})
	return b
}

// Config returns a tokenize.Config for provider "checkout" using Settings.
func (s *Server) Config() tokenize.Config {
	return tokenize.Config{Provider: "checkout", Settings: s.Settings()}
}
