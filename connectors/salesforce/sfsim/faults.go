package sfsim

import (
	"net/http"
	"time"
)

// Operation names, as counted by Calls and matched by Fault.Op.
const (
	OpQuery             = "query"
	OpGet               = "get"
	OpCreate            = "create"
	OpUpdate            = "update"
	OpUpsert            = "upsert"
	OpDelete            = "delete"
	OpCollectionsCreate = "collections_create"
	OpCollectionsUpdate = "collections_update"
	OpCollectionsUpsert = "collections_upsert"
	OpCollectionsDelete = "collections_delete"
	OpDescribe          = "describe"
	OpLimits            = "limits"
	OpToken             = "token"
	OpLogin             = "login" // SOAP login
	OpOther             = "other" // versions, describe global
	// Pub/Sub API (gRPC): a fault of OpSubscribe fails the Subscribe call
	// when it opens; one of OpDeliver delays a delivery of events (a slow
	// event bus) or ends the stream with its error instead of delivering.
	OpSubscribe = "subscribe"
	OpDeliver   = "pubsub_deliver"
	OpGetTopic  = "get_topic"
	OpGetSchema = "get_schema"
)

// Fault makes matching calls fail, slow down or hang.
//
// With LoseResponse the call is carried out and only its answer is replaced
// by the fault's error, as when the connection drops after Salesforce
// committed the change (data API calls; token and login calls fail before
// acting).
//
// A fault with Times > 0 affects the next Times matching calls and is then
// used up; with Rate > 0 it affects each matching call with that
// probability (and, with Times too, only until Times calls were hit); with
// neither it affects every matching call until cleared.
// Status and ErrorCode default from each other (503 SERVER_UNAVAILABLE,
// UNABLE_TO_LOCK_ROW is 400, REQUEST_LIMIT_EXCEEDED is 403); a fault with
// only Latency delays calls without failing them. Hang blocks the call
// until the client gives up.
type Fault struct {
	Op        string        `json:"op"` // "" matches every operation
	Status    int           `json:"status"`
	ErrorCode string        `json:"errorCode"`
	Message   string        `json:"message"`
	Times     int           `json:"times"`
	Rate      float64       `json:"rate"`
	Latency   time.Duration `json:"latency"`
	Hang      bool          `json:"hang"`
	// LoseResponse: see above.
	LoseResponse bool `json:"loseResponse"`
}

// knownOp reports whether op names an operation (or is "" for all).
func knownOp(op string) bool {
	switch op {
	case "", OpQuery, OpGet, OpCreate, OpUpdate, OpUpsert, OpDelete, OpCollectionsCreate, OpCollectionsUpdate,
		OpCollectionsUpsert, OpCollectionsDelete, OpDescribe, OpLimits, OpToken, OpLogin, OpOther,
		OpSubscribe, OpDeliver, OpGetTopic, OpGetSchema:
		return true
	}
	return false
}

func (f Fault) fails() bool { return f.Status != 0 || f.ErrorCode != "" }

func (f Fault) apiError() *Error {
	status, code, msg := f.Status, f.ErrorCode, f.Message
	if code == "" {
		switch status {
		case http.StatusServiceUnavailable:
			code = "SERVER_UNAVAILABLE"
		case http.StatusForbidden:
			code = "REQUEST_LIMIT_EXCEEDED"
		case http.StatusUnauthorized:
			code = "INVALID_SESSION_ID"
		default:
			code = "UNKNOWN_EXCEPTION"
		}
	}
	if status == 0 {
		switch code {
		case "UNABLE_TO_LOCK_ROW", "DUPLICATE_VALUE", "ENTITY_IS_DELETED", "FIELD_CUSTOM_VALIDATION_EXCEPTION", "INVALID_FIELD", "MALFORMED_QUERY":
			status = http.StatusBadRequest
		case "REQUEST_LIMIT_EXCEEDED":
			status = http.StatusForbidden
		case "INVALID_SESSION_ID":
			status = http.StatusUnauthorized
		case "invalid_grant", "invalid_client", "invalid_client_id", "invalid_request", "unsupported_grant_type":
			status = http.StatusBadRequest
		case "UNKNOWN_EXCEPTION":
			status = http.StatusInternalServerError
		default:
			status = http.StatusServiceUnavailable
		}
	}
	if msg == "" {
		switch code {
		case "UNABLE_TO_LOCK_ROW":
			msg = "unable to obtain exclusive access to this record or 1 records"
		case "REQUEST_LIMIT_EXCEEDED":
			msg = "ConcurrentPerOrgLongTxn Limit exceeded."
		case "SERVER_UNAVAILABLE":
			msg = "Server temporarily unavailable, please try again later"
		case "INVALID_SESSION_ID":
			msg = "Session expired or invalid"
		default:
			msg = "injected fault"
		}
	}
	return &Error{Status: status, Code: code, Message: msg}
}

// pickFault decides what happens to one call of op. It returns the
// latency to add, whether to hang, the error to answer with (nil to
// proceed), and whether that error replaces the answer of a call carried
// out. The caller holds s.mu.
func (s *Server) pickFault(op string) (time.Duration, bool, *Error, bool) {
	var latency time.Duration
	for i := 0; i < len(s.faults); i++ {
		f := s.faults[i]
		if f.Op != "" && f.Op != op {
			continue
		}
		if f.Rate > 0 && s.rand.Float64() >= f.Rate {
			continue
		}
		if f.Times > 0 {
			s.faults[i].Times--
			if s.faults[i].Times == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
				i--
			}
		}
		latency += f.Latency
		if f.Hang {
			return latency, true, nil, false
		}
		if f.fails() {
			return latency, false, f.apiError(), f.LoseResponse
		}
	}
	return latency, false, nil, false
}

// InjectFault adds a fault; faults are checked in the order injected.
func (s *Server) InjectFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Times < 0 {
		f.Times = 0
	}
	s.faults = append(s.faults, f)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// Faults returns the faults still in force.
func (s *Server) Faults() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Fault(nil), s.faults...)
}

// lostAnswer stands in for the response writer of a call whose answer a
// LoseResponse fault replaces: the handler's answer goes nowhere.
type lostAnswer struct{ h http.Header }

func (l *lostAnswer) Header() http.Header         { return l.h }
func (l *lostAnswer) Write(p []byte) (int, error) { return len(p), nil }
func (l *lostAnswer) WriteHeader(int)             {}
