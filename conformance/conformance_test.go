package conformance_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/conformance"
	"github.com/tokenize-go/tokenize/faults"
)

// The suite's own test runs it against memProvider, an in-memory reference
// provider that declares everything, and against a narrower variant, so
// that every case (and every skip path) is exercised without HTTP.

func TestRunFull(t *testing.T) {
	conformance.Run(t, harness(fullCaps()))
}

func TestRunNarrow(t *testing.T) {
	caps := fullCaps()
	caps.Operations = []tokenize.Operation{tokenize.OpCreatePaymentToken, tokenize.OpGetPaymentToken,
		tokenize.OpProvisionNetworkToken, tokenize.OpGetNetworkToken, tokenize.OpRequestCryptogram}
	caps.PaymentMethods = []tokenize.PaymentMethodKind{tokenize.KindCard}
	caps.TemporaryTokens = false
	caps.ProvisionFromPaymentToken = false
	caps.ProvisionIsIdempotent = false
	caps.TransactionTypes = []tokenize.TransactionType{tokenize.ECommerce, tokenize.AccountFunding}
	conformance.Run(t, harness(caps))
}

const memKey = "mem-api-key-0123456789"

func harness(caps tokenize.Capabilities) conformance.Harness {
	return conformance.Harness{
		Provider: "mem",
		New: func(t testing.TB, opts ...tokenize.Option) *conformance.Env {
			sim := &memSim{tokens: map[string]*memNT{}, payments: map[string]tokenize.Card{}, temps: map[string]tokenize.Card{}}
			return &conformance.Env{
				Client:         tokenize.New(&memProvider{sim: sim, caps: caps, key: memKey}, opts...),
				BadCredentials: tokenize.New(&memProvider{sim: sim, caps: caps, key: "wrong"}, opts...),
				Secrets:        []string{memKey},
				Sim:            sim,
				NewTemporaryToken: func(t testing.TB, card tokenize.Card) tokenize.Secret {
					id := newID("tmp")
					sim.mu.Lock()
					sim.temps[id] = card
					sim.mu.Unlock()
					return tokenize.Secret(id)
				},
			}
		},
		Fixtures: conformance.Fixtures{
			VisaCard:              tokenize.Card{Number: "4242424242424242", ExpiryMonth: 12, ExpiryYear: 30, CVV: "837", HolderName: "Ada Lovelace"},
			MastercardCard:        tokenize.Card{Number: "5436031030606378", ExpiryMonth: 6, ExpiryYear: 2031, CVV: "2579"},
			DeclinedCard:          tokenize.Card{Number: "4000000000000002", ExpiryMonth: 1, ExpiryYear: 2032},
			BankAccount:           tokenize.BankAccount{AccountNumber: "11345739548759", RoutingNumber: "011000015", AccountType: tokenize.AccountChecking},
			UnknownPaymentTokenID: "pt_unknown",
			UnknownNetworkTokenID: "nt_unknown",
		},
	}
}

func fullCaps() tokenize.Capabilities {
	return tokenize.Capabilities{
		Operations:                tokenize.Operations(),
		PaymentMethods:            []tokenize.PaymentMethodKind{tokenize.KindCard, tokenize.KindBankAccount},
		TemporaryTokens:           true,
		ProvisionFromPaymentToken: true,
		ProvisionFromCard:         true,
		ProvisionIsIdempotent:     true,
		TransactionTypes:          []tokenize.TransactionType{tokenize.ECommerce, tokenize.Recurring, tokenize.PointOfSale, tokenize.AccountFunding},
	}
}

// memSim is the provider's "server": state and a request counter.
type memSim struct {
	requests atomic.Int64
	mu       sync.Mutex
	payments map[string]tokenize.Card
	banks    sync.Map
	temps    map[string]tokenize.Card
	tokens   map[string]*memNT
	bySource sync.Map
}

type memNT struct {
	tokenize.NetworkToken
}

func (s *memSim) Requests() int64 { return s.requests.Load() }

// Faults returns nil: memProvider has no HTTP to inject faults into, so the
// in-flight and fault cases run only against the HTTP simulators.
func (s *memSim) Faults() *faults.Injector { return nil }
func (s *memSim) Connections() int64       { return 0 }
func (s *memSim) SetNetworkTokenState(id string, st tokenize.NetworkTokenState) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	nt := s.tokens[id]
	if nt == nil {
		return fmt.Errorf("no token %s", id)
	}
	nt.State = st
	return nil
}

type memProvider struct {
	sim  *memSim
	caps tokenize.Capabilities
	key  string
}

func (p *memProvider) Name() string                        { return "mem" }
func (p *memProvider) Capabilities() tokenize.Capabilities { return p.caps }

// enter counts a request and checks credentials, the way an HTTP round
// trip would.
func (p *memProvider) enter(ctx context.Context, create bool) error {
	p.sim.requests.Add(1)
	if err := ctx.Err(); err != nil {
		return &tokenize.Error{Code: tokenize.Canceled, OutcomeUnknown: create, Err: err}
	}
	if p.key != memKey {
		return &tokenize.Error{Code: tokenize.Unauthenticated, HTTPStatus: 401}
	}
	return nil
}

func notFound() error { return &tokenize.Error{Code: tokenize.NotFound, HTTPStatus: 404} }

func newID(prefix string) string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s_%x", prefix, b)
}

func cardToken(id string, c tokenize.Card) *tokenize.PaymentToken {
	n := c.Number.Reveal()
	brand := tokenize.BrandVisa
	if n[0] == '5' {
		brand = tokenize.BrandMastercard
	}
	return &tokenize.PaymentToken{ID: id, Kind: tokenize.KindCard, Card: &tokenize.CardDetails{
		Brand: brand, BIN: n[:6], Last4: n[len(n)-4:], MaskedNumber: c.Number.Masked(),
		ExpiryMonth: c.ExpiryMonth, ExpiryYear: c.ExpiryYear, HolderName: c.HolderName,
	}}
}

func (p *memProvider) CreatePaymentToken(ctx context.Context, req *tokenize.CreatePaymentTokenRequest) (*tokenize.PaymentToken, error) {
	if err := p.enter(ctx, true); err != nil {
		return nil, err
	}
	id := newID("pt")
	switch {
	case req.BankAccount != nil:
		p.sim.banks.Store(id, *req.BankAccount)
		return &tokenize.PaymentToken{ID: id, Kind: tokenize.KindBankAccount, BankAccount: &tokenize.BankAccountDetails{Last4: req.BankAccount.AccountNumber.Last4()}}, nil
	case req.TemporaryToken != "":
		p.sim.mu.Lock()
		card, ok := p.sim.temps[req.TemporaryToken.Reveal()]
		delete(p.sim.temps, req.TemporaryToken.Reveal())
		p.sim.mu.Unlock()
		if !ok {
			return nil, &tokenize.Error{Code: tokenize.InvalidArgument, Field: tokenize.FieldTemporaryToken}
		}
		card.ExpiryYear = 2000 + card.ExpiryYear%100
		req = &tokenize.CreatePaymentTokenRequest{Card: &card}
	}
	p.sim.mu.Lock()
	p.sim.payments[id] = *req.Card
	p.sim.mu.Unlock()
	return cardToken(id, *req.Card), nil
}

func (p *memProvider) GetPaymentToken(ctx context.Context, id string) (*tokenize.PaymentToken, error) {
	if err := p.enter(ctx, false); err != nil {
		return nil, err
	}
	if b, ok := p.sim.banks.Load(id); ok {
		ba := b.(tokenize.BankAccount)
		return &tokenize.PaymentToken{ID: id, Kind: tokenize.KindBankAccount, BankAccount: &tokenize.BankAccountDetails{Last4: ba.AccountNumber.Last4()}}, nil
	}
	p.sim.mu.Lock()
	c, ok := p.sim.payments[id]
	p.sim.mu.Unlock()
	if !ok {
		return nil, notFound()
	}
	return cardToken(id, c), nil
}

func (p *memProvider) DeletePaymentToken(ctx context.Context, id string) error {
	if err := p.enter(ctx, false); err != nil {
		return err
	}
	p.sim.mu.Lock()
	defer p.sim.mu.Unlock()
	if _, ok := p.sim.payments[id]; !ok {
		return notFound()
	}
	delete(p.sim.payments, id)
	return nil
}

func (p *memProvider) ProvisionNetworkToken(ctx context.Context, req *tokenize.ProvisionNetworkTokenRequest) (*tokenize.NetworkToken, error) {
	if err := p.enter(ctx, !p.caps.ProvisionIsIdempotent); err != nil {
		return nil, err
	}
	card := req.Card
	source := req.PaymentTokenID
	if card == nil {
		p.sim.mu.Lock()
		c, ok := p.sim.payments[req.PaymentTokenID]
		p.sim.mu.Unlock()
		if !ok {
			return nil, notFound()
		}
		card = &c
	} else {
		source = card.Number.Reveal()
	}
	if p.caps.ProvisionIsIdempotent {
		if id, ok := p.sim.bySource.Load(source); ok {
			p.sim.mu.Lock()
			nt := p.sim.tokens[id.(string)].NetworkToken
			p.sim.mu.Unlock()
			nt.AlreadyExisted = true
			return &nt, nil
		}
	}
	n := card.Number.Reveal()
	nt := &memNT{tokenize.NetworkToken{
		ID: newID("nt"), PaymentTokenID: req.PaymentTokenID, State: tokenize.StateActive, Scheme: tokenize.SchemeVTS,
		CardLast4: n[len(n)-4:], CardExpiryMonth: card.ExpiryMonth, CardExpiryYear: card.ExpiryYear,
	}}
	if n[0] == '5' {
		nt.Scheme = tokenize.SchemeMDES
	}
	if n == "4000000000000002" {
		nt.State = tokenize.StateDeclined
	} else {
		nt.Number, nt.ExpiryMonth, nt.ExpiryYear = "4895370012003478", 12, 2033
	}
	p.sim.mu.Lock()
	p.sim.tokens[nt.ID] = nt
	out := nt.NetworkToken
	p.sim.mu.Unlock()
	p.sim.bySource.Store(source, nt.ID)
	return &out, nil
}

func (p *memProvider) GetNetworkToken(ctx context.Context, id string) (*tokenize.NetworkToken, error) {
	if err := p.enter(ctx, false); err != nil {
		return nil, err
	}
	p.sim.mu.Lock()
	defer p.sim.mu.Unlock()
	nt := p.sim.tokens[id]
	if nt == nil {
		return nil, notFound()
	}
	out := nt.NetworkToken
	return &out, nil
}

func (p *memProvider) DeleteNetworkToken(ctx context.Context, req *tokenize.DeleteNetworkTokenRequest) error {
	if err := p.enter(ctx, false); err != nil {
		return err
	}
	p.sim.mu.Lock()
	defer p.sim.mu.Unlock()
	nt := p.sim.tokens[req.ID]
	if nt == nil {
		return notFound()
	}
	nt.State = tokenize.StateInactive
	return nil
}

func (p *memProvider) RequestCryptogram(ctx context.Context, req *tokenize.CryptogramRequest) (*tokenize.Cryptogram, error) {
	if err := p.enter(ctx, false); err != nil {
		return nil, err
	}
	p.sim.mu.Lock()
	nt := p.sim.tokens[req.NetworkTokenID]
	var state tokenize.NetworkTokenState
	if nt != nil {
		state = nt.State
	}
	p.sim.mu.Unlock()
	switch {
	case nt == nil:
		return nil, notFound()
	case state != tokenize.StateActive:
		return nil, &tokenize.Error{Code: tokenize.FailedPrecondition, HTTPStatus: 422, Message: "token is " + state.String()}
	}
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	return &tokenize.Cryptogram{NetworkTokenID: req.NetworkTokenID, TransactionType: req.TransactionType,
		Value: tokenize.Secret(base64.StdEncoding.EncodeToString(b)), ECI: "07"}, nil
}
