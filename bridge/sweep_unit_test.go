package bridge

import (
	"slices"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/bridge/work"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/caresim"
)

// TestSweepEnqueuesOnlyWhatDrifted: the sweep reads Care's case list in
// pages and the linked Cases in one query, and enqueues only the cases
// that changed on either side since their last sync (a lost trigger), or
// that Care no longer lists. It reads no single Care case.
func TestSweepEnqueuesOnlyWhatDrifted(t *testing.T) {
	tests := []struct {
		name  string
		drift func(w *testWorld) // applied to c2 without a trigger
		want  []string
	}{
		{"nothing changed", func(*testWorld) {}, nil},
		{"a Care field changed (its webhook and poll were lost)", func(w *testWorld) {
			w.care.editCase("c2", func(c *care.Case) { c.Priority = "urgent" })
		}, []string{work.ForCase("c2")}},
		{"a Care note was added", func(w *testWorld) { w.careNote("c2", "agent_ana", "Called back") }, []string{work.ForCase("c2")}},
		{"a Salesforce field was edited (the poll missed it)", func(w *testWorld) { w.editSF("c2", Record{"Priority": "Low"}) }, []string{work.ForCase("c2")}},
		{"a reconcile died between its writes", func(w *testWorld) {
			if err := w.store.SavePendingWrites(w.ctx, "c2", map[string]state.PendingWrite{"status": {Value: "pending", Side: "care"}}); err != nil {
				w.t.Fatal(err)
			}
		}, []string{work.ForCase("c2")}},
		{"its last run failed after its base was stored", func(w *testWorld) {
			w.queue.mu.Lock()
			w.queue.failing = []string{work.ForCase("c2"), work.ForAction("a1")}
			w.queue.mu.Unlock()
		}, []string{work.ForCase("c2")}},
		{"the base was lost", func(w *testWorld) {
			if err := w.store.SaveBase(w.ctx, "c2", nil, time.Time{}); err != nil {
				w.t.Fatal(err)
			}
		}, []string{work.ForCase("c2")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newTestWorld(t)
			for _, id := range []string{"c1", "c2", "c3"} {
				w.linked(id, strp("agent_ana"))
			}
			w.queue.take()
			w.clock.Advance(2 * time.Second)
			tt.drift(w)
			w.clock.Advance(2 * time.Second)
			w.care.resetCalls()
			w.sf.resetCalls()
			if err := w.engine.Triggers().Sweep(w.ctx); err != nil {
				t.Fatal(err)
			}
			got := w.queue.take()
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("sweep enqueued %v, want %v", got, tt.want)
			}
			if n := w.care.count(caresim.OpGetCase) + w.care.count(caresim.OpListMessages) + w.care.count(caresim.OpListNotes); n != 0 {
				t.Errorf("the sweep read %d single Care cases, conversations or notes; want none", n)
			}
			if n := w.care.count(caresim.OpListCases); n != 1 {
				t.Errorf("%d Care list calls for 3 cases, want 1 page", n)
			}
			if n := w.sf.count(sfQuery, "Case"); n != 1 {
				t.Errorf("%d Case queries, want 1", n)
			}
			if got, want := w.metric("carebridge_sweep_cases_total", "result", "drifted"), float64(len(tt.want)); got != want {
				t.Errorf("sweep_cases_total{drifted} = %v, want %v", got, want)
			}
		})
	}
}
