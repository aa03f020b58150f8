package otel_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/faults"
	tokenizeotel "github.com/tokenize-go/tokenize/otel"
	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
	"github.com/tokenize-go/tokenize/router"
)

// nuveiFlow is a payment token's whole life at Nuvei under a caller's
// span, one read failing once and retried. It returns the DPAN and the
// cryptogram it got.
func nuveiFlow(t *testing.T, tel *telemetry, c *tokenize.Client, srv *nuveisim.Server) []string {
	ctx, caller := tel.tp.Tracer("test").Start(context.Background(), "caller")
	defer caller.End()
	tok, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: nuveiCard(nuveisim.VisaPAN), MerchantReference: merchantRef})
	require.NoError(t, err)
	srv.Faults().Inject(faults.Fault{Kind: faults.Status, Status: 503, Body: `{"reason":"busy"}`, Times: 1, Method: "GET"})
	_, err = c.GetPaymentToken(ctx, tok.ID)
	require.NoError(t, err)
	nt, err := c.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{Card: nuveiCard(nuveisim.VisaPAN)})
	require.NoError(t, err)
	_, err = c.GetNetworkToken(ctx, nt.ID)
	require.NoError(t, err)
	cg, err := c.RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: nt.ID, TransactionType: tokenize.ECommerce})
	require.NoError(t, err)
	return []string{nt.Number.Reveal(), cg.Value.Reveal()}
}

// checkoutFlow is a card's whole life at Checkout.com under a caller's
// span: the first call fetches an access token; after the simulator
// revokes it, a call is refused with 401 and sent again with a new one.
// It returns the DPAN and the cryptogram it got.
func checkoutFlow(t *testing.T, tel *telemetry, c *tokenize.Client, srv *checkoutsim.Server) []string {
	ctx, caller := tel.tp.Tracer("test").Start(context.Background(), "caller")
	defer caller.End()
	card := &tokenize.Card{Number: checkoutsim.VisaPAN, ExpiryMonth: 12, ExpiryYear: 2031, CVV: testCVV, HolderName: holderName}
	tok, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: card, CustomerReference: customerRef})
	require.NoError(t, err)
	nt, err := c.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: tok.ID})
	require.NoError(t, err)
	srv.ExpireAccessTokens()
	cg, err := c.RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: nt.ID, TransactionType: tokenize.ECommerce})
	require.NoError(t, err)
	require.NoError(t, c.DeleteNetworkToken(ctx, tokenize.DeleteNetworkTokenRequest{ID: nt.ID, InitiatedBy: tokenize.InitiatedByTokenRequestor, Reason: tokenize.ReasonOther}))
	return []string{nt.Number.Reveal(), cg.Value.Reveal()}
}

func TestNuveiFlow(t *testing.T) {
	tel := newTelemetry(t)
	c, srv := nuvei(t, tel)
	nuveiFlow(t, tel, c, srv)
	assert.Equal(t, `caller (internal)
  tokenize.CreatePaymentToken http.response.status_code=201 tokenize.attempts=1 tokenize.code=OK tokenize.operation=CreatePaymentToken tokenize.provider=nuvei
    tokenize.attempt http.response.status_code=201 tokenize.attempt=1 tokenize.code=OK
      - tokenize.response http.response.status_code=201
  tokenize.GetPaymentToken http.response.status_code=200 tokenize.attempts=2 tokenize.code=OK tokenize.operation=GetPaymentToken tokenize.provider=nuvei
    tokenize.attempt [Error: Unavailable] error.type=Unavailable http.response.status_code=503 tokenize.attempt=1 tokenize.code=Unavailable
      - tokenize.response http.response.status_code=503
    tokenize.attempt http.response.status_code=200 tokenize.attempt=2 tokenize.code=OK
      - tokenize.response http.response.status_code=200
  tokenize.ProvisionNetworkToken http.response.status_code=201 tokenize.attempts=1 tokenize.code=OK tokenize.operation=ProvisionNetworkToken tokenize.provider=nuvei
    tokenize.attempt http.response.status_code=201 tokenize.attempt=1 tokenize.code=OK
      - tokenize.response http.response.status_code=201
  tokenize.GetNetworkToken http.response.status_code=200 tokenize.attempts=1 tokenize.code=OK tokenize.operation=GetNetworkToken tokenize.provider=nuvei
    tokenize.attempt http.response.status_code=200 tokenize.attempt=1 tokenize.code=OK
      - tokenize.response http.response.status_code=200
  tokenize.RequestCryptogram http.response.status_code=201 tokenize.attempts=1 tokenize.code=OK tokenize.operation=RequestCryptogram tokenize.provider=nuvei
    tokenize.attempt http.response.status_code=201 tokenize.attempt=1 tokenize.code=OK
      - tokenize.response http.response.status_code=201
`, tel.render(nil))
	assert.Equal(t, `tokenize.client.active_calls tokenize.operation=CreatePaymentToken tokenize.provider=nuvei value=0
tokenize.client.active_calls tokenize.operation=GetNetworkToken tokenize.provider=nuvei value=0
tokenize.client.active_calls tokenize.operation=GetPaymentToken tokenize.provider=nuvei value=0
tokenize.client.active_calls tokenize.operation=ProvisionNetworkToken tokenize.provider=nuvei value=0
tokenize.client.active_calls tokenize.operation=RequestCryptogram tokenize.provider=nuvei value=0
tokenize.client.call.duration tokenize.code=OK tokenize.operation=CreatePaymentToken tokenize.provider=nuvei count=1
tokenize.client.call.duration tokenize.code=OK tokenize.operation=GetNetworkToken tokenize.provider=nuvei count=1
tokenize.client.call.duration tokenize.code=OK tokenize.operation=GetPaymentToken tokenize.provider=nuvei count=1
tokenize.client.call.duration tokenize.code=OK tokenize.operation=ProvisionNetworkToken tokenize.provider=nuvei count=1
tokenize.client.call.duration tokenize.code=OK tokenize.operation=RequestCryptogram tokenize.provider=nuvei count=1
tokenize.client.retries error.type=Unavailable tokenize.code=Unavailable tokenize.operation=GetPaymentToken tokenize.provider=nuvei value=1`, tel.metrics(t))
}

func TestCheckoutFlow(t *testing.T) {
	tel := newTelemetry(t)
	w := newWire(t, nil)
	c, srv := checkout(t, tel, w)
	checkoutFlow(t, tel, c, srv)
	assert.Equal(t, `caller (internal)
  tokenize.CreatePaymentToken http.response.status_code=201 tokenize.attempts=1 tokenize.code=OK tokenize.operation=CreatePaymentToken tokenize.provider=checkout tokenize.request_id=id(POST /instruments)
    tokenize.attempt http.response.status_code=201 tokenize.attempt=1 tokenize.code=OK tokenize.request_id=id(POST /instruments)
      - tokenize.response http.response.status_code=201 tokenize.request_id=id(POST /tokens)
      - tokenize.response http.response.status_code=201 tokenize.request_id=id(POST /instruments)
      tokenize.access_token http.response.status_code=200 tokenize.access_token.reason=missing tokenize.code=OK tokenize.provider=checkout tokenize.request_id=id(POST /connect/token)
        - tokenize.response http.response.status_code=200 tokenize.request_id=id(POST /connect/token)
  tokenize.ProvisionNetworkToken http.response.status_code=201 tokenize.attempts=1 tokenize.code=OK tokenize.operation=ProvisionNetworkToken tokenize.provider=checkout tokenize.request_id=id(POST /network-tokens)
    tokenize.attempt http.response.status_code=201 tokenize.attempt=1 tokenize.code=OK tokenize.request_id=id(POST /network-tokens)
      - tokenize.response http.response.status_code=201 tokenize.request_id=id(POST /network-tokens)
  tokenize.RequestCryptogram http.response.status_code=201 tokenize.attempts=1 tokenize.code=OK tokenize.operation=RequestCryptogram tokenize.provider=checkout tokenize.request_id=id(POST /network-tokens/{id}/cryptograms)
    tokenize.attempt http.response.status_code=201 tokenize.attempt=1 tokenize.code=OK tokenize.request_id=id(POST /network-tokens/{id}/cryptograms)
      - tokenize.response http.response.status_code=401 tokenize.request_id=id(POST /network-tokens/{id}/cryptograms)
      - tokenize.response http.response.status_code=201 tokenize.request_id=id(POST /network-tokens/{id}/cryptograms)
      tokenize.access_token http.response.status_code=200 tokenize.access_token.reason=rejected tokenize.code=OK tokenize.provider=checkout tokenize.request_id=id(POST /connect/token)
        - tokenize.response http.response.status_code=200 tokenize.request_id=id(POST /connect/token)
  tokenize.DeleteNetworkToken http.response.status_code=204 tokenize.attempts=1 tokenize.code=OK tokenize.operation=DeleteNetworkToken tokenize.provider=checkout tokenize.request_id=id(PATCH /network-tokens/{id}/delete)
    tokenize.attempt http.response.status_code=204 tokenize.attempt=1 tokenize.code=OK tokenize.request_id=id(PATCH /network-tokens/{id}/delete)
      - tokenize.response http.response.status_code=204 tokenize.request_id=id(PATCH /network-tokens/{id}/delete)
`, tel.render(w))
	assert.Equal(t, `tokenize.client.access_token.duration tokenize.access_token.reason=missing tokenize.code=OK tokenize.provider=checkout count=1
tokenize.client.access_token.duration tokenize.access_token.reason=rejected tokenize.code=OK tokenize.provider=checkout count=1
tokenize.client.active_calls tokenize.operation=CreatePaymentToken tokenize.provider=checkout value=0
tokenize.client.active_calls tokenize.operation=DeleteNetworkToken tokenize.provider=checkout value=0
tokenize.client.active_calls tokenize.operation=ProvisionNetworkToken tokenize.provider=checkout value=0
tokenize.client.active_calls tokenize.operation=RequestCryptogram tokenize.provider=checkout value=0
tokenize.client.call.duration tokenize.code=OK tokenize.operation=CreatePaymentToken tokenize.provider=checkout count=1
tokenize.client.call.duration tokenize.code=OK tokenize.operation=DeleteNetworkToken tokenize.provider=checkout count=1
tokenize.client.call.duration tokenize.code=OK tokenize.operation=ProvisionNetworkToken tokenize.provider=checkout count=1
tokenize.client.call.duration tokenize.code=OK tokenize.operation=RequestCryptogram tokenize.provider=checkout count=1`, tel.metrics(t))
}

// With an otelhttp transport given to WithHTTPClient, every HTTP client
// span is a child of the attempt, or of the access-token fetch, that sent
// it, in the caller's trace.
func TestOtelHTTPNesting(t *testing.T) {
	tel := newTelemetry(t)
	w := newWire(t, nil)
	hc := &http.Client{Transport: otelhttp.NewTransport(w, otelhttp.WithTracerProvider(tel.tp))}
	c, srv := checkout(t, tel, w, tokenize.WithHTTPClient(hc))
	checkoutFlow(t, tel, c, srv)
	assert.Equal(t, `caller (internal)
  tokenize.CreatePaymentToken http.response.status_code=201 tokenize.attempts=1 tokenize.code=OK tokenize.operation=CreatePaymentToken tokenize.provider=checkout tokenize.request_id=id(POST /instruments)
    tokenize.attempt http.response.status_code=201 tokenize.attempt=1 tokenize.code=OK tokenize.request_id=id(POST /instruments)
      - tokenize.response http.response.status_code=201 tokenize.request_id=id(POST /tokens)
      - tokenize.response http.response.status_code=201 tokenize.request_id=id(POST /instruments)
      tokenize.access_token http.response.status_code=200 tokenize.access_token.reason=missing tokenize.code=OK tokenize.provider=checkout tokenize.request_id=id(POST /connect/token)
        - tokenize.response http.response.status_code=200 tokenize.request_id=id(POST /connect/token)
        HTTP POST (client)
      HTTP POST (client)
      HTTP POST (client)
  tokenize.ProvisionNetworkToken http.response.status_code=201 tokenize.attempts=1 tokenize.code=OK tokenize.operation=ProvisionNetworkToken tokenize.provider=checkout tokenize.request_id=id(POST /network-tokens)
    tokenize.attempt http.response.status_code=201 tokenize.attempt=1 tokenize.code=OK tokenize.request_id=id(POST /network-tokens)
      - tokenize.response http.response.status_code=201 tokenize.request_id=id(POST /network-tokens)
      HTTP POST (client)
  tokenize.RequestCryptogram http.response.status_code=201 tokenize.attempts=1 tokenize.code=OK tokenize.operation=RequestCryptogram tokenize.provider=checkout tokenize.request_id=id(POST /network-tokens/{id}/cryptograms)
    tokenize.attempt http.response.status_code=201 tokenize.attempt=1 tokenize.code=OK tokenize.request_id=id(POST /network-tokens/{id}/cryptograms)
      - tokenize.response http.response.status_code=401 tokenize.request_id=id(POST /network-tokens/{id}/cryptograms)
      - tokenize.response http.response.status_code=201 tokenize.request_id=id(POST /network-tokens/{id}/cryptograms)
      HTTP POST (client)
      tokenize.access_token http.response.status_code=200 tokenize.access_token.reason=rejected tokenize.code=OK tokenize.provider=checkout tokenize.request_id=id(POST /connect/token)
        - tokenize.response http.response.status_code=200 tokenize.request_id=id(POST /connect/token)
        HTTP POST (client)
      HTTP POST (client)
  tokenize.DeleteNetworkToken http.response.status_code=204 tokenize.attempts=1 tokenize.code=OK tokenize.operation=DeleteNetworkToken tokenize.provider=checkout tokenize.request_id=id(PATCH /network-tokens/{id}/delete)
    tokenize.attempt http.response.status_code=204 tokenize.attempt=1 tokenize.code=OK tokenize.request_id=id(PATCH /network-tokens/{id}/delete)
      - tokenize.response http.response.status_code=204 tokenize.request_id=id(PATCH /network-tokens/{id}/delete)
      HTTP PATCH (client)
`, tel.render(w))
}

// Calls from many goroutines share one Observer: every call is counted
// once, and none is left in progress.
func TestConcurrentCalls(t *testing.T) {
	tel := newTelemetry(t)
	c, _ := nuvei(t, tel)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				_, err := c.GetPaymentToken(context.Background(), unknownPT)
				assert.Equal(t, tokenize.NotFound, tokenize.CodeOf(err))
			}
		})
	}
	wg.Wait()
	assert.Equal(t, `tokenize.client.active_calls tokenize.operation=GetPaymentToken tokenize.provider=nuvei value=0
tokenize.client.call.duration error.type=NotFound tokenize.code=NotFound tokenize.operation=GetPaymentToken tokenize.provider=nuvei count=160`, tel.metrics(t))
	assert.Len(t, tel.spans.Ended(), 320)
}

// Without options, New uses the global providers (no-ops until the
// program sets its own), and a Client works as before.
func TestGlobalProviders(t *testing.T) {
	obs, err := tokenizeotel.New()
	require.NoError(t, err)
	srv := nuveisim.NewServer()
	t.Cleanup(srv.Close)
	c, err := tokenize.Open(context.Background(), srv.Config(), tokenize.WithObserver(obs))
	require.NoError(t, err)
	_, err = c.GetPaymentToken(context.Background(), unknownPT)
	assert.Equal(t, tokenize.NotFound, tokenize.CodeOf(err))
}

// A Client over a router: the router's providers are Clients of their
// own, not observed, and what their adapters report (responses, the
// access-token fetch) reaches the observer of the call around them, so
// the HTTP spans still nest under the attempt, and the call's span and
// its response events name the provider the router chose.
func TestRouter(t *testing.T) {
	tel := newTelemetry(t)
	w := newWire(t, nil)
	hc := &http.Client{Transport: otelhttp.NewTransport(w, otelhttp.WithTracerProvider(tel.tp))}
	nsrv, csrv := nuveisim.NewServer(), checkoutsim.NewServer()
	t.Cleanup(nsrv.Close)
	t.Cleanup(csrv.Close)
	doc := fmt.Sprintf(`{"router": {"default": "checkout"}, "providers": {"nuvei": %s, "checkout": %s}}`, nsrv.Settings(), csrv.Settings())
	cfg, err := tokenize.ParseConfig([]byte(doc), func(string) (string, bool) { return "", false })
	require.NoError(t, err)
	r, err := router.Open(context.Background(), cfg, tokenize.OpenOptions{HTTPClient: hc})
	require.NoError(t, err)
	c := tokenize.New(r, tokenize.WithObserver(tel.obs))

	ctx, caller := tel.tp.Tracer("test").Start(context.Background(), "caller")
	card := &tokenize.Card{Number: checkoutsim.VisaPAN, ExpiryMonth: 12, ExpiryYear: 2031, CVV: testCVV}
	tok, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: card})
	require.NoError(t, err)
	_, err = c.GetPaymentToken(ctx, "nuvei:"+unknownPT)
	assert.Equal(t, tokenize.NotFound, tokenize.CodeOf(err))
	caller.End()
	assert.True(t, strings.HasPrefix(tok.ID, "checkout:"), tok.ID)
	assert.Equal(t, `caller (internal)
  tokenize.CreatePaymentToken http.response.status_code=201 tokenize.attempts=1 tokenize.code=OK tokenize.operation=CreatePaymentToken tokenize.provider=router tokenize.request_id=id(POST /instruments) tokenize.routed_provider=checkout
    tokenize.attempt http.response.status_code=201 tokenize.attempt=1 tokenize.code=OK tokenize.request_id=id(POST /instruments)
      - tokenize.response http.response.status_code=201 tokenize.provider=checkout tokenize.request_id=id(POST /tokens)
      - tokenize.response http.response.status_code=201 tokenize.provider=checkout tokenize.request_id=id(POST /instruments)
      tokenize.access_token http.response.status_code=200 tokenize.access_token.reason=missing tokenize.code=OK tokenize.provider=checkout tokenize.request_id=id(POST /connect/token)
        - tokenize.response http.response.status_code=200 tokenize.request_id=id(POST /connect/token)
        HTTP POST (client)
      HTTP POST (client)
      HTTP POST (client)
  tokenize.GetPaymentToken [Error: NotFound] error.type=NotFound http.response.status_code=404 tokenize.attempts=1 tokenize.code=NotFound tokenize.operation=GetPaymentToken tokenize.outcome_unknown=false tokenize.provider=router tokenize.routed_provider=nuvei
    tokenize.attempt [Error: NotFound] error.type=NotFound http.response.status_code=404 tokenize.attempt=1 tokenize.code=NotFound
      - tokenize.response http.response.status_code=404 tokenize.provider=nuvei
      HTTP GET (client)
`, tel.render(w))
}

// An access-token fetch outlives the call that started it when that call
// gives up first: the fetch goes on for the callers to come, its span
// ends when it does, under the attempt that started it, and it is
// counted.
func TestTokenFetchOutlivesCall(t *testing.T) {
	tel := newTelemetry(t)
	w := newWire(t, nil)
	c, srv := checkout(t, tel, w)
	// Margins wide enough for a loaded machine: the call must have
	// started the fetch before its deadline, and give up long before the
	// fetch ends.
	srv.Faults().Inject(faults.Fault{Kind: faults.Latency, Delay: 2 * time.Second, PathPrefix: "/connect/token", Times: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := c.GetNetworkToken(ctx, "nt_aaaaaaaaaaaaaaaaaaaaaaaaaa")
	require.Equal(t, tokenize.DeadlineExceeded, tokenize.CodeOf(err))
	require.Eventually(t, func() bool { return len(tel.spans.Ended()) == 3 }, 10*time.Second, 10*time.Millisecond)
	assert.Equal(t, `tokenize.GetNetworkToken [Error: DeadlineExceeded] error.type=DeadlineExceeded tokenize.attempts=1 tokenize.code=DeadlineExceeded tokenize.operation=GetNetworkToken tokenize.outcome_unknown=false tokenize.provider=checkout
  tokenize.attempt [Error: DeadlineExceeded] error.type=DeadlineExceeded tokenize.attempt=1 tokenize.code=DeadlineExceeded
    tokenize.access_token http.response.status_code=200 tokenize.access_token.reason=missing tokenize.code=OK tokenize.provider=checkout tokenize.request_id=id(POST /connect/token)
      - tokenize.response http.response.status_code=200 tokenize.request_id=id(POST /connect/token)
`, tel.render(w))
	assert.Equal(t, `tokenize.client.access_token.duration tokenize.access_token.reason=missing tokenize.code=OK tokenize.provider=checkout count=1
tokenize.client.active_calls tokenize.operation=GetNetworkToken tokenize.provider=checkout value=0
tokenize.client.call.duration error.type=DeadlineExceeded tokenize.code=DeadlineExceeded tokenize.operation=GetNetworkToken tokenize.provider=checkout count=1`, tel.metrics(t))
}
