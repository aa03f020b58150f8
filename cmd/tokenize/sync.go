package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"iter"
	"os"
	"strings"
	"time"

	"github.com/tokenize-go/tokenize"
)

// maxHeldLine bounds one line of a -held file: a token's JSON record is
// well under 2 KiB.
const maxHeldLine = 64 << 10

var networkTokenSync = &command{
	path:     "network-token sync",
	summary:  "find the network tokens that changed since you last read them",
	synopsis: []string{"-config FILE -held FILE [-concurrency N] [-rate N] [-json]"},
	description: `Reads every network token you hold again and prints what changed since your copy: a state change (suspended, active again), a new token expiry or card details (a reissued card), or a deletion (a token the provider no longer knows, or one now inactive). Unchanged tokens print nothing. This is the library's SyncNetworkTokens: the polling counterpart of webhooks, for providers that push nothing (Nuvei, Worldpay) and as a safety net for those that do.

-held is a file of the tokens you hold, one a line, "-" for standard input: the JSON records "tokenize network-token get -json" prints (or their "network_token" objects), so that yesterday's output is today's input; or a bare id, which compares with nothing and so reports every token's state. The file is streamed: a million tokens are swept at constant memory, at most -concurrency read at a time and at most -rate a second, and a provider that answers 429 slows the whole sweep down instead of failing it.

Each change prints as one line, or with -json as one record whose "event" holds the event's id, kind (state_changed, card_updated, deleted), occurred_at and the token as read now. A progress line is drawn on standard error when it is a terminal. The exit status is 4 if some tokens could not be read (each with its line; read them again in a later sweep), and 0 otherwise, changes or not.`,
	examples: `export TOKENIZE_CONFIG=nuvei.json
tokenize network-token get -ids held.txt -json > held.jsonl
# ... later:
tokenize network-token sync -held held.jsonl -json > events.jsonl`,
	setup: func(fs *flag.FlagSet) func(context.Context, stdio, []string) error {
		var (
			cf          clientFlags
			held        string
			concurrency int
			rate        float64
		)
		cf.register(fs, false)
		fs.StringVar(&held, "held", "", "Read the tokens you hold from `FILE`, one a line: a record of \"network-token get -json\", its network_token object, or a bare id (\"-\": standard input).")
		fs.IntVar(&concurrency, "concurrency", tokenize.DefaultBatchConcurrency, "Keep at most `N` reads in flight.")
		registerRate(fs, &rate)
		return func(ctx context.Context, std stdio, args []string) error {
			switch {
			case len(args) > 0:
				return usagef("unexpected argument %d: the tokens come from -held FILE", 1)
			case held == "":
				return usagef("-held FILE is required")
			case concurrency < 1:
				return usagef("-concurrency must be at least 1")
			case rate < 0:
				return usagef("-rate must not be negative")
			}
			r, total, closeFn, err := openHeld(std, held)
			if err != nil {
				return err
			}
			defer closeFn()
			c, err := cf.open(ctx, std)
			if err != nil {
				return err
			}
			opts := tokenize.BatchOptions{Concurrency: concurrency, RequestsPerSecond: rate}
			return syncHeld(ctx, std, c, cf.output(std, "network-token sync"), r, total, opts)
		}
	},
}

// openHeld opens a -held file and, when a progress line will be drawn,
// counts its tokens.
func openHeld(std stdio, name string) (io.Reader, int, func() error, error) {
	if name == stdinName {
		return std.in, 0, func() error { return nil }, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, nil, usagef("-held: %v", pathError(err))
	}
	total := 0
	if isTerminal(std.err) {
		total = countLines(name)
	}
	return f, total, f.Close, nil
}

// syncHeld sweeps the held tokens and prints each change and failure.
func syncHeld(ctx context.Context, std stdio, c *tokenize.Client, out *output, r io.Reader, total int, opts tokenize.BatchOptions) error {
	prog := newProgress(std, "network-token sync", total)
	var inErr error
	held := func(yield func(tokenize.NetworkToken) bool) {
		for nt, err := range readHeld(r) {
			if err != nil {
				inErr = err
				return
			}
			if !yield(nt) {
				return
			}
		}
	}
	opts.Total, opts.Progress = total, prog.Set
	failed, n := 0, 0
	var werr error
	for res := range c.SyncNetworkTokens(ctx, held, opts) {
		n++
		if res.Err != nil {
			failed++
		}
		if err := out.item(record{Ref: res.ID, Event: eventOut(res.Event)}, res.Err); err != nil && werr == nil {
			werr = err
		}
	}
	prog.Finish()
	return batchOutcome(ctx, werr, inErr, failed, n)
}

// readHeld yields the tokens of a -held file. A line that cannot be read
// ends the sequence with an error naming its number, never its content.
func readHeld(r io.Reader) iter.Seq2[tokenize.NetworkToken, error] {
	return func(yield func(tokenize.NetworkToken, error) bool) {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 4096), maxHeldLine)
		line := 0
		for sc.Scan() {
			line++
			text := strings.TrimSpace(sc.Text())
			if text == "" || strings.HasPrefix(text, "#") {
				continue
			}
			nt, err := parseHeld(text)
			if err != nil {
				yield(tokenize.NetworkToken{}, usagef("-held: line %d: %v", line, err))
				return
			}
			if !yield(nt, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield(tokenize.NetworkToken{}, usagef("-held: line %d: %v", line+1, err))
		}
	}
}

// parseHeld reads one held token: a bare id, a record of "network-token
// get -json", or its network_token object.
func parseHeld(text string) (tokenize.NetworkToken, error) {
	if !strings.HasPrefix(text, "{") {
		return tokenize.NetworkToken{ID: text}, nil
	}
	var line struct {
		networkTokenJSON
		NetworkToken *networkTokenJSON `json:"network_token"`
	}
	if err := json.Unmarshal([]byte(text), &line); err != nil {
		return tokenize.NetworkToken{}, errors.New(jsonProblem(err))
	}
	in := line.networkTokenJSON
	if line.NetworkToken != nil {
		in = *line.NetworkToken
	}
	if in.ID == "" {
		return tokenize.NetworkToken{}, errors.New(`no "id"`)
	}
	return in.token()
}

// token returns the tokenize.NetworkToken a record describes. The DPAN is
// printed masked and cannot be read back: the copy has none, and a sync
// compares the other fields.
func (in networkTokenJSON) token() (tokenize.NetworkToken, error) {
	nt := tokenize.NetworkToken{
		Provider: in.Provider, ID: in.ID, PaymentTokenID: in.PaymentTokenID,
		ExpiryMonth: in.ExpiryMonth, ExpiryYear: in.ExpiryYear,
		CardLast4: in.CardLast4, CardExpiryMonth: in.CardExpiryMonth, CardExpiryYear: in.CardExpiryYear,
		PaymentAccountReference: in.PAR, TokenRequestorID: in.TokenRequestorID,
		TokenReference: in.TokenReference, AssuranceLevel: in.AssuranceLevel,
	}
	var err error
	if in.State != "" {
		if nt.State, err = tokenize.ParseNetworkTokenState(in.State); err != nil {
			return nt, errors.New(`"state": unknown state`)
		}
	}
	if in.Scheme != "" {
		if nt.Scheme, err = tokenize.ParseTokenScheme(in.Scheme); err != nil {
			return nt, errors.New(`"scheme": unknown scheme`)
		}
	}
	if in.CreatedAt != nil {
		nt.CreatedAt = *in.CreatedAt
	}
	if in.UpdatedAt != nil {
		nt.UpdatedAt = *in.UpdatedAt
	}
	return nt, nil
}

// eventJSON is a tokenize.NetworkTokenEvent as -json prints it.
type eventJSON struct {
	ID           string            `json:"id"`
	Kind         string            `json:"kind"`
	OccurredAt   time.Time         `json:"occurred_at"`
	ProviderType string            `json:"provider_type,omitempty"`
	NetworkToken *networkTokenJSON `json:"network_token"`
}

func eventOut(e *tokenize.NetworkTokenEvent) *eventJSON {
	if e == nil {
		return nil
	}
	return &eventJSON{ID: e.ID, Kind: e.Kind.String(), OccurredAt: e.OccurredAt, ProviderType: e.ProviderType, NetworkToken: networkTokenOut(&e.Token)}
}
