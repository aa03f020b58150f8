package nuvei_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/faults"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
)

// End to end over loopback: each test card's error class reaches the
// caller with the right Code, and nothing sensitive is printed.
func TestSimErrorClasses(t *testing.T) {
	srv := nuveisim.NewServer()
	defer srv.Close()
	var logs bytes.Buffer
	c, err := tokenize.Open(context.Background(), srv.Config(),
		tokenize.WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		tokenize.WithRetryPolicy(tokenize.RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	for _, tc := range []struct {
		pan    string
		code   tokenize.Code
		status int
		field  string
		pcode  string
	}{
		{nuveisim.InvalidPAN, tokenize.InvalidArgument, 400, tokenize.FieldCardNumber, "5000.1000"},
		{nuveisim.ForbiddenPAN, tokenize.PermissionDenied, 403, "", "7300.3000"},
		{nuveisim.InternalErrorPAN, tokenize.Internal, 500, "", "7000.1000"},
		{nuveisim.RefusedPAN, tokenize.FailedPrecondition, 200, "", "5300.1109"},
	} {
		t.Run(tc.pan[len(tc.pan)-4:], func(t *testing.T) {
			card := tokenize.Card{Number: tokenize.PAN(tc.pan), ExpiryMonth: 3, ExpiryYear: 2031, CVV: "737"}
			for name, call := range map[string]func() error{
				"create": func() error {
					_, err := c.CreatePaymentToken(context.Background(), tokenize.CreatePaymentTokenRequest{Card: &card})
					return err
				},
				"provision": func() error {
					_, err := c.ProvisionNetworkToken(context.Background(), tokenize.ProvisionNetworkTokenRequest{Card: &card})
					return err
				},
			} {
				err := call()
				te := asError(t, err)
				assert.Equal(t, tc.code, te.Code, "%s: %v", name, err)
				assert.Equal(t, tc.status, te.HTTPStatus, name)
				assert.Equal(t, tc.field, te.Field, name)
				assert.Equal(t, []string{tc.pcode}, te.ProviderCodes, name)
				assert.Equal(t, tc.code == tokenize.Internal, te.OutcomeUnknown, "%s: OutcomeUnknown", name)
				assert.False(t, te.Retryable, name)
				printed := fmt.Sprintf("%v %+v %#v", err, err, te)
				assert.NotContains(t, printed, "737", "the CVV is printed")
				for _, s := range []string{printed, logs.String()} {
					assert.NotContains(t, s, tc.pan)
					assert.NotContains(t, s, srv.APIKey())
				}
			}
		})
	}
}

func TestSimWrongProcessingEntity(t *testing.T) {
	srv := nuveisim.NewServer()
	defer srv.Close()
	settings := settingsWith(t, srv.Settings(), "processing_entity_id", "another-entity")
	c, err := tokenize.Open(context.Background(), tokenize.Config{Provider: "nuvei", Settings: settings})
	require.NoError(t, err)
	_, err = c.GetPaymentToken(context.Background(), "x")
	assert.ErrorIs(t, err, tokenize.ErrPermissionDenied)
}

func TestSimBankAccountAndTemporaryToken(t *testing.T) {
	srv := nuveisim.NewServer()
	defer srv.Close()
	c, err := tokenize.Open(context.Background(), srv.Config())
	require.NoError(t, err)
	ctx := context.Background()
	ba := fixtures.BankAccount
	tok, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{BankAccount: &ba, CustomerReference: "buyer-1",
		UsageIntent: tokenize.UsageUnscheduled, MerchantReference: "m-1"})
	require.NoError(t, err)
	got, err := c.GetPaymentToken(ctx, tok.ID)
	require.NoError(t, err)
	assert.Equal(t, &tokenize.PaymentToken{Provider: "nuvei", ID: tok.ID, Kind: tokenize.KindBankAccount,
		BankAccount:       &tokenize.BankAccountDetails{Last4: "8759", RoutingNumber: "011000015"},
		CustomerReference: "buyer-1", MerchantReference: "m-1", UsageIntent: tokenize.UsageUnscheduled}, got)
	assert.Equal(t, got, tok, "create and get describe the same token alike")

	tmp := srv.CreateTemporaryToken(fixtures.MastercardCard)
	tok, err = c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{TemporaryToken: tokenize.Secret(tmp)})
	require.NoError(t, err)
	assert.Equal(t, tokenize.BrandMastercard, tok.Card.Brand)
	_, err = c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{TemporaryToken: tokenize.Secret(tmp)})
	te := asError(t, err)
	assert.Equal(t, tokenize.InvalidArgument, te.Code)
	assert.Equal(t, tokenize.FieldTemporaryToken, te.Field, "a used temporary token is named as the bad field")
}

// The timeout setting bounds each exchange, independently of the caller's
// context.
func TestSimTimeoutSetting(t *testing.T) {
	srv := nuveisim.NewServer()
	defer srv.Close()
	settings := settingsWith(t, srv.Settings(), "timeout", "100ms")
	c, err := tokenize.Open(context.Background(), tokenize.Config{Provider: "nuvei", Settings: settings},
		tokenize.WithRetryPolicy(tokenize.RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	srv.Faults().Inject(faults.Fault{Kind: faults.Latency, Delay: 3 * time.Second})
	defer srv.Faults().Clear()
	start := time.Now()
	_, err = c.GetPaymentToken(context.Background(), "x")
	assert.Less(t, time.Since(start), 2*time.Second)
	assert.ErrorIs(t, err, tokenize.ErrDeadlineExceeded)
}

// Settings round-trip through a config file's JSON.
func TestServerSettings(t *testing.T) {
	srv := nuveisim.NewServer(nuveisim.WithProcessingEntityID("ent-2"))
	defer srv.Close()
	var m map[string]string
	require.NoError(t, json.Unmarshal(srv.Settings(), &m))
	assert.Equal(t, map[string]string{"base_url": srv.URL, "api_key": nuveisim.APIKey, "processing_entity_id": "ent-2"}, m)
}

// The timeout setting is a per-exchange limit inside the caller's context:
// a read it cuts short is retried like any other lost answer to a read,
// while a create it cuts short is not retried and says its outcome is
// unknown.
func TestSimTimeoutSettingRetriesReads(t *testing.T) {
	srv := nuveisim.NewServer()
	defer srv.Close()
	settings := settingsWith(t, srv.Settings(), "timeout", "150ms")
	c, err := tokenize.Open(context.Background(), tokenize.Config{Provider: "nuvei", Settings: settings},
		tokenize.WithRetryPolicy(tokenize.RetryPolicy{MaxAttempts: 3, InitialBackoff: time.Millisecond}))
	require.NoError(t, err)
	card := fixtures.VisaCard
	tok, err := c.CreatePaymentToken(context.Background(), tokenize.CreatePaymentTokenRequest{Card: &card})
	require.NoError(t, err)

	srv.Faults().Inject(faults.Fault{Kind: faults.Latency, Delay: 5 * time.Second, Times: 1, Method: "GET"})
	got, err := c.GetPaymentToken(context.Background(), tok.ID)
	require.NoError(t, err, "the read is retried after the per-exchange timeout")
	assert.Equal(t, tok.ID, got.ID)

	srv.Faults().Inject(faults.Fault{Kind: faults.Latency, Delay: 5 * time.Second, Times: 1, Method: "POST"})
	before := srv.Requests()
	_, err = c.CreatePaymentToken(context.Background(), tokenize.CreatePaymentTokenRequest{Card: &card})
	te := asError(t, err)
	assert.Equal(t, tokenize.DeadlineExceeded, te.Code)
	assert.True(t, te.OutcomeUnknown, "the create was sent")
	assert.False(t, te.Retryable)
	assert.EqualValues(t, 1, srv.Requests()-before, "a create is never resent")
}
