package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/simkit"
	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
	"github.com/tokenize-go/tokenize/providers/worldpay/worldpaysim"
)

// simulators is every simulator "tokenize sim" can serve, in the order it
// starts them. Adding a provider's simulator is adding its line here: its
// name (the provider's registered name), its constructor and seed option,
// and its test cards.
var simulators = []simulatorEntry{
	entry("nuvei", nuveisim.New, nuveisim.WithSeed, nuveisim.TestCards),
	entry("checkout", checkoutsim.New, checkoutsim.WithSeed, checkoutsim.TestCards),
	entry("worldpay", worldpaysim.New, worldpaysim.WithSeed, worldpaysim.TestCards),
}

// simulatorEntry names a simulator and starts one.
type simulatorEntry struct {
	name  string
	start func(simOptions) servable
	cards func() []simkit.TestCard
}

// simOptions are the options every simulator takes.
type simOptions struct {
	seed   uint64
	seeded bool // seed was given: ids repeat run after run
}

// servable is what every simulator offers a program that serves it.
type servable interface {
	// Handler is the API and the control API, a simkit.Kit.
	Handler() http.Handler
	// SettingsAt returns the provider's tokenize settings for the
	// simulator served at baseURL.
	SettingsAt(baseURL string) json.RawMessage
}

// closer is a simulator with work of its own to stop, such as webhook
// deliveries.
type closer interface{ Close() }

// entry builds a table entry from a simulator package's constructor, seed
// option and test cards.
func entry[S servable, O any](name string, newSim func(...O) S, withSeed func(uint64) O, cards func() []simkit.TestCard) simulatorEntry {
	return simulatorEntry{
		name: name,
		start: func(o simOptions) servable {
			var opts []O
			if o.seeded {
				opts = append(opts, withSeed(o.seed))
			}
			return newSim(opts...)
		},
		cards: cards,
	}
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
	// provider's setting: every setting but the URLs and environment.
	Credentials map[string]any `json:"credentials"`
	// Config is a tokenize configuration that points at the simulator, as
	// tokenize.LoadConfig reads it.
	Config tokenize.Config `json:"config"`
	// ConfigFile is where -config-dir wrote Config.
	ConfigFile string `json:"config_file,omitempty"`
	// TestCards are the simulator's test cards and what each triggers:
	// public test data, not anyone's card numbers.
	TestCards []simkit.TestCard `json:"test_cards"`
}

// notCredentials are the settings that say where the simulator is rather
// than who may use it.
var notCredentials = []string{"base_url", "token_url", "environment"}

// describe returns what a client needs to use sim, served at base.
func describe(e simulatorEntry, sim servable, base string) (simInfo, error) {
	settings := sim.SettingsAt(base)
	var m map[string]any
	if err := json.Unmarshal(settings, &m); err != nil {
		return simInfo{}, fmt.Errorf("the %s simulator's settings: %w", e.name, err)
	}
	info := simInfo{
		Provider:    e.name,
		BaseURL:     base,
		Credentials: map[string]any{},
		Config:      tokenize.Config{Provider: e.name, Settings: settings},
		TestCards:   e.cards(),
	}
	info.TokenURL, _ = m["token_url"].(string)
	for k, v := range m {
		if !slices.Contains(notCredentials, k) {
			info.Credentials[k] = v
		}
	}
	return info, nil
}
