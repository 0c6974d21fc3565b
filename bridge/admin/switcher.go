package admin

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/mapping"
)

// Versions are the published mapping versions (bridge/state in Redis).
type Versions interface {
	ActiveMappingNumber(ctx context.Context) (int64, error)
	MappingVersion(ctx context.Context, number int64) (state.MappingVersion, error)
}

// SwitcherOptions configure a Switcher.
type SwitcherOptions struct {
	Versions Versions
	// Schema is the Salesforce metadata every mapping is checked against.
	Schema mapping.Schema
	// Initial is the mapping the replica starts with (the file or the
	// shipped default) and Running describes it.
	Initial *mapping.Mapping
	Running Running
	// Apply makes the replica run m (the engine's SetMapping).
	Apply      func(m *mapping.Mapping)
	Registerer prometheus.Registerer
	Logger     *slog.Logger
}

// Switcher keeps the mapping a replica runs and switches it when an admin
// publishes a version or rolls back: every replica watches the active
// version in Redis.
type Switcher struct {
	o SwitcherOptions

	mu      sync.Mutex
	current *mapping.Mapping
	running Running

	info    *prometheus.GaugeVec
	reloads *prometheus.CounterVec
}

// NewSwitcher returns a switcher running o.Initial; its metrics are
// registered on o.Registerer when it is not nil.
func NewSwitcher(o SwitcherOptions) (*Switcher, error) {
	if o.Versions == nil || o.Initial == nil || o.Apply == nil {
		return nil, fmt.Errorf("admin: a switcher needs Versions, Initial and Apply")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Switcher{
		o: o, current: o.Initial, running: o.Running,
		info: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "carebridge", Name: "mapping_info",
			Help: "The field mapping this replica runs (value 1): source (published, file, default), version number (0 unless published) and digest.",
		}, []string{"source", "version", "digest"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "mapping_reloads_total",
			Help: "Switches to a newly active mapping version, by result (success, failure: the version did not load and the previous mapping stays).",
		}, []string{"result"}),
	}
	if o.Registerer != nil {
		for _, c := range []prometheus.Collector{s.info, s.reloads} {
			if err := o.Registerer.Register(c); err != nil {
				return nil, fmt.Errorf("admin: register mapping metrics: %w", err)
			}
		}
	}
	s.reloads.WithLabelValues("success")
	s.reloads.WithLabelValues("failure")
	s.setInfo(o.Running)
	return s, nil
}

func (s *Switcher) setInfo(r Running) {
	s.info.Reset()
	s.info.WithLabelValues(r.Source, strconv.FormatInt(r.Number, 10), r.Digest).Set(1)
}

// Get returns the running mapping and its description.
func (s *Switcher) Get() (*mapping.Mapping, Running) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.current, s.running
}

// Parse validates a proposed mapping for this replica (ParseMapping against
// the running one).
func (s *Switcher) Parse(name string, yaml []byte) (*mapping.Mapping, error) {
	cur, _ := s.Get()
	return ParseMapping(name, yaml, s.o.Schema, cur)
}

// PublishedName names a published mapping version in problem reports.
func PublishedName(n int64) string { return "mapping version " + strconv.FormatInt(n, 10) }

// Sync switches to the active published version when it is not the one
// running. A version that does not load (the Salesforce metadata changed
// since it was published) is logged and counted, and the running mapping
// stays.
func (s *Switcher) Sync(ctx context.Context) error {
	n, err := s.o.Versions.ActiveMappingNumber(ctx)
	if err != nil {
		return err
	}
	_, running := s.Get()
	if n == 0 || (running.Source == "published" && running.Number == n) {
		return nil
	}
	v, err := s.o.Versions.MappingVersion(ctx, n)
	if err != nil {
		return err
	}
	m, err := s.Parse(PublishedName(n), []byte(v.YAML))
	if err != nil {
		s.reloads.WithLabelValues("failure").Inc()
		s.o.Logger.Error("active mapping version does not load; keeping the running mapping", "version", n, "running_digest", running.Digest, "err", err)
		return nil
	}
	r := Running{Source: "published", Number: n, Digest: m.Version(), YAML: v.YAML}
	s.mu.Lock()
	if s.running.Source == "published" && s.running.Number == n {
		s.mu.Unlock()
		return nil // a concurrent sync switched first
	}
	s.current, s.running = m, r
	s.mu.Unlock()
	s.o.Apply(m)
	s.setInfo(r)
	s.reloads.WithLabelValues("success").Inc()
	s.o.Logger.Info("mapping switched", "version", n, "digest", m.Version(), "author", v.Author)
	return nil
}

// Watch syncs the active version every interval until ctx ends.
func (s *Switcher) Watch(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Sync(ctx); err != nil && ctx.Err() == nil {
				s.o.Logger.Warn("check active mapping version", "err", err)
			}
		}
	}
}
