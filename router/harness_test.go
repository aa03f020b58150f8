package router_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/conformance"
	"github.com/tokenize-go/tokenize/faults"
	"github.com/tokenize-go/tokenize/internal/simkit"
	_ "github.com/tokenize-go/tokenize/providers/checkout"
	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
	_ "github.com/tokenize-go/tokenize/providers/nuvei"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
	"github.com/tokenize-go/tokenize/router"
)

// sims is both simulators on loopback ports. all is the injector wrapping
// both, the conformance suite's Faults; nuveiFaults and ckoFaults wrap one
// each, for the router's own cases. Inside them, nuveiCreates and
// ckoCreates count the creates that took effect at each simulator: a
// fault that loses the answer after the simulator acted (AfterHandler)
// still counts, one that stops the request before it does not.
type sims struct {
	nuvei        *nuveisim.Simulator
	checkout     *checkoutsim.Simulator
	nuveiSrv     *simkit.Loopback
	ckoSrv       *simkit.Loopback
	all          *faults.Injector
	nuveiFaults  *faults.Injector
	ckoFaults    *faults.Injector
	nuveiCreates *effects
	ckoCreates   *effects
}

func startSims(t testing.TB) *sims {
	s := &sims{nuvei: nuveisim.New(), checkout: checkoutsim.New(), all: faults.New(),
		nuveiFaults: faults.New(), ckoFaults: faults.New(), nuveiCreates: &effects{}, ckoCreates: &effects{}}
	s.nuveiSrv = simkit.Serve(s.all.Wrap(s.nuveiFaults.Wrap(s.nuveiCreates.wrap(s.nuvei.Handler()))))
	s.ckoSrv = simkit.Serve(s.all.Wrap(s.ckoFaults.Wrap(s.ckoCreates.wrap(s.checkout.Handler()))))
	t.Cleanup(func() {
		s.nuveiSrv.Close()
		s.ckoSrv.Close()
		s.checkout.Close()
	})
	return s
}

// config is the router form of a configuration over both simulators;
// routing is the "router" object.
func (s *sims) config(t testing.TB, routing string) tokenize.Config {
	return s.configWith(t, routing, s.nuvei.SettingsAt(s.nuveiSrv.URL), s.checkout.SettingsAt(s.ckoSrv.URL))
}

func (s *sims) configWith(t testing.TB, routing string, nuvei, checkout json.RawMessage) tokenize.Config {
	doc := fmt.Sprintf(`{"router": %s, "providers": {"nuvei": %s, "checkout": %s}}`, routing, nuvei, checkout)
	cfg, err := tokenize.ParseConfig([]byte(doc), func(string) (string, bool) { return "", false })
	require.NoError(t, err)
	return cfg
}

func (s *sims) badConfig(t testing.TB, routing string) tokenize.Config {
	var n, c map[string]any
	require.NoError(t, json.Unmarshal(s.nuvei.SettingsAt(s.nuveiSrv.URL), &n))
	require.NoError(t, json.Unmarshal(s.checkout.SettingsAt(s.ckoSrv.URL), &c))
	n["api_key"], c["client_secret"] = "wrong-key", "wrong-secret"
	nb, _ := json.Marshal(n)
	cb, _ := json.Marshal(c)
	return s.configWith(t, routing, nb, cb)
}

func (s *sims) secrets() []string {
	return []string{s.nuvei.APIKey(), checkoutsim.ClientSecret, checkoutsim.SecretKey, checkoutsim.PublicKey}
}

// open returns a Client over a Router routed by routing, and the Router.
func (s *sims) open(t testing.TB, routing string, opts ...tokenize.Option) (*tokenize.Client, *router.Router) {
	r, err := router.Open(context.Background(), s.config(t, routing), tokenize.OpenOptions{})
	require.NoError(t, err)
	return tokenize.New(r, opts...), r
}

// Requests, Faults, SetNetworkTokenState and Connections make sims the
// suite's Simulator; the issuer methods its Issuer. A token is found at
// the simulator its reference names.
func (s *sims) Requests() int64          { return s.nuvei.Requests() + s.checkout.Requests() }
func (s *sims) Faults() *faults.Injector { return s.all }
func (s *sims) Connections() int64       { return s.nuveiSrv.Connections() + s.ckoSrv.Connections() }

func (s *sims) SetNetworkTokenState(id string, st tokenize.NetworkTokenState) error {
	return s.at(id, func(n conformance.Issuer, bare string) error { return n.SetNetworkTokenState(bare, st) })
}

func (s *sims) SetNetworkTokenExpiry(id string, month, year int) error {
	return s.at(id, func(n conformance.Issuer, bare string) error { return n.SetNetworkTokenExpiry(bare, month, year) })
}

func (s *sims) ReissueCard(id, last4 string, month, year int) error {
	return s.at(id, func(n conformance.Issuer, bare string) error { return n.ReissueCard(bare, last4, month, year) })
}

func (s *sims) at(id string, fn func(conformance.Issuer, string) error) error {
	ref, err := tokenize.ParseRef(id)
	if err != nil {
		return err
	}
	switch ref.Provider {
	case "nuvei":
		return fn(s.nuvei, ref.ID)
	case "checkout":
		return fn(s.checkout, ref.ID)
	}
	return fmt.Errorf("no simulator for %q", ref.Provider)
}

// NetworkTokensByCard counts the network tokens both simulators made per
// card, for the suite's Backfill cases: a card with a token at each
// provider is a duplicate too.
func (s *sims) NetworkTokensByCard() map[string]int {
	out := s.nuvei.NetworkTokensByCard()
	for card, n := range s.checkout.NetworkTokensByCard() {
		out[card] += n
	}
	return out
}

var (
	_ conformance.Simulator        = (*sims)(nil)
	_ conformance.Issuer           = (*sims)(nil)
	_ conformance.ProvisionCounter = (*sims)(nil)
)

// effects counts the creates a simulator carried out: POSTs to its create
// paths answered with a 2xx.
type effects struct{ n atomic.Int64 }

func (e *effects) count() int64 { return e.n.Load() }

func (e *effects) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		create := r.Method == http.MethodPost &&
			(r.URL.Path == "/payment-tokens" || r.URL.Path == "/instruments" || r.URL.Path == "/network-tokens")
		if create && sw.status/100 == 2 {
			e.n.Add(1)
		}
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// The webhook controls are Checkout.com's: Nuvei pushes nothing.
func (s *sims) SendWebhooksTo(url string)              { s.checkout.SendWebhooksTo(url) }
func (s *sims) DuplicateWebhooks(on bool)              { s.checkout.DuplicateWebhooks(on) }
func (s *sims) HoldWebhooks()                          { s.checkout.HoldWebhooks() }
func (s *sims) ReleaseWebhooks(newestFirst bool)       { s.checkout.ReleaseWebhooks(newestFirst) }
func (s *sims) WaitWebhooks(ctx context.Context) error { return s.checkout.WaitWebhooks(ctx) }
func (s *sims) WebhookAttempts() int64                 { return s.checkout.WebhookAttempts() }

var _ conformance.WebhookSender = (*sims)(nil)
