package simkit

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
)

// Loopback is a handler served over HTTP on a loopback port.
type Loopback struct {
	// URL is the server's base URL, such as "http://127.0.0.1:54321".
	URL string

	srv   *httptest.Server
	conns atomic.Int64
}

// Serve serves h on a loopback port and counts the TCP connections
// clients open to it. Close it when done.
func Serve(h http.Handler) *Loopback {
	s := &Loopback{}
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
func (s *Loopback) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Connections returns how many TCP connections clients have opened.
func (s *Loopback) Connections() int64 { return s.conns.Load() }
