package router

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
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
	Rules     []json.RawMessage          `json:"rules,omitempty"` // decoded one by one, to name the rule that is wrong
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
	rules, err := decodeRules(s.Rules)
	if err != nil {
		return nil, err
	}
	return New(Config{Default: s.Default, Rules: rules, Breaker: s.Breaker}, providers...)
}

// decodeRules decodes each rule, giving an error the index of its rule:
// Rule's own errors say only "router.rules.brand", since a rule does not
// know where it stands.
func decodeRules(raw []json.RawMessage) ([]Rule, error) {
	rules := make([]Rule, len(raw))
	for i, r := range raw {
		err := json.Unmarshal(r, &rules[i])
		if err == nil {
			continue
		}
		at := fmt.Sprintf("router.rules[%d]", i)
		var te *tokenize.Error
		if !errors.As(err, &te) {
			return nil, tokenize.InvalidSetting(at, "must be an object such as {\"brand\": [\"visa\"], \"to\": \"nuvei\"}")
		}
		switch rest, ok := strings.CutPrefix(te.Field, "settings.router.rules"); {
		case ok:
			return nil, movedSetting(te, "settings."+at+rest)
		case te.Field == "settings.router":
			return nil, movedSetting(te, "settings."+at+".to") // Names: the only list of names in a rule
		}
		return nil, te
	}
	return rules, nil
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
	return movedSetting(te, "settings."+tokenize.RouterName+"."+rest)
}

// movedSetting returns a copy of a settings error placed at field, its
// message naming the setting there too (InvalidSetting, MissingSetting and
// DecodeSettings quote the setting's name in it).
func movedSetting(te *tokenize.Error, field string) *tokenize.Error {
	cp := *te
	cp.Field = field
	cp.Message = strings.Replace(te.Message, strconv.Quote(strings.TrimPrefix(te.Field, "settings.")),
		strconv.Quote(strings.TrimPrefix(field, "settings.")), 1)
	return &cp
}
