package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// control calls the control API of a running simulator with the test's own
// HTTP client, as a test in any language would, and decodes a JSON answer
// into out when it is not nil.
func control(t *testing.T, info simInfo, method, route, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, info.ControlURL+route, strings.NewReader(body))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if out != nil {
		require.NoError(t, json.Unmarshal(b, out), string(b))
	}
	return resp.StatusCode
}

type simCounters struct {
	Requests int64            `json:"requests"`
	ByRoute  map[string]int64 `json:"by_route"`
	Faulted  int64            `json:"faulted"`
}

// provisioned creates a payment token and a network token for the
// simulator's first test card with the command, and returns their ids.
func provisioned(t *testing.T, info simInfo) (pt, nt string) {
	t.Helper()
	card := writeCard(t, info.TestCards[0].Number)
	r := runCmd(t, "", "payment-token", "create", "-config", info.ConfigFile, "-card", card, "-q")
	requireOK(t, r, "create")
	pt = strings.TrimSpace(r.stdout)
	provision := []string{"network-token", "provision", "-config", info.ConfigFile, "-q", "-payment-token", pt}
	if info.Provider == "nuvei" {
		provision = []string{"network-token", "provision", "-config", info.ConfigFile, "-q", "-card", card}
	}
	r = runCmd(t, "", provision...)
	requireOK(t, r, "provision")
	return pt, strings.TrimSpace(r.stdout)
}

// A test outside Go drives each simulator through its control API while
// the command runs against it: a token suspended at the "scheme" cannot
// pay, reactivated it can; a reset forgets it.
func TestControlAPIChangesTokens(t *testing.T) {
	sim := startSim(t)
	for _, provider := range simulatorNames() {
		t.Run(provider, func(t *testing.T) {
			info := sim.sims[provider]
			require.NotEmpty(t, info.ControlURL)
			assert.Equal(t, "loopback", info.Control)
			_, nt := provisioned(t, info)

			require.Equal(t, 204, control(t, info, "POST", "network-tokens/"+nt, `{"state": "suspended"}`, nil))
			r := runCmd(t, "", "network-token", "get", "-config", info.ConfigFile, "-json", nt)
			requireOK(t, r, "get")
			assert.Equal(t, "suspended", decodeRecord(t, r).NetworkToken.State)
			r = runCmd(t, "", "cryptogram", "-config", info.ConfigFile, nt)
			assert.Equal(t, 16, r.code, "a suspended token cannot pay: FailedPrecondition; %s", r.stderr)

			require.Equal(t, 204, control(t, info, "POST", "network-tokens/"+nt, `{"state": "active"}`, nil))
			requireOK(t, runCmd(t, "", "cryptogram", "-config", info.ConfigFile, nt), "cryptogram after reactivation")

			var e struct{ Error string }
			assert.Equal(t, 404, control(t, info, "POST", "network-tokens/nt_unknown", `{"state": "active"}`, &e))
			assert.NotEmpty(t, e.Error)

			require.Equal(t, 204, control(t, info, "POST", "reset", "", nil))
			var c simCounters
			control(t, info, "GET", "counters", "", &c)
			assert.Zero(t, c.Requests, "a reset zeroes the counters")
			r = runCmd(t, "", "network-token", "get", "-config", info.ConfigFile, nt)
			assert.Equal(t, 15, r.code, "a reset forgets every token: NotFound; %s", r.stderr)
		})
	}
}

// Each fault of the fault matrix, armed through the control API for one
// token's path, reaches the command as the exit status of its class; the
// counters show the retries.
func TestControlAPIInjectsFaults(t *testing.T) {
	sim := startSim(t, "-provider", "checkout")
	info := sim.sims["checkout"]
	cases := []struct {
		fault string
		want  int
	}{
		{`{"kind": "latency", "delay": "5s"}`, 19},
		{`{"kind": "status", "status": 503, "body": "<html>Service Unavailable</html>", "content_type": "text/html"}`, 18},
		{`{"kind": "status", "status": 429, "retry_after": "0"}`, 17},
		{`{"kind": "reset"}`, 18},
		{`{"kind": "reset-mid-body"}`, 18},
		{`{"kind": "truncated"}`, 22},
		{`{"kind": "oversized", "size": 2097152}`, 22},
		{`{"kind": "wrong-content-type"}`, 0}, // accepted: see RELIABILITY.md
		{`{"kind": "stall"}`, 19},
	}
	for _, c := range cases {
		var kind struct{ Kind string }
		require.NoError(t, json.Unmarshal([]byte(c.fault), &kind))
		t.Run(kind.Kind, func(t *testing.T) {
			t.Parallel()
			_, nt := provisioned(t, info)
			path := "/network-tokens/" + nt
			fault := strings.Replace(c.fault, "{", `{"method": "GET", "path_prefix": "`+path+`", `, 1)
			require.Equal(t, 201, control(t, info, "POST", "faults", fault, nil))

			r := runCmd(t, "", "network-token", "get", "-config", info.ConfigFile, "-timeout", "1s", nt)
			assert.Equal(t, c.want, r.code, "stderr: %s", r.stderr)
		})
	}
	t.Cleanup(func() {
		var c simCounters
		control(t, info, "GET", "counters", "", &c)
		assert.Greater(t, c.ByRoute["GET /network-tokens/{id}"], int64(len(cases)), "reads are retried")
		assert.Greater(t, c.Faulted, int64(len(cases)))
		var armed struct{ Faults []map[string]any }
		control(t, info, "GET", "faults", "", &armed)
		assert.Len(t, armed.Faults, len(cases), "armed until cleared")
		assert.Equal(t, 204, control(t, info, "DELETE", "faults", "", nil))
	})
}

// A card number on the command line reaches no simulator: nothing is sent.
func TestCardNumberOnCommandLineSendsNothing(t *testing.T) {
	sim := startSim(t, "-provider", "nuvei")
	info := sim.sims["nuvei"]
	r := runCmd(t, "", "network-token", "provision", "-config", info.ConfigFile, "-card", info.TestCards[0].Number)
	assert.Equal(t, exitUsage, r.code)
	var c simCounters
	control(t, info, "GET", "counters", "", &c)
	assert.Zero(t, c.Requests)
}

// -control off refuses the control API; the simulated API still answers.
func TestControlAPIOff(t *testing.T) {
	sim := startSim(t, "-provider", "nuvei", "-control", "off")
	info := sim.sims["nuvei"]
	assert.Equal(t, "off", info.Control)
	var e struct{ Error string }
	assert.Equal(t, 403, control(t, info, "GET", "counters", "", &e))
	assert.Contains(t, e.Error, "off")
	provisioned(t, info)

	r := runCmd(t, "", "sim", "-control", "sometimes")
	assert.Equal(t, exitUsage, r.code)
}

// With -seed, the same requests get the same ids from one run of the
// simulator to the next, and after a reset.
func TestSeedIsReproducible(t *testing.T) {
	ids := func(info simInfo) string {
		pt, nt := provisioned(t, info)
		return pt + " " + nt
	}
	first := startSim(t, "-provider", "checkout", "-seed", "42")
	second := startSim(t, "-provider", "checkout", "-seed", "42")
	a := ids(first.sims["checkout"])
	assert.Equal(t, a, ids(second.sims["checkout"]))
	require.Equal(t, 204, control(t, first.sims["checkout"], "POST", "reset", "", nil))
	assert.Equal(t, a, ids(first.sims["checkout"]), "a reset starts the ids over")

	other := startSim(t, "-provider", "checkout", "-seed", "43")
	assert.NotEqual(t, a, ids(other.sims["checkout"]))
}

// -v logs each request's method, path, status and duration, never a body;
// a connection a fault cut says so rather than a status nobody saw.
func TestSimRequestLog(t *testing.T) {
	sim := startSim(t, "-provider", "nuvei", "-v")
	info := sim.sims["nuvei"]
	r := runCmd(t, "", "network-token", "provision", "-config", info.ConfigFile, "-card", writeCard(t, info.TestCards[0].Number))
	requireOK(t, r, "provision")
	require.Equal(t, 201, control(t, info, "POST", "faults", `{"kind": "reset", "times": 1}`, nil))
	resp, err := http.Get(info.BaseURL + "/network-tokens/x")
	if err == nil {
		resp.Body.Close()
	}
	require.Eventually(t, func() bool { return strings.Contains(sim.stderr.String(), "connection cut by a fault") }, 10*time.Second, 10*time.Millisecond)
	log := sim.stderr.String()
	assert.Contains(t, log, "method=POST path=/network-tokens status=201")
	assert.NotContains(t, log, info.TestCards[0].Number)
	assert.NotContains(t, log, "cardNumber", "no body is logged")
}
