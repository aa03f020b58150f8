package conformance_test

import (
	"fmt"
	"io"
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
// progress lines (printed under -v) out of the example's output. When the
// run fails, what it printed goes to standard error, so that a failure
// says which case failed and why, not only "false".
func runQuietly(f func(*testing.T)) bool {
	match := func(string, string) (bool, error) { return true, nil }
	run := func() bool {
		return testing.RunTests(match, []testing.InternalTest{{Name: "TestConformance", F: f}})
	}
	stdout := os.Stdout
	log, err := os.CreateTemp("", "conformance-example-*.log")
	if err != nil {
		return run()
	}
	defer os.Remove(log.Name())
	defer log.Close()
	os.Stdout = log
	ok := run()
	os.Stdout = stdout
	if !ok {
		if _, err := log.Seek(0, io.SeekStart); err == nil {
			_, _ = io.Copy(os.Stderr, log)
		}
	}
	return ok
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
