package redact

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCardNumbers(t *testing.T) {
	cases := map[string]string{
		"":                                      "",
		"no digits":                             "no digits",
		"short 12345678901 kept":                "short 12345678901 kept",
		"4111111111111111":                      "411111******1111",
		"card 4111111111111111 bad":             "card 411111******1111 bad",
		"a 4111 1111 1111 1111 b":               "a 411111******1111 b",
		"a 4111-1111-1111-1111 b":               "a 411111******1111 b",
		"amex 3782 822463 10005.":               "amex ***********0005.",
		"two 4111111111111111,5555555555554444": "two 411111******1111,555555******4444",
		"date 2026-06-15 12:00:00":              "date 2026-06-15 12:00:00",
		"codes 1005 and 2001":                   "codes 1005 and 2001",
		"double  space 4111  1111 1111 1111":    "double  space 411111******1111",
		"trailing sep 411111111111-":            "trailing sep ********1111-",
		"٤١١١١١١١١١١١١١١١":                      "٤١١١١١١١١١١١١١١١",
		// A card number followed by a CVV or an expiry is masked whole:
		// its last four digits would show them.
		"pan cvv 4111 1111 1111 1111 123 x":  "pan cvv ******************* x",
		"pan cvv 4111111111111111-123":       "pan cvv *******************",
		"pan exp 4111111111111111 1229 123":  "pan exp ***********************",
		"pan exp 4111-1111-1111-1111-1229 x": "pan exp ******************** x",
	}
	for in, want := range cases {
		assert.Equal(t, want, CardNumbers(in), in)
	}
	long := strings.Repeat("1", 40)
	assert.NotContains(t, CardNumbers(long), long)
}

// FuzzCardNumbers checks that no card-number-like run survives scrubbing,
// whatever the text around it.
func FuzzCardNumbers(f *testing.F) {
	for _, s := range []string{"card 4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111-", "1 2 3 4 5 6 7 8 9 0 1 2", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := CardNumbers(s)
		run := 0
		for i := 0; i < len(out); i++ {
			switch {
			case isDigit(out[i]):
				run++
			case (out[i] == ' ' || out[i] == '-') && i+1 < len(out) && isDigit(out[i+1]):
			default:
				run = 0
			}
			if run >= MinCardDigits {
				t.Fatalf("CardNumbers(%q) = %q keeps a run of %d digits", s, out, run)
			}
		}
		if CardNumbers(out) != out {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, out, CardNumbers(out))
		}
	})
}
