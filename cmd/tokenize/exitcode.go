package main

import (
	"errors"
	"fmt"

	"github.com/tokenize-go/tokenize"
)

// The exit statuses that are not a provider's answer. Together with
// codeExits they are the whole table, printed in every manual's EXIT STATUS
// section and in README, whose copy a test keeps equal to this one. The
// numbers are stable: scripts branch on them.
const (
	exitOK      = 0
	exitFailure = 1 // an error outside the error model: output not writable, a simulator that cannot listen
	exitUsage   = 2 // the command line is wrong (the flag package's own convention)
	exitConfig  = 3 // the configuration cannot be read, or the provider cannot be opened with it
	exitPartial = 4 // a command over several items in which some failed; each item's output says why
)

// codeExits maps each tokenize.Code to its exit status: 10 plus the Code's
// own stable number, written out so that the table reads in one place and
// a new Code without an entry fails TestExitCodesCoverEveryCode.
var codeExits = map[tokenize.Code]int{
	tokenize.Unknown:            11,
	tokenize.InvalidArgument:    12,
	tokenize.Unauthenticated:    13,
	tokenize.PermissionDenied:   14,
	tokenize.NotFound:           15,
	tokenize.FailedPrecondition: 16,
	tokenize.RateLimited:        17,
	tokenize.Unavailable:        18,
	tokenize.DeadlineExceeded:   19,
	tokenize.Canceled:           20,
	tokenize.Unsupported:        21,
	tokenize.Internal:           22,
}

// exitRow is one line of the documented table.
type exitRow struct {
	Status  int
	Name    string
	Meaning string
}

// exitTable returns every exit status in ascending order, with what it
// means.
func exitTable() []exitRow {
	rows := []exitRow{
		{exitOK, "OK", "success: every item succeeded"},
		{exitFailure, "failure", "an error outside the library's error model, such as output that cannot be written or a simulator address that cannot be listened on"},
		{exitUsage, "usage", "the command line is wrong: an unknown flag, a missing argument, card data on the command line, card input that cannot be read"},
		{exitConfig, "config", "the configuration file cannot be read or parsed, or the provider refuses its settings"},
		{exitPartial, "partial", "a command over several items in which at least one failed; each item's line says why"},
	}
	for c := tokenize.Unknown; c <= tokenize.Internal; c++ {
		rows = append(rows, exitRow{codeExits[c], c.String(), codeMeaning[c]})
	}
	return rows
}

// codeMeaning says in a few words what each Code means to someone reading
// an exit status.
var codeMeaning = map[tokenize.Code]string{
	tokenize.Unknown:            "the failure could not be classified",
	tokenize.InvalidArgument:    "the request was refused as malformed (the message names the field); nothing to retry",
	tokenize.Unauthenticated:    "the provider rejected the credentials",
	tokenize.PermissionDenied:   "the credentials lack a permission",
	tokenize.NotFound:           "the token does not exist for these credentials",
	tokenize.FailedPrecondition: "the token is not in a state that allows the operation",
	tokenize.RateLimited:        "the provider throttled the request",
	tokenize.Unavailable:        "the provider or the network failed transiently",
	tokenize.DeadlineExceeded:   "the -timeout expired",
	tokenize.Canceled:           "interrupted (SIGINT or SIGTERM)",
	tokenize.Unsupported:        "the provider does not offer the operation or option",
	tokenize.Internal:           "the provider failed or answered something that cannot be valid",
}

// usageError is a wrong command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// configErr is a configuration that cannot be loaded or opened: exit
// status 3. It wraps the library's error, whose message never quotes a
// setting's value.
type configErr struct{ err error }

// Error is the library's message ("config: setting \"api_key\" is
// required"), without the code every configuration error shares.
func (e *configErr) Error() string {
	var te *tokenize.Error
	if errors.As(e.err, &te) && te.Message != "" {
		return te.Message
	}
	return e.err.Error()
}
func (e *configErr) Unwrap() error { return e.err }

// partialError reports a command over several items in which some failed:
// exit status 4. The items' own errors have been printed already.
type partialError struct{ failed, total int }

func (e *partialError) Error() string {
	return fmt.Sprintf("%d of %d items failed", e.failed, e.total)
}

// exitCode returns the exit status for err: the one place that decides
// it.
func exitCode(err error) int {
	var (
		ue *usageError
		ce *configErr
		pe *partialError
		te *tokenize.Error
	)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		return exitUsage
	case errors.As(err, &ce):
		return exitConfig
	case errors.As(err, &pe):
		return exitPartial
	case errors.As(err, &te):
		return codeExit(te.Code)
	case tokenize.CodeOf(err) == tokenize.Canceled || tokenize.CodeOf(err) == tokenize.DeadlineExceeded:
		return codeExit(tokenize.CodeOf(err))
	}
	return exitFailure
}

// codeExit returns the exit status of a failed operation with code c.
func codeExit(c tokenize.Code) int {
	if s, ok := codeExits[c]; ok {
		return s
	}
	return codeExits[tokenize.Unknown]
}
