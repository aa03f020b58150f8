package conformance

import "github.com/tokenize-go/tokenize/faults"

// FaultCase is one row of the suite's fault matrix, for cases of your own
// that must hold under the same faults (a router's failover, counted at
// its simulators).
type FaultCase struct {
	// Name is the case's name in the suite, such as "502AfterProcessing".
	Name string
	// Fault is the fault to inject (on every matching request; set Times
	// for fewer).
	Fault faults.Fault
	// NotProcessed reports a fault proving the provider did not act on
	// the request (408, 429): even a create may be sent again.
	NotProcessed bool
}

// FaultMatrix returns the faults the suite's Faults cases run every
// operation under.
func FaultMatrix() []FaultCase {
	cases := faultCases()
	out := make([]FaultCase, len(cases))
	for i, fc := range cases {
		out[i] = FaultCase{Name: fc.name, Fault: fc.fault, NotProcessed: fc.notProcessed}
	}
	return out
}
