package checkoutsim

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"

	"github.com/tokenize-go/tokenize"
)

// Server is a Simulator listening on a loopback address. It satisfies the
// conformance suite's Simulator interface.
type Server struct {
	*Simulator
	// URL is the server's base URL, such as http://127.0.0.1:54321.
	URL string

	srv   *httptest.Server
	conns atomic.Int64
}

// NewServer starts a simulator on a loopback port. Close it when done.
func NewServer(opts ...Option) *Server {
	s := &Server{Simulator: New(opts...)}
	s.srv = httptest.NewUnstartedServer(s.Handler())
	s.srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.srv.Start()
	s.URL = s.srv.URL
	return s
}

// Close shuts the server down, closing client connections.
func (s *Server) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Connections returns how many TCP connections clients opened.
func (s *Server) Connections() int64 { return s.conns.Load() }

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
