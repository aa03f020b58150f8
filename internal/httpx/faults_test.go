package httpx

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/faults"
)

// exchange does what an adapter does with a response: transport error,
// then status, then body.
func exchange(ctx context.Context, c *Client, url string, idempotent bool) (string, *tokenize.Error) {
	method := http.MethodPost
	if idempotent {
		method = http.MethodGet
	}
	resp, err := c.Do(ctx, Request{Method: method, URL: url, Body: []byte(`{"card":"x"}`), Idempotent: idempotent})
	if err != nil {
		return "", err.(*tokenize.Error)
	}
	if resp.Status < 200 || resp.Status > 299 {
		return "", StatusError(resp)
	}
	var v struct {
		ID string `json:"id"`
	}
	if e := DecodeJSON(resp, &v); e != nil {
		return "", e
	}
	if v.ID == "" {
		return "", Malformed(resp, "missing id")
	}
	return v.ID, nil
}

// TestFaultMatrix pins how the shared exchange classifies every fault the
// simulators can inject, for a create (not idempotent) and a read.
func TestFaultMatrix(t *testing.T) {
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"id":"tok_123456","state":"active","padding":"0123456789"}`)
	})
	type want struct {
		ok        bool
		code      tokenize.Code
		retryable bool // for the read; a create is never retryable here
		unknown   bool // for the create; a read never has an unknown outcome
	}
	cases := []struct {
		fault faults.Fault
		want  want
	}{
		{faults.Fault{Kind: faults.Latency, Delay: 20 * time.Millisecond}, want{ok: true}},
		{faults.Fault{Kind: faults.Status, Status: 503, Body: "<html>down</html>", ContentType: "text/html", RetryAfter: "1"},
			want{code: tokenize.Unavailable, retryable: true, unknown: true}},
		{faults.Fault{Kind: faults.Status, Status: 429}, want{code: tokenize.RateLimited, retryable: true}},
		{faults.Fault{Kind: faults.Status, Status: 200, Body: "<html>ok</html>"}, want{code: tokenize.Internal, retryable: true, unknown: true}},
		{faults.Fault{Kind: faults.Status, Status: 200, Body: `{}`}, want{code: tokenize.Internal, retryable: true, unknown: true}},
		{faults.Fault{Kind: faults.Reset}, want{code: tokenize.Unavailable, retryable: true, unknown: true}},
		{faults.Fault{Kind: faults.Reset, AfterHandler: true}, want{code: tokenize.Unavailable, retryable: true, unknown: true}},
		{faults.Fault{Kind: faults.ResetMidBody}, want{code: tokenize.Unavailable, retryable: true, unknown: true}},
		{faults.Fault{Kind: faults.Truncated}, want{code: tokenize.Internal, retryable: true, unknown: true}},
		{faults.Fault{Kind: faults.Oversized, Size: 4096}, want{code: tokenize.Internal, unknown: true}},
		{faults.Fault{Kind: faults.WrongContentType}, want{ok: true}},
		{faults.Fault{Kind: faults.Stall}, want{code: tokenize.DeadlineExceeded, unknown: true}},
	}
	for _, tc := range cases {
		for _, idem := range []bool{false, true} {
			name := tc.fault.Kind.String() + "/create"
			if idem {
				name = tc.fault.Kind.String() + "/read"
			}
			t.Run(name, func(t *testing.T) {
				inj := faults.New()
				srv := httptest.NewServer(inj.Wrap(api))
				t.Cleanup(srv.Close)
				inj.Inject(tc.fault)
				c := newClient(t)
				c.MaxBodyBytes = 1024
				ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
				defer cancel()
				id, err := exchange(ctx, c, srv.URL+"/tokens", idem)
				if tc.want.ok {
					require.Nil(t, err)
					assert.Equal(t, "tok_123456", id)
					return
				}
				require.NotNil(t, err, "a fault must never look like success")
				assert.Empty(t, id)
				assert.Equal(t, tc.want.code, err.Code, "%v", err)
				if idem {
					assert.Equal(t, tc.want.retryable, err.Retryable, "Retryable: %v", err)
					assert.False(t, err.OutcomeUnknown, "a read has no unknown outcome: %v", err)
				} else {
					assert.Equal(t, tc.want.code == tokenize.RateLimited, err.Retryable, "Retryable: %v", err)
					assert.Equal(t, tc.want.unknown, err.OutcomeUnknown, "OutcomeUnknown: %v", err)
				}
				assert.EqualValues(t, 1, inj.Injected())
			})
		}
	}
}
