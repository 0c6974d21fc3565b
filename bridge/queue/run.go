package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/carebridge/carebridge/connectors/upstream"
)

// Result says what Finish did with a key.
type Result int

const (
	// Succeeded: Done; attempts forgotten (requeued if added meanwhile).
	Succeeded Result = iota + 1
	// Retried: a retryable failure, scheduled after backoff.
	Retried
	// Paused: the upstream's quota is spent; the key waits without an
	// attempt being counted.
	Paused
	// Dead: dead-lettered (permanent or refused failure, or attempts spent).
	Dead
)

func (r Result) String() string {
	switch r {
	case Succeeded:
		return "success"
	case Retried:
		return "retry"
	case Paused:
		return "paused"
	case Dead:
		return "dead"
	default:
		return "unknown"
	}
}

// Finish records the outcome of one run of l.Key from the handler's error:
// nil -> Done; upstream.Retryable -> Retry (honouring the error's
// RetryAfter); upstream.QuotaExhausted -> the whole queue pauses for
// RetryAfter or QuotaDelay (a reconcile touches both systems, so no other
// key could make progress either) and the key waits as long, with no
// attempt counted; upstream.Permanent and upstream.Refused -> Fail.
func (q *Queue) Finish(ctx context.Context, l Lease, runErr error) (Result, error) {
	if runErr == nil {
		return Succeeded, q.Done(ctx, l)
	}
	var retryAfter time.Duration
	var ue *upstream.Error
	if errors.As(runErr, &ue) {
		retryAfter = ue.RetryAfter
	}
	switch upstream.ClassOf(runErr) {
	case upstream.Permanent, upstream.Refused:
		return Dead, q.Fail(ctx, l, runErr)
	case upstream.QuotaExhausted:
		delay := retryAfter
		if delay <= 0 {
			delay = q.opts.QuotaDelay
		}
		if err := q.PauseUntil(ctx, q.opts.Clock().Add(delay)); err != nil {
			return Paused, err
		}
		return Paused, q.Defer(ctx, l, delay)
	default:
		out, err := q.Retry(ctx, l, runErr, retryAfter)
		if out == DeadLettered {
			return Dead, err
		}
		return Retried, err
	}
}

// Handler reconciles one key. Its error is classified with
// upstream.ClassOf; wrap local errors with upstream.MarkPermanent to
// dead-letter them at once.
type Handler func(ctx context.Context, key string) error

// Run works keys with n workers until ctx ends, then waits for the running
// handlers. Each lease is extended every Lease/3 while its handler runs; if
// the lease is lost the handler's context is cancelled. When ctx ends,
// running handlers get Options.ShutdownGrace to finish before their context
// is cancelled; a handler cut short by shutdown releases its key at once
// without counting an attempt.
func (q *Queue) Run(ctx context.Context, n int, handle Handler) error {
	if n <= 0 {
		return fmt.Errorf("queue run: %d workers; need at least 1", n)
	}
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { q.worker(ctx, handle) })
	}
	wg.Wait()
	return nil
}

func (q *Queue) worker(ctx context.Context, handle Handler) {
	log := q.opts.Logger.With("queue", q.opts.Name)
	failing := false
	for {
		l, err := q.Get(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			if !failing { // log a lasting outage once, not per poll
				log.ErrorContext(ctx, "queue: get failed; retrying", "err", err)
				failing = true
			}
			t := time.NewTimer(q.opts.PollInterval * 10)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			continue
		}
		failing = false
		q.runOne(ctx, l, handle, log)
	}
}

func (q *Queue) runOne(ctx context.Context, l Lease, handle Handler, log *slog.Logger) {
	// The work outlives ctx by the shutdown grace, so that a run nearly
	// done on SIGTERM can finish instead of being repeated.
	workCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	stopGrace := context.AfterFunc(ctx, func() {
		t := time.NewTimer(max(q.opts.ShutdownGrace, 0))
		defer t.Stop()
		select {
		case <-t.C:
			cancel()
		case <-workCtx.Done():
		}
	})
	defer stopGrace()
	keeperDone := make(chan struct{})
	go func() {
		defer close(keeperDone)
		q.keepLease(workCtx, cancel, l)
	}()
	runErr := safeHandle(workCtx, handle, l.Key)
	cancel()
	<-keeperDone

	// Finish even when ctx has ended: the result must be recorded.
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer fcancel()
	var err error
	if runErr != nil && ctx.Err() != nil && workCtx.Err() != nil {
		err = q.Release(fctx, l)
	} else {
		var res Result
		res, err = q.Finish(fctx, l, runErr)
		if runErr != nil && err == nil {
			log.WarnContext(ctx, "queue: run failed", "key", l.Key, "attempt", l.Attempts+1, "result", res.String(), "err", runErr)
		}
	}
	switch {
	case errors.Is(err, ErrLeaseLost):
		log.WarnContext(ctx, "queue: lease expired during the run; result discarded", "key", l.Key, "err", err)
	case err != nil:
		log.ErrorContext(ctx, "queue: recording result failed", "key", l.Key, "err", err)
	}
}

// keepLease extends l every Lease/3 until ctx ends; when the lease is lost
// it cancels the work.
func (q *Queue) keepLease(ctx context.Context, cancel context.CancelFunc, l Lease) {
	t := time.NewTicker(q.opts.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := q.Extend(ctx, l); errors.Is(err, ErrLeaseLost) {
				cancel()
				return
			}
		}
	}
}

// safeHandle runs handle, turning a panic into a permanent error so that
// one bad key is dead-lettered instead of stopping the daemon.
func safeHandle(ctx context.Context, handle Handler, key string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = upstream.MarkPermanent(fmt.Errorf("handler panicked on %q: %v", key, p))
		}
	}()
	return handle(ctx, key)
}
