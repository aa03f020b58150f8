package conformance

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/tokenize-go/tokenize"
)

// recorder captures everything the library lets out during one test (debug
// logs through slog's text and JSON handlers, and every error in every fmt
// verb) together with the sensitive values the test handled, and fails the
// test if one of those values appears in the captured output.
type recorder struct {
	mu      sync.Mutex
	out     bytes.Buffer
	secrets map[string]string // value -> what it is
	text    slog.Handler
	json    slog.Handler
}

func newRecorder() *recorder {
	r := &recorder{secrets: map[string]string{}}
	// Times and durations are dropped: their digits (milliseconds,
	// nanoseconds) could collide with a short CVV and they carry no data of
	// the caller's.
	drop := func(_ []string, a slog.Attr) slog.Attr {
		switch a.Value.Kind() {
		case slog.KindDuration, slog.KindTime:
			return slog.Attr{}
		}
		if a.Key == "duration" || a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	opts := &slog.HandlerOptions{Level: slog.LevelDebug, ReplaceAttr: drop}
	r.text = slog.NewTextHandler(lockedWriter{r}, opts)
	r.json = slog.NewJSONHandler(lockedWriter{r}, opts)
	return r
}

type lockedWriter struct{ r *recorder }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.r.mu.Lock()
	defer w.r.mu.Unlock()
	return w.r.out.Write(p)
}

// logger returns a debug logger writing to both handlers.
func (r *recorder) logger() *slog.Logger { return slog.New(teeHandler{r.text, r.json}) }

// option is the Client option that routes the Client's logs here.
func (r *recorder) option() tokenize.Option { return tokenize.WithLogger(r.logger()) }

// sensitive registers a value that must never appear in the output.
func (r *recorder) sensitive(what, value string) {
	if value == "" {
		return
	}
	r.mu.Lock()
	r.secrets[value] = what
	r.mu.Unlock()
}

// card registers a card's number and CVV.
func (r *recorder) card(c tokenize.Card) {
	r.sensitive("PAN", c.Number.Reveal())
	r.sensitive("CVV", c.CVV.Reveal())
}

// err records an error in every form a caller might print or log it: every
// fmt verb, JSON, slog, and the provider body it kept.
func (r *recorder) err(err error) {
	if err == nil {
		return
	}
	s := fmt.Sprintf("%v\n%+v\n%#v\n%s\n%q\n", err, err, err, err, err)
	var te *tokenize.Error
	if errors.As(err, &te) {
		js, _ := json.Marshal(te)
		s += string(js) + "\n" + string(te.ProviderBody()) + "\n"
	}
	r.mu.Lock()
	r.out.WriteString(s)
	r.mu.Unlock()
	r.logger().Error("caller logs the error", "err", err)
}

// value records a result in every fmt form and through slog.
func (r *recorder) value(v any) {
	s := fmt.Sprintf("%v\n%+v\n%#v\n", v, v, v)
	r.mu.Lock()
	r.out.WriteString(s)
	r.mu.Unlock()
	r.logger().Info("caller logs the result", "value", v)
}

// check fails t for every registered value found in the output. Values of
// six characters or more are searched as substrings; shorter ones (CVVs)
// as whole words, so that unrelated numbers cannot match by accident.
func (r *recorder) check(t testing.TB) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.out.String()
	for value, what := range r.secrets {
		found := false
		if len(value) >= 6 {
			found = bytes.Contains(r.out.Bytes(), []byte(value)) || containsBase64(out, value)
		} else {
			re := regexp.MustCompile(`(^|[^0-9A-Za-z])` + regexp.QuoteMeta(value) + `($|[^0-9A-Za-z])`)
			found = re.MatchString(out)
		}
		if found {
			t.Errorf("redaction: a %s appeared in logs, errors or fmt output", what)
		}
	}
}

// containsBase64 reports whether out holds value base64-encoded (standard
// or URL alphabet) inside longer data, as an echo of a whole request body
// would: for each of the three alignments value can have in the encoder's
// 3-byte groups, the encoding of the whole groups value alone fills is
// sought. Values shorter than 6 bytes fill no two groups and are not
// sought.
func containsBase64(out, value string) bool {
	for off := range 3 {
		if len(value)-off < 6 {
			break
		}
		b := []byte(value[off:])
		b = b[:len(b)-len(b)%3]
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			if strings.Contains(out, enc.EncodeToString(b)) {
				return true
			}
		}
	}
	return false
}

type teeHandler [2]slog.Handler

func (h teeHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h[0].Enabled(ctx, l) || h[1].Enabled(ctx, l)
}

func (h teeHandler) Handle(ctx context.Context, rec slog.Record) error {
	if err := h[0].Handle(ctx, rec.Clone()); err != nil {
		return err
	}
	return h[1].Handle(ctx, rec)
}

func (h teeHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return teeHandler{h[0].WithAttrs(as), h[1].WithAttrs(as)}
}

func (h teeHandler) WithGroup(name string) slog.Handler {
	return teeHandler{h[0].WithGroup(name), h[1].WithGroup(name)}
}
