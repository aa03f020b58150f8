package tokenize_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

var allVerbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3s", "%-30v", "%T"}

// assertClean fails if out contains any sensitive value, raw or hex encoded.
func assertClean(t *testing.T, out, context string) {
	t.Helper()
	for _, s := range sensitiveValues {
		if strings.Contains(out, s) || strings.Contains(strings.ToLower(out), hex.EncodeToString([]byte(s))) {
			t.Errorf("%s leaks %q: %s", context, s, out)
		}
	}
}

// logBoth logs args through slog's text and JSON handlers and returns both
// outputs.
func logBoth(args ...any) string {
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, debugOpts)).Info("msg", args...)
	slog.New(slog.NewJSONHandler(&buf, debugOpts)).Info("msg", args...)
	return buf.String()
}

func sensitiveSamples() map[string]any {
	card := goodCard()
	card.Number = testPAN2
	bank := goodBank()
	return map[string]any{
		"PAN":                tokenize.PAN(testPAN),
		"DPAN":               tokenize.PAN(testDPAN),
		"CVV":                tokenize.Secret(testCVV),
		"cryptogram":         tokenize.Secret(testCryptogram),
		"API key":            tokenize.Secret(testAPIKey),
		"account number":     tokenize.AccountNumber(testAccount),
		"Card":               *card,
		"*Card":              card,
		"BankAccount":        *bank,
		"PaymentToken":       tokenize.PaymentToken{ID: "pt_1", Card: &tokenize.CardDetails{MaskedNumber: tokenize.PAN(testPAN).Masked()}},
		"NetworkToken":       tokenize.NetworkToken{ID: "nt_1", Number: testDPAN, State: tokenize.StateActive},
		"Cryptogram":         tokenize.Cryptogram{NetworkTokenID: "nt_1", Value: testCryptogram, Number: testDPAN, ECI: "05"},
		"*Cryptogram":        &tokenize.Cryptogram{NetworkTokenID: "nt_1", Value: testCryptogram, Number: testDPAN},
		"create card req":    tokenize.CreatePaymentTokenRequest{Card: card, MerchantReference: "order-1"},
		"create bank req":    tokenize.CreatePaymentTokenRequest{BankAccount: bank},
		"create temp req":    tokenize.CreatePaymentTokenRequest{TemporaryToken: testAPIKey},
		"provision req":      tokenize.ProvisionNetworkTokenRequest{Card: card},
		"provision req by":   &tokenize.ProvisionNetworkTokenRequest{Card: card},
		"ProvisionResult":    tokenize.ProvisionResult{Key: "row-1", Token: &tokenize.NetworkToken{Number: testDPAN}},
		"NetworkTokenEvent":  eventWithPayload(),
		"*NetworkTokenEvent": func() *tokenize.NetworkTokenEvent { e := eventWithPayload(); return &e }(),
		"SyncResult":         tokenize.SyncResult{ID: "nt_1", Event: func() *tokenize.NetworkTokenEvent { e := eventWithPayload(); return &e }()},
		"slice of PANs":      []tokenize.PAN{testPAN, testDPAN},
		"map of secrets":     map[string]tokenize.Secret{"cvv": testCVV, "key": testAPIKey},
		"anonymous struct": struct {
			Key tokenize.Secret
			PAN tokenize.PAN
		}{testAPIKey, testPAN},
	}
}

func TestRedactionFmtVerbs(t *testing.T) {
	for name, v := range sensitiveSamples() {
		for _, verb := range allVerbs {
			assertClean(t, fmt.Sprintf(verb, v), name+" "+verb)
		}
		assertClean(t, fmt.Sprint(v), name+" Sprint")
		assertClean(t, fmt.Sprintln(v), name+" Sprintln")
	}
}

func TestRedactionSlogAndJSON(t *testing.T) {
	for name, v := range sensitiveSamples() {
		assertClean(t, logBoth("value", v), name+" slog")
		assertClean(t, logBoth(slog.Any("value", v)), name+" slog.Any")
		b, err := json.Marshal(v)
		require.NoError(t, err, name)
		assertClean(t, string(b), name+" json")
	}
}

func TestSensitiveTypesMaskShape(t *testing.T) {
	assert.Equal(t, "411111******1111", tokenize.PAN(testPAN).String())
	assert.Equal(t, "1111", tokenize.PAN(testPAN).Last4())
	assert.Equal(t, "411111", tokenize.PAN(testPAN).BIN())
	assert.Equal(t, testPAN, tokenize.PAN(testPAN).Reveal())
	assert.Equal(t, "*********0005", tokenize.PAN("378282246310005"[2:]).Masked())
	assert.Equal(t, "[REDACTED]", tokenize.PAN("4111 1111 1111 1111").Masked(), "non-digits show nothing")
	assert.Equal(t, "", tokenize.PAN("").Masked())
	assert.Equal(t, "[REDACTED]", tokenize.Secret(testCVV).String())
	assert.Equal(t, "", tokenize.Secret("").String(), "an unset secret is visibly unset")
	assert.Equal(t, `"[REDACTED]"`, fmt.Sprintf("%q", tokenize.Secret(testAPIKey)))
	assert.Equal(t, "********6789", tokenize.AccountNumber(testAccount).String())
	assert.Equal(t, "****", tokenize.AccountNumber("1234").String())
	assert.Equal(t, "", tokenize.AccountNumber("1234").Last4(), "a four-digit account would be fully revealed")
}

// providerErrorWithSecrets returns an *Error the way a careless adapter
// might build it: the PAN echoed in every string field, the cause and the
// body.
func providerErrorWithSecrets() *tokenize.Error {
	e := &tokenize.Error{
		Code:          tokenize.InvalidArgument,
		HTTPStatus:    400,
		Message:       "card " + testPAN + " rejected, token " + testDPAN,
		Field:         "card.number=" + testPAN,
		ProviderCodes: []string{"E" + testPAN, "1005"},
		RequestID:     "req-" + testDPAN,
		Err:           &leakyCause{Detail: "upstream said " + testPAN},
	}
	e.SetProviderBody([]byte(`{"cardNumber":"` + testPAN + `"}`))
	return e
}

// leakyCause is a foreign error type carrying a card number, both in its
// text and in an exported field.
type leakyCause struct{ Detail string }

func (l *leakyCause) Error() string { return l.Detail }

func TestRedactionErrorsFromProvider(t *testing.T) {
	p := newFake()
	p.err = providerErrorWithSecrets()
	c := tokenize.New(p, clockAt(fixedNow))
	_, err := c.GetPaymentToken(context.Background(), "pt_1")
	require.Error(t, err)
	for _, verb := range allVerbs {
		assertClean(t, fmt.Sprintf(verb, err), "error "+verb)
	}
	assertClean(t, err.Error(), "Error()")
	assertClean(t, logBoth("err", err), "error slog")
	b, jerr := json.Marshal(err)
	require.NoError(t, jerr)
	assertClean(t, string(b), "error json")

	var te *tokenize.Error
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "card 411111******1111 rejected, token 489537******3478", te.Message)
	assert.Contains(t, te.ProviderCodes, "1005", "short provider codes are kept")
	// The raw body stays reachable through the escape hatch only.
	assert.Contains(t, string(te.ProviderBody()), testPAN)
	var lc *leakyCause
	assert.ErrorAs(t, err, &lc, "the cause stays reachable with errors.As")

	// A cause with no message of its own is printed by Error(): still masked.
	p.err = &tokenize.Error{Code: tokenize.Unavailable, Err: errors.New("dial: card " + testPAN)}
	_, err = c.GetPaymentToken(context.Background(), "pt_1")
	require.Error(t, err)
	for _, verb := range allVerbs {
		assertClean(t, fmt.Sprintf(verb, err), "cause-only error "+verb)
	}
	// A card number echoed in groups, as providers often format it.
	p.err = &tokenize.Error{Code: tokenize.InvalidArgument, Message: "card 4111 1111 1111 1111 is invalid",
		ProviderCodes: []string{"4111-1111-1111-1111"}}
	_, err = c.GetPaymentToken(context.Background(), "pt_1")
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "card 411111******1111 is invalid", te.Message)
	assert.Equal(t, []string{"411111******1111"}, te.ProviderCodes)
	assert.NotContains(t, err.Error(), "1111 1111 1111")

	// A foreign error, not an *Error at all.
	p.err = fmt.Errorf("boom %s", testPAN)
	_, err = c.GetPaymentToken(context.Background(), "pt_1")
	require.Error(t, err)
	assert.Equal(t, tokenize.Unknown, tokenize.CodeOf(err))
	for _, verb := range allVerbs {
		assertClean(t, fmt.Sprintf(verb, err), "foreign error "+verb)
	}
	assertClean(t, logBoth("err", err), "foreign error slog")
}

// An *Error built directly (not through a Client) with a cause that holds a
// card number must not print it either: Error() and JSON are the
// contract's last line of defence.
func TestRedactionErrorBuiltDirectly(t *testing.T) {
	e := &tokenize.Error{Code: tokenize.Internal, Err: &leakyCause{Detail: "pan " + testPAN}}
	e.SetProviderBody([]byte(testPAN))
	for _, verb := range allVerbs {
		assertClean(t, fmt.Sprintf(verb, e), "direct error "+verb)
	}
	assertClean(t, logBoth("err", e), "direct error slog")
	b, err := json.Marshal(e)
	require.NoError(t, err)
	assertClean(t, string(b), "direct error json")

	// Card numbers in any provider-supplied field, in every form.
	e = &tokenize.Error{Code: tokenize.InvalidArgument, Message: "m " + testPAN, Field: "f " + testPAN,
		RequestID: "r " + testPAN, ProviderCodes: []string{"c " + testPAN}, MerchantReference: "ref " + testPAN}
	for _, verb := range allVerbs {
		assertClean(t, fmt.Sprintf(verb, e), "direct error fields "+verb)
	}
	assertClean(t, logBoth("err", e), "direct error fields slog")
	b, err = json.Marshal(e)
	require.NoError(t, err)
	assertClean(t, string(b), "direct error fields json")

	// Sensitive types formatted into a message stay masked.
	e = &tokenize.Error{Code: tokenize.InvalidArgument, Message: fmt.Sprintf("cvv %v key %s pan %v", tokenize.Secret(testCVV), tokenize.Secret(testAPIKey), tokenize.PAN(testPAN))}
	assertClean(t, e.Error(), "message with formatted secrets")
}

// keyedProvider is a value-type provider with credentials in unexported
// fields, the shape that fmt would dump through reflection.
type keyedProvider struct {
	*fakeProvider
	apiKey       string
	clientSecret tokenize.Secret
}

func TestClientDoesNotPrintProvider(t *testing.T) {
	c := tokenize.New(keyedProvider{fakeProvider: newFake(), apiKey: testAPIKey, clientSecret: testAPIKey}, tokenize.WithLogger(slog.Default()))
	for _, verb := range allVerbs {
		out := fmt.Sprintf(verb, c)
		assertClean(t, out, "Client "+verb)
		if verb != "%T" && verb != "%x" && verb != "%X" && verb != "%10.3s" {
			assert.Contains(t, out, "fake", "Client %s names its provider", verb)
		}
	}
	assert.Equal(t, `tokenize.Client{provider: "fake"}`, fmt.Sprintf("%#v", c))
	assert.Equal(t, "tokenize.Client(fake)", c.String())
	assertClean(t, fmt.Sprintf("%+v", struct{ C *tokenize.Client }{c}), "Client in a struct")
	assertClean(t, logBoth("client", c), "Client slog")
	var nilClient *tokenize.Client
	assert.NotPanics(t, func() { _ = fmt.Sprintf("%v %+v %#v", nilClient, nilClient, nilClient) })
}
