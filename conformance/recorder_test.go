package conformance

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tokenize-go/tokenize"
)

// fakeTB records failures instead of failing the real test.
type fakeTB struct {
	testing.TB
	failures []string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Errorf(format string, a ...any) {
	f.failures = append(f.failures, fmt.Sprintf(format, a...))
}

func TestRecorderCatchesLeaks(t *testing.T) {
	for name, leak := range map[string]func(r *recorder){
		"PAN in an error": func(r *recorder) { r.err(errors.New("card 4242424242424242 refused")) },
		"PAN in a log":    func(r *recorder) { r.logger().Debug("sent", "number", "4242424242424242") },
		"CVV as a word":   func(r *recorder) { r.logger().Debug("sent", "cvv", "837") },
		"key in a value":  func(r *recorder) { r.value(struct{ Key string }{"mem-api-key-0123456789"}) },
	} {
		t.Run(name, func(t *testing.T) {
			r := newRecorder()
			r.card(tokenize.Card{Number: "4242424242424242", CVV: "837"})
			r.sensitive("credential", "mem-api-key-0123456789")
			leak(r)
			ft := &fakeTB{}
			r.check(ft)
			assert.Len(t, ft.failures, 1, "the leak was not detected")
		})
	}
}

func TestRecorderAcceptsMaskedOutput(t *testing.T) {
	r := newRecorder()
	card := tokenize.Card{Number: "4242424242424242", CVV: "837"}
	r.card(card)
	r.value(card)
	r.value(&card)
	r.logger().Debug("call", "card", card, "request_id", "req_18372", "duration", 837)
	r.err(&tokenize.Error{Code: tokenize.InvalidArgument, Field: tokenize.FieldCardCVV, Message: "must be 3 or 4 digits"})
	ft := &fakeTB{}
	r.check(ft)
	assert.Empty(t, ft.failures)
	assert.Contains(t, r.out.String(), "424242******4242", "the masked form is what gets printed")
}
