package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// SIGINT in the middle of a batch stops it promptly: nothing more is sent,
// the calls in flight end with Canceled, each of them has its line (as
// has, at most, the one id read while they ran, refused unsent), and the
// exit status is 20.
func TestInterruptedBatchStopsPromptly(t *testing.T) {
	sim := startSim(t, "-provider", "checkout")
	info := sim.sims["checkout"]
	require.Equal(t, 201, control(t, info, "POST", "faults", `{"kind": "latency", "delay": "30s", "method": "GET", "path_prefix": "/network-tokens/"}`, nil))
	var ids strings.Builder
	for i := range 50 {
		fmt.Fprintf(&ids, "nt_%026d\n", i)
	}
	idsFile := filepath.Join(t.TempDir(), "ids.txt")
	require.NoError(t, os.WriteFile(idsFile, []byte(strings.ReplaceAll(ids.String(), "0", "a")), 0o600))

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary(t), "network-token", "get", "-config", info.ConfigFile, "-ids", idsFile, "-concurrency", "3", "-json")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Start())

	// Wait until the three calls are in flight at the simulator.
	require.Eventually(t, func() bool {
		var c simCounters
		control(t, info, "GET", "counters", "", &c)
		return c.ByRoute["GET /network-tokens/{id}"] >= 3
	}, 20*time.Second, 20*time.Millisecond)
	sent := time.Now()
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	err := cmd.Wait()
	assert.Less(t, time.Since(sent), 5*time.Second, "stops promptly, without waiting for the 30 s latency")
	require.Error(t, err)
	assert.Equal(t, 20, cmd.ProcessState.ExitCode(), "Canceled; stderr: %s", stderr.String())

	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	assert.GreaterOrEqual(t, len(lines), 3, "a line for each call in flight: %s", stdout.String())
	assert.LessOrEqual(t, len(lines), 4, "and none for the ids not read: %s", stdout.String())
	for _, l := range lines {
		assert.Contains(t, l, `"code":"Canceled"`)
	}
	var c simCounters
	control(t, info, "GET", "counters", "", &c)
	assert.Equal(t, int64(3), c.ByRoute["GET /network-tokens/{id}"], "no id was sent after the interrupt")
}
