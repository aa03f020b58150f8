package otel_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the tests if any goroutine outlives them: the observer
// must leave nothing running behind a call or a token fetch.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
