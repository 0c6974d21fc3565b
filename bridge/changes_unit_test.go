package bridge

import (
	"slices"
	"testing"
	"time"
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

	err := w.engine.HandleChanges(w.ctx, []Change{
		{Object: "Case", Type: "UPDATE", RecordIDs: []string{sfID}},
		{Object: "Case", Type: "UPDATE", RecordIDs: []string{sfID}, Ours: true},
		{Object: "Case", Type: "UPDATE", RecordIDs: []string{other, sfID2}}, // not from Care; not linked yet
		{Object: "Case", Type: "DELETE", RecordIDs: []string{sfID}},
		{Object: ActionObject, Type: "CREATE", RecordIDs: []string{"a01000000000001AAA"}},
		{Object: ActionObject, Type: "UPDATE", RecordIDs: []string{"a01000000000002AAA"}, Ours: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := w.queue.take()
	want := []string{CaseKey("c1"), ActionKey("a01000000000001AAA"), CaseKey("c2")}
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
		if err := w.engine.PollSalesforce(w.ctx); err != nil {
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
	if err := w.engine.CatchUpSalesforce(w.ctx); err != nil {
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
	if err := w.engine.HandleChanges(w.ctx, []Change{{Object: "Task", Type: "CREATE", RecordIDs: []string{task}}}); err != nil {
		t.Fatal(err)
	}
	if got := w.queue.take(); !slices.Equal(got, []string{CaseKey("c1")}) {
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
		if err := w.engine.PollSalesforce(w.ctx); err != nil {
			t.Fatal(err)
		}
		if got := w.sf.count(sfChanged, "Task") > 0; got != st.polls {
			t.Errorf("%s: the notes poll ran %v, want %v", st.name, got, st.polls)
		}
	}
}

// TestChangeOverflowRunsThePolls: an overflow event names no record, so the
// Case and action polls run at once and find what changed.
func TestChangeOverflowRunsThePolls(t *testing.T) {
	w := newTestWorld(t, func(o *Options) {
		o.Pushed = NewPushedChanges(func() bool { return true }, time.Hour, false)
	})
	if err := w.engine.PollSalesforce(w.ctx); err != nil { // the first poll runs in full
		t.Fatal(err)
	}
	w.sf.resetCalls()
	if err := w.engine.HandleChanges(w.ctx, []Change{{Object: "Case", Type: "GAP_OVERFLOW"}}); err != nil {
		t.Fatal(err)
	}
	if w.sf.count(sfChanged, "Case") == 0 || w.sf.count(sfQuery, ActionObject) == 0 {
		t.Error("an overflow of change events did not run the Case and action polls")
	}
}
