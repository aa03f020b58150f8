package checkoutsim

import (
	"sync"
	"time"
)

// store is the simulator's state, in memory, behind one mutex.
type store struct {
	mu sync.Mutex
	held
}

// held is everything the simulator holds. A reset replaces it whole, so
// whatever is added here is forgotten by a reset too.
type held struct {
	accessTokens  map[string]accessToken
	cardTokens    map[string]*cardToken
	instruments   map[string]*instrument
	networkTokens map[string]*networkToken
	bySource      map[string]string // "src:<id>" or "card:<pan>" -> nt id
	customers     map[string]*customer
}

// customer is a Checkout.com customer: created by the first instrument
// stored for a new email (or a cus_ id the simulator has not seen), linked
// by later ones. Its first instrument becomes its default.
type customer struct {
	id, email, name   string
	phone             *phone
	defaultInstrument string
}

func newStore() store { return store{held: newHeld()} }

func newHeld() held {
	return held{
		accessTokens:  map[string]accessToken{},
		cardTokens:    map[string]*cardToken{},
		instruments:   map[string]*instrument{},
		networkTokens: map[string]*networkToken{},
		bySource:      map[string]string{},
		customers:     map[string]*customer{},
	}
}

type accessToken struct {
	expires time.Time
	scopes  []string
}

type card struct {
	number      string
	expiryMonth int
	expiryYear  int
	name        string
	billing     *address // billing_address, as sent to /tokens
	phone       *phone
}

type cardToken struct {
	card
	expires time.Time
	used    bool
}

type instrument struct {
	id          string
	kind        string // card or ach
	card        card
	fingerprint string
	customerID  string // cus_ id of the linked customer, if any
	holder      *accountHolder
	ach         achData
	created     time.Time
}

// networkToken is a stored network token. scheme is the wire "type" (vts
// or mdes); dpan and its expiry are empty until the scheme issues them.
type networkToken struct {
	id, state, scheme   string
	dpan                string
	expMonth, expYear   int
	cardLast4           string
	cardMonth, cardYear int
	par, trid           string
	tokenSchemeID       string // token_scheme_id
	cardArt             string // the card art's id at the card-art host
	created, modified   time.Time
	// provisionedFrom is the number of the card it was provisioned from
	// (directly or through an instrument), never answered: what
	// NetworkTokensByCard counts by.
	provisionedFrom string
}

// hasDPAN reports the states whose answers carry the DPAN and its expiry
// (seed 002: "only returned when the network token status is one of:
// active, suspended, inactive").
func hasDPAN(state string) bool {
	return state == "active" || state == "suspended" || state == "inactive"
}

// issueDPAN gives nt a DPAN, its expiry and a scheme token id; s.mu must
// be held.
func (s *Simulator) issueDPAN(nt *networkToken) {
	nt.dpan, nt.expMonth, nt.expYear = s.dpan(nt.scheme == "vts"), nt.cardMonth, s.now().UTC().Year()+3
	nt.tokenSchemeID = s.newID("scheme_")
}

// newID returns prefix + 26 random lowercase base32 characters, the shape
// of Checkout.com ids.
func (s *Simulator) newID(prefix string) string { return prefix + s.rand.Base32(26) }
