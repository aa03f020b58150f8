// Package httpx is the HTTP exchange every adapter shares: a tuned
// transport, bounded response bodies, detection of whether a failed request
// may have reached the provider, and one table that turns HTTP statuses and
// transport failures into tokenize error codes. Adapters keep only what is
// theirs: paths, wire types and their provider's error body.
package httpx

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/redact"
)

// DefaultMaxBodyBytes caps a response body. Provider token responses are a
// few kilobytes; 1 MiB leaves room for anything legitimate and bounds what
// a misbehaving server can make us buffer.
const DefaultMaxBodyBytes = 1 << 20

// UserAgent identifies the library to providers.
const UserAgent = "tokenize-go/" + tokenize.Version

// NewHTTPClient returns the default *http.Client of an adapter: keep-alive
// connections reused across calls (64 idle per host, enough for 64
// concurrent callers without new handshakes), TLS 1.2 or later, bounded
// dial and handshake times, and redirects returned rather than followed (an
// API that redirects a POST is misconfigured, and following it could
// resend card data elsewhere). Per-call time limits come from the context.
func NewHTTPClient() *http.Client {
	t := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   10 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		TLSClientConfig:       &tls.Config{MinVersion: MinTLSVersion},
	}
	return &http.Client{Transport: t, CheckRedirect: refuseRedirect}
}

// CheckBaseURL parses a provider base URL. It must be absolute, without
// credentials, query or fragment, and https unless the host is a loopback
// address (simulators, local proxies) or allowInsecure is set. The result
// has no trailing slash.
func CheckBaseURL(setting, raw string, allowInsecure bool) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", tokenize.InvalidSetting(setting, "must be an absolute http(s) URL")
	}
	if u.User != nil {
		return "", tokenize.InvalidSetting(setting, "must not contain credentials")
	}
	// Checked on the raw text: an empty query ("https://h?") parses with
	// RawQuery == "" yet keeps its "?", which would turn every path an
	// adapter appends into a query string.
	if strings.ContainsAny(raw, "?#") {
		return "", tokenize.InvalidSetting(setting, "must not have a query or fragment")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "", tokenize.InvalidSetting(setting, "must have a port between 1 and 65535")
		}
	}
	if u.Scheme == "http" && !allowInsecure && !IsLoopback(u.Hostname()) {
		return "", tokenize.InvalidSetting(setting, "must use https (plain http is allowed only for loopback hosts or with allow_insecure_http)")
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// IsLoopback reports whether host names the local machine.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Client performs HTTP exchanges for one adapter. It is safe for concurrent
// use.
type Client struct {
	// HTTP sends the requests. NewClient sets it; a Client built by hand
	// must use an *http.Client that never follows redirects.
	HTTP *http.Client
	// MaxBodyBytes caps response bodies; DefaultMaxBodyBytes when zero.
	MaxBodyBytes int64
	// RequestIDHeader is the response header carrying the provider's
	// request id, if the provider has one. A value holding a credential
	// is dropped.
	RequestIDHeader string
	// Secrets are the credentials the adapter holds or obtains: its API
	// keys, client id and secret, public, secret and webhook keys from
	// the settings (Add), and every access token as it arrives
	// (AddShortLived). Whatever a provider echoes of them is removed from
	// kept bodies (KeptBody), from the text adapters copy into errors
	// (Response.Scrub) and from request ids.
	Secrets redact.Secrets
}

// Request is one HTTP request. Body is sent from a fresh reader on every
// attempt, so a Request can be sent again.
type Request struct {
	Method string
	URL    string
	Header http.Header
	// Body is the encoded request body, or nil.
	Body []byte
	// Idempotent reports that sending the request twice cannot create a
	// duplicate. It decides Retryable and OutcomeUnknown on failure.
	Idempotent bool
	// Sensitive lists the secret values the request carries (card number,
	// CVV, account number, single-use token): an error body that echoes
	// them must have them redacted before it is kept.
	Sensitive []string
}

// Response is a fully read response.
type Response struct {
	Status    int
	Header    http.Header
	Body      []byte
	RequestID string
	// Idempotent echoes the request's flag for the classification helpers.
	Idempotent bool
	// Sensitive echoes the request's secret values, for redacting a kept
	// body (KeptBody).
	Sensitive []string

	secrets *redact.Secrets // the Client's credentials
}

// KeptBody returns the body fit to keep in Error.ProviderBody: the
// adapter's credentials removed in every encoding redact.Secrets knows,
// the values of keys (the provider's sensitive wire fields) and the
// request's own sensitive values redacted, and card numbers masked
// (redact.Body).
func (r *Response) KeptBody(keys map[string]bool) []byte {
	return redact.Body(r.Body, keys, r.secrets, r.Sensitive...)
}

// Scrub returns provider-supplied text (an error reason, a code, a request
// id from the body) fit to copy into an error: the adapter's credentials,
// the request's sensitive values (redact.Values: escaped or base64-encoded
// too) and card numbers removed, in that order, so that no masking splits
// a credential before it is found. Every string an adapter copies from a
// response into a *tokenize.Error goes through it, before any truncation.
func (r *Response) Scrub(s string) string {
	s = r.secrets.Scrub(s)
	if len(r.Sensitive) > 0 {
		s = redact.Values(s, r.Sensitive...)
	}
	return redact.CardNumbers(s)
}

// Format prints the method, the URL and the body's size, never the
// headers (credentials) or the body (card data), whatever the verb.
func (r Request) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, r.Method+" "+r.URL+" ("+strconv.Itoa(len(r.Body))+" bytes)")
}

// Format prints the status, the request id and the body's size, never the
// headers or the body (which may hold a DPAN or a cryptogram), whatever
// the verb.
func (r Response) Format(f fmt.State, verb rune) {
	s := "HTTP " + strconv.Itoa(r.Status) + " (" + strconv.Itoa(len(r.Body)) + " bytes"
	if r.RequestID != "" {
		s += ", request id " + r.RequestID
	}
	redact.Format(f, verb, s+")")
}

// Do sends r and reads the whole response. Its error is always a
// *tokenize.Error: transport failures, cancellation, an oversized or
// truncated body. Any HTTP status is returned as a Response for the adapter
// to interpret.
func (c *Client) Do(ctx context.Context, r Request) (*Response, error) {
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	// wrote records whether any part of the request reached the wire; a
	// failure before that cannot have had an effect at the provider. Only
	// a request that is not idempotent needs to know (its error says
	// whether the outcome is unknown), so only it pays for the trace.
	var wrote atomic.Bool
	reqCtx := ctx
	if !r.Idempotent {
		trace := &httptrace.ClientTrace{WroteHeaders: func() { wrote.Store(true) }}
		reqCtx = httptrace.WithClientTrace(ctx, trace)
	}
	req, err := http.NewRequestWithContext(reqCtx, r.Method, r.URL, body)
	if err != nil {
		return nil, &tokenize.Error{Code: tokenize.Internal, Message: "cannot build request: " + sanitize(err), Err: err}
	}
	for k, v := range r.Header {
		req.Header[k] = v
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", UserAgent)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, transportError(ctx, err, r.Idempotent, wrote.Load())
	}
	defer resp.Body.Close()

	limit := c.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	out := &Response{Status: resp.StatusCode, Header: resp.Header, Idempotent: r.Idempotent, Sensitive: r.Sensitive,
		secrets: &c.Secrets}
	if c.RequestIDHeader != "" {
		// Reported to the Client (and so logged) before any adapter looks
		// at it: a request id that echoes a credential is no request id.
		if id := resp.Header.Get(c.RequestIDHeader); !c.Secrets.Contains(id) {
			out.RequestID = id
		}
	}
	tokenize.ObserveResponse(ctx, tokenize.ResponseInfo{RequestID: out.RequestID, HTTPStatus: resp.StatusCode})

	data, err := readBody(resp, limit)
	if err != nil {
		e := transportError(ctx, err, r.Idempotent, true)
		e.HTTPStatus, e.RequestID = resp.StatusCode, out.RequestID
		if e.Code == tokenize.Unavailable {
			e.Message = "response body truncated: " + e.Message
		}
		if isClientError(resp.StatusCode) {
			// The provider refused the request; only its explanation was lost.
			e.OutcomeUnknown = false
		}
		return nil, e
	}
	if int64(len(data)) > limit {
		return nil, &tokenize.Error{
			Code:           tokenize.Internal,
			HTTPStatus:     resp.StatusCode,
			RequestID:      out.RequestID,
			Message:        "response body exceeds " + strconv.FormatInt(limit, 10) + " bytes",
			OutcomeUnknown: !r.Idempotent && !isClientError(resp.StatusCode),
		}
	}
	out.Body = data
	return out, nil
}

// readBody reads at most limit+1 bytes of the body (one more than allowed,
// to detect an oversized body). When the server announced a length within
// the limit, the buffer is allocated once at that size instead of grown
// step by step; net/http never returns more than the announced length.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	n := resp.ContentLength
	if n < 0 || n > limit {
		return io.ReadAll(io.LimitReader(resp.Body, limit+1))
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(resp.Body, buf); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return buf, nil
}

func isClientError(status int) bool { return status >= 400 && status < 500 }

// transportError classifies a failure to complete an exchange. wrote says
// whether the request may have reached the provider.
func transportError(ctx context.Context, err error, idempotent, wrote bool) *tokenize.Error {
	maybeApplied := wrote && !idempotent
	e := &tokenize.Error{Err: err, OutcomeUnknown: maybeApplied}
	var netErr net.Error
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		e.Code, e.Message = tokenize.Canceled, "context canceled"
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		e.Code, e.Message = tokenize.DeadlineExceeded, "deadline exceeded"
	case errors.As(err, &netErr) && netErr.Timeout():
		e.Code, e.Message = tokenize.DeadlineExceeded, "timed out waiting for the provider"
		e.Retryable = !maybeApplied
	default:
		e.Code, e.Message = tokenize.Unavailable, "cannot reach the provider: "+sanitize(err)
		e.Retryable = !maybeApplied
	}
	return e
}

// sanitize returns the text of a transport error without the URL that
// *url.Error adds (it holds ids, never secrets, but it is noise).
func sanitize(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

// StatusError classifies a non-2xx response from its status alone, for
// bodies that carry no provider error (empty, HTML, truncated JSON). The
// adapter adds provider codes and Field when its error body has them.
func StatusError(resp *Response) *tokenize.Error {
	e := &tokenize.Error{HTTPStatus: resp.Status, RequestID: resp.RequestID}
	s := resp.Status
	switch {
	case s == http.StatusBadRequest, s == http.StatusUnprocessableEntity, s == http.StatusRequestEntityTooLarge:
		e.Code = tokenize.InvalidArgument
	case s == http.StatusUnauthorized:
		e.Code = tokenize.Unauthenticated
	case s == http.StatusForbidden:
		e.Code = tokenize.PermissionDenied
	case s == http.StatusNotFound, s == http.StatusGone:
		e.Code = tokenize.NotFound
	case s == http.StatusConflict, s == http.StatusPreconditionFailed:
		e.Code = tokenize.FailedPrecondition
	case s == http.StatusTooManyRequests:
		// A throttled request was not processed, so repeating it is safe.
		e.Code, e.Retryable = tokenize.RateLimited, true
		e.RetryAfter = RetryAfter(resp.Header, time.Now())
	case s == http.StatusRequestTimeout:
		// The server gave up waiting for the request to arrive whole, so
		// it did not act on it: repeating it is safe, even a create.
		e.Code, e.Retryable = tokenize.Unavailable, true
	case s == http.StatusNotImplemented:
		e.Code = tokenize.Unsupported
	case s == http.StatusInternalServerError:
		e.Code = tokenize.Internal
		e.Retryable, e.OutcomeUnknown = resp.Idempotent, !resp.Idempotent
	case s >= 500:
		// 502, 503, 504 and the rest: the provider, or something in front
		// of it, failed; a create may or may not have been applied.
		e.Code = tokenize.Unavailable
		e.Retryable, e.OutcomeUnknown = resp.Idempotent, !resp.Idempotent
		e.RetryAfter = RetryAfter(resp.Header, time.Now())
	case s >= 300 && s < 400:
		// Redirects are not followed. Most mean the request went to the
		// wrong place, but a 303 is how some servers answer a create they
		// carried out, so a create's outcome is unknown.
		e.Code, e.Message = tokenize.Internal, "unexpected redirect"
		e.OutcomeUnknown = !resp.Idempotent
	case s >= 400:
		e.Code = tokenize.Unknown
	default:
		e.Code, e.Message = tokenize.Internal, "unexpected status"
	}
	if e.Message == "" {
		e.Message = http.StatusText(s)
		if e.Message == "" {
			e.Message = "HTTP " + strconv.Itoa(s)
		}
	}
	return e
}

// RetryAfter parses a Retry-After header (seconds or an HTTP date),
// returning 0 when absent or unusable. Values are capped at one hour.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.Atoi(v); err == nil {
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	if d < 0 {
		return 0
	}
	return min(d, time.Hour)
}

// DecodeJSON decodes a successful response body into v. A body that is not
// a JSON object (empty, HTML, truncated, another type) is an Internal error,
// never a zero-value success; when the request was not idempotent the
// operation may nevertheless have been applied, and the error says so.
func DecodeJSON(resp *Response, v any) *tokenize.Error {
	body := bytes.TrimSpace(resp.Body)
	var why string
	switch {
	case len(body) == 0:
		why = "empty response body"
	case body[0] != '{':
		why = "response body is not a JSON object"
	default:
		if err := json.Unmarshal(body, v); err != nil {
			why = "malformed JSON response"
			var syn *json.SyntaxError
			var typ *json.UnmarshalTypeError
			switch {
			case errors.As(err, &syn):
				why += " (syntax error at byte " + strconv.FormatInt(syn.Offset, 10) + ")"
			case errors.As(err, &typ):
				why += " (field " + typ.Field + " has the wrong type)"
			}
		}
	}
	if why == "" {
		return nil
	}
	return Malformed(resp, why)
}

// Malformed is the error for a response that is not a valid answer to the
// request, such as a 2xx missing its mandatory fields.
func Malformed(resp *Response, why string) *tokenize.Error {
	return &tokenize.Error{
		Code:           tokenize.Internal,
		HTTPStatus:     resp.Status,
		RequestID:      resp.RequestID,
		Message:        why,
		Retryable:      resp.Idempotent,
		OutcomeUnknown: !resp.Idempotent,
	}
}
