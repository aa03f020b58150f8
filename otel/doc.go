// Package otel records traces and metrics of tokenize Client calls with
// OpenTelemetry. It is its own module, so that importing tokenize never
// brings in OpenTelemetry; the core defines the tokenize.Observer
// interface with the standard library alone, and this package implements
// it:
//
//	import tokenizeotel "github.com/tokenize-go/tokenize/otel"
//
//	obs, err := tokenizeotel.New() // the global TracerProvider and MeterProvider
//	if err != nil { ... }
//	// Optional: HTTP client spans, nested under tokenize's spans. Your client
//	// replaces the adapter's own, so keep its pool size: http.DefaultTransport
//	// keeps two idle connections per host, and concurrent callers beyond two
//	// would open a new connection (a TLS handshake) each time.
//	transport := http.DefaultTransport.(*http.Transport).Clone()
//	transport.MaxIdleConnsPerHost = 64
//	client, err := tokenize.Open(ctx, cfg,
//		tokenize.WithObserver(obs),
//		tokenize.WithHTTPClient(&http.Client{Transport: otelhttp.NewTransport(transport)}),
//	)
//
// # Traces
//
// Each Client call is a span named after the operation
// ("tokenize.CreatePaymentToken"), a child of the span in the caller's
// context. Each attempt is a child span ("tokenize.attempt", with
// tokenize.attempt numbering it: above 1 it is a retry), and each
// access-token fetch a child of the attempt that needed it
// ("tokenize.access_token", with tokenize.access_token.reason). The
// adapter's HTTP requests are sent with the attempt's (or the fetch's)
// context, so an instrumented transport such as otelhttp nests its HTTP
// client spans under them. Each HTTP response the adapter reports is a
// "tokenize.response" event with http.response.status_code and
// tokenize.request_id.
//
// Every span ends with tokenize.code ("OK" or the neutral Code), the last
// http.response.status_code and tokenize.request_id; a failed one with
// error.type (the Code), status Error described by the Code, and, on the
// call's span, tokenize.outcome_unknown, tokenize.provider_codes and
// tokenize.field where known. A call's span also has tokenize.provider,
// tokenize.operation and tokenize.attempts (0: refused before sending).
//
// No span, event or metric carries a card number, CVV, DPAN, cryptogram,
// credential, access token, token id, merchant or customer reference, or
// free text from a provider (its messages may echo what was sent): only
// names, codes, counts, HTTP statuses and the provider's request id.
//
// # Metrics
//
//   - tokenize.client.call.duration (histogram, s): every call, by
//     tokenize.provider, tokenize.operation, tokenize.code and, for a
//     failure, error.type. Its count is the number of calls.
//   - tokenize.client.active_calls (up-down counter): calls in progress,
//     by provider and operation.
//   - tokenize.client.retries (counter): attempts repeated, by provider,
//     operation and the code of the failure that caused the repeat.
//   - tokenize.client.access_token.duration (histogram, s): access-token
//     fetches, by provider, tokenize.access_token.reason and code.
//
// # The module
//
// The module github.com/tokenize-go/tokenize/otel requires
// github.com/tokenize-go/tokenize at the release it is built for. In this
// repository its go.mod replaces that requirement with the directory
// above (replace github.com/tokenize-go/tokenize => ../), so that both
// change together in one commit and CI tests them together; Go applies
// replace directives only in the main module, so a program that requires
// this module gets the core at the required version, never the directory.
// A release tags the core first, then sets the otel module's requirement
// to that tag and tags otel/vX.Y.Z. Run its tests from this directory
// (go test ./...): the repository root's ./... does not descend into a
// nested module.
package otel
