package sfsim

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/carebridge/carebridge/connectors/salesforce/sfid"
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
	OpComposite         = "composite" // POST /composite: its subrequests count as this one call
	OpDescribe          = "describe"
	OpLimits            = "limits"
	OpToken             = "token"
	OpLogin             = "login" // SOAP login
	OpOther             = "other" // versions, describe global
	// User Interface API (Lightning Data Service): reads of a record or a
	// related list, and createRecord, updateRecord, deleteRecord.
	OpUIRead  = "ui_read"
	OpUIWrite = "ui_write"
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
//
// A per-record fault (PerRecord, or Records given) fails single records of
// sObject Collections calls instead of whole calls, as an org refuses one
// row of a collection with UNABLE_TO_LOCK_ROW while it writes the others:
// the call answers 200 and each record hit carries ErrorCode in its result
// (with allOrNone the whole call rolls back, as it does in an org). Times
// then counts records, and Rate is the chance of each record.
//
// A fault that could not act as asked is refused (Validate): a negative
// Times, a Status outside 400-599, one that neither fails, slows nor hangs.
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
	// PerRecord: see above.
	PerRecord bool `json:"perRecord"`
	// Records limits a per-record fault to these records: their Id
	// (update, delete) or their external id value (upsert).
	Records []string `json:"records"`
}

// maxFaultLatency bounds Latency; Hang stands for a call that never
// answers.
const maxFaultLatency = time.Minute

// knownOp reports whether op names an operation (or is "" for all).
func knownOp(op string) bool {
	switch op {
	case "", OpQuery, OpGet, OpCreate, OpUpdate, OpUpsert, OpDelete, OpCollectionsCreate, OpCollectionsUpdate,
		OpCollectionsUpsert, OpCollectionsDelete, OpComposite, OpDescribe, OpLimits, OpToken, OpLogin, OpOther, OpUIRead, OpUIWrite,
		OpSubscribe, OpDeliver, OpGetTopic, OpGetSchema:
		return true
	}
	return false
}

func (f Fault) fails() bool { return f.Status != 0 || f.ErrorCode != "" }

func (f Fault) perRecord() bool { return f.PerRecord || len(f.Records) > 0 }

// collectionsOp reports whether op is an sObject Collections operation.
func collectionsOp(op string) bool {
	switch op {
	case OpCollectionsCreate, OpCollectionsUpdate, OpCollectionsUpsert, OpCollectionsDelete:
		return true
	}
	return false
}

// Validate reports a fault that could not act as asked: one that never
// ends by mistake (negative Times), a success status with an error body,
// one that neither fails, slows nor hangs a call, or a per-record fault
// outside sObject Collections.
func (f Fault) Validate() error {
	switch {
	case !knownOp(f.Op):
		return fmt.Errorf("op %q is not an operation", clip(f.Op))
	case f.Times < 0:
		return fmt.Errorf("times %d is negative (leave it 0 for a fault that lasts until cleared)", f.Times)
	case f.Rate < 0 || f.Rate > 1:
		return fmt.Errorf("rate %v is outside 0..1", f.Rate)
	case f.Status != 0 && (f.Status < 400 || f.Status > 599):
		return fmt.Errorf("status %d is not an error status (400-599): a fault answers with an error", f.Status)
	case f.Latency < 0 || f.Latency > maxFaultLatency:
		return fmt.Errorf("latency %v is outside 0..%v (hang makes a call that never answers)", f.Latency, maxFaultLatency)
	case f.perRecord():
		return f.validatePerRecord()
	case f.Hang && f.fails():
		return errors.New("hang and status or errorCode exclude each other: a hanging call never answers")
	case f.LoseResponse && !f.fails():
		return errors.New("loseResponse needs a status or errorCode to answer with")
	case !f.fails() && f.Latency == 0 && !f.Hang:
		return errors.New("the fault does nothing: give a status or errorCode to fail calls, a latency to slow them, or hang")
	}
	return nil
}

func (f Fault) validatePerRecord() error {
	switch {
	case f.Op != "" && !collectionsOp(f.Op):
		return fmt.Errorf("a per-record fault fails records of sObject Collections calls (%s, %s, %s, %s), not of %s",
			OpCollectionsCreate, OpCollectionsUpdate, OpCollectionsUpsert, OpCollectionsDelete, f.Op)
	case f.ErrorCode == "":
		return errors.New("a per-record fault needs the errorCode of the records it fails (e.g. UNABLE_TO_LOCK_ROW)")
	case f.Status != 0 || f.Latency != 0 || f.Hang || f.LoseResponse:
		return errors.New("a per-record fault fails records inside a call that succeeds: it takes no status, latency, hang or loseResponse")
	case slices.Contains(f.Records, ""):
		return errors.New("records holds an empty id")
	}
	return nil
}

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

// faultInjector holds the injected faults and the parent lock limit of a
// Server. Its fields are guarded by the state's mutex (lock), which the
// callers of its lower-case methods hold.
type faultInjector struct {
	lock      *sync.Mutex // the state's mutex
	logger    *slog.Logger
	faults    []Fault
	lockLimit int // children of one parent per collections call (0: no limit)
	rand      *rand.Rand
}

// pickFault decides what happens to one call of op. It returns the
// latency to add, whether to hang, the error to answer with (nil to
// proceed), and whether that error replaces the answer of a call carried
// out. The caller holds the state's mutex.
func (s *faultInjector) pickFault(op string) (time.Duration, bool, *Error, bool) {
	var latency time.Duration
	for i := 0; i < len(s.faults); i++ {
		f := s.faults[i]
		if f.perRecord() || f.Op != "" && f.Op != op {
			continue
		}
		if !s.hitFault(&i) {
			continue
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

// hitFault decides whether fault i, which matches, hits this call (or
// record) by its Rate, and counts a hit against its Times: a used-up fault
// is removed and i moved back so that the caller's loop goes on with the
// next one. The caller holds the state's mutex.
func (s *faultInjector) hitFault(i *int) bool {
	f := s.faults[*i]
	if f.Rate > 0 && s.rand.Float64() >= f.Rate {
		return false
	}
	if f.Times > 0 {
		s.faults[*i].Times--
		if s.faults[*i].Times == 0 {
			s.faults = slices.Delete(s.faults, *i, *i+1)
			*i--
		}
	}
	return true
}

// recordFault returns the error a per-record fault gives one record of a
// collections call of op, or nil; keys identify the record (its Id, its
// external id value). The caller holds the state's mutex.
func (s *faultInjector) recordFault(op string, keys ...string) *Error {
	for i := 0; i < len(s.faults); i++ {
		f := s.faults[i]
		if !f.perRecord() || f.Op != "" && f.Op != op || len(f.Records) > 0 && !sameRecord(f.Records, keys) {
			continue
		}
		if s.hitFault(&i) {
			return f.apiError()
		}
	}
	return nil
}

// sameRecord reports whether one of keys names one of records; ids match
// in their 15- or 18-character forms.
func sameRecord(records, keys []string) bool {
	norm := func(s string) string {
		if id, ok := sfid.Normalize(s); ok {
			return id
		}
		return s
	}
	for _, k := range keys {
		if k == "" {
			continue
		}
		for _, r := range records {
			if norm(r) == norm(k) {
				return true
			}
		}
	}
	return false
}

// lockedParent is the error of a child record whose parent another row of
// the same call holds locked.
func lockedParent(parentID string) *Error {
	return apiError(http.StatusBadRequest, "UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record or 1 records: %s", parentID)
}

// SetParentLockLimit makes sObject Collections calls contend for parent
// records: of the records of one call whose parent (the master-detail or
// controlling field: CaseComment.ParentId, Care_Message__c.Case__c, ...) is
// the same record, those after the first n fail with UNABLE_TO_LOCK_ROW,
// as an org refuses rows of a large insert under one parent while it
// writes the others. 0 (the default) turns it off.
func (s *faultInjector) SetParentLockLimit(n int) {
	s.lock.Lock()
	defer s.lock.Unlock()
	s.lockLimit = max(n, 0)
}

// ParentLockLimit returns the limit SetParentLockLimit set.
func (s *faultInjector) ParentLockLimit() int {
	s.lock.Lock()
	defer s.lock.Unlock()
	return s.lockLimit
}

// InjectFault adds a fault; faults are checked in the order injected. A
// fault Validate refuses is logged and ignored (the control API answers
// 400 with the reason).
func (s *faultInjector) InjectFault(f Fault) {
	if err := f.Validate(); err != nil {
		s.logger.Warn("salesforce sandbox: fault ignored", "err", err)
		return
	}
	f.Records = slices.Clone(f.Records)
	s.lock.Lock()
	defer s.lock.Unlock()
	s.faults = append(s.faults, f)
}

// ClearFaults removes every fault.
func (s *faultInjector) ClearFaults() {
	s.lock.Lock()
	defer s.lock.Unlock()
	s.faults = nil
}

// Faults returns the faults still in force.
func (s *faultInjector) Faults() []Fault {
	s.lock.Lock()
	defer s.lock.Unlock()
	out := make([]Fault, len(s.faults))
	for i, f := range s.faults {
		f.Records = slices.Clone(f.Records)
		out[i] = f
	}
	return out
}

// lostAnswer stands in for the response writer of a call whose answer a
// LoseResponse fault replaces: the handler's answer goes nowhere.
type lostAnswer struct{ h http.Header }

func (l *lostAnswer) Header() http.Header         { return l.h }
func (l *lostAnswer) Write(p []byte) (int, error) { return len(p), nil }
func (l *lostAnswer) WriteHeader(int)             {}
