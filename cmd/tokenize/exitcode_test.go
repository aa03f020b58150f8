package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

// Every Code has an exit status of its own, distinct from every other
// status; a new Code without an entry fails here.
func TestExitCodesCoverEveryCode(t *testing.T) {
	seen := map[int]string{}
	for _, r := range exitTable() {
		prev, dup := seen[r.Status]
		require.False(t, dup, "exit status %d is both %s and %s", r.Status, prev, r.Name)
		seen[r.Status] = r.Name
		assert.NotEmpty(t, r.Meaning, r.Name)
	}
	for c := tokenize.Unknown; c <= tokenize.Internal; c++ {
		assert.Contains(t, codeExits, c)
		assert.Equal(t, codeExits[c], exitCode(&tokenize.Error{Code: c}), c.String())
	}
	assert.Len(t, codeExits, int(tokenize.Internal), "one entry per Code but OK")
	assert.Equal(t, "Code(13)", tokenize.Code(13).String(), "a Code after Internal needs an exit status")
}

func TestExitCode(t *testing.T) {
	assert.Equal(t, exitOK, exitCode(nil))
	assert.Equal(t, exitUsage, exitCode(usagef("x")))
	assert.Equal(t, exitConfig, exitCode(&configErr{&tokenize.Error{Code: tokenize.InvalidArgument}}),
		"a configuration error is not the InvalidArgument of a request")
	assert.Equal(t, exitPartial, exitCode(&partialError{1, 2}))
	assert.Equal(t, 15, exitCode(fmt.Errorf("wrapped: %w", &tokenize.Error{Code: tokenize.NotFound})))
	assert.Equal(t, 20, exitCode(context.Canceled))
	assert.Equal(t, 19, exitCode(context.DeadlineExceeded))
	assert.Equal(t, exitFailure, exitCode(errors.New("disk full")))
}

// README's table of exit statuses is the one in the code.
func TestREADMEExitStatusTable(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	var want strings.Builder
	want.WriteString("| Status | Name | Meaning |\n|---|---|---|\n")
	for _, r := range exitTable() {
		fmt.Fprintf(&want, "| %d | %s | %s |\n", r.Status, r.Name, r.Meaning)
	}
	assert.True(t, strings.Contains(string(readme), want.String()), "README's exit status table must read:\n%s", want.String())
}

// Each failure class, as a script sees it: the exit status and, with
// -json, the same status and the error's code in the record.
func TestExitStatusOfFailures(t *testing.T) {
	sim := startSim(t)
	nuvei, checkout := sim.sims["nuvei"].ConfigFile, sim.sims["checkout"].ConfigFile
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	badLuhn := write("bad.json", `{"number": "4242424242424241", "expiry_month": 12, "expiry_year": 2040}`)
	badKey := write("badkey.json", strings.Replace(readFile(t, nuvei), `"api_key": "`, `"api_key": "wrong`, 1))
	noKey := write("nokey.json", `{"provider": "nuvei", "settings": {}}`)
	unset := write("unset.json", `{"provider": "nuvei", "settings": {"api_key": "${TOKENIZE_TEST_UNSET_VARIABLE}"}}`)
	ids := write("ids.txt", "# held tokens\nsrc_aaaaaaaaaaaaaaaaaaaaaaaaaa\n\nsrc_bbbbbbbbbbbbbbbbbbbbbbbbbb\n")

	cases := []struct {
		name string
		args []string
		want int
		code string // the record's error code, with -json
	}{
		{"not found", []string{"payment-token", "get", "-config", checkout, "src_aaaaaaaaaaaaaaaaaaaaaaaaaa"}, 15, "NotFound"},
		{"unsupported", []string{"network-token", "delete", "-config", nuvei, "nt_x"}, 21, "Unsupported"},
		{"invalid card", []string{"payment-token", "create", "-config", checkout, "-card", badLuhn}, 12, "InvalidArgument"},
		{"bad credentials", []string{"network-token", "get", "-config", badKey, "805540cf-2310-4551-ade4-7d03404a1f5e"}, 13, "Unauthenticated"},
		{"config missing a setting", []string{"network-token", "get", "-config", noKey, "x"}, 3, ""},
		{"config with an unset variable", []string{"network-token", "get", "-config", unset, "x"}, 3, ""},
		{"config file missing", []string{"network-token", "get", "-config", filepath.Join(dir, "none.json"), "x"}, 3, ""},
		{"no config", []string{"network-token", "get", "x"}, 2, ""},
		{"unknown flag", []string{"network-token", "get", "-config", checkout, "-nope", "x"}, 2, ""},
		{"unknown command", []string{"network-token", "sing"}, 2, ""},
		{"missing id", []string{"network-token", "get", "-config", checkout}, 2, ""},
		{"card file missing", []string{"payment-token", "create", "-config", checkout, "-card", filepath.Join(dir, "none.json")}, 2, ""},
		{"batch with failures", []string{"payment-token", "get", "-config", checkout, "-ids", ids}, 4, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runCmd(t, "", c.args...)
			assert.Equal(t, c.want, r.code, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
			assert.NotEmpty(t, r.stderr, "a failure says why on standard error")
			if c.code == "" {
				return
			}
			r = runCmd(t, "", append(c.args, "-json")...)
			rec := decodeRecord(t, r)
			assert.False(t, rec.OK)
			assert.Equal(t, c.want, rec.ExitStatus)
			require.NotNil(t, rec.Error)
			assert.Equal(t, c.code, rec.Error.Code.String())
		})
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}
