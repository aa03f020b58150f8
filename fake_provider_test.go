package tokenize_test

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tokenize-go/tokenize"
)

// Test values. They are valid test numbers of the card schemes; tests
// assert that none of them ever appears in full in any output.
const (
	testPAN        = "4111111111111111"
	testPAN2       = "5555555555554444"
	testDPAN       = "4895370012003478"
	testCVV        = "7319"
	testCryptogram = "AgAAAAAABk4DWZ4C28yUQAAAAAA="
	testAPIKey     = "sk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0"
	testAccount    = "000123456789"
	testRouting    = "011000015"
)

// sensitiveValues lists every raw value that must never be printed.
var sensitiveValues = []string{testPAN, testPAN2, testDPAN, testCVV, testCryptogram, testAPIKey, testAccount}

// fakeProvider is an in-memory Provider for the Client tests. It records
// every call and the context deadline it saw; it never validates, so any
// bad value reaching it is the Client's fault.
type fakeProvider struct {
	name   string
	caps   tokenize.Capabilities
	apiKey tokenize.Secret // a credential, to prove the Client never prints it
	rawKey string          // the same credential in a plain string field

	calls atomic.Int64
	// err, if set, is returned by every method.
	err error
	// delay, if set, is waited (or until ctx ends) before answering.
	delay time.Duration
	// hook, if set, is called with the context of every call.
	hook func(ctx context.Context)

	mu         sync.Mutex
	lastCreate *tokenize.CreatePaymentTokenRequest
	lastProv   *tokenize.ProvisionNetworkTokenRequest
	deadlines  []time.Duration
}

func allCaps() tokenize.Capabilities {
	return tokenize.Capabilities{
		Operations:                tokenize.Operations(),
		PaymentMethods:            []tokenize.PaymentMethodKind{tokenize.KindCard, tokenize.KindBankAccount},
		TemporaryTokens:           true,
		ProvisionFromPaymentToken: true,
		ProvisionFromCard:         true,
		ProvisionIsIdempotent:     true,
		TransactionTypes: []tokenize.TransactionType{tokenize.ECommerce, tokenize.Recurring,
			tokenize.PointOfSale, tokenize.AccountFunding},
	}
}

func newFake() *fakeProvider {
	return &fakeProvider{name: "fake", caps: allCaps(), apiKey: testAPIKey, rawKey: testAPIKey}
}

func (p *fakeProvider) Name() string                        { return p.name }
func (p *fakeProvider) Capabilities() tokenize.Capabilities { return p.caps }

func (p *fakeProvider) enter(ctx context.Context) error {
	p.calls.Add(1)
	if dl, ok := ctx.Deadline(); ok {
		p.mu.Lock()
		p.deadlines = append(p.deadlines, time.Until(dl))
		p.mu.Unlock()
	} else {
		p.mu.Lock()
		p.deadlines = append(p.deadlines, -1)
		p.mu.Unlock()
	}
	if p.hook != nil {
		p.hook(ctx)
	}
	if p.delay > 0 {
		t := time.NewTimer(p.delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return &tokenize.Error{Code: tokenize.Unavailable, Message: "aborted", Err: ctx.Err()}
		}
	}
	return p.err
}

func (p *fakeProvider) CreatePaymentToken(ctx context.Context, req *tokenize.CreatePaymentTokenRequest) (*tokenize.PaymentToken, error) {
	if err := p.enter(ctx); err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.lastCreate = req
	p.mu.Unlock()
	tok := &tokenize.PaymentToken{ID: "pt_1", MerchantReference: req.MerchantReference}
	switch {
	case req.Card != nil:
		tok.Kind = tokenize.KindCard
		tok.Card = &tokenize.CardDetails{Brand: tokenize.BrandVisa, MaskedNumber: req.Card.Number.Masked(),
			Last4: req.Card.Number.Last4(), ExpiryMonth: req.Card.ExpiryMonth, ExpiryYear: req.Card.ExpiryYear}
	case req.BankAccount != nil:
		tok.Kind = tokenize.KindBankAccount
		tok.BankAccount = &tokenize.BankAccountDetails{Last4: req.BankAccount.AccountNumber.Last4()}
	default:
		tok.Kind = tokenize.KindCard
	}
	return tok, nil
}

func (p *fakeProvider) GetPaymentToken(ctx context.Context, id string) (*tokenize.PaymentToken, error) {
	if err := p.enter(ctx); err != nil {
		return nil, err
	}
	return &tokenize.PaymentToken{ID: id, Kind: tokenize.KindCard}, nil
}

func (p *fakeProvider) DeletePaymentToken(ctx context.Context, _ string) error { return p.enter(ctx) }

func (p *fakeProvider) ProvisionNetworkToken(ctx context.Context, req *tokenize.ProvisionNetworkTokenRequest) (*tokenize.NetworkToken, error) {
	if err := p.enter(ctx); err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.lastProv = req
	p.mu.Unlock()
	return &tokenize.NetworkToken{ID: "nt_1", PaymentTokenID: req.PaymentTokenID, State: tokenize.StateActive,
		Scheme: tokenize.SchemeVTS, Number: testDPAN}, nil
}

func (p *fakeProvider) GetNetworkToken(ctx context.Context, id string) (*tokenize.NetworkToken, error) {
	if err := p.enter(ctx); err != nil {
		return nil, err
	}
	return &tokenize.NetworkToken{ID: id, State: tokenize.StateActive, Number: testDPAN}, nil
}

func (p *fakeProvider) DeleteNetworkToken(ctx context.Context, _ *tokenize.DeleteNetworkTokenRequest) error {
	return p.enter(ctx)
}

func (p *fakeProvider) RequestCryptogram(ctx context.Context, req *tokenize.CryptogramRequest) (*tokenize.Cryptogram, error) {
	if err := p.enter(ctx); err != nil {
		return nil, err
	}
	return &tokenize.Cryptogram{NetworkTokenID: req.NetworkTokenID, TransactionType: req.TransactionType,
		Value: testCryptogram, ECI: "05", Number: testDPAN}, nil
}

// goodCard returns a valid card expiring well after fixedNow.
func goodCard() *tokenize.Card {
	return &tokenize.Card{Number: testPAN, ExpiryMonth: 12, ExpiryYear: 2030, CVV: testCVV, HolderName: "Ada Lovelace"}
}

func goodBank() *tokenize.BankAccount {
	return &tokenize.BankAccount{AccountNumber: testAccount, RoutingNumber: testRouting,
		AccountType: tokenize.AccountChecking, HolderName: "Ada Lovelace"}
}

// fixedNow is the test clock: 15 June 2026, noon UTC.
var fixedNow = time.Date(2026, time.June, 15, 12, 0, 0, 0, time.UTC)

func clockAt(t time.Time) tokenize.Option { return tokenize.WithClock(func() time.Time { return t }) }
