package worldpay

import (
	"net/url"
	"strings"
)

// Addresses the adapter builds where Worldpay's pages say to follow an
// action link. Why: the neutral API hands an operation a bare id (a token
// stored for years, a process restarted), never the answer that carried
// the link, and each documented link has one of these addresses (the
// reference's examples); a create posts to the root resource's action link
// address directly, which Worldpay's API principles allow, instead of a
// discovery round trip per call. A link the operation itself receives
// (the lookup's tokens:networkTokenCryptogram) is followed, when on the
// configured API (onBase).
const (
	pathTokens             = "/tokens"                     // tokens:tokens; a token (tokens:token) is pathTokens/{id}
	pathNetworkTokens      = "/tokens/network"             // tokens:networkToken; tokens:networkTokenLookup is pathNetworkTokens/{tokenReference}
	pathNetworkCryptograms = "/tokens/network/cryptograms" // tokens:networkTokenCryptogram, used when a lookup gives none on the configured API
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
