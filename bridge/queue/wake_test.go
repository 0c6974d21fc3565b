package queue_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/internal/redistest"
	"github.com/carebridge/carebridge/internal/testkit"
)

// redisCalls is the number of commands the server has executed, in all
// and by command.
func redisCalls(t *testing.T, rdb redis.UniversalClient) (int64, map[string]int64) {
	t.Helper()
	info, err := rdb.Info(context.Background(), "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	by := map[string]int64{}
	for _, line := range strings.Split(info, "\n") {
		name, stats, ok := strings.Cut(strings.TrimSpace(line), ":calls=")
		if !ok || !strings.HasPrefix(line, "cmdstat_") {
			continue
		}
		n, err := strconv.ParseInt(stats[:strings.IndexByte(stats, ',')], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		total += n
		by[strings.TrimPrefix(name, "cmdstat_")] = n
	}
	return total, by
}

// runQueue runs q with n workers until the test ends and records the keys
// it handles.
func runQueue(t *testing.T, q *queue.Queue, n int) *handled {
	t.Helper()
	h := &handled{seen: map[string]int{}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- q.Run(ctx, n, func(_ context.Context, key string) (queue.Result, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.seen[key]++
			return queue.Result{}, nil
		})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return h
}

type handled struct {
	mu   sync.Mutex
	seen map[string]int
}

func (h *handled) count(key string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.seen[key]
}

// TestIdleWorkersMakeNoRedisCalls: 32 idle workers wait for a wake-up
// instead of polling: over 10 seconds the replica sends Redis nothing (its
// idle poll, every lease/3, is 20 s away).
func TestIdleWorkersMakeNoRedisCalls(t *testing.T) {
	srv := redistest.Start(t, redistest.WithoutAOF())
	rdb := srv.Client(t)
	q := newQueue(t, rdb, queue.Options{Lease: time.Minute})
	h := runQueue(t, q, 32)
	mustAdd(t, q, "case:1")
	testkit.Until(t, 5*time.Second, "the key handled", func() bool { return h.count("case:1") == 1 })
	testkit.Until(t, 5*time.Second, "the queue empty", func() bool { return mustDepth(t, q) == queue.Depth{} })

	// On a loaded machine the workers' first looks at the queue may still
	// be under way: wait until Redis has seen nothing but these INFO calls
	// for 2 s.
	last, _ := redisCalls(t, rdb)
	lastChange := time.Now()
	testkit.Until(t, time.Minute, "the replica quiet", func() bool {
		if n, _ := redisCalls(t, rdb); n != last+1 {
			lastChange = time.Now()
			last = n
		} else {
			last = n
		}
		return time.Since(lastChange) > 2*time.Second
	})

	before, byBefore := redisCalls(t, rdb)
	window := time.NewTimer(10 * time.Second) // the observation window, not a wait for something
	<-window.C
	after, byAfter := redisCalls(t, rdb)
	// The first INFO is counted by the second.
	if n := after - before - 1; n > 0 {
		delta := map[string]int64{}
		for cmd, c := range byAfter {
			if d := c - byBefore[cmd]; d > 0 && cmd != "info" {
				delta[cmd] = d
			}
		}
		t.Fatalf("an idle replica sent Redis %d commands in 10 s (%v), want none", n, delta)
	}
}

// TestAKeyAddedOnOneReplicaWakesAnother: replica B's workers sleep without
// polling (its idle poll is an hour away); a key added by replica A, now
// or for later, is taken by B when it is due.
func TestAKeyAddedOnOneReplicaWakesAnother(t *testing.T) {
	srv := redistest.Start(t, redistest.WithoutAOF())
	a := newQueue(t, srv.Client(t), queue.Options{})
	b := newQueue(t, srv.Client(t), queue.Options{IdlePoll: time.Hour})
	h := runQueue(t, b, 4)
	mustAdd(t, a, "case:now")
	testkit.Until(t, 5*time.Second, "B took the key A added", func() bool { return h.count("case:now") == 1 })
	if _, err := a.AddAfter(context.Background(), "case:later", 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	testkit.Until(t, 5*time.Second, "B took the delayed key when due", func() bool { return h.count("case:later") == 1 })
	if err := a.PauseUntil(context.Background(), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	mustAdd(t, a, "case:paused")
	if err := a.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
	testkit.Until(t, 5*time.Second, "B took the key once A lifted the pause", func() bool { return h.count("case:paused") == 1 })
}

// TestAddManyQueuesEveryKeyInOneRoundTrip: a poll's keys are queued
// together, as Add would queue each (a dead one-shot key stays dead), also
// when Redis has forgotten the script.
func TestAddManyQueuesEveryKeyInOneRoundTrip(t *testing.T) {
	srv := redistest.Start(t, redistest.WithoutAOF())
	rdb := srv.Client(t)
	q := newQueue(t, rdb, queue.Options{DeadLetterPrefixes: []string{"action:"}})
	ctx := context.Background()
	mustAdd(t, q, "action:dead")
	l, _ := mustTryGet(t, q)
	if err := q.Fail(ctx, l, errors.New("refused")); err != nil {
		t.Fatal(err)
	}
	if err := rdb.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	keys := []string{"case:1", "case:2", "case:1", "action:dead", "case:3"}
	if err := q.AddMany(ctx, keys); err != nil {
		t.Fatal(err)
	}
	if d := mustDepth(t, q); d.Ready != 3 || d.Dead != 1 {
		t.Fatalf("depth = %+v, want 3 ready and the action still dead", d)
	}
	if err := q.AddMany(ctx, []string{"case:4", ""}); err == nil {
		t.Error("AddMany with an empty key: no error")
	}
}

// roundTrips counts the requests a client sends: a command, a script call
// or a whole pipeline is one.
type roundTrips struct {
	n  atomic.Int64
	mu sync.Mutex
	by map[string]int
}

func (r *roundTrips) count(name string) {
	r.n.Add(1)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.by == nil {
		r.by = map[string]int{}
	}
	r.by[name]++
}

func (r *roundTrips) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return fmt.Sprint(r.by)
}

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { r.count(cmd.Name()); return next(ctx, cmd) }
}
func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { r.count("pipeline"); return next(ctx, cmds) }
}

// TestABusyWorkerMakesOneRoundTripPerKey: a worker records each result and
// leases its next key in one request, so working through 200 ready keys
// costs about 200 round trips, not 400.
func TestABusyWorkerMakesOneRoundTripPerKey(t *testing.T) {
	srv := redistest.Start(t, redistest.WithoutAOF())
	rdb := srv.Client(t)
	trips := &roundTrips{}
	rdb.AddHook(trips)
	q := newQueue(t, rdb, queue.Options{Lease: time.Minute})
	keys := make([]string, 200)
	for i := range keys {
		keys[i] = fmt.Sprintf("case:%d", i)
	}
	if err := q.AddMany(context.Background(), keys); err != nil {
		t.Fatal(err)
	}
	before := trips.n.Load()
	h := runQueue(t, q, 1)
	testkit.Until(t, time.Minute, "every key handled", func() bool {
		for _, k := range keys {
			if h.count(k) != 1 {
				return false
			}
		}
		return true
	})
	// Each key alone would take two (its result, then the next lease):
	// about 420 to 480 requests, measured with the lease not fused. Fused,
	// about 210 on an idle machine and up to 285 on a loaded one (lease
	// attempts beside the worker's own); the bound sits between.
	if n := trips.n.Load() - before; n > int64(len(keys))*7/4 {
		t.Fatalf("%d round trips for %d keys (%v), want about one per key", n, len(keys), trips)
	}
}

// TestStaleWakeUpsCostOneLook: wake-ups whose keys other workers already
// took (a worker leasing with its last result takes a key without its
// wake-up) cost a waiting worker one more look at the queue, not one look
// per wake-up: 100 of them, on an empty queue, cost at most 2 lease calls
// before the worker waits (the wait ends with the test's deadline).
func TestStaleWakeUpsCostOneLook(t *testing.T) {
	srv := redistest.Start(t, redistest.WithoutAOF())
	rdb := srv.Client(t)
	q := newQueue(t, rdb, queue.Options{Lease: time.Minute})
	if err := q.LoadScripts(context.Background()); err != nil {
		t.Fatal(err)
	}
	trips := &roundTrips{}
	rdb.AddHook(trips)
	q.AnnounceKeys(100)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if l, err := q.WaitForKey(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("wait on an empty queue = %+v, %v; want the deadline", l, err)
	}
	if n := trips.n.Load(); n > 2 {
		t.Fatalf("%d round trips (%v) for 100 stale wake-ups, want at most 2", n, trips)
	}
}

// TestWorkersFinishingTogetherShareARoundTrip: the results of workers that
// finish while another result is on its way go to Redis together, each
// with its worker's next lease (a group commit). 50 workers working 500
// keys in waves (each run waits until all 50 hold a key) cost about one
// round trip per wave, where one per key would be over 500.
func TestWorkersFinishingTogetherShareARoundTrip(t *testing.T) {
	const workers, keys = 50, 500
	srv := redistest.Start(t, redistest.WithoutAOF())
	rdb := srv.Client(t)
	q := newQueue(t, rdb, queue.Options{Lease: time.Minute})
	if err := q.LoadScripts(context.Background()); err != nil {
		t.Fatal(err)
	}
	all := make([]string, keys)
	for i := range all {
		all[i] = fmt.Sprintf("case:%d", i)
	}
	if err := q.AddMany(context.Background(), all); err != nil {
		t.Fatal(err)
	}
	trips := &roundTrips{}
	rdb.AddHook(trips)
	var (
		mu      sync.Mutex
		arrived int
		wave    = make(chan struct{})
		done    atomic.Int64
	)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() {
		stopped <- q.Run(ctx, workers, func(ctx context.Context, _ string) (queue.Result, error) {
			mu.Lock()
			arrived++
			w := wave
			if arrived == workers {
				arrived, wave = 0, make(chan struct{})
				close(w)
			}
			mu.Unlock()
			select {
			case <-w:
			case <-ctx.Done():
				return queue.Result{}, ctx.Err()
			}
			done.Add(1)
			return queue.Result{}, nil
		})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-stopped; err != nil {
			t.Error(err)
		}
	})
	testkit.Until(t, time.Minute, "every key worked", func() bool { return done.Load() == keys })
	// The results and next leases go in pipelines: about one per wave, a
	// few more when a wave's results straddle two round trips (measured:
	// 41 to 45). One per key would be 500.
	trips.mu.Lock()
	defer trips.mu.Unlock()
	if n := trips.by["pipeline"]; n > 100 {
		t.Fatalf("%d pipelines (%v) for %d keys worked by %d workers in waves, want about %d", n, trips.by, keys, workers, keys/workers)
	}
}
