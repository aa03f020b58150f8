package nuveisim

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"

	"github.com/tokenize-go/tokenize/internal/simkit"
)

// routes mounts the API on the kit.
func (s *Simulator) routes() {
	s.kit.Handle("POST /payment-tokens", post(s, s.createPaymentToken))
	s.kit.Handle("GET /payment-tokens/{id}", s.get(s.getPaymentToken))
	s.kit.Handle("POST /temporary-payment-tokens", post(s, s.createTemporaryToken))
	s.kit.Handle("POST /network-tokens", post(s, s.provision))
	s.kit.Handle("GET /network-tokens/{id}", s.get(s.getNetworkToken))
	s.kit.Handle("POST /network-tokens/cryptograms", post(s, s.cryptogram))
	s.kit.Handle("GET /buyers/{buyer}/payment-tokens", s.get(s.buyerTokens))
}

// auth answers 401 to a request without the simulator's x-api-key.
func (s *Simulator) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("x-api-key") != s.apiKey {
			fail(w, errUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// An endpoint answers a request with a status and a body, or with an error
// (a documented *apiError).
type endpoint func(r *http.Request) (status int, body any, err error)

// serve writes an endpoint's answer.
func serve(e endpoint) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		status, body, err := e(r)
		if err != nil {
			fail(w, err)
			return
		}
		writeJSON(w, status, body)
	})
}

// post is every POST handler's common part: it decodes the JSON body into
// a new request R (any request embedding envelope), checks its
// processingEntityId, and hands it to op.
func post[R any, P interface {
	*R
	base() *envelope
}](s *Simulator, op func(P) (int, any, error)) http.Handler {
	return serve(func(r *http.Request) (int, any, error) {
		req := P(new(R))
		if err := simkit.DecodeJSON(r, req); err != nil {
			return 0, nil, errMalformed
		}
		if err := s.checkEntity(req.base().ProcessingEntityID); err != nil {
			return 0, nil, err
		}
		return op(req)
	})
}

// get is every GET handler's common part: it checks the processing entity
// of the query before op.
func (s *Simulator) get(op endpoint) http.Handler {
	return serve(func(r *http.Request) (int, any, error) {
		if err := s.queryEntity(r); err != nil {
			return 0, nil, err
		}
		return op(r)
	})
}

// --- payment tokens ----------------------------------------------------

func (s *Simulator) createPaymentToken(req *createRequest) (int, any, error) {
	if err := req.check(); err != nil {
		return 0, nil, err
	}
	po := req.PaymentOption
	tok := &paymentToken{
		id: s.rand.UUID(), buyerID: str(req.BuyerID), merchRef: str(req.MerchantReference),
		usageIntent: str(req.UsageIntent), processingEntityID: req.ProcessingEntityID,
	}
	switch {
	case po.Card != nil:
		c, err := checkCard("paymentOption.card", po.Card, 1, false)
		if err != nil {
			return 0, nil, err
		}
		tok.card = c
	case po.AlternativePaymentMethod != nil:
		if err := checkAPM(req, tok); err != nil {
			return 0, nil, err
		}
	default:
		id := po.TemporaryPaymentToken.PaymentTokenID
		if id == nil {
			return 0, nil, notNull("paymentOption.temporaryPaymentToken.paymentTokenId")
		}
		if tok.card = s.store.takeTemp(*id); tok.card == nil {
			return 0, nil, invalid("[paymentOption.temporaryPaymentToken.paymentTokenId] is not a valid temporary payment token")
		}
	}
	s.store.putToken(tok)
	return http.StatusCreated, map[string]any{"paymentToken": tok.wire(false), "result": okResult}, nil
}

func (s *Simulator) getPaymentToken(r *http.Request) (int, any, error) {
	tok := s.store.tokenWire(r.PathValue("id"))
	if tok == nil {
		return 0, nil, errNotFound("Payment token")
	}
	return http.StatusOK, map[string]any{"paymentToken": tok, "result": okResult}, nil
}

func (s *Simulator) buyerTokens(r *http.Request) (int, any, error) {
	return http.StatusOK, map[string]any{"paymentTokens": s.store.buyerTokens(r.PathValue("buyer")), "result": okResult}, nil
}

func (s *Simulator) createTemporaryToken(req *tempRequest) (int, any, error) {
	rc, err := req.card()
	if err != nil {
		return 0, nil, err
	}
	c, err := checkCard("paymentOption.card", rc, 1, false)
	if err != nil {
		return 0, nil, err
	}
	id := s.rand.UUID()
	s.store.putTemp(id, c)
	return http.StatusCreated, map[string]any{
		"temporaryPaymentToken": map[string]any{"paymentTokenId": id, "paymentOption": map[string]any{"card": maskedCard(c)}},
		"result":                okResult,
	}, nil
}

// --- network tokens ------------------------------------------------------

func (s *Simulator) provision(req *provisionRequest) (int, any, error) {
	if err := checkLen("merchantReference", str(req.MerchantReference), 0, 50); err != nil {
		return 0, nil, err
	}
	rc, err := req.card()
	if err != nil {
		return 0, nil, err
	}
	c, err := checkCard("paymentOption.card", rc, 6, true)
	if err != nil {
		return 0, nil, err
	}
	nt := &networkToken{paymentTokenID: s.rand.UUID(), card: c, provisionedFrom: c.number, merchRef: str(req.MerchantReference), par: par(c.number)}
	s.provisionOutcome(nt)
	if nt.number != "" {
		exp := s.now().AddDate(3, 0, 0)
		nt.month, nt.year = fmt.Sprintf("%02d", int(exp.Month())), strconv.Itoa(exp.Year())
	}
	// Provisioning stores the card as a payment token too: the network
	// token is known by that paymentTokenId.
	pt := &paymentToken{id: nt.paymentTokenID, card: c, merchRef: nt.merchRef, processingEntityID: req.ProcessingEntityID}
	return http.StatusCreated, s.store.putNetwork(pt, nt), nil
}

func (s *Simulator) getNetworkToken(r *http.Request) (int, any, error) {
	var out map[string]any
	if !s.store.withNetwork(r.PathValue("id"), func(nt *networkToken) { out = nt.wire("") }) {
		// Nuvei lists no 404 for this endpoint; an unknown id is answered
		// like GET /payment-tokens/{id}.
		return 0, nil, errNotFound("Network token")
	}
	return http.StatusOK, out, nil
}

func (s *Simulator) cryptogram(req *cryptogramRequest) (int, any, error) {
	if req.PaymentOption == nil {
		return 0, nil, notNull("paymentOption")
	}
	ref := req.PaymentOption.PaymentToken
	if ref == nil {
		return 0, nil, notNull("paymentOption.paymentToken")
	}
	if ref.PaymentTokenID == nil {
		return 0, nil, notNull("paymentOption.paymentToken.paymentTokenId")
	}
	if _, err := req.transactionType(); err != nil {
		return 0, nil, err
	}
	var out map[string]any
	found := s.store.withNetwork(*ref.PaymentTokenID, func(nt *networkToken) {
		if nt.status == "ACTIVE" {
			out = nt.wire(s.newCryptogram())
		}
	})
	switch {
	case !found:
		// Seed 000 lists no 404; an unknown token is answered like an
		// unknown id on the GET endpoints.
		return 0, nil, errNotFound("Network token")
	case out == nil:
		return 0, nil, errNotActive
	}
	return http.StatusCreated, out, nil
}

// newCryptogram is a TAVV-sized value: 20 random bytes, base64.
func (s *Simulator) newCryptogram() string {
	return base64.StdEncoding.EncodeToString(s.rand.Bytes(20))
}
