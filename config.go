package tokenize

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/tokenize-go/tokenize/internal/redact"
)

// Config selects a provider and carries its settings. It is what a
// configuration file holds, in one of two forms. A single provider:
//
//	{
//	  "provider": "nuvei",
//	  "settings": {
//	    "base_url": "https://nuvei.example",
//	    "api_key": "${NUVEI_API_KEY}",
//	    "processing_entity_id": "${NUVEI_PROCESSING_ENTITY_ID}"
//	  }
//	}
//
// or every provider's settings side by side, with "provider" choosing one,
// so that switching provider is changing that one value (or the variable
// it names, as in "${TOKENIZE_PROVIDER}"):
//
//	{
//	  "provider": "checkout",
//	  "providers": {
//	    "nuvei":    {"base_url": "...", "api_key": "${NUVEI_API_KEY}", ...},
//	    "checkout": {"client_id": "${CHECKOUT_CLIENT_ID}", ...}
//	  }
//	}
//
// A third form holds several providers at once behind a router (package
// github.com/tokenize-go/tokenize/router, which documents the "router"
// object); every provider listed is opened, and its references expanded:
//
//	{
//	  "router": {"default": "checkout", "rules": [{"brand": ["visa"], "to": "nuvei"}]},
//	  "providers": {
//	    "nuvei":    {"base_url": "...", "api_key": "${NUVEI_API_KEY}", ...},
//	    "checkout": {"client_id": "${CHECKOUT_CLIENT_ID}", ...}
//	  }
//	}
//
// It decodes to Provider "router" with the router object's keys and
// "providers" as Settings.
//
// Each adapter documents its settings. Secrets belong in the environment,
// referenced as ${NAME} and expanded by LoadConfig; only the chosen
// provider's references are expanded, so the others' variables need not be
// set.
type Config struct {
	// Provider is the registered provider name, such as "nuvei" or
	// "checkout".
	Provider string `json:"provider"`
	// Settings are the provider's settings as raw JSON.
	Settings json.RawMessage `json:"settings,omitempty"`
}

// String names the provider and the settings present, never their values:
// after LoadConfig they hold secrets expanded from the environment.
func (c Config) String() string {
	return "tokenize.Config{provider: " + strconv.Quote(c.Provider) + ", settings: [" + strings.Join(c.settingNames(), " ") + "]}"
}

// Format prints the same text as String for every verb, so that %+v, %#v,
// %s and %x cannot print the settings' values.
func (c Config) Format(f fmt.State, verb rune) { redact.Format(f, verb, c.String()) }

// LogValue implements slog.LogValuer with the provider and setting names
// only.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("provider", c.Provider),
		slog.String("settings", strings.Join(c.settingNames(), ",")),
	)
}

// settingNames returns the sorted top-level setting names.
func (c Config) settingNames() []string {
	if len(bytes.TrimSpace(c.Settings)) == 0 {
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(c.Settings, &m); err != nil {
		return []string{"(not an object)"}
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// maxConfigSize bounds configuration files; a real one is a few hundred bytes.
const maxConfigSize = 1 << 20

// LoadConfig reads a JSON configuration file, expands ${NAME} references
// in its string values from the environment, and decodes it. A reference to
// an unset variable is an error naming the variable; unknown top-level keys
// are errors.
func LoadConfig(path string) (Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return Config{}, &Error{Code: InvalidArgument, Message: "config: " + err.Error(), Err: err}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return Config{}, &Error{Code: InvalidArgument, Message: "config: " + err.Error(), Err: err}
	}
	if len(data) > maxConfigSize {
		return Config{}, configError("", "config: %s is larger than %d bytes", path, maxConfigSize)
	}
	return ParseConfig(data, os.LookupEnv)
}

// ParseConfig decodes a JSON configuration in either form Config
// describes, expanding ${NAME} references in the provider name and the
// chosen provider's settings with lookup (os.LookupEnv in LoadConfig).
// Write $${ for a literal "${".
func ParseConfig(data []byte, lookup func(name string) (string, bool)) (Config, error) {
	var raw any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return Config{}, configError("", "config: invalid JSON: %s", jsonErrText(err))
	}
	// Anything but the end of input after the object is an error: More
	// alone would let a stray "}" or "]" through.
	if _, err := dec.Token(); err != io.EOF {
		return Config{}, configError("", "config: trailing data after the JSON object")
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return Config{}, configError("", "config: must be a JSON object")
	}
	var unknown []string
	for k := range obj {
		if k != "provider" && k != "settings" && k != "providers" && k != RouterName {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return Config{}, configError(unknown[0], "config: unknown key(s) %s (allowed: provider, settings, providers, router)", strings.Join(unknown, ", "))
	}
	if _, ok := obj[RouterName]; ok {
		return parseRouterConfig(obj, lookup)
	}

	var cfg Config
	name, err := expandEnv(obj["provider"], lookup, "provider")
	if err != nil {
		return Config{}, err
	}
	switch v := name.(type) {
	case nil:
		return Config{}, configError("provider", `config: "provider" is required`)
	case string:
		cfg.Provider = v
	default:
		return Config{}, configError("provider", `config: "provider" must be a string`)
	}
	if cfg.Provider == "" {
		return Config{}, configError("provider", `config: "provider" is required`)
	}

	settings, path := obj["settings"], "settings"
	if all, ok := obj["providers"]; ok {
		if settings != nil {
			return Config{}, configError("providers", `config: give "settings" or "providers", not both`)
		}
		m, ok := all.(map[string]any)
		if !ok {
			return Config{}, configError("providers", `config: "providers" must be an object`)
		}
		path = "providers." + cfg.Provider
		if settings, ok = m[cfg.Provider]; !ok {
			return Config{}, configError(path, "config: %q has no entry for provider %q", "providers", cfg.Provider)
		}
	}
	if settings != nil {
		if _, ok := settings.(map[string]any); !ok {
			return Config{}, configError(path, "config: %q must be an object", path)
		}
		expanded, err := expandEnv(settings, lookup, path)
		if err != nil {
			return Config{}, err
		}
		if cfg.Settings, err = json.Marshal(expanded); err != nil {
			return Config{}, configError(path, "config: %v", err)
		}
	}
	return cfg, nil
}

// envRef matches an escaped "$${", a reference "${NAME}", or a "${" never
// closed, which is an error rather than a literal: a typo must not become
// part of a credential.
var envRef = regexp.MustCompile(`\$\$\{|\$\{([^}]*)\}|\$\{[^}]*$`)
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// expandEnv replaces ${NAME} in every string of v. path names the JSON
// location for error messages; values are never quoted in errors because
// they may be secrets.
func expandEnv(v any, lookup func(string) (string, bool), path string) (any, error) {
	switch t := v.(type) {
	case string:
		var firstErr error
		out := envRef.ReplaceAllStringFunc(t, func(m string) string {
			if m == "$${" {
				return "${"
			}
			if firstErr != nil {
				return ""
			}
			if !strings.HasSuffix(m, "}") {
				firstErr = configError(path, "config: %s: unterminated environment reference (write $${ for a literal ${)", where(path))
				return ""
			}
			name := m[2 : len(m)-1]
			if !envName.MatchString(name) {
				firstErr = configError(path, "config: %s: invalid environment reference ${%s}", where(path), name)
				return ""
			}
			val, ok := lookup(name)
			if !ok {
				firstErr = configError(path, "config: %s: environment variable %s is not set", where(path), name)
				return ""
			}
			return val
		})
		if firstErr != nil {
			return nil, firstErr
		}
		return out, nil
	case map[string]any:
		for k, e := range t {
			x, err := expandEnv(e, lookup, join(path, k))
			if err != nil {
				return nil, err
			}
			t[k] = x
		}
		return t, nil
	case []any:
		for i, e := range t {
			x, err := expandEnv(e, lookup, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			t[i] = x
		}
		return t, nil
	}
	return v, nil
}

func where(path string) string {
	if path == "" {
		return "top level"
	}
	return path
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// DecodeSettings decodes an adapter's settings into dst (a pointer to a
// struct with json tags), rejecting unknown keys. Errors are InvalidArgument
// with Field set to the offending key, and never quote a value. Adapters
// call it from their Opener, then check required settings themselves.
func DecodeSettings(settings json.RawMessage, dst any) error {
	if len(bytes.TrimSpace(settings)) == 0 {
		settings = json.RawMessage("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(settings))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var (
			typeErr *json.UnmarshalTypeError
			own     *Error
		)
		switch {
		case errors.As(err, &own):
			// A setting type's own check (InvalidSetting from its
			// UnmarshalText or UnmarshalJSON), which names the setting and
			// never quotes the value: what it says is better than any
			// guess made here.
			return own
		case errors.As(err, &typeErr) && typeErr.Field == "":
			return configError("settings", "config: settings must be a JSON object")
		case errors.As(err, &typeErr):
			return configError("settings."+typeErr.Field, "config: setting %q must be a JSON %s", typeErr.Field, typeErr.Type.Kind())
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return configError("settings."+name, "config: unknown setting %q", name)
		case isSyntaxError(err):
			return configError("settings", "config: invalid settings: %s", jsonErrText(err))
		default:
			// Valid JSON whose value a setting type refused with an error
			// of its own, whose text may quote the value.
			return configError("settings", "config: invalid settings: a value is not one its setting accepts")
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		// A second object would otherwise be ignored, its settings lost.
		return configError("settings", "config: trailing data after the settings object")
	}
	return nil
}

// MissingSetting returns the error an Opener gives for a required setting
// that is absent.
func MissingSetting(name string) error {
	return configError("settings."+name, "config: setting %q is required", name)
}

// InvalidSetting returns the error an Opener gives for a setting with an
// unusable value. why must not quote the value.
func InvalidSetting(name, why string) error {
	return configError("settings."+name, "config: setting %q %s", name, why)
}

// isSyntaxError reports a JSON error about the text itself (malformed,
// truncated), not about a value.
func isSyntaxError(err error) bool {
	var syn *json.SyntaxError
	return errors.As(err, &syn) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// jsonErrText describes a JSON syntax error without quoting the input.
func jsonErrText(err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Sprintf("syntax error at byte %d", syn.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "unexpected end of input"
	}
	return "malformed JSON"
}
