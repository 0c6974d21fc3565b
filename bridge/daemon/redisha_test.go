package daemon_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/check"
	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/daemon"
	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/internal/redistest"
	"github.com/carebridge/carebridge/internal/testkit"
)

// haTimeout bounds a wait that spans a Redis failover or a restart on a
// loaded 2-core machine under -race.
const haTimeout = 3 * time.Minute

// haTweaks make a lost lease come back in seconds, not a minute, and a
// lost leader lease be taken over quickly; the sweep stays off (every hour),
// so what repairs lost Redis writes here is the polls and the leases.
func haTweaks(c *config.Config) {
	c.Queue.Lease = 5 * time.Second
	c.Leader.Lease = 3 * time.Second
}

// escalateRange escalates Care cases prefix_from .. prefix_(to-1), each with
// a post and a comment (so each also has messages to mirror).
func (w *world) escalateRange(t *testing.T, prefix string, from, to int) []string {
	t.Helper()
	var ids []string
	for i := from; i < to; i++ {
		id := prefix + strconv.Itoa(i)
		w.escalate(t, id, strPtr("agent_ana"))
		ids = append(ids, id)
	}
	return ids
}

// syncedOnce waits until every case of ids has its Salesforce Case and both
// its messages mirrored, then checks that none of them, Case or message,
// exists twice.
func (w *world) syncedOnce(t *testing.T, ids []string) {
	t.Helper()
	count := func(object, field string) map[string]int {
		n := map[string]int{}
		for _, r := range w.sf.Records(object) {
			if v, _ := r[field].(string); v != "" {
				n[v]++
			}
		}
		return n
	}
	testkit.Eventually(t, haTimeout, fmt.Sprintf("%d cases and their messages in Salesforce", len(ids)), func() (bool, string) {
		cases, msgs := count("Case", "Care_Case_Id__c"), count("Care_Message__c", "Care_Message_Id__c")
		missing := 0
		for _, id := range ids {
			if cases[id] == 0 || msgs["post_"+id] == 0 || msgs["c_"+id] == 0 {
				missing++
			}
		}
		return missing == 0, fmt.Sprintf("%d of %d cases not fully synced", missing, len(ids))
	})
	cases, msgs := count("Case", "Care_Case_Id__c"), count("Care_Message__c", "Care_Message_Id__c")
	for _, id := range ids {
		if cases[id] != 1 || msgs["post_"+id] != 1 || msgs["c_"+id] != 1 {
			t.Errorf("%s: %d Cases, %d and %d mirrors of its messages; want exactly one each", id, cases[id], msgs["post_"+id], msgs["c_"+id])
		}
	}
	if n := len(w.sf.Records("Case")); n != len(ids) {
		t.Errorf("%d Cases in Salesforce, want %d", n, len(ids))
	}
}

// ready waits until d's /readyz answers 200: among others, Redis answers.
func ready(t *testing.T, d *daemon.Daemon) {
	t.Helper()
	testkit.Eventually(t, haTimeout, "/readyz 200", func() (bool, string) {
		rec := httptest.NewRecorder()
		d.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		return rec.Code == http.StatusOK, strings.TrimSpace(rec.Body.String())
	})
}

// redisToolsWork: `carebridge check` reaches Redis and `carebridge
// deadletters list` reads the queue with cfg's Redis settings.
func redisToolsWork(t *testing.T, cfg config.Config) {
	t.Helper()
	lines, _ := check.Run(context.Background(), cfg, logger(t))
	if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, "ok") && strings.HasSuffix(l, "redis reachable") }) {
		t.Errorf("carebridge check on %s Redis says:\n%s", cfg.Redis.Mode(), strings.Join(lines, "\n"))
	}
	rdb, err := cfg.Redis.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	q, err := queue.New(rdb, queue.Options{Prefix: cfg.Redis.Prefix}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.List(context.Background(), 10); err != nil {
		t.Errorf("deadletters list on %s Redis: %v", cfg.Redis.Mode(), err)
	}
}

// TestSentinelFailoverMidBurstSyncsEveryCaseOnce: two replicas work a burst
// of 300 Care cases on a Sentinel-watched Redis. The master is killed with
// SIGKILL while the first half is being worked and the second half is
// still to come; Sentinel promotes the replica, both daemons follow it, and
// every case reaches Salesforce exactly once, messages included.
// Replication is asynchronous: writes the master acknowledged but had not
// yet sent may be lost in the failover (the log line says whether it
// happened); the polls and the leases repair that.
func TestSentinelFailoverMidBurstSyncsEveryCaseOnce(t *testing.T) {
	ha := redistest.StartSentinel(t)
	w := startWorldOn(t, nil, config.Redis{Sentinel: config.RedisSentinel{MasterName: redistest.MasterName, Addrs: ha.Addrs()}}, haTweaks)
	other := w.startReplica(t)
	const n = 300

	ids := w.escalateRange(t, "ha_", 0, n/2)
	testkit.Eventually(t, haTimeout, "the burst under way", func() (bool, string) {
		got := len(w.sf.Records("Case"))
		return got > 0, fmt.Sprintf("%d Cases", got)
	})
	old := ha.Master()
	written, synced := replInfo(t, old, "master_repl_offset"), len(w.sf.Records("Case"))
	old.Kill()
	ids = append(ids, w.escalateRange(t, "ha_", n/2, n)...)
	promoted := ha.WaitFailover(old)
	// second_repl_offset: where the promoted replica's copy of the old
	// master's stream ended, plus one.
	kept := replInfo(t, promoted, "second_repl_offset") - 1
	t.Logf("master killed with %d of %d Cases in Salesforce, at replication offset >= %d; the promoted replica had %d: %s",
		synced, n, written, kept, map[bool]string{true: "the failover lost acknowledged writes", false: "no write known lost"}[written > kept])

	ready(t, w.d)
	ready(t, other)
	redisToolsWork(t, w.cfg)
	w.syncedOnce(t, ids)
	// Nothing is left to do twice: once the queue is idle, still one each.
	testkit.Eventually(t, haTimeout, "an idle queue", func() (bool, string) {
		d, err := w.d.Queue().Depth(context.Background())
		return err == nil && d.Ready+d.Delayed+d.Processing == 0, fmt.Sprintf("%+v %v", d, err)
	})
	w.syncedOnce(t, ids)
}

// replInfo is a number field of the server's INFO replication.
func replInfo(t *testing.T, s *redistest.Server, field string) int64 {
	t.Helper()
	info, err := s.Client(t).Info(context.Background(), "replication").Result()
	if err != nil {
		t.Fatalf("info replication on %s: %v", s.Addr(), err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatalf("%s: %v", field, err)
			}
			return n
		}
	}
	t.Fatalf("no %s in %q", field, info)
	return 0
}

// TestLostRedisWritesAreRepairedWithoutDuplicates makes the loss an
// asynchronous failover can cause happen for certain: Redis comes back
// from a snapshot taken mid-burst, without everything two replicas wrote
// after it (links, base snapshots, finished and new queue keys, the poll
// cursor), exactly as a promoted replica that lagged behind would. Every
// case still reaches Salesforce exactly once.
func TestLostRedisWritesAreRepairedWithoutDuplicates(t *testing.T) {
	rds := redistest.Start(t, redistest.WithoutAOF())
	w := startWorldOn(t, rds, config.Redis{URL: "redis://" + rds.Addr() + "/0"}, haTweaks)
	other := w.startReplica(t)
	ctx := context.Background()
	c := rds.Client(t)

	ids := w.escalateRange(t, "lost_", 0, 100)
	testkit.Eventually(t, haTimeout, "the burst under way", func() (bool, string) {
		got := len(w.sf.Records("Case"))
		return got > 0, fmt.Sprintf("%d Cases", got)
	})
	if err := c.Save(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	ids = append(ids, w.escalateRange(t, "lost_", 100, 150)...)
	w.syncedOnce(t, ids)
	before, err := c.DBSize(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	rds.Kill()
	rds.Restart() // back to the snapshot
	after, err := c.DBSize(ctx).Result()
	if err != nil || after >= before {
		t.Fatalf("Redis holds %d keys after coming back from the snapshot, %d before (%v): no write was lost", after, before, err)
	}
	ids = append(ids, w.escalateRange(t, "lost_", 150, 200)...)
	ready(t, w.d)
	ready(t, other)
	w.syncedOnce(t, ids)
	// The cases whose links were lost are linked again by their next
	// trigger, to the same Case: an agent's change in Care reaches it.
	if err := w.care.UISetStatus("lost_0", rules.Pending); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, haTimeout, "lost_0 On Hold in Salesforce", func() (bool, string) {
		r := w.sfCase("lost_0")
		return r["Status"] == "On Hold", fmt.Sprint(r["Status"])
	})
	w.syncedOnce(t, ids)
}

// TestTwoReplicasOnARedisCluster: two replicas on a three-master Redis
// Cluster, whose keys spread over all three, sync both ways: new Care
// cases reach Salesforce once each, and a reassignment in Salesforce
// reaches Care.
func TestTwoReplicasOnARedisCluster(t *testing.T) {
	cl := redistest.StartCluster(t, 3)
	w := startWorldOn(t, nil, config.Redis{Cluster: config.RedisCluster{Addrs: cl.Addrs()}})
	other := w.startReplica(t)
	ready(t, w.d)
	ready(t, other)
	redisToolsWork(t, w.cfg)

	ids := w.escalateRange(t, "cl_", 0, 30)
	w.syncedOnce(t, ids)
	sfID, _ := w.sfCase("cl_7")["Id"].(string)
	if err := w.sf.Update("Case", sfID, map[string]any{"OwnerId": w.users["ben@example.com"]}); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, haTimeout, "Care assignee Ben", func() (bool, string) {
		c, _ := w.care.Case("cl_7")
		return c.AssigneeID != nil && *c.AssigneeID == "agent_ben", fmt.Sprint(c.AssigneeID)
	})
	for _, node := range cl.Nodes {
		if keys, err := node.Client(t).DBSize(context.Background()).Result(); err != nil || keys == 0 {
			t.Errorf("cluster node %s holds %d keys (%v): the state did not spread over the cluster", node.Addr(), keys, err)
		}
	}
}
