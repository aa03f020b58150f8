package tokenize_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

var sentinels = map[tokenize.Code]error{
	tokenize.Unknown:            tokenize.ErrUnknown,
	tokenize.InvalidArgument:    tokenize.ErrInvalidArgument,
	tokenize.Unauthenticated:    tokenize.ErrUnauthenticated,
	tokenize.PermissionDenied:   tokenize.ErrPermissionDenied,
	tokenize.NotFound:           tokenize.ErrNotFound,
	tokenize.FailedPrecondition: tokenize.ErrFailedPrecondition,
	tokenize.RateLimited:        tokenize.ErrRateLimited,
	tokenize.Unavailable:        tokenize.ErrUnavailable,
	tokenize.DeadlineExceeded:   tokenize.ErrDeadlineExceeded,
	tokenize.Canceled:           tokenize.ErrCanceled,
	tokenize.Unsupported:        tokenize.ErrUnsupported,
	tokenize.Internal:           tokenize.ErrInternal,
}

func TestCodeOf(t *testing.T) {
	assert.Equal(t, tokenize.OK, tokenize.CodeOf(nil))
	for code, sentinel := range sentinels {
		e := &tokenize.Error{Code: code}
		assert.Equal(t, code, tokenize.CodeOf(e), code.String())
		assert.Equal(t, code, tokenize.CodeOf(fmt.Errorf("wrapped: %w", e)), code.String())
		assert.Equal(t, code, tokenize.CodeOf(errors.Join(errors.New("x"), e)), code.String())
		assert.Equal(t, code, tokenize.CodeOf(sentinel), "a bare sentinel has its code")
		assert.Equal(t, code, tokenize.CodeOf(fmt.Errorf("w: %w", sentinel)))
	}
	assert.Equal(t, tokenize.Canceled, tokenize.CodeOf(context.Canceled))
	assert.Equal(t, tokenize.DeadlineExceeded, tokenize.CodeOf(context.DeadlineExceeded))
	assert.Equal(t, tokenize.Canceled, tokenize.CodeOf(fmt.Errorf("op: %w", context.Canceled)))
	assert.Equal(t, tokenize.DeadlineExceeded, tokenize.CodeOf(fmt.Errorf("op: %w", context.DeadlineExceeded)))
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	assert.Equal(t, tokenize.DeadlineExceeded, tokenize.CodeOf(ctx.Err()))
	cctx, ccancel := context.WithCancelCause(context.Background())
	ccancel(errors.New("shutdown"))
	assert.Equal(t, tokenize.Canceled, tokenize.CodeOf(cctx.Err()))
	assert.Equal(t, tokenize.Unknown, tokenize.CodeOf(errors.New("foreign")))
	assert.Equal(t, tokenize.Unknown, tokenize.CodeOf(io.EOF))
	// The first *Error in the chain wins over a context error deeper down.
	assert.Equal(t, tokenize.Unavailable, tokenize.CodeOf(&tokenize.Error{Code: tokenize.Unavailable, Err: context.Canceled}))
}

func TestErrorsIsEverySentinel(t *testing.T) {
	for code, sentinel := range sentinels {
		e := &tokenize.Error{Code: code, Op: tokenize.OpGetPaymentToken, Provider: "p"}
		for other, otherSentinel := range sentinels {
			assert.Equal(t, code == other, errors.Is(e, otherSentinel), "%s is %s", code, other)
			assert.Equal(t, code == other, errors.Is(fmt.Errorf("wrap: %w", e), otherSentinel))
		}
		assert.Equal(t, "tokenize: "+code.String(), sentinel.Error())
	}
	// The cause is reachable too.
	e := &tokenize.Error{Code: tokenize.DeadlineExceeded, Err: context.DeadlineExceeded}
	assert.ErrorIs(t, e, context.DeadlineExceeded)
	assert.ErrorIs(t, e, tokenize.ErrDeadlineExceeded)
	assert.NotErrorIs(t, e, tokenize.ErrCanceled)
	assert.NotErrorIs(t, errors.New("x"), tokenize.ErrUnknown)
}

type rawProviderError struct{ Code string }

func (r *rawProviderError) Error() string { return "raw " + r.Code }

func TestErrorsAs(t *testing.T) {
	raw := &rawProviderError{Code: "5000.1000"}
	err := fmt.Errorf("ctx: %w", &tokenize.Error{Code: tokenize.InvalidArgument, Err: raw})
	var te *tokenize.Error
	require.ErrorAs(t, err, &te)
	assert.Equal(t, tokenize.InvalidArgument, te.Code)
	var rp *rawProviderError
	require.ErrorAs(t, err, &rp)
	assert.Equal(t, "5000.1000", rp.Code)
	assert.Same(t, raw, errors.Unwrap(te))
}

func TestErrorStrings(t *testing.T) {
	cases := []struct {
		err  *tokenize.Error
		want string
	}{
		{&tokenize.Error{}, "tokenize: OK"},
		{&tokenize.Error{Code: tokenize.NotFound}, "tokenize: NotFound"},
		{&tokenize.Error{Code: tokenize.NotFound, Op: tokenize.OpGetPaymentToken, Provider: "nuvei"}, "tokenize: nuvei GetPaymentToken: NotFound"},
		{&tokenize.Error{Code: tokenize.InvalidArgument, Field: tokenize.FieldCardCVV, Message: "must be 3 or 4 digits"},
			"tokenize: InvalidArgument: card.cvv: must be 3 or 4 digits"},
		{&tokenize.Error{Code: tokenize.Unavailable, HTTPStatus: 503, ProviderCodes: []string{"a", "b"}, RequestID: "r1",
			OutcomeUnknown: true, Retryable: true, Attempts: 3},
			"tokenize: Unavailable (HTTP 503; provider codes a,b; request id r1; outcome unknown; retryable; 3 attempts)"},
		{&tokenize.Error{Code: tokenize.Unavailable, Attempts: 1}, "tokenize: Unavailable"},
		{&tokenize.Error{Code: tokenize.Canceled, Err: context.Canceled}, "tokenize: Canceled: context canceled"},
		{&tokenize.Error{Code: tokenize.Canceled, Message: "stop", Err: context.Canceled}, "tokenize: Canceled: stop"},
		{&tokenize.Error{Code: 99}, "tokenize: Code(99)"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, tc.err.Error())
		assert.Equal(t, tc.want, fmt.Sprintf("%v", tc.err))
		assert.Equal(t, tc.want, fmt.Sprintf("%+v", tc.err))
		assert.Equal(t, tc.want, fmt.Sprintf("%#v", tc.err))
		assert.Equal(t, fmt.Sprintf("%q", tc.want), fmt.Sprintf("%q", tc.err))
	}
}

func TestCodeNames(t *testing.T) {
	for code := range sentinels {
		got, err := tokenize.ParseCode(code.String())
		require.NoError(t, err)
		assert.Equal(t, code, got)
		b, _ := code.MarshalText()
		assert.Equal(t, code.String(), string(b))
		var back tokenize.Code
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, code, back)
	}
	// An Error's JSON code reads back as a Code.
	b, jerr := json.Marshal(&tokenize.Error{Code: tokenize.RateLimited})
	require.NoError(t, jerr)
	var rec struct{ Code tokenize.Code }
	require.NoError(t, json.Unmarshal(b, &rec))
	assert.Equal(t, tokenize.RateLimited, rec.Code)
	got, err := tokenize.ParseCode("notfound")
	require.NoError(t, err)
	assert.Equal(t, tokenize.NotFound, got)
	_, err = tokenize.ParseCode("nope")
	assert.Error(t, err)
}

func TestIsRetryableAndOutcomeUnknown(t *testing.T) {
	assert.False(t, tokenize.IsRetryable(nil))
	assert.False(t, tokenize.IsOutcomeUnknown(nil))
	assert.False(t, tokenize.IsRetryable(errors.New("x")))
	assert.False(t, tokenize.IsRetryable(tokenize.ErrUnavailable), "a bare sentinel says nothing about retrying")
	assert.True(t, tokenize.IsRetryable(fmt.Errorf("w: %w", &tokenize.Error{Code: tokenize.Unavailable, Retryable: true})))
	assert.False(t, tokenize.IsRetryable(&tokenize.Error{Code: tokenize.Unavailable}))
	assert.True(t, tokenize.IsOutcomeUnknown(fmt.Errorf("w: %w", &tokenize.Error{Code: tokenize.Unavailable, OutcomeUnknown: true})))
	assert.False(t, tokenize.IsOutcomeUnknown(&tokenize.Error{Code: tokenize.Unavailable, Retryable: true}))
}

func TestProviderBody(t *testing.T) {
	e := &tokenize.Error{Code: tokenize.InvalidArgument}
	assert.Nil(t, e.ProviderBody())
	body := []byte(`{"errCode":1005,"reason":"secret-ish detail"}`)
	e.SetProviderBody(body)
	body[0] = 'X'
	got := e.ProviderBody()
	assert.Equal(t, `{"errCode":1005,"reason":"secret-ish detail"}`, string(got), "the body is copied in")
	got[0] = 'Y'
	assert.Equal(t, byte('{'), e.ProviderBody()[0], "and copied out")
	assert.NotContains(t, e.Error(), "secret-ish", "Error never prints the body")
	assert.NotContains(t, fmt.Sprintf("%+v", e), "secret-ish")
	assert.NotContains(t, logBoth("err", e), "secret-ish")

	big := make([]byte, 100<<10)
	e.SetProviderBody(big)
	assert.Len(t, e.ProviderBody(), 64<<10, "kept bodies are capped at 64 KiB")

	// The Client keeps the body of an adapter's error.
	p := newFake()
	pe := &tokenize.Error{Code: tokenize.InvalidArgument}
	pe.SetProviderBody([]byte("raw"))
	p.err = pe
	_, err := tokenize.New(p).GetPaymentToken(context.Background(), "pt_1")
	var te *tokenize.Error
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "raw", string(te.ProviderBody()))
	assert.NotSame(t, pe, te, "the Client returns its own copy")
	assert.Empty(t, pe.Op, "the adapter's value is not modified")
}

// TestClientCompletesErrors pins what the Client adds to an adapter error
// and how it treats context errors and foreign errors.
func TestClientCompletesErrors(t *testing.T) {
	p := newFake()
	p.err = errors.New("plain")
	c := tokenize.New(p, tokenize.WithRetryPolicy(tokenize.RetryPolicy{}))
	_, err := c.GetNetworkToken(context.Background(), "nt_1")
	var te *tokenize.Error
	require.ErrorAs(t, err, &te)
	assert.Equal(t, tokenize.Unknown, te.Code)
	assert.Equal(t, tokenize.OpGetNetworkToken, te.Op)
	assert.Equal(t, "fake", te.Provider)
	assert.Equal(t, 1, te.Attempts)

	// A canceled context decides the code whatever the adapter said.
	ctx, cancel := context.WithCancel(context.Background())
	p.err = nil
	p.hook = func(context.Context) { cancel() }
	p.delay = time.Second
	start := time.Now()
	_, err = c.GetNetworkToken(ctx, "nt_1")
	assert.Less(t, time.Since(start), 500*time.Millisecond, "cancellation is prompt")
	assert.Equal(t, tokenize.Canceled, tokenize.CodeOf(err))
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, tokenize.ErrCanceled)
	assert.False(t, tokenize.IsRetryable(err))

	// An already-canceled context is refused before the provider is called.
	p.hook, p.delay = nil, 0
	calls := p.calls.Load()
	_, err = c.GetNetworkToken(ctx, "nt_1")
	assert.Equal(t, tokenize.Canceled, tokenize.CodeOf(err))
	assert.Equal(t, calls, p.calls.Load())

	dctx, dcancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer dcancel()
	p.delay = time.Second
	_, err = c.GetNetworkToken(dctx, "nt_1")
	assert.Equal(t, tokenize.DeadlineExceeded, tokenize.CodeOf(err))
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.ErrorIs(t, err, tokenize.ErrDeadlineExceeded)
}

// An adapter bug must not let an error pass for success: an *Error with
// Code OK, or a code outside the enum, reaches the caller as Unknown.
func TestClientNormalisesImpossibleCodes(t *testing.T) {
	for _, code := range []tokenize.Code{tokenize.OK, 99} {
		p := newFake()
		p.err = &tokenize.Error{Code: code, Message: "adapter bug"}
		_, err := tokenize.New(p).GetPaymentToken(context.Background(), "pt_1")
		require.Error(t, err)
		assert.Equal(t, tokenize.Unknown, tokenize.CodeOf(err), "code %d", code)
		assert.ErrorIs(t, err, tokenize.ErrUnknown)
	}
}

// A typed nil *Error returned as an error is an adapter bug that must
// neither crash the Client nor read as success.
func TestClientTypedNilError(t *testing.T) {
	p := newFake()
	var typedNil *tokenize.Error
	p.err = typedNil
	var err error
	require.NotPanics(t, func() { _, err = tokenize.New(p).GetPaymentToken(context.Background(), "pt_1") })
	require.Error(t, err)
	assert.Equal(t, tokenize.Internal, tokenize.CodeOf(err))
}
