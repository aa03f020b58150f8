package main

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the example's tests if any goroutine outlives them: the
// simulators it starts and the Clients it opens must all shut down.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
