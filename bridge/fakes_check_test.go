package bridge

// Tests of what only the fakes have (fake_care_test.go,
// fake_salesforce_test.go): seeding, fault injection, call records,
// concurrency. What they share with the sandboxes, the port conformance
// suite checks (conformance_test.go).

import (
	"context"
	"errors"
	"fmt"
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

// TestFakeSalesforceSeeding: insert and edit write as an agent, stamped
// by the clock as API writes are.
func TestFakeSalesforceSeeding(t *testing.T) {
	clock := newFakeClock() // 09:30:00.250
	sf := newFakeSalesforce(clock.Now)
	id := sf.insert("Case", Record{CareIDField: "c-1", "Subject": "s"})
	rec, _ := sf.record("Case", id)
	want := "2026-03-02T09:30:00.000+0000"
	if rec["SystemModstamp"] != want || rec["CreatedDate"] != want || rec["CreatedById"] != sf.agentUser || rec["OwnerId"] != sf.agentUser || rec["Priority"] != "Medium" {
		t.Fatalf("inserted record = %v, want stamps %s by the agent and the defaults", rec, want)
	}
	clock.Advance(800 * time.Millisecond) // 09:30:01.050
	sf.edit("Case", id, Record{"Subject": "t"})
	if rec, _ = sf.record("Case", id); rec["SystemModstamp"] != "2026-03-02T09:30:01.000+0000" ||
		rec["CreatedDate"] != want || rec["LastModifiedById"] != sf.agentUser || rec["Subject"] != "t" {
		t.Errorf("an edit in the next second = %v", rec)
	}
	sf.editAs(sf.integrationUser, "Case", id, Record{"Subject": "u"})
	if rec, _ = sf.record("Case", id); rec["LastModifiedById"] != sf.integrationUser {
		t.Errorf("editAs the integration user = %v", rec)
	}
	sf.remove("Case", id)
	if _, ok := sf.lookup("Case", CareIDField, "c-1"); ok || len(sf.records("Case")) != 0 {
		t.Error("a removed record is still live")
	}
	if rec, ok := sf.record("Case", id); !ok || rec["IsDeleted"] != true {
		t.Errorf("removed record = %v, %t; want it kept, deleted", rec, ok)
	}
	if n := sf.count(anyOp, anyTarget); n != 0 {
		t.Errorf("the test's own writes counted %d calls, want none", n)
	}
}

func TestFakeSalesforceRejectRecords(t *testing.T) {
	ctx := context.Background()
	sf := newFakeSalesforce(newFakeClock().Now)
	live := sf.insert("Case", Record{"Subject": "live"})
	sf.rejectRecords(func(op, object string, rec Record) error {
		if rec["Subject"] == "refused" {
			return sfErr(op, "FIELD_CUSTOM_VALIDATION_EXCEPTION", "Subject is refused")
		}
		return nil
	})
	res, err := sf.UpdateMany(ctx, "Case", []Record{{"Id": live, "Subject": "refused"}, {"Id": live, "Subject": "fine"}})
	if err != nil {
		t.Fatal(err)
	}
	if class, code, _ := upstreamCode(res[0].Err); class != upstream.Permanent || code != "FIELD_CUSTOM_VALIDATION_EXCEPTION" {
		t.Errorf("rejected record: %v", res[0].Err)
	}
	if rec, _ := sf.record("Case", live); res[1].Err != nil || rec["Subject"] != "fine" {
		t.Errorf("record beside it = %+v, Case %v; want it written", res[1], rec)
	}
	sf.clearFaults()
	if res, _ := sf.UpdateMany(ctx, "Case", []Record{{"Id": live, "Subject": "refused"}}); res[0].Err != nil {
		t.Errorf("after clearFaults: %v", res[0].Err)
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

// TestFakeSalesforceChanged: the test's own edits (an agent's) show in the
// poll, which is counted.
func TestFakeSalesforceChanged(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	sf := newFakeSalesforce(clock.Now)
	fields := []string{CareIDField, "Subject", "LastModifiedById"}
	a := sf.insert("Case", Record{CareIDField: "c-a", "Subject": "a"})
	_, wm, err := sf.Changed(ctx, "Case", fields, soql.IsNotNull(CareIDField), "")
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Second)
	sf.edit("Case", a, Record{"Subject": "a2"})
	recs, _, err := sf.Changed(ctx, "Case", fields, soql.IsNotNull(CareIDField), wm)
	if err != nil || len(recs) != 1 || recs[0]["Subject"] != "a2" || recs[0]["LastModifiedById"] != sf.agentUser {
		t.Errorf("poll after an agent's edit = %v, %v", recs, err)
	}
	if n := sf.count(sfChanged, "Case"); n != 2 {
		t.Errorf("count(Changed, Case) = %d, want 2", n)
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

// TestFakeCareIdempotency: replays are recorded as such; injected failures
// never reach Care, so they record no key.
func TestFakeCareIdempotency(t *testing.T) {
	ctx := context.Background()
	c, _, cs := newCareWithCase(t)
	req := care.ReplyRequest{Mode: rules.PublicReply, Text: "sorry"}
	for range 2 {
		if _, err := c.Reply(ctx, cs.ID, req, "k1"); err != nil {
			t.Fatal(err)
		}
	}
	if c.applied(caresim.OpPostReply) != 1 || c.count(caresim.OpPostReply) != 2 {
		t.Errorf("%d replies applied of %d calls; want the reply posted once", c.applied(caresim.OpPostReply), c.count(caresim.OpPostReply))
	}
	if calls := c.calls(); !calls[len(calls)-1].Replayed {
		t.Errorf("the repeat is not recorded as a replay: %+v", calls[len(calls)-1])
	}
	c.failNext(caresim.OpSetCaseStatus, cs.ID, 1, careRefused(caresim.OpSetCaseStatus, "status_needs_assignee", "Assign the case first."))
	_, err := c.SetStatus(ctx, cs.ID, rules.Done, "st-1")
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

// TestFakeCareChangedCases: a page size and throttling, which only the fake
// sets.
func TestFakeCareChangedCases(t *testing.T) {
	ctx := context.Background()
	c, clock, _ := newCareWithCase(t)
	start := care.CursorAt(clock.Now().Add(-time.Hour))
	clock.Advance(time.Second)
	c.putCase(care.Case{ID: "case-2"})
	c.setPageSize(1)
	page, _ := c.ChangedCases(ctx, start)
	if len(page.Cases) != 1 || !page.More || page.Cases[0].ID != "case-1" {
		t.Errorf("first page of 1 = %+v", page)
	}
	if next, _ := c.ChangedCases(ctx, page.Cursor); len(next.Cases) != 1 || next.Cases[0].ID != "case-2" {
		t.Errorf("second page of 1 = %+v", next)
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

// TestFakeCareModerationAndSeeding: the author moderation state, which
// only the fake shows, and the test's own access.
func TestFakeCareModerationAndSeeding(t *testing.T) {
	ctx := context.Background()
	c, clock, cs := newCareWithCase(t)
	c.addProfile(care.Profile{ID: "p-x", Platform: rules.Twitter, Name: "Brand X", Handle: "brandx"})
	cust := c.conversation(cs.ID)[0]
	for _, a := range []string{care.ActionBanAuthor, care.ActionFollowAuthor} {
		if _, err := c.Act(ctx, cs.ID, cust.ID, a, "mod-"+a); err != nil {
			t.Fatal(err)
		}
	}
	if !c.isBanned(rules.Facebook, "cust") || !c.isFollowed(rules.Facebook, "cust") {
		t.Error("ban and follow did not apply")
	}
	if _, err := c.Act(ctx, cs.ID, cust.ID, care.ActionUnbanAuthor, "mod-unban"); err != nil || c.isBanned(rules.Facebook, "cust") {
		t.Errorf("unban = %v; the author is banned still", err)
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
