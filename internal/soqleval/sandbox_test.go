package soqleval_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/internal/soqleval"
)

// sandboxData is the org both sides of TestEvalMatchesSandbox read: a
// Salesforce sandbox seeded with records whose values exercise what the
// engine's queries rely on (text in mixed case, nulls, datetimes a second
// apart, ids in 15- and 18-character form, numbers, booleans, dates,
// children of Cases with and without a Care id).
type sandboxData struct {
	sb    *sfsim.Server
	srv   *httptest.Server
	token string
	users []string // the seeded users' ids
	cases []string // Case ids, in insertion order
	at    time.Time
}

func newSandboxData(t *testing.T) *sandboxData {
	t.Helper()
	var mu sync.Mutex
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	tick := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	sb, err := sfsim.New(sfsim.Options{ClientID: "cid", ClientSecret: "csecret", Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(func() { sb.Close(); srv.Close() })
	d := &sandboxData{sb: sb, srv: srv, token: clientCredentials(t, srv.URL), at: now}
	for _, u := range sb.Users() {
		d.users = append(d.users, u["Id"].(string))
	}
	insert := func(object string, fields map[string]any) string {
		t.Helper()
		id, err := sb.Insert(object, fields)
		if err != nil {
			t.Fatalf("insert %s %v: %v", object, fields, err)
		}
		return id
	}
	cases := []map[string]any{
		{"Subject": "Printer Jam", "Status": "New", "Priority": "High", "Care_Case_Id__c": "care-1",
			"Care_DM_Deadline__c": "2026-03-02T10:00:00.000+0000"},
		{"Subject": "printer jam", "Status": "Working", "Priority": "Low", "Care_Case_Id__c": "care-2",
			"Care_DM_Deadline__c": "2026-03-02T10:00:01.000+0000"},
		{"Subject": "PRINTER JAM", "Status": "Closed", "Care_Case_Id__c": "CARE-3", "Care_Sentiment__c": "negative"},
		{"Status": "New", "Priority": "Medium"}, // no Subject, no Care id
		{"Subject": `it's a "quote" \ and 100%_done`, "Status": "On Hold", "Care_Case_Id__c": "care-5",
			"Care_DM_Deadline__c": "2026-03-02T09:59:59.000+0000"},
		{"Subject": "Ünïcødé 🙂 Zebra", "Status": "New", "Care_Case_Id__c": "care-6", "OwnerId": d.users[2]},
		{"Subject": "apple", "Status": "Working", "Priority": "High"},
		{"Subject": "Mango", "Status": "New", "Care_Case_Id__c": "care-8", "Care_DM_Deadline__c": "2026-02-28T23:00:00.000+0000"},
	}
	for i, c := range cases {
		tick(time.Duration(i%3) * time.Second) // some share a stamp, some do not
		d.cases = append(d.cases, insert("Case", c))
	}
	for i, parent := range []int{0, 0, 1, 3, 3, 6, 7} {
		tick(time.Second)
		insert("CaseComment", map[string]any{"ParentId": d.cases[parent], "CommentBody": fmt.Sprintf("comment %d", i), "IsPublished": i%2 == 0})
	}
	for i, parent := range []int{0, 3, 4} {
		insert("Task", map[string]any{"WhatId": d.cases[parent], "Subject": "Care note", "Status": "Completed",
			"Description": fmt.Sprintf("task %d", i), "ActivityDate": fmt.Sprintf("2026-03-%02d", i+1)})
	}
	insert("Task", map[string]any{"WhatId": d.cases[6], "Subject": "Call back", "Status": "Not Started"}) // no ActivityDate
	msgs := []map[string]any{
		{"Case__c": d.cases[0], "Care_Message_Id__c": "m-1", "Direction__c": "inbound", "Thread_Depth__c": 0.0, "Hidden__c": false,
			"Posted_At__c": "2026-03-01T08:00:00.000+0000"},
		{"Case__c": d.cases[0], "Care_Message_Id__c": "m-2", "Direction__c": "outbound", "Thread_Depth__c": 1.0, "Hidden__c": true,
			"Posted_At__c": "2026-03-01T08:30:00.000+0000"},
		{"Case__c": d.cases[1], "Care_Message_Id__c": "m-3", "Direction__c": "inbound", "Thread_Depth__c": 2.0, "Liked__c": true},
		{"Case__c": d.cases[3], "Care_Message_Id__c": "M-4", "Direction__c": "inbound", "Thread_Depth__c": 2.5},
		{"Case__c": d.cases[4], "Care_Message_Id__c": "m-5"},
	}
	for _, m := range msgs {
		tick(time.Second)
		insert("Care_Message__c", m)
	}
	for i, st := range []string{"Queued", "Sent", "Sending", "Queued", "Failed"} {
		tick(time.Duration(i%2) * time.Second)
		insert("Care_Action__c", map[string]any{"Case__c": d.cases[i%3], "Type__c": "reply", "Status__c": st,
			"Target_Message_Id__c": fmt.Sprintf("m-%d", i+1), "Mark_Pending__c": i%2 == 1})
	}
	return d
}

// query runs text over HTTP as the integration user and returns the records
// without "attributes", each with its Id (taken from the attributes when it
// was not selected).
func (d *sandboxData) query(t *testing.T, text string) ([]map[string]any, error) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, d.srv.URL+"/services/data/v62.0/query?q="+url.QueryEscape(text), nil)
	req.Header.Set("Authorization", "Bearer "+d.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var body []map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return nil, fmt.Errorf("HTTP %d: %v", resp.StatusCode, body)
	}
	var page struct {
		Done    bool             `json:"done"`
		Records []map[string]any `json:"records"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	if !page.Done {
		t.Fatalf("%s: more than one page; the test data is meant to fit one", text)
	}
	for _, r := range page.Records {
		attrs, _ := r["attributes"].(map[string]any)
		u, _ := attrs["url"].(string)
		delete(r, "attributes")
		if _, ok := r["Id"]; !ok {
			r["Id"] = path.Base(u)
		}
	}
	return page.Records, nil
}

// rows gives Eval the sandbox's own records (every field, in creation
// order), as a fake Salesforce would hold them.
func (d *sandboxData) rows(object string) []map[string]any { return d.sb.Records(object) }

// TestEvalMatchesSandbox: for each query built with the builder, Eval over
// the sandbox's records returns the same records, in the same order and with
// the same values, as the Salesforce sandbox answers the statement Build
// renders over the REST API. Rows are compared as JSON values.
func TestEvalMatchesSandbox(t *testing.T) {
	d := newSandboxData(t)
	c, u := d.cases, d.users
	deadline := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	cet := time.FixedZone("CET", 3600)
	onCareCases := soql.Select("Id").From("Case").Where(soql.IsNotNull("Care_Case_Id__c"))
	tests := []struct {
		name  string
		q     soql.Query
		empty bool // the sandbox finds nothing (the test checks it does not by accident)
	}{
		// text: = and IN ignore case; != includes nulls
		{"eq text ignores case", soql.Select("Subject").From("Case").Where(soql.Eq("Subject", "pRINTER jAM")), false},
		{"ne text includes null", soql.Select("Subject").From("Case").Where(soql.Ne("Subject", "printer jam")), false},
		{"in text ignores case", soql.Select("Subject", "Status").From("Case").Where(soql.In("Subject", "APPLE", "mango", "kiwi")), false},
		{"not in text", soql.Select("Subject").From("Case").Where(soql.NotIn("Subject", []string{"apple", "Printer Jam"})), false},
		{"picklist ignores case", soql.Select("Status").From("Case").Where(soql.Eq("Status", "on hold")), false},
		{"escaped text", soql.Select("Subject").From("Case").Where(soql.Eq("Subject", `IT'S A "QUOTE" \ AND 100%_DONE`)), false},
		{"unicode text", soql.Select("Subject").From("Case").Where(soql.Eq("Subject", "ünïcødé 🙂 zebra")), false},
		{"text order compare", soql.Select("Subject").From("Case").Where(soql.Gt("Subject", "m")), false},
		{"text le", soql.Select("Subject").From("Case").Where(soql.Le("Subject", "Printer jam")), false},
		{"external id eq", soql.Select("Id", "Care_Case_Id__c").From("Case").Where(soql.Eq("Care_Case_Id__c", "care-2")), false},
		{"external id in", soql.Select("Care_Case_Id__c").From("Case").Where(soql.In("Care_Case_Id__c", "care-1", "care-5", "nope")), false},
		// null
		{"is null", soql.Select("Subject").From("Case").Where(soql.IsNull("Care_Case_Id__c")), false},
		{"is not null", soql.Select("Care_Case_Id__c").From("Case").Where(soql.IsNotNull("Care_Case_Id__c")), false},
		{"eq nil", soql.Select("Subject").From("Case").Where(soql.Eq("Subject", nil)), false},
		{"in with null", soql.Select("Subject").From("Case").Where(soql.In("Subject", nil, "apple")), false},
		{"not in with null", soql.Select("Subject").From("Case").Where(soql.NotIn("Subject", nil, "apple")), false},
		{"gt on null is false", soql.Select("Subject").From("Case").Where(soql.Gt("Care_DM_Deadline__c", time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))), false},
		{"not gt includes null", soql.Select("Subject").From("Case").Where(soql.Not(soql.Gt("Care_DM_Deadline__c", deadline))), false},
		// datetimes by instant, the literal cut to the second
		{"datetime eq", soql.Select("Care_DM_Deadline__c").From("Case").Where(soql.Eq("Care_DM_Deadline__c", deadline)), false},
		{"datetime eq other zone", soql.Select("Care_DM_Deadline__c").From("Case").Where(soql.Eq("Care_DM_Deadline__c", deadline.In(cet))), false},
		{"datetime eq fraction cut", soql.Select("Care_DM_Deadline__c").From("Case").Where(soql.Eq("Care_DM_Deadline__c", deadline.Add(999*time.Millisecond))), false},
		{"datetime ge fraction", soql.Select("Care_DM_Deadline__c").From("Case").Where(soql.Ge("Care_DM_Deadline__c", deadline.Add(500*time.Millisecond))), false},
		{"datetime gt", soql.Select("Care_DM_Deadline__c").From("Case").Where(soql.Gt("Care_DM_Deadline__c", deadline)), false},
		{"datetime lt", soql.Select("Care_DM_Deadline__c").From("Case").Where(soql.Lt("Care_DM_Deadline__c", deadline)), false},
		{"datetime le pointer", soql.Select("Care_DM_Deadline__c").From("Case").Where(soql.Le("Care_DM_Deadline__c", &deadline)), false},
		{"datetime in", soql.Select("Care_DM_Deadline__c").From("Case").Where(soql.In("Care_DM_Deadline__c", deadline, deadline.Add(time.Second))), false},
		{"stamp window", soql.Select("Id", "SystemModstamp", "Care_Case_Id__c").From("Case").
			Where(soql.And(soql.Ge("SystemModstamp", d.at.Add(2*time.Second)), soql.IsNotNull("Care_Case_Id__c"))).OrderBy("SystemModstamp", "Id"), false},
		{"created date window", soql.Select("CreatedDate").From("CaseComment").Where(soql.And(soql.Gt("CreatedDate", d.at.Add(9*time.Second)), soql.Le("CreatedDate", d.at.Add(12*time.Second)))), false},
		// numbers, booleans, dates
		{"number gt", soql.Select("Thread_Depth__c").From("Care_Message__c").Where(soql.Gt("Thread_Depth__c", 1)), false},
		{"number le float", soql.Select("Thread_Depth__c").From("Care_Message__c").Where(soql.Le("Thread_Depth__c", 2.0)), false},
		{"number eq int64", soql.Select("Thread_Depth__c").From("Care_Message__c").Where(soql.Eq("Thread_Depth__c", int64(0))), false},
		{"number in", soql.Select("Thread_Depth__c").From("Care_Message__c").Where(soql.In("Thread_Depth__c", 1, 2.5)), false},
		{"number ne includes null", soql.Select("Thread_Depth__c").From("Care_Message__c").Where(soql.Ne("Thread_Depth__c", 2)), false},
		{"bool true", soql.Select("Liked__c").From("Care_Message__c").Where(soql.Eq("Liked__c", true)), false},
		{"bool false", soql.Select("Liked__c").From("Care_Message__c").Where(soql.Eq("Liked__c", false)), false},
		{"bool ne", soql.Select("Hidden__c").From("Care_Message__c").Where(soql.Ne("Hidden__c", true)), false},
		{"derived bool", soql.Select("Subject", "IsClosed").From("Case").Where(soql.Eq("IsClosed", true)), false},
		{"date eq", soql.Select("ActivityDate").From("Task").Where(soql.Eq("ActivityDate", soql.Date{Year: 2026, Month: 3, Day: 2})), false},
		{"date lt", soql.Select("ActivityDate").From("Task").Where(soql.Lt("ActivityDate", soql.DateOf(time.Date(2026, 3, 3, 23, 0, 0, 0, time.UTC)))), false},
		// ids: 15 and 18 characters, references
		{"id eq 18", soql.Select("Subject").From("Case").Where(soql.Eq("Id", c[2])), false},
		{"id eq 15", soql.Select("Subject").From("Case").Where(soql.Eq("Id", c[2][:15])), false},
		{"id in mixed forms", soql.Select("Subject").From("Case").Where(soql.In("Id", c[0], c[4][:15], c[7])), false},
		{"id not in", soql.Select("Subject").From("Case").Where(soql.NotIn("Id", c[0], c[1][:15])), false},
		{"reference in", soql.Select("ParentId", "CommentBody").From("CaseComment").Where(soql.In("ParentId", c[0], c[3][:15])), false},
		{"owner eq", soql.Select("Subject", "OwnerId").From("Case").Where(soql.Eq("OwnerId", u[2])), false},
		{"owner ne", soql.Select("Subject").From("Case").Where(soql.Ne("OwnerId", u[2])), false},
		// semi-joins
		{"notes on Care cases", soql.Select("Id", "ParentId").From("CaseComment").Where(soql.InSelect("ParentId", onCareCases)), false},
		{"tasks on Care cases", soql.Select("WhatId").From("Task").Where(soql.InSelect("WhatId", onCareCases)), false},
		{"semi-join and window", soql.Select("Id", "SystemModstamp", "ParentId").From("CaseComment").
			Where(soql.And(soql.Ge("SystemModstamp", d.at.Add(11*time.Second)), soql.InSelect("ParentId", onCareCases))).OrderBy("SystemModstamp", "Id"), false},
		{"semi-join on a filtered subquery", soql.Select("Care_Message_Id__c").From("Care_Message__c").
			Where(soql.InSelect("Case__c", soql.Select("Id").From("Case").Where(soql.And(soql.Eq("Subject", "PRINTER JAM"), soql.Ne("Status", "closed"))))), false},
		{"not semi-join", soql.Select("CommentBody").From("CaseComment").Where(soql.Not(soql.InSelect("ParentId", onCareCases))), false},
		{"semi-join finds nothing", soql.Select("CommentBody").From("CaseComment").
			Where(soql.InSelect("ParentId", soql.Select("Id").From("Case").Where(soql.Eq("Care_Case_Id__c", "none")))), true},
		// and, or, not
		{"and or not", soql.Select("Subject", "Status").From("Case").Where(soql.And(
			soql.Or(soql.Eq("Status", "new"), soql.Eq("Priority", "high")), soql.Not(soql.IsNull("Subject")), nil)), false},
		{"or of ands", soql.Select("Subject").From("Case").Where(soql.Or(
			soql.And(soql.Eq("Status", "Working"), soql.IsNull("Care_Case_Id__c")), soql.Eq("Care_Case_Id__c", "care-8"))), false},
		{"single and", soql.Select("Subject").From("Case").Where(soql.And(soql.IsNotNull("Care_Sentiment__c"))), false},
		{"nothing matches", soql.Select("Subject").From("Case").Where(soql.And(soql.Eq("Subject", "apple"), soql.Eq("Subject", "mango"))), true},
		// order by, limit
		{"order text nulls first", soql.Select("Subject").From("Case").OrderBy("Subject"), false},
		{"order text desc nulls last", soql.Select("Subject").From("Case").OrderByDesc("Subject"), false},
		{"order two keys", soql.Select("Status", "Subject").From("Case").OrderBy("Status").OrderByDesc("Priority"), false},
		{"order datetime desc", soql.Select("Care_DM_Deadline__c").From("Case").OrderByDesc("Care_DM_Deadline__c").OrderBy("Id"), false},
		{"order stamp then id", soql.Select("SystemModstamp").From("Care_Message__c").OrderBy("SystemModstamp", "Id"), false},
		{"order number", soql.Select("Thread_Depth__c").From("Care_Message__c").OrderByDesc("Thread_Depth__c"), false},
		{"order bool", soql.Select("Mark_Pending__c").From("Care_Action__c").OrderBy("Mark_Pending__c", "Id"), false},
		{"order date", soql.Select("ActivityDate").From("Task").OrderByDesc("ActivityDate"), false},
		{"order reference", soql.Select("ParentId").From("CaseComment").OrderByDesc("ParentId").OrderBy("CreatedDate"), false},
		{"limit", soql.Select("Subject").From("Case").OrderBy("Subject").Limit(3), false},
		{"limit without order", soql.Select("Subject").From("Case").Limit(2), false},
		{"limit beyond", soql.Select("Subject").From("Case").Where(soql.IsNotNull("Care_Case_Id__c")).Limit(100), false},
		// the engine's own statements
		{"engine action poll", soql.Select("Id").From("Care_Action__c").Where(soql.In("Status__c", "Queued", "Sending")).OrderBy("CreatedDate", "Id").Limit(2), false},
		{"engine action read", soql.Select("Id", "CreatedDate", "Case__c", "Type__c", "Target_Message_Id__c", "Mark_Pending__c", "Status__c").
			From("Care_Action__c").Where(soql.In("Id", []any{c[0], c[1][:15]})), true},
		{"engine users", soql.Select("Id", "Email", "IsActive").From("User"), false},
		{"engine notes", soql.Select("Id", "ParentId", "CommentBody", "CreatedById", "CreatedDate").From("CaseComment").
			Where(soql.In("ParentId", c[0], c[1], c[6])).OrderBy("CreatedDate", "Id"), false},
		{"engine mirror", soql.Select("Id", "Care_Message_Id__c", "Case__c").From("Care_Message__c").Where(soql.In("Case__c", c[0], c[4])), false},
		{"engine case read", soql.Select("Id", "Subject", "Status", "Priority", "OwnerId", "IsClosed", "SystemModstamp", "Care_Case_Id__c", "Care_Sentiment__c").
			From("Case").Where(soql.In("Care_Case_Id__c", "care-1", "CARE-3", "care-6")), false},
		{"field names ignore case", soql.Select("Subject", "Care_Case_Id__c").From("case").Where(soql.Eq("STATUS", "New")).OrderBy("care_case_id__c"), false},
	}
	nonEmpty := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, err := tt.q.Build()
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			want, err := d.query(t, text)
			if err != nil {
				t.Fatalf("the sandbox refused %s: %v", text, err)
			}
			got, err := soqleval.Eval(tt.q, d.rows)
			if err != nil {
				t.Fatalf("Eval(%s): %v", text, err)
			}
			if tt.empty != (len(want) == 0) {
				t.Fatalf("the sandbox found %d records for %s; the test expects empty=%v: fix the test data", len(want), text, tt.empty)
			}
			if len(want) > 0 {
				nonEmpty++
			}
			if gj, wj := asJSON(t, got), asJSON(t, want); !reflect.DeepEqual(gj, wj) {
				t.Errorf("%s\nEval:    %s\nsandbox: %s", text, show(t, gj), show(t, wj))
			}
		})
	}
	if nonEmpty < len(tests)-5 {
		t.Errorf("only %d of %d queries found anything: the comparison proves little", nonEmpty, len(tests))
	}
}

// TestEvalRefusesWhatTheSandboxRefuses: a literal that does not suit its
// field's values, and ordering comparisons with null, fail in both.
func TestEvalRefusesWhatTheSandboxRefuses(t *testing.T) {
	d := newSandboxData(t)
	for _, q := range []soql.Query{
		soql.Select("Id").From("Case").Where(soql.Eq("Subject", 5)),
		soql.Select("Id").From("Case").Where(soql.Gt("Care_DM_Deadline__c", "2026-03-02")),
		soql.Select("Id").From("Case").Where(soql.Eq("IsClosed", "true")),
		soql.Select("Id").From("Case").Where(soql.Gt("IsClosed", false)),
		soql.Select("Id").From("Case").Where(soql.Gt("Subject", nil)),
		soql.Select("Id").From("Care_Message__c").Where(soql.Eq("Thread_Depth__c", "1")),
		soql.Select("Id").From("Task").Where(soql.Eq("ActivityDate", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))),
		soql.Select("Id", "Subject", "subject").From("Case"),
	} {
		text := q.String()
		if _, err := d.query(t, text); err == nil {
			t.Errorf("the sandbox accepted %s; the test expects a refusal", text)
		}
		if rows, err := soqleval.Eval(q, d.rows); err == nil {
			t.Errorf("Eval(%s) = %v, want an error", text, rows)
		}
	}
}

func asJSON(t *testing.T, rows []map[string]any) any {
	t.Helper()
	b, err := json.Marshal(rows)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func show(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), "},{", "},\n          {")
}
