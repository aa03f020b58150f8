package main

import (
	"context"
	"flag"

	"github.com/tokenize-go/tokenize"
)

// cardFormat documents the JSON of a -card file, in every manual that
// reads one.
const cardFormat = `A -card file holds one JSON object:

   {"number": "4242424242424242", "expiry_month": 12, "expiry_year": 2030,
    "cvv": "123", "holder_name": "Ada Lovelace"}

cvv and holder_name are optional, except where the provider requires them (Worldpay requires holder_name: without it the command fails with InvalidArgument, exit status 12, before anything is sent). The number is validated (length, Luhn check) before anything is sent, and printed masked.`

var paymentTokenCreate = &command{
	path:    "payment-token create",
	summary: "store a card, a US bank account or a temporary token at the provider",
	synopsis: []string{
		"-config FILE -card FILE [-merchant-reference REF] [-customer-reference REF] [-usage-intent INTENT] [-json | -q]",
		"-config FILE -bank-account FILE [...]",
		"-config FILE -temporary-token FILE [...]",
	},
	description: `Stores a payment method at the provider of the configuration and prints the payment token it returns: its id, the card's brand, masked number and expiry (or the account's last four digits).

The payment method is read from a file, or from standard input when FILE is "-", and never from the command line: an argument that looks like a card number is refused. Sending a raw card puts the machine running this command in PCI DSS scope; in production prefer -temporary-token, a single-use token from the provider's browser or mobile SDK.

` + cardFormat + `

A -bank-account file holds {"account_number": "...", "routing_number": "...", "account_type": "checking", "holder_name": "..."} (account_type checking or savings). A -temporary-token file holds the token alone.`,
	examples: `tokenize payment-token create -config tokenize.json -card card.json

# The configuration from the environment, the card from a secret store:
export TOKENIZE_CONFIG=tokenize.json
secret-tool lookup card test-visa | tokenize payment-token create -card - -q

# For a script:
tokenize payment-token create -card card.json -json | jq .payment_token`,
	setup: func(fs *flag.FlagSet) func(context.Context, stdio, []string) error {
		var (
			cf                            clientFlags
			card, bank, temporary         string
			merchantRef, customerRef, use string
		)
		cf.register(fs, true)
		fs.StringVar(&card, "card", "", "Read the card from `FILE` (\"-\": standard input).")
		fs.StringVar(&bank, "bank-account", "", "Read the US bank account from `FILE` (\"-\": standard input).")
		fs.StringVar(&temporary, "temporary-token", "", "Read the provider's single-use temporary token from `FILE` (\"-\": standard input).")
		fs.StringVar(&merchantRef, "merchant-reference", "", "Your own reference `REF` for the token, at most 50 characters; it helps reconcile a create whose outcome is unknown.")
		fs.StringVar(&customerRef, "customer-reference", "", "Link the token to the provider's customer `REF` (Nuvei buyerId, Checkout.com cus_ id or email, Worldpay namespace of at most 64 characters).")
		fs.StringVar(&use, "usage-intent", "", "Declare future merchant-initiated use (`INTENT`: recurring or unscheduled).")
		return func(ctx context.Context, std stdio, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected argument %d: this command takes its input from -card, -bank-account or -temporary-token", 1)
			}
			given := 0
			for _, v := range []string{card, bank, temporary} {
				if v != "" {
					given++
				}
			}
			if given != 1 {
				return usagef("give exactly one of -card, -bank-account and -temporary-token")
			}
			req := tokenize.CreatePaymentTokenRequest{MerchantReference: merchantRef, CustomerReference: customerRef}
			if use != "" {
				u, err := tokenize.ParseUsageIntent(use)
				if err != nil {
					return usagef("-usage-intent: want recurring or unscheduled")
				}
				req.UsageIntent = u
			}
			c, err := cf.open(ctx, std)
			if err != nil {
				return err
			}
			switch {
			case card != "":
				req.Card, err = readCard(std, card)
			case bank != "":
				req.BankAccount, err = readBankAccount(std, bank)
			default:
				req.TemporaryToken, err = readTemporaryToken(std, temporary)
			}
			if err != nil {
				return err
			}
			pt, err := c.CreatePaymentToken(ctx, req)
			return printResult(cf.output(std, "payment-token create"), record{PaymentToken: paymentTokenOut(pt)}, err)
		}
	},
}

var paymentTokenGet = &command{
	path:     "payment-token get",
	summary:  "read payment tokens",
	synopsis: []string{"-config FILE [-json | -q] ID...", "-config FILE -ids FILE [-concurrency N] [-json | -q]"},
	description: `Reads each payment token and prints what the provider keeps about it: the card's brand, masked number and expiry, or the account's last four digits, and the references.

With one ID the result is printed as fields, and the exit status is that of the operation. With several IDs, or -ids, each id gets one line (or one JSON object) as it completes, a progress line is drawn on standard error when it is a terminal, and the exit status is 4 if any item failed.`,
	examples: `export TOKENIZE_CONFIG=tokenize.json
tokenize payment-token get src_tsxfkj7gxg4gulpyhk6irtscp6
tokenize payment-token get -ids held-tokens.txt -json > tokens.jsonl`,
	setup: func(fs *flag.FlagSet) func(context.Context, stdio, []string) error {
		var (
			cf clientFlags
			bf batchFlags
		)
		cf.register(fs, true)
		bf.register(fs, "payment token")
		return func(ctx context.Context, std stdio, args []string) error {
			return onRefs(ctx, std, &cf, &bf, "payment-token get", args, func(ctx context.Context, c *tokenize.Client, id string) (record, error) {
				pt, err := c.GetPaymentToken(ctx, id)
				return record{PaymentToken: paymentTokenOut(pt)}, err
			})
		}
	},
}

var paymentTokenDelete = &command{
	path:     "payment-token delete",
	summary:  "delete payment tokens",
	synopsis: []string{"-config FILE [-json] ID...", "-config FILE -ids FILE [-concurrency N] [-json]"},
	description: `Deletes each payment token at the provider. Providers without a documented delete (Nuvei) fail with Unsupported (exit status 21) before anything is sent.

Several IDs, or -ids, run as a batch: one line per id, a progress line on a terminal, exit status 4 if any item failed.`,
	examples: `export TOKENIZE_CONFIG=tokenize.json
tokenize payment-token delete src_tsxfkj7gxg4gulpyhk6irtscp6
tokenize payment-token delete -ids retired-tokens.txt`,
	setup: func(fs *flag.FlagSet) func(context.Context, stdio, []string) error {
		var (
			cf clientFlags
			bf batchFlags
		)
		cf.register(fs, false)
		bf.register(fs, "payment token")
		return func(ctx context.Context, std stdio, args []string) error {
			return onRefs(ctx, std, &cf, &bf, "payment-token delete", args, func(ctx context.Context, c *tokenize.Client, id string) (record, error) {
				return record{}, c.DeletePaymentToken(ctx, id)
			})
		}
	},
}

var networkTokenProvision = &command{
	path:    "network-token provision",
	summary: "provision a scheme network token (Visa VTS, Mastercard MDES)",
	synopsis: []string{
		"-config FILE -payment-token ID [-merchant-reference REF] [-json | -q]",
		"-config FILE -card FILE [-merchant-reference REF] [-json | -q]",
		"-config FILE -ids FILE [-concurrency N] [-rate N] [-merchant-reference REF] [-json | -q]",
	},
	description: `Provisions a network token through the provider, from a payment token it issued (Checkout.com, Worldpay) or from a card (every provider), and prints it: its id, scheme, state and masked DPAN. A scheme that declines the card is not an error: the token is printed in state declined. A provider that accepts the provisioning before the scheme has issued the token (Checkout.com; Worldpay for Mastercard) prints it in state requested, without a DPAN, and exits 0: read it again later with "network-token get", or let "network-token sync" report the issue. A provider that returns an existing token says so ("already existed").

-ids provisions from each payment token id of a file, as a backfill (the library's ProvisionNetworkTokens): the file is streamed at constant memory, at most -concurrency calls in flight and at most -rate requests a second; each id gets one line as it completes, with its ref; a progress line on a terminal counts what is done, what failed by code and what already existed, with the rate and an ETA; exit status 4 if any item failed. Checkout.com answers an existing token, so a rerun over the same file (after an interrupt, say) is safe: what the first run made comes back "already existed". Nuvei provisions from a card only, so -ids is refused there with Unsupported (exit status 21) before anything is sent.

` + cardFormat,
	examples: `tokenize network-token provision -config nuvei.json -card card.json -q

export TOKENIZE_CONFIG=checkout.json
pt=src_tsxfkj7gxg4gulpyhk6irtscp6
tokenize network-token provision -payment-token "$pt"
tokenize network-token provision -ids payment-tokens.txt -json > nt.jsonl`,
	setup: func(fs *flag.FlagSet) func(context.Context, stdio, []string) error {
		var (
			cf                 clientFlags
			bf                 batchFlags
			paymentToken, card string
			merchantRef        string
			rate               float64
		)
		cf.register(fs, true)
		fs.StringVar(&paymentToken, "payment-token", "", "Provision from the payment token `ID`.")
		fs.StringVar(&card, "card", "", "Provision from the card in `FILE` (\"-\": standard input).")
		fs.StringVar(&merchantRef, "merchant-reference", "", "Your own reference `REF`, at most 50 characters.")
		bf.register(fs, "payment token")
		registerRate(fs, &rate)
		return func(ctx context.Context, std stdio, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected argument %d: give -payment-token ID, -card FILE or -ids FILE", 1)
			}
			given := 0
			for _, v := range []string{paymentToken, card, bf.ids} {
				if v != "" {
					given++
				}
			}
			if given != 1 {
				return usagef("give exactly one of -payment-token, -card and -ids")
			}
			if rate < 0 {
				return usagef("-rate must not be negative")
			}
			provision := func(ctx context.Context, c *tokenize.Client, req tokenize.ProvisionNetworkTokenRequest) (record, error) {
				req.MerchantReference = merchantRef
				nt, err := c.ProvisionNetworkToken(ctx, req)
				return record{NetworkToken: networkTokenOut(nt)}, err
			}
			if bf.ids != "" {
				opts := tokenize.BatchOptions{Concurrency: bf.concurrency, RequestsPerSecond: rate}
				return provisionBatch(ctx, std, &cf, &bf, merchantRef, opts)
			}
			if paymentToken != "" {
				return onRefs(ctx, std, &cf, &bf, "network-token provision", []string{paymentToken}, func(ctx context.Context, c *tokenize.Client, id string) (record, error) {
					return provision(ctx, c, tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: id})
				})
			}
			c, err := cf.open(ctx, std)
			if err != nil {
				return err
			}
			cd, err := readCard(std, card)
			if err != nil {
				return err
			}
			r, err := provision(ctx, c, tokenize.ProvisionNetworkTokenRequest{Card: cd})
			return printResult(cf.output(std, "network-token provision"), r, err)
		}
	},
}

// provisionBatch provisions a network token from each payment token id of
// the -ids file with the library's ProvisionNetworkTokens, each id the
// item's key, printing each result as it completes and the library's
// progress on a terminal.
func provisionBatch(ctx context.Context, std stdio, cf *clientFlags, bf *batchFlags, merchantRef string, opts tokenize.BatchOptions) error {
	const label = "network-token provision"
	src, err := bf.refs(std, nil)
	if err != nil {
		return err
	}
	defer src.close()
	c, err := cf.open(ctx, std)
	if err != nil {
		return err
	}
	if caps := c.Capabilities(); !caps.Supports(tokenize.OpProvisionNetworkToken) || !caps.ProvisionFromPaymentToken {
		// Refused once, before the file is read, rather than once per id.
		return &tokenize.Error{Code: tokenize.Unsupported, Op: tokenize.OpProvisionNetworkToken, Provider: c.Provider(),
			Message: c.Provider() + " does not provision network tokens from payment tokens, which -ids lists"}
	}
	out := cf.output(std, label)
	prog := newProgress(std, label, src.total)
	opts.Total, opts.Progress = src.total, prog.Set
	var inErr error
	items := func(yield func(tokenize.ProvisionItem) bool) {
		for ref, err := range src.seq {
			if err != nil {
				inErr = err
				return
			}
			req := tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: ref, MerchantReference: merchantRef}
			if !yield(tokenize.ProvisionItem{Key: ref, Request: req}) {
				return
			}
		}
	}
	failed, n := 0, 0
	var werr error
	for r := range c.ProvisionNetworkTokens(ctx, items, opts) {
		n++
		if r.Err != nil {
			failed++
		}
		if err := out.item(record{Ref: r.Key, NetworkToken: networkTokenOut(r.Token)}, r.Err); err != nil && werr == nil {
			werr = err
		}
	}
	prog.Finish()
	return batchOutcome(ctx, werr, inErr, failed, n)
}

var networkTokenGet = &command{
	path:     "network-token get",
	summary:  "read network tokens",
	synopsis: []string{"-config FILE [-json | -q] ID...", "-config FILE -ids FILE [-concurrency N] [-json | -q]"},
	description: `Reads each network token and prints its state, scheme, masked DPAN, token expiry, the card's last four digits and expiry, and the PAR.

With one ID the result is printed as fields, and the exit status is that of the operation. With several IDs, or -ids, each id gets one line (or one JSON object) as it completes, a progress line is drawn on standard error when it is a terminal, and the exit status is 4 if any item failed.`,
	examples: `export TOKENIZE_CONFIG=tokenize.json
tokenize network-token get nt_4pxvqk2c65mdm633dmkar5tqbt
tokenize network-token get -ids held-network-tokens.txt -json > states.jsonl`,
	setup: func(fs *flag.FlagSet) func(context.Context, stdio, []string) error {
		var (
			cf clientFlags
			bf batchFlags
		)
		cf.register(fs, true)
		bf.register(fs, "network token")
		return func(ctx context.Context, std stdio, args []string) error {
			return onRefs(ctx, std, &cf, &bf, "network-token get", args, func(ctx context.Context, c *tokenize.Client, id string) (record, error) {
				nt, err := c.GetNetworkToken(ctx, id)
				return record{NetworkToken: networkTokenOut(nt)}, err
			})
		}
	},
}

var networkTokenDelete = &command{
	path:     "network-token delete",
	summary:  "delete network tokens at the scheme",
	synopsis: []string{"-config FILE [-initiated-by WHO] [-reason WHY] [-json] ID...", "-config FILE -ids FILE [-concurrency N] [...]"},
	description: `Deletes each network token permanently at the scheme. Providers without a documented delete (Nuvei) fail with Unsupported (exit status 21) before anything is sent.

Several IDs, or -ids, run as a batch: one line per id, a progress line on a terminal, exit status 4 if any item failed.`,
	examples: `export TOKENIZE_CONFIG=tokenize.json
tokenize network-token delete nt_4pxvqk2c65mdm633dmkar5tqbt
tokenize network-token delete -initiated-by cardholder -reason fraud \
    nt_4pxvqk2c65mdm633dmkar5tqbt`,
	setup: func(fs *flag.FlagSet) func(context.Context, stdio, []string) error {
		var (
			cf                clientFlags
			bf                batchFlags
			initiator, reason string
		)
		cf.register(fs, false)
		fs.StringVar(&initiator, "initiated-by", "token_requestor", "Who asked for the deletion (`WHO`: token_requestor, meaning you, or cardholder).")
		fs.StringVar(&reason, "reason", "other", "Why (`WHY`: other or fraud).")
		bf.register(fs, "network token")
		return func(ctx context.Context, std stdio, args []string) error {
			by, err := tokenize.ParseDeleteInitiator(initiator)
			if err != nil {
				return usagef("-initiated-by: want token_requestor or cardholder")
			}
			why, err := tokenize.ParseDeleteReason(reason)
			if err != nil {
				return usagef("-reason: want other or fraud")
			}
			return onRefs(ctx, std, &cf, &bf, "network-token delete", args, func(ctx context.Context, c *tokenize.Client, id string) (record, error) {
				return record{}, c.DeleteNetworkToken(ctx, tokenize.DeleteNetworkTokenRequest{ID: id, InitiatedBy: by, Reason: why})
			})
		}
	},
}

var cryptogramCommand = &command{
	path:        "cryptogram",
	summary:     "request a cryptogram for a network token",
	synopsis:    []string{"-config FILE [-type TYPE] [-json] NETWORK-TOKEN-ID"},
	description: `Requests a fresh cryptogram for one transaction with the network token and prints its ECI and the masked DPAN. The cryptogram itself is printed as [REDACTED], as the library prints every secret: this command checks that the token can pay, it does not hand out payment credentials. A token that is not active fails with FailedPrecondition (exit status 16).`,
	examples: `tokenize cryptogram -config tokenize.json nt_4pxvqk2c65mdm633dmkar5tqbt

export TOKENIZE_CONFIG=tokenize.json
tokenize cryptogram -type recurring -json nt_4pxvqk2c65mdm633dmkar5tqbt`,
	setup: func(fs *flag.FlagSet) func(context.Context, stdio, []string) error {
		var (
			cf clientFlags
			tt string
		)
		cf.register(fs, false)
		fs.StringVar(&tt, "type", "ecom", "The transaction the cryptogram is for (`TYPE`: ecom, recurring, pos or aft; what each provider accepts is in README's capability matrix).")
		return func(ctx context.Context, std stdio, args []string) error {
			if len(args) != 1 {
				return usagef("one network token id is required")
			}
			t, err := tokenize.ParseTransactionType(tt)
			if err != nil {
				return usagef("-type: want ecom, recurring, pos or aft")
			}
			c, err := cf.open(ctx, std)
			if err != nil {
				return err
			}
			cg, err := c.RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: args[0], TransactionType: t})
			return printResult(cf.output(std, "cryptogram"), record{Ref: args[0], Cryptogram: cryptogramOut(cg)}, err)
		}
	},
}

// printResult prints the result of a command about one item and returns the
// operation's error, which decides the exit status.
func printResult(out *output, r record, err error) error {
	if werr := out.single(r, err); err == nil {
		return werr
	}
	return err
}
