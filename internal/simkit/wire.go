package simkit

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
)

// MaxRequestBody bounds the request bodies simulators read: a tokenization
// request is well under 4 KiB, so 64 KiB is generous and still bounded.
const MaxRequestBody = 64 << 10

// ErrBodyTooLarge is returned by DecodeJSON for a body over MaxRequestBody.
var ErrBodyTooLarge = errors.New("simkit: request body over MaxRequestBody")

// DecodeJSON reads r's body, at most MaxRequestBody bytes, and unmarshals
// the one JSON value it must hold into v. The simulator turns an error into
// its provider's own answer for a malformed body.
func DecodeJSON(r *http.Request, v any) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, MaxRequestBody+1))
	if err != nil {
		return err
	}
	if len(b) > MaxRequestBody {
		return ErrBodyTooLarge
	}
	return json.Unmarshal(b, v)
}

// WriteJSON answers status with v encoded as JSON, labelled contentType
// and with its Content-Length set.
func WriteJSON(w http.ResponseWriter, status int, contentType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Simulators answer maps and structs of plain values: a value
		// that does not encode is a bug in the simulator.
		panic("simkit: answer does not encode as JSON: " + err.Error())
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// LinkBase is where a simulator's absolute links (HAL _links, hrefs)
// point: the API's own address as the request reached it. Real APIs link
// to https URLs on their host; a simulator keeps the scheme the request
// came in with, so that over plain http on loopback a client following a
// link reaches the simulator that issued it, and behind TLS the links are
// https like the API's.
func LinkBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
