package simkit_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize/internal/simkit"
)

// inbox is a webhook receiver that answers with the statuses it is given
// in turn (200 once they run out) and records what it received.
type inbox struct {
	mu       sync.Mutex
	bodies   []string
	sigs     []string
	statuses []int
}

func (in *inbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	in.mu.Lock()
	status := http.StatusOK
	if len(in.statuses) > 0 {
		status, in.statuses = in.statuses[0], in.statuses[1:]
	}
	if status == http.StatusOK {
		in.bodies = append(in.bodies, string(b))
		in.sigs = append(in.sigs, r.Header.Get("Sig"))
	}
	in.mu.Unlock()
	w.WriteHeader(status)
}

func (in *inbox) received() []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]string(nil), in.bodies...)
}

func sender(t *testing.T, in http.Handler, delays ...time.Duration) *simkit.Webhooks {
	srv := httptest.NewServer(in)
	t.Cleanup(srv.Close)
	w := simkit.NewWebhooks(func(b []byte) http.Header { return http.Header{"Sig": {"sig:" + string(b)}} }, delays)
	t.Cleanup(w.Close)
	w.SendTo(srv.URL)
	return w
}

func wait(t *testing.T, w *simkit.Webhooks) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, w.Wait(ctx))
}

func TestWebhooksInOrderAndSigned(t *testing.T) {
	in := &inbox{}
	w := sender(t, in)
	for _, e := range []string{"a", "b", "c"} {
		w.Send([]byte(e))
	}
	wait(t, w)
	assert.Equal(t, []string{"a", "b", "c"}, in.received())
	assert.Equal(t, []string{"sig:a", "sig:b", "sig:c"}, in.sigs)
	assert.Equal(t, int64(3), w.Delivered())
}

func TestWebhooksRedeliverUntilAcknowledged(t *testing.T) {
	in := &inbox{statuses: []int{500, 404, 302}}
	w := sender(t, in, time.Millisecond, 2*time.Millisecond, 3*time.Millisecond)
	w.Send([]byte("a"))
	wait(t, w)
	assert.Equal(t, []string{"a"}, in.received())
	assert.Equal(t, int64(4), w.Attempts(), "three refusals, a redirect included, then the acknowledgement")

	// Past the last resend, the event is given up.
	in.statuses = []int{500, 500, 500, 500}
	w.Send([]byte("b"))
	wait(t, w)
	assert.Equal(t, []string{"a"}, in.received())
	assert.Equal(t, int64(1), w.Abandoned())
}

func TestWebhooksDuplicateAndOutOfOrder(t *testing.T) {
	in := &inbox{}
	w := sender(t, in)
	w.Duplicate(true)
	w.Hold()
	for _, e := range []string{"a", "b", "c"} {
		w.Send([]byte(e))
	}
	wait(t, w) // held events do not count as pending
	assert.Empty(t, in.received())
	w.Release(true)
	wait(t, w)
	assert.Equal(t, []string{"c", "c", "b", "b", "a", "a"}, in.received())

	w.Duplicate(false)
	w.Hold()
	w.Send([]byte("d"))
	w.Send([]byte("e"))
	w.Release(false)
	wait(t, w)
	assert.Equal(t, []string{"d", "e"}, in.received()[6:])
}

func TestWebhooksWithoutURLAndClose(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	w := simkit.NewWebhooks(func([]byte) http.Header { return nil }, nil)
	w.Send([]byte("nowhere"))
	assert.Zero(t, w.Attempts(), "no URL registered: nothing sent")

	w.SendTo(srv.URL)
	w.Send([]byte("stuck"))
	require.Eventually(t, func() bool { return w.Attempts() == 1 }, 5*time.Second, time.Millisecond)
	done := make(chan struct{})
	go func() { w.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not abort the delivery in flight")
	}
	w.Send([]byte("after close"))
	assert.Equal(t, int64(1), w.Attempts())
}
