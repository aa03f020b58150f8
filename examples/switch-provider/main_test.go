package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The two config files differ only in the provider value, and the same
// orchestrator code runs from both.
func TestSwitchProvider(t *testing.T) {
	a, err := configs.ReadFile("nuvei.json")
	require.NoError(t, err)
	b, err := configs.ReadFile("checkout.json")
	require.NoError(t, err)
	assert.Equal(t, string(a), strings.Replace(string(b), `"provider": "checkout"`, `"provider": "nuvei"`, 1))

	for k := range map[string]bool{"NUVEI_BASE_URL": true, "NUVEI_API_KEY": true, "NUVEI_PROCESSING_ENTITY_ID": true,
		"CHECKOUT_BASE_URL": true, "CHECKOUT_TOKEN_URL": true, "CHECKOUT_CLIENT_ID": true,
		"CHECKOUT_CLIENT_SECRET": true, "CHECKOUT_PUBLIC_KEY": true} {
		t.Setenv(k, "") // restored after the test; startSimulators sets them
	}
	stop := startSimulators()
	defer stop()
	var out bytes.Buffer
	require.NoError(t, run(&out, ""))
	assert.Contains(t, out.String(), "provider=nuvei")
	assert.Contains(t, out.String(), "provider=checkout")
	assert.Contains(t, out.String(), "cryptogram=[REDACTED]")
}
