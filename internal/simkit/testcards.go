package simkit

// TestCard is one of a simulator's test cards and what it triggers, as
// tools that serve the simulators print them (tokenize sim). Each
// simulator lists its own beside the constants, in cards.go, so that a new
// test card is listed where it is made.
type TestCard struct {
	// Number is the card number: public test data, valid Luhn.
	Number string `json:"number"`
	// Triggers says what the simulator does with it.
	Triggers string `json:"triggers"`
}
