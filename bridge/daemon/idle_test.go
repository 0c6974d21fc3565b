package daemon_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/internal/testkit"
)

// TestIdleReplicaSpendsOneQueryPerPolledObjectPerPoll: a replica with
// nothing to do spends, per Salesforce poll, one query per polled object
// and, per Care poll, one listing; nothing else: no readiness probes, no
// /limits, no identity reads. Polling Salesforce, the objects are Case, the
// notes object and Care_Action__c; with its changes pushed (the default),
// only the notes object (Case comments have no change events). Run by the
// scheduler for more than ten polls (and two readiness intervals).
func TestIdleReplicaSpendsOneQueryPerPolledObjectPerPoll(t *testing.T) {
	for _, tt := range []struct {
		changes string
		objects int
	}{{"poll", 3}, {"pubsub", 1}} {
		t.Run(tt.changes, func(t *testing.T) { idleReplica(t, tt.changes, tt.objects) })
	}
}

func idleReplica(t *testing.T, changes string, objects int) {
	w := startWorld(t, func(c *config.Config) {
		c.Schedule.PollCare, c.Schedule.PollSalesforce, c.Schedule.Sweep = "@every 1s", "@every 1s", "@every 24h"
		c.Salesforce.Changes = changes
	})
	w.escalate(t, "idle_1", strPtr("agent_ana"))
	testkit.Eventually(t, 20*time.Second, "the Salesforce Case", func() (bool, string) { return w.sfCase("idle_1") != nil, "" })
	w.quiet(t)

	aw := &actionWorld{w}
	polls := func() float64 {
		return aw.metric(t, "carebridge_job_runs_total", map[string]string{"task": "poll_salesforce", "result": "success"})
	}
	idle := func() bool {
		return aw.metric(t, "carebridge_job_running", map[string]string{"task": "poll_salesforce"}) == 0 &&
			aw.metric(t, "carebridge_job_running", map[string]string{"task": "poll_care"}) == 0
	}
	// A snapshot counts only whole polls: taken while no poll runs, and
	// taken again if one started or ended meanwhile.
	snapshot := func(after float64) (n float64, sfQueries, sfAll, careList, careAll int) {
		t.Helper()
		testkit.Eventually(t, 20*time.Second, fmt.Sprintf("a quiet moment after poll %v", after), func() (bool, string) {
			n = polls()
			if n <= after || !idle() {
				return false, fmt.Sprint(n)
			}
			sfQueries, sfAll = w.sf.Calls(sfsim.OpQuery), w.sf.TotalCalls()
			careList, careAll = w.care.Calls(caresim.OpListCases), w.care.TotalCalls()
			return idle() && polls() == n, fmt.Sprint(n)
		})
		return n, sfQueries, sfAll, careList, careAll
	}
	if changes == "pubsub" {
		testkit.Eventually(t, 20*time.Second, "the change stream up", func() (bool, string) {
			v := aw.seriesValues(t, "carebridge_salesforce_change_stream_up", nil)
			return len(v) == 1 && v[0] == 1, fmt.Sprint(v)
		})
	}
	n0, q0, all0, cl0, ca0 := snapshot(polls())
	var n1 float64
	var q1, all1, cl1, ca1 int
	for n1 < n0+10 {
		n1, q1, all1, cl1, ca1 = snapshot(max(n1, n0))
	}
	runs := int(n1 - n0)
	if q := q1 - q0; q != objects*runs {
		t.Errorf("%d Salesforce queries over %d polls, want %d (one per polled object per poll)", q, runs, objects*runs)
	}
	if other := (all1 - all0) - (q1 - q0); other != 0 {
		t.Errorf("%d Salesforce calls besides the polls' queries while idle, want 0", other)
	}
	if other := (ca1 - ca0) - (cl1 - cl0); other != 0 {
		t.Errorf("%d Care calls besides the polls' listings while idle, want 0", other)
	}
}
