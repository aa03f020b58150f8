package otel_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/tokenize-go/tokenize"
	tokenizeotel "github.com/tokenize-go/tokenize/otel"
	_ "github.com/tokenize-go/tokenize/providers/checkout"
	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
	_ "github.com/tokenize-go/tokenize/providers/nuvei"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
	_ "github.com/tokenize-go/tokenize/providers/worldpay"
)

// telemetry is an OpenTelemetry SDK recording in memory: every ended span,
// and metrics read on demand.
type telemetry struct {
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
	tp     *sdktrace.TracerProvider
	obs    *tokenizeotel.Observer
}

func newTelemetry(t testing.TB) *telemetry {
	t.Helper()
	tel := &telemetry{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	tel.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(tel.spans), sdktrace.WithSampler(sdktrace.AlwaysSample()))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(tel.reader))
	t.Cleanup(func() {
		_ = tel.tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	obs, err := tokenizeotel.New(tokenizeotel.WithTracerProvider(tel.tp), tokenizeotel.WithMeterProvider(mp))
	require.NoError(t, err)
	tel.obs = obs
	return tel
}

// fastRetries keeps the Client's retry policy but makes its waits short.
var fastRetries = tokenize.WithRetryPolicy(tokenize.RetryPolicy{MaxAttempts: 3, InitialBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond})

// wire is the HTTP transport of the tests' Clients: it names each
// provider request id after the request that got it, and keeps the
// bearer tokens sent (the access tokens, which no telemetry may carry).
type wire struct {
	base http.RoundTripper
	mu   sync.Mutex
	ids  map[string]string
	auth []string
}

func newWire(t testing.TB, base http.RoundTripper) *wire {
	if base == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		t.Cleanup(tr.CloseIdleConnections)
		base = tr
	}
	return &wire{base: base, ids: map[string]string{}}
}

func (w *wire) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := w.base.RoundTrip(r)
	w.mu.Lock()
	defer w.mu.Unlock()
	if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "Bearer ") {
		w.auth = append(w.auth, strings.TrimPrefix(a, "Bearer "))
	}
	if resp != nil {
		if id := resp.Header.Get("Cko-Request-Id"); id != "" {
			w.ids[id] = r.Method + " " + idInPath.ReplaceAllString(r.URL.Path, "/{id}")
		}
	}
	return resp, err
}

// idInPath matches the ids in Checkout.com paths, which differ on every run.
var idInPath = regexp.MustCompile(`/(nt|src|tok)_[a-z0-9]+`)

// name returns "id(METHOD /path)" for a request id the wire saw.
func (w *wire) name(id string) (string, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	req, ok := w.ids[id]
	return "id(" + req + ")", ok
}

func (w *wire) bearers() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.auth)
}

// nuvei starts a Nuvei simulator and opens a Client on it observed by tel.
func nuvei(t testing.TB, tel *telemetry, opts ...tokenize.Option) (*tokenize.Client, *nuveisim.Server) {
	t.Helper()
	srv := nuveisim.NewServer()
	t.Cleanup(srv.Close)
	opts = append([]tokenize.Option{tokenize.WithObserver(tel.obs), fastRetries}, opts...)
	c, err := tokenize.Open(context.Background(), srv.Config(), opts...)
	require.NoError(t, err)
	return c, srv
}

// nuveiWithKey opens another Client on srv, with the API key key.
func nuveiWithKey(t testing.TB, tel *telemetry, srv *nuveisim.Server, key string) *tokenize.Client {
	t.Helper()
	var settings map[string]any
	require.NoError(t, json.Unmarshal(srv.Settings(), &settings))
	settings["api_key"] = key
	raw, err := json.Marshal(settings)
	require.NoError(t, err)
	c, err := tokenize.Open(context.Background(), tokenize.Config{Provider: "nuvei", Settings: raw}, tokenize.WithObserver(tel.obs), fastRetries)
	require.NoError(t, err)
	return c
}

// checkout starts a Checkout.com simulator and opens a Client on it
// observed by tel, sending through w.
func checkout(t testing.TB, tel *telemetry, w *wire, opts ...tokenize.Option) (*tokenize.Client, *checkoutsim.Server) {
	t.Helper()
	srv := checkoutsim.NewServer()
	t.Cleanup(srv.Close)
	opts = append([]tokenize.Option{tokenize.WithObserver(tel.obs), fastRetries, tokenize.WithHTTPClient(&http.Client{Transport: w})}, opts...)
	c, err := tokenize.Open(context.Background(), srv.Config(), opts...)
	require.NoError(t, err)
	return c, srv
}

// render writes the ended spans as an indented tree, children in the
// order they started: name, status, then every attribute sorted by key,
// and each event on a line of its own. Request ids the wire saw are
// replaced by the name of their request; spans not of this module (HTTP
// client spans) show only their name and kind.
func (tel *telemetry) render(w *wire) string {
	spans := tel.spans.Ended()
	slices.SortStableFunc(spans, func(a, b sdktrace.ReadOnlySpan) int { return a.StartTime().Compare(b.StartTime()) })
	byParent := map[trace.SpanID][]sdktrace.ReadOnlySpan{}
	ids := map[trace.SpanID]bool{}
	for _, s := range spans {
		ids[s.SpanContext().SpanID()] = true
	}
	var roots []sdktrace.ReadOnlySpan
	for _, s := range spans {
		if p := s.Parent().SpanID(); ids[p] {
			byParent[p] = append(byParent[p], s)
		} else {
			roots = append(roots, s)
		}
	}
	var b strings.Builder
	var walk func(s sdktrace.ReadOnlySpan, depth int)
	walk = func(s sdktrace.ReadOnlySpan, depth int) {
		indent := strings.Repeat("  ", depth)
		b.WriteString(indent + s.Name())
		if s.InstrumentationScope().Name != tokenizeotel.ScopeName {
			b.WriteString(" (" + s.SpanKind().String() + ")\n")
		} else {
			if s.SpanKind() != trace.SpanKindInternal {
				b.WriteString(" kind=" + s.SpanKind().String())
			}
			if st := s.Status(); st.Code.String() != "Unset" {
				b.WriteString(" [" + st.Code.String() + ": " + st.Description + "]")
			}
			b.WriteString(renderAttrs(s.Attributes(), w) + "\n")
			for _, e := range s.Events() {
				b.WriteString(indent + "  - " + e.Name + renderAttrs(e.Attributes, w) + "\n")
			}
		}
		for _, c := range byParent[s.SpanContext().SpanID()] {
			walk(c, depth+1)
		}
	}
	for _, r := range roots {
		walk(r, 0)
	}
	return b.String()
}

func renderAttrs(kvs []attribute.KeyValue, w *wire) string {
	kvs = slices.Clone(kvs)
	slices.SortFunc(kvs, func(a, b attribute.KeyValue) int { return strings.Compare(string(a.Key), string(b.Key)) })
	var b strings.Builder
	for _, kv := range kvs {
		v := kv.Value.String()
		if kv.Key == tokenizeotel.RequestIDKey && w != nil {
			if n, ok := w.name(v); ok {
				v = n
			}
		}
		b.WriteString(" " + string(kv.Key) + "=" + v)
	}
	return b.String()
}

// metrics renders every data point of this module's metrics, one line
// each, sorted: name, attributes, then the count (histograms) or value.
// Histogram sums are checked to be positive and not shown (durations vary).
func (tel *telemetry) metrics(t testing.TB) string {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, tel.reader.Collect(context.Background(), &rm))
	var lines []string
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != tokenizeotel.ScopeName {
			continue
		}
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					require.Positive(t, p.Sum, m.Name)
					lines = append(lines, fmt.Sprintf("%s%s count=%d", m.Name, renderAttrs(p.Attributes.ToSlice(), nil), p.Count))
				}
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					lines = append(lines, fmt.Sprintf("%s%s value=%d", m.Name, renderAttrs(p.Attributes.ToSlice(), nil), p.Value))
				}
			default:
				t.Fatalf("metric %s has unexpected data %T", m.Name, m.Data)
			}
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
