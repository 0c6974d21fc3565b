package daemon

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/carebridge/carebridge/bridge"
	"github.com/carebridge/carebridge/bridge/admin"
	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/mapping"
)

// publishedName names a published mapping version in problem reports.
func publishedName(n int64) string { return "mapping version " + strconv.FormatInt(n, 10) }

// loadMapping reads the configured mapping file (or the shipped default)
// and returns it with its YAML and its source ("file" or "default").
func loadMapping(file string, schema *metadata.Schema) (*mapping.Mapping, admin.Running, error) {
	name, data, source := mapping.DefaultName, configs.Mapping(), "default"
	if file != "" {
		var err error
		if data, err = os.ReadFile(file); err != nil {
			return nil, admin.Running{}, fmt.Errorf("mapping: %w", err)
		}
		name, source = file, "file"
	}
	m, err := mapping.Parse(name, data, mapping.FromMetadata(schema))
	if err != nil {
		if source == "default" {
			err = fmt.Errorf("default mapping: %w", err)
		}
		return nil, admin.Running{}, err
	}
	return m, admin.Running{Source: source, Digest: m.Version(), YAML: string(data)}, nil
}

// mappings keeps the mapping this replica runs and switches it when an admin
// publishes a version or rolls back (every replica watches the active
// version in Redis).
type mappings struct {
	d      *Daemon
	schema *metadata.Schema

	mu      sync.Mutex
	current *mapping.Mapping
	running admin.Running

	info    *prometheus.GaugeVec
	reloads *prometheus.CounterVec
}

func newMappings(d *Daemon, schema *metadata.Schema, m *mapping.Mapping, running admin.Running) *mappings {
	ms := &mappings{
		d: d, schema: schema, current: m, running: running,
		info: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "carebridge", Name: "mapping_info",
			Help: "The field mapping this replica runs (value 1): source (published, file, default), version number (0 unless published) and digest.",
		}, []string{"source", "version", "digest"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "mapping_reloads_total",
			Help: "Switches to a newly active mapping version, by result (success, failure: the version did not load and the previous mapping stays).",
		}, []string{"result"}),
	}
	d.reg.MustRegister(ms.info, ms.reloads)
	ms.reloads.WithLabelValues("success")
	ms.reloads.WithLabelValues("failure")
	ms.setInfo(running)
	return ms
}

func (ms *mappings) setInfo(r admin.Running) {
	ms.info.Reset()
	ms.info.WithLabelValues(r.Source, strconv.FormatInt(r.Number, 10), r.Digest).Set(1)
}

// get returns the running mapping.
func (ms *mappings) get() (*mapping.Mapping, admin.Running) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return ms.current, ms.running
}

// parse validates a proposed mapping: against the Salesforce metadata, and
// for what a running replica can switch to (where notes go needs a restart).
func (ms *mappings) parse(name string, yaml []byte) (*mapping.Mapping, error) {
	cur, _ := ms.get()
	return admin.ParseMapping(name, yaml, mapping.FromMetadata(ms.schema), cur)
}

// sync loads the active published version when it is not the one running.
// A version that does not load (the Salesforce metadata changed since it
// was published) is logged and counted, and the running mapping stays.
func (ms *mappings) sync(ctx context.Context) error {
	n, err := ms.d.store.ActiveMappingNumber(ctx)
	if err != nil {
		return err
	}
	_, running := ms.get()
	if n == 0 || (running.Source == "published" && running.Number == n) {
		return nil
	}
	v, err := ms.d.store.MappingVersion(ctx, n)
	if err != nil {
		return err
	}
	m, err := ms.parse(publishedName(n), []byte(v.YAML))
	if err != nil {
		ms.reloads.WithLabelValues("failure").Inc()
		ms.d.log.Error("active mapping version does not load; keeping the running mapping", "version", n, "running_digest", running.Digest, "err", err)
		return nil
	}
	r := admin.Running{Source: "published", Number: n, Digest: m.Version(), YAML: v.YAML}
	ms.mu.Lock()
	if ms.running.Source == "published" && ms.running.Number == n {
		ms.mu.Unlock()
		return nil // a concurrent sync switched first
	}
	ms.current, ms.running = m, r
	ms.mu.Unlock()
	ms.d.engine.SetMapping(bridge.MappingSource(m))
	ms.setInfo(r)
	ms.reloads.WithLabelValues("success").Inc()
	ms.d.log.Info("mapping switched", "version", n, "digest", m.Version(), "author", v.Author)
	return nil
}

// watch syncs the active version every interval until ctx ends.
func (ms *mappings) watch(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := ms.sync(ctx); err != nil && ctx.Err() == nil {
				ms.d.log.Warn("check active mapping version", "err", err)
			}
		}
	}
}

// adminHandler is the admin API and UI of the daemon.
func (d *Daemon) adminHandler() http.Handler {
	return admin.Handler(admin.Options{
		Token:    d.cfg.Admin.Token,
		Mappings: d.store,
		Validate: func(yaml []byte) (string, error) {
			m, err := d.mappings.parse("proposed mapping", yaml)
			if err != nil {
				return "", err
			}
			return m.Version(), nil
		},
		Preview: func(ctx context.Context, careID string, yaml []byte) (any, error) {
			m, _ := d.mappings.get()
			if yaml != nil {
				var err error
				if m, err = d.mappings.parse("proposed mapping", yaml); err != nil {
					return nil, err
				}
			}
			p, err := d.engine.PreviewCase(ctx, careID, bridge.MappingSource(m))
			if errors.Is(err, bridge.ErrCaseNotFound) {
				return nil, fmt.Errorf("%w: %w", admin.ErrNotFound, err)
			}
			return p, err
		},
		Running:     func() admin.Running { _, r := d.mappings.get(); return r },
		Status:      d.status,
		DeadLetters: deadLetters{d.queue},
		Logger:      d.log.With("component", "admin"),
	})
}

// Status is what the admin status page shows.
type Status struct {
	Leader      bool                      `json:"leader"`
	Queue       queue.Depth               `json:"queue"`
	Failing     []queue.Failure           `json:"failing_keys"`
	QuotaPaused *time.Time                `json:"salesforce_quota_paused_until,omitempty"`
	Ready       map[string]string         `json:"dependencies"`
	Upstreams   map[string]upstreamHealth `json:"upstreams"`
	Mapping     admin.Running             `json:"mapping"`
}

func (d *Daemon) status(ctx context.Context) (any, error) {
	depth, err := d.queue.Depth(ctx)
	if err != nil {
		return nil, err
	}
	_, running := d.mappings.get()
	running.YAML = ""
	s := Status{Leader: d.elector.IsLeader(), Queue: depth, Ready: d.ready.report(), Upstreams: d.ready.upstreamReport(), Mapping: running}
	if s.Failing, err = d.queue.Failing(ctx, 20); err != nil {
		return nil, err
	}
	until, err := d.engine.PausedUntil(ctx)
	if err != nil {
		return nil, err
	}
	if !until.IsZero() {
		s.QuotaPaused = &until
	}
	return s, nil
}

// deadLetters gives the admin API the queue's dead letters.
type deadLetters struct{ q *queue.Queue }

func (dl deadLetters) List(ctx context.Context, limit int) ([]admin.DeadLetter, error) {
	list, err := dl.q.List(ctx, limit)
	if err != nil {
		return nil, err
	}
	out := make([]admin.DeadLetter, len(list))
	for i, l := range list {
		out[i] = admin.DeadLetter{Key: l.Key, Error: l.Error, Attempts: l.Attempts, At: l.At.Format(time.RFC3339)}
	}
	return out, nil
}

func (dl deadLetters) Replay(ctx context.Context, key string) error {
	err := dl.q.Replay(ctx, key)
	if errors.Is(err, queue.ErrNotDead) {
		return fmt.Errorf("%w: %w", admin.ErrNotFound, err)
	}
	return err
}
