package nuveisim_test

import (
	"fmt"
	"net/http/httptest"

	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
)

// Serve the simulator yourself, here on an httptest server, and give a
// client the settings for where it is: what tokenize sim does for every
// simulator, with its test cards.
func ExampleSimulator_SettingsAt() {
	sim := nuveisim.New()
	srv := httptest.NewServer(sim.Handler())
	defer srv.Close()

	settings := sim.SettingsAt(srv.URL)
	fmt.Println(len(settings) > 0)
	for _, c := range nuveisim.TestCards()[:2] {
		fmt.Println(c.Number, c.Triggers)
	}
	// Output:
	// true
	// 4111111111111111 Visa: an active VTS network token
	// 5555555555554444 Mastercard: an active MDES network token
}
