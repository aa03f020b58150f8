package faults

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: a
// stalled or reset fault must not leave a handler running.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
