package tokenize_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

// checkedSetting refuses "bad" with a settings error of its own, and
// "worse" with an error that quotes the value.
type checkedSetting string

func (c *checkedSetting) UnmarshalText(b []byte) error {
	switch string(b) {
	case "bad":
		return tokenize.InvalidSetting("mode", "must be fast or slow")
	case "worse":
		return errors.New("mode " + string(b) + " is not fast or slow")
	}
	*c = checkedSetting(b)
	return nil
}

// A setting type's own refusal of valid JSON is reported as it says, not
// as malformed JSON, and an error of another kind is not quoted.
func TestDecodeSettingsKeepsATypesOwnError(t *testing.T) {
	var s struct {
		Mode checkedSetting `json:"mode"`
	}
	err := tokenize.DecodeSettings(json.RawMessage(`{"mode": "bad"}`), &s)
	var te *tokenize.Error
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "settings.mode", te.Field)
	assert.Contains(t, te.Message, "must be fast or slow")

	err = tokenize.DecodeSettings(json.RawMessage(`{"mode": "worse"}`), &s)
	require.ErrorAs(t, err, &te)
	assert.Equal(t, tokenize.InvalidArgument, te.Code)
	assert.NotContains(t, te.Error(), "worse", "the value is not quoted")
	assert.NotContains(t, te.Error(), "malformed", "the JSON is valid")

	err = tokenize.DecodeSettings(json.RawMessage(`{"mode": `), &s)
	require.ErrorAs(t, err, &te)
	assert.Contains(t, te.Message, "unexpected end of input")
}
