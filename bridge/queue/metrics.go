package queue

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	adds        prometheus.Counter
	retries     prometheus.Counter
	deadLetters prometheus.Counter
	parked      prometheus.Counter
	work        prometheus.Histogram
	depth       *depthCollector
}

func newMetrics(q *Queue) *metrics {
	return &metrics{
		adds: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "carebridge", Subsystem: "queue", Name: "adds_total",
			Help: "Keys added to the work queue (including coalesced adds).",
		}),
		retries: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "carebridge", Subsystem: "queue", Name: "retries_total",
			Help: "Failed runs scheduled for another attempt.",
		}),
		deadLetters: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "carebridge", Subsystem: "queue", Name: "dead_letters_total",
			Help: "Keys moved to the dead letters.",
		}),
		parked: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "carebridge", Subsystem: "queue", Name: "parked_total",
			Help: "Failed runs that retrying cannot fix, of keys that run again when next added (dead letters aside).",
		}),
		work: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "carebridge", Subsystem: "queue", Name: "work_duration_seconds",
			Help:    "Time from leasing a key to finishing it.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 14),
		}),
		depth: &depthCollector{
			q: q,
			desc: prometheus.NewDesc("carebridge_queue_depth",
				"Keys in the work queue by state, read from Redis on scrape.", []string{"state"}, nil),
			failing: prometheus.NewDesc("carebridge_queue_failing_keys",
				"Keys whose last run failed and that are not dead: retrying with backoff, or parked until their next trigger (read from Redis on scrape).", nil, nil),
			paused: prometheus.NewDesc("carebridge_queue_paused_until_timestamp_seconds",
				"End of the pause every replica honours (e.g. while Salesforce's API quota is spent), Unix time; 0 when not paused.", nil, nil),
		},
	}
}

func (m *metrics) register(reg prometheus.Registerer) error {
	return errors.Join(
		reg.Register(m.adds),
		reg.Register(m.retries),
		reg.Register(m.deadLetters),
		reg.Register(m.parked),
		reg.Register(m.work),
		reg.Register(m.depth),
	)
}

// depthCollector reads Depth from Redis on every scrape, so every replica
// reports the shared queue's true size.
type depthCollector struct {
	q                     *Queue
	desc, failing, paused *prometheus.Desc
}

func (c *depthCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.desc
	ch <- c.failing
	ch <- c.paused
}

func (c *depthCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	d, err := c.q.Depth(ctx)
	if err != nil {
		// A failed scrape of one collector would fail the whole page;
		// leave the depth out instead (readiness reports Redis trouble).
		c.q.opts.Logger.Warn("queue: depth unavailable for metrics", "queue", c.q.opts.Name, "err", err)
		return
	}
	for _, s := range []struct {
		state string
		n     int64
	}{
		{"ready", d.Ready}, {"delayed", d.Delayed}, {"scheduled", d.Scheduled}, {"processing", d.Processing}, {"dead", d.Dead},
	} {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(s.n), s.state)
	}
	ch <- prometheus.MustNewConstMetric(c.failing, prometheus.GaugeValue, float64(d.Failing))
	until, err := c.q.PausedUntil(ctx)
	if err != nil {
		c.q.opts.Logger.Warn("queue: pause unavailable for metrics", "queue", c.q.opts.Name, "err", err)
		return
	}
	var ts float64
	if !until.IsZero() {
		ts = float64(until.UnixMilli()) / 1000
	}
	ch <- prometheus.MustNewConstMetric(c.paused, prometheus.GaugeValue, ts)
}
