package upstream

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the carebridge_upstream_* series shared by all connectors.
// Create one per registry and hand it to every connector.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	health   health
	// calls counts the API calls of each system (sync.Map of system ->
	// *atomic.Int64), for APICalls.
	calls sync.Map
}

// NewMetrics registers the upstream metrics on reg (nil: not registered).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge",
			Name:      "upstream_requests_total",
			Help:      "Requests to upstream systems by system, operation and result code (HTTP status, or 'error' when no response arrived).",
		}, []string{"system", "operation", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "carebridge",
			Name:      "upstream_request_duration_seconds",
			Help:      "Duration of requests to upstream systems.",
			Buckets:   []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"system", "operation"}),
		health: health{now: time.Now, systems: map[string]SystemHealth{}},
	}
	if reg != nil {
		reg.MustRegister(m.requests, m.duration)
	}
	return m
}

// Observe records one request. status 0 means no response arrived.
func (m *Metrics) Observe(system, operation string, status int, d time.Duration) {
	if m == nil {
		return
	}
	code := "error"
	if status != 0 {
		code = strconv.Itoa(status)
	}
	m.requests.WithLabelValues(system, operation, code).Inc()
	m.duration.WithLabelValues(system, operation).Observe(d.Seconds())
	m.health.observe(system, operation, status)
	if !notAnAPICall[operation] {
		n, _ := m.calls.LoadOrStore(system, new(atomic.Int64))
		n.(*atomic.Int64).Add(1)
	}
}

// notAnAPICall are the operations that sign in rather than call an API
// (Salesforce counts neither against the org's daily API allocation).
var notAnAPICall = map[string]bool{"token": true, "login": true}

// APICalls is how many API calls to system were observed so far (not the
// sign-ins), the figure an upstream counts against its budget.
func (m *Metrics) APICalls(system string) int64 {
	if m == nil {
		return 0
	}
	if n, ok := m.calls.Load(system); ok {
		return n.(*atomic.Int64).Load()
	}
	return 0
}
