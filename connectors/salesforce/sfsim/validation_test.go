package sfsim_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
)

func TestValidationRules(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	rule := sfsim.ValidationRule{Object: "Case", Name: "Hold_Needs_Reason", Field: "Reason",
		Message:  "A Case on hold needs a reason.",
		Violated: func(r map[string]any) bool { return r["Status"] == "On Hold" && r["Reason"] == nil }}
	if err := e.srv.AddValidationRule(rule); err != nil {
		t.Fatal(err)
	}
	id, err := e.srv.Insert("Case", map[string]any{"Subject": "s", "Status": "On Hold", "Care_Case_Id__c": "c-1"})
	if err != nil {
		t.Fatalf("seeding skips validation rules: %v", err)
	}
	ok, err := e.srv.Insert("Case", map[string]any{"Subject": "t", "Care_Case_Id__c": "c-2"})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := e.srv.Record("Case", ok)

	resp, body := e.do(http.MethodPatch, "sobjects/Case/"+ok, map[string]any{"Status": "On Hold"})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"errorCode":"FIELD_CUSTOM_VALIDATION_EXCEPTION"`) ||
		!strings.Contains(string(body), "A Case on hold needs a reason.") || !strings.Contains(string(body), `"fields":["Reason"]`) {
		t.Fatalf("update against a rule: %d %s", resp.StatusCode, body)
	}
	if after, _ := e.srv.Record("Case", ok); after["Status"] != before["Status"] || after["SystemModstamp"] != before["SystemModstamp"] {
		t.Errorf("a refused update changed the record: %v -> %v", before, after)
	}
	// In a collection the rule refuses that record only.
	resp, body = e.do(http.MethodPatch, "composite/sobjects", map[string]any{"records": []map[string]any{
		{"attributes": map[string]string{"type": "Case"}, "Id": ok, "Status": "On Hold"},
		{"attributes": map[string]string{"type": "Case"}, "Id": ok, "Subject": "renamed"},
	}})
	var results []struct {
		Success bool
		Errors  []struct{ StatusCode string }
	}
	if err := json.Unmarshal(body, &results); err != nil || resp.StatusCode != http.StatusOK || len(results) != 2 ||
		results[0].Success || results[0].Errors[0].StatusCode != "FIELD_CUSTOM_VALIDATION_EXCEPTION" || !results[1].Success {
		t.Fatalf("collection: %d %s", resp.StatusCode, body)
	}
	if err := e.srv.Update("Case", ok, map[string]any{"Status": "On Hold"}); err == nil || !strings.Contains(err.Error(), "FIELD_CUSTOM_VALIDATION_EXCEPTION") {
		t.Errorf("a person's edit against the rule: %v, want refused", err)
	}
	if err := e.srv.Update("Case", ok, map[string]any{"Status": "On Hold", "Reason": "Other"}); err != nil {
		t.Errorf("an edit that satisfies the rule: %v", err)
	}
	if !e.srv.RemoveValidationRule("Case", "Hold_Needs_Reason") || e.srv.RemoveValidationRule("Case", "Hold_Needs_Reason") {
		t.Error("RemoveValidationRule: want true once, then false")
	}
	if resp, body := e.do(http.MethodPatch, "sobjects/Case/"+id, map[string]any{"Subject": "fine now"}); resp.StatusCode != http.StatusNoContent {
		t.Errorf("update without the rule: %d %s", resp.StatusCode, body)
	}
	if err := e.srv.AddValidationRule(sfsim.ValidationRule{Object: "Case", Name: "x", Message: "m", Field: "Nope__c", Violated: func(map[string]any) bool { return true }}); err == nil {
		t.Error("a rule on a field that does not exist was accepted")
	}
}

// TestTextLengthAsSalesforceCountsIt: lengths are UTF-16 code units (an
// emoji counts two), and a CaseComment body holds 4,000 bytes.
func TestTextLengthAsSalesforceCountsIt(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	create := func(object string, fields map[string]any) (int, string) {
		resp, body := e.do(http.MethodPost, "sobjects/"+object, fields)
		return resp.StatusCode, string(body)
	}
	if code, body := create("Case", map[string]any{"Subject": strings.Repeat("😀", 127) + "a"}); code != http.StatusCreated {
		t.Errorf("255 UTF-16 units: %d %s", code, body)
	}
	code, body := create("Case", map[string]any{"Subject": strings.Repeat("😀", 128)})
	if code != http.StatusBadRequest || !strings.Contains(body, "STRING_TOO_LONG") {
		t.Errorf("128 emoji (256 UTF-16 units) in Subject(255): %d %s", code, body)
	}
	parent, err := e.srv.Insert("Case", map[string]any{"Subject": "p", "Care_Case_Id__c": "c-1"})
	if err != nil {
		t.Fatal(err)
	}
	if code, body := create("CaseComment", map[string]any{"ParentId": parent, "CommentBody": strings.Repeat("é", 2000)}); code != http.StatusCreated {
		t.Errorf("4,000 bytes: %d %s", code, body)
	}
	code, body = create("CaseComment", map[string]any{"ParentId": parent, "CommentBody": strings.Repeat("é", 2001)})
	if code != http.StatusBadRequest || !strings.Contains(body, "STRING_TOO_LONG") {
		t.Errorf("2,001 characters of 2 bytes in CommentBody: %d %s", code, body)
	}
}

// lockedAfterQueued is the message of the shipped validation rule
// Care_Action__c.Locked_After_Queued.
const lockedAfterQueued = "carebridge has already picked up this action, so it cannot be changed any more, and its status is set by carebridge only. Create a new Care Action instead."

// TestShippedValidationRuleLocksActionsAfterQueued: the sandbox enforces
// the shipped rule Locked_After_Queued from its formula. An agent who may
// edit Care Actions (a supervisor with a permission set of the org's own;
// Carebridge_Agent grants no Edit) changes a Queued action but neither its
// status nor anything once carebridge took it; the integration user, which
// holds the custom permission Carebridge_Integration_Access through
// Carebridge_Integration, writes the status, and without the custom
// permission it is refused like anyone.
func TestShippedValidationRuleLocksActionsAfterQueued(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	caseID := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "alice's", "Care_Case_Id__c": "c-1"}) // Alice's
	asAlice := e.as("alice@carebridge.example")
	resp, body := asAlice.do(http.MethodPost, "sobjects/Care_Action__c", map[string]any{"Case__c": caseID, "Type__c": "reply",
		"Reply_Mode__c": "public_reply", "Body__c": "On it"})
	var created struct{ ID string }
	if err := json.Unmarshal(body, &created); resp.StatusCode != http.StatusCreated || err != nil {
		t.Fatalf("an agent creates an action: %d %s", resp.StatusCode, body)
	}
	action := "sobjects/Care_Action__c/" + created.ID
	resp, body = asAlice.do(http.MethodPatch, action, map[string]any{"Body__c": "On it!"})
	wantError(t, "an agent with Carebridge_Agent edits an action", resp, body, http.StatusBadRequest, "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY",
		"entity type cannot be updated: Care Action")

	supervisors := metadata.PermissionSet{Name: "Care_Action_Supervisors", Label: "Care Action Supervisors"}
	for _, p := range []metadata.Permission{{Object: "Care_Action__c", Access: metadata.AccessEdit}, {Field: "Care_Action__c.Status__c", Access: metadata.AccessEdit}} {
		if err := supervisors.Grant(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.srv.GiveAgentPermissionSet(userID(t, e.srv, "alice@carebridge.example"), supervisors); err != nil {
		t.Fatal(err)
	}
	if resp, body := asAlice.do(http.MethodPatch, action, map[string]any{"Body__c": "On it!"}); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("an agent who may edit actions edits a Queued one: %d %s", resp.StatusCode, body)
	}
	resp, body = asAlice.do(http.MethodPatch, action, map[string]any{"Status__c": "Sent"})
	wantError(t, "an agent sets the status", resp, body, http.StatusBadRequest, "FIELD_CUSTOM_VALIDATION_EXCEPTION", lockedAfterQueued)

	if resp, body := e.do(http.MethodPatch, action, map[string]any{"Status__c": "Sending"}); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("the integration user takes the action: %d %s", resp.StatusCode, body)
	}
	resp, body = asAlice.do(http.MethodPatch, action, map[string]any{"Body__c": "Changed my mind"})
	wantError(t, "an agent edits an action after Queued", resp, body, http.StatusBadRequest, "FIELD_CUSTOM_VALIDATION_EXCEPTION", lockedAfterQueued)
	if got := errorBody(t, body); len(got.Fields) != 0 {
		t.Errorf("fields %v: the rule shows at the top of the page", got.Fields)
	}
	if err := e.srv.Update("Care_Action__c", created.ID, map[string]any{"Body__c": "Changed my mind"}); err == nil || !strings.Contains(err.Error(), "FIELD_CUSTOM_VALIDATION_EXCEPTION") {
		t.Errorf("a person's edit after Queued through Update: %v, want refused", err)
	}
	if resp, body := e.do(http.MethodPatch, action, map[string]any{"Status__c": "Sent", "Status_Reason__c": "Posted"}); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("the integration user writes the outcome: %d %s", resp.StatusCode, body)
	}
	e.revoke(metadata.Permission{Custom: "Carebridge_Integration_Access"})
	resp, body = e.do(http.MethodPatch, action, map[string]any{"Status__c": "Failed"})
	wantError(t, "the integration user without the custom permission", resp, body, http.StatusBadRequest, "FIELD_CUSTOM_VALIDATION_EXCEPTION", lockedAfterQueued)
	if rec, _ := e.srv.Record("Care_Action__c", created.ID); rec["Status__c"] != "Sent" || rec["Body__c"] != "On it!" {
		t.Errorf("refused saves changed the action: %v", rec)
	}

	if !e.srv.RemoveValidationRule("Care_Action__c", "Locked_After_Queued") {
		t.Fatal("the shipped rule is not in force")
	}
	if resp, body := asAlice.do(http.MethodPatch, action, map[string]any{"Body__c": "Changed my mind"}); resp.StatusCode != http.StatusNoContent {
		t.Errorf("an edit after the rule is deactivated: %d %s", resp.StatusCode, body)
	}
}

// TestLookupFilterKeepsTargetsInTheActionsCase: Target_Message__c has a
// required lookup filter (the message's Case must be the action's Case):
// every user's save that points it elsewhere is refused with
// FIELD_FILTER_VALIDATION_EXCEPTION and the filter's message on the field,
// and a save of an action whose stored target no longer passes is refused
// until the target is changed, as Salesforce does.
func TestLookupFilterKeepsTargetsInTheActionsCase(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	mine := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "alice's", "Care_Case_Id__c": "c-1"})
	other := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "alice's too", "Care_Case_Id__c": "c-2"})
	mineMsg := mustInsert(t, e.srv, "Care_Message__c", map[string]any{"Case__c": mine, "Care_Message_Id__c": "m-1"})
	otherMsg := mustInsert(t, e.srv, "Care_Message__c", map[string]any{"Case__c": other, "Care_Message_Id__c": "m-2"})
	const message = "Pick a message of this action's Case: carebridge acts only on the Case's own conversation."
	action := func(target string) map[string]any {
		return map[string]any{"Case__c": mine, "Type__c": "like", "Target_Message__c": target}
	}

	asAlice := e.as("alice@carebridge.example")
	resp, body := asAlice.do(http.MethodPost, "sobjects/Care_Action__c", action(otherMsg))
	wantError(t, "an agent targets another Case's message", resp, body, http.StatusBadRequest, "FIELD_FILTER_VALIDATION_EXCEPTION", message)
	if got := errorBody(t, body); !slices.Equal(got.Fields, []string{"Target_Message__c"}) {
		t.Errorf("fields %v, want [Target_Message__c]", got.Fields)
	}
	resp, body = asAlice.do(http.MethodPost, "sobjects/Care_Action__c", action(mineMsg))
	var created struct{ ID string }
	if err := json.Unmarshal(body, &created); resp.StatusCode != http.StatusCreated || err != nil {
		t.Fatalf("an agent targets its Case's message: %d %s", resp.StatusCode, body)
	}
	resp, body = e.do(http.MethodPatch, "sobjects/Care_Action__c/"+created.ID, map[string]any{"Target_Message__c": otherMsg})
	wantError(t, "the integration user points the target elsewhere", resp, body, http.StatusBadRequest, "FIELD_FILTER_VALIDATION_EXCEPTION", message)
	if resp, body := e.do(http.MethodPatch, "sobjects/Care_Action__c/"+created.ID, map[string]any{"Status__c": "Sending"}); resp.StatusCode != http.StatusNoContent {
		t.Errorf("a save of an action whose target passes: %d %s", resp.StatusCode, body)
	}
	if resp, body := asAlice.do(http.MethodPost, "sobjects/Care_Action__c", map[string]any{"Case__c": mine, "Type__c": "reply", "Body__c": "hi"}); resp.StatusCode != http.StatusCreated {
		t.Errorf("an action without a target: %d %s", resp.StatusCode, body)
	}

	stale := mustInsert(t, e.srv, "Care_Action__c", map[string]any{"Case__c": mine, "Type__c": "like", "Target_Message__c": otherMsg}) // from before the filter
	resp, body = e.do(http.MethodPatch, "sobjects/Care_Action__c/"+stale, map[string]any{"Status__c": "Rejected"})
	wantError(t, "a save of an action whose stored target fails the filter", resp, body, http.StatusBadRequest, "FIELD_FILTER_VALIDATION_EXCEPTION", message)
	if resp, body := e.do(http.MethodPatch, "sobjects/Care_Action__c/"+stale, map[string]any{"Status__c": "Rejected", "Target_Message__c": nil}); resp.StatusCode != http.StatusNoContent {
		t.Errorf("the same save clearing the target: %d %s", resp.StatusCode, body)
	}
}
