package queue

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Result is what a handler asks of the queue after a run that did not fail,
// in the spirit of controller-runtime's reconcile.Result.
type Result struct {
	// RequeueAfter, when positive, runs the key again after this long. The
	// run counts as a success: attempts are forgotten. A handler waiting for
	// something it knows the time of (an upstream's quota, a deadline) says
	// so here instead of failing.
	RequeueAfter time.Duration
}

// Handler runs one key. A nil error ends the run as Result says. A non-nil
// error is retried with backoff (at least RetryAfter's delay when the error
// carries one), unless it is Terminal: then retrying cannot help, and the
// key stops until it is added again, or goes to the dead letters when it is
// a dead-letter key (Options.DeadLetterPrefixes).
type Handler func(ctx context.Context, key string) (Result, error)

// runError carries the queue's view of a handler error.
type runError struct {
	err      error
	terminal bool
	after    time.Duration
}

func (e *runError) Error() string { return e.err.Error() }
func (e *runError) Unwrap() error { return e.err }

// Terminal marks err as one that retrying cannot fix (a refused or invalid
// request, a bug). The queue stops retrying the key: a dead-letter key goes
// to the dead letters for a person to replay or drop; any other key waits
// until it is next added, which runs it again from the start.
func Terminal(err error) error {
	if err == nil {
		return nil
	}
	return &runError{err: err, terminal: true}
}

// RetryAfter marks err as retryable no sooner than d (e.g. an upstream's
// Retry-After); the backoff still applies when it is longer.
func RetryAfter(err error, d time.Duration) error {
	if err == nil {
		return nil
	}
	return &runError{err: err, after: d}
}

// IsTerminal reports whether err, or an error it wraps, was marked Terminal.
func IsTerminal(err error) bool {
	var re *runError
	for e := err; errors.As(e, &re); e = re.err {
		if re.terminal {
			return true
		}
	}
	return false
}

// retryAfter is the longest RetryAfter marked on err or an error it wraps.
func retryAfter(err error) time.Duration {
	var d time.Duration
	var re *runError
	for e := err; errors.As(e, &re); e = re.err {
		d = max(d, re.after)
	}
	return d
}

// Outcome says where a key went when its run ended.
type Outcome int

const (
	// Succeeded: done; attempts forgotten (queued again if it was added
	// during the run).
	Succeeded Outcome = iota + 1
	// Requeued: done, and queued again after Result.RequeueAfter.
	Requeued
	// Retried: a failed run, scheduled again after backoff.
	Retried
	// Parked: a terminal failure of a key that is not a dead-letter key; it
	// runs again when next added (at once if it was added during the run).
	Parked
	// Dead: in the dead letters.
	Dead
)

func (o Outcome) String() string {
	switch o {
	case Succeeded:
		return "success"
	case Requeued:
		return "requeue"
	case Retried:
		return "retry"
	case Parked:
		return "parked"
	case Dead:
		return "dead"
	default:
		return "unknown"
	}
}

// Finish records the end of one run of l.Key from the handler's answer:
// success (optionally requeued after res.RequeueAfter), a retry with
// backoff, or for a Terminal error parked or dead-lettered.
func (q *Queue) Finish(ctx context.Context, l Lease, res Result, runErr error) (Outcome, error) {
	switch {
	case runErr == nil && res.RequeueAfter <= 0:
		return Succeeded, q.Done(ctx, l)
	case runErr == nil:
		_, err := q.requeue(ctx, "requeue", l, nil, res.RequeueAfter, modeForget)
		return Requeued, err
	case IsTerminal(runErr) && q.deadLetterKey(l.Key):
		_, err := q.requeue(ctx, "fail", l, runErr, 0, modeKill)
		return Dead, err
	case IsTerminal(runErr):
		return q.requeue(ctx, "park", l, runErr, 0, modePark)
	default:
		return q.Retry(ctx, l, runErr, retryAfter(runErr))
	}
}

// finishing is a successful run's result, recorded as Finish does, with a
// lease of the next ready key for the worker that ran it (none when none is
// ready; the worker then waits as usual), sent in a pipeline: a busy worker
// costs no round trip of its own per key.
type finishing struct {
	l             Lease
	res           Result
	now           time.Time
	look          uint64 // the lease's number (backlogFlag)
	finish, lease *redis.Cmd
}

// sendFinish adds f's result and next lease to p.
func (q *Queue) sendFinish(ctx context.Context, p redis.Pipeliner, f *finishing) {
	if f.res.RequeueAfter > 0 {
		f.finish = requeueScript.EvalSha(ctx, p, q.requeueKeys(), q.requeueArgs(f.l, nil, f.res.RequeueAfter, modeForget)...)
	} else {
		f.finish = doneScript.EvalSha(ctx, p, q.doneKeys(), q.doneArgs(f.l)...)
	}
	f.look = q.backlog.look()
	f.lease = leaseScript.EvalSha(ctx, p, q.leaseKeys(), q.leaseArgs(f.now, 100, "1")...)
}

// readFinish reads the answers sendFinish asked for. Each counts on its
// own: a lease granted must be used whatever the finish got, and a script
// Redis did not know yet (first use, a restart) is sent the usual way.
func (q *Queue) readFinish(ctx context.Context, f finishing) (out Outcome, next Lease, err error) {
	l, res := f.l, f.res
	switch ferr := f.finish.Err(); {
	case redis.HasErrorPrefix(ferr, "NOSCRIPT"):
		out, err = q.Finish(ctx, l, res, nil)
	case ferr != nil:
		err = fmt.Errorf("queue done %q: %w", l.Key, ferr)
	case res.RequeueAfter > 0:
		vals, _ := f.finish.Int64Slice()
		_, err = q.requeued("requeue", l, res.RequeueAfter, modeForget, vals)
		out = Requeued
	default:
		n, _ := f.finish.Int()
		err, out = q.done(l, n), Succeeded
	}
	if vals, lerr := f.lease.Slice(); lerr == nil {
		got, _, more, perr := q.leased(ctx, vals, f.now)
		if perr == nil {
			q.backlog.set(f.look, more)
		}
		if perr == nil && got.Key != "" {
			next = got
			if more {
				q.wake.signal() // another worker takes the next one
			}
		}
	}
	return out, next, err
}
