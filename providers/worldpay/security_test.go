package worldpay_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
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
