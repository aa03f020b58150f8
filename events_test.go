package tokenize_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

// eventWithPayload is an event whose token carries a DPAN and whose raw
// payload carries a card number, a DPAN and a CVV.
func eventWithPayload() tokenize.NetworkTokenEvent {
	ev := tokenize.NetworkTokenEvent{
		Provider: "fake", ID: "evt_1", OccurredAt: fixedNow, Kind: tokenize.EventUpdated, ProviderType: "token_update",
		Token: tokenize.NetworkToken{ID: "nt_1", State: tokenize.StateSuspended, Number: testDPAN},
	}
	ev.SetProviderPayload([]byte(`{"id":"evt_1","pan":"`+testPAN+`","token":{"number":"`+testDPAN+`","cvv":"`+testCVV+`"},"note":"card `+testPAN2+`"}`), "token")
	return ev
}

func TestProviderPayloadIsRedacted(t *testing.T) {
	ev := eventWithPayload()
	p := string(ev.ProviderPayload())
	for _, s := range sensitiveValues {
		assert.NotContains(t, p, s)
	}
	assert.Contains(t, p, `"id":"evt_1"`, "what is not sensitive is kept")
	// A copy: changing it changes nothing.
	b := ev.ProviderPayload()
	b[0] = 'x'
	assert.Equal(t, p, string(ev.ProviderPayload()))
	assert.Nil(t, (&tokenize.NetworkTokenEvent{}).ProviderPayload())

	// Not JSON: card numbers are still masked.
	ev.SetProviderPayload([]byte("number=" + testPAN))
	assert.NotContains(t, string(ev.ProviderPayload()), testPAN)

	// A card number across the 64 KiB cap: capping first would have kept
	// its first digits, too few for the redactor to recognise.
	const maxKept = 64 << 10
	for cut := 1; cut < len(testPAN); cut++ {
		body := "note " + strings.Repeat(".", maxKept-cut-5) + testPAN // text, not JSON
		ev.SetProviderPayload([]byte(body))
		kept := ev.ProviderPayload()
		require.Len(t, kept, maxKept)
		masked := tokenize.PAN(testPAN).Masked()
		assert.Equal(t, masked[:cut], string(kept[maxKept-cut:]), "cut after %d digits: only the masked form's start is kept", cut)
	}
}

func TestEventPrintsWithoutPayload(t *testing.T) {
	ev := eventWithPayload()
	for _, v := range []any{ev, &ev} {
		for _, verb := range allVerbs {
			out := fmt.Sprintf(verb, v)
			assertClean(t, out, "event "+verb)
		}
	}
	assert.Contains(t, fmt.Sprintf("%+v", ev), "Kind:updated")
	assert.Contains(t, fmt.Sprintf("%#v", ev), "tokenize.NetworkTokenEvent{")
	assert.NotContains(t, fmt.Sprintf("%+v", ev), "payload")
	out := logBoth("event", ev)
	assertClean(t, out, "slog")
	assert.Contains(t, out, "evt_1")
	b, err := json.Marshal(ev)
	require.NoError(t, err)
	assertClean(t, string(b), "JSON")
	var back tokenize.NetworkTokenEvent
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, tokenize.EventUpdated, back.Kind)
	assert.Equal(t, ev.OccurredAt, back.OccurredAt.UTC())
}

func held() tokenize.NetworkToken {
	return tokenize.NetworkToken{
		Provider: "fake", ID: "nt_1", State: tokenize.StateActive, Scheme: tokenize.SchemeVTS, Number: testDPAN,
		ExpiryMonth: 7, ExpiryYear: 2030, CardLast4: "1111", CardExpiryMonth: 12, CardExpiryYear: 2029,
		PaymentAccountReference: "PAR1", UpdatedAt: fixedNow,
	}
}

func event(at time.Time, tok tokenize.NetworkToken) *tokenize.NetworkTokenEvent {
	return &tokenize.NetworkTokenEvent{Provider: "fake", ID: "evt_" + at.Format("150405"), OccurredAt: at, Kind: tokenize.EventUpdated, Token: tok}
}

func TestApplyReportsWhatChanged(t *testing.T) {
	later := fixedNow.Add(time.Minute)
	for _, tc := range []struct {
		name string
		tok  tokenize.NetworkToken
		want tokenize.EventKind
	}{
		{"suspended", tokenize.NetworkToken{ID: "nt_1", State: tokenize.StateSuspended}, tokenize.EventStateChanged},
		{"deleted", tokenize.NetworkToken{ID: "nt_1", State: tokenize.StateDeleted}, tokenize.EventDeleted},
		{"deactivated", tokenize.NetworkToken{ID: "nt_1", State: tokenize.StateInactive}, tokenize.EventDeleted},
		{"new token expiry", tokenize.NetworkToken{ID: "nt_1", State: tokenize.StateActive, ExpiryMonth: 8, ExpiryYear: 2033}, tokenize.EventCardUpdated},
		{"card reissued", tokenize.NetworkToken{ID: "nt_1", State: tokenize.StateActive, CardLast4: "4242", CardExpiryYear: 2032}, tokenize.EventCardUpdated},
		{"state and card at once: the state wins", tokenize.NetworkToken{ID: "nt_1", State: tokenize.StateSuspended, CardLast4: "4242"}, tokenize.EventStateChanged},
		{"the same again", tokenize.NetworkToken{ID: "nt_1", State: tokenize.StateActive, CardLast4: "1111"}, tokenize.EventNone},
		{"a field the event does not carry is not a change", tokenize.NetworkToken{ID: "nt_1", State: tokenize.StateActive}, tokenize.EventNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := held()
			changed, applied := event(later, tc.tok).Apply(&h)
			assert.True(t, applied)
			assert.Equal(t, tc.want, changed)
			assert.Equal(t, later, h.UpdatedAt, "UpdatedAt is the time of the event applied")
			assert.Equal(t, tokenize.PAN(testDPAN), h.Number, "a DPAN the event does not carry is kept")
			if tc.tok.State != tokenize.StateUnknown {
				assert.Equal(t, tc.tok.State, h.State)
			}
		})
	}
}

func TestApplyIgnoresStaleDuplicateAndForeignEvents(t *testing.T) {
	t1, t2 := fixedNow.Add(time.Minute), fixedNow.Add(2*time.Minute)
	suspend := event(t1, tokenize.NetworkToken{ID: "nt_1", State: tokenize.StateSuspended})
	reactivate := event(t2, tokenize.NetworkToken{ID: "nt_1", State: tokenize.StateActive})

	// In order, each delivered twice.
	h := held()
	for _, step := range []struct {
		ev      *tokenize.NetworkTokenEvent
		changed tokenize.EventKind
		applied bool
	}{
		{suspend, tokenize.EventStateChanged, true},
		{suspend, tokenize.EventNone, false},
		{reactivate, tokenize.EventStateChanged, true},
		{reactivate, tokenize.EventNone, false},
		{suspend, tokenize.EventNone, false}, // a late redelivery of the older event
	} {
		changed, applied := step.ev.Apply(&h)
		assert.Equal(t, step.changed, changed, step.ev.ID)
		assert.Equal(t, step.applied, applied, step.ev.ID)
	}
	assert.Equal(t, tokenize.StateActive, h.State)

	// Out of order: the newer arrives first; the older then changes nothing.
	h = held()
	changed, applied := reactivate.Apply(&h)
	assert.True(t, applied)
	assert.Equal(t, tokenize.EventNone, changed, "active and active: only the time moved")
	changed, applied = suspend.Apply(&h)
	assert.False(t, applied)
	assert.Equal(t, tokenize.EventNone, changed)
	assert.Equal(t, tokenize.StateActive, h.State, "the older event must not win")
	assert.Equal(t, t2, h.UpdatedAt)

	// An event older than the copy itself.
	h = held()
	_, applied = event(fixedNow.Add(-time.Second), tokenize.NetworkToken{ID: "nt_1", State: tokenize.StateDeleted}).Apply(&h)
	assert.False(t, applied)

	// Another token, another provider, a nil copy.
	h = held()
	_, applied = event(t1, tokenize.NetworkToken{ID: "nt_2", State: tokenize.StateDeleted}).Apply(&h)
	assert.False(t, applied)
	other := event(t1, tokenize.NetworkToken{ID: "nt_1", State: tokenize.StateDeleted})
	other.Provider = "another"
	_, applied = other.Apply(&h)
	assert.False(t, applied)
	_, applied = suspend.Apply(nil)
	assert.False(t, applied)
	assert.Equal(t, held(), h)

	// A copy without a time, or a provider, takes any event about it.
	h = tokenize.NetworkToken{ID: "nt_1"}
	changed, applied = suspend.Apply(&h)
	assert.True(t, applied)
	assert.Equal(t, tokenize.EventStateChanged, changed)
	assert.Equal(t, "fake", h.Provider)
}

// Apply copies every field of the snapshot it carries: a field added to
// NetworkToken must be merged, or listed here with the reason it is not.
func TestApplyMergesEveryField(t *testing.T) {
	notMerged := map[string]string{
		"Provider":       "checked, not copied",
		"ID":             "checked, not copied",
		"UpdatedAt":      "set to the event's time",
		"AlreadyExisted": "describes a provisioning call, not the token",
	}
	var from tokenize.NetworkToken
	v := reflect.ValueOf(&from).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString("4")
		case reflect.Int, reflect.Uint8:
			if f.CanInt() {
				f.SetInt(4)
			} else {
				f.SetUint(4)
			}
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Struct: // time.Time
			f.Set(reflect.ValueOf(fixedNow))
		default:
			t.Fatalf("field %s: kind %s not covered by this test", v.Type().Field(i).Name, f.Kind())
		}
	}
	from.ID = "nt_1"
	var to tokenize.NetworkToken
	to.ID = "nt_1"
	ev := &tokenize.NetworkTokenEvent{Provider: "4", OccurredAt: fixedNow.Add(time.Hour), Token: from}
	_, applied := ev.Apply(&to)
	require.True(t, applied)
	got, want := reflect.ValueOf(to), reflect.ValueOf(from)
	for i := range got.NumField() {
		name := got.Type().Field(i).Name
		if _, skip := notMerged[name]; skip {
			continue
		}
		assert.Equal(t, want.Field(i).Interface(), got.Field(i).Interface(), "field %s is not merged by Apply", name)
	}
}
