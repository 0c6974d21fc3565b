package salesforce

import (
	"fmt"
	"testing"

	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/connectors/upstream"
)

// TestUpsertManyThenQueryIsOneCall: the upsert and the query after it go
// as one Composite request, which the org counts as one API call; the
// query sees what the upsert wrote, each record gets its own result (one
// refused, the others written), and the upsert still says
// Sforce-Auto-Assign: FALSE, so an assignment rule keeps its hands off.
func TestUpsertManyThenQueryIsOneCall(t *testing.T) {
	sb := newSandbox(t, sfsim.Options{})
	sb.sim.SetAssignmentRule(sb.sim.QueueID())
	c := newTarget(t, "sandbox", sb.config()).client
	ctx := t.Context()
	if _, err := c.CaseStatuses(ctx); err != nil { // log in first
		t.Fatal(err)
	}
	owner := sb.sim.IntegrationUserID()
	sb.sim.ResetCalls()
	records := []Record{
		{"Care_Case_Id__c": "cc-1", "Subject": "one", "OwnerId": owner},
		{"Care_Case_Id__c": "cc-2", "Subject": "two", "Status": "No Such Status"},
		{"Care_Case_Id__c": "cc-3", "Subject": "three", "OwnerId": owner},
	}
	q := soql.Select("Id", "Care_Case_Id__c", "Subject", "OwnerId").From("Case").Where(soql.In("Care_Case_Id__c", "cc-1", "cc-2", "cc-3"))
	res, rows, qerr, err := c.UpsertManyThenQuery(ctx, "Case", "Care_Case_Id__c", records, q)
	if err != nil || qerr != nil {
		t.Fatalf("UpsertManyThenQuery: %v, query: %v", err, qerr)
	}
	if res[0].Err != nil || res[2].Err != nil || !res[0].Created || res[0].ID == "" {
		t.Errorf("results %+v: want cc-1 and cc-3 created", res)
	}
	if res[1].Err == nil {
		t.Errorf("cc-2 with an unknown Status was written: %+v", res[1])
	}
	if len(rows) != 2 {
		t.Fatalf("the query after the upsert read %d Cases, want the 2 written: %v", len(rows), rows)
	}
	for _, r := range rows {
		if r["OwnerId"] != owner {
			t.Errorf("Case %v is owned by %v, want %s: the assignment rule ran", r["Care_Case_Id__c"], r["OwnerId"], owner)
		}
	}
	if n, all := sb.sim.Calls(sfsim.OpComposite), sb.sim.TotalCalls(); n != 1 || all != 1 {
		t.Errorf("%d composite calls, %d in all; want 1 and 1", n, all)
	}
	if used, _ := c.Usage(); used == 0 {
		t.Error("the composite call's API usage was not read")
	}

	// A query Salesforce refuses fails the query only: the upsert went.
	bad := soql.Select("Id", "No_Such_Field__c").From("Case")
	res, _, qerr, err = c.UpsertManyThenQuery(ctx, "Case", "Care_Case_Id__c", []Record{{"Care_Case_Id__c": "cc-4", "Subject": "four"}}, bad)
	if err != nil || res[0].Err != nil || qerr == nil {
		t.Errorf("with a refused query: results %+v, err %v, query error %v; want the upsert done and the query's error", res, err, qerr)
	}
	if len(sb.sim.Records("Case")) != 3 {
		t.Errorf("the sandbox holds %d Cases, want 3", len(sb.sim.Records("Case")))
	}
}

// TestWritesOfMoreThan200RecordsShareACall: 450 records go as one
// Composite request of three collections requests; a record a subrequest
// refuses fails alone, and a Composite request refused as a whole fails
// every record, retryably.
func TestWritesOfMoreThan200RecordsShareACall(t *testing.T) {
	sb := newSandbox(t, sfsim.Options{})
	c := newTarget(t, "sandbox", sb.config()).client
	ctx := t.Context()
	if _, err := c.CaseStatuses(ctx); err != nil { // log in first
		t.Fatal(err)
	}
	records := func(prefix string, n int) []Record {
		out := make([]Record, n)
		for i := range out {
			out[i] = Record{"Care_Case_Id__c": fmt.Sprintf("%s-%03d", prefix, i), "Subject": "many"}
		}
		return out
	}
	batch := records("many", 450)
	batch[300]["Status"] = "No Such Status"
	sb.sim.ResetCalls()
	res, err := c.UpsertMany(ctx, "Case", "Care_Case_Id__c", batch)
	if err != nil {
		t.Fatalf("UpsertMany: %v", err)
	}
	for i, r := range res {
		if (r.Err != nil) != (i == 300) {
			t.Errorf("record %d: %+v; want only record 300 refused", i, r)
		}
	}
	if n, all := sb.sim.Calls(sfsim.OpComposite), sb.sim.TotalCalls(); n != 1 || all != 1 {
		t.Errorf("%d composite calls, %d in all; want one call", n, all)
	}
	if got := len(sb.sim.Records("Case")); got != 449 {
		t.Errorf("the sandbox holds %d Cases, want 449", got)
	}

	sb.sim.InjectFault(sfsim.Fault{Op: sfsim.OpComposite, Status: 503, Times: 1})
	res, err = c.UpsertMany(ctx, "Case", "Care_Case_Id__c", records("again", 201))
	if err == nil || upstream.ClassOf(err) != upstream.Retryable {
		t.Errorf("UpsertMany answered 503: %v; want a retryable error", err)
	}
	for i, r := range res {
		if r.Err == nil {
			t.Fatalf("record %d of a refused call has no error", i)
		}
	}
}
