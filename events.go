package tokenize

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/tokenize-go/tokenize/internal/redact"
)

// A network token changes after it is provisioned: the issuer suspends or
// reactivates it, reissues the card behind it (new expiry, new last four),
// or it is deleted. A NetworkTokenEvent reports one such change the same
// way for every provider, whether the provider pushed it (a webhook, see
// Client.WebhookHandler) or the library found it by reading the token
// again (Client.SyncNetworkTokens).
//
// Events arrive at least once and in no guaranteed order: a provider
// redelivers a webhook until it is acknowledged, two sweeps can see the
// same change, and a delayed delivery can arrive after a newer one. Keep
// your copy of each token and bring it up to date with Apply, which
// applies an event only when it is newer than what your copy reflects; a
// duplicate or an older delivery then changes nothing. If you also keep a
// log of events, their ID identifies repeats.

// EventKind says what changed in a network token. Its zero value,
// EventNone, means nothing did (see NetworkTokenEvent.Apply).
type EventKind uint8

// The event kinds, from the least to the most significant: when several
// things changed at once, the most significant is reported (the new
// snapshot carries all of them).
const (
	// EventNone: nothing changed ("none").
	EventNone EventKind = iota
	// EventUpdated: the provider reports that the token changed without
	// saying what ("updated"), as Checkout.com's network_token_update
	// does; Apply tells what differs from your copy.
	EventUpdated
	// EventCardUpdated: the token's expiry or DPAN, or the card behind it
	// (last four, expiry, PAR), changed, typically because the issuer
	// reissued the card ("card_updated").
	EventCardUpdated
	// EventStateChanged: the token moved to another usable or pending
	// state, such as suspended or active again ("state_changed").
	EventStateChanged
	// EventDeleted: the token can no longer be used: deleted at the scheme,
	// deactivated (StateInactive), or no longer known to the provider
	// ("deleted").
	EventDeleted
)

var eventKindNames = []string{"none", "updated", "card_updated", "state_changed", "deleted"}

// String returns the EventKind's name, or EventKind(n) for a value out of range.
func (k EventKind) String() string { return enumString(eventKindNames, k, "EventKind") }

// ParseEventKind parses the String form of an EventKind.
func ParseEventKind(s string) (EventKind, error) {
	return enumParse[EventKind](eventKindNames, s, "event kind")
}

// MarshalText implements encoding.TextMarshaler.
func (k EventKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *EventKind) UnmarshalText(t []byte) (err error) { *k, err = ParseEventKind(string(t)); return }

// NetworkTokenEvent is one change to a network token, in the same form for
// every provider and both ways of learning it (webhook or sync).
type NetworkTokenEvent struct {
	// Provider is the registered name of the provider the token belongs to.
	Provider string
	// ID identifies the event: the provider's own event id for a webhook
	// (Checkout.com evt_…), and for a sync an id derived from the token,
	// the copy it was compared with and what was read, so that two sweeps
	// from the same copy that see the same change report the same id.
	ID string
	// OccurredAt is when the snapshot in Token held: the provider's event
	// time for a webhook, the moment the token was read for a sync (or the
	// provider's time of the change, if later). Apply orders events by it.
	OccurredAt time.Time
	// Kind says what changed. A sync compares the token with the copy you
	// gave it and says precisely; a webhook says what the provider says
	// (EventUpdated when it does not tell). Apply reports precisely what
	// changed in your copy in both cases.
	Kind EventKind
	// Token is the token as the event describes it: ID and State always,
	// and every other field the provider sent. A webhook may omit fields
	// (Checkout.com's carries no DPAN); a field left zero means "not
	// said", never "now empty". A DPAN, when present, is a PAN and prints
	// masked.
	Token NetworkToken
	// ProviderType is the provider's own name for the event, such as
	// Checkout.com's "network_token_update"; empty for a sync.
	ProviderType string

	payload []byte
}

// ProviderPayload returns a copy of the provider's raw event (the webhook
// body) with card numbers masked and sensitive values redacted, or nil
// when there is none (a sync). It is an escape hatch for what the neutral
// fields do not model.
func (e *NetworkTokenEvent) ProviderPayload() []byte {
	if e.payload == nil {
		return nil
	}
	return append([]byte(nil), e.payload...)
}

// eventSensitiveKeys are JSON keys whose values are never kept in a
// payload, whatever the provider: card numbers and DPANs under the names
// the providers use, CVVs, cryptograms and bank account numbers.
var eventSensitiveKeys = []string{"number", "card_number", "cardNumber", "token_number", "tokenNumber",
	"cvv", "CVV", "cryptogram", "account_number", "accountNumber"}

// SetProviderPayload records the provider's raw event for
// ProviderPayload. Adapters call it with the verified webhook body. It is
// stored redacted: card-number-like digit runs are masked everywhere, and
// the values of the JSON keys every provider uses for card numbers, DPANs,
// CVVs, cryptograms and account numbers ("number", "card_number",
// "token_number", "cvv", "cryptogram", "account_number" and their
// camelCase forms), and of sensitiveKeys (the adapter's own wire names for
// card data), are replaced. It is capped like Error.SetProviderBody.
func (e *NetworkTokenEvent) SetProviderPayload(body []byte, sensitiveKeys ...string) {
	const maxKept = 64 << 10
	keys := make(map[string]bool, len(eventSensitiveKeys)+len(sensitiveKeys))
	for _, k := range eventSensitiveKeys {
		keys[k] = true
	}
	for _, k := range sensitiveKeys {
		keys[k] = true
	}
	// Redacted whole, then capped: a cap first could cut a card number
	// below the length the redactor recognises and leave its digits.
	kept := redact.Body(body, keys, nil)
	if len(kept) > maxKept {
		kept = kept[:maxKept]
	}
	e.payload = append([]byte(nil), kept...)
}

// Format prints the event with the token's DPAN masked and without the
// payload, whatever the verb (see Card.Format).
func (e NetworkTokenEvent) Format(f fmt.State, verb rune) {
	type plain struct {
		Provider     string
		ID           string
		OccurredAt   time.Time
		Kind         EventKind
		Token        NetworkToken
		ProviderType string
	}
	type NetworkTokenEvent plain // so that %#v names the type tokenize.NetworkTokenEvent
	fmt.Fprintf(f, fmt.FormatString(f, verb), NetworkTokenEvent{e.Provider, e.ID, e.OccurredAt, e.Kind, e.Token, e.ProviderType})
}

// LogValue implements slog.LogValuer with the event's identity and the
// token's id and state only.
func (e NetworkTokenEvent) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("provider", e.Provider),
		slog.String("id", e.ID),
		slog.String("kind", e.Kind.String()),
		slog.Time("occurred_at", e.OccurredAt),
		slog.String("token_id", e.Token.ID),
		slog.String("state", e.Token.State.String()),
	)
}

// Apply brings held, your copy of the token, up to date with e when e is
// newer than what held reflects, and reports what changed.
//
// e is applied when it is about held (the same ID, and the same Provider
// when both name one) and e.OccurredAt is after held.UpdatedAt (or held
// has none). Applying copies every field the event's Token carries over
// held, keeps the fields it does not carry, and sets held.UpdatedAt to
// e.OccurredAt. Store held whenever applied is true, UpdatedAt included:
// that is what makes a repeat of e, or an older event delivered late,
// change nothing. changed is the most significant of EventDeleted,
// EventStateChanged and EventCardUpdated that applying made true, or
// EventNone when nothing but UpdatedAt moved or e was not applied.
//
// A webhook's time is the provider's clock and a sync's is yours (unless
// the provider dates the change later): their skew matters only for two
// changes closer together than it.
func (e *NetworkTokenEvent) Apply(held *NetworkToken) (changed EventKind, applied bool) {
	if held == nil || e.Token.ID == "" || e.Token.ID != held.ID ||
		(held.Provider != "" && e.Provider != "" && held.Provider != e.Provider) {
		return EventNone, false
	}
	if !held.UpdatedAt.IsZero() && !e.OccurredAt.After(held.UpdatedAt) {
		return EventNone, false
	}
	changed = changeOf(held, &e.Token)
	merge(held, &e.Token)
	if held.Provider == "" {
		held.Provider = e.Provider
	}
	held.UpdatedAt = e.OccurredAt
	return changed, true
}

// terminal reports a state from which a token never comes back.
func terminal(s NetworkTokenState) bool { return s == StateInactive || s == StateDeleted }

// changeOf reports what differs between old, a copy of a token, and now,
// what an event or a read says it is. A field counts only where both say
// something: a copy that never kept a field, or an event that does not
// carry it, is not a change.
func changeOf(old, now *NetworkToken) EventKind {
	if now.State != StateUnknown && now.State != old.State {
		if terminal(now.State) {
			return EventDeleted
		}
		return EventStateChanged
	}
	if differs(old.ExpiryMonth, now.ExpiryMonth) || differs(old.ExpiryYear, now.ExpiryYear) ||
		differs(old.Number, now.Number) || differs(old.CardLast4, now.CardLast4) ||
		differs(old.CardExpiryMonth, now.CardExpiryMonth) || differs(old.CardExpiryYear, now.CardExpiryYear) ||
		differs(old.PaymentAccountReference, now.PaymentAccountReference) {
		return EventCardUpdated
	}
	return EventNone
}

func differs[T comparable](old, now T) bool {
	var zero T
	return old != zero && now != zero && old != now
}

// merge copies every non-zero field of from over to, except the
// provisioning flag, which describes a call rather than the token.
func merge(to, from *NetworkToken) {
	set(&to.PaymentTokenID, from.PaymentTokenID)
	set(&to.State, from.State)
	set(&to.Scheme, from.Scheme)
	set(&to.Number, from.Number)
	set(&to.ExpiryMonth, from.ExpiryMonth)
	set(&to.ExpiryYear, from.ExpiryYear)
	set(&to.CardLast4, from.CardLast4)
	set(&to.CardExpiryMonth, from.CardExpiryMonth)
	set(&to.CardExpiryYear, from.CardExpiryYear)
	set(&to.PaymentAccountReference, from.PaymentAccountReference)
	set(&to.TokenRequestorID, from.TokenRequestorID)
	set(&to.TokenReference, from.TokenReference)
	set(&to.AssuranceLevel, from.AssuranceLevel)
	set(&to.CreatedAt, from.CreatedAt)
}

func set[T comparable](to *T, from T) {
	var zero T
	if from != zero {
		*to = from
	}
}
