package sfsim_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
)

// uiRecord is a record of the User Interface API.
type uiRecord struct {
	APIName string `json:"apiName"`
	ID      string `json:"id"`
	Fields  map[string]struct {
		Value        any `json:"value"`
		DisplayValue any `json:"displayValue"`
	} `json:"fields"`
}

// uiRecordError is the body of a refused UI API write.
type uiRecordError struct {
	Message string `json:"message"`
	Output  struct {
		Errors []struct {
			ErrorCode string `json:"errorCode"`
			Message   string `json:"message"`
		} `json:"errors"`
		FieldErrors map[string][]struct {
			ErrorCode string `json:"errorCode"`
			Field     string `json:"field"`
		} `json:"fieldErrors"`
	} `json:"output"`
}

func decode[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %T: %v: %s", v, err, body)
	}
	return v
}

// uiWorld is a sandbox with Alice's and Bob's Cases.
type uiWorld struct {
	e                    *env
	alice, bob           string // user ids
	alicesCase, bobsCase string
}

func newUIWorld(t *testing.T, opts sfsim.Options) uiWorld {
	e := newEnv(t, opts)
	w := uiWorld{e: e, alice: userID(t, e.srv, "alice@carebridge.example"), bob: userID(t, e.srv, "bob@carebridge.example")}
	w.alicesCase = mustInsert(t, e.srv, "Case", map[string]any{"Subject": "alice's", "Care_Case_Id__c": "c-alice", "Care_Platform__c": "facebook", "OwnerId": w.alice})
	w.bobsCase = mustInsert(t, e.srv, "Case", map[string]any{"Subject": "bob's", "Care_Case_Id__c": "c-bob", "OwnerId": w.bob})
	return w
}

// TestUIAPIGetRecord: getRecord's resource answers an agent's own Case with
// the fields asked for (picklists displayed by their labels), leaves out an
// optional field she cannot read and refuses a required one; a Case she
// cannot see is not found.
func TestUIAPIGetRecord(t *testing.T) {
	w := newUIWorld(t, sfsim.Options{})
	alice := w.e.as("alice@carebridge.example")
	get := func(as *env, id, fields, optional string) (*http.Response, []byte) {
		return as.do(http.MethodGet, "ui-api/records/"+id+"?fields="+url.QueryEscape(fields)+"&optionalFields="+url.QueryEscape(optional), nil)
	}

	resp, body := get(alice, w.alicesCase, "Case.CaseNumber,Case.Subject", "Case.Care_Platform__c,Case.No_Such_Field__c,Contact.Name")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("Alice reads her Case: %d %s", resp.StatusCode, body)
	}
	rec := decode[uiRecord](t, body)
	if rec.APIName != "Case" || rec.ID != w.alicesCase || rec.Fields["Subject"].Value != "alice's" || rec.Fields["CaseNumber"].Value == nil {
		t.Errorf("Alice's Case: %s", body)
	}
	if p := rec.Fields["Care_Platform__c"]; p.Value != "facebook" || p.DisplayValue != "Facebook" {
		t.Errorf("a picklist is its value and its label: %+v", p)
	}
	if len(rec.Fields) != 3 {
		t.Errorf("fields %v, want CaseNumber, Subject and Care_Platform__c (unknown optional fields left out)", rec.Fields)
	}

	resp, body = get(alice, w.bobsCase, "Case.CaseNumber", "")
	wantError(t, "Alice reads Bob's Case", resp, body, http.StatusNotFound, "NOT_FOUND", "")
	resp, body = get(alice, w.alicesCase, "Case.No_Such_Field__c", "")
	wantError(t, "a required field that does not exist", resp, body, http.StatusBadRequest, "INVALID_FIELD", "")

	// Without Carebridge_Agent the Care fields are hidden from her.
	if err := w.e.srv.UnassignPermissionSet(w.alice, sfsim.AgentPermissionSet); err != nil {
		t.Fatal(err)
	}
	resp, body = get(alice, w.alicesCase, "Case.CaseNumber", "Case.Care_Platform__c")
	if rec := decode[uiRecord](t, body); resp.StatusCode != http.StatusOK || len(rec.Fields) != 1 {
		t.Errorf("an optional field the agent may not read is left out: %d %s", resp.StatusCode, body)
	}
	resp, body = get(alice, w.alicesCase, "Case.Care_Platform__c", "")
	wantError(t, "a required field the agent may not read", resp, body, http.StatusBadRequest, "INVALID_FIELD", "")
}

// TestUIAPIRelatedListRecords: the related list of a Case's messages
// (Care_Messages__r) answers the messages of a Case the agent sees, sorted
// by sortBy (descending: nulls last) and paged; for a Case she cannot see,
// or a related list the Case does not have, it answers NOT_FOUND.
func TestUIAPIRelatedListRecords(t *testing.T) {
	w := newUIWorld(t, sfsim.Options{})
	for _, m := range []map[string]any{
		{"Care_Message_Id__c": "m-old", "Posted_At__c": "2026-11-01T10:00:00.000+0000"},
		{"Care_Message_Id__c": "m-undated"},
		{"Care_Message_Id__c": "m-new", "Posted_At__c": "2026-11-02T10:00:00.000+0000"},
	} {
		m["Case__c"] = w.alicesCase
		mustInsert(t, w.e.srv, "Care_Message__c", m)
	}
	mustInsert(t, w.e.srv, "Care_Message__c", map[string]any{"Case__c": w.bobsCase, "Care_Message_Id__c": "m-bob"})
	alice := w.e.as("alice@carebridge.example")
	list := func(as *env, caseID, relatedList, extra string) (*http.Response, []byte) {
		return as.do(http.MethodGet, "ui-api/related-list-records/"+caseID+"/"+relatedList+
			"?fields=Care_Message__c.Name&optionalFields=Care_Message__c.Care_Message_Id__c&sortBy=-Care_Message__c.Posted_At__c"+extra, nil)
	}
	type page struct {
		Records           []uiRecord `json:"records"`
		NextPageToken     *string    `json:"nextPageToken"`
		PreviousPageToken *string    `json:"previousPageToken"`
	}
	ids := func(p page) []any {
		var out []any
		for _, r := range p.Records {
			out = append(out, r.Fields["Care_Message_Id__c"].Value)
		}
		return out
	}

	resp, body := list(alice, w.alicesCase, "Care_Messages__r", "&pageSize=2")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("Alice lists her Case's messages: %d %s", resp.StatusCode, body)
	}
	first := decode[page](t, body)
	if got := ids(first); len(got) != 2 || got[0] != "m-new" || got[1] != "m-old" || first.NextPageToken == nil {
		t.Fatalf("first page %v (next %v), want m-new, m-old and a next page", got, first.NextPageToken)
	}
	_, body = list(alice, w.alicesCase, "Care_Messages__r", "&pageSize=2&pageToken="+*first.NextPageToken)
	second := decode[page](t, body)
	if got := ids(second); len(got) != 1 || got[0] != "m-undated" || second.NextPageToken != nil || second.PreviousPageToken == nil {
		t.Errorf("second page %v, want the undated message last and no next page", got)
	}

	resp, body = list(alice, w.bobsCase, "Care_Messages__r", "")
	wantError(t, "Alice lists Bob's Case's messages", resp, body, http.StatusNotFound, "NOT_FOUND", "")
	resp, body = list(alice, w.alicesCase, "Nothing__r", "")
	wantError(t, "a related list the Case does not have", resp, body, http.StatusNotFound, "NOT_FOUND", "")
	resp, body = list(alice, w.alicesCase, "Care_Messages__r", "&pageSize=2000")
	wantError(t, "a page larger than the UI API serves", resp, body, http.StatusBadRequest, "ILLEGAL_QUERY_PARAMETER_VALUE", "")
}

// TestUIAPIWrites: createRecord and updateRecord write as the agent, with
// her permissions and sharing; a refused write answers the UI API's record
// error (output.errors and output.fieldErrors), not the REST API's array.
func TestUIAPIWrites(t *testing.T) {
	w := newUIWorld(t, sfsim.Options{})
	alice := w.e.as("alice@carebridge.example")
	create := func(fields map[string]any) (*http.Response, []byte) {
		return alice.do(http.MethodPost, "ui-api/records", map[string]any{"apiName": "Care_Action__c", "fields": fields})
	}

	resp, body := create(map[string]any{"Case__c": w.alicesCase, "Type__c": "reply", "Reply_Mode__c": "public_reply", "Body__c": "On it"})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("Alice creates an action on her Case: %d %s", resp.StatusCode, body)
	}
	rec := decode[uiRecord](t, body)
	if stored, ok := w.e.srv.Record("Care_Action__c", rec.ID); rec.APIName != "Care_Action__c" || !ok || stored["CreatedById"] != w.alice || stored["Body__c"] != "On it" {
		t.Errorf("the created action: %s (stored %v)", body, stored)
	}
	if rec.Fields["Type__c"].DisplayValue == nil {
		t.Errorf("the answer shows the action's fields with their labels: %s", body)
	}

	resp, body = create(map[string]any{"Case__c": w.bobsCase, "Type__c": "like"})
	refused := decode[uiRecordError](t, body)
	if resp.StatusCode != http.StatusBadRequest || len(refused.Output.FieldErrors["Case__c"]) != 1 ||
		refused.Output.FieldErrors["Case__c"][0].ErrorCode != "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY" {
		t.Errorf("an action on Bob's Case: %d %s", resp.StatusCode, body)
	}
	resp, body = create(map[string]any{"Case__c": w.alicesCase, "Type__c": "reply", "Status__c": "Sent"})
	refused = decode[uiRecordError](t, body)
	if resp.StatusCode != http.StatusBadRequest || len(refused.Output.Errors)+len(refused.Output.FieldErrors) == 0 || refused.Message == "" {
		t.Errorf("an agent setting an action's status: %d %s", resp.StatusCode, body)
	}

	resp, body = alice.do(http.MethodPatch, "ui-api/records/"+w.alicesCase, map[string]any{"fields": map[string]any{"Status": "Working"}})
	if rec := decode[uiRecord](t, body); resp.StatusCode != http.StatusOK || rec.Fields["Status"].Value != "Working" {
		t.Errorf("Alice updates her Case: %d %s", resp.StatusCode, body)
	}
	resp, body = alice.do(http.MethodPatch, "ui-api/records/"+w.bobsCase, map[string]any{"fields": map[string]any{"Status": "Working"}})
	if resp.StatusCode != http.StatusNotFound || decode[uiRecordError](t, body).Output.Errors == nil {
		t.Errorf("Alice updates Bob's Case: %d %s", resp.StatusCode, body)
	}
	if got, _ := w.e.srv.Record("Case", w.bobsCase); got["Status"] == "Working" {
		t.Error("Bob's Case was changed")
	}
}
