// Package conformance is the behaviour every tokenize provider must share,
// as a test suite an adapter runs against its simulator and, when
// credentials are present, against a live sandbox:
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, conformance.Harness{
//			Provider: "nuvei",
//			New:      newEnv, // fresh simulator + Clients for each test
//			Fixtures: fixtures,
//		})
//	}
//
// The suite exercises every operation the provider declares in its
// Capabilities and skips the others with a reason, after checking that
// they fail with tokenize.ErrUnsupported without sending anything. It checks
// what every provider must share: round trips return the same normalised
// values, cryptograms are fresh, invalid input is refused before anything
// is sent, unknown ids are NotFound, bad credentials are Unauthenticated,
// cancellation is prompt, every network and server fault is classified with
// the right Code, Retryable and OutcomeUnknown and retried exactly as the
// retry policy says (a create is never sent twice), a redirect of any kind
// sends nothing elsewhere, whatever *http.Client the caller passed, and a
// server echoing the whole request lets no card value or credential out, a
// Client is safe for concurrent use and keeps working after any fault,
// network-token changes
// (suspend, reactivate, new expiry, reissued card, delete) reach the caller
// as the right neutral event by sync and, for providers declaring
// webhooks, by a verified webhook that survives duplicates, reordering and
// a failing callback, and no card
// number, CVV, DPAN, cryptogram or credential ever appears in a log line, an
// error or fmt output (every case runs with a capturing debug logger).
package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/faults"
)

// Run runs the conformance suite against h.
func Run(t *testing.T, h Harness) {
	t.Helper()
	require.NotNil(t, h.New, "Harness.New is required")
	require.NotEmpty(t, h.Provider, "Harness.Provider is required")

	t.Run("PaymentToken", func(t *testing.T) {
		t.Run("CardRoundTrip", func(t *testing.T) { testCardRoundTrip(t, h) })
		t.Run("BankAccountRoundTrip", func(t *testing.T) { testBankAccountRoundTrip(t, h) })
		t.Run("TemporaryToken", func(t *testing.T) { testTemporaryToken(t, h) })
		t.Run("GetUnknown", func(t *testing.T) { testGetUnknownPaymentToken(t, h) })
		t.Run("Delete", func(t *testing.T) { testDeletePaymentToken(t, h) })
	})
	t.Run("NetworkToken", func(t *testing.T) {
		t.Run("ProvisionAndGet", func(t *testing.T) { testProvisionAndGet(t, h) })
		t.Run("Declined", func(t *testing.T) { testDeclined(t, h) })
		t.Run("ExistingToken", func(t *testing.T) { testExistingToken(t, h) })
		t.Run("GetUnknown", func(t *testing.T) { testGetUnknownNetworkToken(t, h) })
		t.Run("Suspended", func(t *testing.T) { testSuspended(t, h) })
		t.Run("Delete", func(t *testing.T) { testDeleteNetworkToken(t, h) })
	})
	t.Run("Cryptogram", func(t *testing.T) {
		t.Run("Fresh", func(t *testing.T) { testCryptogramFresh(t, h) })
		t.Run("UndeclaredTransactionTypes", func(t *testing.T) { testUndeclaredTransactionTypes(t, h) })
		t.Run("UnknownToken", func(t *testing.T) { testCryptogramUnknownToken(t, h) })
	})
	t.Run("InvalidArgument", func(t *testing.T) { testInvalidArgument(t, h) })
	t.Run("RequiredFields", func(t *testing.T) { testRequiredFields(t, h) })
	t.Run("Unauthenticated", func(t *testing.T) { testUnauthenticated(t, h) })
	t.Run("Unsupported", func(t *testing.T) { testUnsupported(t, h) })
	t.Run("Context", func(t *testing.T) {
		t.Run("AlreadyCanceled", func(t *testing.T) { testAlreadyCanceled(t, h) })
		t.Run("CanceledInFlight", func(t *testing.T) { testCanceledInFlight(t, h) })
		t.Run("DeadlineInFlight", func(t *testing.T) { testDeadlineInFlight(t, h) })
	})
	t.Run("Concurrency", func(t *testing.T) { testConcurrency(t, h) })
	t.Run("Faults", func(t *testing.T) { testFaults(t, h) })
	t.Run("Hostile", func(t *testing.T) { testHostile(t, h) })
	t.Run("Lifecycle", func(t *testing.T) { testTokenLifecycle(t, h) })
	t.Run("PANFallback", func(t *testing.T) { testPANFallback(t, h) })
	t.Run("Pending", func(t *testing.T) { testPending(t, h) })
	t.Run("Backfill", func(t *testing.T) { testBackfill(t, h) })
}

// tc is one test case's environment.
type tc struct {
	t    *testing.T
	h    Harness
	env  *Env
	rec  *recorder
	ctx  context.Context
	caps tokenize.Capabilities
}

func setup(t *testing.T, h Harness, opts ...tokenize.Option) *tc {
	t.Helper()
	rec := newRecorder()
	env := h.New(t, append([]tokenize.Option{rec.option()}, opts...)...)
	require.NotNil(t, env, "Harness.New returned nil")
	require.NotNil(t, env.Client, "Env.Client is nil")
	require.Equal(t, h.Provider, env.Client.Provider(), "Client.Provider()")
	for _, s := range env.Secrets {
		rec.sensitive("credential", s)
	}
	for _, c := range []tokenize.Card{h.Fixtures.VisaCard, h.Fixtures.MastercardCard, h.Fixtures.DeclinedCard} {
		rec.card(c)
	}
	rec.sensitive("bank account number", h.Fixtures.BankAccount.AccountNumber.Reveal())
	t.Cleanup(func() { rec.check(t) })
	return &tc{t: t, h: h, env: env, rec: rec, ctx: context.Background(), caps: env.Client.Capabilities()}
}

// requests returns the simulator's request count, or -1 in live mode.
func (c *tc) requests() int64 {
	if c.env.Sim == nil {
		return -1
	}
	return c.env.Sim.Requests()
}

// assertNothingSent checks that the request count did not move.
func (c *tc) assertNothingSent(before int64, what string) {
	c.t.Helper()
	if before >= 0 {
		assert.Equal(c.t, before, c.env.Sim.Requests(), "%s: a request reached the provider", what)
	}
}

// slow makes every response take slowResponses until the test ends.
func (c *tc) slow() {
	c.t.Helper()
	c.faults().Inject(faults.Fault{Kind: faults.Latency, Delay: slowResponses})
}

// faults returns the simulator's fault injector, cleared when the test
// ends, or skips the test when the simulator has none.
func (c *tc) faults() *faults.Injector {
	c.t.Helper()
	inj := c.env.Sim.Faults()
	if inj == nil {
		c.t.Skip("the simulator has no fault injection")
	}
	c.t.Cleanup(inj.Clear)
	return inj
}

// warm makes one successful call, so that whatever a Client sets up on
// first use (connections, an OAuth access token) is in place and a fault
// or a delay armed afterwards hits the operation under test itself.
func (c *tc) warm() {
	c.t.Helper()
	if c.caps.Supports(tokenize.OpCreatePaymentToken) && c.caps.SupportsPaymentMethod(tokenize.KindCard) {
		c.createCard(c.h.Fixtures.MastercardCard, "")
	}
}

func (c *tc) skipUnlessSim() {
	c.t.Helper()
	if c.env.Sim == nil {
		c.t.Skip("needs simulator control; not available in live mode")
	}
}

// note records err (or v) for the redaction check and returns err.
func (c *tc) note(v any, err error) error {
	c.rec.err(err)
	if err == nil && v != nil {
		c.rec.value(v)
	}
	return err
}

func (c *tc) createCard(card tokenize.Card, ref string) *tokenize.PaymentToken {
	c.t.Helper()
	tok, err := c.env.Client.CreatePaymentToken(c.ctx, tokenize.CreatePaymentTokenRequest{Card: &card, MerchantReference: ref})
	require.NoError(c.t, c.note(tok, err), "CreatePaymentToken")
	return tok
}

// provision provisions a network token for card from the source the
// provider accepts, preferring a payment token.
func (c *tc) provision(card tokenize.Card) *tokenize.NetworkToken {
	c.t.Helper()
	nt, err := c.env.Client.ProvisionNetworkToken(c.ctx, c.provisionRequest(card))
	require.NoError(c.t, c.note(nt, err), "ProvisionNetworkToken")
	c.noteToken(nt)
	return nt
}

func (c *tc) provisionRequest(card tokenize.Card) tokenize.ProvisionNetworkTokenRequest {
	c.t.Helper()
	if c.caps.ProvisionFromPaymentToken {
		return tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: c.createCard(card, "").ID}
	}
	return tokenize.ProvisionNetworkTokenRequest{Card: &card}
}

func (c *tc) noteToken(nt *tokenize.NetworkToken) {
	if nt != nil {
		c.rec.sensitive("DPAN", nt.Number.Reveal())
	}
}

func (c *tc) cryptogram(id string, tt tokenize.TransactionType) (*tokenize.Cryptogram, error) {
	return c.cryptogramCtx(c.ctx, id, tt)
}

func (c *tc) cryptogramCtx(ctx context.Context, id string, tt tokenize.TransactionType) (*tokenize.Cryptogram, error) {
	cg, err := c.env.Client.RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: id, TransactionType: tt})
	if cg != nil {
		c.rec.sensitive("cryptogram", cg.Value.Reveal())
		c.rec.sensitive("DPAN", cg.Number.Reveal())
	}
	return cg, c.note(cg, err)
}

func (c *tc) requireOp(op tokenize.Operation) {
	c.t.Helper()
	if !c.caps.Supports(op) {
		c.t.Skipf("%s does not declare %s", c.h.Provider, op)
	}
}

// firstTransactionType is a transaction type the provider declares.
func (c *tc) firstTransactionType() tokenize.TransactionType {
	c.t.Helper()
	if len(c.caps.TransactionTypes) == 0 {
		c.t.Skipf("%s declares no cryptogram transaction types", c.h.Provider)
	}
	return c.caps.TransactionTypes[0]
}

// assertCode checks err's Code and that it is a complete *tokenize.Error.
func assertCode(t *testing.T, want tokenize.Code, err error, msgAndArgs ...any) *tokenize.Error {
	t.Helper()
	if !assert.Error(t, err, msgAndArgs...) {
		return nil
	}
	var te *tokenize.Error
	if !assert.True(t, errors.As(err, &te), "error is not a *tokenize.Error: %T", err) {
		return nil
	}
	assert.Equal(t, want, te.Code, "Code of %q", err.Error())
	assert.True(t, errors.Is(err, sentinelOf(want)), "errors.Is(err, Err%s)", want)
	assert.NotZero(t, te.Op, "Error.Op")
	assert.NotEmpty(t, te.Provider, "Error.Provider")
	return te
}

func sentinelOf(c tokenize.Code) error {
	return map[tokenize.Code]error{
		tokenize.Unknown: tokenize.ErrUnknown, tokenize.InvalidArgument: tokenize.ErrInvalidArgument,
		tokenize.Unauthenticated: tokenize.ErrUnauthenticated, tokenize.PermissionDenied: tokenize.ErrPermissionDenied,
		tokenize.NotFound: tokenize.ErrNotFound, tokenize.FailedPrecondition: tokenize.ErrFailedPrecondition,
		tokenize.RateLimited: tokenize.ErrRateLimited, tokenize.Unavailable: tokenize.ErrUnavailable,
		tokenize.DeadlineExceeded: tokenize.ErrDeadlineExceeded, tokenize.Canceled: tokenize.ErrCanceled,
		tokenize.Unsupported: tokenize.ErrUnsupported, tokenize.Internal: tokenize.ErrInternal,
	}[c]
}

// --- payment tokens ---------------------------------------------------

func testCardRoundTrip(t *testing.T, h Harness) {
	for _, f := range []struct {
		name  string
		card  tokenize.Card
		brand tokenize.Brand
	}{
		{"Visa", h.Fixtures.VisaCard, tokenize.BrandVisa},
		{"Mastercard", h.Fixtures.MastercardCard, tokenize.BrandMastercard},
	} {
		t.Run(f.name, func(t *testing.T) {
			c := setup(t, h)
			c.requireOp(tokenize.OpCreatePaymentToken)
			if !c.caps.SupportsPaymentMethod(tokenize.KindCard) {
				t.Skipf("%s does not tokenize cards", h.Provider)
			}
			created := c.createCard(f.card, "conformance-ref-1")
			assertCardToken(t, h.Provider, f.card, f.brand, created)

			c.requireOp(tokenize.OpGetPaymentToken)
			got, err := c.env.Client.GetPaymentToken(c.ctx, created.ID)
			require.NoError(t, c.note(got, err), "GetPaymentToken")
			assertCardToken(t, h.Provider, f.card, f.brand, got)
			assert.Equal(t, created.ID, got.ID)
			assert.Equal(t, cardView(created.Card), cardView(got.Card), "create and get disagree on the normalised card")
		})
	}
}

// cardView is the part of CardDetails every provider returns on both
// create and get.
func cardView(d *tokenize.CardDetails) [5]any {
	if d == nil {
		return [5]any{}
	}
	return [5]any{d.Brand, d.BIN, d.Last4, d.ExpiryMonth, d.ExpiryYear}
}

func assertCardToken(t *testing.T, provider string, card tokenize.Card, brand tokenize.Brand, tok *tokenize.PaymentToken) {
	t.Helper()
	require.NotNil(t, tok)
	assert.Equal(t, provider, tok.Provider, "PaymentToken.Provider")
	assert.NotEmpty(t, tok.ID, "PaymentToken.ID")
	assert.Equal(t, tokenize.KindCard, tok.Kind, "PaymentToken.Kind")
	require.NotNil(t, tok.Card, "PaymentToken.Card")
	pan := card.Number.Reveal()
	d := tok.Card
	assert.Equal(t, brand, d.Brand, "Brand")
	assert.Equal(t, pan[len(pan)-4:], d.Last4, "Last4")
	if assert.Contains(t, []int{6, 8}, len(d.BIN), "BIN length") {
		assert.True(t, strings.HasPrefix(pan, d.BIN), "BIN is not a prefix of the card number")
	}
	assert.Equal(t, card.ExpiryMonth, d.ExpiryMonth, "ExpiryMonth")
	assert.Equal(t, fourDigitYear(card.ExpiryYear), d.ExpiryYear, "ExpiryYear (four digits)")
	if d.MaskedNumber != "" {
		assert.True(t, strings.HasSuffix(d.MaskedNumber, d.Last4), "MaskedNumber %q does not end with the last four", d.MaskedNumber)
	}
	// No full card number anywhere in the normalised token.
	assert.NotContains(t, fmt.Sprintf("%+v %#v", *tok, *d), pan, "normalised payment token contains the full PAN")
}

func fourDigitYear(y int) int {
	if y < 100 {
		return 2000 + y
	}
	return y
}

func testBankAccountRoundTrip(t *testing.T, h Harness) {
	c := setup(t, h)
	c.requireOp(tokenize.OpCreatePaymentToken)
	ba := h.Fixtures.BankAccount
	if !c.caps.SupportsPaymentMethod(tokenize.KindBankAccount) {
		before := c.requests()
		_, err := c.env.Client.CreatePaymentToken(c.ctx, tokenize.CreatePaymentTokenRequest{BankAccount: &ba})
		assertCode(t, tokenize.Unsupported, c.note(nil, err))
		c.assertNothingSent(before, "undeclared bank account")
		t.Skipf("%s does not declare bank account payment tokens (checked: ErrUnsupported, nothing sent)", h.Provider)
	}
	require.NotEmpty(t, ba.AccountNumber, "Fixtures.BankAccount is required for providers declaring KindBankAccount")
	tok, err := c.env.Client.CreatePaymentToken(c.ctx, tokenize.CreatePaymentTokenRequest{BankAccount: &ba, MerchantReference: "conformance-ach"})
	require.NoError(t, c.note(tok, err), "CreatePaymentToken(bank account)")
	assertBankToken(t, h.Provider, ba, tok)

	c.requireOp(tokenize.OpGetPaymentToken)
	got, err := c.env.Client.GetPaymentToken(c.ctx, tok.ID)
	require.NoError(t, c.note(got, err), "GetPaymentToken(bank account)")
	assertBankToken(t, h.Provider, ba, got)
	assert.Equal(t, tok.ID, got.ID)
}

func assertBankToken(t *testing.T, provider string, ba tokenize.BankAccount, tok *tokenize.PaymentToken) {
	t.Helper()
	require.NotNil(t, tok)
	assert.Equal(t, provider, tok.Provider)
	assert.NotEmpty(t, tok.ID)
	assert.Equal(t, tokenize.KindBankAccount, tok.Kind)
	assert.Nil(t, tok.Card, "a bank account token has no card details")
	require.NotNil(t, tok.BankAccount, "PaymentToken.BankAccount")
	if tok.BankAccount.Last4 != "" {
		assert.Equal(t, ba.AccountNumber.Last4(), tok.BankAccount.Last4)
	}
	assert.NotContains(t, fmt.Sprintf("%+v %#v", *tok, *tok.BankAccount), ba.AccountNumber.Reveal(), "token contains the full account number")
}

func testTemporaryToken(t *testing.T, h Harness) {
	c := setup(t, h)
	c.requireOp(tokenize.OpCreatePaymentToken)
	if !c.caps.TemporaryTokens {
		before := c.requests()
		_, err := c.env.Client.CreatePaymentToken(c.ctx, tokenize.CreatePaymentTokenRequest{TemporaryToken: "tmp_0123456789"})
		assertCode(t, tokenize.Unsupported, c.note(nil, err))
		c.assertNothingSent(before, "undeclared temporary token")
		t.Skipf("%s does not declare temporary tokens (checked: ErrUnsupported, nothing sent)", h.Provider)
	}
	if c.env.NewTemporaryToken == nil {
		t.Skip("Env.NewTemporaryToken is nil: the harness cannot create client-side tokens")
	}
	card := h.Fixtures.VisaCard
	tmp := c.env.NewTemporaryToken(t, card)
	c.rec.sensitive("temporary token", tmp.Reveal())
	tok, err := c.env.Client.CreatePaymentToken(c.ctx, tokenize.CreatePaymentTokenRequest{TemporaryToken: tmp})
	require.NoError(t, c.note(tok, err), "CreatePaymentToken(temporary token)")
	assertCardToken(t, h.Provider, card, tokenize.BrandVisa, tok)
}

func testGetUnknownPaymentToken(t *testing.T, h Harness) {
	c := setup(t, h)
	c.requireOp(tokenize.OpGetPaymentToken)
	_, err := c.env.Client.GetPaymentToken(c.ctx, h.Fixtures.UnknownPaymentTokenID)
	assertCode(t, tokenize.NotFound, c.note(nil, err), "GetPaymentToken(unknown id)")
}

func testDeletePaymentToken(t *testing.T, h Harness) {
	c := setup(t, h)
	c.requireOp(tokenize.OpCreatePaymentToken)
	c.requireOp(tokenize.OpDeletePaymentToken)
	tok := c.createCard(h.Fixtures.VisaCard, "")
	require.NoError(t, c.note(nil, c.env.Client.DeletePaymentToken(c.ctx, tok.ID)), "DeletePaymentToken")
	if c.caps.Supports(tokenize.OpGetPaymentToken) {
		_, err := c.env.Client.GetPaymentToken(c.ctx, tok.ID)
		assertCode(t, tokenize.NotFound, c.note(nil, err), "GetPaymentToken after delete")
	}
	err := c.env.Client.DeletePaymentToken(c.ctx, h.Fixtures.UnknownPaymentTokenID)
	assertCode(t, tokenize.NotFound, c.note(nil, err), "DeletePaymentToken(unknown id)")
}

// --- network tokens ---------------------------------------------------

func testProvisionAndGet(t *testing.T, h Harness) {
	type source struct {
		name string
		req  func(c *tc, card tokenize.Card) tokenize.ProvisionNetworkTokenRequest
		ok   func(tokenize.Capabilities) bool
	}
	sources := []source{
		{"FromPaymentToken", func(c *tc, card tokenize.Card) tokenize.ProvisionNetworkTokenRequest {
			return tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: c.createCard(card, "").ID}
		}, func(caps tokenize.Capabilities) bool { return caps.ProvisionFromPaymentToken }},
		{"FromCard", func(_ *tc, card tokenize.Card) tokenize.ProvisionNetworkTokenRequest {
			return tokenize.ProvisionNetworkTokenRequest{Card: &card, MerchantReference: "conformance-nt"}
		}, func(caps tokenize.Capabilities) bool { return caps.ProvisionFromCard }},
	}
	cards := []struct {
		name   string
		card   tokenize.Card
		scheme tokenize.TokenScheme
	}{
		{"Visa", h.Fixtures.VisaCard, tokenize.SchemeVTS},
		{"Mastercard", h.Fixtures.MastercardCard, tokenize.SchemeMDES},
	}
	for _, s := range sources {
		for _, f := range cards {
			t.Run(s.name+"/"+f.name, func(t *testing.T) {
				c := setup(t, h)
				c.requireOp(tokenize.OpProvisionNetworkToken)
				if !s.ok(c.caps) {
					t.Skipf("%s does not declare provisioning %s", h.Provider, s.name)
				}
				nt, err := c.env.Client.ProvisionNetworkToken(c.ctx, s.req(c, f.card))
				c.noteToken(nt)
				require.NoError(t, c.note(nt, err), "ProvisionNetworkToken")
				assertActiveToken(t, h.Provider, f.card, f.scheme, nt)
				assert.False(t, nt.AlreadyExisted, "a first provisioning reported an existing token")

				c.requireOp(tokenize.OpGetNetworkToken)
				got, err := c.env.Client.GetNetworkToken(c.ctx, nt.ID)
				c.noteToken(got)
				require.NoError(t, c.note(got, err), "GetNetworkToken")
				assertActiveToken(t, h.Provider, f.card, f.scheme, got)
				assert.Equal(t, ntView(nt), ntView(got), "provision and get disagree on the normalised token")
			})
		}
	}
}

// ntView is the part of NetworkToken provision and get must agree on.
func ntView(nt *tokenize.NetworkToken) [9]any {
	return [9]any{nt.ID, nt.State, nt.Scheme, nt.Number.Reveal(), nt.ExpiryMonth, nt.ExpiryYear,
		nt.CardLast4, nt.PaymentAccountReference, nt.TokenReference}
}

func assertActiveToken(t *testing.T, provider string, card tokenize.Card, scheme tokenize.TokenScheme, nt *tokenize.NetworkToken) {
	t.Helper()
	require.NotNil(t, nt)
	assert.Equal(t, provider, nt.Provider, "NetworkToken.Provider")
	assert.NotEmpty(t, nt.ID, "NetworkToken.ID")
	assert.Equal(t, tokenize.StateActive, nt.State, "State")
	assert.Equal(t, scheme, nt.Scheme, "Scheme")
	dpan := nt.Number.Reveal()
	if assert.NotEmpty(t, dpan, "an active token carries its DPAN") {
		assert.Regexp(t, `^[0-9]{13,19}$`, dpan, "DPAN format")
		assert.NotEqual(t, card.Number.Reveal(), dpan, "the DPAN is the card number")
		assert.True(t, nt.ExpiryMonth >= 1 && nt.ExpiryMonth <= 12, "token ExpiryMonth %d", nt.ExpiryMonth)
		assert.True(t, nt.ExpiryYear >= 2000 && nt.ExpiryYear <= 9999, "token ExpiryYear %d has four digits", nt.ExpiryYear)
	}
	pan := card.Number.Reveal()
	if nt.CardLast4 != "" {
		assert.Equal(t, pan[len(pan)-4:], nt.CardLast4, "CardLast4")
	}
	// The DPAN field is the only place a full number may appear.
	masked := fmt.Sprintf("%+v|%#v|%v", *nt, *nt, nt)
	assert.NotContains(t, masked, dpan, "fmt output of a NetworkToken shows the DPAN")
	assert.NotContains(t, masked, pan, "fmt output of a NetworkToken shows the PAN")
}

func testDeclined(t *testing.T, h Harness) {
	c := setup(t, h)
	c.requireOp(tokenize.OpProvisionNetworkToken)
	nt, err := c.env.Client.ProvisionNetworkToken(c.ctx, c.provisionRequest(h.Fixtures.DeclinedCard))
	c.noteToken(nt)
	require.NoError(t, c.note(nt, err), "a scheme refusal is a token in StateDeclined, not an error")
	assert.Equal(t, tokenize.StateDeclined, nt.State)
	assert.Empty(t, nt.Number.Reveal(), "a declined token has no DPAN")
	assert.NotEmpty(t, nt.ID)

	if c.caps.Supports(tokenize.OpRequestCryptogram) {
		_, err := c.cryptogram(nt.ID, c.firstTransactionType())
		assertCode(t, tokenize.FailedPrecondition, err, "cryptogram for a declined token")
	}
}

func testExistingToken(t *testing.T, h Harness) {
	c := setup(t, h)
	c.requireOp(tokenize.OpProvisionNetworkToken)
	if !c.caps.ProvisionIsIdempotent {
		t.Skipf("%s does not declare ProvisionIsIdempotent", h.Provider)
	}
	req := c.provisionRequest(h.Fixtures.VisaCard)
	first, err := c.env.Client.ProvisionNetworkToken(c.ctx, req)
	c.noteToken(first)
	require.NoError(t, c.note(first, err))
	assert.False(t, first.AlreadyExisted)
	again, err := c.env.Client.ProvisionNetworkToken(c.ctx, req)
	c.noteToken(again)
	require.NoError(t, c.note(again, err))
	assert.True(t, again.AlreadyExisted, "provisioning the same source again must report the existing token")
	assert.Equal(t, first.ID, again.ID, "provisioning the same source again must return the same token")
}

func testGetUnknownNetworkToken(t *testing.T, h Harness) {
	c := setup(t, h)
	c.requireOp(tokenize.OpGetNetworkToken)
	_, err := c.env.Client.GetNetworkToken(c.ctx, h.Fixtures.UnknownNetworkTokenID)
	assertCode(t, tokenize.NotFound, c.note(nil, err), "GetNetworkToken(unknown id)")
}

func testSuspended(t *testing.T, h Harness) {
	c := setup(t, h)
	c.skipUnlessSim()
	c.requireOp(tokenize.OpProvisionNetworkToken)
	c.requireOp(tokenize.OpRequestCryptogram)
	nt := c.provision(h.Fixtures.MastercardCard)
	tt := c.firstTransactionType()

	require.NoError(t, c.env.Sim.SetNetworkTokenState(nt.ID, tokenize.StateSuspended))
	if c.caps.Supports(tokenize.OpGetNetworkToken) {
		got, err := c.env.Client.GetNetworkToken(c.ctx, nt.ID)
		c.noteToken(got)
		require.NoError(t, c.note(got, err))
		assert.Equal(t, tokenize.StateSuspended, got.State)
	}
	_, err := c.cryptogram(nt.ID, tt)
	assertCode(t, tokenize.FailedPrecondition, err, "cryptogram for a suspended token")

	require.NoError(t, c.env.Sim.SetNetworkTokenState(nt.ID, tokenize.StateActive))
	cg, err := c.cryptogram(nt.ID, tt)
	require.NoError(t, err, "cryptogram after reactivation")
	assert.NotEmpty(t, cg.Value.Reveal())
}

func testDeleteNetworkToken(t *testing.T, h Harness) {
	c := setup(t, h)
	c.requireOp(tokenize.OpProvisionNetworkToken)
	c.requireOp(tokenize.OpDeleteNetworkToken)
	nt := c.provision(h.Fixtures.VisaCard)
	err := c.env.Client.DeleteNetworkToken(c.ctx, tokenize.DeleteNetworkTokenRequest{
		ID: nt.ID, InitiatedBy: tokenize.InitiatedByTokenRequestor, Reason: tokenize.ReasonOther,
	})
	require.NoError(t, c.note(nil, err), "DeleteNetworkToken")

	// After a delete a provider may keep the token in a terminal state or
	// forget it; either way it is never active again.
	if c.caps.Supports(tokenize.OpGetNetworkToken) {
		got, err := c.env.Client.GetNetworkToken(c.ctx, nt.ID)
		c.noteToken(got)
		if c.note(got, err) != nil {
			assertCode(t, tokenize.NotFound, err, "GetNetworkToken after delete")
		} else {
			assert.Contains(t, []tokenize.NetworkTokenState{tokenize.StateInactive, tokenize.StateDeleted}, got.State,
				"state after delete")
		}
	}
	if c.caps.Supports(tokenize.OpRequestCryptogram) {
		_, err := c.cryptogram(nt.ID, c.firstTransactionType())
		require.Error(t, err, "cryptogram for a deleted token")
		assert.Contains(t, []tokenize.Code{tokenize.FailedPrecondition, tokenize.NotFound}, tokenize.CodeOf(err),
			"cryptogram for a deleted token: %v", err)
	}
	err = c.env.Client.DeleteNetworkToken(c.ctx, tokenize.DeleteNetworkTokenRequest{
		ID: h.Fixtures.UnknownNetworkTokenID, InitiatedBy: tokenize.InitiatedByCardholder, Reason: tokenize.ReasonFraud,
	})
	assertCode(t, tokenize.NotFound, c.note(nil, err), "DeleteNetworkToken(unknown id)")
}

// --- cryptograms ------------------------------------------------------

func testCryptogramFresh(t *testing.T, h Harness) {
	c := setup(t, h)
	c.requireOp(tokenize.OpProvisionNetworkToken)
	c.requireOp(tokenize.OpRequestCryptogram)
	for _, f := range []struct {
		name string
		card tokenize.Card
	}{{"Visa", h.Fixtures.VisaCard}, {"Mastercard", h.Fixtures.MastercardCard}} {
		nt := c.provision(f.card)
		for _, tt := range c.caps.TransactionTypes {
			t.Run(f.name+"/"+tt.String(), func(t *testing.T) {
				first, err := c.cryptogram(nt.ID, tt)
				require.NoError(t, err, "RequestCryptogram")
				second, err := c.cryptogram(nt.ID, tt)
				require.NoError(t, err, "RequestCryptogram again")
				for _, cg := range []*tokenize.Cryptogram{first, second} {
					assert.Equal(t, h.Provider, cg.Provider)
					assert.Equal(t, nt.ID, cg.NetworkTokenID)
					assert.Equal(t, tt, cg.TransactionType)
					assert.NotEmpty(t, cg.Value.Reveal(), "cryptogram value")
					assert.Regexp(t, `^[0-9]{2}$`, cg.ECI, "ECI: two digits, whatever the provider's spelling")
					assert.NotContains(t, fmt.Sprintf("%v %+v %#v", *cg, *cg, cg), cg.Value.Reveal(), "fmt shows the cryptogram")
					if cg.Number != "" {
						assert.Equal(t, nt.Number.Reveal(), cg.Number.Reveal(), "the cryptogram's DPAN is the token's")
					}
				}
				assert.NotEqual(t, first.Value.Reveal(), second.Value.Reveal(), "two cryptograms must differ")
			})
		}
	}
}

func testUndeclaredTransactionTypes(t *testing.T, h Harness) {
	c := setup(t, h)
	c.requireOp(tokenize.OpRequestCryptogram)
	checked := 0
	for _, tt := range []tokenize.TransactionType{tokenize.ECommerce, tokenize.Recurring, tokenize.PointOfSale, tokenize.AccountFunding} {
		if c.caps.SupportsTransactionType(tt) {
			continue
		}
		before := c.requests()
		_, err := c.cryptogram(h.Fixtures.UnknownNetworkTokenID, tt)
		te := assertCode(t, tokenize.Unsupported, err, "undeclared transaction type %s", tt)
		if te != nil {
			assert.Contains(t, te.Message, tt.String(), "the error names the transaction type")
		}
		c.assertNothingSent(before, "undeclared transaction type")
		checked++
	}
	if checked == 0 {
		t.Skipf("%s declares every transaction type", h.Provider)
	}
}

func testCryptogramUnknownToken(t *testing.T, h Harness) {
	c := setup(t, h)
	c.requireOp(tokenize.OpRequestCryptogram)
	_, err := c.cryptogram(h.Fixtures.UnknownNetworkTokenID, c.firstTransactionType())
	assertCode(t, tokenize.NotFound, err, "cryptogram for an unknown token")
}

// --- errors -----------------------------------------------------------

func testInvalidArgument(t *testing.T, h Harness) {
	good := h.Fixtures.VisaCard
	with := func(f func(*tokenize.Card)) *tokenize.Card { c := good; f(&c); return &c }
	type call func(c *tc) error
	create := func(card *tokenize.Card) call {
		return func(c *tc) error {
			_, err := c.env.Client.CreatePaymentToken(c.ctx, tokenize.CreatePaymentTokenRequest{Card: card})
			return err
		}
	}
	cases := []struct {
		name  string
		op    tokenize.Operation
		field string
		call  call
	}{
		{"BadLuhn", tokenize.OpCreatePaymentToken, tokenize.FieldCardNumber, create(with(func(c *tokenize.Card) {
			n := []byte(c.Number.Reveal())
			n[len(n)-1] = '0' + (n[len(n)-1]-'0'+1)%10
			c.Number = tokenize.PAN(n)
		}))},
		{"ShortPAN", tokenize.OpCreatePaymentToken, tokenize.FieldCardNumber, create(with(func(c *tokenize.Card) { c.Number = "42424242424" }))},
		{"Month13", tokenize.OpCreatePaymentToken, tokenize.FieldCardExpiryMonth, create(with(func(c *tokenize.Card) { c.ExpiryMonth = 13 }))},
		{"ThreeDigitYear", tokenize.OpCreatePaymentToken, tokenize.FieldCardExpiryYear, create(with(func(c *tokenize.Card) { c.ExpiryYear = 203 }))},
		{"Expired", tokenize.OpCreatePaymentToken, tokenize.FieldCardExpiryYear, create(with(func(c *tokenize.Card) { c.ExpiryYear = 2019 }))},
		{"CVVLetters", tokenize.OpCreatePaymentToken, tokenize.FieldCardCVV, create(with(func(c *tokenize.Card) { c.CVV = "12a" }))},
		{"LongHolderName", tokenize.OpCreatePaymentToken, tokenize.FieldCardHolderName, create(with(func(c *tokenize.Card) { c.HolderName = strings.Repeat("x", 71) }))},
		{"LongMerchantReference", tokenize.OpCreatePaymentToken, tokenize.FieldMerchantReference, func(c *tc) error {
			_, err := c.env.Client.CreatePaymentToken(c.ctx, tokenize.CreatePaymentTokenRequest{Card: &good, MerchantReference: strings.Repeat("r", 51)})
			return err
		}},
		{"NoPaymentMethod", tokenize.OpCreatePaymentToken, tokenize.FieldPaymentMethod, func(c *tc) error {
			_, err := c.env.Client.CreatePaymentToken(c.ctx, tokenize.CreatePaymentTokenRequest{})
			return err
		}},
		{"PathInID", tokenize.OpGetPaymentToken, tokenize.FieldID, func(c *tc) error {
			_, err := c.env.Client.GetPaymentToken(c.ctx, "../admin")
			return err
		}},
		{"EmptyNetworkTokenID", tokenize.OpGetNetworkToken, tokenize.FieldID, func(c *tc) error {
			_, err := c.env.Client.GetNetworkToken(c.ctx, "")
			return err
		}},
		{"NoProvisionSource", tokenize.OpProvisionNetworkToken, tokenize.FieldProvisionSource, func(c *tc) error {
			_, err := c.env.Client.ProvisionNetworkToken(c.ctx, tokenize.ProvisionNetworkTokenRequest{})
			return err
		}},
		{"NoTransactionType", tokenize.OpRequestCryptogram, tokenize.FieldTransactionType, func(c *tc) error {
			_, err := c.env.Client.RequestCryptogram(c.ctx, tokenize.CryptogramRequest{NetworkTokenID: "abc"})
			return err
		}},
		{"NoDeleteReason", tokenize.OpDeleteNetworkToken, tokenize.FieldReason, func(c *tc) error {
			return c.env.Client.DeleteNetworkToken(c.ctx, tokenize.DeleteNetworkTokenRequest{ID: "abc", InitiatedBy: tokenize.InitiatedByCardholder})
		}},
	}
	c := setup(t, h)
	for _, tcase := range cases {
		t.Run(tcase.name, func(t *testing.T) {
			if !c.caps.Supports(tcase.op) {
				t.Skipf("%s does not declare %s", h.Provider, tcase.op)
			}
			before := c.requests()
			err := c.note(nil, tcase.call(&tc{t: t, h: h, env: c.env, rec: c.rec, ctx: c.ctx, caps: c.caps}))
			te := assertCode(t, tokenize.InvalidArgument, err)
			if te != nil {
				assert.Equal(t, tcase.field, te.Field, "Error.Field")
				assert.Zero(t, te.HTTPStatus, "validation failures are not HTTP responses")
			}
			c.assertNothingSent(before, tcase.name)
		})
	}
}

func testUnauthenticated(t *testing.T, h Harness) {
	c := setup(t, h)
	if c.env.BadCredentials == nil {
		t.Skip("Env.BadCredentials is nil")
	}
	bad := c.env.BadCredentials
	card := h.Fixtures.VisaCard
	calls := map[tokenize.Operation]func() error{
		tokenize.OpCreatePaymentToken: func() error {
			_, err := bad.CreatePaymentToken(c.ctx, tokenize.CreatePaymentTokenRequest{Card: &card})
			return err
		},
		tokenize.OpGetPaymentToken: func() error {
			_, err := bad.GetPaymentToken(c.ctx, h.Fixtures.UnknownPaymentTokenID)
			return err
		},
		tokenize.OpProvisionNetworkToken: func() error {
			req := tokenize.ProvisionNetworkTokenRequest{Card: &card}
			if c.caps.ProvisionFromPaymentToken {
				req = tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: h.Fixtures.UnknownPaymentTokenID}
			}
			_, err := bad.ProvisionNetworkToken(c.ctx, req)
			return err
		},
		tokenize.OpGetNetworkToken: func() error {
			_, err := bad.GetNetworkToken(c.ctx, h.Fixtures.UnknownNetworkTokenID)
			return err
		},
		tokenize.OpRequestCryptogram: func() error {
			if len(c.caps.TransactionTypes) == 0 {
				return errors.New("no transaction type declared")
			}
			_, err := bad.RequestCryptogram(c.ctx, tokenize.CryptogramRequest{NetworkTokenID: h.Fixtures.UnknownNetworkTokenID, TransactionType: c.caps.TransactionTypes[0]})
			return err
		},
	}
	for _, op := range tokenize.Operations() {
		fn := calls[op]
		if fn == nil || !c.caps.Supports(op) {
			continue
		}
		t.Run(op.String(), func(t *testing.T) {
			te := assertCode(t, tokenize.Unauthenticated, c.note(nil, fn()))
			if te != nil {
				assert.False(t, te.Retryable, "bad credentials are not retryable")
			}
		})
	}
}

func testUnsupported(t *testing.T, h Harness) {
	c := setup(t, h)
	card := h.Fixtures.VisaCard
	calls := map[tokenize.Operation]func() error{
		tokenize.OpCreatePaymentToken: func() error {
			_, err := c.env.Client.CreatePaymentToken(c.ctx, tokenize.CreatePaymentTokenRequest{Card: &card})
			return err
		},
		tokenize.OpGetPaymentToken: func() error {
			_, err := c.env.Client.GetPaymentToken(c.ctx, "some-id")
			return err
		},
		tokenize.OpDeletePaymentToken: func() error { return c.env.Client.DeletePaymentToken(c.ctx, "some-id") },
		tokenize.OpProvisionNetworkToken: func() error {
			_, err := c.env.Client.ProvisionNetworkToken(c.ctx, tokenize.ProvisionNetworkTokenRequest{Card: &card})
			return err
		},
		tokenize.OpGetNetworkToken: func() error {
			_, err := c.env.Client.GetNetworkToken(c.ctx, "some-id")
			return err
		},
		tokenize.OpDeleteNetworkToken: func() error {
			return c.env.Client.DeleteNetworkToken(c.ctx, tokenize.DeleteNetworkTokenRequest{ID: "some-id", InitiatedBy: tokenize.InitiatedByCardholder, Reason: tokenize.ReasonOther})
		},
		tokenize.OpRequestCryptogram: func() error {
			_, err := c.env.Client.RequestCryptogram(c.ctx, tokenize.CryptogramRequest{NetworkTokenID: "some-id", TransactionType: tokenize.ECommerce})
			return err
		},
	}
	undeclared := 0
	for _, op := range tokenize.Operations() {
		if c.caps.Supports(op) {
			continue
		}
		undeclared++
		t.Run(op.String(), func(t *testing.T) {
			before := c.requests()
			te := assertCode(t, tokenize.Unsupported, c.note(nil, calls[op]()))
			if te != nil {
				assert.Equal(t, op, te.Op)
				assert.Contains(t, te.Error(), h.Provider, "the error names the provider")
				assert.Contains(t, te.Error(), op.String(), "the error names the operation")
			}
			c.assertNothingSent(before, op.String())
		})
	}
	if undeclared == 0 {
		t.Skipf("%s declares every operation", h.Provider)
	}
}

// --- context ----------------------------------------------------------

func testAlreadyCanceled(t *testing.T, h Harness) {
	c := setup(t, h)
	c.requireOp(tokenize.OpGetPaymentToken)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	before := c.requests()
	_, err := c.env.Client.GetPaymentToken(ctx, h.Fixtures.UnknownPaymentTokenID)
	assertCode(t, tokenize.Canceled, c.note(nil, err))
	assert.ErrorIs(t, err, context.Canceled)
	c.assertNothingSent(before, "canceled context")

	ctx, cancel = context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	_, err = c.env.Client.GetPaymentToken(ctx, h.Fixtures.UnknownPaymentTokenID)
	assertCode(t, tokenize.DeadlineExceeded, c.note(nil, err))
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	c.assertNothingSent(before, "expired context")
}

// slowResponses is the simulator latency for the in-flight cases: far
// longer than the cancellation, so a prompt return proves the Client did
// not wait for the answer.
const (
	slowResponses = 5 * time.Second
	cancelAfter   = 50 * time.Millisecond
	promptBound   = time.Second
)

func testCanceledInFlight(t *testing.T, h Harness) {
	c := setup(t, h)
	c.skipUnlessSim()
	c.requireOp(tokenize.OpCreatePaymentToken)
	c.warm()
	inj := c.faults()

	card := h.Fixtures.VisaCard
	t.Run("Create", func(t *testing.T) {
		// The cancel comes when the simulator has the request, so the
		// create was sent: a cancel 50 ms after the start could come
		// before a loaded machine had sent it, which is another case.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var canceledAt atomic.Int64
		inj.Inject(faults.Fault{Kind: faults.Latency, Delay: slowResponses, Times: 1, Observe: func(http.Header) {
			canceledAt.Store(time.Now().UnixNano())
			cancel()
		}})
		_, err := c.env.Client.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: &card, MerchantReference: "conformance-cancel"})
		require.NotZero(t, canceledAt.Load(), "the create never reached the simulator: %v", err)
		assert.Less(t, time.Since(time.Unix(0, canceledAt.Load())), promptBound, "cancellation was not prompt")
		te := assertCode(t, tokenize.Canceled, c.note(nil, err))
		if te != nil {
			assert.True(t, te.OutcomeUnknown, "a create canceled after it was sent has an unknown outcome")
			assert.False(t, te.Retryable, "a create with an unknown outcome is not retryable")
			assert.Equal(t, "conformance-cancel", te.MerchantReference, "the error carries the merchant reference to reconcile with")
		}
	})
	if c.caps.Supports(tokenize.OpGetPaymentToken) {
		t.Run("Get", func(t *testing.T) {
			inj.Inject(faults.Fault{Kind: faults.Latency, Delay: slowResponses})
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(cancelAfter, cancel)
			start := time.Now()
			_, err := c.env.Client.GetPaymentToken(ctx, h.Fixtures.UnknownPaymentTokenID)
			assert.Less(t, time.Since(start), promptBound, "cancellation was not prompt")
			te := assertCode(t, tokenize.Canceled, c.note(nil, err))
			if te != nil {
				assert.False(t, te.OutcomeUnknown, "a read has no outcome to be unknown")
			}
		})
	}
}

func testDeadlineInFlight(t *testing.T, h Harness) {
	c := setup(t, h)
	c.skipUnlessSim()
	c.requireOp(tokenize.OpGetPaymentToken)
	c.slow()
	ctx, cancel := context.WithTimeout(context.Background(), cancelAfter)
	defer cancel()
	start := time.Now()
	_, err := c.env.Client.GetPaymentToken(ctx, h.Fixtures.UnknownPaymentTokenID)
	assert.Less(t, time.Since(start), promptBound, "the deadline was not honoured promptly")
	assertCode(t, tokenize.DeadlineExceeded, c.note(nil, err))
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

// --- concurrency ------------------------------------------------------

// concurrentCallers share one Client, as the goroutines of a server do.
const concurrentCallers = 50

func testConcurrency(t *testing.T, h Harness) {
	c := setup(t, h)
	c.requireOp(tokenize.OpCreatePaymentToken)
	var wg sync.WaitGroup
	errs := make(chan error, concurrentCallers)
	for i := range concurrentCallers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- c.lifecycle(i)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
}

// lifecycle runs every declared operation once without failing the test
// from a goroutine; it returns the first error.
func (c *tc) lifecycle(i int) error {
	card := c.h.Fixtures.VisaCard
	if i%2 == 1 {
		card = c.h.Fixtures.MastercardCard
	}
	cl := c.env.Client
	tok, err := cl.CreatePaymentToken(c.ctx, tokenize.CreatePaymentTokenRequest{Card: &card, MerchantReference: fmt.Sprintf("conc-%d", i)})
	if c.note(tok, err) != nil {
		return fmt.Errorf("caller %d: create: %w", i, err)
	}
	if c.caps.Supports(tokenize.OpGetPaymentToken) {
		got, err := cl.GetPaymentToken(c.ctx, tok.ID)
		if c.note(got, err) != nil {
			return fmt.Errorf("caller %d: get: %w", i, err)
		}
		if got.ID != tok.ID {
			return fmt.Errorf("caller %d: get returned token %q for %q", i, got.ID, tok.ID)
		}
	}
	if !c.caps.Supports(tokenize.OpProvisionNetworkToken) {
		return nil
	}
	req := tokenize.ProvisionNetworkTokenRequest{Card: &card}
	if c.caps.ProvisionFromPaymentToken {
		req = tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: tok.ID}
	}
	nt, err := cl.ProvisionNetworkToken(c.ctx, req)
	c.noteToken(nt)
	if c.note(nt, err) != nil {
		return fmt.Errorf("caller %d: provision: %w", i, err)
	}
	if c.caps.Supports(tokenize.OpGetNetworkToken) {
		got, err := cl.GetNetworkToken(c.ctx, nt.ID)
		c.noteToken(got)
		if c.note(got, err) != nil {
			return fmt.Errorf("caller %d: get network token: %w", i, err)
		}
	}
	if c.caps.Supports(tokenize.OpRequestCryptogram) && len(c.caps.TransactionTypes) > 0 {
		if _, err := c.cryptogram(nt.ID, c.caps.TransactionTypes[0]); err != nil {
			return fmt.Errorf("caller %d: cryptogram: %w", i, err)
		}
	}
	return nil
}
