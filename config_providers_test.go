package tokenize_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

// The multi-provider form: only the chosen provider's settings are used and
// expanded, so switching provider is changing one value.
func TestParseConfigProvidersForm(t *testing.T) {
	doc := `{
	  "provider": "${P}",
	  "providers": {
	    "a": {"key": "${A_KEY}"},
	    "b": {"key": "${B_KEY}", "n": 3}
	  }
	}`
	env := map[string]string{"P": "b", "B_KEY": "bee"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }

	cfg, err := tokenize.ParseConfig([]byte(doc), lookup)
	require.NoError(t, err, "A_KEY is unset but belongs to the provider not chosen")
	assert.Equal(t, "b", cfg.Provider)
	assert.JSONEq(t, `{"key":"bee","n":3}`, string(cfg.Settings))

	env["P"] = "a"
	_, err = tokenize.ParseConfig([]byte(doc), lookup)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "A_KEY")
	assert.Equal(t, "providers.a.key", fieldOf(err))

	env["P"] = "c"
	_, err = tokenize.ParseConfig([]byte(doc), lookup)
	require.Error(t, err)
	assert.Equal(t, "providers.c", fieldOf(err))

	_, err = tokenize.ParseConfig([]byte(`{"provider":"a","settings":{},"providers":{"a":{}}}`), lookup)
	require.Error(t, err)
	assert.Equal(t, "providers", fieldOf(err))

	_, err = tokenize.ParseConfig([]byte(`{"provider":"a","providers":{"a":[1]}}`), lookup)
	require.Error(t, err)
	assert.Equal(t, tokenize.InvalidArgument, tokenize.CodeOf(err))
}

func fieldOf(err error) string {
	if e, ok := err.(*tokenize.Error); ok {
		return e.Field
	}
	return ""
}
