// Package scheduler runs carebridge's periodic jobs (polls, the reconcile
// sweep, the dead-letter report) on cron specs, and the leader's continuous
// work beside them (the change stream), only on the replica that holds the
// leader lease (package scheduler/leader).
package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/robfig/cron/v3"
)

// Job is one periodic task.
type Job struct {
	Name string // bounded: used as a metric label
	Spec string // cron spec, seconds optional, descriptors like "@every 15s" accepted
	Run  func(ctx context.Context) error
}

// Elector grants leadership: onElected runs with a context that ends when
// leadership is lost. scheduler/leader.Elector satisfies it.
type Elector interface {
	Run(ctx context.Context, onElected func(ctx context.Context))
}

// Scheduler runs jobs while this replica leads.
type Scheduler struct {
	jobs    []Job
	parser  cron.Parser
	log     *slog.Logger
	runs    *prometheus.CounterVec
	last    *prometheus.GaugeVec
	running *prometheus.GaugeVec
}

// New validates the job specs and registers the job metrics on reg.
func New(jobs []Job, parser cron.Parser, reg prometheus.Registerer, log *slog.Logger) (*Scheduler, error) {
	for _, j := range jobs {
		if _, err := parser.Parse(j.Spec); err != nil {
			return nil, fmt.Errorf("job %s: invalid schedule %q: %w", j.Name, j.Spec, err)
		}
	}
	s := &Scheduler{
		jobs:   jobs,
		parser: parser,
		log:    log,
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "job_runs_total",
			Help: "Runs of scheduled jobs by task (the job's name) and result (success, failure).",
		}, []string{"task", "result"}),
		last: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "carebridge", Name: "job_last_success_timestamp_seconds",
			Help: "Unix time of the last successful run of each job, by task (the job's name).",
		}, []string{"task"}),
		running: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "carebridge", Name: "job_running",
			Help: "1 while a job runs, by task (the job's name).",
		}, []string{"task"}),
	}
	for _, j := range jobs {
		s.runs.WithLabelValues(j.Name, "success")
		s.runs.WithLabelValues(j.Name, "failure")
		s.running.WithLabelValues(j.Name)
	}
	if reg != nil {
		if err := registerAll(reg, s.runs, s.last, s.running); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func registerAll(reg prometheus.Registerer, cs ...prometheus.Collector) error {
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("register job metrics: %w", err)
		}
	}
	return nil
}

// Run takes part in the leader election until ctx ends; while elected it runs
// the jobs on their schedules (a job never overlaps with itself) and each of
// alongside, a leader's continuous work (the Salesforce change stream), with
// a context that ends with the leadership. Leadership is given up once the
// jobs and every one of alongside have returned.
func (s *Scheduler) Run(ctx context.Context, elector Elector, alongside ...func(ctx context.Context)) {
	elector.Run(ctx, func(ctx context.Context) {
		var wg sync.WaitGroup
		for _, run := range alongside {
			wg.Go(func() { run(ctx) })
		}
		s.lead(ctx)
		wg.Wait()
	})
}

// lead runs the cron until ctx (leadership) ends, then waits for running jobs.
func (s *Scheduler) lead(ctx context.Context) {
	s.log.Info("leader elected: running scheduled jobs")
	c := cron.New(cron.WithParser(s.parser), cron.WithChain(cron.SkipIfStillRunning(cron.DiscardLogger)))
	for _, j := range s.jobs {
		j := j
		if _, err := c.AddFunc(j.Spec, func() { s.RunNow(ctx, j) }); err != nil {
			s.log.Error("schedule job", "job", j.Name, "err", err) // validated in New; cannot happen
		}
	}
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done()
	s.log.Info("leadership ended: scheduled jobs stopped")
}

// RunNow runs one job immediately and records its metrics.
func (s *Scheduler) RunNow(ctx context.Context, j Job) {
	if ctx.Err() != nil {
		return
	}
	s.running.WithLabelValues(j.Name).Set(1)
	defer s.running.WithLabelValues(j.Name).Set(0)
	err := safeRun(ctx, j)
	if err != nil {
		s.runs.WithLabelValues(j.Name, "failure").Inc()
		if ctx.Err() == nil {
			s.log.Warn("scheduled job failed", "job", j.Name, "err", err)
		}
		return
	}
	s.runs.WithLabelValues(j.Name, "success").Inc()
	s.last.WithLabelValues(j.Name).Set(float64(time.Now().Unix()))
}

func safeRun(ctx context.Context, j Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("job %s panicked: %v", j.Name, p)
		}
	}()
	return j.Run(ctx)
}

// Jobs returns the configured jobs.
func (s *Scheduler) Jobs() []Job { return append([]Job(nil), s.jobs...) }

// Always is an Elector for a single replica that leads until ctx ends.
type Always struct{}

// Run calls onElected(ctx) and returns when it does.
func (a *Always) Run(ctx context.Context, onElected func(ctx context.Context)) { onElected(ctx) }
