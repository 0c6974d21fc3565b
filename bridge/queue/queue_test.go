package queue_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"

	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/internal/redistest"
	"github.com/carebridge/carebridge/internal/testkit"
)

// newFakeClock is a settable time source shared by queues in one test.
func newFakeClock() *testkit.Clock {
	return testkit.NewClock(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
}

func newQueue(t testing.TB, rdb redis.UniversalClient, opts queue.Options) *queue.Queue {
	t.Helper()
	q, err := queue.New(rdb, opts, nil)
	if err != nil {
		t.Fatalf("new queue: %v", err)
	}
	return q
}

func mustAdd(t testing.TB, q *queue.Queue, key string) queue.AddResult {
	t.Helper()
	r, err := q.Add(context.Background(), key)
	if err != nil {
		t.Fatalf("add %q: %v", key, err)
	}
	return r
}

func mustTryGet(t testing.TB, q *queue.Queue) (queue.Lease, bool) {
	t.Helper()
	l, ok, err := q.TryGet(context.Background())
	if err != nil {
		t.Fatalf("try get: %v", err)
	}
	return l, ok
}

func mustDepth(t testing.TB, q *queue.Queue) queue.Depth {
	t.Helper()
	d, err := q.Depth(context.Background())
	if err != nil {
		t.Fatalf("depth: %v", err)
	}
	return d
}

func TestAddCoalesces(t *testing.T) {
	rdb := redistest.Start(t).Client(t)
	q := newQueue(t, rdb, queue.Options{})

	got := []queue.AddResult{mustAdd(t, q, "case:1"), mustAdd(t, q, "case:1"), mustAdd(t, q, "case:1")}
	want := []queue.AddResult{queue.Added, queue.Coalesced, queue.Coalesced}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("add #%d = %v, want %v", i+1, got[i], want[i])
		}
	}
	if d := mustDepth(t, q); d.Ready != 1 {
		t.Fatalf("ready depth = %d after three adds of one key, want 1", d.Ready)
	}
	l, ok := mustTryGet(t, q)
	if !ok || l.Key != "case:1" {
		t.Fatalf("try get = %+v, %v; want case:1", l, ok)
	}
	if l2, ok := mustTryGet(t, q); ok {
		t.Fatalf("second try get handed out %q; three adds must run once", l2.Key)
	}
}

func TestAddAfterKeepsEarliestDueTime(t *testing.T) {
	rdb := redistest.Start(t).Client(t)
	clock := newFakeClock()
	q := newQueue(t, rdb, queue.Options{Clock: clock.Now})
	ctx := context.Background()

	if _, err := q.AddAfter(ctx, "case:1", time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, ok := mustTryGet(t, q); ok {
		t.Fatal("key delayed by a minute was handed out at once")
	}
	if d := mustDepth(t, q); d.Scheduled != 1 || d.Delayed != 0 || d.Ready != 0 {
		t.Fatalf("depth = %+v, want 1 scheduled", d)
	}
	if r := mustAdd(t, q, "case:1"); r != queue.Coalesced {
		t.Fatalf("add of delayed key = %v, want coalesced", r)
	}
	if l, ok := mustTryGet(t, q); !ok || l.Key != "case:1" {
		t.Fatalf("after Add the delayed key should be ready now; got %+v, %v", l, ok)
	}
}

func TestAddWhileProcessingRunsAgainAfterDone(t *testing.T) {
	rdb := redistest.Start(t).Client(t)
	q := newQueue(t, rdb, queue.Options{})
	ctx := context.Background()

	mustAdd(t, q, "case:1")
	l, ok := mustTryGet(t, q)
	if !ok {
		t.Fatal("no key leased")
	}
	if r := mustAdd(t, q, "case:1"); r != queue.MarkedDirty {
		t.Fatalf("add while processing = %v, want dirty", r)
	}
	if l2, ok := mustTryGet(t, q); ok {
		t.Fatalf("dirty key %q handed out while still processing", l2.Key)
	}
	if d := mustDepth(t, q); d.Dirty != 1 || d.Processing != 1 {
		t.Fatalf("depth = %+v, want 1 processing and 1 dirty", d)
	}
	if err := q.Done(ctx, l); err != nil {
		t.Fatalf("done: %v", err)
	}
	l2, ok := mustTryGet(t, q)
	if !ok || l2.Key != "case:1" {
		t.Fatalf("after Done the dirty key must run again; got %+v, %v", l2, ok)
	}
	if l2.Token <= l.Token {
		t.Fatalf("second lease token %d not above first %d", l2.Token, l.Token)
	}
	if err := q.Done(ctx, l2); err != nil {
		t.Fatalf("done: %v", err)
	}
	if _, ok := mustTryGet(t, q); ok {
		t.Fatal("key ran a third time without a new add")
	}
}

// TestNeverTwoAtOnce runs workers on two separate clients (two "processes")
// while keys are added concurrently, and checks that no key runs twice at
// once and that every add is followed by a run that started after it.
func TestNeverTwoAtOnce(t *testing.T) {
	srv := redistest.Start(t)
	procs := []*queue.Queue{
		newQueue(t, srv.Client(t), queue.Options{PollInterval: 5 * time.Millisecond}),
		newQueue(t, srv.Client(t), queue.Options{PollInterval: 5 * time.Millisecond}),
	}
	const nKeys, addsPerKey, workersPerProc = 10, 30, 4
	var (
		seq       atomic.Int64 // global order of events
		running   [nKeys]atomic.Int32
		lastAdd   [nKeys]atomic.Int64
		lastStart [nKeys]atomic.Int64
		overlaps  atomic.Int32
		runs      atomic.Int32
	)
	keyIndex := func(key string) int {
		var i int
		if _, err := fmt.Sscanf(key, "case:%d", &i); err != nil {
			t.Errorf("unexpected key %q", key)
		}
		return i
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var workers sync.WaitGroup
	for _, q := range procs {
		for range workersPerProc {
			workers.Go(func() {
				for {
					l, err := q.Get(ctx)
					if err != nil {
						return
					}
					i := keyIndex(l.Key)
					if !running[i].CompareAndSwap(0, 1) {
						overlaps.Add(1)
					}
					lastStart[i].Store(seq.Add(1))
					runs.Add(1)
					for range 50 {
						runtime.Gosched()
					}
					running[i].Store(0)
					if err := q.Done(context.Background(), l); err != nil {
						t.Errorf("done %s: %v", l.Key, err)
					}
				}
			})
		}
	}
	var adders sync.WaitGroup
	for p, q := range procs {
		adders.Go(func() {
			for n := range addsPerKey {
				for i := range nKeys {
					if (n+i+p)%2 == 0 {
						continue
					}
					// Taken before the add, so a run that satisfies the add
					// necessarily starts after this number.
					before := seq.Add(1)
					if _, err := q.Add(ctx, fmt.Sprintf("case:%d", i)); err != nil {
						t.Errorf("add: %v", err)
						return
					}
					for {
						prev := lastAdd[i].Load()
						if prev >= before || lastAdd[i].CompareAndSwap(prev, before) {
							break
						}
					}
				}
			}
		})
	}
	adders.Wait()
	testkit.Until(t, 10*time.Second, "queue drained", func() bool {
		d := mustDepth(t, procs[0])
		if d.Ready+d.Processing+d.Delayed+d.Dirty != 0 {
			return false
		}
		for i := range nKeys {
			if lastStart[i].Load() <= lastAdd[i].Load() {
				return false
			}
		}
		return true
	})
	cancel()
	workers.Wait()
	if n := overlaps.Load(); n != 0 {
		t.Fatalf("%d runs overlapped another run of the same key", n)
	}
	// How much coalesces depends on timing (TestAddCoalesces pins it down);
	// runs can never exceed adds.
	if r := runs.Load(); r > nKeys*addsPerKey {
		t.Errorf("%d runs for %d adds", r, nKeys*addsPerKey)
	}
	t.Logf("%d runs for %d adds", runs.Load(), nKeys*addsPerKey)
}

func TestLeaseExpiryReturnsKeyAndFencesStaleLease(t *testing.T) {
	srv := redistest.Start(t)
	clock := newFakeClock()
	opts := queue.Options{Lease: 30 * time.Second, Clock: clock.Now}
	crashed := newQueue(t, srv.Client(t), opts)
	healthy := newQueue(t, srv.Client(t), opts)
	ctx := context.Background()

	mustAdd(t, crashed, "case:1")
	stale, ok := mustTryGet(t, crashed)
	if !ok {
		t.Fatal("no key leased")
	}
	clock.Advance(29 * time.Second)
	if l, ok := mustTryGet(t, healthy); ok {
		t.Fatalf("key %q handed out again before its lease expired", l.Key)
	}
	clock.Advance(2 * time.Second)
	fresh, ok := mustTryGet(t, healthy)
	if !ok || fresh.Key != "case:1" {
		t.Fatalf("expired lease's key not returned: %+v, %v", fresh, ok)
	}
	if fresh.Attempts != 1 {
		t.Errorf("attempts after a lost lease = %d, want 1", fresh.Attempts)
	}
	if fresh.Token <= stale.Token {
		t.Errorf("fencing token did not grow: %d then %d", stale.Token, fresh.Token)
	}

	// The crashed worker wakes up: every call with its lease must fail
	// without touching the new holder's state.
	if err := crashed.Done(ctx, stale); !errors.Is(err, queue.ErrLeaseLost) {
		t.Errorf("done with stale lease: %v, want ErrLeaseLost", err)
	}
	if _, err := crashed.Retry(ctx, stale, errors.New("late"), 0); !errors.Is(err, queue.ErrLeaseLost) {
		t.Errorf("retry with stale lease: %v, want ErrLeaseLost", err)
	}
	if err := crashed.Fail(ctx, stale, errors.New("late")); !errors.Is(err, queue.ErrLeaseLost) {
		t.Errorf("fail with stale lease: %v, want ErrLeaseLost", err)
	}
	if err := crashed.Extend(ctx, stale); !errors.Is(err, queue.ErrLeaseLost) {
		t.Errorf("extend with stale lease: %v, want ErrLeaseLost", err)
	}
	if d := mustDepth(t, healthy); d.Processing != 1 || d.Dead != 0 || d.Ready+d.Delayed != 0 {
		t.Fatalf("stale calls changed state: %+v", d)
	}
	if err := healthy.Done(ctx, fresh); err != nil {
		t.Fatalf("done with fresh lease: %v", err)
	}
}

func TestExpiredLeasesBackOffAndOnlyOneShotKeysDie(t *testing.T) {
	rdb := redistest.Start(t).Client(t)
	clock := newFakeClock()
	q := newQueue(t, rdb, queue.Options{Clock: clock.Now, Lease: time.Second, MaxAttempts: 3, BaseDelay: time.Second, MaxDelay: 4 * time.Second,
		DeadLetterPrefixes: []string{"action:"}})
	mustAdd(t, q, "case:poison")
	mustAdd(t, q, "action:poison")
	// Each run kills its worker, so the lease expires. The key comes back at
	// once the first time, then after a growing, capped delay; the one-shot
	// key dies when its attempts are spent, the case key never does.
	delayAfterCrash := []time.Duration{0, time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second}
	for crash := 1; crash <= len(delayAfterCrash); crash++ {
		leased := map[string]int{}
		for {
			l, ok := mustTryGet(t, q)
			if !ok {
				break
			}
			leased[l.Key] = l.Attempts
		}
		want := map[string]int{"case:poison": crash - 1}
		if crash <= 3 {
			want["action:poison"] = crash - 1
		}
		if fmt.Sprint(leased) != fmt.Sprint(want) {
			t.Fatalf("run %d leased %v, want %v (key: attempts)", crash, leased, want)
		}
		clock.Advance(time.Second + time.Millisecond)
		if _, err := q.Recover(context.Background()); err != nil {
			t.Fatal(err)
		}
		if delay := delayAfterCrash[crash-1]; delay > 0 {
			clock.Advance(delay - time.Millisecond)
			if l, ok := mustTryGet(t, q); ok {
				t.Fatalf("after crash %d %s is back before %v", crash, l.Key, delay)
			}
			clock.Advance(time.Millisecond)
		}
	}
	if d := mustDepth(t, q); d.Dead != 1 || d.Failing != 1 {
		t.Fatalf("depth = %+v, want the action dead and the case failing", d)
	}
}

func TestExtendKeepsLease(t *testing.T) {
	rdb := redistest.Start(t).Client(t)
	clock := newFakeClock()
	q := newQueue(t, rdb, queue.Options{Lease: 30 * time.Second, Clock: clock.Now})
	mustAdd(t, q, "case:1")
	l, _ := mustTryGet(t, q)
	for range 3 {
		clock.Advance(20 * time.Second)
		if err := q.Extend(context.Background(), l); err != nil {
			t.Fatalf("extend: %v", err)
		}
	}
	if n, err := q.Recover(context.Background()); err != nil || n != 0 {
		t.Fatalf("recover after extends = %d, %v; want 0 (lease held for 60s of 30s leases)", n, err)
	}
	if err := q.Done(context.Background(), l); err != nil {
		t.Fatalf("done: %v", err)
	}
}

func TestRecoverReturnsExpiredKeys(t *testing.T) {
	rdb := redistest.Start(t).Client(t)
	clock := newFakeClock()
	q := newQueue(t, rdb, queue.Options{Lease: 10 * time.Second, Clock: clock.Now})
	for i := range 5 {
		mustAdd(t, q, fmt.Sprintf("case:%d", i))
	}
	for range 5 {
		if _, ok := mustTryGet(t, q); !ok {
			t.Fatal("no key leased")
		}
	}
	clock.Advance(11 * time.Second)
	n, err := q.Recover(context.Background())
	if err != nil {
		t.Fatalf("recover: %v", err)
	}
	if n != 5 {
		t.Fatalf("recover moved %d keys, want 5", n)
	}
	if d := mustDepth(t, q); d.Ready != 5 || d.Processing != 0 {
		t.Fatalf("depth after recover = %+v, want 5 ready", d)
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	tests := []struct {
		name   string
		rand   float64
		want   []time.Duration // attempts 1..n
		lowest bool
	}{
		{name: "jitter at minimum", rand: 0, want: []time.Duration{
			500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second, 5 * time.Second,
		}},
		{name: "jitter at middle", rand: 0.5, want: []time.Duration{
			750 * time.Millisecond, 1500 * time.Millisecond, 3 * time.Second, 6 * time.Second, 7500 * time.Millisecond, 7500 * time.Millisecond,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := newQueue(t, nil, queue.Options{BaseDelay: time.Second, MaxDelay: 10 * time.Second, Rand: func() float64 { return tt.rand }})
			for i, want := range tt.want {
				if got := q.Backoff(i + 1); got != want {
					t.Errorf("backoff(%d) = %v, want %v", i+1, got, want)
				}
			}
			if got := q.Backoff(1000); got > 10*time.Second {
				t.Errorf("backoff(1000) = %v, above the 10s cap", got)
			}
		})
	}
}

func TestRetryWaitsOutBackoff(t *testing.T) {
	rdb := redistest.Start(t).Client(t)
	clock := newFakeClock()
	q := newQueue(t, rdb, queue.Options{
		Clock: clock.Now, BaseDelay: time.Second, MaxDelay: 4 * time.Second, MaxAttempts: 100,
		Rand: func() float64 { return 0.999999 },
	})
	ctx := context.Background()
	mustAdd(t, q, "case:1")
	l, ok := mustTryGet(t, q)
	if !ok {
		t.Fatal("key not ready")
	}
	const step = 100 * time.Millisecond
	var waits []time.Duration
	for attempt := range 5 {
		if out, err := q.Retry(ctx, l, errors.New("upstream down"), 0); err != nil || out != queue.Retried {
			t.Fatalf("retry = %v, %v", out, err)
		}
		if r := mustAdd(t, q, "case:1"); r != queue.Coalesced {
			t.Fatalf("add during backoff = %v, want coalesced", r)
		}
		if d := mustDepth(t, q); d.Delayed != 1 || d.Scheduled != 0 {
			t.Fatalf("depth during backoff = %+v, want 1 delayed, none scheduled", d)
		}
		// Step the clock until the key is handed out again: an Add during
		// the backoff must not have made it ready early.
		var waited time.Duration
		for {
			next, ok := mustTryGet(t, q)
			if ok {
				l = next
				break
			}
			if waited > time.Minute {
				t.Fatal("key never came back")
			}
			clock.Advance(step)
			waited += step
		}
		if l.Attempts != attempt+1 {
			t.Fatalf("lease attempts = %d, want %d", l.Attempts, attempt+1)
		}
		waits = append(waits, waited)
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second, 4 * time.Second}
	for i := range want {
		// Jitter near its top: the key comes back on the first step at or
		// after its due time, just under the full delay.
		if waits[i] < want[i]-step || waits[i] > want[i] {
			t.Errorf("wait before attempt %d = %v, want within %v of %v", i+2, waits[i], step, want[i])
		}
	}
}

func TestDeadLetterAfterMaxAttempts(t *testing.T) {
	rdb := redistest.Start(t).Client(t)
	clock := newFakeClock()
	q := newQueue(t, rdb, queue.Options{Clock: clock.Now, MaxAttempts: 3, BaseDelay: time.Second, MaxDelay: time.Second, DeadLetterPrefixes: []string{"action:"}})
	ctx := context.Background()
	mustAdd(t, q, "action:1")
	var out queue.Outcome
	for attempt := 1; attempt <= 3; attempt++ {
		clock.Advance(time.Second)
		l, ok := mustTryGet(t, q)
		if !ok {
			t.Fatalf("attempt %d: key not ready", attempt)
		}
		var err error
		out, err = q.Retry(ctx, l, fmt.Errorf("salesforce upsert action:1: attempt %d failed", attempt), 0)
		if err != nil {
			t.Fatalf("retry: %v", err)
		}
	}
	if out != queue.Dead {
		t.Fatalf("outcome of attempt 3 of 3 = %v, want dead-lettered", out)
	}
	clock.Advance(time.Hour)
	if l, ok := mustTryGet(t, q); ok {
		t.Fatalf("dead key %q handed out", l.Key)
	}
	dead, err := q.List(ctx, 10)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if len(dead) != 1 {
		t.Fatalf("dead letters = %+v, want one", dead)
	}
	dl := dead[0]
	if dl.Key != "action:1" || dl.Attempts != 3 || dl.Error != "salesforce upsert action:1: attempt 3 failed" {
		t.Errorf("dead letter = %+v, want action:1 after 3 attempts with the last error", dl)
	}
	if want := clock.Now().Add(-time.Hour); !dl.At.Equal(want) {
		t.Errorf("dead letter time = %v, want %v", dl.At, want)
	}
	if d := mustDepth(t, q); d.Dead != 1 {
		t.Errorf("dead depth = %d, want 1", d.Dead)
	}
	if r := mustAdd(t, q, "action:1"); r != queue.StillDead {
		t.Errorf("add of dead key = %v, want still dead", r)
	}

	if err := q.Replay(ctx, "action:1"); err != nil {
		t.Fatalf("replay: %v", err)
	}
	l, ok := mustTryGet(t, q)
	if !ok || l.Key != "action:1" || l.Attempts != 0 {
		t.Fatalf("after replay got %+v, %v; want action:1 with attempts reset", l, ok)
	}
	if err := q.Done(ctx, l); err != nil {
		t.Fatal(err)
	}
	if err := q.Replay(ctx, "action:1"); !errors.Is(err, queue.ErrNotDead) {
		t.Errorf("replay of a live key: %v, want ErrNotDead", err)
	}
}

func TestLevelTriggeredKeysNeverDie(t *testing.T) {
	rdb := redistest.Start(t).Client(t)
	clock := newFakeClock()
	q := newQueue(t, rdb, queue.Options{Clock: clock.Now, MaxAttempts: 3, BaseDelay: time.Second, MaxDelay: time.Minute,
		DeadLetterPrefixes: []string{"action:"}, Rand: func() float64 { return 0.999 }})
	ctx := context.Background()
	mustAdd(t, q, "case:1")
	for attempt := 1; attempt <= 30; attempt++ {
		clock.Advance(time.Minute)
		l, ok := mustTryGet(t, q)
		if !ok {
			t.Fatalf("attempt %d: a failing case key is no longer retried (depth %+v)", attempt, mustDepth(t, q))
		}
		if out, err := q.Retry(ctx, l, fmt.Errorf("salesforce down, attempt %d", attempt), 0); err != nil || out != queue.Retried {
			t.Fatalf("retry %d = %v, %v; want retried", attempt, out, err)
		}
	}
	if d := mustDepth(t, q); d.Dead != 0 || d.Failing != 1 {
		t.Fatalf("depth = %+v, want no dead key and one failing", d)
	}
	failing, err := q.Failing(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(failing) != 1 || failing[0].Key != "case:1" || failing[0].Attempts != 30 || failing[0].Parked ||
		failing[0].Error != "salesforce down, attempt 30" {
		t.Fatalf("failing = %+v, want case:1 retrying after 30 attempts with the last error", failing)
	}
	// The backoff is capped: the key is back within MaxDelay.
	clock.Advance(time.Minute)
	l, ok := mustTryGet(t, q)
	if !ok {
		t.Fatal("key not back within MaxDelay")
	}
	if err := q.Done(ctx, l); err != nil {
		t.Fatal(err)
	}
	if d := mustDepth(t, q); d != (queue.Depth{}) {
		t.Fatalf("depth after success = %+v, want empty (failure forgotten)", d)
	}
}

func TestTerminalErrorParksUntilNextAdd(t *testing.T) {
	rdb := redistest.Start(t).Client(t)
	clock := newFakeClock()
	q := newQueue(t, rdb, queue.Options{Clock: clock.Now, DeadLetterPrefixes: []string{"action:"}})
	ctx := context.Background()
	mustAdd(t, q, "case:1")
	l, _ := mustTryGet(t, q)
	out, err := q.Finish(ctx, l, queue.Result{}, queue.Terminal(errors.New("validation rule refused the Case")))
	if err != nil || out != queue.Parked {
		t.Fatalf("finish = %v, %v; want parked", out, err)
	}
	clock.Advance(24 * time.Hour)
	if l, ok := mustTryGet(t, q); ok {
		t.Fatalf("parked key %q retried without a trigger", l.Key)
	}
	if f, err := q.Failing(ctx, 10); err != nil || len(f) != 1 || !f[0].Parked || f[0].Attempts != 1 {
		t.Fatalf("failing = %+v, %v; want case:1 parked", f, err)
	}
	if r := mustAdd(t, q, "case:1"); r != queue.Added {
		t.Fatalf("add of a parked key = %v, want added", r)
	}
	l, ok := mustTryGet(t, q)
	if !ok || l.Key != "case:1" {
		t.Fatalf("after a trigger got %+v, %v; want case:1", l, ok)
	}
	// A trigger during a failing run runs it again at once.
	mustAdd(t, q, "case:1")
	if out, err := q.Finish(ctx, l, queue.Result{}, queue.Terminal(errors.New("still refused"))); err != nil || out != queue.Parked {
		t.Fatalf("finish = %v, %v; want parked", out, err)
	}
	l, ok = mustTryGet(t, q)
	if !ok || l.Attempts != 2 {
		t.Fatalf("key added during its run: got %+v, %v; want it back with 2 attempts", l, ok)
	}
	if out, err := q.Finish(ctx, l, queue.Result{}, nil); err != nil || out != queue.Succeeded {
		t.Fatalf("finish = %v, %v; want success", out, err)
	}
	if d := mustDepth(t, q); d != (queue.Depth{}) {
		t.Fatalf("depth after success = %+v, want empty", d)
	}

	// A one-shot key dies of a terminal error and stays dead.
	mustAdd(t, q, "action:1")
	l, _ = mustTryGet(t, q)
	if out, err := q.Finish(ctx, l, queue.Result{}, queue.Terminal(errors.New("refused"))); err != nil || out != queue.Dead {
		t.Fatalf("finish = %v, %v; want dead", out, err)
	}
	if r := mustAdd(t, q, "action:1"); r != queue.StillDead {
		t.Fatalf("add of a dead one-shot key = %v, want still dead", r)
	}
	// A key an older version dead-lettered is revived by its next trigger.
	mustAdd(t, q, "case:2")
	l, _ = mustTryGet(t, q)
	if err := q.Fail(ctx, l, errors.New("dead-lettered by an older version")); err != nil {
		t.Fatal(err)
	}
	if r := mustAdd(t, q, "case:2"); r != queue.Added {
		t.Fatalf("add of a dead case key = %v, want added", r)
	}
	if l, ok := mustTryGet(t, q); !ok || l.Key != "case:2" || l.Attempts != 0 {
		t.Fatalf("revived key = %+v, %v; want case:2 with attempts reset", l, ok)
	}
}

func TestFailAndDrop(t *testing.T) {
	rdb := redistest.Start(t).Client(t)
	q := newQueue(t, rdb, queue.Options{})
	ctx := context.Background()
	mustAdd(t, q, "action:a1")
	l, _ := mustTryGet(t, q)
	if err := q.Fail(ctx, l, errors.New("action a1: unknown reply mode")); err != nil {
		t.Fatalf("fail: %v", err)
	}
	dead, err := q.List(ctx, 10)
	if err != nil || len(dead) != 1 || dead[0].Attempts != 1 || !strings.Contains(dead[0].Error, "unknown reply mode") {
		t.Fatalf("list after fail = %+v, %v", dead, err)
	}
	if err := q.Drop(ctx, "action:a1"); err != nil {
		t.Fatalf("drop: %v", err)
	}
	if err := q.Drop(ctx, "action:a1"); !errors.Is(err, queue.ErrNotDead) {
		t.Errorf("second drop: %v, want ErrNotDead", err)
	}
	if dead, _ := q.List(ctx, 10); len(dead) != 0 {
		t.Errorf("dead letters after drop = %+v", dead)
	}
	if d := mustDepth(t, q); d != (queue.Depth{}) {
		t.Errorf("depth after drop = %+v, want empty", d)
	}
}

func TestFinish(t *testing.T) {
	tests := []struct {
		name         string
		key          string
		res          queue.Result
		err          error
		want         queue.Outcome
		wantAttempts int // attempts on the next lease (-1: dead, -2: gone, -3: parked)
		minDelay     time.Duration
	}{
		{name: "success", key: "case:1", want: queue.Succeeded, wantAttempts: -2},
		{name: "requeue after", key: "case:1", res: queue.Result{RequeueAfter: 15 * time.Minute}, want: queue.Requeued, minDelay: 15 * time.Minute},
		{name: "error retried", key: "case:1", err: errors.New("502 from Care"), want: queue.Retried, wantAttempts: 1, minDelay: 500 * time.Millisecond},
		{name: "retry-after honoured", key: "case:1", err: queue.RetryAfter(errors.New("429"), 90*time.Second), want: queue.Retried, wantAttempts: 1, minDelay: 90 * time.Second},
		{name: "wrapped retry-after honoured", key: "case:1", err: fmt.Errorf("upsert: %w", queue.RetryAfter(errors.New("429"), time.Minute)), want: queue.Retried, wantAttempts: 1, minDelay: time.Minute},
		{name: "terminal parks a level-triggered key", key: "case:1", err: queue.Terminal(errors.New("mapping invalid")), want: queue.Parked, wantAttempts: -3},
		{name: "wrapped terminal", key: "case:1", err: fmt.Errorf("reconcile: %w", queue.Terminal(errors.New("refused"))), want: queue.Parked, wantAttempts: -3},
		{name: "terminal kills a one-shot key", key: "action:1", err: queue.Terminal(errors.New("refused")), want: queue.Dead, wantAttempts: -1},
		{name: "one-shot key retried", key: "action:1", err: errors.New("timeout"), want: queue.Retried, wantAttempts: 1, minDelay: 500 * time.Millisecond},
	}
	srv := redistest.Start(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			q := newQueue(t, srv.Client(t), queue.Options{Name: fmt.Sprintf("finish%d", i), Clock: clock.Now, DeadLetterPrefixes: []string{"action:"}})
			ctx := context.Background()
			mustAdd(t, q, tt.key)
			l, _ := mustTryGet(t, q)
			got, err := q.Finish(ctx, l, tt.res, tt.err)
			if err != nil {
				t.Fatalf("finish: %v", err)
			}
			if got != tt.want {
				t.Fatalf("finish = %v, want %v", got, tt.want)
			}
			d := mustDepth(t, q)
			switch tt.wantAttempts {
			case -2:
				if d != (queue.Depth{}) {
					t.Fatalf("depth after success = %+v, want empty", d)
				}
				return
			case -1:
				if d.Dead != 1 || d.Failing != 0 {
					t.Fatalf("depth = %+v, want 1 dead", d)
				}
				return
			case -3:
				if d != (queue.Depth{Failing: 1}) {
					t.Fatalf("depth = %+v, want only one failing (parked) key", d)
				}
				return
			}
			clock.Advance(tt.minDelay - time.Millisecond)
			if _, ok := mustTryGet(t, q); ok {
				t.Fatalf("key back before %v", tt.minDelay)
			}
			clock.Advance(tt.minDelay + time.Millisecond) // past any jitter
			next, ok := mustTryGet(t, q)
			if !ok {
				t.Fatal("key did not come back")
			}
			if next.Attempts != tt.wantAttempts {
				t.Errorf("attempts = %d, want %d", next.Attempts, tt.wantAttempts)
			}
		})
	}
}

// TestAddDuringARunBeatsItsRequeueAfter: a key added during a run (a new
// change) runs again at once, even when the run asked to come back much
// later (a reply window closing in a week); after a failure its backoff
// still wins.
func TestAddDuringARunBeatsItsRequeueAfter(t *testing.T) {
	srv := redistest.Start(t)
	for _, tt := range []struct {
		name   string
		res    queue.Result
		err    error
		atOnce bool
	}{
		{"success, requeue in a week", queue.Result{RequeueAfter: 7 * 24 * time.Hour}, nil, true},
		{"failure with backoff", queue.Result{}, queue.RetryAfter(errors.New("429"), time.Hour), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			q := newQueue(t, srv.Client(t), queue.Options{Name: "dirty-" + strings.ReplaceAll(tt.name, " ", "-"), Clock: clock.Now})
			mustAdd(t, q, "case:1")
			l, _ := mustTryGet(t, q)
			mustAdd(t, q, "case:1") // a change during the run
			if _, err := q.Finish(context.Background(), l, tt.res, tt.err); err != nil {
				t.Fatal(err)
			}
			if _, ok := mustTryGet(t, q); ok != tt.atOnce {
				t.Errorf("key handed out at once: %v, want %v", ok, tt.atOnce)
			}
		})
	}
}

func TestRestartLosesNoQueuedKey(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	q := newQueue(t, rdb, queue.Options{})
	ctx := context.Background()
	const n = 200
	for i := range n {
		mustAdd(t, q, fmt.Sprintf("case:%d", i))
	}
	if _, err := q.AddAfter(ctx, "case:later", time.Hour); err != nil {
		t.Fatal(err)
	}
	srv.Kill()
	if _, err := q.Add(ctx, "case:lost"); err == nil {
		t.Fatal("add succeeded with Redis down")
	}
	srv.Restart()
	d := mustDepth(t, q)
	if d.Ready != n || d.Scheduled != 1 {
		t.Fatalf("depth after restart = %+v, want %d ready and 1 scheduled", d, n)
	}
	seen := map[string]bool{}
	for {
		l, ok := mustTryGet(t, q)
		if !ok {
			break
		}
		seen[l.Key] = true
		if err := q.Done(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	for i := range n {
		if k := fmt.Sprintf("case:%d", i); !seen[k] {
			t.Errorf("%s lost in restart", k)
		}
	}
}

func TestGetBlocksUntilAddOrContextEnds(t *testing.T) {
	rdb := redistest.Start(t).Client(t)
	q := newQueue(t, rdb, queue.Options{PollInterval: time.Hour}) // only the local wake-up can end the wait
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := q.Get(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("get on empty queue: %v, want deadline exceeded", err)
	}

	got := make(chan string, 1)
	go func() {
		l, err := q.Get(context.Background())
		if err != nil {
			t.Errorf("get: %v", err)
		}
		got <- l.Key
	}()
	mustAdd(t, q, "case:1")
	select {
	case k := <-got:
		if k != "case:1" {
			t.Fatalf("get = %q, want case:1", k)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Get did not wake up on Add")
	}
}

func TestRunWorksRetriesAndStops(t *testing.T) {
	rdb := redistest.Start(t).Client(t)
	q := newQueue(t, rdb, queue.Options{BaseDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond, MaxAttempts: 3, PollInterval: 5 * time.Millisecond,
		DeadLetterPrefixes: []string{"action:"}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	calls := map[string]int{}
	handler := func(ctx context.Context, key string) (queue.Result, error) {
		mu.Lock()
		defer mu.Unlock()
		calls[key]++
		switch {
		case key == "case:flaky" && calls[key] == 1:
			return queue.Result{}, errors.New("care get case: 502")
		case key == "case:broken":
			return queue.Result{}, queue.Terminal(errors.New("case:broken has no platform"))
		case key == "action:panics":
			panic("reconcile bug on " + key) // must not stop the daemon
		}
		return queue.Result{}, nil
	}
	done := make(chan error, 1)
	go func() { done <- q.Run(ctx, 3, handler) }()
	for _, k := range []string{"case:ok", "case:flaky", "case:broken", "action:panics"} {
		mustAdd(t, q, k)
	}
	testkit.Until(t, 5*time.Second, "all keys handled", func() bool {
		d := mustDepth(t, q)
		return d.Ready+d.Delayed+d.Processing == 0 && d.Dead == 1 && d.Failing == 1
	})
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop after cancel")
	}
	mu.Lock()
	defer mu.Unlock()
	want := map[string]int{"case:ok": 1, "case:flaky": 2, "case:broken": 1, "action:panics": 1}
	for k, n := range want {
		if calls[k] != n {
			t.Errorf("%s handled %d times, want %d", k, calls[k], n)
		}
	}
	dead, err := q.List(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	var panicked bool
	for _, d := range dead {
		panicked = panicked || (d.Key == "action:panics" && strings.Contains(d.Error, "panicked"))
	}
	if !panicked {
		t.Errorf("dead letters %+v lack the panicking key with its panic", dead)
	}
}

func TestQuotaPausesWholeQueue(t *testing.T) {
	srv := redistest.Start(t)
	clock := newFakeClock()
	opts := queue.Options{Clock: clock.Now}
	a := newQueue(t, srv.Client(t), opts)
	b := newQueue(t, srv.Client(t), opts) // another replica
	ctx := context.Background()
	mustAdd(t, a, "case:1")
	mustAdd(t, a, "case:2")
	l, _ := mustTryGet(t, a)
	// The handler that met the spent quota pauses every replica and waits.
	if err := a.PauseUntil(ctx, clock.Now().Add(10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Finish(ctx, l, queue.Result{RequeueAfter: 10 * time.Minute}, nil); err != nil || res != queue.Requeued {
		t.Fatalf("finish = %v, %v; want requeued", res, err)
	}
	until, err := b.PausedUntil(ctx)
	if err != nil || !until.Equal(clock.Now().Add(10*time.Minute)) {
		t.Fatalf("paused until = %v, %v; want 10 minutes from now", until, err)
	}
	if l, ok := mustTryGet(t, b); ok {
		t.Fatalf("paused queue handed out %q", l.Key)
	}
	if err := a.PauseUntil(ctx, clock.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	clock.Advance(9 * time.Minute)
	if _, ok := mustTryGet(t, b); ok {
		t.Fatal("a shorter pause cut the longer one short")
	}
	clock.Advance(time.Minute)
	got := map[string]bool{}
	for range 2 {
		l, ok := mustTryGet(t, b)
		if !ok {
			t.Fatal("queue still paused after the pause ended")
		}
		got[l.Key] = true
		if l.Attempts != 0 {
			t.Errorf("%s: quota pause counted an attempt", l.Key)
		}
	}
	if !got["case:1"] || !got["case:2"] {
		t.Fatalf("after the pause got %v", got)
	}
	if err := a.PauseUntil(ctx, clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := a.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	if until, _ := a.PausedUntil(ctx); !until.IsZero() {
		t.Fatalf("paused until %v after Resume", until)
	}
}

func TestRunShutdown(t *testing.T) {
	tests := []struct {
		name         string
		grace        time.Duration
		finishes     bool // the handler finishes on its own once shutdown starts
		wantReleased bool
	}{
		{name: "work that finishes within the grace is done", grace: 5 * time.Second, finishes: true},
		{name: "work cut short is released", grace: -1, wantReleased: true},
		{name: "work outlasting the grace is released", grace: 50 * time.Millisecond, wantReleased: true},
	}
	srv := redistest.Start(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := newQueue(t, srv.Client(t), queue.Options{Name: fmt.Sprintf("shutdown%d", i), PollInterval: 5 * time.Millisecond, ShutdownGrace: tt.grace})
			ctx, cancel := context.WithCancel(context.Background())
			started, shutdown := make(chan struct{}), make(chan struct{})
			done := make(chan error, 1)
			go func() {
				done <- q.Run(ctx, 1, func(hctx context.Context, key string) (queue.Result, error) {
					close(started)
					<-shutdown
					if tt.finishes {
						return queue.Result{}, nil
					}
					<-hctx.Done()
					return queue.Result{}, hctx.Err()
				})
			}()
			mustAdd(t, q, "case:1")
			<-started
			cancel()
			close(shutdown)
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Run did not return")
			}
			l, ok := mustTryGet(t, q)
			if ok != tt.wantReleased {
				t.Fatalf("key back in the queue = %v, want %v", ok, tt.wantReleased)
			}
			if ok && l.Attempts != 0 {
				t.Fatalf("released key counted %d attempts, want 0", l.Attempts)
			}
			if d := mustDepth(t, q); !ok && d != (queue.Depth{}) {
				t.Fatalf("depth after a finished run = %+v, want empty", d)
			}
		})
	}
}

func TestMetrics(t *testing.T) {
	rdb := redistest.Start(t).Client(t)
	reg := prometheus.NewPedanticRegistry()
	q, err := queue.New(rdb, queue.Options{MaxAttempts: 1, DeadLetterPrefixes: []string{"case:"}}, reg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	mustAdd(t, q, "case:1")
	mustAdd(t, q, "case:1")
	mustAdd(t, q, "case:2")
	l, _ := mustTryGet(t, q)
	if _, err := q.Retry(ctx, l, errors.New("x"), 0); err != nil {
		t.Fatal(err)
	}
	expected := `
# HELP carebridge_queue_adds_total Keys added to the work queue (including coalesced adds).
# TYPE carebridge_queue_adds_total counter
carebridge_queue_adds_total 3
# HELP carebridge_queue_dead_letters_total Keys moved to the dead letters.
# TYPE carebridge_queue_dead_letters_total counter
carebridge_queue_dead_letters_total 1
# HELP carebridge_queue_depth Keys in the work queue by state, read from Redis on scrape.
# TYPE carebridge_queue_depth gauge
carebridge_queue_depth{state="dead"} 1
carebridge_queue_depth{state="delayed"} 0
carebridge_queue_depth{state="processing"} 0
carebridge_queue_depth{state="ready"} 1
carebridge_queue_depth{state="scheduled"} 0
# HELP carebridge_queue_failing_keys Keys whose last run failed and that are not dead: retrying with backoff, or parked until their next trigger (read from Redis on scrape).
# TYPE carebridge_queue_failing_keys gauge
carebridge_queue_failing_keys 0
# HELP carebridge_queue_paused_until_timestamp_seconds End of the pause every replica honours (e.g. while Salesforce's API quota is spent), Unix time; 0 when not paused.
# TYPE carebridge_queue_paused_until_timestamp_seconds gauge
carebridge_queue_paused_until_timestamp_seconds 0
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(expected),
		"carebridge_queue_adds_total", "carebridge_queue_dead_letters_total", "carebridge_queue_depth", "carebridge_queue_failing_keys", "carebridge_queue_paused_until_timestamp_seconds"); err != nil {
		t.Fatal(err)
	}
	if n := testutil.CollectAndCount(reg, "carebridge_queue_work_duration_seconds"); n != 1 {
		t.Fatalf("work duration series = %d, want 1", n)
	}
	if _, err := queue.New(rdb, queue.Options{}, reg); err == nil {
		t.Fatal("second queue on the same registry registered without error")
	}
}

func BenchmarkAddGetDone(b *testing.B) {
	rdb := redistest.Start(b, redistest.WithoutAOF()).Client(b)
	q := newQueue(b, rdb, queue.Options{})
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		key := fmt.Sprintf("case:%d", i)
		if _, err := q.Add(ctx, key); err != nil {
			b.Fatal(err)
		}
		l, ok, err := q.TryGet(ctx)
		if err != nil || !ok {
			b.Fatalf("try get: %v, %v", ok, err)
		}
		if err := q.Done(ctx, l); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAddGetDoneParallel(b *testing.B) {
	rdb := redistest.Start(b, redistest.WithoutAOF()).Client(b)
	q := newQueue(b, rdb, queue.Options{})
	ctx := context.Background()
	var n atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := q.Add(ctx, fmt.Sprintf("case:%d", n.Add(1))); err != nil {
				b.Error(err)
				return
			}
			l, err := q.Get(ctx)
			if err != nil {
				b.Error(err)
				return
			}
			if err := q.Done(ctx, l); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// TestOnRedisCluster runs every script once on a Redis Cluster node, which
// refuses scripts whose keys span slots.
func TestOnRedisCluster(t *testing.T) {
	srv := redistest.Start(t, redistest.WithCluster(), redistest.WithoutAOF())
	clock := newFakeClock()
	q := newQueue(t, srv.ClusterClient(t), queue.Options{Clock: clock.Now, MaxAttempts: 2, Lease: time.Second, DeadLetterPrefixes: []string{"action:"}})
	ctx := context.Background()
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s on cluster: %v", what, err)
		}
	}
	_, err := q.Add(ctx, "case:1")
	step("add", err)
	l, err := q.Get(ctx)
	step("get", err)
	_, err = q.Add(ctx, "case:1")
	step("add while processing", err)
	step("extend", q.Extend(ctx, l))
	step("done", q.Done(ctx, l))
	l, err = q.Get(ctx)
	step("get dirty key", err)
	_, err = q.Retry(ctx, l, errors.New("x"), 0)
	step("retry", err)
	clock.Advance(time.Hour)
	l, err = q.Get(ctx)
	step("get after backoff", err)
	step("fail", q.Fail(ctx, l, errors.New("y")))
	dead, err := q.List(ctx, 10)
	step("list", err)
	if len(dead) != 1 {
		t.Fatalf("dead letters = %+v", dead)
	}
	step("replay", q.Replay(ctx, "case:1"))
	_, err = q.Get(ctx)
	step("get replayed", err)
	clock.Advance(time.Hour)
	_, err = q.Recover(ctx)
	step("recover", err)
	step("pause", q.PauseUntil(ctx, clock.Now().Add(time.Minute)))
	step("resume", q.Resume(ctx))
	d, err := q.Depth(ctx)
	step("depth", err)
	if d.Ready != 1 {
		t.Fatalf("depth = %+v, want the recovered key ready", d)
	}
	l, err = q.Get(ctx)
	step("get recovered", err)
	_, err = q.Finish(ctx, l, queue.Result{}, queue.Terminal(errors.New("z")))
	step("park", err)
	_, err = q.Failing(ctx, 10)
	step("failing", err)
	step("drop of a live key fails cleanly", func() error {
		if err := q.Drop(ctx, "case:1"); !errors.Is(err, queue.ErrNotDead) {
			return fmt.Errorf("drop: %v", err)
		}
		return nil
	}())
}

// TestRunExtendsLongWork: work that outlasts several leases keeps its key;
// no other process gets it meanwhile.
func TestRunExtendsLongWork(t *testing.T) {
	srv := redistest.Start(t)
	const lease = 300 * time.Millisecond
	worker := newQueue(t, srv.Client(t), queue.Options{Lease: lease, PollInterval: 5 * time.Millisecond})
	other := newQueue(t, srv.Client(t), queue.Options{Lease: lease})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	started, release := make(chan struct{}), make(chan struct{})
	var calls atomic.Int32
	done := make(chan error, 1)
	go func() {
		done <- worker.Run(ctx, 1, func(ctx context.Context, key string) (queue.Result, error) {
			if calls.Add(1) == 1 {
				close(started)
			}
			select {
			case <-release:
				return queue.Result{}, nil
			case <-ctx.Done():
				return queue.Result{}, ctx.Err()
			}
		})
	}()
	mustAdd(t, worker, "case:long")
	<-started
	until := time.Now().Add(4 * lease)
	for time.Now().Before(until) {
		if l, ok := mustTryGet(t, other); ok {
			t.Fatalf("%s handed to another process while its lease was being extended", l.Key)
		}
		time.Sleep(20 * time.Millisecond) // sampling interval
	}
	close(release)
	testkit.Until(t, 5*time.Second, "work finished", func() bool {
		d := mustDepth(t, other)
		return d.Processing+d.Ready+d.Delayed+d.Dead == 0
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("handler ran %d times, want 1", n)
	}
}

// TestWaitingCountsKeysByPrefix: the keys of one kind queued now, later
// or running, and none of another kind or whose prefix only looks alike.
func TestWaitingCountsKeysByPrefix(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Start(t).Client(t)
	q := newQueue(t, rdb, queue.Options{})
	for _, k := range []string{"check:a", "check:b", "case:1", "check*:x"} {
		mustAdd(t, q, k)
	}
	if _, err := q.AddAfter(ctx, "check:later", time.Hour); err != nil {
		t.Fatal(err)
	}
	for range 4 { // every key due now runs, one at a time
		if _, ok := mustTryGet(t, q); !ok {
			t.Fatal("a key due now was not handed out")
		}
	}
	for prefix, want := range map[string]int64{"check:": 3, "case:": 1, "check*": 1, "action:": 0} {
		if n, err := q.Waiting(ctx, prefix); err != nil || n != want {
			t.Errorf("Waiting(%q) = %d, %v; want %d", prefix, n, err, want)
		}
	}
}

// TestAddOrQueuesTheOtherKeyOnlyWhileTheKeyRuns: AddOr adds the key as Add
// does while no worker runs it; while one does, the other key waits for
// that run to end (it is not ready before), and the running key is not
// marked to run again. However the run ends (done, failed, its lease
// expired), the waiting keys are released.
func TestAddOrQueuesTheOtherKeyOnlyWhileTheKeyRuns(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Start(t).Client(t)
	q := newQueue(t, rdb, queue.Options{Lease: time.Minute, BaseDelay: time.Millisecond})
	if r, err := q.AddOr(ctx, "case:1", "check:1"); err != nil || r != queue.Added {
		t.Fatalf("AddOr of an idle key = %v, %v; want added", r, err)
	}
	l, ok := mustTryGet(t, q)
	if !ok || l.Key != "case:1" {
		t.Fatalf("try get = %+v, %v; want case:1", l, ok)
	}
	for i := range 2 {
		if r, err := q.AddOr(ctx, "case:1", "check:1"); err != nil || r != queue.AddedInstead {
			t.Fatalf("AddOr #%d of a running key = %v, %v; want added instead", i+1, r, err)
		}
	}
	if err := q.AddManyOr(ctx, []string{"case:1", "case:2"}, []string{"check:1b", "check:2"}); err != nil {
		t.Fatal(err)
	}
	if n, err := q.Waiting(ctx, "check:"); err != nil || n != 2 {
		t.Errorf("Waiting(check:) = %d, %v while case:1 runs; want its 2 checks", n, err)
	}
	if l2, ok := mustTryGet(t, q); !ok || l2.Key != "case:2" {
		t.Fatalf("while case:1 runs the queue handed out %+v, %v; want case:2 only (the checks wait)", l2, ok)
	} else if err := q.Done(ctx, l2); err != nil {
		t.Fatal(err)
	}
	if l2, ok := mustTryGet(t, q); ok {
		t.Fatalf("a check ran before the run it waits for ended: %q", l2.Key)
	}
	if err := q.Done(ctx, l); err != nil {
		t.Fatal(err)
	}
	ran := drain(t, q)
	if want := []string{"check:1", "check:1b"}; !slices.Equal(ran, want) {
		t.Errorf("after the run of case:1 the queue ran %v, want %v (case:1 not again)", ran, want)
	}

	// A failed run releases its waiting keys too.
	mustAdd(t, q, "case:3")
	l, _ = mustTryGet(t, q)
	if ok, err := q.Await(ctx, "case:3", "check:3"); err != nil || !ok {
		t.Fatalf("Await on a running key = %v, %v; want true", ok, err)
	}
	if _, err := q.Retry(ctx, l, errors.New("Care is down"), 0); err != nil {
		t.Fatal(err)
	}
	if ran := drain(t, q); !slices.Contains(ran, "check:3") {
		t.Errorf("after case:3 failed the queue ran %v; want check:3 among them", ran)
	}
	if ok, err := q.Await(ctx, "case:idle", "check:idle"); err != nil || ok {
		t.Errorf("Await on a key nobody runs = %v, %v; want false", ok, err)
	}
	if _, err := q.AddOr(ctx, "case:1", ""); err == nil {
		t.Error("AddOr with no key to add instead was accepted")
	}
}

func TestAKeyWaitingOnACrashedRunIsReleasedWhenItsLeaseExpires(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Start(t).Client(t)
	clock := newFakeClock()
	opts := queue.Options{Lease: 30 * time.Second, BaseDelay: time.Millisecond, Clock: clock.Now}
	crashed, healthy := newQueue(t, rdb, opts), newQueue(t, rdb, opts)
	mustAdd(t, crashed, "case:1")
	if _, ok := mustTryGet(t, crashed); !ok {
		t.Fatal("no key leased")
	}
	if r, err := healthy.AddOr(ctx, "case:1", "check:1"); err != nil || r != queue.AddedInstead {
		t.Fatalf("AddOr while case:1 runs = %v, %v; want added instead", r, err)
	}
	clock.Advance(29 * time.Second)
	if l, ok := mustTryGet(t, healthy); ok {
		t.Fatalf("%q ran while the run it waits for still held its lease", l.Key)
	}
	// The expired run has ended: the check runs, whether or not the case
	// has run again yet.
	clock.Advance(2 * time.Second)
	var running []string
	for range 3 {
		clock.Advance(time.Second) // past the lost lease's retry delay
		if l, ok := mustTryGet(t, healthy); ok {
			running = append(running, l.Key)
		}
	}
	if !slices.Contains(running, "check:1") {
		t.Errorf("after the crashed run's lease expired the queue handed out %v; want check:1 among them", running)
	}
}

// drain runs (marks done) every key due now, and returns them in order.
func drain(t *testing.T, q *queue.Queue) []string {
	t.Helper()
	var ran []string
	for {
		l, ok := mustTryGet(t, q)
		if !ok {
			break
		}
		ran = append(ran, l.Key)
		if err := q.Done(context.Background(), l); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(ran)
	return ran
}

// TestConfirmSaysWhenTheRunsLeaseIsGone: inside a run, Confirm renews the
// lease and succeeds; once Redis has lost the lease (wiped, as a failover
// without persistence leaves it), Confirm reports ErrLeaseLost, so the
// handler does not make a write that another run of the key may be making.
// Outside a run it has nothing to confirm.
func TestConfirmSaysWhenTheRunsLeaseIsGone(t *testing.T) {
	rdb := redistest.Start(t).Client(t)
	q := newQueue(t, rdb, queue.Options{PollInterval: 5 * time.Millisecond})
	if err := queue.Confirm(context.Background()); err != nil {
		t.Fatalf("Confirm outside a run: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	results := make(chan [2]error, 1)
	go func() {
		_ = q.Run(ctx, 1, func(hctx context.Context, key string) (queue.Result, error) {
			held := queue.Confirm(hctx)
			if err := rdb.FlushAll(hctx).Err(); err != nil {
				t.Errorf("wipe Redis: %v", err)
			}
			results <- [2]error{held, queue.Confirm(hctx)}
			return queue.Result{}, nil
		})
	}()
	mustAdd(t, q, "case:1")
	select {
	case got := <-results:
		if got[0] != nil {
			t.Errorf("Confirm while the lease is held: %v", got[0])
		}
		if !errors.Is(got[1], queue.ErrLeaseLost) {
			t.Errorf("Confirm after Redis lost the lease: %v, want ErrLeaseLost", got[1])
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the key did not run")
	}
}
