package checkoutsim_test

import (
	"encoding/json"
	"fmt"

	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
)

// The settings of provider "checkout" for a simulator served at a URL of
// your choosing, webhook signature key included.
func ExampleSimulator_SettingsAt() {
	sim := checkoutsim.New()
	defer sim.Close()

	var settings map[string]any
	if err := json.Unmarshal(sim.SettingsAt("http://127.0.0.1:8081"), &settings); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(settings["base_url"])
	fmt.Println(settings["token_url"])
	fmt.Println(len(settings["webhook_secrets"].([]any)))
	// Output:
	// http://127.0.0.1:8081
	// http://127.0.0.1:8081/connect/token
	// 1
}
