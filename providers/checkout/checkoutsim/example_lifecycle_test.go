package checkoutsim_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
)

// The issuer suspends a network token; the simulator sends the signed
// network_token_update to the receiver registered with SendWebhooksTo,
// here the Client's own webhook handler.
func ExampleSimulator_SendWebhooksTo() {
	srv := checkoutsim.NewServer()
	defer srv.Close()
	ctx := context.Background()
	client, err := tokenize.Open(ctx, srv.Config()) // its settings carry the webhook key
	if err != nil {
		fmt.Println(err)
		return
	}
	card := tokenize.Card{Number: checkoutsim.VisaPAN, ExpiryMonth: 12, ExpiryYear: 2030, CVV: "123"}
	nt, err := client.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{Card: &card})
	if err != nil {
		fmt.Println(err)
		return
	}
	held := *nt

	events := make(chan *tokenize.NetworkTokenEvent, 1)
	handler, err := client.WebhookHandler(func(_ context.Context, ev *tokenize.NetworkTokenEvent) error {
		events <- ev
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	receiver := httptest.NewServer(handler)
	defer receiver.Close()
	srv.SendWebhooksTo(receiver.URL)

	if err := srv.SetNetworkTokenState(nt.ID, tokenize.StateSuspended); err != nil {
		fmt.Println(err)
		return
	}
	ev := <-events
	changed, _ := ev.Apply(&held)
	fmt.Println(ev.ProviderType, ev.Kind, "->", changed, held.State)
	// Output:
	// network_token_update updated -> state_changed suspended
}
