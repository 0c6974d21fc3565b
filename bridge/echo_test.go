package bridge

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/work"
	"github.com/carebridge/carebridge/connectors/care"
)

// withSelf makes the engine know the integration user the fake Salesforce
// records carebridge's writes under.
func (w *testWorld) withSelf() *testWorld {
	w.engine.triggers.self = func(context.Context) (string, error) { return w.sf.integrationUser, nil }
	return w
}

// TestOwnWritesDoNotComeBackAsReconciles: a Case carebridge itself
// updated, and a note it copied, come back through the Salesforce poll as
// changes; they are recognised (last modified by the integration user,
// nothing else changed) and not reconciled again. An agent's edit is.
func TestOwnWritesDoNotComeBackAsReconciles(t *testing.T) {
	tests := []struct {
		name   string
		change func(w *testWorld)
		want   []string // keys the poll enqueues
		echoes map[string]float64
	}{
		{
			name: "a Care change carebridge wrote to the Case",
			change: func(w *testWorld) {
				w.care.editCase("c1", func(c *care.Case) { c.Priority = "urgent" })
				w.mustReconcile("c1")
			},
			echoes: map[string]float64{"Case": 1},
		},
		{
			name: "a Care note carebridge copied to a CaseComment",
			change: func(w *testWorld) {
				w.careNote("c1", "agent_ana", "Called the customer")
				w.mustReconcile("c1")
			},
			echoes: map[string]float64{"CaseComment": 1},
		},
		{
			name:   "an agent's edit of the Case",
			change: func(w *testWorld) { w.editSF("c1", Record{"Priority": "Low"}) },
			want:   []string{work.ForCase("c1")},
		},
		{
			name: "an agent's edit right after carebridge's write",
			change: func(w *testWorld) {
				w.care.editCase("c1", func(c *care.Case) { c.Priority = "urgent" })
				w.mustReconcile("c1")
				w.editSF("c1", Record{"Priority": "Low"})
			},
			want: []string{work.ForCase("c1")},
		},
		{
			name: "the integration user's own edit of a mapped field (a flow run as it)",
			change: func(w *testWorld) {
				w.care.editCase("c1", func(c *care.Case) { c.Priority = "urgent" })
				w.mustReconcile("c1")
				w.sf.editAs(w.sf.integrationUser, "Case", str(w.sfCase("c1")["Id"]), Record{"Priority": "Low"})
			},
			want: []string{work.ForCase("c1")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newTestWorld(t).withSelf()
			w.linked("c1", strp("agent_ana"))
			if err := w.engine.Triggers().PollSalesforce(w.ctx); err != nil {
				t.Fatal(err)
			}
			if got := w.queue.take(); len(got) != 0 {
				t.Fatalf("the first poll after the Case was created enqueued %v: carebridge's own create came back", got)
			}
			before := map[string]float64{}
			for _, object := range []string{"Case", "CaseComment"} {
				before[object] = w.metric("carebridge_salesforce_echoes_skipped_total", "object", object)
			}
			w.clock.Advance(2 * time.Second)
			tt.change(w)
			w.queue.take()
			w.clock.Advance(2 * time.Second)
			if err := w.engine.Triggers().PollSalesforce(w.ctx); err != nil {
				t.Fatal(err)
			}
			if got := w.queue.take(); !slices.Equal(got, tt.want) {
				t.Errorf("the poll enqueued %v, want %v", got, tt.want)
			}
			for _, object := range []string{"Case", "CaseComment"} {
				if got := w.metric("carebridge_salesforce_echoes_skipped_total", "object", object) - before[object]; got != tt.echoes[object] {
					t.Errorf("echoes skipped{%s} = %v, want %v", object, got, tt.echoes[object])
				}
			}
		})
	}
}
