package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"strings"

	"github.com/tokenize-go/tokenize"
)

// maxInput bounds a card, bank account or temporary token read from a file
// or standard input; a real one is a few hundred bytes.
const maxInput = 64 << 10

// stdinName is the file name that means standard input.
const stdinName = "-"

// cardInput is the JSON a -card file holds. Field names follow
// tokenize.Card.
type cardInput struct {
	Number      string `json:"number"`
	ExpiryMonth int    `json:"expiry_month"`
	ExpiryYear  int    `json:"expiry_year"`
	CVV         string `json:"cvv"`
	HolderName  string `json:"holder_name"`
}

// bankAccountInput is the JSON a -bank-account file holds. Field names
// follow tokenize.BankAccount.
type bankAccountInput struct {
	AccountNumber string                   `json:"account_number"`
	RoutingNumber string                   `json:"routing_number"`
	AccountType   tokenize.BankAccountType `json:"account_type"`
	HolderName    string                   `json:"holder_name"`
}

// readSensitive reads a whole file, or standard input for "-", bounded by
// maxInput. what names the input in errors ("card"), which never quote
// what was read.
func readSensitive(std stdio, name, what string) ([]byte, error) {
	var r io.Reader
	if name == stdinName {
		if isTerminal(std.in) {
			fmt.Fprintf(std.err, "Reading the %s from standard input; end with Ctrl-D.\n", what)
		}
		r = std.in
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, usagef("%s: %v", what, pathError(err))
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, usagef("%s: reading: %v", what, pathError(err))
	}
	if len(data) > maxInput {
		return nil, usagef("%s: larger than %d bytes", what, maxInput)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, usagef("%s: the input is empty", what)
	}
	return data, nil
}

// pathError drops the operation from an *os.PathError: "open x: no such
// file" reads better as "x: no such file".
func pathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}

// decodeStrict decodes one JSON object into v, refusing unknown fields and
// trailing data. Its errors name the field or the byte offset, never the
// input: a syntax error's message would quote the character where a card
// number starts.
func decodeStrict(data []byte, v any, what string) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return usagef("%s: %s", what, jsonProblem(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return usagef("%s: trailing data after the JSON object", what)
	}
	return nil
}

// jsonProblem describes a decoding error without quoting the input.
func jsonProblem(err error) string {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("invalid JSON at byte %d", syn.Offset)
	case errors.As(err, &typ) && typ.Field != "":
		return fmt.Sprintf("%q must be a JSON %s", typ.Field, typ.Type.Kind())
	case errors.As(err, &typ):
		return "must be a JSON object"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "unexpected end of the JSON input"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	}
	// An enum's UnmarshalText error quotes the value, which is never
	// sensitive (an account type), but stay uniform.
	return "invalid value"
}

// readCard reads a -card file: a JSON object with number, expiry_month,
// expiry_year and optionally cvv and holder_name.
func readCard(std stdio, name string) (*tokenize.Card, error) {
	data, err := readSensitive(std, name, "card")
	if err != nil {
		return nil, err
	}
	var in cardInput
	if err := decodeStrict(data, &in, "card"); err != nil {
		return nil, err
	}
	return &tokenize.Card{
		Number:      tokenize.PAN(strings.TrimSpace(in.Number)),
		ExpiryMonth: in.ExpiryMonth,
		ExpiryYear:  in.ExpiryYear,
		CVV:         tokenize.Secret(in.CVV),
		HolderName:  in.HolderName,
	}, nil
}

// readBankAccount reads a -bank-account file.
func readBankAccount(std stdio, name string) (*tokenize.BankAccount, error) {
	data, err := readSensitive(std, name, "bank account")
	if err != nil {
		return nil, err
	}
	var in bankAccountInput
	if err := decodeStrict(data, &in, "bank account"); err != nil {
		return nil, err
	}
	return &tokenize.BankAccount{
		AccountNumber: tokenize.AccountNumber(in.AccountNumber),
		RoutingNumber: in.RoutingNumber,
		AccountType:   in.AccountType,
		HolderName:    in.HolderName,
	}, nil
}

// readTemporaryToken reads a -temporary-token file: the token alone,
// surrounding white space ignored.
func readTemporaryToken(std stdio, name string) (tokenize.Secret, error) {
	data, err := readSensitive(std, name, "temporary token")
	if err != nil {
		return "", err
	}
	return tokenize.Secret(strings.TrimSpace(string(data))), nil
}

// readRefs yields the references (token ids) of an -ids file, one a line;
// blank lines and lines starting with # are skipped. It streams, so a file
// of millions of ids is read at constant memory. A read error ends the
// sequence with a non-nil error.
func readRefs(std stdio, name string) (iter.Seq2[string, error], func() error, error) {
	var r io.Reader
	closer := func() error { return nil }
	if name == stdinName {
		r = std.in
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, nil, usagef("-ids: %v", pathError(err))
		}
		r, closer = f, f.Close
	}
	seq := func(yield func(string, error) bool) {
		sc := bufio.NewScanner(r)
		line := 0
		for sc.Scan() {
			line++
			ref := strings.TrimSpace(sc.Text())
			if ref == "" || strings.HasPrefix(ref, "#") {
				continue
			}
			if !yield(ref, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield("", usagef("-ids: line %d: %v", line+1, err))
		}
	}
	return seq, closer, nil
}
