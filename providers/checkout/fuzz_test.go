package checkout

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/httpx"
)

// Fuzz properties, for every decoder and classifier: no panic; garbage
// never decodes to a nil-error success (a success has its mandatory id);
// every error is a *tokenize.Error; no error string carries a card-number
// length digit run (a test PAN) or the test CVV.

var panRun = regexp.MustCompile(`[0-9]{12,}`)

// fuzzPANs are the cards the seeds use, offered to the fuzzer as input.
var fuzzPANs = []string{testPAN, "5436424242424242", "4543474002249996", "5436031030606378"}

func checkErr(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var te *tokenize.Error
	if !errors.As(err, &te) {
		t.Fatalf("error is %T, not *tokenize.Error", err)
	}
	if te.Code == tokenize.OK {
		t.Fatalf("error with code OK: %v", err)
	}
	for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), strings.Join(te.ProviderCodes, ","), te.RequestID, te.Field} {
		if panRun.MatchString(s) {
			t.Fatalf("error text carries a card-number-like digit run: %q", s)
		}
	}
	if strings.Contains(te.Message, testCVV) || strings.Contains(strings.Join(te.ProviderCodes, ","), testCVV) {
		t.Fatalf("error carries the test CVV: %q", err.Error())
	}
}

func okResp(body []byte) *httpx.Response {
	return &httpx.Response{Status: 200, Body: body, Header: http.Header{}, Idempotent: true}
}

func addSeeds(f *testing.F, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Add([]byte(""))
	f.Add([]byte("<html>Bad Gateway</html>"))
	for _, pan := range fuzzPANs {
		f.Add([]byte(`{"number":"` + pan + `","cvv":"` + testCVV + `","id":"` + pan + `"}`))
	}
	f.Add([]byte("null"))
	f.Add([]byte("{"))
}

func FuzzDecodeNetworkToken(f *testing.F) {
	addSeeds(f, seed002NetworkToken,
		`{"network_token":{"id":"nt_x","state":"declined","type":"mdes"}}`,
		`{"network_token":{"id":"nt_x","expiry_month":"5","expiry_year":"2025","number":"`+testPAN+`"}}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		nt, err := decodeNetworkToken(okResp(body))
		checkErr(t, err)
		if err == nil {
			if nt == nil || nt.ID == "" {
				t.Fatal("success without a network token id")
			}
			for _, v := range []string{fmt.Sprintf("%v", nt), fmt.Sprintf("%+v", nt), fmt.Sprintf("%#v", nt)} {
				if nt.Number != "" && strings.Contains(v, nt.Number.Reveal()) && len(nt.Number) >= 12 {
					t.Fatalf("fmt shows the DPAN")
				}
			}
		}
	})
}

func FuzzDecodeInstrument(f *testing.F) {
	addSeeds(f, researchStoreResponse, researchGetInstrument,
		`{"type":"ach","id":"src_x","fingerprint":"abc"}`,
		`{"type":"ach","id":"src_x","instrument_data":{"account_type":"checking","account_number":"*****6789","bank_code":"011000015"}}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		tok, err := decodeInstrument(okResp(body), nil)
		checkErr(t, err)
		if err == nil && (tok == nil || tok.ID == "" || (tok.Card == nil) == (tok.BankAccount == nil)) {
			t.Fatalf("success without an id or with not exactly one payment method: %+v", tok)
		}
	})
}

func FuzzDecodeCardToken(f *testing.F) {
	addSeeds(f, researchCardToken)
	f.Fuzz(func(t *testing.T, body []byte) {
		tok, err := decodeCardToken(okResp(body))
		checkErr(t, err)
		if err == nil && tok == "" {
			t.Fatal("success without a token")
		}
	})
}

func FuzzDecodeCryptogram(f *testing.F) {
	addSeeds(f, seed002Cryptogram)
	f.Fuzz(func(t *testing.T, body []byte) {
		cg, err := decodeCryptogram(okResp(body), "nt_x", tokenize.ECommerce)
		checkErr(t, err)
		if err == nil && (cg == nil || cg.Value == "") {
			t.Fatal("success without a cryptogram")
		}
		// Real cryptograms are 28 base64 characters; a short one can occur
		// in any text by chance.
		if err == nil && len(cg.Value) >= 16 && strings.Contains(fmt.Sprintf("%v %+v %#v", *cg, *cg, cg), cg.Value.Reveal()) {
			t.Fatal("fmt shows the cryptogram")
		}
	})
}

func FuzzDecodeAccessToken(f *testing.F) {
	addSeeds(f, researchAccessToken, `{"access_token":"x","token_type":"mac"}`,
		`{"access_token":"1234","expires_in":3600,"token_type":"Bearer","scope":["vault:network-tokens"]}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		w, err := decodeAccessToken(okResp(body))
		checkErr(t, err)
		if err == nil && (w == nil || w.AccessToken == "" || w.ExpiresIn < 0) {
			t.Fatal("success without a usable access token")
		}
	})
}

func FuzzAPIError(f *testing.F) {
	for _, s := range []string{seed002Error, researchDocsError, "", "<html>oops</html>",
		`{"error_type":"request_invalid","error_codes":["card_number_invalid","` + testPAN + `","cvv_` + testCVV + `"]}`,
		`{"request_id":"` + testPAN + `","error_type":"` + testCVV + `"}`} {
		for _, st := range []int{400, 401, 403, 404, 415, 422, 429, 500, 502, 504} {
			f.Add(st, []byte(s), "req-1", "3")
		}
	}
	f.Fuzz(func(t *testing.T, status int, body []byte, requestID, retryAfter string) {
		if status < 300 || status > 599 {
			status = 300 + (status%300+300)%300
		}
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		resp := &httpx.Response{Status: status, Body: body, Header: h, RequestID: requestID, Idempotent: status%2 == 0}
		for _, e := range []*tokenize.Error{apiError(resp), oauthError(resp)} {
			if e == nil {
				t.Fatal("nil error for a failed answer")
			}
			checkErr(t, e)
			if e.Field != "" && !strings.Contains(e.Field, ".") && e.Field != FieldOf(e.ProviderCodes) {
				t.Fatalf("field %q not from the codes", e.Field)
			}
			if e.RetryAfter < 0 {
				t.Fatal("negative RetryAfter")
			}
		}
	})
}

func FuzzFieldOf(f *testing.F) {
	for code := range fieldOfCode {
		f.Add(code, "card_expired")
	}
	f.Add("", "")
	f.Add(testPAN, testCVV)
	known := map[string]bool{"": true}
	for _, v := range fieldOfCode {
		known[v] = true
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		got := FieldOf([]string{a, b})
		if !known[got] {
			t.Fatalf("FieldOf returned %q, not a Field constant", got)
		}
		if got != "" && got != FieldOf([]string{a}) && FieldOf([]string{a}) != "" {
			t.Fatal("the first code that names a field wins")
		}
	})
}

// BenchmarkMapping decodes and maps seed 002's network token answer, with
// no HTTP.
func BenchmarkMapping(b *testing.B) {
	resp := okResp([]byte(seed002NetworkToken))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeNetworkToken(resp); err != nil {
			b.Fatal(err)
		}
	}
}
