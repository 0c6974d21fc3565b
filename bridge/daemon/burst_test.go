package daemon_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/internal/testkit"
)

// TestBurstOfNewCasesFillsBatches: 1,000 cases escalated at once cost at
// most 6 Salesforce write calls at the default worker count (the
// Collections limit of 200 records per call makes 5 the floor; each is a
// Composite request that reads the created Cases back), few queries (each
// new Case is read before its creation: 5, plus the poll's own),
// and few Redis pipelines: the reconciles running together read their stored
// state in one, save it in another, and record their results with their
// next leases in a third (measured: 0.03 per case; over 3 when each
// reconcile made its own). Each worker's first lease, and its looks at the
// emptied queue at the end, are single commands, not counted.
func TestBurstOfNewCasesFillsBatches(t *testing.T) {
	w := startWorld(t, manualPolls, func(c *config.Config) { c.Workers = config.Defaults().Workers })
	ctx := context.Background()
	const n = 1000
	profile := "prof_fb"
	for i := range n {
		id := "burst_" + strconv.Itoa(i)
		if _, err := w.care.Escalate(care.Case{ID: id, Platform: rules.Facebook, ProfileID: &profile, AssigneeID: strPtr("agent_ana"),
			Subject: "Burst " + id, Customer: care.Customer{ID: "u_" + id, Handle: "maria", Name: "Maria"}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	w.sf.ResetCalls()
	pipelines := func() float64 {
		return benchMetricSum(t, w.d, "carebridge_redis_round_trips_total", func(m *dto.Metric) bool {
			return m.GetLabel()[0].GetValue() == "pipeline"
		})
	}
	pipelines0 := pipelines()
	if err := w.d.Engine().Triggers().PollCare(ctx); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "1,000 Cases in Salesforce", func() (bool, string) {
		got := len(w.sf.Records("Case"))
		return got == n, fmt.Sprintf("%d Cases", got)
	})
	testkit.Eventually(t, 20*time.Second, "the queue drained", func() (bool, string) {
		d, err := w.d.Queue().Depth(ctx)
		return err == nil && d.Ready+d.Delayed+d.Processing == 0, fmt.Sprint(d, err)
	})
	if writes := sfWriteCalls(w.sf); sum(writes) > 6 {
		t.Errorf("1,000 new cases cost %d Salesforce write calls %v, want at most 6", sum(writes), writes)
	}
	// Unbatched, the burst costs a query per case (1,000); full batches cost
	// 5 plus the poll's own. A loaded machine splits a few batches where the
	// stream of cases pauses, so the bound leaves room for that and no more.
	if q := w.sf.Calls(sfsim.OpQuery); q > 20 {
		t.Errorf("1,000 new cases cost %d Salesforce queries, want at most 20", q)
	}
	perCase := (pipelines() - pipelines0) / n
	t.Logf("%.3f Redis pipelines per case", perCase)
	if perCase > 0.5 {
		t.Errorf("%.2f Redis pipelines per new case, want at most 0.5", perCase)
	}
}

// TestBurstOfConversationsSharesCalls: 200 cases escalated at once with 3
// messages each reach Salesforce in 2 write calls: the Cases in one
// (created and read back in one Composite request), their 600 mirrored
// messages in another (three collections requests of 200 in one Composite
// request). Calls of 200 records would take 4. A loaded machine may split
// one batch; no more.
func TestBurstOfConversationsSharesCalls(t *testing.T) {
	w := startWorld(t, manualPolls, func(c *config.Config) { c.Workers = config.Defaults().Workers })
	ctx := context.Background()
	const n = 200
	profile := "prof_fb"
	posted := time.Now().Add(-time.Hour)
	for i := range n {
		id := "talk_" + strconv.Itoa(i)
		parent := "post_" + id
		if _, err := w.care.Escalate(care.Case{ID: id, Platform: rules.Facebook, ProfileID: &profile, AssigneeID: strPtr("agent_ana"),
			Subject: "Talk " + id, Customer: care.Customer{ID: "u_" + id, Handle: "maria", Name: "Maria"}}, []care.Message{
			{ID: parent, Kind: rules.Post, Direction: care.Outbound, Text: "Our new tent!", PostedAt: posted},
			{ID: "c1_" + id, Kind: rules.Comment, ParentID: &parent, Text: "Mine broke", PostedAt: posted.Add(time.Minute)},
			{ID: "c2_" + id, Kind: rules.Comment, ParentID: &parent, Text: "Mine too", PostedAt: posted.Add(2 * time.Minute)},
		}); err != nil {
			t.Fatal(err)
		}
	}
	w.sf.ResetCalls()
	if err := w.d.Engine().Triggers().PollCare(ctx); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 30*time.Second, "600 mirrored messages", func() (bool, string) {
		got := len(w.sf.Records("Care_Message__c"))
		return got == 3*n, fmt.Sprintf("%d messages", got)
	})
	testkit.Eventually(t, 20*time.Second, "the queue drained", func() (bool, string) {
		d, err := w.d.Queue().Depth(ctx)
		return err == nil && d.Ready+d.Delayed+d.Processing == 0, fmt.Sprint(d, err)
	})
	if writes := sfWriteCalls(w.sf); sum(writes) > 3 {
		t.Errorf("200 new cases with 600 messages cost %d Salesforce write calls %v, want at most 3 (2 unsplit)", sum(writes), writes)
	}
}
