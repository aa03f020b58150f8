package simkit_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize/faults"
	"github.com/tokenize-go/tokenize/internal/simkit"
)

func get(t *testing.T, h http.Handler, method, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec
}

// The pipeline's order: count, Before, faults, Wrap, routes. A fault
// answer therefore carries Before's headers, is counted, and never reaches
// Wrap (an API-key check cannot mask it).
func TestKitPipelineOrder(t *testing.T) {
	var order []string
	k := simkit.New(simkit.Config{
		Before: func(w http.ResponseWriter, r *http.Request) {
			order = append(order, "before")
			w.Header().Set("X-Request-Id", "rid")
		},
		Wrap: func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				order = append(order, "wrap")
				next.ServeHTTP(w, r)
			})
		},
	})
	k.HandleFunc("GET /things/{id}", func(w http.ResponseWriter, r *http.Request) {
		order = append(order, "route")
		_, _ = io.WriteString(w, r.PathValue("id"))
	})

	rec := get(t, k, "GET", "/things/42")
	assert.Equal(t, "42", rec.Body.String())
	assert.Equal(t, "rid", rec.Header().Get("X-Request-Id"))
	assert.Equal(t, []string{"before", "wrap", "route"}, order)

	order = nil
	k.Faults().Inject(faults.Fault{Kind: faults.Status, Status: 503, Body: `{}`, Times: 1})
	rec = get(t, k, "GET", "/things/42")
	assert.Equal(t, 503, rec.Code)
	assert.Equal(t, "rid", rec.Header().Get("X-Request-Id"), "fault answers carry Before's headers")
	assert.Equal(t, []string{"before"}, order, "a fault answers before Wrap and the routes")
	assert.Equal(t, int64(2), k.Requests())
	assert.Equal(t, int64(1), k.Faults().Injected())
}

// Control routes bypass counting, Before, faults and Wrap: a test can
// always reach them, and they never disturb the counters the conformance
// suite reads.
func TestKitControlRoutes(t *testing.T) {
	k := simkit.New(simkit.Config{
		Before: func(w http.ResponseWriter, _ *http.Request) { w.Header().Set("X-Before", "1") },
		Wrap: func(http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusUnauthorized) })
		},
	})
	k.HandleControl("GET /_sim/requests", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "control")
	}))
	k.Faults().Inject(faults.Fault{Kind: faults.Status, Status: 500})

	rec := get(t, k, "GET", "/_sim/requests")
	assert.Equal(t, 200, rec.Code)
	assert.Equal(t, "control", rec.Body.String())
	assert.Empty(t, rec.Header().Get("X-Before"))
	assert.Equal(t, 404, get(t, k, "GET", "/_sim/unknown").Code)
	assert.Zero(t, k.Requests())
	assert.Zero(t, k.Faults().Requests())

	assert.Equal(t, 500, get(t, k, "GET", "/anything").Code, "API paths are faulted")
	assert.Equal(t, int64(1), k.Requests())
}

func TestKitReservedPrefix(t *testing.T) {
	k := simkit.New(simkit.Config{})
	h := http.NotFoundHandler()
	for _, p := range []string{"/_sim/x", "GET /_sim/x", "POST example.com/_sim/x", "/_sim/"} {
		assert.Panics(t, func() { k.Handle(p, h) }, p)
	}
	for _, p := range []string{"/x", "GET /tokens", "GET /_simulate", "example.com/x"} {
		assert.Panics(t, func() { k.HandleControl(p, h) }, p)
	}
	assert.NotPanics(t, func() { k.Handle("GET /_simulate", h) }, "only the whole segment is reserved")
}

func TestRandSeededIsReproducible(t *testing.T) {
	draw := func(g *simkit.Rand) []string {
		return []string{g.UUID(), g.Base32(26), g.HexUpper(7), g.CardNumber("489537", 16, "0123456789"), string(g.Bytes(5))}
	}
	a, b := draw(simkit.Seeded(7)), draw(simkit.Seeded(7))
	assert.Equal(t, a, b, "the same seed gives the same values")
	assert.NotEqual(t, a, draw(simkit.Seeded(8)))
	assert.NotEqual(t, draw(simkit.NewRand()), draw(simkit.NewRand()))
}

func TestRandFormats(t *testing.T) {
	g := simkit.NewRand()
	for range 200 {
		assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, g.UUID())
		assert.Regexp(t, `^[a-z2-7]{26}$`, g.Base32(26))
		assert.Regexp(t, `^[0-9A-F]{7}$`, g.HexUpper(7))
		n := g.CardNumber("520473", 16, "234567")
		assert.Regexp(t, `^520473[2-7]{9}[0-9]$`, n)
		assert.True(t, simkit.Luhn(n), n)
		assert.Len(t, g.CardNumber("4895", 19, "0123456789"), 19)
	}
	assert.Equal(t, "42", g.CardNumber("4", 1, "0"), "a length too short still gets its check digit")
}

func TestLuhn(t *testing.T) {
	for _, n := range []string{"4242424242424242", "5436031030606378", "4111111111111111", "0"} {
		assert.True(t, simkit.Luhn(n), n)
	}
	for _, n := range []string{"4242424242424241", "", "42424242424242a2", "4242 4242 4242 4242"} {
		assert.False(t, simkit.Luhn(n), n)
	}
	assert.Equal(t, 2, simkit.LuhnDigit("424242424242424"))
}

func TestDecodeJSON(t *testing.T) {
	var v struct{ A int }
	req := func(body string) *http.Request { return httptest.NewRequest("POST", "/", strings.NewReader(body)) }
	require.NoError(t, simkit.DecodeJSON(req(`{"A":3}`), &v))
	assert.Equal(t, 3, v.A)
	assert.Error(t, simkit.DecodeJSON(req(`{"A":`), &v))
	assert.Error(t, simkit.DecodeJSON(req(`{"A":1} {}`), &v), "one value, nothing after it")
	big := `{"A":1,"B":"` + strings.Repeat("x", simkit.MaxRequestBody) + `"}`
	assert.ErrorIs(t, simkit.DecodeJSON(req(big), &v), simkit.ErrBodyTooLarge)
}

func TestWriteJSON(t *testing.T) {
	rec := httptest.NewRecorder()
	simkit.WriteJSON(rec, 201, "application/json; charset=utf-8", map[string]int{"a": 1})
	assert.Equal(t, 201, rec.Code)
	assert.Equal(t, `{"a":1}`, rec.Body.String())
	assert.Equal(t, "7", rec.Header().Get("Content-Length"))
	assert.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
	assert.Panics(t, func() { simkit.WriteJSON(httptest.NewRecorder(), 200, "application/json", func() {}) })
}
