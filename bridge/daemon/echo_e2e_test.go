package daemon_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/internal/testkit"
)

// TestCarebridgesOwnCaseWriteDoesNotComeBack: carebridge writes a Care
// change to the Case (as the integration user, whole-second stamps and
// all, in the Salesforce sandbox); the next Salesforce poll sees the Case
// changed and recognises the write as carebridge's own: no reconcile.
func TestCarebridgesOwnCaseWriteDoesNotComeBack(t *testing.T) {
	w := startWorld(t, manualPolls)
	ctx := context.Background()
	w.linked(t, "echo_1", strPtr("agent_ana"))
	w.quiet(t)
	if err := w.care.UISetStatus("echo_1", rules.Pending); err != nil {
		t.Fatal(err)
	}
	if err := w.d.Engine().Triggers().PollCare(ctx); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "the Care change on the Case", func() (bool, string) {
		r := w.sfCase("echo_1")
		return r["Status"] == "On Hold", fmt.Sprint(r["Status"])
	})
	testkit.Eventually(t, 20*time.Second, "the queue drained", func() (bool, string) {
		d, err := w.d.Queue().Depth(ctx)
		return err == nil && d.Ready+d.Delayed+d.Processing == 0, fmt.Sprint(d, err)
	})
	aw := &actionWorld{w}
	adds, echoes := aw.metric(t, "carebridge_queue_adds_total", nil), aw.metric(t, "carebridge_salesforce_echoes_skipped_total", map[string]string{"object": "Case"})
	if err := w.d.Engine().Triggers().PollSalesforce(ctx); err != nil {
		t.Fatal(err)
	}
	if n := aw.metric(t, "carebridge_queue_adds_total", nil) - adds; n != 0 {
		t.Errorf("the Salesforce poll enqueued %v keys for carebridge's own write", n)
	}
	if n := aw.metric(t, "carebridge_salesforce_echoes_skipped_total", map[string]string{"object": "Case"}) - echoes; n != 1 {
		t.Errorf("echoes skipped = %v, want the one Case", n)
	}

	// An agent's edit of the same Case is reconciled.
	if err := w.sf.Update("Case", w.sfCase("echo_1")["Id"].(string), map[string]any{"Priority": "Low"}); err != nil {
		t.Fatal(err)
	}
	adds = aw.metric(t, "carebridge_queue_adds_total", nil)
	if err := w.d.Engine().Triggers().PollSalesforce(ctx); err != nil {
		t.Fatal(err)
	}
	if n := aw.metric(t, "carebridge_queue_adds_total", nil) - adds; n != 1 {
		t.Errorf("the Salesforce poll enqueued %v keys for an agent's edit, want 1", n)
	}
}
