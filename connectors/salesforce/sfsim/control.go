package sfsim

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
)

// faultJSON is Fault on the wire: latency as a Go duration string ("250ms").
type faultJSON struct {
	Op           string   `json:"op"`
	Status       int      `json:"status"`
	ErrorCode    string   `json:"errorCode"`
	Message      string   `json:"message"`
	Times        int      `json:"times"`
	Rate         float64  `json:"rate"`
	Latency      string   `json:"latency"`
	Hang         bool     `json:"hang"`
	LoseResponse bool     `json:"loseResponse"`
	PerRecord    bool     `json:"perRecord"`
	Records      []string `json:"records"`
}

// locksJSON is the body of GET and PUT /sandbox/locks.
type locksJSON struct {
	// ChildrenPerParent: see Server.SetParentLockLimit (0: off).
	ChildrenPerParent int `json:"childrenPerParent"`
}

// permissionSetJSON is metadata.PermissionSet on the wire.
type permissionSetJSON struct {
	Name              string                 `json:"name"`
	Label             string                 `json:"label"`
	ObjectPermissions []objectPermissionJSON `json:"objectPermissions"`
	FieldPermissions  []fieldPermissionJSON  `json:"fieldPermissions"`
	UserPermissions   []string               `json:"userPermissions"`
	CustomPermissions []string               `json:"customPermissions"`
}

type objectPermissionJSON struct {
	Object           string `json:"object"`
	Read             bool   `json:"read"`
	Create           bool   `json:"create"`
	Edit             bool   `json:"edit"`
	Delete           bool   `json:"delete"`
	ViewAllRecords   bool   `json:"viewAllRecords"`
	ModifyAllRecords bool   `json:"modifyAllRecords"`
}

type fieldPermissionJSON struct {
	Field string `json:"field"`
	Read  bool   `json:"read"`
	Edit  bool   `json:"edit"`
}

// permissionSetsJSON is the body of GET and PUT /sandbox/permissions.
type permissionSetsJSON struct {
	PermissionSets []permissionSetJSON `json:"permissionSets"`
}

// permissionChangeJSON is the body of POST /sandbox/permissions/grant and
// /revoke: a permission set and one permission in it.
type permissionChangeJSON struct {
	PermissionSet  string `json:"permissionSet"`
	UserPermission string `json:"userPermission"`
	Object         string `json:"object"`
	Field          string `json:"field"`
	Custom         string `json:"customPermission"`
	Access         string `json:"access"`
}

// serveControl serves the sandbox controls:
//
//	GET /sandbox/faults      the faults in force
//	POST /sandbox/faults     add a fault: {"op":"query","errorCode":"UNABLE_TO_LOCK_ROW","times":2,"latency":"100ms"}
//	                         (also "status", "message", "rate", "hang", "loseResponse"); per record
//	                         of collections calls: {"op":"collections_upsert","errorCode":"UNABLE_TO_LOCK_ROW",
//	                         "perRecord":true,"rate":0.2} or {..., "records":["<Id or external id value>"]};
//	                         a fault that could not act as asked is a 400 saying why
//	DELETE /sandbox/faults   clear all faults
//	GET /sandbox/locks       {"childrenPerParent":N}: a collections call writes N children of one
//	                         parent, the rest fail with UNABLE_TO_LOCK_ROW (0: off, the default)
//	PUT /sandbox/locks       set it (same shape)
//	GET /sandbox/calls       {"total":N,"calls":{"query":N,...},"apiUsage":N,"dailyLimit":N}
//	DELETE /sandbox/calls    reset the call counters
//	GET /sandbox/permissions the integration user's permission sets besides its profile's:
//	                         {"permissionSets":[{"name":"Carebridge_Integration","label":"...",
//	                           "objectPermissions":[{"object":"Case","read":true,"create":true,"edit":true,
//	                             "delete":true,"viewAllRecords":true,"modifyAllRecords":true}],
//	                           "fieldPermissions":[{"field":"Case.Subject","read":true,"edit":true}],
//	                           "userPermissions":["TransferAnyCase"],
//	                           "customPermissions":["Carebridge_Integration_Access"]}]}
//	PUT /sandbox/permissions replace them (same shape; an empty list leaves only the profile)
//	DELETE /sandbox/permissions  give back the sets the sandbox started with
//	POST /sandbox/permissions/grant   enable one permission (and what it needs) in one of them:
//	                         {"permissionSet":"Carebridge_Integration","object":"Case","access":"ModifyAllRecords"}
//	                         {"permissionSet":"Carebridge_Integration","field":"Case.Subject","access":"Edit"}
//	                         {"permissionSet":"Carebridge_Integration","userPermission":"ViewSetup"}
//	                         {"permissionSet":"Carebridge_Integration","customPermission":"Carebridge_Integration_Access"}
//	POST /sandbox/permissions/revoke  disable one (and what depends on it), same shape
//	POST /sandbox/changes    send a change event a real org sends besides one per write (oddchanges.go):
//	                         {"kind":"gap","object":"Case","changeType":"GAP_UPDATE","recordIds":["500..."],"fields":{"Priority":"Low"}}
//	                         {"kind":"overflow","object":"Case","recordIds":["500..."],"fields":{"Priority":"Low"}}
//	                         {"kind":"wildcard","object":"Case","field":"Care_Sentiment__c"}   (recordIds ["500*"])
//	                         {"kind":"merged","object":"Case","recordIds":["500...","500..."],"fields":{"Status":"Working"}}
//	                         answers {"replayId":"<base64>"}
//	GET /sandbox/automations the org's automation (flows, triggers) that edits a record in the saver's transaction
//	POST /sandbox/automations add one: {"name":"Hold escalates","object":"Case","whenChanged":"Status","set":{"Priority":"High"}}
//	DELETE /sandbox/automations  remove them all
//	POST /sandbox/streams/stall  open Pub/Sub subscriptions go silent (no events, no keep-alives) until the client gives up
//	POST /sandbox/streams/reset  open Pub/Sub subscriptions end with UNAVAILABLE
//	                         both answer {"streams":N}, the subscriptions affected
//
// Bodies are strict: an unknown member is a 400. The controls are not
// authenticated: the sandbox is for tests and local use.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/sandbox/faults":
		s.serveFaults(w, r)
	case "/sandbox/calls":
		s.serveCalls(w, r)
	case "/sandbox/locks":
		s.serveLocks(w, r)
	case "/sandbox/permissions":
		s.servePermissions(w, r)
	case "/sandbox/permissions/grant", "/sandbox/permissions/revoke":
		if r.Method != http.MethodPost {
			writeError(w, methodNotAllowed(r.Method, "POST"))
			return
		}
		s.servePermissionChange(w, r, r.URL.Path == "/sandbox/permissions/grant")
	case "/sandbox/changes":
		s.serveChanges(w, r)
	case "/sandbox/automations":
		s.serveAutomations(w, r)
	case "/sandbox/streams/stall", "/sandbox/streams/reset":
		if r.Method != http.MethodPost {
			writeError(w, methodNotAllowed(r.Method, "POST"))
			return
		}
		n := s.StallStreams
		if r.URL.Path == "/sandbox/streams/reset" {
			n = s.ResetStreams
		}
		writeJSON(w, http.StatusOK, map[string]int{"streams": n()})
	default:
		writeError(w, notFound())
	}
}

// decodeControl decodes a control body strictly (unknown members and
// trailing data are refused) and answers 400 itself when it cannot.
func decodeControl(w http.ResponseWriter, r *http.Request, what string, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.Decode(&struct{}{}) != io.EOF {
		err = errors.New("trailing data after the JSON value")
	}
	if err != nil {
		writeError(w, apiError(http.StatusBadRequest, "JSON_PARSER_ERROR", "%s: %s", what, err.Error()))
		return false
	}
	return true
}

func (s *Server) serveFaults(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		out := []faultJSON{}
		for _, f := range s.Faults() {
			out = append(out, faultJSON{Op: f.Op, Status: f.Status, ErrorCode: f.ErrorCode, Message: f.Message,
				Times: f.Times, Rate: f.Rate, Latency: f.Latency.String(), Hang: f.Hang, LoseResponse: f.LoseResponse,
				PerRecord: f.PerRecord, Records: f.Records})
		}
		writeJSON(w, http.StatusOK, out)
	case http.MethodPost:
		var in faultJSON
		if !decodeControl(w, r, "fault", &in) {
			return
		}
		var latency time.Duration
		if in.Latency != "" {
			d, err := time.ParseDuration(in.Latency)
			if err != nil {
				writeError(w, apiError(http.StatusBadRequest, "INVALID_FIELD", "fault latency %q is not a duration like 250ms", clip(in.Latency)))
				return
			}
			latency = d
		}
		f := Fault{Op: in.Op, Status: in.Status, ErrorCode: in.ErrorCode, Message: in.Message, Times: in.Times, Rate: in.Rate,
			Latency: latency, Hang: in.Hang, LoseResponse: in.LoseResponse, PerRecord: in.PerRecord, Records: in.Records}
		if err := f.Validate(); err != nil {
			writeError(w, apiError(http.StatusBadRequest, "INVALID_FIELD", "fault: %s", err.Error()))
			return
		}
		s.InjectFault(f)
		w.WriteHeader(http.StatusNoContent)
	case http.MethodDelete:
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	default:
		writeError(w, methodNotAllowed(r.Method, "GET,POST,DELETE"))
	}
}

func (s *Server) serveLocks(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, http.StatusOK, locksJSON{ChildrenPerParent: s.ParentLockLimit()})
	case http.MethodPut:
		var in locksJSON
		if !decodeControl(w, r, "locks", &in) {
			return
		}
		if in.ChildrenPerParent < 0 {
			writeError(w, apiError(http.StatusBadRequest, "INVALID_FIELD", "childrenPerParent %d is negative (0 turns parent locks off)", in.ChildrenPerParent))
			return
		}
		s.SetParentLockLimit(in.ChildrenPerParent)
		w.WriteHeader(http.StatusNoContent)
	default:
		writeError(w, methodNotAllowed(r.Method, "GET,PUT"))
	}
}

func (s *Server) serveCalls(w http.ResponseWriter, r *http.Request) {
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
}

func (s *Server) servePermissions(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		out := permissionSetsJSON{PermissionSets: []permissionSetJSON{}}
		for _, ps := range s.IntegrationPermissionSets() {
			out.PermissionSets = append(out.PermissionSets, toPermissionSetJSON(ps))
		}
		writeJSON(w, http.StatusOK, out)
	case http.MethodPut:
		var in permissionSetsJSON
		if !decodeControl(w, r, "permission sets", &in) {
			return
		}
		sets := make([]metadata.PermissionSet, len(in.PermissionSets))
		for i, ps := range in.PermissionSets {
			sets[i] = ps.permissionSet()
		}
		if err := s.SetIntegrationPermissionSets(sets...); err != nil {
			writeError(w, apiError(http.StatusBadRequest, "INVALID_FIELD", "%s", err.Error()))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case http.MethodDelete:
		s.ResetPermissions()
		w.WriteHeader(http.StatusNoContent)
	default:
		writeError(w, methodNotAllowed(r.Method, "GET,PUT,DELETE"))
	}
}

func (s *Server) servePermissionChange(w http.ResponseWriter, r *http.Request, grant bool) {
	var in permissionChangeJSON
	if !decodeControl(w, r, "permission", &in) {
		return
	}
	p := metadata.Permission{User: in.UserPermission, Object: in.Object, Field: in.Field, Custom: in.Custom, Access: in.Access}
	var err error
	if grant {
		err = s.GrantPermission(in.PermissionSet, p)
	} else {
		err = s.RevokePermission(in.PermissionSet, p)
	}
	if err != nil {
		writeError(w, apiError(http.StatusBadRequest, "INVALID_FIELD", "%s", err.Error()))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func toPermissionSetJSON(ps metadata.PermissionSet) permissionSetJSON {
	out := permissionSetJSON{Name: ps.Name, Label: ps.Label, UserPermissions: append([]string{}, ps.UserPermissions...),
		CustomPermissions: append([]string{}, ps.CustomPermissions...), ObjectPermissions: []objectPermissionJSON{}, FieldPermissions: []fieldPermissionJSON{}}
	for _, op := range ps.Objects {
		out.ObjectPermissions = append(out.ObjectPermissions, objectPermissionJSON{Object: op.Object, Read: op.Read, Create: op.Create,
			Edit: op.Edit, Delete: op.Delete, ViewAllRecords: op.ViewAllRecords, ModifyAllRecords: op.ModifyAllRecords})
	}
	for _, fp := range ps.Fields {
		out.FieldPermissions = append(out.FieldPermissions, fieldPermissionJSON{Field: fp.Field, Read: fp.Read, Edit: fp.Edit})
	}
	return out
}

// permissionSet converts the wire form; SetIntegrationPermissionSets checks
// it against the schema.
func (j permissionSetJSON) permissionSet() metadata.PermissionSet {
	ps := metadata.PermissionSet{Name: j.Name, Label: j.Label, UserPermissions: j.UserPermissions, CustomPermissions: j.CustomPermissions}
	for _, o := range j.ObjectPermissions {
		ps.Objects = append(ps.Objects, metadata.ObjectPermissions{Object: o.Object, Read: o.Read, Create: o.Create, Edit: o.Edit,
			Delete: o.Delete, ViewAllRecords: o.ViewAllRecords, ModifyAllRecords: o.ModifyAllRecords})
	}
	for _, f := range j.FieldPermissions {
		ps.Fields = append(ps.Fields, metadata.FieldPermissions{Field: f.Field, Read: f.Read, Edit: f.Edit})
	}
	return ps
}
