package daemon_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/internal/testkit"
)

// TestClosedCasesRetireAndComeBackWhenReopened: the sweep stops covering
// cases closed on both sides for longer than retention.closed_cases and
// drops their state from Redis (kept in the audit); a retired case reopened
// on either side is picked up again and merged against the values both
// sides last agreed on, so the reopen is not undone and nothing duplicates.
func TestClosedCasesRetireAndComeBackWhenReopened(t *testing.T) {
	w := startWorld(t, manualPolls, func(c *config.Config) {
		c.Retention.ClosedCases, c.Retention.RetiredBase = time.Second, time.Hour
	})
	ctx := context.Background()
	st := state.New(w.redis.Client(t), w.cfg.Redis.Prefix)
	ids := []string{"ret_sf", "ret_care", "ret_open"}
	for _, id := range ids {
		w.escalate(t, id, strPtr("agent_ana"))
	}
	if err := w.d.Engine().Triggers().PollCare(ctx); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "the Salesforce Cases", func() (bool, string) {
		return w.sfCase("ret_sf") != nil && w.sfCase("ret_care") != nil && w.sfCase("ret_open") != nil, ""
	})
	for _, id := range ids[:2] {
		if err := w.care.UISetStatus(id, rules.Done); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.d.Engine().Triggers().PollCare(ctx); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "both Cases Closed", func() (bool, string) {
		a, b := w.sfCase("ret_sf"), w.sfCase("ret_care")
		return a["Status"] == "Closed" && b["Status"] == "Closed", fmt.Sprint(a["Status"], b["Status"])
	})
	w.quiet(t)
	messages := len(w.sf.Records("Care_Message__c"))

	linked := func() []string {
		ids, _, err := st.LinkedCases(ctx, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	testkit.Eventually(t, 20*time.Second, "the closed cases retired by the sweep", func() (bool, string) {
		if err := w.d.Engine().Triggers().Sweep(ctx); err != nil {
			return false, err.Error()
		}
		l := linked()
		return !slices.Contains(l, "ret_sf") && !slices.Contains(l, "ret_care"), fmt.Sprint(l)
	})
	if l := linked(); !slices.Equal(l, []string{"ret_open"}) {
		t.Errorf("linked after retiring = %v, want only the open case", l)
	}
	keys, err := w.redis.Client(t).Keys(ctx, w.cfg.Redis.Prefix+"{case:ret_sf}*").Result()
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(keys)
	// The timeline keeps the retirement itself for the case explorer; like
	// the base it expires.
	if want := []string{w.cfg.Redis.Prefix + "{case:ret_sf}:base", w.cfg.Redis.Prefix + "{case:ret_sf}:base_at", w.cfg.Redis.Prefix + "{case:ret_sf}:timeline"}; !slices.Equal(keys, want) {
		t.Errorf("Redis keys of a retired case = %v, want only its expiring base and timeline %v", keys, want)
	}
	for _, k := range keys {
		if ttl, err := w.redis.Client(t).PTTL(ctx, k).Result(); err != nil || ttl <= 0 {
			t.Errorf("retired case's key %s expires in %v (%v), want a time to live", k, ttl, err)
		}
	}
	audit, err := st.RecentAudit(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	retired := map[string]string{}
	for _, a := range audit {
		if a.Resolution == "retired" {
			retired[a.Case] = a.To
		}
	}
	if len(retired) != 2 || !strings.Contains(retired["ret_sf"], `status="done"`) {
		t.Errorf("retirements in the audit = %v, want both cases with their last values", retired)
	}
	if n := (&actionWorld{w}).metric(t, "carebridge_cases_retired_total", nil); n != 2 {
		t.Errorf("carebridge_cases_retired_total = %v, want 2", n)
	}

	// An agent reopens one in Salesforce; a customer's case reopens in Care.
	if err := w.sf.Update("Case", w.sfCase("ret_sf")["Id"].(string), map[string]any{"Status": "Working"}); err != nil {
		t.Fatal(err)
	}
	if err := w.care.UISetStatus("ret_care", rules.Open); err != nil {
		t.Fatal(err)
	}
	if err := w.d.Engine().Triggers().PollSalesforce(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.d.Engine().Triggers().PollCare(ctx); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "both reopens synced", func() (bool, string) {
		cs, _ := w.care.Case("ret_sf")
		sfc := w.sfCase("ret_care")
		return cs.Status == rules.Open && sfc["Status"] == "New", fmt.Sprint(cs.Status, " ", sfc["Status"])
	})
	w.quiet(t)
	if r := w.sfCase("ret_sf"); r["Status"] != "Working" {
		t.Errorf("the agent's reopen was undone: Status %v", r["Status"])
	}
	if l := linked(); len(l) != 3 {
		t.Errorf("linked after the reopens = %v, want all three", l)
	}
	cases := 0
	for _, r := range w.sf.Records("Case") {
		if id, _ := r["Care_Case_Id__c"].(string); strings.HasPrefix(id, "ret_") {
			cases++
		}
	}
	if cases != 3 || len(w.sf.Records("Care_Message__c")) != messages {
		t.Errorf("%d Cases and %d messages after the reopens, want 3 and %d (nothing duplicated)", cases, len(w.sf.Records("Care_Message__c")), messages)
	}
}
