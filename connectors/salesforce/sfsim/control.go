package sfsim

import (
	"encoding/json"
	"net/http"
	"time"
)

// faultJSON is Fault on the wire: latency as a Go duration string ("250ms").
type faultJSON struct {
	Op        string  `json:"op"`
	Status    int     `json:"status"`
	ErrorCode string  `json:"errorCode"`
	Message   string  `json:"message"`
	Times     int     `json:"times"`
	Rate      float64 `json:"rate"`
	Latency   string  `json:"latency"`
	Hang      bool    `json:"hang"`
}

// serveControl serves the sandbox controls:
//
//	GET /sandbox/faults      the faults in force
//	POST /sandbox/faults     add a fault: {"op":"query","errorCode":"UNABLE_TO_LOCK_ROW","times":2,"latency":"100ms"}
//	DELETE /sandbox/faults   clear all faults
//	GET /sandbox/calls       {"total":N,"calls":{"query":N,...},"apiUsage":N,"dailyLimit":N}
//	DELETE /sandbox/calls    reset the call counters
//
// They are not authenticated: the sandbox is for tests and local use.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/sandbox/faults":
		switch r.Method {
		case http.MethodGet:
			var out []faultJSON
			for _, f := range s.Faults() {
				out = append(out, faultJSON{Op: f.Op, Status: f.Status, ErrorCode: f.ErrorCode, Message: f.Message,
					Times: f.Times, Rate: f.Rate, Latency: f.Latency.String(), Hang: f.Hang})
			}
			writeJSON(w, http.StatusOK, out)
		case http.MethodPost:
			var in faultJSON
			if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&in); err != nil {
				writeError(w, apiError(http.StatusBadRequest, "JSON_PARSER_ERROR", "fault: %s", clip(err.Error())))
				return
			}
			var latency time.Duration
			if in.Latency != "" {
				d, err := time.ParseDuration(in.Latency)
				if err != nil || d < 0 {
					writeError(w, apiError(http.StatusBadRequest, "INVALID_FIELD", "fault latency %q is not a duration like 250ms", clip(in.Latency)))
					return
				}
				latency = d
			}
			if !knownOp(in.Op) {
				writeError(w, apiError(http.StatusBadRequest, "INVALID_FIELD", "fault op %q is not an operation", clip(in.Op)))
				return
			}
			if in.Rate < 0 || in.Rate > 1 {
				writeError(w, apiError(http.StatusBadRequest, "INVALID_FIELD", "fault rate must be between 0 and 1"))
				return
			}
			s.InjectFault(Fault{Op: in.Op, Status: in.Status, ErrorCode: in.ErrorCode, Message: in.Message,
				Times: in.Times, Rate: in.Rate, Latency: latency, Hang: in.Hang})
			w.WriteHeader(http.StatusNoContent)
		case http.MethodDelete:
			s.ClearFaults()
			w.WriteHeader(http.StatusNoContent)
		default:
			writeError(w, methodNotAllowed(r.Method, "GET,POST,DELETE"))
		}
	case "/sandbox/calls":
		switch r.Method {
		case http.MethodGet:
			s.mu.Lock()
			calls := make(map[string]int, len(s.calls))
			for k, v := range s.calls {
				calls[k] = v
			}
			out := map[string]any{"total": s.total, "calls": calls, "apiUsage": s.used, "dailyLimit": s.dailyLimit}
			s.mu.Unlock()
			writeJSON(w, http.StatusOK, out)
		case http.MethodDelete:
			s.ResetCalls()
			w.WriteHeader(http.StatusNoContent)
		default:
			writeError(w, methodNotAllowed(r.Method, "GET,DELETE"))
		}
	default:
		writeError(w, notFound())
	}
}
