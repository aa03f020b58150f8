package tokenize

import "encoding/json"

// parseRouterConfig decodes the router form of a configuration: a
// "router" object and the "providers" it routes between, all of whose
// settings are expanded (a router opens every provider it holds). The
// result is Provider RouterName with Settings holding the router object's
// keys and "providers"; the router package checks those keys strictly.
func parseRouterConfig(obj map[string]any, lookup func(string) (string, bool)) (Config, error) {
	for _, k := range []string{"provider", "settings"} {
		if _, ok := obj[k]; ok {
			return Config{}, configError(k, `config: give "router" or %q, not both`, k)
		}
	}
	rt, ok := obj[RouterName].(map[string]any)
	if !ok {
		return Config{}, configError(RouterName, `config: "router" must be an object`)
	}
	if _, ok := rt["providers"]; ok {
		return Config{}, configError("router.providers", `config: "providers" belongs at the top level, beside "router"`)
	}
	all, ok := obj["providers"].(map[string]any)
	if !ok || len(all) == 0 {
		return Config{}, configError("providers", `config: the router form needs a "providers" object with at least one provider`)
	}
	expanded, err := expandEnv(rt, lookup, RouterName)
	if err != nil {
		return Config{}, err
	}
	settings := expanded.(map[string]any)
	providers, err := expandEnv(all, lookup, "providers")
	if err != nil {
		return Config{}, err
	}
	settings["providers"] = providers
	b, err := json.Marshal(settings)
	if err != nil {
		return Config{}, configError(RouterName, "config: %v", err)
	}
	return Config{Provider: RouterName, Settings: b}, nil
}
