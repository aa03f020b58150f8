package tokenize_test

import (
	"context"
	"fmt"
	"time"

	"github.com/tokenize-go/tokenize"
)

// printObserver prints what it is told: a stand-in for a tracer or a
// metrics library (github.com/tokenize-go/tokenize/otel is the real one).
type printObserver struct{}

func (printObserver) ObserveCall(ctx context.Context, c tokenize.CallStart) (context.Context, tokenize.CallObserver) {
	fmt.Println("call", c.Provider, c.Operation)
	return ctx, printCall{start: time.Now()}
}

type printCall struct{ start time.Time }

func (printCall) StartAttempt(ctx context.Context, n int) context.Context {
	fmt.Println("  attempt", n)
	return ctx
}
func (printCall) Response(_ context.Context, r tokenize.ResponseInfo) {
	fmt.Println("  response", r.HTTPStatus, r.RequestID)
}
func (printCall) TokenFetch(ctx context.Context, f tokenize.TokenFetch) (context.Context, func(error)) {
	fmt.Println("  access token:", f.Reason)
	return ctx, func(err error) { fmt.Println("  access token fetched:", tokenize.CodeOf(err)) }
}
func (printCall) EndAttempt(_ context.Context, n int, err error) {
	fmt.Println("  attempt", n, "ended:", tokenize.CodeOf(err))
}
func (c printCall) End(_ context.Context, e tokenize.CallEnd) {
	_ = time.Since(c.start) // a duration histogram would record it
	fmt.Println("end:", tokenize.CodeOf(e.Err), "after", e.Attempts, "attempt(s)")
}

func ExampleWithObserver() {
	ctx := context.Background()
	client := tokenize.New(newMemoryProvider(), tokenize.WithObserver(printObserver{}))

	tok, _ := client.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: exampleCard()})
	_, _ = client.GetPaymentToken(ctx, tok.ID+"-unknown")
	_, _ = client.GetPaymentToken(ctx, "") // refused before sending
	// Output:
	// call memory CreatePaymentToken
	//   attempt 1
	//   attempt 1 ended: OK
	// end: OK after 1 attempt(s)
	// call memory GetPaymentToken
	//   attempt 1
	//   attempt 1 ended: NotFound
	// end: NotFound after 1 attempt(s)
	// call memory GetPaymentToken
	// end: InvalidArgument after 0 attempt(s)
}

// oauthProvider is the memory provider behind an OAuth token endpoint, to
// show what an adapter reports.
type oauthProvider struct{ *memoryProvider }

func (p oauthProvider) GetNetworkToken(ctx context.Context, id string) (*tokenize.NetworkToken, error) {
	// The adapter holds no access token yet: it fetches one, under the
	// context the observer returns, and says how the fetch ended.
	fctx, done := tokenize.ObserveTokenFetch(ctx, tokenize.TokenFetch{Reason: tokenize.AccessTokenMissing})
	tokenize.ObserveResponse(fctx, tokenize.ResponseInfo{HTTPStatus: 200, RequestID: "req-token"})
	done(nil)
	// Then the API request itself, whose response it reports too.
	tokenize.ObserveResponse(ctx, tokenize.ResponseInfo{HTTPStatus: 404, RequestID: "req-api"})
	return p.memoryProvider.GetNetworkToken(ctx, id)
}

func ExampleObserveTokenFetch() {
	client := tokenize.New(oauthProvider{newMemoryProvider()}, tokenize.WithObserver(printObserver{}))
	_, _ = client.GetNetworkToken(context.Background(), "nt_unknown")
	// Output:
	// call memory GetNetworkToken
	//   attempt 1
	//   access token: missing
	//   response 200 req-token
	//   access token fetched: OK
	//   response 404 req-api
	//   attempt 1 ended: NotFound
	// end: NotFound after 1 attempt(s)
}
