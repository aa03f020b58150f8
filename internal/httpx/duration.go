package httpx

import (
	"encoding/json"
	"fmt"
	"time"
)

// Duration is a settings value for a time limit. In JSON it is a Go
// duration string ("30s", "1m30s"); a bare number is rejected because its
// unit would be a guess. Adapters share it so every provider's "timeout"
// setting reads the same way.
type Duration time.Duration

// UnmarshalJSON implements json.Unmarshaler.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf(`must be a duration string such as "30s"`)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf(`must be a duration string such as "30s"`)
	}
	if v <= 0 {
		return fmt.Errorf("must be positive")
	}
	*d = Duration(v)
	return nil
}

// MarshalJSON implements json.Marshaler.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}
