// Package nuvei is the tokenize adapter for Nuvei REST API 2.0
// (/payment-tokens, /network-tokens). Import it for its side effect of
// registering the provider "nuvei":
//
//	import _ "github.com/tokenize-go/tokenize/providers/nuvei"
//
//	client, err := tokenize.Open(ctx, tokenize.Config{Provider: "nuvei", Settings: settings})
//
// See Settings for the configuration, and package nuveisim for an
// in-process simulator to test against.
//
// What Nuvei documents, and so what the adapter declares: card and ACH
// payment tokens, conversion of a temporary payment token, reading a
// payment token, provisioning a network token from a card, reading it, and
// cryptograms for e-commerce (ECOM) and account funding (AFT). Nuvei
// documents no endpoint to delete a payment or network token, nor to
// provision a network token from an existing payment token, so those are
// Unsupported.
//
// Nuvei's error responses use the full resource schema, so an error body
// may echo card data. The body an error keeps for
// (*tokenize.Error).ProviderBody is redacted: cardNumber, cvv, tokenNumber,
// cryptogram and accountNumber values are replaced, and card-number-like
// digit runs are masked elsewhere (JSON bodies are re-encoded, so key order
// and spacing differ from the wire).
package nuvei

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/httpx"
)

// Name is the registered provider name.
const Name = "nuvei"

func init() {
	tokenize.Register(Name, func(_ context.Context, settings json.RawMessage, opts tokenize.OpenOptions) (tokenize.Provider, error) {
		return open(settings, opts.HTTPClient)
	})
}

// Paths of REST API 2.0 (seeds 000, 001, 003; research notes §3).
const (
	pathPaymentTokens = "/payment-tokens"
	pathNetworkTokens = "/network-tokens"
	pathCryptograms   = "/network-tokens/cryptograms"
)

// entityQueryKey is the query parameter carrying the processing entity on
// GET requests. The seeds say processingEntityId; other Nuvei pages spell
// it processing_entity_id. The seeds win.
const entityQueryKey = "processingEntityId"

// cryptogramTypeField is the name of the top-level field carrying ECOM/AFT
// in POST /network-tokens/cryptograms. The seeds call it "type"; Nuvei's
// public reference calls it "transactionType". The seeds win.
const cryptogramTypeField = "type"

// headerAPIKey carries the credential (REST 2.0 authentication page).
const headerAPIKey = "x-api-key"

// capabilities is what Nuvei documents. ProvisionIsIdempotent is false:
// nothing says POST /network-tokens returns an existing token.
var capabilities = tokenize.Capabilities{
	Operations: []tokenize.Operation{
		tokenize.OpCreatePaymentToken, tokenize.OpGetPaymentToken,
		tokenize.OpProvisionNetworkToken, tokenize.OpGetNetworkToken, tokenize.OpRequestCryptogram,
	},
	PaymentMethods:    []tokenize.PaymentMethodKind{tokenize.KindCard, tokenize.KindBankAccount},
	TemporaryTokens:   true,
	ProvisionFromCard: true,
	TransactionTypes:  []tokenize.TransactionType{tokenize.ECommerce, tokenize.AccountFunding},
}

type provider struct {
	base    string
	key     tokenize.Secret
	entity  string
	query   string // "?processingEntityId=…", the query of every GET
	timeout time.Duration
	http    *httpx.Client
}

func (p *provider) Name() string { return Name }

func (p *provider) Capabilities() tokenize.Capabilities {
	c := capabilities
	c.Operations = append([]tokenize.Operation(nil), c.Operations...)
	c.PaymentMethods = append([]tokenize.PaymentMethodKind(nil), c.PaymentMethods...)
	c.TransactionTypes = append([]tokenize.TransactionType(nil), c.TransactionTypes...)
	return c
}

// secretsOf lists the secret values a create request carries.
func secretsOf(req *tokenize.CreatePaymentTokenRequest) []string {
	switch {
	case req.Card != nil:
		return []string{req.Card.Number.Reveal(), req.Card.CVV.Reveal()}
	case req.BankAccount != nil:
		return []string{req.BankAccount.AccountNumber.Reveal()}
	default:
		return []string{req.TemporaryToken.Reveal()}
	}
}

func (p *provider) CreatePaymentToken(ctx context.Context, req *tokenize.CreatePaymentTokenRequest) (*tokenize.PaymentToken, error) {
	body := createPaymentTokenRequest{
		ProcessingEntityID: p.entity,
		MerchantReference:  req.MerchantReference,
		BuyerID:            req.CustomerReference,
		UsageIntent:        usageToWire(req.UsageIntent),
	}
	switch {
	case req.Card != nil:
		body.PaymentOption.Card = cardToWire(req.Card)
	case req.BankAccount != nil:
		body.PaymentOption.AlternativePaymentMethod = &reqAPM{Name: achMethodName, Data: map[string]string{
			achAccountNumberKey: req.BankAccount.AccountNumber.Reveal(),
			achRoutingNumberKey: req.BankAccount.RoutingNumber,
		}}
	case req.TemporaryToken != "":
		body.PaymentOption.TemporaryPaymentToken = &reqTokenRef{PaymentTokenID: req.TemporaryToken.Reveal()}
	default:
		return nil, &tokenize.Error{Code: tokenize.InvalidArgument, Field: tokenize.FieldPaymentMethod, Message: "no payment method"}
	}
	resp, err := p.post(ctx, pathPaymentTokens, body, false, secretsOf(req)...)
	if err != nil {
		return nil, err
	}
	tok, err := decodePaymentToken(resp, "")
	if err != nil {
		return nil, err
	}
	// The create response (seed 001) omits buyerId, merchantReference and
	// usageIntent although Nuvei stores them (seed 003 returns them):
	// report the values Nuvei accepted, so that create and get agree.
	if tok.CustomerReference == "" {
		tok.CustomerReference = req.CustomerReference
	}
	if tok.MerchantReference == "" {
		tok.MerchantReference = req.MerchantReference
	}
	if tok.UsageIntent == tokenize.UsageUnspecified {
		tok.UsageIntent = req.UsageIntent
	}
	return tok, nil
}

func (p *provider) GetPaymentToken(ctx context.Context, id string) (*tokenize.PaymentToken, error) {
	resp, err := p.get(ctx, pathPaymentTokens+"/"+url.PathEscape(id))
	if err != nil {
		return nil, err
	}
	return decodePaymentToken(resp, id)
}

func (p *provider) DeletePaymentToken(context.Context, string) error {
	return &tokenize.Error{Code: tokenize.Unsupported, Message: "Nuvei documents no endpoint to delete a payment token"}
}

func (p *provider) ProvisionNetworkToken(ctx context.Context, req *tokenize.ProvisionNetworkTokenRequest) (*tokenize.NetworkToken, error) {
	if req.Card == nil {
		return nil, &tokenize.Error{Code: tokenize.Unsupported, Field: tokenize.FieldProvisionSource,
			Message: "Nuvei provisions network tokens from a card only (POST /network-tokens)"}
	}
	if req.Card.CVV == "" {
		// POST /network-tokens documents cvv as required (research notes
		// §3.7a): refuse here rather than send a card number Nuvei rejects.
		return nil, &tokenize.Error{Code: tokenize.InvalidArgument, Field: tokenize.FieldCardCVV,
			Message: "Nuvei requires the CVV to provision a network token"}
	}
	body := provisionRequest{ProcessingEntityID: p.entity, MerchantReference: req.MerchantReference}
	body.PaymentOption.Card = cardToWire(req.Card)
	body.PaymentOption.Card.CardHolderName = "" // not part of POST /network-tokens
	resp, err := p.post(ctx, pathNetworkTokens, body, false, req.Card.Number.Reveal(), req.Card.CVV.Reveal())
	if err != nil {
		return nil, err
	}
	return decodeNetworkToken(resp, "")
}

func (p *provider) GetNetworkToken(ctx context.Context, id string) (*tokenize.NetworkToken, error) {
	resp, err := p.get(ctx, pathNetworkTokens+"/"+url.PathEscape(id))
	if err != nil {
		return nil, err
	}
	return decodeNetworkToken(resp, id)
}

func (p *provider) DeleteNetworkToken(context.Context, *tokenize.DeleteNetworkTokenRequest) error {
	return &tokenize.Error{Code: tokenize.Unsupported, Message: "Nuvei documents no endpoint to delete a network token"}
}

func (p *provider) RequestCryptogram(ctx context.Context, req *tokenize.CryptogramRequest) (*tokenize.Cryptogram, error) {
	tt, ok := cryptogramTypes[req.TransactionType]
	if !ok {
		return nil, &tokenize.Error{Code: tokenize.Unsupported, Field: tokenize.FieldTransactionType,
			Message: "Nuvei does not support transaction type " + req.TransactionType.String() + " (supported: ecom, aft)"}
	}
	body := cryptogramRequest{
		ProcessingEntityID: p.entity,
		PaymentOption:      reqPaymentOption{PaymentToken: &reqTokenRef{PaymentTokenID: req.NetworkTokenID}},
		Type:               tt,
	}
	// A cryptogram is single-use and creates nothing lasting: asking again
	// only yields another one, so the request is safe to repeat.
	resp, err := p.post(ctx, pathCryptograms, body, true)
	if err != nil {
		return nil, err
	}
	return decodeCryptogram(resp, req)
}

// --- HTTP -------------------------------------------------------------

func (p *provider) header() http.Header {
	return http.Header{
		"Content-Type": {"application/json"},
		"Accept":       {"application/json"},
		apiKeyHeader:   {p.key.Reveal()},
	}
}

// apiKeyHeader is headerAPIKey in canonical form, so that headers can be
// built as literals.
var apiKeyHeader = http.CanonicalHeaderKey(headerAPIKey)

// post sends body to path; sensitive are the secret values it carries,
// redacted from any error body kept for ProviderBody.
func (p *provider) post(ctx context.Context, path string, body any, idempotent bool, sensitive ...string) (*httpx.Response, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, &tokenize.Error{Code: tokenize.Internal, Message: "cannot encode request"}
	}
	return p.do(ctx, httpx.Request{Method: http.MethodPost, URL: p.base + path, Header: p.header(), Body: b,
		Idempotent: idempotent, Sensitive: sensitive})
}

func (p *provider) get(ctx context.Context, path string) (*httpx.Response, error) {
	h := http.Header{"Accept": {"application/json"}, apiKeyHeader: {p.key.Reveal()}}
	return p.do(ctx, httpx.Request{Method: http.MethodGet, URL: p.base + path + p.query, Header: h, Idempotent: true})
}

// do sends r, bounded by the timeout setting when there is one.
func (p *provider) do(ctx context.Context, r httpx.Request) (*httpx.Response, error) {
	if p.timeout <= 0 {
		return p.http.Do(ctx, r)
	}
	exchange, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	resp, err := p.http.Do(exchange, r)
	var te *tokenize.Error
	if err != nil && ctx.Err() == nil && errors.Is(exchange.Err(), context.DeadlineExceeded) && errors.As(err, &te) {
		// Only this exchange ran out of time, not the caller's context:
		// like any lost answer, it may be sent again unless it may have
		// taken effect (httpx set OutcomeUnknown for a create it sent).
		te.Retryable = !te.OutcomeUnknown
		te.Message = "no answer within the timeout setting"
	}
	return resp, err
}

// success decodes a 2xx body whose result says success into v; anything
// else is the classified error. The body is decoded once: an error answer
// under a 2xx is recognised from v's own result.
func success(resp *httpx.Response, v response) *tokenize.Error {
	if resp.Status < 200 || resp.Status > 299 {
		return classify(resp, decodeEnvelope(resp.Body))
	}
	if err := httpx.DecodeJSON(resp, v); err != nil {
		// An error answer whose other fields do not fit the success
		// shape is still an error answer.
		if env := decodeEnvelope(resp.Body); env != nil && strings.EqualFold(env.Result.Status, statusError) {
			return classify(resp, env)
		}
		return err
	}
	r := v.result()
	switch {
	case r == nil:
		return httpx.Malformed(resp, "result is missing")
	case isSuccess(r):
		return nil
	case strings.EqualFold(r.Status, statusError):
		return classify(resp, &envelope{Result: r})
	default:
		// Neither success nor error (missing, "pending", ...): the
		// outcome of a create is unknown.
		return httpx.Malformed(resp, "result.status is neither success nor error")
	}
}

// response is a decoded success shape; result is its result envelope.
type response interface{ result() *result }

func (r *paymentTokenResponse) result() *result { return r.Result }
func (r *networkTokenResponse) result() *result { return r.Result }

// The two values of result.status on the token endpoints (seeds 000, 001,
// 003: "Possible values: [success, error]").
const (
	statusSuccess = "success"
	statusError   = "error"
)

func isSuccess(r *result) bool { return r != nil && r.Status == statusSuccess }

func decodePaymentToken(resp *httpx.Response, wantID string) (*tokenize.PaymentToken, error) {
	var w paymentTokenResponse
	if err := success(resp, &w); err != nil {
		return nil, err
	}
	pt := w.PaymentToken
	if pt == nil && wantID != "" {
		for i := range w.PaymentTokens {
			if w.PaymentTokens[i].PaymentTokenID == wantID {
				pt = &w.PaymentTokens[i]
				break
			}
		}
	}
	if pt == nil {
		return nil, httpx.Malformed(resp, "paymentToken is missing")
	}
	tok, err := mapPaymentToken(pt)
	if err != nil {
		return nil, httpx.Malformed(resp, err.Error())
	}
	if wantID != "" && tok.ID != wantID {
		return nil, httpx.Malformed(resp, "the response is for another payment token")
	}
	return tok, nil
}

// decodeNetworkToken maps a provisioning or read response; wantID, when
// set, is the id that was read and must be the one answered.
func decodeNetworkToken(resp *httpx.Response, wantID string) (*tokenize.NetworkToken, error) {
	var w networkTokenResponse
	if err := success(resp, &w); err != nil {
		return nil, err
	}
	nt, err := mapNetworkToken(w.PaymentOption.NetworkToken, w.TokenRequestorID)
	if err != nil {
		return nil, httpx.Malformed(resp, err.Error())
	}
	if wantID != "" && nt.ID != wantID {
		return nil, httpx.Malformed(resp, "the response is for another network token")
	}
	if nt.State == tokenize.StateActive && nt.Number == "" {
		return nil, httpx.Malformed(resp, "an active network token has no tokenNumber")
	}
	return nt, nil
}

func decodeCryptogram(resp *httpx.Response, req *tokenize.CryptogramRequest) (*tokenize.Cryptogram, error) {
	var w networkTokenResponse
	if err := success(resp, &w); err != nil {
		return nil, err
	}
	nt, err := mapNetworkToken(w.PaymentOption.NetworkToken, w.TokenRequestorID)
	if err != nil {
		return nil, httpx.Malformed(resp, err.Error())
	}
	if nt.ID != req.NetworkTokenID {
		return nil, httpx.Malformed(resp, "the cryptogram is for another network token")
	}
	value := w.PaymentOption.NetworkToken.Cryptogram
	if value == "" {
		if nt.State != tokenize.StateActive && nt.State != tokenize.StateUnknown {
			return nil, &tokenize.Error{Code: tokenize.FailedPrecondition, HTTPStatus: resp.Status,
				Message: "the network token is " + nt.State.String()}
		}
		return nil, httpx.Malformed(resp, "cryptogram is missing")
	}
	eci := eciByScheme[nt.Scheme]
	if eci == "" {
		eci = defaultECI
	}
	return &tokenize.Cryptogram{
		NetworkTokenID:  req.NetworkTokenID,
		TransactionType: req.TransactionType,
		Value:           tokenize.Secret(value),
		ECI:             eci,
		Number:          nt.Number,
		ExpiryMonth:     nt.ExpiryMonth,
		ExpiryYear:      nt.ExpiryYear,
	}, nil
}
