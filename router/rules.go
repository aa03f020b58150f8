package router

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/tokenize-go/tokenize"
)

// Kind is what a create carries, as rules name it.
type Kind string

// The kinds a rule can name.
const (
	KindCard           Kind = "card"
	KindBankAccount    Kind = "bank_account"
	KindTemporaryToken Kind = "temporary_token"
)

// Rule sends the creates it matches to its providers, in order. Every
// condition given must hold (a list holds when any of its values does);
// a rule must give at least one. Creates and provisions from a card are
// routed; everything addressed by a reference goes to the provider the
// reference names.
//
// In JSON:
//
//	{"kind": ["card"], "brand": ["visa"], "bin": ["400000-499999"], "tag": {"region": "eu"}, "to": ["nuvei", "checkout"]}
type Rule struct {
	// Kinds matches what the create carries: card, bank_account or
	// temporary_token (JSON "kind"). A provision from a card is "card". A
	// temporary token goes to the first eligible provider of To only: it
	// can be redeemed only where it was issued.
	Kinds []Kind `json:"kind,omitempty"`
	// Brands matches the card's brand, read from its number (JSON
	// "brand"). A temporary token or a bank account has none.
	Brands []tokenize.Brand `json:"brand,omitempty"`
	// BINs matches the card number's leading digits (JSON "bin").
	BINs []BINRange `json:"bin,omitempty"`
	// Tags matches tags the caller put on the context with WithTag (JSON
	// "tag"): every key must be present with that value.
	Tags map[string]string `json:"tag,omitempty"`
	// To lists the providers to try, in order (JSON "to": a name or a
	// list). A provider lacking what the request needs is skipped; the
	// next one is tried only when the previous provably did nothing (see
	// the package documentation). When none of them can take the request,
	// the default providers are used.
	To Names `json:"to"`
}

// Names is a list of provider names; in JSON, a name or a list of names.
type Names []string

// UnmarshalJSON accepts "nuvei" or ["nuvei", "checkout"].
func (n *Names) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*n = Names{s}
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return tokenize.InvalidSetting("router", `needs a provider name or a list of them in "default" and in each rule's "to"`)
	}
	*n = list
	return nil
}

// UnmarshalJSON reads a rule as the configuration writes it, naming what
// is wrong: a brand the package does not know, a key no rule has.
func (r *Rule) UnmarshalJSON(b []byte) error {
	type plain Rule // without this method
	var in struct {
		plain
		Brands []string `json:"brand,omitempty"` // shadows plain's, to name a bad one
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typeErr) && typeErr.Field != "":
			field := strings.TrimPrefix(typeErr.Field, "plain.")
			return tokenize.InvalidSetting("router.rules."+field, "must be a JSON "+typeErr.Type.Kind().String())
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return tokenize.InvalidSetting("router.rules", "takes kind, brand, bin, tag and to; not "+strings.TrimPrefix(err.Error(), "json: unknown field "))
		}
		return err
	}
	*r = Rule(in.plain)
	r.Brands = nil
	for _, name := range in.Brands {
		brand, err := tokenize.ParseBrand(name)
		if err != nil || brand == tokenize.BrandUnknown {
			return tokenize.InvalidSetting("router.rules.brand", "takes "+strings.Join(brandNames(), ", "))
		}
		r.Brands = append(r.Brands, brand)
	}
	return nil
}

// brandNames lists the brands a rule can name.
func brandNames() []string {
	var names []string
	for b := tokenize.BrandUnknown + 1; ; b++ {
		if _, err := tokenize.ParseBrand(b.String()); err != nil {
			return names
		}
		names = append(names, b.String())
	}
}

// BINRange is a range of card-number prefixes of one length, written
// "400000-499999", or a single prefix such as "4" or "222100". A card
// matches when its leading digits, as many as the bounds have, fall in the
// range.
type BINRange struct {
	// Low and High are the bounds, included: digit strings of one
	// length, Low <= High, equal for a single prefix.
	Low, High string
}

// ParseBINRange parses "LOW-HIGH" (both of the same length, LOW <= HIGH) or
// a single prefix, 1 to 11 digits.
func ParseBINRange(s string) (BINRange, error) {
	lo, hi, found := strings.Cut(s, "-")
	if !found {
		hi = lo
	}
	if !digits(lo) || !digits(hi) || len(lo) > 11 || len(lo) != len(hi) || lo > hi {
		return BINRange{}, fmt.Errorf("BIN range must be digits LOW-HIGH of one length (at most 11), LOW <= HIGH, or one prefix")
	}
	return BINRange{Low: lo, High: hi}, nil
}

// String returns the range as ParseBINRange reads it.
func (r BINRange) String() string {
	if r.Low == r.High {
		return r.Low
	}
	return r.Low + "-" + r.High
}

// MarshalText implements encoding.TextMarshaler.
func (r BINRange) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseBINRange.
func (r *BINRange) UnmarshalText(b []byte) error {
	v, err := ParseBINRange(string(b))
	if err != nil {
		return tokenize.InvalidSetting("router.rules.bin", "takes digits LOW-HIGH of one length (at most 11), LOW <= HIGH, or one prefix")
	}
	*r = v
	return nil
}

// contains reports whether the card number pan falls in the range.
func (r BINRange) contains(pan string) bool {
	if len(pan) < len(r.Low) {
		return false
	}
	p := pan[:len(r.Low)]
	return p >= r.Low && p <= r.High
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// request is what routing sees of a create: its kind, and the card's
// number when it has one.
type request struct {
	kind Kind
	pan  string
}

func (r Rule) matches(ctx context.Context, req request) bool {
	if len(r.Kinds) > 0 && !contains(r.Kinds, req.kind) {
		return false
	}
	if len(r.Brands) > 0 && (req.pan == "" || !contains(r.Brands, brandOf(req.pan))) {
		return false
	}
	if len(r.BINs) > 0 {
		in := false
		for _, b := range r.BINs {
			in = in || (req.pan != "" && b.contains(req.pan))
		}
		if !in {
			return false
		}
	}
	for k, v := range r.Tags {
		if got, ok := Tag(ctx, k); !ok || got != v {
			return false
		}
	}
	return true
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func (r Rule) check(known map[string]*member, i int) error {
	where := fmt.Sprintf("router.rules[%d]", i)
	if len(r.Kinds) == 0 && len(r.Brands) == 0 && len(r.BINs) == 0 && len(r.Tags) == 0 {
		return tokenize.InvalidSetting(where, "has no condition: a rule that matches everything is the default")
	}
	for _, k := range r.Kinds {
		if k != KindCard && k != KindBankAccount && k != KindTemporaryToken {
			return tokenize.InvalidSetting(where+".kind", "must be card, bank_account or temporary_token")
		}
	}
	for _, b := range r.Brands {
		if b == tokenize.BrandUnknown {
			return tokenize.InvalidSetting(where+".brand", "must name a brand")
		}
	}
	return checkNames(r.To, known, where+".to")
}

func checkNames(names Names, known map[string]*member, where string) error {
	if len(names) == 0 {
		return tokenize.InvalidSetting(where, "must name at least one provider")
	}
	seen := map[string]bool{}
	for _, n := range names {
		if known[n] == nil {
			return tokenize.InvalidSetting(where, fmt.Sprintf("names %q, which is not among the router's providers", n))
		}
		if seen[n] {
			return tokenize.InvalidSetting(where, fmt.Sprintf("names %q twice", n))
		}
		seen[n] = true
	}
	return nil
}

// tagKey is the context key of the tags.
type tagKey struct{}

// tags is an immutable list of tags, newest first.
type tags struct {
	key, value string
	next       *tags
}

// WithTag returns a context carrying the routing tag key=value, which
// rules with a "tag" condition match (for example a region, a merchant
// account or a cost tier). A later tag with the same key wins.
//
// Tags travel in the context, not in the request, because they are the
// router's business alone: a request field would reach every adapter and
// mean nothing to any of them, while the context already carries the call
// through the Client to the router unchanged.
func WithTag(ctx context.Context, key, value string) context.Context {
	prev, _ := ctx.Value(tagKey{}).(*tags)
	return context.WithValue(ctx, tagKey{}, &tags{key: key, value: value, next: prev})
}

// Tag returns the value of the routing tag key in ctx.
func Tag(ctx context.Context, key string) (string, bool) {
	for t, _ := ctx.Value(tagKey{}).(*tags); t != nil; t = t.next {
		if t.key == key {
			return t.value, true
		}
	}
	return "", false
}

// brandOf reads a card's brand from its leading digits (the schemes'
// published IIN ranges), BrandUnknown when none fits.
func brandOf(pan string) tokenize.Brand {
	in := func(n int, lo, hi int) bool {
		if len(pan) < n {
			return false
		}
		v := 0
		for i := 0; i < n; i++ {
			v = v*10 + int(pan[i]-'0')
		}
		return v >= lo && v <= hi
	}
	switch {
	case in(1, 4, 4):
		return tokenize.BrandVisa
	case in(2, 51, 55), in(4, 2221, 2720):
		return tokenize.BrandMastercard
	case in(2, 34, 34), in(2, 37, 37):
		return tokenize.BrandAmex
	case in(4, 3528, 3589):
		return tokenize.BrandJCB
	case in(3, 300, 305), in(2, 36, 36), in(2, 38, 39):
		return tokenize.BrandDiners
	case in(4, 6011, 6011), in(3, 644, 649), in(2, 65, 65), in(6, 622126, 622925):
		return tokenize.BrandDiscover
	}
	return tokenize.BrandUnknown
}
