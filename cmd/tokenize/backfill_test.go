package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A backfill from the command line: "network-token provision -ids" over
// a file of payment tokens, paced by -rate, one JSON record per id with
// its ref; a rerun over the same file makes nothing new at a provider
// that answers existing tokens (Checkout.com), and says so.
func TestProvisionBackfillAgainstSim(t *testing.T) {
	sim := startSim(t)
	info, ok := sim.sims["checkout"]
	require.True(t, ok, "tokenize sim printed no checkout simulator")
	cfg := info.ConfigFile
	card := writeCard(t, info.TestCards[0].Number)
	var ids []string
	for range 6 {
		r := runCmd(t, "", "payment-token", "create", "-config", cfg, "-card", card, "-q")
		requireOK(t, r, "create")
		ids = append(ids, strings.TrimSpace(r.stdout))
	}
	file := filepath.Join(t.TempDir(), "payment-tokens.txt")
	require.NoError(t, os.WriteFile(file, []byte("# the cards to backfill\n"+strings.Join(ids, "\n")+"\n"), 0o600))

	run := func() map[string]record {
		t.Helper()
		r := runCmd(t, "", "network-token", "provision", "-config", cfg, "-ids", file, "-json", "-rate", "50", "-concurrency", "3")
		requireOK(t, r, "provision -ids")
		assert.Empty(t, r.stderr, "no progress line when standard error is not a terminal")
		got := map[string]record{}
		for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
			var rec record
			require.NoError(t, json.Unmarshal([]byte(line), &rec), line)
			require.True(t, rec.OK, line)
			require.NotNil(t, rec.NetworkToken, line)
			_, dup := got[rec.Ref]
			require.False(t, dup, "a second line for %s", rec.Ref)
			got[rec.Ref] = rec
		}
		return got
	}
	first := run()
	require.Len(t, first, len(ids), "one line per id")
	for _, id := range ids {
		assert.False(t, first[id].NetworkToken.AlreadyExisted, id)
	}
	again := run()
	require.Len(t, again, len(ids))
	for _, id := range ids {
		assert.True(t, again[id].NetworkToken.AlreadyExisted, "%s: made by the first run", id)
		assert.Equal(t, first[id].NetworkToken.ID, again[id].NetworkToken.ID, id)
	}

	r := runCmd(t, "", "network-token", "provision", "-config", cfg, "-ids", file, "-rate", "-1")
	assert.Equal(t, 2, r.code, "a negative -rate is a usage error; %s", r.stderr)

	// Nuvei provisions from cards only: refused once, nothing sent.
	nuvei := sim.sims["nuvei"]
	r = runCmd(t, "", "network-token", "provision", "-config", nuvei.ConfigFile, "-ids", file, "-json")
	assert.Equal(t, 21, r.code, "Unsupported; stdout: %s; stderr: %s", r.stdout, r.stderr)
	assert.Empty(t, r.stdout, "no line per id")
}
