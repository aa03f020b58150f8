package faults_test

import (
	"fmt"

	"github.com/tokenize-go/tokenize/faults"
)

// A fault named as a control API or a configuration file names it, armed
// for the next two POSTs to one path, then listed with its uses left.
func ExampleInjector_Armed() {
	inj := faults.New()
	kind, err := faults.ParseKind("reset-mid-body")
	if err != nil {
		fmt.Println(err)
		return
	}
	inj.Inject(faults.Fault{Kind: kind, Times: 2, Method: "POST", PathPrefix: "/network-tokens"})
	for _, f := range inj.Armed() {
		fmt.Println(f.Kind, f.Method, f.PathPrefix, f.Times)
	}
	// Output:
	// reset-mid-body POST /network-tokens 2
}
