package worldpay

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/httpx"
)

// Environments and their hosts (the Tokens API's OpenAPI servers).
const (
	EnvironmentTry  = "try"
	EnvironmentLive = "live"

	tryURL  = "https://try.access.worldpay.com"
	liveURL = "https://access.worldpay.com"
)

// DefaultMerchantEntity is the merchant.entity sent when the settings name
// none: the value of every example in Worldpay's reference. Your
// Implementation Manager tells you yours.
const DefaultMerchantEntity = "default"

// maxMerchantEntity bounds merchant_entity. Worldpay documents no limit;
// 64 characters leaves room for any account name without accepting junk.
const maxMerchantEntity = 64

// Settings are the adapter's settings (tokenize.Config.Settings), as the
// package overview shows them. Unknown keys are rejected. Do not marshal
// Settings to build a configuration: Password marshals redacted.
type Settings struct {
	// Environment is "try" (default) or "live".
	Environment string `json:"environment,omitempty"`
	// Username and Password are the Basic auth credentials Worldpay
	// issued. Required.
	Username tokenize.Secret `json:"username"`
	Password tokenize.Secret `json:"password"`
	// MerchantEntity is sent as merchant.entity, which "identifies the
	// merchant account for billing, reporting and reconciliation".
	// DefaultMerchantEntity when empty.
	MerchantEntity string `json:"merchant_entity,omitempty"`
	// BaseURL overrides the environment's host.
	BaseURL string `json:"base_url,omitempty"`
	// AllowInsecureHTTP permits a plain http BaseURL to a non-loopback
	// host.
	AllowInsecureHTTP bool `json:"allow_insecure_http,omitempty"`
	// Timeout bounds each HTTP exchange, as a Go duration string ("30s"),
	// read like every adapter's timeout (httpx.Duration). Empty: only the
	// caller's context and the Client's timeout apply.
	Timeout string `json:"timeout,omitempty"`
}

func open(_ context.Context, raw json.RawMessage, opts tokenize.OpenOptions) (tokenize.Provider, error) {
	var s Settings
	if err := tokenize.DecodeSettings(raw, &s); err != nil {
		return nil, err
	}
	return New(s, opts)
}

// New returns the adapter built from s, for use with tokenize.New when the
// settings do not come from a configuration file. opts.HTTPClient replaces
// the default HTTP client. Errors name the offending setting.
func New(s Settings, opts tokenize.OpenOptions) (tokenize.Provider, error) {
	p, err := newProvider(s, opts.HTTPClient)
	if err != nil {
		return nil, err // not p: a nil *provider would be a non-nil Provider
	}
	return p, nil
}

func newProvider(s Settings, hc *http.Client) (*provider, error) {
	env := strings.ToLower(strings.TrimSpace(s.Environment))
	base := tryURL
	switch env {
	case "", EnvironmentTry:
	case EnvironmentLive:
		base = liveURL
	default:
		return nil, tokenize.InvalidSetting("environment", `must be "try" or "live"`)
	}
	user, pass := s.Username.Reveal(), s.Password.Reveal()
	if user == "" {
		return nil, tokenize.MissingSetting("username")
	}
	if strings.ContainsRune(user, ':') || hasControl(user) {
		return nil, tokenize.InvalidSetting("username", "must not contain a colon or control characters (HTTP Basic)")
	}
	if pass == "" {
		return nil, tokenize.MissingSetting("password")
	}
	if hasControl(pass) {
		return nil, tokenize.InvalidSetting("password", "must not contain control characters")
	}
	entity := s.MerchantEntity
	if entity == "" {
		entity = DefaultMerchantEntity
	}
	if len(entity) > maxMerchantEntity || hasControl(entity) || strings.TrimSpace(entity) != entity {
		return nil, tokenize.InvalidSetting("merchant_entity", "must be at most 64 printable characters without surrounding spaces")
	}
	if s.BaseURL != "" {
		var err error
		if base, err = httpx.CheckBaseURL("base_url", s.BaseURL, s.AllowInsecureHTTP); err != nil {
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
	hx, err := httpx.NewClient(hc)
	if err != nil {
		return nil, err
	}
	hx.RequestIDHeader = requestIDHeader
	auth := basicAuth(user, pass)
	// The Basic value too, whole: redact.Secrets also finds each
	// credential inside base64 at any offset, but the header as sent is
	// the likeliest echo.
	hx.Secrets.Add(user, pass, auth[len("Basic "):])
	return &provider{http: hx, base: base, auth: auth, entity: entity, timeout: timeout}, nil
}

// hasControl reports a control character (CR and LF would split a header).
func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f })
}
