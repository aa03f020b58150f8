package worldpay

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/httpx"
)

// Success statuses. The stored reference shows none for creating a token or
// provisioning a network token; a new resource is a 201, and a
// third-party summary reports 200 for provisioning, so both are accepted.
var (
	createOK    = []int{http.StatusCreated, http.StatusOK}
	provisionOK = []int{http.StatusOK, http.StatusCreated}
	readOK      = []int{http.StatusOK}
	deleteOK    = []int{http.StatusNoContent, http.StatusOK}
	// cryptogramOK: the reference's example answers 200.
	cryptogramOK = []int{http.StatusOK, http.StatusCreated}
)

func (p *provider) tokenURL(id string) string { return p.base + pathTokens + "/" + url.PathEscape(id) }
func (p *provider) networkTokenURL(id string) string {
	return p.base + pathNetworkTokens + "/" + url.PathEscape(id)
}

// front is the card/front instrument of card.
func front(c *tokenize.Card) cardFront {
	return cardFront{Type: typeCardFront, CardHolderName: c.HolderName, CardNumber: c.Number.Reveal(),
		CardExpiryDate: expiry{Month: c.ExpiryMonth, Year: c.ExpiryYear}}
}

// CreatePaymentToken implements tokenize.Provider: POST /tokens with the
// card. CustomerReference is the token's namespace (a shopper's tokens),
// MerchantReference its description. UsageIntent has no place on a
// Worldpay token and the CVV is never stored, so neither is sent.
func (p *provider) CreatePaymentToken(ctx context.Context, req *tokenize.CreatePaymentTokenRequest) (*tokenize.PaymentToken, error) {
	if req.Card == nil {
		return nil, &tokenize.Error{Code: tokenize.Unsupported, Field: tokenize.FieldPaymentMethod,
			Message: "the Worldpay Tokens API tokenizes cards only"}
	}
	if err := checkTokenText(req); err != nil {
		return nil, err
	}
	body := createTokenRequest{
		Description:       req.MerchantReference,
		PaymentInstrument: front(req.Card),
		Namespace:         req.CustomerReference,
		Merchant:          merchant{Entity: p.entity},
	}
	resp, err := p.do(ctx, request{method: http.MethodPost, url: p.base + pathTokens, body: body, ok: createOK,
		sensitive: []string{req.Card.Number.Reveal()}})
	if err != nil {
		return nil, err
	}
	return decodeToken(resp, "")
}

// Limits of the token's free text (the Tokens API v3 reference): namespace
// is 1 to 64 characters, description matches ^[^&<]*$. The Client allows a
// longer CustomerReference (other providers take 255), so they are checked
// here, before anything is sent.
const (
	maxNamespace         = 64
	descriptionForbidden = "&<"
)

// checkTokenText refuses a CustomerReference or MerchantReference that
// Worldpay's namespace or description cannot hold, naming the field.
func checkTokenText(req *tokenize.CreatePaymentTokenRequest) error {
	if utf8.RuneCountInString(req.CustomerReference) > maxNamespace {
		return &tokenize.Error{Code: tokenize.InvalidArgument, Field: tokenize.FieldCustomerReference,
			Message: "Worldpay's namespace holds at most 64 characters"}
	}
	if strings.ContainsAny(req.MerchantReference, descriptionForbidden) {
		return &tokenize.Error{Code: tokenize.InvalidArgument, Field: tokenize.FieldMerchantReference,
			Message: `Worldpay's description must not contain "&" or "<"`}
	}
	return nil
}

// GetPaymentToken implements tokenize.Provider: GET /tokens/{id}.
func (p *provider) GetPaymentToken(ctx context.Context, id string) (*tokenize.PaymentToken, error) {
	resp, err := p.do(ctx, request{method: http.MethodGet, url: p.tokenURL(id), idempotent: true, ok: readOK})
	if err != nil {
		return nil, err
	}
	return decodeToken(resp, id)
}

// DeletePaymentToken implements tokenize.Provider: DELETE /tokens/{id}. A
// network token provisioned from it is not deleted with it.
func (p *provider) DeletePaymentToken(ctx context.Context, id string) error {
	resp, err := p.do(ctx, request{method: http.MethodDelete, url: p.tokenURL(id), idempotent: true, ok: deleteOK})
	if err != nil {
		return err
	}
	return checkDeleted(resp)
}

// checkDeleted accepts the answer of a delete: 204, or a 200 with an empty
// or JSON object body. A 200 carrying anything else (a proxy's HTML page)
// does not prove the deletion happened.
func checkDeleted(resp *httpx.Response) error {
	if resp.Status == http.StatusNoContent || len(resp.Body) == 0 {
		return nil
	}
	var v map[string]any
	if err := httpx.DecodeJSON(resp, &v); err != nil {
		return err
	}
	return nil
}

// ProvisionNetworkToken implements tokenize.Provider: POST /tokens/network
// with card/front, or card/tokenized with the href of a Worldpay token. An
// answer without tokenPaymentInstrument is a token the scheme has not
// issued yet: StateRequested (see the package overview).
func (p *provider) ProvisionNetworkToken(ctx context.Context, req *tokenize.ProvisionNetworkTokenRequest) (*tokenize.NetworkToken, error) {
	body := provisionRequest{Merchant: merchant{Entity: p.entity}}
	var sensitive []string
	if c := req.Card; c != nil {
		if c.HolderName == "" {
			// "Card holder name must be supplied" (network token errors):
			// refused here rather than sending a card number Worldpay rejects.
			return nil, &tokenize.Error{Code: tokenize.InvalidArgument, Field: tokenize.FieldCardHolderName,
				Message: "Worldpay requires the cardholder name to provision a network token from a card"}
		}
		body.PaymentInstrument = front(c)
		sensitive = []string{c.Number.Reveal()}
	} else {
		body.PaymentInstrument = cardTokenized{Type: typeCardTokenized, Href: p.tokenURL(req.PaymentTokenID)}
	}
	resp, err := p.do(ctx, request{method: http.MethodPost, url: p.base + pathNetworkTokens, body: body,
		ok: provisionOK, sensitive: sensitive})
	if err != nil {
		return nil, err
	}
	nt, _, err := decodeNetworkToken(resp, "")
	if err != nil {
		return nil, err
	}
	nt.PaymentTokenID = req.PaymentTokenID
	return nt, nil
}

// GetNetworkToken implements tokenize.Provider: the lookup, GET
// /tokens/network/{tokenReference}, the address of the
// tokens:networkTokenLookup link.
func (p *provider) GetNetworkToken(ctx context.Context, id string) (*tokenize.NetworkToken, error) {
	nt, _, err := p.lookup(ctx, id)
	return nt, err
}

func (p *provider) lookup(ctx context.Context, id string) (*tokenize.NetworkToken, *networkTokenResponse, error) {
	resp, err := p.do(ctx, request{method: http.MethodGet, url: p.networkTokenURL(id), idempotent: true, ok: readOK})
	if err != nil {
		return nil, nil, err
	}
	return decodeNetworkToken(resp, id)
}

// DeleteNetworkToken implements tokenize.Provider: DELETE
// /tokens/network/{tokenReference}. Worldpay's delete takes no initiator
// or reason, so they are not sent.
func (p *provider) DeleteNetworkToken(ctx context.Context, req *tokenize.DeleteNetworkTokenRequest) error {
	resp, err := p.do(ctx, request{method: http.MethodDelete, url: p.networkTokenURL(req.ID), idempotent: true, ok: deleteOK})
	if err != nil {
		return err
	}
	return checkDeleted(resp)
}

// RequestCryptogram implements tokenize.Provider. The cryptogram endpoint
// takes the token number, which a caller holding only the token reference
// does not have: the adapter reads the token, then posts its tokenNumber
// to the tokens:networkTokenCryptogram link the read gave (when it points
// at the configured API; the documented path otherwise). A token that is
// not active is refused before its number is sent anywhere. Asking again
// only yields another cryptogram, so the request is safe to repeat.
func (p *provider) RequestCryptogram(ctx context.Context, req *tokenize.CryptogramRequest) (*tokenize.Cryptogram, error) {
	if req.TransactionType != tokenize.ECommerce {
		return nil, &tokenize.Error{Code: tokenize.Unsupported, Field: tokenize.FieldTransactionType,
			Message: "Worldpay does not support transaction type " + req.TransactionType.String() + " (supported: ecom)"}
	}
	nt, w, err := p.lookup(ctx, req.NetworkTokenID)
	if err != nil {
		return nil, err
	}
	if nt.State != tokenize.StateActive {
		return nil, &tokenize.Error{Code: tokenize.FailedPrecondition,
			Message: "the network token is " + nt.State.String() + ": no cryptogram until it is active"}
	}
	target := onBase(p.base, w.Links.Cryptogram.href())
	if target == "" {
		target = p.base + pathNetworkCryptograms
	}
	dpan := nt.Number.Reveal()
	resp, err := p.do(ctx, request{method: http.MethodPost, url: target, body: cryptogramRequest{TokenNumber: dpan},
		idempotent: true, ok: cryptogramOK, sensitive: []string{dpan}})
	if err != nil {
		return nil, err
	}
	return decodeCryptogram(resp, nt, req.TransactionType)
}
