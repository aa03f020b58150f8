package conformance

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/faults"
)

// The hostile-server cases: a server that redirects, or that repeats the
// whole request back in its error, is what a misconfigured proxy, a
// hijacked DNS name or a careless provider endpoint looks like. Every
// declared operation of every provider must send nothing to a redirect's
// target and let no card value or credential out of an echo.

// hostileRedirects are every redirect status a server can answer with.
var hostileRedirects = []int{
	http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
	http.StatusTemporaryRedirect, http.StatusPermanentRedirect,
}

// echoStatuses are the statuses an echo arrives under: a validation error,
// an authentication failure, a server error and, as Nuvei reports errors,
// a success.
var echoStatuses = []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusInternalServerError, http.StatusOK}

// echoShapes are the bodies an echo arrives in.
var echoShapes = []struct{ name, contentType string }{
	{"JSON", "application/json"},
	{"HTML", "text/html; charset=utf-8"},
	{"Text", "text/plain; charset=utf-8"},
}

func testHostile(t *testing.T, h Harness) {
	t.Run("Redirect", func(t *testing.T) { testRedirects(t, h) })
	t.Run("Echo", func(t *testing.T) { testEchoes(t, h) })
}

// callerClients are the *http.Client a Client is opened with: the
// adapter's own, and a caller's plain one (tokenize.WithHTTPClient), whose
// default CheckRedirect would follow up to ten redirects.
var callerClients = []struct {
	name string
	new  func() *http.Client // nil: the adapter's default client
}{
	{"DefaultClient", nil},
	{"CallersClient", func() *http.Client { return &http.Client{} }},
}

// testRedirects answers every declared operation, and the first request of
// a fresh Client (for an OAuth provider, its access-token request), with
// each redirect status, to another loopback server and to the same host.
// The redirect is the answer: an Internal error carrying its status, sent
// once, never retried, with OutcomeUnknown where the request was a create;
// the other server receives nothing, not even a connection.
func testRedirects(t *testing.T, h Harness) {
	for _, status := range hostileRedirects {
		for _, caller := range callerClients {
			for _, sameHost := range []bool{false, true} {
				target := "OtherHost"
				if sameHost {
					target = "SameHost"
				}
				t.Run(strconv.Itoa(status)+"/"+caller.name+"/"+target, func(t *testing.T) {
					opts := []tokenize.Option{tokenize.WithRetryPolicy(faultPolicy)}
					if caller.new != nil {
						hc := caller.new()
						t.Cleanup(hc.CloseIdleConnections)
						opts = append(opts, tokenize.WithHTTPClient(hc))
					}
					c := setup(t, h, opts...)
					c.skipUnlessSim()
					inj := c.env.Sim.Faults()
					if inj == nil {
						t.Skip("the simulator has no fault injection")
					}
					t.Cleanup(inj.Clear)
					other := newBystander(t)
					fault := faults.Fault{Kind: faults.Redirect, Status: status}
					if !sameHost {
						fault.Location = other.URL
					}
					t.Run("FirstRequest", func(t *testing.T) {
						c := c.with(t)
						c.expectRedirect(inj, fault, other, false, c.firstCall)
					})
					c.warm()
					for _, op := range c.faultOps() {
						t.Run(op.op.String(), func(t *testing.T) {
							c := c.with(t)
							c.expectRedirect(inj, fault, other, !op.safe, op.prepare(c))
						})
					}
				})
			}
		}
	}
}

// firstCall is a call that needs nothing prepared, so that on a fresh
// Client it makes the Client's very first request.
func (c *tc) firstCall(ctx context.Context) error {
	switch {
	case c.caps.Supports(tokenize.OpGetPaymentToken):
		tok, err := c.env.Client.GetPaymentToken(ctx, c.h.Fixtures.UnknownPaymentTokenID)
		return c.note(tok, err)
	case c.caps.Supports(tokenize.OpGetNetworkToken):
		nt, err := c.env.Client.GetNetworkToken(ctx, c.h.Fixtures.UnknownNetworkTokenID)
		return c.note(nt, err)
	default:
		card := c.h.Fixtures.VisaCard
		tok, err := c.env.Client.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: &card})
		return c.note(tok, err)
	}
}

// expectRedirect runs call with fault armed and checks what every
// provider must make of a redirect.
func (c *tc) expectRedirect(inj *faults.Injector, fault faults.Fault, other *bystander, create bool, call func(context.Context) error) {
	t := c.t
	before := inj.Injected()
	inj.Inject(fault)
	err := call(context.Background())
	inj.Clear()
	te := assertCode(t, tokenize.Internal, err, "a %d redirect", fault.Status)
	if te != nil {
		assert.Equal(t, fault.Status, te.HTTPStatus, "HTTPStatus")
		assert.Equal(t, 1, te.Attempts, "a redirect is not retried")
		assert.False(t, te.Retryable, "Retryable")
		assert.Equal(t, create, te.OutcomeUnknown, "OutcomeUnknown: only a create may have been carried out")
	}
	assert.Equal(t, int64(1), inj.Injected()-before, "the redirect was followed to the same host")
	other.assertUntouched(t)
	c.assertWorksAgain()
}

// testEchoes answers every declared operation with the whole request,
// headers and body, repeated back as JSON, HTML and text under 400, 401,
// 500 and 200, its headers repeated as response headers too (the
// provider's request-id header included). The credentials the simulator
// saw (API keys, Basic and Bearer credentials, access tokens) join the
// card values the suite watches: none may appear in any error string,
// fmt or JSON form, kept body or log line.
func testEchoes(t *testing.T, h Harness) {
	for _, shape := range echoShapes {
		for _, status := range echoStatuses {
			t.Run(shape.name+"/"+strconv.Itoa(status), func(t *testing.T) {
				c := setup(t, h, tokenize.WithRetryPolicy(faultPolicy))
				c.skipUnlessSim()
				inj := c.faults()
				c.warm()
				var echoed atomic.Int64
				fault := faults.Fault{
					Kind: faults.Echo, Status: status, ContentType: shape.contentType,
					EchoHeaders: []string{"Request-Id", "X-Request-Id", h.RequestIDHeader},
					Observe: func(header http.Header) {
						echoed.Add(1)
						for _, v := range credentialsIn(header) {
							c.rec.sensitive("credential the provider echoed", v)
						}
					},
				}
				for _, op := range c.faultOps() {
					t.Run(op.op.String(), func(t *testing.T) {
						c := c.with(t)
						call := op.prepare(c)
						before := echoed.Load()
						inj.Inject(fault)
						err := call(context.Background())
						inj.Clear()
						require.Greater(t, echoed.Load(), before, "the echo never ran")
						if status >= 400 {
							var te *tokenize.Error
							if assert.True(t, errors.As(err, &te), "an echoed request under %d is an error, got %v", status, err) {
								assert.NotZero(t, te.Op, "Error.Op")
							}
						}
						c.assertWorksAgain()
					})
				}
			})
		}
	}
}

// assertWorksAgain checks that the Client works once the server behaves.
func (c *tc) assertWorksAgain() {
	c.t.Helper()
	if !c.caps.Supports(tokenize.OpCreatePaymentToken) || !c.caps.SupportsPaymentMethod(tokenize.KindCard) {
		return
	}
	tok, err := c.env.Client.CreatePaymentToken(context.Background(), tokenize.CreatePaymentTokenRequest{Card: &c.h.Fixtures.MastercardCard})
	require.NoError(c.t, c.note(tok, err), "the Client must work again once the server behaves")
}

// credentialsIn returns the credential values a request's headers carry:
// the credentials of Authorization (a Basic one decoded into its id and
// secret, form-decoded as RFC 6749 §2.3.1 encodes them) and the value of
// every header named like a key, token, secret or signature.
func credentialsIn(h http.Header) []string {
	var out []string
	for name, values := range h {
		lower := strings.ToLower(name)
		switch {
		case lower == "authorization" || lower == "proxy-authorization":
			for _, v := range values {
				scheme, cred, ok := strings.Cut(v, " ")
				if !ok {
					out = append(out, v)
					continue
				}
				out = append(out, cred)
				if !strings.EqualFold(scheme, "basic") {
					continue
				}
				raw, err := base64.StdEncoding.DecodeString(cred)
				if err != nil {
					continue
				}
				id, secret, _ := strings.Cut(string(raw), ":")
				for _, part := range []string{id, secret} {
					out = append(out, part)
					if plain, err := url.QueryUnescape(part); err == nil {
						out = append(out, plain)
					}
				}
			}
		case strings.Contains(lower, "key"), strings.Contains(lower, "token"),
			strings.Contains(lower, "secret"), strings.Contains(lower, "signature"):
			out = append(out, values...)
		}
	}
	return out
}

// bystander is a server that must receive nothing: the target of the
// redirects.
type bystander struct {
	*httptest.Server
	requests, conns atomic.Int64
}

func newBystander(t *testing.T) *bystander {
	t.Helper()
	b := &bystander{}
	b.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.requests.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	}))
	b.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			b.conns.Add(1)
		}
	}
	b.Start()
	t.Cleanup(b.Close)
	return b
}

func (b *bystander) assertUntouched(t *testing.T) {
	t.Helper()
	assert.Zero(t, b.requests.Load(), "the redirect's target received a request")
	assert.Zero(t, b.conns.Load(), "the redirect's target received a connection")
}
