package httpx

import (
	"crypto/tls"
	"net/http"

	"github.com/tokenize-go/tokenize"
)

// MinTLSVersion is the oldest TLS version a request of ours may use: PCI
// DSS asks for strong cryptography, and TLS 1.0 and 1.1 are deprecated
// (RFC 8996).
const MinTLSVersion = tls.VersionTLS12

// FieldHTTPClient is the Field of the error NewClient returns for an
// *http.Client (tokenize.WithHTTPClient) it refuses.
const FieldHTTPClient = "http_client"

// NewClient returns the Client an adapter sends every request with, its
// access-token requests included. hc is the caller's *http.Client
// (tokenize.OpenOptions.HTTPClient), or nil for NewHTTPClient().
//
// Whatever hc is, no request follows a redirect: the Client sends with a
// shallow copy of hc whose CheckRedirect returns the redirect itself, which
// the adapter classifies like any unexpected status (StatusError). The
// copy keeps hc's Transport, so its connection pool, proxy and
// instrumentation are shared; hc itself is not modified. A caller's
// transport is checked with CheckTLS.
//
// Adapters register every credential they hold in the returned Client's
// Secrets.
func NewClient(hc *http.Client) (*Client, error) {
	if hc == nil {
		return &Client{HTTP: NewHTTPClient()}, nil
	}
	if err := CheckTLS(hc.Transport); err != nil {
		return nil, err
	}
	cp := *hc
	cp.CheckRedirect = refuseRedirect
	return &Client{HTTP: &cp}, nil
}

// refuseRedirect makes an *http.Client return a redirect instead of
// following it: a provider API that redirects is misconfigured or
// hijacked, and following it would resend the request, card data and
// credentials included, to wherever the Location points.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// CheckTLS decides whether a caller's transport is fit to carry card data
// (nil means http.DefaultTransport, which a program may have altered). It
// refuses, with an InvalidArgument *tokenize.Error naming FieldHTTPClient,
// an *http.Transport whose TLSClientConfig
//   - sets MinVersion or MaxVersion explicitly below MinTLSVersion, or
//   - sets InsecureSkipVerify without VerifyPeerCertificate or
//     VerifyConnection (no verification at all, rather than the caller's
//     own, such as certificate pinning).
//
// A zero MinVersion is Go's client default, TLS 1.2. Any other
// http.RoundTripper (an instrumentation wrapper such as otelhttp's, an
// HTTP/2-only transport, a test double) cannot be looked into and is
// accepted as it is: its TLS settings are the caller's responsibility.
// Redirects are refused whatever the transport, since CheckRedirect
// belongs to the client, not the transport.
func CheckTLS(rt http.RoundTripper) error {
	if rt == nil {
		rt = http.DefaultTransport
	}
	t, ok := rt.(*http.Transport)
	if !ok || t.TLSClientConfig == nil {
		return nil
	}
	cfg := t.TLSClientConfig
	switch {
	case cfg.MinVersion != 0 && cfg.MinVersion < MinTLSVersion:
		return tlsError("its transport's TLSClientConfig.MinVersion allows TLS versions below 1.2")
	case cfg.MaxVersion != 0 && cfg.MaxVersion < MinTLSVersion:
		return tlsError("its transport's TLSClientConfig.MaxVersion is below TLS 1.2")
	case cfg.InsecureSkipVerify && cfg.VerifyPeerCertificate == nil && cfg.VerifyConnection == nil:
		return tlsError("its transport's TLSClientConfig.InsecureSkipVerify disables certificate verification " +
			"(trust a private CA with RootCAs, or verify yourself with VerifyConnection)")
	}
	return nil
}

func tlsError(why string) *tokenize.Error {
	return &tokenize.Error{Code: tokenize.InvalidArgument, Field: FieldHTTPClient,
		Message: "WithHTTPClient: refused: " + why + "; tokenize requires verified TLS 1.2 or later"}
}
