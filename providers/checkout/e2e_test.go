package checkout_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/providers/checkout"
	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
)

const concurrentCallers = 200

// provisioned opens a Client on s and provisions one Visa network token.
func provisioned(t *testing.T, s *checkoutsim.Server) (*tokenize.Client, string) {
	t.Helper()
	c, err := tokenize.Open(context.Background(), s.Config())
	require.NoError(t, err)
	card := fixtures().VisaCard
	pt, err := c.CreatePaymentToken(context.Background(), tokenize.CreatePaymentTokenRequest{Card: &card})
	require.NoError(t, err)
	nt, err := c.ProvisionNetworkToken(context.Background(), tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: pt.ID})
	require.NoError(t, err)
	return c, nt.ID
}

// hammer makes concurrentCallers simultaneous GetNetworkToken calls.
func hammer(t *testing.T, c *tokenize.Client, id string) {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, concurrentCallers)
	for range concurrentCallers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := c.GetNetworkToken(context.Background(), id)
			errs <- err
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
}

// A revoked access token answered with 401 by every concurrent call is
// replaced by exactly one token request.
func TestE2ERevokedAccessTokenRefreshedOnce(t *testing.T) {
	s := checkoutsim.NewServer()
	defer s.Close()
	c, id := provisioned(t, s)
	require.Equal(t, int64(1), s.TokenRequests())

	s.ExpireAccessTokens()
	hammer(t, c, id)
	assert.Equal(t, int64(2), s.TokenRequests(), "200 concurrent calls with an expired access token must cause exactly one token request")
}

// An access token reaching its end of life is refreshed once, before the
// provider would reject it, however many callers need it.
func TestE2EExpiringAccessTokenRefreshedOnce(t *testing.T) {
	s := checkoutsim.NewServer(checkoutsim.WithTokenTTL(2 * time.Second))
	defer s.Close()
	c, id := provisioned(t, s)
	require.Equal(t, int64(1), s.TokenRequests())
	time.Sleep(1100 * time.Millisecond) // past the refresh point (half of a 2s lifetime)
	before := s.Requests()
	hammer(t, c, id)
	assert.Equal(t, int64(2), s.TokenRequests(), "exactly one refresh")
	assert.Equal(t, int64(concurrentCallers+1), s.Requests()-before, "no call was rejected and retried")
}

// The sim's clock drives expiry on the provider side: a token the adapter
// still considers fresh is rejected, refreshed once, and the call succeeds.
func TestE2EProviderClockExpiry(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s := checkoutsim.NewServer(checkoutsim.WithClock(clock))
	defer s.Close()
	c, id := provisioned(t, s)
	mu.Lock()
	now = now.Add(2 * time.Hour)
	mu.Unlock()
	hammer(t, c, id)
	assert.Equal(t, int64(2), s.TokenRequests())
}

func TestE2EBankAccountAndTemporaryToken(t *testing.T) {
	s := checkoutsim.NewServer()
	defer s.Close()
	c, err := tokenize.Open(context.Background(), s.Config())
	require.NoError(t, err)
	ba := fixtures().BankAccount
	tok, err := c.CreatePaymentToken(context.Background(), tokenize.CreatePaymentTokenRequest{BankAccount: &ba, CustomerReference: "ada@example.com"})
	require.NoError(t, err)
	assert.Equal(t, "1918", tok.BankAccount.Last4)
	got, err := c.GetPaymentToken(context.Background(), tok.ID)
	require.NoError(t, err)
	assert.Equal(t, tokenize.KindBankAccount, got.Kind)
	assert.Equal(t, tokenize.AccountChecking, got.BankAccount.AccountType)
	assert.NotEmpty(t, got.CustomerReference)
}

func TestE2ESecretKeyForInstruments(t *testing.T) {
	s := checkoutsim.NewServer()
	defer s.Close()
	p, err := checkout.New(checkout.Settings{ClientID: checkoutsim.ClientID, ClientSecret: checkoutsim.ClientSecret,
		PublicKey: checkoutsim.PublicKey, SecretKey: checkoutsim.SecretKey, BaseURL: s.URL, TokenURL: s.URL + "/connect/token"},
		tokenize.OpenOptions{})
	require.NoError(t, err)
	c := tokenize.New(p)
	card := fixtures().MastercardCard
	tok, err := c.CreatePaymentToken(context.Background(), tokenize.CreatePaymentTokenRequest{Card: &card})
	require.NoError(t, err)
	_, err = c.GetPaymentToken(context.Background(), tok.ID)
	require.NoError(t, err)
	assert.Zero(t, s.TokenRequests(), "instruments with the secret key need no access token")
	_, err = c.ProvisionNetworkToken(context.Background(), tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: tok.ID})
	require.NoError(t, err)
	assert.Equal(t, int64(1), s.TokenRequests(), "network tokens need OAuth")
}

func TestE2EValidationErrorsFromProvider(t *testing.T) {
	s := checkoutsim.NewServer()
	defer s.Close()
	c, err := tokenize.Open(context.Background(), s.Config())
	require.NoError(t, err)
	// A customer reference the simulator rejects reaches the provider.
	card := fixtures().VisaCard
	_, err = c.CreatePaymentToken(context.Background(), tokenize.CreatePaymentTokenRequest{Card: &card, CustomerReference: "not-an-email"})
	var te *tokenize.Error
	require.ErrorAs(t, err, &te)
	assert.Equal(t, tokenize.InvalidArgument, te.Code)
	assert.Equal(t, tokenize.FieldCustomerReference, te.Field)
	assert.Equal(t, []string{"email_invalid"}, te.ProviderCodes)
	assert.NotEmpty(t, te.RequestID)
	assert.Equal(t, 422, te.HTTPStatus)
}
