package daemon_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/internal/testkit"
)

// TestSpentQuotaPausesEveryReplicaAndShows: Salesforce answers
// REQUEST_LIMIT_EXCEEDED. The pause lives in Redis, so every replica
// honours it; admin status and the metrics show until when; the case waits
// without counting a failure, and syncs once the pause is lifted.
func TestSpentQuotaPausesEveryReplicaAndShows(t *testing.T) {
	w := startWorld(t, manualPolls, withAdmin)
	ctx := context.Background()
	w.linked(t, "quota_1", strPtr("agent_ana"))
	w.quiet(t)
	w.sf.InjectFault(sfsim.Fault{Op: sfsim.OpCollectionsUpdate, Status: http.StatusForbidden, ErrorCode: "REQUEST_LIMIT_EXCEEDED",
		Message: "TotalRequests Limit exceeded.", Times: 1})
	if err := w.care.UISetStatus("quota_1", rules.Pending); err != nil {
		t.Fatal(err)
	}
	before := time.Now()
	if err := w.d.Engine().Triggers().PollCare(ctx); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "the pause set", func() (bool, string) {
		until, err := w.d.Queue().PausedUntil(ctx)
		return err == nil && !until.IsZero(), fmt.Sprint(until, err)
	})
	if len(w.sf.Faults()) != 0 {
		t.Fatal("the quota fault was not met")
	}
	// Another replica sharing the Redis sees the same pause.
	other, err := queue.New(w.redis.Client(t), queue.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	until, err := other.PausedUntil(ctx)
	if err != nil || until.Before(before.Add(14*time.Minute)) {
		t.Fatalf("pause seen by another replica: %v, %v; want about 15 minutes", until, err)
	}
	if _, ok, err := other.TryGet(ctx); ok || err != nil {
		t.Fatalf("another replica leased a key during the pause (%v)", err)
	}
	code, status := w.admin(t, http.MethodGet, "/admin/api/status", nil)
	if code != http.StatusOK || status["salesforce_quota_paused_until"] == nil {
		t.Fatalf("admin status %d %v: want the quota pause shown", code, status)
	}
	if got := (&actionWorld{w}).metric(t, "carebridge_queue_paused_until_timestamp_seconds", nil); got < float64(until.Unix()-1) {
		t.Errorf("paused-until metric = %v, want %d", got, until.Unix())
	}
	d, err := w.d.Queue().Depth(ctx)
	if err != nil || d.Dead != 0 || d.Failing != 0 || d.Scheduled != 1 {
		t.Fatalf("queue %+v, %v: want the case waiting out the pause, not failing", d, err)
	}
	// Polls spend no call on Salesforce while it is paused.
	calls := w.sf.TotalCalls()
	if err := w.d.Engine().Triggers().PollSalesforce(ctx); err != nil {
		t.Fatal(err)
	}
	if n := w.sf.TotalCalls() - calls; n != 0 {
		t.Errorf("a poll during the pause made %d Salesforce calls", n)
	}

	// The quota is back (an operator lifts the pause); the next trigger syncs.
	if err := w.d.Queue().Resume(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.d.Engine().Triggers().Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "the case synced after the pause", func() (bool, string) {
		r := w.sfCase("quota_1")
		return r["Status"] == "On Hold", fmt.Sprint(r["Status"])
	})
}
