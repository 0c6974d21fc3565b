package daemon_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/daemon"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/internal/testkit"
)

// BenchmarkReplicas: 5,000 escalated Care cases (no conversation) already
// queued, worked by one replica and then, on fresh sandboxes and Redis, by
// two replicas of the default configuration in one process. It reports the
// time to the last Case for each, the speed-up (goal >= 1.8 where the
// upstreams are not the limit) and the Salesforce write calls of each (goal:
// the same; batches must not split into halves). All of it shares this
// machine's 2 cores: the replicas, both sandboxes and Redis.
//
// Two variants: care_latency=0s, where the shared CPU is the limit, and
// care_latency=500ms, where each Care call takes half a second as across a
// continent (real upstreams answer in tens to hundreds of milliseconds, the
// sandboxes on loopback in well under one): a replica's workers then spend
// their time waiting, as in production, and a second replica adds workers.
func BenchmarkReplicas(b *testing.B) {
	for _, latency := range []time.Duration{0, 500 * time.Millisecond} {
		b.Run("care_latency="+latency.String(), func(b *testing.B) { benchReplicas(b, latency) })
	}
}

func benchReplicas(b *testing.B, careLatency time.Duration) {
	const n = 5000
	var one, two, speedup, writes1, writes2 float64
	for i := range b.N {
		var secs [3]float64
		var writes [3]int
		for _, replicas := range []int{1, 2} {
			b.StopTimer()
			o := benchOptions{workers: config.Defaults().Workers}
			env, careL := newBenchSandboxes(b, o)
			env.serveCare(b, careL, "")
			first := env.newDaemon(b, o)
			env.escalateBench(b, fmt.Sprintf("rep%d_%d", i, replicas), n, "agent_ana", 0)
			if err := first.Engine().Triggers().PollCare(context.Background()); err != nil {
				b.Fatal(err)
			}
			if careLatency > 0 {
				env.care.InjectFault(caresim.Fault{Latency: careLatency})
			}
			env.sf.ResetCalls()
			var second *daemon.Daemon
			if replicas == 2 {
				second = env.newDaemon(b, o) // built before the clock starts, as the first
			}
			b.StartTimer()

			start := time.Now()
			env.run(b, first)
			stopSecond := func() {}
			if second != nil {
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan error, 1)
				go func() { done <- second.Run(ctx) }()
				stopSecond = func() { cancel(); <-done }
			}
			testkit.EventuallyEvery(b, 10*time.Minute, 10*time.Millisecond, strconv.Itoa(n)+" Cases in Salesforce", func() (bool, string) {
				got := env.sf.Count("Case")
				return got == n, fmt.Sprintf("%d Cases", got)
			})

			secs[replicas] = time.Since(start).Seconds()
			b.StopTimer()
			env.waitIdle(b, 2*time.Minute)
			writes[replicas] = sum(sfWriteCalls(env.sf))
			stopSecond()
			env.stop()
		}
		b.Logf("run %d: 1 replica %.2fs (%d write calls), 2 replicas %.2fs (%d write calls): x%.2f",
			i, secs[1], writes[1], secs[2], writes[2], secs[1]/secs[2])
		one += secs[1]
		two += secs[2]
		speedup += secs[1] / secs[2]
		writes1 += float64(writes[1])
		writes2 += float64(writes[2])
	}
	k := float64(b.N)
	b.ReportMetric(one/k, "seconds_1_replica")
	b.ReportMetric(two/k, "seconds_2_replicas")
	b.ReportMetric(speedup/k, "speedup")
	b.ReportMetric(writes1/k, "write_calls_1_replica")
	b.ReportMetric(writes2/k, "write_calls_2_replicas")
	b.ReportMetric(0, "ns/op")
}
