package checkoutsim

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/simkit"
)

// WebhookKey is the signature key of the simulated workflow's webhook
// action: deliveries carry Cko-Signature, the hex HMAC-SHA256 of the body
// under it, and Server.Settings lists it in webhook_secrets.
const WebhookKey = "whsec_checkoutsim_wf_signature_key"

// DocumentedWebhookRetryDelays is Checkout.com's schedule for resending an
// event the receiver did not acknowledge (research notes §10).
var DocumentedWebhookRetryDelays = []time.Duration{
	5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 4 * time.Hour, 12 * time.Hour, 12 * time.Hour,
}

// eventLinkBase is where an event's _links.self points. The research
// example shows Checkout.com's QA host (flow.cko-qa.ckotech.co); an event
// has no request whose host the simulator could use, so it names the
// sandbox API host, where the workflows API lives.
const eventLinkBase = "https://api.sandbox.checkout.com/workflows/events/"

// webhookTimeScale shrinks the documented schedule for a simulator, whose
// tests cannot wait hours: a minute becomes a millisecond, so the eight
// resends take about 1.8 s instead of 30 h.
const webhookTimeScale = 60_000

// WithWebhookKey sets the key webhooks are signed with (default WebhookKey).
func WithWebhookKey(key string) Option { return func(s *Simulator) { s.webhookKey.Store(&key) } }

// WithWebhookRetryDelays replaces the waits before each resend of an
// unacknowledged webhook (default: DocumentedWebhookRetryDelays, a minute
// scaled to a millisecond). No delays means no resend.
func WithWebhookRetryDelays(d ...time.Duration) Option {
	return func(s *Simulator) { s.webhookDelays = append([]time.Duration{}, d...) }
}

// lifecycle is the simulator's issuer side: webhook delivery of
// network_token_update events.
type lifecycle struct {
	webhookKey    atomic.Pointer[string]
	webhookDelays []time.Duration // nil: the scaled documented schedule
	webhooks      *simkit.Webhooks
}

// startWebhooks builds the sender once the options are applied.
func (s *Simulator) startWebhooks() {
	if s.webhookKey.Load() == nil {
		key := WebhookKey
		s.webhookKey.Store(&key)
	}
	delays := s.webhookDelays
	if delays == nil {
		for _, d := range DocumentedWebhookRetryDelays {
			delays = append(delays, d/webhookTimeScale)
		}
	}
	s.webhooks = simkit.NewWebhooks(s.signWebhook, delays)
}

func (s *Simulator) signWebhook(body []byte) http.Header {
	mac := hmac.New(sha256.New, []byte(*s.webhookKey.Load()))
	mac.Write(body)
	return http.Header{"Cko-Signature": {hex.EncodeToString(mac.Sum(nil))}}
}

// SendWebhooksTo registers url as the workflow's webhook receiver: every
// later change to a network token (a state set by the issuer or a delete,
// a new expiry, a reissued card) is POSTed there as a signed
// network_token_update event, resent until acknowledged with a 2xx. ""
// stops sending new events.
func (s *Simulator) SendWebhooksTo(url string) { s.webhooks.SendTo(url) }

// SetWebhookKey changes the key later webhooks are signed with, as a
// rotation of the workflow's signature key does.
func (s *Simulator) SetWebhookKey(key string) { s.webhookKey.Store(&key) }

// DuplicateWebhooks makes every later event go out twice.
func (s *Simulator) DuplicateWebhooks(on bool) { s.webhooks.Duplicate(on) }

// HoldWebhooks keeps later events back until ReleaseWebhooks.
func (s *Simulator) HoldWebhooks() { s.webhooks.Hold() }

// ReleaseWebhooks sends the held events at once, newest first (out of
// order) when newestFirst is set.
func (s *Simulator) ReleaseWebhooks(newestFirst bool) { s.webhooks.Release(newestFirst) }

// WaitWebhooks returns once every event not held has been acknowledged or
// given up after the last resend, or with ctx's error.
func (s *Simulator) WaitWebhooks(ctx context.Context) error { return s.webhooks.Wait(ctx) }

// WebhookAttempts returns how many webhook deliveries were attempted,
// resends included.
func (s *Simulator) WebhookAttempts() int64 { return s.webhooks.Attempts() }

// Close stops webhook delivery (Server.Close does it too). A Simulator
// that never sent a webhook holds nothing to close.
func (s *Simulator) Close() { s.webhooks.Close() }

// SetNetworkTokenExpiry gives the token a new expiry, as the scheme does
// when it renews a token, and sends its network_token_update.
func (s *Simulator) SetNetworkTokenExpiry(id string, month, year int) error {
	return s.update(id, simkit.TokenUpdate{ExpiryMonth: month, ExpiryYear: year})
}

// ReissueCard records that the issuer replaced the card behind the token
// (an account-updater change): a new expiry, and new last four digits when
// last4 is not empty. It sends the token's network_token_update.
func (s *Simulator) ReissueCard(id, last4 string, month, year int) error {
	if month == 0 && year == 0 {
		return fmt.Errorf("checkoutsim: a reissued card has an expiry: %w", simkit.ErrInvalid)
	}
	return s.update(id, simkit.TokenUpdate{CardLast4: last4, CardExpiryMonth: month, CardExpiryYear: year})
}

// SetNetworkTokenState forces the state of a network token, as an issuer
// or cardholder action would, and sends its network_token_update. Only
// the states Checkout.com reports (active, suspended, inactive, declined,
// requested) are accepted.
func (s *Simulator) SetNetworkTokenState(id string, st tokenize.NetworkTokenState) error {
	return s.update(id, simkit.TokenUpdate{State: st.String()})
}

// update applies u to the network token id as one change: one
// modification date, one event. It is what the Go API and the control API
// share.
func (s *Simulator) update(id string, u simkit.TokenUpdate) error {
	if err := u.Check(); err != nil {
		return fmt.Errorf("checkoutsim: %w", err)
	}
	state := ""
	if u.State != "" {
		st, err := tokenize.ParseNetworkTokenState(u.State)
		switch {
		case err != nil:
			return fmt.Errorf("checkoutsim: no network token state %q: %w", u.State, simkit.ErrInvalid)
		case st == tokenize.StateActive, st == tokenize.StateSuspended, st == tokenize.StateInactive,
			st == tokenize.StateDeclined, st == tokenize.StateRequested:
			state = st.String()
		default:
			return fmt.Errorf("checkoutsim: Checkout.com has no network token state %s: %w", st, simkit.ErrInvalid)
		}
	}
	s.mu.Lock()
	nt := s.networkTokens[id]
	if nt == nil {
		s.mu.Unlock()
		return fmt.Errorf("checkoutsim: network token %s: %w", id, simkit.ErrNotFound)
	}
	if u.ExpiryMonth != 0 && nt.dpan == "" && !hasDPAN(state) {
		s.mu.Unlock()
		return fmt.Errorf("checkoutsim: network token %s has no DPAN whose expiry could change: %w", id, simkit.ErrInvalid)
	}
	if state != "" {
		nt.state = state
		if hasDPAN(state) && nt.dpan == "" {
			// A token the scheme declined has no DPAN yet; one it now
			// activates gets one, as at provisioning.
			s.issueDPAN(nt)
		}
	}
	if u.ExpiryMonth != 0 {
		nt.expMonth, nt.expYear = u.ExpiryMonth, u.ExpiryYear
	}
	if u.CardLast4 != "" {
		nt.cardLast4 = u.CardLast4
	}
	if u.CardExpiryMonth != 0 {
		nt.cardMonth, nt.cardYear = u.CardExpiryMonth, u.CardExpiryYear
	}
	s.touchLocked(nt)
	event := s.webhookEventLocked(nt)
	s.mu.Unlock()
	s.webhooks.Send(event)
	return nil
}

// webhookEventLocked renders nt's network_token_update event, in the shape
// of research notes §10 (card.last_four, integer expiries, data.scheme,
// no DPAN); s.mu must be held.
func (s *Simulator) webhookEventLocked(nt *networkToken) []byte {
	id := s.newID("evt_")
	scheme := "mastercard"
	if nt.scheme == "vts" {
		scheme = "visa"
	}
	token := map[string]any{"id": nt.id, "state": nt.state}
	if hasDPAN(nt.state) {
		token["expiry_month"], token["expiry_year"] = nt.expMonth, nt.expYear
	}
	if nt.par != "" {
		token["payment_account_reference"] = nt.par
	}
	b, _ := json.Marshal(map[string]any{
		"id":         id,
		"type":       "network_token_update",
		"version":    "1.0.0",
		"created_on": nt.modified.Format(time.RFC3339Nano),
		"data": map[string]any{
			"scheme":        scheme,
			"card":          map[string]any{"last_four": nt.cardLast4, "expiry_month": nt.cardMonth, "expiry_year": nt.cardYear},
			"network_token": token,
		},
		"_links": map[string]any{"self": map[string]string{"href": eventLinkBase + id}},
	})
	return b
}

// touchLocked records a change to nt now. The time only moves forward, by
// at least the millisecond GET's modified_on shows: two changes within one
// millisecond would otherwise carry the same time, and a receiver applying
// events only when newer (tokenize's NetworkTokenEvent.Apply) would drop
// the second. s.mu must be held.
func (s *Simulator) touchLocked(nt *networkToken) {
	now := s.now().UTC().Truncate(time.Millisecond)
	if !now.After(nt.modified) {
		now = nt.modified.Truncate(time.Millisecond).Add(time.Millisecond)
	}
	nt.modified = now
}
