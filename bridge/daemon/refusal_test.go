package daemon_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/internal/testkit"
)

// TestRefusedCaseUpdateShowsOnTheCaseAndClearsAfterTheFix: an org's
// validation rule refuses the bridge's update of a Case. The agent sees
// why on the Case (Care_Sync_Status__c = Error and the reason), and once
// the cause is fixed the next sweep syncs the case and clears the error,
// with nobody replaying a dead letter.
func TestRefusedCaseUpdateShowsOnTheCaseAndClearsAfterTheFix(t *testing.T) {
	w := startWorld(t, manualPolls, withAdmin)
	ctx := context.Background()
	w.linked(t, "rule_1", strPtr("agent_ana"))
	w.quiet(t)
	const message = "A Case on hold needs a reason."
	if err := w.sf.AddValidationRule(sfsim.ValidationRule{Object: "Case", Name: "Hold_Needs_Reason", Field: "Reason", Message: message,
		Violated: func(r map[string]any) bool { return r["Status"] == "On Hold" && r["Reason"] == nil }}); err != nil {
		t.Fatal(err)
	}

	if err := w.care.UISetStatus("rule_1", rules.Pending); err != nil {
		t.Fatal(err)
	}
	if err := w.d.Engine().Triggers().PollCare(ctx); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "the refusal shown on the Case", func() (bool, string) {
		r := w.sfCase("rule_1")
		return r["Care_Sync_Status__c"] == "Error", fmt.Sprint(r["Care_Sync_Status__c"], r["Care_Sync_Error__c"])
	})
	r := w.sfCase("rule_1")
	if reason, _ := r["Care_Sync_Error__c"].(string); !strings.Contains(reason, "FIELD_CUSTOM_VALIDATION_EXCEPTION") || !strings.Contains(reason, message) {
		t.Errorf("Care_Sync_Error__c = %q, want the code and the rule's message", reason)
	}
	if r["Status"] != "New" {
		t.Errorf("Status %v: the refused update must not be half applied", r["Status"])
	}
	if n := (&actionWorld{w}).metric(t, "carebridge_salesforce_case_refusals_total", map[string]string{"code": "FIELD_CUSTOM_VALIDATION_EXCEPTION"}); n < 1 {
		t.Errorf("refusals counted %v, want at least 1", n)
	}

	// The failing case is visible to ops, and parked rather than dead:
	// retrying cannot help until someone fixes the cause.
	testkit.Eventually(t, 20*time.Second, "the case listed as failing", func() (bool, string) {
		f, err := w.d.Queue().Failing(ctx, 10)
		return err == nil && len(f) == 1 && f[0].Key == "case:rule_1" && f[0].Parked, fmt.Sprint(f, err)
	})
	if code, status := w.admin(t, http.MethodGet, "/admin/api/status", nil); code != http.StatusOK || !strings.Contains(fmt.Sprint(status["failing_keys"]), "case:rule_1") {
		t.Errorf("admin status %d lists failing keys %v; want case:rule_1", code, status["failing_keys"])
	}

	// The agent fixes the cause; the next sweep syncs the case again.
	if err := w.sf.Update("Case", r["Id"].(string), map[string]any{"Reason": "Other"}); err != nil {
		t.Fatal(err)
	}
	if err := w.d.Engine().Triggers().Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "the case synced and the error cleared", func() (bool, string) {
		r := w.sfCase("rule_1")
		return r["Status"] == "On Hold" && r["Care_Sync_Status__c"] == "Synced" && r["Care_Sync_Error__c"] == nil,
			fmt.Sprint(r["Status"], " ", r["Care_Sync_Status__c"], " ", r["Care_Sync_Error__c"])
	})
	testkit.Eventually(t, 20*time.Second, "the failure forgotten", func() (bool, string) {
		d, err := w.d.Queue().Depth(ctx)
		return err == nil && d.Dead == 0 && d.Failing == 0, fmt.Sprint(d, err)
	})
}
