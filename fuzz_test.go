package tokenize_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/tokenize-go/tokenize"
)

// fuzzSecret is the value of the SECRET variable in FuzzParseConfig; no
// error may ever contain it.
const fuzzSecret = "s3cr3t-Value-XYZ-0042"

func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		`{"provider":"nuvei","settings":{"api_key":"${SECRET}","base_url":"https://x"}}`,
		`{"provider":"${SECRET}"}`,
		`{"provider":"p","settings":{"a":["${SECRET}",{"b":"${MISSING}"}]}}`,
		`{"provider":"p","settings":{"tpl":"$${SECRET}"}}`,
		`{"provider":"p","settings":{"k":"${SE CRET}"}}`,
		`{"provider":"p","x":"${SECRET}"}`,
		`{"provider":"p","settings":"${SECRET}"}`,
		`{"provider":"p"} {"provider":"q"}`,
		`[]`, `null`, ``, `{`, `{"provider":1e999}`,
	} {
		f.Add([]byte(s))
	}
	lookup := func(name string) (string, bool) {
		switch name {
		case "SECRET":
			return fuzzSecret, true
		case "EMPTY":
			return "", true
		case "NESTED":
			return "${SECRET}", true // expansion is not recursive
		}
		return "", false
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.Contains(data, []byte(fuzzSecret)) {
			t.Skip("the secret written literally is not a secret of the environment")
		}
		cfg, err := tokenize.ParseConfig(data, lookup)
		if err != nil {
			var te *tokenize.Error
			if !errors.As(err, &te) || te.Code != tokenize.InvalidArgument {
				t.Fatalf("error is not an InvalidArgument *Error: %#v", err)
			}
			if strings.Contains(err.Error(), fuzzSecret) || strings.Contains(te.Field, fuzzSecret) {
				t.Fatalf("error reveals the secret: %v", err)
			}
			return
		}
		if cfg.Provider == "" {
			t.Fatal("success with an empty provider")
		}
		if len(cfg.Settings) > 0 && (!json.Valid(cfg.Settings) || cfg.Settings[0] != '{') {
			t.Fatalf("settings are not a JSON object: %q", cfg.Settings)
		}
	})
}

func FuzzDecodeSettings(f *testing.F) {
	for _, s := range []string{
		`{"base_url":"https://x","api_key":"k","retries":3}`,
		`{"apikey":"k"}`, `{"retries":"3"}`, `{"retries":1e400}`, `[1]`, `"x"`, `null`, ``, `{`,
		`{"base_url":{"nested":[1,2,3]}}`, `{"api_key":null}`,
	} {
		f.Add([]byte(s), "value-with-digits-12345")
	}
	f.Fuzz(func(t *testing.T, data []byte, value string) {
		check := func(in []byte) error {
			var s fakeSettings
			err := tokenize.DecodeSettings(in, &s)
			if err == nil {
				return nil
			}
			var te *tokenize.Error
			if !errors.As(err, &te) || te.Code != tokenize.InvalidArgument || !strings.HasPrefix(te.Field, "settings") {
				t.Fatalf("unexpected error shape for %q: %#v", in, err)
			}
			return err
		}
		check(data)
		// A value in the wrong place must never be quoted back.
		v, _ := json.Marshal(value)
		for _, in := range [][]byte{
			[]byte(`{"retries":` + string(v) + `}`),
			[]byte(`{"api_key":` + string(v) + `,"unknown_setting":1}`),
			[]byte(`{"base_url":[` + string(v) + `]}`),
		} {
			err := check(in)
			if err == nil {
				t.Fatalf("%s decoded without error", in)
			}
			if len(value) >= 12 && strings.ContainsAny(value, "0123456789") && strings.Contains(err.Error(), value) {
				t.Fatalf("error quotes the value: %v", err)
			}
		}
	})
}

// FuzzCardValidation checks the Client's card rules against an
// independent implementation, and that a refused card never reaches the
// provider or appears in the error.
func FuzzCardValidation(f *testing.F) {
	f.Add(testPAN, 12, 30, "123", "Ada")
	f.Add("4111111111111112", 1, 2026, "", "")
	f.Add("378282246310005", 6, 26, "1234", "Ö")
	f.Add("", 0, 0, "12", "\n")
	f.Add("٤١١١", 13, 100, "abc", strings.Repeat("x", 71))
	f.Add("6011000990139424", -1, 99999, "99999", "a")
	f.Fuzz(func(t *testing.T, number string, month, year int, cvv, name string) {
		p := newFake()
		c := tokenize.New(p, clockAt(fixedNow))
		card := &tokenize.Card{Number: tokenize.PAN(number), ExpiryMonth: month, ExpiryYear: year, CVV: tokenize.Secret(cvv), HolderName: name}
		_, err := c.CreatePaymentToken(context.Background(), tokenize.CreatePaymentTokenRequest{Card: card})

		digits := number != "" && strings.Trim(number, "0123456789") == ""
		fullYear := year
		if year >= 0 && year <= 99 {
			fullYear = 2000 + year
		}
		wantOK := digits && len(number) >= 12 && len(number) <= 19 && luhn(number) &&
			month >= 1 && month <= 12 &&
			fullYear >= 1000 && fullYear <= 9999 &&
			(fullYear > fixedNow.Year() || fullYear == fixedNow.Year() && month >= int(fixedNow.Month())) &&
			(cvv == "" || (len(cvv) == 3 || len(cvv) == 4) && strings.Trim(cvv, "0123456789") == "")
		if err == nil {
			if !wantOK {
				t.Fatalf("accepted an invalid card %q %d/%d", number, month, year)
			}
			if y := p.lastCreate.Card.ExpiryYear; y < 1000 || y > 9999 {
				t.Fatalf("provider saw year %d", y)
			}
			return
		}
		if tokenize.CodeOf(err) != tokenize.InvalidArgument {
			t.Fatalf("refusal with code %v: %v", tokenize.CodeOf(err), err)
		}
		if p.calls.Load() != 0 {
			t.Fatal("a refused card reached the provider")
		}
		if wantOK && tokenize.CodeOf(err) == tokenize.InvalidArgument {
			var te *tokenize.Error
			errors.As(err, &te)
			if te.Field != tokenize.FieldCardHolderName {
				t.Fatalf("refused a valid card %q %d/%d cvv %q: %v", number, month, year, cvv, err)
			}
		}
		if digits && len(number) >= 12 && strings.Contains(err.Error(), number) {
			t.Fatalf("error reveals the number: %v", err)
		}
	})
}
