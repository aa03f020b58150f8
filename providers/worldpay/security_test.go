package worldpay_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/providers/worldpay/worldpaysim"
)

// TestEchoedBasicCredentialsNeverReachAnError: a server that repeats the
// Authorization header (a debugging proxy, a hostile endpoint) in its
// error body and in WP-CorrelationId gets neither the Basic value nor the
// username or password into the error, its kept body or its request id.
func TestEchoedBasicCredentialsNeverReachAnError(t *testing.T) {
	const user, pass = "merchant-user-7", "p@ss-word-0123456789"
	basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
	for name, echo := range map[string]func(r *http.Request) string{
		"Header":  func(r *http.Request) string { return r.Header.Get("Authorization") },
		"Decoded": func(*http.Request) string { return user + ":" + pass },
		"JSON": func(r *http.Request) string {
			b, _ := json.Marshal(r.Header.Get("Authorization"))
			return string(b[1 : len(b)-1])
		},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("WP-CorrelationId", echo(r))
				w.Header().Set("Content-Type", "application/vnd.worldpay.tokens-v3.hal+json")
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprintf(w, `{"errorName":"bodyDoesNotMatchSchema","message":"you sent %s","validationErrors":[{"errorName":"fieldHasInvalidValue","message":"%s","jsonPath":"$.paymentInstrument.cardNumber"}]}`, echo(r), echo(r))
			}))
			t.Cleanup(srv.Close)
			settings, _ := json.Marshal(map[string]string{"base_url": srv.URL, "username": user, "password": pass})
			c, err := tokenize.Open(context.Background(), tokenize.Config{Provider: "worldpay", Settings: settings})
			require.NoError(t, err)
			_, err = c.CreatePaymentToken(context.Background(), tokenize.CreatePaymentTokenRequest{
				Card: &tokenize.Card{Number: "4444333322221111", ExpiryMonth: 5, ExpiryYear: 2035, HolderName: "Sherlock Holmes"}})
			var te *tokenize.Error
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tokenize.InvalidArgument, te.Code)
			assert.Equal(t, tokenize.FieldCardNumber, te.Field)
			js, _ := json.Marshal(te)
			out := strings.Join([]string{err.Error(), fmt.Sprintf("%+v %#v", te, te), string(js), string(te.ProviderBody()), te.RequestID}, "\n")
			for _, secret := range []string{user, pass, basic} {
				assert.NotContains(t, out, secret)
			}
			assert.NotContains(t, out, "4444333322221111")
		})
	}
}

// TestDPANCryptogramAndCredentialsNeverInOutput: a whole flow against the
// simulator, logged at debug level, then a cryptogram request that a
// hostile server answers by echoing the whole request (the DPAN in its
// body, the Basic credentials in its headers) into its error body and
// WP-CorrelationId: the card number, the token number, the cryptogram and
// the credentials appear in no fmt form (%v %+v %#v %s %q) of any value
// the Client returned, no JSON form, no kept body and no log line.
func TestDPANCryptogramAndCredentialsNeverInOutput(t *testing.T) {
	ctx := context.Background()
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := worldpaysim.NewServer()
	t.Cleanup(srv.Close)
	c, err := tokenize.Open(ctx, srv.Config(), tokenize.WithLogger(logger))
	require.NoError(t, err)
	card := tokenize.Card{Number: worldpaysim.VisaPAN, ExpiryMonth: 5, ExpiryYear: 2035, HolderName: "Sherlock Holmes"}
	tok, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: &card})
	require.NoError(t, err)
	nt, err := c.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: tok.ID})
	require.NoError(t, err)
	got, err := c.GetNetworkToken(ctx, nt.ID)
	require.NoError(t, err)
	cg, err := c.RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: nt.ID, TransactionType: tokenize.ECommerce})
	require.NoError(t, err)
	dpan, cryptogram := got.Number.Reveal(), cg.Value.Reveal()
	require.Len(t, dpan, 16)
	require.NotEmpty(t, cryptogram)

	// The hostile server: an active token by lookup, then an echo.
	const user, pass = "merchant-user-7", "p@ss-word-0123456789"
	lookup := `{"tokenPaymentInstrument":{"status":"Active","type":"card/networkToken","tokenNumber":"` + dpan +
		`","expiryDate":{"month":12,"year":2030}},"paymentInstrument":{"type":"card/masked","firstSix":"444433","lastFour":"1111"}}`
	var posted atomic.Bool
	hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.worldpay.tokens-v3.hal+json")
		if r.Method == http.MethodGet {
			_, _ = io.WriteString(w, lookup)
			return
		}
		body, _ := io.ReadAll(r.Body)
		posted.Store(strings.Contains(string(body), dpan))
		var hdr strings.Builder
		_ = r.Header.Write(&hdr)
		echo, _ := json.Marshal(hdr.String() + string(body))
		w.Header().Set("WP-CorrelationId", r.Header.Get("Authorization")+" "+dpan)
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"errorName":"bodyDoesNotMatchSchema","message":%s,"validationErrors":[{"errorName":"fieldHasInvalidValue","message":%s,"jsonPath":"$.tokenNumber"}],"tokenNumber":"%s"}`,
			echo, echo, dpan)
	}))
	t.Cleanup(hostile.Close)
	settings, _ := json.Marshal(map[string]string{"base_url": hostile.URL, "username": user, "password": pass})
	hc, err := tokenize.Open(ctx, tokenize.Config{Provider: "worldpay", Settings: settings}, tokenize.WithLogger(logger),
		tokenize.WithRetryPolicy(tokenize.RetryPolicy{}))
	require.NoError(t, err)
	_, echoErr := hc.RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: nt.ID, TransactionType: tokenize.ECommerce})
	var te *tokenize.Error
	require.ErrorAs(t, echoErr, &te)
	assert.Equal(t, tokenize.InvalidArgument, te.Code)
	assert.Equal(t, tokenize.FieldNetworkTokenID, te.Field, "$.tokenNumber")
	require.True(t, posted.Load(), "the hostile server received the token number to echo")
	require.NotEmpty(t, te.ProviderBody())

	var out strings.Builder
	for _, v := range []any{tok, nt, got, cg, echoErr, te, c, hc} {
		fmt.Fprintf(&out, "%v|%+v|%#v|%s|%q\n", v, v, v, v, v)
		js, _ := json.Marshal(v)
		out.Write(js)
	}
	out.Write(te.ProviderBody())
	out.WriteString(te.RequestID)
	out.WriteString(logs.String())
	require.NotZero(t, logs.Len(), "the calls were logged")
	basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
	simBasic := base64.StdEncoding.EncodeToString([]byte(worldpaysim.Username + ":" + worldpaysim.Password))
	for name, secret := range map[string]string{"card number": worldpaysim.VisaPAN, "token number": dpan, "cryptogram": cryptogram,
		"username": user, "password": pass, "Basic credentials": basic, "simulator password": worldpaysim.Password, "simulator Basic": simBasic} {
		assert.NotContains(t, out.String(), secret, name)
	}
}
