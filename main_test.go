package tokenize_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: a
// Client call, a batch or a retry must never leave one behind.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
