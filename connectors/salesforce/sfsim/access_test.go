package sfsim_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
)

// userID returns the id of a seeded user by username.
func userID(t *testing.T, s *sfsim.Server, username string) string {
	t.Helper()
	for _, u := range s.Users() {
		if u["Username"] == username {
			return u["Id"].(string)
		}
	}
	t.Fatalf("no user %s", username)
	return ""
}

// totalSize runs SOQL that must succeed and returns its totalSize.
func (e *env) totalSize(soql string) int {
	e.t.Helper()
	resp, body := e.query(soql)
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("query %q: %d %s", soql, resp.StatusCode, body)
	}
	var res struct {
		TotalSize int              `json:"totalSize"`
		Records   []map[string]any `json:"records"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		e.t.Fatal(err)
	}
	if res.TotalSize != len(res.Records) {
		e.t.Errorf("totalSize %d for %d records", res.TotalSize, len(res.Records))
	}
	return res.TotalSize
}

// wantError checks an error answer's status, code and (when given) message.
func wantError(t *testing.T, what string, resp *http.Response, body []byte, status int, code, message string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Errorf("%s: HTTP %d %s, want %d %s", what, resp.StatusCode, body, status, code)
		return
	}
	got := errorBody(t, body)
	if got.ErrorCode != code || message != "" && got.Message != message {
		t.Errorf("%s: %s %q, want %s %q", what, got.ErrorCode, got.Message, code, message)
	}
}

// collection sends an sObject Collections call and returns each record's
// first error code ("" for a success).
func (e *env) collection(method, path string, payload any) []string {
	t := e.t
	t.Helper()
	resp, body := e.do(method, path, payload)
	var res []struct {
		Success bool `json:"success"`
		Errors  []struct {
			StatusCode string `json:"statusCode"`
		} `json:"errors"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &res) != nil {
		t.Fatalf("collections: %d %s", resp.StatusCode, body)
	}
	out := make([]string, len(res))
	for i, r := range res {
		if !r.Success && len(r.Errors) > 0 {
			out[i] = r.Errors[0].StatusCode
		}
	}
	return out
}

const insufficientAccess = "insufficient access rights on object id"

// TestCaseSharing: Case is Private. The integration user reads every Case
// through View All on Case (which Change Data Capture requires of a
// subscriber to Case change events); without it, it reads the Cases it
// owns and, through the shipped sharing rule Carebridge_Integration_Cases
// and its membership of the Carebridge_Integration group, every Case with
// a Care Case Id, evaluated on the Case as it is now. Agents see their own
// Cases only, and the children of a Case are visible exactly when the Case
// is.
func TestCaseSharing(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	bob := userID(t, e.srv, "bob@carebridge.example")
	alices := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "alice's", "Care_Case_Id__c": "c-alice"}) // Insert's owner is Alice
	bobs := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "bob's", "Care_Case_Id__c": "c-bob", "OwnerId": bob})
	phone := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "a phone call"}) // Alice's, no Care case
	mustInsert(t, e.srv, "Care_Message__c", map[string]any{"Case__c": alices, "Care_Message_Id__c": "m-alice"})
	mustInsert(t, e.srv, "Care_Message__c", map[string]any{"Case__c": bobs, "Care_Message_Id__c": "m-bob"})
	mustInsert(t, e.srv, "CaseComment", map[string]any{"ParentId": bobs, "CommentBody": "on bob's case"})

	if n := e.totalSize("SELECT Id FROM Case"); n != 3 {
		t.Errorf("with View All on Case the integration user sees %d Cases, want 3", n)
	}
	e.revoke(metadata.Permission{Object: "Case", Access: metadata.AccessViewAll})
	if got := e.queryRecords("SELECT Subject FROM Case ORDER BY Subject"); len(got) != 2 || got[0]["Subject"] != "alice's" || got[1]["Subject"] != "bob's" {
		t.Errorf("without View All the sharing rule shows the Cases with a Care Case Id: %v", got)
	}
	resp, body := e.do(http.MethodGet, "sobjects/Case/"+phone, nil)
	wantError(t, "GET an agent's Case without a Care Case Id", resp, body, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
	if err := e.srv.Update("Case", phone, map[string]any{"Care_Case_Id__c": "c-phone"}); err != nil {
		t.Fatal(err)
	}
	if n := e.totalSize("SELECT Id FROM Case WHERE Id = '" + phone + "'"); n != 1 {
		t.Error("a Case given a Care Case Id is shared at once")
	}
	if err := e.srv.Update("Case", phone, map[string]any{"Care_Case_Id__c": nil}); err != nil {
		t.Fatal(err)
	}
	if n := e.totalSize("SELECT Id FROM Case WHERE Id = '" + phone + "'"); n != 0 {
		t.Error("a Case whose Care Case Id is cleared stays shared")
	}

	e.leaveIntegrationGroup()
	if n := e.totalSize("SELECT Id FROM Case"); n != 0 {
		t.Errorf("outside the group the integration user sees %d agents' Cases, want 0", n)
	}
	resp, body = e.do(http.MethodGet, "sobjects/Case/"+alices, nil)
	wantError(t, "GET an invisible Case", resp, body, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
	resp, body = e.do(http.MethodGet, "sobjects/Case/Care_Case_Id__c/c-alice", nil)
	wantError(t, "GET an invisible Case by external id", resp, body, http.StatusNotFound, "NOT_FOUND", "")
	if n := e.totalSize("SELECT Id FROM CaseComment"); n != 0 {
		t.Errorf("comments on invisible Cases: %d visible", n)
	}
	resp, body = e.do(http.MethodPost, "sobjects/Case", map[string]any{"Subject": "mine"})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	if got := e.queryRecords("SELECT Subject FROM Case"); len(got) != 1 || got[0]["Subject"] != "mine" {
		t.Errorf("an owner sees its own Case: %v", got)
	}

	alice := e.as("alice@carebridge.example")
	if got := alice.queryRecords("SELECT Subject FROM Case ORDER BY Subject"); len(got) != 2 || got[0]["Subject"] != "a phone call" || got[1]["Subject"] != "alice's" {
		t.Errorf("an agent sees its own Cases only: %v", got)
	}
	if got := alice.queryRecords("SELECT Care_Message_Id__c, Case__r.Subject FROM Care_Message__c"); len(got) != 1 || got[0]["Care_Message_Id__c"] != "m-alice" {
		t.Errorf("an agent sees the messages of its own Cases only: %v", got)
	}
	resp, body = alice.do(http.MethodGet, "sobjects/Case/"+bobs, nil)
	wantError(t, "an agent reads another agent's Case", resp, body, http.StatusNotFound, "NOT_FOUND", "")

	e.grant(metadata.Permission{Object: "Case", Access: metadata.AccessViewAll})
	if n := e.totalSize("SELECT Id FROM Case"); n != 4 {
		t.Errorf("View All given back: %d Cases, want 4", n)
	}
	if got := e.queryRecords("SELECT CommentBody, Parent.Subject FROM CaseComment"); len(got) != 1 || got[0]["Parent"].(map[string]any)["Subject"] != "bob's" {
		t.Errorf("comments follow their Case: %v", got)
	}
}

// TestEditNeedsTheSharingRule: under a Private sharing model the
// integration user edits agents' Cases through the shipped sharing rule
// (read/write on every Case with a Care Case Id, for its group), not
// through Modify All: a Case without a Care Case Id, or one whose Care
// Case Id was cleared, is read-only to it (INSUFFICIENT_ACCESS_OR_READONLY;
// View All lets it read them), as is every agent's Case once it is out of
// the group. It deletes nothing (no Delete), and without the object
// permissions Edit or Create the object refuses the write.
func TestEditNeedsTheSharingRule(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	id := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "alice's", "Care_Case_Id__c": "c-1"})
	phone := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "a phone call"})
	if resp, body := e.do(http.MethodPatch, "sobjects/Case/"+id, map[string]any{"Subject": "through the rule"}); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("update of an agent's Case with a Care Case Id: %d %s", resp.StatusCode, body)
	}
	if resp, body := e.do(http.MethodPatch, "sobjects/Case/Care_Case_Id__c/c-1", map[string]any{"Subject": "through the rule"}); resp.StatusCode != http.StatusOK {
		t.Fatalf("upsert onto an agent's Case with a Care Case Id: %d %s", resp.StatusCode, body)
	}
	resp, body := e.do(http.MethodPatch, "sobjects/Case/"+phone, map[string]any{"Subject": "not Care's"})
	wantError(t, "update of a Case without a Care Case Id", resp, body, http.StatusBadRequest, "INSUFFICIENT_ACCESS_OR_READONLY", insufficientAccess)
	resp, body = e.do(http.MethodDelete, "sobjects/Case/"+id, nil)
	wantError(t, "delete without Delete", resp, body, http.StatusBadRequest, "INSUFFICIENT_ACCESS_OR_READONLY", insufficientAccess)
	codes := e.collection(http.MethodDelete, "composite/sobjects?ids="+id, nil)
	if !slices.Equal(codes, []string{"INSUFFICIENT_ACCESS_OR_READONLY"}) {
		t.Errorf("collections delete without Delete: %v", codes)
	}
	if err := e.srv.Update("Case", phone, map[string]any{"Care_Case_Id__c": "c-2"}); err != nil {
		t.Fatal(err)
	}
	if resp, body := e.do(http.MethodPatch, "sobjects/Case/"+phone, map[string]any{"Subject": "Care's now"}); resp.StatusCode != http.StatusNoContent {
		t.Errorf("a Case given a Care Case Id is writable at once: %d %s", resp.StatusCode, body)
	}
	if err := e.srv.Update("Case", phone, map[string]any{"Care_Case_Id__c": nil}); err != nil {
		t.Fatal(err)
	}
	resp, body = e.do(http.MethodPatch, "sobjects/Case/"+phone, map[string]any{"Care_Case_Id__c": "c-2"})
	wantError(t, "putting back a cleared Care Case Id", resp, body, http.StatusBadRequest, "INSUFFICIENT_ACCESS_OR_READONLY", insufficientAccess)

	e.leaveIntegrationGroup()
	resp, body = e.do(http.MethodPatch, "sobjects/Case/"+id, map[string]any{"Subject": "outside the group"})
	wantError(t, "update outside the group", resp, body, http.StatusBadRequest, "INSUFFICIENT_ACCESS_OR_READONLY", insufficientAccess)
	resp, body = e.do(http.MethodPatch, "sobjects/Case/Care_Case_Id__c/c-1", map[string]any{"Subject": "outside the group"})
	wantError(t, "upsert onto a read-only Case", resp, body, http.StatusBadRequest, "INSUFFICIENT_ACCESS_OR_READONLY", insufficientAccess)
	codes = e.collection(http.MethodPatch, "composite/sobjects", map[string]any{"records": []any{
		map[string]any{"attributes": map[string]any{"type": "Case"}, "Id": id, "Subject": "x"}}})
	if !slices.Equal(codes, []string{"INSUFFICIENT_ACCESS_OR_READONLY"}) {
		t.Errorf("collections update outside the group: %v", codes)
	}
	if rec, _ := e.srv.Record("Case", id); rec["Subject"] != "through the rule" || rec["IsDeleted"] != false {
		t.Errorf("a refused write changed the Case: %v", rec)
	}

	alice := e.as("alice@carebridge.example")
	if resp, body := alice.do(http.MethodPatch, "sobjects/Case/"+id, map[string]any{"Subject": "by its owner"}); resp.StatusCode != http.StatusNoContent {
		t.Errorf("the owner edits its Case: %d %s", resp.StatusCode, body)
	}
	bobsCase := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "bob's", "OwnerId": userID(t, e.srv, "bob@carebridge.example")})
	resp, body = alice.do(http.MethodPatch, "sobjects/Case/"+bobsCase, map[string]any{"Subject": "not mine"})
	wantError(t, "an agent writes a Case it cannot see", resp, body, http.StatusBadRequest, "INSUFFICIENT_ACCESS_OR_READONLY", insufficientAccess)
	resp, body = alice.do(http.MethodDelete, "sobjects/Case/"+id, nil)
	wantError(t, "an agent without Delete", resp, body, http.StatusBadRequest, "INSUFFICIENT_ACCESS_OR_READONLY", insufficientAccess)

	e.revoke(metadata.Permission{Object: "Case", Access: metadata.AccessEdit})
	resp, body = e.do(http.MethodPatch, "sobjects/Case/"+id, map[string]any{"Subject": "x"})
	wantError(t, "update without Edit", resp, body, http.StatusBadRequest, "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", "entity type cannot be updated: Case")
	e.revoke(metadata.Permission{Object: "Case", Access: metadata.AccessCreate})
	resp, body = e.do(http.MethodPost, "sobjects/Case", map[string]any{"Subject": "x"})
	wantError(t, "create without Create", resp, body, http.StatusBadRequest, "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", "entity type cannot be inserted: Case")
	codes = e.collection(http.MethodPatch, "composite/sobjects/Case/Care_Case_Id__c", map[string]any{"records": []any{
		map[string]any{"attributes": map[string]any{"type": "Case"}, "Care_Case_Id__c": "c-new"}}})
	if !slices.Equal(codes, []string{"CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY"}) {
		t.Errorf("collections upsert (insert) without Create: %v", codes)
	}
}

// TestOwnerChangesNeedTransferCases: read/write sharing does not let a
// user give a Case another owner. The integration user reassigns the
// Cases it owns, and an agent's Case only with Transfer Cases (which the
// shipped set grants, because carebridge follows Care's reassignments);
// an agent reassigns its own Cases, not a colleague's it can edit.
func TestOwnerChangesNeedTransferCases(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	alice, bob := userID(t, e.srv, "alice@carebridge.example"), userID(t, e.srv, "bob@carebridge.example")
	resp, body := e.do(http.MethodPost, "sobjects/Case", map[string]any{"Subject": "new", "Care_Case_Id__c": "c-1", "OwnerId": alice})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create with an owner: %d %s", resp.StatusCode, body)
	}
	var created struct{ ID string }
	_ = json.Unmarshal(body, &created)
	if resp, body := e.do(http.MethodPatch, "sobjects/Case/"+created.ID, map[string]any{"OwnerId": bob}); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("transfer with Transfer Cases: %d %s", resp.StatusCode, body)
	}
	e.revoke(metadata.Permission{User: metadata.PermTransferAnyCase})
	resp, body = e.do(http.MethodPatch, "sobjects/Case/"+created.ID, map[string]any{"OwnerId": alice})
	wantError(t, "transfer without Transfer Cases", resp, body, http.StatusBadRequest, "INSUFFICIENT_ACCESS_OR_READONLY", insufficientAccess)
	codes := e.collection(http.MethodPatch, "composite/sobjects/Case/Care_Case_Id__c", map[string]any{"records": []any{
		map[string]any{"attributes": map[string]any{"type": "Case"}, "Care_Case_Id__c": "c-1", "OwnerId": alice}}})
	if !slices.Equal(codes, []string{"INSUFFICIENT_ACCESS_OR_READONLY"}) {
		t.Errorf("collections upsert moving the owner without Transfer Cases: %v", codes)
	}
	if resp, body := e.do(http.MethodPatch, "sobjects/Case/"+created.ID, map[string]any{"OwnerId": bob, "Subject": "same owner"}); resp.StatusCode != http.StatusNoContent {
		t.Errorf("an update naming the present owner transfers nothing: %d %s", resp.StatusCode, body)
	}
	resp, body = e.do(http.MethodPost, "sobjects/Case", map[string]any{"Subject": "mine", "Care_Case_Id__c": "c-2"})
	if err := json.Unmarshal(body, &created); resp.StatusCode != http.StatusCreated || err != nil {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	if resp, body := e.do(http.MethodPatch, "sobjects/Case/"+created.ID, map[string]any{"OwnerId": alice}); resp.StatusCode != http.StatusNoContent {
		t.Errorf("the owner transfers its own Case: %d %s", resp.StatusCode, body)
	}
	if rec, _ := e.srv.Record("Case", created.ID); rec["OwnerId"] != alice {
		t.Errorf("owner %v, want Alice", rec["OwnerId"])
	}

	bobsCase := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "bob's", "OwnerId": bob})
	if err := e.srv.ShareCase(bobsCase, alice, "Edit"); err != nil {
		t.Fatal(err)
	}
	asAlice := e.as("alice@carebridge.example")
	if resp, body := asAlice.do(http.MethodPatch, "sobjects/Case/"+bobsCase, map[string]any{"Status": "Working"}); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("an agent edits a Case shared read/write: %d %s", resp.StatusCode, body)
	}
	resp, body = asAlice.do(http.MethodPatch, "sobjects/Case/"+bobsCase, map[string]any{"OwnerId": alice})
	wantError(t, "an agent takes a colleague's Case shared read/write", resp, body, http.StatusBadRequest, "INSUFFICIENT_ACCESS_OR_READONLY", insufficientAccess)
	if resp, body := asAlice.do(http.MethodPatch, "sobjects/Case/"+created.ID, map[string]any{"OwnerId": bob}); resp.StatusCode != http.StatusNoContent {
		t.Errorf("an agent hands its own Case to a colleague: %d %s", resp.StatusCode, body)
	}
}

// TestChildWritesNeedEditOnTheParent: Care_Message__c and Care_Action__c
// are controlled by their Case: creating a message on a Case the user can
// read but not edit (an agent's Case without a Care Case Id) is refused,
// unless Modify All on the child object overrides sharing. An action needs
// read access to its Case only (writeRequiresMasterRead).
func TestChildWritesNeedEditOnTheParent(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	caseID := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "alice's"})
	msg := map[string]any{"Case__c": caseID, "Care_Message_Id__c": "m-1"}
	resp, body := e.do(http.MethodPost, "sobjects/Care_Message__c", msg)
	wantError(t, "a message on a read-only Case", resp, body, http.StatusBadRequest, "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY",
		"insufficient access rights on cross-reference id: "+caseID)
	if got := errorBody(t, body); !slices.Equal(got.Fields, []string{"Case__c"}) {
		t.Errorf("fields %v, want [Case__c]", got.Fields)
	}
	codes := e.collection(http.MethodPatch, "composite/sobjects/Care_Message__c/Care_Message_Id__c", map[string]any{"records": []any{
		map[string]any{"attributes": map[string]any{"type": "Care_Message__c"}, "Case__c": caseID, "Care_Message_Id__c": "m-1"}}})
	if !slices.Equal(codes, []string{"INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY"}) {
		t.Errorf("collections upsert of a message on a read-only Case: %v", codes)
	}
	resp, body = e.do(http.MethodPost, "sobjects/CaseComment", map[string]any{"ParentId": caseID, "CommentBody": "x"})
	wantError(t, "a comment on a read-only Case", resp, body, http.StatusBadRequest, "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", "")

	e.grant(metadata.Permission{Object: "Care_Message__c", Access: metadata.AccessModifyAll})
	if resp, body := e.do(http.MethodPost, "sobjects/Care_Message__c", msg); resp.StatusCode != http.StatusCreated {
		t.Errorf("Modify All on Care_Message__c overrides the Case's sharing: %d %s", resp.StatusCode, body)
	}

	bob := e.as("bob@carebridge.example")
	resp, body = bob.do(http.MethodPost, "sobjects/Care_Action__c", map[string]any{"Case__c": caseID, "Type__c": "reply", "Body__c": "hi"})
	wantError(t, "an action on a Case the agent cannot see", resp, body, http.StatusBadRequest, "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", "")
	alice := e.as("alice@carebridge.example")
	if resp, body := alice.do(http.MethodPost, "sobjects/Care_Action__c", map[string]any{"Case__c": caseID, "Type__c": "reply", "Body__c": "hi"}); resp.StatusCode != http.StatusCreated {
		t.Errorf("an action on the agent's own Case: %d %s", resp.StatusCode, body)
	}
}

// TestFieldLevelSecurity: a field without read does not exist for the user
// (query, read, describe, write); a field without edit is refused on write
// with Salesforce's INVALID_FIELD_FOR_INSERT_UPDATE and reported read-only
// by describe.
func TestFieldLevelSecurity(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	id := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "fls", "Care_Case_Id__c": "c-1", "Care_Sync_Status__c": "Synced"})
	mustInsert(t, e.srv, "Care_Message__c", map[string]any{"Case__c": id, "Care_Message_Id__c": "m-1"})
	e.revoke(metadata.Permission{Field: "Case.Care_Sync_Status__c", Access: metadata.AccessRead})

	noColumn := "No such column 'Care_Sync_Status__c' on entity 'Case'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name."
	for _, soql := range []string{
		"SELECT Id, Care_Sync_Status__c FROM Case",
		"SELECT Id FROM Case WHERE Care_Sync_Status__c = 'Synced'",
		"SELECT Id FROM Case ORDER BY Care_Sync_Status__c",
		"SELECT Id, Case__r.Care_Sync_Status__c FROM Care_Message__c",
	} {
		resp, body := e.query(soql)
		wantError(t, soql, resp, body, http.StatusBadRequest, "INVALID_FIELD", noColumn)
	}
	var rec map[string]any
	if resp, body := e.do(http.MethodGet, "sobjects/Case/"+id, nil); resp.StatusCode != http.StatusOK || json.Unmarshal(body, &rec) != nil {
		t.Fatalf("GET: %d %s", resp.StatusCode, body)
	}
	if _, shown := rec["Care_Sync_Status__c"]; shown || rec["Subject"] != "fls" {
		t.Errorf("GET shows a field without read access: %v", rec)
	}
	resp, body := e.do(http.MethodGet, "sobjects/Case/"+id+"?fields=Subject,Care_Sync_Status__c", nil)
	wantError(t, "GET ?fields= naming it", resp, body, http.StatusBadRequest, "INVALID_FIELD", "")
	resp, body = e.do(http.MethodPatch, "sobjects/Case/"+id, map[string]any{"Care_Sync_Status__c": "Error"})
	wantError(t, "writing it", resp, body, http.StatusBadRequest, "INVALID_FIELD", "No such column 'Care_Sync_Status__c' on sobject of type Case")
	fields := describeFields(t, e, "Case")
	if _, listed := fields["Care_Sync_Status__c"]; listed {
		t.Error("describe lists a field without read access")
	}

	e.revoke(metadata.Permission{Field: "Case.Subject", Access: metadata.AccessEdit})
	resp, body = e.do(http.MethodPatch, "sobjects/Case/"+id, map[string]any{"Subject": "changed"})
	wantError(t, "writing a read-only field", resp, body, http.StatusBadRequest, "INVALID_FIELD_FOR_INSERT_UPDATE",
		"Unable to create/update fields: Subject. Please check the security settings of this field and verify that it is read/write for your profile or permission set.")
	if n := e.totalSize("SELECT Id FROM Case WHERE Subject = 'fls'"); n != 1 {
		t.Errorf("a read-only field is still readable: %d", n)
	}
	fields = describeFields(t, e, "Case")
	if f := fields["Subject"]; f["createable"] != false || f["updateable"] != false || f["permissionable"] != true {
		t.Errorf("describe of a read-only field: %v", f)
	}
	if f := fields["Description"]; f["createable"] != true || f["updateable"] != true {
		t.Errorf("describe of an editable field: %v", f)
	}
	if _, listed := fields["Care_Assignee__c"]; listed {
		t.Error("describe lists Care_Assignee__c, which the shipped set does not grant")
	}

	e.revoke(metadata.Permission{Field: "Case.Care_Case_Id__c", Access: metadata.AccessRead})
	resp, body = e.do(http.MethodPatch, "sobjects/Case/Care_Case_Id__c/c-1", map[string]any{"Description": "x"})
	wantError(t, "upsert by a hidden external id", resp, body, http.StatusNotFound, "NOT_FOUND",
		"Provided external ID field does not exist or is not accessible: Care_Case_Id__c")
	resp, body = e.do(http.MethodPatch, "composite/sobjects/Case/Care_Case_Id__c", map[string]any{"records": []any{}})
	wantError(t, "collections upsert by a hidden external id", resp, body, http.StatusBadRequest, "INVALID_FIELD", "")
}

// describeFields returns the describe of object's fields by name.
func describeFields(t *testing.T, e *env, object string) map[string]map[string]any {
	t.Helper()
	resp, body := e.do(http.MethodGet, "sobjects/"+object+"/describe", nil)
	var d struct {
		Fields []map[string]any `json:"fields"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &d) != nil {
		t.Fatalf("describe %s: %d %s", object, resp.StatusCode, body)
	}
	out := map[string]map[string]any{}
	for _, f := range d.Fields {
		out[f["name"].(string)] = f
	}
	return out
}

// TestUpsertOfAnInvisibleCase: an upsert matches only records the caller
// sees; when the Case with that external id is hidden from it (no View
// All, outside the group the sharing rule shares with), the upsert tries
// to insert and the unique external id refuses the duplicate.
func TestUpsertOfAnInvisibleCase(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	id := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "alice's", "Care_Case_Id__c": "c-1"})
	if resp, body := e.do(http.MethodPatch, "sobjects/Case/Care_Case_Id__c/c-1", map[string]any{"Subject": "seen"}); resp.StatusCode != http.StatusOK {
		t.Fatalf("upsert of a visible Case: %d %s", resp.StatusCode, body)
	}
	e.revoke(metadata.Permission{Object: "Case", Access: metadata.AccessViewAll})
	e.leaveIntegrationGroup()
	resp, body := e.do(http.MethodPatch, "sobjects/Case/Care_Case_Id__c/c-1", map[string]any{"Subject": "hidden"})
	wantError(t, "upsert of an invisible Case", resp, body, http.StatusBadRequest, "DUPLICATE_VALUE",
		"duplicate value found: Care_Case_Id__c duplicates value on record with id: "+id)
	codes := e.collection(http.MethodPatch, "composite/sobjects/Case/Care_Case_Id__c", map[string]any{"records": []any{
		map[string]any{"attributes": map[string]any{"type": "Case"}, "Care_Case_Id__c": "c-1", "Subject": "hidden"}}})
	if !slices.Equal(codes, []string{"DUPLICATE_VALUE"}) {
		t.Errorf("collections upsert of an invisible Case: %v", codes)
	}
	if n := len(e.srv.Records("Case")); n != 1 {
		t.Errorf("%d Cases after refused upserts, want 1", n)
	}
}

// TestObjectsWithoutReadDoNotExist: without Read on an object (Contact is
// not in the shipped set) every entry point answers as for an unknown
// object.
func TestObjectsWithoutReadDoNotExist(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	e.revoke(metadata.Permission{Object: "Care_Action__c", Access: metadata.AccessRead})
	for _, object := range []string{"Contact", "Care_Action__c"} {
		resp, body := e.query("SELECT Id FROM " + object)
		wantError(t, "query "+object, resp, body, http.StatusBadRequest, "INVALID_TYPE",
			"sObject type '"+object+"' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.")
		resp, body = e.do(http.MethodGet, "sobjects/"+object+"/describe", nil)
		wantError(t, "describe "+object, resp, body, http.StatusNotFound, "NOT_FOUND", "")
		resp, body = e.do(http.MethodPost, "sobjects/"+object, map[string]any{"LastName": "x"})
		wantError(t, "create "+object, resp, body, http.StatusNotFound, "NOT_FOUND", "")
		codes := e.collection(http.MethodPost, "composite/sobjects", map[string]any{"records": []any{
			map[string]any{"attributes": map[string]any{"type": object}, "LastName": "x"}}})
		if !slices.Equal(codes, []string{"INVALID_TYPE"}) {
			t.Errorf("collections create %s: %v", object, codes)
		}
	}
	resp, body := e.do(http.MethodGet, "sobjects", nil)
	if resp.StatusCode != http.StatusOK || strings.Contains(string(body), `"Contact"`) || strings.Contains(string(body), `"Care_Action__c"`) ||
		!strings.Contains(string(body), `"Care_Message__c"`) {
		t.Errorf("describe global lists objects the user cannot read: %s", body)
	}
	resp, body = e.query("SELECT Id, Contact.Email FROM Case")
	wantError(t, "a relationship to an unreadable object", resp, body, http.StatusBadRequest, "INVALID_FIELD", "")
}

// TestLimitsNeedViewSetup: /limits answers users with View Setup and
// Configuration only; the shipped permission set does not grant it.
func TestLimitsNeedViewSetup(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	resp, body := e.do(http.MethodGet, "limits", nil)
	wantError(t, "limits without View Setup", resp, body, http.StatusForbidden, "INSUFFICIENT_ACCESS", "")
	if resp.Header.Get("Sforce-Limit-Info") == "" {
		t.Error("a refused call still reports the API usage")
	}
	alice := e.as("alice@carebridge.example")
	resp, body = alice.do(http.MethodGet, "limits", nil)
	wantError(t, "an agent reads limits", resp, body, http.StatusForbidden, "INSUFFICIENT_ACCESS", "")
	e.grant(metadata.Permission{User: metadata.PermViewSetup})
	if resp, body := e.do(http.MethodGet, "limits", nil); resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "DailyApiRequests") {
		t.Errorf("limits with View Setup: %d %s", resp.StatusCode, body)
	}
}

// TestTaskNotesNeedEditTasks: Tasks have no object permissions; writing one
// needs Edit Tasks (the Carebridge_Task_Notes set), and a Task follows its
// Case.
func TestTaskNotesNeedEditTasks(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	caseID := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "notes", "Care_Case_Id__c": "c-notes"})
	task := map[string]any{"WhatId": caseID, "Subject": "Care note", "Description": "hello", "Status": "Completed"}
	resp, body := e.do(http.MethodPost, "sobjects/Task", task)
	wantError(t, "a Task without Edit Tasks", resp, body, http.StatusBadRequest, "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", "entity type cannot be inserted: Task")
	notes, ok := e.srv.Schema().PermissionSet("Carebridge_Task_Notes")
	if !ok {
		t.Fatal("no Carebridge_Task_Notes permission set")
	}
	if err := e.srv.SetIntegrationPermissionSets(append(e.srv.IntegrationPermissionSets(), notes)...); err != nil {
		t.Fatal(err)
	}
	if resp, body := e.do(http.MethodPost, "sobjects/Task", task); resp.StatusCode != http.StatusCreated {
		t.Fatalf("a Task with Edit Tasks: %d %s", resp.StatusCode, body)
	}
	if n := e.as("bob@carebridge.example").totalSize("SELECT Id FROM Task"); n != 0 {
		t.Errorf("a Task on a Case the agent cannot see: %d visible", n)
	}
	if n := e.as("alice@carebridge.example").totalSize("SELECT Id FROM Task"); n != 1 {
		t.Errorf("a Task on the agent's own Case: %d visible", n)
	}
}

// TestPermissionObjects: the effective permissions are readable with SOQL,
// as in a real org, and follow grants and revokes.
func TestPermissionObjects(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	status, body := e.tokenRequest(url.Values{"grant_type": {"client_credentials"}, "client_id": {testClientID}, "client_secret": {testClientSecret}})
	var tok struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &tok); status != http.StatusOK || err != nil {
		t.Fatalf("token: %d %s", status, body)
	}
	me := tok.ID[strings.LastIndex(tok.ID, "/")+1:] // <instance>/id/<org>/<user>, as carebridge check reads it
	if me != e.srv.IntegrationUserID() {
		t.Fatalf("identity URL %s names %s, want the integration user", tok.ID, me)
	}

	sets := e.queryRecords("SELECT PermissionSet.Name, PermissionSet.Label, PermissionSet.IsOwnedByProfile, PermissionSet.PermissionsApiEnabled, " +
		"PermissionSet.PermissionsViewSetup FROM PermissionSetAssignment WHERE AssigneeId = '" + me + "' ORDER BY PermissionSet.IsOwnedByProfile")
	var got []string
	for _, r := range sets {
		ps := r["PermissionSet"].(map[string]any)
		got = append(got, fmt.Sprint(ps["Label"], " profile=", ps["IsOwnedByProfile"], " api=", ps["PermissionsApiEnabled"], " setup=", ps["PermissionsViewSetup"]))
	}
	want := []string{"Carebridge Integration profile=false api=false setup=false", "Minimum Access - API Only Integrations profile=true api=true setup=false"}
	if !slices.Equal(got, want) {
		t.Errorf("the integration user's permission sets:\n got %q\nwant %q", got, want)
	}

	mine := "ParentId IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId = '" + me + "')"
	objectPerms := func() map[string]map[string]any {
		out := map[string]map[string]any{}
		for _, r := range e.queryRecords("SELECT Id, SobjectType, PermissionsRead, PermissionsCreate, PermissionsEdit, PermissionsDelete, " +
			"PermissionsViewAllRecords, PermissionsModifyAllRecords FROM ObjectPermissions WHERE " + mine) {
			out[r["SobjectType"].(string)] = r
		}
		return out
	}
	before := objectPerms()
	if len(before) != 3 || before["Case"]["PermissionsViewAllRecords"] != true || before["Case"]["PermissionsModifyAllRecords"] != false ||
		before["Case"]["PermissionsDelete"] != false || before["Care_Action__c"]["PermissionsCreate"] != false {
		t.Errorf("object permissions: %v", before)
	}
	e.revoke(metadata.Permission{Object: "Case", Access: metadata.AccessViewAll})
	after := objectPerms()
	if after["Case"]["PermissionsViewAllRecords"] != false || after["Case"]["PermissionsEdit"] != true || after["Case"]["Id"] != before["Case"]["Id"] {
		t.Errorf("object permissions after revoking View All on Case: %v (before %v)", after["Case"], before["Case"])
	}
	if n := e.totalSize("SELECT Id FROM PermissionSet WHERE Name = 'Carebridge_Integration' AND PermissionsTransferAnyCase = true"); n != 1 {
		t.Errorf("PermissionsTransferAnyCase of the shipped set: %d sets", n)
	}
	custom := func() []string {
		var ids []any
		for _, r := range e.queryRecords("SELECT SetupEntityId FROM SetupEntityAccess WHERE SetupEntityType = 'CustomPermission' AND " + mine) {
			ids = append(ids, r["SetupEntityId"])
		}
		var names []string
		for _, id := range ids {
			for _, r := range e.queryRecords(fmt.Sprintf("SELECT DeveloperName FROM CustomPermission WHERE Id = '%s'", id)) {
				names = append(names, r["DeveloperName"].(string))
			}
		}
		return names
	}
	if got := custom(); !slices.Equal(got, []string{"Carebridge_Integration_Access"}) {
		t.Errorf("the integration user's custom permissions: %v", got)
	}
	e.revoke(metadata.Permission{Custom: "Carebridge_Integration_Access"})
	if got := custom(); len(got) != 0 {
		t.Errorf("custom permissions after the revoke: %v", got)
	}

	field := func() []map[string]any {
		return e.queryRecords("SELECT Field, SobjectType, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE " + mine +
			" AND Field = 'Case.Care_Sync_Status__c'")
	}
	if got := field(); len(got) != 1 || got[0]["PermissionsEdit"] != true || got[0]["SobjectType"] != "Case" {
		t.Errorf("field permissions: %v", got)
	}
	e.revoke(metadata.Permission{Field: "Case.Care_Sync_Status__c", Access: metadata.AccessEdit})
	if got := field(); len(got) != 1 || got[0]["PermissionsRead"] != true || got[0]["PermissionsEdit"] != false {
		t.Errorf("field permissions after revoking edit: %v", got)
	}
	e.revoke(metadata.Permission{Field: "Case.Care_Sync_Status__c", Access: metadata.AccessRead})
	if got := field(); len(got) != 0 {
		t.Errorf("field permissions after revoking read: %v", got)
	}

	e.grant(metadata.Permission{User: metadata.PermViewSetup})
	if n := e.totalSize("SELECT Id FROM PermissionSet WHERE Name = 'Carebridge_Integration' AND PermissionsViewSetup = true"); n != 1 {
		t.Errorf("PermissionsViewSetup after the grant: %d sets", n)
	}

	dana := mustInsert(t, e.srv, "User", map[string]any{"Username": "dana@carebridge.example", "LastName": "Doe", "Email": "dana@carebridge.example", "IsActive": true})
	got = nil
	for _, r := range e.queryRecords("SELECT PermissionSet.Label FROM PermissionSetAssignment WHERE AssigneeId = '" + dana + "'") {
		got = append(got, r["PermissionSet"].(map[string]any)["Label"].(string))
	}
	if !slices.Equal(got, []string{"Standard User", "Carebridge Agent"}) {
		t.Errorf("a new user's permission sets: %v, want the agent profile's and Carebridge Agent", got)
	}
	resp, body := e.do(http.MethodPost, "sobjects/PermissionSet", map[string]any{"Name": "Mine", "Label": "Mine"})
	wantError(t, "creating a permission set over the data API", resp, body, http.StatusBadRequest, "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", "")
	resp, body = e.query("SELECT Id FROM PermissionSet WHERE Name IN (SELECT Id FROM User)")
	wantError(t, "a semi-join on a text field", resp, body, http.StatusBadRequest, "INVALID_FIELD", "")
	resp, body = e.query("SELECT Id FROM PermissionSet WHERE Id IN (SELECT Id FROM PermissionSetAssignment WHERE AssigneeId IN (SELECT Id FROM User))")
	wantError(t, "a nested semi-join", resp, body, http.StatusBadRequest, "MALFORMED_QUERY", "")
}

// TestIntegrationPermissionSetsAreReplaceable: Options and
// SetIntegrationPermissionSets replace the integration user's sets; an
// empty list leaves the profile alone, which grants nothing on data.
func TestIntegrationPermissionSetsAreReplaceable(t *testing.T) {
	e := newEnv(t, sfsim.Options{IntegrationPermissionSets: []metadata.PermissionSet{}})
	resp, body := e.query("SELECT Id FROM Case")
	wantError(t, "the profile alone", resp, body, http.StatusBadRequest, "INVALID_TYPE", "")
	reader := metadata.PermissionSet{Name: "Case_Reader", Label: "Case Reader"}
	if err := reader.Grant(metadata.Permission{Field: "Case.Subject", Access: metadata.AccessRead}); err != nil {
		t.Fatal(err)
	}
	if err := reader.Grant(metadata.Permission{Object: "Case", Access: metadata.AccessViewAll}); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.SetIntegrationPermissionSets(reader); err != nil {
		t.Fatal(err)
	}
	mustInsert(t, e.srv, "Case", map[string]any{"Subject": "read me"})
	if got := e.queryRecords("SELECT Subject FROM Case"); len(got) != 1 || got[0]["Subject"] != "read me" {
		t.Errorf("with a read-only set: %v", got)
	}
	resp, body = e.do(http.MethodPost, "sobjects/Case", map[string]any{"Subject": "x"})
	wantError(t, "create with a read-only set", resp, body, http.StatusBadRequest, "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", "")

	bad := []metadata.PermissionSet{
		{Name: "No_Label"},
		{Name: "Unknown_Field", Label: "x", Fields: []metadata.FieldPermissions{{Field: "Case.Nope__c", Read: true}}},
		{Name: "Edit_Without_Read", Label: "x", Objects: []metadata.ObjectPermissions{{Object: "Case", Edit: true}}},
	}
	for _, ps := range bad {
		if err := e.srv.SetIntegrationPermissionSets(ps); err == nil {
			t.Errorf("SetIntegrationPermissionSets(%s) accepted", ps.Name)
		}
	}
	if err := e.srv.SetIntegrationPermissionSets(reader, reader); err == nil {
		t.Error("the same set twice accepted")
	}
	if err := e.srv.GrantPermission("Nope", metadata.Permission{User: metadata.PermViewSetup}); err == nil {
		t.Error("a grant in a set the user does not hold accepted")
	}
	if err := e.srv.GrantPermission("Case_Reader", metadata.Permission{Field: "Care_Message__c.Case__c", Access: "Read"}); err == nil {
		t.Error("a grant on a field outside field-level security accepted")
	}
	if got := e.srv.IntegrationPermissionSets(); len(got) != 1 || got[0].Name != "Case_Reader" {
		t.Errorf("a refused change changed the sets: %+v", got)
	}
	e.srv.ResetPermissions()
	if got := e.srv.IntegrationPermissionSets(); len(got) != 0 {
		t.Errorf("ResetPermissions gives back what Options gave: %+v", got)
	}
}

// TestPicklistRestrictions: an unrestricted picklist (Care_Platform__c,
// Care_Message__c Kind__c and Platform__c: a new Care platform or message
// kind must never stop a case) takes any value; a restricted one refuses a
// value it lacks.
func TestPicklistRestrictions(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	resp, body := e.do(http.MethodPost, "sobjects/Case", map[string]any{"Subject": "new platform", "Care_Platform__c": "mastodon"})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("an unknown value in an unrestricted picklist: %d %s", resp.StatusCode, body)
	}
	var created struct{ ID string }
	_ = json.Unmarshal(body, &created)
	if resp, body := e.do(http.MethodPost, "sobjects/Care_Message__c", map[string]any{"Case__c": created.ID, "Care_Message_Id__c": "m-1",
		"Platform__c": "mastodon", "Kind__c": "story"}); resp.StatusCode != http.StatusCreated {
		t.Errorf("new message kind and platform: %d %s", resp.StatusCode, body)
	}
	if got := e.queryRecords("SELECT Care_Platform__c FROM Case WHERE Care_Platform__c = 'mastodon'"); len(got) != 1 {
		t.Errorf("the value is stored as sent: %v", got)
	}
	resp, body = e.do(http.MethodPost, "sobjects/Case", map[string]any{"Care_Sentiment__c": "ecstatic"})
	wantError(t, "an unknown value in a restricted picklist", resp, body, http.StatusBadRequest, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
		"Care Sentiment: bad value for restricted picklist field: ecstatic")
	resp, body = e.do(http.MethodPost, "sobjects/Care_Message__c", map[string]any{"Case__c": created.ID, "Care_Message_Id__c": "m-2", "Direction__c": "sideways"})
	wantError(t, "an unknown direction", resp, body, http.StatusBadRequest, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "")
	fields := describeFields(t, e, "Case")
	if fields["Care_Platform__c"]["restrictedPicklist"] != false || fields["Care_Sentiment__c"]["restrictedPicklist"] != true {
		t.Errorf("describe: platform %v, sentiment %v", fields["Care_Platform__c"]["restrictedPicklist"], fields["Care_Sentiment__c"]["restrictedPicklist"])
	}
}

// TestAgentsHoldTheShippedAgentPermissionSet: an agent is a Standard User
// with the shipped Carebridge_Agent permission set: it reads the Care
// fields but cannot write Care_Case_Id__c (an agent who could would fork
// the case) nor an action's Status__c, and it creates actions on Cases it
// can read: its own, one a colleague shared read-only, one its queue owns,
// since the action's master-detail needs read access to the Case only. A
// user without Carebridge_Agent sees no Care object at all.
func TestAgentsHoldTheShippedAgentPermissionSet(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	alice, bob, chloe := userID(t, e.srv, "alice@carebridge.example"), userID(t, e.srv, "bob@carebridge.example"), userID(t, e.srv, "chloe@carebridge.example")
	alices := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "alice's", "Care_Case_Id__c": "c-alice", "OwnerId": alice})
	bobs := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "bob's", "Care_Case_Id__c": "c-bob", "OwnerId": bob})
	queued := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "the queue's", "Care_Case_Id__c": "c-queue", "OwnerId": e.srv.QueueID()})
	action := func(caseID string) map[string]any {
		return map[string]any{"Case__c": caseID, "Type__c": "reply", "Reply_Mode__c": "public_reply", "Body__c": "On it"}
	}

	asAlice := e.as("alice@carebridge.example")
	if got := asAlice.queryRecords("SELECT Care_Case_Id__c, Care_Sync_Status__c FROM Case"); len(got) != 1 || got[0]["Care_Case_Id__c"] != "c-alice" {
		t.Errorf("an agent reads the Care fields of its own Cases: %v", got)
	}
	resp, body := asAlice.do(http.MethodPatch, "sobjects/Case/"+alices, map[string]any{"Care_Case_Id__c": "c-other"})
	wantError(t, "an agent writes Care_Case_Id__c", resp, body, http.StatusBadRequest, "INVALID_FIELD_FOR_INSERT_UPDATE", "")
	if resp, body := asAlice.do(http.MethodPatch, "sobjects/Case/"+alices, map[string]any{"Status": "Working"}); resp.StatusCode != http.StatusNoContent {
		t.Errorf("an agent edits the status of its own Case: %d %s", resp.StatusCode, body)
	}
	resp, body = asAlice.do(http.MethodPost, "sobjects/Care_Action__c", map[string]any{"Case__c": alices, "Type__c": "hide", "Status__c": "Sending"})
	wantError(t, "an agent sets an action's status", resp, body, http.StatusBadRequest, "INVALID_FIELD_FOR_INSERT_UPDATE", "")
	if resp, body := asAlice.do(http.MethodPost, "sobjects/Care_Action__c", action(alices)); resp.StatusCode != http.StatusCreated {
		t.Errorf("an action on the agent's own Case: %d %s", resp.StatusCode, body)
	}

	// A colleague covering Bob's case has it shared read-only.
	resp, body = asAlice.do(http.MethodPost, "sobjects/Care_Action__c", action(bobs))
	wantError(t, "an action on a Case the agent cannot see", resp, body, http.StatusBadRequest, "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", "")
	if err := e.srv.ShareCase(bobs, alice, "Read"); err != nil {
		t.Fatal(err)
	}
	if resp, body := asAlice.do(http.MethodPost, "sobjects/Care_Action__c", action(bobs)); resp.StatusCode != http.StatusCreated {
		t.Errorf("an action on a Case shared read-only with the agent: %d %s", resp.StatusCode, body)
	}
	resp, body = asAlice.do(http.MethodPatch, "sobjects/Case/"+bobs, map[string]any{"Status": "Working"})
	wantError(t, "an agent edits a Case shared read-only", resp, body, http.StatusBadRequest, "INSUFFICIENT_ACCESS_OR_READONLY", insufficientAccess)

	// Queue members work the queue's Cases.
	resp, body = asAlice.do(http.MethodPost, "sobjects/Care_Action__c", action(queued))
	wantError(t, "an action on a queue's Case by a non-member", resp, body, http.StatusBadRequest, "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", "")
	if err := e.srv.AddQueueMember(e.srv.QueueID(), alice); err != nil {
		t.Fatal(err)
	}
	if resp, body := asAlice.do(http.MethodPost, "sobjects/Care_Action__c", action(queued)); resp.StatusCode != http.StatusCreated {
		t.Errorf("an action on a Case of the agent's queue: %d %s", resp.StatusCode, body)
	}

	// Without Carebridge_Agent the Care objects do not exist for a user.
	if err := e.srv.UnassignPermissionSet(chloe, sfsim.AgentPermissionSet); err != nil {
		t.Fatal(err)
	}
	chloes := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "chloe's", "Care_Case_Id__c": "c-chloe", "OwnerId": chloe})
	asChloe := e.as("chloe@carebridge.example")
	resp, body = asChloe.do(http.MethodPost, "sobjects/Care_Action__c", action(chloes))
	wantError(t, "an action by a user without Carebridge_Agent", resp, body, http.StatusNotFound, "NOT_FOUND", "")
	resp, body = asChloe.query("SELECT Care_Case_Id__c FROM Case")
	wantError(t, "a Care field read by a user without Carebridge_Agent", resp, body, http.StatusBadRequest, "INVALID_FIELD", "")
	if err := e.srv.AssignPermissionSet(chloe, sfsim.AgentPermissionSet); err != nil {
		t.Fatal(err)
	}
	if resp, body := asChloe.do(http.MethodPost, "sobjects/Care_Action__c", action(chloes)); resp.StatusCode != http.StatusCreated {
		t.Errorf("an action once Carebridge_Agent is assigned again: %d %s", resp.StatusCode, body)
	}
}

// TestAgentsSignInWithTheAgentPassword: with Options.AgentPassword every
// active agent signs in with the password grant and acts as itself; the
// integration user keeps its own password, an inactive user cannot sign in.
func TestAgentsSignInWithTheAgentPassword(t *testing.T) {
	e := newEnv(t, sfsim.Options{AgentPassword: "agent-pass", Password: "integration-pass"})
	signIn := func(username, password string) (int, string) {
		status, body := e.tokenRequest(url.Values{"grant_type": {"password"}, "client_id": {testClientID}, "client_secret": {testClientSecret},
			"username": {username}, "password": {password}})
		var tok struct {
			AccessToken string `json:"access_token"`
			ID          string `json:"id"`
		}
		_ = json.Unmarshal(body, &tok)
		return status, tok.ID
	}
	bob := userID(t, e.srv, "bob@carebridge.example")
	if status, id := signIn("bob@carebridge.example", "agent-pass"); status != http.StatusOK || !strings.HasSuffix(id, "/"+bob) {
		t.Errorf("Bob signs in: %d, identity %q; want 200 and his user", status, id)
	}
	for _, tt := range []struct{ who, username, password string }{
		{"an agent with a wrong password", "bob@carebridge.example", "nope"},
		{"the integration user with the agents' password", "integration@carebridge.example", "agent-pass"},
		{"an inactive user", "dan@carebridge.example", "agent-pass"},
	} {
		if status, _ := signIn(tt.username, tt.password); status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400 invalid_grant", tt.who, status)
		}
	}
	if status, _ := signIn("integration@carebridge.example", "integration-pass"); status != http.StatusOK {
		t.Errorf("the integration user with its own password: %d", status)
	}
}
