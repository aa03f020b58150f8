package otel

import "go.opentelemetry.io/otel/attribute"

// ScopeName is the instrumentation scope of the tracer and the meter.
const ScopeName = "github.com/tokenize-go/tokenize/otel"

// Span and event names. A call's span is named "tokenize." followed by the
// operation, such as "tokenize.CreatePaymentToken".
const (
	// CallSpanPrefix starts the name of every call's span.
	CallSpanPrefix = "tokenize."
	// AttemptSpanName names the span of each attempt, a child of the
	// call's span; the adapter's HTTP requests are its children.
	AttemptSpanName = "tokenize.attempt"
	// AccessTokenSpanName names the span of an access-token fetch, a
	// child of the attempt that needed the token; the token request is
	// its child.
	AccessTokenSpanName = "tokenize.access_token"
	// ResponseEventName is the event added to an attempt's (or an
	// access-token fetch's) span for each HTTP response the adapter
	// reports, with its status and the provider's request id.
	ResponseEventName = "tokenize.response"
)

// Metric names. Durations are in seconds, as OpenTelemetry's semantic
// conventions have them. A histogram's count is the number of calls (or
// fetches): there is no separate counter, as for HTTP and RPC in the
// semantic conventions.
const (
	// CallDurationMetric is a histogram of Client call durations,
	// retries and their waits included, by provider, operation and code.
	CallDurationMetric = "tokenize.client.call.duration"
	// ActiveCallsMetric is an up-down counter of the calls in progress,
	// by provider and operation.
	ActiveCallsMetric = "tokenize.client.active_calls"
	// RetriesMetric counts the attempts the Client repeated, by provider,
	// operation and the code of the failure that caused the repeat.
	RetriesMetric = "tokenize.client.retries"
	// AccessTokenDurationMetric is a histogram of access-token fetch
	// durations, by provider, reason and code.
	AccessTokenDurationMetric = "tokenize.client.access_token.duration"
)

// Attribute keys of the tokenize namespace, for what OpenTelemetry's
// semantic conventions have no name for. The HTTP status is
// http.response.status_code and the failure's class error.type (the
// neutral code, such as "NotFound"), as the conventions define them.
const (
	// ProviderKey is the provider's registered name, such as "nuvei".
	ProviderKey = attribute.Key("tokenize.provider")
	// RoutedProviderKey is set on the span of a router's call: the
	// provider the router sent it to (tokenize.provider is then
	// "router"). A response event of such a call carries tokenize.provider
	// too. Metrics stay labelled with the Client's provider.
	RoutedProviderKey = attribute.Key("tokenize.routed_provider")
	// OperationKey is the operation, such as "CreatePaymentToken".
	OperationKey = attribute.Key("tokenize.operation")
	// CodeKey is the neutral outcome code: "OK", or the failure's Code.
	CodeKey = attribute.Key("tokenize.code")
	// AttemptsKey is how many attempts a call made (0: refused before
	// sending).
	AttemptsKey = attribute.Key("tokenize.attempts")
	// AttemptKey numbers an attempt from 1; above 1 it is a retry.
	AttemptKey = attribute.Key("tokenize.attempt")
	// OutcomeUnknownKey is set on a failed call: true when the request
	// may have taken effect at the provider (reconcile before retrying).
	OutcomeUnknownKey = attribute.Key("tokenize.outcome_unknown")
	// RequestIDKey is the provider's request id.
	RequestIDKey = attribute.Key("tokenize.request_id")
	// ProviderCodesKey lists the provider's own error codes, such as
	// "5000.1000" or "card_number_invalid".
	ProviderCodesKey = attribute.Key("tokenize.provider_codes")
	// FieldKey is the neutral name of the request field a provider
	// refused, such as "card.number".
	FieldKey = attribute.Key("tokenize.field")
	// AccessTokenReasonKey says why an access token was fetched:
	// "missing", "expired" or "rejected" (tokenize.TokenFetchReason).
	AccessTokenReasonKey = attribute.Key("tokenize.access_token.reason")
)

// durationBuckets are the semantic conventions' advice for HTTP
// durations, in seconds, with 30 s added: the Client's default timeout.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30}
