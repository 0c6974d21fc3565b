package bridge

import (
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

// TestSweepRemovesRetiredMirrorsInBatches: the sweep deletes the mirrored
// messages of the retired cases closed for longer than RemoveMirrorsAfter,
// not earlier, in one query and one delete call for the whole page; a case
// whose messages Salesforce would not delete stays listed and is removed by
// a later sweep; a removed case is not looked at again; open cases are
// never touched.
func TestSweepRemovesRetiredMirrorsInBatches(t *testing.T) {
	w := newTestWorld(t, func(o *Options) { o.RetireClosedAfter, o.RemoveMirrorsAfter = time.Hour, 3*time.Hour })
	msgs := func(id string) []care.Message {
		return []care.Message{{ID: id + "_m1", Kind: rules.Post, Text: "hello"}, {ID: id + "_m2", Kind: rules.Comment, ParentID: strp(id + "_m1"), Depth: 1, Text: "world"}}
	}
	for _, id := range []string{"c1", "c2", "c3"} {
		w.escalate(id, rules.Facebook, strp("agent_ana"), msgs(id)...)
		w.mustReconcile(id)
	}
	w.closeOnBothSides("c1")
	w.closeOnBothSides("c2")
	count := func(id string) int {
		n := 0
		for _, r := range w.sf.records(MessageObject) {
			if r[MessageCaseFld] == w.sfID(id) {
				n++
			}
		}
		return n
	}
	sweep := func() {
		t.Helper()
		w.sf.resetCalls()
		if err := w.engine.Triggers().Sweep(w.ctx); err != nil {
			t.Fatal(err)
		}
	}

	w.clock.Advance(2 * time.Hour) // retired, not yet due
	sweep()
	if count("c1") != 2 || count("c2") != 2 || w.sf.count(sfDelete, MessageObject) != 0 {
		t.Fatalf("removed before retention.mirrored_messages: c1 %d, c2 %d, %d delete calls", count("c1"), count("c2"), w.sf.count(sfDelete, MessageObject))
	}

	c2 := w.sfID("c2")
	w.sf.rejectRecords(func(op, _ string, rec Record) error {
		if op == sfDelete && rec[MessageCaseFld] == c2 {
			return sfErr(op, "UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record")
		}
		return nil
	})
	w.clock.Advance(2 * time.Hour)
	sweep()
	if count("c1") != 0 || count("c2") != 2 || count("c3") != 2 {
		t.Errorf("after the due sweep: c1 %d, c2 %d, c3 %d messages; want 0, 2 (refused), 2 (open)", count("c1"), count("c2"), count("c3"))
	}
	if q, d := w.sf.count(sfQuery, MessageObject), w.sf.count(sfDelete, MessageObject); q != 1 || d != 1 {
		t.Errorf("%d message queries and %d delete calls for two cases, want 1 and 1", q, d)
	}
	if w.sfCase("c1") == nil {
		t.Error("the Case went with its messages")
	}

	w.sf.rejectRecords(nil)
	sweep()
	if count("c2") != 0 || count("c3") != 2 {
		t.Errorf("the next sweep: c2 %d, c3 %d; want 0 and 2", count("c2"), count("c3"))
	}
	if got := w.metric("carebridge_mirror_messages_removed_total", "reason", "retention"); got != 4 {
		t.Errorf("mirror_messages_removed_total{retention} = %v, want 4", got)
	}
	sweep()
	if n := w.sf.count(sfQuery, MessageObject) + w.sf.count(sfDelete, MessageObject); n != 0 {
		t.Errorf("a sweep with nothing due made %d message calls", n)
	}
}
