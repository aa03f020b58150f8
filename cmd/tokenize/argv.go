package main

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/tokenize-go/tokenize/internal/redact"
)

// refuseCardNumbers refuses a command line with anything that looks like a
// card number, in any argument: a value given to a flag, a positional
// argument, or a flag's name. What looks like a card number is what the
// library masks in error messages (redact.CardNumbers: a run of 12 or more
// digits, possibly grouped by spaces or hyphens), so that the command line
// and the logs agree, with one exception: a UUID. Nuvei's token ids are
// UUIDs, and about one in a hundred has hyphen-joined groups of digits
// only ("…-2310-4551-8161-…") that the rule would take for a grouped card
// number; nobody writes a card number in a UUID's 8-4-4-4-12 shape.
//
// A path to an existing file or directory is exempt too: temporary and CI
// build directories carry long runs of digits (/tmp/build_0112345678901/),
// and a path names where card data is, never the data itself.
//
// A card number typed with spaces and no quotes ("-card 4111 1111 1111
// 1111") reaches the command as several arguments, each too short to look
// like anything: consecutive arguments are checked together too, as the
// shell's command line joined them.
//
// The error names the arguments' positions only: the value must not reach
// the terminal, a log or a CI transcript again. An id that is itself a run
// of digits can be given in a file with -ids.
func refuseCardNumbers(args []string) error {
	checked := make([]string, len(args)) // "" for an exempt path
	for i, a := range args {
		if !isExistingPath(a) {
			checked[i] = withoutUUIDs(a)
		}
	}
	// The shortest run of consecutive arguments that looks like a card
	// number, so that the error points at it and nothing around it.
	for n := 1; n <= len(args); n++ {
		for i := 0; i+n <= len(args); i++ {
			run := checked[i : i+n]
			if slices.Contains(run, "") {
				continue
			}
			joined := strings.Join(run, " ")
			if redact.CardNumbers(joined) == joined {
				continue
			}
			where := fmt.Sprintf("argument %d looks like a card number and is", i+1)
			if n > 1 {
				where = fmt.Sprintf("arguments %d to %d together look like a card number and are", i+1, i+n)
			}
			return usagef("%s not repeated here: "+
				"card data is read from a file or standard input (-card FILE, \"-\" for standard input), "+
				"never from the command line, where shell history and ps would keep it", where)
		}
	}
	return nil
}

// isExistingPath reports whether the argument, or the value of a
// -flag=value argument, is a path with a slash in it that names something
// that exists.
func isExistingPath(arg string) bool {
	if name, value, ok := strings.Cut(arg, "="); ok && strings.HasPrefix(name, "-") {
		arg = value
	}
	if !strings.Contains(arg, "/") {
		return false
	}
	_, err := os.Stat(arg)
	return err == nil
}

var uuid = regexp.MustCompile(`[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}`)

// withoutUUIDs replaces each UUID in s by a space. A match must stand
// alone, not be cut out of a longer run of hex digits and hyphens, so that
// a card number followed by UUID-shaped groups is still seen whole.
func withoutUUIDs(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range uuid.FindAllStringIndex(s, -1) {
		if (m[0] > 0 && isUUIDChar(s[m[0]-1])) || (m[1] < len(s) && isUUIDChar(s[m[1]])) {
			continue
		}
		b.WriteString(s[last:m[0]])
		b.WriteByte(' ')
		last = m[1]
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isUUIDChar(c byte) bool {
	return c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
