// Package worldpay is the tokenize adapter for the Access Worldpay Tokens
// API v3. A blank import registers it under the name "worldpay":
//
//	import _ "github.com/tokenize-go/tokenize/providers/worldpay"
//
//	c, err := tokenize.Open(ctx, tokenize.Config{Provider: "worldpay", Settings: settings})
//
// Payment tokens are Worldpay tokens (POST /tokens with card/front card
// details; the token's id is the last segment of its href). Network
// tokens are provisioned with POST /tokens/network from a card (card/front)
// or from a Worldpay token (card/tokenized with its href), read by their
// token reference, deleted, and give cryptograms through the
// tokens:networkTokenCryptogram link of a read token, which takes the
// token number.
//
// Every request carries HTTP Basic credentials and the versioned HAL media
// type application/vnd.worldpay.tokens-v3.hal+json (Accept, and
// Content-Type with a body). Answers carry _links: the adapter follows the
// links an answer gives when they point at the configured host, and never
// a link to any other host.
//
// # Pending provisioning
//
// For Mastercard, Worldpay may answer a provisioning before the token
// number exists: the answer has a token reference and a
// tokens:networkTokenLookup link but no tokenPaymentInstrument, and the
// documented rule is to read the lookup link for up to five minutes. The
// adapter returns such a token in tokenize.StateRequested and declares
// Capabilities.ProvisionMayBePending; finish it with
// tokenize.Client.AwaitNetworkToken, or let SyncNetworkTokens report the
// change.
//
// # Settings
//
//	{
//	  "environment":     "try",                  // or "live"; default try
//	  "username":        "${WORLDPAY_USERNAME}",  // required: Basic auth username
//	  "password":        "${WORLDPAY_PASSWORD}",  // required: Basic auth password
//	  "merchant_entity": "default",              // optional: merchant.entity of every request
//	  "base_url":        "https://...",          // optional override (simulators, proxies)
//	  "allow_insecure_http": false,              // plain http to non-loopback hosts
//	  "timeout":         "30s"                   // optional per-operation time limit
//	}
//
// See docs/worldpay-api.md in the repository for what the adapter is
// built on, what Worldpay's public reference leaves open, and the choices
// made there.
package worldpay

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/httpx"
)

// Name is the name the adapter registers under.
const Name = "worldpay"

// MediaType is the versioned HAL media type of the Tokens API v3, sent as
// Accept on every request and as Content-Type with every body.
const MediaType = "application/vnd.worldpay.tokens-v3.hal+json"

// requestIDHeader is the response header the adapter reports as the
// request id. The Tokens pages document none; Access Worldpay's API
// principles name WP-CorrelationId as the id of a request between the
// caller, the API and downstream services.
const requestIDHeader = "WP-CorrelationId"

func init() { tokenize.Register(Name, open) }

// provider implements tokenize.Provider for Access Worldpay.
type provider struct {
	http    *httpx.Client
	base    string
	auth    string // "Basic " + base64(username:password)
	entity  string
	timeout time.Duration
}

// capabilities is what the Tokens API offers. Cards only: no bank
// accounts; no client-side temporary tokens in the Tokens API. The
// cryptogram request carries no transaction type, so only e-commerce is
// declared. Provisioning is not declared idempotent: nothing documents
// that a second request returns the first token.
func capabilities() tokenize.Capabilities {
	return tokenize.Capabilities{
		Operations:                tokenize.Operations(),
		PaymentMethods:            []tokenize.PaymentMethodKind{tokenize.KindCard},
		ProvisionFromPaymentToken: true,
		ProvisionFromCard:         true,
		TransactionTypes:          []tokenize.TransactionType{tokenize.ECommerce},
		// "All sub-fields are mandatory with the exception of
		// billingAddress": a token needs the cardholder name.
		RequiredFields:        []string{tokenize.FieldCardHolderName},
		ProvisionMayBePending: true,
	}
}

// Name implements tokenize.Provider.
func (p *provider) Name() string { return Name }

// Capabilities implements tokenize.Provider.
func (p *provider) Capabilities() tokenize.Capabilities { return capabilities() }

// Format prints the provider without its credentials, whatever the verb:
// fmt would otherwise reach the Authorization value by reflection.
func (p *provider) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "worldpay.provider{base_url: %s, merchant_entity: %s}", p.base, p.entity)
}

func basicAuth(username, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(username+":"+password))
}

// request is one exchange with the API.
type request struct {
	method string
	url    string // absolute: the base URL plus a path, or a followed link
	body   any
	// idempotent: repeating it cannot create anything twice.
	idempotent bool
	// ok lists the statuses that are success.
	ok []int
	// sensitive lists the request's secret values (card number, DPAN):
	// an error body echoing one keeps it redacted.
	sensitive []string
}

// do sends r, bounded by the timeout setting, and returns a successful
// response or the classified error.
func (p *provider) do(ctx context.Context, r request) (*httpx.Response, error) {
	var body []byte
	h := http.Header{"Accept": {MediaType}, "Authorization": {p.auth}}
	if r.body != nil {
		var err error
		if body, err = json.Marshal(r.body); err != nil {
			return nil, &tokenize.Error{Code: tokenize.Internal, Message: "cannot encode request"}
		}
		h["Content-Type"] = []string{MediaType}
	}
	if p.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.timeout)
		defer cancel()
	}
	resp, err := p.http.Do(ctx, httpx.Request{Method: r.method, URL: r.url, Header: h, Body: body,
		Idempotent: r.idempotent, Sensitive: r.sensitive})
	if err != nil {
		return nil, err
	}
	for _, s := range r.ok {
		if resp.Status == s {
			return resp, nil
		}
	}
	if resp.Status >= 200 && resp.Status < 300 {
		return nil, httpx.Malformed(resp, fmt.Sprintf("unexpected success status %d", resp.Status))
	}
	return nil, apiError(resp)
}
