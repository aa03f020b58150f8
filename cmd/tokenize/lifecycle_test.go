package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

// writeCard writes a -card file for number and returns its path.
func writeCard(t *testing.T, number string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "card.json")
	body := fmt.Sprintf(`{"number": %q, "expiry_month": 12, "expiry_year": %d, "cvv": "123", "holder_name": "Ada Lovelace"}`, number, time.Now().Year()+3)
	require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
	return path
}

// decodeRecord decodes the one JSON record a single-item command printed.
func decodeRecord(t *testing.T, r result) record {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 1, "one JSON line; stdout: %s; stderr: %s", r.stdout, r.stderr)
	var rec record
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &rec), lines[0])
	return rec
}

// requireOK fails unless the command exited 0.
func requireOK(t *testing.T, r result, what string) {
	t.Helper()
	require.Equal(t, 0, r.code, "%s: exit status; stdout: %s; stderr: %s", what, r.stdout, r.stderr)
}

// The whole lifecycle, run as a user runs it: "tokenize sim" in a process
// of its own, each operation a run of the binary against the configuration
// files it wrote, JSON and exit statuses checked, no card number printed.
func TestLifecycleAgainstSim(t *testing.T) {
	sim := startSim(t)
	for _, provider := range simulatorNames() {
		t.Run(provider, func(t *testing.T) {
			info, ok := sim.sims[provider]
			require.True(t, ok, "tokenize sim printed no %s simulator", provider)
			cfg := info.ConfigFile
			require.FileExists(t, cfg)
			pan := info.TestCards[0].Number
			card := writeCard(t, pan)

			// Create, from a file and from standard input.
			r := runCmd(t, "", "payment-token", "create", "-config", cfg, "-card", card, "-json", "-merchant-reference", "cli-test")
			requireOK(t, r, "create")
			created := decodeRecord(t, r)
			require.True(t, created.OK)
			pt := created.PaymentToken
			require.NotNil(t, pt)
			assert.Equal(t, provider, pt.Provider)
			assert.Equal(t, "card", pt.Kind)
			assert.Equal(t, pan[len(pan)-4:], pt.Card.Last4)

			cardJSON, err := os.ReadFile(card)
			require.NoError(t, err)
			r = runCmd(t, string(cardJSON), "payment-token", "create", "-config", cfg, "-card", "-", "-q")
			requireOK(t, r, "create from stdin")
			assert.Regexp(t, `^\S+\n$`, r.stdout, "-q prints the id alone")

			// Read it back, as text for people.
			r = runCmd(t, "", "payment-token", "get", "-config", cfg, "--", pt.ID)
			requireOK(t, r, "get")
			assert.Contains(t, r.stdout, pt.ID)
			assert.Contains(t, r.stdout, pt.Card.MaskedNumber)

			// Provision from the payment token where the provider can,
			// else from the card.
			provision := []string{"network-token", "provision", "-config", cfg, "-json", "-payment-token", pt.ID}
			if provider == "nuvei" {
				r = runCmd(t, "", provision...)
				assert.Equal(t, 21, r.code, "Nuvei provisions from a card only: Unsupported; %s", r.stderr)
				provision = []string{"network-token", "provision", "-config", cfg, "-json", "-card", card}
			}
			r = runCmd(t, "", provision...)
			requireOK(t, r, "provision")
			nt := decodeRecord(t, r).NetworkToken
			require.NotNil(t, nt)
			assert.Equal(t, "active", nt.State)
			assert.Regexp(t, `^\d{6}\*+\d{4}$`, nt.MaskedNumber)

			r = runCmd(t, "", "network-token", "get", "-config", cfg, "-json", "--", nt.ID)
			requireOK(t, r, "get network token")
			assert.Equal(t, nt.ID, decodeRecord(t, r).NetworkToken.ID)

			r = runCmd(t, "", "cryptogram", "-config", cfg, "-json", "--", nt.ID)
			requireOK(t, r, "cryptogram")
			cg := decodeRecord(t, r).Cryptogram
			require.NotNil(t, cg)
			assert.Equal(t, "[REDACTED]", cg.Value)
			assert.Regexp(t, `^\d\d$`, cg.ECI)

			// Delete where the provider can; Unsupported (21) otherwise,
			// refused before anything is sent.
			r = runCmd(t, "", "network-token", "delete", "-config", cfg, "--", nt.ID)
			if provider == "nuvei" {
				assert.Equal(t, 21, r.code, r.stderr)
				assert.Contains(t, r.stderr, "Unsupported")
			} else {
				requireOK(t, r, "delete network token")
				r = runCmd(t, "", "cryptogram", "-config", cfg, "--", nt.ID)
				if provider == "worldpay" {
					// Worldpay forgets a deleted token (the suite allows either).
					assert.Equal(t, 15, r.code, "a deleted token cannot pay: NotFound; %s", r.stderr)
				} else {
					assert.Equal(t, 16, r.code, "a deleted token cannot pay: FailedPrecondition; %s", r.stderr)
				}
			}
			r = runCmd(t, "", "payment-token", "delete", "-config", cfg, "-json", "--", pt.ID)
			if provider == "nuvei" {
				assert.Equal(t, 21, r.code)
				rec := decodeRecord(t, r)
				assert.False(t, rec.OK)
				assert.Equal(t, 21, rec.ExitStatus)
				assert.Equal(t, "Unsupported", rec.Error.Code.String())
			} else {
				requireOK(t, r, "delete payment token")
				r = runCmd(t, "", "payment-token", "get", "-config", cfg, "--", pt.ID)
				assert.Equal(t, 15, r.code, "NotFound after delete; %s", r.stderr)
			}

			for _, n := range info.TestCards {
				assert.NotContains(t, sim.stderr.String(), n.Number)
			}
		})
	}
}

// A configuration in the router form, several providers behind one
// Client, works with every command: ids come back as provider:id
// references, and each goes back to the provider that issued it.
func TestRouterConfiguration(t *testing.T) {
	sim := startSim(t)
	nuvei, checkout := sim.sims["nuvei"], sim.sims["checkout"]
	cfg := fmt.Sprintf(`{"router": {"default": "checkout", "rules": [{"brand": ["mastercard"], "to": ["nuvei"]}]},
		"providers": {"nuvei": %s, "checkout": %s}}`, nuvei.Config.Settings, checkout.Config.Settings)
	path := filepath.Join(t.TempDir(), "router.json")
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))

	for _, c := range []struct{ pan, provider string }{{checkout.TestCards[0].Number, "checkout"}, {"5555555555554444", "nuvei"}} {
		r := runCmd(t, "", "payment-token", "create", "-config", path, "-card", writeCard(t, c.pan), "-q")
		requireOK(t, r, "create through the router")
		ref := strings.TrimSpace(r.stdout)
		assert.True(t, strings.HasPrefix(ref, c.provider+":"), "%s goes to %s: %s", c.pan[:6], c.provider, ref)
		r = runCmd(t, "", "payment-token", "get", "-config", path, "-json", ref)
		requireOK(t, r, "get through the router")
		assert.Equal(t, ref, decodeRecord(t, r).PaymentToken.ID, "the reference reads back from the provider that issued it")
	}
}

// Every adapter in providers/ is usable from the command, and every
// simulator beside one is served by tokenize sim: a new provider fails
// here until its blank import (client.go) and its line in the table
// (simulators.go) are added.
func TestEveryProviderIsServed(t *testing.T) {
	dirs, err := os.ReadDir(filepath.Join("..", "..", "providers"))
	require.NoError(t, err)
	registered := tokenize.Providers()
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		name := d.Name()
		assert.Contains(t, registered, name, `blank-import github.com/tokenize-go/tokenize/providers/%s in cmd/tokenize/client.go`, name)
		if _, err := os.Stat(filepath.Join("..", "..", "providers", name, name+"sim")); err == nil {
			assert.Contains(t, simulatorNames(), name, `add entry(%q, %ssim.New, %ssim.WithSeed, %ssim.TestCards) to cmd/tokenize/simulators.go`, name, name, name, name)
		}
	}
}
