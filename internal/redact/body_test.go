package redact

import (
	"encoding/base64"
	"html"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBody(t *testing.T) {
	keys := map[string]bool{"cvv": true, "number": true}
	cases := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"keys at any depth", `{"a":{"number":"4111111111111111","cvv":"123","x":1}}`,
			`{"a":{"cvv":"[REDACTED]","number":"[REDACTED]","x":1}}`},
		{"card number inside a string", `{"message":"card 4111 1111 1111 1111 refused"}`,
			`{"message":"card 411111******1111 refused"}`},
		{"long JSON number", `{"id":4111111111111111}`, `{"id":"[REDACTED]"}`},
		{"null key kept", `{"cvv":null}`, `{"cvv":null}`},
		{"HTML", `<p>4111111111111111</p>`, `<p>411111******1111</p>`},
		{"truncated JSON", `{"number":"4111111111111111`, `{"number":"411111******1111`},
		{"card number as a key", `{"4111111111111111":{"a":1}}`, `{"411111******1111":{"a":1}}`},
		{"known value", `{"error":"cvv 9180 invalid"}`, `{"error":"cvv [REDACTED] invalid"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, string(Body([]byte(c.in), keys, nil, "9180")))
		})
	}
}

func TestBodyDoesNotModifyInput(t *testing.T) {
	in := []byte(`<p>4111111111111111 9180</p>`)
	_ = Body(in, nil, nil, "9180")
	assert.Equal(t, `<p>4111111111111111 9180</p>`, string(in))
}

// FuzzBody: whatever surrounds it, in a key, a value, a number or broken
// JSON, a card number never survives Body.
func FuzzBody(f *testing.F) {
	const pan = "4111111111111111"
	for _, s := range []string{`{"a":"%s"}`, `{"%s":1}`, `[%s]`, `<p>%s</p>`, `{"number":"%s"`, `{"a":{"b":["x %s y"]}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, shape string) {
		in := strings.ReplaceAll(shape, "%s", pan)
		if !strings.Contains(in, pan) {
			in += pan
		}
		out := string(Body([]byte(in), map[string]bool{"number": true}, nil))
		if strings.Contains(out, pan) {
			t.Fatalf("Body(%q) = %q keeps the card number", in, out)
		}
	})
}

// The request's own values go in every encoding an echo may use (a proxy
// passing the body on base64-encoded, an HTML error page), and short ones
// wherever they stand.
func TestValuesInEveryEncoding(t *testing.T) {
	const pan, cvv, tok = "4111111111111111", "9180", "tok_ubfj2q76miwundwlk72vxt2i7q"
	request := `{"number":"` + pan + `","cvv":"` + cvv + `","token":"` + tok + `"}`
	for name, echo := range map[string]string{
		"base64 body":      `{"request":{"body_base64":"` + base64.StdEncoding.EncodeToString([]byte(request)) + `"}}`,
		"base64url body":   "body=" + base64.URLEncoding.EncodeToString([]byte("x"+request)),
		"HTML-escaped":     "<pre>" + html.EscapeString(request) + "</pre>",
		"query-escaped":    "q=" + url.QueryEscape(request),
		"JSON in JSON":     `{"message":` + strconv.Quote(request) + `}`,
		"short value bare": "cvv" + cvv + "x",
	} {
		for _, out := range []string{Values(echo, pan, cvv, tok), string(Body([]byte(echo), nil, nil, pan, cvv, tok))} {
			for _, v := range []string{pan, tok} {
				assert.Empty(t, decodedLeak(out, v), "%s: %q", name, out)
			}
			assert.NotContains(t, out, cvv, name)
		}
	}
	assert.Equal(t, "nothing to see", Values("nothing to see"))
	assert.Equal(t, "a [REDACTED] b", Values("a 9180 b", "", "9180"), "empty values are ignored")
}
