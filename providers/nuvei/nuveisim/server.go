package nuveisim

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"

	"github.com/tokenize-go/tokenize"
)

// Server is a Simulator served over HTTP on a loopback address.
type Server struct {
	*Simulator
	// URL is the base URL of the simulated API, such as
	// "http://127.0.0.1:54321".
	URL string

	srv   *httptest.Server
	conns atomic.Int64
}

// NewServer starts a Simulator on a loopback port. Call Close when done.
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

// Close shuts the server down, closing open connections.
func (s *Server) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Connections returns how many TCP connections clients have opened to the
// server.
func (s *Server) Connections() int64 { return s.conns.Load() }

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
