// Package faults injects network and server failures into an HTTP handler,
// for the provider simulators and the tests that use them: latency, a
// connection closed or reset before or during the response, 5xx and 429
// answers with JSON or HTML bodies, truncated and oversized bodies, a wrong
// Content-Type, and a response that stalls forever.
//
// An Injector wraps a handler; tests arm faults on it while it serves:
//
//	inj := faults.New()
//	srv := httptest.NewServer(inj.Wrap(api))
//	inj.Inject(faults.Fault{Kind: faults.Status, Status: 502, Body: "<html>Bad Gateway</html>", Times: 1})
//
// The package depends on nothing but the standard library, so the
// simulators stay independent of the library they test.
package faults

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Kind is a class of fault.
type Kind int

// The fault kinds.
const (
	// Latency delays the response by Delay, then answers normally. The
	// delay ends early if the client goes away.
	Latency Kind = iota + 1
	// Status answers with Status, Body, ContentType and RetryAfter instead
	// of the real response.
	Status
	// Reset closes the connection without any response.
	Reset
	// ResetMidBody sends the real status and headers and half of the real
	// body, then closes the connection.
	ResetMidBody
	// Truncated sends the real status and the first half of the real body
	// with a Content-Length that matches what is sent, so the client reads
	// a complete but cut-off body (truncated JSON).
	Truncated
	// Oversized answers 200 with a JSON body of Size bytes.
	Oversized
	// WrongContentType sends the real response labelled text/html.
	WrongContentType
	// Stall sends the status line and headers of a 200, then nothing, until
	// the client gives up.
	Stall
	// Redirect answers Status (307 when zero) with a Location of Location
	// followed by the request's path and query: Location is a base URL,
	// such as another server's, or "" for the same host. A client that
	// follows it sends the request, body and headers included, there.
	Redirect
	// Echo answers Status (400 when zero) with the whole request (method, path, headers and
	// body) repeated back, as a broken or hostile server might: as an HTML
	// page when ContentType is text/html (escaped, as a server's error
	// template would), as plain text for any other text/ type, and
	// otherwise as a JSON object holding the echo under the keys error
	// parsers commonly read (message, error, error_type, error_codes,
	// reason, request_id, result.errors.reason), with the body also
	// base64-encoded under request.body_base64. Every request header is
	// also sent back under its own name, and under each name in
	// EchoHeaders (a provider's request-id header, say) as one line.
	Echo
)

var kindNames = map[Kind]string{Latency: "latency", Status: "status", Reset: "reset",
	ResetMidBody: "reset-mid-body", Truncated: "truncated", Oversized: "oversized",
	WrongContentType: "wrong-content-type", Stall: "stall", Redirect: "redirect", Echo: "echo"}

// String returns the kind's name, such as "reset-mid-body".
func (k Kind) String() string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Kinds returns every fault kind, in the order of their declaration: the
// fault matrix a client is tested against.
func Kinds() []Kind {
	return []Kind{Latency, Status, Reset, ResetMidBody, Truncated, Oversized, WrongContentType, Stall, Redirect, Echo}
}

// ParseKind returns the Kind whose String is name, such as
// "reset-mid-body".
func ParseKind(name string) (Kind, error) {
	for _, k := range Kinds() {
		if k.String() == name {
			return k, nil
		}
	}
	return 0, fmt.Errorf("faults: unknown kind %q", name)
}

// Fault describes one injected failure.
type Fault struct {
	// Kind is the class of failure.
	Kind Kind
	// Status, Body, ContentType and RetryAfter describe the answer of a
	// Status fault. ContentType defaults to application/json. Status and
	// ContentType also shape Redirect and Echo answers.
	Status      int
	Body        string
	ContentType string
	RetryAfter  string
	// Delay is the added latency of a Latency fault.
	Delay time.Duration
	// Size is the body size of an Oversized fault.
	Size int
	// AfterHandler runs the real handler before a Status or Reset fault
	// replaces its response, so the request takes effect at the simulator
	// and only the answer is lost (a gateway timing out after the provider
	// processed the request). Faults that need the real response
	// (ResetMidBody, Truncated, WrongContentType) always run it.
	AfterHandler bool
	// Times is how many matching requests the fault affects; 0 means every
	// one until Clear.
	Times int
	// Method and PathPrefix restrict the fault to matching requests when
	// set.
	Method     string
	PathPrefix string
	// Location is where a Redirect fault sends the client: a base URL to
	// which the request's path and query are appended ("" for the same
	// host).
	Location string
	// EchoHeaders name response headers that an Echo fault fills with the
	// request's headers, on one line.
	EchoHeaders []string
	// Observe, when set, receives a copy of the headers of every request
	// the fault applies to, before it is answered: a test learns from it
	// what a client sent (the credentials an echo repeats, for one).
	Observe func(http.Header)
}

func (f *Fault) matches(r *http.Request) bool {
	return (f.Method == "" || strings.EqualFold(f.Method, r.Method)) &&
		(f.PathPrefix == "" || strings.HasPrefix(r.URL.Path, f.PathPrefix))
}

// Injector wraps handlers with the faults armed on it. It is safe for
// concurrent use.
type Injector struct {
	mu           sync.Mutex
	armed        []*armed
	requests     atomic.Int64
	injected     atomic.Int64
	inapplicable atomic.Int64
}

type armed struct {
	Fault
	left int // remaining uses; <0 means unlimited
}

// New returns an Injector with no fault armed.
func New() *Injector { return &Injector{} }

// Inject arms f. Faults are consulted in the order they were armed; the
// first that matches a request applies to it.
func (i *Injector) Inject(f Fault) {
	left := f.Times
	if left == 0 {
		left = -1
	}
	i.mu.Lock()
	i.armed = append(i.armed, &armed{Fault: f, left: left})
	i.mu.Unlock()
}

// Armed returns the faults armed now, in the order they are consulted,
// each with Times set to its remaining uses (0: until Clear).
func (i *Injector) Armed() []Fault {
	i.mu.Lock()
	defer i.mu.Unlock()
	out := make([]Fault, 0, len(i.armed))
	for _, a := range i.armed {
		f := a.Fault
		f.Times = max(a.left, 0)
		out = append(out, f)
	}
	return out
}

// Clear disarms every fault.
func (i *Injector) Clear() {
	i.mu.Lock()
	i.armed = nil
	i.mu.Unlock()
}

// Requests returns how many requests reached the wrapped handlers, faulted
// or not.
func (i *Injector) Requests() int64 { return i.requests.Load() }

// Injected returns how many requests a fault was applied to.
func (i *Injector) Injected() int64 { return i.injected.Load() }

// Inapplicable returns how many requests matched a fault that could not be
// applied to them: a Truncated or ResetMidBody fault on a response without
// a body (such as a 204) has nothing to cut. Such a request is answered
// normally and is not counted by Injected, though it uses up one of the
// fault's Times.
func (i *Injector) Inapplicable() int64 { return i.inapplicable.Load() }

// take returns the fault to apply to r, consuming one use of it.
func (i *Injector) take(r *http.Request) *Fault {
	i.mu.Lock()
	defer i.mu.Unlock()
	for n, a := range i.armed {
		if !a.matches(r) {
			continue
		}
		f := a.Fault
		if a.left > 0 {
			a.left--
			if a.left == 0 {
				i.armed = append(i.armed[:n:n], i.armed[n+1:]...)
			}
		}
		return &f
	}
	return nil
}

// Wrap returns h with the injector's faults applied. Every request is
// counted, faulted or not.
func (i *Injector) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i.requests.Add(1)
		f := i.take(r)
		if f == nil {
			h.ServeHTTP(w, r)
			return
		}
		if f.Observe != nil {
			f.Observe(r.Header.Clone())
		}
		if f.Kind == Truncated || f.Kind == ResetMidBody {
			rec := record(h, r)
			if rec.Body.Len() == 0 {
				i.inapplicable.Add(1)
				copyHeader(w.Header(), rec.Header())
				w.WriteHeader(rec.Code)
				return
			}
			i.injected.Add(1)
			cut(f, rec, w)
			return
		}
		i.injected.Add(1)
		apply(f, h, w, r)
	})
}

// cut sends the first half of a recorded response: as a complete but
// short body (Truncated), or followed by a reset connection (ResetMidBody).
func cut(f *Fault, rec *httptest.ResponseRecorder, w http.ResponseWriter) {
	body := rec.Body.Bytes()
	if f.Kind == ResetMidBody {
		abort(w, func(buf *bufio.ReadWriter) {
			writeHead(buf, rec.Code, rec.Header(), len(body))
			_, _ = buf.Write(body[:len(body)/2])
		})
		return
	}
	body = body[:len(body)/2]
	copyHeader(w.Header(), rec.Header())
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body)
}

func apply(f *Fault, h http.Handler, w http.ResponseWriter, r *http.Request) {
	switch f.Kind {
	case Latency:
		bufferBody(r)
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return
		}
		h.ServeHTTP(w, r)
	case Status:
		if f.AfterHandler {
			h.ServeHTTP(httptest.NewRecorder(), r)
		}
		ct := f.ContentType
		if ct == "" {
			ct = "application/json"
		}
		w.Header().Set("Content-Type", ct)
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(f.Body))
	case Reset:
		if f.AfterHandler {
			h.ServeHTTP(httptest.NewRecorder(), r)
		}
		abort(w, nil)
	case ResetMidBody, Truncated:
		cut(f, record(h, r), w)
	case Oversized:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(oversizedBody(f.Size))
	case WrongContentType:
		rec := record(h, r)
		copyHeader(w.Header(), rec.Header())
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	case Redirect:
		redirect(f, w, r)
	case Echo:
		echo(f, w, r)
	case Stall:
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		<-r.Context().Done()
	default:
		h.ServeHTTP(w, r)
	}
}

// bufferBody reads the request body before a delay, as a real server's
// front end would: a client that gives up mid-delay must not leave the
// server goroutine blocked on a half-read body (which would hold up Close).
func bufferBody(r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(b))
}

func record(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func copyHeader(dst, src http.Header) {
	for k, v := range src {
		dst[k] = v
	}
}

// abort takes over the connection, optionally writes raw bytes, and closes
// it with a TCP reset so the client sees the connection fail.
func abort(w http.ResponseWriter, write func(*bufio.ReadWriter)) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler) // HTTP/2: the server resets the stream
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	if write != nil {
		write(buf)
		_ = buf.Flush()
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // RST instead of FIN
	}
	_ = conn.Close()
}

func writeHead(buf *bufio.ReadWriter, code int, h http.Header, length int) {
	_, _ = buf.WriteString("HTTP/1.1 " + strconv.Itoa(code) + " " + http.StatusText(code) + "\r\n")
	h = h.Clone()
	h.Set("Content-Length", strconv.Itoa(length))
	_ = h.Write(buf)
	_, _ = buf.WriteString("\r\n")
}

// oversizedBody is a syntactically valid JSON object of about n bytes.
func oversizedBody(n int) []byte {
	const prefix, suffix = `{"padding":"`, `"}`
	pad := max(n-len(prefix)-len(suffix), 0)
	var b bytes.Buffer
	b.Grow(n)
	b.WriteString(prefix)
	b.Write(bytes.Repeat([]byte("x"), pad))
	b.WriteString(suffix)
	return b.Bytes()
}
