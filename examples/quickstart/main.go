// Command quickstart runs the whole tokenize lifecycle against every
// provider through the one neutral API, and prints what each step returned,
// side by side, with masked values only.
//
// With no flags it needs nothing: it starts the Nuvei, Checkout.com and
// Worldpay simulators in-process on loopback and opens one Client per
// provider from the configuration each simulator describes. One step has
// the simulator suspend the network token, as its issuer would, and shows
// the change arriving as a neutral event: by webhook for Checkout.com, by
// sync for Nuvei and Worldpay, which push nothing. Another provisions a
// card whose network token the scheme issues later (Worldpay's
// asynchronous Mastercard path, Checkout.com's requested state) and
// finishes it with AwaitNetworkToken, the same call for both.
//
//	go run ./examples/quickstart               # all three simulators, a table
//	go run ./examples/quickstart -provider nuvei
//	go run ./examples/quickstart -v            # plus the Client's debug logs (redacted)
//	go run ./examples/quickstart -json         # one JSON record per step
//	go run ./examples/quickstart -config sandbox.json   # a real sandbox
//
// A -config file is a tokenize configuration (see tokenize.LoadConfig):
// ${NAME} references are expanded from the environment, so credentials stay
// out of the file. -config may be repeated to run several providers. The
// test card defaults to the simulator's Visa test card of that provider;
// -pan overrides it for a sandbox with other test cards.
//
// The exit status is 0 only if every step did what it should: succeeded,
// or (for the deliberate validation error and unsupported operation)
// failed with the expected code.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tokenize-go/tokenize"
	_ "github.com/tokenize-go/tokenize/providers/checkout" // registers "checkout"
	"github.com/tokenize-go/tokenize/providers/checkout/checkoutsim"
	_ "github.com/tokenize-go/tokenize/providers/nuvei" // registers "nuvei"
	"github.com/tokenize-go/tokenize/providers/nuvei/nuveisim"
	_ "github.com/tokenize-go/tokenize/providers/worldpay" // registers "worldpay"
	"github.com/tokenize-go/tokenize/providers/worldpay/worldpaysim"
)

// target is one provider to run the lifecycle against.
type target struct {
	name string
	cfg  tokenize.Config
	pan  string
	// pendingPAN, when set, is a card whose network token the scheme
	// issues after provisioning has answered.
	pendingPAN string
	// issuer is the simulator, to change a token as its issuer would; nil
	// for a -config target.
	issuer issuer
}

// issuer is what the lifecycle step asks of a simulator: suspend a token.
// A simulator that also delivers webhooks (checkoutsim) is a
// webhookSender.
type issuer interface {
	SetNetworkTokenState(id string, state tokenize.NetworkTokenState) error
}

type webhookSender interface {
	SendWebhooksTo(url string)
	WaitWebhooks(ctx context.Context) error
}

// record is the outcome of one step, as printed by -json.
type record struct {
	Provider string `json:"provider"`
	Step     string `json:"step"`
	OK       bool   `json:"ok"`
	// Code is the error's tokenize code, when the step returned an error
	// (expected or not).
	Code string `json:"code,omitempty"`
	// Detail is what the step returned, masked.
	Detail string `json:"detail"`
}

// configFlags collects repeated -config flags.
type configFlags []string

func (c *configFlags) String() string     { return strings.Join(*c, ",") }
func (c *configFlags) Set(v string) error { *c = append(*c, v); return nil }

func main() {
	var configs configFlags
	flag.Var(&configs, "config", "tokenize config `file` (JSON, ${ENV} expanded); repeatable; default: the built-in simulators")
	provider := flag.String("provider", "", "run only this `provider`")
	pan := flag.String("pan", "", "test card number to use instead of the simulator's Visa test card")
	verbose := flag.Bool("v", false, "print the Client's debug logs (redacted) to stderr")
	asJSON := flag.Bool("json", false, "print one JSON record per step instead of a table")
	flag.Parse()

	if err := run(os.Stdout, configs, *provider, *pan, *verbose, *asJSON); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(out io.Writer, configs []string, only, pan string, verbose, asJSON bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	targets, stop, err := targetsFor(configs)
	if err != nil {
		return err
	}
	defer stop()

	logger := slog.New(slog.DiscardHandler)
	if verbose {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}

	var results [][]record
	var names []string
	for _, t := range targets {
		if only != "" && t.name != only {
			continue
		}
		if pan != "" {
			t.pan = pan
		}
		c, err := tokenize.Open(ctx, t.cfg, tokenize.WithLogger(logger))
		if err != nil {
			return fmt.Errorf("open %s: %w", t.name, err)
		}
		names = append(names, t.name)
		results = append(results, lifecycle(ctx, c, t.pan, t.pendingPAN, t.issuer))
	}
	if len(names) == 0 {
		return fmt.Errorf("no provider named %q (have: %s)", only, strings.Join(targetNames(targets), ", "))
	}

	if asJSON {
		enc := json.NewEncoder(out)
		for _, rs := range results {
			for _, r := range rs {
				if err := enc.Encode(r); err != nil {
					return err
				}
			}
		}
	} else {
		printTable(out, names, results)
	}

	failed := 0
	for _, rs := range results {
		for _, r := range rs {
			if !r.OK {
				failed++
			}
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d step(s) failed", failed)
	}
	return nil
}

// targetsFor returns the providers to run: the built-in simulators, or the
// given config files. stop shuts the simulators down.
func targetsFor(configs []string) (targets []target, stop func(), err error) {
	if len(configs) == 0 {
		nv := nuveisim.NewServer()
		co := checkoutsim.NewServer()
		// The scheme issues pending tokens when the quickstart's issuer
		// says so, as for Checkout.com.
		wp := worldpaysim.NewServer(worldpaysim.WithPendingFor(0))
		return []target{
				{name: "nuvei", cfg: nv.Config(), pan: nuveisim.VisaPAN, issuer: nv},
				{name: "checkout", cfg: co.Config(), pan: checkoutsim.VisaPAN, pendingPAN: checkoutsim.RequestedPAN, issuer: co},
				{name: "worldpay", cfg: wp.Config(), pan: worldpaysim.VisaPAN, pendingPAN: worldpaysim.PendingPAN, issuer: wp},
			}, func() {
				nv.Close()
				co.Close()
				wp.Close()
			}, nil
	}
	defaultPAN := map[string]string{"nuvei": nuveisim.VisaPAN, "checkout": checkoutsim.VisaPAN, "worldpay": worldpaysim.VisaPAN}
	for _, path := range configs {
		cfg, err := tokenize.LoadConfig(path)
		if err != nil {
			return nil, nil, err
		}
		targets = append(targets, target{name: cfg.Provider, cfg: cfg, pan: defaultPAN[cfg.Provider]})
	}
	return targets, func() {}, nil
}

func targetNames(ts []target) []string {
	var n []string
	for _, t := range ts {
		n = append(n, t.name)
	}
	return n
}

// lifecycle runs every step against one Client and records each outcome.
// Later steps use what earlier ones created; a step whose input is missing
// because an earlier one failed fails too, saying why.
func lifecycle(ctx context.Context, c *tokenize.Client, pan, pendingPAN string, sim issuer) []record {
	caps := c.Capabilities()
	now := time.Now()
	card := tokenize.Card{
		Number:      tokenize.PAN(pan),
		ExpiryMonth: 12,
		ExpiryYear:  now.Year() + 3,
		CVV:         "123",
		HolderName:  "Ada Lovelace",
	}
	var rs []record
	add := func(step string, detail string, err error, expect tokenize.Code) {
		r := record{Provider: c.Provider(), Step: step, Detail: detail}
		code := tokenize.CodeOf(err)
		r.OK = code == expect
		if err != nil {
			r.Code = code.String()
			r.Detail = explain(err, r.OK)
			if detail != "" {
				r.Detail = detail + ": " + r.Detail
			}
		}
		rs = append(rs, r)
	}
	skip := func(step, why string) {
		rs = append(rs, record{Provider: c.Provider(), Step: step, OK: true, Detail: "skipped: " + why})
	}

	// 1. Tokenize the card and read it back.
	pt, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{
		Card:              &card,
		MerchantReference: fmt.Sprintf("quickstart-%d", now.UnixNano()),
		UsageIntent:       tokenize.UsageUnscheduled,
	})
	add("create payment token", describePaymentToken(pt), err, tokenize.OK)
	if pt != nil {
		got, err := c.GetPaymentToken(ctx, pt.ID)
		add("get payment token", describePaymentToken(got), err, tokenize.OK)
	} else {
		add("get payment token", "", errNoInput("payment token"), tokenize.OK)
	}

	// 2. Provision a network token from it (or from the card, if that is
	// all the provider offers), read it, and ask for a cryptogram.
	var nt *tokenize.NetworkToken
	switch {
	case caps.ProvisionFromPaymentToken && pt != nil:
		nt, err = c.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: pt.ID})
	case caps.ProvisionFromPaymentToken:
		err = errNoInput("payment token")
	default:
		nt, err = c.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{Card: &card})
	}
	add("provision network token", describeNetworkToken(nt), err, tokenize.OK)
	if nt != nil {
		got, err := c.GetNetworkToken(ctx, nt.ID)
		add("get network token", describeNetworkToken(got), err, tokenize.OK)
		cg, err := c.RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: nt.ID, TransactionType: tokenize.ECommerce})
		add("request cryptogram", describeCryptogram(cg), err, tokenize.OK)
	} else {
		add("get network token", "", errNoInput("network token"), tokenize.OK)
		add("request cryptogram", "", errNoInput("network token"), tokenize.OK)
	}

	// 3. The issuer suspends the token; the change arrives as a neutral
	// event, by webhook where the provider pushes (Checkout.com), by sync
	// where it does not (Nuvei).
	if nt != nil {
		detail, err := tokenChange(ctx, c, *nt, sim)
		add("issuer suspends network token", detail, err, tokenize.OK)
	} else {
		add("issuer suspends network token", "", errNoInput("network token"), tokenize.OK)
	}

	// 4. A provisioning the scheme answers before the token exists, where
	// the provider can: the token comes back requested, and
	// AwaitNetworkToken reads it until it is issued.
	const pendingStep = "provision pending, await the token"
	switch {
	case !caps.ProvisionMayBePending:
		skip(pendingStep, c.Provider()+" answers with the token")
	case pendingPAN == "":
		skip(pendingStep, "no card known to take the asynchronous path here")
	default:
		pcard := card
		pcard.Number = tokenize.PAN(pendingPAN)
		detail, err := awaitPending(ctx, c, pcard, sim)
		add(pendingStep, detail, err, tokenize.OK)
	}

	// 5. Delete, where the provider supports it.
	switch {
	case !caps.Supports(tokenize.OpDeleteNetworkToken):
		skip("delete network token", "not supported by "+c.Provider())
	case nt == nil:
		add("delete network token", "", errNoInput("network token"), tokenize.OK)
	default:
		err := c.DeleteNetworkToken(ctx, tokenize.DeleteNetworkTokenRequest{
			ID: nt.ID, InitiatedBy: tokenize.InitiatedByTokenRequestor, Reason: tokenize.ReasonOther,
		})
		add("delete network token", "deleted "+nt.ID, err, tokenize.OK)
	}
	switch {
	case !caps.Supports(tokenize.OpDeletePaymentToken):
		skip("delete payment token", "not supported by "+c.Provider())
	case pt == nil:
		add("delete payment token", "", errNoInput("payment token"), tokenize.OK)
	default:
		err := c.DeletePaymentToken(ctx, pt.ID)
		add("delete payment token", "deleted "+pt.ID, err, tokenize.OK)
	}

	// 6. A deliberate validation error: the Client refuses a card number
	// with a bad check digit before anything is sent.
	bad := card
	bad.Number = tokenize.PAN(badCheckDigit(pan))
	_, err = c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: &bad})
	add("invalid card (expected error)", "", err, tokenize.InvalidArgument)

	// 7. A deliberate unsupported request.
	const unsupportedStep = "unsupported request (expected error)"
	what, err := unsupported(ctx, c, &card)
	if what == "" {
		skip(unsupportedStep, c.Provider()+" declares every operation")
	} else {
		add(unsupportedStep, what, err, tokenize.Unsupported)
	}
	return rs
}

// awaitPending provisions card, whose network token the scheme issues
// later, and waits for it with AwaitNetworkToken. With a simulator, the
// scheme issues it shortly after the provisioning answered.
func awaitPending(ctx context.Context, c *tokenize.Client, card tokenize.Card, sim issuer) (string, error) {
	req := tokenize.ProvisionNetworkTokenRequest{Card: &card}
	if !c.Capabilities().ProvisionFromCard {
		pt, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: &card})
		if err != nil {
			return "", err
		}
		req = tokenize.ProvisionNetworkTokenRequest{PaymentTokenID: pt.ID}
	}
	nt, err := c.ProvisionNetworkToken(ctx, req)
	if err != nil {
		return "", err
	}
	first := nt.State
	start := time.Now()
	if nt.State == tokenize.StateRequested {
		if sim != nil {
			issued := time.AfterFunc(300*time.Millisecond, func() { _ = sim.SetNetworkTokenState(nt.ID, tokenize.StateActive) })
			defer issued.Stop()
		}
		if nt, err = c.AwaitNetworkToken(ctx, nt.ID, tokenize.AwaitOptions{Interval: 100 * time.Millisecond}); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("%s, %s after %.1fs: dpan %v", first, nt.State, time.Since(start).Seconds(), nt.Number), nil
}

// tokenChange has the simulator suspend held and reports the event that
// tells: a webhook received through the Client's handler when the provider
// declares webhooks, otherwise a sync of the copy held. Without a
// simulator (-config) nothing is changed and the sync reports what it
// finds.
func tokenChange(ctx context.Context, c *tokenize.Client, held tokenize.NetworkToken, sim issuer) (string, error) {
	events := make(chan *tokenize.NetworkTokenEvent, 8)
	how := "sync"
	if ws, ok := sim.(webhookSender); ok && c.Capabilities().Webhooks {
		h, err := c.WebhookHandler(func(_ context.Context, ev *tokenize.NetworkTokenEvent) error {
			events <- ev // and store it: an error here makes the provider send it again
			return nil
		})
		if err != nil {
			return "", err
		}
		srv := httptest.NewServer(h) // your service's webhook URL
		defer srv.Close()
		ws.SendWebhooksTo(srv.URL)
		defer ws.SendWebhooksTo("")
		how = "webhook"
	}
	if sim != nil {
		if err := sim.SetNetworkTokenState(held.ID, tokenize.StateSuspended); err != nil {
			return "", err
		}
	}
	if ws, ok := sim.(webhookSender); ok && how == "webhook" {
		if err := ws.WaitWebhooks(ctx); err != nil {
			return "", err
		}
	} else {
		for r := range c.SyncNetworkTokens(ctx, slices.Values([]tokenize.NetworkToken{held}), tokenize.BatchOptions{}) {
			if r.Err != nil {
				return "", r.Err
			}
			events <- r.Event
		}
	}
	select {
	case ev := <-events:
		changed, _ := ev.Apply(&held)
		return fmt.Sprintf("%s %s: %s, now %s", how, ev.Token.ID, changed, held.State), nil
	default:
		if sim == nil {
			return how + ": no change", nil
		}
		return "", &tokenize.Error{Code: tokenize.Internal, Message: "no event arrived for the change"}
	}
}

// unsupported calls something the provider does not declare: an
// operation, a temporary token, a transaction type or a payment method, in
// that order of preference. It returns "" if the provider declares all.
func unsupported(ctx context.Context, c *tokenize.Client, card *tokenize.Card) (string, error) {
	caps := c.Capabilities()
	const id = "qs_unknown"
	for _, op := range tokenize.Operations() {
		if caps.Supports(op) {
			continue
		}
		var err error
		switch op {
		case tokenize.OpCreatePaymentToken:
			_, err = c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{Card: card})
		case tokenize.OpGetPaymentToken:
			_, err = c.GetPaymentToken(ctx, id)
		case tokenize.OpDeletePaymentToken:
			err = c.DeletePaymentToken(ctx, id)
		case tokenize.OpProvisionNetworkToken:
			_, err = c.ProvisionNetworkToken(ctx, tokenize.ProvisionNetworkTokenRequest{Card: card})
		case tokenize.OpGetNetworkToken:
			_, err = c.GetNetworkToken(ctx, id)
		case tokenize.OpDeleteNetworkToken:
			err = c.DeleteNetworkToken(ctx, tokenize.DeleteNetworkTokenRequest{
				ID: id, InitiatedBy: tokenize.InitiatedByTokenRequestor, Reason: tokenize.ReasonOther,
			})
		case tokenize.OpRequestCryptogram:
			_, err = c.RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: id, TransactionType: tokenize.ECommerce})
		}
		return op.String(), err
	}
	if !caps.TemporaryTokens {
		_, err := c.CreatePaymentToken(ctx, tokenize.CreatePaymentTokenRequest{TemporaryToken: "tmp_quickstart"})
		return "temporary token", err
	}
	for _, tt := range []tokenize.TransactionType{tokenize.ECommerce, tokenize.Recurring, tokenize.PointOfSale, tokenize.AccountFunding} {
		if !caps.SupportsTransactionType(tt) {
			_, err := c.RequestCryptogram(ctx, tokenize.CryptogramRequest{NetworkTokenID: id, TransactionType: tt})
			return "cryptogram " + tt.String(), err
		}
	}
	return "", nil
}

// explain describes an error: briefly when it was the expected one (its
// code, and the field for a validation error), in full otherwise.
func explain(err error, expected bool) string {
	var te *tokenize.Error
	if !expected || !errors.As(err, &te) {
		return err.Error()
	}
	s := "as expected, " + te.Code.String()
	if te.Field != "" {
		s += " on " + te.Field
	}
	if te.Code == tokenize.InvalidArgument {
		s += ", nothing sent"
	}
	return s
}

func errNoInput(what string) error {
	return &tokenize.Error{Code: tokenize.FailedPrecondition, Message: "no " + what + ": an earlier step failed"}
}

// badCheckDigit returns pan with its last digit changed, so that it fails
// the Luhn check.
func badCheckDigit(pan string) string {
	if pan == "" {
		return "4242424242424241"
	}
	last := pan[len(pan)-1]
	return pan[:len(pan)-1] + string('0'+(last-'0'+1)%10)
}

func describePaymentToken(pt *tokenize.PaymentToken) string {
	if pt == nil {
		return ""
	}
	if pt.Card == nil {
		return pt.ID
	}
	return fmt.Sprintf("%s %s %s %02d/%d", pt.ID, pt.Card.Brand, pt.Card.MaskedNumber, pt.Card.ExpiryMonth, pt.Card.ExpiryYear)
}

func describeNetworkToken(nt *tokenize.NetworkToken) string {
	if nt == nil {
		return ""
	}
	existed := ""
	if nt.AlreadyExisted {
		existed = " (existing)"
	}
	return fmt.Sprintf("%s %s %s dpan %v%s", nt.ID, nt.Scheme, nt.State, nt.Number, existed)
}

func describeCryptogram(cg *tokenize.Cryptogram) string {
	if cg == nil {
		return ""
	}
	return fmt.Sprintf("cryptogram %v eci %s", cg.Value, cg.ECI)
}

// printTable prints one row per step and one column per provider.
func printTable(out io.Writer, names []string, results [][]record) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "STEP\t%s\n", strings.ToUpper(strings.Join(names, "\t")))
	rows := 0
	for _, rs := range results {
		rows = max(rows, len(rs))
	}
	// Every provider runs the same steps in the same order.
	for i := range rows {
		step := ""
		cells := make([]string, len(results))
		for j, rs := range results {
			if i < len(rs) {
				step = rs[i].Step
				cells[j] = cell(rs[i])
			}
		}
		fmt.Fprintf(tw, "%s\t%s\n", step, strings.Join(cells, "\t"))
	}
	_ = tw.Flush()
}

func cell(r record) string {
	mark := "ok  "
	if !r.OK {
		mark = "FAIL"
	}
	d := r.Detail
	if !r.OK && r.Code != "" {
		d = r.Code + ": " + d
	}
	const width = 80
	if r := []rune(d); len(r) > width {
		d = abbreviateLong(d)
	}
	if r := []rune(d); len(r) > width {
		d = string(r[:width-1]) + "…"
	}
	return mark + " " + d
}

// abbreviateLong shortens each word longer than 32 characters to its
// start and end, so that a long id (Worldpay's token ids are 80
// characters) leaves room in a cell for what follows it. The JSON output
// (-json) keeps every id whole.
func abbreviateLong(s string) string {
	words := strings.Split(s, " ")
	for i, w := range words {
		if r := []rune(w); len(r) > 32 {
			words[i] = string(r[:12]) + "…" + string(r[len(r)-8:])
		}
	}
	return strings.Join(words, " ")
}
