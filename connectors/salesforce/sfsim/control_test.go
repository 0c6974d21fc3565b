package sfsim_test

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
)

// control sends a request to a /sandbox/ control.
func (e *env) control(method, path, body string) (int, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.ts.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// TestControlsRefuseUnknownMembers: a misspelt member must not be dropped
// silently (a fault that never fires, a permission never granted).
func TestControlsRefuseUnknownMembers(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	tests := []struct{ method, path, body, mentions string }{
		{http.MethodPost, "/sandbox/faults", `{"op":"query","status":503,"tmes":2}`, `unknown field "tmes"`},
		{http.MethodPost, "/sandbox/faults", `{"op":"query"} {"op":"get"}`, "trailing data"},
		{http.MethodPost, "/sandbox/faults", `not json`, "invalid character"},
		{http.MethodPost, "/sandbox/permissions/grant", `{"permissionSet":"Carebridge_Integration","userPermision":"ViewSetup"}`, `unknown field "userPermision"`},
		{http.MethodPost, "/sandbox/permissions/revoke", `{"permissionSet":"Carebridge_Integration","object":"Case","acess":"Read"}`, `unknown field "acess"`},
		{http.MethodPut, "/sandbox/permissions", `{"permissionSets":[{"name":"P","label":"P","objectPermissions":[{"object":"Case","raed":true}]}]}`, `unknown field "raed"`},
	}
	for _, tt := range tests {
		status, body := e.control(tt.method, tt.path, tt.body)
		if status != http.StatusBadRequest {
			t.Errorf("%s %s %s: %d %s, want 400", tt.method, tt.path, tt.body, status, body)
			continue
		}
		if got := errorBody(t, []byte(body)); got.ErrorCode != "JSON_PARSER_ERROR" || !strings.Contains(got.Message, tt.mentions) {
			t.Errorf("%s %s %s: %s %q, want JSON_PARSER_ERROR mentioning %s", tt.method, tt.path, tt.body, got.ErrorCode, got.Message, tt.mentions)
		}
	}
	if len(e.srv.Faults()) != 0 {
		t.Errorf("a refused fault was injected: %+v", e.srv.Faults())
	}
	if resp, _ := e.do(http.MethodGet, "limits", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a refused grant was applied: limits %d", resp.StatusCode)
	}
}

// TestLoseResponseOverHTTP: loseResponse reaches the fault (it used to be
// dropped): the call is carried out and answered with the error.
func TestLoseResponseOverHTTP(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	if status, body := e.control(http.MethodPost, "/sandbox/faults", `{"op":"create","status":503,"times":1,"loseResponse":true}`); status != http.StatusNoContent {
		t.Fatalf("inject: %d %s", status, body)
	}
	status, listing := e.control(http.MethodGet, "/sandbox/faults", "")
	if status != http.StatusOK || !strings.Contains(listing, `"loseResponse":true`) {
		t.Errorf("listing: %d %s", status, listing)
	}
	resp, body := e.do(http.MethodPost, "sobjects/Case", map[string]any{"Subject": "landed anyway"})
	wantError(t, "a lost response", resp, body, http.StatusServiceUnavailable, "SERVER_UNAVAILABLE", "")
	if got := e.srv.Records("Case"); len(got) != 1 || got[0]["Subject"] != "landed anyway" {
		t.Errorf("the call was not carried out: %v", got)
	}
}

// TestPermissionControlsOverHTTP: a sandbox in another process (carebridge
// sandbox salesforce) gets the same permission controls as the Go API.
func TestPermissionControlsOverHTTP(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	status, body := e.control(http.MethodGet, "/sandbox/permissions", "")
	var sets struct {
		PermissionSets []struct {
			Name              string `json:"name"`
			ObjectPermissions []struct {
				Object           string `json:"object"`
				ModifyAllRecords bool   `json:"modifyAllRecords"`
			} `json:"objectPermissions"`
			FieldPermissions  []json.RawMessage `json:"fieldPermissions"`
			UserPermissions   []string          `json:"userPermissions"`
			CustomPermissions []string          `json:"customPermissions"`
		} `json:"permissionSets"`
	}
	if err := json.Unmarshal([]byte(body), &sets); status != http.StatusOK || err != nil || len(sets.PermissionSets) != 1 ||
		sets.PermissionSets[0].Name != sfsim.IntegrationPermissionSet || len(sets.PermissionSets[0].ObjectPermissions) != 3 ||
		len(sets.PermissionSets[0].FieldPermissions) == 0 || !slices.Equal(sets.PermissionSets[0].UserPermissions, []string{"TransferAnyCase"}) ||
		!slices.Equal(sets.PermissionSets[0].CustomPermissions, []string{"Carebridge_Integration_Access"}) {
		t.Fatalf("GET /sandbox/permissions: %d %s", status, body)
	}

	if status, body := e.control(http.MethodPost, "/sandbox/permissions/grant", `{"permissionSet":"Carebridge_Integration","userPermission":"ViewSetup"}`); status != http.StatusNoContent {
		t.Fatalf("grant: %d %s", status, body)
	}
	if resp, body := e.do(http.MethodGet, "limits", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("limits after granting View Setup over HTTP: %d %s", resp.StatusCode, body)
	}
	caseID := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "alice's", "Care_Case_Id__c": "c-1"})
	if status, body := e.control(http.MethodPost, "/sandbox/permissions/revoke", `{"permissionSet":"Carebridge_Integration","userPermission":"TransferAnyCase"}`); status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", status, body)
	}
	resp, body2 := e.do(http.MethodPatch, "sobjects/Case/"+caseID, map[string]any{"OwnerId": e.srv.IntegrationUserID()})
	wantError(t, "a transfer after revoking Transfer Cases over HTTP", resp, body2, http.StatusBadRequest, "INSUFFICIENT_ACCESS_OR_READONLY", "")
	if status, body := e.control(http.MethodPost, "/sandbox/permissions/revoke", `{"permissionSet":"Carebridge_Integration","customPermission":"Carebridge_Integration_Access"}`); status != http.StatusNoContent {
		t.Fatalf("revoke a custom permission: %d %s", status, body)
	}
	if got := e.srv.IntegrationPermissionSets()[0].CustomPermissions; len(got) != 0 {
		t.Errorf("custom permissions after the revoke over HTTP: %v", got)
	}
	for _, bad := range []string{
		`{"permissionSet":"Nope","userPermission":"ViewSetup"}`,
		`{"permissionSet":"Carebridge_Integration","field":"Case.Nope__c","access":"Read"}`,
		`{"permissionSet":"Carebridge_Integration","object":"Case","access":"Fly"}`,
		`{"permissionSet":"Carebridge_Integration","customPermission":"Fly_Planes"}`,
	} {
		if status, body := e.control(http.MethodPost, "/sandbox/permissions/grant", bad); status != http.StatusBadRequest || !strings.Contains(body, "INVALID_FIELD") {
			t.Errorf("grant %s: %d %s, want 400", bad, status, body)
		}
	}

	custom := `{"permissionSets":[{"name":"Readers","label":"Readers","objectPermissions":[{"object":"Case","read":true,"viewAllRecords":true}],` +
		`"fieldPermissions":[{"field":"Case.Subject","read":true}],"userPermissions":[]}]}`
	if status, body := e.control(http.MethodPut, "/sandbox/permissions", custom); status != http.StatusNoContent {
		t.Fatalf("PUT: %d %s", status, body)
	}
	if got := e.queryRecords("SELECT Subject FROM Case"); len(got) != 1 || got[0]["Subject"] != "alice's" {
		t.Errorf("with the custom set: %v", got)
	}
	resp, body2 = e.do(http.MethodPatch, "sobjects/Case/"+caseID, map[string]any{"Subject": "x"})
	wantError(t, "update with a read-only custom set", resp, body2, http.StatusBadRequest, "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", "")
	editWithoutRead := `{"permissionSets":[{"name":"Bad","label":"Bad","objectPermissions":[{"object":"Case","edit":true}]}]}`
	if status, body := e.control(http.MethodPut, "/sandbox/permissions", editWithoutRead); status != http.StatusBadRequest || !strings.Contains(body, "allowEdit needs allowRead") {
		t.Errorf("PUT of an inconsistent set: %d %s", status, body)
	}
	if status, body := e.control(http.MethodDelete, "/sandbox/permissions", ""); status != http.StatusNoContent {
		t.Fatalf("DELETE: %d %s", status, body)
	}
	if resp, body := e.do(http.MethodPatch, "sobjects/Case/"+caseID, map[string]any{"Subject": "x"}); resp.StatusCode != http.StatusNoContent {
		t.Errorf("after DELETE the shipped set is back: %d %s", resp.StatusCode, body)
	}
	if status, _ := e.control(http.MethodGet, "/sandbox/permissions/grant", ""); status != http.StatusMethodNotAllowed {
		t.Errorf("GET on grant: %d", status)
	}
}

// TestFaultsThatCouldNotActAreRefused: as the Care sandbox does, a fault
// that could not act as asked is a 400 naming the problem, never a fault
// in force: a negative times (it used to be a fault that never ends), a
// success status with an error body, one that neither fails, slows nor
// hangs a call, and per-record faults outside collections or without the
// error to give. The Go API ignores them too.
func TestFaultsThatCouldNotActAreRefused(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	tests := []struct{ body, mentions string }{
		{`{"op":"query","status":503,"times":-1}`, "times -1 is negative"},
		{`{"op":"update","status":200,"errorCode":"UNABLE_TO_LOCK_ROW"}`, "status 200 is not an error status"},
		{`{"op":"update","status":302}`, "status 302 is not an error status"},
		{`{"op":"query"}`, "the fault does nothing"},
		{`{"op":"query","times":3,"rate":0.5}`, "the fault does nothing"},
		{`{"op":"create","loseResponse":true}`, "loseResponse needs a status or errorCode"},
		{`{"op":"query","hang":true,"status":503}`, "hang and status or errorCode exclude each other"},
		{`{"op":"query","latency":"2h"}`, "latency 2h0m0s is outside"},
		{`{"op":"query","latency":"-1s"}`, "latency -1s is outside"},
		{`{"op":"query","status":503,"rate":2}`, "rate 2 is outside 0..1"},
		{`{"op":"qurey","status":503}`, `op "qurey" is not an operation`},
		{`{"op":"update","errorCode":"UNABLE_TO_LOCK_ROW","perRecord":true}`, "per-record fault fails records of sObject Collections calls"},
		{`{"op":"collections_upsert","perRecord":true,"rate":0.5}`, "needs the errorCode"},
		{`{"op":"collections_upsert","errorCode":"UNABLE_TO_LOCK_ROW","records":["m-1"],"status":503}`, "takes no status"},
		{`{"op":"collections_upsert","errorCode":"UNABLE_TO_LOCK_ROW","records":[""]}`, "records holds an empty id"},
	}
	for _, tt := range tests {
		status, body := e.control(http.MethodPost, "/sandbox/faults", tt.body)
		if status != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", tt.body, status, body)
			continue
		}
		if got := errorBody(t, []byte(body)); got.ErrorCode != "INVALID_FIELD" || !strings.Contains(got.Message, tt.mentions) {
			t.Errorf("%s: %s %q, want INVALID_FIELD mentioning %q", tt.body, got.ErrorCode, got.Message, tt.mentions)
		}
	}
	e.srv.InjectFault(sfsim.Fault{Op: sfsim.OpQuery, Status: 503, Times: -1})
	e.srv.InjectFault(sfsim.Fault{Op: sfsim.OpQuery})
	if faults := e.srv.Faults(); len(faults) != 0 {
		t.Fatalf("refused faults are in force: %+v", faults)
	}
	if resp, body := e.query("SELECT Id FROM Case"); resp.StatusCode != http.StatusOK {
		t.Errorf("a query after refused faults: %d %s", resp.StatusCode, body)
	}
	for _, ok := range []string{`{"op":"query","latency":"10ms","times":1}`, `{"op":"query","hang":true,"times":1}`,
		`{"op":"update","errorCode":"UNABLE_TO_LOCK_ROW","times":1}`, `{"status":503,"rate":0.1}`,
		`{"op":"collections_create","errorCode":"UNABLE_TO_LOCK_ROW","perRecord":true,"rate":0.1}`} {
		if status, body := e.control(http.MethodPost, "/sandbox/faults", ok); status != http.StatusNoContent {
			t.Errorf("%s: %d %s, want 204", ok, status, body)
		}
	}
}

// TestChangeEventControls: the controls for change event shapes, the org's
// automation and the Pub/Sub streams answer as documented, and refuse what
// they cannot do with a reason.
func TestChangeEventControls(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	tests := []struct {
		method, path, body string
		status             int
		contains           string
	}{
		{http.MethodPost, "/sandbox/streams/stall", "", http.StatusOK, `{"streams":0}`},
		{http.MethodPost, "/sandbox/streams/reset", "", http.StatusOK, `{"streams":0}`},
		{http.MethodGet, "/sandbox/streams/stall", "", http.StatusMethodNotAllowed, ""},
		{http.MethodPost, "/sandbox/automations", `{"name":"Hold escalates","object":"Case","whenChanged":"Status","set":{"Priority":"High"}}`, http.StatusNoContent, ""},
		{http.MethodGet, "/sandbox/automations", "", http.StatusOK, `"whenChanged":"Status"`},
		{http.MethodPost, "/sandbox/automations", `{"name":"x","object":"Case","whenChanged":"Nope__c","set":{"Priority":"High"}}`, http.StatusBadRequest, "has no field Nope__c"},
		{http.MethodPost, "/sandbox/automations", `{"name":"x","object":"Case","set":{"Priority":"Highest"}}`, http.StatusBadRequest, "bad value for restricted picklist"},
		{http.MethodDelete, "/sandbox/automations", "", http.StatusNoContent, ""},
		{http.MethodGet, "/sandbox/automations", "", http.StatusOK, `[]`},
		{http.MethodPost, "/sandbox/changes", `{"kind":"overflow","object":"Case"}`, http.StatusOK, `"replayId"`},
		{http.MethodPost, "/sandbox/changes", `{"kind":"overflow","object":"Group"}`, http.StatusBadRequest, "Group has no change events"},
		{http.MethodPost, "/sandbox/changes", `{"kind":"gap","object":"Case","recordIds":["500000000000000AAA"]}`, http.StatusBadRequest, "500000000000000AAA"},
		{http.MethodPut, "/sandbox/changes", `{}`, http.StatusMethodNotAllowed, ""},
	}
	for _, tt := range tests {
		status, body := e.control(tt.method, tt.path, tt.body)
		if status != tt.status || !strings.Contains(body, tt.contains) {
			t.Errorf("%s %s %s: %d %s, want %d with %s", tt.method, tt.path, tt.body, status, body, tt.status, tt.contains)
		}
	}
}
