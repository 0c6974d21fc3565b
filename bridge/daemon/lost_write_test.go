package daemon_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/connectors/upstream"
	"github.com/carebridge/carebridge/internal/testkit"
)

// slowRetries keeps a failed key waiting out its backoff for the whole test,
// so the test decides when the next reconcile runs.
func slowRetries(c *config.Config) { c.Queue.BaseDelay, c.Queue.MaxDelay = time.Hour, time.Hour }

// TestOwnWriteIsNotMistakenForAChange: a Salesforce write lands but its
// answer is lost (the reconcile fails before storing its base), and the
// agent changes the Care case again before the next reconcile. The next
// reconcile must send the agent's latest value to Salesforce, not take the
// bridge's own earlier write for a Salesforce change and undo the agent's
// work in Care.
func TestOwnWriteIsNotMistakenForAChange(t *testing.T) {
	w := startWorld(t, slowRetries)
	w.escalate(t, "lost_1", strPtr("agent_ana"))
	testkit.Eventually(t, 20*time.Second, "the Salesforce Case", func() (bool, string) { return w.sfCase("lost_1") != nil, "" })
	w.quiet(t)

	w.sf.InjectFault(sfsim.Fault{Op: sfsim.OpCollectionsUpdate, Status: http.StatusServiceUnavailable, Times: 1, LoseResponse: true})
	if err := w.care.UISetStatus("lost_1", rules.Pending); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "On Hold in Salesforce, its answer lost", func() (bool, string) {
		r := w.sfCase("lost_1")
		return r["Status"] == "On Hold" && len(w.sf.Faults()) == 0, fmt.Sprint(r["Status"], " faults left ", len(w.sf.Faults()))
	})
	// The agent reopens the case before the bridge retries.
	if err := w.care.UISetStatus("lost_1", rules.Open); err != nil {
		t.Fatal(err)
	}
	if err := w.d.Engine().ReconcileCase(context.Background(), "lost_1"); err != nil {
		t.Fatal(err)
	}
	c, _ := w.care.Case("lost_1")
	r := w.sfCase("lost_1")
	if c.Status != rules.Open || r["Status"] != "New" {
		t.Errorf("after the retry: Care %s, Salesforce %v; want Care open and Salesforce New (the agent's latest change)", c.Status, r["Status"])
	}
	if n := (&actionWorld{w}).metricSum(t, "carebridge_conflicts_total", nil); n != 0 {
		t.Errorf("%v conflicts counted; the bridge's own write is no conflict", n)
	}
}

// TestOwnCareWriteIsNotMistakenForAChange is the mirror image: the Care
// write lands, its answer is lost, and the agent changes the Salesforce Case
// again before the next reconcile.
func TestOwnCareWriteIsNotMistakenForAChange(t *testing.T) {
	w := startWorld(t, slowRetries)
	w.escalate(t, "lost_2", strPtr("agent_ana"))
	testkit.Eventually(t, 20*time.Second, "the Salesforce Case", func() (bool, string) { return w.sfCase("lost_2") != nil, "" })
	w.quiet(t)
	id := w.sfCase("lost_2")["Id"].(string)

	w.care.InjectFault(caresim.Fault{Op: caresim.OpAssignCase, Status: http.StatusServiceUnavailable, Times: 1, LoseResponse: true})
	if err := w.sf.Update("Case", id, map[string]any{"OwnerId": w.users["ben@example.com"]}); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "Ben assigned in Care, the answer lost", func() (bool, string) {
		c, _ := w.care.Case("lost_2")
		return c.AssigneeID != nil && *c.AssigneeID == "agent_ben" && len(w.care.Faults()) == 0, fmt.Sprint(c.AssigneeID)
	})
	// The agent hands the Case back to Ana before the bridge retries.
	if err := w.sf.Update("Case", id, map[string]any{"OwnerId": w.users["ana@example.com"]}); err != nil {
		t.Fatal(err)
	}
	if err := w.d.Engine().ReconcileCase(context.Background(), "lost_2"); err != nil {
		t.Fatal(err)
	}
	c, _ := w.care.Case("lost_2")
	r := w.sfCase("lost_2")
	if c.AssigneeID == nil || *c.AssigneeID != "agent_ana" || r["OwnerId"] != w.users["ana@example.com"] {
		assignee := "(none)"
		if c.AssigneeID != nil {
			assignee = *c.AssigneeID
		}
		t.Errorf("after the retry: Care assignee %s, Salesforce owner %v; want Ana on both (the agent's latest change)", assignee, r["OwnerId"])
	}
	if n := (&actionWorld{w}).metricSum(t, "carebridge_conflicts_total", nil); n != 0 {
		t.Errorf("%v conflicts counted; the bridge's own write is no conflict", n)
	}
}

// TestAgentChangeDuringReconcileIsNotOverwritten: an agent changes the Care
// case after a reconcile read it and before it writes Care. Care's writes
// are not conditional, so the reconcile re-reads the case first: it must
// give up (and retry) instead of overwriting the agent's change with a
// decision made on the old state.
func TestAgentChangeDuringReconcileIsNotOverwritten(t *testing.T) {
	w := startWorld(t, slowRetries, manualPolls)
	w.escalate(t, "race_1", strPtr("agent_ana"))
	ctx := context.Background()
	if err := w.d.Engine().ReconcileCase(ctx, "race_1"); err != nil {
		t.Fatal(err)
	}
	id := w.sfCase("race_1")["Id"].(string)
	// The agent's close in Salesforce is seconds older than the agent's
	// change in Care below (newest_wins compares whole seconds).
	w.freezeSalesforceClock(time.Now().Add(-5 * time.Second))
	if err := w.sf.Update("Case", id, map[string]any{"Status": "Closed"}); err != nil {
		t.Fatal(err)
	}
	// The reconcile's Salesforce read is slow; the agent acts once the
	// reconcile has read Care (the reads run at once).
	queries, careReads := w.sf.Calls(sfsim.OpQuery), answered(t, w, "care")
	w.sf.InjectFault(sfsim.Fault{Op: sfsim.OpQuery, Latency: time.Second, Times: 1})
	done := make(chan error, 1)
	go func() { done <- w.d.Engine().ReconcileCase(ctx, "race_1") }()
	testkit.Eventually(t, 20*time.Second, "the reconcile reading Salesforce, with Care's answers in", func() (bool, string) {
		return w.sf.Calls(sfsim.OpQuery) > queries && answered(t, w, "care") >= careReads+1, ""
	})
	if err := w.care.UISetStatus("race_1", rules.Pending); err != nil {
		t.Fatal(err)
	}
	err := <-done
	if c, _ := w.care.Case("race_1"); c.Status != rules.Pending {
		t.Fatalf("Care status %s after the reconcile (err %v); the agent's pending was overwritten", c.Status, err)
	}
	if !upstream.IsRetryable(err) {
		t.Fatalf("reconcile on stale Care data: %v, want a retryable error", err)
	}
	// Reconciled again, the conflict is seen and decided by the policy
	// (newest wins: the agent's Care change).
	if err := w.d.Engine().ReconcileCase(ctx, "race_1"); err != nil {
		t.Fatal(err)
	}
	c, _ := w.care.Case("race_1")
	if r := w.sfCase("race_1"); c.Status != rules.Pending || r["Status"] != "On Hold" {
		t.Errorf("after the retry: Care %s, Salesforce %v; want pending / On Hold", c.Status, r["Status"])
	}
	if n := (&actionWorld{w}).metricSum(t, "carebridge_conflicts_total", nil); n != 1 {
		t.Errorf("%v conflicts counted, want 1", n)
	}
}

// TestAgentChangeInSalesforceDuringReconcileIsNotOverwritten is the mirror
// image: the agent closes the Case after the reconcile read it and before it
// writes Salesforce.
func TestAgentChangeInSalesforceDuringReconcileIsNotOverwritten(t *testing.T) {
	w := startWorld(t, slowRetries, manualPolls)
	w.escalate(t, "race_2", strPtr("agent_ana"))
	ctx := context.Background()
	if err := w.d.Engine().ReconcileCase(ctx, "race_2"); err != nil {
		t.Fatal(err)
	}
	id := w.sfCase("race_2")["Id"].(string)
	if err := w.care.UISetStatus("race_2", rules.Pending); err != nil {
		t.Fatal(err)
	}
	w.customerEditsTheirComment(t, "race_2") // so the reconcile reads the conversation, slowly
	// After reading both sides the reconcile reads the conversation,
	// slowly; the agent closes the Case meanwhile.
	reads, queries := w.care.Calls(caresim.OpListMessages), answered(t, w, "salesforce")
	w.care.InjectFault(caresim.Fault{Op: caresim.OpListMessages, Latency: time.Second})
	done := make(chan error, 1)
	go func() { done <- w.d.Engine().ReconcileCase(ctx, "race_2") }()
	testkit.Eventually(t, 20*time.Second, "the reconcile reading the conversation, with the Case read", func() (bool, string) {
		return w.care.Calls(caresim.OpListMessages) > reads && answered(t, w, "salesforce") > queries, ""
	})
	if err := w.sf.Update("Case", id, map[string]any{"Status": "Closed"}); err != nil {
		t.Fatal(err)
	}
	err := <-done
	w.care.ClearFaults()
	if r := w.sfCase("race_2"); r["Status"] != "Closed" {
		t.Fatalf("Salesforce Status %v after the reconcile (err %v); the agent's close was overwritten", r["Status"], err)
	}
	if !upstream.IsRetryable(err) {
		t.Fatalf("reconcile on stale Salesforce data: %v, want a retryable error", err)
	}
	if err := w.d.Engine().ReconcileCase(ctx, "race_2"); err != nil {
		t.Fatal(err)
	}
	c, _ := w.care.Case("race_2")
	if r := w.sfCase("race_2"); c.Status != rules.Done || r["Status"] != "Closed" {
		t.Errorf("after the retry: Care %s, Salesforce %v; want done / Closed (the agent's close is newest)", c.Status, r["Status"])
	}
	if n := (&actionWorld{w}).metricSum(t, "carebridge_conflicts_total", nil); n != 1 {
		t.Errorf("%v conflicts counted, want 1", n)
	}
}

// answered counts the answers w's daemon has had from system (a reconcile's
// reads run at once: a test that acts between them waits for answers, not
// for requests).
func answered(t *testing.T, w *world, system string) float64 {
	t.Helper()
	return (&actionWorld{w}).metricSum(t, "carebridge_upstream_requests_total", map[string]string{"system": system})
}
