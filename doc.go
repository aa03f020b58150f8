// Package tokenize tokenizes cards and bank accounts, provisions Visa and
// Mastercard network tokens and fetches cryptograms through one
// provider-neutral API. Adapters translate it to each provider's wire
// format and error shape; the provider is chosen by configuration:
//
//	import (
//		"github.com/tokenize-go/tokenize"
//		_ "github.com/tokenize-go/tokenize/providers/checkout"
//		_ "github.com/tokenize-go/tokenize/providers/nuvei"
//		_ "github.com/tokenize-go/tokenize/providers/worldpay"
//	)
//
//	cfg, err := tokenize.LoadConfig("tokenize.json") // {"provider": "checkout", "settings": {...}}
//	client, err := tokenize.Open(ctx, cfg)
//	tok, err := client.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: &card})
//	// Nuvei provisions from the card instead: see Capabilities.
//	nt, err := client.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: tok.ID})
//	cg, err := client.RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: nt.ID, TransactionType: tokenize.ECommerce})
//
// Beyond single calls: a Client provisions network tokens for many cards
// at once (ProvisionNetworkTokens, a backfill), finishes a provisioning the
// scheme completes later (AwaitNetworkToken), keeps held network tokens
// fresh by webhook (WebhookHandler) or by reading them again
// (SyncNetworkTokens), tells when to charge the card instead of the token
// (ErrUsePAN), and reports every call to an Observer (tracing and metrics;
// module github.com/tokenize-go/tokenize/otel). Package
// github.com/tokenize-go/tokenize/router holds several providers behind
// one Client, its token ids being references (Ref) that name the provider.
//
// # Validation
//
// The Client validates every request before anything is sent (Luhn, expiry,
// lengths, ABA checksum, enums, ids) and reports a failure as an *Error with
// Code InvalidArgument and Field naming the offending field.
//
// # Errors
//
// Every error a Client returns is an *Error with a provider-neutral Code, the
// provider's own codes, the HTTP status and request id, and whether a retry
// is safe or the outcome is unknown. Use errors.Is with the Err* sentinels,
// CodeOf, or errors.As to read the fields.
//
// # Sensitive data
//
// Card numbers, DPANs (PAN), bank account numbers (AccountNumber), CVVs,
// cryptograms and credentials (Secret) are types that mask themselves in
// every fmt verb, in log/slog output and in JSON. Structs holding them
// (Card, BankAccount, NetworkToken, Cryptogram), a Config (whose settings
// hold expanded secrets) and a Client (whose provider holds credentials)
// print without those values too. No error or log line produced by this
// module contains them; card numbers a provider echoes in an error message
// are masked.
//
// # Writing an adapter
//
// An adapter implements Provider, registers an Opener with Register from its
// init function, and proves itself with the conformance package.
package tokenize

// Version is the library version, sent in the User-Agent header.
const Version = "0.1.0"
