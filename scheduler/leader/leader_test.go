package leader_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"

	"github.com/carebridge/carebridge/internal/redistest"
	"github.com/carebridge/carebridge/internal/testkit"
	"github.com/carebridge/carebridge/scheduler/leader"
)

const ttl = 500 * time.Millisecond

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// replica is one elector running in the background, standing for one
// carebridge process.
type replica struct {
	e       *leader.Elector
	reg     *prometheus.Registry
	cancel  context.CancelFunc
	stopped chan struct{}
	elected atomic.Int32 // times onElected was entered
	lost    chan struct{}
}

// tracker watches all replicas' leadership periods.
type tracker struct {
	mu      sync.Mutex
	leading int
	maxSeen int
	fences  []int64
}

func startReplica(t *testing.T, rdb redis.UniversalClient, id string, tr *tracker) *replica {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	e, err := leader.New(rdb, "carebridge:{leader}", ttl, id, quiet, reg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &replica{e: e, reg: reg, cancel: cancel, stopped: make(chan struct{}), lost: make(chan struct{}, 10)}
	go func() {
		defer close(r.stopped)
		e.Run(ctx, func(ctx context.Context) {
			fence, ok := leader.FenceFromContext(ctx)
			if !ok {
				t.Errorf("%s: no fencing token in the leader context", id)
			}
			tr.mu.Lock()
			tr.leading++
			tr.maxSeen = max(tr.maxSeen, tr.leading)
			tr.fences = append(tr.fences, fence)
			tr.mu.Unlock()
			r.elected.Add(1)
			<-ctx.Done()
			tr.mu.Lock()
			tr.leading--
			tr.mu.Unlock()
			r.lost <- struct{}{}
		})
	}()
	t.Cleanup(func() { r.stop(t) })
	return r
}

func (r *replica) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	select {
	case <-r.stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

func leaders(rs ...*replica) int {
	n := 0
	for _, r := range rs {
		if r.e.IsLeader() {
			n++
		}
	}
	return n
}

func TestExactlyOneLeadsAndHandsOverOnStop(t *testing.T) {
	srv := redistest.Start(t)
	tr := &tracker{}
	a := startReplica(t, srv.Client(t), "a", tr)
	b := startReplica(t, srv.Client(t), "b", tr)

	testkit.Until(t, 5*time.Second, "a leader", func() bool { return leaders(a, b) == 1 })
	// Hold for several lease periods: renewals keep the same leader and
	// the other never leads too.
	first := a
	if b.e.IsLeader() {
		first = b
	}
	deadline := time.Now().Add(3 * ttl)
	for time.Now().Before(deadline) {
		if n := leaders(a, b); n != 1 {
			t.Fatalf("%d leaders", n)
		}
		time.Sleep(10 * time.Millisecond) // sampling interval
	}
	if n := first.elected.Load(); n != 1 {
		t.Fatalf("leader elected %d times in 3 lease periods; renewal should keep it", n)
	}

	second := a
	if first == a {
		second = b
	}
	stoppedAt := time.Now()
	first.stop(t)
	testkit.Until(t, ttl, "hand-over within the lease", func() bool { return second.e.IsLeader() && second.elected.Load() == 1 })
	t.Logf("hand-over after %v", time.Since(stoppedAt))

	tr.mu.Lock()
	defer tr.mu.Unlock()
	if tr.maxSeen != 1 {
		t.Fatalf("%d replicas led at once", tr.maxSeen)
	}
	if len(tr.fences) != 2 || tr.fences[1] <= tr.fences[0] {
		t.Fatalf("fencing tokens %v; want two, increasing", tr.fences)
	}
	if got := second.e.Fence(); got != tr.fences[1] {
		t.Errorf("Fence() = %d, want %d", got, tr.fences[1])
	}
}

func TestCrashedLeaderReplacedAfterLease(t *testing.T) {
	srv := redistest.Start(t)
	tr := &tracker{}
	crashClient := srv.Client(t)
	a := startReplica(t, crashClient, "a", tr)
	testkit.Until(t, 5*time.Second, "a leads", a.e.IsLeader)
	b := startReplica(t, srv.Client(t), "b", tr)

	// a loses its connection for good (its release cannot reach Redis
	// either), as if the process had died.
	if err := crashClient.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-a.lost:
	case <-time.After(3 * ttl):
		t.Fatal("a's leader context not cancelled after renewals failed")
	}
	testkit.Until(t, 3*ttl, "b takes over", b.e.IsLeader)
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if tr.maxSeen != 1 {
		t.Fatalf("%d replicas led at once", tr.maxSeen)
	}
}

func TestRedisDownCancelsLeaderThenRecovers(t *testing.T) {
	srv := redistest.Start(t)
	tr := &tracker{}
	a := startReplica(t, srv.Client(t), "a", tr)
	testkit.Until(t, 5*time.Second, "a leads", a.e.IsLeader)
	if err := testutil.GatherAndCompare(a.reg, strings.NewReader(gauge(1)), "carebridge_leader"); err != nil {
		t.Fatal(err)
	}

	// The lease as Redis last saw it: nobody can renew it once Redis is
	// dead, so another replica could take it from this moment on.
	probe := srv.Client(t)
	pttl, err := probe.PTTL(context.Background(), "carebridge:{leader}:lease").Result()
	if err != nil || pttl <= 0 {
		t.Fatalf("lease ttl = %v, %v", pttl, err)
	}
	expires := time.Now().Add(pttl)
	srv.Kill()
	select {
	case <-a.lost:
		if late := time.Since(expires); late > 0 {
			t.Fatalf("leader stepped down %v after its lease expired", late)
		}
		t.Logf("stepped down %v before the lease expired", -time.Since(expires))
	case <-time.After(2 * ttl):
		t.Fatal("leader context still live two lease periods after Redis died")
	}
	if a.e.IsLeader() {
		t.Fatal("IsLeader after stepping down")
	}
	if err := testutil.GatherAndCompare(a.reg, strings.NewReader(gauge(0)), "carebridge_leader"); err != nil {
		t.Fatal(err)
	}

	srv.Restart()
	testkit.Until(t, 5*time.Second, "leadership after Redis returns", a.e.IsLeader)
}

func TestNewRejectsBadArguments(t *testing.T) {
	tests := []struct {
		name string
		key  string
		ttl  time.Duration
	}{
		{"empty key", "", time.Second},
		{"tiny ttl", "carebridge:{leader}", time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := leader.New(nil, tt.key, tt.ttl, "a", quiet, nil); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func gauge(v int) string {
	return fmt.Sprintf(`
# HELP carebridge_leader 1 while this replica holds the leader lease, else 0.
# TYPE carebridge_leader gauge
carebridge_leader %d
`, v)
}

func TestOnRedisCluster(t *testing.T) {
	srv := redistest.Start(t, redistest.WithCluster(), redistest.WithoutAOF())
	tr := &tracker{}
	a := startReplica(t, srv.ClusterClient(t), "a", tr)
	testkit.Until(t, 5*time.Second, "a leads on a cluster", func() bool { return a.elected.Load() == 1 })
	if f := a.e.Fence(); f != 1 {
		t.Fatalf("fence = %d, want 1", f)
	}
}

func TestPanickingLeaderStepsDownAndCampaignGoesOn(t *testing.T) {
	rdb := redistest.NewClient(t)
	e, err := leader.New(rdb, "carebridge:{leader}", ttl, "a", quiet, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var terms atomic.Int32
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		e.Run(ctx, func(ctx context.Context) {
			if terms.Add(1) == 1 {
				panic("job bug")
			}
			<-ctx.Done()
		})
	}()
	testkit.Until(t, 5*time.Second, "elected again after the panic", func() bool { return terms.Load() == 2 && e.IsLeader() })
	if f := e.Fence(); f != 2 {
		t.Errorf("fence of the second term = %d, want 2", f)
	}
	cancel()
	<-stopped
}
