package simkit

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Webhooks delivers a simulator's events to the URL registered with it,
// the way a provider's sender does: each event at least once, in the
// order the events happened, and resent after growing delays while the
// receiver does not answer 2xx. Options make it do what real senders do to
// receivers: send every event twice, and hold events to release them at
// once, newest first. It is safe for concurrent use; Close stops it.
type Webhooks struct {
	sign   func(body []byte) http.Header
	delays []time.Duration
	client *http.Client
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	wake   chan struct{}

	mu        sync.Mutex
	url       string
	duplicate bool
	hold      bool
	queue     []*delivery
	seq       int
	running   bool // a sender goroutine is at work
	inflight  int
	closed    bool

	attempts, delivered, abandoned atomic.Int64
}

// delivery is one event on its way to one URL.
type delivery struct {
	url     string
	body    []byte
	header  http.Header
	attempt int // attempts made
	due     time.Time
	seq     int
	held    bool
}

// NewWebhooks returns a sender that signs each body with sign (the headers
// it returns are sent with the body) and resends an unacknowledged event
// after each of delays in turn, then gives it up.
func NewWebhooks(sign func(body []byte) http.Header, delays []time.Duration) *Webhooks {
	ctx, cancel := context.WithCancel(context.Background())
	transport := &http.Transport{MaxIdleConnsPerHost: 4, IdleConnTimeout: 30 * time.Second}
	return &Webhooks{
		sign:   sign,
		delays: append([]time.Duration(nil), delays...),
		client: &http.Client{
			Transport: transport,
			Timeout:   10 * time.Second,
			// A receiver answering a redirect has not acknowledged.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		ctx:    ctx,
		cancel: cancel,
		wake:   make(chan struct{}, 1),
	}
}

// SendTo registers the URL events go to from now on; "" stops sending new
// events (those on their way are still delivered).
func (w *Webhooks) SendTo(url string) {
	w.mu.Lock()
	w.url = url
	w.mu.Unlock()
}

// Duplicate makes every later event go out twice, as two independent
// deliveries, as an at-least-once sender may.
func (w *Webhooks) Duplicate(on bool) {
	w.mu.Lock()
	w.duplicate = on
	w.mu.Unlock()
}

// Hold keeps later events back until Release.
func (w *Webhooks) Hold() {
	w.mu.Lock()
	w.hold = true
	w.mu.Unlock()
}

// Release sends the events held back, all at once: in the order they
// happened, or newest first (out of order) when newestFirst is set.
func (w *Webhooks) Release(newestFirst bool) {
	w.mu.Lock()
	w.hold = false
	var held []*delivery
	for _, d := range w.queue {
		if d.held {
			held = append(held, d)
		}
	}
	seqs := make([]int, len(held)) // ascending: the queue keeps event order
	for i, d := range held {
		seqs[i] = d.seq
	}
	now := time.Now()
	for i, d := range held {
		d.held, d.due = false, now
		if newestFirst {
			d.seq = seqs[len(seqs)-1-i]
		}
	}
	w.startLocked()
	w.mu.Unlock()
}

// Send queues one event's body for delivery to the registered URL. It does
// nothing when no URL is registered, or after Close.
func (w *Webhooks) Send(body []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.url == "" || w.closed {
		return
	}
	header := w.sign(body)
	copies := 1
	if w.duplicate {
		copies = 2
	}
	for range copies {
		w.seq++
		w.queue = append(w.queue, &delivery{url: w.url, body: body, header: header, due: time.Now(), seq: w.seq, held: w.hold})
	}
	w.startLocked()
}

// startLocked wakes the sender, starting one if none is at work; w.mu must
// be held.
func (w *Webhooks) startLocked() {
	if w.closed {
		return
	}
	if !w.running {
		w.running = true
		w.wg.Add(1)
		go w.run()
	}
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// run delivers queued events one at a time until nothing is left to send
// (held events wait for Release, which starts a sender again).
func (w *Webhooks) run() {
	defer w.wg.Done()
	for {
		w.mu.Lock()
		d, wait := w.nextLocked()
		if w.closed || (d == nil && wait == 0) {
			w.running = false
			w.mu.Unlock()
			return
		}
		if d == nil {
			w.mu.Unlock()
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-w.wake:
			case <-w.ctx.Done():
			}
			t.Stop()
			continue
		}
		w.inflight++
		w.mu.Unlock()

		ok := w.post(d)

		w.mu.Lock()
		w.inflight--
		switch {
		case ok:
			w.delivered.Add(1)
		case d.attempt <= len(w.delays) && !w.closed:
			d.due = time.Now().Add(w.delays[d.attempt-1])
			w.queue = append(w.queue, d)
		default:
			w.abandoned.Add(1)
		}
		w.mu.Unlock()
	}
}

// nextLocked removes and returns the delivery to make now: the earliest
// event among those due. With none due it returns how long until the next
// one is, or zero when nothing waits but held events.
func (w *Webhooks) nextLocked() (*delivery, time.Duration) {
	now := time.Now()
	best := -1
	var soonest time.Duration
	for i, d := range w.queue {
		if d.held {
			continue
		}
		if !d.due.After(now) {
			if best < 0 || d.seq < w.queue[best].seq {
				best = i
			}
			continue
		}
		if wait := d.due.Sub(now); soonest == 0 || wait < soonest {
			soonest = wait
		}
	}
	if best < 0 {
		return nil, soonest
	}
	d := w.queue[best]
	w.queue = append(w.queue[:best], w.queue[best+1:]...)
	return d, 0
}

// post makes one delivery attempt and reports whether the receiver
// acknowledged it with a 2xx.
func (w *Webhooks) post(d *delivery) bool {
	d.attempt++
	w.attempts.Add(1)
	req, err := http.NewRequestWithContext(w.ctx, http.MethodPost, d.url, bytes.NewReader(d.body))
	if err != nil {
		return false
	}
	for k, v := range d.header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.client.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode >= 200 && resp.StatusCode <= 299
}

// Wait returns once no event is queued or on its way, held ones aside: every
// event was delivered or given up. It returns ctx's error if ctx ends first.
func (w *Webhooks) Wait(ctx context.Context) error {
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for {
		w.mu.Lock()
		busy := w.inflight > 0
		for _, d := range w.queue {
			busy = busy || !d.held
		}
		w.mu.Unlock()
		if !busy {
			return nil
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Attempts returns how many deliveries were attempted, redeliveries
// included.
func (w *Webhooks) Attempts() int64 { return w.attempts.Load() }

// Delivered returns how many deliveries the receiver acknowledged.
func (w *Webhooks) Delivered() int64 { return w.delivered.Load() }

// Abandoned returns how many events were given up after the last resend.
func (w *Webhooks) Abandoned() int64 { return w.abandoned.Load() }

// Close stops sending: a delivery in flight is aborted, queued events are
// dropped, and no goroutine of the sender remains when it returns.
func (w *Webhooks) Close() {
	w.mu.Lock()
	w.closed = true
	w.queue = nil
	w.mu.Unlock()
	w.cancel()
	w.wg.Wait()
	w.client.CloseIdleConnections()
}

// WebhookStatus is what a Webhooks sender is doing, for the control API.
type WebhookStatus struct {
	// URL is where events go; empty when none is registered.
	URL string `json:"url"`
	// Duplicate and Hold are the options set with Duplicate and Hold.
	Duplicate bool `json:"duplicate"`
	Hold      bool `json:"hold"`
	// Pending counts the deliveries queued, held or on their way.
	Pending int `json:"pending"`
	// Attempts, Delivered and Abandoned are the counters of the same
	// names.
	Attempts  int64 `json:"attempts"`
	Delivered int64 `json:"delivered"`
	Abandoned int64 `json:"abandoned"`
}

// Status returns what the sender is doing.
func (w *Webhooks) Status() WebhookStatus {
	w.mu.Lock()
	defer w.mu.Unlock()
	return WebhookStatus{
		URL: w.url, Duplicate: w.duplicate, Hold: w.hold, Pending: len(w.queue) + w.inflight,
		Attempts: w.attempts.Load(), Delivered: w.delivered.Load(), Abandoned: w.abandoned.Load(),
	}
}
