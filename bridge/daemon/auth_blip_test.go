package daemon_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/internal/testkit"
)

// TestSalesforceLoginBlipLosesNoCase: during a secret rotation Salesforce
// refuses 20 logins in a row. Work waits and retries; once logins succeed
// again every case syncs and none is given up on.
func TestSalesforceLoginBlipLosesNoCase(t *testing.T) {
	w := startWorld(t, manualPolls, func(c *config.Config) { c.Queue.BaseDelay, c.Queue.MaxDelay = 100*time.Millisecond, time.Second })
	ctx := context.Background()
	w.sf.ExpireTokens()
	w.sf.InjectFault(sfsim.Fault{Op: sfsim.OpToken, Status: 400, ErrorCode: "invalid_client", Message: "invalid client credentials", Times: 20})
	const n = 60
	for i := range n {
		w.escalate(t, "blip_"+strconv.Itoa(i), strPtr("agent_ana"))
	}
	if err := w.d.Engine().Triggers().PollCare(ctx); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "every case in Salesforce", func() (bool, string) {
		have := 0
		for i := range n {
			if w.sfCase("blip_"+strconv.Itoa(i)) != nil {
				have++
			}
		}
		return have == n, fmt.Sprintf("%d of %d; token faults left %d", have, n, len(w.sf.Faults()))
	})
	if left := len(w.sf.Faults()); left != 0 {
		t.Errorf("%d token faults unused: the test did not exercise 20 refused logins", left)
	}
	if d, err := w.d.Queue().Depth(ctx); err != nil || d.Dead != 0 {
		t.Errorf("queue %+v, %v: no case may be given up on for a refused login", d, err)
	}
}
