package nuveisim

import (
	"sync"
	"time"

	"github.com/tokenize-go/tokenize"
)

// store is the simulator's state, in memory, behind one mutex.
type store struct {
	mu sync.Mutex
	held
}

// held is everything the simulator holds. A reset replaces it whole, so
// whatever is added here is forgotten by a reset too.
type held struct {
	tokens   map[string]*paymentToken // by paymentTokenId
	temps    map[string]*cardData     // temporary tokens, by paymentTokenId
	networks map[string]*networkToken // by the paymentTokenId provisioning gave it
}

func newStore() store { return store{held: newHeld()} }

func newHeld() held {
	return held{tokens: map[string]*paymentToken{}, temps: map[string]*cardData{}, networks: map[string]*networkToken{}}
}

type cardData struct {
	number, month, year, holder string
}

type paymentToken struct {
	id                 string
	card               *cardData
	apmName            string
	apmData            map[string]string
	buyerID, merchRef  string
	usageIntent        string
	processingEntityID string
}

type networkToken struct {
	paymentTokenID string
	card           *cardData
	// provisionedFrom is the number of the card it was provisioned from
	// (a reissue changes card, not this): what NetworkTokensByCard counts
	// by.
	provisionedFrom string
	number          string
	month, year     string
	status          string
	tur, par        string
	trid            string
	merchRef        string
	// cardUpdated, updateReason and updated are the account updater's
	// report of a reissued card (ReissueCard).
	cardUpdated  bool
	updateReason string
	updated      time.Time
}

// statusByState is the tokenStatus the simulator reports for each state.
var statusByState = map[tokenize.NetworkTokenState]string{
	tokenize.StateActive:    "ACTIVE",
	tokenize.StateSuspended: "SUSPENDED",
	tokenize.StateInactive:  "INACTIVE",
	tokenize.StateDeclined:  "DECLINED",
	tokenize.StateRequested: "REQUESTED",
	tokenize.StateDeleted:   "DELETED",
}

func (st *store) putToken(t *paymentToken) {
	st.mu.Lock()
	st.tokens[t.id] = t
	st.mu.Unlock()
}

// tokenWire renders the payment token id with every field (nil if
// unknown).
func (st *store) tokenWire(id string) map[string]any {
	st.mu.Lock()
	defer st.mu.Unlock()
	if t := st.tokens[id]; t != nil {
		return t.wire(true)
	}
	return nil
}

// buyerTokens renders every payment token of buyer.
func (st *store) buyerTokens(buyer string) []map[string]any {
	list := []map[string]any{}
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, t := range st.tokens {
		if t.buyerID == buyer {
			list = append(list, t.wire(true))
		}
	}
	return list
}

func (st *store) putTemp(id string, c *cardData) {
	st.mu.Lock()
	st.temps[id] = c
	st.mu.Unlock()
}

// takeTemp removes and returns a temporary token's card: a temporary token
// converts once.
func (st *store) takeTemp(id string) *cardData {
	st.mu.Lock()
	defer st.mu.Unlock()
	c := st.temps[id]
	delete(st.temps, id)
	return c
}

// putNetwork stores a provisioned network token and the payment token
// provisioning created with it, and returns the token's answer.
func (st *store) putNetwork(pt *paymentToken, nt *networkToken) map[string]any {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.tokens[pt.id] = pt
	st.networks[nt.paymentTokenID] = nt
	return nt.wire("")
}

// withNetwork runs f on the network token id with the state locked, and
// reports whether the token exists.
func (st *store) withNetwork(id string, f func(*networkToken)) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	nt := st.networks[id]
	if nt == nil {
		return false
	}
	f(nt)
	return true
}
