package redact

import (
	"encoding/base64"
	"encoding/json"
	"html"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// MinSecretLen is the length from which a credential is removed wherever
// it appears and in every encoding Secrets knows. A shorter value (no real
// API key, secret or token is) is removed only where it stands as a whole
// word, unencoded: removing "abc" from inside every word would make
// messages unreadable without protecting anything.
const MinSecretLen = 8

// KeepShortLived is how many short-lived values (OAuth access tokens) a
// Secrets remembers: a token stays scrubbed for the next 63 refreshes, long
// after it has expired, while the set cannot grow without bound in a
// process that refreshes for years.
const KeepShortLived = 64

// Secrets is the set of credential values one adapter holds or obtains
// (API keys, client ids and secrets, public and secret keys, webhook keys,
// access tokens), which must never survive in text a provider sent back.
// Scrub replaces every occurrence of any of them, whatever surrounds it, in
// each of these forms:
//
//   - as is;
//   - JSON-escaped (with or without HTML escaping, with "/" as "\/");
//   - HTML-escaped;
//   - URL query-, form- or path-escaped;
//   - base64 (standard or URL alphabet) of any of the above, at any offset
//     in the encoded data, as in an HTTP Basic Authorization header echoed
//     back: the whole base64 run holding it is replaced.
//
// The zero value is an empty set, ready to use. Secrets is safe for
// concurrent use: Scrub never waits, Add and AddShortLived swap in a new
// matcher.
type Secrets struct {
	mu         sync.Mutex // serialises writers
	lasting    []string
	shortLived []string // oldest first, at most KeepShortLived
	m          atomic.Pointer[matcher]
}

// Add registers credentials held for the adapter's lifetime. Empty values
// are ignored.
func (s *Secrets) Add(values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range values {
		if v != "" {
			s.lasting = append(s.lasting, v)
		}
	}
	s.rebuild()
}

// AddShortLived registers a credential obtained at run time, such as an
// access token. Only the KeepShortLived most recent ones are kept.
func (s *Secrets) AddShortLived(value string) {
	if value == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range s.shortLived {
		if v == value {
			return
		}
	}
	if len(s.shortLived) == KeepShortLived {
		s.shortLived = append(s.shortLived[:0:0], s.shortLived[1:]...)
	}
	s.shortLived = append(s.shortLived, value)
	s.rebuild()
}

func (s *Secrets) rebuild() {
	all := make([]string, 0, len(s.lasting)+len(s.shortLived))
	all = append(all, s.lasting...)
	all = append(all, s.shortLived...)
	s.m.Store(newMatcher(all))
}

// Scrub returns text with every registered credential replaced by
// Redacted (text itself when there is none).
func (s *Secrets) Scrub(text string) string {
	m := s.load()
	if m == nil {
		return text
	}
	spans := m.find(text)
	if spans == nil {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	at := 0
	for _, sp := range spans {
		b.WriteString(text[at:sp.start])
		b.WriteString(Redacted)
		at = sp.end
	}
	b.WriteString(text[at:])
	return b.String()
}

// Contains reports whether text holds a registered credential in any of
// the forms Scrub removes.
func (s *Secrets) Contains(text string) bool {
	m := s.load()
	return m != nil && m.find(text) != nil
}

func (s *Secrets) load() *matcher {
	if s == nil {
		return nil
	}
	return s.m.Load()
}

// pattern is one form of one credential.
type pattern struct {
	text string
	// base64: the pattern is a piece of base64 data, and the whole run of
	// base64 characters around a match is replaced with it.
	base64 bool
}

// prefixBits is the size, as a power of two, of the bit set that tells at
// a glance whether a position can start a pattern.
const prefixBits = 16

// matcher finds every form of a fixed set of credentials. Every pattern is
// at least MinSecretLen bytes long, so each is indexed by its first four
// bytes; the bit set of their hashes lets the scan skip almost every
// position with one load.
type matcher struct {
	filter   [1 << prefixBits / 64]uint64
	byPrefix map[uint32][]pattern
	words    []string // credentials shorter than MinSecretLen
}

func newMatcher(values []string) *matcher {
	m := &matcher{byPrefix: map[uint32][]pattern{}}
	seen := map[pattern]bool{}
	for _, v := range values {
		if len(v) < MinSecretLen {
			m.words = append(m.words, v)
			continue
		}
		for _, p := range forms(v) {
			if len(p.text) < MinSecretLen || seen[p] {
				continue
			}
			seen[p] = true
			k := prefixKey(p.text)
			m.filter[hashKey(k)/64] |= 1 << (hashKey(k) % 64)
			m.byPrefix[k] = append(m.byPrefix[k], p)
		}
	}
	if len(m.byPrefix) == 0 && len(m.words) == 0 {
		return nil
	}
	return m
}

// forms lists the encodings of v that Scrub looks for.
func forms(v string) []pattern {
	texts := []string{v, html.EscapeString(v), htmlNamed.Replace(v), url.QueryEscape(v), url.PathEscape(v)}
	for _, escapeHTML := range []bool{true, false} {
		j := jsonEscape(v, escapeHTML)
		texts = append(texts, j, strings.ReplaceAll(j, "/", `\/`))
	}
	out := make([]pattern, 0, len(texts)+12)
	for _, t := range texts {
		out = append(out, pattern{text: t})
	}
	// Base64 of the value as is, and form-encoded as RFC 6749 §2.3.1
	// encodes a client secret inside a Basic credential.
	for _, src := range []string{v, url.QueryEscape(v)} {
		out = append(out, base64Forms(src)...)
	}
	return out
}

// htmlNamed escapes as many HTML templates do, with named references.
var htmlNamed = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#x27;")

func jsonEscape(v string, escapeHTML bool) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	_ = enc.Encode(v)
	s := strings.TrimSuffix(b.String(), "\n")
	return s[1 : len(s)-1]
}

// base64Forms returns what is certain to appear in any base64 encoding of
// data that contains src: for each of the three alignments src can have
// relative to the encoder's 3-byte groups, the encoding of the whole
// groups that src alone fills.
func base64Forms(src string) []pattern {
	var out []pattern
	for off := range 3 {
		if len(src)-off < 6 {
			break
		}
		b := []byte(src[off:])
		b = b[:len(b)-len(b)%3]
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			out = append(out, pattern{text: enc.EncodeToString(b), base64: true})
		}
	}
	return out
}

// prefixKey is the first four bytes of s as one number.
func prefixKey(s string) uint32 {
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

func hashKey(k uint32) uint32 { return (k * 2654435761) >> (32 - prefixBits) }

// span is a byte range of the scanned text to replace.
type span struct{ start, end int }

// find returns the ranges of text holding a credential, sorted and merged,
// or nil. Overlapping and adjacent occurrences merge into one range, so
// that no piece of one credential survives between two replacements.
//
// The scan is linear in the text for credentials that do not repeat
// themselves (any random key or token): a position whose first four bytes
// start a pattern is checked against it, and a long partial match can only
// recur where the credential's own prefix recurs. A periodic credential
// ("aaaaaaaa…") costs up to its length per byte.
func (m *matcher) find(text string) []span {
	var spans []span
	if len(m.byPrefix) > 0 {
		run := 0 // end of the last base64 run replaced whole
		for i := 0; i+4 <= len(text); i++ {
			k := prefixKey(text[i:])
			h := hashKey(k)
			if m.filter[h/64]&(1<<(h%64)) == 0 {
				continue
			}
			for _, p := range m.byPrefix[k] {
				if !strings.HasPrefix(text[i:], p.text) {
					continue
				}
				sp := span{i, i + len(p.text)}
				if p.base64 && i < run {
					continue // inside a run already replaced
				}
				if p.base64 {
					for sp.start > 0 && isBase64(text[sp.start-1]) {
						sp.start--
					}
					for sp.end < len(text) && isBase64(text[sp.end]) {
						sp.end++
					}
					run = sp.end
				}
				spans = append(spans, sp)
			}
		}
	}
	for _, w := range m.words {
		for from := 0; ; {
			i := strings.Index(text[from:], w)
			if i < 0 {
				break
			}
			i += from
			end := i + len(w)
			if (i == 0 || !isWordByte(text[i-1])) && (end == len(text) || !isWordByte(text[end])) {
				spans = append(spans, span{i, end})
			}
			from = i + 1
		}
	}
	if spans == nil {
		return nil
	}
	sort.Slice(spans, func(a, b int) bool { return spans[a].start < spans[b].start })
	merged := spans[:1]
	for _, sp := range spans[1:] {
		last := &merged[len(merged)-1]
		if sp.start <= last.end {
			last.end = max(last.end, sp.end)
			continue
		}
		merged = append(merged, sp)
	}
	return merged
}

func isBase64(b byte) bool {
	return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' ||
		b == '+' || b == '/' || b == '-' || b == '_' || b == '='
}

func isWordByte(b byte) bool {
	return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9'
}
