package tokenize

import (
	"context"
	"testing"
)

// nopObserver observes every call and does nothing: what remains is the
// cost of the Client's hooks alone.
type nopObserver struct{}

func (nopObserver) ObserveCall(ctx context.Context, _ CallStart) (context.Context, CallObserver) {
	return ctx, nopObserver{}
}
func (nopObserver) StartAttempt(ctx context.Context, _ int) context.Context { return ctx }
func (nopObserver) Response(context.Context, ResponseInfo)                  {}
func (nopObserver) TokenFetch(ctx context.Context, _ TokenFetch) (context.Context, func(error)) {
	return ctx, nil
}
func (nopObserver) EndAttempt(context.Context, int, error) {}
func (nopObserver) End(context.Context, CallEnd)           {}

// BenchmarkObserverOverhead is the call path of BenchmarkClientOverhead
// with and without an observer, the adapter reporting one HTTP response
// per call as the real adapters do:
//
//	go test -run '^$' -bench ObserverOverhead -benchmem .
//
// none is the production default; nop is an observer doing nothing (the
// cost of the hooks themselves). The OpenTelemetry observer's own cost is
// measured in the otel module (BenchmarkObserver there).
func BenchmarkObserverOverhead(b *testing.B) {
	ctx := context.Background()
	p := &respondingProvider{newBenchProvider()}
	req := CryptogramRequest{NetworkTokenID: "nt_0123456789abcdef", TransactionType: ECommerce}
	for _, side := range []struct {
		name string
		opts []Option
	}{
		{"none", []Option{WithLogger(infoLogger())}},
		{"nop", []Option{WithLogger(infoLogger()), WithObserver(nopObserver{})}},
	} {
		b.Run("RequestCryptogram/"+side.name, func(b *testing.B) {
			c := New(p, side.opts...)
			b.ReportAllocs()
			for b.Loop() {
				cg, err := c.RequestCryptogram(ctx, req)
				if err != nil {
					b.Fatal(err)
				}
				benchSink = cg
			}
		})
	}
}

// respondingProvider reports one HTTP response per cryptogram, as an
// adapter built on internal/httpx does.
type respondingProvider struct{ *benchProvider }

func (p *respondingProvider) RequestCryptogram(ctx context.Context, req *CryptogramRequest) (*Cryptogram, error) {
	ObserveResponse(ctx, ResponseInfo{RequestID: "req_0123456789", HTTPStatus: 200})
	return p.benchProvider.RequestCryptogram(ctx, req)
}
