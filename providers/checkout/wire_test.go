package checkout

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/httpx"
)

// Examples from seed 002 and the research notes, verbatim where the
// documents give complete JSON.
const (
	// seed002NetworkToken is the provision (and get) answer of seed 002,
	// with the _links of the research notes §5.3.
	seed002NetworkToken = `{
  "card": { "last4": "6378", "expiry_month": "5", "expiry_year": "2025" },
  "network_token": {
    "id": "nt_xgu3isllqfyu7ktpk5z2yxbwna",
    "state": "active",
    "number": "5436424242424242",
    "expiry_month": "5",
    "expiry_year": "2025",
    "type": "vts",
    "payment_account_reference": "5001a9f027e5629d11e3949a0800a",
    "created_on": "2020-02-11T15:57:32.435+00:00",
    "modified_on": "2020-02-11T15:57:32.435+00:00"
  },
  "token_requestor_id": "1234567890",
  "token_scheme_id": "scheme_visa_001",
  "_links": {
    "self":       { "href": "https://{prefix}.api.sandbox.checkout.com/network-tokens/nt_xgu3isllqfyu7ktpk5z2yxbwna" },
    "cryptogram": { "href": "https://{prefix}.api.sandbox.checkout.com/network-tokens/nt_xgu3isllqfyu7ktpk5z2yxbwna/cryptograms" },
    "card-art":   { "href": "https://card-art.checkout.com/00340aa7bd3de35cb1048369450d8df4" }
  }
}`
	// seed002Cryptogram is the cryptogram answer (seed 002, research §6).
	seed002Cryptogram = `{"cryptogram": "AhJ3hnYAoAbVz5zg1e17MAACAAA=", "eci": "7",
  "_links": {"self": {"href": "https://x/network-tokens/nt_xgu3isllqfyu7ktpk5z2yxbwna/cryptograms"},
             "network-token": {"href": "https://x/network-tokens/nt_xgu3isllqfyu7ktpk5z2yxbwna"}}}`
	// seed002Error is the error example of seed 002 (delete operation).
	seed002Error = `{"request_id": "0HL80RJLS76I7", "error_type": "request_invalid", "error_codes": ["payment_source_required"]}`
	// researchCardToken is the POST /tokens example (research §3.3).
	researchCardToken = `{"type":"card","token":"tok_ubfj2q76miwundwlk72vxt2i7q","expires_on":"2020-08-27T11:37:30Z","expiry_month":6,"expiry_year":2025,"scheme":"VISA","last4":"9996","bin":"454347","card_type":"CREDIT","card_category":"CONSUMER","issuer":"Test Bank","issuer_country":"US","product_id":"F","product_type":"CLASSIC","name":"John Smith"}`
	// researchStoreResponse is the POST /instruments example (research §4.2).
	researchStoreResponse = `{"id":"src_vzzqipykt5ke5odazx5d7nikii","type":"card","fingerprint":"9F3BAD2E48C6C8579F2F5DC0710B7C11A8ACD5072C3363A72579A6FB227D64BE","expiry_month":6,"expiry_year":2025,"scheme":"VISA","last4":"4242","bin":"424242","card_type":"CREDIT","card_category":"CONSUMER","issuer_country":"GB","product_id":"F","product_type":"Visa Classic","customer":{"id":"cus_gmthnluatgounpoiyzbmn5fvua","email":"longbob.longsen@example.com"}}`
	// researchGetInstrument is the GET /instruments/{id} example (research §4.3).
	researchGetInstrument = `{"type":"card","id":"src_wmlfc3zyhqzehihu7giusaaawu","fingerprint":"vnsdrvikkvre3dtrjpwv7ire7u","expiry_month":6,"expiry_year":2025,"name":"John Smith","scheme":"Visa","scheme_local":"Cartes Bancaires","last4":"4242","bin":"424242","card_type":"Credit","card_category":"Consumer","issuer":"JPMORGAN CHASE BANK NA","issuer_country":"US","product_id":"A","product_type":"Visa Traditional","network_token":{"id":"nt_xgu3isllqfyu7ktpk5z2yxbwna","state":"active"},"card_wallet_type":"googlepay","regulated_indicator":true}`
	// researchAccessToken is the token endpoint answer (research §2.4).
	researchAccessToken = `{"access_token": "eyJhbGciOiJSUzI1NiJ9.e30.sig", "token_type": "Bearer", "expires_in": 3600, "scope": "vault:network-tokens"}`
	// researchDocsError is the 422 example of the API usage docs (research §8.1).
	researchDocsError = `{"request_id":"7e881fbc-0b4b-4a8b-8b8f-0c1a1d1c2c3d","error_type":"request_invalid","error_codes":["currency_required","token_required"]}`
)

const (
	testBase     = "https://api.test"
	testTokenURL = "https://auth.test/connect/token"
	testClientID = "cli_abcdefgh12345678"
	testSecret   = "client-secret-value"
	testPK       = "pk_sbox_publickeyvalue"
	testSK       = "sk_sbox_secretkeyvalue"
	testPAN      = "4242424242424242"
	testCVV      = "9180"
)

// recorded is one request the mock received.
type recorded struct {
	method, path, query string
	header              http.Header
	body                string
}

type answer struct {
	status int
	body   string
	header http.Header
}

// wire is an httpmock transport answering from a table and recording
// every request.
type wire struct {
	mu      sync.Mutex
	reqs    []recorded
	answers map[string][]answer // "METHOD path" -> answers, the last repeats
}

func newWire(t *testing.T) (*wire, *http.Client) {
	w := &wire{answers: map[string][]answer{}}
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		body := ""
		if r.Body != nil {
			b, _ := io.ReadAll(r.Body)
			body = string(b)
		}
		key := r.Method + " " + r.URL.Scheme + "://" + r.URL.Host + r.URL.Path
		w.mu.Lock()
		w.reqs = append(w.reqs, recorded{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body})
		as := w.answers[key]
		var a answer
		switch len(as) {
		case 0:
			a = answer{status: 599, body: "no answer for " + key}
		case 1:
			a = as[0]
		default:
			a, w.answers[key] = as[0], as[1:]
		}
		w.mu.Unlock()
		resp := httpmock.NewStringResponse(a.status, a.body)
		resp.Header.Set("Content-Type", "application/json")
		resp.Header.Set("Cko-Request-Id", "req-"+strings.ToLower(r.Method))
		for k, v := range a.header {
			resp.Header[k] = v
		}
		resp.Request = r
		return resp, nil
	})
	return w, &http.Client{Transport: mt}
}

func (w *wire) on(method, rawURL string, status int, body string, header ...string) {
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	w.mu.Lock()
	w.answers[method+" "+rawURL] = append(w.answers[method+" "+rawURL], answer{status, body, h})
	w.mu.Unlock()
}

func (w *wire) requests() []recorded {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]recorded(nil), w.reqs...)
}

func testProvider(t *testing.T, hc *http.Client, mod ...func(*Settings)) *provider {
	t.Helper()
	s := Settings{ClientID: testClientID, ClientSecret: testSecret, PublicKey: testPK, BaseURL: testBase, TokenURL: testTokenURL}
	for _, m := range mod {
		m(&s)
	}
	p, err := newProvider(s, hc)
	require.NoError(t, err)
	return p
}

func withToken(w *wire) {
	w.on("POST", testTokenURL, 200, `{"access_token":"at-1","token_type":"Bearer","expires_in":3600}`)
}

// assertTokenRequest pins the client-credentials request.
func assertTokenRequest(t *testing.T, r recorded) {
	t.Helper()
	assert.Equal(t, "POST", r.method)
	assert.Equal(t, "/connect/token", r.path)
	assert.Empty(t, r.query)
	assert.Equal(t, "Basic "+base64.StdEncoding.EncodeToString([]byte(testClientID+":"+testSecret)), r.header.Get("Authorization"))
	assert.Equal(t, "application/x-www-form-urlencoded", r.header.Get("Content-Type"))
	assert.Equal(t, "application/json", r.header.Get("Accept"))
	form, err := url.ParseQuery(r.body)
	require.NoError(t, err)
	assert.Equal(t, url.Values{"grant_type": {"client_credentials"}, "scope": {"vault:instruments vault:network-tokens"}}, form)
}

// assertAPIRequest pins method, path, query, auth and JSON body.
func assertAPIRequest(t *testing.T, r recorded, method, path, auth, body string) {
	t.Helper()
	assert.Equal(t, method, r.method)
	assert.Equal(t, path, r.path)
	assert.Empty(t, r.query)
	assert.Equal(t, auth, r.header.Get("Authorization"))
	assert.Equal(t, "application/json", r.header.Get("Accept"))
	assert.True(t, strings.HasPrefix(r.header.Get("User-Agent"), "tokenize-go/"))
	if body == "" {
		assert.Empty(t, r.body)
		assert.Empty(t, r.header.Get("Content-Type"))
		return
	}
	assert.Equal(t, "application/json", r.header.Get("Content-Type"))
	assert.JSONEq(t, body, r.body)
}

var ctx = context.Background()

func TestWireCreateCardPaymentToken(t *testing.T) {
	w, hc := newWire(t)
	withToken(w)
	w.on("POST", testBase+"/tokens", 201, researchCardToken)
	w.on("POST", testBase+"/instruments", 201, researchStoreResponse)
	p := testProvider(t, hc)
	tok, err := p.CreatePaymentToken(ctx, &tokenize.CreatePaymentTokenRequest{
		Card:              &tokenize.Card{Number: testPAN, ExpiryMonth: 6, ExpiryYear: 2030, CVV: testCVV, HolderName: "John Smith"},
		CustomerReference: "cus_gmthnluatgounpoiyzbmn5fvua",
		MerchantReference: "not-sent",
		UsageIntent:       tokenize.UsageRecurring,
	})
	require.NoError(t, err)
	reqs := w.requests()
	require.Len(t, reqs, 3)
	assertTokenRequest(t, reqs[0])
	assertAPIRequest(t, reqs[1], "POST", "/tokens", "Bearer "+testPK,
		`{"type":"card","number":"4242424242424242","expiry_month":6,"expiry_year":2030,"name":"John Smith","cvv":"9180"}`)
	assertAPIRequest(t, reqs[2], "POST", "/instruments", "Bearer at-1",
		`{"type":"token","token":"tok_ubfj2q76miwundwlk72vxt2i7q","customer":{"id":"cus_gmthnluatgounpoiyzbmn5fvua"}}`)
	assert.Equal(t, &tokenize.PaymentToken{
		Provider: "checkout", ID: "src_vzzqipykt5ke5odazx5d7nikii", Kind: tokenize.KindCard,
		Card: &tokenize.CardDetails{Brand: tokenize.BrandVisa, MaskedNumber: "424242******4242", BIN: "424242", Last4: "4242",
			ExpiryMonth: 6, ExpiryYear: 2025, Type: tokenize.CardTypeCredit, IssuerCountry: "GB"},
		CustomerReference: "cus_gmthnluatgounpoiyzbmn5fvua",
	}, tok)
}

func TestWireCreateWithSecretKeyAndEmail(t *testing.T) {
	w, hc := newWire(t)
	w.on("POST", testBase+"/tokens", 201, researchCardToken)
	w.on("POST", testBase+"/instruments", 200, researchStoreResponse)
	p := testProvider(t, hc, func(s *Settings) { s.SecretKey = testSK })
	_, err := p.CreatePaymentToken(ctx, &tokenize.CreatePaymentTokenRequest{
		Card:              &tokenize.Card{Number: testPAN, ExpiryMonth: 6, ExpiryYear: 2030},
		CustomerReference: "ada@example.com",
	})
	require.NoError(t, err)
	reqs := w.requests()
	require.Len(t, reqs, 2, "the secret key needs no access token")
	assertAPIRequest(t, reqs[0], "POST", "/tokens", "Bearer "+testPK,
		`{"type":"card","number":"4242424242424242","expiry_month":6,"expiry_year":2030}`)
	assertAPIRequest(t, reqs[1], "POST", "/instruments", "Bearer "+testSK,
		`{"type":"token","token":"tok_ubfj2q76miwundwlk72vxt2i7q","customer":{"email":"ada@example.com"}}`)
}

func TestWireCreateTemporaryToken(t *testing.T) {
	w, hc := newWire(t)
	withToken(w)
	w.on("POST", testBase+"/instruments", 201, researchStoreResponse)
	p := testProvider(t, hc)
	_, err := p.CreatePaymentToken(ctx, &tokenize.CreatePaymentTokenRequest{TemporaryToken: "tok_ubfj2q76miwundwlk72vxt2i7q"})
	require.NoError(t, err)
	reqs := w.requests()
	require.Len(t, reqs, 2)
	assertAPIRequest(t, reqs[1], "POST", "/instruments", "Bearer at-1", `{"type":"token","token":"tok_ubfj2q76miwundwlk72vxt2i7q"}`)
}

func TestWireCreateACH(t *testing.T) {
	w, hc := newWire(t)
	withToken(w)
	w.on("POST", testBase+"/instruments", 201, `{"type":"ach","id":"src_achachachachachachachachac","fingerprint":"abc"}`)
	p := testProvider(t, hc)
	tok, err := p.CreatePaymentToken(ctx, &tokenize.CreatePaymentTokenRequest{BankAccount: &tokenize.BankAccount{
		AccountNumber: "123456789", RoutingNumber: "011000015", AccountType: tokenize.AccountSavings, HolderName: "Ada King Lovelace"}})
	require.NoError(t, err)
	reqs := w.requests()
	require.Len(t, reqs, 2)
	assertAPIRequest(t, reqs[1], "POST", "/instruments", "Bearer at-1", `{"type":"ach",
		"instrument_data":{"account_type":"savings","account_number":"123456789","bank_code":"011000015","currency":"USD","country":"US"},
		"account_holder":{"first_name":"Ada King","last_name":"Lovelace"}}`)
	assert.Equal(t, &tokenize.PaymentToken{Provider: "checkout", ID: "src_achachachachachachachachac", Kind: tokenize.KindBankAccount,
		BankAccount: &tokenize.BankAccountDetails{Last4: "6789", RoutingNumber: "011000015", AccountType: tokenize.AccountSavings}}, tok)

	// GET of an ACH instrument reads instrument_data.
	w.on("GET", testBase+"/instruments/src_achachachachachachachachac", 200,
		`{"type":"ach","id":"src_achachachachachachachachac","fingerprint":"abc","instrument_data":{"account_type":"checking","account_number":"*****6789","bank_code":"011000015","currency":"USD","country":"US"}}`)
	got, err := p.GetPaymentToken(ctx, "src_achachachachachachachachac")
	require.NoError(t, err)
	assert.Equal(t, &tokenize.BankAccountDetails{Last4: "6789", RoutingNumber: "011000015", AccountType: tokenize.AccountChecking}, got.BankAccount)
}

// An ACH instrument needs an account holder (the official SDKs mark
// account_holder required for ach): Checkout.com declares the holder name
// required, so the Client refuses an account without one, naming the
// field, and nothing is sent.
func TestACHNeedsAccountHolder(t *testing.T) {
	w, hc := newWire(t)
	withToken(w)
	p := testProvider(t, hc)
	assert.True(t, p.Capabilities().Requires(tokenize.FieldBankHolderName))
	c := tokenize.New(p)
	for _, holder := range []string{"", "   "} {
		_, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{BankAccount: &tokenize.BankAccount{
			AccountNumber: "123456789", RoutingNumber: "011000015", AccountType: tokenize.AccountChecking, HolderName: holder}})
		var te *tokenize.Error
		require.ErrorAs(t, err, &te)
		assert.Equal(t, tokenize.InvalidArgument, te.Code)
		assert.Equal(t, tokenize.FieldBankHolderName, te.Field)
	}
	assert.Empty(t, w.requests(), "nothing sent, not even a token request")
	assert.Equal(t, tokenize.FieldBankHolderName, FieldOf([]string{"account_holder_required"}))
}

func TestWireGetAndDeletePaymentToken(t *testing.T) {
	w, hc := newWire(t)
	withToken(w)
	w.on("GET", testBase+"/instruments/src_wmlfc3zyhqzehihu7giusaaawu", 200, researchGetInstrument)
	w.on("DELETE", testBase+"/instruments/src_wmlfc3zyhqzehihu7giusaaawu", 204, "")
	p := testProvider(t, hc)
	tok, err := p.GetPaymentToken(ctx, "src_wmlfc3zyhqzehihu7giusaaawu")
	require.NoError(t, err)
	assert.Equal(t, &tokenize.PaymentToken{
		Provider: "checkout", ID: "src_wmlfc3zyhqzehihu7giusaaawu", Kind: tokenize.KindCard,
		Card: &tokenize.CardDetails{Brand: tokenize.BrandVisa, MaskedNumber: "424242******4242", BIN: "424242", Last4: "4242",
			ExpiryMonth: 6, ExpiryYear: 2025, Type: tokenize.CardTypeCredit, IssuerCountry: "US", HolderName: "John Smith"},
		NetworkTokenID: "nt_xgu3isllqfyu7ktpk5z2yxbwna",
	}, tok)
	require.NoError(t, p.DeletePaymentToken(ctx, "src_wmlfc3zyhqzehihu7giusaaawu"))
	reqs := w.requests()
	require.Len(t, reqs, 3)
	assertAPIRequest(t, reqs[1], "GET", "/instruments/src_wmlfc3zyhqzehihu7giusaaawu", "Bearer at-1", "")
	assertAPIRequest(t, reqs[2], "DELETE", "/instruments/src_wmlfc3zyhqzehihu7giusaaawu", "Bearer at-1", "")
}

// seed002Neutral is what seed 002's network token maps to.
func seed002Neutral() *tokenize.NetworkToken {
	ts := time.Date(2020, 2, 11, 15, 57, 32, 435e6, time.UTC)
	return &tokenize.NetworkToken{
		Provider: "checkout", ID: "nt_xgu3isllqfyu7ktpk5z2yxbwna", State: tokenize.StateActive, Scheme: tokenize.SchemeVTS,
		Number: "5436424242424242", ExpiryMonth: 5, ExpiryYear: 2025,
		CardLast4: "6378", CardExpiryMonth: 5, CardExpiryYear: 2025,
		PaymentAccountReference: "5001a9f027e5629d11e3949a0800a", TokenRequestorID: "1234567890", TokenReference: "scheme_visa_001",
		CreatedAt: ts, UpdatedAt: ts,
	}
}

func TestWireProvision(t *testing.T) {
	for _, tc := range []struct {
		name    string
		status  int
		req     tokenize.ProvisionNetworkTokenRequest
		body    string
		existed bool
	}{
		{"FromPaymentTokenNew", 201, tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: "src_wmlfc3zyhqzehihu7giusaaawu"},
			`{"source":{"type":"id","id":"src_wmlfc3zyhqzehihu7giusaaawu"}}`, false},
		{"FromPaymentTokenExisting", 200, tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: "src_wmlfc3zyhqzehihu7giusaaawu"},
			`{"source":{"type":"id","id":"src_wmlfc3zyhqzehihu7giusaaawu"}}`, true},
		{"FromCard", 201, tokenize.ProvisionNetworkTokenRequest{Card: &tokenize.Card{Number: testPAN, ExpiryMonth: 5, ExpiryYear: 2030, CVV: testCVV}},
			`{"source":{"type":"card","number":"4242424242424242","expiry_month":"5","expiry_year":"2030","cvv":"9180"}}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, hc := newWire(t)
			withToken(w)
			w.on("POST", testBase+"/network-tokens", tc.status, seed002NetworkToken)
			nt, err := testProvider(t, hc).ProvisionNetworkToken(ctx, &tc.req)
			require.NoError(t, err)
			reqs := w.requests()
			require.Len(t, reqs, 2)
			assertTokenRequest(t, reqs[0])
			assertAPIRequest(t, reqs[1], "POST", "/network-tokens", "Bearer at-1", tc.body)
			want := seed002Neutral()
			want.AlreadyExisted = tc.existed
			want.PaymentTokenID = tc.req.PaymentTokenID
			assert.Equal(t, want, nt)
		})
	}
}

func TestWireGetNetworkTokenCryptogramDelete(t *testing.T) {
	w, hc := newWire(t)
	withToken(w)
	id := "nt_xgu3isllqfyu7ktpk5z2yxbwna"
	w.on("GET", testBase+"/network-tokens/"+id, 200, seed002NetworkToken)
	w.on("POST", testBase+"/network-tokens/"+id+"/cryptograms", 201, seed002Cryptogram)
	w.on("PATCH", testBase+"/network-tokens/"+id+"/delete", 204, "")
	p := testProvider(t, hc)
	nt, err := p.GetNetworkToken(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, seed002Neutral(), nt)
	for _, tt := range []tokenize.TransactionType{tokenize.ECommerce, tokenize.Recurring, tokenize.PointOfSale, tokenize.AccountFunding} {
		cg, err := p.RequestCryptogram(ctx, &tokenize.CryptogramRequest{NetworkTokenID: id, TransactionType: tt})
		require.NoError(t, err)
		assert.Equal(t, &tokenize.Cryptogram{Provider: "checkout", NetworkTokenID: id, TransactionType: tt,
			Value: "AhJ3hnYAoAbVz5zg1e17MAACAAA=", ECI: "07"}, cg)
	}
	require.NoError(t, p.DeleteNetworkToken(ctx, &tokenize.DeleteNetworkTokenRequest{ID: id,
		InitiatedBy: tokenize.InitiatedByTokenRequestor, Reason: tokenize.ReasonOther}))
	require.NoError(t, p.DeleteNetworkToken(ctx, &tokenize.DeleteNetworkTokenRequest{ID: id,
		InitiatedBy: tokenize.InitiatedByCardholder, Reason: tokenize.ReasonFraud}))
	reqs := w.requests()
	require.Len(t, reqs, 8, "one access token for every call")
	assertTokenRequest(t, reqs[0])
	assertAPIRequest(t, reqs[1], "GET", "/network-tokens/"+id, "Bearer at-1", "")
	for i, tt := range []string{"ecom", "recurring", "pos", "aft"} {
		assertAPIRequest(t, reqs[2+i], "POST", "/network-tokens/"+id+"/cryptograms", "Bearer at-1", `{"transaction_type":"`+tt+`"}`)
	}
	assertAPIRequest(t, reqs[6], "PATCH", "/network-tokens/"+id+"/delete", "Bearer at-1", `{"initiated_by":"token_requestor","reason":"other"}`)
	assertAPIRequest(t, reqs[7], "PATCH", "/network-tokens/"+id+"/delete", "Bearer at-1", `{"initiated_by":"cardholder","reason":"fraud"}`)
}

func TestWireDeclinedAndRequestedOmitDPAN(t *testing.T) {
	for _, state := range []string{"declined", "requested"} {
		body := `{"card":{"last4":"0002","expiry_month":"1","expiry_year":"2032"},
			"network_token":{"id":"nt_declineddeclineddeclinedaa","state":"` + state + `","type":"mdes",
			"created_on":"2026-01-02T03:04:05.000+00:00","modified_on":"2026-01-02T03:04:05.000+00:00"}}`
		nt, err := decodeNetworkToken(&httpx.Response{Status: 201, Body: []byte(body)})
		require.NoError(t, err)
		assert.Equal(t, stateOf(state), nt.State)
		assert.Empty(t, nt.Number.Reveal())
		assert.Zero(t, nt.ExpiryMonth)
		assert.Zero(t, nt.ExpiryYear)
		assert.Equal(t, tokenize.SchemeMDES, nt.Scheme)
		assert.Equal(t, 1, nt.CardExpiryMonth)
	}
}

func TestWireErrors(t *testing.T) {
	for _, tc := range []struct {
		name      string
		status    int
		body      string
		header    []string
		code      tokenize.Code
		codes     []string
		field     string
		retryable bool
		reqID     string
		after     time.Duration
	}{
		{"Seed002Error422", 422, seed002Error, nil, tokenize.InvalidArgument, []string{"payment_source_required"}, tokenize.FieldProvisionSource, false, "req-patch", 0},
		{"DocsError422", 422, researchDocsError, nil, tokenize.InvalidArgument, []string{"currency_required", "token_required"}, tokenize.FieldTemporaryToken, false, "req-patch", 0},
		{"CardCodes", 422, `{"error_type":"request_invalid","error_codes":["card_expiry_month_invalid","card_number_invalid"]}`, nil, tokenize.InvalidArgument,
			[]string{"card_expiry_month_invalid", "card_number_invalid"}, tokenize.FieldCardExpiryMonth, false, "req-patch", 0},
		{"Empty400", 400, "", nil, tokenize.InvalidArgument, nil, "", false, "req-patch", 0},
		{"Empty401", 401, "", nil, tokenize.Unauthenticated, nil, "", false, "req-patch", 0},
		{"Empty403", 403, "", nil, tokenize.PermissionDenied, nil, "", false, "req-patch", 0},
		{"Empty404", 404, "", nil, tokenize.NotFound, nil, "", false, "req-patch", 0},
		{"JSON404", 404, `{}`, nil, tokenize.NotFound, nil, "", false, "req-patch", 0},
		{"415", 415, "", nil, tokenize.Internal, nil, "", false, "req-patch", 0},
		{"TokenStateInvalid", 422, `{"error_type":"request_invalid","error_codes":["token_state_invalid"]}`, nil, tokenize.FailedPrecondition, []string{"token_state_invalid"}, "", false, "req-patch", 0},
		{"SourceUnknown", 422, `{"error_type":"request_invalid","error_codes":["source_id_unknown"]}`, nil, tokenize.NotFound, []string{"source_id_unknown"}, "", false, "req-patch", 0},
		{"429RetryAfter", 429, `{"error_type":"too_many_requests","error_codes":["api_calls_quota_exceeded"]}`, []string{"Retry-After", "7"}, tokenize.RateLimited, []string{"api_calls_quota_exceeded"}, "", true, "req-patch", 7 * time.Second},
		{"500HTML", 500, "<html>oops</html>", []string{"Content-Type", "text/html"}, tokenize.Internal, nil, "", true, "req-patch", 0},
		{"502", 502, "Bad Gateway. Error from scheme", []string{"Content-Type", "text/plain"}, tokenize.Unavailable, nil, "", true, "req-patch", 0},
		{"504", 504, "", nil, tokenize.Unavailable, nil, "", true, "req-patch", 0},
		{"ErrorTypeOnly", 422, `{"request_id":"body-id","error_type":"request_malformed"}`, []string{"Cko-Request-Id", ""}, tokenize.InvalidArgument, []string{"request_malformed"}, "", false, "body-id", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, hc := newWire(t)
			withToken(w)
			path := testBase + "/network-tokens/nt_x/delete"
			w.on("PATCH", path, tc.status, tc.body, tc.header...)
			w.on("PATCH", path, tc.status, tc.body, tc.header...)
			err := testProvider(t, hc).DeleteNetworkToken(ctx, &tokenize.DeleteNetworkTokenRequest{ID: "nt_x",
				InitiatedBy: tokenize.InitiatedByCardholder, Reason: tokenize.ReasonOther})
			var te *tokenize.Error
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tc.code, te.Code)
			assert.Equal(t, tc.codes, te.ProviderCodes)
			assert.Equal(t, tc.field, te.Field)
			assert.Equal(t, tc.retryable, te.Retryable)
			assert.Equal(t, tc.status, te.HTTPStatus)
			assert.Equal(t, tc.reqID, te.RequestID)
			assert.Equal(t, tc.after, te.RetryAfter)
			assert.False(t, te.OutcomeUnknown, "an idempotent request has no unknown outcome")
			if tc.body != "" {
				// A JSON body is kept re-encoded by the redaction: the same
				// document, not the same bytes.
				if json.Valid([]byte(tc.body)) {
					assert.JSONEq(t, tc.body, string(te.ProviderBody()))
				} else {
					assert.Equal(t, tc.body, string(te.ProviderBody()))
				}
			}
		})
	}
}

func TestWireNonIdempotentOutcomeUnknown(t *testing.T) {
	w, hc := newWire(t)
	withToken(w)
	w.on("POST", testBase+"/tokens", 201, researchCardToken)
	w.on("POST", testBase+"/instruments", 502, "<html>Bad Gateway</html>", "Content-Type", "text/html")
	_, err := testProvider(t, hc).CreatePaymentToken(ctx, &tokenize.CreatePaymentTokenRequest{
		Card: &tokenize.Card{Number: testPAN, ExpiryMonth: 6, ExpiryYear: 2030, CVV: testCVV}})
	var te *tokenize.Error
	require.ErrorAs(t, err, &te)
	assert.Equal(t, tokenize.Unavailable, te.Code)
	assert.True(t, te.OutcomeUnknown)
	assert.False(t, te.Retryable)
	assert.NotContains(t, te.Error(), testPAN)
	assert.NotContains(t, te.Error(), testCVV)
}

func TestWireOAuthErrors(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		code   tokenize.Code
		codes  []string
	}{
		{400, `{"error":"invalid_client"}`, tokenize.Unauthenticated, []string{"invalid_client"}},
		{400, `{"error":"invalid_grant"}`, tokenize.Unauthenticated, []string{"invalid_grant"}},
		{400, `{"error":"invalid_scope"}`, tokenize.PermissionDenied, []string{"invalid_scope"}},
		{400, `{"error":"unauthorized_client"}`, tokenize.PermissionDenied, []string{"unauthorized_client"}},
		{400, `{"error":"unsupported_grant_type"}`, tokenize.Internal, []string{"unsupported_grant_type"}},
		{401, ``, tokenize.Unauthenticated, nil},
		{401, `{"error":"invalid_client"}`, tokenize.Unauthenticated, []string{"invalid_client"}},
		{503, `<html>down</html>`, tokenize.Unavailable, nil},
		{429, `{}`, tokenize.RateLimited, nil},
	} {
		t.Run(strings.Join(append([]string{http.StatusText(tc.status)}, tc.codes...), "/"), func(t *testing.T) {
			w, hc := newWire(t)
			w.on("POST", testTokenURL, tc.status, tc.body)
			_, err := testProvider(t, hc).GetNetworkToken(ctx, "nt_x")
			var te *tokenize.Error
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tc.code, te.Code)
			assert.Equal(t, tc.codes, te.ProviderCodes)
			assert.NotContains(t, te.Error(), testSecret)
			assert.Len(t, w.requests(), 1, "no API call without an access token")
		})
	}
}

func TestWire401RefreshesOnce(t *testing.T) {
	w, hc := newWire(t)
	w.on("POST", testTokenURL, 200, `{"access_token":"at-1","token_type":"Bearer","expires_in":3600}`)
	w.on("POST", testTokenURL, 200, `{"access_token":"at-2","token_type":"Bearer","expires_in":3600}`)
	w.on("POST", testTokenURL, 200, `{"access_token":"at-3","token_type":"Bearer","expires_in":3600}`)
	id := "nt_xgu3isllqfyu7ktpk5z2yxbwna"
	w.on("GET", testBase+"/network-tokens/"+id, 401, "")
	w.on("GET", testBase+"/network-tokens/"+id, 200, seed002NetworkToken)
	p := testProvider(t, hc)
	_, err := p.GetNetworkToken(ctx, id)
	require.NoError(t, err)
	reqs := w.requests()
	require.Len(t, reqs, 4)
	assert.Equal(t, "Bearer at-1", reqs[1].header.Get("Authorization"))
	assert.Equal(t, "/connect/token", reqs[2].path)
	assert.Equal(t, "Bearer at-2", reqs[3].header.Get("Authorization"))

	// A second 401 is not retried again: the credentials are wrong.
	w.on("GET", testBase+"/network-tokens/nt_y", 401, "")
	_, err = p.GetNetworkToken(ctx, "nt_y")
	assert.Equal(t, tokenize.Unauthenticated, tokenize.CodeOf(err))
	assert.Len(t, w.requests(), 7, "the 401 drops the token and retries exactly once")
}

func TestWireTokenCacheExpiry(t *testing.T) {
	w, hc := newWire(t)
	w.on("POST", testTokenURL, 200, `{"access_token":"at-1","token_type":"Bearer","expires_in":120}`)
	w.on("POST", testTokenURL, 200, `{"access_token":"at-2","token_type":"Bearer","expires_in":120}`)
	w.on("GET", testBase+"/network-tokens/nt_x", 200, seed002NetworkToken)
	p := testProvider(t, hc)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p.tokens.now = func() time.Time { return now }
	get := func() string {
		_, err := p.GetNetworkToken(ctx, "nt_x")
		require.NoError(t, err)
		reqs := w.requests()
		return reqs[len(reqs)-1].header.Get("Authorization")
	}
	assert.Equal(t, "Bearer at-1", get())
	now = now.Add(89 * time.Second) // refresh 30s before the 120s expiry
	assert.Equal(t, "Bearer at-1", get())
	now = now.Add(2 * time.Second)
	assert.Equal(t, "Bearer at-2", get())
}

func TestWireMalformedSuccess(t *testing.T) {
	for name, body := range map[string]string{
		"Empty":        "",
		"HTML":         "<html></html>",
		"Truncated":    seed002NetworkToken[:40],
		"NoID":         `{"network_token":{"state":"active"}}`,
		"BadExpiry":    `{"network_token":{"id":"nt_x","expiry_month":"13"}}`,
		"BadYear":      `{"network_token":{"id":"nt_x","expiry_year":"25"}}`,
		"BadCreatedOn": `{"network_token":{"id":"nt_x","created_on":"yesterday"}}`,
		"BadNumber":    `{"network_token":{"id":"nt_x","number":"54xx"}}`,
		"WrongType":    `{"network_token":{"id":7}}`,
	} {
		t.Run(name, func(t *testing.T) {
			w, hc := newWire(t)
			withToken(w)
			w.on("GET", testBase+"/network-tokens/nt_x", 200, body)
			nt, err := testProvider(t, hc).GetNetworkToken(ctx, "nt_x")
			assert.Nil(t, nt)
			assert.Equal(t, tokenize.Internal, tokenize.CodeOf(err))
			assert.True(t, tokenize.IsRetryable(err), "a read may be retried")
		})
	}
	w, hc := newWire(t)
	withToken(w)
	w.on("GET", testBase+"/network-tokens/nt_x", 202, seed002NetworkToken)
	_, err := testProvider(t, hc).GetNetworkToken(ctx, "nt_x")
	assert.Equal(t, tokenize.Internal, tokenize.CodeOf(err), "an unexpected 2xx is not a success")
}

// TestWireIdempotency pins Request.Idempotent per endpoint through its
// effect: a 503 is retryable (and its outcome known) only for requests
// that cannot create a duplicate.
func TestWireIdempotency(t *testing.T) {
	card := &tokenize.Card{Number: testPAN, ExpiryMonth: 6, ExpiryYear: 2030}
	for _, tc := range []struct {
		name       string
		method     string
		path       string
		idempotent bool
		call       func(p *provider) error
	}{
		{"POST /tokens", "POST", "/tokens", false, func(p *provider) error {
			_, err := p.CreatePaymentToken(ctx, &tokenize.CreatePaymentTokenRequest{Card: card})
			return err
		}},
		{"POST /instruments", "POST", "/instruments", false, func(p *provider) error {
			_, err := p.CreatePaymentToken(ctx, &tokenize.CreatePaymentTokenRequest{TemporaryToken: "tok_x"})
			return err
		}},
		{"GET /instruments/{id}", "GET", "/instruments/src_x", true, func(p *provider) error {
			_, err := p.GetPaymentToken(ctx, "src_x")
			return err
		}},
		{"DELETE /instruments/{id}", "DELETE", "/instruments/src_x", true, func(p *provider) error {
			return p.DeletePaymentToken(ctx, "src_x")
		}},
		{"POST /network-tokens", "POST", "/network-tokens", true, func(p *provider) error {
			_, err := p.ProvisionNetworkToken(ctx, &tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: "src_x"})
			return err
		}},
		{"GET /network-tokens/{id}", "GET", "/network-tokens/nt_x", true, func(p *provider) error {
			_, err := p.GetNetworkToken(ctx, "nt_x")
			return err
		}},
		{"POST /network-tokens/{id}/cryptograms", "POST", "/network-tokens/nt_x/cryptograms", true, func(p *provider) error {
			_, err := p.RequestCryptogram(ctx, &tokenize.CryptogramRequest{NetworkTokenID: "nt_x", TransactionType: tokenize.ECommerce})
			return err
		}},
		{"PATCH /network-tokens/{id}/delete", "PATCH", "/network-tokens/nt_x/delete", true, func(p *provider) error {
			return p.DeleteNetworkToken(ctx, &tokenize.DeleteNetworkTokenRequest{ID: "nt_x", InitiatedBy: tokenize.InitiatedByCardholder, Reason: tokenize.ReasonOther})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, hc := newWire(t)
			withToken(w)
			w.on(tc.method, testBase+tc.path, 503, "<html>Service Unavailable</html>", "Content-Type", "text/html")
			err := tc.call(testProvider(t, hc))
			var te *tokenize.Error
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tokenize.Unavailable, te.Code)
			assert.Equal(t, tc.idempotent, te.Retryable, "Retryable")
			assert.Equal(t, !tc.idempotent, te.OutcomeUnknown, "OutcomeUnknown")
		})
	}
}

// The token endpoint may answer any 2xx (Checkout documents 200; the
// official Node SDK's mocks answer 201, with scope as a JSON array): a
// valid token body is a token, whatever the success status and whichever
// form the scope takes.
func TestWireTokenEndpointAnySuccessAndScopeForms(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		scopes []string
	}{
		{"200ScopeString", 200, `{"access_token":"at-1","token_type":"Bearer","expires_in":3600,"scope":"vault:instruments vault:network-tokens"}`,
			[]string{"vault:instruments", "vault:network-tokens"}},
		// The body of checkout-sdk-node test/network-tokens/network-tokens-unit.js.
		{"201ScopeArray", 201, `{"access_token":"at-1","expires_in":3600,"token_type":"Bearer","scope":["vault:network-tokens"]}`,
			[]string{"vault:network-tokens"}},
		{"202NoScope", 202, `{"access_token":"at-1","token_type":"Bearer","expires_in":3600}`, nil},
		{"200ScopeOfAnotherShape", 200, `{"access_token":"at-1","token_type":"Bearer","expires_in":3600,"scope":{"vault":true}}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, hc := newWire(t)
			w.on("POST", testTokenURL, tc.status, tc.body)
			w.on("GET", testBase+"/network-tokens/nt_x", 200, seed002NetworkToken)
			w.on("GET", testBase+"/network-tokens/nt_y", 403, "")
			p := testProvider(t, hc)
			nt, err := p.GetNetworkToken(ctx, "nt_x")
			require.NoError(t, err)
			assert.Equal(t, "nt_xgu3isllqfyu7ktpk5z2yxbwna", nt.ID)
			reqs := w.requests()
			require.Len(t, reqs, 2, "one token request, one API call")
			assertTokenRequest(t, reqs[0])
			assert.Equal(t, "Bearer at-1", reqs[1].header.Get("Authorization"))

			// A 403 names the scopes the token was granted, if any.
			_, err = p.GetNetworkToken(ctx, "nt_y")
			assert.Equal(t, tokenize.PermissionDenied, tokenize.CodeOf(err))
			if tc.scopes == nil {
				assert.NotContains(t, err.Error(), "scopes")
			} else {
				assert.Contains(t, err.Error(), "the access token's scopes: "+strings.Join(tc.scopes, " "))
			}
		})
	}
}

// A 2xx from the token endpoint whose body is not a usable token is a
// classified error, and its body (which may hold an access token) is kept
// neither as ProviderBody nor in the message.
func TestWireTokenEndpointMalformedSuccessKeepsNoBody(t *testing.T) {
	for _, body := range []string{
		`{"access_token":"at-secret-value","token_type":"mac","expires_in":3600}`,
		`{"access_token":"at-secret-value","token_type":"Bearer","expires_in":-1}`,
		`{"token_type":"Bearer","expires_in":3600,"note":"at-secret-value"}`,
		`<html>at-secret-value</html>`,
	} {
		w, hc := newWire(t)
		w.on("POST", testTokenURL, 201, body)
		_, err := testProvider(t, hc).GetNetworkToken(ctx, "nt_x")
		var te *tokenize.Error
		require.ErrorAs(t, err, &te, body)
		assert.Equal(t, tokenize.Internal, te.Code, body)
		assert.True(t, te.Retryable, "asking for a token again changes nothing")
		assert.False(t, te.OutcomeUnknown, "the call itself was never sent")
		assert.NotContains(t, string(te.ProviderBody()), "at-secret-value")
		assert.NotContains(t, te.Error(), "at-secret-value")
		assert.Len(t, w.requests(), 1, "no API call without a token")
	}
}

// A huge expires_in must neither overflow into a token that is never
// cached (a refresh storm) nor keep a token forever.
func TestWireTokenLifetimeCapped(t *testing.T) {
	w, hc := newWire(t)
	w.on("POST", testTokenURL, 200, `{"access_token":"at-1","token_type":"Bearer","expires_in":9999999999999}`)
	w.on("POST", testTokenURL, 200, `{"access_token":"at-2","token_type":"Bearer","expires_in":3600}`)
	w.on("GET", testBase+"/network-tokens/nt_x", 200, seed002NetworkToken)
	p := testProvider(t, hc)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p.tokens.now = func() time.Time { return now }
	auth := func() string {
		_, err := p.GetNetworkToken(ctx, "nt_x")
		require.NoError(t, err)
		reqs := w.requests()
		return reqs[len(reqs)-1].header.Get("Authorization")
	}
	assert.Equal(t, "Bearer at-1", auth())
	assert.Equal(t, "Bearer at-1", auth(), "cached, not fetched again")
	now = now.Add(maxTokenLifetime)
	assert.Equal(t, "Bearer at-2", auth(), "refreshed after the capped lifetime")
}

// An error body that echoes the request (a WAF page, a verbose validator)
// must not carry its card number, CVV, account number or card token into
// ProviderBody, which callers may log.
func TestWireProviderBodyRedactsRequestSecrets(t *testing.T) {
	const tok = "tok_ubfj2q76miwundwlk72vxt2i7q"
	const acct = "918181918"
	for _, tc := range []struct {
		name, method, url, echo string
		secrets                 []string
		call                    func(p *provider) error
	}{
		{"Tokens", "POST", testBase + "/tokens", `"number":"` + testPAN + `","cvv":"` + testCVV + `"`, []string{testPAN, testCVV}, func(p *provider) error {
			_, err := p.CreatePaymentToken(ctx, &tokenize.CreatePaymentTokenRequest{Card: &tokenize.Card{Number: testPAN, ExpiryMonth: 6, ExpiryYear: 2030, CVV: testCVV}})
			return err
		}},
		{"InstrumentToken", "POST", testBase + "/instruments", `"token":"` + tok + `"`, []string{tok}, func(p *provider) error {
			_, err := p.CreatePaymentToken(ctx, &tokenize.CreatePaymentTokenRequest{TemporaryToken: tok})
			return err
		}},
		{"InstrumentACH", "POST", testBase + "/instruments", `"account_number":"` + acct + `"`, []string{acct}, func(p *provider) error {
			_, err := p.CreatePaymentToken(ctx, &tokenize.CreatePaymentTokenRequest{BankAccount: &tokenize.BankAccount{
				AccountNumber: acct, RoutingNumber: "011000015", AccountType: tokenize.AccountChecking}})
			return err
		}},
		{"ProvisionFromCard", "POST", testBase + "/network-tokens", `"number":"` + testPAN + `","cvv":"` + testCVV + `"`, []string{testPAN, testCVV}, func(p *provider) error {
			_, err := p.ProvisionNetworkToken(ctx, &tokenize.ProvisionNetworkTokenRequest{Card: &tokenize.Card{Number: testPAN, ExpiryMonth: 6, ExpiryYear: 2030, CVV: testCVV}})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, hc := newWire(t)
			withToken(w)
			w.on(tc.method, tc.url, 422, `{"request_id":"r1","error_type":"request_invalid","error_codes":["card_number_invalid"],"echo":{`+tc.echo+`}}`)
			err := tc.call(testProvider(t, hc))
			var te *tokenize.Error
			require.ErrorAs(t, err, &te)
			assert.Equal(t, []string{"card_number_invalid"}, te.ProviderCodes)
			body := string(te.ProviderBody())
			assert.Contains(t, body, "card_number_invalid", "the rest of the body is kept")
			for _, s := range tc.secrets {
				assert.NotContains(t, body, s)
			}
		})
	}
}

// Fields documented as masked (last4, bin) that arrive holding more digits
// are a malformed answer, not card details to print: CardDetails and
// NetworkToken print them verbatim.
func TestWireMaskedFieldsHoldingAPANAreMalformed(t *testing.T) {
	for name, body := range map[string]string{
		"NetworkTokenCardLast4": `{"card":{"last4":"` + testPAN + `"},"network_token":{"id":"nt_x","state":"active"}}`,
	} {
		_, err := decodeNetworkToken(&httpx.Response{Status: 200, Body: []byte(body), Idempotent: true})
		assert.Equal(t, tokenize.Internal, tokenize.CodeOf(err), name)
	}
	for name, body := range map[string]string{
		"InstrumentLast4": `{"type":"card","id":"src_x","last4":"` + testPAN + `","bin":"424242"}`,
		"InstrumentBin":   `{"type":"card","id":"src_x","last4":"4242","bin":"` + testPAN + `"}`,
	} {
		tok, err := decodeInstrument(&httpx.Response{Status: 200, Body: []byte(body), Idempotent: true}, nil)
		assert.Equal(t, tokenize.Internal, tokenize.CodeOf(err), name)
		assert.Nil(t, tok, name)
	}
	tok, err := decodeInstrument(&httpx.Response{Status: 200, Body: []byte(`{"type":"card","id":"src_x","last4":"4242","bin":"42424242"}`)}, nil)
	require.NoError(t, err, "an eight-digit BIN is valid")
	assert.Equal(t, "42424242", tok.Card.BIN)
}

// A delete answered 200 with a page that is not Checkout's (a captive
// portal, a misrouted proxy) is not proof of deletion: reading it as
// success would leave a compromised network token alive.
func TestWireDeleteSuccessNeedsAnAPIAnswer(t *testing.T) {
	w, hc := newWire(t)
	withToken(w)
	w.on("PATCH", testBase+"/network-tokens/nt_x/delete", 200, "<html>Welcome</html>", "Content-Type", "text/html")
	w.on("DELETE", testBase+"/instruments/src_x", 200, "<html>Welcome</html>", "Content-Type", "text/html")
	p := testProvider(t, hc)
	err := p.DeleteNetworkToken(ctx, &tokenize.DeleteNetworkTokenRequest{ID: "nt_x", InitiatedBy: tokenize.InitiatedByCardholder, Reason: tokenize.ReasonFraud})
	assert.Equal(t, tokenize.Internal, tokenize.CodeOf(err))
	assert.True(t, tokenize.IsRetryable(err))
	err = p.DeletePaymentToken(ctx, "src_x")
	assert.Equal(t, tokenize.Internal, tokenize.CodeOf(err))

	// 204, an empty 200 and a JSON 200 are success.
	for _, a := range []struct {
		status int
		body   string
	}{{204, ""}, {200, ""}, {200, `{}`}} {
		w, hc := newWire(t)
		withToken(w)
		w.on("PATCH", testBase+"/network-tokens/nt_x/delete", a.status, a.body)
		w.on("DELETE", testBase+"/instruments/src_x", a.status, a.body)
		p := testProvider(t, hc)
		assert.NoError(t, p.DeleteNetworkToken(ctx, &tokenize.DeleteNetworkTokenRequest{ID: "nt_x", InitiatedBy: tokenize.InitiatedByCardholder, Reason: tokenize.ReasonFraud}))
		assert.NoError(t, p.DeletePaymentToken(ctx, "src_x"))
	}
}

// With a secret key, instruments never use OAuth: the token request asks
// only for the network-tokens scope, so an access key granted just that
// scope is not refused with invalid_scope.
func TestWireSecretKeyNarrowsScope(t *testing.T) {
	w, hc := newWire(t)
	withToken(w)
	w.on("GET", testBase+"/network-tokens/nt_x", 200, seed002NetworkToken)
	_, err := testProvider(t, hc, func(s *Settings) { s.SecretKey = testSK }).GetNetworkToken(ctx, "nt_x")
	require.NoError(t, err)
	form, err := url.ParseQuery(w.requests()[0].body)
	require.NoError(t, err)
	assert.Equal(t, "vault:network-tokens", form.Get("scope"))
}

// A create answered 2xx with a body that cannot be read may have stored
// the instrument: the error says the outcome is unknown and forbids a
// blind retry, whatever the body.
func TestWireMalformedCreateOutcomeUnknown(t *testing.T) {
	for name, a := range map[string]struct {
		status int
		body   string
	}{
		"Empty201":     {201, ""},
		"HTML200":      {200, "<html></html>"},
		"Truncated201": {201, researchStoreResponse[:30]},
		"NoID201":      {201, `{"type":"card","last4":"4242"}`},
		"Accepted202":  {202, researchStoreResponse},
	} {
		t.Run(name, func(t *testing.T) {
			w, hc := newWire(t)
			withToken(w)
			w.on("POST", testBase+"/instruments", a.status, a.body)
			tok, err := testProvider(t, hc).CreatePaymentToken(ctx, &tokenize.CreatePaymentTokenRequest{TemporaryToken: "tok_ubfj2q76miwundwlk72vxt2i7q"})
			assert.Nil(t, tok)
			var te *tokenize.Error
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tokenize.Internal, te.Code)
			assert.True(t, te.OutcomeUnknown)
			assert.False(t, te.Retryable)
			assert.Equal(t, a.status, te.HTTPStatus)
		})
	}
}
