package conformance

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/faults"
)

// faultPolicy is the retry policy of the fault cases: the default number of
// attempts with negligible delays, so the matrix runs in seconds.
var faultPolicy = tokenize.RetryPolicy{
	MaxAttempts:    tokenize.DefaultRetryPolicy().MaxAttempts,
	InitialBackoff: time.Millisecond,
	MaxBackoff:     2 * time.Millisecond,
	MaxElapsed:     5 * time.Second,
}

// stallTimeout bounds calls in the Stall case.
const stallTimeout = 300 * time.Millisecond

// faultCase is one fault and what every provider must make of it.
type faultCase struct {
	name  string
	fault faults.Fault
	// ok: the call must succeed despite the fault.
	ok bool
	// code is the error Code the caller sees.
	code tokenize.Code
	// notProcessed: the provider cannot have acted on the request (408, 429),
	// so even a create may be retried.
	notProcessed bool
	// retried: a request that is safe to repeat is retried.
	retried bool
}

func faultCases() []faultCase {
	html := func(s string) string { return "<html><body><h1>" + s + "</h1></body></html>" }
	return []faultCase{
		{name: "500JSON", fault: faults.Fault{Kind: faults.Status, Status: 500, Body: `{"message":"internal failure"}`}, code: tokenize.Internal, retried: true},
		{name: "500HTML", fault: faults.Fault{Kind: faults.Status, Status: 500, Body: html("Internal Server Error"), ContentType: "text/html"}, code: tokenize.Internal, retried: true},
		{name: "502HTML", fault: faults.Fault{Kind: faults.Status, Status: 502, Body: html("Bad Gateway"), ContentType: "text/html"}, code: tokenize.Unavailable, retried: true},
		{name: "502AfterProcessing", fault: faults.Fault{Kind: faults.Status, Status: 502, Body: html("Bad Gateway"), ContentType: "text/html", AfterHandler: true}, code: tokenize.Unavailable, retried: true},
		{name: "503JSON", fault: faults.Fault{Kind: faults.Status, Status: 503, Body: `{"message":"unavailable"}`}, code: tokenize.Unavailable, retried: true},
		{name: "504HTML", fault: faults.Fault{Kind: faults.Status, Status: 504, Body: html("Gateway Timeout"), ContentType: "text/html"}, code: tokenize.Unavailable, retried: true},
		{name: "504Empty", fault: faults.Fault{Kind: faults.Status, Status: 504}, code: tokenize.Unavailable, retried: true},
		// The server never had the whole request, so even a create may be
		// resent.
		{name: "408Timeout", fault: faults.Fault{Kind: faults.Status, Status: 408, Body: html("Request Timeout"), ContentType: "text/html"}, code: tokenize.Unavailable, notProcessed: true, retried: true},
		{name: "429RetryAfter", fault: faults.Fault{Kind: faults.Status, Status: 429, RetryAfter: "0", Body: `{}`}, code: tokenize.RateLimited, notProcessed: true, retried: true},
		{name: "ResetBeforeResponse", fault: faults.Fault{Kind: faults.Reset}, code: tokenize.Unavailable, retried: true},
		{name: "ResetAfterProcessing", fault: faults.Fault{Kind: faults.Reset, AfterHandler: true}, code: tokenize.Unavailable, retried: true},
		{name: "ResetMidBody", fault: faults.Fault{Kind: faults.ResetMidBody}, code: tokenize.Unavailable, retried: true},
		{name: "TruncatedJSON", fault: faults.Fault{Kind: faults.Truncated}, code: tokenize.Internal, retried: true},
		{name: "Oversized", fault: faults.Fault{Kind: faults.Oversized, Size: 2 << 20}, code: tokenize.Internal},
		{name: "Stall", fault: faults.Fault{Kind: faults.Stall}, code: tokenize.DeadlineExceeded},
		// A complete, valid JSON answer with the wrong label is accepted:
		// refusing it would turn a proxy's quirk into a lost token.
		{name: "WrongContentType", fault: faults.Fault{Kind: faults.WrongContentType}, ok: true},
		{name: "Latency", fault: faults.Fault{Kind: faults.Latency, Delay: 30 * time.Millisecond}, ok: true},
	}
}

// faultOp is one operation under fault.
type faultOp struct {
	op tokenize.Operation
	// safe: repeating the request cannot create a duplicate.
	safe bool
	// prepare creates what the call needs before the fault is armed and
	// returns the call.
	prepare func(c *tc) func(ctx context.Context) error
}

func (c *tc) faultOps() []faultOp {
	card := c.h.Fixtures.VisaCard
	ops := []faultOp{
		{tokenize.OpCreatePaymentToken, false, func(c *tc) func(context.Context) error {
			return func(ctx context.Context) error {
				tok, err := c.env.Client.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: &card, MerchantReference: "fault-ref"})
				return c.note(tok, err)
			}
		}},
		{tokenize.OpGetPaymentToken, true, func(c *tc) func(context.Context) error {
			id := c.createCard(card, "").ID
			return func(ctx context.Context) error {
				tok, err := c.env.Client.GetPaymentToken(ctx, id)
				return c.note(tok, err)
			}
		}},
		{tokenize.OpDeletePaymentToken, true, func(c *tc) func(context.Context) error {
			id := c.createCard(card, "").ID
			return func(ctx context.Context) error { return c.note(nil, c.env.Client.DeletePaymentToken(ctx, id)) }
		}},
		{tokenize.OpProvisionNetworkToken, c.caps.ProvisionIsIdempotent, func(c *tc) func(context.Context) error {
			req := c.provisionRequest(card)
			return func(ctx context.Context) error {
				nt, err := c.env.Client.ProvisionNetworkToken(ctx, req)
				c.noteToken(nt)
				return c.note(nt, err)
			}
		}},
		{tokenize.OpGetNetworkToken, true, func(c *tc) func(context.Context) error {
			id := c.provision(card).ID
			return func(ctx context.Context) error {
				nt, err := c.env.Client.GetNetworkToken(ctx, id)
				c.noteToken(nt)
				return c.note(nt, err)
			}
		}},
		{tokenize.OpDeleteNetworkToken, true, func(c *tc) func(context.Context) error {
			id := c.provision(card).ID
			return func(ctx context.Context) error {
				return c.note(nil, c.env.Client.DeleteNetworkToken(ctx, tokenize.DeleteNetworkTokenRequest{
					ID: id, InitiatedBy: tokenize.InitiatedByTokenRequestor, Reason: tokenize.ReasonOther}))
			}
		}},
		{tokenize.OpRequestCryptogram, true, func(c *tc) func(context.Context) error {
			id := c.provision(card).ID
			tt := c.caps.TransactionTypes[0]
			return func(ctx context.Context) error {
				_, err := c.cryptogramCtx(ctx, id, tt)
				return err
			}
		}},
	}
	declared := ops[:0]
	for _, o := range ops {
		if c.caps.Supports(o.op) && (o.op != tokenize.OpRequestCryptogram || len(c.caps.TransactionTypes) > 0) {
			declared = append(declared, o)
		}
	}
	return declared
}

// testFaults runs every fault against every declared operation, once with
// the fault on every request (the call must fail exactly as the retry policy
// says) and once on the first request only (a safe call must recover).
func testFaults(t *testing.T, h Harness) {
	for _, fc := range faultCases() {
		for _, persistent := range []bool{true, false} {
			name := fc.name + "/Once"
			if persistent {
				name = fc.name + "/Persistent"
			}
			t.Run(name, func(t *testing.T) {
				c := setup(t, h, tokenize.WithRetryPolicy(faultPolicy))
				c.skipUnlessSim()
				inj := c.faults()
				c.warm()
				for _, op := range c.faultOps() {
					t.Run(op.op.String(), func(t *testing.T) {
						oc := c.with(t)
						runFault(oc, inj, fc, op, persistent)
					})
				}
			})
		}
	}
}

func runFault(c *tc, inj *faults.Injector, fc faultCase, op faultOp, persistent bool) {
	t := c.t
	// Everything the call needs, an OAuth token included, is in place
	// before the fault is armed, so the fault hits the operation itself.
	call := op.prepare(c)
	f := fc.fault
	if !persistent {
		f.Times = 1
	}
	ctx := context.Background()
	if fc.fault.Kind == faults.Stall {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, stallTimeout)
		defer cancel()
	}
	before, beforeInapplicable := inj.Injected(), inj.Inapplicable()
	inj.Inject(f)
	start := time.Now()
	err := call(ctx)
	elapsed := time.Since(start)
	inj.Clear()
	injected := inj.Injected() - before
	if inj.Inapplicable() > beforeInapplicable {
		// The operation's answer has no body (a 204), so there is nothing
		// to truncate or cut: the fault cannot happen to it.
		t.Skipf("%s does not apply to %s: its response has no body", fc.name, op.op)
	}

	maxAttempts := faultPolicy.MaxAttempts
	retrySafe := fc.retried && (op.safe || fc.notProcessed)
	switch {
	case fc.ok:
		require.NoError(t, err, "%s must be absorbed", fc.name)
	case !persistent && retrySafe:
		require.NoError(t, err, "a transient %s on a retry-safe call must be retried to success", fc.name)
		assertInjected(t, fc, op, 1, injected)
	default:
		te := assertCode(t, fc.code, err, "%s on %s", fc.name, op.op)
		if te == nil {
			return
		}
		wantAttempts := 1
		if retrySafe {
			wantAttempts = maxAttempts
		}
		assert.Equal(t, wantAttempts, te.Attempts, "attempts")
		assertInjected(t, fc, op, wantAttempts, injected)
		assert.Equal(t, retrySafe, te.Retryable, "Retryable")
		// Only a request that may have reached the provider and is not
		// safe to repeat has an unknown outcome.
		wantUnknown := !op.safe && !fc.notProcessed
		assert.Equal(t, wantUnknown, te.OutcomeUnknown, "OutcomeUnknown")
		if op.op == tokenize.OpCreatePaymentToken {
			assert.Equal(t, "fault-ref", te.MerchantReference, "the error carries the merchant reference")
		}
		if fc.code == tokenize.RateLimited {
			assert.Equal(t, 429, te.HTTPStatus)
		}
	}
	if fc.fault.Kind == faults.Stall {
		assert.Less(t, elapsed, stallTimeout+time.Second, "a stalled response must not outlive the deadline")
	}
	// The same Client keeps working after the fault.
	tok, err := c.env.Client.CreatePaymentToken(context.Background(), tokenize.CreatePaymentTokenRequest{Card: &c.h.Fixtures.MastercardCard})
	require.NoError(t, c.note(tok, err), "the Client must work again once the fault is gone")
}

// assertInjected checks how many requests the fault hit. The standard
// library transport itself resends a replayable request (a GET) once when a
// reused connection breaks before the answer, so for resets on reads it may
// hit up to twice per attempt; every other case is exact, and a create is
// never sent twice.
func assertInjected(t *testing.T, fc faultCase, op faultOp, attempts int, injected int64) {
	t.Helper()
	if fc.fault.Kind == faults.Stall {
		// The deadline, not the server, ends a stalled call: on a loaded
		// machine it can pass before the request arrives. What matters is
		// that the call was not repeated.
		assert.LessOrEqual(t, injected, int64(attempts), "requests hit by the fault")
		return
	}
	resetOnRead := op.safe && (fc.fault.Kind == faults.Reset || fc.fault.Kind == faults.ResetMidBody)
	if resetOnRead {
		assert.True(t, injected >= int64(attempts) && injected <= int64(2*attempts),
			"requests hit by the fault: %d, want %d to %d", injected, attempts, 2*attempts)
		return
	}
	assert.Equal(t, int64(attempts), injected, "requests hit by the fault")
}

// with returns a copy of c bound to a subtest.
func (c *tc) with(t *testing.T) *tc {
	cp := *c
	cp.t = t
	return &cp
}
