package checkout

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"github.com/tokenize-go/tokenize"
)

// SignatureHeader is the header carrying a webhook's signature: the hex
// HMAC-SHA256 of the raw request body, keyed with the workflow's signature
// key (research notes §10).
const SignatureHeader = "Cko-Signature"

// EventNetworkTokenUpdate is the event type sent when a network token's
// state or card information changes.
const EventNetworkTokenUpdate = "network_token_update"

// maxWebhookBody bounds a webhook body; events are a few hundred bytes.
const maxWebhookBody = 64 << 10

// NetworkTokenUpdate is a verified network_token_update event.
type NetworkTokenUpdate struct {
	// EventID is Checkout.com's event id (evt_...); deliveries are
	// at-least-once, so use it to drop duplicates.
	EventID string
	// OccurredAt is the event's created_on; deliveries may arrive out of
	// order, so compare it before applying an update.
	OccurredAt time.Time
	// Token holds what the event tells: id, state, token and card expiry,
	// card last four, PAR and scheme. The event carries no DPAN.
	Token *tokenize.NetworkToken
}

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

// ParseNetworkTokenUpdate verifies a webhook's signature (the value of
// SignatureHeader) with key, then decodes a network_token_update event.
// Pass the raw body as received: the signature covers its exact bytes. A
// bad signature is Unauthenticated; anything else that is not a valid
// network_token_update event is InvalidArgument.
func ParseNetworkTokenUpdate(body []byte, signature string, key tokenize.Secret) (*NetworkTokenUpdate, error) {
	if key == "" {
		return nil, &tokenize.Error{Code: tokenize.InvalidArgument, Message: "webhook signature key is required"}
	}
	if len(body) > maxWebhookBody {
		return nil, &tokenize.Error{Code: tokenize.InvalidArgument, Message: "webhook body too large"}
	}
	want, err := hex.DecodeString(strings.TrimSpace(signature))
	mac := hmac.New(sha256.New, []byte(key.Reveal()))
	mac.Write(body)
	if err != nil || !hmac.Equal(want, mac.Sum(nil)) {
		return nil, &tokenize.Error{Code: tokenize.Unauthenticated, Message: "webhook signature does not match"}
	}
	bad := func(why string) error {
		return &tokenize.Error{Code: tokenize.InvalidArgument, Message: "webhook: " + why}
	}
	var ev webhookEvent
	if b := bytes.TrimSpace(body); len(b) == 0 || b[0] != '{' || json.Unmarshal(b, &ev) != nil {
		return nil, bad("body is not a JSON event")
	}
	if ev.Type != EventNetworkTokenUpdate {
		return nil, bad("not a " + EventNetworkTokenUpdate + " event")
	}
	if ev.Data == nil || ev.Data.NetworkToken == nil || ev.Data.NetworkToken.ID == "" {
		return nil, bad("event has no data.network_token.id")
	}
	n := ev.Data.NetworkToken
	nt := &tokenize.NetworkToken{
		Provider: Name, ID: n.ID, State: stateOf(n.State),
		PaymentAccountReference: n.PaymentAccountReference,
	}
	switch strings.ToLower(ev.Data.Scheme) {
	case "visa":
		nt.Scheme = tokenize.SchemeVTS
	case "mastercard":
		nt.Scheme = tokenize.SchemeMDES
	}
	if !validExpiry(n.ExpiryMonth, n.ExpiryYear) {
		return nil, bad("network token expiry is invalid")
	}
	nt.ExpiryMonth, nt.ExpiryYear = n.ExpiryMonth, n.ExpiryYear
	if c := ev.Data.Card; c != nil {
		if !validExpiry(c.ExpiryMonth, c.ExpiryYear) {
			return nil, bad("card expiry is invalid")
		}
		nt.CardLast4, nt.CardExpiryMonth, nt.CardExpiryYear = lastDigits(c.LastFour, 4), c.ExpiryMonth, c.ExpiryYear
	}
	at, ok := timeOpt(ev.CreatedOn)
	if !ok {
		return nil, bad("created_on is not a timestamp")
	}
	nt.UpdatedAt = at
	return &NetworkTokenUpdate{EventID: ev.ID, OccurredAt: at, Token: nt}, nil
}

// validExpiry accepts an absent expiry (0, 0) or a month 1-12 with a
// four-digit year.
func validExpiry(month, year int) bool {
	return (month == 0 || month >= 1 && month <= 12) && (year == 0 || year >= 1000 && year <= 9999)
}
