package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize/internal/redact"
)

// The lifecycle loop a user runs with the command: keep what "get -json"
// printed, change tokens at the simulator as the scheme would, and sync
// reports exactly those changes, for both providers.
func TestSyncReportsChanges(t *testing.T) {
	sim := startSim(t)
	for _, provider := range simulatorNames() {
		t.Run(provider, func(t *testing.T) {
			info := sim.sims[provider]
			_, suspended := provisioned(t, info)
			_, untouched := provisioned(t, info)
			r := runCmd(t, "", "network-token", "get", "-config", info.ConfigFile, "-json", suspended, untouched)
			requireOK(t, r, "get")
			heldFile := filepath.Join(t.TempDir(), "held.jsonl")
			held := r.stdout + "# a comment, and a token the provider never knew:\nnt_aaaaaaaaaaaaaaaaaaaaaaaaaa\n"
			require.NoError(t, os.WriteFile(heldFile, []byte(held), 0o600))

			r = runCmd(t, "", "network-token", "sync", "-config", info.ConfigFile, "-held", heldFile, "-json")
			requireOK(t, r, "sync before any change")
			assert.Equal(t, 1, strings.Count(r.stdout, "\n"), "only the unknown token: %s", r.stdout)

			require.Equal(t, 204, control(t, info, "POST", "network-tokens/"+suspended, `{"state": "suspended"}`, nil))
			r = runCmd(t, held, "network-token", "sync", "-config", info.ConfigFile, "-held", "-", "-json")
			requireOK(t, r, "sync")
			events := map[string]record{}
			for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
				var rec record
				require.NoError(t, json.Unmarshal([]byte(line), &rec), line)
				require.True(t, rec.OK, line)
				require.NotNil(t, rec.Event, line)
				events[rec.Ref] = rec
			}
			require.Len(t, events, 2, "the suspended token and the unknown one, not the untouched one: %s", r.stdout)
			// A ref is printed with card-number-like runs masked (output.item):
			// a Nuvei id is a random UUID, and about one in a hundred has
			// 13 digits in a row across its hyphens.
			ref := redact.CardNumbers(suspended)
			require.Contains(t, events, ref, "the suspended token: %s", r.stdout)
			ev := events[ref].Event
			assert.Equal(t, "state_changed", ev.Kind)
			assert.Equal(t, "suspended", ev.NetworkToken.State)
			assert.NotEmpty(t, ev.ID)
			assert.Equal(t, "deleted", events["nt_aaaaaaaaaaaaaaaaaaaaaaaaaa"].Event.Kind, "a token the provider does not know")

			r = runCmd(t, "", "network-token", "sync", "-config", info.ConfigFile, "-held", heldFile)
			requireOK(t, r, "sync, text")
			assert.Contains(t, r.stdout, ref+"  ok    state_changed: "+suspended)
		})
	}
}

func TestSyncRefusesBadInput(t *testing.T) {
	sim := startSim(t, "-provider", "checkout")
	cfg := sim.sims["checkout"].ConfigFile
	r := runCmd(t, "nt_aaaaaaaaaaaaaaaaaaaaaaaaaa\n{\"id\": \"nt_b\", \"state\": \"melted\"}\n", "network-token", "sync", "-config", cfg, "-held", "-")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "-held: line 2: \"state\": unknown state")
	assert.NotContains(t, r.stderr, "melted", "the line's content is not repeated")

	r = runCmd(t, "{\"id\": 4}\n", "network-token", "sync", "-config", cfg, "-held", "-")
	assert.Equal(t, exitUsage, r.code)
	assert.Equal(t, exitUsage, runCmd(t, "", "network-token", "sync", "-config", cfg).code, "-held is required")
}
