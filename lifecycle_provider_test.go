package tokenize_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tokenize-go/tokenize"
)

// issuerProvider is a fakeProvider whose network tokens live in a map the
// test changes as an issuer would, and which receives webhooks in a toy
// format: the body {"id","at","token","state"} signed with the hex
// HMAC-SHA256 in header X-Sig, under any of its keys.
type issuerProvider struct {
	*fakeProvider
	keys []string

	mu     sync.Mutex
	tokens map[string]tokenize.NetworkToken
	// throttle, while positive, answers that many reads with 429.
	throttle   int
	retryAfter time.Duration
	// reads counts GetNetworkToken calls; inflight and peak measure
	// concurrency.
	reads          atomic.Int64
	inflight, peak atomic.Int64
	readDelay      time.Duration
	throttledAt    []time.Time
	readAt         []time.Time
}

func newIssuer(keys ...string) *issuerProvider {
	p := &issuerProvider{fakeProvider: newFake(), keys: keys, tokens: map[string]tokenize.NetworkToken{}}
	p.caps.Webhooks = len(keys) > 0
	return p
}

func (p *issuerProvider) set(nt tokenize.NetworkToken) {
	p.mu.Lock()
	p.tokens[nt.ID] = nt
	p.mu.Unlock()
}

func (p *issuerProvider) GetNetworkToken(ctx context.Context, id string) (*tokenize.NetworkToken, error) {
	p.reads.Add(1)
	n := p.inflight.Add(1)
	defer p.inflight.Add(-1)
	for {
		pk := p.peak.Load()
		if n <= pk || p.peak.CompareAndSwap(pk, n) {
			break
		}
	}
	if p.readDelay > 0 {
		select {
		case <-time.After(p.readDelay):
		case <-ctx.Done():
			return nil, &tokenize.Error{Code: tokenize.Unavailable, Err: ctx.Err()}
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.throttle > 0 {
		p.throttle--
		p.throttledAt = append(p.throttledAt, time.Now())
		return nil, &tokenize.Error{Code: tokenize.RateLimited, HTTPStatus: 429, Retryable: true, RetryAfter: p.retryAfter}
	}
	p.readAt = append(p.readAt, time.Now())
	nt, ok := p.tokens[id]
	if !ok {
		return nil, &tokenize.Error{Code: tokenize.NotFound, HTTPStatus: 404}
	}
	return &nt, nil
}

type toyEvent struct {
	ID    string    `json:"id"`
	At    time.Time `json:"at"`
	Type  string    `json:"type"`
	Token string    `json:"token"`
	State string    `json:"state"`
}

func toySign(key string, body []byte) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

func (p *issuerProvider) ParseWebhook(h http.Header, body []byte) ([]*tokenize.NetworkTokenEvent, error) {
	sig, err := hex.DecodeString(h.Get("X-Sig"))
	ok := false
	for _, k := range p.keys {
		m := hmac.New(sha256.New, []byte(k))
		m.Write(body)
		ok = hmac.Equal(sig, m.Sum(nil)) || ok
	}
	if err != nil || !ok {
		return nil, &tokenize.Error{Code: tokenize.Unauthenticated, Message: "bad signature"}
	}
	var e toyEvent
	if json.Unmarshal(body, &e) != nil || e.Token == "" {
		return nil, &tokenize.Error{Code: tokenize.InvalidArgument, Message: "not an event"}
	}
	if e.Type != "token" {
		return nil, nil
	}
	st, _ := tokenize.ParseNetworkTokenState(e.State)
	ev := &tokenize.NetworkTokenEvent{ID: e.ID, OccurredAt: e.At, Kind: tokenize.EventUpdated, ProviderType: "token",
		Token: tokenize.NetworkToken{ID: e.Token, State: st}}
	ev.SetProviderPayload(body)
	return []*tokenize.NetworkTokenEvent{ev}, nil
}

// toyDelivery returns a signed webhook request body and header.
func toyDelivery(key string, e toyEvent) (http.Header, []byte) {
	if e.Type == "" {
		e.Type = "token"
	}
	b, _ := json.Marshal(e)
	return http.Header{"X-Sig": {toySign(key, b)}}, b
}
