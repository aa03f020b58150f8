package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/tokenize-go/tokenize"
)

// fakeClock advances by step on every reading.
type fakeClock struct {
	t    time.Time
	step time.Duration
}

func (c *fakeClock) now() time.Time { c.t = c.t.Add(c.step); return c.t }

func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	clock := &fakeClock{t: time.Unix(0, 0), step: 50 * time.Millisecond}
	p := newProgressTo(&buf, "network-token get", 10, clock.now)
	for i := range 10 {
		var err error
		if i%4 == 0 {
			err = &tokenize.Error{Code: tokenize.NotFound}
		}
		p.Add(err)
	}
	p.Finish()
	out := buf.String()
	assert.True(t, strings.HasSuffix(out, "\n"), "Finish ends the line")
	frames := strings.Split(strings.TrimSuffix(out, "\n"), "\r")[1:]
	assert.Less(t, len(frames), 10, "redrawn at most every %s, not per item", progressInterval)
	last := strings.TrimSuffix(frames[len(frames)-1], "\x1b[K")
	assert.Equal(t, "network-token get: 10/10 100% · 3 failed (NotFound 3) · 18/s", last)
	assert.Contains(t, frames[0], "ETA", "an estimate while items remain")
}

func TestProgressUnknownTotal(t *testing.T) {
	var buf bytes.Buffer
	clock := &fakeClock{t: time.Unix(0, 0), step: time.Second}
	p := newProgressTo(&buf, "get", 0, clock.now)
	p.Add(nil)
	p.Finish()
	assert.Contains(t, buf.String(), "get: 1 · ")
	assert.NotContains(t, buf.String(), "ETA")
	assert.NotContains(t, buf.String(), "%")
}

// Not on a terminal, nothing is written at all.
func TestProgressQuietWhenNotATerminal(t *testing.T) {
	var errOut bytes.Buffer
	p := newProgress(stdio{err: &errOut}, "get", 3)
	p.Add(nil)
	p.Finish()
	assert.Empty(t, errOut.String())
}

// A sync counts tokens as the sweep takes them, and tallies changes and
// failures as they surface.
func TestProgressTalliesAndLateFailures(t *testing.T) {
	var buf bytes.Buffer
	clock := &fakeClock{t: time.Unix(0, 0), step: time.Second}
	p := newProgressTo(&buf, "network-token sync", 3, clock.now)
	p.Add(nil)
	p.Add(nil)
	p.Tally("changed")
	p.Add(nil)
	p.Fail(&tokenize.Error{Code: tokenize.Unavailable})
	p.Finish()
	frames := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\r")
	last := strings.TrimSuffix(frames[len(frames)-1], "\x1b[K")
	assert.Equal(t, "network-token sync: 3/3 100% · 1 changed · 1 failed (Unavailable 1) · 0.5/s", last)
}
