package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
	"github.com/tokenize-go/tokenize/providers/worldpay/worldpaysim"
)

// The quickstart is the project's main job: against the built-in
// simulators every step must succeed for every provider, in the same
// order, and print no card number.
func TestQuickstartJSON(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out, nil, "", "", false, true))

	steps := map[string][]string{}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var r record
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r), sc.Text())
		assert.True(t, r.OK, "%s %s: %s", r.Provider, r.Step, r.Detail)
		steps[r.Provider] = append(steps[r.Provider], r.Step)
	}
	require.Len(t, steps, 3)
	assert.Len(t, steps["nuvei"], 11)
	assert.Equal(t, steps["nuvei"], steps["checkout"], "every provider runs the same steps")
	assert.Equal(t, steps["nuvei"], steps["worldpay"], "every provider runs the same steps")
	for _, pan := range []string{nuveisim.VisaPAN, checkoutsim.VisaPAN, worldpaysim.VisaPAN, worldpaysim.PendingPAN, checkoutsim.RequestedPAN} {
		assert.NotContains(t, out.String(), pan)
	}
}

// The lifecycle step shows the suspension arriving by webhook for
// Checkout.com and by sync for Nuvei and Worldpay; the pending step shows a
// requested token finished by AwaitNetworkToken where the provider
// provisions asynchronously.
func TestQuickstartTokenChange(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out, nil, "", "", false, true))
	details := map[string]string{}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var r record
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r))
		switch r.Step {
		case "issuer suspends network token":
			details[r.Provider] = r.Detail
		case "provision pending, await the token":
			details[r.Provider+" pending"] = r.Detail
		}
	}
	assert.Regexp(t, `^webhook nt_[a-z2-7]{26}: state_changed, now suspended$`, details["checkout"])
	assert.Regexp(t, `^sync [0-9a-f-]{36}: state_changed, now suspended$`, details["nuvei"])
	assert.Regexp(t, `^sync [0-9a-f-]{36}: state_changed, now suspended$`, details["worldpay"])
	for _, p := range []string{"checkout", "worldpay"} {
		assert.Regexp(t, `^requested, active after [0-9.]+s: dpan \d{6}\*+\d{4}$`, details[p+" pending"])
	}
	assert.Equal(t, "skipped: nuvei answers with the token", details["nuvei pending"])
}

func TestQuickstartTable(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out, nil, "checkout", "", false, false))
	assert.Contains(t, out.String(), "STEP")
	assert.Contains(t, out.String(), "CHECKOUT")
	assert.NotContains(t, out.String(), "NUVEI")
	assert.NotContains(t, out.String(), checkoutsim.VisaPAN)

	assert.ErrorContains(t, run(&out, nil, "nope", "", false, false), `no provider named "nope"`)

	// A long id (Worldpay's) is abbreviated so the card it names still shows.
	out.Reset()
	require.NoError(t, run(&out, nil, "worldpay", "", false, false))
	assert.Regexp(t, `(?m)^create payment token +ok +eyJrIjoxLCJk…[A-Za-z0-9_-]{8} visa 444433\*+1111 \d+/\d{4}`, out.String())
}

func TestBadCheckDigit(t *testing.T) {
	assert.Equal(t, "4242424242424243", badCheckDigit("4242424242424242"))
	assert.Equal(t, "4111111111111110", badCheckDigit("4111111111111119"))
}

// -config runs the same lifecycle against whatever the file points at,
// here a simulator standing in for a sandbox, with the secret taken from
// the environment.
func TestQuickstartConfigFile(t *testing.T) {
	sim := nuveisim.NewServer()
	defer sim.Close()
	t.Setenv("QS_NUVEI_KEY", nuveisim.APIKey)
	path := filepath.Join(t.TempDir(), "sandbox.json")
	cfg := `{"provider":"nuvei","settings":{"base_url":"` + sim.URL + `","api_key":"${QS_NUVEI_KEY}","processing_entity_id":"` + nuveisim.ProcessingEntityID + `"}}`
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))

	var out bytes.Buffer
	require.NoError(t, run(&out, []string{path}, "", "", false, true))
	assert.Equal(t, 11, strings.Count(out.String(), `"provider":"nuvei"`))
	assert.Contains(t, out.String(), "sync: no change", "no simulator control: the sync finds nothing")
	assert.NotContains(t, out.String(), `"ok":false`)
	assert.NotContains(t, out.String(), nuveisim.APIKey)
}
