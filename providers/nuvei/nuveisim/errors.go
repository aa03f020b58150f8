package nuveisim

import (
	"errors"
	"fmt"
	"net/http"
)

// Nuvei error codes and reasons the simulator answers with (seeds 000,
// 001, 003 and the REST 2.0 response-handling page).
const (
	CodeValidation    = "5000.1000"
	CodeAuthorization = "7300.3000"
	CodeInternal      = "7000.1000"
	// CodeRefused is the 200-OK error of RefusedPAN.
	CodeRefused = "5300.1109"
	// CodeNotActive answers a cryptogram request for a network token that
	// is not active, with HTTP 200 ("Saved payment option no longer valid").
	CodeNotActive = "5300.10012"
)

// apiError is a documented error answer.
type apiError struct {
	status       int
	code, reason string
}

func (e *apiError) Error() string { return e.reason }

func invalid(reason string) *apiError {
	return &apiError{http.StatusBadRequest, CodeValidation, reason}
}

func notNull(path string) *apiError { return invalid("[" + path + "] must not be null") }

func sizeBetween(path string, min, max int) *apiError {
	return invalid(fmt.Sprintf("[%s] size must be between %d and %d", path, min, max))
}

var (
	errMalformed    = invalid("Malformed request body")
	errUnauthorized = &apiError{http.StatusUnauthorized, CodeAuthorization, "Authorization error."}
	errForbidden    = &apiError{http.StatusForbidden, CodeAuthorization, "Authorization error."}
	errInternal     = &apiError{http.StatusInternalServerError, CodeInternal, "Internal Processing Error."}
	errRefused      = &apiError{http.StatusOK, CodeRefused, "Unable to process this credit card company."}
	errNotActive    = &apiError{http.StatusOK, CodeNotActive, "Saved payment option no longer valid"}
)

// errNotFound answers an unknown id. Nuvei documents a 404 for
// GET /payment-tokens/{id} but shows no body or code for it, so the body
// has a reason and no code.
func errNotFound(what string) *apiError {
	return &apiError{status: http.StatusNotFound, reason: what + " not found."}
}

// fail answers err: a documented *apiError as itself, anything else as an
// internal error.
func fail(w http.ResponseWriter, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = &apiError{http.StatusInternalServerError, CodeInternal, "Unexpected error"}
	}
	writeJSON(w, ae.status, map[string]any{"result": result{Status: "error", Errors: &errorBody{Code: ae.code, Reason: ae.reason}}})
}
