package bridge

import (
	"math"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/care/rules"
)

// TestActionLatencyFromCreation: carebridge_action_latency_seconds
// observes, per result, the time from the agent creating the action
// (CreatedDate) to its outcome on the record, the number behind the "action
// latency" panel.
func TestActionLatencyFromCreation(t *testing.T) {
	aw := newActionWorld(t)
	sent := aw.act("", replyAction(rules.PublicReply, "We are on it"))
	empty := aw.act("", replyAction(rules.PublicReply, "  "))
	aw.clock.Advance(90 * time.Second)
	aw.mustRun(sent)
	aw.clock.Advance(30 * time.Second)
	aw.mustRun(empty)

	type obs struct {
		count uint64
		sum   float64
	}
	got := map[string]obs{}
	mfs, err := aw.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "carebridge_action_latency_seconds" {
			continue
		}
		for _, m := range mf.GetMetric() {
			h := m.GetHistogram()
			got[m.GetLabel()[0].GetValue()] = obs{h.GetSampleCount(), h.GetSampleSum()}
		}
	}
	// Every result's series exists (at zero) so that rate() sees the first.
	// The fake Salesforce stamps CreatedDate to the second, hence the slack.
	want := map[string]obs{resultSent: {1, 90}, resultRejected: {1, 120}, resultFailed: {0, 0}}
	for r, w := range want {
		if g, ok := got[r]; !ok || g.count != w.count || math.Abs(g.sum-w.sum) > 1 {
			t.Errorf("carebridge_action_latency_seconds{result=%q}: count %d sum %v (present %v); want count %d sum %v", r, g.count, g.sum, ok, w.count, w.sum)
		}
	}
}
