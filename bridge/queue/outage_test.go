package queue_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/internal/redistest"
)

// TestThirtyMinuteOutageLosesNoCase runs the shipped retry settings through
// a 30-minute upstream outage on a simulated clock: 50 case keys and 5
// action keys fail on every run while it lasts. No case key dies; once the
// upstream is back, every case runs within max_delay, with no replay by
// hand. Actions, one-shot, die after max_attempts like before.
func TestThirtyMinuteOutageLosesNoCase(t *testing.T) {
	cfg := config.Defaults()
	rdb := redistest.Start(t).Client(t)
	clock := newFakeClock()
	q := newQueue(t, rdb, queue.Options{Clock: clock.Now, Lease: cfg.Queue.Lease, MaxAttempts: cfg.Queue.MaxAttempts,
		BaseDelay: cfg.Queue.BaseDelay, MaxDelay: cfg.Queue.MaxDelay, DeadLetterPrefixes: []string{"action:"}})
	ctx := context.Background()
	const cases = 50
	for i := range cases {
		mustAdd(t, q, fmt.Sprintf("case:%d", i))
	}
	for i := range 5 {
		mustAdd(t, q, fmt.Sprintf("action:%d", i))
	}
	outageEnds := clock.Now().Add(30 * time.Minute)
	synced := map[string]bool{}
	var recovered time.Time
	for step := time.Second; len(synced) < cases; clock.Advance(step) {
		if clock.Now().After(outageEnds.Add(2 * cfg.Queue.MaxDelay)) {
			t.Fatalf("%d of %d cases synced %v after the outage ended (depth %+v)", len(synced), cases, 2*cfg.Queue.MaxDelay, mustDepth(t, q))
		}
		for {
			l, ok := mustTryGet(t, q)
			if !ok {
				break
			}
			var runErr error
			if clock.Now().Before(outageEnds) {
				runErr = errors.New("salesforce: 503 Service Unavailable")
			}
			if _, err := q.Finish(ctx, l, queue.Result{}, runErr); err != nil {
				t.Fatal(err)
			}
			if runErr == nil && l.Key[:5] == "case:" {
				synced[l.Key] = true
				recovered = clock.Now()
			}
		}
	}
	if late := recovered.Sub(outageEnds); late > cfg.Queue.MaxDelay {
		t.Errorf("the last case synced %v after the outage ended, want within max_delay %v", late, cfg.Queue.MaxDelay)
	}
	d := mustDepth(t, q)
	if d.Dead != 5 || d.Failing != 0 || d.Ready+d.Delayed+d.Processing != 0 {
		t.Errorf("depth after recovery = %+v; want only the 5 one-shot actions dead", d)
	}
}
