package router

import (
	"context"
	"errors"
	"net/http"

	"github.com/tokenize-go/tokenize"
)

// ParseWebhook implements tokenize.WebhookParser, so that one
// WebhookHandler of the Client around the router receives the webhooks of
// every held provider that pushes them: the delivery is verified against
// each such provider's secrets in turn, and the first whose signature
// holds parses it. Its events' tokens have the router's ids (references).
// A delivery no provider verifies is Unauthenticated, nothing parsed.
func (r *Router) ParseWebhook(header http.Header, body []byte) ([]*tokenize.NetworkTokenEvent, error) {
	var last error = &tokenize.Error{Code: tokenize.Unsupported, Message: "no provider of the router receives webhooks"}
	for _, m := range r.members {
		if !m.caps.Webhooks {
			continue
		}
		events, err := m.client.ParseWebhook(context.Background(), header, body)
		if errors.Is(err, tokenize.ErrUnauthenticated) {
			last = err // another provider's delivery, or a forged one
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, ev := range events {
			networkToken(m, &ev.Token)
		}
		return events, nil
	}
	return nil, last
}
