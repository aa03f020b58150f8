package router_test

import (
	"context"
	"slices"

	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
	"github.com/tokenize-go/tokenize/router"
)

// BenchmarkOverhead measures what the router adds to a call, paired: every
// iteration makes the same call through a direct Client and through a
// Client over a router holding both simulators (alternating which goes
// first), against the same simulator, and reports both times and their
// ratio. Pairing inside one iteration cancels the drift of a shared
// machine's load that separate benchmarks would each absorb differently.
//
//	go test -run '^$' -bench Overhead -benchtime 5000x -count 3 ./router
func BenchmarkOverhead(b *testing.B) {
	for _, p := range []struct {
		name    string
		routing string
		card    string
	}{
		{"checkout", `{"default": "checkout"}`, checkoutsim.VisaPAN},
		{"nuvei", `{"default": "nuvei"}`, nuveisim.VisaPAN},
	} {
		b.Run(p.name, func(b *testing.B) {
			s := startSims(b)
			ctx := context.Background()
			direct, err := tokenize.Open(ctx, tokenize.Config{Provider: p.name, Settings: s.settings(p.name)})
			require.NoError(b, err)
			routed, _ := s.open(b, p.routing)
			card := tokenize.Card{Number: tokenize.PAN(p.card), ExpiryMonth: 12, ExpiryYear: 2031, CVV: "123"}
			// The provider's own capability: the router declares the union.
			fromPT := direct.Capabilities().ProvisionFromPaymentToken

			// Tokens each Client made, for the reads.
			pt := map[*tokenize.Client]*tokenize.PaymentToken{}
			nt := map[*tokenize.Client]*tokenize.NetworkToken{}
			for _, c := range []*tokenize.Client{direct, routed} {
				tok, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: &card})
				require.NoError(b, err)
				pt[c] = tok
				n, err := c.ProvisionNetworkToken(ctx, provisionReq(fromPT, tok, &card))
				require.NoError(b, err)
				nt[c] = n
			}
			ops := []struct {
				name string
				call func(c *tokenize.Client) error
			}{
				{"CreatePaymentToken", func(c *tokenize.Client) error {
					_, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: &card})
					return err
				}},
				{"GetPaymentToken", func(c *tokenize.Client) error { _, err := c.GetPaymentToken(ctx, pt[c].ID); return err }},
				{"ProvisionNetworkToken", func(c *tokenize.Client) error {
					_, err := c.ProvisionNetworkToken(ctx, provisionReq(fromPT, pt[c], &card))
					return err
				}},
				{"GetNetworkToken", func(c *tokenize.Client) error { _, err := c.GetNetworkToken(ctx, nt[c].ID); return err }},
				{"RequestCryptogram", func(c *tokenize.Client) error {
					_, err := c.RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: nt[c].ID, TransactionType: tokenize.ECommerce})
					return err
				}},
			}
			for _, op := range ops {
				b.Run(op.name, func(b *testing.B) {
					var dDirect, dRouted []time.Duration
					timed := func(c *tokenize.Client, into *[]time.Duration) {
						start := time.Now()
						if err := op.call(c); err != nil {
							b.Fatal(err)
						}
						*into = append(*into, time.Since(start))
					}
					for i := 0; b.Loop(); i++ {
						if i%2 == 0 {
							timed(direct, &dDirect)
							timed(routed, &dRouted)
						} else {
							timed(routed, &dRouted)
							timed(direct, &dDirect)
						}
					}
					// Medians: a garbage collection or another process's
					// burst lands on a few calls of either side and would
					// move a mean by more than the 2 % being measured.
					md, mr := median(dDirect), median(dRouted)
					b.ReportMetric(float64(md.Nanoseconds()), "direct-median-ns")
					b.ReportMetric(float64(mr.Nanoseconds()), "router-median-ns")
					b.ReportMetric(100*(float64(mr)/float64(md)-1), "overhead-%")
				})
			}
		})
	}
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func provisionReq(fromPT bool, tok *tokenize.PaymentToken, card *tokenize.Card) tokenize.ProvisionNetworkTokenRequest {
	if fromPT {
		return tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: tok.ID}
	}
	return tokenize.ProvisionNetworkTokenRequest{Card: card}
}

// BenchmarkInProcess measures the router's own cost, with no network: a
// Client over an in-memory provider, and a Client over a router holding
// it. The difference is what routing, reference parsing and the inner
// Client add per call.
func BenchmarkInProcess(b *testing.B) {
	ctx := context.Background()
	mem := memProvider{}
	r, err := router.New(router.Config{Default: router.Names{"mem"}}, mem)
	require.NoError(b, err)
	card := tokenize.Card{Number: checkoutsim.VisaPAN, ExpiryMonth: 12, ExpiryYear: 2031, CVV: "123"}
	for _, c := range []struct {
		name   string
		client *tokenize.Client
		id     string
	}{{"direct", tokenize.New(mem), "pt_1"}, {"router", tokenize.New(r), "mem:pt_1"}} {
		b.Run("CreatePaymentToken/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.client.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: &card}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("GetPaymentToken/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.client.GetPaymentToken(ctx, c.id); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// memProvider answers every call at once from memory.
type memProvider struct{}

func (memProvider) Name() string { return "mem" }
func (memProvider) Capabilities() tokenize.Capabilities {
	return tokenize.Capabilities{Operations: tokenize.Operations(), PaymentMethods: []tokenize.PaymentMethodKind{tokenize.KindCard},
		ProvisionFromPaymentToken: true, TransactionTypes: []tokenize.TransactionType{tokenize.ECommerce}}
}
func (memProvider) CreatePaymentToken(context.Context, *tokenize.CreatePaymentTokenRequest) (*tokenize.PaymentToken, error) {
	return &tokenize.PaymentToken{ID: "pt_1", Kind: tokenize.KindCard}, nil
}
func (memProvider) GetPaymentToken(_ context.Context, id string) (*tokenize.PaymentToken, error) {
	return &tokenize.PaymentToken{ID: id, Kind: tokenize.KindCard}, nil
}
func (memProvider) DeletePaymentToken(context.Context, string) error { return nil }
func (memProvider) ProvisionNetworkToken(context.Context, *tokenize.ProvisionNetworkTokenRequest) (*tokenize.NetworkToken, error) {
	return &tokenize.NetworkToken{ID: "nt_1", State: tokenize.StateActive}, nil
}
func (memProvider) GetNetworkToken(_ context.Context, id string) (*tokenize.NetworkToken, error) {
	return &tokenize.NetworkToken{ID: id, State: tokenize.StateActive}, nil
}
func (memProvider) DeleteNetworkToken(context.Context, *tokenize.DeleteNetworkTokenRequest) error {
	return nil
}
func (memProvider) RequestCryptogram(_ context.Context, req *tokenize.CryptogramRequest) (*tokenize.Cryptogram, error) {
	return &tokenize.Cryptogram{NetworkTokenID: req.NetworkTokenID, Value: "x", ECI: "07"}, nil
}

func (s *sims) settings(name string) []byte {
	if name == "nuvei" {
		return s.nuvei.SettingsAt(s.nuveiSrv.URL)
	}
	return s.checkout.SettingsAt(s.ckoSrv.URL)
}
