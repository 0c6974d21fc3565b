package admin

import (
	"context"
	"errors"
	"net/http"
)

// Erasure: POST /admin/api/erasure erases one customer's personal data from
// carebridge's copy in Salesforce and from Redis, or lists what would go
// (dry_run), as `carebridge erase` does (docs/operations.md).

// ErasureRequest is the body of POST /admin/api/erasure.
type ErasureRequest struct {
	Platform   string `json:"platform"`
	CustomerID string `json:"customer_id,omitempty"`
	Handle     string `json:"handle,omitempty"`
	DryRun     bool   `json:"dry_run,omitempty"`
}

// RequestError is an Erase error the caller must fix: answered 400 with
// its message.
type RequestError struct{ Message string }

func (e *RequestError) Error() string { return e.Message }

// EraseFunc carries out an erasure and returns its report.
type EraseFunc func(ctx context.Context, req ErasureRequest) (report any, err error)

func (a *api) erasure(w http.ResponseWriter, r *http.Request) {
	if a.o.Erase == nil {
		fail(w, http.StatusNotFound, "erasure is not available on this replica")
		return
	}
	var req ErasureRequest
	if !decode(w, r, &req) {
		return
	}
	rep, err := a.o.Erase(r.Context(), req)
	var bad *RequestError
	switch {
	case errors.As(err, &bad):
		fail(w, http.StatusBadRequest, "%s", bad.Message)
		return
	case err != nil:
		a.internal(w, r, err)
		return
	}
	// The log names no one: the report's erasure id is in the audit.
	a.o.Logger.Info("erasure requested through the admin API", "dry_run", req.DryRun)
	writeJSON(w, http.StatusOK, rep)
}
