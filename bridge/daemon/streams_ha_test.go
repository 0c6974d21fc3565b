package daemon_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/internal/redistest"
	"github.com/carebridge/carebridge/internal/testkit"
)

// TestSentinelFailoverUnderTheLeaderKeepsSalesforceEdits: agents reassign
// Cases while the Redis master under the leader is killed and Sentinel
// promotes its replica. The leader's change stream cannot store its replay
// id, nor read it back, until the failover ends; it reads it again with
// backoff instead of restarting from now, and resumes after it, so every
// edit reaches Care by the stream: the Salesforce poll and the sweep are an
// hour away, and so is the safety poll. The leader keeps its lease through
// the failover (a long lease), as a leader does whose Redis recovers in
// time; a leader that loses it hands over to one that reads the replay id.
func TestSentinelFailoverUnderTheLeaderKeepsSalesforceEdits(t *testing.T) {
	ha := redistest.StartSentinel(t)
	w := &actionWorld{startWorldOn(t, nil, config.Redis{Sentinel: config.RedisSentinel{MasterName: redistest.MasterName, Addrs: ha.Addrs()}},
		streamOnly, func(c *config.Config) {
			c.Queue.Lease = 5 * time.Second
			c.Leader.Lease = time.Minute
		})}
	const n = 6
	sfIDs := make([]string, n)
	for i := range n {
		sfIDs[i] = w.linked(t, "fo_"+strconv.Itoa(i), strPtr("agent_ana"))
	}
	w.quiet(t)

	// The replica is busy for a few seconds (CLIENT PAUSE), so the failover
	// takes that long: longer than the leader's Redis client keeps trying.
	old := ha.Master()
	if err := ha.Replica().Client(t).Do(t.Context(), "CLIENT", "PAUSE", "6000", "ALL").Err(); err != nil {
		t.Fatal(err)
	}
	old.Kill()
	// Agents edit while Redis fails over, and after.
	for i := range n / 2 {
		if err := w.sf.Update("Case", sfIDs[i], map[string]any{"OwnerId": w.users["ben@example.com"]}); err != nil {
			t.Fatal(err)
		}
	}
	ha.WaitFailover(old)
	ready(t, w.d)
	for i := n / 2; i < n; i++ {
		if err := w.sf.Update("Case", sfIDs[i], map[string]any{"OwnerId": w.users["ben@example.com"]}); err != nil {
			t.Fatal(err)
		}
	}
	testkit.Eventually(t, haTimeout, "every edit in Care", func() (bool, string) {
		var missing []string
		for i := range n {
			id := "fo_" + strconv.Itoa(i)
			if c, _ := w.care.Case(id); c.AssigneeID == nil || *c.AssigneeID != "agent_ben" {
				missing = append(missing, id)
			}
		}
		return len(missing) == 0, fmt.Sprint("not yet in Care: ", missing)
	})
	if v := w.metricSum(t, "carebridge_job_runs_total", map[string]string{"task": "poll_salesforce"}); v != 0 {
		t.Errorf("the scheduled Salesforce poll ran %v times; the edits were to come by the stream", v)
	}
}
