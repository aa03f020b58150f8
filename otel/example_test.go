package otel_test

import (
	"context"
	"fmt"
	"net/http"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/tokenize-go/tokenize"
	tokenizeotel "github.com/tokenize-go/tokenize/otel"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
)

// An existing OpenTelemetry setup (here the SDK recording in memory; in a
// service, the providers its exporters are wired to) and a Client that
// reports to it, its HTTP requests traced by otelhttp under its spans.
func ExampleNew() {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	srv := nuveisim.NewServer() // a simulated provider
	defer srv.Close()

	obs, err := tokenizeotel.New(tokenizeotel.WithTracerProvider(tp), tokenizeotel.WithMeterProvider(mp))
	if err != nil {
		panic(err)
	}
	hc := &http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport, otelhttp.WithTracerProvider(tp))}
	defer hc.CloseIdleConnections()
	client, err := tokenize.Open(context.Background(), srv.Config(), tokenize.WithObserver(obs), tokenize.WithHTTPClient(hc))
	if err != nil {
		panic(err)
	}

	_, err = client.GetPaymentToken(context.Background(), "00000000-0000-4000-8000-000000000000")
	fmt.Println(tokenize.CodeOf(err))
	for _, s := range spans.Ended() { // in the order they ended
		fmt.Println(s.Name(), s.Status().Code)
	}
	var rm metricdata.ResourceMetrics
	_ = reader.Collect(context.Background(), &rm)
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == tokenizeotel.CallDurationMetric {
				p := m.Data.(metricdata.Histogram[float64]).DataPoints[0]
				code, _ := p.Attributes.Value(tokenizeotel.CodeKey)
				fmt.Println(m.Name, code.AsString(), p.Count)
			}
		}
	}
	// Output:
	// NotFound
	// HTTP GET Error
	// tokenize.attempt Error
	// tokenize.GetPaymentToken Error
	// tokenize.client.call.duration NotFound 1
}
