package main

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
)

// A card number on the command line is refused, before anything is parsed
// or sent, with exit status 2 and an error that does not repeat it: not in
// full, not masked, not its last four digits.
func TestCardNumberOnCommandLineIsRefused(t *testing.T) {
	sim := startSim(t, "-provider", "checkout")
	cfg := sim.sims["checkout"].ConfigFile
	const pan = checkoutsim.VisaPAN
	cases := map[string][]string{
		"positional":                {"payment-token", "create", "-config", cfg, pan},
		"flag value":                {"payment-token", "create", "-config", cfg, "-card", pan},
		"flag=value":                {"payment-token", "create", "-config", cfg, "-card=" + pan},
		"grouped by spaces":         {"payment-token", "create", "-config", cfg, "-card", "4242 4242 4242 4242"},
		"grouped by hyphens":        {"payment-token", "create", "-config", cfg, "-card=4242-4242-4242-4242"},
		"as an unknown flag":        {"payment-token", "create", "-config", cfg, "-" + pan},
		"after --":                  {"payment-token", "get", "-config", cfg, "--", pan},
		"inside another value":      {"network-token", "get", "-config", cfg, "card:" + pan + ":12/30"},
		"before the command":        {pan, "payment-token", "create"},
		"to help":                   {"help", pan},
		"with its CVV":              {"payment-token", "create", "-config", cfg, "-card", pan + " 123"},
		"as a merchant reference":   {"payment-token", "create", "-config", cfg, "-card", "x.json", "-merchant-reference", pan},
		"a 13-digit number":         {"payment-token", "get", "-config", cfg, "4222222222222"},
		"to the simulator command":  {"sim", "-addr", pan},
		"a number failing the Luhn": {"payment-token", "get", "-config", cfg, "4242424242424241"},
		// Typed with spaces and no quotes, the shell splits it in four.
		"split by the shell":    {"payment-token", "create", "-config", cfg, "-card", "4242", "4242", "4242", "4242"},
		"split as positionals":  {"payment-token", "get", "-config", cfg, "4242", "4242", "4242", "4242"},
		"split with its expiry": {"cryptogram", "-config", cfg, "4242", "4242", "4242", "4242", "12/30"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			r := runCmd(t, "", args...)
			assert.Equal(t, exitUsage, r.code)
			assert.Contains(t, r.stderr, " like a card number")
			assert.Contains(t, r.stderr, "never from the command line")
			assert.Empty(t, r.stdout)
			for _, a := range args {
				if digits := onlyDigits(a); len(digits) >= 12 {
					assert.NotContains(t, onlyDigits(r.output()), digits[len(digits)-4:],
						"not even the last four digits are repeated")
				}
			}
		})
	}
	// Nothing reached the simulator: the refusal comes before the
	// configuration is read. (The control API's counters check this more
	// directly once the simulators serve it.)
}

// newUUID returns a random version 4 UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// onlyDigits returns the digits of s, so that a number printed with
// separators is found too.
func onlyDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// The same refusal, checked in-process on the function every command line
// goes through first, with the positions it names.
func TestRefuseCardNumbers(t *testing.T) {
	require.NoError(t, refuseCardNumbers([]string{"network-token", "get", "nt_4pxvqk2c65mdm633dmkar5tqbt", "-timeout", "30s"}))
	require.NoError(t, refuseCardNumbers([]string{"payment-token", "get", "1eaf1356-a9a2-4a16-a0c1-290ba2265257"}), "a UUID is not a card number")
	require.NoError(t, refuseCardNumbers([]string{"sim", "-addr", "127.0.0.1:8080"}))
	require.NoError(t, refuseCardNumbers([]string{"805540cf-2310-4551-8161-4b7521aec0f5", "-ref=12345678-1234-4234-8234-123456789012"}),
		"a UUID whose groups are digits is an id, not a grouped card number")
	for range 10000 {
		id := newUUID()
		require.NoError(t, refuseCardNumbers([]string{id}), id)
	}
	dir := filepath.Join(t.TempDir(), "build_01234567890123")
	require.NoError(t, os.Mkdir(dir, 0o755))
	require.NoError(t, refuseCardNumbers([]string{"-config-dir", dir, "-card=" + dir}), "an existing path names a place, not card data")
	require.Error(t, refuseCardNumbers([]string{filepath.Join(dir, "4111111111111111")}), "unless it does not exist")
	t.Chdir(t.TempDir())
	require.NoError(t, os.WriteFile("4111111111111111", nil, 0o600))
	require.Error(t, refuseCardNumbers([]string{"4111111111111111"}), "a bare number is refused even when a file has that name")

	for _, a := range []string{
		"4111111111111111-1111-1111-1111-111111111111", // a card number then UUID-shaped groups
		"4111 1111 1111 1111 805540cf-2310-4551-8161-4b7521aec0f5",
		"805540cf-2310-4551-8161-4b7521aec0f5:4111111111111111",
	} {
		require.Error(t, refuseCardNumbers([]string{a}), "a UUID beside a card number hides nothing")
	}

	err := refuseCardNumbers([]string{"payment-token", "create", "-card", "4111111111111111"})
	require.Error(t, err)
	assert.Equal(t, exitUsage, exitCode(err))
	assert.Contains(t, err.Error(), "argument 4 ")
	assert.NotContains(t, err.Error(), "1111")

	// Split by the shell: the shortest run of arguments is named.
	err = refuseCardNumbers([]string{"payment-token", "get", "-config", "x.json", "4111", "1111", "1111", "1111", "-json"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "arguments 5 to 7 together", "twelve digits are enough")
	assert.NotContains(t, err.Error(), "1111")
	// Short numbers side by side are not a card number.
	require.NoError(t, refuseCardNumbers([]string{"network-token", "sync", "-concurrency", "16", "-rate", "1000", "-timeout", "30s"}))
	require.NoError(t, refuseCardNumbers([]string{"sim", "-seed", "20240101", "-addr", "127.0.0.1:8081"}))
}
