package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
)

// binDir holds the tokenize binary the tests build, once for the package.
var binDir string

// TestMain builds nothing itself (the first test that needs the binary
// does), removes the binary afterwards, and fails the tests if any
// goroutine outlives them.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tokenize-cmd-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary returns the path of the tokenize binary, built with "go build" as
// a user would build it: the tests run the command as users run it, as a
// process of its own.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			buildErr = fmt.Errorf("the tests build the command and need the go tool on PATH: %w", err)
			return
		}
		binPath = filepath.Join(binDir, "tokenize")
		out, err := exec.Command(goTool, "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	require.NoError(t, buildErr)
	return binPath
}

// result is what one run of the command did.
type result struct {
	stdout, stderr string
	code           int
}

// output is stdout and stderr together, for checks that hold for both.
func (r result) output() string { return r.stdout + r.stderr }

// runCmd runs the binary with args, stdin as its standard input, and
// returns what it printed and its exit status.
func runCmd(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary(t), args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running tokenize %s: %v", strings.Join(args, " "), err)
	}
	r := result{stdout: stdout.String(), stderr: stderr.String(), code: cmd.ProcessState.ExitCode()}
	for _, pan := range testPANs {
		if strings.Contains(r.output(), pan) {
			t.Errorf("tokenize %s printed a card number in full:\n%s", strings.Join(args, " "), r.output())
		}
	}
	return r
}

// testPANs are the simulators' test cards: no run of an operation may
// print one in full.
var testPANs = []string{
	nuveisim.VisaPAN, nuveisim.MastercardPAN, nuveisim.DeclinedPAN,
	checkoutsim.VisaPAN, checkoutsim.MastercardPAN,
}

// simProcess is a running "tokenize sim".
type simProcess struct {
	cmd    *exec.Cmd
	stderr *lockedBuffer
	done   chan error
	// sims is what it printed with -json, by provider.
	sims map[string]simInfo
}

// startSim starts "tokenize sim -json" with args and reads the line it
// prints. The test's cleanup stops it with SIGTERM and checks that it
// shut down cleanly.
func startSim(t *testing.T, args ...string) *simProcess {
	t.Helper()
	args = append([]string{"sim", "-json", "-config-dir", t.TempDir()}, args...)
	cmd := exec.Command(binary(t), args...)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	p := &simProcess{cmd: cmd, stderr: &lockedBuffer{}, done: make(chan error, 1), sims: map[string]simInfo{}}
	cmd.Stderr = p.stderr
	require.NoError(t, cmd.Start())

	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- line
		_, _ = io.Copy(io.Discard, stdout) // nothing more is expected; never block the process
	}()
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() { p.stop(t) })

	select {
	case line := <-lines:
		var out struct {
			Simulators []simInfo `json:"simulators"`
		}
		require.NoError(t, json.Unmarshal([]byte(line), &out), "first line of tokenize sim -json: %q; stderr: %s", line, p.stderr)
		for _, s := range out.Simulators {
			p.sims[s.Provider] = s
		}
	case err := <-p.done:
		t.Fatalf("tokenize sim exited early: %v; stderr: %s", err, p.stderr)
	case <-time.After(time.Minute):
		t.Fatalf("tokenize sim printed nothing in a minute; stderr: %s", p.stderr)
	}
	return p
}

// stop sends SIGTERM and checks that the simulator exits with status 0
// after saying it stopped.
func (p *simProcess) stop(t *testing.T) {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		require.NoError(t, err, "tokenize sim must exit 0 on SIGTERM; stderr: %s", p.stderr)
		require.Contains(t, p.stderr.String(), "tokenize sim: stopped")
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
		t.Fatalf("tokenize sim did not stop within 30s of SIGTERM; stderr: %s", p.stderr)
	}
}

// lockedBuffer is a bytes.Buffer safe for the process's writes and the
// test's reads at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
