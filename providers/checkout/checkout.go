// Package checkout is the Checkout.com adapter of tokenize. A blank import
// registers it under the name "checkout":
//
//	import _ "github.com/tokenize-go/tokenize/providers/checkout"
//
//	c, err := tokenize.Open(ctx, tokenize.Config{Provider: "checkout", Settings: settings})
//
// Payment tokens are stored instruments (src_ ids): a card is tokenized
// with POST /tokens (public key) and stored with POST /instruments (type
// token); a single-use tok_ token created client-side by Frames or Flow is
// stored directly; a US bank account for ACH debits is stored as an
// instrument of type ach. Network tokens use the /network-tokens API
// (provision, get, cryptograms, delete), which accepts OAuth access tokens
// only.
//
// # Settings
//
//	{
//	  "environment":   "sandbox",             // or "production"; default sandbox
//	  "client_id":     "cli_...",             // required: OAuth access key id
//	  "client_secret": "${CHECKOUT_CLIENT_SECRET}", // required
//	  "public_key":    "pk_sbox_...",         // needed to tokenize raw cards
//	  "secret_key":    "${CHECKOUT_SECRET_KEY}", // optional: used for /instruments instead of OAuth
//	  "base_url":      "https://...",         // optional override (simulators, proxies)
//	  "token_url":     "https://.../connect/token", // optional override
//	  "allow_insecure_http": false,           // plain http to non-loopback hosts
//	  "timeout":       "30s",                 // optional per-operation time limit
//	  "webhook_secrets": ["${CHECKOUT_WEBHOOK_KEY}"] // optional: enables webhooks
//	}
//
// Without overrides the hosts follow the environment and, for a client id
// of the form cli_xxxxxxxx..., the account's {prefix} subdomain:
// https://{prefix}.api.sandbox.checkout.com and
// https://{prefix}.access.sandbox.checkout.com/connect/token.
//
// # Authentication
//
// The adapter requests an OAuth 2.0 client-credentials access token with
// the scopes in OAuthScopes (NetworkTokensScope alone when secret_key
// authenticates instruments), caches it until shortly before it expires and
// refreshes it once for any number of concurrent callers. A 401 answer to
// an API call drops the cached token and retries that call once with a new
// one.
//
// # Webhooks
//
// With webhook_secrets set (the signature key of the workflow's webhook
// action; two during a key rotation), the adapter declares
// Capabilities.Webhooks: tokenize.Client.WebhookHandler verifies each
// delivery's Cko-Signature (hex HMAC-SHA256 of the raw body) and hands
// network_token_update events on as tokenize.NetworkTokenEvent values. The
// event does not say whether the state or the card changed, so its Kind is
// EventUpdated (EventDeleted for an inactive token); Apply says precisely.
package checkout

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/httpx"
)

// Name is the name the adapter registers under.
const Name = "checkout"

// OAuthScopes are the scopes the adapter requests: instruments and network
// tokens (research notes §2.4). The parent scope "vault" would also do, but
// asking for the least is the better default.
const OAuthScopes = "vault:instruments vault:network-tokens"

// NetworkTokensScope is the only scope requested when the secret_key
// setting authenticates /instruments: asking for vault:instruments too
// would make an access key granted only network tokens fail with
// invalid_scope.
const NetworkTokensScope = "vault:network-tokens"

// Environments.
const (
	EnvironmentSandbox    = "sandbox"
	EnvironmentProduction = "production"
)

// Default hosts of each environment (research notes §2.1, §2.4).
const (
	sandboxAPI     = "api.sandbox.checkout.com"
	productionAPI  = "api.checkout.com"
	sandboxAuth    = "access.sandbox.checkout.com"
	productionAuth = "access.checkout.com"
	tokenPath      = "/connect/token"
)

// prefixPattern extracts the {prefix}: "the first eight characters of your
// unique client_id, excluding the cli_ prefix". A client id of any other
// shape uses the classic, unprefixed hosts.
var prefixPattern = regexp.MustCompile(`^cli_([0-9a-z]{8})[0-9a-z]*$`)

// requestIDHeader carries Checkout.com's request id on every answer.
const requestIDHeader = "Cko-Request-Id"

func init() { tokenize.Register(Name, open) }

// Settings are the adapter's settings (tokenize.Config.Settings), as
// documented in the package overview.
type Settings struct {
	// Environment is "sandbox" (default) or "production".
	Environment string `json:"environment,omitempty"`
	// ClientID is the OAuth access key id (cli_...). Required.
	ClientID string `json:"client_id"`
	// ClientSecret is the OAuth access key secret. Required.
	ClientSecret tokenize.Secret `json:"client_secret"`
	// PublicKey (pk_...) authenticates POST /tokens. Without it raw cards
	// cannot be tokenized (Capabilities omits KindCard).
	PublicKey tokenize.Secret `json:"public_key,omitempty"`
	// SecretKey (sk_...), when set, authenticates /instruments calls
	// instead of an OAuth access token. Network tokens always use OAuth.
	SecretKey tokenize.Secret `json:"secret_key,omitempty"`
	// BaseURL overrides the API host.
	BaseURL string `json:"base_url,omitempty"`
	// TokenURL overrides the OAuth token endpoint.
	TokenURL string `json:"token_url,omitempty"`
	// AllowInsecureHTTP permits plain http URLs to non-loopback hosts.
	AllowInsecureHTTP bool `json:"allow_insecure_http,omitempty"`
	// Timeout bounds each operation, token request included: a Go
	// duration string such as "30s" (read as httpx.Duration, like every
	// adapter's timeout). Empty means the Client's own timeout alone
	// applies.
	Timeout string `json:"timeout,omitempty"`
	// WebhookSecrets are the signature keys webhooks are verified with: the
	// key of the workflow's webhook action, and during a rotation its
	// successor too (at most two). Without them the adapter declares no
	// webhooks.
	WebhookSecrets []tokenize.Secret `json:"webhook_secrets,omitempty"`
}

// provider implements tokenize.Provider for Checkout.com.
type provider struct {
	http         *httpx.Client
	baseURL      string
	tokenURL     string
	clientID     string
	clientSecret tokenize.Secret
	publicKey    tokenize.Secret
	secretKey    tokenize.Secret
	timeout      time.Duration
	caps         tokenize.Capabilities
	tokens       *tokenSource
	// webhookSecrets verify webhook signatures (ParseWebhook).
	webhookSecrets []tokenize.Secret
}

func open(_ context.Context, raw json.RawMessage, opts tokenize.OpenOptions) (tokenize.Provider, error) {
	var s Settings
	if err := tokenize.DecodeSettings(raw, &s); err != nil {
		return nil, err
	}
	return New(s, opts)
}

// New returns the adapter built from s, for use with tokenize.New when
// settings do not come from a configuration file. opts.HTTPClient replaces
// the default HTTP client. Errors name the offending setting.
func New(s Settings, opts tokenize.OpenOptions) (tokenize.Provider, error) {
	// Not "return newProvider(...)": a nil *provider would become a
	// non-nil Provider.
	p, err := newProvider(s, opts.HTTPClient)
	if err != nil {
		return nil, err
	}
	return p, nil
}

func newProvider(s Settings, hc *http.Client) (*provider, error) {
	env := strings.ToLower(strings.TrimSpace(s.Environment))
	if env == "" {
		env = EnvironmentSandbox
	}
	if env != EnvironmentSandbox && env != EnvironmentProduction {
		return nil, tokenize.InvalidSetting("environment", `must be "sandbox" or "production"`)
	}
	if s.ClientID == "" {
		return nil, tokenize.MissingSetting("client_id")
	}
	if strings.ContainsAny(s.ClientID, " \t\r\n:") {
		return nil, tokenize.InvalidSetting("client_id", "must not contain spaces or colons")
	}
	if s.ClientSecret == "" {
		return nil, tokenize.MissingSetting("client_secret")
	}
	if s.PublicKey != "" && !strings.HasPrefix(s.PublicKey.Reveal(), "pk_") {
		return nil, tokenize.InvalidSetting("public_key", `must be a Checkout.com public key ("pk_...")`)
	}
	if s.SecretKey != "" && !strings.HasPrefix(s.SecretKey.Reveal(), "sk_") {
		return nil, tokenize.InvalidSetting("secret_key", `must be a Checkout.com secret key ("sk_...")`)
	}
	apiHost, authHost := sandboxAPI, sandboxAuth
	if env == EnvironmentProduction {
		apiHost, authHost = productionAPI, productionAuth
	}
	if m := prefixPattern.FindStringSubmatch(s.ClientID); m != nil {
		apiHost, authHost = m[1]+"."+apiHost, m[1]+"."+authHost
	}
	base := "https://" + apiHost
	if s.BaseURL != "" {
		var err error
		if base, err = httpx.CheckBaseURL("base_url", s.BaseURL, s.AllowInsecureHTTP); err != nil {
			return nil, err
		}
	}
	tokenURL := "https://" + authHost + tokenPath
	if s.TokenURL != "" {
		var err error
		if tokenURL, err = httpx.CheckBaseURL("token_url", s.TokenURL, s.AllowInsecureHTTP); err != nil {
			return nil, err
		}
	}
	var timeout time.Duration
	if s.Timeout != "" {
		var d httpx.Duration
		quoted, _ := json.Marshal(s.Timeout)
		if err := d.UnmarshalJSON(quoted); err != nil {
			return nil, tokenize.InvalidSetting("timeout", err.Error())
		}
		timeout = time.Duration(d)
	}
	if len(s.WebhookSecrets) > maxWebhookSecrets {
		return nil, tokenize.InvalidSetting("webhook_secrets", "holds at most two keys: the current one and, during a rotation, the next")
	}
	for _, k := range s.WebhookSecrets {
		if k == "" {
			return nil, tokenize.InvalidSetting("webhook_secrets", "must not hold an empty key")
		}
	}
	hx, err := httpx.NewClient(hc)
	if err != nil {
		return nil, err
	}
	hx.RequestIDHeader = requestIDHeader
	hx.Secrets.Add(s.ClientID, s.ClientSecret.Reveal(), s.PublicKey.Reveal(), s.SecretKey.Reveal())
	for _, k := range s.WebhookSecrets {
		hx.Secrets.Add(k.Reveal())
	}
	p := &provider{
		http:         hx,
		baseURL:      base,
		tokenURL:     tokenURL,
		clientID:     s.ClientID,
		clientSecret: s.ClientSecret,
		publicKey:    s.PublicKey,
		secretKey:    s.SecretKey,
		timeout:      timeout,

		webhookSecrets: append([]tokenize.Secret(nil), s.WebhookSecrets...),
	}
	p.tokens = &tokenSource{p: p, now: time.Now, scope: OAuthScopes}
	if p.secretKey != "" {
		p.tokens.scope = NetworkTokensScope
	}
	p.caps = capabilities(p.publicKey != "", len(p.webhookSecrets) > 0)
	return p, nil
}

func capabilities(cards, webhooks bool) tokenize.Capabilities {
	kinds := []tokenize.PaymentMethodKind{tokenize.KindBankAccount}
	if cards {
		kinds = []tokenize.PaymentMethodKind{tokenize.KindCard, tokenize.KindBankAccount}
	}
	return tokenize.Capabilities{
		Operations:                tokenize.Operations(),
		PaymentMethods:            kinds,
		TemporaryTokens:           true,
		ProvisionFromPaymentToken: true,
		ProvisionFromCard:         true,
		// POST /network-tokens answers a source that already has a token
		// with 200 and that token (seed 002).
		ProvisionIsIdempotent: true,
		TransactionTypes: []tokenize.TransactionType{
			tokenize.ECommerce, tokenize.Recurring, tokenize.PointOfSale, tokenize.AccountFunding,
		},
		Webhooks: webhooks,
		// The SDKs' TokenState has Requested, and "the GET response
		// allows additional state values (Declined, Requested)" (research
		// notes §5.3): a provision may answer before the DPAN exists.
		ProvisionMayBePending: true,
		// Declared rather than checked in the adapter, so callers (and a
		// router choosing a provider) see it up front and the Client
		// refuses it like any other invalid input: the official SDKs mark
		// account_holder required for ach instruments.
		RequiredFields: []string{tokenize.FieldBankHolderName},
	}
}

// Name implements tokenize.Provider.
func (p *provider) Name() string { return Name }

// Format prints the provider without its credentials, for every verb: fmt
// would otherwise reach the unexported Secret fields by reflection, where
// their own redaction does not apply.
func (p *provider) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "checkout.provider{base_url: %s, token_url: %s, client_id: %s}", p.baseURL, p.tokenURL, p.clientID)
}

// Capabilities implements tokenize.Provider.
func (p *provider) Capabilities() tokenize.Capabilities { return p.caps }

// withTimeout applies the timeout setting to one operation.
func (p *provider) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if p.timeout > 0 {
		return context.WithTimeout(ctx, p.timeout)
	}
	return ctx, func() {}
}
