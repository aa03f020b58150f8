package worldpay

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

// The reference's examples (docs/worldpay-api.md gives the pages),
// verbatim where the pages give complete JSON.
const (
	// refCreateTokenRequest is the "Create a token" request example (the
	// 2023 revision, with merchant.entity "default"), less billingAddress,
	// which the adapter does not send.
	refCreateTokenRequest = `{
  "description": "Test Token Description",
  "paymentInstrument": {
    "type": "card/front",
    "cardHolderName": "Sherlock Holmes",
    "cardNumber": "4444333322221111",
    "cardExpiryDate": { "month": 5, "year": 2035 }
  },
  "merchant": { "entity": "default" }
}`
	// refProvisionRequest is the "Create a network token" request example.
	refProvisionRequest = `{
  "paymentInstrument": {
    "cardHolderName": "name",
    "type": "card/front",
    "cardExpiryDate": { "month": 1, "year": 2050 },
    "cardNumber": "4444333322221111"
  },
  "merchant": { "entity": "default" }
}`
	// refProvisionAsync is the API reference's provisioning answer without
	// a token: the tokenReference and the lookup link only.
	refProvisionAsync = `{
  "tokenReference": "aa224320-425c-40b6-9781-2cb7df76b0c8",
  "paymentInstrument": {
    "type": "card/masked",
    "firstSix": "444433",
    "lastFour": "1111",
    "cardExpiryDate": { "month": 1, "year": 2050 },
    "paymentAccountReference": "41111111111111111111111111111"
  },
  "_links": {
    "self": { "href": "https://try.access.worldpay.com/tokens/network" },
    "tokens:networkTokenLookup": { "href": "https://try.access.worldpay.com/tokens/network/aa224320-425c-40b6-9781-2cb7df76b0c8" },
    "curies": [ { "href": "https://try.access.worldpay.com/rels/tokens/{rel}.json", "name": "tokens", "templated": true } ]
  }
}`
	// refLookup is the network token inquiry answer (2025 revision, with
	// the PAR).
	refLookup = `{
  "tokenPaymentInstrument": {
    "status": "Active",
    "type": "card/networkToken",
    "tokenNumber": "4111111111111111",
    "expiryDate": { "month": 12, "year": 2025 }
  },
  "paymentInstrument": {
    "type": "card/masked",
    "firstSix": "411111",
    "lastFour": "1111",
    "cardExpiryDate": { "month": 12, "year": 2025 },
    "paymentAccountReference": "41111111111111111111111111111"
  },
  "_links": {
    "self": { "href": "https://try.access.worldpay.com/tokens/network/0b56de37-22b3-4422-a791-ae9550df1db0" },
    "tokens:networkTokenCryptogram": { "href": "https://try.access.worldpay.com/tokens/network/cryptograms" },
    "curies": [ { "href": "https://try.access.worldpay.com/rels/tokens/{rel}.json", "name": "tokens", "templated": true } ]
  }
}`
	refLookupID = "0b56de37-22b3-4422-a791-ae9550df1db0"
	// refCryptogramRequest and refCryptogram are the "Provision
	// Cryptogram" request and 200 answer.
	refCryptogramRequest = `{ "tokenNumber": "4111111111111111" }`
	refCryptogram        = `{
  "cryptogramDetails": { "cryptogram": "AgAAAAAASFh+gDRt/rq8QOkAAAA=", "eci": "07" },
  "_links": {
    "self": { "href": "https://try.access.worldpay.com/tokens/network/cryptograms" },
    "tokens:networkTokenLookup": { "href": "https://try.access.worldpay.com/tokens/network/{tokenReference}", "templated": true },
    "curies": [ { "href": "https://try.access.worldpay.com/rels/tokens/{rel}.json", "name": "tokens", "templated": true } ]
  }
}`
	// refError is the "Network token error responses" example.
	refError = `{
  "errorName": "bodyDoesNotMatchSchema",
  "message": "The json body provided does not match the expected schema",
  "validationErrors": [
    { "errorName": "fieldHasInvalidValue", "message": "Card expiry date must not be in the past", "jsonPath": "$.paymentInstrument.cardExpiryDate" }
  ]
}`
)

const (
	testBase = "https://try.access.worldpay.com"
	testUser = "wp-user"
	testPass = "wp-password-value"
)

var ctx = context.Background()

// recorded is one request the mock received.
type recorded struct {
	method, url string
	header      http.Header
	body        string
}

// wire is an httpmock transport answering from a table and recording
// every request.
type wire struct {
	mu      sync.Mutex
	reqs    []recorded
	answers map[string][]answer // "METHOD url" -> answers, the last repeats
}

type answer struct {
	status int
	body   string
}

func newWire() (*wire, *http.Client) {
	w := &wire{answers: map[string][]answer{}}
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		body := ""
		if r.Body != nil {
			b, _ := io.ReadAll(r.Body)
			body = string(b)
		}
		key := r.Method + " " + r.URL.String()
		w.mu.Lock()
		w.reqs = append(w.reqs, recorded{r.Method, r.URL.String(), r.Header.Clone(), body})
		as := w.answers[key]
		a := answer{status: 599, body: "no answer for " + key}
		switch len(as) {
		case 0:
		case 1:
			a = as[0]
		default:
			a, w.answers[key] = as[0], as[1:]
		}
		w.mu.Unlock()
		resp := httpmock.NewStringResponse(a.status, a.body)
		resp.Header.Set("Content-Type", MediaType+";charset=UTF-8")
		resp.Header.Set("WP-CorrelationId", "corr-"+strings.ToLower(r.Method))
		resp.Request = r
		return resp, nil
	})
	return w, &http.Client{Transport: mt}
}

func (w *wire) on(method, url string, status int, body string) {
	w.mu.Lock()
	w.answers[method+" "+url] = append(w.answers[method+" "+url], answer{status, body})
	w.mu.Unlock()
}

func (w *wire) requests() []recorded {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]recorded(nil), w.reqs...)
}

func testClient(t *testing.T, hc *http.Client, opts ...tokenize.Option) *tokenize.Client {
	t.Helper()
	p, err := newProvider(Settings{Username: testUser, Password: testPass}, hc)
	require.NoError(t, err)
	return tokenize.New(p, append([]tokenize.Option{tokenize.WithRetryPolicy(tokenize.RetryPolicy{})}, opts...)...)
}

// assertRequest pins method, URL, Basic auth, the versioned media type
// and the JSON body.
func assertRequest(t *testing.T, r recorded, method, url, body string) {
	t.Helper()
	assert.Equal(t, method, r.method)
	assert.Equal(t, url, r.url)
	assert.Equal(t, "Basic "+base64.StdEncoding.EncodeToString([]byte(testUser+":"+testPass)), r.header.Get("Authorization"))
	assert.Equal(t, MediaType, r.header.Get("Accept"))
	assert.True(t, strings.HasPrefix(r.header.Get("User-Agent"), "tokenize-go/"))
	if body == "" {
		assert.Empty(t, r.body)
		assert.Empty(t, r.header.Get("Content-Type"))
		return
	}
	assert.Equal(t, MediaType, r.header.Get("Content-Type"))
	assert.JSONEq(t, body, r.body)
}

// tokenAnswer is the reference's token inquiry answer (GET /tokens/{id},
// "Querying and updating tokens"), verbatim but for its _links, which the
// stored copy cuts after tokens:token (the curies are those of every
// answer). The create answer is not in the stored copies; the simulator
// gives a create this shape with 201 (docs/worldpay-api.md §3).
const tokenAnswer = `{
  "tokenPaymentInstrument": {
    "type": "card/tokenized",
    "href": "https://try.access.worldpay.com/tokens/eyJrIjoxLCJkIjoialRBL0FFelBzcnZpNCtzRGNRemh0NzI0NE1rdUtjMUFJdjYxVnlibWZuUT0ifQ"
  },
  "tokenId": "9902480679618049603",
  "description": "Test Token Description",
  "tokenExpiryDateTime": "2021-06-24T09:19:35Z",
  "paymentInstrument": {
    "type": "card/masked",
    "cardNumber": "4444********1111",
    "cardHolderName": "Sherlock Holmes",
    "cardExpiryDate": { "month": 5, "year": 2035 },
    "billingAddress": {
      "address1": "221B Baker Street", "address2": "Marylebone", "address3": "Westminster",
      "postalCode": "NW1 6XE", "city": "London", "state": "Greater London", "countryCode": "GB"
    },
    "bin": "444433",
    "brand": "VISA",
    "fundingType": "credit",
    "countryCode": "GB"
  },
  "_links": {
    "tokens:token": { "href": "https://try.access.worldpay.com/tokens/eyJrIjoxLCJkIjoialRBL0FFelBzcnZpNCtzRGNRemh0NzI0NE1rdUtjMUFJdjYxVnlibWZuUT0ifQ" },
    "curies": [ { "href": "https://try.access.worldpay.com/rels/tokens/{rel}.json", "name": "tokens", "templated": true } ]
  }
}`

// tokenID is the reference's token id: the last segment of its href,
// base64url of {"k":1,"d":"…"}.
const tokenID = "eyJrIjoxLCJkIjoialRBL0FFelBzcnZpNCtzRGNRemh0NzI0NE1rdUtjMUFJdjYxVnlibWZuUT0ifQ"

func TestWireCreateToken(t *testing.T) {
	w, hc := newWire()
	w.on("POST", testBase+"/tokens", 201, tokenAnswer)
	c := testClient(t, hc)
	tok, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{
		Card:              &tokenize.Card{Number: "4444333322221111", ExpiryMonth: 5, ExpiryYear: 2035, CVV: "123", HolderName: "Sherlock Holmes"},
		MerchantReference: "Test Token Description",
	})
	require.NoError(t, err)
	reqs := w.requests()
	require.Len(t, reqs, 1)
	assertRequest(t, reqs[0], "POST", testBase+"/tokens", refCreateTokenRequest)
	assert.NotContains(t, reqs[0].body, "123", "a token never stores the CVV")
	assert.Equal(t, tokenID, tok.ID, "the id is the href's last segment")
	assert.Equal(t, "worldpay", tok.Provider)
	assert.Equal(t, tokenize.KindCard, tok.Kind)
	assert.Equal(t, "Test Token Description", tok.MerchantReference)
	assert.Equal(t, &tokenize.CardDetails{Brand: tokenize.BrandVisa, MaskedNumber: "444433******1111", BIN: "444433", Last4: "1111",
		ExpiryMonth: 5, ExpiryYear: 2035, Type: tokenize.CardTypeCredit, IssuerCountry: "GB", HolderName: "Sherlock Holmes"}, tok.Card)
	assert.Empty(t, tok.CustomerReference, "no namespace in the answer")
}

func TestWireCreateTokenWithNamespace(t *testing.T) {
	w, hc := newWire()
	w.on("POST", testBase+"/tokens", 201, tokenAnswer)
	_, err := testClient(t, hc).CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{
		Card:              &tokenize.Card{Number: "4444333322221111", ExpiryMonth: 5, ExpiryYear: 2035, HolderName: "Sherlock Holmes"},
		CustomerReference: "SHOPPER_ID_1234567890",
	})
	require.NoError(t, err)
	assert.JSONEq(t, `{"paymentInstrument":{"type":"card/front","cardHolderName":"Sherlock Holmes","cardNumber":"4444333322221111",
		"cardExpiryDate":{"month":5,"year":2035}},"namespace":"SHOPPER_ID_1234567890","merchant":{"entity":"default"}}`, w.requests()[0].body)
}

func TestWireCreateTokenNeedsHolderName(t *testing.T) {
	w, hc := newWire()
	_, err := testClient(t, hc).CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{
		Card: &tokenize.Card{Number: "4444333322221111", ExpiryMonth: 5, ExpiryYear: 2035}})
	var te *tokenize.Error
	require.ErrorAs(t, err, &te)
	assert.Equal(t, tokenize.InvalidArgument, te.Code)
	assert.Equal(t, tokenize.FieldCardHolderName, te.Field)
	assert.Empty(t, w.requests(), "refused before anything is sent")
}

// TestWireTokenTextBeyondWorldpaysLimits: a CustomerReference longer than a
// namespace holds, or a MerchantReference with a character a description
// may not contain, is refused naming the field, with nothing sent.
func TestWireTokenTextBeyondWorldpaysLimits(t *testing.T) {
	for _, tc := range []struct {
		name  string
		req   tokenize.CreatePaymentTokenRequest
		field string
	}{
		{"LongNamespace", tokenize.CreatePaymentTokenRequest{CustomerReference: strings.Repeat("é", 65)}, tokenize.FieldCustomerReference},
		{"Ampersand", tokenize.CreatePaymentTokenRequest{MerchantReference: "Holmes & Watson"}, tokenize.FieldMerchantReference},
		{"Angle", tokenize.CreatePaymentTokenRequest{MerchantReference: "<b>"}, tokenize.FieldMerchantReference},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, hc := newWire()
			tc.req.Card = &tokenize.Card{Number: "4444333322221111", ExpiryMonth: 5, ExpiryYear: 2035, HolderName: "Sherlock Holmes"}
			_, err := testClient(t, hc).CreatePaymentToken(ctx, tc.req)
			var te *tokenize.Error
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tokenize.InvalidArgument, te.Code)
			assert.Equal(t, tc.field, te.Field)
			assert.Empty(t, w.requests(), "refused before anything is sent")
		})
	}
	w, hc := newWire()
	w.on("POST", testBase+"/tokens", 201, tokenAnswer)
	_, err := testClient(t, hc).CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{
		Card:              &tokenize.Card{Number: "4444333322221111", ExpiryMonth: 5, ExpiryYear: 2035, HolderName: "Sherlock Holmes"},
		CustomerReference: strings.Repeat("é", 64),
	})
	require.NoError(t, err, "64 characters fit")
}

func TestWireGetAndDeleteToken(t *testing.T) {
	w, hc := newWire()
	w.on("GET", testBase+"/tokens/"+tokenID, 200, tokenAnswer)
	w.on("DELETE", testBase+"/tokens/"+tokenID, 204, "")
	c := testClient(t, hc)
	tok, err := c.GetPaymentToken(ctx, tokenID)
	require.NoError(t, err)
	assert.Equal(t, tokenID, tok.ID)
	require.NoError(t, c.DeletePaymentToken(ctx, tokenID))
	reqs := w.requests()
	require.Len(t, reqs, 2)
	assertRequest(t, reqs[0], "GET", testBase+"/tokens/"+tokenID, "")
	assertRequest(t, reqs[1], "DELETE", testBase+"/tokens/"+tokenID, "")

	_, err = c.GetPaymentToken(ctx, "AnotherToken")
	assert.Error(t, err, "no answer registered")
	w.on("GET", testBase+"/tokens/Other", 200, tokenAnswer)
	_, err = c.GetPaymentToken(ctx, "Other")
	assert.ErrorIs(t, err, tokenize.ErrInternal, "an answer for another token is malformed")
}

func TestWireProvisionFromCardSynchronous(t *testing.T) {
	w, hc := newWire()
	// The synchronous answer: the lookup's body with the tokenReference.
	sync := strings.Replace(refLookup, `"tokenPaymentInstrument"`, `"tokenReference": "`+refLookupID+`", "tokenPaymentInstrument"`, 1)
	w.on("POST", testBase+"/tokens/network", 200, sync)
	nt, err := testClient(t, hc).ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{
		Card: &tokenize.Card{Number: "4444333322221111", ExpiryMonth: 1, ExpiryYear: 2050, HolderName: "name"}})
	require.NoError(t, err)
	assertRequest(t, w.requests()[0], "POST", testBase+"/tokens/network", refProvisionRequest)
	assert.Equal(t, &tokenize.NetworkToken{Provider: "worldpay", ID: refLookupID, State: tokenize.StateActive, Scheme: tokenize.SchemeVTS,
		Number: "4111111111111111", ExpiryMonth: 12, ExpiryYear: 2025, CardLast4: "1111", CardExpiryMonth: 12, CardExpiryYear: 2025,
		PaymentAccountReference: "41111111111111111111111111111", TokenReference: refLookupID}, nt)
}

func TestWireProvisionAsynchronousIsRequested(t *testing.T) {
	w, hc := newWire()
	w.on("POST", testBase+"/tokens/network", 200, refProvisionAsync)
	c := testClient(t, hc)
	nt, err := c.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: tokenID})
	require.NoError(t, err)
	assertRequest(t, w.requests()[0], "POST", testBase+"/tokens/network",
		`{"paymentInstrument":{"type":"card/tokenized","href":"`+testBase+`/tokens/`+tokenID+`"},"merchant":{"entity":"default"}}`)
	assert.Equal(t, tokenize.StateRequested, nt.State, "no tokenPaymentInstrument: the token is not issued yet")
	assert.Equal(t, "aa224320-425c-40b6-9781-2cb7df76b0c8", nt.ID)
	assert.Empty(t, nt.Number)
	assert.Equal(t, tokenID, nt.PaymentTokenID)
	assert.Equal(t, "1111", nt.CardLast4)
	assert.True(t, c.Capabilities().ProvisionMayBePending)

	// The lookup link's address is where the token is read until issued.
	w.on("GET", testBase+"/tokens/network/aa224320-425c-40b6-9781-2cb7df76b0c8", 200,
		strings.Replace(refLookup, refLookupID, "aa224320-425c-40b6-9781-2cb7df76b0c8", 1))
	got, err := c.AwaitNetworkToken(ctx, nt.ID, tokenize.AwaitOptions{Interval: 1})
	require.NoError(t, err)
	assert.Equal(t, tokenize.StateActive, got.State)
	assert.Equal(t, "4111111111111111", got.Number.Reveal())
}

func TestWireProvisionDeclined(t *testing.T) {
	w, hc := newWire()
	w.on("POST", testBase+"/tokens/network", 200, `{"tokenReference":"`+refLookupID+`",
	  "paymentInstrument":{"type":"card/masked","firstSix":"400000","lastFour":"0002","cardExpiryDate":{"month":1,"year":2033}},
	  "provisioningErrors":[{"errorCode":"cardNotEligible","providerErrorCode":"CARD_NOT_ELIGIBLE","source":"VTS","context":"provisioning","message":"not eligible"}],
	  "_links":{"self":{"href":"`+testBase+`/tokens/network/`+refLookupID+`"}}}`)
	nt, err := testClient(t, hc).ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: tokenID})
	require.NoError(t, err, "a scheme refusal is a token, not an error")
	assert.Equal(t, tokenize.StateDeclined, nt.State)
	assert.True(t, nt.UsePAN())
}

func TestWireLookupAndCryptogramFollowTheLink(t *testing.T) {
	w, hc := newWire()
	w.on("GET", testBase+"/tokens/network/"+refLookupID, 200, refLookup)
	w.on("POST", testBase+"/tokens/network/cryptograms", 200, refCryptogram)
	c := testClient(t, hc)
	nt, err := c.GetNetworkToken(ctx, refLookupID)
	require.NoError(t, err)
	assert.Equal(t, refLookupID, nt.ID)
	assert.Equal(t, tokenize.StateActive, nt.State)

	cg, err := c.RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: refLookupID, TransactionType: tokenize.ECommerce})
	require.NoError(t, err)
	reqs := w.requests()
	require.Len(t, reqs, 3, "get; then the lookup and the post to its cryptogram link")
	assertRequest(t, reqs[0], "GET", testBase+"/tokens/network/"+refLookupID, "")
	assertRequest(t, reqs[1], "GET", testBase+"/tokens/network/"+refLookupID, "")
	assertRequest(t, reqs[2], "POST", testBase+"/tokens/network/cryptograms", refCryptogramRequest)
	assert.Equal(t, "AgAAAAAASFh+gDRt/rq8QOkAAAA=", cg.Value.Reveal())
	assert.Equal(t, "07", cg.ECI)
	assert.Equal(t, "4111111111111111", cg.Number.Reveal())
	assert.Equal(t, [2]int{12, 2025}, [2]int{cg.ExpiryMonth, cg.ExpiryYear})
}

// TestWireLookupUpperCaseReference: the reference's lookup request writes
// the UUID in upper case, its self links in lower case; the same UUID in
// another case is the same token, and the id stays the one the caller gave.
func TestWireLookupUpperCaseReference(t *testing.T) {
	w, hc := newWire()
	upper := strings.ToUpper(refLookupID)
	w.on("GET", testBase+"/tokens/network/"+upper, 200, refLookup)
	nt, err := testClient(t, hc).GetNetworkToken(ctx, upper)
	require.NoError(t, err)
	assert.Equal(t, upper, nt.ID)
	assert.Equal(t, tokenize.StateActive, nt.State)
}

func TestWireCryptogramLinkElsewhereIsNotFollowed(t *testing.T) {
	w, hc := newWire()
	hostile := strings.Replace(refLookup, "https://try.access.worldpay.com/tokens/network/cryptograms", "https://evil.example/steal", 1)
	w.on("GET", testBase+"/tokens/network/"+refLookupID, 200, hostile)
	w.on("POST", testBase+"/tokens/network/cryptograms", 200, refCryptogram)
	_, err := testClient(t, hc).RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: refLookupID, TransactionType: tokenize.ECommerce})
	require.NoError(t, err)
	for _, r := range w.requests() {
		assert.True(t, strings.HasPrefix(r.url, testBase+"/"), "a request left the configured API: %s", r.url)
	}
}

func TestWireCryptogramOfATokenNotActiveSendsNoNumber(t *testing.T) {
	for _, status := range []string{"Suspended", "Inactive", "Deleted"} {
		t.Run(status, func(t *testing.T) {
			w, hc := newWire()
			w.on("GET", testBase+"/tokens/network/"+refLookupID, 200, strings.Replace(refLookup, `"Active"`, `"`+status+`"`, 1))
			_, err := testClient(t, hc).RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: refLookupID, TransactionType: tokenize.ECommerce})
			assert.ErrorIs(t, err, tokenize.ErrFailedPrecondition)
			assert.ErrorIs(t, err, tokenize.ErrUsePAN)
			assert.Len(t, w.requests(), 1, "only the lookup: the DPAN is not posted")
		})
	}
}

func TestWireDeleteNetworkToken(t *testing.T) {
	w, hc := newWire()
	w.on("DELETE", testBase+"/tokens/network/"+refLookupID, 204, "")
	require.NoError(t, testClient(t, hc).DeleteNetworkToken(ctx, tokenize.DeleteNetworkTokenRequest{ID: refLookupID,
		InitiatedBy: tokenize.InitiatedByTokenRequestor, Reason: tokenize.ReasonOther}))
	assertRequest(t, w.requests()[0], "DELETE", testBase+"/tokens/network/"+refLookupID, "")
}

func TestWireErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		code   tokenize.Code
		field  string
		codes  []string
	}{
		{"DocumentedValidation", 400, refError, tokenize.InvalidArgument, tokenize.FieldCardExpiryYear,
			[]string{"bodyDoesNotMatchSchema", "fieldHasInvalidValue"}},
		{"HolderName", 400, `{"errorName":"bodyDoesNotMatchSchema","message":"x","validationErrors":[{"errorName":"fieldIsMissing","message":"Card holder name must be supplied","jsonPath":"$.paymentInstrument.cardHolderName"}]}`,
			tokenize.InvalidArgument, tokenize.FieldCardHolderName, []string{"bodyDoesNotMatchSchema", "fieldIsMissing"}},
		{"NotJSON", 400, `{"errorName":"bodyIsNotJson","message":"The body within the request is not valid json"}`, tokenize.InvalidArgument, "", []string{"bodyIsNotJson"}},
		{"Unauthenticated", 401, `{"errorName":"accessDenied","message":"Access to the requested resource has been denied"}`, tokenize.Unauthenticated, "", []string{"accessDenied"}},
		{"EmptyUnauthenticated", 401, ``, tokenize.Unauthenticated, "", nil},
		{"Forbidden", 403, `{"errorName":"accessDenied","message":"denied"}`, tokenize.PermissionDenied, "", []string{"accessDenied"}},
		{"NotFound", 404, `{"errorName":"resourceNotFound","message":"Requested resource was not found"}`, tokenize.NotFound, "", []string{"resourceNotFound"}},
		{"NotAcceptable", 406, `{"errorName":"headerHasInvalidValue","message":"x"}`, tokenize.Internal, "", []string{"headerHasInvalidValue"}},
		{"UnsupportedMediaType", 415, `{"errorName":"headerHasInvalidValue","message":"x"}`, tokenize.Internal, "", []string{"headerHasInvalidValue"}},
		{"Internal", 500, ``, tokenize.Internal, "", nil},
		{"HTMLGateway", 502, `<html><body>Bad Gateway</body></html>`, tokenize.Unavailable, "", nil},
		{"RequestTimeout", 408, ``, tokenize.Unavailable, "", nil},
		{"Conflict", 409, `{"errorName":"networkTokenNotActive","message":"The network token is suspended"}`, tokenize.FailedPrecondition, "", []string{"networkTokenNotActive"}},
		{"RateLimited", 429, ``, tokenize.RateLimited, "", nil},
		{"ServiceUnavailable", 503, `{"errorName":"internalErrorOccurred","message":"x"}`, tokenize.Unavailable, "", []string{"internalErrorOccurred"}},
		{"GatewayTimeout", 504, ``, tokenize.Unavailable, "", nil},
		{"EchoedCardName", 400, `{"errorName":"4444333322221111","message":"card 4444333322221111"}`, tokenize.InvalidArgument, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, hc := newWire()
			w.on("POST", testBase+"/tokens", tc.status, tc.body)
			_, err := testClient(t, hc).CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{
				Card: &tokenize.Card{Number: "4444333322221111", ExpiryMonth: 5, ExpiryYear: 2035, HolderName: "Sherlock Holmes"}})
			var te *tokenize.Error
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tc.code, te.Code, "%v", err)
			assert.Equal(t, tc.field, te.Field)
			assert.Equal(t, tc.codes, te.ProviderCodes)
			assert.Equal(t, tc.status, te.HTTPStatus)
			assert.Equal(t, "corr-post", te.RequestID, "WP-CorrelationId is the request id")
			assert.NotContains(t, err.Error(), "4444333322221111")
			assert.NotContains(t, string(te.ProviderBody()), "4444333322221111")
			if tc.status >= 500 {
				assert.True(t, te.OutcomeUnknown, "a create answered 5xx may have been applied")
			}
			assert.Equal(t, tc.status == 408 || tc.status == 429, te.Retryable, "Retryable")
		})
	}
}

func TestWireMalformedAnswers(t *testing.T) {
	for name, body := range map[string]string{
		"Empty":              ``,
		"HTML":               `<html>ok</html>`,
		"Truncated":          refLookup[:len(refLookup)/2],
		"ActiveWithoutToken": strings.Replace(refLookup, `"tokenNumber": "4111111111111111",`, ``, 1),
		"NoStatus":           strings.Replace(refLookup, `"status": "Active",`, ``, 1),
		"NotANumber":         strings.Replace(refLookup, `"4111111111111111"`, `"41111111x1111111"`, 1),
		"OtherToken":         strings.Replace(refLookup, refLookupID, "ffffffff-22b3-4422-a791-ae9550df1db0", 1),
		"BadExpiry": strings.Replace(refLookup, `"month": 12, "year": 2025 }
  },`, `"month": 13, "year": 2025 }
  },`, 1),
	} {
		t.Run(name, func(t *testing.T) {
			w, hc := newWire()
			w.on("GET", testBase+"/tokens/network/"+refLookupID, 200, body)
			nt, err := testClient(t, hc).GetNetworkToken(ctx, refLookupID)
			assert.Nil(t, nt)
			assert.ErrorIs(t, err, tokenize.ErrInternal)
		})
	}
}

func TestHALLinks(t *testing.T) {
	var w networkTokenResponse
	require.NoError(t, json.Unmarshal([]byte(refCryptogram), &w))
	assert.Empty(t, w.Links.Lookup.href(), "a templated link is not an address")
	assert.Equal(t, testBase+"/tokens/network/cryptograms", w.Links.Self.href())
	require.Len(t, w.Links.Curies, 1)
	assert.Equal(t, link{Href: testBase + "/rels/tokens/{rel}.json", Templated: true, Name: "tokens"}, w.Links.Curies[0])
	var async networkTokenResponse
	require.NoError(t, json.Unmarshal([]byte(refProvisionAsync), &async))
	assert.Equal(t, testBase+"/tokens/network/aa224320-425c-40b6-9781-2cb7df76b0c8", async.Links.Lookup.href())
	var none *link
	assert.Empty(t, none.href())
	for href, want := range map[string]string{
		testBase + "/tokens/abc":        "abc",
		testBase + "/tokens/abc/":       "abc",
		testBase + "/tokens/abc?x=/y#z": "abc",
		testBase:                        "",
		"abc":                           "",
	} {
		assert.Equal(t, want, lastSegment(href), href)
	}
}

func TestOnBase(t *testing.T) {
	for href, want := range map[string]bool{
		testBase + "/tokens/network/cryptograms":          true,
		"https://TRY.access.worldpay.com/tokens/x":        true,
		"http://try.access.worldpay.com/tokens/x":         false,
		"https://try.access.worldpay.com.evil/tokens/x":   false,
		"https://user@try.access.worldpay.com/tokens/x":   false,
		testBase + "/tokens/x?y=1":                        false,
		testBase + "/../tokens":                           false,
		"/tokens/network/cryptograms":                     false,
		"https://access.worldpay.com/tokens/network/cryp": false,
	} {
		assert.Equal(t, want, onBase(testBase, href) != "", href)
	}
}

// TestWireCryptogramErrors: the cryptogram link's refusals, after a lookup
// that showed an active token: a token gone since (404) or no longer active
// (409) is a payment for the card (UsePAN); a 500 may be retried, since
// asking again only yields another cryptogram.
func TestWireCryptogramErrors(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		code   tokenize.Code
		usePAN bool
	}{
		{404, `{"errorName":"resourceNotFound","message":"Requested resource was not found"}`, tokenize.NotFound, true},
		{409, `{"errorName":"networkTokenNotActive","message":"The network token is suspended"}`, tokenize.FailedPrecondition, true},
		{400, `{"errorName":"bodyDoesNotMatchSchema","message":"x","validationErrors":[{"errorName":"fieldIsMissing","message":"Token number must be supplied","jsonPath":"$.tokenNumber"}]}`, tokenize.InvalidArgument, false},
		{500, ``, tokenize.Internal, false},
	} {
		t.Run(strconv.Itoa(tc.status), func(t *testing.T) {
			w, hc := newWire()
			w.on("GET", testBase+"/tokens/network/"+refLookupID, 200, refLookup)
			w.on("POST", testBase+"/tokens/network/cryptograms", tc.status, tc.body)
			_, err := testClient(t, hc).RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: refLookupID, TransactionType: tokenize.ECommerce})
			var te *tokenize.Error
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tc.code, te.Code, "%v", err)
			assert.Equal(t, tc.usePAN, errors.Is(err, tokenize.ErrUsePAN), "UsePAN")
			assert.False(t, te.OutcomeUnknown, "a cryptogram creates nothing that lasts")
			assert.Equal(t, tc.status == 500, te.Retryable)
			assert.NotContains(t, fmt.Sprintf("%v %+v", err, te), "4111111111111111", "the DPAN sent is not in the error")
		})
	}
}

// TestWireCryptogramFollowsTheLinkItIsGiven: the cryptogram is posted to
// the address the lookup's tokens:networkTokenCryptogram link names on the
// configured API, wherever that is, not to an address the adapter builds.
func TestWireCryptogramFollowsTheLinkItIsGiven(t *testing.T) {
	w, hc := newWire()
	moved := testBase + "/tokens/network/" + refLookupID + "/cryptograms"
	w.on("GET", testBase+"/tokens/network/"+refLookupID, 200,
		strings.Replace(refLookup, testBase+"/tokens/network/cryptograms", moved, 1))
	w.on("POST", moved, 200, refCryptogram)
	_, err := testClient(t, hc).RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: refLookupID, TransactionType: tokenize.ECommerce})
	require.NoError(t, err)
	reqs := w.requests()
	require.Len(t, reqs, 2)
	assertRequest(t, reqs[1], "POST", moved, refCryptogramRequest)
}

// TestFieldOf: each jsonPath the reference and the simulator name maps to
// the neutral field of the value the caller gave; a path that names no
// caller's field (merchant.entity is a setting) maps to none.
func TestFieldOf(t *testing.T) {
	for path, field := range map[string]string{
		"$.paymentInstrument":                       tokenize.FieldProvisionSource,
		"$.paymentInstrument.cardNumber":            tokenize.FieldCardNumber,
		"$.paymentInstrument.cardHolderName":        tokenize.FieldCardHolderName,
		"$.paymentInstrument.cardExpiryDate":        tokenize.FieldCardExpiryYear,
		"$.paymentInstrument.cardExpiryDate.year":   tokenize.FieldCardExpiryYear,
		" $.paymentInstrument.cardExpiryDate.month": tokenize.FieldCardExpiryMonth,
		"$.paymentInstrument.href":                  tokenize.FieldPaymentTokenID,
		"$.namespace":                               tokenize.FieldCustomerReference,
		"$.description":                             tokenize.FieldMerchantReference,
		"$.tokenNumber":                             tokenize.FieldNetworkTokenID,
		"$.merchant.entity":                         "",
		"$":                                         "",
		"":                                          "",
	} {
		assert.Equal(t, field, FieldOf(path), "%q", path)
	}
}
