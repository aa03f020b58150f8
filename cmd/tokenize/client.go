package main

import (
	"bufio"
	"context"
	"flag"
	"iter"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/tokenize-go/tokenize"
	_ "github.com/tokenize-go/tokenize/providers/checkout" // registers "checkout"
	_ "github.com/tokenize-go/tokenize/providers/nuvei"    // registers "nuvei"
	_ "github.com/tokenize-go/tokenize/providers/worldpay" // registers "worldpay"
	_ "github.com/tokenize-go/tokenize/router"             // registers "router", the several-providers form of a configuration
)

// configEnv names the environment variable that gives the configuration
// file when -config is not set.
const configEnv = "TOKENIZE_CONFIG"

// clientFlags are the flags of every command that calls a provider.
type clientFlags struct {
	config  string
	json    bool
	quiet   bool
	verbose bool
	timeout time.Duration
}

// register defines the flags on fs. withQuiet adds -q, for the commands
// that return a token whose id a script wants alone.
func (f *clientFlags) register(fs *flag.FlagSet, withQuiet bool) {
	fs.StringVar(&f.config, "config", "", "Read the configuration from `FILE`: JSON in any form tokenize.LoadConfig reads (one provider, or several behind a router), ${NAME} references expanded from the environment. Defaults to $"+configEnv+".")
	fs.BoolVar(&f.json, "json", false, "Print one JSON object per result on standard output, for scripts, instead of text for people. Card numbers stay masked and cryptograms redacted.")
	if withQuiet {
		fs.BoolVar(&f.quiet, "q", false, "Print only the id of the token returned, for shell scripts.")
	}
	fs.BoolVar(&f.verbose, "v", false, "Print the library's debug log (one record per provider call, without any sensitive value) on standard error.")
	fs.DurationVar(&f.timeout, "timeout", tokenize.DefaultTimeout, "Give up on each operation, its retries included, after `DURATION`.")
}

// open loads the configuration and opens a Client for its provider.
func (f *clientFlags) open(ctx context.Context, std stdio) (*tokenize.Client, error) {
	if f.json && f.quiet {
		return nil, usagef("-json and -q exclude each other")
	}
	path := f.config
	if path == "" {
		path = os.Getenv(configEnv)
	}
	if path == "" {
		return nil, usagef("-config FILE is required (or set %s)", configEnv)
	}
	cfg, err := tokenize.LoadConfig(path)
	if err != nil {
		return nil, &configErr{err}
	}
	logger := slog.New(slog.DiscardHandler)
	if f.verbose {
		logger = slog.New(slog.NewTextHandler(std.err, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	c, err := tokenize.Open(ctx, cfg, tokenize.WithLogger(logger), tokenize.WithTimeout(f.timeout))
	if err != nil {
		return nil, &configErr{err}
	}
	return c, nil
}

// output returns the printer for the command's results.
func (f *clientFlags) output(std stdio, command string) *output {
	return &output{std: std, command: command, json: f.json, quiet: f.quiet}
}

// batchFlags are the flags of the commands that take several ids.
type batchFlags struct {
	ids         string
	concurrency int
}

func (b *batchFlags) register(fs *flag.FlagSet, what string) {
	fs.StringVar(&b.ids, "ids", "", "Read the "+what+" ids from `FILE`, one a line (blank lines and lines starting with # are skipped); \"-\" reads standard input. The file is streamed: any number of ids runs at constant memory.")
	fs.IntVar(&b.concurrency, "concurrency", tokenize.DefaultBatchConcurrency, "Keep at most `N` calls in flight when there are several ids.")
}

// registerRate defines -rate, the requests-per-second limit of a batch the
// library runs (BatchOptions.RequestsPerSecond).
func registerRate(fs *flag.FlagSet, rate *float64) {
	fs.Float64Var(rate, "rate", 0, "Send at most `N` requests a second to the provider, retries included (0: no limit). A 429 slows the batch down whatever the limit: every call waits for the Retry-After, and the rate is lowered for a while.")
}

// refSource is the ids a command works on.
type refSource struct {
	seq   iter.Seq2[string, error]
	total int  // how many, or 0 when unknown
	batch bool // one line per item, rather than a result about one item
	close func() error
}

// refs returns the ids to work on, from the arguments or the -ids file.
// Several ids, or any -ids file, make a batch.
func (b *batchFlags) refs(std stdio, args []string) (*refSource, error) {
	switch {
	case b.ids != "" && len(args) > 0:
		return nil, usagef("give ids as arguments or with -ids, not both")
	case b.concurrency < 1:
		return nil, usagef("-concurrency must be at least 1")
	case b.ids != "":
		seq, closeFn, err := readRefs(std, b.ids)
		if err != nil {
			return nil, err
		}
		src := &refSource{seq: seq, batch: true, close: closeFn}
		if b.ids != stdinName && isTerminal(std.err) {
			src.total = countLines(b.ids)
		}
		return src, nil
	case len(args) == 0:
		return nil, usagef("an id is required (or -ids FILE)")
	}
	seq := func(yield func(string, error) bool) {
		for _, a := range args {
			if !yield(a, nil) {
				return
			}
		}
	}
	return &refSource{seq: seq, total: len(args), batch: len(args) > 1, close: func() error { return nil }}, nil
}

// onRefs opens the Client and runs fn for each id: a single result, or a
// batch with progress.
func onRefs(ctx context.Context, std stdio, cf *clientFlags, bf *batchFlags, command string, args []string,
	fn func(ctx context.Context, c *tokenize.Client, ref string) (record, error)) error {
	src, err := bf.refs(std, args)
	if err != nil {
		return err
	}
	defer src.close()
	c, err := cf.open(ctx, std)
	if err != nil {
		return err
	}
	out := cf.output(std, command)
	if !src.batch {
		r, err := fn(ctx, c, args[0])
		r.Ref = args[0]
		return printResult(out, r, err)
	}
	return forEach(ctx, std, out, command, src.seq, src.total, bf.concurrency, func(ctx context.Context, ref string) (record, error) {
		return fn(ctx, c, ref)
	})
}

// countLines counts the ids in an -ids file for the progress line's
// percentage and ETA: a quick first pass at constant memory. It returns 0
// (unknown) if the file cannot be read.
func countLines(name string) int {
	f, err := os.Open(name)
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			n++
		}
	}
	return n
}

// forEach runs fn for every id with at most concurrency calls in flight,
// printing each result as it completes (completion order: a slow item
// holds up no other line, memory stays flat, and every line names its id).
// A cancelled context stops reading ids; the items in flight finish with
// Canceled, and every item that started has its line. It returns a
// partialError when some items failed.
func forEach(ctx context.Context, std stdio, out *output, label string, refs iter.Seq2[string, error], total, concurrency int,
	fn func(ctx context.Context, ref string) (record, error)) error {
	prog := newProgress(std, label, total)
	var (
		g      errgroup.Group
		n      int
		failed atomic.Int64
		inErr  error
	)
	g.SetLimit(max(1, concurrency))
	for ref, err := range refs {
		if err != nil {
			inErr = err
			break
		}
		if ctx.Err() != nil {
			break
		}
		n++
		g.Go(func() error {
			r, err := fn(ctx, ref)
			r.Ref = ref
			prog.Add(err)
			if err != nil {
				failed.Add(1)
			}
			return out.item(r, err)
		})
	}
	werr := g.Wait()
	prog.Finish()
	return batchOutcome(ctx, werr, inErr, int(failed.Load()), n)
}

// batchOutcome is the error a command over many items ends with, by
// precedence: output that could not be written, input that could not be
// read, an interrupt, then items that failed.
func batchOutcome(ctx context.Context, writeErr, inputErr error, failed, total int) error {
	switch {
	case writeErr != nil:
		return writeErr
	case inputErr != nil:
		return inputErr
	case ctx.Err() != nil:
		return ctx.Err()
	case failed > 0:
		return &partialError{failed: failed, total: total}
	}
	return nil
}
