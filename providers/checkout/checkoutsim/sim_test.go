package checkoutsim_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/faults"
	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
)

type resp struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func do(t *testing.T, s *checkoutsim.Server, method, path, auth, contentType, body string) resp {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	r, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer r.Body.Close()
	raw, _ := io.ReadAll(r.Body)
	out := resp{status: r.StatusCode, header: r.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &out.body)
	return out
}

func form(v url.Values) string { return v.Encode() }

func accessToken(t *testing.T, s *checkoutsim.Server) string {
	t.Helper()
	r := do(t, s, "POST", "/connect/token", "", "application/x-www-form-urlencoded", form(url.Values{
		"grant_type": {"client_credentials"}, "client_id": {checkoutsim.ClientID}, "client_secret": {checkoutsim.ClientSecret},
		"scope": {"vault:instruments vault:network-tokens"}}))
	require.Equal(t, 200, r.status, r.raw)
	return "Bearer " + r.body["access_token"].(string)
}

func jsonBody(v any) string { b, _ := json.Marshal(v); return string(b) }

// instrument stores card via /tokens and /instruments and returns its src_ id.
func instrument(t *testing.T, s *checkoutsim.Server, at, pan string) string {
	t.Helper()
	r := do(t, s, "POST", "/tokens", "Bearer "+checkoutsim.PublicKey, "application/json",
		jsonBody(map[string]any{"type": "card", "number": pan, "expiry_month": 12, "expiry_year": 2031}))
	require.Equal(t, 201, r.status, r.raw)
	r = do(t, s, "POST", "/instruments", at, "application/json", jsonBody(map[string]any{"type": "token", "token": r.body["token"]}))
	require.Equal(t, 201, r.status, r.raw)
	assert.Equal(t, "card", r.body["type"], "a token instrument reads as a card")
	return r.body["id"].(string)
}

func TestConnectToken(t *testing.T) {
	s := checkoutsim.NewServer(checkoutsim.WithTokenTTL(90 * time.Second))
	defer s.Close()
	// Basic credentials.
	req, _ := http.NewRequest("POST", s.URL+"/connect/token", strings.NewReader("grant_type=client_credentials&scope=vault"))
	req.SetBasicAuth(checkoutsim.ClientID, checkoutsim.ClientSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var body map[string]any
	require.NoError(t, json.NewDecoder(r.Body).Decode(&body))
	r.Body.Close()
	assert.Equal(t, 200, r.StatusCode)
	assert.Equal(t, "Bearer", body["token_type"])
	assert.Equal(t, float64(90), body["expires_in"])
	assert.NotEmpty(t, body["access_token"])

	// Form credentials.
	accessToken(t, s)

	for _, tc := range []struct {
		name, ct, body, want string
	}{
		{"WrongSecret", "application/x-www-form-urlencoded", form(url.Values{"grant_type": {"client_credentials"}, "client_id": {checkoutsim.ClientID}, "client_secret": {"nope"}}), "invalid_client"},
		{"NoCredentials", "application/x-www-form-urlencoded", "grant_type=client_credentials", "invalid_client"},
		{"BadScope", "application/x-www-form-urlencoded", form(url.Values{"grant_type": {"client_credentials"}, "client_id": {checkoutsim.ClientID}, "client_secret": {checkoutsim.ClientSecret}, "scope": {"gateway"}}), "invalid_scope"},
		{"BadGrant", "application/x-www-form-urlencoded", "grant_type=password", "unsupported_grant_type"},
		{"JSONBody", "application/json", `{}`, "invalid_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, s, "POST", "/connect/token", "", tc.ct, tc.body)
			assert.Equal(t, 400, r.status)
			assert.Equal(t, tc.want, r.body["error"])
			assert.NotEmpty(t, r.header.Get("Cko-Request-Id"))
		})
	}
	assert.Equal(t, int64(7), s.TokenRequests())
}

func TestAuthErrors(t *testing.T) {
	now := time.Now()
	var mu sync.Mutex
	s := checkoutsim.NewServer(checkoutsim.WithClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now }))
	defer s.Close()
	at := accessToken(t, s)
	src := instrument(t, s, at, checkoutsim.VisaPAN)

	r := do(t, s, "GET", "/instruments/"+src, "", "", "")
	assert.Equal(t, 401, r.status)
	assert.Empty(t, r.raw, "401 bodies are empty")
	assert.NotEmpty(t, r.header.Get("Cko-Request-Id"))
	assert.Equal(t, 200, do(t, s, "GET", "/instruments/"+src, "Bearer "+checkoutsim.SecretKey, "", "").status, "instruments accept the secret key")
	assert.Equal(t, 401, do(t, s, "GET", "/network-tokens/nt_x", "Bearer "+checkoutsim.SecretKey, "", "").status, "network tokens take OAuth only")
	assert.Equal(t, 401, do(t, s, "POST", "/tokens", at, "application/json", `{}`).status, "/tokens takes the public key only")

	// A token without the network-tokens scope gets 403.
	r = do(t, s, "POST", "/connect/token", "", "application/x-www-form-urlencoded", form(url.Values{
		"grant_type": {"client_credentials"}, "client_id": {checkoutsim.ClientID}, "client_secret": {checkoutsim.ClientSecret}, "scope": {"vault:instruments"}}))
	narrow := "Bearer " + r.body["access_token"].(string)
	assert.Equal(t, 403, do(t, s, "GET", "/network-tokens/nt_x", narrow, "", "").status)
	assert.Equal(t, 200, do(t, s, "GET", "/instruments/"+src, narrow, "", "").status)

	// Expiry by the clock, and revocation.
	mu.Lock()
	now = now.Add(checkoutsim.DefaultTokenTTL)
	mu.Unlock()
	assert.Equal(t, 401, do(t, s, "GET", "/instruments/"+src, at, "", "").status)
	at = accessToken(t, s)
	assert.Equal(t, 200, do(t, s, "GET", "/instruments/"+src, at, "", "").status)
	s.ExpireAccessTokens()
	assert.Equal(t, 401, do(t, s, "GET", "/instruments/"+src, at, "", "").status)
}

func TestValidation(t *testing.T) {
	s := checkoutsim.NewServer()
	defer s.Close()
	pk := "Bearer " + checkoutsim.PublicKey
	r := do(t, s, "POST", "/tokens", pk, "text/plain", `{}`)
	assert.Equal(t, 415, r.status)
	assert.NotEmpty(t, r.header.Get("Cko-Request-Id"))

	r = do(t, s, "POST", "/tokens", pk, "application/json", `{"type":"card","number":"4242424242424241","expiry_month":13,"expiry_year":25,"cvv":"1a"}`)
	assert.Equal(t, 422, r.status)
	assert.Equal(t, "request_invalid", r.body["error_type"])
	assert.Equal(t, r.header.Get("Cko-Request-Id"), r.body["request_id"])
	assert.Equal(t, []any{"card_number_invalid", "card_expiry_month_invalid", "card_expiry_year_invalid", "cvv_invalid"}, r.body["error_codes"])

	r = do(t, s, "POST", "/tokens", pk, "application/json", `{"type":"card"}`)
	assert.Equal(t, []any{"card_number_required", "card_expiry_month_required", "card_expiry_year_required"}, r.body["error_codes"])
	r = do(t, s, "POST", "/tokens", pk, "application/json", `{"type":"card","number":"4242424242424242","expiry_month":1,"expiry_year":2020}`)
	assert.Equal(t, []any{"card_expired"}, r.body["error_codes"])
	r = do(t, s, "POST", "/tokens", pk, "application/json", `{"type":"card",`)
	assert.Equal(t, []any{"request_json_invalid"}, r.body["error_codes"])

	at := accessToken(t, s)
	r = do(t, s, "POST", "/network-tokens", at, "application/json", `{}`)
	assert.Equal(t, []any{"payment_source_required"}, r.body["error_codes"])
	r = do(t, s, "POST", "/network-tokens", at, "application/json", `{"source":{"type":"id","id":"src_aaaaaaaaaaaaaaaaaaaaaaaaaa"}}`)
	assert.Equal(t, []any{checkoutsim.CodeSourceUnknown}, r.body["error_codes"])
	r = do(t, s, "POST", "/network-tokens", at, "application/json", `{"source":{"type":"id","id":"bogus"}}`)
	assert.Equal(t, []any{"source_id_invalid"}, r.body["error_codes"])
	r = do(t, s, "POST", "/network-tokens", at, "application/json", `{"source":{"type":"card","number":"4242424242424242","expiry_month":"5","expiry_year":"25"}}`)
	assert.Equal(t, []any{"card_expiry_year_invalid"}, r.body["error_codes"])
	r = do(t, s, "POST", "/instruments", at, "application/json", `{"type":"ach","instrument_data":{"account_type":"current","account_number":"12","bank_code":"1","currency":"EUR","country":"FR"}}`)
	assert.Equal(t, []any{"account_type_invalid", "account_number_invalid", "bank_code_invalid", "currency_invalid", "country_invalid",
		"account_holder_required"}, r.body["error_codes"], "the official SDKs mark account_holder required for ach")
	r = do(t, s, "POST", "/instruments", at, "application/json", `{"type":"token","token":"tok_unknown"}`)
	assert.Equal(t, []any{"token_invalid"}, r.body["error_codes"])
}

func TestNetworkTokenLifecycle(t *testing.T) {
	s := checkoutsim.NewServer()
	defer s.Close()
	at := accessToken(t, s)
	src := instrument(t, s, at, checkoutsim.MastercardPAN)
	provision := jsonBody(map[string]any{"source": map[string]string{"type": "id", "id": src}})

	r := do(t, s, "POST", "/network-tokens", at, "application/json", provision)
	require.Equal(t, 201, r.status, r.raw)
	nt := r.body["network_token"].(map[string]any)
	id := nt["id"].(string)
	assert.Regexp(t, `^nt_[a-z2-7]{26}$`, id)
	assert.Equal(t, "active", nt["state"])
	assert.Equal(t, "mdes", nt["type"])
	assert.Regexp(t, `^520473[0-9]{10}$`, nt["number"])
	assert.Equal(t, map[string]any{"last4": "6378", "expiry_month": "12", "expiry_year": "2031"}, r.body["card"])

	again := do(t, s, "POST", "/network-tokens", at, "application/json", provision)
	assert.Equal(t, 200, again.status, "the existing token is answered with 200")
	assert.Equal(t, id, again.body["network_token"].(map[string]any)["id"])

	inst := do(t, s, "GET", "/instruments/"+src, at, "", "")
	assert.Equal(t, map[string]any{"id": id, "state": "active"}, inst.body["network_token"])

	seen := map[string]bool{}
	for range 3 {
		r := do(t, s, "POST", "/network-tokens/"+id+"/cryptograms", at, "application/json", `{"transaction_type":"ecom"}`)
		require.Equal(t, 201, r.status)
		cg := r.body["cryptogram"].(string)
		raw, err := base64.StdEncoding.DecodeString(cg)
		require.NoError(t, err)
		assert.Len(t, raw, 20)
		assert.False(t, seen[cg], "fresh cryptogram")
		seen[cg] = true
		assert.Equal(t, "7", r.body["eci"], "seed 002: unpadded, and not an authenticated ECI")
	}
	assert.Equal(t, []any{"transaction_type_invalid"},
		do(t, s, "POST", "/network-tokens/"+id+"/cryptograms", at, "application/json", `{"transaction_type":"moto"}`).body["error_codes"])
	assert.Equal(t, 404, do(t, s, "POST", "/network-tokens/nt_aaaaaaaaaaaaaaaaaaaaaaaaaa/cryptograms", at, "application/json", `{"transaction_type":"ecom"}`).status)

	for _, st := range []tokenize.NetworkTokenState{tokenize.StateSuspended, tokenize.StateRequested, tokenize.StateDeclined, tokenize.StateActive} {
		require.NoError(t, s.SetNetworkTokenState(id, st))
		r := do(t, s, "GET", "/network-tokens/"+id, at, "", "")
		tok := r.body["network_token"].(map[string]any)
		assert.Equal(t, st.String(), tok["state"])
		_, hasNumber := tok["number"]
		_, hasExpiry := tok["expiry_month"]
		withDPAN := st == tokenize.StateActive || st == tokenize.StateSuspended
		assert.Equal(t, withDPAN, hasNumber, "DPAN only for active, suspended, inactive (%s)", st)
		assert.Equal(t, withDPAN, hasExpiry)
		cg := do(t, s, "POST", "/network-tokens/"+id+"/cryptograms", at, "application/json", `{"transaction_type":"pos"}`)
		if st == tokenize.StateActive {
			assert.Equal(t, 201, cg.status)
		} else {
			assert.Equal(t, []any{checkoutsim.CodeTokenStateInvalid}, cg.body["error_codes"])
		}
	}
	assert.Error(t, s.SetNetworkTokenState(id, tokenize.StateDeleted))
	assert.Error(t, s.SetNetworkTokenState("nt_unknown", tokenize.StateActive))

	// Delete.
	assert.Equal(t, []any{"initiated_by_invalid", "reason_required"},
		do(t, s, "PATCH", "/network-tokens/"+id+"/delete", at, "application/json", `{"initiated_by":"bank"}`).body["error_codes"])
	r = do(t, s, "PATCH", "/network-tokens/"+id+"/delete", at, "application/json", `{"initiated_by":"token_requestor","reason":"other"}`)
	assert.Equal(t, 204, r.status)
	assert.Empty(t, r.raw)
	r = do(t, s, "GET", "/network-tokens/"+id, at, "", "")
	assert.Equal(t, checkoutsim.DeletedState.String(), r.body["network_token"].(map[string]any)["state"])
	assert.NotEmpty(t, r.body["network_token"].(map[string]any)["number"], "an inactive token keeps its DPAN")
	assert.Equal(t, 404, do(t, s, "PATCH", "/network-tokens/nt_aaaaaaaaaaaaaaaaaaaaaaaaaa/delete", at, "application/json", `{"initiated_by":"cardholder","reason":"fraud"}`).status)

	// A deleted token is replaced by a new one on the next provisioning.
	r = do(t, s, "POST", "/network-tokens", at, "application/json", provision)
	assert.Equal(t, 201, r.status)
	assert.NotEqual(t, id, r.body["network_token"].(map[string]any)["id"])

	// Deleting the instrument: 204 then 404.
	assert.Equal(t, 204, do(t, s, "DELETE", "/instruments/"+src, at, "", "").status)
	assert.Equal(t, 404, do(t, s, "GET", "/instruments/"+src, at, "", "").status)
	assert.Equal(t, 404, do(t, s, "DELETE", "/instruments/"+src, at, "", "").status)
}

func TestDeclinedCard(t *testing.T) {
	s := checkoutsim.NewServer()
	defer s.Close()
	at := accessToken(t, s)
	r := do(t, s, "POST", "/network-tokens", at, "application/json",
		jsonBody(map[string]any{"source": map[string]string{"type": "card", "number": checkoutsim.DeclinedPAN, "expiry_month": "1", "expiry_year": "2032"}}))
	require.Equal(t, 201, r.status)
	nt := r.body["network_token"].(map[string]any)
	assert.Equal(t, "declined", nt["state"])
	assert.NotContains(t, nt, "number")
	assert.NotContains(t, nt, "expiry_year")
	assert.Equal(t, "vts", nt["type"])
}

func TestRequestIDAndCountersAndFaults(t *testing.T) {
	s := checkoutsim.NewServer()
	defer s.Close()
	s.Faults().Inject(faults.Fault{Kind: faults.Status, Status: 502, Body: "<html>Bad Gateway</html>", ContentType: "text/html", Times: 1})
	r := do(t, s, "GET", "/network-tokens/nt_x", "", "", "")
	assert.Equal(t, 502, r.status)
	assert.NotEmpty(t, r.header.Get("Cko-Request-Id"), "fault answers carry a request id too")
	r = do(t, s, "GET", "/nowhere", "", "", "")
	assert.Equal(t, 404, r.status)
	assert.NotEmpty(t, r.header.Get("Cko-Request-Id"))
	assert.Equal(t, int64(2), s.Requests())
	assert.Equal(t, int64(1), s.Faults().Injected())
	assert.Positive(t, s.Connections())
	assert.Zero(t, s.TokenRequests())

	var settings map[string]any
	require.NoError(t, json.Unmarshal(s.Settings(), &settings))
	assert.Equal(t, s.URL, settings["base_url"])
	assert.Equal(t, s.URL+"/connect/token", settings["token_url"])
	assert.Equal(t, []any{checkoutsim.WebhookKey}, settings["webhook_secrets"])
	assert.Equal(t, "checkout", s.Config().Provider)
}

func TestTestCardsAreValid(t *testing.T) {
	for _, pan := range []string{checkoutsim.VisaPAN, checkoutsim.MastercardPAN, checkoutsim.DeclinedPAN,
		checkoutsim.ClassicVisaPAN, checkoutsim.DebitPAN, checkoutsim.WalletPAN} {
		sum, alt := 0, false
		for i := len(pan) - 1; i >= 0; i-- {
			d := int(pan[i] - '0')
			if alt {
				if d *= 2; d > 9 {
					d -= 9
				}
			}
			sum, alt = sum+d, !alt
		}
		assert.Zero(t, sum%10, pan)
	}
}

// A declined token forced into a state that shows the DPAN gets one: the
// simulator never renders an empty number or a "0" expiry.
func TestDeclinedTokenReactivatedHasDPAN(t *testing.T) {
	s := checkoutsim.NewServer()
	defer s.Close()
	at := accessToken(t, s)
	r := do(t, s, "POST", "/network-tokens", at, "application/json",
		jsonBody(map[string]any{"source": map[string]string{"type": "card", "number": checkoutsim.DeclinedPAN, "expiry_month": "1", "expiry_year": "2032"}}))
	require.Equal(t, 201, r.status, r.raw)
	id := r.body["network_token"].(map[string]any)["id"].(string)
	for _, st := range []tokenize.NetworkTokenState{tokenize.StateActive, tokenize.StateSuspended, tokenize.StateInactive} {
		require.NoError(t, s.SetNetworkTokenState(id, st))
		nt := do(t, s, "GET", "/network-tokens/"+id, at, "", "").body["network_token"].(map[string]any)
		assert.Regexp(t, `^489537[0-9]{10}$`, nt["number"], st.String())
		assert.Regexp(t, `^([1-9]|1[0-2])$`, nt["expiry_month"], st.String())
		assert.Regexp(t, `^20[0-9]{2}$`, nt["expiry_year"], st.String())
	}
	require.NoError(t, s.SetNetworkTokenState(id, tokenize.StateActive))
	assert.Equal(t, 201, do(t, s, "POST", "/network-tokens/"+id+"/cryptograms", at, "application/json", `{"transaction_type":"ecom"}`).status)
}

// Printing the simulator (a test failure message, a debug log) shows no
// card number, client secret or access token it holds.
func TestSimulatorPrintsNoSecrets(t *testing.T) {
	s := checkoutsim.NewServer()
	defer s.Close()
	at := accessToken(t, s)
	r := do(t, s, "POST", "/network-tokens", at, "application/json",
		jsonBody(map[string]any{"source": map[string]string{"type": "card", "number": checkoutsim.VisaPAN, "expiry_month": "1", "expiry_year": "2032"}}))
	require.Equal(t, 201, r.status, r.raw)
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{s, s.Simulator} {
			out := fmt.Sprintf(format, v)
			assert.NotContains(t, out, checkoutsim.VisaPAN, format)
			assert.NotContains(t, out, checkoutsim.ClientSecret, format)
			assert.NotContains(t, out, strings.TrimPrefix(at, "Bearer "), format)
		}
	}
}

// Basic credentials are form-urlencoded before base64 (RFC 6749 §2.3.1),
// and the simulator decodes them like an OAuth server: a secret with
// reserved characters works end to end, and a raw '+' is read as a space.
func TestConnectTokenBasicIsFormDecoded(t *testing.T) {
	const secret = "s3cr+t/with%and:colon"
	s := checkoutsim.NewServer(checkoutsim.WithCredentials(checkoutsim.ClientID, secret))
	defer s.Close()
	post := func(user, pass string) int {
		req, _ := http.NewRequest("POST", s.URL+"/connect/token", strings.NewReader("grant_type=client_credentials&scope=vault"))
		req.SetBasicAuth(user, pass)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		r.Body.Close()
		return r.StatusCode
	}
	assert.Equal(t, 200, post(url.QueryEscape(checkoutsim.ClientID), url.QueryEscape(secret)))
	assert.Equal(t, 400, post(checkoutsim.ClientID, secret), "sent raw, the secret does not survive decoding")

	c, err := tokenize.Open(context.Background(), s.Config())
	require.NoError(t, err)
	_, err = c.GetNetworkToken(context.Background(), "nt_aaaaaaaaaaaaaaaaaaaaaaaaaa")
	assert.Equal(t, tokenize.NotFound, tokenize.CodeOf(err), "the adapter authenticates with such a secret")
}

// Two simulators with the same seed answer the same requests with the
// same ids, token numbers, cryptograms and request ids.
func TestSeedIsReproducible(t *testing.T) {
	run := func(opts ...checkoutsim.Option) []string {
		s := checkoutsim.NewServer(opts...)
		defer s.Close()
		at := accessToken(t, s)
		src := instrument(t, s, at, checkoutsim.VisaPAN)
		r := do(t, s, "POST", "/network-tokens", at, "application/json", jsonBody(map[string]any{"source": map[string]string{"type": "id", "id": src}}))
		require.Equal(t, 201, r.status, r.raw)
		nt := r.body["network_token"].(map[string]any)
		cg := do(t, s, "POST", "/network-tokens/"+nt["id"].(string)+"/cryptograms", at, "application/json", `{"transaction_type":"ecom"}`)
		return []string{at, src, nt["id"].(string), nt["number"].(string), cg.body["cryptogram"].(string), cg.header.Get("Cko-Request-Id")}
	}
	a := run(checkoutsim.WithSeed(42))
	assert.Equal(t, a, run(checkoutsim.WithSeed(42)))
	assert.NotEqual(t, a, run(checkoutsim.WithSeed(43)))
	assert.NotEqual(t, run(), run(), "without a seed, values are random")
}
