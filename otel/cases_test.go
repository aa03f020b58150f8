package otel_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/faults"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
)

const unknownPT = "00000000-0000-4000-8000-000000000000"

// What identifies a cardholder: the tests send these, and no telemetry
// may carry them (TestRedaction). Each CVV is a word that no id of its
// simulator can contain: Checkout.com's ids use the digits 2-7 only,
// Nuvei's UUIDs have no three-character group.
const (
	testCVV  = "9180"
	nuveiCVV = "737"
	// worldpayCVV has three digits: Worldpay's ids are UUIDs (network
	// tokens, WP-CorrelationId), which have no three-character group,
	// while "9180" is a group of one UUID in about 13,000, and a suite
	// run makes thousands: TestConformanceObserved failed 2 runs in 5.
	worldpayCVV = "918"
	holderName  = "Ada Lovelace"
	merchantRef = "customer-42-card-1"
	customerRef = "ada@example.com"
	bankAccount = "918181918"
)

func nuveiCard(pan string) *tokenize.Card {
	return &tokenize.Card{Number: tokenize.PAN(pan), ExpiryMonth: 12, ExpiryYear: 2031, CVV: nuveiCVV, HolderName: holderName}
}

func create(pan string) func(context.Context, *tokenize.Client, *nuveisim.Server) error {
	return func(ctx context.Context, c *tokenize.Client, _ *nuveisim.Server) error {
		_, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: nuveiCard(pan), MerchantReference: merchantRef})
		return err
	}
}

// getWith reads an unknown payment token with fault armed on every GET.
func getWith(fault faults.Fault) func(context.Context, *tokenize.Client, *nuveisim.Server) error {
	return func(ctx context.Context, c *tokenize.Client, srv *nuveisim.Server) error {
		fault.Method = "GET"
		srv.Faults().Inject(fault)
		_, err := c.GetPaymentToken(ctx, unknownPT)
		return err
	}
}

// The error classes, one case each, through a real Client and the Nuvei
// simulator: the exact spans and metric points each leaves.
var errorCases = []struct {
	name string
	call func(context.Context, *tokenize.Client, *nuveisim.Server) error
	// badKey opens the Client with an API key the simulator refuses.
	badKey  bool
	code    tokenize.Code
	spans   string
	metrics string
}{
	{name: "InvalidArgument/refused before sending", call: create("4111111111111112"), code: tokenize.InvalidArgument,
		spans: `tokenize.CreatePaymentToken [Error: InvalidArgument] error.type=InvalidArgument tokenize.attempts=0 tokenize.code=InvalidArgument tokenize.field=card.number tokenize.operation=CreatePaymentToken tokenize.outcome_unknown=false tokenize.provider=nuvei
`,
		metrics: `tokenize.client.active_calls tokenize.operation=CreatePaymentToken tokenize.provider=nuvei value=0
tokenize.client.call.duration error.type=InvalidArgument tokenize.code=InvalidArgument tokenize.operation=CreatePaymentToken tokenize.provider=nuvei count=1`,
	},
	{name: "InvalidArgument/provider", call: create(nuveisim.InvalidPAN), code: tokenize.InvalidArgument,
		spans: `tokenize.CreatePaymentToken [Error: InvalidArgument] error.type=InvalidArgument http.response.status_code=400 tokenize.attempts=1 tokenize.code=InvalidArgument tokenize.field=card.number tokenize.operation=CreatePaymentToken tokenize.outcome_unknown=false tokenize.provider=nuvei tokenize.provider_codes=["5000.1000"]
  tokenize.attempt [Error: InvalidArgument] error.type=InvalidArgument http.response.status_code=400 tokenize.attempt=1 tokenize.code=InvalidArgument
    - tokenize.response http.response.status_code=400
`,
		metrics: `tokenize.client.active_calls tokenize.operation=CreatePaymentToken tokenize.provider=nuvei value=0
tokenize.client.call.duration error.type=InvalidArgument tokenize.code=InvalidArgument tokenize.operation=CreatePaymentToken tokenize.provider=nuvei count=1`,
	},
	{name: "Unauthenticated", call: func(ctx context.Context, c *tokenize.Client, _ *nuveisim.Server) error {
		_, err := c.GetPaymentToken(ctx, unknownPT)
		return err
	}, badKey: true, code: tokenize.Unauthenticated,
		spans: `tokenize.GetPaymentToken [Error: Unauthenticated] error.type=Unauthenticated http.response.status_code=401 tokenize.attempts=1 tokenize.code=Unauthenticated tokenize.operation=GetPaymentToken tokenize.outcome_unknown=false tokenize.provider=nuvei tokenize.provider_codes=["7300.3000"]
  tokenize.attempt [Error: Unauthenticated] error.type=Unauthenticated http.response.status_code=401 tokenize.attempt=1 tokenize.code=Unauthenticated
    - tokenize.response http.response.status_code=401
`,
		metrics: `tokenize.client.active_calls tokenize.operation=GetPaymentToken tokenize.provider=nuvei value=0
tokenize.client.call.duration error.type=Unauthenticated tokenize.code=Unauthenticated tokenize.operation=GetPaymentToken tokenize.provider=nuvei count=1`,
	},
	{name: "PermissionDenied", call: create(nuveisim.ForbiddenPAN), code: tokenize.PermissionDenied,
		spans: `tokenize.CreatePaymentToken [Error: PermissionDenied] error.type=PermissionDenied http.response.status_code=403 tokenize.attempts=1 tokenize.code=PermissionDenied tokenize.operation=CreatePaymentToken tokenize.outcome_unknown=false tokenize.provider=nuvei tokenize.provider_codes=["7300.3000"]
  tokenize.attempt [Error: PermissionDenied] error.type=PermissionDenied http.response.status_code=403 tokenize.attempt=1 tokenize.code=PermissionDenied
    - tokenize.response http.response.status_code=403
`,
		metrics: `tokenize.client.active_calls tokenize.operation=CreatePaymentToken tokenize.provider=nuvei value=0
tokenize.client.call.duration error.type=PermissionDenied tokenize.code=PermissionDenied tokenize.operation=CreatePaymentToken tokenize.provider=nuvei count=1`,
	},
	{name: "NotFound", call: getWith(faults.Fault{Kind: faults.Latency}), code: tokenize.NotFound,
		spans: `tokenize.GetPaymentToken [Error: NotFound] error.type=NotFound http.response.status_code=404 tokenize.attempts=1 tokenize.code=NotFound tokenize.operation=GetPaymentToken tokenize.outcome_unknown=false tokenize.provider=nuvei
  tokenize.attempt [Error: NotFound] error.type=NotFound http.response.status_code=404 tokenize.attempt=1 tokenize.code=NotFound
    - tokenize.response http.response.status_code=404
`,
		metrics: `tokenize.client.active_calls tokenize.operation=GetPaymentToken tokenize.provider=nuvei value=0
tokenize.client.call.duration error.type=NotFound tokenize.code=NotFound tokenize.operation=GetPaymentToken tokenize.provider=nuvei count=1`,
	},
	{name: "FailedPrecondition", call: create(nuveisim.RefusedPAN), code: tokenize.FailedPrecondition,
		spans: `tokenize.CreatePaymentToken [Error: FailedPrecondition] error.type=FailedPrecondition http.response.status_code=200 tokenize.attempts=1 tokenize.code=FailedPrecondition tokenize.operation=CreatePaymentToken tokenize.outcome_unknown=false tokenize.provider=nuvei tokenize.provider_codes=["5300.1109"]
  tokenize.attempt [Error: FailedPrecondition] error.type=FailedPrecondition http.response.status_code=200 tokenize.attempt=1 tokenize.code=FailedPrecondition
    - tokenize.response http.response.status_code=200
`,
		metrics: `tokenize.client.active_calls tokenize.operation=CreatePaymentToken tokenize.provider=nuvei value=0
tokenize.client.call.duration error.type=FailedPrecondition tokenize.code=FailedPrecondition tokenize.operation=CreatePaymentToken tokenize.provider=nuvei count=1`,
	},
	{name: "RateLimited", call: getWith(faults.Fault{Kind: faults.Status, Status: 429}), code: tokenize.RateLimited,
		spans: `tokenize.GetPaymentToken [Error: RateLimited] error.type=RateLimited http.response.status_code=429 tokenize.attempts=3 tokenize.code=RateLimited tokenize.operation=GetPaymentToken tokenize.outcome_unknown=false tokenize.provider=nuvei
  tokenize.attempt [Error: RateLimited] error.type=RateLimited http.response.status_code=429 tokenize.attempt=1 tokenize.code=RateLimited
    - tokenize.response http.response.status_code=429
  tokenize.attempt [Error: RateLimited] error.type=RateLimited http.response.status_code=429 tokenize.attempt=2 tokenize.code=RateLimited
    - tokenize.response http.response.status_code=429
  tokenize.attempt [Error: RateLimited] error.type=RateLimited http.response.status_code=429 tokenize.attempt=3 tokenize.code=RateLimited
    - tokenize.response http.response.status_code=429
`,
		metrics: `tokenize.client.active_calls tokenize.operation=GetPaymentToken tokenize.provider=nuvei value=0
tokenize.client.call.duration error.type=RateLimited tokenize.code=RateLimited tokenize.operation=GetPaymentToken tokenize.provider=nuvei count=1
tokenize.client.retries error.type=RateLimited tokenize.code=RateLimited tokenize.operation=GetPaymentToken tokenize.provider=nuvei value=2`,
	},
	{name: "Unavailable", call: getWith(faults.Fault{Kind: faults.Status, Status: 503, Body: "<html>down</html>", ContentType: "text/html"}), code: tokenize.Unavailable,
		spans: `tokenize.GetPaymentToken [Error: Unavailable] error.type=Unavailable http.response.status_code=503 tokenize.attempts=3 tokenize.code=Unavailable tokenize.operation=GetPaymentToken tokenize.outcome_unknown=false tokenize.provider=nuvei
  tokenize.attempt [Error: Unavailable] error.type=Unavailable http.response.status_code=503 tokenize.attempt=1 tokenize.code=Unavailable
    - tokenize.response http.response.status_code=503
  tokenize.attempt [Error: Unavailable] error.type=Unavailable http.response.status_code=503 tokenize.attempt=2 tokenize.code=Unavailable
    - tokenize.response http.response.status_code=503
  tokenize.attempt [Error: Unavailable] error.type=Unavailable http.response.status_code=503 tokenize.attempt=3 tokenize.code=Unavailable
    - tokenize.response http.response.status_code=503
`,
		metrics: `tokenize.client.active_calls tokenize.operation=GetPaymentToken tokenize.provider=nuvei value=0
tokenize.client.call.duration error.type=Unavailable tokenize.code=Unavailable tokenize.operation=GetPaymentToken tokenize.provider=nuvei count=1
tokenize.client.retries error.type=Unavailable tokenize.code=Unavailable tokenize.operation=GetPaymentToken tokenize.provider=nuvei value=2`,
	},
	{name: "DeadlineExceeded", call: func(ctx context.Context, c *tokenize.Client, srv *nuveisim.Server) error {
		ctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		return getWith(faults.Fault{Kind: faults.Stall})(ctx, c, srv)
	}, code: tokenize.DeadlineExceeded,
		spans: `tokenize.GetPaymentToken [Error: DeadlineExceeded] error.type=DeadlineExceeded http.response.status_code=200 tokenize.attempts=1 tokenize.code=DeadlineExceeded tokenize.operation=GetPaymentToken tokenize.outcome_unknown=false tokenize.provider=nuvei
  tokenize.attempt [Error: DeadlineExceeded] error.type=DeadlineExceeded http.response.status_code=200 tokenize.attempt=1 tokenize.code=DeadlineExceeded
    - tokenize.response http.response.status_code=200
`,
		metrics: `tokenize.client.active_calls tokenize.operation=GetPaymentToken tokenize.provider=nuvei value=0
tokenize.client.call.duration error.type=DeadlineExceeded tokenize.code=DeadlineExceeded tokenize.operation=GetPaymentToken tokenize.provider=nuvei count=1`,
	},
	{name: "Canceled", call: func(ctx context.Context, c *tokenize.Client, _ *nuveisim.Server) error {
		ctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := c.GetPaymentToken(ctx, unknownPT)
		return err
	}, code: tokenize.Canceled,
		spans: `tokenize.GetPaymentToken [Error: Canceled] error.type=Canceled tokenize.attempts=0 tokenize.code=Canceled tokenize.operation=GetPaymentToken tokenize.outcome_unknown=false tokenize.provider=nuvei
`,
		metrics: `tokenize.client.active_calls tokenize.operation=GetPaymentToken tokenize.provider=nuvei value=0
tokenize.client.call.duration error.type=Canceled tokenize.code=Canceled tokenize.operation=GetPaymentToken tokenize.provider=nuvei count=1`,
	},
	{name: "Unsupported", call: func(ctx context.Context, c *tokenize.Client, _ *nuveisim.Server) error {
		return c.DeletePaymentToken(ctx, unknownPT)
	}, code: tokenize.Unsupported,
		spans: `tokenize.DeletePaymentToken [Error: Unsupported] error.type=Unsupported tokenize.attempts=0 tokenize.code=Unsupported tokenize.operation=DeletePaymentToken tokenize.outcome_unknown=false tokenize.provider=nuvei
`,
		metrics: `tokenize.client.active_calls tokenize.operation=DeletePaymentToken tokenize.provider=nuvei value=0
tokenize.client.call.duration error.type=Unsupported tokenize.code=Unsupported tokenize.operation=DeletePaymentToken tokenize.provider=nuvei count=1`,
	},
	{name: "Internal/outcome unknown", call: create(nuveisim.InternalErrorPAN), code: tokenize.Internal,
		spans: `tokenize.CreatePaymentToken [Error: Internal] error.type=Internal http.response.status_code=500 tokenize.attempts=1 tokenize.code=Internal tokenize.operation=CreatePaymentToken tokenize.outcome_unknown=true tokenize.provider=nuvei tokenize.provider_codes=["7000.1000"]
  tokenize.attempt [Error: Internal] error.type=Internal http.response.status_code=500 tokenize.attempt=1 tokenize.code=Internal
    - tokenize.response http.response.status_code=500
`,
		metrics: `tokenize.client.active_calls tokenize.operation=CreatePaymentToken tokenize.provider=nuvei value=0
tokenize.client.call.duration error.type=Internal tokenize.code=Internal tokenize.operation=CreatePaymentToken tokenize.provider=nuvei count=1`,
	},
	{name: "Unknown", call: getWith(faults.Fault{Kind: faults.Status, Status: 418, Body: "{}"}), code: tokenize.Unknown,
		spans: `tokenize.GetPaymentToken [Error: Unknown] error.type=Unknown http.response.status_code=418 tokenize.attempts=1 tokenize.code=Unknown tokenize.operation=GetPaymentToken tokenize.outcome_unknown=false tokenize.provider=nuvei
  tokenize.attempt [Error: Unknown] error.type=Unknown http.response.status_code=418 tokenize.attempt=1 tokenize.code=Unknown
    - tokenize.response http.response.status_code=418
`,
		metrics: `tokenize.client.active_calls tokenize.operation=GetPaymentToken tokenize.provider=nuvei value=0
tokenize.client.call.duration error.type=Unknown tokenize.code=Unknown tokenize.operation=GetPaymentToken tokenize.provider=nuvei count=1`,
	},
}

func TestErrorClasses(t *testing.T) {
	for _, tc := range errorCases {
		t.Run(tc.name, func(t *testing.T) {
			tel := newTelemetry(t)
			c, srv := nuvei(t, tel)
			if tc.badKey {
				c = nuveiWithKey(t, tel, srv, "wrong-key")
			}
			err := tc.call(context.Background(), c, srv)
			require.Equal(t, tc.code, tokenize.CodeOf(err), "%v", err)
			assert.Equal(t, tc.spans, tel.render(nil))
			assert.Equal(t, tc.metrics, tel.metrics(t))
		})
	}
}
