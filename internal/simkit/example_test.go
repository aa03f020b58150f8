package simkit_test

import (
	"fmt"
	"io"
	"net/http"

	"github.com/tokenize-go/tokenize/internal/simkit"
)

// A minimal simulator: one API route, a request-id header on every answer,
// a control route, served on loopback. With a seed, the ids repeat run
// after run.
func Example() {
	rnd := simkit.Seeded(1)
	kit := simkit.New(simkit.Config{
		Rand:   rnd,
		Before: func(w http.ResponseWriter, _ *http.Request) { w.Header().Set("Request-Id", rnd.Base32(8)) },
	})
	kit.HandleFunc("POST /things", func(w http.ResponseWriter, _ *http.Request) {
		simkit.WriteJSON(w, http.StatusCreated, "application/json", map[string]string{"id": "thing_" + rnd.Base32(8)})
	})
	kit.HandleControl("GET /_sim/requests", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, kit.Requests())
	}))
	srv := simkit.Serve(kit)
	defer srv.Close()

	resp, err := http.Post(srv.URL+"/things", "application/json", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, len(resp.Header.Get("Request-Id")), string(body) != "")

	resp, err = http.Get(srv.URL + "/_sim/requests")
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println("API requests:", string(body))
	// Output:
	// 201 8 true
	// API requests: 1
}
