package daemon_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/internal/testkit"
)

// TestAdminStatusShowsTheAPICostPerCase: the sync health page's API cost
// counts every API call carebridge made to each upstream (what the
// sandboxes served; not the OAuth sign-ins) and the cases it synced, so an
// admin reads the calls per case and the share of the org's daily limit.
func TestAdminStatusShowsTheAPICostPerCase(t *testing.T) {
	w := startWorld(t, withAdmin, manualPolls)
	for i := range 3 {
		w.escalate(t, fmt.Sprintf("cost_%d", i), strPtr("agent_ana"))
	}
	if err := w.d.Engine().Triggers().PollCare(context.Background()); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "three Cases", func() (bool, string) { return len(w.sf.Records("Case")) == 3, "" })
	w.quiet(t)
	sfCalls := func() float64 {
		n := 0
		for _, op := range []string{sfsim.OpQuery, sfsim.OpGet, sfsim.OpDescribe, sfsim.OpLimits, sfsim.OpOther, sfsim.OpCreate, sfsim.OpUpdate,
			sfsim.OpUpsert, sfsim.OpDelete, sfsim.OpCollectionsCreate, sfsim.OpCollectionsUpdate, sfsim.OpCollectionsUpsert, sfsim.OpCollectionsDelete, sfsim.OpComposite} {
			n += w.sf.Calls(op)
		}
		return float64(n)
	}
	careCalls := func() float64 {
		n := 0
		for _, op := range []string{caresim.OpListCases, caresim.OpGetCase, caresim.OpListMessages, caresim.OpListNotes, caresim.OpListAgents,
			caresim.OpListProfiles, caresim.OpAssignCase, caresim.OpSetCaseStatus, caresim.OpSetProfile, caresim.OpAddNote, caresim.OpPostReply, caresim.OpMessageAction} {
			n += w.care.Calls(op)
		}
		return float64(n)
	}
	var cost map[string]any
	testkit.Eventually(t, 20*time.Second, "the API cost counted (with the next heartbeat)", func() (bool, string) {
		code, status := w.admin(t, http.MethodGet, "/admin/api/status", nil)
		cost, _ = status["api_cost"].(map[string]any)
		return code == http.StatusOK && cost["salesforce_calls_24h"] == sfCalls() && cost["care_calls_24h"] == careCalls(),
			fmt.Sprintf("HTTP %d: %v; the sandboxes served %v Salesforce and %v Care calls", code, cost, sfCalls(), careCalls())
	})
	if cost["cases_synced_24h"] != float64(3) {
		t.Errorf("cases synced = %v, want 3", cost["cases_synced_24h"])
	}
	if got, want := cost["salesforce_calls_per_case"], sfCalls()/3; got != want {
		t.Errorf("Salesforce calls per case = %v, want %v", got, want)
	}
}
