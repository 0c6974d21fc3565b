package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Run works keys with n workers until ctx ends, then waits for the running
// handlers. Each lease is extended every Lease/3 while its handler runs; if
// the lease is lost the handler's context is cancelled. When ctx ends,
// running handlers get Options.ShutdownGrace to finish before their context
// is cancelled; a handler cut short by shutdown releases its key at once
// without counting an attempt.
func (q runner) Run(ctx context.Context, n int, handle Handler) error {
	if n <= 0 {
		return fmt.Errorf("queue run: %d workers; need at least 1", n)
	}
	var wg sync.WaitGroup
	listening := make(chan struct{})
	wg.Go(func() { q.listen(ctx, listening) })
	// Workers start once the subscription is up, so no wake-up published
	// meanwhile is missed (the idle poll would catch it, later).
	select {
	case <-listening:
	case <-ctx.Done():
	}
	wg.Go(func() { q.watch(ctx) })
	// The committer outlives the workers: a worker finishing during
	// shutdown still gets its answer.
	commitCtx, stopCommit := context.WithCancel(context.WithoutCancel(ctx))
	finishes := make(chan finishRequest)
	committed := make(chan struct{})
	go func() {
		defer close(committed)
		q.commitFinishes(commitCtx, finishes)
	}()
	finish := func(ctx context.Context, l Lease, res Result) (Outcome, Lease, error) {
		r := finishRequest{ctx: ctx, f: finishing{l: l, res: res, now: q.opts.Clock()}, reply: make(chan finishReply, 1)}
		finishes <- r
		a := <-r.reply
		return a.out, a.next, a.err
	}
	var workers sync.WaitGroup
	for range n {
		workers.Go(func() { q.worker(ctx, handle, finish) })
	}
	workers.Wait()
	stopCommit()
	<-committed
	wg.Wait()
	q.wake.stopDue()
	return nil
}

// maxFinishBatch bounds the results one round trip carries.
const maxFinishBatch = 256

// finishRequest is a worker's result and next lease handed to the committer.
type finishRequest struct {
	ctx   context.Context
	f     finishing
	reply chan finishReply
}

type finishReply struct {
	out  Outcome
	next Lease
	err  error
}

// commitFinishes sends the results and next leases of every worker that finished
// while the previous round trip was on its way in one pipeline (a group
// commit): a lone worker's goes at once, a burst's share round trips.
func (q runner) commitFinishes(ctx context.Context, reqs <-chan finishRequest) {
	for {
		var batch []finishRequest
		select {
		case r := <-reqs:
			batch = append(batch, r)
		case <-ctx.Done():
			return
		}
	more:
		for len(batch) < maxFinishBatch {
			select {
			case r := <-reqs:
				batch = append(batch, r)
			default:
				break more
			}
		}
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		_, _ = q.rdb.Pipelined(pctx, func(p redis.Pipeliner) error {
			for i := range batch {
				q.sendFinish(batch[i].ctx, p, &batch[i].f)
			}
			return nil
		})
		cancel()
		for _, r := range batch {
			out, next, err := q.readFinish(r.ctx, r.f)
			r.reply <- finishReply{out, next, err}
		}
	}
}

// listen wakes one idle worker for every wake-up another replica publishes,
// until ctx ends; it closes subscribed once the subscription is up (or
// failed: the idle poll then stands in).
func (q runner) listen(ctx context.Context, subscribed chan<- struct{}) {
	sub := q.rdb.Subscribe(ctx, q.k.wake)
	defer sub.Close()
	if _, err := sub.Receive(ctx); err != nil && ctx.Err() == nil {
		q.opts.Logger.WarnContext(ctx, "queue: no wake-ups from other replicas; polling every idle_poll", "queue", q.opts.Name, "err", err)
	}
	close(subscribed)
	// The health check pings the subscription; a dead one is noticed within
	// IdlePoll, which also covers what it missed.
	ch := sub.Channel(redis.WithChannelHealthCheckInterval(q.opts.IdlePoll))
	for {
		select {
		case <-ctx.Done():
			return
		case m, ok := <-ch:
			if !ok {
				return
			}
			if m.Payload != q.origin {
				q.wake.signal()
			}
		}
	}
}

// watch returns the keys of expired leases every IdlePoll and wakes the
// workers when keys are ready that no wake-up announced.
func (q runner) watch(ctx context.Context) {
	t := time.NewTicker(q.opts.IdlePoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			ready, err := q.recoverReady(ctx)
			if err != nil {
				if ctx.Err() == nil {
					q.opts.Logger.WarnContext(ctx, "queue: idle poll failed", "queue", q.opts.Name, "err", err)
				}
				continue
			}
			if ready > 0 {
				q.wake.broadcast()
			}
		}
	}
}

// finishFunc records a successful run and leases the next key
// in the committer's shared round trip.
type finishFunc func(ctx context.Context, l Lease, res Result) (Outcome, Lease, error)

func (q runner) worker(ctx context.Context, handle Handler, finish finishFunc) {
	log := q.opts.Logger.With("queue", q.opts.Name)
	failing := false
	var next Lease // leased with the last run's result
	for {
		l := next
		if ctx.Err() != nil {
			if l.Key != "" { // leased with the last result: give it back
				rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
				if err := q.Release(rctx, l); err != nil {
					log.WarnContext(ctx, "queue: could not give back a key at shutdown; it returns when its lease expires", "key", l.Key, "err", err)
				}
				rcancel()
			}
			return
		}
		if l.Key == "" {
			var err error
			l, err = q.get(ctx, 0)
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
		}
		next = q.runOne(ctx, l, handle, finish, log)
	}
}

// runOne runs l and records its result. After a success, while ctx lasts,
// the result and the next lease share one round trip: runOne returns that
// lease for the worker to run next.
func (q runner) runOne(ctx context.Context, l Lease, handle Handler, finish finishFunc, log *slog.Logger) (next Lease) {
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
	stopKeeping := q.keepLease(workCtx, cancel, l)
	res, runErr := safeHandle(context.WithValue(workCtx, leaseKey{}, leaseCheck{q.Queue, l}), handle, l.Key)
	cancel()
	stopKeeping()

	// Finish even when ctx has ended: the result must be recorded.
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer fcancel()
	var err error
	switch {
	case runErr != nil && ctx.Err() != nil && workCtx.Err() != nil:
		err = q.Release(fctx, l)
	case runErr == nil && ctx.Err() == nil:
		_, next, err = finish(fctx, l, res)
	default:
		var out Outcome
		out, err = q.Finish(fctx, l, res, runErr)
		if runErr != nil && err == nil {
			log.WarnContext(ctx, "queue: run failed", "key", l.Key, "attempt", l.Attempts+1, "outcome", out.String(), "err", runErr)
		}
	}
	switch {
	case errors.Is(err, ErrLeaseLost):
		log.WarnContext(ctx, "queue: lease expired during the run; result discarded", "key", l.Key, "err", err)
	case err != nil:
		log.ErrorContext(ctx, "queue: recording result failed", "key", l.Key, "err", err)
	}
	return next
}

// keepLease extends l every Lease/3 until stop is called; when the lease is
// lost it cancels the work. It runs on a timer, not a goroutine of its own:
// most runs end long before the first extension. stop waits for an
// extension on its way.
func (q runner) keepLease(ctx context.Context, cancel context.CancelFunc, l Lease) (stop func()) {
	var (
		mu      sync.Mutex
		stopped bool
		t       *time.Timer
	)
	extend := func() {
		mu.Lock()
		defer mu.Unlock()
		if stopped || ctx.Err() != nil {
			return
		}
		if err := q.Extend(ctx, l); errors.Is(err, ErrLeaseLost) {
			cancel()
			return
		}
		t.Reset(q.opts.Lease / 3)
	}
	mu.Lock()
	t = time.AfterFunc(q.opts.Lease/3, extend)
	mu.Unlock()
	return func() {
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		t.Stop()
	}
}

// leaseKey is the context key of the lease a run holds (Confirm).
type leaseKey struct{}

// leaseCheck is a run's lease and its queue.
type leaseCheck struct {
	q *Queue
	l Lease
}

// Confirm renews the lease of the key whose run ctx belongs to, and reports
// ErrLeaseLost when the lease is gone (it expired, or Redis lost it), so
// another run may hold the key now. A handler calls it right before a write
// that would be made twice if two runs of the key made it (one that no
// idempotency key or external id makes safe to repeat). Outside a run it
// returns nil.
func Confirm(ctx context.Context) error {
	c, ok := ctx.Value(leaseKey{}).(leaseCheck)
	if !ok {
		return nil
	}
	return c.q.Extend(ctx, c.l)
}

// safeHandle runs handle, turning a panic into a Terminal error so that one
// bad key stops (parked or dead-lettered) instead of stopping the daemon.
func safeHandle(ctx context.Context, handle Handler, key string) (res Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = Result{}, Terminal(fmt.Errorf("handler panicked on %q: %v", key, p))
		}
	}()
	return handle(ctx, key)
}
