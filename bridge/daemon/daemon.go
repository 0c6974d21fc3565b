// Package daemon assembles carebridge from its parts (Redis, both
// connectors, the mapping, the engine, the scheduler and the HTTP surface),
// so that `carebridge run`, `carebridge demo` and the end-to-end tests run
// exactly the same code.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"

	"github.com/carebridge/carebridge/bridge"
	"github.com/carebridge/carebridge/bridge/admin"
	"github.com/carebridge/carebridge/bridge/changestream"
	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/bridge/work"
	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/salesforce"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/connectors/salesforce/pubsub"
	"github.com/carebridge/carebridge/connectors/upstream"
	"github.com/carebridge/carebridge/mapping"
	"github.com/carebridge/carebridge/scheduler"
	"github.com/carebridge/carebridge/scheduler/leader"
)

// Daemon is one carebridge process.
type Daemon struct {
	cfg      config.Config
	log      *slog.Logger
	reg      *prometheus.Registry
	rdb      redis.UniversalClient
	sf       *salesforce.Client
	care     *care.Client
	queue    *queue.Queue
	store    *state.Store
	usage    *usage // this replica's API calls, counted with the heartbeats
	engine   *bridge.Engine
	sched    *scheduler.Scheduler
	elector  *leader.Elector
	ready    *readiness
	mappings *admin.Switcher
	handler  http.Handler
	listenMu sync.Mutex
	listener net.Listener
	// admin serves /admin/ on admin.listen when that is set (adminL its
	// listener); otherwise /admin/ is on handler and admin is nil.
	admin   http.Handler
	adminL  net.Listener
	working atomic.Bool          // the queue workers run
	changes *changestream.Stream // nil: Salesforce changes are polled
	// id names this replica in its heartbeat; started is when it was made.
	id      string
	started time.Time
	// careIDLen is the length of Care_Case_Id__c: a Care case with a longer
	// id cannot be synced.
	careIDLen int
}

// New builds a daemon from cfg. It makes no network calls; Run connects.
func New(cfg config.Config, log *slog.Logger) (*Daemon, error) {
	d := &Daemon{cfg: cfg, log: log, reg: prometheus.NewRegistry(), id: replicaID(), started: time.Now().UTC()}
	d.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), buildInfo(cfg.Version))

	var err error
	d.rdb, err = cfg.Redis.NewClient()
	if err != nil {
		return nil, err
	}
	if cfg.Redis.TLS.InsecureSkipVerify {
		log.Warn("redis.tls.insecure_skip_verify is set: the Redis server's certificate is not verified")
	}
	d.rdb.AddHook(newRedisRoundTrips(d.reg))

	schema, err := metadata.Load(configs.SalesforceMetadata())
	if err != nil {
		return nil, fmt.Errorf("load Salesforce metadata: %w", err)
	}
	d.careIDLen = careIDLength(schema)
	m, running, err := loadMapping(cfg.Mapping, schema)
	if err != nil {
		return nil, err
	}
	ruleEngine, err := cfg.Rules.Load()
	if err != nil {
		return nil, err
	}

	um := upstream.NewMetrics(d.reg)
	d.usage = newUsage(um)
	d.sf, err = cfg.Salesforce.NewClient(um, d.reg, log.With("system", "salesforce"))
	if err != nil {
		return nil, fmt.Errorf("salesforce: %w", err)
	}
	d.care, err = care.New(care.Config{BaseURL: cfg.Care.BaseURL, Token: cfg.Care.Token, Secret: cfg.Care.Secret, BearerToken: cfg.Care.BearerToken, Timeout: cfg.Care.Timeout,
		RateLimit: cfg.Care.RateLimit, RateBurst: cfg.Care.RateBurst,
		// A reconcile reads the case, its conversation and its notes at
		// once; the polls and the sweep read beside the workers.
		IdleConnections: 3*cfg.Workers + 8}, um, log.With("system", "care"))
	if err != nil {
		return nil, fmt.Errorf("care: %w", err)
	}
	d.queue, err = queue.New(d.rdb, queue.Options{
		Prefix: cfg.Redis.Prefix, Lease: cfg.Queue.Lease, BaseDelay: cfg.Queue.BaseDelay, MaxDelay: cfg.Queue.MaxDelay,
		MaxAttempts: cfg.Queue.MaxAttempts, Logger: log.With("component", "queue"),
		// A case key runs from the current state of both sides, so it never
		// dies: it retries with capped backoff, and after a refusal any new
		// trigger (a change, the sweep) runs it again, so a case whose write
		// Salesforce refused syncs once the cause is fixed. An action is
		// one-shot: sending a reply again is a person's decision.
		DeadLetterPrefixes: work.DeadLetterPrefixes(),
	}, d.reg)
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	d.store = state.New(d.rdb, cfg.Redis.Prefix)
	d.engine, err = bridge.New(bridge.Options{
		Care:            d.care,
		Salesforce:      sfAdapter{d.sf},
		Store:           d.store,
		Queue:           enqueuer{d.queue},
		Pause:           d.queue,
		IntegrationUser: d.sf.UserID,
		Backlogged:      d.queue.Backlogged,
		Workers:         cfg.Workers,
		StreamLinger:    cfg.Queue.Linger,
		Mapping:         bridge.MappingSource(m),
		Notes:           bridge.NotesTargetOf(m),
		Rules:           ruleEngine,
		Logger:          log.With("component", "engine"),
		Metrics:         bridge.NewMetrics(d.reg),
		// An action's claim lasts as long as a queue lease: after a crash
		// both come back together.
		ActionGiveUp:       cfg.Actions.GiveUp,
		RetireClosedAfter:  cfg.Retention.ClosedCases,
		KeepRetiredBase:    cfg.Retention.RetiredBase,
		RemoveMirrorsAfter: cfg.Retention.MirroredMessages,
		DescribeFields:     sfAdapter{d.sf}.DescribeFields,
		MaxCareIDLength:    d.careIDLen,
		Pushed:             d.pushedChanges(cfg, bridge.NotesTargetOf(m).Object),
	})
	if err != nil {
		return nil, err
	}
	d.mappings, err = admin.NewSwitcher(admin.SwitcherOptions{
		Versions: d.store, Schema: mapping.FromMetadata(schema), Initial: m, Running: running,
		Apply:      func(m *mapping.Mapping) { d.engine.SetMapping(bridge.MappingSource(m)) },
		Registerer: d.reg, Logger: log.With("component", "mapping"),
	})
	if err != nil {
		return nil, err
	}
	hostname, _ := os.Hostname()
	d.elector, err = leader.New(d.rdb, cfg.Redis.Prefix+"{leader}", cfg.Leader.Lease, fmt.Sprintf("%s/%d", hostname, os.Getpid()), log.With("component", "leader"), d.reg)
	if err != nil {
		return nil, fmt.Errorf("leader: %w", err)
	}
	if cfg.Salesforce.Changes == "pubsub" {
		// The bridge reads which records changed, how and by whom; it reads
		// the records themselves from the REST API.
		d.changes, err = changestream.New(changestream.Options{
			PubSub: pubsub.Config{Endpoint: cfg.Salesforce.PubSubEndpoint, Plaintext: cfg.Salesforce.PubSubInsecure, HeaderOnly: true,
				StallTimeout: cfg.Salesforce.ChangeStreamTimeout},
			Channel: cfg.Salesforce.ChangeChannel, Tokens: d.sf, Triggers: d.engine.Triggers(), Cursors: d.store,
			NotesObject: bridge.NotesTargetOf(m).Object, Logger: log.With("component", "changes"), Registerer: d.reg})
		if err != nil {
			return nil, fmt.Errorf("salesforce pubsub: %w", err)
		}
	}
	d.sched, err = scheduler.New([]scheduler.Job{
		{Name: "poll_care", Spec: cfg.Schedule.PollCare, Run: d.engine.Triggers().PollCare},
		{Name: "poll_salesforce", Spec: cfg.Schedule.PollSalesforce, Run: d.engine.Triggers().PollSalesforce},
		{Name: "sweep", Spec: cfg.Schedule.Sweep, Run: d.engine.Triggers().Sweep},
		{Name: "dead_letter_report", Spec: cfg.Schedule.DeadLetterReport, Run: d.reportDeadLetters},
	}, config.CronParser(), d.reg, log.With("component", "scheduler"))
	if err != nil {
		return nil, err
	}
	d.ready = newReadiness([]dependency{
		{Name: "redis", Func: func(ctx context.Context) error { return d.rdb.Ping(ctx).Err() }},
		{Name: "mapping", Func: func(context.Context) error { return nil }},
		{Name: "workers", Func: func(context.Context) error {
			if !d.working.Load() {
				return errors.New("the queue workers are not running")
			}
			return nil
		}},
	}, um, d.reg)

	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metricsHandler(d.reg))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.Handle("GET /readyz", d.ready)
	webhooks, err := d.webhookHandler(cfg, careIDLength(schema), log.With("component", "webhook"))
	if err != nil {
		return nil, err
	}
	mux.Handle("POST /webhooks/care", webhooks)
	// /admin/ is on the public listener, or alone on admin.listen.
	adminMux := mux
	if cfg.Admin.Listen != "" {
		adminMux = http.NewServeMux()
		d.admin = adminMux
	}
	adminMux.Handle("/admin/", d.adminHandler())
	if cfg.Admin.Token != "" {
		// The admin UI is on: the root leads to it.
		adminMux.Handle("GET /{$}", http.RedirectHandler("/admin/", http.StatusFound))
	}
	d.handler = mux
	return d, nil
}

// Handler is the daemon's HTTP surface.
func (d *Daemon) Handler() http.Handler { return d.handler }

// Registry exposes the metrics registry (tests read it).
func (d *Daemon) Registry() *prometheus.Registry { return d.reg }

// Engine exposes the engine (tests trigger polls directly).
func (d *Daemon) Engine() *bridge.Engine { return d.engine }

// Queue exposes the work queue.
func (d *Daemon) Queue() *queue.Queue { return d.queue }

// Serve makes Run serve on l, an already bound listener (socket activation,
// tests), instead of binding the configured address.
func (d *Daemon) Serve(l net.Listener) error {
	d.listenMu.Lock()
	defer d.listenMu.Unlock()
	if d.listener != nil {
		return fmt.Errorf("daemon already listens on %s", d.listener.Addr())
	}
	d.listener = l
	return nil
}

// Listen binds the HTTP address now, so callers learn the port before Run.
func (d *Daemon) Listen() (net.Addr, error) {
	d.listenMu.Lock()
	defer d.listenMu.Unlock()
	if d.listener != nil {
		return d.listener.Addr(), nil
	}
	l, err := net.Listen("tcp", d.cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", d.cfg.Listen, err)
	}
	d.listener = l
	return l.Addr(), nil
}

// AdminListen binds admin.listen now, so callers learn the admin port
// before Run; an error when admin.listen is not set (/admin/ is then served
// on the main listener).
func (d *Daemon) AdminListen() (net.Addr, error) {
	d.listenMu.Lock()
	defer d.listenMu.Unlock()
	if d.admin == nil {
		return nil, errors.New("admin.listen is not set: /admin/ is served on listen")
	}
	if d.adminL != nil {
		return d.adminL.Addr(), nil
	}
	l, err := net.Listen("tcp", d.cfg.Admin.Listen)
	if err != nil {
		return nil, fmt.Errorf("admin.listen %s: %w", d.cfg.Admin.Listen, err)
	}
	d.adminL = l
	return l.Addr(), nil
}

// Run serves until ctx ends, then shuts down gracefully: workers finish or
// release their keys, the leader lease is released, HTTP drains.
func (d *Daemon) Run(ctx context.Context) error {
	if _, err := d.Listen(); err != nil {
		return err
	}
	if d.admin != nil {
		if _, err := d.AdminListen(); err != nil {
			d.listener.Close()
			return err
		}
	}
	// Every component runs under runCtx: when one of them fails (the HTTP
	// server losing its listener, the workers stopping), the others stop
	// too and Run returns the cause, instead of the process living on
	// half-dead.
	runCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	srv := &http.Server{Handler: d.handler,
		ReadHeaderTimeout: min(10*time.Second, d.cfg.HTTP.ReadTimeout), ReadTimeout: d.cfg.HTTP.ReadTimeout,
		WriteTimeout: d.cfg.HTTP.WriteTimeout, IdleTimeout: d.cfg.HTTP.IdleTimeout,
		// Accept errors (too many open files) and handler panics are worth
		// an operator's look.
		ErrorLog: slog.NewLogLogger(d.log.With("component", "http").Handler(), slog.LevelWarn),
	}
	go func() {
		if err := srv.Serve(d.listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			stop(fmt.Errorf("HTTP server on %s: %w", d.listener.Addr(), err))
		}
	}()
	var adminSrv *http.Server
	if d.admin != nil {
		adminSrv = &http.Server{Handler: d.admin, ReadHeaderTimeout: srv.ReadHeaderTimeout, ReadTimeout: srv.ReadTimeout,
			WriteTimeout: srv.WriteTimeout, IdleTimeout: srv.IdleTimeout,
			ErrorLog: slog.NewLogLogger(d.log.With("component", "admin-http").Handler(), slog.LevelWarn)}
		go func() {
			if err := adminSrv.Serve(d.adminL); err != nil && !errors.Is(err, http.ErrServerClosed) {
				stop(fmt.Errorf("admin HTTP server on %s: %w", d.adminL.Addr(), err))
			}
		}()
	}
	// A published mapping version replaces the file's before work starts
	// (when Redis answers now; otherwise the watcher switches soon after).
	syncCtx, cancelSync := context.WithTimeout(runCtx, 5*time.Second)
	if err := d.mappings.Sync(syncCtx); err != nil {
		d.log.Warn("check active mapping version", "err", err)
	}
	if err := errors.Join(d.queue.LoadScripts(syncCtx), d.store.LoadScripts(syncCtx)); err != nil {
		d.log.Warn("teach Redis the scripts (each is taught at its first use instead)", "err", err)
	}
	cancelSync()
	_, running := d.mappings.Get()
	d.log.Info("carebridge running", "listen", d.listener.Addr().String(), "workers", d.cfg.Workers,
		"mapping", running.Source, "mapping_version", running.Number, "mapping_digest", running.Digest)
	if d.adminL != nil {
		d.log.Info("admin UI and API on their own listener", "admin_listen", d.adminL.Addr().String())
	}

	var wg sync.WaitGroup
	wg.Go(func() { d.ready.run(runCtx, 5*time.Second) })
	wg.Go(func() { d.mappings.Watch(runCtx, d.cfg.Mapping.ReloadInterval) })
	wg.Go(func() { d.heartbeat(runCtx) })
	var leaderOnly []func(context.Context)
	if d.changes != nil {
		leaderOnly = append(leaderOnly, d.changes.Run)
	}
	wg.Go(func() { d.sched.Run(runCtx, d.elector, leaderOnly...) })
	d.working.Store(true)
	wg.Go(func() {
		defer d.working.Store(false)
		if err := d.queue.Run(runCtx, d.cfg.Workers, d.engine.Reconcile); err != nil {
			stop(fmt.Errorf("workers: %w", err))
		}
	})
	<-runCtx.Done()
	runErr := context.Cause(runCtx)
	if ctx.Err() != nil {
		runErr = nil // stopped by the caller: a clean shutdown
	}
	d.log.Info("shutting down", "cause", context.Cause(runCtx))
	wg.Wait()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdownCtx)
	if adminSrv != nil {
		_ = adminSrv.Shutdown(shutdownCtx)
	}
	// Nothing may use the Salesforce client or Redis once they close.
	if err := d.engine.Shutdown(shutdownCtx); err != nil {
		d.log.Warn("batched Salesforce calls cut short by shutdown", "err", err)
	}
	if d.changes != nil {
		_ = d.changes.Close()
	}
	d.sf.Close()
	d.care.Close()
	_ = d.rdb.Close()
	return runErr
}

// pushedChanges is the engine's view of the change streams: nil when
// Salesforce changes are polled.
func (d *Daemon) pushedChanges(cfg config.Config, notesObject string) *bridge.PushedChanges {
	if cfg.Salesforce.Changes != "pubsub" {
		return nil
	}
	return bridge.NewPushedChanges(func() bool { return d.changes != nil && d.changes.Live() }, cfg.Salesforce.SafetyPoll, changestream.NotesPushed(notesObject))
}

// careIDLength is the length of Care_Case_Id__c in the shipped metadata
// (carebridge check confirms the org's is at least as long).
func careIDLength(schema *metadata.Schema) int {
	if o, ok := schema.Object("Case"); ok {
		if f, ok := o.Field(bridge.CareIDField); ok {
			return f.Length
		}
	}
	return 0
}

func (d *Daemon) reportDeadLetters(ctx context.Context) error {
	dead, err := d.queue.List(ctx, 20)
	if err != nil {
		return err
	}
	for _, dl := range dead {
		d.log.Warn("dead letter", "key", dl.Key, "attempts", dl.Attempts, "last_error", dl.Error)
	}
	return nil
}

// buildInfo is carebridge_build_info: the binary's version (as
// `carebridge version` prints it; "dev" when not set at build time) and
// the VCS revision Go recorded.
func buildInfo(version string) prometheus.Collector {
	revision := ""
	if version == "" {
		version = "dev"
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				revision = s.Value
			}
		}
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: "carebridge", Name: "build_info", Help: "Build information; always 1.",
		ConstLabels: prometheus.Labels{"version": version, "revision": revision},
	})
	g.Set(1)
	return g
}
