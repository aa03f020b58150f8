package redact

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testSecret = "s3cr+t/w&th\"quote<x>'%:colon"

func TestSecretsScrubsEveryForm(t *testing.T) {
	var s Secrets
	s.Add(testSecret)
	basic := base64.StdEncoding.EncodeToString([]byte(url.QueryEscape("cli_id") + ":" + url.QueryEscape(testSecret)))
	jsonText, _ := json.Marshal(testSecret)
	forms := map[string]string{
		"raw":           testSecret,
		"JSON":          string(jsonText),
		"JSON no HTML":  strings.NewReplacer(`"`, `\"`).Replace(testSecret),
		"JSON slashes":  strings.ReplaceAll(strings.Trim(string(jsonText), `"`), "/", `\/`),
		"HTML":          html.EscapeString(testSecret),
		"HTML named":    "s3cr+t/w&amp;th&quot;quote&lt;x&gt;&#x27;%:colon",
		"query":         url.QueryEscape(testSecret),
		"path":          url.PathEscape(testSecret),
		"Basic":         "Basic " + basic,
		"base64":        base64.StdEncoding.EncodeToString([]byte("x" + testSecret + "yz")),
		"base64url":     base64.URLEncoding.EncodeToString([]byte("xy" + testSecret)),
		"base64 of raw": base64.RawStdEncoding.EncodeToString([]byte(testSecret)),
	}
	for name, form := range forms {
		for _, wrap := range []string{"%s", "before %s after", `{"k":"%s"}`, "<p>%s</p>", "a%sb"} {
			in := fmt.Sprintf(wrap, form)
			out := s.Scrub(in)
			assert.True(t, s.Contains(in), "%s in %q", name, wrap)
			assert.Contains(t, out, Redacted, "%s in %q: %q", name, wrap, out)
			assert.NotContains(t, out, "quote", "%s in %q: %q", name, wrap, out)
			if strings.HasPrefix(name, "base64") || name == "Basic" {
				// The whole base64 run goes: none of its characters can
				// be told to encode only the surrounding bytes.
				assert.NotContains(t, out, form[len(form)-4:], "%s: the end of the base64 run survives", name)
			}
		}
	}
	assert.Equal(t, "Authorization: Basic [REDACTED]", s.Scrub("Authorization: Basic "+basic))
}

func TestSecretsLeaveOtherTextAlone(t *testing.T) {
	var s Secrets
	assert.Equal(t, "anything", s.Scrub("anything"), "an empty set")
	s.Add("", "")
	assert.Equal(t, "anything", s.Scrub("anything"), "empty values are never scrubbed")
	s.Add("supersecretapikey")
	for _, text := range []string{"", "a", "supersecretapike", "upersecretapikey", "no credential here"} {
		assert.Equal(t, text, s.Scrub(text))
		assert.False(t, s.Contains(text))
	}
	var nilSet *Secrets
	assert.Equal(t, "x", nilSet.Scrub("x"))
	assert.False(t, nilSet.Contains("x"))
}

// A credential shorter than MinSecretLen is scrubbed only as a whole word:
// a one-letter key must not empty every word holding that letter.
func TestSecretsShortValuesAreWholeWords(t *testing.T) {
	var s Secrets
	s.Add("a", "k3y")
	assert.Equal(t, "bad request: [REDACTED] is [REDACTED]", s.Scrub("bad request: a is k3y"))
	assert.Equal(t, "key=[REDACTED];", s.Scrub("key=k3y;"))
	assert.Equal(t, "k3yboard, rak3y, banana", s.Scrub("k3yboard, rak3y, banana"))
}

func TestSecretsOverlappingOccurrencesMerge(t *testing.T) {
	var s Secrets
	s.Add("abcdefgh12", "gh12345678")
	// The two overlap: replacing one must not leave a piece of the other.
	assert.Equal(t, "x [REDACTED] y", s.Scrub("x abcdefgh12345678 y"))
	assert.Equal(t, "[REDACTED]", s.Scrub("abcdefgh12abcdefgh12"))
}

// A credential holding a card-number-like run is removed before card
// numbers are masked: masking first would split it and let its ends
// through.
func TestBodyRemovesCredentialsBeforeMasking(t *testing.T) {
	var s Secrets
	const key = "key4111111111111111tail"
	s.Add(key)
	for _, body := range []string{`{"reason":"bad key ` + key + `"}`, "<p>bad key " + key + "</p>", `{"reason":"bad key ` + key} {
		out := string(Body([]byte(body), nil, &s))
		assert.NotContains(t, out, "tail", body)
		assert.NotContains(t, out, "key4", body)
		assert.Contains(t, out, Redacted, body)
	}
}

func TestBodyRemovesCredentialsFromKeysAndNumbersAndEscapes(t *testing.T) {
	var s Secrets
	s.Add("supersecretapikey", "12345678901")
	in := `{"supersecretapikey":1,"n":12345678901,"esc":"\u0073upersecretapikey","html":"<supersecretapikey>"}`
	out := string(Body([]byte(in), nil, &s))
	assert.NotContains(t, out, "supersecret")
	assert.NotContains(t, out, "12345678901")
	assert.True(t, json.Valid([]byte(out)), out)
}

func TestSecretsShortLivedAreBounded(t *testing.T) {
	var s Secrets
	s.Add("lasting-credential")
	for i := range KeepShortLived + 5 {
		s.AddShortLived(fmt.Sprintf("access-token-%03d", i))
	}
	s.AddShortLived(fmt.Sprintf("access-token-%03d", KeepShortLived+4)) // again: no duplicate
	assert.False(t, s.Contains("access-token-000"), "the oldest tokens are forgotten")
	assert.False(t, s.Contains("access-token-004"))
	assert.True(t, s.Contains("access-token-005"))
	assert.True(t, s.Contains(fmt.Sprintf("access-token-%03d", KeepShortLived+4)))
	assert.True(t, s.Contains("lasting-credential"), "lasting credentials are never forgotten")
	s.mu.Lock()
	assert.Len(t, s.shortLived, KeepShortLived)
	s.mu.Unlock()
}

func TestSecretsConcurrentUse(t *testing.T) {
	var s Secrets
	s.Add("lasting-credential")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for j := range 50 {
				s.AddShortLived(fmt.Sprintf("token-%d-%d-xxxxxxxx", i, j))
			}
		}()
		go func() {
			defer wg.Done()
			for range 200 {
				if got := s.Scrub("a lasting-credential b"); got != "a [REDACTED] b" {
					t.Errorf("Scrub = %q", got)
				}
			}
		}()
	}
	wg.Wait()
}

// FuzzSecrets embeds a credential, in one of the encodings a server may
// echo it in, at a random place in a body of random shape: whatever the
// surroundings, Body must leave nothing that decodes back to it. The
// checks decode the output independently of the scrubber (JSON strings,
// URL and HTML unescaping, every base64 run at every alignment).
func FuzzSecrets(f *testing.F) {
	f.Add("supersecretapikey", "prefix ", " suffix", uint8(0), uint8(0))
	f.Add("s3cr+t/w&th\"q<x>", "cli_abc:", "", uint8(5), uint8(1))
	f.Add("sk_sbox_0123456789abcdef", `{"a":"`, `"}`, uint8(1), uint8(2))
	f.Add("eyJhbGciOiJIUzI1NiJ9.e30.sig", "x", "yz", uint8(6), uint8(3))
	f.Fuzz(func(t *testing.T, secret, prefix, suffix string, encoding, shape uint8) {
		// Real credentials are at most a few kilobytes (a JWT); bounding
		// the sizes keeps each run fast (see matcher.find on periodic
		// credentials).
		if len(secret) < MinSecretLen || len(secret) > 512 || len(prefix)+len(suffix) > 4096 ||
			strings.Contains(secret, "REDACTED") ||
			!utf8.ValidString(secret) || !utf8.ValidString(prefix) || !utf8.ValidString(suffix) {
			t.Skip()
		}
		blob := prefix + secret + suffix
		var enc string
		switch encoding % 7 {
		case 0:
			enc = blob
		case 1:
			b, _ := json.Marshal(blob)
			enc = strings.Trim(string(b), `"`)
		case 2:
			enc = url.QueryEscape(blob)
		case 3:
			enc = html.EscapeString(blob)
		case 4:
			enc = url.PathEscape(blob)
		case 5:
			enc = base64.StdEncoding.EncodeToString([]byte(blob))
		case 6:
			enc = base64.RawURLEncoding.EncodeToString([]byte(blob))
		}
		var body string
		switch shape % 4 {
		case 0:
			body = enc
		case 1:
			body = `{"result":{"status":"error","errors":{"reason":"` + enc + `"}}}`
		case 2:
			body = "<html><body><pre>" + enc + "</pre></body></html>"
		case 3:
			body = `{"error_type":"` + enc + `","error_codes":["x"]}`
		}
		var s Secrets
		s.Add(secret)
		out := string(Body([]byte(body), map[string]bool{"number": true}, &s))
		if leak := decodedLeak(out, secret); leak != "" {
			t.Fatalf("Body(%q) = %q: the credential survives %s", body, out, leak)
		}
		if got := s.Scrub(body); decodedLeak(got, secret) != "" {
			t.Fatalf("Scrub(%q) = %q keeps the credential", body, got)
		}
	})
}

// decodedLeak says how out still holds secret, or "".
func decodedLeak(out, secret string) string {
	if strings.Contains(out, secret) {
		return "as is"
	}
	if strings.Contains(html.UnescapeString(out), secret) {
		return "HTML-escaped"
	}
	if u, err := url.QueryUnescape(out); err == nil && strings.Contains(u, secret) {
		return "URL-escaped"
	}
	if u, err := url.PathUnescape(out); err == nil && strings.Contains(u, secret) {
		return "path-escaped"
	}
	var v any
	if json.Unmarshal([]byte(out), &v) == nil && jsonHolds(v, secret) {
		return "in a JSON string"
	}
	for _, run := range base64Runs(out) {
		for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
			for off := range 4 {
				if off >= len(run) {
					break
				}
				r := strings.TrimRight(run[off:], "=")
				if len(r)%4 == 1 { // not a whole number of bytes
					r = r[:len(r)-1]
				}
				if b, err := enc.DecodeString(r); err == nil && strings.Contains(string(b), secret) {
					return "base64-encoded"
				}
			}
		}
	}
	return ""
}

func jsonHolds(v any, secret string) bool {
	switch t := v.(type) {
	case string:
		return strings.Contains(t, secret)
	case map[string]any:
		for k, x := range t {
			if strings.Contains(k, secret) || jsonHolds(x, secret) {
				return true
			}
		}
	case []any:
		for _, x := range t {
			if jsonHolds(x, secret) {
				return true
			}
		}
	}
	return false
}

// base64Runs returns the maximal runs of base64 characters in s.
func base64Runs(s string) []string {
	var runs []string
	start := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && isBase64(s[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start >= 8 {
			runs = append(runs, s[start:i])
		}
		start = -1
	}
	return runs
}

func TestDecodedLeakFindsWhatItShould(t *testing.T) {
	const secret = "supersecretapikey"
	for _, out := range []string{
		secret,
		base64.StdEncoding.EncodeToString([]byte("ab" + secret)),
		base64.RawURLEncoding.EncodeToString([]byte("a" + secret + "b")),
		url.QueryEscape("x " + secret),
		`{"a":"\u0073upersecretapikey"}`,
	} {
		require.NotEmpty(t, decodedLeak(out, secret), out)
	}
	require.Empty(t, decodedLeak("nothing [REDACTED] here", secret))
}

// BenchmarkSecretsContains is the per-response cost on the success path:
// a request id checked against an adapter's credentials and a full ring of
// access tokens.
func BenchmarkSecretsContains(b *testing.B) {
	var s Secrets
	s.Add("cli_abcdefghijklmnopqrstuvwxyz", "client-secret-0123456789abcdef", "pk_sbox_0123456789abcdefghijklmn", "sk_sbox_0123456789abcdefghijklmn")
	for i := range KeepShortLived {
		s.AddShortLived(fmt.Sprintf("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.token-%03d.c2lnbmF0dXJlLXNpZ25hdHVyZQ", i))
	}
	const id = "0HMVFC3QJ5M7K:00000001-8a4c-4bd5-9f3e"
	b.ReportAllocs()
	for b.Loop() {
		if s.Contains(id) {
			b.Fatal("false positive")
		}
	}
}
