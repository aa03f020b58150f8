package tokenize_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"

	"github.com/tokenize-go/tokenize"
)

// ---------------------------------------------------------------------
// memoryProvider is an ILLUSTRATION for the examples, not a real provider:
// it keeps tokens in a map and talks to no scheme. Real adapters live in
// github.com/tokenize-go/tokenize/providers/... and are chosen by
// configuration.
// ---------------------------------------------------------------------

type memoryProvider struct {
	mu     sync.Mutex
	seq    int
	cards  map[string]tokenize.Card
	tokens map[string]*tokenize.NetworkToken
}

func newMemoryProvider() *memoryProvider {
	return &memoryProvider{cards: map[string]tokenize.Card{}, tokens: map[string]*tokenize.NetworkToken{}}
}

// An adapter registers its Opener from an init function, so that a blank
// import makes it available to tokenize.Open.
func init() {
	tokenize.Register("memory", func(_ context.Context, settings json.RawMessage, _ tokenize.OpenOptions) (tokenize.Provider, error) {
		var s struct {
			APIKey tokenize.Secret `json:"api_key"`
		}
		if err := tokenize.DecodeSettings(settings, &s); err != nil {
			return nil, err
		}
		if s.APIKey == "" {
			return nil, tokenize.MissingSetting("api_key")
		}
		return newMemoryProvider(), nil
	})
}

func (m *memoryProvider) Name() string { return "memory" }

func (m *memoryProvider) Capabilities() tokenize.Capabilities {
	return tokenize.Capabilities{
		Operations:                tokenize.Operations(),
		PaymentMethods:            []tokenize.PaymentMethodKind{tokenize.KindCard},
		ProvisionFromPaymentToken: true,
		ProvisionFromCard:         true,
		TransactionTypes:          []tokenize.TransactionType{tokenize.ECommerce, tokenize.Recurring},
	}
}

func (m *memoryProvider) nextID(prefix string) string {
	m.seq++
	return prefix + strconv.Itoa(m.seq)
}

func notFound(what, id string) error {
	return &tokenize.Error{Code: tokenize.NotFound, HTTPStatus: 404, Message: "no " + what + " " + id}
}

func (m *memoryProvider) CreatePaymentToken(_ context.Context, req *tokenize.CreatePaymentTokenRequest) (*tokenize.PaymentToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	id := m.nextID("pt_")
	m.cards[id] = *req.Card
	return m.paymentToken(id), nil
}

func (m *memoryProvider) paymentToken(id string) *tokenize.PaymentToken {
	c := m.cards[id]
	return &tokenize.PaymentToken{ID: id, Kind: tokenize.KindCard, Card: &tokenize.CardDetails{
		Brand: tokenize.BrandVisa, MaskedNumber: c.Number.Masked(), BIN: c.Number.BIN(), Last4: c.Number.Last4(),
		ExpiryMonth: c.ExpiryMonth, ExpiryYear: c.ExpiryYear,
	}}
}

func (m *memoryProvider) GetPaymentToken(_ context.Context, id string) (*tokenize.PaymentToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.cards[id]; !ok {
		return nil, notFound("payment token", id)
	}
	return m.paymentToken(id), nil
}

func (m *memoryProvider) DeletePaymentToken(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.cards[id]; !ok {
		return notFound("payment token", id)
	}
	delete(m.cards, id)
	return nil
}

func (m *memoryProvider) ProvisionNetworkToken(_ context.Context, req *tokenize.ProvisionNetworkTokenRequest) (*tokenize.NetworkToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	card := req.Card
	if req.PaymentTokenID != "" {
		c, ok := m.cards[req.PaymentTokenID]
		if !ok {
			return nil, notFound("payment token", req.PaymentTokenID)
		}
		card = &c
	}
	nt := &tokenize.NetworkToken{
		ID: m.nextID("nt_"), PaymentTokenID: req.PaymentTokenID, State: tokenize.StateActive, Scheme: tokenize.SchemeVTS,
		Number: "4895370012003478", ExpiryMonth: card.ExpiryMonth, ExpiryYear: card.ExpiryYear, CardLast4: card.Number.Last4(),
	}
	m.tokens[nt.ID] = nt
	cp := *nt
	return &cp, nil
}

func (m *memoryProvider) GetNetworkToken(_ context.Context, id string) (*tokenize.NetworkToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	nt, ok := m.tokens[id]
	if !ok {
		return nil, notFound("network token", id)
	}
	cp := *nt
	return &cp, nil
}

func (m *memoryProvider) DeleteNetworkToken(_ context.Context, req *tokenize.DeleteNetworkTokenRequest) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	nt, ok := m.tokens[req.ID]
	if !ok {
		return notFound("network token", req.ID)
	}
	nt.State = tokenize.StateDeleted
	return nil
}

func (m *memoryProvider) RequestCryptogram(_ context.Context, req *tokenize.CryptogramRequest) (*tokenize.Cryptogram, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	nt, ok := m.tokens[req.NetworkTokenID]
	if !ok {
		return nil, notFound("network token", req.NetworkTokenID)
	}
	if nt.State != tokenize.StateActive {
		return nil, &tokenize.Error{Code: tokenize.FailedPrecondition, Message: "token is " + nt.State.String()}
	}
	return &tokenize.Cryptogram{NetworkTokenID: nt.ID, TransactionType: req.TransactionType,
		Value: "AgAAAAAAAIR8CQrXcIhbQAAAAAA=", ECI: "07", Number: nt.Number}, nil
}

// exampleCard is a Visa test card.
func exampleCard() *tokenize.Card {
	return &tokenize.Card{Number: "4242424242424242", ExpiryMonth: 12, ExpiryYear: 2099, CVV: "123", HolderName: "Ada Lovelace"}
}

// ---------------------------------------------------------------------
// Examples
// ---------------------------------------------------------------------

func ExampleNew() {
	ctx := context.Background()
	client := tokenize.New(newMemoryProvider())

	tok, err := client.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{
		Card:              exampleCard(),
		MerchantReference: "order-1001",
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(tok.Provider, tok.ID, tok.Kind, tok.Card.MaskedNumber, tok.Card.ExpiryMonth, tok.Card.ExpiryYear)
	// The request's card prints masked too.
	fmt.Printf("%+v\n", exampleCard())
	// Output:
	// memory pt_1 card 424242******4242 12 2099
	// {Number:424242******4242 ExpiryMonth:12 ExpiryYear:2099 CVV:[REDACTED] HolderName:Ada Lovelace}
}

func ExampleClient_CreatePaymentToken() {
	ctx := context.Background()
	client := tokenize.New(newMemoryProvider())

	card := exampleCard()
	card.ExpiryYear = 99 // two digits mean 20YY
	tok, err := client.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: card})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(tok.ID, tok.Card.BIN, tok.Card.Last4, tok.Card.ExpiryYear)
	// Output: pt_1 424242 4242 2099
}

func ExampleClient_GetPaymentToken() {
	ctx := context.Background()
	client := tokenize.New(newMemoryProvider())
	created, _ := client.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: exampleCard()})

	tok, err := client.GetPaymentToken(ctx, created.ID)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(tok.ID, tok.Card.Brand, tok.Card.MaskedNumber)
	// Output: pt_1 visa 424242******4242
}

func ExampleClient_DeletePaymentToken() {
	ctx := context.Background()
	client := tokenize.New(newMemoryProvider())
	tok, _ := client.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: exampleCard()})

	fmt.Println(client.DeletePaymentToken(ctx, tok.ID))
	_, err := client.GetPaymentToken(ctx, tok.ID)
	fmt.Println(errors.Is(err, tokenize.ErrNotFound))
	// Output:
	// <nil>
	// true
}

func ExampleClient_ProvisionNetworkToken() {
	ctx := context.Background()
	client := tokenize.New(newMemoryProvider())
	pt, _ := client.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: exampleCard()})

	nt, err := client.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: pt.ID})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	// A scheme refusal is not an error: check the state.
	fmt.Println(nt.ID, nt.State, nt.Scheme, nt.Number, nt.CardLast4)
	// Output: nt_2 active vts 489537******3478 4242
}

func ExampleClient_GetNetworkToken() {
	ctx := context.Background()
	client := tokenize.New(newMemoryProvider())
	created, _ := client.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{Card: exampleCard()})

	nt, err := client.GetNetworkToken(ctx, created.ID)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Printf("%s %s %v\n", nt.ID, nt.State, nt.Number)
	// Output: nt_1 active 489537******3478
}

func ExampleClient_RequestCryptogram() {
	ctx := context.Background()
	client := tokenize.New(newMemoryProvider())
	nt, _ := client.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{Card: exampleCard()})

	cg, err := client.RequestCryptogram(ctx, tokenize.CryptogramRequest{
		NetworkTokenID:  nt.ID,
		TransactionType: tokenize.ECommerce,
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	// The cryptogram and the DPAN never print; Reveal() gives the raw
	// values for the authorization request.
	fmt.Println(cg.NetworkTokenID, cg.TransactionType, cg.ECI, cg.Value, cg.Number)
	fmt.Println(len(cg.Value.Reveal()) > 0)

	// A transaction type the provider does not support is refused before
	// any call.
	_, err = client.RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: nt.ID, TransactionType: tokenize.PointOfSale})
	fmt.Println(errors.Is(err, tokenize.ErrUnsupported))
	// Output:
	// nt_1 ecom 07 [REDACTED] 489537******3478
	// true
	// true
}

func ExampleClient_DeleteNetworkToken() {
	ctx := context.Background()
	client := tokenize.New(newMemoryProvider())
	nt, _ := client.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{Card: exampleCard()})

	err := client.DeleteNetworkToken(ctx, tokenize.DeleteNetworkTokenRequest{
		ID:          nt.ID,
		InitiatedBy: tokenize.InitiatedByTokenRequestor,
		Reason:      tokenize.ReasonOther,
	})
	fmt.Println(err)
	after, _ := client.GetNetworkToken(ctx, nt.ID)
	fmt.Println(after.State)
	_, err = client.RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: nt.ID, TransactionType: tokenize.ECommerce})
	fmt.Println(tokenize.CodeOf(err))
	// Output:
	// <nil>
	// deleted
	// FailedPrecondition
}

func ExampleClient_Capabilities() {
	client := tokenize.New(newMemoryProvider())
	caps := client.Capabilities()
	fmt.Println(caps.Supports(tokenize.OpRequestCryptogram))
	fmt.Println(caps.SupportsPaymentMethod(tokenize.KindBankAccount))
	fmt.Println(caps.ProvisionFromCard, caps.TransactionTypes)

	// Undeclared options fail with ErrUnsupported without reaching the
	// provider.
	_, err := client.CreatePaymentToken(context.Background(), tokenize.CreatePaymentTokenRequest{
		BankAccount: &tokenize.BankAccount{AccountNumber: "000123456789", RoutingNumber: "011000015", AccountType: tokenize.AccountChecking},
	})
	fmt.Println(err)
	// Output:
	// true
	// false
	// true [ecom recurring]
	// tokenize: memory CreatePaymentToken: Unsupported: memory does not support bank account payment tokens
}

func ExampleClient_ProvisionNetworkTokens() {
	ctx := context.Background()
	client := tokenize.New(newMemoryProvider())
	pt, _ := client.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: exampleCard()})

	// The cards to backfill, as a database cursor would yield them: your
	// own key for each, and what to provision from.
	rows := []tokenize.ProvisionItem{
		{Key: "card-1", Request: tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: pt.ID}},
		{Key: "card-2", Request: tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: "pt_unknown"}},
		{Key: "card-3", Request: tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: "../etc/passwd"}},
	}
	opts := tokenize.BatchOptions{
		Concurrency:       1, // results in the order of the rows, for this example's output
		RequestsPerSecond: 50,
		Total:             len(rows),
		Progress: func(p tokenize.Progress) {
			if p.Done == p.Total {
				fmt.Printf("done %d/%d, failed %d (NotFound %d, InvalidArgument %d)\n",
					p.Done, p.Total, p.Failed, p.FailedWith(tokenize.NotFound), p.FailedWith(tokenize.InvalidArgument))
			}
		},
	}
	saved := map[string]string{} // key -> network token id, what a rerun skips
	for r := range client.ProvisionNetworkTokens(ctx, slices.Values(rows), opts) {
		switch {
		case r.Err == nil:
			saved[r.Key] = r.Token.ID
			fmt.Println(r.Key, r.Token.State, r.Token.Number)
		case tokenize.IsOutcomeUnknown(r.Err):
			fmt.Println(r.Key, "to reconcile")
		default:
			fmt.Println(r.Key, tokenize.CodeOf(r.Err))
		}
	}
	fmt.Println(len(saved), "saved")
	// Output:
	// card-1 active 489537******3478
	// card-2 NotFound
	// done 3/3, failed 2 (NotFound 1, InvalidArgument 1)
	// card-3 InvalidArgument
	// 1 saved
}

func ExampleParseConfig() {
	env := map[string]string{"MEMORY_API_KEY": "sk_test_abc123"}
	lookup := func(name string) (string, bool) { v, ok := env[name]; return v, ok }

	cfg, err := tokenize.ParseConfig([]byte(`{
		"provider": "memory",
		"settings": {"api_key": "${MEMORY_API_KEY}", "note": "$${not expanded}"}
	}`), lookup)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(cfg.Provider)

	_, err = tokenize.ParseConfig([]byte(`{"provider":"memory","settings":{"api_key":"${MISSING_KEY}"}}`), lookup)
	fmt.Println(err)
	// Output:
	// memory
	// tokenize: InvalidArgument: settings.api_key: config: settings.api_key: environment variable MISSING_KEY is not set
}

func ExampleLoadConfig() {
	dir, _ := os.MkdirTemp("", "tokenize-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "tokenize.json")
	_ = os.WriteFile(path, []byte(`{"provider":"memory","settings":{"api_key":"${EXAMPLE_MEMORY_API_KEY}"}}`), 0o600)
	os.Setenv("EXAMPLE_MEMORY_API_KEY", "sk_test_abc123")
	defer os.Unsetenv("EXAMPLE_MEMORY_API_KEY")

	cfg, err := tokenize.LoadConfig(path)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	// Decode settings into a Secret so that the key cannot be printed.
	var s struct {
		APIKey tokenize.Secret `json:"api_key"`
	}
	_ = tokenize.DecodeSettings(cfg.Settings, &s)
	fmt.Println(cfg.Provider, s.APIKey)
	// Output: memory [REDACTED]
}

func ExampleOpen() {
	cfg := tokenize.Config{Provider: "memory", Settings: json.RawMessage(`{"api_key":"sk_test_abc123"}`)}
	client, err := tokenize.Open(context.Background(), cfg)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(client.Provider())
	fmt.Printf("%+v\n", client) // a Client prints its provider's name only

	_, err = tokenize.Open(context.Background(), tokenize.Config{Provider: "memory"})
	fmt.Println(err)
	// Output:
	// memory
	// tokenize.Client(memory)
	// tokenize: InvalidArgument: settings.api_key: config: setting "api_key" is required
}

func ExampleRegister() {
	// The memory provider registered itself in init (see above), the way
	// an adapter does; a blank import of the adapter is all a program needs.
	fmt.Println(slices.Contains(tokenize.Providers(), "memory"))
	// Output: true
}

func ExampleCodeOf() {
	ctx := context.Background()
	client := tokenize.New(newMemoryProvider())

	_, err := client.GetPaymentToken(ctx, "pt_missing")
	switch {
	case errors.Is(err, tokenize.ErrNotFound):
		fmt.Println("not found:", tokenize.CodeOf(err))
	case tokenize.IsRetryable(err):
		fmt.Println("try again")
	}
	fmt.Println(err)

	card := exampleCard()
	card.Number = "4242424242424241" // fails the Luhn check
	_, err = client.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: card})
	var te *tokenize.Error
	if errors.As(err, &te) {
		fmt.Println(te.Code, te.Field, te.Message)
	}
	fmt.Println(tokenize.CodeOf(nil), tokenize.CodeOf(context.Canceled))
	// Output:
	// not found: NotFound
	// tokenize: memory GetPaymentToken: NotFound: no payment token pt_missing (HTTP 404)
	// InvalidArgument card.number fails the Luhn check
	// OK Canceled
}

func ExamplePAN() {
	pan := tokenize.PAN("4242424242424242")
	fmt.Println(pan)
	fmt.Printf("%v %s %q %#v\n", pan, pan, pan, pan)
	fmt.Println(pan.BIN(), pan.Last4())
	fmt.Println(tokenize.PAN("378282246310005"))
	cvv := tokenize.Secret("123")
	fmt.Println(cvv, tokenize.AccountNumber("000123456789"))
	// Output:
	// 424242******4242
	// 424242******4242 424242******4242 "424242******4242" 424242******4242
	// 424242 4242
	// ***********0005
	// [REDACTED] ********6789
}
