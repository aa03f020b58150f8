package httpx

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDuration(t *testing.T) {
	var d Duration
	require.NoError(t, json.Unmarshal([]byte(`"1m30s"`), &d))
	assert.Equal(t, 90*time.Second, time.Duration(d))
	b, err := json.Marshal(d)
	require.NoError(t, err)
	assert.JSONEq(t, `"1m30s"`, string(b))
	for _, bad := range []string{`30`, `"30"`, `"-1s"`, `"0s"`, `null`, `{}`} {
		var d Duration
		assert.Error(t, json.Unmarshal([]byte(bad), &d), bad)
	}
}
