package router_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: a
// routed call, a failover or a probe must never leave one behind.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
