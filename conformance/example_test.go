package conformance_test

import (
	"fmt"
	"os"
	"testing"

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
