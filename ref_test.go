package tokenize_test

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tokenize-go/tokenize"
)

var (
	_ sql.Scanner   = (*tokenize.Ref)(nil)
	_ driver.Valuer = tokenize.Ref{}
)

func TestParseRef(t *testing.T) {
	for _, tc := range []struct {
		in       string
		provider string
		id       string
	}{
		{"checkout:src_wmlfc3zyhqzehihu7giusaaawu", "checkout", "src_wmlfc3zyhqzehihu7giusaaawu"},
		{"nuvei:2c9a1f00-0000-4000-8000-000000000000", "nuvei", "2c9a1f00-0000-4000-8000-000000000000"},
		// Ids may hold ':' and '.': the split is at the first ':'.
		{"worldpay:a:b.c:d", "worldpay", "a:b.c:d"},
		{"my_psp-2:x", "my_psp-2", "x"},
	} {
		r, err := tokenize.ParseRef(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tokenize.Ref{Provider: tc.provider, ID: tc.id}, r)
		assert.Equal(t, tc.in, r.String(), "round trip")
	}
}

func TestParseRefRejects(t *testing.T) {
	for name, in := range map[string]string{
		"Empty":           "",
		"NoColon":         "checkout",
		"EmptyProvider":   ":src_1",
		"EmptyID":         "checkout:",
		"UpperProvider":   "Checkout:src_1",
		"SlashInID":       "checkout:../admin",
		"DotDot":          "checkout:..",
		"SpaceInProvider": "check out:src_1",
		"LeadingHyphen":   "-x:src_1",
		"LongID":          "nuvei:" + strings.Repeat("1", 256),
		"LongProvider":    strings.Repeat("p", 65) + ":1",
		"CardNumber":      "4111 1111 1111 1111",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := tokenize.ParseRef(in)
			require.Error(t, err)
			assert.ErrorIs(t, err, tokenize.ErrInvalidArgument)
			var te *tokenize.Error
			require.True(t, errors.As(err, &te))
			assert.Equal(t, tokenize.FieldRef, te.Field)
			if len(in) > 3 {
				assert.NotContains(t, err.Error(), in, "the error must not quote the input")
			}
		})
	}
}

func TestRefJSON(t *testing.T) {
	type row struct {
		Token tokenize.Ref  `json:"token"`
		Other *tokenize.Ref `json:"other,omitempty"`
	}
	in := row{Token: tokenize.Ref{Provider: "nuvei", ID: "a:b"}}
	b, err := json.Marshal(in)
	require.NoError(t, err)
	assert.JSONEq(t, `{"token":"nuvei:a:b"}`, string(b))
	var out row
	require.NoError(t, json.Unmarshal(b, &out))
	assert.Equal(t, in, out)

	zero, err := json.Marshal(row{})
	require.NoError(t, err)
	assert.JSONEq(t, `{"token":""}`, string(zero))
	require.NoError(t, json.Unmarshal(zero, &out))
	assert.True(t, out.Token.IsZero())

	assert.Error(t, json.Unmarshal([]byte(`{"token":"no-colon"}`), &out))
	_, err = json.Marshal(row{Token: tokenize.Ref{Provider: "nuvei"}})
	assert.Error(t, err, "a Ref that would not parse back is not marshalled")
}

func TestRefSQL(t *testing.T) {
	r := tokenize.Ref{Provider: "checkout", ID: "nt_abc"}
	v, err := r.Value()
	require.NoError(t, err)
	assert.Equal(t, "checkout:nt_abc", v)
	null, err := tokenize.Ref{}.Value()
	require.NoError(t, err)
	assert.Nil(t, null)

	var got tokenize.Ref
	require.NoError(t, got.Scan("checkout:nt_abc"))
	assert.Equal(t, r, got)
	require.NoError(t, got.Scan([]byte("nuvei:1")))
	assert.Equal(t, tokenize.Ref{Provider: "nuvei", ID: "1"}, got)
	require.NoError(t, got.Scan(nil))
	assert.True(t, got.IsZero())
	assert.ErrorIs(t, got.Scan(42), tokenize.ErrInvalidArgument)
	assert.ErrorIs(t, got.Scan("bad"), tokenize.ErrInvalidArgument)
}

func TestTokenRef(t *testing.T) {
	pt := &tokenize.PaymentToken{Provider: "checkout", ID: "src_1"}
	assert.Equal(t, tokenize.Ref{Provider: "checkout", ID: "src_1"}, pt.Ref())
	// A Client over a router returns ids that are references already.
	routed := &tokenize.NetworkToken{Provider: tokenize.RouterName, ID: "nuvei:2c9a"}
	assert.Equal(t, tokenize.Ref{Provider: "nuvei", ID: "2c9a"}, routed.Ref())
	assert.Equal(t, routed.ID, routed.Ref().String(), "a router's id is its reference's text")
	direct := &tokenize.NetworkToken{Provider: "nuvei", ID: "2c9a"}
	assert.Equal(t, routed.Ref(), direct.Ref(), "the same token has the same reference either way")
}

func TestRegisterRefusesNamesARefCannotHold(t *testing.T) {
	for _, name := range []string{"a:b", "Nuvei", "a/b", "-x", ""} {
		assert.Panics(t, func() { tokenize.Register(name, fakeOpener(name, nil)) }, name)
	}
}

func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"nuvei:1", "checkout:src_a:b", ":x", "x:", "a:../b", "A:b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := tokenize.ParseRef(s)
		if err != nil {
			if !errors.Is(err, tokenize.ErrInvalidArgument) {
				t.Fatalf("ParseRef error is not InvalidArgument: %v", err)
			}
			return
		}
		if r.String() != s {
			t.Fatalf("round trip: %q became %q", s, r.String())
		}
		var back tokenize.Ref
		b, err := r.MarshalText()
		if err != nil || back.UnmarshalText(b) != nil || back != r {
			t.Fatalf("text round trip of %q failed: %v", s, err)
		}
	})
}

func ExampleRef() {
	// What a direct Client returns and what a Client over a router
	// returns for the same token have the same reference.
	direct := &tokenize.PaymentToken{Provider: "checkout", ID: "src_wmlfc3zyhqzehihu7giusaaawu"}
	ref := direct.Ref()
	fmt.Println(ref)

	b, _ := json.Marshal(map[string]tokenize.Ref{"token": ref})
	fmt.Println(string(b))

	back, err := tokenize.ParseRef("nuvei:2c9a1f00:01")
	fmt.Println(back.Provider, back.ID, err)
	// Output:
	// checkout:src_wmlfc3zyhqzehihu7giusaaawu
	// {"token":"checkout:src_wmlfc3zyhqzehihu7giusaaawu"}
	// nuvei 2c9a1f00:01 <nil>
}

// A Ref is a database column: Value stores its text (NULL for the zero
// Ref) and Scan reads it back, so a row can hold tokens of any provider.
func ExampleRef_Scan() {
	ref, _ := tokenize.NewRef("nuvei", "2c9a1f00")
	v, _ := ref.Value() // what database/sql writes
	fmt.Printf("%q\n", v)

	var back tokenize.Ref
	fmt.Println(back.Scan(v), back == ref)

	var none tokenize.Ref
	v, _ = none.Value()
	fmt.Println(v == nil, back.Scan(nil), back.IsZero())
	// Output:
	// "nuvei:2c9a1f00"
	// <nil> true
	// true <nil> true
}

// Malformed text is an InvalidArgument error naming Field "ref", which
// never quotes what it was given.
func ExampleParseRef() {
	for _, s := range []string{"checkout:src_wmlfc3zyhqzehihu7giusaaawu", "src_wmlfc3zyhqzehihu7giusaaawu", "Checkout:src_1"} {
		ref, err := tokenize.ParseRef(s)
		var te *tokenize.Error
		if errors.As(err, &te) {
			fmt.Println(te.Code, te.Field)
			continue
		}
		fmt.Println(ref.Provider, ref.ID)
	}
	// Output:
	// checkout src_wmlfc3zyhqzehihu7giusaaawu
	// InvalidArgument ref
	// InvalidArgument ref
}
