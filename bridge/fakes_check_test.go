package bridge

// Tests of the fakes themselves (fake_care_test.go,
// fake_salesforce_test.go): the behaviour engine tests rely on.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/connectors/upstream"
	"github.com/carebridge/carebridge/internal/testkit"
)

func upstreamCode(err error) (upstream.Class, string, int) {
	var ue *upstream.Error
	if !errors.As(err, &ue) {
		return upstream.ClassOf(err), "", 0
	}
	return ue.Class, ue.Code, ue.Status
}

func TestFakeSalesforceUpsertCreatesThenUpdates(t *testing.T) {
	ctx := context.Background()
	sf := newFakeSalesforce(newFakeClock().Now)
	res, err := sf.UpsertMany(ctx, "Case", CareIDField, []Record{
		{CareIDField: "c-1", "Subject": "first"},
		{CareIDField: "c-2", "Subject": "second", "No_Such_Field__c": "x"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !res[0].Created || res[0].Err != nil || !strings.HasPrefix(res[0].ID, "500") || len(res[0].ID) != 18 {
		t.Fatalf("first upsert = %+v, want a created Case with an 18-character 500 id", res[0])
	}
	if class, code, _ := upstreamCode(res[1].Err); class != upstream.Permanent || code != "INVALID_FIELD" {
		t.Errorf("unknown field: %v, want a permanent INVALID_FIELD", res[1].Err)
	}
	again, err := sf.UpsertMany(ctx, "Case", CareIDField, []Record{{CareIDField: "c-1", "Status": "Closed"}, {CareIDField: "C-1", "Subject": "other case"}})
	if err != nil {
		t.Fatal(err)
	}
	if again[0].Created || again[0].ID != res[0].ID || again[0].Err != nil {
		t.Errorf("second upsert of c-1 = %+v, want an update of %s", again[0], res[0].ID)
	}
	if !again[1].Created || again[1].ID == res[0].ID {
		t.Errorf("upsert of C-1 = %+v: Care_Case_Id__c is case-sensitive, so it is another Case", again[1])
	}
	rec, _ := sf.record("Case", res[0].ID)
	if rec["Subject"] != "first" || rec["Status"] != "Closed" || rec["IsClosed"] != true || rec["Priority"] != "Medium" {
		t.Errorf("record = %v, want the fields merged, IsClosed derived, the Priority default", rec)
	}
	dup, _ := sf.UpsertMany(ctx, "Case", CareIDField, []Record{{CareIDField: "c-9"}, {CareIDField: "c-9"}})
	for _, r := range dup {
		if class, code, _ := upstreamCode(r.Err); class != upstream.Permanent || code != "DUPLICATE_EXTERNAL_ID" {
			t.Errorf("duplicate external id in one call: %+v", r)
		}
	}
	if n := sf.count(sfUpsert, "Case"); n != 3 {
		t.Errorf("count(UpsertMany, Case) = %d, want 3", n)
	}
	// the id is a real one: its 15-character form finds it
	got, err := sf.Query(ctx, soql.Select("Id", "Subject").From("Case").Where(soql.Eq("Id", res[0].ID[:15])))
	if err != nil || len(got) != 1 || got[0]["Id"] != res[0].ID {
		t.Errorf("query by the 15-character id = %v, %v", got, err)
	}
	got, _ = sf.Query(ctx, soql.Select("Id").From("Case").Where(soql.In(CareIDField, "C-2", "c-1")))
	if len(got) != 1 || got[0]["Id"] != res[0].ID {
		t.Errorf("Care_Case_Id__c IN ('C-2','c-1') = %v, want only c-1 (case-sensitive field)", got)
	}
}

func TestFakeSalesforceStampsWholeSeconds(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock() // 09:30:00.250
	sf := newFakeSalesforce(clock.Now)
	res, _ := sf.CreateMany(ctx, "Care_Action__c", []Record{{"Case__c": sf.insert("Case", Record{"Subject": "s"}), "Type__c": "reply"}})
	if res[0].Err != nil || !res[0].Created || !strings.HasPrefix(res[0].ID, "a0A") {
		t.Fatalf("create = %+v", res[0])
	}
	rec, _ := sf.record("Care_Action__c", res[0].ID)
	want := "2026-03-02T09:30:00.000+0000"
	if rec["SystemModstamp"] != want || rec["CreatedDate"] != want || rec["CreatedById"] != sf.integrationUser || rec["Mark_Pending__c"] != false {
		t.Fatalf("created record = %v, want stamps %s by the integration user and checkbox defaults", rec, want)
	}
	clock.Advance(600 * time.Millisecond) // 09:30:00.850: the same second
	if r, _ := sf.UpdateMany(ctx, "Care_Action__c", []Record{{"Id": res[0].ID, "Status__c": "Sent"}}); r[0].Err != nil {
		t.Fatal(r[0].Err)
	}
	if rec, _ = sf.record("Care_Action__c", res[0].ID); rec["SystemModstamp"] != want || rec["Status__c"] != "Sent" {
		t.Errorf("an update within the second = %v, want the same stamp %s", rec, want)
	}
	clock.Advance(200 * time.Millisecond) // 09:30:01.050
	sf.edit("Care_Action__c", res[0].ID, Record{"Status__c": "Failed"})
	if rec, _ = sf.record("Care_Action__c", res[0].ID); rec["SystemModstamp"] != "2026-03-02T09:30:01.000+0000" ||
		rec["CreatedDate"] != want || rec["LastModifiedById"] != sf.agentUser {
		t.Errorf("an edit in the next second = %v", rec)
	}
}

func TestFakeSalesforceUpdateFailsPerRecord(t *testing.T) {
	ctx := context.Background()
	sf := newFakeSalesforce(newFakeClock().Now)
	live, gone := sf.insert("Case", Record{"Subject": "live"}), sf.insert("Case", Record{"Subject": "gone"})
	sf.remove("Case", gone)
	unknown := newSFID("500", 999)
	res, err := sf.UpdateMany(ctx, "Case", []Record{{"Id": live, "Subject": "x"}, {"Id": unknown, "Subject": "y"}, {"Id": gone, "Subject": "z"},
		{"Id": live, "IsClosed": true}, {"Id": live, "Status": "Nope"}})
	if err != nil {
		t.Fatalf("UpdateMany: %v; per-record failures are no call failure", err)
	}
	if res[0].Err != nil || res[0].ID != live {
		t.Errorf("live record: %+v", res[0])
	}
	for i, code := range map[int]string{1: "INVALID_CROSS_REFERENCE_KEY", 2: "ENTITY_IS_DELETED", 3: "INVALID_FIELD_FOR_INSERT_UPDATE", 4: "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"} {
		if class, got, _ := upstreamCode(res[i].Err); class != upstream.Permanent || got != code {
			t.Errorf("record %d: %v, want a permanent %s", i, res[i].Err, code)
		}
	}
	if got, _ := sf.Query(ctx, soql.Select("Subject").From("Case")); len(got) != 1 || got[0]["Subject"] != "x" {
		t.Errorf("live Cases = %v, want the one updated (the deleted one is not queried)", got)
	}
	sf.rejectRecords(func(op, object string, rec Record) error {
		if rec["Subject"] == "refused" {
			return sfErr(op, "FIELD_CUSTOM_VALIDATION_EXCEPTION", "Subject is refused")
		}
		return nil
	})
	res, _ = sf.UpdateMany(ctx, "Case", []Record{{"Id": live, "Subject": "refused"}})
	if class, code, _ := upstreamCode(res[0].Err); class != upstream.Permanent || code != "FIELD_CUSTOM_VALIDATION_EXCEPTION" {
		t.Errorf("rejected record: %v", res[0].Err)
	}
}

func TestFakeSalesforceFaults(t *testing.T) {
	ctx := context.Background()
	sf := newFakeSalesforce(newFakeClock().Now)
	q := soql.Select("Id").From("Case")
	sf.failNext(sfQuery, "Case", 1, sfQuotaExhausted(sfQuery))
	if _, err := sf.Query(ctx, q); upstream.ClassOf(err) != upstream.QuotaExhausted {
		t.Fatalf("first query: %v, want quota exhausted", err)
	}
	if _, err := sf.Query(ctx, q); err != nil {
		t.Fatalf("second query: %v, want the fault used up", err)
	}
	sf.failNext(anyOp, "User", -1, nil)
	for range 2 {
		if _, err := sf.Query(ctx, soql.Select("Id").From("User")); upstream.ClassOf(err) != upstream.Retryable {
			t.Fatalf("query of User: %v, want the standing 503", err)
		}
	}
	if _, err := sf.Query(ctx, q); err != nil {
		t.Fatalf("query of Case: %v; the fault is on User only", err)
	}
	sf.clearFaults()
	sf.failWith(func(op, object string) error {
		if op == sfCreate {
			return sfUnavailable(op)
		}
		return nil
	})
	res, err := sf.CreateMany(ctx, "Case", []Record{{"Subject": "a"}})
	if upstream.ClassOf(err) != upstream.Retryable || res[0].Err == nil || len(sf.records("Case")) != 0 {
		t.Fatalf("failed create = %+v, %v; want the call refused and nothing written", res, err)
	}
	sf.clearFaults()

	sf.loseNext(sfUpsert, "Case", 1)
	res, err = sf.UpsertMany(ctx, "Case", CareIDField, []Record{{CareIDField: "c-1", "Subject": "a"}})
	if upstream.ClassOf(err) != upstream.Retryable || upstream.ClassOf(res[0].Err) != upstream.Retryable {
		t.Fatalf("lost upsert = %+v, %v; want a retryable error", res, err)
	}
	if _, ok := sf.lookup("Case", CareIDField, "c-1"); !ok {
		t.Fatal("the lost upsert did not apply")
	}
	res, err = sf.UpsertMany(ctx, "Case", CareIDField, []Record{{CareIDField: "c-1", "Subject": "a"}})
	if err != nil || res[0].Created {
		t.Errorf("retried upsert = %+v, %v; want an update of the Case the lost call created", res, err)
	}
	calls := sf.calls()
	if last := calls[len(calls)-2]; last.Op != sfUpsert || !last.Lost || len(last.Records) != 1 {
		t.Errorf("call record of the lost upsert = %+v", last)
	}
	if n := sf.count(sfQuery, anyTarget); n != 5 {
		t.Errorf("count(Query) = %d, want 5", n)
	}
}

func TestFakeSalesforceChanged(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	sf := newFakeSalesforce(clock.Now)
	fields := []string{CareIDField, "Subject"}
	onCare := soql.IsNotNull(CareIDField)
	a := sf.insert("Case", Record{CareIDField: "c-a", "Subject": "a"})
	clock.Advance(time.Second)
	b := sf.insert("Case", Record{CareIDField: "c-b", "Subject": "b"})
	sf.insert("Case", Record{"Subject": "not from Care"})

	recs, wm, err := sf.Changed(ctx, "Case", fields, onCare, "")
	if err != nil || len(recs) != 2 || recs[0]["Id"] != a || recs[1]["Id"] != b {
		t.Fatalf("first poll = %v, %v; want a then b", recs, err)
	}
	if recs[0]["SystemModstamp"] == nil || recs[0]["Subject"] != "a" {
		t.Errorf("polled record = %v, want Id, SystemModstamp and the fields", recs[0])
	}
	if recs, wm2, _ := sf.Changed(ctx, "Case", fields, onCare, wm); len(recs) != 0 {
		t.Errorf("poll without changes = %v", recs)
	} else {
		wm = wm2
	}
	clock.Advance(300 * time.Millisecond) // b's second still
	sf.edit("Case", b, Record{"Subject": "b2"})
	sf.edit("Case", a, Record{"Priority": "Low"}) // moves a into b's second; Priority is not selected
	recs, wm, _ = sf.Changed(ctx, "Case", fields, onCare, wm)
	if len(recs) != 2 || recs[0]["Id"] != a || recs[1]["Id"] != b || recs[1]["Subject"] != "b2" {
		t.Errorf("poll after edits within the watermark's second = %v; want a (a new stamp) and b (new values)", recs)
	}
	sf.edit("Case", a, Record{"Priority": "High"}) // same second, same selected values
	if recs, _, _ := sf.Changed(ctx, "Case", fields, onCare, wm); len(recs) != 0 {
		t.Errorf("an edit of an unselected field within the same second = %v: the real poll cannot see it either", recs)
	}
	if recs, _, _ := sf.Changed(ctx, "Case", fields, onCare, "{damaged"); len(recs) != 2 {
		t.Errorf("a damaged watermark reads everything again, got %d records", len(recs))
	}

	sf.insert("CaseComment", Record{"ParentId": a, "CommentBody": "on a Care case"})
	sf.insert("CaseComment", Record{"ParentId": sf.insert("Case", Record{"Subject": "x"}), "CommentBody": "elsewhere"})
	notes := soql.InSelect("ParentId", soql.Select("Id").From("Case").Where(soql.IsNotNull(CareIDField)))
	recs, _, err = sf.Changed(ctx, "CaseComment", []string{"ParentId"}, notes, "")
	if err != nil || len(recs) != 1 || recs[0]["ParentId"] != a {
		t.Errorf("notes poll = %v, %v; want the note on the Care case only", recs, err)
	}
	if n := sf.count(sfChanged, "Case"); n != 5 {
		t.Errorf("count(Changed, Case) = %d, want 5", n)
	}
}

func newCareWithCase(t *testing.T) (*fakeCare, *testkit.Clock, care.Case) {
	t.Helper()
	clock := newFakeClock()
	c := newFakeCare(clock.Now)
	c.addAgent(care.Agent{ID: "ag-1", Name: "Ann", Email: "ann@example.com"})
	c.addAgent(care.Agent{ID: "ag-2", Name: "Bo", Email: "bo@example.com"})
	cs := c.putCase(care.Case{ID: "case-1", Subject: "help"})
	c.addMessage(care.Message{CaseID: cs.ID, Text: "my order is late", Author: care.Author{ID: "cust", Handle: "cust"}})
	return c, clock, cs
}

func TestFakeCareIdempotency(t *testing.T) {
	ctx := context.Background()
	c, _, cs := newCareWithCase(t)
	req := care.ReplyRequest{Mode: rules.PublicReply, Text: "sorry"}
	m1, err := c.Reply(ctx, cs.ID, req, "k1")
	if err != nil {
		t.Fatal(err)
	}
	m2, err := c.Reply(ctx, cs.ID, req, "k1")
	if err != nil || m2.ID != m1.ID {
		t.Fatalf("replayed reply = %v, %v; want the first answer %s", m2.ID, err, m1.ID)
	}
	if n := len(c.conversation(cs.ID)); n != 2 || c.applied(caresim.OpPostReply) != 1 || c.count(caresim.OpPostReply) != 2 {
		t.Errorf("conversation has %d messages, %d replies applied of %d calls; want the reply posted once", n, c.applied(caresim.OpPostReply), c.count(caresim.OpPostReply))
	}
	if calls := c.calls(); !calls[len(calls)-1].Replayed {
		t.Errorf("the repeat is not recorded as a replay: %+v", calls[len(calls)-1])
	}
	_, err = c.Reply(ctx, cs.ID, care.ReplyRequest{Mode: rules.PublicReply, Text: "other words"}, "k1")
	if class, _, status := upstreamCode(err); class != upstream.Permanent || status != http.StatusConflict {
		t.Errorf("same key, other request: %v, want a permanent 409", err)
	}
	if _, err := c.Reply(ctx, cs.ID, req, ""); upstream.ClassOf(err) != upstream.Permanent {
		t.Errorf("reply without a key: %v, want a permanent local error", err)
	}

	// a key replays its first answer even after the case moved on
	a1, a2 := "ag-1", "ag-2"
	if _, err := c.Assign(ctx, cs.ID, &a1, "assign-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Assign(ctx, cs.ID, &a2, "assign-2"); err != nil {
		t.Fatal(err)
	}
	got, err := c.Assign(ctx, cs.ID, &a1, "assign-1")
	now, _ := c.caseOf(cs.ID)
	if err != nil || *got.AssigneeID != a1 || *now.AssigneeID != a2 {
		t.Errorf("replayed assign = %v (case now %v), %v; want the first answer, the case unchanged", *got.AssigneeID, *now.AssigneeID, err)
	}
	// a refusal is final for its key too; a 503 is not
	c.failNext(caresim.OpSetCaseStatus, cs.ID, 1, careRefused(caresim.OpSetCaseStatus, "status_needs_assignee", "Assign the case first."))
	_, err = c.SetStatus(ctx, cs.ID, rules.Done, "st-1")
	if class, code, _ := upstreamCode(err); class != upstream.Refused || code != "status_needs_assignee" {
		t.Fatalf("refused status: %v", err)
	}
	if _, err := c.SetStatus(ctx, cs.ID, rules.Done, "st-1"); err != nil {
		t.Errorf("retry after an injected refusal: %v (an injected fault never reached Care, so it recorded nothing)", err)
	}
	c.failNext(caresim.OpAddNote, anyTarget, 1, nil)
	if _, err := c.AddNote(ctx, cs.ID, care.NoteRequest{Text: "n"}, "n-1"); upstream.ClassOf(err) != upstream.Retryable {
		t.Fatalf("note during a 503: %v", err)
	}
	if _, err := c.AddNote(ctx, cs.ID, care.NoteRequest{Text: "n"}, "n-1"); err != nil || len(c.notesOf(cs.ID)) != 1 {
		t.Errorf("note retried after a 503: %v, %d notes; want it written once", err, len(c.notesOf(cs.ID)))
	}
	if _, err := c.AddNote(ctx, "nope", care.NoteRequest{Text: "n"}, "n-2"); func() bool { _, _, s := upstreamCode(err); return s != http.StatusNotFound }() {
		t.Errorf("note on an unknown case: %v, want 404", err)
	}
	if _, err := c.AddNote(ctx, cs.ID, care.NoteRequest{Text: "n"}, "n-2"); err == nil {
		t.Errorf("key n-2 answered 404 for another case; reusing it for this one must conflict")
	}
}

func TestFakeCareLostAnswer(t *testing.T) {
	ctx := context.Background()
	c, _, cs := newCareWithCase(t)
	c.loseNext(caresim.OpPostReply, cs.ID, 1)
	req := care.ReplyRequest{Mode: rules.PublicReply, Text: "on it", MarkPending: true}
	_, err := c.Reply(ctx, cs.ID, req, "action:1")
	if upstream.ClassOf(err) != upstream.Retryable {
		t.Fatalf("lost reply: %v, want retryable", err)
	}
	conv := c.conversation(cs.ID)
	if len(conv) != 2 || conv[1].Text != "on it" || conv[1].Direction != care.Outbound {
		t.Fatalf("conversation after the lost answer = %+v; the reply reached Care", conv)
	}
	if now, _ := c.caseOf(cs.ID); now.Status != rules.Pending || !now.Interacted {
		t.Errorf("case after the reply = %+v", now)
	}
	m, err := c.Reply(ctx, cs.ID, req, "action:1")
	if err != nil || m.ID != conv[1].ID {
		t.Fatalf("retry = %v, %v; want the posted reply %s", m.ID, err, conv[1].ID)
	}
	if n := c.applied(caresim.OpPostReply); n != 1 || len(c.conversation(cs.ID)) != 2 {
		t.Errorf("posted %d times, conversation %d long; want once", n, len(c.conversation(cs.ID)))
	}
	calls := c.calls()
	if first := calls[len(calls)-2]; !first.Lost || !first.Applied {
		t.Errorf("lost call record = %+v, want Lost and Applied", first)
	}

	c.loseNext(caresim.OpMessageAction, conv[0].ID, 1)
	if _, err := c.Act(ctx, cs.ID, conv[0].ID, care.ActionHide, "hide-1"); upstream.ClassOf(err) != upstream.Retryable {
		t.Fatalf("lost hide: %v", err)
	}
	if res, err := c.Act(ctx, cs.ID, conv[0].ID, care.ActionHide, "hide-1"); err != nil || res.MessageID != conv[0].ID || !c.conversation(cs.ID)[0].Hidden {
		t.Errorf("retried hide = %+v, %v", res, err)
	}
}

func TestFakeCareChangedCases(t *testing.T) {
	ctx := context.Background()
	c, clock, cs := newCareWithCase(t)
	start := care.CursorAt(clock.Now().Add(-time.Hour))
	clock.Advance(time.Second)
	c.putCase(care.Case{ID: "case-2"})
	ch, err := c.ChangedCases(ctx, start)
	if err != nil || len(ch.Cases) != 2 || ch.Cases[0].ID != cs.ID || ch.Cases[1].ID != "case-2" || ch.More {
		t.Fatalf("first poll = %+v, %v", ch, err)
	}
	if again, _ := c.ChangedCases(ctx, ch.Cursor); len(again.Cases) != 0 || again.Cursor != ch.Cursor {
		t.Errorf("poll without changes = %+v", again)
	}
	a := "ag-1"
	if _, err := c.Assign(ctx, cs.ID, &a, ""); err != nil {
		t.Fatal(err)
	}
	next, _ := c.ChangedCases(ctx, ch.Cursor)
	if len(next.Cases) != 1 || next.Cases[0].ID != cs.ID || *next.Cases[0].AssigneeID != a {
		t.Errorf("poll after an assign = %+v", next)
	}
	c.setPageSize(1)
	page, _ := c.ChangedCases(ctx, start)
	if len(page.Cases) != 1 || !page.More || page.Cases[0].ID != "case-2" {
		t.Errorf("first page of 1 = %+v", page)
	}
	if _, err := c.ChangedCases(ctx, "garbage"); upstream.ClassOf(err) != upstream.Permanent {
		t.Errorf("bad cursor: %v, want permanent", err)
	}
	c.failWith(func(op, id string) error {
		if op == caresim.OpListCases {
			return careRateLimited(op, 2*time.Second)
		}
		return nil
	})
	if failed, err := c.ChangedCases(ctx, start); upstream.ClassOf(err) != upstream.Retryable || failed.Cursor != start {
		t.Errorf("throttled poll = %+v, %v; want a retryable error and the cursor kept", failed, err)
	}
	if _, err := c.GetCase(ctx, "nope"); func() bool { c, _, s := upstreamCode(err); return c != upstream.Permanent || s != 404 }() {
		t.Errorf("unknown case: %v, want a permanent 404", err)
	}
}

func TestFakeSalesforceWithoutSchemaAndOverlap(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	sf := newFakeSalesforce(clock.Now).withoutSchema()
	res, err := sf.CreateMany(ctx, "Widget__c", []Record{{"Anything__c": 1.5}})
	if err != nil || res[0].Err != nil || !strings.HasPrefix(res[0].ID, "a0X") {
		t.Fatalf("create on a custom object without a schema = %+v, %v; want an a0X id", res, err)
	}
	sf.setOverlap(2 * time.Second)
	_, wm, _ := sf.Changed(ctx, "Widget__c", []string{"Anything__c"}, nil, "")
	clock.Advance(time.Second)
	late := sf.insert("Widget__c", Record{"Anything__c": 2.0})
	recs, wm, err := sf.Changed(ctx, "Widget__c", []string{"Anything__c"}, nil, wm)
	if err != nil || len(recs) != 1 || recs[0]["Id"] != late {
		t.Fatalf("poll with an overlap = %v, %v; want only the new record (the overlap's versions were seen)", recs, err)
	}
	sf.resetCalls()
	if recs, _, _ := sf.Changed(ctx, "Widget__c", []string{"Anything__c"}, nil, wm); len(recs) != 0 || len(sf.calls()) != 1 {
		t.Errorf("repeat poll = %v with %d calls recorded after resetCalls", recs, len(sf.calls()))
	}
}

func TestFakeCareProfilesAndModeration(t *testing.T) {
	ctx := context.Background()
	c, clock, cs := newCareWithCase(t)
	c.addProfile(care.Profile{ID: "p-fb", Platform: rules.Facebook, Name: "Brand FB", Handle: "brandfb"})
	c.addProfile(care.Profile{ID: "p-x", Platform: rules.Twitter, Name: "Brand X", Handle: "brandx"})
	if _, err := c.SetProfile(ctx, cs.ID, "p-x", "prof-1"); func() bool { _, _, s := upstreamCode(err); return s != http.StatusBadRequest }() {
		t.Errorf("profile of another platform: %v, want 400", err)
	}
	got, err := c.SetProfile(ctx, cs.ID, "p-fb", "prof-2")
	if err != nil || got.ProfileID == nil || *got.ProfileID != "p-fb" {
		t.Fatalf("SetProfile = %+v, %v", got, err)
	}
	m, err := c.Reply(ctx, cs.ID, care.ReplyRequest{Mode: rules.PublicReply, Text: "hi"}, "r-1")
	if err != nil || m.Author.ID != "p-fb" || m.ParentID == nil || *m.ParentID != c.conversation(cs.ID)[0].ID {
		t.Errorf("reply = %+v, %v; want it written as the profile under the customer's post", m, err)
	}
	cust := c.conversation(cs.ID)[0]
	for _, a := range []string{care.ActionBanAuthor, care.ActionFollowAuthor} {
		if _, err := c.Act(ctx, cs.ID, cust.ID, a, "mod-"+a); err != nil {
			t.Fatal(err)
		}
	}
	if !c.isBanned(rules.Facebook, "cust") || !c.isFollowed(rules.Facebook, "cust") {
		t.Error("ban and follow did not apply")
	}
	c.failNext(anyOp, anyTarget, -1, nil)
	c.clearFaults()
	c.resetCalls()
	before := c.putCase(care.Case{ID: "case-3"})
	clock.Advance(time.Millisecond)
	after := c.editCase("case-3", func(x *care.Case) { x.Priority = "high" })
	if !after.UpdatedAt.After(before.UpdatedAt) {
		t.Errorf("editCase did not stamp the case: %v then %v", before.UpdatedAt, after.UpdatedAt)
	}
	if fresh, err := c.GetCase(ctx, "case-3"); err != nil || fresh.Priority != "high" || c.count(anyOp) != 1 {
		t.Errorf("GetCase after clearFaults and resetCalls = %+v, %v, %d calls", fresh, err, c.count(anyOp))
	}
}

// TestFakesAreSafeForConcurrentUse: the engine batches and works keys in
// parallel; run with -race.
func TestFakesAreSafeForConcurrentUse(t *testing.T) {
	ctx := context.Background()
	sf := newFakeSalesforce(newFakeClock().Now)
	c, _, cs := newCareWithCase(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("c-%d", i)
			if _, err := sf.UpsertMany(ctx, "Case", CareIDField, []Record{{CareIDField: id}}); err != nil {
				t.Error(err)
			}
			if _, err := sf.Query(ctx, soql.Select("Id").From("Case").Where(soql.Eq(CareIDField, id))); err != nil {
				t.Error(err)
			}
			if _, _, err := sf.Changed(ctx, "Case", nil, nil, ""); err != nil {
				t.Error(err)
			}
			if _, err := c.Reply(ctx, cs.ID, care.ReplyRequest{Mode: rules.PublicReply, Text: "same"}, "shared-key"); err != nil {
				t.Error(err)
			}
			if _, err := c.ChangedCases(ctx, ""); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := len(sf.records("Case")); n != 8 {
		t.Errorf("%d Cases, want 8", n)
	}
	if n := c.applied(caresim.OpPostReply); n != 1 {
		t.Errorf("the shared-key reply was carried out %d times, want once", n)
	}
}
