package e2e_test

import (
	"strings"
	"testing"

	"github.com/carebridge/carebridge/internal/redistest"
	"github.com/carebridge/carebridge/internal/testenv"
	"github.com/carebridge/carebridge/internal/testkit"
)

// TestRedisRestartDuringSync kills Redis (AOF on) while changes are being
// synced: the daemon reports not ready on /readyz naming Redis, keeps
// running, becomes ready again when Redis is back, and every change made
// before and during the outage arrives exactly once.
func TestRedisRestartDuringSync(t *testing.T) {
	t.Parallel()
	w := newWorld(t, testenv.Config{})
	p := w.start(t)
	l := escalateCases(t, w.sb, "redis_", 10)

	// Changes in flight when Redis dies.
	l.changes(t, 0, 40)
	w.redis.Kill()
	waitRedisDown(t, p)

	// Changes while Redis is down.
	l.changes(t, 40, 120)
	if p.Exited() {
		t.Fatal("the daemon exited while Redis was down")
	}
	if ready, body := p.Ready(); ready {
		t.Fatalf("ready while Redis is down: %s", body)
	}

	w.redis.Restart()
	testkit.Eventually(t, syncTimeout, "/readyz ready again", p.Ready)
	l.changes(t, 120, 160)
	l.waitConverged(t, p, convergeTimeout)
	m := p.MustMetrics()
	if dead := w.deadLetters(t); len(dead) != 0 {
		t.Errorf("dead letters (of every daemon, killed ones included): %v", dead)
	}
	if up := m.Value("carebridge_dependency_up", "dependency", "redis"); up != 1 {
		t.Errorf("carebridge_dependency_up{redis} = %v after recovery", up)
	}
	t.Logf("%d changes synced across the Redis restart", l.made)
}

// TestRedisStateLostDuplicatesNothing restarts Redis without persistence
// under a running daemon, so every link, base snapshot, note link and
// cursor is gone. The daemon must find the existing Salesforce Cases and
// notes again (upsert by Care id, notes matched by author, time and text)
// instead of creating them twice, and keep syncing.
func TestRedisStateLostDuplicatesNothing(t *testing.T) {
	t.Parallel()
	w := newWorld(t, testenv.Config{}, redistest.WithoutAOF())
	p := w.start(t)
	l := escalateCases(t, w.sb, "lost_", 8)
	l.changes(t, 0, 64) // notes both ways, statuses, assignments
	l.waitConverged(t, p, syncTimeout)

	w.redis.Restart() // comes back empty (no AOF, no RDB)
	testkit.Eventually(t, syncTimeout, "/readyz ready again", p.Ready)
	// The first Care poll of an empty store looks back 30 days, so every
	// case is reconciled without its state.
	waitPolls(t, p, 2)
	l.changes(t, 64, 96)
	l.waitConverged(t, p, convergeTimeout)
}

// TestDaemonStartsBeforeRedis starts the daemon while Redis is down (a pod
// scheduled before its Redis): it serves /healthz, reports not ready naming
// Redis, and syncs once Redis is up.
func TestDaemonStartsBeforeRedis(t *testing.T) {
	t.Parallel()
	w := newWorld(t, testenv.Config{})
	w.redis.Kill()
	p := testenv.StartDaemon(t, w.cfg) // returns once /healthz answers
	waitRedisDown(t, p)
	w.redis.Restart()
	testkit.Eventually(t, syncTimeout, "/readyz ready", p.Ready)
	l := escalateCases(t, w.sb, "late_redis_", 4)
	l.changes(t, 0, 16)
	l.waitConverged(t, p, convergeTimeout)
	// The Redis client's own complaints (its pool failing to dial) are
	// records of the daemon's log, not plain lines in it.
	var redisLines int
	for line := range strings.SplitSeq(strings.TrimSpace(p.Log()), "\n") {
		if !strings.HasPrefix(line, "time=") {
			t.Errorf("a log line that is no slog record: %q", line)
		}
		if strings.Contains(line, "component=redis") {
			redisLines++
		}
	}
	if redisLines == 0 {
		t.Error("no line of the Redis client (component=redis) while Redis was down")
	}
}

// waitRedisDown waits until p's /readyz answers not ready because of Redis
// (and only Redis: the mapping is loaded and the workers run).
func waitRedisDown(t *testing.T, p *testenv.Proc) {
	t.Helper()
	testkit.Eventually(t, syncTimeout, "/readyz to report Redis down", func() (bool, string) {
		ready, body := p.Ready()
		checks, err := p.Checks()
		if err != nil {
			return false, err.Error()
		}
		return !ready && checks["redis"] != "ok" && checks["redis"] != "" && checks["mapping"] == "ok" && checks["workers"] == "ok", body
	})
}
