package otel_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/conformance"
	tokenizeotel "github.com/tokenize-go/tokenize/otel"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
)

// What the OpenTelemetry observer costs a call:
//
//	cd otel && go test -run '^$' -bench . -benchmem
//
// BenchmarkObserver is the library alone (an in-memory provider, no
// HTTP): none is a Client without an observer, otel one with this
// module's observer on the SDK (every span sampled and exported to a
// discarding exporter, metrics aggregated), otel-unsampled the same with
// spans sampled out (metrics still recorded), as a service tracing a
// fraction of its requests mostly runs. BenchmarkObserverLoopback is the
// same Client call to the Nuvei simulator over loopback, with and without
// the observer, and their paired ratio (conformance.PairedRatio).

var benchSink any

// sdkObserver returns this module's observer on SDK providers that
// discard what they export; sampled says whether spans are recorded.
func sdkObserver(b *testing.B, sampled bool) *tokenizeotel.Observer {
	sampler := sdktrace.NeverSample()
	if sampled {
		sampler = sdktrace.AlwaysSample()
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sampler), sdktrace.WithSyncer(discard{}))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	obs, err := tokenizeotel.New(tokenizeotel.WithTracerProvider(tp), tokenizeotel.WithMeterProvider(mp))
	if err != nil {
		b.Fatal(err)
	}
	return obs
}

// discard is a span exporter that drops everything.
type discard struct{}

func (discard) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (discard) Shutdown(context.Context) error                             { return nil }

// memoryProvider answers cryptogram requests at once, reporting one HTTP
// response as a real adapter does; the rest of Provider is never called.
type memoryProvider struct{ tokenize.Provider }

func (memoryProvider) Name() string { return "memory" }
func (memoryProvider) Capabilities() tokenize.Capabilities {
	return tokenize.Capabilities{Operations: []tokenize.Operation{tokenize.OpRequestCryptogram},
		TransactionTypes: []tokenize.TransactionType{tokenize.ECommerce}}
}
func (memoryProvider) RequestCryptogram(ctx context.Context, req *tokenize.CryptogramRequest) (*tokenize.Cryptogram, error) {
	tokenize.ObserveResponse(ctx, tokenize.ResponseInfo{HTTPStatus: 201, RequestID: "req_0123456789"})
	return &tokenize.Cryptogram{NetworkTokenID: req.NetworkTokenID, TransactionType: req.TransactionType,
		Value: "AgAAAAAABk4DWZ4C28yUQAAAAAA=", ECI: "07"}, nil
}

func BenchmarkObserver(b *testing.B) {
	ctx := context.Background()
	req := tokenize.CryptogramRequest{NetworkTokenID: "nt_0123456789abcdef", TransactionType: tokenize.ECommerce}
	for _, side := range []struct {
		name string
		obs  func(*testing.B) tokenize.Option
	}{
		{"none", func(*testing.B) tokenize.Option { return nil }},
		{"otel", func(b *testing.B) tokenize.Option { return tokenize.WithObserver(sdkObserver(b, true)) }},
		{"otel-unsampled", func(b *testing.B) tokenize.Option { return tokenize.WithObserver(sdkObserver(b, false)) }},
	} {
		b.Run("RequestCryptogram/"+side.name, func(b *testing.B) {
			c := tokenize.New(memoryProvider{}, side.obs(b))
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

func BenchmarkObserverLoopback(b *testing.B) {
	srv := nuveisim.NewServer()
	b.Cleanup(srv.Close)
	ctx := context.Background()
	// Both Clients share one transport, as in conformance.RunBenchmarks.
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	b.Cleanup(hc.CloseIdleConnections)
	open := func(opts ...tokenize.Option) *tokenize.Client {
		c, err := tokenize.Open(ctx, srv.Config(), append(opts, tokenize.WithHTTPClient(hc))...)
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	plain, observed := open(), open(tokenize.WithObserver(sdkObserver(b, true)))
	nt, err := plain.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{Card: nuveiCard(nuveisim.VisaPAN)})
	if err != nil {
		b.Fatal(err)
	}
	call := func(c *tokenize.Client) func(context.Context) error {
		return func(ctx context.Context) error {
			_, err := c.GetNetworkToken(ctx, nt.ID)
			return err
		}
	}
	for _, side := range []struct {
		name string
		c    *tokenize.Client
	}{{"none", plain}, {"otel", observed}} {
		b.Run("GetNetworkToken/"+side.name, func(b *testing.B) {
			ctx, cancel := context.WithTimeout(ctx, time.Hour) // a deadline, as production callers pass
			defer cancel()
			b.ReportAllocs()
			for b.Loop() {
				if err := call(side.c)(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("GetNetworkToken/paired", func(b *testing.B) {
		for b.Loop() {
			r, err := conformance.PairedRatio(call(observed), call(plain))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(r, "otel/none-paired")
		}
	})
}
