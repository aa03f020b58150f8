package router_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/conformance"
	"github.com/tokenize-go/tokenize/faults"
	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
	"github.com/tokenize-go/tokenize/router"
)

// fast is the retry policy of the router's own cases: the default number
// of attempts with negligible delays.
var fast = tokenize.WithRetryPolicy(tokenize.RetryPolicy{MaxAttempts: 3, InitialBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond})

func card(pan string) *tokenize.Card {
	return &tokenize.Card{Number: tokenize.PAN(pan), ExpiryMonth: 12, ExpiryYear: 2031, CVV: "123"}
}

const rulesRouting = `{
	"default": "checkout",
	"rules": [
		{"tag": {"region": "eu"}, "to": "nuvei"},
		{"brand": ["visa"], "bin": ["411111-411112"], "to": "nuvei"},
		{"brand": ["mastercard"], "to": ["checkout", "nuvei"]},
		{"kind": ["bank_account"], "to": ["checkout", "nuvei"]}
	]
}`

func TestRoutesByRules(t *testing.T) {
	s := startSims(t)
	c, _ := s.open(t, rulesRouting)
	ctx := context.Background()
	bank := tokenize.BankAccount{AccountNumber: "11345739548759", RoutingNumber: "011000015", AccountType: tokenize.AccountChecking}
	withHolder := bank
	withHolder.HolderName = "Ada Lovelace"
	for _, tc := range []struct {
		name string
		ctx  context.Context
		req  tokenize.CreatePaymentTokenRequest
		want string
	}{
		{"VisaInBINRange", ctx, tokenize.CreatePaymentTokenRequest{Card: card(nuveisim.VisaPAN)}, "nuvei"},
		{"VisaOutsideBINRange", ctx, tokenize.CreatePaymentTokenRequest{Card: card(checkoutsim.VisaPAN)}, "checkout"},
		{"Mastercard", ctx, tokenize.CreatePaymentTokenRequest{Card: card(checkoutsim.MastercardPAN)}, "checkout"},
		{"TaggedEU", router.WithTag(ctx, "region", "eu"), tokenize.CreatePaymentTokenRequest{Card: card(checkoutsim.VisaPAN)}, "nuvei"},
		{"TaggedUS", router.WithTag(ctx, "region", "us"), tokenize.CreatePaymentTokenRequest{Card: card(checkoutsim.VisaPAN)}, "checkout"},
		// Checkout.com requires the account holder: without one it is
		// not chosen (its own Client refuses, nothing sent) and the next
		// provider of the rule takes the account.
		{"BankAccountWithoutHolder", ctx, tokenize.CreatePaymentTokenRequest{BankAccount: &bank}, "nuvei"},
		{"BankAccountWithHolder", ctx, tokenize.CreatePaymentTokenRequest{BankAccount: &withHolder}, "checkout"},
		// A temporary token matches no rule; Checkout.com, the default,
		// does not take Nuvei's, so its refusal goes back to the caller.
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, k := s.nuveiCreates.count(), s.ckoCreates.count()
			tok, err := c.CreatePaymentToken(tc.ctx, tc.req)
			require.NoError(t, err)
			assert.Equal(t, tokenize.RouterName, tok.Provider)
			ref := tok.Ref()
			assert.Equal(t, tc.want, ref.Provider)
			assert.Equal(t, tok.ID, ref.String(), "the router's id is the reference's text")
			wantN, wantK := n, k+1
			if tc.want == "nuvei" {
				wantN, wantK = n+1, k
			}
			assert.Equal(t, wantN, s.nuveiCreates.count(), "creates at Nuvei")
			assert.Equal(t, wantK, s.ckoCreates.count(), "creates at Checkout.com")
		})
	}
}

// TestReferencesNeverLeaveTheirProvider makes tokens at both providers and
// proves that every call by reference reaches the provider it names and
// no other, including references to tokens that provider does not hold.
func TestReferencesNeverLeaveTheirProvider(t *testing.T) {
	s := startSims(t)
	c, _ := s.open(t, rulesRouting)
	ctx := context.Background()
	atNuvei, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: card(nuveisim.VisaPAN)})
	require.NoError(t, err)
	atCko, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: card(checkoutsim.MastercardPAN)})
	require.NoError(t, err)
	ntNuvei, err := c.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{Card: card(nuveisim.VisaPAN)})
	require.NoError(t, err)
	ntCko, err := c.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: atCko.ID})
	require.NoError(t, err)
	require.Equal(t, "nuvei", ntNuvei.Ref().Provider)
	require.Equal(t, "checkout", ntCko.Ref().Provider)

	// Each id, and each id given to the other provider's name: a token id
	// of one provider is only ever looked up at the provider named.
	swapped := func(id, to string) string { return to + ":" + refOf(t, id).ID }
	type call struct {
		name string
		at   string
		do   func() error
	}
	var calls []call
	for _, tc := range []struct{ pt, nt, at string }{
		{atNuvei.ID, ntNuvei.ID, "nuvei"},
		{atCko.ID, ntCko.ID, "checkout"},
		{swapped(atCko.ID, "nuvei"), swapped(ntCko.ID, "nuvei"), "nuvei"},
		{swapped(atNuvei.ID, "checkout"), swapped(ntNuvei.ID, "checkout"), "checkout"},
	} {
		calls = append(calls,
			call{"GetPaymentToken " + tc.pt, tc.at, func() error { _, err := c.GetPaymentToken(ctx, tc.pt); return err }},
			call{"GetNetworkToken " + tc.nt, tc.at, func() error { _, err := c.GetNetworkToken(ctx, tc.nt); return err }},
			call{"RequestCryptogram " + tc.nt, tc.at, func() error {
				_, err := c.RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: tc.nt, TransactionType: tokenize.ECommerce})
				return err
			}},
		)
		if tc.at == "checkout" {
			calls = append(calls,
				call{"DeleteNetworkToken " + tc.nt, tc.at, func() error {
					return c.DeleteNetworkToken(ctx, tokenize.DeleteNetworkTokenRequest{ID: tc.nt, InitiatedBy: tokenize.InitiatedByCardholder, Reason: tokenize.ReasonOther})
				}},
				call{"DeletePaymentToken " + tc.pt, tc.at, func() error { return c.DeletePaymentToken(ctx, tc.pt) }})
		}
	}
	for _, cl := range calls {
		n, k := s.nuvei.Requests(), s.checkout.Requests()
		err := cl.do()
		if err != nil {
			assert.ErrorIs(t, err, tokenize.ErrNotFound, cl.name)
		}
		if cl.at == "nuvei" {
			assert.Greater(t, s.nuvei.Requests(), n, "%s reached Nuvei", cl.name)
			assert.Equal(t, k, s.checkout.Requests(), "%s reached Checkout.com", cl.name)
		} else {
			assert.Greater(t, s.checkout.Requests(), k, "%s reached Checkout.com", cl.name)
			assert.Equal(t, n, s.nuvei.Requests(), "%s reached Nuvei", cl.name)
		}
	}

	// A reference the router cannot route is refused before anything is
	// sent anywhere.
	before := s.Requests()
	for _, id := range []string{"worldpay:abc", "src_no_provider", "nuvei"} {
		_, err := c.GetPaymentToken(ctx, id)
		te := requireCode(t, tokenize.InvalidArgument, err)
		assert.Equal(t, tokenize.FieldID, te.Field)
	}
	assert.Equal(t, before, s.Requests(), "nothing sent")
}

// TestUnsupportedIsPerToken: the router declares the union, and the
// provider a token belongs to refuses what it cannot do, naming itself,
// before anything is sent.
func TestUnsupportedIsPerToken(t *testing.T) {
	s := startSims(t)
	c, r := s.open(t, rulesRouting)
	ctx := context.Background()
	assert.True(t, c.Capabilities().Supports(tokenize.OpDeleteNetworkToken), "Checkout.com can delete network tokens")
	nuveiCaps, ok := r.ProviderCapabilities("nuvei")
	require.True(t, ok)
	assert.False(t, nuveiCaps.Supports(tokenize.OpDeleteNetworkToken))

	nt, err := c.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{Card: card(nuveisim.VisaPAN)})
	require.NoError(t, err)
	before := s.Requests()
	err = c.DeleteNetworkToken(ctx, tokenize.DeleteNetworkTokenRequest{ID: nt.ID, InitiatedBy: tokenize.InitiatedByCardholder, Reason: tokenize.ReasonOther})
	te := requireCode(t, tokenize.Unsupported, err)
	assert.Equal(t, "nuvei", te.Provider, "the error names the provider that cannot")
	assert.Contains(t, te.Error(), "nuvei")
	assert.Equal(t, before, s.Requests(), "nothing sent")
	// Nuvei provisions from a card, not from a payment token.
	pt, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: card(nuveisim.VisaPAN)})
	require.NoError(t, err)
	_, err = c.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: pt.ID})
	requireCode(t, tokenize.Unsupported, err)
}

func requireCode(t *testing.T, code tokenize.Code, err error) *tokenize.Error {
	t.Helper()
	var te *tokenize.Error
	require.True(t, errors.As(err, &te), "want a *tokenize.Error, got %v", err)
	require.Equal(t, code, te.Code, "%v", err)
	return te
}

func refOf(t *testing.T, id string) tokenize.Ref {
	t.Helper()
	r, err := tokenize.ParseRef(id)
	require.NoError(t, err)
	return r
}

// failoverRouting tries Nuvei, then Checkout.com, for Visa cards (as
// creates and as provisions from the card).
const failoverRouting = `{"default": "checkout", "rules": [{"brand": ["visa"], "to": ["nuvei", "checkout"]}], "breaker": {"failures": 1000}}`

// TestFailoverUnderFaultMatrix injects every fault of the conformance
// matrix at the first provider, for creates and provisions from a card,
// once and on every request, and counts at both simulators what took
// effect: never more than one create per call, a move to the second
// provider only after a fault proving the first did nothing, and a
// successful call's reference naming where the create happened.
func TestFailoverUnderFaultMatrix(t *testing.T) {
	type op struct {
		name string
		do   func(ctx context.Context, c *tokenize.Client) (tokenize.Ref, error)
	}
	ops := []op{
		{"CreatePaymentToken", func(ctx context.Context, c *tokenize.Client) (tokenize.Ref, error) {
			tok, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: card(nuveisim.VisaPAN), MerchantReference: "failover"})
			if err != nil {
				return tokenize.Ref{}, err
			}
			return tok.Ref(), nil
		}},
		{"ProvisionNetworkToken", func(ctx context.Context, c *tokenize.Client) (tokenize.Ref, error) {
			nt, err := c.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{Card: card(nuveisim.VisaPAN)})
			if err != nil {
				return tokenize.Ref{}, err
			}
			return nt.Ref(), nil
		}},
	}
	for _, fc := range conformance.FaultMatrix() {
		for _, persistent := range []bool{true, false} {
			for _, o := range ops {
				name := fmt.Sprintf("%s/%s/persistent=%v", fc.Name, o.name, persistent)
				t.Run(name, func(t *testing.T) {
					s := startSims(t)
					c, r := s.open(t, failoverRouting, fast)
					f := fc.Fault
					if !persistent {
						f.Times = 1
					}
					ctx := context.Background()
					if f.Kind == faults.Stall {
						var cancel context.CancelFunc
						ctx, cancel = context.WithTimeout(ctx, 300*time.Millisecond)
						defer cancel()
					}
					s.nuveiFaults.Inject(f)
					ref, err := o.do(ctx, c)
					s.nuveiFaults.Clear()
					n, k := s.nuveiCreates.count(), s.ckoCreates.count()
					assert.LessOrEqual(t, n+k, int64(1), "a call created more than once: %d at Nuvei, %d at Checkout.com", n, k)
					assert.Zero(t, health(r, "checkout").Failovers, "Checkout.com is the last provider")
					failedOver := health(r, "nuvei").Failovers > 0
					if fc.NotProcessed {
						assert.True(t, failedOver, "a fault proving Nuvei did nothing moves the call on")
					}
					if err == nil {
						want := int64(1)
						if ref.Provider == "nuvei" {
							assert.Equal(t, want, n, "the reference names where the create happened")
						} else {
							assert.Equal(t, want, k, "the reference names where the create happened")
							assert.True(t, failedOver, "only a failover reaches Checkout.com")
						}
						return
					}
					var te *tokenize.Error
					require.True(t, errors.As(err, &te))
					assert.Zero(t, k, "after a fault whose outcome is unknown nothing may be sent to Checkout.com: %v", err)
					assert.True(t, te.OutcomeUnknown || fc.NotProcessed || n == 0, "an error after the create happened at Nuvei must say its outcome is unknown: %v", err)
					if fc.NotProcessed {
						t.Errorf("a fault proving Nuvei did nothing must fail over to a healthy provider: %v", err)
					}
					assert.False(t, failedOver, "no failover after a fault whose outcome is unknown")
				})
			}
		}
	}
}

// TestFailoverWhenProviderDown: Nuvei refuses connections; every create
// goes to Checkout.com, its circuit opens and shows in Health, old tokens
// are still read from their own provider (and fail there, nowhere else),
// and once Nuvei is back a probe after the cooldown closes the circuit.
func TestFailoverWhenProviderDown(t *testing.T) {
	s := startSims(t)
	r, err := router.Open(context.Background(), s.config(t,
		`{"default": "checkout", "rules": [{"brand": ["visa"], "to": ["nuvei", "checkout"]}], "breaker": {"failures": 2, "cooldown": "100ms"}}`),
		tokenize.OpenOptions{})
	require.NoError(t, err)
	// The circuit's cooldown runs on a clock the test moves: a real 100 ms
	// could pass between the calls that must find the circuit open.
	var mu sync.Mutex
	now := time.Unix(1_700_000_000, 0)
	router.SetClock(r, func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	c := tokenize.New(r, fast)
	ctx := context.Background()
	old, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: card(nuveisim.VisaPAN)})
	require.NoError(t, err)
	require.Equal(t, "nuvei", old.Ref().Provider)

	// Nuvei answers 503 before doing anything to every request. A 503 on
	// a create leaves its outcome unknown, so it does not move on...
	s.nuveiFaults.Inject(faults.Fault{Kind: faults.Status, Status: 503})
	_, err = c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: card(nuveisim.VisaPAN)})
	te := requireCode(t, tokenize.Unavailable, err)
	assert.True(t, te.OutcomeUnknown)
	assert.Equal(t, "nuvei", te.Provider, "the error names the provider that failed")
	// ...but reads keep failing there, and the circuit opens.
	_, err = c.GetPaymentToken(ctx, old.ID)
	requireCode(t, tokenize.Unavailable, err)
	h := health(r, "nuvei")
	assert.Equal(t, router.CircuitOpen, h.State)
	assert.Equal(t, tokenize.Unavailable, h.LastFailure)

	// With the circuit open, new Visa cards go to Checkout.com without
	// Nuvei seeing them.
	before := s.nuvei.Requests()
	tok, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: card(nuveisim.VisaPAN)})
	require.NoError(t, err)
	assert.Equal(t, "checkout", tok.Ref().Provider)
	assert.Equal(t, before, s.nuvei.Requests(), "an open circuit is skipped")
	assert.Positive(t, health(r, "nuvei").Failovers)

	// Nuvei recovers; after the cooldown one create probes it and closes
	// the circuit.
	s.nuveiFaults.Clear()
	tok, err = c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: card(nuveisim.VisaPAN)})
	require.NoError(t, err)
	assert.Equal(t, "checkout", tok.Ref().Provider, "the circuit stays open until the cooldown ends")
	mu.Lock()
	now = now.Add(100 * time.Millisecond)
	mu.Unlock()
	tok, err = c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: card(nuveisim.VisaPAN)})
	require.NoError(t, err)
	assert.Equal(t, "nuvei", tok.Ref().Provider, "the half-open probe")
	assert.Equal(t, router.CircuitClosed, health(r, "nuvei").State)

	// Nuvei goes away. An old token is still read from its own provider
	// (and nowhere else), which fails; this read also drops the kept-alive
	// connections, on which a create could be cut after it was written.
	s.nuveiSrv.Close()
	_, err = c.GetPaymentToken(ctx, old.ID)
	te = requireCode(t, tokenize.Unavailable, err)
	assert.Equal(t, "nuvei", te.Provider, "an old token is read from its own provider, which is down")
	// Connections refused: the request never left, so creates fail over.
	tok, err = c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: card(nuveisim.VisaPAN)})
	require.NoError(t, err)
	assert.Equal(t, "checkout", tok.Ref().Provider)
}

func health(r *router.Router, name string) router.Health {
	for _, h := range r.Health() {
		if h.Provider == name {
			return h
		}
	}
	return router.Health{}
}

func TestOpenRejectsBadRouting(t *testing.T) {
	s := startSims(t)
	for name, tc := range map[string]struct{ routing, field string }{
		"UnknownKey":         {`{"default": "nuvei", "weights": {}}`, "settings.router.weights"},
		"NoDefault":          {`{"rules": [{"brand": ["visa"], "to": "nuvei"}]}`, "settings.router.default"},
		"UnknownDefault":     {`{"default": "worldpay"}`, "settings.router.default"},
		"RuleWithoutWhen":    {`{"default": "nuvei", "rules": [{"to": "nuvei"}]}`, "settings.router.rules[0]"},
		"RuleUnknownTarget":  {`{"default": "nuvei", "rules": [{"brand": ["visa"], "to": ["nuvei", "adyen"]}]}`, "settings.router.rules[0].to"},
		"RuleTwice":          {`{"default": "nuvei", "rules": [{"brand": ["visa"], "to": ["nuvei", "nuvei"]}]}`, "settings.router.rules[0].to"},
		"BadKind":            {`{"default": "nuvei", "rules": [{"kind": ["wallet"], "to": "nuvei"}]}`, "settings.router.rules[0].kind"},
		"BadBrand":           {`{"default": "nuvei", "rules": [{"brand": ["visaa"], "to": "nuvei"}]}`, "settings.router.rules[0].brand"},
		"BadBIN":             {`{"default": "nuvei", "rules": [{"bin": ["4999-4000"], "to": "nuvei"}]}`, "settings.router.rules[0].bin"},
		"BadCooldown":        {`{"default": "nuvei", "breaker": {"cooldown": "soon"}}`, "settings.router.breaker.cooldown"},
		"DefaultNotAName":    {`{"default": 5}`, "settings.router"},
		"RuleToNotAName":     {`{"default": "nuvei", "rules": [{"brand": ["visa"], "to": {"nuvei": 1}}]}`, "settings.router.rules[0].to"},
		"UnknownRuleKey":     {`{"default": "nuvei", "rules": [{"country": ["FR"], "to": "nuvei"}]}`, "settings.router.rules[0]"},
		"RuleKindNotAList":   {`{"default": "nuvei", "rules": [{"kind": 5, "to": "nuvei"}]}`, "settings.router.rules[0].kind"},
		"FailuresNotANumber": {`{"default": "nuvei", "breaker": {"failures": "x"}}`, "settings.router.breaker.failures"},
		"CooldownNotAString": {`{"default": "nuvei", "breaker": {"cooldown": 30}}`, "settings.router.breaker.cooldown"},
		"ZeroCooldown":       {`{"default": "nuvei", "breaker": {"cooldown": "0s"}}`, "settings.router.breaker.cooldown"},
		"UnknownBreakerKey":  {`{"default": "nuvei", "breaker": {"failure": 5}}`, "settings.router.breaker"},
		"BreakerNotAnObject": {`{"default": "nuvei", "breaker": 5}`, "settings.router.breaker"},
		"SecondRuleBadBrand": {`{"default": "nuvei", "rules": [{"brand": ["visa"], "to": "nuvei"}, {"brand": ["visaa"], "to": "nuvei"}]}`, "settings.router.rules[1].brand"},
		"RuleNotAnObject":    {`{"default": "nuvei", "rules": [5]}`, "settings.router.rules[0]"},
		"RulesNotAList":      {`{"default": "nuvei", "rules": 5}`, "settings.router.rules"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := router.Open(context.Background(), s.config(t, tc.routing), tokenize.OpenOptions{})
			te := requireCode(t, tokenize.InvalidArgument, err)
			assert.Equal(t, tc.field, te.Field, "%v", err)
			// The JSON is valid: the error says what is wrong with a value,
			// without quoting it.
			assert.NotContains(t, te.Message, "malformed")
			assert.Contains(t, te.Message, strings.TrimPrefix(tc.field, "settings."), "the message names the setting as Field does")
			for _, v := range []string{"visaa", "4999", "soon", "FR"} {
				assert.NotContains(t, te.Error(), v, "a value quoted")
			}
		})
	}
	// A provider's own settings errors name where they are.
	_, err := router.Open(context.Background(), s.configWith(t, `{"default": "nuvei"}`, []byte(`{"api_key": "k"}`), s.checkout.SettingsAt(s.ckoSrv.URL)), tokenize.OpenOptions{})
	te := requireCode(t, tokenize.InvalidArgument, err)
	assert.Contains(t, te.Field, "providers.nuvei.")
}

func TestParseBINRange(t *testing.T) {
	for in, want := range map[string]router.BINRange{
		"4":             {Low: "4", High: "4"},
		"400000-499999": {Low: "400000", High: "499999"},
		"222100-272099": {Low: "222100", High: "272099"},
	} {
		got, err := router.ParseBINRange(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got)
		assert.Equal(t, in, got.String())
	}
	for _, bad := range []string{"", "4-", "-4", "40-4999", "5-4", "4a", "123456789012"} {
		_, err := router.ParseBINRange(bad)
		assert.Error(t, err, bad)
	}
}

func TestTags(t *testing.T) {
	ctx := router.WithTag(router.WithTag(context.Background(), "region", "eu"), "region", "us")
	v, ok := router.Tag(ctx, "region")
	assert.True(t, ok)
	assert.Equal(t, "us", v, "the later tag wins")
	_, ok = router.Tag(ctx, "tier")
	assert.False(t, ok)
}

func TestRouterPrintsNoSettings(t *testing.T) {
	s := startSims(t)
	_, r := s.open(t, rulesRouting)
	out := fmt.Sprintf("%v %+v %#v %s", r, r, r, r)
	for _, secret := range s.secrets() {
		assert.NotContains(t, out, secret)
	}
	assert.Contains(t, out, "checkout")
}

// The Client around the router logs each call once, with the provider's
// request id and the HTTP exchanges the provider's own Client made.
func TestOuterLogSeesTheProvidersResponses(t *testing.T) {
	s := startSims(t)
	var buf bytes.Buffer
	c, _ := s.open(t, rulesRouting, tokenize.WithLogger(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	_, err := c.CreatePaymentToken(context.Background(), tokenize.CreatePaymentTokenRequest{Card: card(checkoutsim.MastercardPAN)})
	require.NoError(t, err)
	var rec map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &rec), buf.String())
	assert.Equal(t, tokenize.RouterName, rec["provider"])
	assert.GreaterOrEqual(t, rec["http_requests"], float64(1), "the responses Checkout.com's Client observed")
	assert.NotEmpty(t, rec["request_id"], "Checkout.com's request id")
	assert.NotContains(t, buf.String(), checkoutsim.MastercardPAN)
}

// A Breaker is set in Go with a time.Duration and written in JSON as a
// duration string, both ways.
func TestBreakerJSON(t *testing.T) {
	b, err := json.Marshal(router.Breaker{Failures: 2, Cooldown: 90 * time.Second})
	require.NoError(t, err)
	assert.JSONEq(t, `{"failures": 2, "cooldown": "1m30s"}`, string(b))
	var back router.Breaker
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, router.Breaker{Failures: 2, Cooldown: 90 * time.Second}, back)

	b, err = json.Marshal(router.Config{Default: router.Names{"nuvei"}})
	require.NoError(t, err)
	assert.NotContains(t, string(b), "breaker", "a zero Breaker is left out")
}
