package tokenize_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"time"

	"github.com/tokenize-go/tokenize"
)

// memoryWebhooks is the memory provider with webhooks, again an
// ILLUSTRATION: its deliveries are {"id","at","token","state"} signed with
// the hex HMAC-SHA256 of the body in header Memory-Signature. A real
// adapter verifies its provider's own format the same way.
type memoryWebhooks struct {
	*memoryProvider
	secret string
}

func (m memoryWebhooks) Capabilities() tokenize.Capabilities {
	caps := m.memoryProvider.Capabilities()
	caps.Webhooks = true
	return caps
}

func (m memoryWebhooks) ParseWebhook(h http.Header, body []byte) ([]*tokenize.NetworkTokenEvent, error) {
	sig, _ := hex.DecodeString(h.Get("Memory-Signature"))
	mac := hmac.New(sha256.New, []byte(m.secret))
	mac.Write(body)
	if !hmac.Equal(sig, mac.Sum(nil)) {
		return nil, &tokenize.Error{Code: tokenize.Unauthenticated, Message: "bad signature"}
	}
	var e struct {
		ID, Token, State string
		At               time.Time
	}
	if err := json.Unmarshal(body, &e); err != nil {
		return nil, &tokenize.Error{Code: tokenize.InvalidArgument, Message: "not an event"}
	}
	state, _ := tokenize.ParseNetworkTokenState(e.State)
	return []*tokenize.NetworkTokenEvent{{ID: e.ID, OccurredAt: e.At, Kind: tokenize.EventUpdated,
		Token: tokenize.NetworkToken{ID: e.Token, State: state}}}, nil
}

// memorySign is what the provider does when it sends a webhook.
func memorySign(secret string, body []byte) http.Header {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return http.Header{"Memory-Signature": {hex.EncodeToString(mac.Sum(nil))}}
}

func ExampleNetworkTokenEvent_Apply() {
	// Your copy of a token, as stored after the last change you applied.
	held := tokenize.NetworkToken{ID: "nt_1", State: tokenize.StateActive, UpdatedAt: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}

	suspended := &tokenize.NetworkTokenEvent{ID: "evt_1", OccurredAt: time.Date(2026, 5, 2, 0, 0, 0, 0, time.UTC),
		Token: tokenize.NetworkToken{ID: "nt_1", State: tokenize.StateSuspended}}
	reactivated := &tokenize.NetworkTokenEvent{ID: "evt_2", OccurredAt: time.Date(2026, 5, 3, 0, 0, 0, 0, time.UTC),
		Token: tokenize.NetworkToken{ID: "nt_1", State: tokenize.StateActive}}

	// Delivered out of order, and one of them twice.
	for _, ev := range []*tokenize.NetworkTokenEvent{reactivated, suspended, reactivated} {
		changed, applied := ev.Apply(&held)
		fmt.Println(ev.ID, "applied:", applied, "changed:", changed, "state:", held.State)
	}
	// Output:
	// evt_2 applied: true changed: none state: active
	// evt_1 applied: false changed: none state: active
	// evt_2 applied: false changed: none state: active
}

func ExampleClient_SyncNetworkTokens() {
	ctx := context.Background()
	provider := newMemoryProvider()
	client := tokenize.New(provider)

	// The tokens you hold (in practice, rows read from your database as
	// the sweep goes).
	var held []tokenize.NetworkToken
	for range 3 {
		nt, _ := client.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{Card: exampleCard()})
		held = append(held, *nt)
	}
	// Meanwhile, the issuer suspends one token and the scheme deletes another.
	provider.tokens["nt_2"].State = tokenize.StateSuspended
	provider.tokens["nt_3"].State = tokenize.StateDeleted

	for r := range client.SyncNetworkTokens(ctx, slices.Values(held), tokenize.BatchOptions{Concurrency: 1}) {
		if r.Err != nil {
			fmt.Println(r.ID, "not read, try again later:", tokenize.CodeOf(r.Err))
			continue
		}
		i := slices.IndexFunc(held, func(h tokenize.NetworkToken) bool { return h.ID == r.ID })
		if changed, applied := r.Event.Apply(&held[i]); applied {
			fmt.Println(r.ID, changed, held[i].State) // and save held[i]
		}
	}
	// Output:
	// nt_2 state_changed suspended
	// nt_3 deleted deleted
}

func ExampleClient_WebhookHandler() {
	const secret = "whsec_example"
	client := tokenize.New(memoryWebhooks{newMemoryProvider(), secret})

	held := map[string]*tokenize.NetworkToken{"nt_1": {ID: "nt_1", State: tokenize.StateActive}}
	handler, err := client.WebhookHandler(func(ctx context.Context, ev *tokenize.NetworkTokenEvent) error {
		copyOf, ok := held[ev.Token.ID]
		if !ok {
			return nil // not one of ours
		}
		if changed, applied := ev.Apply(copyOf); applied {
			fmt.Println("token", copyOf.ID, changed, copyOf.State) // and save it: an error here makes the provider redeliver
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// In a program: http.Handle("POST /webhooks/tokenize", handler).
	body := []byte(`{"ID":"evt_1","Token":"nt_1","State":"suspended","At":"` + time.Now().UTC().Format(time.RFC3339) + `"}`)
	for _, header := range []http.Header{memorySign(secret, body), memorySign("forged", body)} {
		req := httptest.NewRequest(http.MethodPost, "/webhooks/tokenize", bytes.NewReader(body))
		req.Header = header
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, req)
		fmt.Println("answered", w.Code)
	}

	// A provider that pushes nothing is refused at construction.
	_, err = tokenize.New(newMemoryProvider()).WebhookHandler(func(context.Context, *tokenize.NetworkTokenEvent) error { return nil })
	fmt.Println(err)
	// Output:
	// token nt_1 state_changed suspended
	// answered 200
	// answered 401
	// tokenize: memory ReceiveWebhook: Unsupported: memory does not push network-token changes by webhook: use SyncNetworkTokens
}

// With a router of your own, verify and parse the delivery yourself; the
// answers are yours to give (401 for a bad signature, 2xx once stored).
func ExampleClient_ParseWebhook() {
	const secret = "whsec_example"
	client := tokenize.New(memoryWebhooks{newMemoryProvider(), secret})
	body := []byte(`{"ID":"evt_7","Token":"nt_1","State":"deleted","At":"` + time.Now().UTC().Format(time.RFC3339) + `"}`)

	events, err := client.ParseWebhook(context.Background(), memorySign(secret, body), body)
	if err != nil {
		fmt.Println(tokenize.CodeOf(err)) // Unauthenticated: answer 401
		return
	}
	held := tokenize.NetworkToken{ID: "nt_1", State: tokenize.StateActive}
	for _, ev := range events {
		changed, applied := ev.Apply(&held)
		fmt.Println(ev.ID, applied, changed, held.State)
	}
	_, err = client.ParseWebhook(context.Background(), memorySign("forged", body), body)
	fmt.Println(tokenize.CodeOf(err))
	// Output:
	// evt_7 true deleted deleted
	// Unauthenticated
}
