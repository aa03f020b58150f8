package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

var creds = networkCredentials{
	DPAN: "4895370012345678", ExpiryMonth: 3, ExpiryYear: 2031, Scheme: tokenize.SchemeVTS,
	Cryptogram: "AhJ3hnYAoAbVz5zg1e17MAACAAA=", ECI: "05", AssuranceLevel: "3", RequestorID: "40010030273",
}

func TestNuveiAuthorization(t *testing.T) {
	a := nuveiAuthorization(payment{Amount: "10.00", Currency: "USD", Reference: "r"}, creds, "pe")
	assert.Equal(t, "/payment-api/payments", a.Path)
	nt := a.Body["paymentOption"].(map[string]any)[nuveiNetworkTokenKey].(map[string]any)
	assert.Equal(t, "4895370012345678", nt["tokenNumber"], "the wire body carries the DPAN in full")
	assert.Equal(t, "03", nt["expirationMonth"])
	assert.Equal(t, "31", nt["expirationYear"])
	assert.Equal(t, "AhJ3hnYAoAbVz5zg1e17MAACAAA=", nt["cryptogram"])
}

func TestCheckoutAuthorization(t *testing.T) {
	a := checkoutAuthorization(payment{Minor: 1000, Currency: "USD", Reference: "r"}, creds, "pc")
	src := a.Body["source"].(map[string]any)
	assert.Equal(t, "network_token", src["type"])
	assert.Equal(t, "4895370012345678", src["token"])
	assert.Equal(t, 3, src["expiry_month"])
	assert.Equal(t, 2031, src["expiry_year"])
	assert.Equal(t, "vts", src["token_type"])
	assert.Equal(t, "05", src["eci"])
}

// What the program prints is masked; what it would send is not.
func TestRunPrintsMaskedOnly(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out))
	assert.Contains(t, out.String(), `"cryptogram": "[REDACTED]"`)
	assert.Contains(t, out.String(), `"type": "network_token"`)
	assert.Contains(t, out.String(), `"networkToken"`)
	assert.NotRegexp(t, `"(tokenNumber|token)": "\d{13,19}"`, out.String())
}
