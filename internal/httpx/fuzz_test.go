package httpx

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tokenize-go/tokenize"
)

// FuzzDecodeJSON checks that no body decodes as success unless it is a
// complete JSON object, and that every failure is a classified Internal
// error.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"id":"x"}`, ``, `<html>`, `[1]`, `{"id":`, `null`, `{"id":"x"} x`, "\xef\xbb\xbf{}", `{"count":"2"}`} {
		f.Add([]byte(s), 200)
	}
	f.Fuzz(func(t *testing.T, body []byte, status int) {
		for _, idem := range []bool{true, false} {
			resp := &Response{Status: status, Body: body, Idempotent: idem, RequestID: "r"}
			var m map[string]any
			e := DecodeJSON(resp, &m)
			var s struct {
				ID    string `json:"id"`
				Count int    `json:"count"`
			}
			e2 := DecodeJSON(resp, &s)
			trimmed := bytes.TrimSpace(body)
			valid := json.Valid(trimmed) && len(trimmed) > 0 && trimmed[0] == '{'
			for _, err := range []*tokenize.Error{e, e2} {
				if err == nil {
					if !valid {
						t.Fatalf("garbage decoded as success: %q", body)
					}
					continue
				}
				if err.Code != tokenize.Internal || err.Retryable != idem || err.OutcomeUnknown == idem ||
					err.HTTPStatus != status || err.RequestID != "r" || err.Message == "" {
					t.Fatalf("badly classified: %#v", err)
				}
			}
			if e == nil && m == nil {
				t.Fatalf("success without a value: %q", body)
			}
			if e != nil && valid {
				t.Fatalf("a JSON object was refused: %q: %v", body, e)
			}
		}
	})
}

// FuzzStatusError checks that every status gets a real, consistent code and
// that Retry-After is always within bounds.
func FuzzStatusError(f *testing.F) {
	f.Add(503, "2")
	f.Add(429, "Wed, 21 Oct 2015 07:28:00 GMT")
	f.Add(200, "")
	f.Add(-1, "-1")
	f.Add(999, "1e9")
	f.Fuzz(func(t *testing.T, status int, retryAfter string) {
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		for _, idem := range []bool{true, false} {
			e := StatusError(&Response{Status: status, Header: h, Idempotent: idem})
			if e.Code == tokenize.OK || strings.HasPrefix(e.Code.String(), "Code(") {
				t.Fatalf("status %d gave code %v", status, e.Code)
			}
			if e.Retryable && e.OutcomeUnknown {
				t.Fatalf("status %d: both retryable and outcome unknown", status)
			}
			if e.RetryAfter < 0 || e.RetryAfter > time.Hour {
				t.Fatalf("RetryAfter %v out of bounds", e.RetryAfter)
			}
			if e.Message == "" || e.HTTPStatus != status {
				t.Fatalf("incomplete error %#v", e)
			}
		}
		if d := RetryAfter(h, time.Now()); d < 0 || d > time.Hour {
			t.Fatalf("RetryAfter(%q) = %v", retryAfter, d)
		}
	})
}
