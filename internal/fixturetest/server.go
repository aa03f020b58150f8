package fixturetest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Server is a stand-in for a provider's API: it answers each
// "METHOD /path" with a fixture body and records the last request body of
// each, so that a fixture can be replayed at an adapter through its public
// API. Unknown routes get 418.
type Server struct {
	*httptest.Server
	mu     sync.Mutex
	routes map[string]answer
	bodies map[string]string
}

type answer struct {
	status int
	body   []byte
}

// NewServer starts a Server, closed when t ends.
func NewServer(t testing.TB) *Server {
	s := &Server{routes: map[string]answer{}, bodies: map[string]string{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		key := r.Method + " " + r.URL.Path
		s.mu.Lock()
		s.bodies[key] = string(b)
		a, ok := s.routes[key]
		s.mu.Unlock()
		if !ok {
			w.WriteHeader(http.StatusTeapot)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.status)
		_, _ = w.Write(a.body)
	}))
	t.Cleanup(s.Close)
	return s
}

// On answers route ("POST /tokens") with status and body.
func (s *Server) On(route string, status int, body []byte) {
	s.mu.Lock()
	s.routes[route] = answer{status, body}
	s.mu.Unlock()
}

// Body returns the last request body route received.
func (s *Server) Body(route string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bodies[route]
}

// Call sends one raw request (to a simulator) and returns its status and
// body. header holds "Name", "value" pairs.
func Call(t testing.TB, method, url, body string, header ...string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}
