package daemon_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/redis/go-redis/v9"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/daemon"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/internal/testkit"
)

// callsByOp is what a sandbox counted, by operation, over a window.
type callsByOp map[string]int

func sfCalls(sf *sfsim.Server) callsByOp {
	out := callsByOp{}
	for _, op := range append([]string{sfsim.OpQuery, sfsim.OpGet, sfsim.OpDescribe, sfsim.OpLimits, sfsim.OpToken, sfsim.OpLogin, sfsim.OpOther}, sfWriteOps...) {
		if n := sf.Calls(op); n > 0 {
			out[op] = n
		}
	}
	return out
}

func careCalls(c *caresim.Server) callsByOp {
	out := callsByOp{}
	for _, op := range []string{caresim.OpListCases, caresim.OpGetCase, caresim.OpListMessages, caresim.OpListNotes, caresim.OpListAgents,
		caresim.OpListProfiles, caresim.OpAssignCase, caresim.OpSetCaseStatus, caresim.OpAddNote} {
		if n := c.Calls(op); n > 0 {
			out[op] = n
		}
	}
	return out
}

func (c callsByOp) minus(before callsByOp) callsByOp {
	out := callsByOp{}
	for op, n := range c {
		if d := n - before[op]; d != 0 {
			out[op] = d
		}
	}
	return out
}

func (c callsByOp) String() string {
	ops := make([]string, 0, len(c))
	for op := range c {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	parts := make([]string, len(ops))
	for i, op := range ops {
		parts[i] = fmt.Sprintf("%s=%d", op, c[op])
	}
	return strings.Join(parts, " ")
}

// benchDuration reads a duration from the environment (for shorter tries).
func benchDuration(b *testing.B, env string, def time.Duration) time.Duration {
	if v := os.Getenv(env); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			b.Fatalf("%s=%q: want a duration", env, v)
		}
		return d
	}
	return def
}

// BenchmarkIdleReplicaAPICalls: what a replica with nothing to do spends
// at the default configuration (polls every 15 s, sweep every 10 min),
// counted by the sandboxes over a window (CAREBRIDGE_BENCH_IDLE_WINDOW,
// default 2m) with 200 linked cases and no change, reported per hour. The
// sweep is left to BenchmarkSweepCost.
func BenchmarkIdleReplicaAPICalls(b *testing.B) {
	window := benchDuration(b, "CAREBRIDGE_BENCH_IDLE_WINDOW", 2*time.Minute)
	for range b.N {
		env, careL := newBenchSandboxes(b, benchOptions{})
		env.serveCare(b, careL, "")
		env.escalateBench(b, "idle", 200, "agent_ana", 2)
		cfg := env.config(b, 32)
		cfg.Schedule.Sweep = "@every 24h" // one sweep per 10 min is measured on its own
		d, err := daemon.New(cfg, benchLogger())
		if err != nil {
			b.Fatal(err)
		}
		env.run(b, d)
		testkit.EventuallyEvery(b, 5*time.Minute, 100*time.Millisecond, "200 linked cases", func() (bool, string) {
			n := env.sf.Count("Case")
			return n == 200, fmt.Sprint(n)
		})

		env.waitIdle(b, 5*time.Minute)
		// The first polls after linking bring the bridge's own writes back
		// (echoes, reconciled without writing); the window starts after.
		settled := jobRuns(b, d, "poll_salesforce") + 2
		testkit.EventuallyEvery(b, time.Minute, 100*time.Millisecond, "two more Salesforce polls", func() (bool, string) {
			n := jobRuns(b, d, "poll_salesforce")
			return n >= settled, fmt.Sprint(n)
		})

		env.waitIdle(b, 5*time.Minute)
		sf0, care0, polls0 := sfCalls(env.sf), careCalls(env.care), jobRuns(b, d, "poll_salesforce")
		time.Sleep(window) // the measured window itself, not a synchronisation
		sf, careC, polls := sfCalls(env.sf).minus(sf0), careCalls(env.care).minus(care0), jobRuns(b, d, "poll_salesforce")-polls0
		perHour := float64(time.Hour) / float64(window)
		b.Logf("over %s (%v Salesforce polls): Salesforce %v; Care %v", window, polls, sf, careC)
		b.ReportMetric(float64(sum(sf))*perHour, "sf_calls/hour")
		b.ReportMetric(float64(sf[sfsim.OpQuery])*perHour, "sf_queries/hour")
		b.ReportMetric(float64(sum(sf)-sf[sfsim.OpQuery])*perHour, "sf_other_calls/hour")
		b.ReportMetric(float64(sum(careC))*perHour, "care_calls/hour")
		if polls > 0 {
			b.ReportMetric(float64(sf[sfsim.OpQuery])/polls, "sf_queries/poll")
		}
		b.ReportMetric(0, "ns/op")
		env.stop()
	}
}

// BenchmarkSweepCost: what one sweep costs and what Redis holds per case,
// before and after retention. CAREBRIDGE_BENCH_SWEEP_CASES linked cases
// (default 2,000; 2 messages and a note each). A first sweep covers all of
// them; then half of them close on both sides, and once older than
// retention.closed_cases they are retired, and the next sweep covers the
// open half only. Per-case figures scale linearly (docs/benchmarks.md
// states them for 100,000 linked cases).
func BenchmarkSweepCost(b *testing.B) {
	n := 2000
	if v := os.Getenv("CAREBRIDGE_BENCH_SWEEP_CASES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 2 {
			b.Fatalf("CAREBRIDGE_BENCH_SWEEP_CASES=%q: want a number above 1", v)
		}
	}
	ctx := context.Background()
	for range b.N {
		env, careL := newBenchSandboxes(b, benchOptions{})
		env.serveCare(b, careL, "")
		ids := env.escalateBench(b, "sweep", n, "agent_ana", 2)
		for _, id := range ids {
			if _, err := env.care.UIAddNote(id, "agent_ana", "Called the customer back."); err != nil {
				b.Fatal(err)
			}
		}
		cfg := env.config(b, 64)
		cfg.Schedule.PollCare, cfg.Schedule.PollSalesforce, cfg.Schedule.Sweep = "@every 24h", "@every 24h", "@every 24h" // every trigger is the benchmark's
		cfg.Retention.ClosedCases = 10 * time.Second
		d, err := daemon.New(cfg, benchLogger())
		if err != nil {
			b.Fatal(err)
		}
		env.run(b, d)
		if err := d.Engine().Triggers().PollCare(ctx); err != nil {
			b.Fatal(err)
		}
		testkit.EventuallyEvery(b, 30*time.Minute, time.Second, "every case linked", func() (bool, string) {
			got := env.sf.Count("Case")
			return got == n, fmt.Sprintf("%d of %d", got, n)
		})

		env.waitIdle(b, 10*time.Minute)
		activeBytes := env.redisBytesPerCase(b, ids)

		sweep := func() (callsByOp, callsByOp, time.Duration) {
			sf0, care0 := sfCalls(env.sf), careCalls(env.care)
			start := time.Now()
			if err := d.Engine().Triggers().Sweep(ctx); err != nil {
				b.Fatal(err)
			}
			env.waitIdle(b, 30*time.Minute)
			return sfCalls(env.sf).minus(sf0), careCalls(env.care).minus(care0), time.Since(start)
		}
		sfAll, careAll, tAll := sweep()
		// Half the cases close; once older than retention.closed_cases the
		// next sweep retires them, and the one after covers the open half.
		for _, id := range ids[:n/2] {
			if err := env.care.UISetStatus(id, rules.Done); err != nil {
				b.Fatal(err)
			}
		}
		if err := d.Engine().Triggers().PollCare(ctx); err != nil {
			b.Fatal(err)
		}
		env.waitIdle(b, 10*time.Minute)
		closedAt := time.Now()
		testkit.EventuallyEvery(b, time.Minute, 100*time.Millisecond, "the closed cases older than retention", func() (bool, string) {
			return time.Since(closedAt) > cfg.Retention.ClosedCases, ""
		})

		_, _, _ = sweep() // retires
		sfOpen, careOpen, tOpen := sweep()
		openBytes := env.redisBytesPerCase(b, ids[n/2:])
		retiredBytes := env.redisBytesPerCase(b, ids[:n/2])
		b.Logf("sweep of %d linked cases: %s; Care %v; Salesforce %v", n, tAll.Round(time.Millisecond), careAll, sfAll)
		b.Logf("sweep after retiring %d closed cases: %s; Care %v; Salesforce %v", n/2, tOpen.Round(time.Millisecond), careOpen, sfOpen)
		b.Logf("Redis bytes per case: linked %.0f, open after retirement %.0f, retired %.0f", activeBytes, openBytes, retiredBytes)
		b.ReportMetric(float64(sum(careAll))/float64(n), "care_calls/swept_case")
		b.ReportMetric(float64(sum(sfAll))/float64(n)*200, "sf_calls_per_200_swept")
		b.ReportMetric(float64(sum(careOpen)), "care_calls/sweep_after_retiring_half")
		b.ReportMetric(activeBytes, "redis_bytes/linked_case")
		b.ReportMetric(retiredBytes, "redis_bytes/retired_case")
		b.ReportMetric(0, "ns/op")
		env.stop()
	}
}

// config is the default configuration pointed at env, with workers.
func (env *benchEnv) config(b *testing.B, workers int) config.Config {
	b.Helper()
	cfg := config.Defaults()
	cfg.Listen = "127.0.0.1:0"
	cfg.Redis.URL = "redis://" + env.redis.Addr() + "/0"
	cfg.Care.BaseURL, cfg.Care.Token, cfg.Care.Secret, cfg.Care.WebhookSecret = env.careURL, "tok", "sec", benchWebhookSecret
	cfg.Salesforce.LoginURL, cfg.Salesforce.ClientID, cfg.Salesforce.ClientSecret = env.sfURL, "cid", "csecret"
	cfg.Salesforce.PubSubEndpoint, cfg.Salesforce.PubSubInsecure = env.pubsub, true
	cfg.Workers = workers
	if err := cfg.Validate(); err != nil {
		b.Fatal(err)
	}
	return cfg
}

func jobRuns(b *testing.B, d *daemon.Daemon, job string) float64 {
	b.Helper()
	return benchMetricSum(b, d, "carebridge_job_runs_total", func(m *dto.Metric) bool {
		for _, l := range m.GetLabel() {
			if l.GetName() == "task" && l.GetValue() == job {
				return true
			}
		}
		return false
	})
}

// benchMetricSum adds up the counter series of d's metric name that keep
// says to count (nil: all).
func benchMetricSum(b testing.TB, d *daemon.Daemon, name string, keep func(*dto.Metric) bool) float64 {
	b.Helper()
	families, err := d.Registry().Gather()
	if err != nil {
		b.Fatal(err)
	}
	var n float64
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if keep == nil || keep(m) {
				n += m.GetCounter().GetValue()
			}
		}
	}
	return n
}

// redisBytesPerCase is what Redis holds for each of ids on average: the
// MEMORY USAGE of its per-case keys plus its share of the link hashes and
// the closed set.
func (env *benchEnv) redisBytesPerCase(b *testing.B, ids []string) float64 {
	b.Helper()
	ctx := context.Background()
	rdb := env.redis.Client(b)
	// One SCAN over every case key (KEYS per case would read them all for
	// each case), then the sizes of the wanted cases' keys, pipelined.
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	var keys []string
	iter := rdb.Scan(ctx, 0, "carebridge:{case:*", 1000).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		id, _, _ := strings.Cut(strings.TrimPrefix(k, "carebridge:{case:"), "}")
		if want[id] {
			keys = append(keys, k)
		}
	}
	if err := iter.Err(); err != nil {
		b.Fatal(err)
	}
	var total int64
	for start := 0; start < len(keys); start += 1000 {
		cmds, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range keys[start:min(start+1000, len(keys))] {
				p.MemoryUsage(ctx, k, 0)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range cmds {
			total += c.(*redis.IntCmd).Val()
		}
	}
	linked, err := rdb.HLen(ctx, "carebridge:{links}:care2sf").Result()
	if err != nil {
		b.Fatal(err)
	}
	if linked > 0 {
		var shared int64
		for _, k := range []string{"carebridge:{links}:care2sf", "carebridge:{links}:sf2care", "carebridge:{links}:closed"} {
			n, err := rdb.MemoryUsage(ctx, k, 0).Result()
			if err == nil {
				shared += n
			}
		}
		// Each linked case's share of the link structures.
		mine := 0
		for _, id := range ids {
			if rdb.HExists(ctx, "carebridge:{links}:care2sf", id).Val() {
				mine++
			}
		}
		total += shared * int64(mine) / linked
	}
	return float64(total) / float64(len(ids))
}

func benchLogger() *slog.Logger {
	if os.Getenv("CAREBRIDGE_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}
