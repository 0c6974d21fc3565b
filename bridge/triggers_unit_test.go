package bridge

// The triggers: the Care poll, the Salesforce poll and the sweep enqueue
// the right case keys, keep their positions, and the sweep retires cases
// closed on both sides for long enough.

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/work"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

// TestPollCareEnqueuesChangedCases: each poll enqueues the cases changed
// since the last one and stores its cursor; ids Salesforce cannot carry
// are refused.
func TestPollCareEnqueuesChangedCases(t *testing.T) {
	tests := []struct {
		name     string
		pageSize int
		maxID    int
		seed     func(w *testWorld)
		change   func(w *testWorld) // between the first and the second poll
		first    []string
		second   []string
		refused  float64
	}{
		{
			name:   "new cases, then only the one changed since",
			seed:   func(w *testWorld) { w.escalate("c1", rules.Facebook, nil); w.escalate("c2", rules.Twitter, nil) },
			change: func(w *testWorld) { w.care.editCase("c2", func(c *care.Case) { c.Priority = "high" }) },
			first:  []string{work.ForCase("c1"), work.ForCase("c2")}, second: []string{work.ForCase("c2")},
		},
		{
			name:     "changes read a page at a time",
			pageSize: 1,
			seed: func(w *testWorld) {
				w.escalate("c1", rules.Facebook, nil)
				w.escalate("c2", rules.Facebook, nil)
				w.escalate("c3", rules.Facebook, nil)
			},
			change: func(w *testWorld) { w.escalate("c4", rules.Facebook, nil) },
			first:  []string{work.ForCase("c1"), work.ForCase("c2"), work.ForCase("c3")}, second: []string{work.ForCase("c4")},
		},
		{
			name:  "nothing changed: nothing enqueued",
			seed:  func(w *testWorld) { w.escalate("c1", rules.Facebook, nil) },
			first: []string{work.ForCase("c1")}, second: nil,
		},
		{
			name:  "a Care id longer than Care_Case_Id__c is refused and counted",
			maxID: 10,
			seed: func(w *testWorld) {
				w.escalate("c1", rules.Facebook, nil)
				w.escalate("c-0123456789", rules.Facebook, nil)
			},
			first:   []string{work.ForCase("c1")},
			refused: 1,
		},
		{
			name:  "a Care id as long as Care_Case_Id__c is taken",
			maxID: 12,
			seed:  func(w *testWorld) { w.escalate("c-0123456789", rules.Facebook, nil) },
			first: []string{work.ForCase("c-0123456789")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newTestWorld(t, func(o *Options) { o.MaxCareIDLength = tt.maxID })
			w.care.setPageSize(tt.pageSize)
			tt.seed(w)
			w.clock.Advance(time.Second)
			if err := w.engine.Triggers().PollCare(w.ctx); err != nil {
				t.Fatal(err)
			}
			if got := w.queue.take(); !slices.Equal(got, tt.first) {
				t.Errorf("first poll enqueued %v, want %v", got, tt.first)
			}
			cursor, ok, _ := w.store.Cursor(w.ctx, cursorCare)
			if !ok || cursor == "" {
				t.Error("the Care cursor was not stored")
			}
			if tt.change != nil {
				tt.change(w)
			}
			w.clock.Advance(time.Second)
			if err := w.engine.Triggers().PollCare(w.ctx); err != nil {
				t.Fatal(err)
			}
			if got := w.queue.take(); !slices.Equal(got, tt.second) {
				t.Errorf("second poll enqueued %v, want %v", got, tt.second)
			}
			if n := w.metric("carebridge_care_ids_refused_total"); n != tt.refused {
				t.Errorf("care_ids_refused_total = %v, want %v", n, tt.refused)
			}
			if w.metric("carebridge_last_successful_poll_timestamp_seconds", "source", "care") == 0 {
				t.Error("the last Care poll time is not set")
			}
		})
	}
}

// TestPollCareFailures: a failed poll keeps the cursor of what it handled,
// so the next one resumes there; nothing is skipped.
func TestPollCareFailures(t *testing.T) {
	t.Run("Care fails on the second page: the first page's cursor is kept", func(t *testing.T) {
		w := newTestWorld(t)
		w.care.setPageSize(1)
		w.escalate("c1", rules.Facebook, nil)
		w.escalate("c2", rules.Facebook, nil)
		calls := 0
		w.care.failWith(func(op, _ string) error {
			if op == caresim.OpListCases {
				if calls++; calls == 2 {
					return careUnavailable(op)
				}
			}
			return nil
		})
		if err := w.engine.Triggers().PollCare(w.ctx); err == nil {
			t.Fatal("the poll succeeded")
		}
		if got := w.queue.take(); !slices.Equal(got, []string{work.ForCase("c1")}) {
			t.Errorf("enqueued %v before the failure, want c1", got)
		}
		w.care.clearFaults()
		if err := w.engine.Triggers().PollCare(w.ctx); err != nil {
			t.Fatal(err)
		}
		if got := w.queue.take(); !slices.Equal(got, []string{work.ForCase("c2")}) {
			t.Errorf("the next poll enqueued %v, want c2 (resumed after c1)", got)
		}
	})
	t.Run("the queue refuses a key: the cursor does not move past it", func(t *testing.T) {
		w := newTestWorld(t)
		w.escalate("c1", rules.Facebook, nil)
		w.queue.err = errors.New("redis down")
		if err := w.engine.Triggers().PollCare(w.ctx); err == nil {
			t.Fatal("the poll succeeded")
		}
		if _, ok, _ := w.store.Cursor(w.ctx, cursorCare); ok {
			t.Error("the cursor was stored though nothing was enqueued")
		}
		w.queue.err = nil
		if err := w.engine.Triggers().PollCare(w.ctx); err != nil {
			t.Fatal(err)
		}
		if got := w.queue.take(); !slices.Equal(got, []string{work.ForCase("c1")}) {
			t.Errorf("enqueued %v, want c1", got)
		}
	})
}

// TestPollSalesforceEnqueuesTheCareCasesOfChanges: Case edits and new
// notes enqueue the Care case they belong to; watermarks are stored, so
// the next poll enqueues only what changed since.
func TestPollSalesforceEnqueuesTheCareCasesOfChanges(t *testing.T) {
	tests := []struct {
		name   string
		change func(w *testWorld)
		want   []string
	}{
		{"nothing changed", func(w *testWorld) {}, nil},
		{"an agent edits a Case", func(w *testWorld) { w.editSF("c2", Record{"Status": "Working"}) }, []string{work.ForCase("c2")}},
		{"an agent comments on a Case", func(w *testWorld) {
			w.sf.insert("CaseComment", Record{"ParentId": w.sfID("c1"), "CommentBody": "Called"})
		}, []string{work.ForCase("c1")}},
		{"a Case without a Care id changes", func(w *testWorld) {
			w.sf.insert("Case", Record{"Subject": "phone call", "Status": "New"})
		}, nil},
		{"a comment on a Case the store has no link for: the Case names its Care case", func(w *testWorld) {
			if _, err := w.store.RetireCase(w.ctx, "c2", w.clock.Now(), time.Hour); err == nil {
				t.Fatal("c2 retired while open")
			}
			if err := w.store.SetCaseClosed(w.ctx, "c2", true, w.clock.Now().Add(-time.Minute)); err != nil {
				t.Fatal(err)
			}
			if _, err := w.store.RetireCase(w.ctx, "c2", w.clock.Now(), time.Hour); err != nil {
				t.Fatal(err)
			}
			w.sf.insert("CaseComment", Record{"ParentId": w.sfID("c2"), "CommentBody": "Reopen please"})
		}, []string{work.ForCase("c2")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newTestWorld(t)
			w.linked("c1", strp("agent_ana"))
			w.linked("c2", strp("agent_ben"))
			w.clock.Advance(time.Second)
			if err := w.engine.Triggers().PollSalesforce(w.ctx); err != nil {
				t.Fatal(err)
			}
			if got := w.queue.take(); !slices.Equal(got, []string{work.ForCase("c1"), work.ForCase("c2")}) {
				t.Errorf("the first poll enqueued %v, want both cases", got)
			}
			for _, c := range []string{cursorSalesforce, cursorSalesforceNts} {
				if wm, ok, _ := w.store.Cursor(w.ctx, c); !ok || wm == "" {
					t.Errorf("watermark %s not stored", c)
				}
			}
			w.clock.Advance(2 * time.Second)
			tt.change(w)
			w.clock.Advance(time.Second)
			if err := w.engine.Triggers().PollSalesforce(w.ctx); err != nil {
				t.Fatal(err)
			}
			if got := w.queue.take(); !slices.Equal(got, tt.want) {
				t.Errorf("enqueued %v, want %v", got, tt.want)
			}
			if w.metric("carebridge_last_successful_poll_timestamp_seconds", "source", "salesforce") == 0 {
				t.Error("the last Salesforce poll time is not set")
			}
		})
	}
}

// TestPollSalesforceFailures: a failed poll reports the error and keeps
// its watermark; keys are not lost.
func TestPollSalesforceFailures(t *testing.T) {
	tests := []struct {
		name  string
		fault func(w *testWorld)
	}{
		{"the Case poll fails", func(w *testWorld) { w.sf.failNext(sfChanged, "Case", 1, nil) }},
		{"the comment poll fails", func(w *testWorld) { w.sf.failNext(sfChanged, "CaseComment", 1, nil) }},
		{"the queue refuses a key", func(w *testWorld) { w.queue.err = errors.New("redis down") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newTestWorld(t)
			w.linked("c1", strp("agent_ana"))
			w.sf.insert("CaseComment", Record{"ParentId": w.sfID("c1"), "CommentBody": "Called"})
			tt.fault(w)
			if err := w.engine.Triggers().PollSalesforce(w.ctx); err == nil {
				t.Fatal("the poll succeeded")
			}
			if paused, _ := w.engine.PausedUntil(w.ctx); !paused.IsZero() {
				t.Errorf("paused until %v after an error that is not the quota", paused)
			}
			w.sf.clearFaults()
			w.queue.err = nil
			w.queue.take()
			if err := w.engine.Triggers().PollSalesforce(w.ctx); err != nil {
				t.Fatal(err)
			}
			if got := w.queue.take(); !slices.Contains(got, work.ForCase("c1")) {
				t.Errorf("the next poll enqueued %v, want c1", got)
			}
		})
	}
}

// closeOnBothSides closes a linked case in Care; the reconcile closes its
// Case.
func (w *testWorld) closeOnBothSides(id string) {
	w.t.Helper()
	w.care.editCase(id, func(c *care.Case) { c.Status = rules.Done })
	w.mustReconcile(id)
	if r := w.sfCase(id); r["IsClosed"] != true {
		w.t.Fatalf("Case of %s not closed: %v", id, r["Status"])
	}
}

// TestSweepRetiresCasesClosedLongEnough: the sweep retires (unlinks) the
// cases closed on both sides for longer than RetireClosedAfter, and keeps
// the others.
func TestSweepRetiresCasesClosedLongEnough(t *testing.T) {
	tests := []struct {
		name        string
		closedFor   time.Duration // how long c1 has been closed when the sweep runs (0: open)
		reopened    bool          // c1 reopened in Salesforce before the sweep
		wantRetired bool
	}{
		{"an open case is swept", 0, false, false},
		{"a case closed for a day is still swept", 24 * time.Hour, false, false},
		{"a case closed longer than RetireClosedAfter is retired", 3*24*time.Hour + time.Minute, false, true},
		{"a closed case reopened in Salesforce is swept, not retired", 4 * 24 * time.Hour, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			audit := &auditLog{}
			w := newTestWorld(t, withAudit(audit), func(o *Options) { o.RetireClosedAfter = 3 * 24 * time.Hour })
			w.linked("c1", strp("agent_ana"))
			w.linked("c2", strp("agent_ben"))
			if tt.closedFor > 0 {
				w.closeOnBothSides("c1")
				w.clock.Advance(tt.closedFor)
			}
			if tt.reopened {
				w.editSF("c1", Record{"Status": "New"})
				w.mustReconcile("c1")
			}
			w.queue.take()
			if _, err := w.engine.ids.current(w.ctx); err != nil { // identities loaded now
				t.Fatal(err)
			}
			agents := w.care.count(caresim.OpListAgents)
			if err := w.engine.Triggers().Sweep(w.ctx); err != nil {
				t.Fatal(err)
			}
			// Both sides are as their bases say: nothing drifted, nothing
			// to reconcile.
			if got := w.queue.take(); len(got) != 0 {
				t.Errorf("sweep enqueued %v, want nothing (no case drifted)", got)
			}
			_, linked, _ := w.store.SalesforceCase(w.ctx, "c1")
			if linked == tt.wantRetired {
				t.Errorf("c1 linked = %v after the sweep, want %v", linked, !tt.wantRetired)
			}
			retired := audit.find("c1", "retired")
			if wantN := map[bool]int{true: 1}[tt.wantRetired]; len(retired) != wantN || float64(wantN) != w.metric("carebridge_cases_retired_total") {
				t.Errorf("%d retired audit entries, cases_retired_total %v; want %d", len(retired), w.metric("carebridge_cases_retired_total"), wantN)
			}
			if tt.wantRetired && retired[0].To != `assignee="agent_ana" description="" platform="facebook" priority="" profile="" sentiment="" status="done" subject="Help c1"` {
				t.Errorf("retired entry records %q, want the last agreed values", retired[0].To)
			}
			// The sweep makes the next reconcile reload the identities.
			w.mustReconcile("c2")
			if n := w.care.count(caresim.OpListAgents); n != agents+1 {
				t.Errorf("%d identity reloads after the sweep, want 1", n-agents)
			}
		})
	}
}

// TestRetiredCaseThatReopensMergesAgainstItsKeptBase: a retired case that
// reopens on either side comes back to its own Case and merges against
// the base kept at retirement, so the side that reopened it wins.
func TestRetiredCaseThatReopensMergesAgainstItsKeptBase(t *testing.T) {
	tests := []struct {
		name   string
		reopen func(w *testWorld)
		want   caseWant
	}{
		{
			name:   "reopened in Salesforce: the Care case reopens",
			reopen: func(w *testWorld) { w.editSF("c1", Record{"Status": "Working"}) },
			want:   caseWant{Case: Record{"Status": "Working", "IsClosed": false}, Status: rules.Open, SFWrites: -1, CareWrites: 1},
		},
		{
			name:   "reopened in Care: the Case reopens",
			reopen: func(w *testWorld) { w.care.editCase("c1", func(c *care.Case) { c.Status = rules.Open }) },
			want:   caseWant{Case: Record{"Status": "New", "IsClosed": false}, Status: rules.Open, SFWrites: -1, CareWrites: 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newTestWorld(t)
			w.linked("c1", strp("agent_ana"))
			sfID := w.sfID("c1")
			w.closeOnBothSides("c1")
			w.clock.Advance(8 * 24 * time.Hour)
			if err := w.engine.Triggers().Sweep(w.ctx); err != nil {
				t.Fatal(err)
			}
			if _, linked, _ := w.store.SalesforceCase(w.ctx, "c1"); linked {
				t.Fatal("c1 was not retired")
			}
			w.clock.Advance(time.Hour)
			tt.reopen(w)
			w.sf.resetCalls()
			w.care.resetCalls()
			w.mustReconcile("c1")
			w.check("c1", tt.want)
			if got := w.sfID("c1"); got != sfID || len(w.sf.records("Case")) != 1 {
				t.Errorf("Case %s (%d Cases), want the same Case %s", got, len(w.sf.records("Case")), sfID)
			}
			if got, ok, _ := w.store.SalesforceCase(w.ctx, "c1"); !ok || got != sfID {
				t.Errorf("link = %q, %v; want it back", got, ok)
			}
			if n := w.metric("carebridge_conflicts_total"); n != 0 {
				t.Errorf("%v conflicts, want none", n)
			}
		})
	}
}
