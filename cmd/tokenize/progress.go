package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tokenize-go/tokenize"
)

// progressInterval is how often the progress line is redrawn at most:
// often enough to look alive, rarely enough to cost nothing per item.
const progressInterval = 100 * time.Millisecond

// progress reports long work (a batch over an -ids file, a sync, a
// backfill) as one line on a terminal, redrawn in place:
//
//	network-token get: 1200/5000 24% · 3 failed (NotFound 3) · 410/s · ETA 9s
//
// Batches the library runs (sync, provisioning) report their counts with
// Set; the others count each item with Add.
//
// It writes nothing when standard error is not a terminal, so scripts and
// CI logs see only the results. It is safe for concurrent use; Add is
// cheap enough to call for every item.
type progress struct {
	w     io.Writer // nil: quiet
	label string
	total int // 0 when unknown
	now   func() time.Time
	start time.Time

	mu       sync.Mutex
	done     int
	failed   map[tokenize.Code]int
	tallies  map[string]int
	limit    float64 // the requests-per-second limit in force, 0 for none
	lastDraw time.Time
	drawn    bool
}

// newProgress returns a reporter that draws on std.err when it is a
// terminal and is quiet otherwise. total is the number of items, or 0 when
// unknown (then no percentage or ETA is shown).
func newProgress(std stdio, label string, total int) *progress {
	var w io.Writer
	if isTerminal(std.err) {
		w = std.err
	}
	return newProgressTo(w, label, total, time.Now)
}

func newProgressTo(w io.Writer, label string, total int, now func() time.Time) *progress {
	return &progress{w: w, label: label, total: total, now: now, start: now(), failed: map[tokenize.Code]int{}, tallies: map[string]int{}}
}

// Add records one finished item; err is its failure, or nil.
func (p *progress) Add(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if err != nil {
		p.failed[tokenize.CodeOf(err)]++
	}
	p.redraw()
}

// Set replaces the counts with those of a library batch
// (tokenize.BatchOptions.Progress), which counts its items itself: items
// finished, failures by code, tokens that already existed, that the scheme
// declined or that are still being made, changes found by a sync, and the
// rate limit in force.
func (p *progress) Set(bp tokenize.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = bp.Done
	clear(p.failed)
	for code, n := range bp.Failures() {
		p.failed[code] = n
	}
	for _, t := range [...]struct {
		name string
		n    int
	}{{"already existed", bp.AlreadyExisted}, {"declined", bp.Declined}, {"pending", bp.Pending}, {"changed", bp.Changed}} {
		if t.n > 0 {
			p.tallies[t.name] = t.n
		}
	}
	p.limit = bp.RateLimit
	p.redraw()
}

// redraw draws the line if the last drawing is old enough, or the work is
// done; p.mu must be held.
func (p *progress) redraw() {
	if p.w == nil {
		return
	}
	if t := p.now(); t.Sub(p.lastDraw) >= progressInterval || p.done == p.total {
		p.lastDraw = t
		p.draw(t)
	}
}

// Finish draws the final counts and ends the line, so that what follows
// starts on a line of its own.
func (p *progress) Finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.w == nil || !p.drawn {
		return
	}
	p.draw(p.now())
	fmt.Fprintln(p.w)
}

// line returns the progress line for time t.
func (p *progress) line(t time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d", p.label, p.done)
	if p.total > 0 {
		fmt.Fprintf(&b, "/%d %d%%", p.total, p.done*100/p.total)
	}
	names := make([]string, 0, len(p.tallies))
	for name := range p.tallies {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Fprintf(&b, " · %d %s", p.tallies[name], name)
	}
	if n := p.failedTotal(); n > 0 {
		codes := make([]tokenize.Code, 0, len(p.failed))
		for c := range p.failed {
			codes = append(codes, c)
		}
		slices.Sort(codes)
		var parts []string
		for _, c := range codes {
			parts = append(parts, fmt.Sprintf("%s %d", c, p.failed[c]))
		}
		fmt.Fprintf(&b, " · %d failed (%s)", n, strings.Join(parts, ", "))
	}
	elapsed := t.Sub(p.start)
	if elapsed > 0 && p.done > 0 {
		rate := float64(p.done) / elapsed.Seconds()
		if rate < 10 {
			fmt.Fprintf(&b, " · %.1f/s", rate)
		} else {
			fmt.Fprintf(&b, " · %.0f/s", rate)
		}
		if p.total > p.done {
			eta := time.Duration(float64(p.total-p.done) / rate * float64(time.Second))
			fmt.Fprintf(&b, " · ETA %s", eta.Round(time.Second))
		}
	}
	if p.limit > 0 {
		fmt.Fprintf(&b, " · limit %s/s", strconv.FormatFloat(p.limit, 'f', -1, 64))
	}
	return b.String()
}

func (p *progress) failedTotal() int {
	n := 0
	for _, v := range p.failed {
		n += v
	}
	return n
}

// draw rewrites the terminal line: carriage return, the text, and "erase
// to end of line" so a shorter line leaves no tail of the previous one.
func (p *progress) draw(t time.Time) {
	fmt.Fprintf(p.w, "\r%s\x1b[K", p.line(t))
	p.drawn = true
}
