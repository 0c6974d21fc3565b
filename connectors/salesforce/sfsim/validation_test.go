package sfsim_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

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
	id, err := e.srv.Insert("Case", map[string]any{"Subject": "s", "Status": "On Hold"})
	if err != nil {
		t.Fatalf("seeding skips validation rules: %v", err)
	}
	ok, err := e.srv.Insert("Case", map[string]any{"Subject": "t"})
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
	parent, err := e.srv.Insert("Case", map[string]any{"Subject": "p"})
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
