package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/tokenize-go/tokenize"
	"github.com/tokenize-go/tokenize/internal/redact"
)

// record is one result as -json prints it: one JSON object per line, the
// same shape for every command, so a script reads every output the same
// way. Card numbers and DPANs are masked, cryptograms redacted.
type record struct {
	// Command is the subcommand, such as "network-token get".
	Command string `json:"command"`
	// Ref is the item the result is about when the command was given one:
	// the id to get, delete or provision from.
	Ref string `json:"ref,omitempty"`
	// OK reports success.
	OK           bool              `json:"ok"`
	PaymentToken *paymentTokenJSON `json:"payment_token,omitempty"`
	NetworkToken *networkTokenJSON `json:"network_token,omitempty"`
	Cryptogram   *cryptogramJSON   `json:"cryptogram,omitempty"`
	// Event is a change a sync found.
	Event *eventJSON `json:"event,omitempty"`
	// Error is the failure, with the library's *tokenize.Error JSON form
	// (code, op, provider, http_status, provider_codes, field, ...).
	Error *tokenize.Error `json:"error,omitempty"`
	// ExitStatus is the status the command exits with for this error,
	// when the command handles this item alone.
	ExitStatus int `json:"exit_status,omitempty"`
}

// paymentTokenJSON is a tokenize.PaymentToken with snake_case names.
type paymentTokenJSON struct {
	Provider          string           `json:"provider"`
	ID                string           `json:"id"`
	Kind              string           `json:"kind"`
	Card              *cardDetailsJSON `json:"card,omitempty"`
	BankAccount       *bankJSON        `json:"bank_account,omitempty"`
	CustomerReference string           `json:"customer_reference,omitempty"`
	MerchantReference string           `json:"merchant_reference,omitempty"`
	UsageIntent       string           `json:"usage_intent,omitempty"`
	NetworkTokenID    string           `json:"network_token_id,omitempty"`
}

type cardDetailsJSON struct {
	Brand         string `json:"brand"`
	MaskedNumber  string `json:"masked_number"`
	BIN           string `json:"bin,omitempty"`
	Last4         string `json:"last4,omitempty"`
	ExpiryMonth   int    `json:"expiry_month,omitempty"`
	ExpiryYear    int    `json:"expiry_year,omitempty"`
	Type          string `json:"type,omitempty"`
	Prepaid       bool   `json:"prepaid,omitempty"`
	IssuerCountry string `json:"issuer_country,omitempty"`
	HolderName    string `json:"holder_name,omitempty"`
}

type bankJSON struct {
	Last4         string `json:"last4,omitempty"`
	RoutingNumber string `json:"routing_number,omitempty"`
	AccountType   string `json:"account_type,omitempty"`
}

// networkTokenJSON is a tokenize.NetworkToken with snake_case names and
// the DPAN masked.
type networkTokenJSON struct {
	Provider         string     `json:"provider"`
	ID               string     `json:"id"`
	PaymentTokenID   string     `json:"payment_token_id,omitempty"`
	State            string     `json:"state"`
	Scheme           string     `json:"scheme"`
	MaskedNumber     string     `json:"masked_number,omitempty"`
	ExpiryMonth      int        `json:"expiry_month,omitempty"`
	ExpiryYear       int        `json:"expiry_year,omitempty"`
	CardLast4        string     `json:"card_last4,omitempty"`
	CardExpiryMonth  int        `json:"card_expiry_month,omitempty"`
	CardExpiryYear   int        `json:"card_expiry_year,omitempty"`
	PAR              string     `json:"payment_account_reference,omitempty"`
	TokenRequestorID string     `json:"token_requestor_id,omitempty"`
	TokenReference   string     `json:"token_reference,omitempty"`
	AssuranceLevel   string     `json:"assurance_level,omitempty"`
	CreatedAt        *time.Time `json:"created_at,omitempty"`
	UpdatedAt        *time.Time `json:"updated_at,omitempty"`
	AlreadyExisted   bool       `json:"already_existed"`
}

// cryptogramJSON is a tokenize.Cryptogram without its value, which is
// printed as the library prints every secret: "[REDACTED]".
type cryptogramJSON struct {
	Provider        string `json:"provider"`
	NetworkTokenID  string `json:"network_token_id"`
	TransactionType string `json:"transaction_type"`
	Value           string `json:"value"`
	ECI             string `json:"eci"`
	MaskedNumber    string `json:"masked_number,omitempty"`
	ExpiryMonth     int    `json:"expiry_month,omitempty"`
	ExpiryYear      int    `json:"expiry_year,omitempty"`
}

func paymentTokenOut(pt *tokenize.PaymentToken) *paymentTokenJSON {
	if pt == nil {
		return nil
	}
	out := &paymentTokenJSON{
		Provider:          pt.Provider,
		ID:                pt.ID,
		Kind:              pt.Kind.String(),
		CustomerReference: pt.CustomerReference,
		MerchantReference: pt.MerchantReference,
		NetworkTokenID:    pt.NetworkTokenID,
	}
	if pt.UsageIntent != tokenize.UsageUnspecified {
		out.UsageIntent = pt.UsageIntent.String()
	}
	if c := pt.Card; c != nil {
		out.Card = &cardDetailsJSON{
			Brand: c.Brand.String(), MaskedNumber: c.MaskedNumber, BIN: c.BIN, Last4: c.Last4,
			ExpiryMonth: c.ExpiryMonth, ExpiryYear: c.ExpiryYear, Prepaid: c.Prepaid,
			IssuerCountry: c.IssuerCountry, HolderName: c.HolderName,
		}
		if c.Type != tokenize.CardTypeUnknown {
			out.Card.Type = c.Type.String()
		}
	}
	if b := pt.BankAccount; b != nil {
		out.BankAccount = &bankJSON{Last4: b.Last4, RoutingNumber: b.RoutingNumber}
		if b.AccountType != tokenize.AccountTypeUnknown {
			out.BankAccount.AccountType = b.AccountType.String()
		}
	}
	return out
}

func networkTokenOut(nt *tokenize.NetworkToken) *networkTokenJSON {
	if nt == nil {
		return nil
	}
	return &networkTokenJSON{
		Provider: nt.Provider, ID: nt.ID, PaymentTokenID: nt.PaymentTokenID,
		State: nt.State.String(), Scheme: nt.Scheme.String(), MaskedNumber: nt.Number.Masked(),
		ExpiryMonth: nt.ExpiryMonth, ExpiryYear: nt.ExpiryYear,
		CardLast4: nt.CardLast4, CardExpiryMonth: nt.CardExpiryMonth, CardExpiryYear: nt.CardExpiryYear,
		PAR: nt.PaymentAccountReference, TokenRequestorID: nt.TokenRequestorID,
		TokenReference: nt.TokenReference, AssuranceLevel: nt.AssuranceLevel,
		CreatedAt: timeOrNil(nt.CreatedAt), UpdatedAt: timeOrNil(nt.UpdatedAt),
		AlreadyExisted: nt.AlreadyExisted,
	}
}

func cryptogramOut(cg *tokenize.Cryptogram) *cryptogramJSON {
	if cg == nil {
		return nil
	}
	return &cryptogramJSON{
		Provider: cg.Provider, NetworkTokenID: cg.NetworkTokenID,
		TransactionType: cg.TransactionType.String(), Value: cg.Value.String(), ECI: cg.ECI,
		MaskedNumber: cg.Number.Masked(), ExpiryMonth: cg.ExpiryMonth, ExpiryYear: cg.ExpiryYear,
	}
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// asTokenizeError returns err as a *tokenize.Error for the JSON record:
// errors from outside the library (a context error) become one with their
// Code and scrubbed message.
func asTokenizeError(err error) *tokenize.Error {
	var te *tokenize.Error
	if errors.As(err, &te) {
		return te
	}
	return &tokenize.Error{Code: tokenize.CodeOf(err), Message: redact.CardNumbers(err.Error())}
}

// output prints results for people (aligned fields, or one line per item
// of a batch), for scripts (-json, one record per line) or ids only (-q).
// It is safe for concurrent use by a batch's workers.
type output struct {
	std     stdio
	command string
	json    bool
	quiet   bool

	mu sync.Mutex
}

// single prints the result of a command about one item. A failure is
// printed by run on standard error; with -json it is also a record on
// standard output.
func (o *output) single(r record, err error) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err != nil {
		r.OK, r.Error, r.ExitStatus = false, asTokenizeError(err), exitCode(err)
		if o.json {
			return o.encode(r)
		}
		return nil
	}
	r.OK = true
	switch {
	case o.json:
		return o.encode(r)
	case o.quiet:
		if id := r.id(); id != "" {
			_, werr := fmt.Fprintln(o.std.out, id)
			return werr
		}
		return nil
	}
	tw := tabwriter.NewWriter(o.std.out, 0, 0, 2, ' ', 0)
	for _, f := range r.fields() {
		fmt.Fprintf(tw, "%s\t%s\n", f[0], f[1])
	}
	return tw.Flush()
}

// item prints the result of one item of a batch: a record, or a line
// "REF  ok    SUMMARY" / "REF  FAIL  provider Op: Code: message".
func (o *output) item(r record, err error) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	r.Ref = redact.CardNumbers(r.Ref) // a mistaken line of an -ids file is not echoed
	r.OK = err == nil
	if err != nil {
		r.Error = asTokenizeError(err)
	}
	switch {
	case o.json:
		return o.encode(r)
	case o.quiet:
		if id := r.id(); id != "" && r.OK {
			_, werr := fmt.Fprintln(o.std.out, id)
			return werr
		}
		return nil
	case err != nil:
		_, werr := fmt.Fprintf(o.std.out, "%s  FAIL  %s\n", r.Ref, strings.TrimPrefix(r.Error.Error(), "tokenize: "))
		return werr
	}
	_, werr := fmt.Fprintf(o.std.out, "%s  ok    %s\n", r.Ref, r.summary())
	return werr
}

func (o *output) encode(r record) error {
	r.Command = o.command
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = o.std.out.Write(append(b, '\n'))
	return err
}

// id is what -q prints: the id of the token the command returned.
func (r record) id() string {
	switch {
	case r.PaymentToken != nil:
		return r.PaymentToken.ID
	case r.NetworkToken != nil:
		return r.NetworkToken.ID
	}
	return ""
}

// summary is one line about a successful result.
func (r record) summary() string {
	switch {
	case r.PaymentToken != nil:
		return describeCard(r.PaymentToken)
	case r.NetworkToken != nil:
		nt := r.NetworkToken
		scheme := nt.Scheme
		if scheme == tokenize.SchemeUnknown.String() {
			scheme = ""
		}
		s := strings.Join(nonEmpty(nt.ID, scheme, nt.State), " ")
		if nt.MaskedNumber != "" {
			s += " dpan " + nt.MaskedNumber
		}
		if nt.AlreadyExisted {
			s += " (existing)"
		}
		return s
	case r.Cryptogram != nil:
		return "cryptogram " + r.Cryptogram.Value + " eci " + r.Cryptogram.ECI
	case r.Event != nil:
		return r.Event.Kind + ": " + record{NetworkToken: r.Event.NetworkToken}.summary()
	}
	return "deleted"
}

func describeCard(pt *paymentTokenJSON) string {
	parts := []string{pt.ID, pt.Kind}
	if c := pt.Card; c != nil {
		parts = append(parts, c.Brand, c.MaskedNumber, expiry(c.ExpiryMonth, c.ExpiryYear))
	}
	if b := pt.BankAccount; b != nil {
		parts = append(parts, b.AccountType, maskedLast4(b.Last4), b.RoutingNumber)
	}
	return strings.Join(nonEmpty(parts...), " ")
}

// fields are the lines of the human form of a single result.
func (r record) fields() [][2]string {
	var f [][2]string
	add := func(k, v string) {
		if v != "" && v != "0" {
			f = append(f, [2]string{k, v})
		}
	}
	switch {
	case r.PaymentToken != nil:
		pt := r.PaymentToken
		add("payment token", pt.ID)
		add("provider", pt.Provider)
		add("kind", pt.Kind)
		if c := pt.Card; c != nil {
			add("card", strings.Join(nonEmpty(c.Brand, c.MaskedNumber), " "))
			add("expiry", expiry(c.ExpiryMonth, c.ExpiryYear))
			add("card type", c.Type)
			add("issuer country", c.IssuerCountry)
			add("holder", c.HolderName)
		}
		if b := pt.BankAccount; b != nil {
			add("account", strings.Join(nonEmpty(b.AccountType, maskedLast4(b.Last4)), " "))
			add("routing number", b.RoutingNumber)
		}
		add("customer reference", pt.CustomerReference)
		add("merchant reference", pt.MerchantReference)
		add("usage intent", pt.UsageIntent)
		add("network token", pt.NetworkTokenID)
	case r.NetworkToken != nil:
		nt := r.NetworkToken
		add("network token", nt.ID)
		add("provider", nt.Provider)
		add("state", nt.State)
		add("scheme", nt.Scheme)
		add("dpan", nt.MaskedNumber)
		add("token expiry", expiry(nt.ExpiryMonth, nt.ExpiryYear))
		add("card last4", nt.CardLast4)
		add("card expiry", expiry(nt.CardExpiryMonth, nt.CardExpiryYear))
		add("payment token", nt.PaymentTokenID)
		add("par", nt.PAR)
		add("token requestor id", nt.TokenRequestorID)
		add("token reference", nt.TokenReference)
		add("assurance level", nt.AssuranceLevel)
		if nt.AlreadyExisted {
			add("already existed", "yes: provisioning returned the existing token")
		}
	case r.Cryptogram != nil:
		cg := r.Cryptogram
		add("cryptogram", cg.Value)
		add("provider", cg.Provider)
		add("network token", cg.NetworkTokenID)
		add("transaction type", cg.TransactionType)
		add("eci", cg.ECI)
		add("dpan", cg.MaskedNumber)
		add("dpan expiry", expiry(cg.ExpiryMonth, cg.ExpiryYear))
	default:
		add("deleted", r.Ref)
	}
	return f
}

func expiry(month, year int) string {
	if month == 0 && year == 0 {
		return ""
	}
	return fmt.Sprintf("%02d/%s", month, strconv.Itoa(year))
}

func nonEmpty(ss ...string) []string {
	out := ss[:0:0]
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func maskedLast4(last4 string) string {
	if last4 == "" {
		return ""
	}
	return "****" + last4
}
