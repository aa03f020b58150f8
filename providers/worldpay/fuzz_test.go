package worldpay

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/httpx"
	"github.com/tokenize-go/tokenize/internal/redact"
)

// Fuzz properties, for every decoder and the error classifier: no panic;
// garbage never decodes to a nil-error success (a success has its id, and
// an active token its number); every error is a *tokenize.Error; no error
// string carries a card-number-length digit run.

var panRun = regexp.MustCompile(`[0-9]{12,}`)

const fuzzPAN = "4444333322221111"

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
	if strings.Contains(string(te.ProviderBody()), fuzzPAN) {
		t.Fatalf("kept body carries the request's card number")
	}
}

func okResp(body []byte) *httpx.Response {
	return &httpx.Response{Status: 200, Body: body, Header: http.Header{}, Idempotent: true}
}

func addSeeds(f *testing.F, seeds ...string) {
	for _, s := range append(seeds, "", "<html>Bad Gateway</html>", "null", "{", "[]",
		`{"tokenNumber":"`+fuzzPAN+`","cardNumber":"`+fuzzPAN+`","tokenReference":"`+fuzzPAN+`"}`) {
		f.Add([]byte(s))
	}
}

func FuzzDecodeNetworkToken(f *testing.F) {
	addSeeds(f, refLookup, refProvisionAsync,
		strings.Replace(refLookup, `"tokenPaymentInstrument"`, `"tokenReference": "`+refLookupID+`", "tokenPaymentInstrument"`, 1),
		`{"tokenReference":"x","provisioningErrors":[{"errorCode":"a","providerErrorCode":"b","source":"c","context":"d","message":"e"}]}`,
		`{"_links":{"self":{"href":"https://h/tokens/network/abc"},"curies":[{"name":"tokens","href":"https://h/rels/tokens/{rel}.json","templated":true}]}}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, id := range []string{"", refLookupID} {
			nt, _, err := decodeNetworkToken(okResp(body), id)
			checkErr(t, err)
			if err != nil {
				continue
			}
			if nt == nil || nt.ID == "" || (id != "" && nt.ID != id) {
				t.Fatal("success without the network token's id")
			}
			if nt.State == tokenize.StateActive && nt.Number == "" {
				t.Fatal("an active token without its number")
			}
			if n := nt.Number.Reveal(); n != "" && (!redact.AllDigits(n) || len(n) < 13) {
				t.Fatalf("token number %q", n)
			}
			shown := *nt
			shown.PaymentAccountReference, shown.TokenReference, shown.ID = "", "", "" // other fields may hold the same digits
			if nt.Number != "" && strings.Contains(fmt.Sprintf("%v %+v %#v", shown, shown, &shown), nt.Number.Reveal()) {
				t.Fatal("fmt shows the DPAN")
			}
		}
	})
}

func FuzzDecodeToken(f *testing.F) {
	addSeeds(f, tokenAnswer, strings.Replace(tokenAnswer, `"bin": "444433",`, ``, 1))
	f.Fuzz(func(t *testing.T, body []byte) {
		tok, err := decodeToken(okResp(body), "")
		checkErr(t, err)
		if err != nil {
			return
		}
		if tok == nil || !validID(tok.ID) || tok.Card == nil {
			t.Fatal("success without a token id and card")
		}
		if d := tok.Card; len(d.BIN) > maxBINDigits || len(d.Last4) != 4 || panRun.MatchString(d.MaskedNumber) {
			t.Fatalf("card details expose digits: %+v", d)
		}
	})
}

func FuzzDecodeCryptogram(f *testing.F) {
	addSeeds(f, refCryptogram, `{"cryptogramDetails":{"cryptogram":"AAAA","eci":"5"}}`)
	nt := &tokenize.NetworkToken{ID: refLookupID, Number: "4111111111111111"}
	f.Fuzz(func(t *testing.T, body []byte) {
		cg, err := decodeCryptogram(okResp(body), nt, tokenize.ECommerce)
		checkErr(t, err)
		if err != nil {
			return
		}
		if cg.Value == "" || len(cg.ECI) != 2 || !redact.AllDigits(cg.ECI) {
			t.Fatalf("cryptogram %q eci %q", cg.Value, cg.ECI)
		}
		if strings.Contains(fmt.Sprintf("%v %+v %#v", *cg, *cg, cg), cg.Value.Reveal()) {
			t.Fatal("fmt shows the cryptogram")
		}
	})
}

func FuzzAPIError(f *testing.F) {
	addSeeds(f, refError, `{"errorName":"accessDenied","message":"denied"}`,
		`{"errorName":"`+fuzzPAN+`","message":"card `+fuzzPAN+`","validationErrors":[{"errorName":"x","message":"`+fuzzPAN+`","jsonPath":"$.paymentInstrument.cardNumber"}]}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, status := range []int{400, 401, 404, 406, 409, 415, 500, 503} {
			resp := &httpx.Response{Status: status, Body: body, Header: http.Header{}, Sensitive: []string{fuzzPAN}}
			e := apiError(resp)
			if e == nil || e.Code == tokenize.OK {
				t.Fatal("no error for an error status")
			}
			checkErr(t, e)
		}
	})
}
