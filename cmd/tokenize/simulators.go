package main

import (
	"encoding/json"
	"net/http"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/simkit"
	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
)

// simulators is every simulator "tokenize sim" can serve, in the order it
// starts them. Adding a provider's simulator is adding its line here.
var simulators = []simulatorEntry{
	{name: "nuvei", start: startNuvei},
	{name: "checkout", start: startCheckout},
}

// simulatorEntry names a simulator and starts one.
type simulatorEntry struct {
	name  string
	start func(simOptions) simulated
}

// simOptions are the options every simulator takes.
type simOptions struct {
	seed   uint64
	seeded bool // seed was given: ids repeat run after run
}

// simulated is a started simulator: its handler (API and control API) and
// what a client needs to reach it once it is served at a base URL.
type simulated struct {
	handler  http.Handler
	describe func(baseURL string) simInfo
}

// controlled is what every simulator's handler is (a simkit.Kit): the
// command sets who may use the control API on it.
type controlled interface {
	http.Handler
	SetControlAccess(simkit.ControlAccess)
}

// simInfo is what "tokenize sim" prints for one simulator: everything a
// client in any language needs to use it.
type simInfo struct {
	Provider string `json:"provider"`
	// BaseURL is the simulated API's base URL.
	BaseURL string `json:"base_url"`
	// TokenURL is the OAuth access-token URL, for providers that use one.
	TokenURL string `json:"token_url,omitempty"`
	// ControlURL is the base URL of the simulator's control API.
	ControlURL string `json:"control_url"`
	// Control says who may use it: loopback (clients on the same
	// machine), open or off.
	Control string `json:"control"`
	// Credentials are what the simulator accepts, by the name of the
	// provider's setting.
	Credentials map[string]string `json:"credentials"`
	// Config is a tokenize configuration that points at the simulator, as
	// tokenize.LoadConfig reads it.
	Config tokenize.Config `json:"config"`
	// ConfigFile is where -config-dir wrote Config.
	ConfigFile string `json:"config_file,omitempty"`
	// TestCards are the simulator's test cards and what each triggers:
	// public test data, not anyone's card numbers.
	TestCards []simkit.TestCard `json:"test_cards"`
}

func startNuvei(o simOptions) simulated {
	var opts []nuveisim.Option
	if o.seeded {
		opts = append(opts, nuveisim.WithSeed(o.seed))
	}
	s := nuveisim.New(opts...)
	return simulated{
		handler: s.Handler(),
		describe: func(base string) simInfo {
			creds := map[string]string{"api_key": s.APIKey(), "processing_entity_id": s.ProcessingEntityID()}
			return simInfo{
				Provider:    "nuvei",
				BaseURL:     base,
				Credentials: creds,
				Config:      configFor("nuvei", creds, map[string]string{"base_url": base}),
				TestCards:   nuveisim.TestCards(),
			}
		},
	}
}

func startCheckout(o simOptions) simulated {
	var opts []checkoutsim.Option
	if o.seeded {
		opts = append(opts, checkoutsim.WithSeed(o.seed))
	}
	s := checkoutsim.New(opts...)
	return simulated{
		handler: s.Handler(),
		describe: func(base string) simInfo {
			creds := map[string]string{
				"client_id":     checkoutsim.ClientID,
				"client_secret": checkoutsim.ClientSecret,
				"public_key":    checkoutsim.PublicKey,
				"secret_key":    checkoutsim.SecretKey,
			}
			tokenURL := base + "/connect/token"
			return simInfo{
				Provider:    "checkout",
				BaseURL:     base,
				TokenURL:    tokenURL,
				Credentials: creds,
				Config: configFor("checkout", map[string]string{
					"client_id":     checkoutsim.ClientID,
					"client_secret": checkoutsim.ClientSecret,
					"public_key":    checkoutsim.PublicKey,
				}, map[string]string{"environment": "sandbox", "base_url": base, "token_url": tokenURL}),
				TestCards: checkoutsim.TestCards(),
			}
		},
	}
}

// configFor returns a configuration of provider with the union of the
// settings maps.
func configFor(provider string, settings ...map[string]string) tokenize.Config {
	all := map[string]string{}
	for _, m := range settings {
		for k, v := range m {
			all[k] = v
		}
	}
	b, _ := json.Marshal(all) // a map of strings always encodes
	return tokenize.Config{Provider: provider, Settings: b}
}
