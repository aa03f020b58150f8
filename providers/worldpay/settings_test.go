package worldpay_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/providers/worldpay"
)

func openSettings(settings string) (*tokenize.Client, error) {
	return tokenize.Open(context.Background(), tokenize.Config{Provider: "worldpay", Settings: []byte(settings)})
}

func TestSettings(t *testing.T) {
	const pass = "settings-secret-pass-42"
	creds := `"username":"merchant-user","password":"` + pass + `"`
	cases := []struct {
		name     string
		settings string
		field    string // "" means valid
	}{
		{"Valid", `{` + creds + `}`, ""},
		{"Live", `{"environment":"live",` + creds + `}`, ""},
		{"Try", `{"environment":"TRY",` + creds + `,"merchant_entity":"MindPalaceLtd","timeout":"20s"}`, ""},
		{"LoopbackHTTP", `{"base_url":"http://127.0.0.1:8080",` + creds + `}`, ""},
		{"InsecureAllowed", `{"base_url":"http://worldpay.internal",` + creds + `,"allow_insecure_http":true}`, ""},
		{"Empty", `{}`, "settings.username"},
		{"NoPassword", `{"username":"u"}`, "settings.password"},
		{"ColonInUsername", `{"username":"a:b","password":"p"}`, "settings.username"},
		{"ControlInUsername", `{"username":"a\nb","password":"p"}`, "settings.username"},
		{"ControlInPassword", `{"username":"a","password":"p\r\nX: y"}`, "settings.password"},
		{"BadEnvironment", `{"environment":"sandbox",` + creds + `}`, "settings.environment"},
		{"PlainHTTP", `{"base_url":"http://worldpay.example",` + creds + `}`, "settings.base_url"},
		{"CredentialsInURL", `{"base_url":"https://u:p@worldpay.example",` + creds + `}`, "settings.base_url"},
		{"LongEntity", fmt.Sprintf(`{%s,"merchant_entity":"%065d"}`, creds, 0), "settings.merchant_entity"},
		{"SpacedEntity", `{` + creds + `,"merchant_entity":" default"}`, "settings.merchant_entity"},
		{"NumericTimeout", `{` + creds + `,"timeout":30}`, "settings.timeout"},
		{"BadTimeout", `{` + creds + `,"timeout":"soon"}`, "settings.timeout"},
		{"UnknownSetting", `{` + creds + `,"api_key":"x"}`, "settings.api_key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := openSettings(tc.settings)
			if tc.field == "" {
				require.NoError(t, err)
				assert.Equal(t, "worldpay", c.Provider())
				assert.NotContains(t, fmt.Sprintf("%v %+v %#v %s", c, c, c, c), pass)
				return
			}
			var te *tokenize.Error
			require.True(t, errors.As(err, &te), "%T %v", err, err)
			assert.Equal(t, tokenize.InvalidArgument, te.Code)
			assert.Equal(t, tc.field, te.Field, "%v", te)
			assert.NotContains(t, te.Error(), pass, "an error names the setting, never its value")
		})
	}
}

// TestSettingsFromEnvironment: ${NAME} references are expanded by
// tokenize.ParseConfig, so credentials stay out of the file.
func TestSettingsFromEnvironment(t *testing.T) {
	t.Setenv("WORLDPAY_TEST_USERNAME", "env-user")
	t.Setenv("WORLDPAY_TEST_PASSWORD", "env-pass-value")
	cfg, err := tokenize.ParseConfig([]byte(`{"provider":"worldpay","settings":{
		"username":"${WORLDPAY_TEST_USERNAME}","password":"${WORLDPAY_TEST_PASSWORD}"}}`), os.LookupEnv)
	require.NoError(t, err)
	c, err := tokenize.Open(context.Background(), cfg)
	require.NoError(t, err)
	assert.Equal(t, "worldpay", c.Provider())
}

func TestNewAndCapabilities(t *testing.T) {
	p, err := worldpay.New(worldpay.Settings{Username: "u", Password: "secret-password"}, tokenize.OpenOptions{})
	require.NoError(t, err)
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v", p, p, p), "secret-password")
	caps := p.Capabilities()
	assert.True(t, caps.ProvisionMayBePending)
	assert.Equal(t, []string{tokenize.FieldCardHolderName}, caps.RequiredFields)
	assert.Equal(t, []tokenize.PaymentMethodKind{tokenize.KindCard}, caps.PaymentMethods)
	assert.Equal(t, []tokenize.TransactionType{tokenize.ECommerce}, caps.TransactionTypes)
	assert.True(t, caps.ProvisionFromCard && caps.ProvisionFromPaymentToken)
	assert.False(t, caps.ProvisionIsIdempotent)

	_, err = worldpay.New(worldpay.Settings{}, tokenize.OpenOptions{})
	assert.ErrorIs(t, err, tokenize.ErrInvalidArgument)
}
