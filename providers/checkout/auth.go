package checkout

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/httpx"
)

// Access token lifetime handling.
const (
	// refreshMargin: a cached access token is replaced this long before it
	// expires, so a call never starts with a token about to lapse in
	// flight. For short-lived tokens the margin is half the lifetime.
	refreshMargin = 30 * time.Second
	// defaultTokenLifetime applies when the token endpoint omits
	// expires_in (Checkout documents 3600); a 401 still forces a refresh.
	defaultTokenLifetime = 5 * time.Minute
	// maxTokenLifetime caps expires_in (Checkout documents 3600): a larger
	// value would overflow time.Duration into a token that is never
	// cached, or keep a revoked one for days.
	maxTokenLifetime = 24 * time.Hour
	// tokenFetchTimeout bounds a token request shared by several callers,
	// which no single caller's cancellation may abort.
	tokenFetchTimeout = 30 * time.Second
)

// accessToken is a cached OAuth access token.
type accessToken struct {
	value   tokenize.Secret
	refresh time.Time // when to stop using it
	// bearer is the Authorization header value, built once per token
	// rather than once per call.
	bearer tokenize.Secret
	// scopes are the scopes the token endpoint says it granted (none if it
	// did not say), named in a 403 to tell a missing scope apart.
	scopes []string
}

func newAccessToken(value string, refresh time.Time) *accessToken {
	return &accessToken{value: tokenize.Secret(value), refresh: refresh, bearer: tokenize.Secret("Bearer " + value)}
}

// tokenSource caches the OAuth access token and fetches a new one at most
// once at a time, however many callers need it (singleflight).
type tokenSource struct {
	p   *provider
	now func() time.Time
	// scope is the space-separated scope list requested.
	scope string

	// cur is read on every call, so it is an atomic pointer rather than
	// a mutex every concurrent caller would queue on.
	cur atomic.Pointer[accessToken]
	// rejected is set when the provider refused the cached token, until
	// a new one is fetched: the reason an observer is given for the fetch.
	rejected atomic.Bool

	group singleflight.Group
}

// cached returns the current token if it is still fresh.
func (ts *tokenSource) cached() *accessToken {
	if t := ts.cur.Load(); t != nil && ts.now().Before(t.refresh) {
		return t
	}
	return nil
}

// invalidate drops the cached token if it is still the one that was
// rejected; a token fetched since by another caller is kept.
func (ts *tokenSource) invalidate(rejected *accessToken) {
	if ts.cur.CompareAndSwap(rejected, nil) {
		ts.rejected.Store(true)
	}
}

// fetchReason says why a token is fetched now, for the Client's observer.
func (ts *tokenSource) fetchReason() tokenize.TokenFetchReason {
	switch {
	case ts.rejected.Load():
		return tokenize.AccessTokenRejected
	case ts.cur.Load() != nil:
		return tokenize.AccessTokenExpired
	default:
		return tokenize.AccessTokenMissing
	}
}

// token returns a fresh access token, fetching one if needed. Concurrent
// callers share a single fetch; each waits only as long as its own ctx.
func (ts *tokenSource) token(ctx context.Context) (*accessToken, error) {
	if t := ts.cached(); t != nil {
		return t, nil
	}
	ch := ts.group.DoChan("token", func() (any, error) {
		// A caller that found the cache empty just before another fetch
		// completed must not fetch again.
		if t := ts.cached(); t != nil {
			return t, nil
		}
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), tokenFetchTimeout)
		defer cancel()
		// The token request is sent under the observer's context (its
		// span), so that an instrumented transport nests under it.
		fctx, done := tokenize.ObserveTokenFetch(fctx, tokenize.TokenFetch{Reason: ts.fetchReason(), Provider: Name})
		t, err := ts.fetch(fctx)
		done(err)
		if err != nil {
			return nil, err
		}
		ts.cur.Store(t)
		ts.rejected.Store(false)
		return t, nil
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*accessToken), nil
	case <-ctx.Done():
		return nil, ctxError(ctx)
	}
}

// fetch performs the client-credentials grant: form-encoded, with the
// client id and secret in a Basic Authorization header (the documented
// method; Checkout also accepts them as form fields). Both are
// form-urlencoded before the Basic encoding, as RFC 6749 §2.3.1 requires
// and OAuth servers decode: a secret holding '+' or '%' would otherwise
// arrive altered.
func (ts *tokenSource) fetch(ctx context.Context) (*accessToken, error) {
	p := ts.p
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {ts.scope}}
	basic := base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(p.clientID) + ":" + url.QueryEscape(p.clientSecret.Reveal())))
	h := http.Header{}
	h.Set("Authorization", "Basic "+basic)
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	h.Set("Accept", "application/json")
	start := ts.now()
	resp, err := p.http.Do(ctx, httpx.Request{
		Method: http.MethodPost, URL: p.tokenURL, Header: h,
		Body: []byte(form.Encode()),
		// Asking for a token changes nothing at the provider.
		Idempotent: true,
	})
	if err != nil {
		return nil, err
	}
	resp.RequestID = safeID(resp.RequestID)
	// Any 2xx carrying a valid token body is a token: Checkout documents
	// 200, the official Node SDK's mocks answer 201. decodeAccessToken
	// never keeps a success body, which holds the access token.
	if resp.Status < 200 || resp.Status > 299 {
		return nil, oauthError(resp)
	}
	w, err := decodeAccessToken(resp)
	if err != nil {
		return nil, err
	}
	life := defaultTokenLifetime
	if w.ExpiresIn > 0 {
		life = time.Duration(min(w.ExpiresIn, int64(maxTokenLifetime/time.Second))) * time.Second
	}
	margin := min(refreshMargin, life/2)
	// Known before anything else is read from the answer, and before any
	// request carries it: whatever echoes it from now on loses it.
	p.http.Secrets.AddShortLived(w.AccessToken)
	t := newAccessToken(w.AccessToken, start.Add(life-margin))
	// The scopes end up in error messages (a 403 names them).
	t.scopes = scrubbedCodes(resp, w.Scope)
	return t, nil
}

// ctxError is the error for a caller whose context ended while waiting.
func ctxError(ctx context.Context) *tokenize.Error {
	err := ctx.Err()
	code := tokenize.Canceled
	if errors.Is(err, context.DeadlineExceeded) {
		code = tokenize.DeadlineExceeded
	}
	return &tokenize.Error{Code: code, Message: err.Error(), Err: err}
}
