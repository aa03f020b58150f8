package worldpay

import (
	"encoding/json"
	"net/url"
	"strings"
)

// Link relations the adapter follows (curie "tokens").
const (
	relLookup     = "tokens:networkTokenLookup"
	relCryptogram = "tokens:networkTokenCryptogram"
	relToken      = "tokens:token"
)

// Paths of the entry points, for an operation that starts from a bare id:
// Worldpay's API principles allow posting to a resource directly instead
// of discovering it from the root resource first.
const (
	pathTokens             = "/tokens"
	pathNetworkTokens      = "/tokens/network"
	pathNetworkCryptograms = "/tokens/network/cryptograms"
)

// links is a HAL _links object: relation name to a link object, or to an
// array of them (curies).
type links map[string]json.RawMessage

// link is one HAL link object.
type link struct {
	Href      string `json:"href"`
	Templated bool   `json:"templated"`
	Name      string `json:"name"`
}

// href returns the href of the link rel, written compact ("tokens:x") or,
// through the answer's curies, expanded to the relation's URI. A
// templated link, a link array or a malformed link gives "".
func (l links) href(rel string) string {
	if h := l.single(rel); h != "" {
		return h
	}
	prefix, ref, ok := strings.Cut(rel, ":")
	if !ok {
		return ""
	}
	var curies []link
	if json.Unmarshal(l["curies"], &curies) != nil {
		return ""
	}
	for _, c := range curies {
		if c.Name == prefix && c.Templated && strings.Contains(c.Href, "{rel}") {
			if h := l.single(strings.ReplaceAll(c.Href, "{rel}", ref)); h != "" {
				return h
			}
		}
	}
	return ""
}

func (l links) single(rel string) string {
	raw, ok := l[rel]
	if !ok {
		return ""
	}
	var k link
	if json.Unmarshal(raw, &k) != nil || k.Templated {
		return ""
	}
	return k.Href
}

// onBase returns href when it is an absolute URL on the configured API
// (same scheme and host, under the base path) and has no query or
// fragment, else "": a link elsewhere is never followed, since the request
// would carry the credentials (and a DPAN) to it.
func onBase(base, href string) string {
	u, err := url.Parse(href)
	if err != nil || u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(href, "?#") {
		return ""
	}
	b, err := url.Parse(base)
	if err != nil || !strings.EqualFold(u.Scheme, b.Scheme) || !strings.EqualFold(u.Host, b.Host) {
		return ""
	}
	if !strings.HasPrefix(u.Path, b.Path+"/") || strings.Contains(u.Path, "/../") || strings.HasSuffix(u.Path, "/..") {
		return ""
	}
	return href
}

// lastSegment returns the last path segment of href, unescaped, or "".
func lastSegment(href string) string {
	u, err := url.Parse(href)
	if err != nil {
		return ""
	}
	p := strings.TrimRight(u.Path, "/")
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return ""
	}
	return p[i+1:]
}
