package nuveisim_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/faults"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
)

type exchange struct {
	status int
	body   string
	json   map[string]any
}

func call(t *testing.T, s *nuveisim.Server, method, path, key string, body any) exchange {
	t.Helper()
	var rd io.Reader
	if body != nil {
		if raw, ok := body.(string); ok {
			rd = strings.NewReader(raw)
		} else {
			b, err := json.Marshal(body)
			require.NoError(t, err)
			rd = bytes.NewReader(b)
		}
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	require.NoError(t, err)
	if key != "" {
		req.Header.Set("x-api-key", key)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	ex := exchange{status: resp.StatusCode, body: string(b)}
	_ = json.Unmarshal(b, &ex.json)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	return ex
}

func errBody(code, reason string) string {
	b, _ := json.Marshal(map[string]any{"result": map[string]any{"status": "error", "errors": map[string]string{"code": code, "reason": reason}}})
	return string(b)
}

func card(number string) map[string]any {
	return map[string]any{"cardNumber": number, "expirationMonth": "06", "expirationYear": "2031", "cvv": "591"}
}

func create(po map[string]any) map[string]any {
	return map[string]any{"processingEntityId": nuveisim.ProcessingEntityID, "paymentOption": po}
}

// The documented error bodies, byte for byte as seeds 000 and 001 show them.
func TestSimDocumentedErrors(t *testing.T) {
	s := nuveisim.NewServer()
	defer s.Close()
	key := nuveisim.APIKey
	bad := func(f func(map[string]any)) map[string]any {
		c := card(nuveisim.VisaPAN)
		f(c)
		return create(map[string]any{"card": c})
	}
	cases := []struct {
		name, method, path, key string
		body                    any
		status                  int
		want                    string
	}{
		{"NoAPIKey", "POST", "/payment-tokens", "", create(map[string]any{"card": card(nuveisim.VisaPAN)}), 401,
			errBody("7300.3000", "Authorization error.")},
		{"WrongAPIKey", "GET", "/payment-tokens/x?processingEntityId=" + nuveisim.ProcessingEntityID, "nope", nil, 401,
			errBody("7300.3000", "Authorization error.")},
		{"NoEntity", "POST", "/payment-tokens", key, map[string]any{"paymentOption": map[string]any{"card": card(nuveisim.VisaPAN)}}, 400,
			errBody("5000.1000", "[processingEntityId] must not be null")},
		{"NoEntityOnGet", "GET", "/payment-tokens/x", key, nil, 400, errBody("5000.1000", "[processingEntityId] must not be null")},
		{"OtherEntity", "POST", "/network-tokens", key, map[string]any{"processingEntityId": "other", "paymentOption": map[string]any{"card": card(nuveisim.VisaPAN)}}, 403,
			errBody("7300.3000", "Authorization error.")},
		{"Month13", "POST", "/payment-tokens", key, bad(func(c map[string]any) { c["expirationMonth"] = "13" }), 400,
			errBody("5000.1000", `[paymentOption.card.expirationMonth] must match "^(0[1-9]|1[0-2])$"`)},
		{"MonthOneDigit", "POST", "/payment-tokens", key, bad(func(c map[string]any) { c["expirationMonth"] = "6" }), 400,
			errBody("5000.1000", `[paymentOption.card.expirationMonth] size must be between 2 and 2`)},
		{"YearThreeDigits", "POST", "/payment-tokens", key, bad(func(c map[string]any) { c["expirationYear"] = "203" }), 400,
			errBody("5000.1000", `[paymentOption.card.expirationYear] must match "^(\d{4}|\d{2})$"`)},
		{"NoNumber", "POST", "/payment-tokens", key, bad(func(c map[string]any) { delete(c, "cardNumber") }), 400,
			errBody("5000.1000", `[paymentOption.card.cardNumber] must not be null`)},
		{"LongNumber", "POST", "/payment-tokens", key, bad(func(c map[string]any) { c["cardNumber"] = strings.Repeat("4", 21) }), 400,
			errBody("5000.1000", `[paymentOption.card.cardNumber] size must be between 1 and 20`)},
		{"LongCVV", "POST", "/payment-tokens", key, bad(func(c map[string]any) { c["cvv"] = "12345" }), 400,
			errBody("5000.1000", `[paymentOption.card.cvv] size must be between 0 and 4`)},
		{"LongHolder", "POST", "/payment-tokens", key, bad(func(c map[string]any) { c["cardHolderName"] = strings.Repeat("x", 71) }), 400,
			errBody("5000.1000", `[paymentOption.card.cardHolderName] size must be between 0 and 70`)},
		{"LongMerchantReference", "POST", "/payment-tokens", key, map[string]any{"processingEntityId": nuveisim.ProcessingEntityID,
			"merchantReference": strings.Repeat("r", 51), "paymentOption": map[string]any{"card": card(nuveisim.VisaPAN)}}, 400,
			errBody("5000.1000", `[merchantReference] size must be between 0 and 50`)},
		{"BadUsageIntent", "POST", "/payment-tokens", key, map[string]any{"processingEntityId": nuveisim.ProcessingEntityID,
			"usageIntent": "sometimes", "paymentOption": map[string]any{"card": card(nuveisim.VisaPAN)}}, 400,
			errBody("5000.1000", `[usageIntent] must be one of [recurring, unscheduled]`)},
		{"NoPaymentOption", "POST", "/payment-tokens", key, map[string]any{"processingEntityId": nuveisim.ProcessingEntityID}, 400,
			errBody("5000.1000", `[paymentOption] must not be null`)},
		{"MalformedJSON", "POST", "/payment-tokens", key, `{"processingEntityId":`, 400, errBody("5000.1000", "Malformed request body")},
		{"NetworkTokenNeedsCVV", "POST", "/network-tokens", key, bad(func(c map[string]any) { delete(c, "cvv") }), 400,
			errBody("5000.1000", `[paymentOption.card.cvv] must not be null`)},
		{"NetworkTokenShortNumber", "POST", "/network-tokens", key, bad(func(c map[string]any) { c["cardNumber"] = "41111" }), 400,
			errBody("5000.1000", `[paymentOption.card.cardNumber] size must be between 6 and 20`)},
		{"CryptogramNoPaymentOption", "POST", "/network-tokens/cryptograms", key, map[string]any{"processingEntityId": nuveisim.ProcessingEntityID,
			"type": "ECOM"}, 400, errBody("5000.1000", `[paymentOption] must not be null`)},
		{"CryptogramNoPaymentToken", "POST", "/network-tokens/cryptograms", key, map[string]any{"processingEntityId": nuveisim.ProcessingEntityID,
			"type": "ECOM", "paymentOption": map[string]any{}}, 400, errBody("5000.1000", `[paymentOption.paymentToken] must not be null`)},
		{"NetworkTokenNoPaymentOption", "POST", "/network-tokens", key, map[string]any{"processingEntityId": nuveisim.ProcessingEntityID}, 400,
			errBody("5000.1000", `[paymentOption] must not be null`)},
		{"TemporaryTokenNoPaymentOption", "POST", "/temporary-payment-tokens", key, map[string]any{"processingEntityId": nuveisim.ProcessingEntityID}, 400,
			errBody("5000.1000", `[paymentOption] must not be null`)},
		{"CryptogramNoType", "POST", "/network-tokens/cryptograms", key, map[string]any{"processingEntityId": nuveisim.ProcessingEntityID,
			"paymentOption": map[string]any{"paymentToken": map[string]any{"paymentTokenId": "x"}}}, 400,
			errBody("5000.1000", `[type] must not be null`)},
		{"CryptogramBadType", "POST", "/network-tokens/cryptograms", key, map[string]any{"processingEntityId": nuveisim.ProcessingEntityID,
			"paymentOption": map[string]any{"paymentToken": map[string]any{"paymentTokenId": "x"}}, "type": "POS"}, 400,
			errBody("5000.1000", `[type] must be one of [ECOM, AFT]`)},
		{"InvalidPAN", "POST", "/payment-tokens", key, create(map[string]any{"card": card(nuveisim.InvalidPAN)}), 400,
			errBody("5000.1000", `[paymentOption.card.cardNumber] is invalid`)},
		{"ForbiddenPAN", "POST", "/payment-tokens", key, create(map[string]any{"card": card(nuveisim.ForbiddenPAN)}), 403,
			errBody("7300.3000", "Authorization error.")},
		{"InternalErrorPAN", "POST", "/network-tokens", key, create(map[string]any{"card": card(nuveisim.InternalErrorPAN)}), 500,
			errBody("7000.1000", "Internal Processing Error.")},
		{"RefusedPANWith200", "POST", "/payment-tokens", key, create(map[string]any{"card": card(nuveisim.RefusedPAN)}), 200,
			errBody("5300.1109", "Unable to process this credit card company.")},
		{"UnknownPaymentToken", "GET", "/payment-tokens/nope?processingEntityId=" + nuveisim.ProcessingEntityID, key, nil, 404,
			`{"result":{"status":"error","errors":{"reason":"Payment token not found."}}}`},
		{"UnknownNetworkToken", "GET", "/network-tokens/nope?processing_entity_id=" + nuveisim.ProcessingEntityID, key, nil, 404,
			`{"result":{"status":"error","errors":{"reason":"Network token not found."}}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ex := call(t, s, tc.method, tc.path, tc.key, tc.body)
			assert.Equal(t, tc.status, ex.status)
			assert.JSONEq(t, tc.want, ex.body)
			assert.NotContains(t, ex.body, nuveisim.VisaPAN)
		})
	}
}

func TestSimPaymentTokenRoundTrip(t *testing.T) {
	s := nuveisim.NewServer()
	defer s.Close()
	c := card(nuveisim.MastercardPAN)
	c["cardHolderName"] = "Jada Pinkett"
	ex := call(t, s, "POST", "/payment-tokens", nuveisim.APIKey, map[string]any{
		"processingEntityId": nuveisim.ProcessingEntityID, "merchantReference": "MREF_1", "buyerId": "b-1", "usageIntent": "unscheduled",
		"paymentOption": map[string]any{"card": c}})
	require.Equal(t, 201, ex.status, ex.body)
	pt := ex.json["paymentToken"].(map[string]any)
	id := pt["paymentTokenId"].(string)
	assert.JSONEq(t, `{"paymentTokenId":"`+id+`","cccId":2,"paymentOption":{"card":{"cardHolderName":"Jada Pinkett",
		"maskedCardNumber":"5***4444","bin":"555555","expirationMonth":"06","expirationYear":"2031","cardType":"Credit","cardBrand":"MASTERCARD",
		"cardProduct":"Mastercard Standard","cardProgram":"Mastercard Credit","cardProductType":"Consumer","isPrepaid":false,
		"issuingCountry":"US","isVirtual":false,"isDynamicCurrencyConversionSupported":false}}}`,
		mustJSON(pt))
	assert.Equal(t, map[string]any{"status": "success"}, ex.json["result"])

	got := call(t, s, "GET", "/payment-tokens/"+id+"?processingEntityId="+nuveisim.ProcessingEntityID, nuveisim.APIKey, nil)
	require.Equal(t, 200, got.status)
	gpt := got.json["paymentToken"].(map[string]any)
	assert.Equal(t, "b-1", gpt["buyerId"])
	assert.Equal(t, "MREF_1", gpt["merchantReference"])
	assert.Equal(t, "unscheduled", gpt["usageIntent"])
	assert.Equal(t, nuveisim.ProcessingEntityID, gpt["processingEntityId"])

	list := call(t, s, "GET", "/buyers/b-1/payment-tokens?processing_entity_id="+nuveisim.ProcessingEntityID, nuveisim.APIKey, nil)
	require.Equal(t, 200, list.status)
	assert.Len(t, list.json["paymentTokens"], 1)

	ach := call(t, s, "POST", "/payment-tokens", nuveisim.APIKey, create(map[string]any{"alternativePaymentMethod": map[string]any{
		"name": "ACH", "data": map[string]any{"accountNumber": "11345739548759", "routingNumber": "011000015"}}}))
	require.Equal(t, 201, ach.status, ach.body)
	assert.EqualValues(t, 573, ach.json["paymentToken"].(map[string]any)["cccId"])
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestSimTemporaryToken(t *testing.T) {
	s := nuveisim.NewServer()
	defer s.Close()
	ex := call(t, s, "POST", "/temporary-payment-tokens", nuveisim.APIKey, create(map[string]any{"card": card(nuveisim.VisaPAN)}))
	require.Equal(t, 201, ex.status, ex.body)
	tmp := ex.json["temporaryPaymentToken"].(map[string]any)["paymentTokenId"].(string)
	conv := func() exchange {
		return call(t, s, "POST", "/payment-tokens", nuveisim.APIKey, create(map[string]any{"temporaryPaymentToken": map[string]any{"paymentTokenId": tmp}}))
	}
	first := conv()
	require.Equal(t, 201, first.status, first.body)
	assert.Equal(t, "4***1111", first.json["paymentToken"].(map[string]any)["paymentOption"].(map[string]any)["card"].(map[string]any)["maskedCardNumber"])
	again := conv()
	assert.Equal(t, 400, again.status, "a temporary token converts once")

	direct := s.CreateTemporaryToken(tokenize.Card{Number: nuveisim.MastercardPAN, ExpiryMonth: 1, ExpiryYear: 30})
	ex = call(t, s, "POST", "/payment-tokens", nuveisim.APIKey, create(map[string]any{"temporaryPaymentToken": map[string]any{"paymentTokenId": direct}}))
	require.Equal(t, 201, ex.status)
	assert.Equal(t, "2030", ex.json["paymentToken"].(map[string]any)["paymentOption"].(map[string]any)["card"].(map[string]any)["expirationYear"])
}

func TestSimNetworkTokens(t *testing.T) {
	s := nuveisim.NewServer()
	defer s.Close()
	provision := func(pan string) map[string]any {
		ex := call(t, s, "POST", "/network-tokens", nuveisim.APIKey, create(map[string]any{"card": card(pan)}))
		require.Equal(t, 201, ex.status, ex.body)
		return ex.json
	}
	nt := func(resp map[string]any) map[string]any {
		return resp["paymentOption"].(map[string]any)["networkToken"].(map[string]any)
	}
	visa := provision(nuveisim.VisaPAN)
	v := nt(visa)
	assert.Equal(t, "ACTIVE", v["tokenStatus"])
	assert.Regexp(t, `^4[0-9]{15}$`, v["tokenNumber"])
	assert.NotEqual(t, nuveisim.VisaPAN, v["tokenNumber"])
	assert.Equal(t, "40010030273", visa["tokenRequestorId"])
	assert.Equal(t, map[string]any{"last4Digits": "1111", "expirationMonth": "06", "expirationYear": "2031"}, v["card"])
	mc := nt(provision(nuveisim.MastercardPAN))
	assert.Regexp(t, `^5[0-9]{15}$`, mc["tokenNumber"])
	declined := nt(provision(nuveisim.DeclinedPAN))
	assert.Equal(t, "DECLINED", declined["tokenStatus"])
	assert.NotContains(t, declined, "tokenNumber")

	id := v["paymentTokenId"].(string)
	got := call(t, s, "GET", "/network-tokens/"+id+"?processingEntityId="+nuveisim.ProcessingEntityID, nuveisim.APIKey, nil)
	require.Equal(t, 200, got.status)
	assert.Equal(t, v, nt(got.json))

	crypto := func(id string, body map[string]any) exchange {
		if body == nil {
			body = map[string]any{"type": "ECOM"}
		}
		body["processingEntityId"] = nuveisim.ProcessingEntityID
		po := map[string]any{"paymentTokenId": id}
		if tt, ok := body["nested"]; ok {
			po["transactionType"] = tt
			delete(body, "nested")
		}
		body["paymentOption"] = map[string]any{"paymentToken": po}
		return call(t, s, "POST", "/network-tokens/cryptograms", nuveisim.APIKey, body)
	}
	a, b := crypto(id, nil), crypto(id, map[string]any{"transactionType": "AFT"})
	c := crypto(id, map[string]any{"nested": "ECOM"})
	require.Equal(t, 201, a.status, a.body)
	require.Equal(t, 201, b.status, b.body)
	require.Equal(t, 201, c.status, c.body)
	ca, cb := nt(a.json)["cryptogram"], nt(b.json)["cryptogram"]
	assert.NotEmpty(t, ca)
	assert.NotEqual(t, ca, cb, "a fresh cryptogram on every call")
	assert.Equal(t, v["tokenNumber"], nt(a.json)["tokenNumber"])

	require.NoError(t, s.SetNetworkTokenState(id, tokenize.StateSuspended))
	sus := crypto(id, nil)
	assert.Equal(t, 200, sus.status)
	assert.JSONEq(t, errBody("5300.10012", "Saved payment option no longer valid"), sus.body)
	require.NoError(t, s.SetNetworkTokenState(id, tokenize.StateActive))
	assert.Equal(t, 201, crypto(id, nil).status)
	assert.Equal(t, 200, crypto(declined["paymentTokenId"].(string), nil).status)
	assert.Equal(t, 404, crypto("unknown", nil).status)

	assert.Error(t, s.SetNetworkTokenState("unknown", tokenize.StateActive))
	assert.Error(t, s.SetNetworkTokenState(id, tokenize.StateUnknown))

	// Provisioning also stores the card as a payment token.
	pt := call(t, s, "GET", "/payment-tokens/"+id+"?processingEntityId="+nuveisim.ProcessingEntityID, nuveisim.APIKey, nil)
	assert.Equal(t, 200, pt.status)
}

func TestSimConcurrentAndCounters(t *testing.T) {
	s := nuveisim.NewServer(nuveisim.WithAPIKey("custom-key"))
	defer s.Close()
	assert.Contains(t, string(s.Settings()), `"api_key":"custom-key"`)
	assert.Equal(t, "nuvei", s.Config().Provider)
	var wg sync.WaitGroup
	ids := make(chan string, 40)
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ex := call(t, s, "POST", "/network-tokens", "custom-key", create(map[string]any{"card": card(nuveisim.VisaPAN)}))
			if assert.Equal(t, 201, ex.status) {
				ids <- ex.json["paymentOption"].(map[string]any)["networkToken"].(map[string]any)["paymentTokenId"].(string)
			}
		}()
	}
	wg.Wait()
	close(ids)
	seen := map[string]bool{}
	for id := range ids {
		assert.False(t, seen[id], "ids are unique")
		seen[id] = true
	}
	assert.Len(t, seen, 40)
	assert.EqualValues(t, 40, s.Requests())
	assert.GreaterOrEqual(t, s.Connections(), int64(1))

	s.Faults().Inject(faults.Fault{Kind: faults.Status, Status: 503, Body: "<html>down</html>", ContentType: "text/html", Times: 1})
	req, _ := http.NewRequest("GET", s.URL+"/payment-tokens/x", nil)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 503, resp.StatusCode)
	assert.EqualValues(t, 41, s.Requests(), "faulted requests count too")
}

// A temporary token the test stores with a short or empty number converts
// without crashing the handler, and its masked number never shows more
// than the last four digits.
func TestSimTemporaryTokenShortNumber(t *testing.T) {
	s := nuveisim.NewServer()
	defer s.Close()
	for _, number := range []string{"", "42", "4242424"} {
		id := s.CreateTemporaryToken(tokenize.Card{Number: tokenize.PAN(number), ExpiryMonth: 1, ExpiryYear: 2030})
		ex := call(t, s, "POST", "/payment-tokens", nuveisim.APIKey, create(map[string]any{"temporaryPaymentToken": map[string]any{"paymentTokenId": id}}))
		require.Equal(t, 201, ex.status, "number %q: %s", number, ex.body)
		if number != "" {
			assert.NotContains(t, ex.body, `"`+number+`"`, "the full number is returned")
			assert.NotContains(t, ex.body, `***`+number+`"`, "the full number is returned")
		}
	}
}

// cardBrand is an enum of VISA, MASTERCARD, AMEX and DINERS (seed 001);
// JCB and Discover cards are told by cccId 5 and 6 alone.
func TestSimCardBrandEnum(t *testing.T) {
	s := nuveisim.NewServer()
	defer s.Close()
	for pan, want := range map[string]struct {
		ccc   float64
		brand any
	}{
		"4111111111111111": {1, "VISA"}, "5555555555554444": {2, "MASTERCARD"}, "378282246310005": {3, "AMEX"},
		"36227206271667": {4, "DINERS"}, "3530111333300000": {5, nil}, "6011111111111117": {6, nil},
	} {
		ex := call(t, s, "POST", "/payment-tokens", nuveisim.APIKey, create(map[string]any{"card": card(pan)}))
		require.Equal(t, 201, ex.status, ex.body)
		pt := ex.json["paymentToken"].(map[string]any)
		assert.Equal(t, want.ccc, pt["cccId"], pan)
		assert.Equal(t, want.brand, pt["paymentOption"].(map[string]any)["card"].(map[string]any)["cardBrand"], pan)
	}
}

// Two simulators with the same seed answer the same requests with the
// same ids, token numbers and cryptograms.
func TestSimSeedIsReproducible(t *testing.T) {
	run := func(opts ...nuveisim.Option) []string {
		s := nuveisim.NewServer(opts...)
		defer s.Close()
		r := call(t, s, "POST", "/network-tokens", nuveisim.APIKey, create(map[string]any{"card": card(nuveisim.VisaPAN)}))
		require.Equal(t, 201, r.status, r.body)
		nt := r.json["paymentOption"].(map[string]any)["networkToken"].(map[string]any)
		id := nt["paymentTokenId"].(string)
		cg := call(t, s, "POST", "/network-tokens/cryptograms", nuveisim.APIKey, map[string]any{"processingEntityId": nuveisim.ProcessingEntityID,
			"type": "ECOM", "paymentOption": map[string]any{"paymentToken": map[string]any{"paymentTokenId": id}}})
		require.Equal(t, 201, cg.status, cg.body)
		tok := cg.json["paymentOption"].(map[string]any)["networkToken"].(map[string]any)
		return []string{id, nt["tokenNumber"].(string), nt["tokenUniqueReference"].(string), tok["cryptogram"].(string)}
	}
	a := run(nuveisim.WithSeed(42))
	assert.Equal(t, a, run(nuveisim.WithSeed(42)))
	assert.NotEqual(t, a, run(nuveisim.WithSeed(43)))
	assert.NotEqual(t, run(), run(), "without a seed, values are random")
}
