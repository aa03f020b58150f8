package redact

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Body returns a copy of a provider's error body fit to keep for
// tokenize.Error.ProviderBody, which callers may log. A JSON body is
// re-encoded with the values of keys replaced (at any depth), and
// credentials (secrets, which may be nil) and card numbers removed from
// every other string, key and number, however the JSON escaped them; any
// other body (HTML, text, truncated JSON) has credentials removed in every
// form Secrets knows, then card-number-like digit runs masked. Credentials
// always go first, so that no masking can split one and let its pieces
// through. In either, values (the request's own sensitive values, a CVV
// say, too short to look like a card number) are then removed (Values).
func Body(body []byte, keys map[string]bool, secrets *Secrets, values ...string) []byte {
	if len(body) == 0 {
		return body
	}
	var out []byte
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) == nil && !dec.More() {
		if b, err := json.Marshal(redactJSON(v, keys, secrets)); err == nil {
			// Re-encoding cannot form a credential that no decoded string
			// held, but escaping could change one's spelling: look again.
			out = []byte(secrets.Scrub(string(b)))
		}
	}
	if out == nil {
		out = []byte(CardNumbers(secrets.Scrub(string(body))))
	}
	if len(values) > 0 {
		out = []byte(Values(string(out), values...))
	}
	return out
}

// Values returns text with values, the sensitive values one request
// carried (card number, CVV, account number, single-use token), replaced by
// Redacted. A value of MinSecretLen bytes or more is sought in every
// encoding Secrets knows, since an error page or a proxy may echo the
// request's body escaped or base64-encoded; then every value is replaced
// as it is wherever it stands, however short (a CVV). Empty values are
// ignored.
func Values(text string, values ...string) string {
	var encoded Secrets
	encoded.Add(values...)
	text = encoded.Scrub(text)
	for _, v := range values {
		if v != "" {
			text = strings.ReplaceAll(text, v, Redacted)
		}
	}
	return text
}

func redactJSON(v any, keys map[string]bool, secrets *Secrets) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			switch {
			case keys[k] && x != nil:
				x = Redacted
			default:
				x = redactJSON(x, keys, secrets)
			}
			// A key can carry a card number too; should two keys mask
			// to the same text, the later one wins, which only loses
			// data that could not have been shown anyway.
			out[CardNumbers(secrets.Scrub(k))] = x
		}
		return out
	case []any:
		for i, x := range t {
			t[i] = redactJSON(x, keys, secrets)
		}
	case string:
		return CardNumbers(secrets.Scrub(t))
	case json.Number:
		if len(strings.TrimLeft(string(t), "-")) >= MinCardDigits || secrets.Contains(string(t)) {
			return Redacted
		}
	}
	return v
}
