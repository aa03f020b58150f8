package checkout

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/httpx"
)

// auth says which credential an endpoint takes.
type auth int

const (
	// authOAuth: an OAuth access token (network tokens).
	authOAuth auth = iota
	// authPublicKey: the public key (POST /tokens).
	authPublicKey
	// authSecretOrOAuth: the secret key when configured, else OAuth
	// (instruments).
	authSecretOrOAuth
)

// ACH instruments are US-only: currency and country are fixed.
const (
	achCurrency = "USD"
	achCountry  = "US"
)

// call is one API request.
type call struct {
	method     string
	path       string
	body       any
	auth       auth
	idempotent bool
	// ok lists the statuses that are success.
	ok []int
	// sensitive lists the request's secret values (card number, CVV,
	// account number, card token): an error body echoing one keeps it
	// redacted in ProviderBody.
	sensitive []string
}

// do sends c and returns a successful response, or the classified error.
// With OAuth, a 401 drops the cached access token (if it is still the one
// used) and the call is sent once more with a new token.
func (p *provider) do(ctx context.Context, c call) (*httpx.Response, error) {
	var body []byte
	if c.body != nil {
		var err error
		if body, err = json.Marshal(c.body); err != nil {
			return nil, &tokenize.Error{Code: tokenize.Internal, Message: "cannot encode request"}
		}
	}
	useOAuth := c.auth == authOAuth || (c.auth == authSecretOrOAuth && p.secretKey == "")
	var rejected *accessToken // the access token a 401 refused
	for attempt := 0; ; attempt++ {
		h := http.Header{"Accept": {"application/json"}}
		if body != nil {
			h["Content-Type"] = []string{"application/json"}
		}
		var tok *accessToken
		switch {
		case useOAuth:
			var err error
			if tok, err = p.tokens.token(ctx); err != nil {
				return nil, err
			}
			if tok == rejected {
				// The retry joined a token flight that was handing out
				// the refused token; the next flight fetches a new one.
				if tok, err = p.tokens.token(ctx); err != nil {
					return nil, err
				}
			}
			h["Authorization"] = []string{tok.bearer.Reveal()}
		case c.auth == authPublicKey:
			h.Set("Authorization", "Bearer "+p.publicKey.Reveal())
		default:
			h.Set("Authorization", "Bearer "+p.secretKey.Reveal())
		}
		resp, err := p.http.Do(ctx, httpx.Request{
			Method: c.method, URL: p.baseURL + c.path, Header: h, Body: body, Idempotent: c.idempotent, Sensitive: c.sensitive,
		})
		if err != nil {
			return nil, err
		}
		// Every error built from resp (Malformed included) carries a
		// request id that looks like one.
		resp.RequestID = safeID(resp.RequestID)
		if slices.Contains(c.ok, resp.Status) {
			return resp, nil
		}
		if resp.Status == http.StatusUnauthorized && useOAuth && attempt == 0 {
			// The token expired or was revoked early: a 401 means the
			// request was not processed, so sending it again is safe.
			p.tokens.invalidate(tok)
			rejected = tok
			continue
		}
		if resp.Status >= 200 && resp.Status < 300 {
			return nil, httpx.Malformed(resp, "unexpected success status "+strconv.Itoa(resp.Status))
		}
		e := apiError(resp)
		if resp.Status == http.StatusForbidden && tok != nil && len(tok.scopes) > 0 {
			// The usual 403 is an access token without the endpoint's
			// scope: say what it has.
			e.Message += " (the access token's scopes: " + strings.Join(tok.scopes, " ") + ")"
		}
		return nil, e
	}
}

func instrumentPath(id string) string   { return "/instruments/" + url.PathEscape(id) }
func networkTokenPath(id string) string { return "/network-tokens/" + url.PathEscape(id) }

// customerOf links an instrument to a customer: a cus_ id, or an email
// (which Checkout links or creates).
func customerOf(ref string) *customerRef {
	switch {
	case ref == "":
		return nil
	case strings.HasPrefix(ref, "cus_"):
		return &customerRef{ID: ref}
	default:
		return &customerRef{Email: ref}
	}
}

// holderOf splits a holder name into first and last names at the last
// space.
func holderOf(name string) *accountHolder {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil
	}
	if i := strings.LastIndexByte(name, ' '); i > 0 {
		return &accountHolder{FirstName: strings.TrimSpace(name[:i]), LastName: name[i+1:]}
	}
	return &accountHolder{FirstName: name}
}

// CreatePaymentToken implements tokenize.Provider. UsageIntent and
// MerchantReference have no place on a Checkout.com instrument (merchant-
// initiated use is declared on each payment) and are not sent.
func (p *provider) CreatePaymentToken(ctx context.Context, req *tokenize.CreatePaymentTokenRequest) (*tokenize.PaymentToken, error) {
	ctx, cancel := p.withTimeout(ctx)
	defer cancel()
	ins := instrumentRequest{Type: "token", Customer: customerOf(req.CustomerReference)}
	var fallback *tokenize.BankAccountDetails
	switch {
	case req.Card != nil:
		if p.publicKey == "" {
			return nil, &tokenize.Error{Code: tokenize.Unsupported, Message: "tokenizing a card needs the public_key setting"}
		}
		if p.secretKey == "" {
			// Get the access token first, so that a credential problem
			// does not waste a single-use card token.
			if _, err := p.tokens.token(ctx); err != nil {
				return nil, err
			}
		}
		tok, err := p.tokenizeCard(ctx, req.Card)
		if err != nil {
			return nil, err
		}
		ins.Token = tok
	case req.BankAccount != nil:
		b := req.BankAccount
		ins = instrumentRequest{
			Type: "ach",
			InstrumentData: &achData{
				AccountType:   b.AccountType.String(),
				AccountNumber: b.AccountNumber.Reveal(),
				BankCode:      b.RoutingNumber,
				Currency:      achCurrency,
				Country:       achCountry,
			},
			AccountHolder: holderOf(b.HolderName),
			Customer:      customerOf(req.CustomerReference),
		}
		fallback = &tokenize.BankAccountDetails{
			Last4: b.AccountNumber.Last4(), RoutingNumber: b.RoutingNumber, AccountType: b.AccountType,
		}
	default:
		ins.Token = req.TemporaryToken.Reveal()
	}
	sensitive := []string{ins.Token}
	if ins.InstrumentData != nil {
		sensitive = append(sensitive, ins.InstrumentData.AccountNumber)
	}
	resp, err := p.do(ctx, call{
		method: http.MethodPost, path: "/instruments", body: ins, auth: authSecretOrOAuth,
		// 201 new; 200 "existing instrument for customer and card details".
		ok:        []int{http.StatusCreated, http.StatusOK},
		sensitive: sensitive,
	})
	if err != nil {
		return nil, err
	}
	return decodeInstrument(resp, fallback)
}

// tokenizeCard exchanges raw card data for a single-use tok_ token.
func (p *provider) tokenizeCard(ctx context.Context, c *tokenize.Card) (string, error) {
	resp, err := p.do(ctx, call{
		method: http.MethodPost, path: "/tokens", auth: authPublicKey,
		body: cardTokenRequest{
			Type: "card", Number: c.Number.Reveal(), ExpiryMonth: c.ExpiryMonth, ExpiryYear: c.ExpiryYear,
			Name: c.HolderName, CVV: c.CVV.Reveal(),
		},
		ok:        []int{http.StatusCreated, http.StatusOK},
		sensitive: []string{c.Number.Reveal(), c.CVV.Reveal()},
	})
	if err != nil {
		return "", err
	}
	return decodeCardToken(resp)
}

// GetPaymentToken implements tokenize.Provider.
func (p *provider) GetPaymentToken(ctx context.Context, id string) (*tokenize.PaymentToken, error) {
	ctx, cancel := p.withTimeout(ctx)
	defer cancel()
	resp, err := p.do(ctx, call{method: http.MethodGet, path: instrumentPath(id), auth: authSecretOrOAuth,
		idempotent: true, ok: []int{http.StatusOK}})
	if err != nil {
		return nil, err
	}
	return decodeInstrument(resp, nil)
}

// DeletePaymentToken implements tokenize.Provider. It does not delete a
// linked network token: do that first with DeleteNetworkToken if wanted.
func (p *provider) DeletePaymentToken(ctx context.Context, id string) error {
	ctx, cancel := p.withTimeout(ctx)
	defer cancel()
	resp, err := p.do(ctx, call{method: http.MethodDelete, path: instrumentPath(id), auth: authSecretOrOAuth,
		idempotent: true, ok: []int{http.StatusNoContent, http.StatusOK}})
	if err != nil {
		return err
	}
	return checkNoContent(resp)
}

// checkNoContent accepts the answer of a delete: 204, or a 200 with an
// empty or JSON body. A 200 carrying anything else (an HTML page from a
// proxy or captive portal) does not prove the deletion happened.
func checkNoContent(resp *httpx.Response) error {
	body := bytes.TrimSpace(resp.Body)
	if resp.Status == http.StatusNoContent || len(body) == 0 {
		return nil
	}
	var v map[string]any
	if body[0] != '{' || json.Unmarshal(body, &v) != nil {
		return httpx.Malformed(resp, "delete answered with a body that is not Checkout.com JSON")
	}
	return nil
}

// ProvisionNetworkToken implements tokenize.Provider. 201 is a new token,
// 200 the source's existing token (AlreadyExisted).
func (p *provider) ProvisionNetworkToken(ctx context.Context, req *tokenize.ProvisionNetworkTokenRequest) (*tokenize.NetworkToken, error) {
	ctx, cancel := p.withTimeout(ctx)
	defer cancel()
	src := provisionSource{Type: "id", ID: req.PaymentTokenID}
	if req.Card != nil {
		c := req.Card
		src = provisionSource{Type: "card", Number: c.Number.Reveal(), ExpiryMonth: strconv.Itoa(c.ExpiryMonth),
			ExpiryYear: strconv.Itoa(c.ExpiryYear), CVV: c.CVV.Reveal()}
	}
	resp, err := p.do(ctx, call{method: http.MethodPost, path: "/network-tokens", body: provisionRequest{Source: src},
		auth: authOAuth, idempotent: true, ok: []int{http.StatusCreated, http.StatusOK},
		sensitive: []string{src.Number, src.CVV}})
	if err != nil {
		return nil, err
	}
	nt, err := decodeNetworkToken(resp)
	if err != nil {
		return nil, err
	}
	nt.AlreadyExisted = resp.Status == http.StatusOK
	nt.PaymentTokenID = req.PaymentTokenID
	return nt, nil
}

// GetNetworkToken implements tokenize.Provider.
func (p *provider) GetNetworkToken(ctx context.Context, id string) (*tokenize.NetworkToken, error) {
	ctx, cancel := p.withTimeout(ctx)
	defer cancel()
	resp, err := p.do(ctx, call{method: http.MethodGet, path: networkTokenPath(id), auth: authOAuth,
		idempotent: true, ok: []int{http.StatusOK}})
	if err != nil {
		return nil, err
	}
	return decodeNetworkToken(resp)
}

// DeleteNetworkToken implements tokenize.Provider.
func (p *provider) DeleteNetworkToken(ctx context.Context, req *tokenize.DeleteNetworkTokenRequest) error {
	ctx, cancel := p.withTimeout(ctx)
	defer cancel()
	resp, err := p.do(ctx, call{method: http.MethodPatch, path: networkTokenPath(req.ID) + "/delete",
		body: deleteNetworkTokenRequest{InitiatedBy: req.InitiatedBy.String(), Reason: req.Reason.String()},
		auth: authOAuth, idempotent: true, ok: []int{http.StatusNoContent, http.StatusOK}})
	if err != nil {
		return err
	}
	return checkNoContent(resp)
}

// RequestCryptogram implements tokenize.Provider. A new cryptogram creates
// nothing that a repeat could duplicate, so the request is idempotent.
func (p *provider) RequestCryptogram(ctx context.Context, req *tokenize.CryptogramRequest) (*tokenize.Cryptogram, error) {
	ctx, cancel := p.withTimeout(ctx)
	defer cancel()
	resp, err := p.do(ctx, call{method: http.MethodPost, path: networkTokenPath(req.NetworkTokenID) + "/cryptograms",
		body: cryptogramRequest{TransactionType: req.TransactionType.String()}, auth: authOAuth,
		idempotent: true, ok: []int{http.StatusCreated, http.StatusOK}})
	if err != nil {
		return nil, err
	}
	return decodeCryptogram(resp, req.NetworkTokenID, req.TransactionType)
}
