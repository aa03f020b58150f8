package tokenize

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Provider is the interface an adapter implements. It holds nothing but
// wire translation: the Client validates every request before calling it,
// refuses operations the provider does not declare in Capabilities, times,
// logs and retries calls, and completes the errors it returns.
//
// Contract, for every method:
//   - Requests arrive validated and normalised (four-digit years, ids free
//     of path characters), and only for operations and options declared in
//     Capabilities. Pointers are never nil.
//   - Errors must be *Error values carrying the Code and whatever of
//     HTTPStatus, ProviderCodes, Field, Message, RequestID, Retryable,
//     RetryAfter, OutcomeUnknown and UsePAN the adapter knows. Op and
//     Provider may be left empty (the Client fills them; a Provider set by
//     a router, naming the provider it routed to, is kept). Any other error
//     is reported to the caller as Unknown.
//   - Bad or missing credentials must give Unauthenticated; credentials
//     lacking a permission, PermissionDenied.
//   - A well-formed id that the provider does not know must give NotFound.
//   - An operation or option the provider cannot perform must give
//     Unsupported, even though the Client normally stops such calls first.
//   - A response that is malformed, truncated, oversized or otherwise not a
//     valid answer must give an error (usually Internal), never a zero-value
//     success; if the request may have taken effect, set OutcomeUnknown.
//   - Retryable must only be set when repeating the identical request cannot
//     create a duplicate.
//   - Context cancellation and deadlines must be honoured promptly.
//   - Implementations must be safe for concurrent use.
type Provider interface {
	// Name returns the registered provider name, such as "nuvei".
	Name() string

	// Capabilities declares what the provider supports. It must return the
	// same value on every call.
	Capabilities() Capabilities

	// CreatePaymentToken stores a card, bank account or temporary token.
	CreatePaymentToken(ctx context.Context, req *CreatePaymentTokenRequest) (*PaymentToken, error)

	// GetPaymentToken reads a payment token. Unknown id: NotFound.
	GetPaymentToken(ctx context.Context, id string) (*PaymentToken, error)

	// DeletePaymentToken removes a payment token. Unknown id: NotFound.
	DeletePaymentToken(ctx context.Context, id string) error

	// ProvisionNetworkToken provisions a scheme token from a payment token
	// or a card. A scheme refusal is not an error: it returns a token in
	// StateDeclined. An existing token returned instead of a new one has
	// AlreadyExisted set. Unknown payment token: NotFound.
	ProvisionNetworkToken(ctx context.Context, req *ProvisionNetworkTokenRequest) (*NetworkToken, error)

	// GetNetworkToken reads a network token. Unknown id: NotFound.
	GetNetworkToken(ctx context.Context, id string) (*NetworkToken, error)

	// DeleteNetworkToken deletes a network token at the scheme. Unknown id:
	// NotFound.
	DeleteNetworkToken(ctx context.Context, req *DeleteNetworkTokenRequest) error

	// RequestCryptogram returns a fresh cryptogram. Unknown id: NotFound; a
	// token that is not active: FailedPrecondition.
	RequestCryptogram(ctx context.Context, req *CryptogramRequest) (*Cryptogram, error)
}

// WebhookParser is the optional interface of an adapter whose provider
// pushes network-token changes by webhook. An adapter implementing it
// declares Capabilities.Webhooks when it holds the webhook secrets to
// verify deliveries with; the Client bounds the body, checks the events'
// age, delivers them and answers the provider.
//
// Contract of ParseWebhook:
//   - header and body are one delivery's, body complete and at most
//     MaxWebhookBytes long.
//   - The signature is verified first, against every configured secret
//     (two during a rotation), in constant time (crypto/hmac.Equal), on
//     the raw bytes. A missing, malformed or wrong signature gives
//     Unauthenticated and nothing else: the body is not parsed.
//   - A verified body that is not a valid event gives InvalidArgument.
//   - A verified event of a type that is not about network tokens gives no
//     events and no error, so that it is acknowledged, not redelivered.
//   - Each event carries ID, OccurredAt, Kind, ProviderType and a Token
//     with at least ID and State, and the body through
//     SetProviderPayload. Provider may be left empty.
//   - Errors, secrets and events never carry a secret's value.
//   - It must be safe for concurrent use.
type WebhookParser interface {
	ParseWebhook(header http.Header, body []byte) ([]*NetworkTokenEvent, error)
}

// Capabilities declares what a provider supports. The Client refuses
// anything not declared with an Unsupported error, without calling the
// provider.
type Capabilities struct {
	// Operations the provider implements.
	Operations []Operation
	// PaymentMethods CreatePaymentToken accepts (card, bank account).
	PaymentMethods []PaymentMethodKind
	// TemporaryTokens reports that CreatePaymentToken accepts a
	// TemporaryToken.
	TemporaryTokens bool
	// ProvisionFromPaymentToken and ProvisionFromCard say which sources
	// ProvisionNetworkToken accepts.
	ProvisionFromPaymentToken bool
	ProvisionFromCard         bool
	// ProvisionIsIdempotent reports that provisioning the same source twice
	// returns the existing token (with AlreadyExisted set) instead of a new
	// one, so a provision may be retried safely.
	ProvisionIsIdempotent bool
	// TransactionTypes RequestCryptogram accepts.
	TransactionTypes []TransactionType
	// Webhooks reports that the provider pushes network-token changes by
	// webhook and that the adapter, configured with the webhook secrets,
	// verifies and parses them: it implements WebhookParser.
	// Client.WebhookHandler and Client.ParseWebhook are refused without
	// it. SyncNetworkTokens needs only OpGetNetworkToken.
	Webhooks bool
	// RequiredFields lists the neutral fields, optional in this package's
	// types, that the provider needs (Field* names; see RequirableFields).
	// The Client refuses a CreatePaymentTokenRequest lacking one with an
	// InvalidArgument error naming it, before anything is sent. Checkout.com
	// lists FieldBankHolderName: an ACH instrument needs an account holder.
	RequiredFields []string
	// ProvisionMayBePending reports that ProvisionNetworkToken may return
	// a token in StateRequested, without a DPAN: the provider accepted the
	// request and the scheme issues the token later (Access Worldpay's
	// Mastercard tokens; Checkout.com's requested state). Finish it with
	// Client.AwaitNetworkToken, or keep it and let SyncNetworkTokens
	// report the change.
	ProvisionMayBePending bool
}

// Supports reports whether op is declared.
func (c Capabilities) Supports(op Operation) bool { return slices.Contains(c.Operations, op) }

// SupportsPaymentMethod reports whether CreatePaymentToken accepts kind.
func (c Capabilities) SupportsPaymentMethod(kind PaymentMethodKind) bool {
	return slices.Contains(c.PaymentMethods, kind)
}

// SupportsTransactionType reports whether RequestCryptogram accepts t.
func (c Capabilities) SupportsTransactionType(t TransactionType) bool {
	return slices.Contains(c.TransactionTypes, t)
}

// OpenOptions are the parts of opening a provider that cannot be written in
// a configuration file.
type OpenOptions struct {
	// HTTPClient, when set, replaces the adapter's default HTTP client.
	HTTPClient *http.Client
}

// Opener builds a Provider from the provider-specific settings of a Config.
// It must reject unknown settings and name missing or invalid ones; see
// DecodeSettings.
type Opener func(ctx context.Context, settings json.RawMessage, opts OpenOptions) (Provider, error)

// registry is the only package-level mutable state: the openers adapters
// register from their init functions.
var registry = struct {
	sync.RWMutex
	m map[string]Opener
}{m: map[string]Opener{}}

// Register makes a provider available to Open under name. Adapters call it
// from an init function, so a blank import is enough to use one:
//
//	import _ "github.com/tokenize-go/tokenize/providers/nuvei"
//
// Register panics if name is not a valid provider name (ValidProviderName:
// it must fit in a Ref), opener is nil, or name is already registered.
func Register(name string, opener Opener) {
	if !ValidProviderName(name) || opener == nil {
		panic("tokenize: Register with an invalid name (want [a-z0-9_-]) or a nil opener")
	}
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.m[name]; dup {
		panic("tokenize: Register called twice for provider " + name)
	}
	registry.m[name] = opener
}

// Providers returns the sorted names of the registered providers.
func Providers() []string {
	registry.RLock()
	defer registry.RUnlock()
	names := make([]string, 0, len(registry.m))
	for n := range registry.m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Open builds a Client for the provider named in cfg, passing it
// cfg.Settings. Switching provider is changing cfg.Provider (and its
// settings); the code calling the Client stays the same.
func Open(ctx context.Context, cfg Config, opts ...Option) (*Client, error) {
	o := buildOptions(opts)
	p, err := OpenProvider(ctx, cfg, OpenOptions{HTTPClient: o.httpClient})
	if err != nil {
		return nil, err
	}
	return newClient(p, o), nil
}

// OpenProvider builds the Provider named in cfg with its registered
// Opener, without a Client around it. A Provider that holds others (a
// router) opens them with it; most programs call Open.
func OpenProvider(ctx context.Context, cfg Config, opts OpenOptions) (Provider, error) {
	if cfg.Provider == "" {
		return nil, configError("", `config: "provider" is required (registered: %s)`, registeredList())
	}
	registry.RLock()
	opener := registry.m[cfg.Provider]
	registry.RUnlock()
	if opener == nil {
		return nil, configError("provider", "config: unknown provider %q (registered: %s)", cfg.Provider, registeredList())
	}
	settings := cfg.Settings
	if len(settings) == 0 {
		settings = json.RawMessage("{}")
	}
	return opener(ctx, settings, opts)
}

func registeredList() string {
	names := Providers()
	if len(names) == 0 {
		return "none; blank-import an adapter such as github.com/tokenize-go/tokenize/providers/nuvei"
	}
	return strings.Join(names, ", ")
}

func configError(field, format string, args ...any) *Error {
	return &Error{Code: InvalidArgument, Field: field, Message: fmt.Sprintf(format, args...)}
}
