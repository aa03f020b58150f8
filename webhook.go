package tokenize

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"
)

// MaxWebhookBytes bounds a webhook body. A network-token event is well
// under a kilobyte; 64 KiB leaves room for any provider's envelope and
// bounds what an unauthenticated sender can make us buffer and hash.
const MaxWebhookBytes = 64 << 10

// MaxWebhookAge is the age beyond which a signed event is refused as a
// possible replay. Checkout.com resends an unacknowledged event for about
// 31 hours (5 min, 10 min, 15 min, 30 min, 1 h, 4 h, 12 h, 12 h); 72 hours
// accepts every genuine retry with room for clock skew, and a token missed
// that way is caught by SyncNetworkTokens.
const MaxWebhookAge = 72 * time.Hour

// maxWebhookSkew is how far in the future an event's time may be: the
// provider's clock and ours differ by seconds, not minutes.
const maxWebhookSkew = 5 * time.Minute

// ParseWebhook verifies one webhook delivery and returns its network-token
// events, for programs that route requests themselves; WebhookHandler is
// the ready-made http.Handler. Pass the request's header and its raw body,
// unmodified: the signature covers the exact bytes.
//
// A missing or wrong signature gives ErrUnauthenticated and nothing is
// parsed; a body over MaxWebhookBytes, one that is not a valid event, or
// an event older than MaxWebhookAge (a replay) or from the future gives
// ErrInvalidArgument. A verified event that is not about network tokens
// gives no events and no error: acknowledge it. A provider that declares no
// webhooks (Capabilities.Webhooks) gives ErrUnsupported.
//
// Deliveries are at least once and in no guaranteed order: apply each
// event with NetworkTokenEvent.Apply.
func (c *Client) ParseWebhook(ctx context.Context, header http.Header, body []byte) ([]*NetworkTokenEvent, error) {
	// Observed like any call, with no attempt since nothing is sent, so
	// that forged, stale and malformed deliveries show in traces and
	// metrics.
	ctx, lg := c.begin(ctx, OpReceiveWebhook)
	events, err := c.parseWebhook(header, body)
	if err != nil {
		return nil, c.finish(ctx, OpReceiveWebhook, lg, err, nil)
	}
	c.finish(ctx, OpReceiveWebhook, lg, nil, nil)
	return events, nil
}

func (c *Client) parseWebhook(header http.Header, body []byte) ([]*NetworkTokenEvent, *Error) {
	wp, err := c.webhookParser()
	if err != nil {
		return nil, err
	}
	if len(body) > MaxWebhookBytes {
		return nil, &Error{Code: InvalidArgument, Message: "webhook body is larger than " + strconv.Itoa(MaxWebhookBytes) + " bytes"}
	}
	events, perr := wp.ParseWebhook(header, body)
	if perr != nil {
		return nil, c.classify(context.Background(), perr)
	}
	now := c.now()
	for _, ev := range events {
		switch {
		case ev == nil || ev.Token.ID == "" || ev.OccurredAt.IsZero():
			return nil, &Error{Code: Internal, Message: "the adapter returned an event without a token id or a time"}
		case ev.OccurredAt.Before(now.Add(-MaxWebhookAge)):
			return nil, &Error{Code: InvalidArgument, Message: "webhook event is older than " + MaxWebhookAge.String() + ": refused as a possible replay"}
		case ev.OccurredAt.After(now.Add(maxWebhookSkew)):
			return nil, &Error{Code: InvalidArgument, Message: "webhook event time is in the future"}
		}
		ev.Provider = c.name
		ev.Token.Provider = c.name
	}
	return events, nil
}

// webhookParser returns the adapter's parser, or why there is none.
func (c *Client) webhookParser() (WebhookParser, *Error) {
	wp, ok := c.p.(WebhookParser)
	switch {
	case ok && c.caps.Webhooks:
		return wp, nil
	case ok:
		return nil, &Error{Code: Unsupported, Message: c.name + " receives no webhooks: its webhook secrets are not configured"}
	default:
		return nil, &Error{Code: Unsupported, Message: c.name + " does not push network-token changes by webhook: use SyncNetworkTokens"}
	}
}

// WebhookHandler returns an http.Handler that receives the provider's
// webhooks and hands each network-token event to deliver. Mount it at the
// URL you register with the provider:
//
//	h, err := client.WebhookHandler(func(ctx context.Context, ev *tokenize.NetworkTokenEvent) error {
//		return store.Apply(ctx, ev) // load your copy, ev.Apply(&copy), save it if applied
//	})
//	http.Handle("POST /webhooks/tokenize", h)
//
// The handler reads at most MaxWebhookBytes (413 beyond) and verifies the
// signature before anything else (401, nothing parsed, deliver not called,
// when it is missing or wrong). It answers 400 for a body that is not a
// valid event or an event older than MaxWebhookAge, and 200 only once
// deliver has returned nil for every event of the delivery: when deliver
// fails, it answers 500 and the provider delivers the whole webhook again
// later, so deliver must be idempotent (Apply makes it so). deliver runs on
// the request's goroutine with its context.
//
// It fails with ErrUnsupported when the provider declares no webhooks
// (Capabilities.Webhooks): Nuvei and Worldpay push nothing (use
// SyncNetworkTokens), and Checkout.com needs its webhook_secrets setting.
func (c *Client) WebhookHandler(deliver func(context.Context, *NetworkTokenEvent) error) (http.Handler, error) {
	if deliver == nil {
		return nil, &Error{Op: OpReceiveWebhook, Provider: c.name, Code: InvalidArgument, Message: "WebhookHandler needs a deliver function"}
	}
	if _, err := c.webhookParser(); err != nil {
		err.Op, err.Provider = OpReceiveWebhook, c.name
		return nil, err
	}
	return &webhookHandler{c: c, deliver: deliver}, nil
}

type webhookHandler struct {
	c       *Client
	deliver func(context.Context, *NetworkTokenEvent) error
}

// ServeHTTP answers one delivery: see Client.WebhookHandler.
func (h *webhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		reply(w, http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxWebhookBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		reply(w, http.StatusRequestEntityTooLarge)
		return
	case err != nil:
		reply(w, http.StatusBadRequest)
		return
	}
	ctx := r.Context()
	events, err := h.c.ParseWebhook(ctx, r.Header, body)
	switch CodeOf(err) {
	case OK:
	case Unauthenticated:
		reply(w, http.StatusUnauthorized)
		return
	case InvalidArgument:
		reply(w, http.StatusBadRequest)
		return
	default:
		reply(w, http.StatusInternalServerError)
		return
	}
	for _, ev := range events {
		if err := h.deliver(ctx, ev); err != nil {
			// The caller's error is theirs to log; ours says only which
			// event was not taken, so that the provider's redelivery can
			// be matched with it.
			if h.c.logger.Enabled(ctx, slog.LevelDebug) {
				h.c.logger.LogAttrs(ctx, slog.LevelDebug, "tokenize webhook not delivered",
					slog.String("provider", h.c.name), slog.String("event_id", scrubDigits(ev.ID)))
			}
			reply(w, http.StatusInternalServerError)
			return
		}
	}
	reply(w, http.StatusOK)
}

// reply answers with the status and its standard text, never a detail: the
// sender may be anyone.
func reply(w http.ResponseWriter, status int) {
	http.Error(w, http.StatusText(status), status)
}
