// Package fixturetest holds the official clients' fixtures to their word:
// it loads the JSON bodies kept under an adapter's testdata/fixtures,
// checks that each has its provenance recorded, and compares a body with
// what a simulator answers, field by field. The adapters' fixtures tests
// use it; it is test plumbing, not library code.
package fixturetest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// Dir is where an adapter keeps its fixtures, relative to its package.
const Dir = "testdata/fixtures"

// Load returns the fixture file name under Dir.
func Load(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(Dir, name))
	if err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	if !json.Valid(b) {
		t.Fatalf("fixture %s is not JSON", name)
	}
	return b
}

// CheckProvenance fails unless every JSON file under Dir is named in
// Dir/README.md on a line that also gives its source: a repository path
// with a 40-hex commit, or a seed document, or a documentation URL.
// used lists the fixtures the tests replay; a fixture file no test uses
// fails too, and so does a used one that does not exist.
func CheckProvenance(t testing.TB, used []string) {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join(Dir, "README.md"))
	if err != nil {
		t.Fatalf("fixtures README: %v", err)
	}
	files, err := filepath.Glob(filepath.Join(Dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(readme), "\n")
	for _, f := range files {
		name := filepath.Base(f)
		if !slices.Contains(used, name) {
			t.Errorf("fixture %s is used by no test", name)
		}
		found := false
		for _, l := range lines {
			if strings.Contains(l, "`"+name+"`") && hasSource(l) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("fixture %s has no provenance line (name, then repo@commit:path, seed or URL) in %s/README.md", name, Dir)
		}
	}
	for _, u := range used {
		if _, err := os.Stat(filepath.Join(Dir, u)); err != nil {
			t.Errorf("fixture %s is used but missing: %v", u, err)
		}
	}
}

// hasSource reports a provenance line: a commit hash, a seed or a URL.
func hasSource(line string) bool {
	if strings.Contains(line, "seeds/") || strings.Contains(line, "https://") {
		return true
	}
	for _, w := range strings.FieldsFunc(line, func(r rune) bool { return !strings.ContainsRune("0123456789abcdef", r) }) {
		if len(w) == 40 {
			return true
		}
	}
	return false
}

// Options tune Compare. Every exemption carries its reason, which the
// test prints, so that a reader sees why a fixture field is not held
// against the simulator.
type Options struct {
	// Absent maps a field path the simulator need not return to why.
	Absent map[string]string
	// Retyped maps a field path whose JSON type may differ to why.
	Retyped map[string]string
	// Same lists field paths whose values must be equal, not only present
	// with the same JSON type.
	Same []string
}

// Compare fails t for every field of fixture (a JSON body) that sim (the
// simulator's body for the same request) lacks or holds with another JSON
// type, at any depth, and for every Same path whose values differ. A path
// is the fields' names joined with dots, array elements as "[]" (each
// element of the fixture's array is compared with the simulator's element
// at the same index, or its first). Fields the simulator adds are fine.
func Compare(t testing.TB, fixture, sim []byte, opts Options) {
	t.Helper()
	var want, got any
	if err := json.Unmarshal(fixture, &want); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	if err := json.Unmarshal(sim, &got); err != nil {
		t.Fatalf("simulator answer is not JSON: %v: %.200s", err, sim)
	}
	for _, p := range Diff(want, got, opts) {
		t.Error(p)
	}
	for path, why := range opts.Absent {
		t.Logf("exempt: %s may be absent: %s", path, why)
	}
	for path, why := range opts.Retyped {
		t.Logf("exempt: %s may have another type: %s", path, why)
	}
}

// Diff returns the problems Compare reports, sorted.
func Diff(want, got any, opts Options) []string {
	var out []string
	walk("", want, got, opts, &out)
	for _, p := range opts.Same {
		w, wok := lookup(want, p)
		g, gok := lookup(got, p)
		if !wok {
			out = append(out, fmt.Sprintf("%s: in Same but not in the fixture", p))
			continue
		}
		if gok && !reflect.DeepEqual(w, g) {
			out = append(out, fmt.Sprintf("%s: simulator has %s, fixture %s", p, show(g), show(w)))
		}
	}
	sort.Strings(out)
	return out
}

func walk(path string, want, got any, opts Options, out *[]string) {
	if kind(want) != kind(got) {
		if _, ok := opts.Retyped[path]; !ok {
			*out = append(*out, fmt.Sprintf("%s: simulator has %s, fixture %s", name(path), kind(got), kind(want)))
		}
		return
	}
	switch w := want.(type) {
	case map[string]any:
		g := got.(map[string]any)
		for k, wv := range w {
			p := join(path, k)
			gv, ok := g[k]
			if !ok {
				if _, exempt := opts.Absent[p]; !exempt {
					*out = append(*out, fmt.Sprintf("%s: in the fixture, not in the simulator's answer", p))
				}
				continue
			}
			walk(p, wv, gv, opts, out)
		}
	case []any:
		g := got.([]any)
		for i, wv := range w {
			if len(g) == 0 {
				*out = append(*out, fmt.Sprintf("%s[]: the fixture has elements, the simulator none", name(path)))
				return
			}
			walk(path+"[]", wv, g[min(i, len(g)-1)], opts, out)
		}
	}
}

// lookup finds a dotted path (no arrays) in v.
func lookup(v any, path string) (any, bool) {
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func show(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func name(path string) string {
	if path == "" {
		return "(the body)"
	}
	return path
}
