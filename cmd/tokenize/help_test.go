package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// runHere runs the command in this process, for what needs no provider.
func runHere(args ...string) (stdout, stderr string, code int) {
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, stdio{in: strings.NewReader(""), out: &out, err: &errOut})
	return out.String(), errOut.String(), code
}

// Every command's -h is a manual with the sections of a man page, on
// standard output, with exit status 0; "tokenize help COMMAND" prints the
// same.
func TestEveryCommandHasAManual(t *testing.T) {
	for _, c := range commands {
		t.Run(c.path, func(t *testing.T) {
			out, errOut, code := runHere(append(strings.Fields(c.path), "-h")...)
			assert.Equal(t, exitOK, code)
			assert.Empty(t, errOut)
			last := -1
			for _, section := range []string{"NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "EXAMPLES"} {
				i := strings.Index(out, "\n"+section+"\n")
				if assert.GreaterOrEqual(t, i, 0, "section %s", section) {
					assert.Greater(t, i, last, "section %s in order", section)
					last = i
				}
			}
			assert.Contains(t, strings.Join(strings.Fields(out), " "), "NAME tokenize "+c.path+" - "+c.summary+" SYNOPSIS")
			for _, line := range strings.Split(out, "\n") {
				assert.LessOrEqual(t, len([]rune(line)), width, "fits 80 columns: %q", line)
				// Examples are pasted into a shell: a continued line ends in
				// one backslash (a raw string literal needs no escaping).
				assert.NotContains(t, line, `\\`, "a shell line ends in one backslash: %q", line)
			}

			viaHelp, _, code := runHere(append([]string{"help"}, strings.Fields(c.path)...)...)
			assert.Equal(t, exitOK, code)
			assert.Equal(t, out, viaHelp)
		})
	}
}

func TestOverviewAndUnknownCommands(t *testing.T) {
	out, _, code := runHere("help")
	assert.Equal(t, exitOK, code)
	for _, c := range commands {
		assert.Contains(t, out, c.path)
	}

	_, errOut, code := runHere()
	assert.Equal(t, exitUsage, code, "no command: the overview on standard error, status 2")
	assert.Contains(t, errOut, "COMMANDS")

	_, errOut, code = runHere("network-token")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "a subcommand is required")
	assert.Contains(t, errOut, "network-token provision")
	assert.NotContains(t, errOut, "payment-token create", "only the group's commands")

	_, errOut, code = runHere("tokenise")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, `unknown command "tokenise"`)

	_, errOut, code = runHere("cryptogram", "-nope")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "flag provided but not defined: -nope")
	assert.Contains(t, errOut, "tokenize cryptogram -h")
}

// Flags may follow the arguments, as people type them; "--" ends them.
func TestFlagsAfterArguments(t *testing.T) {
	_, errOut, code := runHere("network-token", "get", "nt_x", "-config", "/nonexistent/tokenize.json")
	assert.Equal(t, exitConfig, code, "the -config after the id was parsed: %s", errOut)

	_, errOut, code = runHere("network-token", "get", "-config", "/nonexistent/tokenize.json", "--", "-nt_x")
	assert.Equal(t, exitConfig, code, "after --, -nt_x is an id, not a flag: %s", errOut)
}
