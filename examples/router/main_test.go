package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
)

func TestRouterExample(t *testing.T) {
	for _, k := range []string{"NUVEI_BASE_URL", "NUVEI_API_KEY", "NUVEI_PROCESSING_ENTITY_ID", "CHECKOUT_BASE_URL",
		"CHECKOUT_TOKEN_URL", "CHECKOUT_CLIENT_ID", "CHECKOUT_CLIENT_SECRET", "CHECKOUT_PUBLIC_KEY"} {
		t.Setenv(k, "") // restored after the test; startSimulators sets them
	}
	sims := startSimulators()
	defer sims.close()
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, sims))
	text := out.String()
	for _, want := range []string{
		"visa card       → nuvei",
		"mastercard card → checkout",
		"reading the visa token → Unavailable at nuvei",
		"nuvei circuit: open",
		"new visa card   → checkout",
		"old mastercard token read from checkout",
		"old visa token read from nuvei",
		"cryptogram refused (FailedPrecondition, errors.Is ErrUsePAN), token suspended UsePAN=true",
	} {
		assert.Contains(t, text, want)
	}
	for _, pan := range []string{nuveisim.VisaPAN, checkoutsim.MastercardPAN, checkoutsim.ClientSecret, nuveisim.APIKey} {
		assert.NotContains(t, text, pan, "the output shows a card number or a credential")
	}
	// Nuvei's requests during the outage: the three attempts of the read
	// only; the second Visa card never reached it.
	assert.Equal(t, int64(3), sims.nuvei.Faults().Injected())
}
