package main

import (
	"testing"
)

// A card number anywhere in an argument, whatever surrounds it, is refused:
// the UUID and path exemptions never hide one. The number is set off by a
// space, as in "pan 4111 1111 1111 1111 exp 12/30", so that the test card
// itself is what the fuzzer cannot hide (digits glued to it make a longer
// number, refused all the more).
func FuzzCardNumberOnCommandLineIsRefused(f *testing.F) {
	for _, seed := range [][2]string{
		{"", ""},
		{"-card=", ""},
		{"805540cf-2310-4551-8161-4b7521aec0f5", "805540cf-2310-4551-8161-4b7521aec0f5"},
		{"/tmp/", "/card.json"},
		{"card:", ":12/30"},
		{"12345678-1234-4234-8234-", "-123456789012"},
	} {
		f.Add(seed[0], seed[1])
	}
	pan := testPANs[0]
	f.Fuzz(func(t *testing.T, prefix, suffix string) {
		arg := prefix + " " + pan + " " + suffix
		if refuseCardNumbers([]string{arg}) == nil {
			t.Fatalf("accepted an argument with a card number: %q", arg)
		}
	})
}
