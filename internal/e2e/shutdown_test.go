package e2e_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/internal/testenv"
	"github.com/carebridge/carebridge/internal/testkit"
)

// TestSIGTERMWithWorkInFlight stops the daemon with SIGTERM while its
// workers wait on Salesforce writes that never answer: it exits cleanly
// once the queue's shutdown grace is over (the upstream timeout is longer),
// hands its queue leases and the leader lease back (nothing is left
// "processing" for the lease to expire), and after a restart the work is
// completed exactly once.
func TestSIGTERMWithWorkInFlight(t *testing.T) {
	t.Parallel()
	// The queue lets running handlers finish for its shutdown grace (10s by
	// default) before it cancels them; then leases are released and HTTP
	// drains.
	const (
		shutdownGrace = 10 * time.Second
		stopLimit     = shutdownGrace + 5*time.Second
	)
	w := newWorld(t, testenv.Config{Timeout: time.Minute})
	p := w.start(t)
	l := escalateCases(t, w.sb, "term_", 8)
	l.waitConverged(t, p, syncTimeout)

	// Salesforce never answers a note creation: every copy is in flight.
	writes := func() int {
		return w.sb.Salesforce.Calls(sfsim.OpCreate) + w.sb.Salesforce.Calls(sfsim.OpCollectionsCreate)
	}
	for _, op := range []string{sfsim.OpCreate, sfsim.OpCollectionsCreate} {
		w.sb.Salesforce.InjectFault(sfsim.Fault{Op: op, Hang: true})
	}
	before := writes()
	l.changes(t, 0, 8) // one Care note on each case
	testkit.Eventually(t, syncTimeout, "note writes in flight", func() (bool, string) {
		return writes() > before, fmt.Sprintf("%d create calls", writes()-before)
	})

	took := p.Stop(stopLimit)
	t.Logf("exited %v after SIGTERM", took.Round(time.Millisecond))

	ctx := context.Background()
	rdb := w.redis.Client(t)
	q, err := queue.New(rdb, queue.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := q.Depth(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d.Processing != 0 || d.Ready+d.Delayed+d.Scheduled == 0 {
		t.Errorf("queue after SIGTERM: %+v; want the in-flight keys handed back, none left processing", d)
	}
	if n, err := rdb.Exists(ctx, leaseKey).Result(); err != nil || n != 0 {
		t.Errorf("leader lease still held after SIGTERM (exists=%d, err=%v)", n, err)
	}

	// Salesforce is fast again; a new process finishes the work.
	w.sb.Salesforce.ClearFaults()
	started := time.Now()
	p = w.start(t)
	l.changes(t, 8, 16) // and new work keeps flowing
	l.waitConverged(t, p, syncTimeout)
	t.Logf("converged %v after the restart", time.Since(started).Round(time.Millisecond))
}
