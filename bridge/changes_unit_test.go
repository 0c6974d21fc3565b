package bridge

import (
	"slices"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/work"
)

// TestPushedChangesEnqueueWhatTheyConcern: an agent's change to a linked
// Case enqueues its case, a new or edited action its key; carebridge's own
// writes, deleted records and Cases not from Care enqueue nothing, and the
// echoes are counted.
func TestPushedChangesEnqueueWhatTheyConcern(t *testing.T) {
	w := newTestWorld(t)
	w.escalate("c1", "facebook", strp("agent_ana"))
	w.mustReconcile("c1")
	sfID := w.sfCase("c1")["Id"].(string)
	// c2's Case exists, but its link is not stored yet (its reconcile is
	// between the create and the link).
	sfID2 := w.sf.insert("Case", Record{"Subject": "Help c2", "Status": "New", CareIDField: "c2"})
	other := w.sf.insert("Case", Record{"Subject": "A phone call", "Status": "New"})
	w.queue.take()
	if err := w.store.NoteWrites(w.ctx, "Case", map[string]map[string]any{sfID: {"Status": "On Hold"}}); err != nil {
		t.Fatal(err)
	}

	catchUp, err := w.engine.Triggers().HandleChanges(w.ctx, []Change{
		{Object: "Case", Type: "UPDATE", RecordIDs: []string{sfID}},
		{Object: "Case", Type: "UPDATE", RecordIDs: []string{sfID}, Ours: true,
			ChangedFields: []string{"Status", "LastModifiedDate"}, Fields: map[string]any{"Status": "On Hold", "LastModifiedDate": int64(1)}},
		{Object: "Case", Type: "UPDATE", RecordIDs: []string{other, sfID2}}, // not from Care; not linked yet
		{Object: "Case", Type: "DELETE", RecordIDs: []string{sfID}},
		{Object: ActionObject, Type: "CREATE", RecordIDs: []string{"a01000000000001AAA"}},
		{Object: ActionObject, Type: "UPDATE", RecordIDs: []string{"a01000000000002AAA"}, Ours: true},
	})
	if err != nil || catchUp {
		t.Fatal(catchUp, err)
	}
	got := w.queue.take()
	want := []string{work.ForCase("c1"), work.ForAction("a01000000000001AAA"), work.ForCase("c2")}
	if !slices.Equal(got, want) {
		t.Errorf("enqueued %v, want %v", got, want)
	}
	for _, object := range []string{"Case", ActionObject} {
		if got := w.metric("carebridge_salesforce_echoes_skipped_total", "object", object); got != 1 {
			t.Errorf("%s echoes counted %v, want 1", object, got)
		}
	}
}

// TestPushedChangesTurnThePollsIntoASafetyNet: while the streams are live
// the Salesforce poll reads only notes, but the Case and action polls still
// run every safety interval and whenever a stream is down.
func TestPushedChangesTurnThePollsIntoASafetyNet(t *testing.T) {
	live := true
	w := newTestWorld(t, func(o *Options) {
		o.Pushed = NewPushedChanges(func() bool { return live }, 10*time.Minute, false)
	})
	polled := func() (cases, actions int) {
		w.sf.resetCalls()
		if err := w.engine.Triggers().PollSalesforce(w.ctx); err != nil {
			t.Fatal(err)
		}
		return w.sf.count(sfChanged, "Case"), w.sf.count(sfQuery, ActionObject)
	}
	steps := []struct {
		name  string
		do    func()
		polls bool
	}{
		{"first poll", func() {}, true},
		{"streams live", func() { w.clock.Advance(time.Minute) }, false},
		{"the safety interval passed", func() { w.clock.Advance(10 * time.Minute) }, true},
		{"a stream broke", func() { live = false; w.clock.Advance(time.Second) }, true},
		{"back", func() { live = true; w.clock.Advance(time.Second) }, false},
	}
	for _, st := range steps {
		st.do()
		cases, actions := polled()
		if (cases > 0 && actions > 0) != st.polls || (cases > 0) != (actions > 0) {
			t.Errorf("%s: %d Case and %d action queries; want the Case and action polls %v", st.name, cases, actions, st.polls)
		}
	}
	w.sf.resetCalls()
	if err := w.engine.Triggers().CatchUpSalesforce(w.ctx); err != nil {
		t.Fatal(err)
	}
	if w.sf.count(sfChanged, "Case") == 0 || w.sf.count(sfQuery, ActionObject) == 0 {
		t.Error("a catch-up while live did not poll Cases and actions")
	}
}

// TestPushedTaskNotes: with notes kept as Tasks (which have change events),
// a pushed Task change enqueues its Case's case, and while the streams are
// live the notes poll waits for the safety net too.
func TestPushedTaskNotes(t *testing.T) {
	live := true
	w := newTestWorld(t, func(o *Options) {
		o.Notes = NotesTarget{Object: "Task", ParentField: "WhatId", BodyField: "Description", Extra: Record{"Subject": "Care note", "Status": "Completed"}}
		o.Pushed = NewPushedChanges(func() bool { return live }, 10*time.Minute, true)
	})
	w.escalate("c1", "facebook", strp("agent_ana"))
	w.mustReconcile("c1")
	task := w.sf.insert("Task", Record{"WhatId": w.sfCase("c1")["Id"], "Subject": "Called", "Description": "called back", "Status": "Completed"})
	w.queue.take()
	if _, err := w.engine.Triggers().HandleChanges(w.ctx, []Change{{Object: "Task", Type: "CREATE", RecordIDs: []string{task}}}); err != nil {
		t.Fatal(err)
	}
	if got := w.queue.take(); !slices.Equal(got, []string{work.ForCase("c1")}) {
		t.Errorf("a pushed Task enqueued %v, want the case", got)
	}
	for _, st := range []struct {
		name  string
		do    func()
		polls bool
	}{
		{"first poll", func() {}, true},
		{"streams live", func() { w.clock.Advance(time.Minute) }, false},
		{"a stream broke", func() { live = false; w.clock.Advance(time.Second) }, true},
	} {
		st.do()
		w.sf.resetCalls()
		if err := w.engine.Triggers().PollSalesforce(w.ctx); err != nil {
			t.Fatal(err)
		}
		if got := w.sf.count(sfChanged, "Task") > 0; got != st.polls {
			t.Errorf("%s: the notes poll ran %v, want %v", st.name, got, st.polls)
		}
	}
}

// TestOddChangesAskForACatchUpAndNeverFail: an overflow names no record
// and a wildcard (500*, after a field type conversion) stands for every
// Case: neither is read nor queried, the handler does not fail, and it asks
// for the catch-up poll. Gap events enqueue their records like the change
// they stand for (a gap delete like a delete: nothing), and a change merged
// over several records enqueues each.
func TestOddChangesAskForACatchUpAndNeverFail(t *testing.T) {
	w := newTestWorld(t)
	sfIDs := w.syncedCases("c1", "c2")
	w.queue.take()
	for _, tt := range []struct {
		name    string
		change  Change
		catchUp bool
		keys    []string
	}{
		{"overflow", Change{Object: "Case", Type: "GAP_OVERFLOW"}, true, nil},
		{"wildcard", Change{Object: "Case", Type: "UPDATE", RecordIDs: []string{"500*"}}, true, nil},
		{"wildcard of carebridge's own transaction", Change{Object: "Case", Type: "UPDATE", RecordIDs: []string{"500*"}, Ours: true}, true, nil},
		{"an id that is none", Change{Object: ActionObject, Type: "UPDATE", RecordIDs: []string{"a01' OR Id != '"}}, true, nil},
		{"gap update", Change{Object: "Case", Type: "GAP_UPDATE", RecordIDs: sfIDs[:1]}, false, []string{work.ForCase("c1")}},
		{"gap update in carebridge's transaction", Change{Object: "Case", Type: "GAP_UPDATE", RecordIDs: sfIDs[1:], Ours: true}, false, []string{work.ForCase("c2")}},
		{"gap create of an action", Change{Object: ActionObject, Type: "GAP_CREATE", RecordIDs: []string{"a01000000000001AAA"}}, false, []string{work.ForAction("a01000000000001AAA")}},
		{"gap delete", Change{Object: "Case", Type: "GAP_DELETE", RecordIDs: sfIDs[:1]}, false, nil},
		{"merged over two Cases", Change{Object: "Case", Type: "UPDATE", RecordIDs: sfIDs}, false, []string{work.ForCase("c1"), work.ForCase("c2")}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w.sf.resetCalls()
			catchUp, err := w.engine.Triggers().HandleChanges(w.ctx, []Change{tt.change})
			if err != nil || catchUp != tt.catchUp {
				t.Fatalf("HandleChanges = %v, %v; want catch-up %v and no error", catchUp, err, tt.catchUp)
			}
			if got := w.queue.take(); !slices.Equal(got, tt.keys) {
				t.Errorf("enqueued %v, want %v", got, tt.keys)
			}
			if n := w.sf.count(anyOp, anyTarget); tt.catchUp && n != 0 {
				t.Errorf("%d Salesforce calls for a change that names no readable record", n)
			}
		})
	}
}

// TestOwnCaseUpdateIsAnEchoOnlyIfItShowsWhatCarebridgeWrote: an update of a
// Case in carebridge's own transaction is dropped only when every field it
// changed was written by carebridge, to the value the event carries; the
// org's automation in the same transaction (another field, or the same one
// to another value) makes it a change to reconcile.
func TestOwnCaseUpdateIsAnEchoOnlyIfItShowsWhatCarebridgeWrote(t *testing.T) {
	w := newTestWorld(t)
	sfIDs := w.syncedCases("c1", "c2")
	deadline := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	if err := w.store.NoteWrites(w.ctx, "Case", map[string]map[string]any{
		sfIDs[0]: {"Status": "On Hold", SyncErrorField: nil, PrivateReplyDeadlineField: "2026-05-01T10:00:00.000+0000"},
	}); err != nil {
		t.Fatal(err)
	}
	w.queue.take()
	own := func(ids []string, fields map[string]any, nulled ...string) Change {
		c := Change{Object: "Case", Type: "UPDATE", RecordIDs: ids, Ours: true, Fields: fields, NulledFields: nulled,
			ChangedFields: append([]string{"LastModifiedDate"}, nulled...)}
		for f := range fields {
			c.ChangedFields = append(c.ChangedFields, f)
		}
		return c
	}
	for _, tt := range []struct {
		name   string
		change Change
		echo   bool
	}{
		{"what carebridge wrote", own(sfIDs[:1], map[string]any{"Status": "On Hold", "IsClosed": false}), true},
		{"a datetime as Salesforce sends it, and a nulled field", own(sfIDs[:1],
			map[string]any{PrivateReplyDeadlineField: deadline.UnixMilli()}, SyncErrorField), true},
		{"an automation set the owner too", own(sfIDs[:1], map[string]any{"Status": "On Hold", "OwnerId": w.users["ben@example.com"]}), false},
		{"an automation overrode the status", own(sfIDs[:1], map[string]any{"Status": "Escalated"}), false},
		{"values not decoded", Change{Object: "Case", Type: "UPDATE", RecordIDs: sfIDs[:1], Ours: true, ChangedFields: []string{"Status"}}, false},
		{"merged with a Case carebridge did not write", own(sfIDs, map[string]any{"Status": "On Hold"}), false},
		{"a Case carebridge did not write lately", own(sfIDs[1:], map[string]any{"Status": "On Hold"}), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			echoes := w.metric("carebridge_salesforce_echoes_skipped_total", "object", "Case")
			if _, err := w.engine.Triggers().HandleChanges(w.ctx, []Change{tt.change}); err != nil {
				t.Fatal(err)
			}
			got := w.queue.take()
			counted := w.metric("carebridge_salesforce_echoes_skipped_total", "object", "Case") - echoes
			if tt.echo && (len(got) != 0 || counted != 1) {
				t.Errorf("enqueued %v, %v echoes counted: want an echo", got, counted)
			}
			if !tt.echo && (len(got) == 0 || counted != 0) {
				t.Errorf("enqueued %v, %v echoes counted: want the case reconciled", got, counted)
			}
		})
	}
}

// syncedCases escalates Care cases assigned to Ana, reconciles them and
// returns the ids of their Salesforce Cases.
func (w *testWorld) syncedCases(careIDs ...string) []string {
	var sfIDs []string
	for _, id := range careIDs {
		w.escalate(id, "facebook", strp("agent_ana"))
		w.mustReconcile(id)
		sfIDs = append(sfIDs, w.sfCase(id)["Id"].(string))
	}
	return sfIDs
}
