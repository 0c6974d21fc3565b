package queue_test

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/carebridge/carebridge/bridge/queue"
)

// The engine's whole worker side: triggers call Add, Run does the rest.
func ExampleQueue_Run() {
	ctx := context.Background()
	rdb := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{"127.0.0.1:6379"}})
	q, err := queue.New(rdb, queue.Options{Lease: 30 * time.Second}, prometheus.NewRegistry())
	if err != nil {
		slog.Error("queue", "err", err)
		return
	}
	reconcile := func(ctx context.Context, key string) (queue.Result, error) {
		// Read both sides, merge, write. Return an error to retry with
		// backoff, queue.Terminal(err) when retrying cannot help, or
		// Result{RequeueAfter: d} to look again later.
		return queue.Result{}, nil
	}
	go func() { _ = q.Run(ctx, 8, reconcile) }()
	_, _ = q.Add(ctx, "case:123")
}

// A hand-written worker loop, for when Run does not fit.
func ExampleQueue_Finish() {
	ctx := context.Background()
	rdb := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{"127.0.0.1:6379"}})
	q, err := queue.New(rdb, queue.Options{}, nil)
	if err != nil {
		return
	}
	handle := func(ctx context.Context, key string) (queue.Result, error) { return queue.Result{}, nil }
	for {
		l, err := q.Get(ctx)
		if err != nil {
			return // ctx ended, or Redis is down: let the caller decide
		}
		res, runErr := handle(ctx, l.Key)
		out, err := q.Finish(ctx, l, res, runErr)
		slog.Info("worked", "key", l.Key, "outcome", out, "err", err)
	}
}
