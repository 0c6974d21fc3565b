package bridge

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the engine's series.
type Metrics struct {
	syncOps   *prometheus.CounterVec
	lag       *prometheus.HistogramVec
	conflicts *prometheus.CounterVec
	blocked   *prometheus.CounterVec
	lastPoll  *prometheus.GaugeVec
}

// NewMetrics registers the engine metrics on reg (nil: unregistered).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		syncOps: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "sync_operations_total",
			Help: "Writes applied by the sync, by direction (care_to_salesforce, salesforce_to_care), object and result (success, failure).",
		}, []string{"direction", "object", "result"}),
		lag: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "carebridge", Name: "sync_lag_seconds",
			Help:    "Time from a change on one side to its write on the other.",
			Buckets: []float64{.1, .25, .5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600},
		}, []string{"direction"}),
		conflicts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "conflicts_total",
			Help: "Fields changed on both sides between syncs, by field and the side that won.",
		}, []string{"field", "resolution"}),
		blocked: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "sync_blocked_total",
			Help: "Changes that Care's rules prevented from being applied, by reason.",
		}, []string{"reason"}),
		lastPoll: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "carebridge", Name: "last_successful_poll_timestamp_seconds",
			Help: "Unix time of the last successful poll per source.",
		}, []string{"source"}),
	}
	for _, d := range []string{"care_to_salesforce", "salesforce_to_care"} {
		m.lag.WithLabelValues(d)
		for _, r := range []string{"success", "failure"} {
			m.syncOps.WithLabelValues(d, "case", r)
			m.syncOps.WithLabelValues(d, "note", r)
		}
	}
	for _, s := range []string{"care", "salesforce"} {
		m.lastPoll.WithLabelValues(s)
	}
	if reg != nil {
		reg.MustRegister(m.syncOps, m.lag, m.conflicts, m.blocked, m.lastPoll)
	}
	return m
}
