package router_test

import (
	"context"
	"encoding/json"
	"fmt"
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

// sims is both simulators on loopback ports. Each keeps its own fault
// injector (per-provider faults for the router's own cases); all points
// to one more injector wrapping both, the conformance suite's Faults.
type sims struct {
	nuvei    *nuveisim.Simulator
	checkout *checkoutsim.Simulator
	nuveiSrv *simkit.Loopback
	ckoSrv   *simkit.Loopback
	all      *faults.Injector
}

func startSims(t testing.TB) *sims {
	s := &sims{nuvei: nuveisim.New(), checkout: checkoutsim.New(), all: faults.New()}
	s.nuveiSrv = simkit.Serve(s.all.Wrap(s.nuvei.Handler()))
	s.ckoSrv = simkit.Serve(s.all.Wrap(s.checkout.Handler()))
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

var (
	_ conformance.Simulator = (*sims)(nil)
	_ conformance.Issuer    = (*sims)(nil)
)
