package checkout

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/redact"
)

// SignatureHeader is the header carrying a webhook's signature: the hex
// HMAC-SHA256 of the raw request body, keyed with the workflow's signature
// key (research notes §10).
const SignatureHeader = "Cko-Signature"

// EventNetworkTokenUpdate is the event type Checkout.com sends when a
// network token's state or card information changes (research notes §10;
// there are no separate suspended or deleted types).
const EventNetworkTokenUpdate = "network_token_update"

// maxWebhookSecrets is how many webhook_secrets may be configured: the key
// in use and its successor while a workflow's signature key is rotated.
// Each further key would be one more HMAC per delivery and one more key a
// forger could hold, for no rotation that needs it.
const maxWebhookSecrets = 2

// maxEventIDLen bounds the event and token ids a webhook may carry:
// Checkout.com's are evt_ or nt_ and 26 characters; the bound keeps a
// forged-but-signed oddity from becoming an unbounded key in the caller's
// store.
const maxEventIDLen = 64

// webhookEvent is the network_token_update envelope (research notes §10:
// card.last_four, integer expiries, data.scheme, no DPAN).
type webhookEvent struct {
	ID        string `json:"id"`
	Type      string `json:"type"`
	CreatedOn string `json:"created_on"`
	Data      *struct {
		Scheme string `json:"scheme"`
		Card   *struct {
			LastFour    string `json:"last_four"`
			ExpiryMonth int    `json:"expiry_month"`
			ExpiryYear  int    `json:"expiry_year"`
		} `json:"card"`
		NetworkToken *struct {
			ID                      string `json:"id"`
			State                   string `json:"state"`
			ExpiryMonth             int    `json:"expiry_month"`
			ExpiryYear              int    `json:"expiry_year"`
			PaymentAccountReference string `json:"payment_account_reference"`
		} `json:"network_token"`
	} `json:"data"`
}

// ParseWebhook implements tokenize.WebhookParser: it verifies SignatureHeader
// against every configured webhook secret, then decodes a
// network_token_update event. Other event types (a workflow may send
// payment events to the same URL) give no events.
func (p *provider) ParseWebhook(header http.Header, body []byte) ([]*tokenize.NetworkTokenEvent, error) {
	if !signedByAny(header.Get(SignatureHeader), body, p.webhookSecrets) {
		return nil, &tokenize.Error{Code: tokenize.Unauthenticated, Message: "webhook signature (" + SignatureHeader + ") is missing or does not match"}
	}
	ev, err := parseNetworkTokenUpdate(body, &p.http.Secrets)
	if err != nil || ev == nil {
		return nil, err
	}
	return []*tokenize.NetworkTokenEvent{ev}, nil
}

// signedByAny reports whether signature is the hex HMAC-SHA256 of body
// under one of secrets. Every secret is tried, whatever matched, and each
// comparison is constant-time, so the time taken says nothing about the
// signature or which key it was made with.
func signedByAny(signature string, body []byte, secrets []tokenize.Secret) bool {
	want, err := hex.DecodeString(strings.TrimSpace(signature))
	if err != nil || len(want) != sha256.Size {
		return false
	}
	ok := false
	for _, s := range secrets {
		mac := hmac.New(sha256.New, []byte(s.Reveal()))
		mac.Write(body)
		ok = hmac.Equal(want, mac.Sum(nil)) || ok
	}
	return ok
}

// parseNetworkTokenUpdate decodes a verified body: nil, nil for an event of
// another type; InvalidArgument for anything that is not a valid event.
// The payload the event keeps has the adapter's credentials removed.
func parseNetworkTokenUpdate(body []byte, credentials *redact.Secrets) (*tokenize.NetworkTokenEvent, error) {
	bad := func(why string) error {
		return &tokenize.Error{Code: tokenize.InvalidArgument, Message: "webhook: " + why}
	}
	var ev webhookEvent
	if b := bytes.TrimSpace(body); len(b) == 0 || b[0] != '{' || json.Unmarshal(b, &ev) != nil {
		return nil, bad("body is not a JSON event")
	}
	if ev.Type != EventNetworkTokenUpdate {
		return nil, nil
	}
	if !safeEventID(ev.ID) {
		return nil, bad("event id is missing or malformed")
	}
	if ev.Data == nil || ev.Data.NetworkToken == nil || !safeEventID(ev.Data.NetworkToken.ID) {
		return nil, bad("event has no valid data.network_token.id")
	}
	at, ok := timeOpt(ev.CreatedOn)
	if !ok || at.IsZero() {
		return nil, bad("created_on is missing or not a timestamp")
	}
	n := ev.Data.NetworkToken
	if !validExpiry(n.ExpiryMonth, n.ExpiryYear) {
		return nil, bad("network token expiry is invalid")
	}
	nt := tokenize.NetworkToken{
		Provider: Name, ID: n.ID, State: stateOf(n.State),
		ExpiryMonth: n.ExpiryMonth, ExpiryYear: n.ExpiryYear,
		PaymentAccountReference: n.PaymentAccountReference,
	}
	switch strings.ToLower(ev.Data.Scheme) {
	case "visa":
		nt.Scheme = tokenize.SchemeVTS
	case "mastercard":
		nt.Scheme = tokenize.SchemeMDES
	}
	if c := ev.Data.Card; c != nil {
		if !validExpiry(c.ExpiryMonth, c.ExpiryYear) {
			return nil, bad("card expiry is invalid")
		}
		nt.CardLast4, nt.CardExpiryMonth, nt.CardExpiryYear = lastDigits(c.LastFour, 4), c.ExpiryMonth, c.ExpiryYear
	}
	// The event does not say what changed, only that the state or the card
	// did; a state from which a token never returns says it all.
	kind := tokenize.EventUpdated
	if nt.State == tokenize.StateInactive {
		kind = tokenize.EventDeleted
	}
	out := &tokenize.NetworkTokenEvent{Provider: Name, ID: ev.ID, OccurredAt: at, Kind: kind, Token: nt, ProviderType: ev.Type}
	out.SetProviderPayload([]byte(credentials.Scrub(string(body))), payloadKeys...)
	return out, nil
}

// payloadKeys are sensitiveKeys as a list, for SetProviderPayload.
var payloadKeys = func() []string {
	keys := make([]string, 0, len(sensitiveKeys))
	for k := range sensitiveKeys {
		keys = append(keys, k)
	}
	return keys
}()

// safeEventID accepts a non-empty id of at most maxEventIDLen letters,
// digits, '_' and '-': what Checkout.com's evt_ and nt_ ids are made of.
func safeEventID(s string) bool {
	if s == "" || len(s) > maxEventIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// validExpiry accepts an absent expiry (0, 0) or a month 1-12 with a
// four-digit year.
func validExpiry(month, year int) bool {
	return (month == 0 || month >= 1 && month <= 12) && (year == 0 || year >= 1000 && year <= 9999)
}
