package nuvei

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/httpx"
)

// Properties every decoder and the classifier hold for any input: no
// panic; a success only from a 2xx that says "success" and carries the
// mandatory fields; every failure a *tokenize.Error with a Code; no test
// card number anywhere in the error text and no test CVV in its message or
// field.

const (
	fuzzPAN = "4111111111111111"
	fuzzCVV = "7373"
)

func addSeeds(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "seeds", "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatal("no seed documents in testdata/seeds")
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for _, st := range []int{200, 201, 400, 401, 403, 404, 500, 502} {
			f.Add(st, b)
		}
	}
	f.Add(200, []byte(`{"result":{"status":"error","errors":{"code":"5000.1000","reason":"[paymentOption.card.cardNumber] `+fuzzPAN+` cvv `+fuzzCVV+`"}}}`))
	f.Add(200, []byte(`{"result":{"status":"error","errors":{"code":"`+fuzzPAN+`","reason":"x"}}}`))
	f.Add(201, []byte(`{"paymentOption":{"networkToken":{"paymentTokenId":"a","tokenNumber":"`+fuzzPAN+`","tokenStatus":"ACTIVE","cryptogram":"x"}},"result":{"status":"success"}}`))
	f.Add(500, []byte(`<html>`+fuzzPAN+`</html>`))
	f.Add(200, []byte(``))
	f.Add(200, []byte(`{"result":{"status":"success"},"paymentToken":{"paymentTokenId":"x","paymentOption":{}}}`))
}

func fuzzResponse(status int, body []byte, idempotent bool) *httpx.Response {
	if status < 100 || status > 599 {
		status = 200 + (status%400+400)%400
	}
	return &httpx.Response{Status: status, Body: body, Idempotent: idempotent}
}

func checkErr(t *testing.T, resp *httpx.Response, err error) {
	t.Helper()
	var te *tokenize.Error
	if !errors.As(err, &te) {
		t.Fatalf("error is %T, not *tokenize.Error", err)
	}
	if te.Code == tokenize.OK {
		t.Fatal("error with Code OK")
	}
	if strings.Contains(te.Error(), fuzzPAN) {
		t.Fatalf("error text carries the test card number: %q", te.Error())
	}
	if strings.Contains(string(te.ProviderBody()), fuzzPAN) {
		t.Fatalf("kept provider body carries the test card number: %q", te.ProviderBody())
	}
	if strings.Contains(te.Message, fuzzCVV) || strings.Contains(te.Field, fuzzCVV) {
		t.Fatalf("error message carries the test CVV: %q", te.Message)
	}
	if te.HTTPStatus != resp.Status {
		t.Fatalf("HTTPStatus %d, response %d", te.HTTPStatus, resp.Status)
	}
}

func checkSuccess(t *testing.T, resp *httpx.Response) {
	t.Helper()
	if resp.Status < 200 || resp.Status > 299 {
		t.Fatalf("success from HTTP %d", resp.Status)
	}
	if !strings.Contains(string(resp.Body), "success") {
		t.Fatal("success from a body that does not say success")
	}
}

func FuzzDecodePaymentToken(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		for _, want := range []string{"", "1eaf1356-a9a2-4a16-a0c1-290ba2265257"} {
			resp := fuzzResponse(status, body, want != "")
			tok, err := decodePaymentToken(resp, want)
			if err != nil {
				checkErr(t, resp, err)
				continue
			}
			checkSuccess(t, resp)
			if tok == nil || tok.ID == "" || (tok.Card == nil) == (tok.BankAccount == nil) {
				t.Fatalf("incomplete success %+v", tok)
			}
			if want != "" && tok.ID != want {
				t.Fatal("success for another id")
			}
			if tok.Card != nil && strings.Contains(tok.Card.MaskedNumber, fuzzPAN) {
				t.Fatal("masked number is the full PAN")
			}
		}
	})
}

func FuzzDecodeNetworkToken(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		for _, want := range []string{"", "1eaf1356-a9a2-4a16-a0c1-290ba2265257"} {
			resp := fuzzResponse(status, body, want != "")
			nt, err := decodeNetworkToken(resp, want)
			if err != nil {
				checkErr(t, resp, err)
				continue
			}
			checkSuccess(t, resp)
			if nt == nil || nt.ID == "" {
				t.Fatalf("incomplete success %+v", nt)
			}
			if want != "" && nt.ID != want {
				t.Fatal("success for another id")
			}
			if nt.State == tokenize.StateActive && nt.Number == "" {
				t.Fatal("active token without a number")
			}
		}
	})
}

func FuzzDecodeCryptogram(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		resp := fuzzResponse(status, body, true)
		req := &tokenize.CryptogramRequest{NetworkTokenID: "1eaf1356-a9a2-4a16-a0c1-290ba2265257", TransactionType: tokenize.ECommerce}
		cg, err := decodeCryptogram(resp, req)
		if err != nil {
			checkErr(t, resp, err)
			return
		}
		checkSuccess(t, resp)
		if cg == nil || cg.Value == "" || cg.ECI == "" || cg.NetworkTokenID != req.NetworkTokenID {
			t.Fatalf("incomplete success %+v", cg)
		}
	})
}

func FuzzClassify(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		for _, idem := range []bool{true, false} {
			resp := fuzzResponse(status, body, idem)
			e := classify(resp, decodeEnvelope(body))
			if e == nil {
				t.Fatal("nil error")
			}
			checkErr(t, resp, e)
			if e.Retryable && !idem && e.Code != tokenize.RateLimited {
				t.Fatalf("a non-idempotent request marked retryable: %v", e)
			}
			if e.Retryable && e.OutcomeUnknown {
				t.Fatal("retryable with an unknown outcome")
			}
		}
	})
}

func FuzzFieldFromReason(f *testing.F) {
	for path := range fieldByPath {
		f.Add("[" + path + "] must not be null")
	}
	f.Add(`[paymentOption.card.expirationMonth] must match "^(0[1-9]|1[0-2])$"`)
	f.Add(`[processingEntityId] must not be null`)
	f.Add(`Unexpected error`)
	f.Add(`[` + fuzzPAN + `]`)
	f.Add(`[[]]`)
	known := make([]string, 0, len(fieldByPath))
	for _, v := range fieldByPath {
		known = append(known, v)
	}
	f.Fuzz(func(t *testing.T, reason string) {
		got := FieldFromReason(reason)
		if got != "" && !slices.Contains(known, got) {
			t.Fatalf("field %q is not a neutral name", got)
		}
		msg := scrubReason(reason)
		if strings.Contains(msg, fuzzPAN) || strings.Contains(msg, fuzzCVV) {
			t.Fatalf("scrubbed reason keeps a sensitive value: %q", msg)
		}
		if len(msg) > maxReason {
			t.Fatal("reason not bounded")
		}
	})
}

func BenchmarkMapping(b *testing.B) {
	card, err := os.ReadFile(filepath.Join("testdata", "seeds", "001_create_card.json"))
	if err != nil {
		b.Fatal(err)
	}
	nt, err := os.ReadFile(filepath.Join("testdata", "seeds", "nt_201_provision.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("PaymentToken", func(b *testing.B) {
		resp := &httpx.Response{Status: 201, Body: card}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodePaymentToken(resp, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("NetworkToken", func(b *testing.B) {
		resp := &httpx.Response{Status: 201, Body: nt}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeNetworkToken(resp, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
}
