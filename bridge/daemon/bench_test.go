package daemon_test

// Benchmarks of the whole daemon against both sandboxes over HTTP and a real
// Redis. Run them with
//
//	go test -run '^$' -bench . -benchtime 1x ./bridge/daemon/
//
// docs/benchmarks.md records the figures and the machine they ran on.

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/daemon"
	"github.com/carebridge/carebridge/bridge/work"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/internal/redistest"
	"github.com/carebridge/carebridge/internal/testenv"
	"github.com/carebridge/carebridge/internal/testkit"
)

// benchWebhookSecret signs the Care sandbox's webhooks in the lag benchmark.
const benchWebhookSecret = "bench-webhook-secret"

// benchEnv is a daemon running against both sandboxes and a real Redis.
type benchEnv struct {
	care    *caresim.Server
	sf      *sfsim.Server
	redis   *redistest.Server
	careURL string
	sfURL   string
	pubsub  string            // the Salesforce sandbox's change events (gRPC)
	users   map[string]string // Care agent id -> Salesforce user id
	d       *daemon.Daemon
	cancel  context.CancelFunc
	done    chan error
}

type benchOptions struct {
	workers  int
	webhooks bool // Care sends webhooks to the daemon's /webhooks/care
	// changes, when set, is salesforce.changes, and the Salesforce poll
	// runs on its default schedule (otherwise every poll is off).
	changes string
	// deployed runs every scheduled job on its default schedule, as a
	// deployment does.
	deployed bool
}

// benchAgents are Care agents with Salesforce users of the same e-mail.
var benchAgents = []care.Agent{
	{ID: "agent_ana", Name: "Ana Novak", Email: "ana@example.com"},
	{ID: "agent_ben", Name: "Ben Okafor", Email: "ben@example.com"},
}

// newBenchSandboxes starts both sandboxes and Redis; the daemon comes later
// (startDaemon), because the memory benchmark runs two daemons in turn.
func newBenchSandboxes(b *testing.B, o benchOptions) (*benchEnv, net.Listener) {
	b.Helper()
	env := &benchEnv{redis: redistest.Start(b), users: map[string]string{}}
	var err error
	env.sf, err = sfsim.New(sfsim.Options{ClientID: "cid", ClientSecret: "csecret", TokenTTL: 24 * time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	sfSrv := httptest.NewServer(env.sf)
	b.Cleanup(sfSrv.Close)
	env.sfURL = sfSrv.URL
	env.pubsub = testenv.ServePubSub(b, env.sf)
	for _, a := range benchAgents {
		id, err := env.sf.Insert("User", map[string]any{"Username": a.Email + ".sf", "Email": a.Email, "LastName": a.Name, "IsActive": true})
		if err != nil {
			b.Fatal(err)
		}
		env.users[a.ID] = id
	}
	// The Care sandbox needs the daemon's webhook URL when it is created,
	// and the daemon needs the sandbox's URL: bind the sandbox's port first.
	careL, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	env.careURL = "http://" + careL.Addr().String()
	return env, careL
}

// serveCare creates the Care sandbox (webhooks to webhookURL when not empty)
// and serves it on l.
func (env *benchEnv) serveCare(b *testing.B, l net.Listener, webhookURL string) {
	b.Helper()
	var err error
	env.care, err = caresim.New(caresim.Options{Token: "tok", Secret: "sec", WebhookURL: webhookURL, WebhookSecret: benchWebhookSecret})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(env.care.Close)
	srv := &http.Server{Handler: env.care, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	b.Cleanup(func() { _ = srv.Close() })
	for _, a := range benchAgents {
		env.care.AddAgent(a)
	}
	env.care.AddProfile(care.Profile{ID: "prof_fb", Platform: rules.Facebook, Name: "Acme"})
}

// newDaemon builds a daemon for env; polls and sweeps run only when a
// benchmark calls them, so every trigger is the benchmark's own.
func (env *benchEnv) newDaemon(b *testing.B, o benchOptions) *daemon.Daemon {
	b.Helper()
	cfg := env.config(b, o.workers)
	if !o.deployed {
		cfg.Schedule.PollCare, cfg.Schedule.PollSalesforce, cfg.Schedule.Sweep = "@every 24h", "@every 24h", "@every 24h"
	}
	if o.changes != "" {
		cfg.Salesforce.Changes, cfg.Schedule.PollSalesforce = o.changes, config.Defaults().Schedule.PollSalesforce
	}
	d, err := daemon.New(cfg, benchLogger())
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// run starts d and makes it env's daemon until stop.
func (env *benchEnv) run(b *testing.B, d *daemon.Daemon) {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	env.d, env.cancel, env.done = d, cancel, make(chan error, 1)
	go func() { env.done <- d.Run(ctx) }()
	b.Cleanup(env.stop)
}

func (env *benchEnv) stop() {
	if env.cancel == nil {
		return
	}
	env.cancel()
	<-env.done
	env.cancel = nil
}

// startBench is the usual set-up: sandboxes, Redis and one running daemon.
func startBench(b *testing.B, o benchOptions) *benchEnv {
	b.Helper()
	env, careL := newBenchSandboxes(b, o)
	d := env.newDaemon(b, o)
	webhookURL := ""
	if o.webhooks {
		addr, err := d.Listen()
		if err != nil {
			b.Fatal(err)
		}
		webhookURL = "http://" + addr.String() + "/webhooks/care"
	}
	env.serveCare(b, careL, webhookURL)
	env.run(b, d)
	return env
}

// escalateBench escalates n Care cases named prefix_0 .. prefix_n-1,
// assigned to assignee, each with a conversation of msgs messages (0, 1 or
// 2: a brand post, then a customer comment on it).
func (env *benchEnv) escalateBench(b *testing.B, prefix string, n int, assignee string, msgs int) []string {
	b.Helper()
	ids := make([]string, n)
	profile := "prof_fb"
	posted := time.Now().Add(-time.Hour)
	for i := range n {
		id := prefix + "_" + strconv.Itoa(i)
		ids[i] = id
		a := assignee
		conversation := []care.Message{
			{ID: "post_" + id, Kind: rules.Post, Direction: care.Outbound, Text: "Our new tent!", PostedAt: posted},
			{ID: "c_" + id, Kind: rules.Comment, ParentID: &[]string{"post_" + id}[0], Text: "Mine broke", PostedAt: posted.Add(time.Minute)},
		}
		_, err := env.care.Escalate(care.Case{
			ID: id, Platform: rules.Facebook, ProfileID: &profile, AssigneeID: &a,
			Subject: "Broken tent pole " + id, Description: "Pole snapped on the first night", Sentiment: "negative", Priority: "high",
			Customer: care.Customer{ID: "u_" + id, Handle: "customer" + strconv.Itoa(i), Name: "Customer " + strconv.Itoa(i)},
		}, conversation[:min(msgs, len(conversation))])
		if err != nil {
			b.Fatal(err)
		}
	}
	return ids
}

// sfWriteOps are the sfsim operations that change data.
var sfWriteOps = []string{
	sfsim.OpCreate, sfsim.OpUpdate, sfsim.OpUpsert, sfsim.OpDelete,
	sfsim.OpCollectionsCreate, sfsim.OpCollectionsUpdate, sfsim.OpCollectionsUpsert, sfsim.OpCollectionsDelete,
	// a Composite request carebridge sends writes: the Cases it creates,
	// read back in the same call
	sfsim.OpComposite,
}

func sfWriteCalls(sf *sfsim.Server) map[string]int {
	out := map[string]int{}
	for _, op := range sfWriteOps {
		if n := sf.Calls(op); n > 0 {
			out[op] = n
		}
	}
	return out
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// casesByCareID indexes the Salesforce Cases by their Care case id.
func (env *benchEnv) casesByCareID() map[string]map[string]any {
	recs := env.sf.Records("Case")
	out := make(map[string]map[string]any, len(recs))
	for _, r := range recs {
		if id, _ := r["Care_Case_Id__c"].(string); id != "" {
			out[id] = r
		}
	}
	return out
}

// waitIdle waits until the work queue holds no ready, delayed or leased key.
func (env *benchEnv) waitIdle(b *testing.B, timeout time.Duration) {
	b.Helper()
	testkit.EventuallyEvery(b, timeout, 50*time.Millisecond, "an idle queue", func() (bool, string) {
		d, err := env.d.Queue().Depth(context.Background())
		checks, cerr := env.d.Queue().Waiting(context.Background(), work.Check.Prefix())
		return err == nil && cerr == nil && d.Ready == 0 && d.Processing == 0 && d.Delayed == 0 && checks == 0, fmt.Sprintf("%+v %d checks %v %v", d, checks, err, cerr)
	})

}

// BenchmarkEscalateBurst: 1,000 Care cases escalated at once reach
// Salesforce; the Salesforce writes are batched into sObject Collections
// calls of up to 200 records, so the 1,000 Cases must cost at most 6 write
// calls at the default worker count. Sub-benchmarks:
//   - trigger=poll: the Care poll of a running daemon enqueues the 1,000 keys
//     while the workers wait; trigger=queued: a daemon starts with
//     the 1,000 keys already queued, which separates the cost of enqueueing
//     from the batching of the reconciles.
//   - messages=0: cases without a conversation, so every write is a Case
//     write (the bound applies); messages=2: each case has a brand post and
//     a customer comment, which the conversation mirror adds as 2,000
//     Care_Message__c records (at least 10 more calls even in full batches;
//     reported, not bounded).
func BenchmarkEscalateBurst(b *testing.B) {
	for _, trigger := range []string{"poll", "queued"} {
		for _, msgs := range []int{0, 2} {
			b.Run(fmt.Sprintf("trigger=%s/messages=%d", trigger, msgs), func(b *testing.B) {
				benchEscalateBurst(b, trigger == "queued", msgs)
			})
		}
	}
}

func benchEscalateBurst(b *testing.B, queued bool, msgs int) {
	const n, maxWrites = 1000, 6
	workers := config.Defaults().Workers
	var writes, calls, seconds float64
	for i := range b.N {
		b.StopTimer()
		o := benchOptions{workers: workers}
		env, careL := newBenchSandboxes(b, o)
		env.serveCare(b, careL, "")
		d := env.newDaemon(b, o)
		env.escalateBench(b, "burst"+strconv.Itoa(i), n, "agent_ana", msgs)
		env.sf.ResetCalls()
		b.StartTimer()

		evalsBefore := redisScriptCalls(b, env)
		start := time.Now()
		var enqueued time.Duration
		if queued {
			// The engine enqueues without the daemon running; the workers
			// then start on a full queue.
			if err := d.Engine().Triggers().PollCare(context.Background()); err != nil {
				b.Fatal(err)
			}
			start = time.Now()
			env.run(b, d)
		} else {
			env.run(b, d)
			if err := d.Engine().Triggers().PollCare(context.Background()); err != nil {
				b.Fatal(err)
			}
			enqueued = time.Since(start)
		}
		testkit.EventuallyEvery(b, 5*time.Minute, 10*time.Millisecond, "1,000 Cases in Salesforce", func() (bool, string) {
			got := env.sf.Count("Case")
			return got == n, fmt.Sprintf("%d Cases", got)
		})

		seconds += time.Since(start).Seconds()
		b.StopTimer()

		env.waitIdle(b, 2*time.Minute) // the burst's trailing work (notes, messages) counts too
		w := sfWriteCalls(env.sf)
		writes += float64(sum(w))
		calls += float64(env.sf.TotalCalls())
		b.Logf("run %d: %d write calls %v (%.1f cases per write call), %d Salesforce calls in all (queries %d), %.2fs; Care poll enqueued the keys in %.2fs; %d Redis script calls",
			i, sum(w), w, float64(n)/float64(max(sum(w), 1)), env.sf.TotalCalls(), env.sf.Calls(sfsim.OpQuery),
			time.Since(start).Seconds(), enqueued.Seconds(), redisScriptCalls(b, env)-evalsBefore)
		if got := sum(w); msgs == 0 && got > maxWrites {
			b.Errorf("%d cases cost %d Salesforce write calls %v, want at most %d", n, got, w, maxWrites)
		}
		env.stop()
	}
	b.ReportMetric(writes/float64(b.N), "write_calls")
	b.ReportMetric(calls/float64(b.N), "sf_calls")
	b.ReportMetric(seconds/float64(b.N), "seconds")
	b.ReportMetric(0, "ns/op")
}

// redisCalls is how many commands Redis has served, by command (INFO
// commandstats, which counts the commands inside scripts too).
func redisCalls(b *testing.B, env *benchEnv) map[string]int64 {
	b.Helper()
	info, err := env.redis.Client(b).InfoMap(context.Background(), "commandstats").Result()
	if err != nil {
		b.Fatal(err)
	}
	out := map[string]int64{}
	for cmd, stats := range info["Commandstats"] {
		for f := range strings.SplitSeq(stats, ",") {
			if v, ok := strings.CutPrefix(f, "calls="); ok {
				c, _ := strconv.ParseInt(v, 10, 64)
				out[cmd] = c
			}
		}
	}
	return out
}

// redisScriptCalls is how many Lua script calls (EVAL, EVALSHA) Redis has
// served: every queue transition is one.
func redisScriptCalls(b *testing.B, env *benchEnv) int64 {
	b.Helper()
	calls := redisCalls(b, env)
	return calls["cmdstat_eval"] + calls["cmdstat_evalsha"]
}

// lagSample is one Care change waiting to arrive in Salesforce.
type lagSample struct {
	careID  string
	owner   string // the Salesforce user id it must arrive as
	changed time.Time
}

// BenchmarkWebhookSyncLag: Care changes (assignment, alternating between two
// agents) arrive as signed webhooks at 50 changes/s; the lag is measured
// from the Care change to the moment the new owner is on the Salesforce
// Case (observed every 5ms). Polls are off, so every change travels by
// webhook.
func BenchmarkWebhookSyncLag(b *testing.B) {
	const (
		cases    = 250
		rate     = 50 // changes per second
		duration = 20 * time.Second
		observe  = 5 * time.Millisecond
	)
	var p50, p99, maxLag, count, achieved float64
	for i := range b.N {
		b.StopTimer()
		env := startBench(b, benchOptions{workers: 32, webhooks: true})
		ids := env.escalateBench(b, "lag"+strconv.Itoa(i), cases, "agent_ana", 2)
		testkit.EventuallyEvery(b, 2*time.Minute, 20*time.Millisecond, "the seeded Cases in Salesforce", func() (bool, string) {
			got := env.casesByCareID()
			for _, id := range ids {
				if got[id] == nil || got[id]["OwnerId"] != env.users["agent_ana"] {
					return false, fmt.Sprintf("%d of %d Cases", len(got), cases)
				}
			}
			return true, ""
		})

		env.waitIdle(b, time.Minute)
		b.StartTimer()

		lags, lost, sent := runLag(b, env, ids, rate, duration, observe)
		b.StopTimer()
		if lost > 0 {
			b.Errorf("%d of %d changes never arrived in Salesforce", lost, sent)
		}
		if len(lags) == 0 {
			b.Fatal("no change arrived")
		}
		slices.Sort(lags)
		p50 += percentile(lags, 0.50).Seconds() * 1000
		p99 += percentile(lags, 0.99).Seconds() * 1000
		maxLag += lags[len(lags)-1].Seconds() * 1000
		count += float64(len(lags))
		achieved += float64(sent) / duration.Seconds()
		b.Logf("run %d: %d changes sent, %d arrived, median %v, p99 %v, max %v", i, sent, len(lags),
			percentile(lags, 0.5), percentile(lags, 0.99), lags[len(lags)-1])
		env.stop()
	}
	n := float64(b.N)
	b.ReportMetric(p50/n, "p50_ms")
	b.ReportMetric(p99/n, "p99_ms")
	b.ReportMetric(maxLag/n, "max_ms")
	b.ReportMetric(count/n, "changes")
	b.ReportMetric(achieved/n, "changes/s")
	b.ReportMetric(0, "ns/op")
}

// runLag makes rate changes per second for duration and returns the lag of
// every change that arrived, how many never did and how many were sent. A
// case is changed again only after its previous change arrived, so every
// observation is unambiguous.
func runLag(b *testing.B, env *benchEnv, ids []string, rate int, duration, observe time.Duration) (lags []time.Duration, lost, sent int) {
	b.Helper()
	var mu sync.Mutex
	pending := map[string]lagSample{} // care id -> the change in flight
	owner := map[string]string{}      // care id -> current Care agent
	for _, id := range ids {
		owner[id] = "agent_ana"
	}
	stopObserve := make(chan struct{})
	observed := make(chan struct{})
	go func() { // the observer: watches Salesforce for pending changes
		defer close(observed)
		t := time.NewTicker(observe)
		defer t.Stop()
		for {
			select {
			case <-stopObserve:
				return
			case <-t.C:
			}
			recs := env.casesByCareID()
			now := time.Now()
			mu.Lock()
			for id, s := range pending {
				if r := recs[id]; r != nil && r["OwnerId"] == s.owner {
					lags = append(lags, now.Sub(s.changed))
					delete(pending, id)
				}
			}
			mu.Unlock()
		}
	}()

	tick := time.NewTicker(time.Second / time.Duration(rate))
	end := time.Now().Add(duration)
	next := 0
	for now := range tick.C {
		if now.After(end) {
			break
		}
		mu.Lock()
		var id string
		for range ids { // the next case with no change in flight
			cand := ids[next%len(ids)]
			next++
			if _, busy := pending[cand]; !busy {
				id = cand
				break
			}
		}
		if id == "" {
			mu.Unlock()
			continue // every case has a change in flight; the rate was not met
		}
		agent := "agent_ben"
		if owner[id] == "agent_ben" {
			agent = "agent_ana"
		}
		owner[id] = agent
		pending[id] = lagSample{careID: id, owner: env.users[agent], changed: time.Now()}
		mu.Unlock()
		if err := env.care.UIAssign(id, &agent); err != nil {
			b.Fatalf("assign %s in Care: %v", id, err)
		}
		sent++
	}
	tick.Stop()
	drain := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		left := len(pending)
		mu.Unlock()
		if left == 0 || time.Now().After(drain) {
			break
		}
		time.Sleep(observe) // poll interval, not synchronisation
	}
	close(stopObserve)
	<-observed
	mu.Lock()
	defer mu.Unlock()
	return lags, len(pending), sent
}

// percentile of sorted durations (nearest rank).
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// benchLinkedCases is the size of the memory benchmark;
// CAREBRIDGE_BENCH_LINKED_CASES overrides it (e.g. for a quick try).
func benchLinkedCases(b *testing.B) int {
	n := 100_000
	if v := os.Getenv("CAREBRIDGE_BENCH_LINKED_CASES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			b.Fatalf("CAREBRIDGE_BENCH_LINKED_CASES=%q: want a positive number", v)
		}
	}
	return n
}

// heapAfterGC is the live Go heap after a full collection.
func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkMemoryLinkedCases: the Go heap a daemon holds once it has swept
// 100,000 linked cases and gone idle. A first daemon links the cases by
// reconciling them in bulk (Care poll -> 100,000 new Salesforce Cases) and
// stops; then the heap of the process (sandboxes, Redis client state of the
// benchmark) is measured, a second daemon starts on the same Redis, runs a
// sweep over every linked case, drains the queue and idles, and the heap is
// measured again. The difference is the daemon's.
func BenchmarkMemoryLinkedCases(b *testing.B) {
	n := benchLinkedCases(b)
	const workers = 64
	var daemonMiB, processMiB, sweepSeconds, sweepWrites, redisMiB float64
	for i := range b.N {
		b.StopTimer()
		o := benchOptions{workers: workers}
		env, careL := newBenchSandboxes(b, o)
		env.serveCare(b, careL, "")
		env.escalateBench(b, "mem"+strconv.Itoa(i), n, "agent_ana", 2)

		// Link them all by reconciling in bulk.
		linkStart := time.Now()
		env.run(b, env.newDaemon(b, o))
		if err := env.d.Engine().Triggers().PollCare(context.Background()); err != nil {
			b.Fatal(err)
		}
		testkit.EventuallyEvery(b, 30*time.Minute, time.Second, "every case linked", func() (bool, string) {
			got := len(env.sf.Records("Case"))
			return got == n, fmt.Sprintf("%d of %d Cases", got, n)
		})

		env.waitIdle(b, 10*time.Minute)
		env.stop()
		b.Logf("linked %d cases in %.1fs", n, time.Since(linkStart).Seconds())

		before := heapAfterGC()
		b.StartTimer()
		d := env.newDaemon(b, o)
		env.run(b, d)
		env.sf.ResetCalls()
		env.care.ResetCalls()
		sweepStart := time.Now()
		if err := d.Engine().Triggers().Sweep(context.Background()); err != nil {
			b.Fatal(err)
		}
		env.waitIdle(b, 30*time.Minute)
		sweep := time.Since(sweepStart)
		b.StopTimer()
		writes := sfWriteCalls(env.sf)
		reconciled := env.care.Calls(caresim.OpGetCase)
		// Idle: let in-flight batches, timers and connections settle.
		testkit.EventuallyEvery(b, time.Minute, 100*time.Millisecond, "an idle daemon", func() (bool, string) {
			d, err := env.d.Queue().Depth(context.Background())
			return err == nil && d.Ready+d.Processing+d.Delayed == 0, fmt.Sprintf("%+v", d)
		})

		after := heapAfterGC()

		info, err := env.redis.Client(b).InfoMap(context.Background(), "memory").Result()
		if err != nil {
			b.Fatal(err)
		}
		usedRedis, _ := strconv.ParseFloat(info["Memory"]["used_memory"], 64)
		if reconciled < n {
			b.Errorf("the sweep read %d Care cases, want at least %d (one per linked case)", reconciled, n)
		}
		var delta float64
		if after > before {
			delta = float64(after - before)
		}
		daemonMiB += delta / (1 << 20)
		processMiB += float64(after) / (1 << 20)
		sweepSeconds += sweep.Seconds()
		sweepWrites += float64(sum(writes))
		redisMiB += usedRedis / (1 << 20)
		b.Logf("run %d: %d linked cases; sweep %.1fs, %d Care case reads, Salesforce writes %v; heap before daemon %.1f MiB, after sweep+idle %.1f MiB; Redis used_memory %.1f MiB",
			i, n, sweep.Seconds(), reconciled, writes, float64(before)/(1<<20), float64(after)/(1<<20), usedRedis/(1<<20))
		env.stop()
	}
	m := float64(b.N)
	b.ReportMetric(daemonMiB/m, "daemon_heap_MiB")
	b.ReportMetric(processMiB/m, "process_heap_MiB")
	b.ReportMetric(sweepSeconds/m, "sweep_seconds")
	b.ReportMetric(sweepWrites/m, "sweep_write_calls")
	b.ReportMetric(redisMiB/m, "redis_MiB")
	b.ReportMetric(0, "ns/op")
}
