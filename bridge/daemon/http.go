package daemon

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// dependency is one readiness check.
type dependency struct {
	Name string
	Func func(ctx context.Context) error
}

// readiness runs checks in the background and serves the last results, so a
// slow upstream never makes /readyz slow.
type readiness struct {
	checks []dependency
	mu     sync.Mutex
	state  map[string]string // name -> "" (ok) or the error
	gauge  *prometheus.GaugeVec
}

func newReadiness(checks []dependency, reg prometheus.Registerer) *readiness {
	r := &readiness{checks: checks, state: map[string]string{}, gauge: prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: "carebridge", Name: "dependency_up",
		Help: "1 when a dependency (redis, care, salesforce, mapping) answered its last readiness check.",
	}, []string{"dependency"})}
	for _, c := range checks {
		r.state[c.Name] = "not checked yet"
		r.gauge.WithLabelValues(c.Name)
	}
	reg.MustRegister(r.gauge)
	return r
}

// run re-checks every interval until ctx ends.
func (r *readiness) run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		r.checkAll(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (r *readiness) checkAll(ctx context.Context) {
	var wg sync.WaitGroup
	for _, c := range r.checks {
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			err := c.Func(cctx)
			r.mu.Lock()
			defer r.mu.Unlock()
			if err != nil {
				r.state[c.Name] = err.Error()
				r.gauge.WithLabelValues(c.Name).Set(0)
			} else {
				r.state[c.Name] = ""
				r.gauge.WithLabelValues(c.Name).Set(1)
			}
		})
	}
	wg.Wait()
}

// report returns each check's last result: "ok" or the error.
func (r *readiness) report() map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]string, len(r.state))
	for name, s := range r.state {
		if s == "" {
			s = "ok"
		}
		out[name] = s
	}
	return out
}

func (r *readiness) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	report := r.report()
	ok := true
	for _, s := range report {
		ok = ok && s == "ok"
	}
	w.Header().Set("Content-Type", "application/json")
	if !ok {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"ready": ok, "checks": report})
}

// Ready reports whether every check passed at its last run.
func (r *readiness) Ready() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.state {
		if s != "" {
			return false
		}
	}
	return true
}

func metricsHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
}
