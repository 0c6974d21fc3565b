package caresim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/carebridge/carebridge/connectors/care"
)

// apiError is a failure the sandbox reports in the envelope.
type apiError struct {
	status     int
	msg        string
	rule       string // stable rule code for 422 refusals
	retryAfter int    // seconds, for 429
}

func (e *apiError) Error() string {
	if e.rule != "" {
		return fmt.Sprintf("%d %s: %s", e.status, e.rule, e.msg)
	}
	return fmt.Sprintf("%d: %s", e.status, e.msg)
}

func badRequest(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) *apiError {
	return &apiError{status: http.StatusNotFound, msg: fmt.Sprintf(format, args...)}
}

// render turns a handler's result into the envelope bytes and final status.
func render(status int, data any, err error) ([]byte, int) {
	if err != nil {
		ae := asAPIError(err)
		return errorBody(ae), ae.status
	}
	raw, merr := json.Marshal(data)
	if merr != nil {
		ae := &apiError{status: http.StatusInternalServerError, msg: "encoding the response failed"}
		return errorBody(ae), ae.status
	}
	b, _ := json.Marshal(care.Envelope{Success: true, Data: raw}) // a RawMessage of valid JSON cannot fail
	return b, status
}

func asAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	return &apiError{status: http.StatusInternalServerError, msg: err.Error()}
}

func errorBody(ae *apiError) []byte {
	b, _ := json.Marshal(care.Envelope{Errors: []care.ErrorItem{{Code: ae.status, Errors: []string{ae.msg}, Rule: ae.rule}}})
	return b
}

func writeError(w http.ResponseWriter, err error) {
	ae := asAPIError(err)
	if ae.status == http.StatusTooManyRequests {
		ra := ae.retryAfter
		if ra <= 0 {
			ra = 1
		}
		w.Header().Set("Retry-After", strconv.Itoa(ra))
	}
	writeRaw(w, ae.status, errorBody(ae))
}

func writeRaw(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// readBody reads a bounded request body.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &apiError{status: http.StatusRequestEntityTooLarge, msg: fmt.Sprintf("request body is larger than %d bytes", maxBody)}
		}
		return nil, badRequest("reading the request body failed")
	}
	return b, nil
}

// decodeStrict parses exactly one JSON value into v, refusing unknown fields
// and trailing data.
func decodeStrict(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("a JSON request body is required")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("invalid JSON body: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRequest("invalid JSON body: unexpected data after the JSON value")
	}
	return nil
}
