package daemon

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

// redisRoundTrips counts the requests this replica sends to Redis: each
// command, script call or pipeline is one round trip, whatever it holds.
// Ops read it as Redis load per replica; the benchmarks divide it by the
// cases synced.
type redisRoundTrips struct {
	total *prometheus.CounterVec
}

func newRedisRoundTrips(reg prometheus.Registerer) *redisRoundTrips {
	h := &redisRoundTrips{total: prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "carebridge", Name: "redis_round_trips_total",
		Help: "Requests this replica sent to Redis, one per round trip: kind=command (a single command or script call) or pipeline (several commands in one request).",
	}, []string{"kind"})}
	for _, k := range []string{"command", "pipeline"} {
		h.total.WithLabelValues(k)
	}
	reg.MustRegister(h.total)
	return h
}

func (h *redisRoundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *redisRoundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.total.WithLabelValues("command").Inc()
		return next(ctx, cmd)
	}
}

func (h *redisRoundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.total.WithLabelValues("pipeline").Inc()
		return next(ctx, cmds)
	}
}
