package worldpaysim

import (
	"sync"
	"time"
)

// card is a card the simulator holds: a token's, or the one behind a
// network token.
type card struct {
	number      string
	holder      string
	month, year int
}

// token is a Worldpay token (POST /tokens).
type token struct {
	id          string // the href's last segment: what GET and DELETE take
	tokenID     string // the numeric tokenId the answer also shows
	description string
	namespace   string
	expires     time.Time
	card        *card
}

// networkToken is a network token (POST /tokens/network).
type networkToken struct {
	ref  string // tokenReference
	card *card
	// status is the tokenPaymentInstrument.status once issued: Active,
	// Suspended, Inactive, Deleted. Empty while requested or declined.
	status      string
	number      string // tokenNumber (the DPAN); empty until issued
	month, year int    // the token's expiry
	par         string
	declined    bool
	// pendingUntil is when the scheme issues a requested token; zero means
	// only SetNetworkTokenState does.
	pending      bool
	pendingUntil time.Time
}

// Statuses the simulator writes (tokenPaymentInstrument.status).
const (
	statusActive    = "Active"
	statusSuspended = "Suspended"
	statusInactive  = "Inactive"
	statusDeleted   = "Deleted"
)

// store is the simulator's state, behind one mutex.
type store struct {
	mu            sync.Mutex
	tokens        map[string]*token
	networkTokens map[string]*networkToken // by tokenReference in lower case: a UUID in any case finds it
	byNumber      map[string]*networkToken // tokenNumber → token, for cryptograms
	// provisioned counts the network tokens made from each card number,
	// deleted ones included (NetworkTokensByCard).
	provisioned map[string]int
}

func newStore() store {
	return store{tokens: map[string]*token{}, networkTokens: map[string]*networkToken{}, byNumber: map[string]*networkToken{},
		provisioned: map[string]int{}}
}

func (st *store) reset() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.tokens, st.networkTokens, st.byNumber = map[string]*token{}, map[string]*networkToken{}, map[string]*networkToken{}
	st.provisioned = map[string]int{}
}
