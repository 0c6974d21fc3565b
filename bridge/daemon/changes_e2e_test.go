package daemon_test

import (
	"fmt"
	"testing"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

// TestSalesforceChangesArePushed: with changes: pubsub (the default) and the
// Salesforce poll an hour away, an agent's edit of a Case reaches Care and a new
// action is sent, both carried by change events; carebridge's own writes
// come back as echoes and cost nothing; a reset stream resumes without
// losing the next change.
func TestSalesforceChangesArePushed(t *testing.T) {
	t.Parallel()
	w := &actionWorld{startWorld(t, func(c *config.Config) {
		c.Schedule.PollSalesforce = "@every 1h"
	})}

	streaming := func(what string) {
		t.Helper()
		eventually(t, what, func() (bool, string) {
			v := w.seriesValues(t, "carebridge_salesforce_change_stream_up", nil)
			return len(v) == 2 && v[0] == 1 && v[1] == 1, fmt.Sprint(v)
		})
	}
	streaming("both change streams up")
	w.escalate(t, "push_1", strPtr("agent_ana"))
	eventually(t, "the Salesforce Case", func() (bool, string) { return w.sfCase("push_1") != nil, "" })
	sfID := w.sfCase("push_1")["Id"].(string)
	eventually(t, "carebridge's own Case writes seen as echoes", func() (bool, string) {
		n := w.metric(t, "carebridge_salesforce_echoes_skipped_total", map[string]string{"object": "Case"})
		return n > 0, fmt.Sprint(n)
	})

	// Salesforce -> Care by the stream alone: reassigning the Case.
	if err := w.sf.Update("Case", sfID, map[string]any{"OwnerId": w.users["ben@example.com"]}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "Care assignee Ben", func() (bool, string) {
		c, _ := w.care.Case("push_1")
		return c.AssigneeID != nil && *c.AssigneeID == "agent_ben", fmt.Sprint(c.AssigneeID)
	})
	// An agent's reply is picked up by its change event.
	id := w.act(t, sfID, map[string]any{"Type__c": "reply", "Reply_Mode__c": "comment_on_post", "Body__c": "On it!"})
	if rec := w.finished(t, id); rec["Status__c"] != "Sent" {
		t.Fatalf("action %v: %v", rec["Status__c"], rec["Status_Reason__c"])
	}

	// The stream breaks; the subscription resumes after the last handled
	// replay id and the next change still arrives.
	if n := w.sf.ResetStreams(); n == 0 {
		t.Fatal("no open stream to reset")
	}
	streaming("both change streams back")
	if err := w.sf.Update("Case", sfID, map[string]any{"Status": "Closed"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "Care done", func() (bool, string) {
		c, _ := w.care.Case("push_1")
		return c.Status == rules.Done, string(c.Status)
	})
	if n := w.metricSum(t, "carebridge_salesforce_change_events_total", nil); n == 0 {
		t.Error("no change event counted")
	}
	if v := w.metric(t, "carebridge_job_runs_total", map[string]string{"task": "poll_salesforce"}); v != 0 {
		t.Errorf("the Salesforce poll ran %v times; the changes were to come by the stream alone", v)
	}
}
