package checkout_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/fixturetest"
	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
)

// The official SDKs' fixtures and the API reference's examples (see
// testdata/fixtures/README.md for where each comes from), held against the
// adapter, replayed through the public API, and against checkoutsim, field
// by field.

// checkoutFixtures are the fixture files the tests below use.
var checkoutFixtures = []string{
	"node-access-token-array-scope.json", "node-access-token-string-scope.json", "node-card-token.json",
	"node-instrument-create.json", "node-instrument-get.json", "node-instrument-invalid.json",
	"node-network-token-provision.json", "node-network-token-get.json", "node-cryptogram.json",
	"java-card-instrument-full.json", "apiref-card-token.json", "seed002-error.json",
}

func TestFixturesProvenance(t *testing.T) { fixturetest.CheckProvenance(t, checkoutFixtures) }

// fixtureServer is the stand-in API, answering the token endpoint with a
// Node SDK token body (201, as its mocks do).
type fixtureServer struct{ *fixturetest.Server }

func newFixtureServer(t *testing.T, tokenFixture string) fixtureServer {
	fs := fixtureServer{fixturetest.NewServer(t)}
	fs.On("POST /connect/token", http.StatusCreated, fixturetest.Load(t, tokenFixture))
	return fs
}

// client opens a Client on fs by configuration, as a user would.
func (fs fixtureServer) client(t *testing.T) *tokenize.Client {
	t.Helper()
	settings, _ := json.Marshal(map[string]string{
		"client_id": "cli_fixturesfixturesfixtures", "client_secret": "fixture-secret",
		"public_key": checkoutsim.PublicKey, "base_url": fs.URL, "token_url": fs.URL + "/connect/token",
	})
	c, err := tokenize.Open(context.Background(), tokenize.Config{Provider: "checkout", Settings: settings})
	require.NoError(t, err)
	return c
}

func fixtureTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// Each fixture, answered by the stand-in API, comes out of the public API
// as these neutral values.
func TestFixturesAdapter(t *testing.T) {
	ctx := context.Background()
	card := tokenize.Card{Number: checkoutsim.VisaPAN, ExpiryMonth: 6, ExpiryYear: 2031, CVV: "100"}
	visaFixture := &tokenize.CardDetails{Brand: tokenize.BrandVisa, BIN: "424242", Last4: "4242", MaskedNumber: "424242******4242",
		ExpiryMonth: 6, ExpiryYear: 2029, Type: tokenize.CardTypeCredit, IssuerCountry: "US"}

	t.Run("CardTokenAndInstrument", func(t *testing.T) {
		for _, tokenFixture := range []string{"node-card-token.json", "apiref-card-token.json"} {
			fs := newFixtureServer(t, "node-access-token-array-scope.json")
			fs.On("POST /tokens", 201, fixturetest.Load(t, tokenFixture))
			fs.On("POST /instruments", 201, fixturetest.Load(t, "node-instrument-create.json"))
			tok, err := fs.client(t).CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: &card})
			require.NoError(t, err, tokenFixture)
			assert.Equal(t, &tokenize.PaymentToken{Provider: "checkout", ID: "src_pyey2xt6jq4enkcqvoqwjmc3xe", Kind: tokenize.KindCard, Card: visaFixture}, tok)
			var fixture struct{ Token string }
			require.NoError(t, json.Unmarshal(fixturetest.Load(t, tokenFixture), &fixture))
			assert.JSONEq(t, `{"type":"token","token":"`+fixture.Token+`"}`, fs.Body("POST /instruments"), "the fixture's card token is stored")
		}
	})
	t.Run("InstrumentGet", func(t *testing.T) {
		fs := newFixtureServer(t, "node-access-token-string-scope.json")
		fs.On("GET /instruments/src_wmlfc3zyhqzehihu7giusaaawu", 200, fixturetest.Load(t, "node-instrument-get.json"))
		tok, err := fs.client(t).GetPaymentToken(ctx, "src_wmlfc3zyhqzehihu7giusaaawu")
		require.NoError(t, err)
		assert.Equal(t, &tokenize.PaymentToken{Provider: "checkout", ID: "src_wmlfc3zyhqzehihu7giusaaawu", Kind: tokenize.KindCard,
			Card: &tokenize.CardDetails{Brand: tokenize.BrandVisa, BIN: "454347", Last4: "9996", MaskedNumber: "454347******9996",
				ExpiryMonth: 6, ExpiryYear: 2025, Type: tokenize.CardTypeCredit, IssuerCountry: "US"}}, tok)
	})
	t.Run("InstrumentGetFull", func(t *testing.T) {
		fs := newFixtureServer(t, "node-access-token-array-scope.json")
		fs.On("GET /instruments/src_wmlfc3zyhqzehihu7giusaaawu", 200, fixturetest.Load(t, "java-card-instrument-full.json"))
		tok, err := fs.client(t).GetPaymentToken(ctx, "src_wmlfc3zyhqzehihu7giusaaawu")
		require.NoError(t, err)
		assert.Equal(t, &tokenize.PaymentToken{Provider: "checkout", ID: "src_wmlfc3zyhqzehihu7giusaaawu", Kind: tokenize.KindCard,
			NetworkTokenID: "nt_abcdefghijklmnopqrstuvwxyz12",
			Card: &tokenize.CardDetails{Brand: tokenize.BrandVisa, BIN: "424242", Last4: "4242", MaskedNumber: "424242******4242",
				ExpiryMonth: 6, ExpiryYear: 2025, Type: tokenize.CardTypeCredit, IssuerCountry: "US", HolderName: "John Smith"}}, tok)
		assert.NotContains(t, fmt.Sprintf("%+v %#v", *tok, *tok.Card), "eyJhbGci", "the encrypted card number is not carried")
	})
	t.Run("InstrumentInvalid", func(t *testing.T) {
		fs := newFixtureServer(t, "node-access-token-array-scope.json")
		fs.On("POST /instruments", 422, fixturetest.Load(t, "node-instrument-invalid.json"))
		_, err := fs.client(t).CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{TemporaryToken: "tok_pmjyslgaam4uzmvaiwqyhovvsy"})
		assertInvalid(t, err, tokenize.FieldTemporaryToken, "token_invalid", "8f7ac6ed-51b0-4c74-bcbb-ecea1d8fe7b3")
	})
	networkToken := &tokenize.NetworkToken{Provider: "checkout", ID: "nt_xgu3isllqfyu7ktpk5z2yxbwna", State: tokenize.StateActive,
		Scheme: tokenize.SchemeVTS, Number: "5436424242424242", ExpiryMonth: 5, ExpiryYear: 2025,
		PaymentAccountReference: "5001a9f027e5629d11e3949a0800a", TokenRequestorID: "1234567890", TokenReference: "scheme_visa_001",
		CardLast4: "6378", CardExpiryMonth: 5, CardExpiryYear: 2025,
		CreatedAt: fixtureTime("2020-02-11T15:57:32.435+00:00"), UpdatedAt: fixtureTime("2020-02-11T15:57:32.435+00:00")}
	t.Run("ProvisionGetCryptogram", func(t *testing.T) {
		for _, tokenFixture := range []string{"node-access-token-array-scope.json", "node-access-token-string-scope.json"} {
			fs := newFixtureServer(t, tokenFixture)
			fs.On("POST /network-tokens", 201, fixturetest.Load(t, "node-network-token-provision.json"))
			fs.On("GET /network-tokens/tok_ubfj2q76miwundwlk72vxt2i7q", 200, fixturetest.Load(t, "node-network-token-get.json"))
			fs.On("POST /network-tokens/nt_xgu3isllqfyu7ktpk5z2yxbwna/cryptograms", 201, fixturetest.Load(t, "node-cryptogram.json"))
			c := fs.client(t)
			nt, err := c.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: "src_wmlfc3zyhqzehihu7giusaaawu"})
			require.NoError(t, err, tokenFixture)
			want := *networkToken
			want.PaymentTokenID = "src_wmlfc3zyhqzehihu7giusaaawu"
			assert.Equal(t, &want, nt)

			got, err := c.GetNetworkToken(ctx, "tok_ubfj2q76miwundwlk72vxt2i7q")
			require.NoError(t, err)
			want = *networkToken
			want.ID = "tok_ubfj2q76miwundwlk72vxt2i7q"
			assert.Equal(t, &want, got)

			cg, err := c.RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: "nt_xgu3isllqfyu7ktpk5z2yxbwna", TransactionType: tokenize.ECommerce})
			require.NoError(t, err)
			assert.Equal(t, "AhJ3hnYAoAbVz5zg1e17MAACAAA=", cg.Value.Reveal())
			assert.Equal(t, "07", cg.ECI)
			assert.Equal(t, "nt_xgu3isllqfyu7ktpk5z2yxbwna", cg.NetworkTokenID)
		}
	})
	t.Run("Seed002Error", func(t *testing.T) {
		fs := newFixtureServer(t, "node-access-token-array-scope.json")
		fs.On("POST /network-tokens", 422, fixturetest.Load(t, "seed002-error.json"))
		_, err := fs.client(t).ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: "src_wmlfc3zyhqzehihu7giusaaawu"})
		assertInvalid(t, err, tokenize.FieldProvisionSource, "payment_source_required", "0HL80RJLS76I7")
	})
}

// assertInvalid checks a 422 fixture's error: InvalidArgument naming field,
// with the fixture's code and request id.
func assertInvalid(t *testing.T, err error, field, code, requestID string) {
	t.Helper()
	var te *tokenize.Error
	require.ErrorAs(t, err, &te)
	assert.Equal(t, tokenize.InvalidArgument, te.Code)
	assert.Equal(t, field, te.Field)
	assert.Equal(t, []string{code}, te.ProviderCodes)
	assert.Equal(t, requestID, te.RequestID)
	assert.Equal(t, 422, te.HTTPStatus)
}

// simCall sends one raw request to the simulator.
func simCall(t *testing.T, s *checkoutsim.Server, method, path, auth, contentType, body string) (int, []byte) {
	t.Helper()
	var h []string
	if auth != "" {
		h = append(h, "Authorization", auth)
	}
	if contentType != "" {
		h = append(h, "Content-Type", contentType)
	}
	return fixturetest.Call(t, method, s.URL+path, body, h...)
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// field reads a top-level string field of a JSON body.
func field(t *testing.T, body []byte, name string) string {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(body, &m))
	s, _ := m[name].(string)
	return s
}

// The simulator answers the same requests with every field each fixture
// has, of the same JSON type; where the fixture's card is one of the
// simulator's test cards, with the same card data.
func TestFixturesSimulator(t *testing.T) {
	s := checkoutsim.NewServer()
	defer s.Close()
	form := "grant_type=client_credentials&scope=vault&client_id=" + checkoutsim.ClientID + "&client_secret=" + checkoutsim.ClientSecret
	status, tokenBody := simCall(t, s, "POST", "/connect/token", "", "application/x-www-form-urlencoded", form)
	require.Equal(t, 200, status, string(tokenBody))
	at := "Bearer " + field(t, tokenBody, "access_token")
	pk := "Bearer " + checkoutsim.PublicKey
	cardFields := []string{"last4", "bin", "issuer", "issuer_country", "product_id", "product_type"}

	t.Run("AccessToken", func(t *testing.T) {
		fixturetest.Compare(t, fixturetest.Load(t, "node-access-token-string-scope.json"), tokenBody, fixturetest.Options{Same: []string{"token_type", "expires_in"}})
		fixturetest.Compare(t, fixturetest.Load(t, "node-access-token-array-scope.json"), tokenBody, fixturetest.Options{
			Same:    []string{"token_type", "expires_in"},
			Retyped: map[string]string{"scope": "RFC 6749 §5.1 and Checkout.com's docs send one space-separated string, as the simulator does; the adapter reads the Node mock's array too"},
		})
	})

	var nodeToken []byte
	t.Run("CardToken", func(t *testing.T) {
		var status int
		status, nodeToken = simCall(t, s, "POST", "/tokens", pk, "application/json",
			`{"type":"card","number":"4242424242424242","expiry_month":6,"expiry_year":2029,"cvv":"100"}`)
		require.Equal(t, 201, status, string(nodeToken))
		fixturetest.Compare(t, fixturetest.Load(t, "node-card-token.json"), nodeToken, fixturetest.Options{
			Same: append([]string{"type", "expiry_month", "expiry_year"}, cardFields...)})

		status, body := simCall(t, s, "POST", "/tokens", pk, "application/json", mustJSON(map[string]any{
			"type": "card", "number": checkoutsim.ClassicVisaPAN, "expiry_month": 6, "expiry_year": 2031, "name": "John Smith", "cvv": "956",
			"billing_address": map[string]any{"address_line1": "123 High St.", "address_line2": "Flat 456", "city": "London", "zip": "SW1A 1AA", "country": "GB"},
			"phone":           map[string]any{"country_code": "+44", "number": "1234 567890"}}))
		require.Equal(t, 201, status, string(body))
		fixturetest.Compare(t, fixturetest.Load(t, "apiref-card-token.json"), body, fixturetest.Options{
			Same: append([]string{"type", "scheme", "card_type", "card_category", "name", "billing_address", "phone"}, cardFields...)})
	})

	var src string
	t.Run("InstrumentCreate", func(t *testing.T) {
		require.NotNil(t, nodeToken)
		status, body := simCall(t, s, "POST", "/instruments", at, "application/json",
			mustJSON(map[string]string{"type": "token", "token": field(t, nodeToken, "token")}))
		require.Equal(t, 201, status, string(body))
		src = field(t, body, "id")
		fixturetest.Compare(t, fixturetest.Load(t, "node-instrument-create.json"), body, fixturetest.Options{
			Same: append([]string{"type", "scheme", "card_type", "card_category", "expiry_month", "expiry_year"}, cardFields...)})
	})
	t.Run("InstrumentGet", func(t *testing.T) {
		status, tok := simCall(t, s, "POST", "/tokens", pk, "application/json",
			`{"type":"card","number":"`+checkoutsim.ClassicVisaPAN+`","expiry_month":6,"expiry_year":2031}`)
		require.Equal(t, 201, status, string(tok))
		status, created := simCall(t, s, "POST", "/instruments", at, "application/json", mustJSON(map[string]string{"type": "token", "token": field(t, tok, "token")}))
		require.Equal(t, 201, status, string(created))
		status, body := simCall(t, s, "GET", "/instruments/"+field(t, created, "id"), at, "", "")
		require.Equal(t, 200, status, string(body))
		// The fixture's issuer ("GOTHAM STATE BANK") differs from the API
		// reference's for the same card ("Test Bank", which the simulator
		// uses): sandbox BIN data changes over time (research notes §3.3).
		fixturetest.Compare(t, fixturetest.Load(t, "node-instrument-get.json"), body, fixturetest.Options{
			Same: []string{"type", "last4", "bin", "card_type", "card_category", "issuer_country", "product_id"}})
	})
	t.Run("InstrumentGetFull", func(t *testing.T) {
		status, tok := simCall(t, s, "POST", "/tokens", pk, "application/json",
			`{"type":"card","number":"`+checkoutsim.WalletPAN+`","expiry_month":6,"expiry_year":2031,"name":"John Smith"}`)
		require.Equal(t, 201, status, string(tok))
		status, created := simCall(t, s, "POST", "/instruments", at, "application/json", mustJSON(map[string]string{"type": "token", "token": field(t, tok, "token")}))
		require.Equal(t, 201, status, string(created))
		id := field(t, created, "id")
		status, nt := simCall(t, s, "POST", "/network-tokens", at, "application/json", `{"source":{"type":"id","id":"`+id+`"}}`)
		require.Equal(t, 201, status, string(nt))
		status, body := simCall(t, s, "GET", "/instruments/"+id, at, "", "")
		require.Equal(t, 200, status, string(body))
		fixturetest.Compare(t, fixturetest.Load(t, "java-card-instrument-full.json"), body, fixturetest.Options{
			Absent: map[string]string{"encrypted_card_number": "present only for merchants at PCI SAQ-D (SDK-java's doc comment); " +
				"the simulator answers as for one who is not, and the adapter never reads it"},
			Same: []string{"type", "name", "scheme", "card_category", "card_wallet_type", "network_token.state"}})
	})
	t.Run("InstrumentInvalid", func(t *testing.T) {
		status, body := simCall(t, s, "POST", "/instruments", at, "application/json", `{"type":"token","token":"tok_pmjyslgaam4uzmvaiwqyhovvsy"}`)
		require.Equal(t, 422, status, string(body))
		// The Node mock's error_type is its error code; the API reference
		// (and the simulator) say request_invalid for every 422.
		fixturetest.Compare(t, fixturetest.Load(t, "node-instrument-invalid.json"), body, fixturetest.Options{Same: []string{"error_codes"}})
	})
	t.Run("NetworkTokens", func(t *testing.T) {
		require.NotEmpty(t, src)
		status, provisioned := simCall(t, s, "POST", "/network-tokens", at, "application/json", `{"source":{"type":"id","id":"`+src+`"}}`)
		require.Equal(t, 201, status, string(provisioned))
		fixturetest.Compare(t, fixturetest.Load(t, "node-network-token-provision.json"), provisioned, fixturetest.Options{
			Same: []string{"network_token.state", "network_token.type"}})
		var nt struct {
			NetworkToken struct{ ID string } `json:"network_token"`
		}
		require.NoError(t, json.Unmarshal(provisioned, &nt))
		status, got := simCall(t, s, "GET", "/network-tokens/"+nt.NetworkToken.ID, at, "", "")
		require.Equal(t, 200, status, string(got))
		fixturetest.Compare(t, fixturetest.Load(t, "node-network-token-get.json"), got, fixturetest.Options{
			Same: []string{"network_token.state", "network_token.type"}})
		status, cg := simCall(t, s, "POST", "/network-tokens/"+nt.NetworkToken.ID+"/cryptograms", at, "application/json", `{"transaction_type":"ecom"}`)
		require.Equal(t, 201, status, string(cg))
		fixturetest.Compare(t, fixturetest.Load(t, "node-cryptogram.json"), cg, fixturetest.Options{Same: []string{"eci"}})
	})
	t.Run("Seed002Error", func(t *testing.T) {
		status, body := simCall(t, s, "POST", "/network-tokens", at, "application/json", `{}`)
		require.Equal(t, 422, status, string(body))
		fixturetest.Compare(t, fixturetest.Load(t, "seed002-error.json"), body, fixturetest.Options{Same: []string{"error_type", "error_codes"}})
	})
	assert.False(t, bytes.Contains(tokenBody, []byte(checkoutsim.ClientSecret)))
}
