package main

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

// fakeClock advances by step on every reading.
type fakeClock struct {
	t    time.Time
	step time.Duration
}

func (c *fakeClock) now() time.Time { c.t = c.t.Add(c.step); return c.t }

func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	clock := &fakeClock{t: time.Unix(0, 0), step: 50 * time.Millisecond}
	p := newProgressTo(&buf, "network-token get", 10, clock.now)
	for i := range 10 {
		var err error
		if i%4 == 0 {
			err = &tokenize.Error{Code: tokenize.NotFound}
		}
		p.Add(err)
	}
	p.Finish()
	out := buf.String()
	assert.True(t, strings.HasSuffix(out, "\n"), "Finish ends the line")
	frames := strings.Split(strings.TrimSuffix(out, "\n"), "\r")[1:]
	assert.Less(t, len(frames), 10, "redrawn at most every %s, not per item", progressInterval)
	last := strings.TrimSuffix(frames[len(frames)-1], "\x1b[K")
	assert.Equal(t, "network-token get: 10/10 100% · 3 failed (NotFound 3) · 18/s", last)
	assert.Contains(t, frames[0], "ETA", "an estimate while items remain")
}

func TestProgressUnknownTotal(t *testing.T) {
	var buf bytes.Buffer
	clock := &fakeClock{t: time.Unix(0, 0), step: time.Second}
	p := newProgressTo(&buf, "get", 0, clock.now)
	p.Add(nil)
	p.Finish()
	assert.Contains(t, buf.String(), "get: 1 · ")
	assert.NotContains(t, buf.String(), "ETA")
	assert.NotContains(t, buf.String(), "%")
}

// Not on a terminal, nothing is written at all.
func TestProgressQuietWhenNotATerminal(t *testing.T) {
	var errOut bytes.Buffer
	p := newProgress(stdio{err: &errOut}, "get", 3)
	p.Add(nil)
	p.Finish()
	assert.Empty(t, errOut.String())
}

// A library batch reports its own counts: the line shows them, with what
// already existed, changes and the rate limit in force.
func TestProgressSetFromTheLibrary(t *testing.T) {
	var buf bytes.Buffer
	clock := &fakeClock{t: time.Unix(0, 0), step: time.Second}
	p := newProgressTo(&buf, "network-token provision", 4, clock.now)
	var counts []tokenize.Progress
	items := []tokenize.ProvisionItem{
		{Key: "a", Request: tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: "pt_new"}},
		{Key: "b", Request: tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: "pt_old"}},
		{Key: "c", Request: tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: "../bad"}},
		{Key: "d", Request: tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: "pt_new2"}},
	}
	c := tokenize.New(existingProvider{})
	for range c.ProvisionNetworkTokens(context.Background(), slices.Values(items), tokenize.BatchOptions{
		Concurrency: 1, RequestsPerSecond: 1000, Burst: 4, Total: 4,
		Progress: func(bp tokenize.Progress) { counts = append(counts, bp); p.Set(bp) }}) {
	}
	p.Finish()
	require.Len(t, counts, 4)
	frames := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\r")
	last := strings.TrimSuffix(frames[len(frames)-1], "\x1b[K")
	assert.Equal(t, "network-token provision: 4/4 100% · 1 already existed · 1 failed (InvalidArgument 1) · 0.8/s · limit 1000/s", last)
}

// existingProvider provisions from payment tokens, answering ids that
// start with "pt_old" with an existing token.
type existingProvider struct{ tokenize.Provider }

func (existingProvider) Name() string { return "existing" }

func (existingProvider) Capabilities() tokenize.Capabilities {
	return tokenize.Capabilities{Operations: []tokenize.Operation{tokenize.OpProvisionNetworkToken}, ProvisionFromPaymentToken: true}
}

func (existingProvider) ProvisionNetworkToken(_ context.Context, req *tokenize.ProvisionNetworkTokenRequest) (*tokenize.NetworkToken, error) {
	return &tokenize.NetworkToken{ID: "nt_" + req.PaymentTokenID, State: tokenize.StateActive,
		AlreadyExisted: strings.HasPrefix(req.PaymentTokenID, "pt_old")}, nil
}
