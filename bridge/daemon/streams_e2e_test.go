package daemon_test

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/internal/testkit"
)

// streamOnly makes Salesforce's changes come by the change stream alone:
// the scheduled poll and the sweep are an hour away, and the safety poll
// too.
func streamOnly(c *config.Config) {
	c.Schedule.PollSalesforce, c.Schedule.Sweep = "@every 1h", "@every 1h"
	c.Salesforce.SafetyPoll = time.Hour
}

// careAssignee waits until the Care case is assigned to agent.
func (w *world) careAssignee(t *testing.T, id, agent string) {
	t.Helper()
	testkit.Eventually(t, 20*time.Second, id+" assigned to "+agent+" in Care", func() (bool, string) {
		c, _ := w.care.Case(id)
		return c.AssigneeID != nil && *c.AssigneeID == agent, fmt.Sprint(c.AssigneeID)
	})
}

// TestStalledChangeStreamIsNoticed: Salesforce keeps an idle stream alive
// (here every 250 ms, for a salesforce.change_stream_timeout of 1 s) and an
// idle stream is never taken for dead; a stream that goes silent (the
// sandbox stalls it: no events, no keep-alives) is ended after the timeout,
// counted, and resumed from the stored replay id, so an agent's edit made
// meanwhile reaches Care without any poll.
func TestStalledChangeStreamIsNoticed(t *testing.T) {
	t.Parallel()
	w := &actionWorld{startWorld(t, streamOnly, func(c *config.Config) { c.Salesforce.ChangeStreamTimeout = time.Second })}
	topic := map[string]string{"topic": channelTopic}
	testkit.Eventually(t, 20*time.Second, "the change stream up", func() (bool, string) {
		v := w.metric(t, "carebridge_salesforce_change_stream_up", topic)
		return v == 1, fmt.Sprint(v)
	})
	sfID := w.linked(t, "stall_1", strPtr("agent_ana"))
	// Idle for several timeouts (the Care poll runs every second).
	runs := w.metricSum(t, "carebridge_job_runs_total", map[string]string{"task": "poll_care"})
	testkit.Eventually(t, 20*time.Second, "five seconds of an idle stream", func() (bool, string) {
		n := w.metricSum(t, "carebridge_job_runs_total", map[string]string{"task": "poll_care"})
		return n >= runs+5, fmt.Sprint(n)
	})
	if n := w.metric(t, "carebridge_salesforce_change_stream_stalls_total", topic); n != 0 {
		t.Fatalf("%v stalls counted on a stream kept alive", n)
	}
	starts := w.metric(t, "carebridge_salesforce_change_stream_starts_total", topic)

	if n := w.sf.StallStreams(); n != 1 {
		t.Fatalf("stalled %d streams, want 1", n)
	}
	if err := w.sf.Update("Case", sfID, map[string]any{"OwnerId": w.users["ben@example.com"]}); err != nil {
		t.Fatal(err)
	}
	w.careAssignee(t, "stall_1", "agent_ben")
	if n := w.metric(t, "carebridge_salesforce_change_stream_stalls_total", topic); n != 1 {
		t.Errorf("%v stalls counted, want 1", n)
	}
	if n := w.metric(t, "carebridge_salesforce_change_stream_starts_total", topic); n <= starts {
		t.Errorf("%v subscriptions opened, no more than before the stall", n)
	}
	if v := w.metricSum(t, "carebridge_job_runs_total", map[string]string{"task": "poll_salesforce"}); v != 0 {
		t.Errorf("the Salesforce poll ran %v times; the edit was to come by the resumed stream", v)
	}
}

// TestOddChangeEventsReachCare: the events a real org sends besides one
// per write, each reconciled: a gap event's records are reconciled; a
// wildcard (500*, a field type conversion that nulled a field in every
// Case) and an overflow run the catch-up poll and never hold the stream,
// so an edit after them still arrives; a change merged over two Cases
// reaches both. An edit of a Case that is not Care's sends nothing to the
// bridge, and what was delivered shows in the admin status.
func TestOddChangeEventsReachCare(t *testing.T) {
	t.Parallel()
	w := &actionWorld{startWorld(t, streamOnly, withAdmin, func(c *config.Config) { c.Salesforce.ChangeStreamTimeout = 2 * time.Second })}
	topic := map[string]string{"topic": channelTopic}
	testkit.Eventually(t, 20*time.Second, "the change stream up", func() (bool, string) {
		return w.metric(t, "carebridge_salesforce_change_stream_up", topic) == 1, ""
	})
	c1, c2 := w.linked(t, "odd_1", strPtr("agent_ana")), w.linked(t, "odd_2", strPtr("agent_ana"))
	ben := w.users["ben@example.com"]

	// A gap event: the change bypassed the application servers.
	w.emit(t, sfsim.OddChange{Kind: sfsim.OddGap, Object: "Case", ChangeType: sfsim.ChangeGapUpdate, RecordIDs: []string{c1}, Fields: map[string]any{"OwnerId": ben}})
	w.careAssignee(t, "odd_1", "agent_ben")

	// A wildcard: the sentiment (Care's, care_to_salesforce) is gone from
	// every Case; the catch-up poll finds them and puts Care's back.
	catchUps := w.metric(t, "carebridge_salesforce_change_catchups_total", topic)
	w.emit(t, sfsim.OddChange{Kind: sfsim.OddWildcard, Object: "Case", Field: "Care_Sentiment__c"})
	testkit.Eventually(t, 20*time.Second, "the sentiment back on both Cases", func() (bool, string) {
		a, b := w.sfCase("odd_1"), w.sfCase("odd_2")
		return a["Care_Sentiment__c"] == "negative" && b["Care_Sentiment__c"] == "negative", fmt.Sprint(a["Care_Sentiment__c"], b["Care_Sentiment__c"])
	})
	// An overflow: a transaction too large to name its records.
	w.emit(t, sfsim.OddChange{Kind: sfsim.OddOverflow, Object: "Case", RecordIDs: []string{c2}, Fields: map[string]any{"OwnerId": ben}})
	w.careAssignee(t, "odd_2", "agent_ben")
	if n := w.metric(t, "carebridge_salesforce_change_catchups_total", topic); n < catchUps+2 {
		t.Errorf("%v catch-ups, want the wildcard's and the overflow's", n-catchUps)
	}

	// One event for the same change to both Cases.
	w.emit(t, sfsim.OddChange{Kind: sfsim.OddMerged, Object: "Case", RecordIDs: []string{c1, c2}, Fields: map[string]any{"Status": "On Hold"}})
	for _, id := range []string{"odd_1", "odd_2"} {
		testkit.Eventually(t, 20*time.Second, id+" pending in Care", func() (bool, string) {
			c, _ := w.care.Case(id)
			return c.Status == rules.Pending, string(c.Status)
		})
	}
	if n := w.metric(t, "carebridge_salesforce_change_stream_up", topic); n != 1 {
		t.Errorf("the change stream is down (%v) after the odd events", n)
	}
	if v := w.metricSum(t, "carebridge_job_runs_total", map[string]string{"task": "poll_salesforce"}); v != 0 {
		t.Errorf("the scheduled Salesforce poll ran %v times", v)
	}

	// Cases that are not Care's cost no event: once the stored replay id
	// passed their edits (a keep-alive carries it), nothing more was
	// delivered.
	w.quiet(t)
	delivered := w.sf.DeliveredEvents()
	other, err := w.sf.Insert("Case", map[string]any{"Subject": "A phone call", "Status": "New"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"Low", "Medium", "High"} {
		if err := w.sf.Update("Case", other, map[string]any{"Priority": p}); err != nil {
			t.Fatal(err)
		}
	}
	w.storedPast(t, w.sf.LatestReplayID())
	if n := w.sf.DeliveredEvents(); n != delivered {
		t.Errorf("%d change events delivered for a Case that is not Care's", n-delivered)
	}
	code, status := w.admin(t, http.MethodGet, "/admin/api/status", nil)
	got, _ := status["salesforce_change_events"].(map[string]any)
	if code != http.StatusOK || got["delivered_24h"] != float64(delivered) {
		t.Errorf("status salesforce_change_events = %v (HTTP %d), want the %d events delivered", status["salesforce_change_events"], code, delivered)
	}
}

// emit sends one of a real org's odd change events through the sandbox's
// control API.
func (w *world) emit(t *testing.T, oc sfsim.OddChange) {
	t.Helper()
	if _, err := w.sf.EmitChange(oc); err != nil {
		t.Fatal(err)
	}
}

// storedPast waits until the change stream's stored replay id is at or past
// replay.
func (w *world) storedPast(t *testing.T, replay []byte) {
	t.Helper()
	cursors := state.New(w.redis.Client(t), w.cfg.Redis.Prefix)
	want := binary.BigEndian.Uint64(replay)
	testkit.Eventually(t, 20*time.Second, "the stored replay id past the last change", func() (bool, string) {
		v, _, err := cursors.Cursor(context.Background(), "pubsub:"+channelTopic)
		b, _ := base64.StdEncoding.DecodeString(v)
		return err == nil && len(b) == 8 && binary.BigEndian.Uint64(b) >= want, fmt.Sprint(b, err)
	})
}

// TestAutomationInCarebridgesTransactionIsReconciled: the org's flow
// assigns a Case when its status changes. carebridge writes a Care status
// change to the Case; the flow's assignment comes in the same transaction,
// so the change event carries carebridge's own changeOrigin, but it shows a
// field carebridge did not write: it is reconciled, and Care follows the
// new owner. carebridge's plain writes are still skipped as echoes.
func TestAutomationInCarebridgesTransactionIsReconciled(t *testing.T) {
	t.Parallel()
	w := &actionWorld{startWorld(t, streamOnly)}
	w.linked(t, "flow_1", strPtr("agent_ana"))
	w.quiet(t)
	echoes := w.metric(t, "carebridge_salesforce_echoes_skipped_total", map[string]string{"object": "Case"})
	if echoes == 0 {
		t.Error("no echo of carebridge's own Case writes skipped")
	}
	if err := w.sf.AddAutomation(sfsim.Automation{Name: "On hold goes to Ben", Object: "Case", WhenChanged: "Status",
		Set: map[string]any{"OwnerId": w.users["ben@example.com"]}}); err != nil {
		t.Fatal(err)
	}
	if err := w.care.UISetStatus("flow_1", rules.Pending); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "the Case On Hold", func() (bool, string) {
		r := w.sfCase("flow_1")
		return r["Status"] == "On Hold" && r["OwnerId"] == w.users["ben@example.com"], fmt.Sprint(r["Status"], r["OwnerId"])
	})
	w.careAssignee(t, "flow_1", "agent_ben")
}

// TestCatchUpIsRetriedUntilItSucceeds: a new leader whose stored replay id
// is past Salesforce's retention (or that finds none) starts from now and
// catches up with the polls; while Salesforce refuses the polls' queries
// the catch-up is not taken for done but retried, so the edit made while
// no replica ran reaches Care once Salesforce answers again.
func TestCatchUpIsRetriedUntilItSucceeds(t *testing.T) {
	t.Parallel()
	w := &actionWorld{startWorld(t, streamOnly)}
	sfID := w.linked(t, "retry_1", strPtr("agent_ana"))
	w.quiet(t)
	w.stop()

	if err := w.sf.Update("Case", sfID, map[string]any{"OwnerId": w.users["ben@example.com"]}); err != nil {
		t.Fatal(err)
	}
	w.sf.ExpireEvents()
	w.sf.InjectFault(sfsim.Fault{Op: sfsim.OpQuery, Status: http.StatusServiceUnavailable})
	queries := w.sf.Calls(sfsim.OpQuery)
	w.restart(t)
	testkit.Eventually(t, 20*time.Second, "catch-up polls refused and retried", func() (bool, string) {
		n := w.sf.Calls(sfsim.OpQuery) - queries
		return n >= 3, fmt.Sprint(n, " queries")
	})
	w.sf.ClearFaults()
	w.careAssignee(t, "retry_1", "agent_ben")
	if v := w.metricSum(t, "carebridge_job_runs_total", map[string]string{"task": "poll_salesforce"}); v != 0 {
		t.Errorf("the scheduled Salesforce poll ran %v times; the edit was to come by the catch-up", v)
	}
}
