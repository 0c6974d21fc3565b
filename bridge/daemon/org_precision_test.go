package daemon_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/upstream"
	"github.com/carebridge/carebridge/internal/testkit"
)

// manualPolls leaves every poll and the sweep to the test.
func manualPolls(c *config.Config) {
	c.Schedule.PollCare, c.Schedule.PollSalesforce, c.Schedule.Sweep = "@every 24h", "@every 24h", "@every 24h"
	c.Salesforce.Changes = "poll" // no pushed changes either: the test triggers every sync
}

// TestSameSecondEditsInSalesforceReachCareByTheNextPoll: a real org stamps
// whole seconds. An agent puts the Case on hold; a poll and a reconcile run;
// within the same second the agent reassigns the Case. The reassignment must
// reach Care at the next poll, not at the next sweep.
func TestSameSecondEditsInSalesforceReachCareByTheNextPoll(t *testing.T) {
	w := startWorld(t, manualPolls)
	ctx := context.Background()
	id := w.linked(t, "sec_1", strPtr("agent_ana"))
	if err := w.d.Engine().Triggers().PollSalesforce(ctx); err != nil {
		t.Fatal(err)
	}
	w.quiet(t)

	w.freezeSalesforceClock(time.Now().UTC().Truncate(time.Second).Add(300 * time.Millisecond))
	if err := w.sf.Update("Case", id, map[string]any{"Status": "On Hold"}); err != nil {
		t.Fatal(err)
	}
	stamp := w.sfCase("sec_1")["SystemModstamp"]
	if err := w.d.Engine().Triggers().PollSalesforce(ctx); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "Care pending", func() (bool, string) {
		c, _ := w.care.Case("sec_1")
		return c.Status == rules.Pending, string(c.Status)
	})
	w.quiet(t)

	if err := w.sf.Update("Case", id, map[string]any{"OwnerId": w.users["ben@example.com"]}); err != nil {
		t.Fatal(err)
	}
	if got := w.sfCase("sec_1")["SystemModstamp"]; got != stamp {
		t.Fatalf("premise: the second edit is stamped %v, the first %v; want one second", got, stamp)
	}
	if err := w.d.Engine().Triggers().PollSalesforce(ctx); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "Care assigned to Ben by the next poll", func() (bool, string) {
		c, _ := w.care.Case("sec_1")
		return c.AssigneeID != nil && *c.AssigneeID == "agent_ben", fmt.Sprint(c.AssigneeID)
	})
}

// TestAgentChangeWithinTheSecondOfTheReadIsNotOverwritten: the reconcile
// reads the Case, the agent closes it within the same second (so
// SystemModstamp does not move), and the reconcile must still notice before
// writing Salesforce.
func TestAgentChangeWithinTheSecondOfTheReadIsNotOverwritten(t *testing.T) {
	w := startWorld(t, slowRetries, manualPolls)
	ctx := context.Background()
	w.escalate(t, "sec_2", strPtr("agent_ana"))
	w.freezeSalesforceClock(time.Now().UTC().Truncate(time.Second))
	if err := w.d.Engine().ReconcileCase(ctx, "sec_2"); err != nil {
		t.Fatal(err)
	}
	id := w.sfCase("sec_2")["Id"].(string)
	if err := w.care.UISetStatus("sec_2", rules.Pending); err != nil {
		t.Fatal(err)
	}
	w.customerEditsTheirComment(t, "sec_2") // so the reconcile reads the conversation, slowly
	reads, queries := w.care.Calls(caresim.OpListMessages), answered(t, w, "salesforce")
	w.care.InjectFault(caresim.Fault{Op: caresim.OpListMessages, Latency: time.Second})
	done := make(chan error, 1)
	go func() { done <- w.d.Engine().ReconcileCase(ctx, "sec_2") }()
	testkit.Eventually(t, 20*time.Second, "the reconcile reading the conversation, with the Case read", func() (bool, string) {
		return w.care.Calls(caresim.OpListMessages) > reads && answered(t, w, "salesforce") > queries, ""
	})
	stamp := w.sfCase("sec_2")["SystemModstamp"]
	if err := w.sf.Update("Case", id, map[string]any{"Status": "Closed"}); err != nil {
		t.Fatal(err)
	}
	if got := w.sfCase("sec_2")["SystemModstamp"]; got != stamp {
		t.Fatalf("premise: the agent's close is stamped %v, the reconcile read %v; want one second", got, stamp)
	}
	err := <-done
	w.care.ClearFaults()
	if r := w.sfCase("sec_2"); r["Status"] != "Closed" {
		t.Fatalf("Salesforce Status %v after the reconcile (err %v); the agent's close was overwritten", r["Status"], err)
	}
	if !upstream.IsRetryable(err) {
		t.Fatalf("reconcile on stale Salesforce data: %v, want a retryable error", err)
	}
	if err := w.d.Engine().ReconcileCase(ctx, "sec_2"); err != nil {
		t.Fatal(err)
	}
	c, _ := w.care.Case("sec_2")
	r := w.sfCase("sec_2")
	if want := map[rules.Status]string{rules.Done: "Closed", rules.Pending: "On Hold"}[c.Status]; r["Status"] != want {
		t.Errorf("after the retry the sides disagree: Care %s, Salesforce %v", c.Status, r["Status"])
	}
}
