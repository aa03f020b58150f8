package main

import (
	"flag"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// The manuals are laid out like man pages: section titles flush left,
// text indented and wrapped to fit 80 columns.
const (
	indent = "    "
	width  = 80
)

// help prints the overview, or the manual of the command named by args.
func help(std stdio, args []string) int {
	if len(args) == 0 {
		printOverview(std.out)
		return exitOK
	}
	cmd, rest := lookup(args)
	if cmd == nil || len(rest) > 0 {
		fmt.Fprintf(std.err, "tokenize help: unknown command %q\n\n", strings.Join(args, " "))
		printCommandList(std.err, groupOf(args))
		return exitUsage
	}
	fs := flag.NewFlagSet("tokenize "+cmd.path, flag.ContinueOnError)
	cmd.setup(fs)
	cmd.printManual(std.out, fs)
	return exitOK
}

// printOverview prints the manual of tokenize itself.
func printOverview(w io.Writer) {
	section(w, "NAME")
	para(w, "tokenize - run the payment-provider simulators, and call one tokenize operation against a configuration")
	section(w, "SYNOPSIS")
	pre(w, "tokenize COMMAND [OPTIONS] [ARGUMENTS]\ntokenize COMMAND -h\ntokenize help [COMMAND]")
	section(w, "DESCRIPTION")
	para(w, overviewDescription)
	section(w, "COMMANDS")
	printCommandList(w, "")
	printExitStatus(w)
	section(w, "EXAMPLES")
	pre(w, overviewExamples)
}

const overviewDescription = `"tokenize sim" serves the providers' simulators over HTTP, so that programs in any language can run against them, and prints the base URLs, credentials and test cards a client needs. Each simulator has a control API under /_sim/ that changes network tokens, injects faults and reads counters.

The other commands call one operation of the tokenize library through the provider named in a configuration file (-config, or the TOKENIZE_CONFIG environment variable; the format of tokenize.LoadConfig, with ${NAME} references expanded from the environment). They print masked values for people and, with -json, one JSON object per line for scripts. Options may come before or after the ids; "--" ends them, so that an id starting with "-" (Access Worldpay's may) is not read as an option: scripts write "tokenize network-token get -json -- "$id"".

Card data is read from a file or from standard input, never from the command line, where it would be kept in shell history and shown by ps. Any argument that looks like a card number is refused, and so are consecutive arguments that do together (a number typed with spaces and no quotes); the error does not repeat them.`

const overviewExamples = `# Start every simulator (Nuvei, Checkout.com, Worldpay) and write a configuration file for each:
tokenize sim -config-dir /tmp/sim &

# Store a card, provision a network token for it, and get a cryptogram:
export TOKENIZE_CONFIG=/tmp/sim/checkout.json
pt=$(tokenize payment-token create -card card.json -q)
nt=$(tokenize network-token provision -payment-token "$pt" -q)
tokenize cryptogram -type ecom -- "$nt"`

// printCommandList prints the commands, or those of one group.
func printCommandList(w io.Writer, group string) {
	var list []*command
	longest := 0
	for _, c := range commands {
		if group == "" || strings.HasPrefix(c.path, group+" ") {
			list = append(list, c)
			longest = max(longest, len(c.path))
		}
	}
	for _, c := range list {
		wrap(w, fmt.Sprintf("%s%-*s", indent, longest+3, c.path), c.summary)
	}
}

// printManual prints the command's manual page.
func (c *command) printManual(w io.Writer, fs *flag.FlagSet) {
	section(w, "NAME")
	para(w, "tokenize "+c.path+" - "+c.summary)
	section(w, "SYNOPSIS")
	for _, s := range c.synopsis {
		wrap(w, indent+"tokenize "+c.path+" ", s)
	}
	section(w, "DESCRIPTION")
	para(w, c.description)
	section(w, "OPTIONS")
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		line := "-" + f.Name
		if name != "" {
			line += " " + name
		}
		fmt.Fprintln(w, indent+line)
		if !isZeroDefault(f) {
			usage += " (default " + f.DefValue + ")"
		}
		wrap(w, indent+indent, usage)
	})
	fmt.Fprintln(w, indent+"-h")
	wrap(w, indent+indent, "Print this manual and exit.")
	printExitStatus(w)
	if c.examples != "" {
		section(w, "EXAMPLES")
		pre(w, c.examples)
	}
}

// printExitStatus prints the EXIT STATUS section from exitTable.
func printExitStatus(w io.Writer) {
	section(w, "EXIT STATUS")
	for _, r := range exitTable() {
		wrap(w, fmt.Sprintf("%s%-4d%-20s", indent, r.Status, r.Name), r.Meaning)
	}
}

func section(w io.Writer, title string) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, title)
}

// para prints text: paragraphs wrapped, lines starting with a space as
// they are.
func para(w io.Writer, text string) {
	for i, p := range strings.Split(text, "\n\n") {
		if i > 0 {
			fmt.Fprintln(w)
		}
		var words []string
		for _, line := range strings.Split(p, "\n") {
			if strings.HasPrefix(line, " ") {
				if len(words) > 0 {
					wrap(w, indent, strings.Join(words, " "))
					words = nil
				}
				fmt.Fprintln(w, indent+line)
				continue
			}
			words = append(words, line)
		}
		if len(words) > 0 {
			wrap(w, indent, strings.Join(words, " "))
		}
	}
}

// pre prints text as it is, indented.
func pre(w io.Writer, text string) {
	for _, line := range strings.Split(text, "\n") {
		if line == "" {
			fmt.Fprintln(w)
			continue
		}
		fmt.Fprintln(w, indent+line)
	}
}

// wrap prints first followed by text wrapped to width, the lines after
// the first indented to first's length.
func wrap(w io.Writer, first, text string) {
	hang := strings.Repeat(" ", len(first))
	line := first
	empty := true
	for _, word := range strings.Fields(text) {
		if !empty && len(line)+1+len(word) > width {
			fmt.Fprintln(w, strings.TrimRight(line, " "))
			line, empty = hang, true
		}
		if !empty {
			line += " "
		}
		line += word
		empty = false
	}
	fmt.Fprintln(w, strings.TrimRight(line, " "))
}

// isZeroDefault reports whether the flag's default is its type's zero
// value, which the manual does not print.
func isZeroDefault(f *flag.Flag) bool {
	t := reflect.TypeOf(f.Value)
	var z flag.Value
	if t.Kind() == reflect.Pointer {
		z = reflect.New(t.Elem()).Interface().(flag.Value)
	} else {
		z = reflect.Zero(t).Interface().(flag.Value)
	}
	return f.DefValue == z.String()
}
