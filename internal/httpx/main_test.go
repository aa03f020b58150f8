package httpx

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them, such
// as a connection left open by an exchange that failed.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
