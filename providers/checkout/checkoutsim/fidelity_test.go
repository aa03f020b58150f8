package checkoutsim_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
)

// Tests of what an official Checkout.com client reads: key formats,
// response fields, links and headers (issue 11). The fixtures test
// (../fixtures_test.go) compares whole answers with the official SDKs'
// fixtures.

// An ACH instrument needs an account holder naming someone; the holder is
// stored and returned on GET, as on card instruments.
func TestACHAccountHolder(t *testing.T) {
	s := checkoutsim.NewServer()
	defer s.Close()
	at := accessToken(t, s)
	data := map[string]string{"account_type": "checking", "account_number": "918181918", "bank_code": "011000015", "currency": "USD", "country": "US"}
	for _, holder := range []any{nil, map[string]string{}, map[string]string{"first_name": " "}} {
		body := map[string]any{"type": "ach", "instrument_data": data}
		if holder != nil {
			body["account_holder"] = holder
		}
		r := do(t, s, "POST", "/instruments", at, "application/json", jsonBody(body))
		assert.Equal(t, 422, r.status, "%v", holder)
		assert.Equal(t, []any{"account_holder_required"}, r.body["error_codes"])
	}
	holder := map[string]any{"first_name": "Ada", "last_name": "Lovelace", "phone": map[string]any{"country_code": "+1", "number": "4155552671"}}
	r := do(t, s, "POST", "/instruments", at, "application/json", jsonBody(map[string]any{"type": "ach", "instrument_data": data, "account_holder": holder}))
	require.Equal(t, 201, r.status, r.raw)
	got := do(t, s, "GET", "/instruments/"+r.body["id"].(string), at, "", "")
	require.Equal(t, 200, got.status)
	assert.Equal(t, holder, got.body["account_holder"])
}

// The default keys have the documented format the official SDKs check;
// a test may choose its own, and then only those are accepted.
func TestKeys(t *testing.T) {
	re := regexp.MustCompile(checkoutsim.KeyPattern)
	assert.Regexp(t, re, checkoutsim.PublicKey)
	assert.Regexp(t, re, checkoutsim.SecretKey)
	// The official Go SDK's own patterns, verbatim.
	assert.Regexp(t, `^pk_(sbox_)?[a-z2-7]{26}[a-z2-7*#$=]$`, checkoutsim.PublicKey)
	assert.Regexp(t, `^sk_(sbox_)?[a-z2-7]{26}[a-z2-7*#$=]$`, checkoutsim.SecretKey)

	const pk, sk = "pk_sbox_abcdefghijklmnopqrstuvwxyz=", "sk_abcdefghijklmnopqrstuvwxyz#"
	require.Regexp(t, re, pk)
	require.Regexp(t, re, sk)
	s := checkoutsim.NewServer(checkoutsim.WithKeys(pk, sk))
	defer s.Close()
	gotPK, gotSK := s.Keys()
	assert.Equal(t, [2]string{pk, sk}, [2]string{gotPK, gotSK})
	card := `{"type":"card","number":"4242424242424242","expiry_month":12,"expiry_year":2031}`
	assert.Equal(t, 401, do(t, s, "POST", "/tokens", "Bearer "+checkoutsim.PublicKey, "application/json", card).status, "the default key no longer works")
	assert.Equal(t, 201, do(t, s, "POST", "/tokens", "Bearer "+pk, "application/json", card).status)
	assert.Equal(t, 401, do(t, s, "GET", "/instruments/src_aaaaaaaaaaaaaaaaaaaaaaaaaa", "Bearer "+checkoutsim.SecretKey, "", "").status)
	assert.Equal(t, 404, do(t, s, "GET", "/instruments/src_aaaaaaaaaaaaaaaaaaaaaaaaaa", "Bearer "+sk, "", "").status)
	var settings map[string]any
	require.NoError(t, json.Unmarshal(s.Settings(), &settings))
	assert.Equal(t, pk, settings["public_key"])
}

// POST /tokens answers with the card's issuer data and echoes the name,
// billing address and phone it was sent (the API reference's example).
func TestCardTokenFields(t *testing.T) {
	s := checkoutsim.NewServer()
	defer s.Close()
	billing := map[string]any{"address_line1": "123 High St.", "address_line2": "Flat 456", "city": "London", "zip": "SW1A 1AA", "country": "GB"}
	phone := map[string]any{"country_code": "+44", "number": "1234 567890"}
	r := do(t, s, "POST", "/tokens", "Bearer "+checkoutsim.PublicKey, "application/json", jsonBody(map[string]any{
		"type": "card", "number": checkoutsim.ClassicVisaPAN, "expiry_month": 6, "expiry_year": 2031, "name": "John Smith", "cvv": "956",
		"billing_address": billing, "phone": phone}))
	require.Equal(t, 201, r.status, r.raw)
	for k, want := range map[string]any{"name": "John Smith", "billing_address": billing, "phone": phone, "scheme": "VISA",
		"card_type": "CREDIT", "card_category": "CONSUMER", "issuer": "Test Bank", "issuer_country": "US", "product_id": "F",
		"product_type": "CLASSIC", "bin": "454347", "last4": "9996"} {
		assert.Equal(t, want, r.body[k], k)
	}
	r = do(t, s, "POST", "/tokens", "Bearer "+checkoutsim.PublicKey, "application/json",
		`{"type":"card","number":"4242424242424242","expiry_month":6,"expiry_year":2031}`)
	require.Equal(t, 201, r.status, r.raw)
	assert.Equal(t, "JPMORGAN CHASE BANK NA", r.body["issuer"])
	for _, k := range []string{"name", "billing_address", "phone"} {
		assert.NotContains(t, r.body, k, "only echoed when sent")
	}
}

// /instruments take and return account_holder and customer name, phone
// and default, and return the card's issuer and product data as the
// official SDKs' GetCardInstrumentResponse declares it.
func TestInstrumentFields(t *testing.T) {
	s := checkoutsim.NewServer()
	defer s.Close()
	at := accessToken(t, s)
	store := func(pan string, extra map[string]any) resp {
		t.Helper()
		tok := do(t, s, "POST", "/tokens", "Bearer "+checkoutsim.PublicKey, "application/json",
			jsonBody(map[string]any{"type": "card", "number": pan, "expiry_month": 6, "expiry_year": 2031, "name": "Ada Lovelace"}))
		require.Equal(t, 201, tok.status, tok.raw)
		body := map[string]any{"type": "token", "token": tok.body["token"]}
		for k, v := range extra {
			body[k] = v
		}
		r := do(t, s, "POST", "/instruments", at, "application/json", jsonBody(body))
		require.Equal(t, 201, r.status, r.raw)
		got := do(t, s, "GET", "/instruments/"+r.body["id"].(string), at, "", "")
		require.Equal(t, 200, got.status)
		return got
	}
	holder := map[string]any{"first_name": "Ada", "last_name": "Lovelace",
		"billing_address": map[string]any{"address_line1": "1 Main St", "city": "New York", "zip": "10001", "country": "US"}}
	phone := map[string]any{"country_code": "+1", "number": "4155552671"}
	first := store(checkoutsim.VisaPAN, map[string]any{"account_holder": holder,
		"customer": map[string]any{"email": "ada@example.com", "name": "Ada Lovelace", "phone": phone}})
	for k, want := range map[string]any{"account_holder": holder, "name": "Ada Lovelace", "scheme": "Visa", "issuer": "JPMORGAN CHASE BANK NA",
		"issuer_country": "US", "product_id": "A", "product_type": "Visa Traditional", "card_type": "Credit", "card_category": "Consumer",
		"regulated_indicator": false} {
		assert.Equal(t, want, first.body[k], k)
	}
	assert.NotContains(t, first.body, "scheme_local", "a card with no local scheme")
	assert.NotContains(t, first.body, "card_wallet_type", "a card not stored from a wallet")
	cust := first.body["customer"].(map[string]any)
	assert.Regexp(t, `^cus_[a-z2-7]{26}$`, cust["id"])
	assert.Equal(t, map[string]any{"id": cust["id"], "email": "ada@example.com", "name": "Ada Lovelace", "phone": phone, "default": true}, cust,
		"a new customer's first instrument is its default")

	// The same email links the same customer; default moves when asked.
	second := store(checkoutsim.WalletPAN, map[string]any{"customer": map[string]any{"email": "ada@example.com", "default": true}})
	assert.Equal(t, cust["id"], second.body["customer"].(map[string]any)["id"])
	assert.Equal(t, true, second.body["customer"].(map[string]any)["default"])
	assert.Equal(t, "cartes_bancaires", second.body["scheme_local"])
	assert.Equal(t, "googlepay", second.body["card_wallet_type"])
	assert.Equal(t, "FR", second.body["issuer_country"])
	again := do(t, s, "GET", "/instruments/"+first.body["id"].(string), at, "", "")
	assert.Equal(t, false, again.body["customer"].(map[string]any)["default"])

	assert.Equal(t, true, store(checkoutsim.DebitPAN, nil).body["regulated_indicator"])
	assert.Equal(t, "Debit", store(checkoutsim.DebitPAN, nil).body["card_type"])
}

// Network-token and cryptogram answers carry absolute links on the host
// the request reached, with card-art and self as the official Node SDK's
// fixtures show; every answer carries Cko-Version.
func TestLinksAndVersion(t *testing.T) {
	s := checkoutsim.NewServer()
	defer s.Close()
	at := accessToken(t, s)
	r := do(t, s, "POST", "/network-tokens", at, "application/json",
		jsonBody(map[string]any{"source": map[string]string{"type": "card", "number": checkoutsim.VisaPAN, "expiry_month": "1", "expiry_year": "2032"}}))
	require.Equal(t, 201, r.status, r.raw)
	id := r.body["network_token"].(map[string]any)["id"].(string)
	href := func(links any, rel string) string {
		return links.(map[string]any)[rel].(map[string]any)["href"].(string)
	}
	assert.Equal(t, s.URL+"/network-tokens/"+id, href(r.body["_links"], "self"))
	assert.Equal(t, s.URL+"/network-tokens/"+id+"/cryptograms", href(r.body["_links"], "cryptogram"))
	assert.Regexp(t, `^https://card-art\.checkout\.com/[0-9a-f]{32}$`, href(r.body["_links"], "card-art"))
	assert.Equal(t, r.body["_links"], do(t, s, "GET", "/network-tokens/"+id, at, "", "").body["_links"], "get answers the same links")

	cg := do(t, s, "POST", "/network-tokens/"+id+"/cryptograms", at, "application/json", `{"transaction_type":"ecom"}`)
	require.Equal(t, 201, cg.status, cg.raw)
	assert.Equal(t, s.URL+"/network-tokens/"+id+"/cryptograms", href(cg.body["_links"], "self"))
	assert.Equal(t, s.URL+"/network-tokens/"+id, href(cg.body["_links"], "network-token"))

	// The links follow the host the request named.
	req, _ := http.NewRequest("GET", s.URL+"/network-tokens/"+id, nil)
	req.Host = "vkuhvk4v.api.sandbox.checkout.com"
	req.Header.Set("Authorization", at)
	hr, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var body map[string]any
	require.NoError(t, json.NewDecoder(hr.Body).Decode(&body))
	hr.Body.Close()
	assert.Equal(t, "http://vkuhvk4v.api.sandbox.checkout.com/network-tokens/"+id, href(body["_links"], "self"))

	for _, x := range []resp{r, cg, do(t, s, "GET", "/nowhere", "", "", ""), do(t, s, "GET", "/network-tokens/"+id, "", "", "")} {
		assert.Equal(t, checkoutsim.APIVersion, x.header.Get("Cko-Version"))
	}
	assert.True(t, strings.HasPrefix(checkoutsim.APIVersion, "3."))
}

// A reset forgets customers too: the same email then makes a new customer.
func TestResetForgetsCustomers(t *testing.T) {
	s := checkoutsim.NewServer()
	defer s.Close()
	customerOf := func() any {
		at := accessToken(t, s)
		tok := do(t, s, "POST", "/tokens", "Bearer "+checkoutsim.PublicKey, "application/json",
			`{"type":"card","number":"4242424242424242","expiry_month":6,"expiry_year":2031}`)
		r := do(t, s, "POST", "/instruments", at, "application/json",
			jsonBody(map[string]any{"type": "token", "token": tok.body["token"], "customer": map[string]any{"email": "ada@example.com"}}))
		require.Equal(t, 201, r.status, r.raw)
		return r.body["customer"].(map[string]any)["id"]
	}
	first := customerOf()
	assert.Equal(t, first, customerOf(), "linked by email")
	require.Equal(t, 204, do(t, s, "POST", "/_sim/reset", "", "", "").status)
	assert.NotEqual(t, first, customerOf())
}
