package nuvei_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/fixturetest"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
)

// The API reference's examples (see testdata/fixtures/README.md for where
// each comes from), held against the adapter, replayed through the public
// API, and against nuveisim, field by field.

// nuveiFixtures are the fixture files the tests below use.
var nuveiFixtures = []string{
	"seed001-card-payment-token.json", "seed001-ach-payment-token.json", "seed001-schema-example.json",
	"seed000-cryptogram-schema-example.json", "seed001-error-expiration-month.json", "seed001-error-entity-null.json",
	"seed001-error-authorization.json", "seed001-error-internal.json",
}

func TestFixturesProvenance(t *testing.T) { fixturetest.CheckProvenance(t, nuveiFixtures) }

// fixtureClient opens a Client by configuration on a stand-in API, retries
// off so that each fixture is answered once.
func fixtureClient(t *testing.T, fs *fixturetest.Server) *tokenize.Client {
	t.Helper()
	settings, _ := json.Marshal(map[string]string{"base_url": fs.URL, "api_key": "fixture-api-key", "processing_entity_id": nuveisim.ProcessingEntityID})
	c, err := tokenize.Open(context.Background(), tokenize.Config{Provider: "nuvei", Settings: settings},
		tokenize.WithRetryPolicy(tokenize.RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	return c
}

// Each fixture, answered by the stand-in API, comes out of the public API
// as these neutral values.
func TestFixturesAdapter(t *testing.T) {
	ctx := context.Background()
	card := tokenize.Card{Number: nuveisim.VisaPAN, ExpiryMonth: 6, ExpiryYear: 2028, CVV: "591", HolderName: "John Doe"}
	create := func(t *testing.T, fixture string, status int, req tokenize.CreatePaymentTokenRequest) (*tokenize.PaymentToken, error) {
		fs := fixturetest.NewServer(t)
		fs.On("POST /payment-tokens", status, fixturetest.Load(t, fixture))
		return fixtureClient(t, fs).CreatePaymentToken(ctx, req)
	}
	t.Run("CardPaymentToken", func(t *testing.T) {
		tok, err := create(t, "seed001-card-payment-token.json", 201, tokenize.CreatePaymentTokenRequest{Card: &card})
		require.NoError(t, err)
		assert.Equal(t, &tokenize.PaymentToken{Provider: "nuvei", ID: "1eaf1356-a9a2-4a16-a0c1-290ba2265257", Kind: tokenize.KindCard,
			Card: &tokenize.CardDetails{Brand: tokenize.BrandVisa, MaskedNumber: "4***1111", BIN: "411111", Last4: "1111",
				ExpiryMonth: 6, ExpiryYear: 2028, Type: tokenize.CardTypeCredit, HolderName: "John Doe"}}, tok)
	})
	t.Run("ACHPaymentToken", func(t *testing.T) {
		tok, err := create(t, "seed001-ach-payment-token.json", 201, tokenize.CreatePaymentTokenRequest{BankAccount: &tokenize.BankAccount{
			AccountNumber: "11345739548759", RoutingNumber: "011000015", AccountType: tokenize.AccountChecking}})
		require.NoError(t, err)
		assert.Equal(t, &tokenize.PaymentToken{Provider: "nuvei", ID: "1eaf1356-a9a2-4a16-a0c1-290ba2265257", Kind: tokenize.KindBankAccount,
			BankAccount: &tokenize.BankAccountDetails{Last4: "8759", RoutingNumber: "847937857"}}, tok)
	})
	t.Run("SchemaExample", func(t *testing.T) {
		// Both payment options at once (a generator artifact): the card is
		// read, with every descriptive field the adapter maps.
		tok, err := create(t, "seed001-schema-example.json", 201, tokenize.CreatePaymentTokenRequest{Card: &card})
		require.NoError(t, err)
		assert.Equal(t, &tokenize.PaymentToken{Provider: "nuvei", ID: "1eaf1356-a9a2-4a16-a0c1-290ba2265257", Kind: tokenize.KindCard,
			Card: &tokenize.CardDetails{Brand: tokenize.BrandVisa, MaskedNumber: "5***6597", BIN: "546221", Last4: "6597",
				ExpiryMonth: 6, ExpiryYear: 2022, Type: tokenize.CardTypeCredit, Prepaid: true, IssuerCountry: "DE", HolderName: "Jada Pinkett"}}, tok)
	})
	t.Run("CryptogramSchemaExample", func(t *testing.T) {
		// Placeholder values ("string" as a token number and expiry) are
		// refused as malformed, never mapped into a cryptogram.
		fs := fixturetest.NewServer(t)
		fs.On("POST /network-tokens/cryptograms", 201, fixturetest.Load(t, "seed000-cryptogram-schema-example.json"))
		cg, err := fixtureClient(t, fs).RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: "1eaf1356-a9a2-4a16-a0c1-290ba2265257",
			TransactionType: tokenize.ECommerce})
		assert.Nil(t, cg)
		assert.Equal(t, tokenize.Internal, tokenize.CodeOf(err), "%v", err)
	})
	for _, tc := range []struct {
		fixture string
		status  int
		code    tokenize.Code
		field   string
	}{
		{"seed001-error-expiration-month.json", 400, tokenize.InvalidArgument, tokenize.FieldCardExpiryMonth},
		// The adapter names its setting: the entity comes from configuration.
		{"seed001-error-entity-null.json", 400, tokenize.InvalidArgument, "settings.processing_entity_id"},
		{"seed001-error-authorization.json", 401, tokenize.Unauthenticated, ""},
		{"seed001-error-authorization.json", 403, tokenize.PermissionDenied, ""},
		{"seed001-error-internal.json", 500, tokenize.Internal, ""},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			_, err := create(t, tc.fixture, tc.status, tokenize.CreatePaymentTokenRequest{Card: &card})
			var te *tokenize.Error
			require.ErrorAs(t, err, &te)
			var body struct {
				Result struct{ Errors struct{ Code string } }
			}
			require.NoError(t, json.Unmarshal(fixturetest.Load(t, tc.fixture), &body))
			assert.Equal(t, tc.code, te.Code, "%v", te)
			assert.Equal(t, tc.field, te.Field)
			assert.Equal(t, tc.status, te.HTTPStatus)
			assert.Equal(t, []string{body.Result.Errors.Code}, te.ProviderCodes)
			assert.Equal(t, tc.status >= 500, te.OutcomeUnknown, "a create answered 5xx may have happened")
		})
	}
}

// The simulator answers the same requests with every field each fixture
// has, of the same JSON type, and the same values where the request pins
// them.
func TestFixturesSimulator(t *testing.T) {
	s := nuveisim.NewServer()
	defer s.Close()
	post := func(path, key string, body any) (int, []byte) {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		return fixturetest.Call(t, "POST", s.URL+path, string(b), "Content-Type", "application/json", "x-api-key", key)
	}
	entity := nuveisim.ProcessingEntityID
	card := func(number, month string) map[string]any {
		return map[string]any{"cardNumber": number, "expirationMonth": month, "expirationYear": "2028", "cvv": "591", "cardHolderName": "John Doe"}
	}
	createCard := func(number, month string) (int, []byte) {
		return post("/payment-tokens", nuveisim.APIKey, map[string]any{"processingEntityId": entity, "paymentOption": map[string]any{"card": card(number, month)}})
	}
	cardPath := "paymentToken.paymentOption.card."

	t.Run("CardPaymentToken", func(t *testing.T) {
		status, body := createCard(nuveisim.VisaPAN, "06")
		require.Equal(t, 201, status, string(body))
		fixturetest.Compare(t, fixturetest.Load(t, "seed001-card-payment-token.json"), body, fixturetest.Options{Same: []string{
			"paymentToken.cccId", "result", cardPath + "cardHolderName", cardPath + "maskedCardNumber", cardPath + "bin",
			cardPath + "expirationMonth", cardPath + "expirationYear", cardPath + "cardType", cardPath + "cardBrand"}})
		fixturetest.Compare(t, fixturetest.Load(t, "seed001-schema-example.json"), body, fixturetest.Options{
			Absent: map[string]string{
				"paymentToken.paymentOption.alternativePaymentMethod": "the schema example shows both payment options at once; a token holds one",
				"result.errors": "the schema example shows errors beside status success, a generator artifact (research notes §2.2)",
			},
			Same: []string{"paymentToken.cccId", cardPath + "cardBrand", cardPath + "cardType", "result.status"}})
	})
	t.Run("ACHPaymentToken", func(t *testing.T) {
		status, body := post("/payment-tokens", nuveisim.APIKey, map[string]any{"processingEntityId": entity, "paymentOption": map[string]any{
			"alternativePaymentMethod": map[string]any{"name": "ACH", "data": map[string]any{"accountNumber": "11345739548759", "routingNumber": "847937857"}}}})
		require.Equal(t, 201, status, string(body))
		fixturetest.Compare(t, fixturetest.Load(t, "seed001-ach-payment-token.json"), body, fixturetest.Options{Same: []string{
			"paymentToken.cccId", "paymentToken.paymentOption", "result"}})
	})
	t.Run("CryptogramSchemaExample", func(t *testing.T) {
		status, body := post("/network-tokens", nuveisim.APIKey, map[string]any{"processingEntityId": entity,
			"merchantReference": "MREF_6f06168d-ff6e-448b-8401-30051eb6b1af", "paymentOption": map[string]any{"card": card(nuveisim.VisaPAN, "06")}})
		require.Equal(t, 201, status, string(body))
		var nt struct {
			PaymentOption struct {
				NetworkToken struct{ PaymentTokenID string }
			}
		}
		require.NoError(t, json.Unmarshal(body, &nt))
		status, body = post("/network-tokens/cryptograms", nuveisim.APIKey, map[string]any{"processingEntityId": entity, "type": "ECOM",
			"paymentOption": map[string]any{"paymentToken": map[string]any{"paymentTokenId": nt.PaymentOption.NetworkToken.PaymentTokenID}}})
		require.Equal(t, 201, status, string(body))
		fixturetest.Compare(t, fixturetest.Load(t, "seed000-cryptogram-schema-example.json"), body, fixturetest.Options{
			Absent: map[string]string{"result.errors": "the schema example shows errors beside status success, a generator artifact (research notes §2.2)"},
			Same:   []string{"paymentOption.networkToken.merchantReference", "result.status"}})
	})
	for _, tc := range []struct {
		name, fixture string
		status        int
		call          func() (int, []byte)
	}{
		{"ExpirationMonth", "seed001-error-expiration-month.json", 400, func() (int, []byte) { return createCard(nuveisim.VisaPAN, "13") }},
		{"EntityNull", "seed001-error-entity-null.json", 400, func() (int, []byte) {
			return post("/payment-tokens", nuveisim.APIKey, map[string]any{"paymentOption": map[string]any{"card": card(nuveisim.VisaPAN, "06")}})
		}},
		{"Unauthorized", "seed001-error-authorization.json", 401, func() (int, []byte) { return post("/payment-tokens", "wrong-key", map[string]any{}) }},
		{"Forbidden", "seed001-error-authorization.json", 403, func() (int, []byte) { return createCard(nuveisim.ForbiddenPAN, "06") }},
		{"Internal", "seed001-error-internal.json", 500, func() (int, []byte) { return createCard(nuveisim.InternalErrorPAN, "06") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := tc.call()
			assert.Equal(t, tc.status, status, string(body))
			fixturetest.Compare(t, fixturetest.Load(t, tc.fixture), body, fixturetest.Options{Same: []string{"result"}})
		})
	}
}
