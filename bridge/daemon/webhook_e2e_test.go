package daemon_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/bridge/work"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/internal/testkit"
)

// TestOddCaseIDsDoNotHoldUpWebhooks: Care delivers webhooks in order and
// redelivers an event until it is acknowledged. Events of cases whose ids
// carebridge cannot use (one longer than Care_Case_Id__c holds and than the
// receiver's own bound, one that is not valid UTF-8) are acknowledged at
// their first delivery, counted, and listed as cases that cannot be
// synced; so the events behind them arrive without a single redelivery,
// and their case (whose id holds a space, which is usable) syncs from its
// webhooks alone (no poll runs).
func TestOddCaseIDsDoNotHoldUpWebhooks(t *testing.T) {
	w := startWebhookWorld(t, manualPolls)
	w.escalate(t, strings.Repeat("x", 300), strPtr("agent_ana"))
	w.escalate(t, "odd\xffcase", strPtr("agent_ana"))
	w.escalate(t, "after odd", strPtr("agent_ana"))
	// Each escalation is a case.created and two message.created events.
	const events, odd = 9, 6
	testkit.Eventually(t, 20*time.Second, "every webhook delivered", func() (bool, string) {
		delivered, failed, pending := w.care.WebhookStats()
		return delivered == events && pending == 0, fmt.Sprintf("%d delivered, %d failed attempts, %d pending", delivered, failed, pending)
	})
	if _, failed, _ := w.care.WebhookStats(); failed != 0 {
		t.Errorf("%d deliveries were refused and redelivered, want none", failed)
	}
	testkit.Eventually(t, 20*time.Second, "the Case of the events behind the odd ones", func() (bool, string) { return w.sfCase("after odd") != nil, "" })
	aw := &actionWorld{w}
	deliveries := func(outcome string) float64 {
		return aw.metric(t, "carebridge_care_webhook_deliveries_total", map[string]string{"outcome": outcome})
	}
	if n := deliveries(care.OutcomeUnusableCaseID); n != odd {
		t.Errorf("unusable_case_id counted %v, want %d", n, odd)
	}
	if n := deliveries(care.OutcomeAccepted); n != events-odd {
		t.Errorf("accepted %v, want %d", n, events-odd)
	}
	listed, err := state.New(w.redis.Client(t), w.cfg.Redis.Prefix).UnsyncableCases(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	shown := map[string]string{}
	for _, c := range listed {
		shown[c.ID] = c.Reason
	}
	wantLong := `"` + strings.Repeat("x", 64) + `"... (300 characters)`
	if len(listed) != 2 || !strings.Contains(shown[wantLong], "longer than the 64 characters") ||
		shown["\"odd\ufffdcase\""] != "is not valid UTF-8" {
		t.Errorf("cases that cannot be synced: %+v", listed)
	}
	if d, err := w.d.Queue().Depth(context.Background()); err != nil || d.Dead != 0 {
		t.Errorf("queue %+v, %v", d, err)
	}
}

// TestAWebhookDuringItsCasesReconcileCostsNoSecondOne: a case's webhook
// starts a reconcile (a slow one: Care takes 400 ms to answer its read of
// the case), and while it waits the customer writes again. The new
// message's webhook arrives during the reconcile, whose read of the case
// and the conversation comes after the message: the event is checked once
// the reconcile is over and found in step, so it costs no second
// reconcile. Care's case is read once (twice before the checks), and the
// message is in Salesforce.
func TestAWebhookDuringItsCasesReconcileCostsNoSecondOne(t *testing.T) {
	ctx := context.Background()
	w := startWebhookWorld(t, manualPolls)
	w.care.InjectFault(caresim.Fault{Op: caresim.OpGetCase, Latency: 400 * time.Millisecond})
	w.escalate(t, "announced", strPtr("agent_ana"))
	key := work.ForCase("announced")
	testkit.Eventually(t, 20*time.Second, "the case's reconcile running", func() (bool, string) {
		running, err := w.d.Queue().Processing(ctx, []string{key})
		return err == nil && running[key], fmt.Sprint(err)
	})
	parent := "c_announced"
	if _, err := w.care.CustomerMessage("announced", care.Message{ID: "again", Kind: rules.ReplyKind, ParentID: &parent, Text: "Still broken"}); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "every webhook delivered", func() (bool, string) {
		delivered, _, pending := w.care.WebhookStats()
		return delivered >= 4 && pending == 0, fmt.Sprintf("%d delivered, %d pending", delivered, pending)
	})
	testkit.Eventually(t, 20*time.Second, "the queue drained, checks included", func() (bool, string) {
		d, err := w.d.Queue().Depth(ctx)
		checks, cerr := w.d.Queue().Waiting(ctx, work.Check.Prefix())
		return err == nil && cerr == nil && d.Ready+d.Delayed+d.Processing+checks == 0, fmt.Sprint(d, checks, err, cerr)
	})
	c := w.sfCase("announced")
	if c == nil {
		t.Fatal("no Case for the announced case")
	}
	mirrored := 0
	for _, m := range w.sf.Records("Care_Message__c") {
		if m["Case__c"] == c["Id"] {
			mirrored++
		}
	}
	if mirrored != 3 {
		t.Errorf("%d messages mirrored, want the 2 escalated and the new one", mirrored)
	}
	if n := w.care.Calls(caresim.OpGetCase); n != 1 {
		t.Errorf("Care's case was read %d times, want once", n)
	}
	aw := &actionWorld{w}
	inStep := aw.metric(t, "carebridge_care_change_checks_total", map[string]string{"outcome": "in_step"})
	if queued := aw.metric(t, "carebridge_care_change_checks_total", map[string]string{"outcome": "queued"}); inStep < 1 || queued != 0 {
		t.Errorf("events checked after the reconcile: %v in step, %v queued; want the new message's, in step", inStep, queued)
	}
}
