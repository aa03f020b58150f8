// Command tokenize runs the provider simulators as HTTP servers and calls
// one tokenize operation against a real configuration, without writing a
// program.
//
//	tokenize sim                                   # every provider's simulator on loopback
//	tokenize payment-token create -config tokenize.json -card card.json
//	tokenize network-token provision -config tokenize.json -payment-token src_…
//	tokenize cryptogram -config tokenize.json -type ecom nt_…
//
// Install it with
//
//	go install github.com/tokenize-go/tokenize/cmd/tokenize@latest
//
// or run it from a clone with "go run ./cmd/tokenize". "tokenize help" lists
// the commands and "tokenize COMMAND -h" prints a command's manual.
//
// Card data is read from a file or standard input, never from the command
// line, where it would be kept in shell history and shown by ps: a command
// line with anything that looks like a card number is refused without
// repeating it. Output masks card numbers and redacts cryptograms, as the
// library's types do. The exit status maps the library's error codes to
// stable numbers (see "tokenize help exit-status").
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// SIGINT and SIGTERM cancel the context: a running operation returns
	// Canceled, a batch stops taking ids, and the simulators shut down
	// gracefully. A second signal kills the process the default way, for
	// the impatient.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr})
	stop()
	os.Exit(code)
}

// stdio is where a command reads and writes. Tests and the help renderer
// substitute buffers.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}
