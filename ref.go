package tokenize

import (
	"database/sql/driver"
	"fmt"
	"strings"
)

// RouterName is the provider name of a router (package
// github.com/tokenize-go/tokenize/router): a Provider that holds several
// providers and whose ids are references (Ref texts) naming the provider
// that holds each token. A configuration with a "router" object opens it
// (see Config).
const RouterName = "router"

// maxProviderName bounds a provider name; registry names are short words.
const maxProviderName = 64

// Ref is a reference to a token that carries its provider: the provider's
// registered name and the provider's own id. Tokens are not portable, so an
// id alone is only meaningful to the provider that issued it; a Ref is
// what to store when more than one provider may hold your tokens, and what
// a Client over a router takes as an id.
//
// Its text form is "provider:id", for example "checkout:src_wmlfc3zyhqzehihu7giusaaawu"
// or "nuvei:2c9a1f…". The text is split at the first ':' because provider
// names never contain one while ids may; ':' is in the id alphabet, so
// the text is itself a valid id, safe in URLs and database columns.
//
// The zero Ref means "no reference": it marshals as empty text and as a
// database NULL.
type Ref struct {
	// Provider is the registered provider name, such as "nuvei".
	Provider string
	// ID is the provider's identifier of the token.
	ID string
}

// NewRef returns the reference to id at provider, or an InvalidArgument
// error when either is malformed.
func NewRef(provider, id string) (Ref, error) {
	r := Ref{Provider: provider, ID: id}
	if err := r.Validate(); err != nil {
		return Ref{}, err
	}
	return r, nil
}

// ParseRef parses the text form "provider:id". Malformed text (no ':', an
// empty or invalid provider name, an invalid id) gives an InvalidArgument
// error with Field "ref" that does not quote the input.
func ParseRef(s string) (Ref, error) {
	provider, id, ok := strings.Cut(s, ":")
	if !ok {
		return Ref{}, refError("must be provider:id (no ':' found)")
	}
	return NewRef(provider, id)
}

// Validate reports whether r is a well-formed reference: a valid provider
// name (see ValidProviderName) and an id of at most 255 characters from
// [A-Za-z0-9._:~-], not "." or "..".
func (r Ref) Validate() error {
	if !ValidProviderName(r.Provider) {
		return refError("the provider must be 1 to 64 characters from [a-z0-9_-], starting with a letter or digit")
	}
	if err := checkID(r.ID, FieldRef); err != nil {
		err.Message = "the id " + err.Message
		return err
	}
	return nil
}

// IsZero reports whether r is the zero Ref.
func (r Ref) IsZero() bool { return r == Ref{} }

// String returns the text form "provider:id", or "" for the zero Ref.
func (r Ref) String() string {
	if r.IsZero() {
		return ""
	}
	return r.Provider + ":" + r.ID
}

// MarshalText implements encoding.TextMarshaler (and so JSON). A malformed
// Ref is an error rather than text that would not parse back.
func (r Ref) MarshalText() ([]byte, error) {
	if r.IsZero() {
		return []byte{}, nil
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return []byte(r.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseRef; empty
// text is the zero Ref.
func (r *Ref) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*r = Ref{}
		return nil
	}
	parsed, err := ParseRef(string(text))
	if err != nil {
		return err
	}
	*r = parsed
	return nil
}

// Value implements database/sql/driver.Valuer: the text form, or NULL for
// the zero Ref.
func (r Ref) Value() (driver.Value, error) {
	if r.IsZero() {
		return nil, nil
	}
	b, err := r.MarshalText()
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// Scan implements database/sql.Scanner for text columns: a string or
// []byte in the text form, or NULL for the zero Ref.
func (r *Ref) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*r = Ref{}
		return nil
	case string:
		return r.UnmarshalText([]byte(v))
	case []byte:
		return r.UnmarshalText(v)
	}
	return refError(fmt.Sprintf("cannot scan a %T into a Ref", src))
}

// ValidProviderName reports whether name can be registered and appear in a
// Ref: 1 to 64 characters from [a-z0-9_-], the first a letter or digit.
func ValidProviderName(name string) bool {
	if name == "" || len(name) > maxProviderName || name[0] == '-' || name[0] == '_' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// FieldRef names a reference in Error.Field.
const FieldRef = "ref"

func refError(msg string) *Error { return invalid(FieldRef, msg) }

// refOf is the Ref of a token with provider and id: the id parsed when the
// provider is a router (its ids are references), else the pair.
func refOf(provider, id string) Ref {
	if provider == RouterName {
		if r, err := ParseRef(id); err == nil {
			return r
		}
	}
	return Ref{Provider: provider, ID: id}
}

// Ref returns the token's reference: its provider and id, or, for a token
// from a Client over a router (whose ids are references already), the
// provider and id the router's id names. Store it (its String, or the Ref
// itself as JSON or a database column) when you hold tokens at more than
// one provider.
func (t *PaymentToken) Ref() Ref { return refOf(t.Provider, t.ID) }

// Ref returns the network token's reference; see PaymentToken.Ref.
func (t *NetworkToken) Ref() Ref { return refOf(t.Provider, t.ID) }
