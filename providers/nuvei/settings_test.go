package nuvei_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

func openSettings(settings string) error {
	_, err := tokenize.Open(context.Background(), tokenize.Config{Provider: "nuvei", Settings: []byte(settings)})
	return err
}

func TestSettings(t *testing.T) {
	const key = "settings-secret-key-42"
	cases := []struct {
		name     string
		settings string
		field    string // "" means valid
	}{
		{"Valid", `{"base_url":"https://nuvei.example/api/","api_key":"` + key + `","processing_entity_id":"80aef199-b89a-4d59-ba0c-f2cd3c25d5cd"}`, ""},
		{"ValidTimeout", `{"base_url":"https://nuvei.example","api_key":"` + key + `","processing_entity_id":"e1","timeout":"1m30s"}`, ""},
		{"LoopbackHTTP", `{"base_url":"http://127.0.0.1:8080","api_key":"` + key + `","processing_entity_id":"e1"}`, ""},
		{"InsecureAllowed", `{"base_url":"http://nuvei.internal","api_key":"` + key + `","processing_entity_id":"e1","allow_insecure_http":true}`, ""},
		{"Empty", `{}`, "settings.base_url"},
		{"NoBaseURL", `{"api_key":"` + key + `","processing_entity_id":"e1"}`, "settings.base_url"},
		{"RelativeBaseURL", `{"base_url":"nuvei.example","api_key":"` + key + `","processing_entity_id":"e1"}`, "settings.base_url"},
		{"PlainHTTP", `{"base_url":"http://nuvei.example","api_key":"` + key + `","processing_entity_id":"e1"}`, "settings.base_url"},
		{"CredentialsInURL", `{"base_url":"https://u:p@nuvei.example","api_key":"` + key + `","processing_entity_id":"e1"}`, "settings.base_url"},
		{"QueryInURL", `{"base_url":"https://nuvei.example?x=1","api_key":"` + key + `","processing_entity_id":"e1"}`, "settings.base_url"},
		{"NoAPIKey", `{"base_url":"https://nuvei.example","processing_entity_id":"e1"}`, "settings.api_key"},
		{"APIKeyWhitespace", `{"base_url":"https://nuvei.example","api_key":"a b","processing_entity_id":"e1"}`, "settings.api_key"},
		// A control character cannot go in a header: every call would fail
		// as "cannot reach the provider" and be retried in vain.
		{"APIKeyControl", `{"base_url":"https://nuvei.example","api_key":"a\u0001b","processing_entity_id":"e1"}`, "settings.api_key"},
		{"APIKeyDelete", `{"base_url":"https://nuvei.example","api_key":"ab\u007f","processing_entity_id":"e1"}`, "settings.api_key"},
		{"NoEntity", `{"base_url":"https://nuvei.example","api_key":"` + key + `"}`, "settings.processing_entity_id"},
		{"BadEntity", `{"base_url":"https://nuvei.example","api_key":"` + key + `","processing_entity_id":"a/b"}`, "settings.processing_entity_id"},
		{"NumericTimeout", `{"base_url":"https://nuvei.example","api_key":"` + key + `","processing_entity_id":"e1","timeout":30}`, "settings.timeout"},
		{"BadTimeout", `{"base_url":"https://nuvei.example","api_key":"` + key + `","processing_entity_id":"e1","timeout":"soon"}`, "settings.timeout"},
		{"NegativeTimeout", `{"base_url":"https://nuvei.example","api_key":"` + key + `","processing_entity_id":"e1","timeout":"-1s"}`, "settings.timeout"},
		{"UnknownSetting", `{"base_url":"https://nuvei.example","api_key":"` + key + `","processing_entity_id":"e1","merchant_id":"x"}`, "settings.merchant_id"},
		{"WrongType", `{"base_url":"https://nuvei.example","api_key":42,"processing_entity_id":"e1"}`, "settings.api_key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := openSettings(tc.settings)
			if tc.field == "" {
				require.NoError(t, err)
				return
			}
			var te *tokenize.Error
			require.True(t, errors.As(err, &te), "%T %v", err, err)
			assert.Equal(t, tokenize.InvalidArgument, te.Code)
			assert.Equal(t, tc.field, te.Field, "%v", te)
			assert.NotContains(t, err.Error(), key, "an error quotes the API key")
		})
	}
}

func TestCapabilities(t *testing.T) {
	c, _ := wireClient(t)
	caps := c.Capabilities()
	assert.Equal(t, []tokenize.Operation{tokenize.OpCreatePaymentToken, tokenize.OpGetPaymentToken,
		tokenize.OpProvisionNetworkToken, tokenize.OpGetNetworkToken, tokenize.OpRequestCryptogram}, caps.Operations)
	assert.Equal(t, []tokenize.PaymentMethodKind{tokenize.KindCard, tokenize.KindBankAccount}, caps.PaymentMethods)
	assert.True(t, caps.TemporaryTokens)
	assert.True(t, caps.ProvisionFromCard)
	assert.False(t, caps.ProvisionFromPaymentToken)
	assert.False(t, caps.ProvisionIsIdempotent)
	assert.Equal(t, []tokenize.TransactionType{tokenize.ECommerce, tokenize.AccountFunding}, caps.TransactionTypes)
	assert.Contains(t, tokenize.Providers(), "nuvei")
}
