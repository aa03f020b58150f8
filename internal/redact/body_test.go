package redact

import (
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
