package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// command is one subcommand: its manual and how it runs.
type command struct {
	// path is what follows "tokenize", such as "payment-token create".
	path string
	// summary is the one line of NAME, and of the command list.
	summary string
	// synopsis lists the forms of the command line, without "tokenize".
	synopsis []string
	// description is the manual's DESCRIPTION: paragraphs separated by a
	// blank line, wrapped when printed; a line that starts with a space is
	// printed as it is.
	description string
	// examples is the manual's EXAMPLES, printed as it is.
	examples string
	// setup defines the command's flags on fs and returns the function
	// that runs it with the positional arguments, once fs is parsed.
	setup func(fs *flag.FlagSet) func(ctx context.Context, std stdio, args []string) error
}

// commands is every subcommand, in the order "tokenize help" lists them.
// Adding a command is adding its entry here.
var commands = []*command{
	simCommand,
	paymentTokenCreate,
	paymentTokenGet,
	paymentTokenDelete,
	networkTokenProvision,
	networkTokenGet,
	networkTokenDelete,
	networkTokenSync,
	cryptogramCommand,
}

// run executes the command line args (without the program name) and
// returns the exit status.
func run(ctx context.Context, args []string, std stdio) int {
	// Before anything parses or echoes an argument: the flag package
	// quotes bad values in its errors.
	if err := refuseCardNumbers(args); err != nil {
		fmt.Fprintln(std.err, "tokenize:", err)
		return exitCode(err)
	}
	if len(args) == 0 {
		printOverview(std.err)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		return help(std, args[1:])
	}
	cmd, rest := lookup(args)
	if cmd == nil {
		group := groupOf(args)
		if group != "" && len(args) == 1 {
			fmt.Fprintf(std.err, "tokenize %s: a subcommand is required\n\n", group)
		} else {
			fmt.Fprintf(std.err, "tokenize: unknown command %q\n\n", strings.Join(args[:min(len(args), 2)], " "))
		}
		printCommandList(std.err, group)
		return exitUsage
	}
	err := cmd.execute(ctx, std, rest)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		// The library's errors start with "tokenize: " already.
		fmt.Fprintf(std.err, "tokenize %s: %s\n", cmd.path, strings.TrimPrefix(err.Error(), "tokenize: "))
		var ue *usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(std.err, "Run 'tokenize %s -h' for its manual.\n", cmd.path)
		}
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return exitCode(err)
}

// lookup finds the command named by the first one or two arguments and
// returns it with the remaining arguments.
func lookup(args []string) (*command, []string) {
	for n := min(2, len(args)); n >= 1; n-- {
		path := strings.Join(args[:n], " ")
		for _, c := range commands {
			if c.path == path {
				return c, args[n:]
			}
		}
	}
	return nil, nil
}

// groupOf returns args[0] when it names a group of commands, such as
// "payment-token".
func groupOf(args []string) string {
	for _, c := range commands {
		if g, _, ok := strings.Cut(c.path, " "); ok && len(args) > 0 && g == args[0] {
			return g
		}
	}
	return ""
}

// execute parses the command's flags and runs it. Flags may come before,
// between or after the positional arguments; "--" ends the flags.
func (c *command) execute(ctx context.Context, std stdio, args []string) error {
	fs := flag.NewFlagSet("tokenize "+c.path, flag.ContinueOnError)
	// The flag package's own messages are dropped: run prints the error
	// once, with a pointer to the manual.
	fs.SetOutput(io.Discard)
	runFn := c.setup(fs)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				c.printManual(std.out, fs)
				return flag.ErrHelp
			}
			msg := err.Error()
			if strings.HasPrefix(msg, "flag provided but not defined") {
				// An id is opaque to the command: none of the documented
				// ones starts with '-' (Worldpay's are "eyJ…" and UUIDs),
				// but one that did would read as a flag.
				msg += ` (an id that starts with "-" goes after --, as in "-json -- ID")`
			}
			return &usageError{msg: msg}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	return runFn(ctx, std, positional)
}
