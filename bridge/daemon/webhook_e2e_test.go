package daemon_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/connectors/care"
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
	eventually(t, "every webhook delivered", func() (bool, string) {
		delivered, failed, pending := w.care.WebhookStats()
		return delivered == events && pending == 0, fmt.Sprintf("%d delivered, %d failed attempts, %d pending", delivered, failed, pending)
	})
	if _, failed, _ := w.care.WebhookStats(); failed != 0 {
		t.Errorf("%d deliveries were refused and redelivered, want none", failed)
	}
	eventually(t, "the Case of the events behind the odd ones", func() (bool, string) { return w.sfCase("after odd") != nil, "" })
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
