package router

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strings"

	"github.com/tokenize-go/tokenize"
)

func init() { tokenize.Register(tokenize.RouterName, open) }

// settings are a router's settings as tokenize.ParseConfig builds them
// from the router form of a configuration: the "router" object's keys and
// the "providers" beside it. Config's fields are spelt out rather than
// embedded: encoding/json names an embedded struct in the path of a type
// error ("Config.breaker.failures"), which would reach the caller.
type settings struct {
	Default   Names                      `json:"default"`
	Rules     []Rule                     `json:"rules,omitempty"`
	Breaker   Breaker                    `json:"breaker,omitzero"`
	Providers map[string]json.RawMessage `json:"providers"`
}

// Open opens every provider cfg holds and returns a Router over them. cfg
// is the router form of a configuration (tokenize.LoadConfig reads it):
//
//	{"router": {"default": "checkout", "rules": [...]}, "providers": {"nuvei": {...}, "checkout": {...}}}
//
// Each provider's adapter must be registered (blank-import it). Wrap the
// Router in a Client with tokenize.New; tokenize.Open(ctx, cfg) does both
// when you do not need the Router itself (its Health).
func Open(ctx context.Context, cfg tokenize.Config, opts tokenize.OpenOptions) (*Router, error) {
	if cfg.Provider != tokenize.RouterName {
		return nil, tokenize.InvalidSetting("provider", `must be "router": give a configuration with a "router" object`)
	}
	return openSettings(ctx, cfg.Settings, opts)
}

func open(ctx context.Context, raw json.RawMessage, opts tokenize.OpenOptions) (tokenize.Provider, error) {
	return openSettings(ctx, raw, opts)
}

func openSettings(ctx context.Context, raw json.RawMessage, opts tokenize.OpenOptions) (*Router, error) {
	var s settings
	if err := tokenize.DecodeSettings(raw, &s); err != nil {
		return nil, underRouter(err)
	}
	if len(s.Providers) == 0 {
		return nil, tokenize.MissingSetting("providers")
	}
	names := make([]string, 0, len(s.Providers))
	for n := range s.Providers {
		names = append(names, n)
	}
	sort.Strings(names) // a stable order for Providers and Health
	providers := make([]tokenize.Provider, 0, len(names))
	for _, n := range names {
		if n == tokenize.RouterName {
			return nil, tokenize.InvalidSetting("providers."+n, "a router cannot hold a router")
		}
		p, err := tokenize.OpenProvider(ctx, tokenize.Config{Provider: n, Settings: s.Providers[n]}, opts)
		if err != nil {
			var te *tokenize.Error
			if errors.As(err, &te) && te.Field != "" {
				cp := *te
				cp.Field = "providers." + n + "." + te.Field
				return nil, &cp
			}
			return nil, err
		}
		if p.Name() != n {
			return nil, tokenize.InvalidSetting("providers."+n, "opened a provider named "+p.Name())
		}
		providers = append(providers, p)
	}
	return New(Config{Default: s.Default, Rules: s.Rules, Breaker: s.Breaker}, providers...)
}

// underRouter gives a settings error the place of its key in the
// configuration: every setting but "providers" is a key of the "router"
// object ("settings.weights" is "settings.router.weights").
func underRouter(err error) error {
	var te *tokenize.Error
	if !errors.As(err, &te) {
		return err
	}
	rest, ok := strings.CutPrefix(te.Field, "settings.")
	if !ok || rest == tokenize.RouterName || strings.HasPrefix(rest, tokenize.RouterName+".") ||
		rest == "providers" || strings.HasPrefix(rest, "providers.") {
		return err
	}
	cp := *te
	cp.Field = "settings." + tokenize.RouterName + "." + rest
	return &cp
}
