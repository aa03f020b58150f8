package fixturetest

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDiff(t *testing.T) {
	want := map[string]any{
		"a": "x", "n": 1.0, "b": true,
		"obj":  map[string]any{"in": "y", "deep": map[string]any{"z": "w"}},
		"list": []any{map[string]any{"k": "v"}, map[string]any{"k": "v", "extra": 1.0}},
		"gone": "g", "typed": []any{"s"},
	}
	got := map[string]any{
		"a": "other", "n": "1", "b": true, "added": "fine",
		"obj":   map[string]any{"deep": map[string]any{}},
		"list":  []any{map[string]any{"k": "v2"}},
		"typed": "s",
	}
	assert.Equal(t, []string{
		"a: simulator has \"other\", fixture \"x\"",
		"gone: in the fixture, not in the simulator's answer",
		"list[].extra: in the fixture, not in the simulator's answer",
		"n: simulator has a string, fixture a number",
		"obj.deep.z: in the fixture, not in the simulator's answer",
		"obj.in: in the fixture, not in the simulator's answer",
		"typed: simulator has a string, fixture an array",
	}, Diff(want, got, Options{Same: []string{"a", "b"}}))

	assert.Equal(t, []string{"a: simulator has \"other\", fixture \"x\"", "n: simulator has a string, fixture a number"},
		Diff(want, got, Options{
			Same:    []string{"a"},
			Absent:  map[string]string{"gone": "r", "list[].extra": "r", "obj.deep.z": "r", "obj.in": "r"},
			Retyped: map[string]string{"typed": "r"},
		}))
	assert.Equal(t, []string{"missing: in Same but not in the fixture"}, Diff(want, got, Options{Same: []string{"missing"},
		Absent: map[string]string{"gone": "r", "list[].extra": "r", "obj.deep.z": "r", "obj.in": "r"}, Retyped: map[string]string{"typed": "r", "n": "r"}}))
	assert.Equal(t, []string{"(the body): simulator has an array, fixture an object"}, Diff(want, []any{}, Options{}))
	assert.Equal(t, []string{"l[]: the fixture has elements, the simulator none"}, Diff(map[string]any{"l": []any{1.0}}, map[string]any{"l": []any{}}, Options{}))
}

func TestHasSource(t *testing.T) {
	for line, want := range map[string]bool{
		"| `a.json` | checkout/checkout-sdk-node@a1d2c7234c9ce6f694d3131e5b100aaa13657d20:test/x.js |": true,
		"| `a.json` | ../shared/seeds/001_d9ffe4c5fd9d3083.txt |":                                      true,
		"| `a.json` | https://docs.example.com/page |":                                                 true,
		"| `a.json` | somewhere |":                                                                     false,
		"| `a.json` | abc123 |":                                                                        false,
	} {
		assert.Equal(t, want, hasSource(line), line)
	}
}

func TestServerAndCall(t *testing.T) {
	s := NewServer(t)
	s.On("POST /things", 201, []byte(`{"id":"t1"}`))
	status, body := Call(t, "POST", s.URL+"/things", `{"name":"x"}`, "Content-Type", "application/json")
	assert.Equal(t, 201, status)
	assert.JSONEq(t, `{"id":"t1"}`, string(body))
	assert.Equal(t, `{"name":"x"}`, s.Body("POST /things"))
	status, _ = Call(t, "GET", s.URL+"/nowhere", "")
	assert.Equal(t, 418, status)
	http.DefaultClient.CloseIdleConnections()
}
