package faults

import (
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"sort"
	"strings"
)

// redirect answers a Redirect fault.
func redirect(f *Fault, w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	status := f.Status
	if status == 0 {
		status = http.StatusTemporaryRedirect
	}
	w.Header().Set("Location", strings.TrimRight(f.Location, "/")+r.URL.RequestURI())
	w.WriteHeader(status)
}

// notEchoed are the request headers an Echo fault does not send back
// under their own name: they describe the request's own framing, and
// would break the response's.
var notEchoed = map[string]bool{
	"Content-Length": true, "Content-Type": true, "Transfer-Encoding": true, "Connection": true,
	"Keep-Alive": true, "Te": true, "Trailer": true, "Upgrade": true, "Host": true,
}

// echo answers an Echo fault.
func echo(f *Fault, w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var head strings.Builder
	head.WriteString(r.Method + " " + r.URL.RequestURI() + " " + r.Proto + "\n")
	_ = r.Header.Write(&head)
	dump := head.String() + "\n" + string(body)

	for name, values := range r.Header {
		if !notEchoed[name] {
			w.Header()[name] = values
		}
	}
	if len(f.EchoHeaders) > 0 {
		line := headerLine(r.Header)
		for _, name := range f.EchoHeaders {
			if name != "" {
				w.Header().Set(name, line)
			}
		}
	}
	ct := f.ContentType
	if ct == "" {
		ct = "application/json"
	}
	var out []byte
	switch {
	case strings.HasPrefix(ct, "text/html"):
		out = []byte("<html><body><h1>Error</h1><pre>" + html.EscapeString(dump) + "</pre></body></html>")
	case strings.HasPrefix(ct, "text/"):
		out = []byte(dump)
	default:
		out, _ = json.Marshal(map[string]any{
			"message": dump, "error": dump, "error_description": dump,
			"error_type": dump, "error_codes": []string{dump},
			"reason": dump, "request_id": dump,
			"result": map[string]any{"status": "error", "errors": map[string]any{"reason": dump}},
			"request": map[string]any{"method": r.Method, "uri": r.URL.RequestURI(), "headers": r.Header, "body": string(body),
				// As an API gateway or a proxy's log passes a body on.
				"body_base64": base64.StdEncoding.EncodeToString(body)},
		})
	}
	status := f.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

// headerLine writes h on one line, names sorted: "A: x; B: y, z".
func headerLine(h http.Header) string {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = name + ": " + strings.Join(h[name], ", ")
	}
	return strings.Join(parts, "; ")
}
