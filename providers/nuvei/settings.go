package nuvei

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/httpx"
)

// Settings are the provider settings of a tokenize.Config for "nuvei":
//
//	{
//	  "provider": "nuvei",
//	  "settings": {
//	    "base_url": "https://nuvei.example",
//	    "api_key": "${NUVEI_API_KEY}",
//	    "processing_entity_id": "${NUVEI_PROCESSING_ENTITY_ID}",
//	    "timeout": "20s"
//	  }
//	}
//
// Unknown settings are rejected. Settings is the decoded form of that JSON;
// do not marshal it to build a configuration, since APIKey marshals
// redacted.
type Settings struct {
	// BaseURL is the REST API 2.0 root that /payment-tokens and
	// /network-tokens hang from. Required: Nuvei documents no public
	// sandbox host for REST 2.0, so there is no default to fall back on.
	// It must be https unless the host is loopback or AllowInsecureHTTP
	// is set.
	BaseURL string `json:"base_url"`
	// APIKey is sent in the x-api-key header. Required.
	APIKey tokenize.Secret `json:"api_key"`
	// ProcessingEntityID is the processingEntityId Nuvei assigned.
	// Required.
	ProcessingEntityID string `json:"processing_entity_id"`
	// Timeout bounds each HTTP exchange, as a Go duration string ("20s"),
	// read like every adapter's timeout (httpx.Duration). Optional: by
	// default only the caller's context (and the Client's default timeout)
	// bound a call. An exchange cut short by it is retried under the
	// Client's retry policy when that is safe (reads, cryptograms, a
	// request never sent); a create that was sent is not, and its error
	// reports OutcomeUnknown.
	Timeout string `json:"timeout,omitempty"`
	// AllowInsecureHTTP permits a plain http base URL on a non-loopback
	// host (a TLS-terminating proxy on a private network). Optional,
	// default false.
	AllowInsecureHTTP bool `json:"allow_insecure_http,omitempty"`
}

// maxProcessingEntityID bounds the processing entity id; Nuvei shows a UUID
// (36 characters), 64 leaves room without accepting junk.
const maxProcessingEntityID = 64

// open validates the settings and builds the provider.
func open(raw json.RawMessage, hc *http.Client) (*provider, error) {
	var s Settings
	if err := tokenize.DecodeSettings(raw, &s); err != nil {
		return nil, err
	}
	if s.BaseURL == "" {
		return nil, tokenize.MissingSetting("base_url")
	}
	base, err := httpx.CheckBaseURL("base_url", s.BaseURL, s.AllowInsecureHTTP)
	if err != nil {
		return nil, err
	}
	if s.APIKey == "" {
		return nil, tokenize.MissingSetting("api_key")
	}
	if strings.ContainsFunc(string(s.APIKey), func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return nil, tokenize.InvalidSetting("api_key", "must not contain whitespace or control characters")
	}
	if s.ProcessingEntityID == "" {
		return nil, tokenize.MissingSetting("processing_entity_id")
	}
	if len(s.ProcessingEntityID) > maxProcessingEntityID || !isIDText(s.ProcessingEntityID) {
		return nil, tokenize.InvalidSetting("processing_entity_id", "must be at most 64 letters, digits, hyphens or underscores")
	}
	var timeout time.Duration
	if s.Timeout != "" {
		var d httpx.Duration
		quoted, _ := json.Marshal(s.Timeout)
		if err := json.Unmarshal(quoted, &d); err != nil {
			return nil, tokenize.InvalidSetting("timeout", err.Error())
		}
		timeout = time.Duration(d)
	}
	hx, err := httpx.NewClient(hc)
	if err != nil {
		return nil, err
	}
	hx.Secrets.Add(s.APIKey.Reveal())
	return &provider{
		base:    base,
		key:     s.APIKey,
		entity:  s.ProcessingEntityID,
		query:   "?" + url.Values{entityQueryKey: {s.ProcessingEntityID}}.Encode(),
		timeout: timeout,
		http:    hx,
	}, nil
}

func isIDText(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
