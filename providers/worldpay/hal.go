package worldpay

import (
	"net/url"
	"strings"
)

// Paths of the entry points, for an operation that starts from a bare id:
// Worldpay's API principles allow posting to a resource directly instead
// of discovering it from the root resource first.
const (
	pathTokens             = "/tokens"
	pathNetworkTokens      = "/tokens/network"
	pathNetworkCryptograms = "/tokens/network/cryptograms"
)

// links is the part of a HAL _links object the adapter reads: the
// relations it follows, as Worldpay writes them (compact, with the
// "tokens" curie), and the curies. A relation written as its expanded URI
// is not looked for: Worldpay's answers use the compact form.
type links struct {
	Self       *link  `json:"self"`
	Lookup     *link  `json:"tokens:networkTokenLookup"`
	Cryptogram *link  `json:"tokens:networkTokenCryptogram"`
	Token      *link  `json:"tokens:token"`
	Curies     []link `json:"curies"`
}

// link is one HAL link object.
type link struct {
	Href      string `json:"href"`
	Templated bool   `json:"templated"`
	Name      string `json:"name"`
}

// href returns l's href, or "" for a missing or templated link (a
// template is not an address).
func (l *link) href() string {
	if l == nil || l.Templated {
		return ""
	}
	return l.Href
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

// lastSegment returns the last path segment of an absolute href (query
// and fragment ignored), or "".
func lastSegment(href string) string {
	if i := strings.IndexAny(href, "?#"); i >= 0 {
		href = href[:i]
	}
	href = strings.TrimRight(href, "/")
	i := strings.LastIndexByte(href, '/')
	if i < 0 || strings.HasSuffix(href[:i+1], "//") {
		return "" // no path: "https://host"
	}
	return href[i+1:]
}
