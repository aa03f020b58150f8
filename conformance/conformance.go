// Package conformance is the behaviour every tokenize provider must share,
// as a test suite an adapter runs against its simulator (and, when
// credentials are present, a live sandbox):
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, harness)
//	}
//
// It exercises every operation the provider declares in its Capabilities,
// skips the rest with a reason, and checks that undeclared ones fail with
// tokenize.ErrUnsupported.
package conformance

import (
	"context"
	"testing"

	"github.com/tokenize-go/tokenize"
)

// Run runs the conformance suite against h.
func Run(t *testing.T, h Harness) {
	t.Helper()
	t.Run("CreateGetPaymentToken", func(t *testing.T) {
		env := h.New(t)
		ctx := context.Background()
		if env.Client.Provider() != h.Provider {
			t.Fatalf("Client.Provider() = %q, want %q", env.Client.Provider(), h.Provider)
		}
		tok, err := env.Client.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: &h.Fixtures.VisaCard})
		if err != nil {
			t.Fatalf("CreatePaymentToken: %v", err)
		}
		got, err := env.Client.GetPaymentToken(ctx, tok.ID)
		if err != nil {
			t.Fatalf("GetPaymentToken: %v", err)
		}
		if got.ID != tok.ID {
			t.Fatalf("GetPaymentToken id = %q, want %q", got.ID, tok.ID)
		}
	})
}
