package bridge_test

// The port conformance suites: what the engine relies on from its two
// upstreams (bridge.Salesforce, bridge.Care), checked alike against the
// in-process fakes of the unit tests and against the sandboxes through the
// real connectors. Where the two disagree, the sandbox is the reference.

import (
	"errors"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge"
	"github.com/carebridge/carebridge/bridge/daemon"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce"
	"github.com/carebridge/carebridge/connectors/salesforce/sfid"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/connectors/upstream"
	"github.com/carebridge/carebridge/internal/testkit"
)

// conformanceEpoch is where each check's clock starts: a time with a
// fraction of a second, so that whole-second stamping shows.
var conformanceEpoch = time.Date(2026, 3, 2, 9, 30, 0, 250_000_000, time.UTC)

func TestMain(m *testing.M) {
	log.SetOutput(io.Discard) // simpleforce logs every failed call with the standard logger
	os.Exit(m.Run())
}

// errorOf returns the class, code and HTTP status of a classified error.
func errorOf(err error) (upstream.Class, string, int) {
	var ue *upstream.Error
	if !errors.As(err, &ue) {
		return upstream.ClassOf(err), "", 0
	}
	return ue.Class, ue.Code, ue.Status
}

// --- Salesforce ---

// newSalesforcePort returns a fresh, empty org's port stamping writes by now.
type newSalesforcePort func(t *testing.T, now func() time.Time) bridge.Salesforce

func TestSalesforceConformanceFake(t *testing.T) {
	salesforceConformance(t, func(_ *testing.T, now func() time.Time) bridge.Salesforce {
		return bridge.NewFakeSalesforceForConformance(now)
	})
}

func TestSalesforceConformanceSandbox(t *testing.T) {
	salesforceConformance(t, sandboxSalesforce)
}

// sandboxSalesforce serves sfsim in-process and returns the daemon's port
// over the real connector, signed in with client credentials.
func sandboxSalesforce(t *testing.T, now func() time.Time) bridge.Salesforce {
	t.Helper()
	const id, secret = "conformance-client", "conformance-secret"
	sim, err := sfsim.New(sfsim.Options{ClientID: id, ClientSecret: secret, Clock: now})
	if err != nil {
		t.Fatalf("sfsim.New: %v", err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	t.Cleanup(sim.Close) // runs first
	c, err := salesforce.New(salesforce.Config{
		LoginURL: srv.URL,
		Auth:     salesforce.Auth{Method: salesforce.AuthClientCredentials, ClientID: id, ClientSecret: secret},
		Timeout:  5 * time.Second,
	}, upstream.NewMetrics(nil), nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("salesforce.New: %v", err)
	}
	t.Cleanup(c.Close)
	return daemon.SalesforcePort(c)
}

// sfCheck is one check of the Salesforce suite, on a fresh org.
type sfCheck struct {
	name string
	run  func(t *testing.T, o *sfOrg)
}

// sfOrg is the port under test with the clock it stamps by.
type sfOrg struct {
	sf    bridge.Salesforce
	clock *testkit.Clock
}

// salesforceConformance runs every check on a fresh org.
func salesforceConformance(t *testing.T, newPort newSalesforcePort) {
	for _, c := range sfChecks {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			clock := testkit.NewClock(conformanceEpoch)
			c.run(t, &sfOrg{sf: newPort(t, clock.Now), clock: clock})
		})
	}
}

var sfChecks = []sfCheck{
	{"UpsertCreatesThenUpdates", func(t *testing.T, o *sfOrg) {
		first := o.upsertCases(t, bridge.Record{bridge.CareIDField: "c-1", "Subject": "first"})[0]
		if first.Err != nil || !first.Created || len(first.ID) != 18 || !strings.HasPrefix(first.ID, "500") {
			t.Fatalf("first upsert = %+v, want a created Case with an 18-character 500 id", first)
		}
		again := o.upsertCases(t, bridge.Record{bridge.CareIDField: "c-1", "Status": "Closed"})[0]
		if again.Err != nil || again.Created || again.ID != first.ID {
			t.Fatalf("second upsert of c-1 = %+v, want an update of %s", again, first.ID)
		}
		rec := o.caseByID(t, first.ID, "Subject", "Status", "IsClosed", "Priority", "ClosedDate")
		if rec["Subject"] != "first" || rec["Status"] != "Closed" || rec["IsClosed"] != true || rec["ClosedDate"] == nil || rec["Priority"] != "Medium" {
			t.Errorf("Case = %v, want the fields merged, IsClosed and ClosedDate following Status, the Priority default", rec)
		}
	}},
	{"UpsertThenQueryReadsWhatWasWritten", func(t *testing.T, o *sfOrg) {
		read := soql.Select("Id", bridge.CareIDField, "Subject", "Priority").From("Case").Where(soql.In(bridge.CareIDField, "c-1", "c-2", "c-3"))
		got, err := o.sf.UpsertManyThenQuery(t.Context(), "Case", bridge.CareIDField, []bridge.Record{
			{bridge.CareIDField: "c-1", "Subject": "one"},
			{bridge.CareIDField: "c-2", "No_Such_Field__c": "x"},
			{bridge.CareIDField: "c-3", "Subject": "three"},
		}, read)
		if err != nil || got.ReadErr != nil || len(got.Results) != 3 {
			t.Fatalf("UpsertManyThenQuery = %+v, %v", got, err)
		}
		if got.Results[0].Err != nil || !got.Results[0].Created || got.Results[2].Err != nil || got.Results[1].Err == nil {
			t.Errorf("results %+v: want c-1 and c-3 created, c-2 refused", got.Results)
		}
		if len(got.Read) != 2 {
			t.Fatalf("read after the upsert = %v, want the 2 Cases written", got.Read)
		}
		for _, r := range got.Read {
			if r["Priority"] != "Medium" || r["Id"] == nil {
				t.Errorf("Case read back = %v, want its Id and the Priority default", r)
			}
		}
		bad := soql.Select("Id", "No_Such_Field__c").From("Case")
		got, err = o.sf.UpsertManyThenQuery(t.Context(), "Case", bridge.CareIDField, []bridge.Record{{bridge.CareIDField: "c-4"}}, bad)
		if err != nil || got.Results[0].Err != nil || got.ReadErr == nil {
			t.Errorf("with a refused read: %+v, %v; want the upsert done and the read's error", got, err)
		}
	}},
	{"UnknownFieldFailsItsRecordOnly", func(t *testing.T, o *sfOrg) {
		res := o.upsertCases(t,
			bridge.Record{bridge.CareIDField: "c-1", "Subject": "a"},
			bridge.Record{bridge.CareIDField: "c-2", "Subject": "b", "No_Such_Field__c": "x"},
			bridge.Record{bridge.CareIDField: "c-3", "Subject": "c"})
		if class, code, _ := errorOf(res[1].Err); class != upstream.Permanent || code != "INVALID_FIELD" {
			t.Errorf("record with an unknown field: %v, want a permanent INVALID_FIELD", res[1].Err)
		}
		for _, i := range []int{0, 2} {
			if res[i].Err != nil || !res[i].Created {
				t.Errorf("record %d beside it = %+v, want it created", i, res[i])
			}
		}
		if got := o.careIDs(t, soql.In(bridge.CareIDField, "c-1", "c-2", "c-3")); !slices.Equal(got, []string{"c-1", "c-3"}) {
			t.Errorf("Cases written = %v, want c-1 and c-3", got)
		}
	}},
	{"DuplicateExternalIDRefusedPerRecord", func(t *testing.T, o *sfOrg) {
		res := o.upsertCases(t,
			bridge.Record{bridge.CareIDField: "c-9", "Subject": "a"},
			bridge.Record{bridge.CareIDField: "c-9", "Subject": "b"},
			bridge.Record{bridge.CareIDField: "c-10", "Subject": "c"})
		for _, i := range []int{0, 1} {
			if class, code, _ := errorOf(res[i].Err); class != upstream.Permanent || code != "DUPLICATE_EXTERNAL_ID" {
				t.Errorf("record %d, c-9 twice in one call: %v, want a permanent DUPLICATE_EXTERNAL_ID", i, res[i].Err)
			}
		}
		if res[2].Err != nil || !res[2].Created {
			t.Errorf("c-10 beside them = %+v, want it created", res[2])
		}
		if got := o.careIDs(t, soql.In(bridge.CareIDField, "c-9", "c-10")); !slices.Equal(got, []string{"c-10"}) {
			t.Errorf("Cases written = %v, want c-10 only", got)
		}
	}},
	{"ExternalIDIsCaseSensitive", func(t *testing.T, o *sfOrg) {
		lower := o.upsertCases(t, bridge.Record{bridge.CareIDField: "c-1", "Subject": "lower"})[0]
		upper := o.upsertCases(t, bridge.Record{bridge.CareIDField: "C-1", "Subject": "upper"})[0]
		if upper.Err != nil || !upper.Created || upper.ID == lower.ID {
			t.Fatalf("upsert of C-1 after c-1 = %+v, want another Case (Care_Case_Id__c is case-sensitive)", upper)
		}
		again := o.upsertCases(t, bridge.Record{bridge.CareIDField: "C-1", "Subject": "upper again"})[0]
		if again.Err != nil || again.Created || again.ID != upper.ID {
			t.Errorf("upsert of C-1 again = %+v, want an update of %s", again, upper.ID)
		}
		if rec := o.caseByID(t, lower.ID, "Subject"); rec["Subject"] != "lower" {
			t.Errorf("c-1 = %v, want it untouched by the upserts of C-1", rec)
		}
	}},
	{"QueryComparesExternalIDExactly", func(t *testing.T, o *sfOrg) {
		lower := o.upsertCases(t, bridge.Record{bridge.CareIDField: "c-1"})[0]
		upper := o.upsertCases(t, bridge.Record{bridge.CareIDField: "C-1"})[0]
		recs := o.query(t, soql.Select("Id").From("Case").Where(soql.In(bridge.CareIDField, "C-2", "c-1")))
		if len(recs) != 1 || recs[0]["Id"] != lower.ID {
			t.Errorf("Care_Case_Id__c IN ('C-2','c-1') = %v, want only %s", recs, lower.ID)
		}
		recs = o.query(t, soql.Select("Id").From("Case").Where(soql.Eq(bridge.CareIDField, "C-1")))
		if len(recs) != 1 || recs[0]["Id"] != upper.ID {
			t.Errorf("Care_Case_Id__c = 'C-1' = %v, want only %s", recs, upper.ID)
		}
	}},
	{"QueryReturnsSelectedFields", func(t *testing.T, o *sfOrg) {
		o.upsertCases(t, bridge.Record{bridge.CareIDField: "c-1", "Subject": "s", "Status": "New"})
		recs := o.query(t, soql.Select("Subject", "Description").From("Case").Where(soql.Eq(bridge.CareIDField, "c-1")))
		if len(recs) != 1 {
			t.Fatalf("query = %v, want one Case", recs)
		}
		if v, ok := recs[0]["Description"]; !ok || v != nil {
			t.Errorf("selected null field = %v (present %t), want a nil value", v, ok)
		}
		for _, f := range []string{"Id", "Status", bridge.CareIDField} {
			if v, ok := recs[0][f]; ok {
				t.Errorf("field %s = %v, though not selected", f, v)
			}
		}
		if recs[0]["Subject"] != "s" {
			t.Errorf("Subject = %v", recs[0]["Subject"])
		}
	}},
	{"QueryByShortID", func(t *testing.T, o *sfOrg) {
		id := o.upsertCases(t, bridge.Record{bridge.CareIDField: "c-1", "Subject": "s"})[0].ID
		recs := o.query(t, soql.Select("Id", "Subject").From("Case").Where(soql.Eq("Id", id[:15])))
		if len(recs) != 1 || recs[0]["Id"] != id || recs[0]["Subject"] != "s" {
			t.Errorf("query by the 15-character id = %v, want the Case as %s", recs, id)
		}
	}},
	{"QueryIn", func(t *testing.T, o *sfOrg) {
		res := o.upsertCases(t, bridge.Record{bridge.CareIDField: "c-1"}, bridge.Record{bridge.CareIDField: "c-2"}, bridge.Record{bridge.CareIDField: "c-3"})
		recs := o.query(t, soql.Select("Id", bridge.CareIDField).From("Case").Where(soql.In("Id", res[0].ID, res[2].ID)))
		if got := sortedField(recs, bridge.CareIDField); !slices.Equal(got, []string{"c-1", "c-3"}) {
			t.Errorf("Id IN (c-1's, c-3's) = %v", recs)
		}
		if got := o.careIDs(t, soql.In(bridge.CareIDField, "c-2", "c-3", "c-4")); !slices.Equal(got, []string{"c-2", "c-3"}) {
			t.Errorf("Care_Case_Id__c IN (c-2, c-3, c-4) = %v", got)
		}
	}},
	{"UpdateFailsPerRecord", func(t *testing.T, o *sfOrg) {
		caseID := o.upsertCases(t, bridge.Record{bridge.CareIDField: "c-1", "Subject": "s"})[0].ID
		msgs := o.upsertMessages(t, caseID, "m-live", "m-gone")
		live, gone := msgs[0], msgs[1]
		if res := o.deleteMany(t, gone); res[0].Err != nil {
			t.Fatalf("delete: %v", res[0].Err)
		}
		missing := otherID(live)
		res, err := o.sf.UpdateMany(t.Context(), bridge.MessageObject, []bridge.Record{
			{"Id": live, "Text__c": "x"}, {"Id": missing, "Text__c": "y"}, {"Id": gone, "Text__c": "z"}})
		if err != nil {
			t.Fatalf("UpdateMany: %v; failures of single records are no failure of the call", err)
		}
		if res[0].Err != nil || res[0].ID != live || res[0].Created {
			t.Errorf("live record: %+v, want it updated", res[0])
		}
		for i, want := range map[int]string{1: "INVALID_CROSS_REFERENCE_KEY", 2: "ENTITY_IS_DELETED"} {
			if class, code, _ := errorOf(res[i].Err); class != upstream.Permanent || code != want {
				t.Errorf("record %d: %v, want a permanent %s", i, res[i].Err, want)
			}
		}
		recs := o.query(t, soql.Select("Id", "Text__c").From(bridge.MessageObject))
		if len(recs) != 1 || recs[0]["Id"] != live || recs[0]["Text__c"] != "x" {
			t.Errorf("messages = %v, want the live one updated (the deleted one is not queried)", recs)
		}
	}},
	{"UpdateRefusesReadOnlyAndBadPicklist", func(t *testing.T, o *sfOrg) {
		id := o.upsertCases(t, bridge.Record{bridge.CareIDField: "c-1", "Subject": "s"})[0].ID
		res, err := o.sf.UpdateMany(t.Context(), "Case", []bridge.Record{
			{"Id": id, "IsClosed": true}, {"Id": id, "Status": "Nope"}, {"Id": id, "Subject": "t"}})
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range map[int]string{0: "INVALID_FIELD_FOR_INSERT_UPDATE", 1: "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"} {
			if class, code, _ := errorOf(res[i].Err); class != upstream.Permanent || code != want {
				t.Errorf("record %d: %v, want a permanent %s", i, res[i].Err, want)
			}
		}
		if res[2].Err != nil {
			t.Errorf("valid record beside them: %v", res[2].Err)
		}
		if rec := o.caseByID(t, id, "Subject", "Status", "IsClosed"); rec["Subject"] != "t" || rec["Status"] == "Nope" || rec["IsClosed"] == true {
			t.Errorf("Case = %v, want only the valid record applied", rec)
		}
	}},
	{"EmptyValueClearsField", func(t *testing.T, o *sfOrg) {
		id := o.upsertCases(t, bridge.Record{bridge.CareIDField: "c-1", "Subject": "s", "Description": "d"})[0].ID
		res, err := o.sf.UpdateMany(t.Context(), "Case", []bridge.Record{{"Id": id, "Subject": nil, "Description": ""}})
		if err != nil || res[0].Err != nil {
			t.Fatalf("update = %+v, %v", res, err)
		}
		if rec := o.caseByID(t, id, "Subject", "Description"); rec["Subject"] != nil || rec["Description"] != nil {
			t.Errorf("Case = %v, want Subject and Description cleared (null)", rec)
		}
	}},
	{"StampsWholeSeconds", func(t *testing.T, o *sfOrg) {
		// The clock shows 09:30:00.250.
		id := o.upsertCases(t, bridge.Record{bridge.CareIDField: "c-1", "Subject": "s"})[0].ID
		second := conformanceEpoch.Truncate(time.Second)
		stamps := func() map[string]time.Time {
			rec := o.caseByID(t, id, "CreatedDate", "LastModifiedDate", "SystemModstamp")
			out := map[string]time.Time{}
			for _, f := range []string{"CreatedDate", "LastModifiedDate", "SystemModstamp"} {
				v, err := salesforce.Record(rec).Time(f)
				if err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				out[f] = v
			}
			return out
		}
		for f, v := range stamps() {
			if !v.Equal(second) {
				t.Errorf("%s of the new Case = %v, want %v (the whole second)", f, v, second)
			}
		}
		o.clock.Advance(600 * time.Millisecond) // 09:30:00.850, the same second
		o.updateCase(t, id, bridge.Record{"Subject": "t"})
		if got := stamps(); !got["SystemModstamp"].Equal(second) || !got["LastModifiedDate"].Equal(second) {
			t.Errorf("stamps after an update within the second = %v, want %v", got, second)
		}
		o.clock.Advance(200 * time.Millisecond) // 09:30:01.050
		o.updateCase(t, id, bridge.Record{"Subject": "u"})
		next := second.Add(time.Second)
		if got := stamps(); !got["SystemModstamp"].Equal(next) || !got["LastModifiedDate"].Equal(next) || !got["CreatedDate"].Equal(second) {
			t.Errorf("stamps after an update in the next second = %v, want modified %v, created %v", got, next, second)
		}
	}},
	{"CreateCaseComment", func(t *testing.T, o *sfOrg) {
		caseID := o.upsertCases(t, bridge.Record{bridge.CareIDField: "c-1", "Subject": "s"})[0].ID
		res, err := o.sf.CreateMany(t.Context(), "CaseComment", []bridge.Record{{"ParentId": caseID, "CommentBody": "a note"}})
		if err != nil || res[0].Err != nil || !res[0].Created || len(res[0].ID) != 18 || !strings.HasPrefix(res[0].ID, "00a") {
			t.Fatalf("create = %+v, %v; want a created CaseComment with an 18-character 00a id", res, err)
		}
		recs := o.query(t, soql.Select("Id", "CommentBody", "CreatedById", "CreatedDate").From("CaseComment").Where(soql.Eq("ParentId", caseID)))
		if len(recs) != 1 || recs[0]["Id"] != res[0].ID || recs[0]["CommentBody"] != "a note" || recs[0]["CreatedById"] == nil || recs[0]["CreatedDate"] == nil {
			t.Errorf("comments of the Case = %v", recs)
		}
	}},
	{"CreateSetsDefaults", func(t *testing.T, o *sfOrg) {
		caseID := o.upsertCases(t, bridge.Record{bridge.CareIDField: "c-1"})[0].ID
		msg := o.upsertMessages(t, caseID, "m-1")[0]
		recs := o.query(t, soql.Select("Id", "Hidden__c", "Deleted__c", "Liked__c").From(bridge.MessageObject).Where(soql.Eq("Id", msg)))
		if len(recs) != 1 || recs[0]["Hidden__c"] != false || recs[0]["Deleted__c"] != false || recs[0]["Liked__c"] != false {
			t.Errorf("new message = %v, want its checkboxes false", recs)
		}
	}},
	{"DeleteManyResults", func(t *testing.T, o *sfOrg) {
		caseID := o.upsertCases(t, bridge.Record{bridge.CareIDField: "c-1"})[0].ID
		msgs := o.upsertMessages(t, caseID, "m-1", "m-2")
		missing := otherID(msgs[0])
		res := o.deleteMany(t, msgs[0], missing)
		if res[0].Err != nil || res[0].ID != msgs[0] {
			t.Errorf("delete of a live record = %+v", res[0])
		}
		if class, code, _ := errorOf(res[1].Err); class != upstream.Permanent || code != "INVALID_CROSS_REFERENCE_KEY" {
			t.Errorf("delete of a record that never was: %v, want a permanent INVALID_CROSS_REFERENCE_KEY", res[1].Err)
		}
		if recs := o.query(t, soql.Select("Id").From(bridge.MessageObject)); len(recs) != 1 || recs[0]["Id"] != msgs[1] {
			t.Errorf("messages after the delete = %v, want only %s", recs, msgs[1])
		}
		res = o.deleteMany(t, msgs[0])
		if class, code, _ := errorOf(res[0].Err); class != upstream.Permanent || code != "ENTITY_IS_DELETED" {
			t.Errorf("second delete: %v, want a permanent ENTITY_IS_DELETED", res[0].Err)
		}
	}},
	{"ChangedWatermark", func(t *testing.T, o *sfOrg) {
		ctx := t.Context()
		fields := []string{bridge.CareIDField, "Subject"}
		onCare := soql.IsNotNull(bridge.CareIDField)
		a := o.upsertCases(t, bridge.Record{bridge.CareIDField: "c-a", "Subject": "a"})[0].ID
		o.clock.Advance(time.Second)
		b := o.upsertCases(t, bridge.Record{bridge.CareIDField: "c-b", "Subject": "b"})[0].ID
		other, err := o.sf.CreateMany(ctx, "Case", []bridge.Record{{"Subject": "not from Care"}})
		if err != nil || other[0].Err != nil {
			t.Fatalf("create = %+v, %v", other, err)
		}

		recs, wm, err := o.sf.Changed(ctx, "Case", fields, onCare, "")
		if err != nil || !slices.Equal(ids(recs), []string{a, b}) {
			t.Fatalf("first poll = %v, %v; want a then b", recs, err)
		}
		if recs[0]["SystemModstamp"] == nil || recs[0]["Subject"] != "a" || recs[0][bridge.CareIDField] != "c-a" {
			t.Errorf("polled record = %v, want Id, SystemModstamp and the fields", recs[0])
		}
		if recs, _, err := o.sf.Changed(ctx, "Case", fields, onCare, wm); err != nil || len(recs) != 0 {
			t.Errorf("poll without changes = %v, %v", recs, err)
		}

		o.clock.Advance(time.Second)
		o.updateCase(t, b, bridge.Record{"Subject": "b2"})
		recs, wm2, err := o.sf.Changed(ctx, "Case", fields, onCare, wm)
		if err != nil || !slices.Equal(ids(recs), []string{b}) || recs[0]["Subject"] != "b2" {
			t.Fatalf("poll after an edit of b = %v, %v; want b with its new Subject", recs, err)
		}
		if recs, _, err := o.sf.Changed(ctx, "Case", fields, onCare, wm2); err != nil || len(recs) != 0 {
			t.Errorf("poll from the advanced watermark = %v, %v; want the edit returned once", recs, err)
		}
		// within the watermark's second: a new value of a selected field shows
		o.updateCase(t, b, bridge.Record{"Subject": "b3"})
		recs, wm3, err := o.sf.Changed(ctx, "Case", fields, onCare, wm2)
		if err != nil || !slices.Equal(ids(recs), []string{b}) || recs[0]["Subject"] != "b3" {
			t.Errorf("poll after another edit of b within the watermark's second = %v, %v; want b with its new Subject", recs, err)
		}
		// the same second, the same selected values: no poll can see it
		o.updateCase(t, b, bridge.Record{"Priority": "High"})
		if recs, _, err := o.sf.Changed(ctx, "Case", fields, onCare, wm3); err != nil || len(recs) != 0 {
			t.Errorf("poll after an edit of an unselected field within the second = %v, %v; want nothing", recs, err)
		}
		if recs, _, err := o.sf.Changed(ctx, "Case", fields, onCare, "{damaged"); err != nil || len(recs) != 2 {
			t.Errorf("poll from a damaged watermark = %v, %v; want both Care Cases again", recs, err)
		}
	}},
	{"ChangedNotesOfCareCases", func(t *testing.T, o *sfOrg) {
		ctx := t.Context()
		onCare := o.upsertCases(t, bridge.Record{bridge.CareIDField: "c-1"})[0].ID
		other, err := o.sf.CreateMany(ctx, "Case", []bridge.Record{{"Subject": "not from Care"}})
		if err != nil || other[0].Err != nil {
			t.Fatalf("create = %+v, %v", other, err)
		}
		res, err := o.sf.CreateMany(ctx, "CaseComment", []bridge.Record{
			{"ParentId": onCare, "CommentBody": "on a Care case"}, {"ParentId": other[0].ID, "CommentBody": "elsewhere"}})
		if err != nil || res[0].Err != nil || res[1].Err != nil {
			t.Fatalf("create comments = %+v, %v", res, err)
		}
		notes := soql.InSelect("ParentId", soql.Select("Id").From("Case").Where(soql.IsNotNull(bridge.CareIDField)))
		recs, _, err := o.sf.Changed(ctx, "CaseComment", []string{"ParentId"}, notes, "")
		if err != nil || len(recs) != 1 || recs[0]["Id"] != res[0].ID || recs[0]["ParentId"] != onCare {
			t.Errorf("notes poll = %v, %v; want the comment on the Care case only", recs, err)
		}
	}},
	{"WritesAreTheIntegrationUsers", func(t *testing.T, o *sfOrg) {
		id := o.upsertCases(t, bridge.Record{bridge.CareIDField: "c-1", "Subject": "s"})[0].ID
		o.clock.Advance(time.Second)
		o.updateCase(t, id, bridge.Record{"Subject": "t"})
		rec := o.caseByID(t, id, "CreatedById", "LastModifiedById", "OwnerId")
		user, _ := rec["CreatedById"].(string)
		if len(user) != 18 || !strings.HasPrefix(user, "005") || rec["LastModifiedById"] != user || rec["OwnerId"] != user {
			t.Errorf("Case = %v, want it created, modified and owned by one User (the port's)", rec)
		}
		users := o.query(t, soql.Select("Id", "IsActive").From("User").Where(soql.Eq("Id", user)))
		if len(users) != 1 || users[0]["IsActive"] != true {
			t.Errorf("the writing User = %v, want an active User", users)
		}
	}},
	{"TextTooLongFailsItsRecord", func(t *testing.T, o *sfOrg) {
		res := o.upsertCases(t,
			bridge.Record{bridge.CareIDField: "c-1", "Subject": strings.Repeat("x", 256)},
			bridge.Record{bridge.CareIDField: "c-2", "Subject": strings.Repeat("x", 255)})
		if class, code, _ := errorOf(res[0].Err); class != upstream.Permanent || code != "STRING_TOO_LONG" {
			t.Errorf("Subject of 256 characters: %v, want a permanent STRING_TOO_LONG", res[0].Err)
		}
		if res[1].Err != nil {
			t.Errorf("Subject of 255 characters: %v", res[1].Err)
		}
	}},
	{"QueryUnknownObject", func(t *testing.T, o *sfOrg) {
		_, err := o.sf.Query(t.Context(), soql.Select("Id").From("No_Such_Object__c"))
		if class, code, _ := errorOf(err); class != upstream.Permanent || code != "INVALID_TYPE" {
			t.Errorf("query of an unknown object: %v, want a permanent INVALID_TYPE", err)
		}
	}},
}

func (o *sfOrg) upsertCases(t *testing.T, recs ...bridge.Record) []bridge.WriteResult {
	t.Helper()
	res, err := o.sf.UpsertMany(t.Context(), "Case", bridge.CareIDField, recs)
	if err != nil {
		t.Fatalf("UpsertMany Case: %v", err)
	}
	if len(res) != len(recs) {
		t.Fatalf("UpsertMany Case: %d results for %d records", len(res), len(recs))
	}
	return res
}

// upsertMessages mirrors messages with the given Care ids on a Case and
// returns their ids.
func (o *sfOrg) upsertMessages(t *testing.T, caseID string, careIDs ...string) []string {
	t.Helper()
	recs := make([]bridge.Record, len(careIDs))
	for i, id := range careIDs {
		recs[i] = bridge.Record{bridge.MessageIDField: id, bridge.MessageCaseFld: caseID, "Text__c": "text of " + id}
	}
	res, err := o.sf.UpsertMany(t.Context(), bridge.MessageObject, bridge.MessageIDField, recs)
	if err != nil {
		t.Fatalf("UpsertMany %s: %v", bridge.MessageObject, err)
	}
	out := make([]string, len(res))
	for i, r := range res {
		if r.Err != nil || !r.Created {
			t.Fatalf("message %s = %+v, want it created", careIDs[i], r)
		}
		out[i] = r.ID
	}
	return out
}

func (o *sfOrg) updateCase(t *testing.T, id string, fields bridge.Record) {
	t.Helper()
	rec := bridge.Record{"Id": id}
	for k, v := range fields {
		rec[k] = v
	}
	res, err := o.sf.UpdateMany(t.Context(), "Case", []bridge.Record{rec})
	if err != nil || res[0].Err != nil {
		t.Fatalf("update of %s = %+v, %v", id, res, err)
	}
}

func (o *sfOrg) deleteMany(t *testing.T, ids ...string) []bridge.WriteResult {
	t.Helper()
	res, err := o.sf.DeleteMany(t.Context(), ids)
	if err != nil || len(res) != len(ids) {
		t.Fatalf("DeleteMany = %+v, %v; want a result per id and no failure of the call", res, err)
	}
	return res
}

func (o *sfOrg) query(t *testing.T, q soql.Query) []bridge.Record {
	t.Helper()
	recs, err := o.sf.Query(t.Context(), q)
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	return recs
}

func (o *sfOrg) caseByID(t *testing.T, id string, fields ...string) bridge.Record {
	t.Helper()
	recs := o.query(t, soql.Select(append([]string{"Id"}, fields...)...).From("Case").Where(soql.Eq("Id", id)))
	if len(recs) != 1 {
		t.Fatalf("Case %s: %d records", id, len(recs))
	}
	return recs[0]
}

// careIDs returns the sorted Care ids of the Cases where cond holds.
func (o *sfOrg) careIDs(t *testing.T, cond soql.Cond) []string {
	t.Helper()
	return sortedField(o.query(t, soql.Select("Id", bridge.CareIDField).From("Case").Where(cond)), bridge.CareIDField)
}

func sortedField(recs []bridge.Record, field string) []string {
	var out []string
	for _, r := range recs {
		s, _ := r[field].(string)
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func ids(recs []bridge.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i], _ = r["Id"].(string)
	}
	return out
}

// otherID returns a well-formed 18-character id with id's key prefix that
// no record has: id with its last digit changed, and its checksum redone.
func otherID(id string) string {
	b := []byte(id[:15])
	if b[14] == 'z' {
		b[14] = 'y'
	} else {
		b[14] = 'z'
	}
	return sfid.To18(string(b))
}

// --- Care ---

// careTarget is a fresh Care: its port and the seeding Care's own
// controls do (escalation, agents and profiles are not made through the
// API).
type careTarget struct {
	care       bridge.Care
	escalate   func(t *testing.T, c care.Case, msgs []care.Message) care.Case
	addAgent   func(care.Agent)
	addProfile func(care.Profile)
}

type newCareTarget func(t *testing.T, now func() time.Time) careTarget

func TestCareConformanceFake(t *testing.T) {
	careConformance(t, func(_ *testing.T, now func() time.Time) careTarget {
		f := bridge.NewFakeCareForConformance(now)
		return careTarget{
			care:       f.Port(),
			escalate:   func(_ *testing.T, c care.Case, msgs []care.Message) care.Case { return f.Escalate(c, msgs) },
			addAgent:   f.AddAgent,
			addProfile: f.AddProfile,
		}
	})
}

func TestCareConformanceSandbox(t *testing.T) {
	careConformance(t, sandboxCare)
}

// sandboxCare serves caresim in-process and returns the real connector's
// client, which the daemon hands the engine as its Care port.
func sandboxCare(t *testing.T, now func() time.Time) careTarget {
	t.Helper()
	const token, secret = "conformance-token", "conformance-secret"
	sim, err := caresim.New(caresim.Options{Token: token, Secret: secret, Clock: now})
	if err != nil {
		t.Fatalf("caresim.New: %v", err)
	}
	t.Cleanup(sim.Close)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	c, err := care.New(care.Config{BaseURL: srv.URL, Token: token, Secret: secret, Timeout: 5 * time.Second},
		upstream.NewMetrics(nil), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("care.New: %v", err)
	}
	t.Cleanup(c.Close)
	return careTarget{
		care: c,
		escalate: func(t *testing.T, c care.Case, msgs []care.Message) care.Case {
			t.Helper()
			out, err := sim.Escalate(c, msgs)
			if err != nil {
				t.Fatal(err)
			}
			return out
		},
		addAgent:   sim.AddAgent,
		addProfile: sim.AddProfile,
	}
}

// careWorld is a check's Care: two agents, two Facebook profiles and a
// Twitter one, and case-1: the brand's post and the customer's comment on
// it, escalated with profile p-fb.
type careWorld struct {
	careTarget
	clock *testkit.Clock
	// post and comment are case-1's messages.
	post, comment string
}

type careCheck struct {
	name string
	run  func(t *testing.T, w *careWorld)
}

func careConformance(t *testing.T, newTarget newCareTarget) {
	for _, c := range careChecks {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			clock := testkit.NewClock(conformanceEpoch)
			w := &careWorld{careTarget: newTarget(t, clock.Now), clock: clock, post: "post-1", comment: "comment-1"}
			w.addAgent(care.Agent{ID: "ag-1", Name: "Ann", Email: "ann@example.com"})
			w.addAgent(care.Agent{ID: "ag-2", Name: "Bo", Email: "bo@example.com"})
			w.addProfile(care.Profile{ID: "p-fb", Platform: rules.Facebook, Name: "Brand FB", Handle: "brandfb"})
			w.addProfile(care.Profile{ID: "p-fb2", Platform: rules.Facebook, Name: "Brand FB 2", Handle: "brandfb2"})
			w.addProfile(care.Profile{ID: "p-x", Platform: rules.Twitter, Name: "Brand X", Handle: "brandx"})
			w.escalateCase(t, "case-1")
			c.run(t, w)
		})
	}
}

// escalateCase escalates a Facebook case: the brand's post and the
// customer's comment on it (ids post-<n> and comment-<n> for case-<n>).
func (w *careWorld) escalateCase(t *testing.T, id string) care.Case {
	t.Helper()
	n := strings.TrimPrefix(id, "case-")
	profile, post := "p-fb", "post-"+n
	now := w.clock.Now()
	return w.escalate(t, care.Case{
		ID: id, Platform: rules.Facebook, ProfileID: &profile, Subject: "help with " + id, Priority: "high",
		Customer: care.Customer{ID: "cust", Handle: "cust", Name: "Maria"},
	}, []care.Message{
		{ID: post, Kind: rules.Post, Direction: care.Outbound, Author: care.Author{ID: "p-fb", Handle: "brandfb", IsBrand: true},
			Text: "Our new tent is here!", PostedAt: now.Add(-time.Hour)},
		{ID: "comment-" + n, Kind: rules.Comment, Direction: care.Inbound, ParentID: &post, Author: care.Author{ID: "cust", Handle: "cust", Name: "Maria"},
			Text: "Mine broke on day one.", PostedAt: now.Add(-30 * time.Minute)},
	})
}

var careChecks = []careCheck{
	{"GetCase", func(t *testing.T, w *careWorld) {
		c, err := w.care.GetCase(t.Context(), "case-1")
		if err != nil {
			t.Fatal(err)
		}
		if c.ID != "case-1" || c.Subject != "help with case-1" || c.Platform != rules.Facebook || c.Status != rules.Open ||
			c.ProfileID == nil || *c.ProfileID != "p-fb" || c.AssigneeID != nil || c.Customer.ID != "cust" || c.Interacted ||
			c.UpdatedAt.IsZero() || c.ConversationUpdatedAt == nil || c.NotesUpdatedAt != nil {
			t.Errorf("case = %+v", c)
		}
		if want := conformanceEpoch.Add(-30 * time.Minute); c.LastCustomerMessageAt == nil || !c.LastCustomerMessageAt.Equal(want) {
			t.Errorf("LastCustomerMessageAt = %v, want the comment's %v", c.LastCustomerMessageAt, want)
		}
		if c.ConversationUpdatedAt != nil && c.UpdatedAt.Before(*c.ConversationUpdatedAt) {
			t.Errorf("updated_at %v before conversation_updated_at %v: it increases on every change, the conversation's included",
				c.UpdatedAt, *c.ConversationUpdatedAt)
		}
	}},
	{"GetCaseUnknown", func(t *testing.T, w *careWorld) {
		_, err := w.care.GetCase(t.Context(), "nope")
		if class, _, status := errorOf(err); class != upstream.Permanent || status != http.StatusNotFound {
			t.Errorf("unknown case: %v, want a permanent 404", err)
		}
	}},
	{"Messages", func(t *testing.T, w *careWorld) {
		msgs, err := w.care.Messages(t.Context(), "case-1")
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 2 {
			t.Fatalf("conversation = %+v, want the post and the comment", msgs)
		}
		post, comment := msgs[0], msgs[1]
		if post.ID != w.post || post.Direction != care.Outbound || post.ParentID != nil || post.Depth != 0 || post.Kind != rules.Post || post.CaseID != "case-1" {
			t.Errorf("first message = %+v, want the brand's post", post)
		}
		if comment.ID != w.comment || comment.Direction != care.Inbound || comment.ParentID == nil || *comment.ParentID != w.post ||
			comment.Depth != 1 || comment.Kind != rules.Comment || comment.Author.ID != "cust" || comment.Text != "Mine broke on day one." ||
			comment.Platform != rules.Facebook {
			t.Errorf("second message = %+v, want the customer's comment under the post", comment)
		}
		if _, err := w.care.Messages(t.Context(), "nope"); func() bool { c, _, s := errorOf(err); return c != upstream.Permanent || s != http.StatusNotFound }() {
			t.Errorf("messages of an unknown case: %v, want a permanent 404", err)
		}
	}},
	{"Notes", func(t *testing.T, w *careWorld) {
		ctx := t.Context()
		if notes, err := w.care.Notes(ctx, "case-1"); err != nil || len(notes) != 0 {
			t.Fatalf("notes of a new case = %+v, %v", notes, err)
		}
		n, err := w.care.AddNote(ctx, "case-1", care.NoteRequest{Text: "call back", AuthorID: "ag-1"}, "note-1")
		if err != nil || n.ID == "" || n.Text != "call back" || n.CaseID != "case-1" {
			t.Fatalf("AddNote = %+v, %v", n, err)
		}
		notes, err := w.care.Notes(ctx, "case-1")
		if err != nil || len(notes) != 1 || notes[0].ID != n.ID || notes[0].Text != "call back" || notes[0].AuthorID != "ag-1" {
			t.Errorf("notes = %+v, %v; want the note written", notes, err)
		}
		if c, err := w.care.GetCase(ctx, "case-1"); err != nil || c.NotesUpdatedAt == nil || c.UpdatedAt.Before(*c.NotesUpdatedAt) {
			t.Errorf("case after a note = %+v, %v; want NotesUpdatedAt set and UpdatedAt not before it", c, err)
		}
		if _, err := w.care.Notes(ctx, "nope"); func() bool { c, _, s := errorOf(err); return c != upstream.Permanent || s != http.StatusNotFound }() {
			t.Errorf("notes of an unknown case: %v, want a permanent 404", err)
		}
		if _, err := w.care.AddNote(ctx, "case-1", care.NoteRequest{Text: "n", AuthorID: "ag-9"}, "note-2"); func() bool { c, _, s := errorOf(err); return c != upstream.Permanent || s != http.StatusBadRequest }() {
			t.Errorf("note by an unknown agent: %v, want a permanent 400", err)
		}
	}},
	{"Agents", func(t *testing.T, w *careWorld) {
		agents, err := w.care.Agents(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range agents {
			got = append(got, a.ID+" "+a.Email)
		}
		slices.Sort(got)
		if !slices.Equal(got, []string{"ag-1 ann@example.com", "ag-2 bo@example.com"}) {
			t.Errorf("agents = %v", got)
		}
	}},
	{"ChangedCases", func(t *testing.T, w *careWorld) {
		ctx := t.Context()
		start := care.CursorAt(conformanceEpoch.Add(-time.Hour))
		w.clock.Advance(time.Second)
		w.escalateCase(t, "case-2")
		ch, err := w.care.ChangedCases(ctx, start)
		if err != nil || !slices.Equal(caseIDs(ch.Cases), []string{"case-1", "case-2"}) || ch.More || ch.Cursor == start {
			t.Fatalf("first poll = %+v, %v; want case-1 then case-2 and a new cursor", ch, err)
		}
		if all, err := w.care.ChangedCases(ctx, ""); err != nil || !slices.Equal(caseIDs(all.Cases), []string{"case-1", "case-2"}) {
			t.Errorf("poll from the start = %+v, %v", all, err)
		}
		if again, err := w.care.ChangedCases(ctx, ch.Cursor); err != nil || len(again.Cases) != 0 || again.Cursor != ch.Cursor {
			t.Errorf("poll without changes = %+v, %v; want nothing and the cursor kept", again, err)
		}
		w.clock.Advance(time.Second)
		a := "ag-1"
		if _, err := w.care.Assign(ctx, "case-1", &a, "assign-1"); err != nil {
			t.Fatal(err)
		}
		next, err := w.care.ChangedCases(ctx, ch.Cursor)
		if err != nil || !slices.Equal(caseIDs(next.Cases), []string{"case-1"}) || next.Cases[0].AssigneeID == nil || *next.Cases[0].AssigneeID != a {
			t.Fatalf("poll after an assign = %+v, %v; want case-1 assigned", next, err)
		}
		if again, err := w.care.ChangedCases(ctx, next.Cursor); err != nil || len(again.Cases) != 0 {
			t.Errorf("poll from the advanced cursor = %+v, %v; want the change returned once", again, err)
		}
		// a note and a reply are changes of their case
		w.clock.Advance(time.Second)
		if _, err := w.care.AddNote(ctx, "case-2", care.NoteRequest{Text: "n"}, "note-1"); err != nil {
			t.Fatal(err)
		}
		noted, err := w.care.ChangedCases(ctx, next.Cursor)
		if err != nil || !slices.Equal(caseIDs(noted.Cases), []string{"case-2"}) || noted.Cases[0].NotesUpdatedAt == nil {
			t.Fatalf("poll after a note = %+v, %v; want case-2 with its NotesUpdatedAt", noted, err)
		}
		w.clock.Advance(time.Second)
		if _, err := w.care.Reply(ctx, "case-1", care.ReplyRequest{Mode: rules.PublicReply, Text: "hi"}, "reply-1"); err != nil {
			t.Fatal(err)
		}
		replied, err := w.care.ChangedCases(ctx, noted.Cursor)
		if err != nil || !slices.Equal(caseIDs(replied.Cases), []string{"case-1"}) || !replied.Cases[0].ConversationUpdatedAt.After(*next.Cases[0].ConversationUpdatedAt) {
			t.Errorf("poll after a reply = %+v, %v; want case-1 with a later ConversationUpdatedAt", replied, err)
		}
		if _, err := w.care.ChangedCases(ctx, "garbage"); upstream.ClassOf(err) != upstream.Permanent {
			t.Errorf("bad cursor: %v, want a permanent error", err)
		}
	}},
	{"WriteThatChangesNothing", func(t *testing.T, w *careWorld) {
		ctx := t.Context()
		a := "ag-1"
		first, err := w.care.Assign(ctx, "case-1", &a, "assign-1")
		if err != nil {
			t.Fatal(err)
		}
		ch, err := w.care.ChangedCases(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		w.clock.Advance(time.Second)
		same, err := w.care.Assign(ctx, "case-1", &a, "assign-2")
		if err != nil || !same.UpdatedAt.Equal(first.UpdatedAt) {
			t.Errorf("assigning the assignee again = %+v, %v; want the case unchanged (updated %v)", same, err, first.UpdatedAt)
		}
		if again, err := w.care.ChangedCases(ctx, ch.Cursor); err != nil || len(again.Cases) != 0 {
			t.Errorf("poll after a write that changed nothing = %+v, %v", again, err)
		}
	}},
	{"ReplyIdempotent", func(t *testing.T, w *careWorld) {
		ctx := t.Context()
		req := care.ReplyRequest{Mode: rules.PublicReply, Text: "sorry to hear that"}
		m1, err := w.care.Reply(ctx, "case-1", req, "reply-1")
		if err != nil {
			t.Fatal(err)
		}
		m2, err := w.care.Reply(ctx, "case-1", req, "reply-1")
		if err != nil || m2.ID != m1.ID {
			t.Fatalf("the reply sent again = %+v, %v; want the first answer %s", m2, err, m1.ID)
		}
		if msgs, err := w.care.Messages(ctx, "case-1"); err != nil || len(msgs) != 3 || msgs[2].ID != m1.ID {
			t.Errorf("conversation = %+v, %v; want the reply once, last", msgs, err)
		}
		_, err = w.care.Reply(ctx, "case-1", care.ReplyRequest{Mode: rules.PublicReply, Text: "other words"}, "reply-1")
		if class, _, status := errorOf(err); class != upstream.Permanent || status != http.StatusConflict {
			t.Errorf("same key, another request: %v, want a permanent 409", err)
		}
		if _, err := w.care.Reply(ctx, "case-1", req, ""); upstream.ClassOf(err) != upstream.Permanent {
			t.Errorf("reply without a key: %v, want a permanent error", err)
		}
		if msgs, _ := w.care.Messages(ctx, "case-1"); len(msgs) != 3 {
			t.Errorf("conversation has %d messages after the refused replies, want 3", len(msgs))
		}
	}},
	{"ReplyUnderTheCustomer", func(t *testing.T, w *careWorld) {
		ctx := t.Context()
		m, err := w.care.Reply(ctx, "case-1", care.ReplyRequest{Mode: rules.PublicReply, Text: "on it", MarkPending: true}, "reply-1")
		if err != nil {
			t.Fatal(err)
		}
		if m.Direction != care.Outbound || m.ParentID == nil || *m.ParentID != w.comment || m.Depth != 2 || m.Kind != rules.ReplyKind ||
			m.Author.ID != "p-fb" || !m.Author.IsBrand || m.Text != "on it" || m.CaseID != "case-1" {
			t.Errorf("reply = %+v; want the profile's reply under the customer's comment", m)
		}
		if c, err := w.care.GetCase(ctx, "case-1"); err != nil || c.Status != rules.Pending || !c.Interacted {
			t.Errorf("case after a reply marking it pending = %+v, %v", c, err)
		}
	}},
	{"ReplyInReplyTo", func(t *testing.T, w *careWorld) {
		ctx := t.Context()
		m, err := w.care.Reply(ctx, "case-1", care.ReplyRequest{Mode: rules.PublicReply, Text: "hello all", InReplyTo: w.post}, "reply-1")
		if err != nil || m.ParentID == nil || *m.ParentID != w.post || m.Depth != 1 || m.Kind != rules.Comment {
			t.Errorf("reply under the post = %+v, %v; want a comment on it", m, err)
		}
		w.escalateCase(t, "case-2")
		for _, target := range []string{"post-2", "no-such-message"} {
			_, err := w.care.Reply(ctx, "case-1", care.ReplyRequest{Mode: rules.PublicReply, Text: "x", InReplyTo: target}, "reply-to-"+target)
			if class, _, status := errorOf(err); class != upstream.Permanent || status != http.StatusBadRequest {
				t.Errorf("reply to %s, not a message of the case: %v, want a permanent 400", target, err)
			}
		}
	}},
	{"AssignUnknownAgent", func(t *testing.T, w *careWorld) {
		nobody := "ag-9"
		_, err := w.care.Assign(t.Context(), "case-1", &nobody, "assign-1")
		if class, _, status := errorOf(err); class != upstream.Permanent || status != http.StatusBadRequest {
			t.Errorf("assign to an unknown agent: %v, want a permanent 400", err)
		}
		if _, err := w.care.Assign(t.Context(), "nope", nil, "assign-2"); func() bool { c, _, s := errorOf(err); return c != upstream.Permanent || s != http.StatusNotFound }() {
			t.Errorf("unassign an unknown case: %v, want a permanent 404", err)
		}
	}},
	{"KeyReplaysItsFirstAnswer", func(t *testing.T, w *careWorld) {
		ctx := t.Context()
		a1, a2 := "ag-1", "ag-2"
		if _, err := w.care.Assign(ctx, "case-1", &a1, "assign-1"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.care.Assign(ctx, "case-1", &a2, "assign-2"); err != nil {
			t.Fatal(err)
		}
		got, err := w.care.Assign(ctx, "case-1", &a1, "assign-1")
		if err != nil || got.AssigneeID == nil || *got.AssigneeID != a1 {
			t.Errorf("assign-1 again = %+v, %v; want its first answer (assigned to %s)", got, err, a1)
		}
		if now, err := w.care.GetCase(ctx, "case-1"); err != nil || now.AssigneeID == nil || *now.AssigneeID != a2 {
			t.Errorf("case after the replay = %+v, %v; want it still assigned to %s", now, err, a2)
		}
		// a 404 is final for its key too
		if _, err := w.care.AddNote(ctx, "nope", care.NoteRequest{Text: "n"}, "note-1"); func() bool { _, _, s := errorOf(err); return s != http.StatusNotFound }() {
			t.Errorf("note on an unknown case: %v, want 404", err)
		}
		if _, err := w.care.AddNote(ctx, "case-1", care.NoteRequest{Text: "n"}, "note-1"); func() bool { c, _, s := errorOf(err); return c != upstream.Permanent || s != http.StatusConflict }() {
			t.Errorf("the key of the 404 reused for another case: %v, want a permanent 409", err)
		}
	}},
	{"SetProfile", func(t *testing.T, w *careWorld) {
		ctx := t.Context()
		if _, err := w.care.SetProfile(ctx, "case-1", "p-x", "profile-1"); func() bool { c, _, s := errorOf(err); return c != upstream.Permanent || s != http.StatusBadRequest }() {
			t.Errorf("a profile of another platform: %v, want a permanent 400", err)
		}
		got, err := w.care.SetProfile(ctx, "case-1", "p-fb2", "profile-2")
		if err != nil || got.ProfileID == nil || *got.ProfileID != "p-fb2" {
			t.Fatalf("SetProfile = %+v, %v", got, err)
		}
		m, err := w.care.Reply(ctx, "case-1", care.ReplyRequest{Mode: rules.PublicReply, Text: "hi"}, "reply-1")
		if err != nil || m.Author.ID != "p-fb2" {
			t.Errorf("reply after SetProfile = %+v, %v; want it written as p-fb2", m, err)
		}
	}},
	{"SetStatus", func(t *testing.T, w *careWorld) {
		ctx := t.Context()
		a := "ag-1"
		if _, err := w.care.Assign(ctx, "case-1", &a, "assign-1"); err != nil {
			t.Fatal(err)
		}
		got, err := w.care.SetStatus(ctx, "case-1", rules.Pending, "status-1")
		if err != nil || got.Status != rules.Pending {
			t.Fatalf("SetStatus pending = %+v, %v", got, err)
		}
		if c, err := w.care.GetCase(ctx, "case-1"); err != nil || c.Status != rules.Pending {
			t.Errorf("case = %+v, %v; want pending", c, err)
		}
	}},
	{"ActOnMessage", func(t *testing.T, w *careWorld) {
		ctx := t.Context()
		a := "ag-1" // Care lets only the assignee hide
		if _, err := w.care.Assign(ctx, "case-1", &a, "assign-1"); err != nil {
			t.Fatal(err)
		}
		res, err := w.care.Act(ctx, "case-1", w.comment, care.ActionHide, "hide-1")
		if err != nil || res.MessageID != w.comment || res.Action != care.ActionHide {
			t.Fatalf("hide = %+v, %v", res, err)
		}
		msgs, err := w.care.Messages(ctx, "case-1")
		if err != nil || len(msgs) != 2 || !msgs[1].Hidden || msgs[0].Hidden {
			t.Errorf("conversation after the hide = %+v, %v; want the comment hidden", msgs, err)
		}
		if c, err := w.care.GetCase(ctx, "case-1"); err != nil || !c.Interacted {
			t.Errorf("case after the hide = %+v, %v; want it interacted", c, err)
		}
		for _, action := range []string{care.ActionLike, care.ActionBanAuthor} {
			if res, err := w.care.Act(ctx, "case-1", w.comment, action, action+"-1"); err != nil || res.MessageID != w.comment || res.Action != action {
				t.Errorf("%s = %+v, %v", action, res, err)
			}
		}
		if msgs, err := w.care.Messages(ctx, "case-1"); err != nil || !msgs[1].Liked {
			t.Errorf("conversation after the like = %+v, %v; want the comment liked", msgs, err)
		}
		if _, err := w.care.Act(ctx, "case-1", "no-such-message", care.ActionLike, "like-2"); func() bool { c, _, s := errorOf(err); return c != upstream.Permanent || s != http.StatusNotFound }() {
			t.Errorf("action on an unknown message: %v, want a permanent 404", err)
		}
		if _, err := w.care.Act(ctx, "case-1", w.comment, "shout", "shout-1"); upstream.ClassOf(err) != upstream.Permanent {
			t.Errorf("unknown action: %v, want a permanent error", err)
		}
		if _, err := w.care.Act(ctx, "case-1", w.comment, care.ActionLike, ""); upstream.ClassOf(err) != upstream.Permanent {
			t.Errorf("action without a key: %v, want a permanent error", err)
		}
	}},
}

func caseIDs(cases []care.Case) []string {
	out := make([]string, len(cases))
	for i, c := range cases {
		out[i] = c.ID
	}
	return out
}
