package tokenize_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

// uniqueName returns a provider name no other test registers: the
// registry is global and cannot be reset.
var nameSeq atomic.Int64

func uniqueName(base string) string {
	return "test-" + base + "-" + strconv.FormatInt(nameSeq.Add(1), 10)
}

type fakeSettings struct {
	BaseURL string          `json:"base_url"`
	APIKey  tokenize.Secret `json:"api_key"`
	Retries int             `json:"retries"`
}

// fakeOpener decodes fakeSettings, requires api_key, and returns a fake
// provider named name.
func fakeOpener(name string, got *fakeSettings) tokenize.Opener {
	return func(_ context.Context, raw json.RawMessage, _ tokenize.OpenOptions) (tokenize.Provider, error) {
		var s fakeSettings
		if err := tokenize.DecodeSettings(raw, &s); err != nil {
			return nil, err
		}
		if s.APIKey == "" {
			return nil, tokenize.MissingSetting("api_key")
		}
		if got != nil {
			*got = s
		}
		p := newFake()
		p.name = name
		return p, nil
	}
}

func TestRegisterPanics(t *testing.T) {
	name := uniqueName("dup")
	tokenize.Register(name, fakeOpener(name, nil))
	assert.PanicsWithValue(t, "tokenize: Register called twice for provider "+name, func() {
		tokenize.Register(name, fakeOpener(name, nil))
	})
	assert.Panics(t, func() { tokenize.Register("", fakeOpener("", nil)) })
	assert.Panics(t, func() { tokenize.Register(uniqueName("nilopener"), nil) })
	assert.Contains(t, tokenize.Providers(), name)
	assert.True(t, sortedStrings(tokenize.Providers()))
}

func sortedStrings(s []string) bool {
	for i := 1; i < len(s); i++ {
		if s[i-1] > s[i] {
			return false
		}
	}
	return true
}

func TestOpen(t *testing.T) {
	name := uniqueName("open")
	var got fakeSettings
	tokenize.Register(name, fakeOpener(name, &got))
	ctx := context.Background()

	c, err := tokenize.Open(ctx, tokenize.Config{Provider: name, Settings: json.RawMessage(`{"api_key":"k","retries":2}`)})
	require.NoError(t, err)
	assert.Equal(t, name, c.Provider())
	assert.Equal(t, 2, got.Retries)
	assert.Equal(t, tokenize.Secret("k"), got.APIKey)

	_, err = tokenize.Open(ctx, tokenize.Config{Provider: "no-such-provider"})
	var te *tokenize.Error
	require.ErrorAs(t, err, &te)
	assert.Equal(t, tokenize.InvalidArgument, te.Code)
	assert.Equal(t, "provider", te.Field)
	assert.Contains(t, te.Message, `"no-such-provider"`)
	assert.Contains(t, te.Message, name, "the error lists the registered providers")

	_, err = tokenize.Open(ctx, tokenize.Config{})
	require.ErrorAs(t, err, &te)
	assert.Equal(t, tokenize.InvalidArgument, te.Code)
	assert.Contains(t, te.Message, name)

	// Missing settings reach the opener as {}, and its error is returned.
	_, err = tokenize.Open(ctx, tokenize.Config{Provider: name})
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "settings.api_key", te.Field)
	assert.ErrorIs(t, err, tokenize.ErrInvalidArgument)

	_, err = tokenize.Open(ctx, tokenize.Config{Provider: name, Settings: json.RawMessage(`{"api_key":"k","colour":"red"}`)})
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "settings.colour", te.Field)
	assert.Contains(t, te.Message, "unknown setting")
}

func TestDecodeSettings(t *testing.T) {
	cases := []struct {
		name, in, field string
	}{
		{"ok", `{"base_url":"https://x","api_key":"k"}`, ""},
		{"empty", ``, ""},
		{"blank", "  \n", ""},
		{"unknown key", `{"api_key":"k","apikey":"k"}`, "settings.apikey"},
		{"wrong type", `{"retries":"three"}`, "settings.retries"},
		{"wrong type secret", `{"api_key":12345678901234}`, "settings.api_key"},
		{"malformed", `{"api_key":`, "settings"},
		{"not an object", `[1,2]`, "settings"},
		{"garbage", `<html>`, "settings"},
		{"trailing object", `{"api_key":"k"} {"base_url":"https://x"}`, "settings"},
		{"trailing brace", `{"api_key":"k"}}`, "settings"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var s fakeSettings
			err := tokenize.DecodeSettings(json.RawMessage(tc.in), &s)
			if tc.field == "" {
				require.NoError(t, err)
				return
			}
			var te *tokenize.Error
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tokenize.InvalidArgument, te.Code)
			assert.Equal(t, tc.field, te.Field)
			assert.NotContains(t, te.Error(), "12345678901234", "values are never quoted")
			assert.NotContains(t, te.Error(), "three")
		})
	}
	err := tokenize.MissingSetting("api_key")
	assert.Equal(t, tokenize.InvalidArgument, tokenize.CodeOf(err))
	assert.Contains(t, err.Error(), `"api_key" is required`)
	err = tokenize.InvalidSetting("base_url", "must use https")
	var te *tokenize.Error
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "settings.base_url", te.Field)
}

func mapLookup(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestParseConfig(t *testing.T) {
	env := mapLookup(map[string]string{"KEY": testAPIKey, "URL": "https://api.example", "EMPTY": ""})
	cases := []struct {
		name, in   string
		provider   string
		settings   string // expected settings JSON, when ok
		field, msg string // expected error
	}{
		{name: "plain", in: `{"provider":"p","settings":{"a":"b"}}`, provider: "p", settings: `{"a":"b"}`},
		{name: "no settings", in: `{"provider":"p"}`, provider: "p"},
		{name: "expansion", in: `{"provider":"p","settings":{"api_key":"${KEY}","base_url":"${URL}/v1"}}`, provider: "p",
			settings: `{"api_key":"` + testAPIKey + `","base_url":"https://api.example/v1"}`},
		{name: "expansion in provider", in: `{"provider":"${EMPTY}p"}`, provider: "p"},
		{name: "nested and arrays", in: `{"provider":"p","settings":{"a":{"b":["${URL}",1,true,null]}}}`, provider: "p",
			settings: `{"a":{"b":["https://api.example",1,true,null]}}`},
		{name: "escape", in: `{"provider":"p","settings":{"tpl":"$${KEY} and $$ and $KEY"}}`, provider: "p",
			settings: `{"tpl":"${KEY} and $$ and $KEY"}`},
		{name: "numbers kept exact", in: `{"provider":"p","settings":{"n":12345678901234567890}}`, provider: "p",
			settings: `{"n":12345678901234567890}`},
		{name: "missing variable", in: `{"provider":"p","settings":{"api_key":"${NUVEI_KEY}"}}`,
			field: "settings.api_key", msg: "environment variable NUVEI_KEY is not set"},
		{name: "invalid reference", in: `{"provider":"p","settings":{"k":"${A-B}"}}`, field: "settings.k", msg: "invalid environment reference"},
		{name: "empty reference", in: `{"provider":"p","settings":{"k":"${}"}}`, field: "settings.k", msg: "invalid environment reference"},
		{name: "unterminated reference", in: `{"provider":"p","settings":{"api_key":"${KEY"}}`, field: "settings.api_key", msg: "unterminated environment reference"},
		{name: "unterminated after a reference", in: `{"provider":"p","settings":{"u":"${URL}/${KEY"}}`, field: "settings.u", msg: "unterminated environment reference"},
		{name: "unknown key", in: `{"provider":"p","setings":{}}`, field: "setings", msg: "unknown key"},
		{name: "missing provider", in: `{"settings":{}}`, field: "provider", msg: "required"},
		{name: "provider not a string", in: `{"provider":1}`, field: "provider", msg: "must be a string"},
		{name: "settings not an object", in: `{"provider":"p","settings":"x"}`, field: "settings", msg: "must be an object"},
		{name: "not an object", in: `["p"]`, msg: "must be a JSON object"},
		{name: "malformed", in: `{"provider":"p",`, msg: "invalid JSON"},
		{name: "syntax error", in: `{"provider" "p"}`, msg: "syntax error at byte"},
		{name: "trailing data", in: `{"provider":"p"} {}`, msg: "trailing data"},
		{name: "trailing brace", in: `{"provider":"p"} }`, msg: "trailing data"},
		{name: "trailing bracket", in: `{"provider":"p"}]`, msg: "trailing data"},
		{name: "empty", in: ``, msg: "invalid JSON"},
		{name: "html", in: `<html>`, msg: "invalid JSON"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := tokenize.ParseConfig([]byte(tc.in), env)
			if tc.msg == "" {
				require.NoError(t, err)
				assert.Equal(t, tc.provider, cfg.Provider)
				if tc.settings == "" {
					assert.Empty(t, cfg.Settings)
				} else {
					assert.JSONEq(t, tc.settings, string(cfg.Settings))
				}
				return
			}
			var te *tokenize.Error
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tokenize.InvalidArgument, te.Code)
			assert.Equal(t, tc.field, te.Field)
			assert.Contains(t, te.Message, tc.msg)
			assertClean(t, err.Error(), "config error")
		})
	}
}

// A secret expanded into the config must not show up in any later error,
// for example a type error at a different key.
func TestParseConfigErrorsNeverQuoteSecrets(t *testing.T) {
	env := mapLookup(map[string]string{"KEY": testAPIKey})
	for _, in := range []string{
		`{"provider":"${KEY}","settings":{"a":"${MISSING}"}}`,
		`{"provider":"p","${KEY}":1}`,
		`{"provider":"p","settings":{"k":"${KEY}"},"x":"${KEY}"}`,
		`{"provider":"p","settings":"${KEY}"}`,
		`{"provider":["${KEY}"]}`,
	} {
		_, err := tokenize.ParseConfig([]byte(in), env)
		require.Error(t, err, in)
		assert.NotContains(t, err.Error(), testAPIKey, in)
	}
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tokenize.json")
	t.Setenv("TOKENIZE_TEST_KEY", testAPIKey)
	require.NoError(t, os.WriteFile(path, []byte(`{"provider":"p","settings":{"api_key":"${TOKENIZE_TEST_KEY}","tpl":"$${X}"}}`), 0o600))
	cfg, err := tokenize.LoadConfig(path)
	require.NoError(t, err)
	assert.Equal(t, "p", cfg.Provider)
	assert.JSONEq(t, `{"api_key":"`+testAPIKey+`","tpl":"${X}"}`, string(cfg.Settings))

	require.NoError(t, os.WriteFile(path, []byte(`{"provider":"p","settings":{"api_key":"${TOKENIZE_TEST_UNSET_VAR}"}}`), 0o600))
	_, err = tokenize.LoadConfig(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "TOKENIZE_TEST_UNSET_VAR")
	assert.Equal(t, tokenize.InvalidArgument, tokenize.CodeOf(err))

	_, err = tokenize.LoadConfig(filepath.Join(dir, "missing.json"))
	assert.Equal(t, tokenize.InvalidArgument, tokenize.CodeOf(err))

	require.NoError(t, os.WriteFile(path, []byte(`{"provider":`), 0o600))
	_, err = tokenize.LoadConfig(path)
	assert.Equal(t, tokenize.InvalidArgument, tokenize.CodeOf(err))
	assert.Contains(t, err.Error(), "invalid JSON")

	big := `{"provider":"p","settings":{"pad":"` + strings.Repeat("x", 1<<20) + `"}}`
	require.NoError(t, os.WriteFile(path, []byte(big), 0o600))
	_, err = tokenize.LoadConfig(path)
	assert.Equal(t, tokenize.InvalidArgument, tokenize.CodeOf(err))
	assert.Contains(t, err.Error(), "larger than")
}

// TestLoadConfigThenOpen is the documented path from a file to a Client.
func TestLoadConfigThenOpen(t *testing.T) {
	name := uniqueName("loadopen")
	tokenize.Register(name, fakeOpener(name, nil))
	t.Setenv("TOKENIZE_TEST_KEY2", testAPIKey)
	path := filepath.Join(t.TempDir(), "c.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"provider":"`+name+`","settings":{"api_key":"${TOKENIZE_TEST_KEY2}"}}`), 0o600))
	cfg, err := tokenize.LoadConfig(path)
	require.NoError(t, err)
	c, err := tokenize.Open(context.Background(), cfg)
	require.NoError(t, err)
	assert.Equal(t, name, c.Provider())
}

// A Config holds the expanded settings, secrets included: printing or
// logging it must show the setting names only.
func TestConfigDoesNotPrintSettings(t *testing.T) {
	cfg, err := tokenize.ParseConfig([]byte(`{"provider":"nuvei","settings":{"base_url":"https://x","api_key":"${KEY}"}}`),
		mapLookup(map[string]string{"KEY": testAPIKey}))
	require.NoError(t, err)
	for _, verb := range allVerbs {
		assertClean(t, fmt.Sprintf(verb, cfg), "Config "+verb)
		assertClean(t, fmt.Sprintf(verb, &cfg), "*Config "+verb)
	}
	assertClean(t, fmt.Sprintf("%+v", struct{ C tokenize.Config }{cfg}), "Config in a struct")
	assertClean(t, logBoth("cfg", cfg), "Config slog")
	assert.Equal(t, `tokenize.Config{provider: "nuvei", settings: [api_key base_url]}`, fmt.Sprintf("%v", cfg))
	assert.Equal(t, `tokenize.Config{provider: "nuvei", settings: []}`, tokenize.Config{Provider: "nuvei"}.String())
	assert.Contains(t, tokenize.Config{Provider: "p", Settings: json.RawMessage(`[1]`)}.String(), "not an object")
}

func TestOpenPassesHTTPClient(t *testing.T) {
	name := uniqueName("httpclient")
	var got *http.Client
	tokenize.Register(name, func(_ context.Context, _ json.RawMessage, opts tokenize.OpenOptions) (tokenize.Provider, error) {
		got = opts.HTTPClient
		p := newFake()
		p.name = name
		return p, nil
	})
	hc := &http.Client{}
	_, err := tokenize.Open(context.Background(), tokenize.Config{Provider: name}, tokenize.WithHTTPClient(hc))
	require.NoError(t, err)
	assert.Same(t, hc, got)
	_, err = tokenize.Open(context.Background(), tokenize.Config{Provider: name})
	require.NoError(t, err)
	assert.Nil(t, got, "without the option the adapter uses its own default")
}

func TestParseConfigRouterForm(t *testing.T) {
	env := map[string]string{"NUVEI_KEY": "k-nuvei", "CKO_SECRET": "s-cko", "DEFAULT": "checkout"}
	lookup := func(n string) (string, bool) { v, ok := env[n]; return v, ok }
	cfg, err := tokenize.ParseConfig([]byte(`{
		"router": {"default": "${DEFAULT}", "rules": [{"brand": ["visa"], "to": "nuvei"}]},
		"providers": {"nuvei": {"api_key": "${NUVEI_KEY}"}, "checkout": {"client_secret": "${CKO_SECRET}"}}
	}`), lookup)
	require.NoError(t, err)
	assert.Equal(t, tokenize.RouterName, cfg.Provider)
	assert.JSONEq(t, `{"default": "checkout", "rules": [{"brand": ["visa"], "to": "nuvei"}],
		"providers": {"nuvei": {"api_key": "k-nuvei"}, "checkout": {"client_secret": "s-cko"}}}`, string(cfg.Settings))
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg), "k-nuvei")

	for name, tc := range map[string]struct{ json, field string }{
		"WithProvider":        {`{"router": {}, "provider": "nuvei", "providers": {"nuvei": {}}}`, "provider"},
		"WithSettings":        {`{"router": {}, "settings": {}, "providers": {"nuvei": {}}}`, "settings"},
		"NoProviders":         {`{"router": {"default": "nuvei"}}`, "providers"},
		"EmptyProviders":      {`{"router": {"default": "nuvei"}, "providers": {}}`, "providers"},
		"RouterNotObject":     {`{"router": "nuvei", "providers": {"nuvei": {}}}`, "router"},
		"ProvidersInRouter":   {`{"router": {"providers": {}}, "providers": {"nuvei": {}}}`, "router.providers"},
		"UnsetVariable":       {`{"router": {}, "providers": {"nuvei": {"api_key": "${NOPE}"}}}`, "providers.nuvei.api_key"},
		"UnsetRouterVariable": {`{"router": {"default": "${NOPE}"}, "providers": {"nuvei": {}}}`, "router.default"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := tokenize.ParseConfig([]byte(tc.json), lookup)
			require.Error(t, err)
			var te *tokenize.Error
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tc.field, te.Field)
		})
	}
}
