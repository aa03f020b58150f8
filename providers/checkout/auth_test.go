package checkout

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

// A caller whose context ends while the shared token request is in flight
// gets Canceled alone: the request goes on, and the callers still waiting
// get its token. One token request serves them all.
func TestTokenFetchSurvivesCanceledCaller(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	var tokenRequests atomic.Int32
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder("POST", testTokenURL, func(r *http.Request) (*http.Response, error) {
		if tokenRequests.Add(1) == 1 {
			close(arrived)
		}
		select { // like a real transport, give up when the request's context ends
		case <-release:
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
		return httpmock.NewStringResponse(200, `{"access_token":"at-1","token_type":"Bearer","expires_in":3600}`), nil
	})
	mt.RegisterResponder("GET", testBase+"/network-tokens/nt_x", func(r *http.Request) (*http.Response, error) {
		if r.Header.Get("Authorization") != "Bearer at-1" {
			return httpmock.NewStringResponse(401, ""), nil
		}
		return httpmock.NewStringResponse(200, seed002NetworkToken), nil
	})
	p := testProvider(t, &http.Client{Transport: mt})

	first, cancel := context.WithCancel(context.Background())
	firstErr := make(chan error, 1)
	go func() {
		_, err := p.GetNetworkToken(first, "nt_x")
		firstErr <- err
	}()
	<-arrived
	secondErr := make(chan error, 1)
	go func() {
		_, err := p.GetNetworkToken(context.Background(), "nt_x")
		secondErr <- err
	}()
	cancel()
	assert.Equal(t, tokenize.Canceled, tokenize.CodeOf(<-firstErr))
	close(release)
	require.NoError(t, <-secondErr, "the waiting caller is not poisoned by the canceled one")
	assert.Equal(t, int32(1), tokenRequests.Load())
	_, err := p.GetNetworkToken(context.Background(), "nt_x")
	require.NoError(t, err)
	assert.Equal(t, int32(1), tokenRequests.Load(), "the token fetched for the canceled caller is cached")
}

// Only OAuth calls are retried after a 401: a rejected public or secret
// key is final, and the card data is not sent twice.
func TestWire401StaticKeysNotRetried(t *testing.T) {
	w, hc := newWire(t)
	w.on("POST", testBase+"/tokens", 401, "")
	p := testProvider(t, hc, func(s *Settings) { s.SecretKey = testSK })
	_, err := p.CreatePaymentToken(ctx, &tokenize.CreatePaymentTokenRequest{
		Card: &tokenize.Card{Number: testPAN, ExpiryMonth: 6, ExpiryYear: 2030, CVV: testCVV}})
	assert.Equal(t, tokenize.Unauthenticated, tokenize.CodeOf(err))
	require.Len(t, w.requests(), 1)

	w.on("GET", testBase+"/instruments/src_x", 401, "")
	_, err = p.GetPaymentToken(ctx, "src_x")
	assert.Equal(t, tokenize.Unauthenticated, tokenize.CodeOf(err))
	reqs := w.requests()
	require.Len(t, reqs, 2, "no token request, no retry")
	assert.True(t, strings.HasSuffix(reqs[1].header.Get("Authorization"), testSK))
}

// The client id and secret are form-urlencoded before the Basic encoding
// (RFC 6749 §2.3.1): the token server decodes them, so a secret holding
// '+', '%', '/' or ':' sent raw would arrive altered and be refused.
func TestWireBasicCredentialsFormEncoded(t *testing.T) {
	const secret = "s3cr+t/with%and:colon"
	w, hc := newWire(t)
	withToken(w)
	w.on("GET", testBase+"/network-tokens/nt_x", 200, seed002NetworkToken)
	_, err := testProvider(t, hc, func(s *Settings) { s.ClientSecret = secret }).GetNetworkToken(ctx, "nt_x")
	require.NoError(t, err)
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte(testClientID+":s3cr%2Bt%2Fwith%25and%3Acolon"))
	assert.Equal(t, want, w.requests()[0].header.Get("Authorization"))
}

// A call rejected with 401 may join a token flight that is just handing
// out the very token that was rejected (the flight found it cached before
// the rejection dropped it). The retry must not resend with that token.
func TestWire401RetryNeverReusesTheRejectedToken(t *testing.T) {
	w, hc := newWire(t)
	w.on("POST", testTokenURL, 200, `{"access_token":"at-2","token_type":"Bearer","expires_in":3600}`)
	p := testProvider(t, hc)
	rejected := newAccessToken("at-1", time.Now().Add(time.Hour))
	p.tokens.cur.Store(rejected)
	release := make(chan struct{})
	stale := p.tokens.group.DoChan("token", func() (any, error) { <-release; return rejected, nil })
	// The adapter sends with its own copy of hc (httpx.NewClient).
	mt := p.http.HTTP.Transport
	p.http.HTTP.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := mt.RoundTrip(r)
		if r.Header.Get("Authorization") == "Bearer at-1" {
			// Let the retry join the stale flight, then end it.
			time.AfterFunc(50*time.Millisecond, func() { close(release) })
		}
		return resp, err
	})
	w.on("GET", testBase+"/network-tokens/nt_x", 401, "")
	w.on("GET", testBase+"/network-tokens/nt_x", 200, seed002NetworkToken)
	_, err := p.GetNetworkToken(ctx, "nt_x")
	require.NoError(t, err)
	<-stale
	var auths []string
	for _, r := range w.requests() {
		if r.path != "/connect/token" {
			auths = append(auths, r.header.Get("Authorization"))
		}
	}
	assert.Equal(t, []string{"Bearer at-1", "Bearer at-2"}, auths)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// fetchObserver records the access-token fetches a Client's observer is
// told about: the reason, and the outcome's code and HTTP status.
type fetchObserver struct {
	mu      sync.Mutex
	fetches []string
}

func (o *fetchObserver) ObserveCall(ctx context.Context, _ tokenize.CallStart) (context.Context, tokenize.CallObserver) {
	return ctx, o
}
func (o *fetchObserver) StartAttempt(ctx context.Context, _ int) context.Context { return ctx }
func (o *fetchObserver) Response(context.Context, tokenize.ResponseInfo)         {}
func (o *fetchObserver) EndAttempt(context.Context, int, error)                  {}
func (o *fetchObserver) End(context.Context, tokenize.CallEnd)                   {}
func (o *fetchObserver) TokenFetch(ctx context.Context, f tokenize.TokenFetch) (context.Context, func(error)) {
	return ctx, func(err error) {
		o.mu.Lock()
		defer o.mu.Unlock()
		var e *tokenize.Error
		if !errors.As(err, &e) {
			o.fetches = append(o.fetches, fmt.Sprintf("%s %v", f.Reason, err))
			return
		}
		o.fetches = append(o.fetches, fmt.Sprintf("%s %s %d", f.Reason, e.Code, e.HTTPStatus))
	}
}

// Each access-token fetch is reported to the Client's observer with why
// it happened: none held yet, the held one expired, the provider refused
// it; a failed fetch with its classification.
func TestTokenFetchObserved(t *testing.T) {
	w, hc := newWire(t)
	for _, tok := range []string{"at-1", "at-2", "at-3"} {
		w.on("POST", testTokenURL, 200, `{"access_token":"`+tok+`","token_type":"Bearer","expires_in":3600}`)
	}
	w.on("POST", testTokenURL, 401, `{"error":"invalid_client"}`)
	for _, status := range []int{200, 200, 401, 200} {
		w.on("GET", testBase+"/network-tokens/nt_x", status, seed002NetworkToken)
	}
	p := testProvider(t, hc)
	var now atomic.Pointer[time.Time]
	start := time.Now()
	now.Store(&start)
	p.tokens.now = func() time.Time { return *now.Load() }
	later := func() { t := now.Load().Add(2 * time.Hour); now.Store(&t) }
	obs := &fetchObserver{}
	c := tokenize.New(p, tokenize.WithObserver(obs), tokenize.WithRetryPolicy(tokenize.RetryPolicy{}))

	_, err := c.GetNetworkToken(ctx, "nt_x")
	require.NoError(t, err)
	later()
	_, err = c.GetNetworkToken(ctx, "nt_x")
	require.NoError(t, err)
	_, err = c.GetNetworkToken(ctx, "nt_x") // 401, then a new token
	require.NoError(t, err)
	later()
	_, err = c.GetNetworkToken(ctx, "nt_x")
	assert.Equal(t, tokenize.Unauthenticated, tokenize.CodeOf(err))
	assert.Equal(t, []string{"missing <nil>", "expired <nil>", "rejected <nil>", "expired Unauthenticated 401"}, obs.fetches)
}
