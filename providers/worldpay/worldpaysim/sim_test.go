package worldpaysim_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/faults"
	"github.com/tokenize-go/tokenize/providers/worldpay/worldpaysim"
)

var basic = "Basic " + base64.StdEncoding.EncodeToString([]byte(worldpaysim.Username+":"+worldpaysim.Password))

// do sends one request as a client of the API would, with the given
// headers overriding the good ones ("" removes one).
func do(t *testing.T, srv *worldpaysim.Server, method, path, body string, headers ...string) (int, http.Header, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	require.NoError(t, err)
	req.Header.Set("Authorization", basic)
	req.Header.Set("Accept", worldpaysim.MediaType)
	if body != "" {
		req.Header.Set("Content-Type", worldpaysim.MediaType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	if len(data) > 0 {
		require.NoError(t, json.Unmarshal(data, &out), "%s", data)
	}
	return resp.StatusCode, resp.Header, out
}

func newServer(t *testing.T, opts ...worldpaysim.Option) *worldpaysim.Server {
	srv := worldpaysim.NewServer(opts...)
	t.Cleanup(srv.Close)
	t.Cleanup(http.DefaultTransport.(*http.Transport).CloseIdleConnections)
	return srv
}

func cardBody(pan string) string {
	return `{"paymentInstrument":{"type":"card/front","cardHolderName":"Sherlock Holmes","cardNumber":"` + pan +
		`","cardExpiryDate":{"month":5,"year":2035}},"merchant":{"entity":"default"}}`
}

func TestAuthenticationAndMediaTypes(t *testing.T) {
	srv := newServer(t)
	for _, tc := range []struct {
		name    string
		headers []string
		status  int
		errName string
	}{
		{"NoCredentials", []string{"Authorization", ""}, 401, worldpaysim.ErrAccessDenied},
		{"WrongCredentials", []string{"Authorization", "Basic d3Jvbmc6d3Jvbmc="}, 401, worldpaysim.ErrAccessDenied},
		{"BearerScheme", []string{"Authorization", "Bearer " + strings.TrimPrefix(basic, "Basic ")}, 401, worldpaysim.ErrAccessDenied},
		{"LowerCaseScheme", []string{"Authorization", "basic " + strings.TrimPrefix(basic, "Basic ")}, 201, ""},
		{"NoAccept", []string{"Accept", ""}, 406, worldpaysim.ErrHeaderHasInvalidValue},
		{"PlainJSONAccept", []string{"Accept", "application/json"}, 406, worldpaysim.ErrHeaderHasInvalidValue},
		{"OlderVersion", []string{"Accept", "application/vnd.worldpay.tokens-v2.hal+json"}, 406, worldpaysim.ErrHeaderHasInvalidValue},
		{"NoContentType", []string{"Content-Type", ""}, 415, worldpaysim.ErrHeaderIsMissing},
		{"PlainJSONBody", []string{"Content-Type", "application/json"}, 415, worldpaysim.ErrHeaderHasInvalidValue},
		{"WithCharset", []string{"Content-Type", worldpaysim.MediaType + ";charset=UTF-8", "Accept", "text/html, " + worldpaysim.MediaType}, 201, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, h, body := do(t, srv, "POST", "/tokens", cardBody(worldpaysim.VisaPAN), tc.headers...)
			assert.Equal(t, tc.status, status)
			assert.NotEmpty(t, h.Get("WP-CorrelationId"))
			assert.Equal(t, worldpaysim.MediaType+";charset=UTF-8", h.Get("Content-Type"))
			if tc.errName != "" {
				assert.Equal(t, tc.errName, body["errorName"])
				assert.NotEmpty(t, body["message"])
				assert.Len(t, body, 2, "errorName and message only: %v", body)
			}
		})
	}
	// A read has no body: it needs Accept, not Content-Type; the
	// credentials are checked first.
	status, _, body := do(t, srv, "GET", "/tokens/network/x", "", "Accept", "application/json")
	assert.Equal(t, 406, status)
	assert.Equal(t, worldpaysim.ErrHeaderHasInvalidValue, body["errorName"])
	status, _, _ = do(t, srv, "GET", "/tokens/unknown", "")
	assert.Equal(t, 404, status, "a GET without Content-Type is fine")
	status, _, body = do(t, srv, "GET", "/tokens/unknown", "", "Authorization", "", "Accept", "")
	assert.Equal(t, 401, status, "credentials before media types")
	assert.Equal(t, map[string]any{"errorName": "accessDenied", "message": "Access to the requested resource has been denied"}, body)
}

func TestTokenHALDocument(t *testing.T) {
	srv := newServer(t)
	status, _, tok := do(t, srv, "POST", "/tokens", cardBody(worldpaysim.VisaPAN))
	require.Equal(t, 201, status)
	href := tok["tokenPaymentInstrument"].(map[string]any)["href"].(string)
	assert.True(t, strings.HasPrefix(href, srv.URL+"/tokens/"), "absolute links from the request's host: %s", href)
	links := tok["_links"].(map[string]any)
	assert.Equal(t, href, links["tokens:token"].(map[string]any)["href"])
	curies := links["curies"].([]any)[0].(map[string]any)
	assert.Equal(t, map[string]any{"name": "tokens", "href": srv.URL + "/rels/tokens/{rel}.json", "templated": true}, curies)
	pi := tok["paymentInstrument"].(map[string]any)
	assert.Equal(t, "444433******1111", pi["cardNumber"], "the answer never shows the card number")
	assert.Equal(t, "VISA", pi["brand"])

	id := href[strings.LastIndexByte(href, '/')+1:]
	status, _, got := do(t, srv, "GET", "/tokens/"+id, "")
	assert.Equal(t, 200, status)
	assert.Equal(t, tok["tokenId"], got["tokenId"])
	status, _, _ = do(t, srv, "DELETE", "/tokens/"+id, "")
	assert.Equal(t, 204, status)
	status, _, nf := do(t, srv, "GET", "/tokens/"+id, "")
	assert.Equal(t, 404, status)
	assert.Equal(t, worldpaysim.ErrResourceNotFound, nf["errorName"])
}

func TestValidationErrors(t *testing.T) {
	srv := newServer(t)
	for _, tc := range []struct {
		name, body, path string
		status           int
	}{
		{"NotJSON", `{"paymentInstrument":`, "", 400},
		{"UnknownType", `{"paymentInstrument":{"type":"card/back"},"merchant":{"entity":"default"}}`, "$.paymentInstrument", 400},
		{"NoHolder", strings.Replace(cardBody(worldpaysim.VisaPAN), `"cardHolderName":"Sherlock Holmes",`, ``, 1), "$.paymentInstrument.cardHolderName", 400},
		{"Luhn", cardBody("4444333322221112"), "$.paymentInstrument.cardNumber", 400},
		{"InvalidPAN", cardBody(worldpaysim.InvalidPAN), "$.paymentInstrument.cardNumber", 400},
		{"Past", strings.Replace(cardBody(worldpaysim.VisaPAN), `"year":2035`, `"year":2020`, 1), "$.paymentInstrument.cardExpiryDate", 400},
		{"Month", strings.Replace(cardBody(worldpaysim.VisaPAN), `"month":5`, `"month":13`, 1), "$.paymentInstrument.cardExpiryDate.month", 400},
		{"LongNamespace", strings.Replace(cardBody(worldpaysim.VisaPAN), `"merchant"`, `"namespace":"`+strings.Repeat("n", 65)+`","merchant"`, 1), "$.namespace", 400},
		{"DescriptionAmpersand", strings.Replace(cardBody(worldpaysim.VisaPAN), `"merchant"`, `"description":"a & b","merchant"`, 1), "$.description", 400},
		{"NoEntity", strings.Replace(cardBody(worldpaysim.VisaPAN), `"entity":"default"`, `"entity":""`, 1), "$.merchant.entity", 400},
		{"OtherEntity", strings.Replace(cardBody(worldpaysim.VisaPAN), `"entity":"default"`, `"entity":"other"`, 1), "", 403},
		{"Forbidden", cardBody(worldpaysim.ForbiddenPAN), "", 403},
		{"Internal", cardBody(worldpaysim.InternalErrorPAN), "", 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := do(t, srv, "POST", "/tokens", tc.body)
			assert.Equal(t, tc.status, status)
			assert.NotEmpty(t, body["errorName"])
			if tc.path != "" {
				ve := body["validationErrors"].([]any)[0].(map[string]any)
				assert.Equal(t, tc.path, ve["jsonPath"])
				assert.Equal(t, worldpaysim.ErrBodyDoesNotMatch, body["errorName"])
			}
		})
	}
}

func provisionPending(t *testing.T, srv *worldpaysim.Server) string {
	status, _, nt := do(t, srv, "POST", "/tokens/network", cardBody(worldpaysim.PendingPAN))
	require.Equal(t, 200, status)
	assert.Nil(t, nt["tokenPaymentInstrument"], "no token yet")
	ref := nt["tokenReference"].(string)
	lookup := nt["_links"].(map[string]any)["tokens:networkTokenLookup"].(map[string]any)["href"]
	assert.Equal(t, srv.URL+"/tokens/network/"+ref, lookup, "the way forward is the lookup link")
	return ref
}

func TestAsynchronousMastercardPath(t *testing.T) {
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	srv := newServer(t, worldpaysim.WithPendingFor(time.Minute), worldpaysim.WithClock(clock))
	ref := provisionPending(t, srv)

	status, _, nt := do(t, srv, "GET", "/tokens/network/"+ref, "")
	require.Equal(t, 200, status)
	assert.Nil(t, nt["tokenPaymentInstrument"], "still requested within the scheme's time")
	assert.NotNil(t, nt["_links"].(map[string]any)["tokens:networkTokenLookup"])

	now = now.Add(time.Minute)
	_, _, nt = do(t, srv, "GET", "/tokens/network/"+ref, "")
	tpi := nt["tokenPaymentInstrument"].(map[string]any)
	assert.Equal(t, "Active", tpi["status"])
	assert.Equal(t, "card/networkToken", tpi["type"])
	assert.Regexp(t, `^5\d{15}$`, tpi["tokenNumber"])
	crypt := nt["_links"].(map[string]any)["tokens:networkTokenCryptogram"].(map[string]any)["href"]
	assert.Equal(t, srv.URL+"/tokens/network/cryptograms", crypt)

	status, _, cg := do(t, srv, "POST", "/tokens/network/cryptograms", `{"tokenNumber":"`+tpi["tokenNumber"].(string)+`"}`)
	require.Equal(t, 200, status)
	d := cg["cryptogramDetails"].(map[string]any)
	assert.Equal(t, "07", d["eci"])
	_, err := base64.StdEncoding.DecodeString(d["cryptogram"].(string))
	assert.NoError(t, err)
}

func TestPendingIssuedByTheIssuer(t *testing.T) {
	srv := newServer(t, worldpaysim.WithPendingFor(0))
	ref := provisionPending(t, srv)
	assert.ErrorContains(t, srv.SetNetworkTokenState(ref, tokenize.StateSuspended), "still requested")
	require.NoError(t, srv.SetNetworkTokenState(ref, tokenize.StateActive))
	_, _, nt := do(t, srv, "GET", "/tokens/network/"+ref, "")
	assert.Equal(t, "Active", nt["tokenPaymentInstrument"].(map[string]any)["status"])

	require.NoError(t, srv.SetNetworkTokenState(ref, tokenize.StateSuspended))
	_, _, nt = do(t, srv, "GET", "/tokens/network/"+ref, "")
	tpi := nt["tokenPaymentInstrument"].(map[string]any)
	assert.Equal(t, "Suspended", tpi["status"])
	assert.Nil(t, nt["_links"].(map[string]any)["tokens:networkTokenCryptogram"], "no cryptogram link for a token that is not active")
	status, _, e := do(t, srv, "POST", "/tokens/network/cryptograms", `{"tokenNumber":"`+tpi["tokenNumber"].(string)+`"}`)
	assert.Equal(t, 409, status)
	assert.Equal(t, worldpaysim.ErrNetworkTokenNotActive, e["errorName"])
}

func TestDeclinedAndTokenized(t *testing.T) {
	srv := newServer(t)
	_, _, tok := do(t, srv, "POST", "/tokens", cardBody(worldpaysim.DeclinedPAN))
	href := tok["tokenPaymentInstrument"].(map[string]any)["href"].(string)
	status, _, nt := do(t, srv, "POST", "/tokens/network",
		`{"paymentInstrument":{"type":"card/tokenized","href":"`+href+`"},"merchant":{"entity":"default"}}`)
	require.Equal(t, 200, status)
	assert.Nil(t, nt["tokenPaymentInstrument"])
	pe := nt["provisioningErrors"].([]any)[0].(map[string]any)
	for _, k := range []string{"errorCode", "providerErrorCode", "source", "context", "message"} {
		assert.NotEmpty(t, pe[k], k)
	}
	assert.Equal(t, map[string]int{worldpaysim.DeclinedPAN: 1}, srv.NetworkTokensByCard())

	status, _, e := do(t, srv, "POST", "/tokens/network",
		`{"paymentInstrument":{"type":"card/tokenized","href":"`+srv.URL+`/tokens/unknown"},"merchant":{"entity":"default"}}`)
	assert.Equal(t, 404, status)
	assert.Equal(t, worldpaysim.ErrResourceNotFound, e["errorName"])
	status, _, _ = do(t, srv, "POST", "/tokens/network",
		`{"paymentInstrument":{"type":"card/tokenized","href":"https://elsewhere.example/tokens/x"},"merchant":{"entity":"default"}}`)
	assert.Equal(t, 400, status)
}

func TestFaultsAndCounting(t *testing.T) {
	srv := newServer(t)
	srv.Faults().Inject(faults.Fault{Kind: faults.Status, Status: 503, Times: 1})
	status, h, _ := do(t, srv, "GET", "/tokens/network/x", "")
	assert.Equal(t, 503, status)
	assert.NotEmpty(t, h.Get("WP-CorrelationId"), "fault answers carry the correlation id too")
	status, _, _ = do(t, srv, "GET", "/tokens/network/x", "")
	assert.Equal(t, 404, status)
	assert.Equal(t, int64(2), srv.Requests())
}

func TestSeededIDsRepeat(t *testing.T) {
	ids := func() string {
		srv := newServer(t, worldpaysim.WithSeed(7))
		_, _, tok := do(t, srv, "POST", "/tokens", cardBody(worldpaysim.VisaPAN))
		_, _, nt := do(t, srv, "POST", "/tokens/network", cardBody(worldpaysim.MastercardPAN))
		return tok["tokenPaymentInstrument"].(map[string]any)["href"].(string)[len(srv.URL):] + nt["tokenReference"].(string)
	}
	assert.Equal(t, ids(), ids())
}

func TestControlAPI(t *testing.T) {
	srv := newServer(t, worldpaysim.WithPendingFor(0))
	ref := provisionPending(t, srv)
	resp, err := http.Post(srv.URL+"/_sim/network-tokens/"+ref, "application/json", strings.NewReader(`{"state":"active"}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Less(t, resp.StatusCode, 300)
	_, _, nt := do(t, srv, "GET", "/tokens/network/"+ref, "")
	assert.Equal(t, "Active", nt["tokenPaymentInstrument"].(map[string]any)["status"], "the control API issues a requested token")

	resp, err = http.Post(srv.URL+"/_sim/reset", "application/json", nil)
	require.NoError(t, err)
	resp.Body.Close()
	status, _, _ := do(t, srv, "GET", "/tokens/network/"+ref, "")
	assert.Equal(t, 404, status)
	assert.Empty(t, srv.NetworkTokensByCard())
}

// TestTestCardOutcomes: each test card does what TestCards says, for a
// token and for a network token provisioned from the card.
func TestTestCardOutcomes(t *testing.T) {
	srv := newServer(t, worldpaysim.WithPendingFor(0))
	for _, tc := range []struct {
		pan       string
		create    int
		errName   string
		provision string // the outcome of POST /tokens/network with the card
	}{
		{worldpaysim.VisaPAN, 201, "", "Active"},
		{worldpaysim.MastercardPAN, 201, "", "Active"},
		{worldpaysim.PendingPAN, 201, "", "requested"},
		{worldpaysim.DeclinedPAN, 201, "", "declined"},
		{worldpaysim.InvalidPAN, 400, worldpaysim.ErrBodyDoesNotMatch, ""},
		{worldpaysim.ForbiddenPAN, 403, worldpaysim.ErrAccessDenied, ""},
		{worldpaysim.InternalErrorPAN, 500, worldpaysim.ErrInternal, ""},
	} {
		t.Run(tc.pan, func(t *testing.T) {
			status, _, body := do(t, srv, "POST", "/tokens", cardBody(tc.pan))
			assert.Equal(t, tc.create, status)
			status, _, nt := do(t, srv, "POST", "/tokens/network", cardBody(tc.pan))
			if tc.errName != "" {
				assert.Equal(t, tc.errName, body["errorName"])
				assert.Equal(t, tc.create, status, "provisioning refuses the card as creating a token does")
				assert.Equal(t, tc.errName, nt["errorName"])
				return
			}
			require.Equal(t, 200, status)
			tpi, _ := nt["tokenPaymentInstrument"].(map[string]any)
			switch tc.provision {
			case "requested":
				assert.Nil(t, tpi)
				assert.Nil(t, nt["provisioningErrors"])
				assert.NotNil(t, nt["_links"].(map[string]any)["tokens:networkTokenLookup"])
			case "declined":
				assert.Nil(t, tpi)
				assert.NotEmpty(t, nt["provisioningErrors"])
			default:
				require.NotNil(t, tpi)
				assert.Equal(t, tc.provision, tpi["status"])
				assert.Regexp(t, `^\d{16}$`, tpi["tokenNumber"])
			}
		})
	}
	listed := map[string]bool{}
	for _, c := range worldpaysim.TestCards() {
		assert.NotEmpty(t, c.Triggers)
		listed[c.Number] = true
	}
	assert.Len(t, listed, 7, "every test card is listed for tokenize sim")
}

// TestIDsHaveTheDocumentedShape: token ids are what the reference's token
// hrefs end in (base64url of {"k":1,"d":"…"}: "eyJ…", never a leading
// '-'), network token references UUIDs.
func TestIDsHaveTheDocumentedShape(t *testing.T) {
	srv := newServer(t)
	for range 50 {
		_, _, tok := do(t, srv, "POST", "/tokens", cardBody(worldpaysim.VisaPAN))
		href := tok["tokenPaymentInstrument"].(map[string]any)["href"].(string)
		id := href[strings.LastIndexByte(href, '/')+1:]
		require.Regexp(t, `^eyJ[A-Za-z0-9_-]+$`, id)
		doc, err := base64.RawURLEncoding.DecodeString(id)
		require.NoError(t, err)
		var v struct {
			K int    `json:"k"`
			D string `json:"d"`
		}
		require.NoError(t, json.Unmarshal(doc, &v), "%s", doc)
		d, err := base64.StdEncoding.DecodeString(v.D)
		require.NoError(t, err)
		assert.Equal(t, 1, v.K)
		assert.Len(t, d, 32)

		_, _, nt := do(t, srv, "POST", "/tokens/network", cardBody(worldpaysim.VisaPAN))
		require.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, nt["tokenReference"])
	}
}

// TestStatuses: the lookup shows each status an issuer sets, with the
// cryptogram link only while Active; a deleted network token is gone.
func TestStatuses(t *testing.T) {
	srv := newServer(t)
	_, _, nt := do(t, srv, "POST", "/tokens/network", cardBody(worldpaysim.VisaPAN))
	ref := nt["tokenReference"].(string)
	for _, tc := range []struct {
		state  tokenize.NetworkTokenState
		status string
	}{
		{tokenize.StateSuspended, "Suspended"},
		{tokenize.StateActive, "Active"},
		{tokenize.StateInactive, "Inactive"},
		{tokenize.StateDeleted, "Deleted"},
	} {
		require.NoError(t, srv.SetNetworkTokenState(ref, tc.state))
		status, _, got := do(t, srv, "GET", "/tokens/network/"+ref, "")
		require.Equal(t, 200, status)
		assert.Equal(t, tc.status, got["tokenPaymentInstrument"].(map[string]any)["status"])
		_, cryptogram := got["_links"].(map[string]any)["tokens:networkTokenCryptogram"]
		assert.Equal(t, tc.status == "Active", cryptogram, tc.status)
	}
	assert.ErrorContains(t, srv.SetNetworkTokenState(ref, tokenize.StateDeclined), "no status")
	status, _, upper := do(t, srv, "GET", "/tokens/network/"+strings.ToUpper(ref), "")
	require.Equal(t, 200, status, "a UUID in upper case, as the reference's lookup request writes it, is the same token")
	assert.Equal(t, "Deleted", upper["tokenPaymentInstrument"].(map[string]any)["status"])
	status, _, _ = do(t, srv, "DELETE", "/tokens/network/"+ref, "")
	assert.Equal(t, 204, status)
	status, _, body := do(t, srv, "GET", "/tokens/network/"+ref, "")
	assert.Equal(t, 404, status)
	assert.Equal(t, worldpaysim.ErrResourceNotFound, body["errorName"])
}
