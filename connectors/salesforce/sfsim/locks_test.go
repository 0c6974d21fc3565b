package sfsim_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
)

// collectionResults sends a collections call that must answer 200 and
// returns its results as the wire has them.
func (e *env) collectionResults(method, path string, payload any) []map[string]any {
	e.t.Helper()
	resp, body := e.do(method, path, payload)
	var res []map[string]any
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &res) != nil {
		e.t.Fatalf("collections: %d %s", resp.StatusCode, body)
	}
	return res
}

// messages are n Care_Message__c upsert records under the Case caseID,
// with external ids prefix-0 ... prefix-(n-1).
func messages(caseID, prefix string, n int) map[string]any {
	recs := make([]any, n)
	for i := range recs {
		recs[i] = map[string]any{"attributes": map[string]any{"type": "Care_Message__c"}, "Case__c": caseID,
			"Care_Message_Id__c": fmt.Sprintf("%s-%d", prefix, i)}
	}
	return map[string]any{"allOrNone": false, "records": recs}
}

// TestParentLockContention: with the parent lock limit at 3, a collection
// of 5 messages under one Case and 2 under another writes 3 and 2; the 2
// beyond the limit fail with UNABLE_TO_LOCK_ROW naming the Case, in
// Salesforce's per-record error shape, and are not written. Off by default.
func TestParentLockContention(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	// Care's Cases: the shipped sharing rule shares them with the integration user.
	one := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "one", "Care_Case_Id__c": "c-one"})
	two := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "two", "Care_Case_Id__c": "c-two"})
	const path = "composite/sobjects/Care_Message__c/Care_Message_Id__c"
	if codes := e.collection(http.MethodPatch, path, messages(one, "off", 10)); slices.ContainsFunc(codes, func(c string) bool { return c != "" }) {
		t.Fatalf("parent locks are off by default: %v", codes)
	}
	if status, body := e.control(http.MethodPut, "/sandbox/locks", `{"childrenPerParent":3}`); status != http.StatusNoContent {
		t.Fatalf("PUT /sandbox/locks: %d %s", status, body)
	}
	if status, body := e.control(http.MethodGet, "/sandbox/locks", ""); status != http.StatusOK || strings.TrimSpace(body) != `{"childrenPerParent":3}` {
		t.Errorf("GET /sandbox/locks: %d %s", status, body)
	}
	payload := messages(one, "m", 5)
	payload["records"] = append(payload["records"].([]any), messages(two, "n", 2)["records"].([]any)...)
	res := e.collectionResults(http.MethodPatch, path, payload)
	var locked []int
	for i, r := range res {
		if r["success"] == true {
			continue
		}
		locked = append(locked, i)
		errs, _ := r["errors"].([]any)
		first, _ := errs[0].(map[string]any)
		fields, isList := first["fields"].([]any)
		if len(errs) != 1 || first["statusCode"] != "UNABLE_TO_LOCK_ROW" || !isList || len(fields) != 0 ||
			first["message"] != "unable to obtain exclusive access to this record or 1 records: "+one {
			t.Errorf("result %d: %v, want UNABLE_TO_LOCK_ROW on %s", i, r, one)
		}
		if _, hasID := r["id"]; hasID {
			t.Errorf("result %d of a refused upsert carries an id: %v", i, r)
		}
	}
	if !slices.Equal(locked, []int{3, 4}) {
		t.Errorf("refused records %v, want [3 4] (beyond 3 children of one Case)", locked)
	}
	written := 0
	for _, m := range e.srv.Records("Care_Message__c") {
		if id, _ := m["Care_Message_Id__c"].(string); id == "m-3" || id == "m-4" {
			t.Errorf("refused record %s was written", id)
		}
		written++
	}
	if written != 10+5 {
		t.Errorf("%d messages, want 15", written)
	}
	// The refused ones go through when sent again, as a retry would.
	retry := messages(one, "m", 5)
	retry["records"] = retry["records"].([]any)[3:]
	if codes := e.collection(http.MethodPatch, path, retry); !slices.Equal(codes, []string{"", ""}) {
		t.Errorf("retry of the refused records: %v", codes)
	}
	// Comments lock their Case the same way, created or deleted.
	comments := map[string]any{"records": []any{}}
	for range 4 {
		comments["records"] = append(comments["records"].([]any), map[string]any{"attributes": map[string]any{"type": "CaseComment"}, "ParentId": two, "CommentBody": "x"})
	}
	res = e.collectionResults(http.MethodPost, "composite/sobjects", comments)
	var ids []string
	for _, r := range res {
		if id, _ := r["id"].(string); r["success"] == true {
			ids = append(ids, id)
		}
	}
	if len(ids) != 3 {
		t.Fatalf("comments under one Case: %v, want 3 written", res)
	}
	e.srv.SetParentLockLimit(2)
	if codes := e.collection(http.MethodDelete, "composite/sobjects?ids="+strings.Join(ids, ","), nil); !slices.Equal(codes, []string{"", "", "UNABLE_TO_LOCK_ROW"}) {
		t.Errorf("deleting 3 comments of one Case with the limit at 2: %v", codes)
	}
	for _, bad := range []string{`{"childrenPerParent":-1}`, `{"children":2}`} {
		if status, body := e.control(http.MethodPut, "/sandbox/locks", bad); status != http.StatusBadRequest {
			t.Errorf("PUT /sandbox/locks %s: %d %s, want 400", bad, status, body)
		}
	}
}

// TestPerRecordFaults: a per-record fault fails the records it names (by
// Id or external id value) or a share of them (rate), with its errorCode in
// their results, while the call answers 200 and writes the others; times
// counts records; with allOrNone the whole call rolls back.
func TestPerRecordFaults(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	caseID := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "c", "Care_Case_Id__c": "c-c"})
	const path = "composite/sobjects/Care_Message__c/Care_Message_Id__c"
	if status, body := e.control(http.MethodPost, "/sandbox/faults",
		`{"op":"collections_upsert","errorCode":"UNABLE_TO_LOCK_ROW","records":["a-1","a-3"],"times":3}`); status != http.StatusNoContent {
		t.Fatalf("inject: %d %s", status, body)
	}
	if codes := e.collection(http.MethodPatch, path, messages(caseID, "a", 5)); !slices.Equal(codes, []string{"", "UNABLE_TO_LOCK_ROW", "", "UNABLE_TO_LOCK_ROW", ""}) {
		t.Errorf("records a-1 and a-3 named: %v", codes)
	}
	if n := len(e.srv.Records("Care_Message__c")); n != 3 {
		t.Errorf("%d messages written, want 3", n)
	}
	status, listing := e.control(http.MethodGet, "/sandbox/faults", "")
	if status != http.StatusOK || !strings.Contains(listing, `"times":1`) || !strings.Contains(listing, `"records":["a-1","a-3"]`) {
		t.Errorf("listing after 2 of 3 records were hit: %d %s", status, listing)
	}
	// allOrNone: one refused record rolls the call back.
	payload := messages(caseID, "z", 1)
	payload["records"] = append(payload["records"].([]any), messages(caseID, "a", 4)["records"].([]any)[3])
	payload["allOrNone"] = true
	if codes := e.collection(http.MethodPatch, path, payload); !slices.Equal(codes, []string{"ALL_OR_NONE_OPERATION_ROLLED_BACK", "UNABLE_TO_LOCK_ROW"}) {
		t.Errorf("allOrNone with a refused record: %v", codes)
	}
	if faults := e.srv.Faults(); len(faults) != 0 {
		t.Errorf("faults after 3 records were hit: %+v", faults)
	}
	// Updates are matched by Id, and a rate fails a share of the records.
	ids := make([]string, 40)
	for i := range ids {
		ids[i] = mustInsert(t, e.srv, "Case", map[string]any{"Subject": fmt.Sprint(i), "Care_Case_Id__c": fmt.Sprint("c-", i)})
	}
	e.srv.InjectFault(sfsim.Fault{Op: sfsim.OpCollectionsUpdate, ErrorCode: "UNABLE_TO_LOCK_ROW", Records: []string{ids[7][:15]}})
	e.srv.InjectFault(sfsim.Fault{Op: sfsim.OpCollectionsUpdate, ErrorCode: "UNABLE_TO_LOCK_ROW", PerRecord: true, Rate: 0.5})
	update := map[string]any{"records": []any{}}
	for _, id := range ids {
		update["records"] = append(update["records"].([]any), map[string]any{"attributes": map[string]any{"type": "Case"}, "Id": id, "Subject": "x"})
	}
	res := e.collectionResults(http.MethodPatch, "composite/sobjects", update)
	refused := 0
	for i, r := range res {
		if r["success"] == false {
			refused++
			if r["id"] != ids[i] {
				t.Errorf("refused update %d names %v, want %s", i, r["id"], ids[i])
			}
		}
	}
	if res[7]["success"] != false || refused < 5 || refused > 35 {
		t.Errorf("%d of 40 updates refused (record 7: %v), want record 7 and about half", refused, res[7])
	}
	// A whole-call fault of the same op is not consumed by records.
	e.srv.ClearFaults()
	e.srv.InjectFault(sfsim.Fault{Op: sfsim.OpCollectionsUpdate, Status: 503, Times: 1})
	if resp, body := e.do(http.MethodPatch, "composite/sobjects", update); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("whole-call fault: %d %s", resp.StatusCode, body)
	}
}
