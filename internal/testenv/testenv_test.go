package testenv_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/internal/redistest"
	"github.com/carebridge/carebridge/internal/testenv"
	"github.com/carebridge/carebridge/internal/testkit"
)

func TestMain(m *testing.M) { os.Exit(testenv.RunTests(m)) }

// TestDaemonProcessSyncsAndStops drives the whole harness once: sandboxes,
// config, a daemon process, readiness, metrics, a synced case and a clean
// SIGTERM exit.
func TestDaemonProcessSyncsAndStops(t *testing.T) {
	redis := redistest.Start(t)
	sb := testenv.StartSandboxes(t)
	cfg := testenv.WriteConfig(t, sb, testenv.Config{RedisAddr: redis.Addr()})
	p := testenv.StartDaemon(t, cfg)

	testkit.Eventually(t, 20*time.Second, "/readyz ready", p.Ready)
	ana := sb.People[0]
	sb.Escalate(t, "case_h1", &ana.CareAgentID)
	testkit.Eventually(t, 20*time.Second, "the Salesforce Case owned by "+ana.Email, func() (bool, string) {
		r := sb.SalesforceCase("case_h1")
		return r != nil && r["OwnerId"] == ana.SalesforceID, "case: " + toString(r)
	})

	// The Case shows in Salesforce a moment before the daemon counts its
	// creation (it reads the Case back first).
	testkit.Eventually(t, 20*time.Second, "the creation counted", func() (bool, string) {
		got := p.MustMetrics().Value("carebridge_sync_operations_total", "direction", "care_to_salesforce", "result", "success")
		return got >= 1, fmt.Sprintf("carebridge_sync_operations_total{care_to_salesforce,success} = %v, want at least 1", got)
	})
	if got := p.MustMetrics().Value("carebridge_build_info"); got != 1 {
		t.Errorf("carebridge_build_info = %v, want 1", got)
	}
	p.Stop(15 * time.Second)
	if !p.Exited() {
		t.Fatal("process still running after Stop")
	}
	if ok, body := p.Ready(); ok {
		t.Fatalf("/readyz answered after the process exited: %s", body)
	}
}

func toString(r map[string]any) string {
	if r == nil {
		return "<none>"
	}
	var b strings.Builder
	for _, k := range []string{"Id", "Care_Case_Id__c", "OwnerId", "Status"} {
		b.WriteString(k + "=")
		if v, ok := r[k].(string); ok {
			b.WriteString(v)
		}
		b.WriteString(" ")
	}
	return b.String()
}
