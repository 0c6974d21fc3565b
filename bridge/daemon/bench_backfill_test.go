package daemon_test

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge"
	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/daemon"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/salesforce"
	"github.com/carebridge/carebridge/internal/testkit"
)

// BenchmarkBackfill: N escalated Care cases (default 10,000; set
// CAREBRIDGE_BENCH_BACKFILL to change it) reach Salesforce at the default
// configuration, triggered by one Care poll. It reports, per run:
//   - write_ratio: Salesforce write calls / the floor ceil(records/200),
//     records being the Cases plus their mirrored messages (goal <= 1.05);
//   - cases/s: the backfill rate, poll to the last Case;
//   - reconciles/case: queue runs per case, the Salesforce poll after the
//     backfill included (carebridge's own writes must not come back);
//   - redis_round_trips/case: requests the daemon sent Redis per case (a
//     command, a script call or a whole pipeline is one), from
//     carebridge_redis_round_trips_total (goal <= 6);
//   - redis_cmds/case: Redis commands per case (INFO commandstats, which
//     counts the commands inside scripts too); redis_scripts/case: script
//     calls per case (each one round trip);
//   - sf_calls: every Salesforce call;
//   - bound_ratio: the backfill rate against the same-work bound measured
//     in the same run on the same sandboxes (goal >= 0.5): the Care reads
//     and Case upserts the backfill needs, made directly with the clients at
//     the same concurrency, without the bridge (sameWorkBound);
//   - cpu_ms/case and bound_cpu_ms/case: the CPU time the backfill and the
//     same-work bound took per case, this process (bridge, both sandboxes)
//     and Redis together: on a shared machine a steadier figure than time.
//
// CAREBRIDGE_BENCH_CPUPROFILE=file writes a CPU profile of the backfills
// without a conversation (from the poll to the last Case).
func BenchmarkBackfill(b *testing.B) {
	n := 10000
	if v := os.Getenv("CAREBRIDGE_BENCH_BACKFILL"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			b.Fatalf("CAREBRIDGE_BENCH_BACKFILL=%q: want a positive number", v)
		}
	}
	for _, msgs := range []int{0, 2} {
		b.Run(fmt.Sprintf("cases=%d/messages=%d", n, msgs), func(b *testing.B) { benchBackfill(b, n, msgs) })
	}
}

func benchBackfill(b *testing.B, n, msgs int) {
	workers := config.Defaults().Workers
	var ratio, rate, reconciles, redisTrips, redisCmds, redisScripts, sfCalls, boundRatio, cpu, boundCPU float64
	for i := range b.N {
		b.StopTimer()
		o := benchOptions{workers: workers}
		env, careL := newBenchSandboxes(b, o)
		env.serveCare(b, careL, "")
		d := env.newDaemon(b, o)
		ids := env.escalateBench(b, "fill"+strconv.Itoa(i), n, "agent_ana", msgs)
		env.run(b, d)
		env.sf.ResetCalls()
		runs0 := queueRuns(b, d)
		redis0, scripts0, trips0 := redisCommands(b, env), redisScriptCalls(b, env), redisRoundTrips(b, d)
		stopProfile := startCPUProfile(b, msgs == 0)
		cpu0 := cpuTime(b, env)
		b.StartTimer()

		start := time.Now()
		if err := d.Engine().Triggers().PollCare(context.Background()); err != nil {
			b.Fatal(err)
		}
		testkit.EventuallyEvery(b, 10*time.Minute, 20*time.Millisecond, fmt.Sprintf("%d Cases in Salesforce", n), func() (bool, string) {
			got := env.sf.Count("Case")
			return got == n, fmt.Sprintf("%d Cases", got)
		})

		elapsed := time.Since(start)
		b.StopTimer()
		cpuUsed := cpuTime(b, env) - cpu0
		stopProfile()
		env.waitIdle(b, 5*time.Minute)
		// The Salesforce poll sees every Case the backfill wrote: none may
		// come back as a reconcile.
		if err := d.Engine().Triggers().PollSalesforce(context.Background()); err != nil {
			b.Fatal(err)
		}
		env.waitIdle(b, 5*time.Minute)

		writes := sum(sfWriteCalls(env.sf))
		floor := (n*(1+msgs) + 199) / 200
		runs := queueRuns(b, d) - runs0
		cmds, scripts, trips := redisCommands(b, env)-redis0, redisScriptCalls(b, env)-scripts0, redisRoundTrips(b, d)-trips0
		b.Logf("run %d: %d cases (%d messages each) in %.2fs (%.0f/s); %d write calls %v (floor %d, ratio %.2f); %d reconciles (%.2f per case); %d Redis round trips (%.2f per case); %d Redis commands, scripts' own included (%.1f per case), %d script calls (%.1f per case); %d Salesforce calls",
			i, n, msgs, elapsed.Seconds(), float64(n)/elapsed.Seconds(), writes, sfWriteCalls(env.sf), floor, float64(writes)/float64(floor),
			runs, float64(runs)/float64(n), trips, float64(trips)/float64(n), cmds, float64(cmds)/float64(n), scripts, float64(scripts)/float64(n), env.sf.TotalCalls())
		redisTrips += float64(trips) / float64(n)
		redisScripts += float64(scripts) / float64(n)
		ratio += float64(writes) / float64(floor)
		rate += float64(n) / elapsed.Seconds()
		reconciles += float64(runs) / float64(n)
		redisCmds += float64(cmds) / float64(n)
		sfCalls += float64(env.sf.TotalCalls())
		cpu1 := cpuTime(b, env)
		bound := sameWorkBound(b, env, ids, workers)
		boundUsed := cpuTime(b, env) - cpu1
		b.Logf("run %d: the same work without the bridge: %.0f cases/s; the bridge reached %.2f of it; CPU per case %.2f ms, the same work's %.2f ms",
			i, bound, float64(n)/elapsed.Seconds()/bound, msPerCase(cpuUsed, n), msPerCase(boundUsed, n))
		boundRatio += float64(n) / elapsed.Seconds() / bound
		cpu += msPerCase(cpuUsed, n)
		boundCPU += msPerCase(boundUsed, n)
		env.stop()
	}
	b.ReportMetric(ratio/float64(b.N), "write_ratio")
	b.ReportMetric(rate/float64(b.N), "cases/s")
	b.ReportMetric(reconciles/float64(b.N), "reconciles/case")
	b.ReportMetric(redisTrips/float64(b.N), "redis_round_trips/case")
	b.ReportMetric(redisCmds/float64(b.N), "redis_cmds/case")
	b.ReportMetric(redisScripts/float64(b.N), "redis_scripts/case")
	b.ReportMetric(sfCalls/float64(b.N), "sf_calls")
	b.ReportMetric(boundRatio/float64(b.N), "bound_ratio")
	b.ReportMetric(cpu/float64(b.N), "cpu_ms/case")
	b.ReportMetric(boundCPU/float64(b.N), "bound_cpu_ms/case")
	b.ReportMetric(0, "ns/op")
}

// queueRuns is how many runs the daemon's workers finished (the count of
// carebridge_queue_work_duration_seconds).
func queueRuns(b *testing.B, d *daemon.Daemon) int64 {
	b.Helper()
	families, err := d.Registry().Gather()
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == "carebridge_queue_work_duration_seconds" {
			return int64(f.GetMetric()[0].GetHistogram().GetSampleCount())
		}
	}
	b.Fatal("no carebridge_queue_work_duration_seconds")
	return 0
}

// redisRoundTrips is how many requests d has sent Redis.
func redisRoundTrips(b *testing.B, d *daemon.Daemon) int64 {
	b.Helper()
	return int64(benchMetricSum(b, d, "carebridge_redis_round_trips_total", nil))
}

// redisCommands is how many commands Redis has served, those inside
// scripts included.
func redisCommands(b *testing.B, env *benchEnv) int64 {
	b.Helper()
	var n int64
	for _, c := range redisCalls(b, env) {
		n += c
	}
	return n
}

// sameWorkBound makes the upstream calls a backfill of ids needs, without
// the bridge, on env's sandboxes, and returns the cases per second: the 3
// Care reads of every case (case, conversation, notes) by workers
// goroutines, then a Case upsert per case in Collections calls of 200, as
// many calls at once as the bridge's batchers make (one per 200 workers),
// each followed by the upserts of those cases' messages (mirror records
// under the new Cases), also 200 a call. The Cases and messages are new
// ones (other ids), so each upsert creates, as in a backfill.
func sameWorkBound(b *testing.B, env *benchEnv, ids []string, workers int) float64 {
	b.Helper()
	ctx := context.Background()
	// Its connections are kept as the daemon's are (see daemon.New), so
	// that neither side pays for new connections the other does not.
	cc, err := care.New(care.Config{BaseURL: env.careURL, Token: "tok", Secret: "sec", IdleConnections: 3*workers + 8}, nil, benchLogger())
	if err != nil {
		b.Fatal(err)
	}
	defer cc.Close()
	sf, err := salesforce.New(salesforce.Config{LoginURL: env.sfURL, APIVersion: config.Defaults().Salesforce.APIVersion,
		Auth: salesforce.Auth{Method: "client_credentials", ClientID: "cid", ClientSecret: "csecret"}}, nil, nil, benchLogger())
	if err != nil {
		b.Fatal(err)
	}
	defer sf.Close()
	start := time.Now()
	next := make(chan string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	conversations := make(map[string][]care.Message, len(ids))
	for range workers {
		wg.Go(func() {
			for id := range next {
				if _, err := cc.GetCase(ctx, id); err != nil {
					b.Error(err)
				}
				if msgs, err := cc.Messages(ctx, id); err != nil {
					b.Error(err)
				} else {
					mu.Lock()
					conversations[id] = msgs
					mu.Unlock()
				}
				if _, err := cc.Notes(ctx, id); err != nil {
					b.Error(err)
				}
			}
		})
	}
	for _, id := range ids {
		next <- id
	}
	close(next)
	wg.Wait()
	chunks := make(chan []salesforce.Record)
	for range max(1, workers/200) {
		wg.Go(func() {
			for recs := range chunks {
				res, err := sf.UpsertMany(ctx, "Case", "Care_Case_Id__c", recs)
				if err != nil {
					b.Error(err)
					continue
				}
				var msgs []salesforce.Record
				for i, r := range res {
					for _, m := range conversations[strings.TrimPrefix(recs[i]["Care_Case_Id__c"].(string), "bound_")] {
						msgs = append(msgs, salesforce.Record{bridge.MessageIDField: "bound_" + m.ID, bridge.MessageCaseFld: r.ID,
							"Platform__c": string(m.Platform), "Kind__c": string(m.Kind), "Direction__c": m.Direction, "Text__c": m.Text,
							"Author_Handle__c": m.Author.Handle, "Posted_At__c": m.PostedAt.UTC().Format("2006-01-02T15:04:05.000Z")})
					}
				}
				for from := 0; from < len(msgs); from += 200 {
					if _, err := sf.UpsertMany(ctx, bridge.MessageObject, bridge.MessageIDField, msgs[from:min(from+200, len(msgs))]); err != nil {
						b.Error(err)
					}
				}
			}
		})
	}
	for from := 0; from < len(ids); from += 200 {
		recs := make([]salesforce.Record, 0, 200)
		for _, id := range ids[from:min(from+200, len(ids))] {
			recs = append(recs, salesforce.Record{"Care_Case_Id__c": "bound_" + id, "Subject": "Broken tent pole " + id, "Status": "New"})
		}
		chunks <- recs
	}
	close(chunks)
	wg.Wait()
	return float64(len(ids)) / time.Since(start).Seconds()
}

// cpuTime is the CPU time used so far by this process (the daemon and both
// sandboxes) and by env's Redis server.
func cpuTime(b *testing.B, env *benchEnv) time.Duration {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	own := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	info, err := env.redis.Client(b).InfoMap(context.Background(), "cpu").Result()
	if err != nil {
		b.Fatal(err)
	}
	var redisSecs float64
	for _, k := range []string{"used_cpu_user", "used_cpu_sys"} {
		v, err := strconv.ParseFloat(info["CPU"][k], 64)
		if err != nil {
			b.Fatalf("redis INFO cpu %s: %v", k, err)
		}
		redisSecs += v
	}
	return own + time.Duration(redisSecs*float64(time.Second))
}

func msPerCase(d time.Duration, n int) float64 {
	return float64(d) / float64(time.Millisecond) / float64(n)
}

// startCPUProfile starts the CPU profile CAREBRIDGE_BENCH_CPUPROFILE names,
// when on and the variable is set; the returned func stops it.
func startCPUProfile(b *testing.B, on bool) (stop func()) {
	b.Helper()
	path := os.Getenv("CAREBRIDGE_BENCH_CPUPROFILE")
	if !on || path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			b.Error(err)
		}
	}
}
