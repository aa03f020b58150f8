package simkit

import (
	crand "crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"sync"
)

// Rand is a simulator's one source of ids, card numbers, cryptograms and
// every other random value, so that a simulator built with a seed answers
// a given sequence of requests with the same values every run. It is safe
// for concurrent use (concurrent requests then draw in arrival order, which
// a seed cannot fix).
//
// None of its values are secrets: a simulator's cryptograms and DPANs are
// test data, so a fast seeded generator (ChaCha8) serves.
type Rand struct {
	mu   sync.Mutex
	r    *rand.Rand
	seed *[32]byte // nil when not seeded
}

// NewRand returns a Rand seeded from the operating system's randomness.
func NewRand() *Rand {
	var seed [32]byte
	_, _ = crand.Read(seed[:])
	return &Rand{r: rand.New(rand.NewChaCha8(seed))}
}

// Seeded returns a Rand whose values are fixed by seed.
func Seeded(seed uint64) *Rand {
	var s [32]byte
	binary.LittleEndian.PutUint64(s[:], seed)
	copy(s[8:], "tokenize/simkit seed") // the rest of the key: any constant
	return &Rand{r: rand.New(rand.NewChaCha8(s)), seed: &s}
}

// Restart returns a seeded Rand to its first value, so that a simulator
// reset by its control API hands out the same ids as when it started. It
// does nothing to a Rand that is not seeded.
func (g *Rand) Restart() {
	if g.seed == nil {
		return
	}
	g.mu.Lock()
	g.r = rand.New(rand.NewChaCha8(*g.seed))
	g.mu.Unlock()
}

// Read fills p with random bytes.
func (g *Rand) Read(p []byte) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i := 0; i < len(p); i += 8 {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], g.r.Uint64())
		copy(p[i:], b[:])
	}
}

// Bytes returns n random bytes.
func (g *Rand) Bytes(n int) []byte {
	b := make([]byte, n)
	g.Read(b)
	return b
}

// Base32Alphabet is RFC 4648 base32 in lower case, the alphabet of
// Checkout.com ids ("src_" + 26 of these).
const Base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567"

// Base32 returns n random characters of the lower-case base32 alphabet
// (a-z, 2-7).
func (g *Rand) Base32(n int) string {
	return g.From(Base32Alphabet, n)
}

// From returns n characters drawn uniformly from alphabet.
func (g *Rand) From(alphabet string, n int) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.r.IntN(len(alphabet))]
	}
	return string(b)
}

// HexUpper returns n random upper-case hexadecimal digits.
func (g *Rand) HexUpper(n int) string {
	return strings.ToUpper(hex.EncodeToString(g.Bytes((n + 1) / 2)))[:n]
}

// UUID returns a random (version 4) UUID in its canonical form.
func (g *Rand) UUID() string {
	b := g.Bytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// CardNumber returns a Luhn-valid number of length digits: prefix, then
// random characters from digits (a string of decimal digits), then the
// check digit. A length shorter than the prefix plus one is raised to that.
func (g *Rand) CardNumber(prefix string, length int, digits string) string {
	n := length - 1 - len(prefix)
	if n < 0 {
		n = 0
	}
	body := prefix + g.From(digits, n)
	return body + string(rune('0'+LuhnDigit(body)))
}
