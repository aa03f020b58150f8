package conformance_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/conformance"
)

// A provider's tests call Run from a Test function:
//
//	func TestConformance(t *testing.T) { conformance.Run(t, harness) }
//
// where harness starts the provider's simulator for each test and names the
// fixtures it recognises (see providers/nuvei/conformance_test.go). This
// example runs the suite the same way against a small in-memory provider
// and reports the outcome.
func ExampleRun() {
	h := harness(fullCaps())
	ok := runQuietly(func(t *testing.T) { conformance.Run(t, h) })
	fmt.Println("conformance passed:", ok)
	// Output: conformance passed: true
}

// runQuietly runs f as a test outside `go test`'s own runner, keeping its
// progress lines (printed under -v) out of the example's output.
func runQuietly(f func(*testing.T)) bool {
	stdout := os.Stdout
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err == nil {
		os.Stdout = devnull
		defer func() { os.Stdout = stdout; devnull.Close() }()
	}
	match := func(string, string) (bool, error) { return true, nil }
	return testing.RunTests(match, []testing.InternalTest{{Name: "TestConformance", F: f}})
}

// A backfill's cards are distinct Visa numbers that no simulator treats as
// a test card, each valid by the Luhn check; everything else is the base
// card's.
func ExampleBackfillCard() {
	base := tokenize.Card{Number: "4242424242424242", ExpiryMonth: 12, ExpiryYear: 2031, CVV: "123"}
	for i := range 3 {
		card := conformance.BackfillCard(base, i)
		fmt.Println(card.Number.Reveal(), card.ExpiryMonth, card.ExpiryYear)
	}
	// Output:
	// 4900000000000003 12 2031
	// 4900000000000011 12 2031
	// 4900000000000029 12 2031
}
