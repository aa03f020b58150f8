// Package loopback serves an http.Handler on a loopback port and counts
// the TCP connections clients open to it: the serving half the provider
// simulators share (load tests use the count to prove connections are
// reused).
package loopback

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
)

// Server is a running loopback server.
type Server struct {
	// URL is the server's base URL, such as "http://127.0.0.1:54321".
	URL string

	srv   *httptest.Server
	conns atomic.Int64
}

// Start serves h on a loopback port. Close it when done.
func Start(h http.Handler) *Server {
	s := &Server{}
	s.srv = httptest.NewUnstartedServer(h)
	s.srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.srv.Start()
	s.URL = s.srv.URL
	return s
}

// Close shuts the server down, closing open client connections first so
// that idle keep-alive connections cannot hold it up.
func (s *Server) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Connections returns how many TCP connections clients have opened.
func (s *Server) Connections() int64 { return s.conns.Load() }
