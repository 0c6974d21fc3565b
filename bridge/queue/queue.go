package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/carebridge/carebridge/internal/redisscript"
)

// ErrLeaseLost is returned when a lease is no longer held: it expired and the
// key was reaped or handed to another worker. The caller's result is
// discarded; the key's state belongs to whoever holds it now.
var ErrLeaseLost = errors.New("queue: lease lost")

// ErrNotDead is returned by Replay and Drop for a key that is not in the
// dead-letter set.
var ErrNotDead = errors.New("queue: key is not dead-lettered")

// Options configure a Queue. Zero values take the defaults.
type Options struct {
	// Prefix starts every Redis key (default "carebridge:").
	Prefix string
	// Name is the hash tag of the queue's keys (default "queue"), giving
	// e.g. "carebridge:{queue}:ready".
	Name string
	// Lease is how long a worker holds a key before it returns to the queue
	// (default 30s). Extend renews it.
	Lease time.Duration
	// BaseDelay is the first retry delay (default 1s); it doubles per attempt.
	BaseDelay time.Duration
	// MaxDelay caps the retry delay (default 5m).
	MaxDelay time.Duration
	// MaxAttempts failed runs send a dead-letter key to the dead letters
	// (default 10). Other keys never die: they keep retrying, MaxDelay
	// apart at most.
	MaxAttempts int
	// DeadLetterPrefixes names the one-shot keys: a key starting with one
	// of them is dead-lettered after MaxAttempts failed runs or at its first
	// Terminal error, and stays dead until Replay (a person decides whether
	// it runs again). Every other key is level-triggered: it retries with
	// capped backoff forever, a Terminal error parks it until it is next
	// added, and Add revives it if an older version dead-lettered it.
	DeadLetterPrefixes []string
	// PollInterval bounds how long Get sleeps before looking again for keys
	// added by other processes (default 100ms). Run's workers do not poll:
	// they wake when a key becomes ready, here or on any replica (Redis
	// pub/sub), or when a delayed key falls due.
	PollInterval time.Duration
	// IdlePoll is how often Run returns the keys of expired leases (a
	// crashed replica's) and looks for ready keys whose wake-up it missed,
	// e.g. while its connection to Redis was down (default Lease/3).
	IdlePoll time.Duration
	// ShutdownGrace is how long Run lets running handlers finish after its
	// context ends before cancelling theirs (default 10s; negative: none).
	ShutdownGrace time.Duration
	// Clock is the time source (default time.Now). Replicas sharing a queue
	// need clocks in step to well under Lease.
	Clock func() time.Time
	// Rand returns a number in [0,1) for backoff jitter (default math/rand/v2).
	Rand func() float64
	// Logger receives worker-loop diagnostics (default slog.Default()).
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.Prefix == "" {
		o.Prefix = "carebridge:"
	}
	if o.Name == "" {
		o.Name = "queue"
	}
	if o.Lease <= 0 {
		o.Lease = 30 * time.Second
	}
	if o.BaseDelay <= 0 {
		o.BaseDelay = time.Second
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = 5 * time.Minute
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 10
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 100 * time.Millisecond
	}
	if o.IdlePoll <= 0 {
		o.IdlePoll = o.Lease / 3
	}
	if o.ShutdownGrace == 0 {
		o.ShutdownGrace = 10 * time.Second
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Float64
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// keys are the Redis keys of one queue.
type keys struct {
	ready, processing, leases, dirty, attempts, dead, deadinfo, seq, paused, failing, after string
	wake                                                                                    string // pub/sub channel
}

// Queue is a keyed work queue in Redis with client-go workqueue semantics
// across processes. It is safe for concurrent use.
type Queue struct {
	rdb     redis.UniversalClient
	opts    Options
	k       keys
	metrics *metrics
	wake    notifier
	// origin tells this queue's wake-ups from other replicas' (it has
	// already woken its own workers).
	origin string
	// backlog: the latest look at the queue here left more keys ready.
	backlog backlogFlag

	// The parts by area; their methods are the Queue's. The lease core
	// (get, extend, done, retry, finish) is the Queue's own.
	admission  // adding keys: Add, AddOr, AddMany, Await
	inspection // the pause, depth, listing, state, dead letters' replay and drop
	runner     // Run: workers, the lease keeper, wake-ups over pub/sub
}

// admission is the Queue's part for adding keys; it reaches the rest of
// the queue through the *Queue it embeds.
type admission struct{ *Queue }

// inspection is the Queue's part for the pause and for reading and
// handling its state: depth, listings, a key's state, dead letters' replay
// and drop. It reaches the rest of the queue through the *Queue it embeds.
type inspection struct{ *Queue }

// runner is the Queue's part that runs workers (Run); it reaches the
// rest of the queue through the *Queue it embeds.
type runner struct{ *Queue }

// New returns a queue over rdb. Its metrics are registered on reg when reg
// is not nil; registering two queues on one registry fails (give them
// separate registries or wrap reg with prometheus.WrapRegistererWith).
func New(rdb redis.UniversalClient, opts Options, reg prometheus.Registerer) (*Queue, error) {
	opts = opts.withDefaults()
	base := opts.Prefix + "{" + opts.Name + "}:"
	q := &Queue{
		rdb:  rdb,
		opts: opts,
		k: keys{
			ready:      base + "ready",
			processing: base + "processing",
			leases:     base + "leases",
			dirty:      base + "dirty",
			attempts:   base + "attempts",
			dead:       base + "dead",
			deadinfo:   base + "deadinfo",
			seq:        base + "seq",
			paused:     base + "paused",
			failing:    base + "failing",
			after:      base + "after",
			wake:       base + "wake",
		},
	}
	q.admission, q.inspection, q.runner = admission{q}, inspection{q}, runner{q}
	q.origin = strconv.FormatUint(rand.Uint64(), 36)
	q.metrics = newMetrics(q)
	if reg != nil {
		if err := q.metrics.register(reg); err != nil {
			return nil, fmt.Errorf("queue %s: register metrics: %w", opts.Name, err)
		}
	}
	return q, nil
}

// deadLetterKey reports whether key is one-shot (Options.DeadLetterPrefixes).
func (q *Queue) deadLetterKey(key string) bool {
	for _, p := range q.opts.DeadLetterPrefixes {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// Lease is a worker's hold on one key. Pass it back to Finish (or Done,
// Retry, Fail, Defer) and Extend.
type Lease struct {
	Key string
	// Token identifies this hand-out of the key; it increases with every
	// lease of the queue, so it doubles as a fencing token.
	Token int64
	// Attempts counts failed attempts before this one.
	Attempts int
	// Granted is when the lease was handed out.
	Granted time.Time
}

// AddResult says what Add did.
type AddResult int

const (
	// Added: the key was not known and is now queued.
	Added AddResult = iota + 1
	// Coalesced: the key was already queued; nothing changed (a queued key
	// may move earlier unless it is waiting out a backoff).
	Coalesced
	// MarkedDirty: the key is being processed; it runs again after Done.
	MarkedDirty
	// StillDead: the key is a dead-lettered dead-letter key; only Replay
	// brings it back.
	StillDead
	// AddedInstead: the key is being processed, and the key given to add
	// in its place (AddOr) is queued, or marked to run again.
	AddedInstead
)

func (r AddResult) String() string {
	switch r {
	case Added:
		return "added"
	case Coalesced:
		return "coalesced"
	case MarkedDirty:
		return "dirty"
	case StillDead:
		return "dead"
	case AddedInstead:
		return "instead"
	default:
		return "unknown"
	}
}

// Add queues key to run now.
func (q admission) Add(ctx context.Context, key string) (AddResult, error) {
	return q.AddAfter(ctx, key, 0)
}

// AddAfter queues key to run after delay.
func (q admission) AddAfter(ctx context.Context, key string, delay time.Duration) (AddResult, error) {
	return q.add(ctx, key, "", delay)
}

// AddOr queues key to run now or, while a worker processes key, instead
// once that run ends, however it ends (in one step: no run of key can
// begin or end between the look and the add), in place of running key
// again. A change reported during the run of its key can so be checked
// after that run, at no cost while it waits.
func (q admission) AddOr(ctx context.Context, key, instead string) (AddResult, error) {
	if instead == "" {
		return 0, errors.New("queue add: empty key to add instead")
	}
	return q.add(ctx, key, instead, 0)
}

func (q admission) add(ctx context.Context, key, instead string, delay time.Duration) (AddResult, error) {
	if key == "" {
		return 0, errors.New("queue add: empty key")
	}
	due := q.opts.Clock().Add(max(delay, 0)).UnixMilli()
	revive := "1"
	if q.deadLetterKey(key) {
		revive = "0"
	}
	res, err := addScript.Run(ctx, q.rdb,
		[]string{q.k.ready, q.k.processing, q.k.dirty, q.k.dead, q.k.attempts, q.k.deadinfo, q.k.after},
		key, due, revive, q.k.wake, q.origin, instead).Text()
	if err != nil {
		return 0, fmt.Errorf("queue add %q: %w", key, err)
	}
	q.metrics.adds.Inc()
	var r AddResult
	switch res {
	case "added":
		r = Added
	case "coalesced":
		r = Coalesced
	case "dirty":
		r = MarkedDirty
	case "dead":
		r = StillDead
	case "instead":
		r = AddedInstead
	default:
		return 0, fmt.Errorf("queue add %q: unexpected script result %q", key, res)
	}
	if r == Added || r == Coalesced || r == AddedInstead {
		q.wake.signal()
	}
	return r, nil
}

// Backlogged reports whether this process's last look at the queue left
// keys ready for other workers: a burst is being worked.
func (q inspection) Backlogged() bool { return q.backlog.get() }

// AddMany queues keys to run now in one round trip (a pipeline of Add
// scripts): a poll or sweep that finds many keys makes them ready at once,
// so the workers' batches fill. Each key is handled as Add handles it; the
// first error is returned after every key was tried.
func (q admission) AddMany(ctx context.Context, keys []string) error {
	return q.AddManyOr(ctx, keys, nil)
}

// AddManyOr is AddMany where, as AddOr does, instead[i] (when given and not
// empty) is queued in place of keys[i] while a worker processes keys[i].
func (q admission) AddManyOr(ctx context.Context, keys, instead []string) error {
	if len(keys) == 0 {
		return nil
	}
	if instead != nil && len(instead) != len(keys) {
		return fmt.Errorf("queue add: %d keys, %d to add instead", len(keys), len(instead))
	}
	for _, k := range keys {
		if k == "" {
			return errors.New("queue add: empty key")
		}
	}
	due := q.opts.Clock().UnixMilli()
	calls := make([]redisscript.Call, len(keys))
	for i, key := range keys {
		revive := "1"
		if q.deadLetterKey(key) {
			revive = "0"
		}
		alt := ""
		if instead != nil {
			alt = instead[i]
		}
		calls[i] = redisscript.Call{Script: addScript, Keys: []string{q.k.ready, q.k.processing, q.k.dirty, q.k.dead, q.k.attempts, q.k.deadinfo, q.k.after},
			Args: []any{key, due, revive, q.k.wake, q.origin, alt}}
	}
	// Adding a key twice is adding it once, so the helper may send the
	// scripts again when Redis did not know them yet.
	cmds, err := redisscript.Pipeline(ctx, q.rdb, calls)
	if err != nil {
		return fmt.Errorf("queue add %d keys: %w", len(keys), err)
	}
	q.metrics.adds.Add(float64(len(keys)))
	for range cmds {
		q.wake.signal()
	}
	return nil
}

// LoadScripts teaches Redis the queue's scripts (see redisscript.Load).
// Calls work without it; it spares the first ones a second round trip.
func (q *Queue) LoadScripts(ctx context.Context) error {
	return redisscript.Load(ctx, q.rdb, addScript, leaseScript, doneScript, requeueScript, extendScript, pauseScript)
}

// TryGet leases a ready key without waiting. ok is false when none is ready.
// It first returns keys of expired leases to the queue.
func (q *Queue) TryGet(ctx context.Context) (l Lease, ok bool, err error) {
	l, _, more, err := q.tryGet(ctx)
	if more {
		q.wake.signal() // a waiting worker takes the next one
	}
	return l, l.Key != "", err
}

// tryGet returns the lease and whether more keys are ready, or when none is
// ready the next due time (zero when the queue holds nothing).
func (q *Queue) tryGet(ctx context.Context) (Lease, time.Time, bool, error) {
	now := q.opts.Clock()
	look := q.backlog.look()
	vals, err := leaseScript.Run(ctx, q.rdb, q.leaseKeys(), q.leaseArgs(now, 100, "1")...).Slice()
	if err != nil {
		return Lease{}, time.Time{}, false, fmt.Errorf("queue get: %w", err)
	}
	l, next, more, err := q.leased(ctx, vals, now)
	if err == nil {
		q.backlog.set(look, more)
	}
	return l, next, more, err
}

// leased reads leaseScript's answer given at now.
func (q *Queue) leased(ctx context.Context, vals []any, now time.Time) (Lease, time.Time, bool, error) {
	if len(vals) != 6 {
		return Lease{}, time.Time{}, false, fmt.Errorf("queue get: unexpected script result %v", vals)
	}
	key, _ := vals[0].(string)
	second, _ := vals[1].(int64)
	attempts, _ := vals[2].(int64)
	reaped, _ := vals[3].(int64)
	killed, _ := vals[4].(int64)
	if reaped > 0 {
		q.opts.Logger.InfoContext(ctx, "queue: returned keys of expired leases", "queue", q.opts.Name, "keys", reaped)
	}
	if killed > 0 {
		q.metrics.deadLetters.Add(float64(killed))
		q.opts.Logger.WarnContext(ctx, "queue: dead-lettered keys whose leases kept expiring", "queue", q.opts.Name, "keys", killed)
	}
	if key == "" {
		var next time.Time
		if second >= 0 {
			next = time.UnixMilli(second).UTC()
		}
		return Lease{}, next, false, nil
	}
	more, _ := vals[5].(int64)
	return Lease{Key: key, Token: second, Attempts: int(attempts), Granted: now}, time.Time{}, more > 0, nil
}

func (q *Queue) leaseKeys() []string {
	return []string{q.k.ready, q.k.processing, q.k.leases, q.k.dirty, q.k.attempts, q.k.dead, q.k.deadinfo, q.k.seq, q.k.paused, q.k.failing, q.k.after}
}

// leaseArgs are leaseScript's arguments: the clock, the lease, the reaper's
// backoff and which keys may die.
func (q *Queue) leaseArgs(now time.Time, reapLimit int, lease string) []any {
	args := []any{now.UnixMilli(), q.opts.Lease.Milliseconds(), q.opts.MaxAttempts, reapLimit, lease,
		q.opts.BaseDelay.Milliseconds(), q.opts.MaxDelay.Milliseconds(), q.k.wake, q.origin}
	for _, p := range q.opts.DeadLetterPrefixes {
		args = append(args, p)
	}
	return args
}

// Get blocks until a key is ready and leases it, or ctx ends. It reaps
// expired leases as it goes, so every process calling Get also recovers the
// keys of crashed workers. It looks again every PollInterval for keys other
// processes added.
func (q *Queue) Get(ctx context.Context) (Lease, error) { return q.get(ctx, q.opts.PollInterval) }

// get is Get looking again at least every poll; with poll 0 it waits for a
// wake-up (an add here, or one heard from another replica) or the next due
// time.
func (q *Queue) get(ctx context.Context, poll time.Duration) (Lease, error) {
	for {
		wake := q.wake.wait()
		l, next, more, err := q.tryGet(ctx)
		if err == nil && l.Key == "" && q.wake.drain() > 0 {
			// The wake-ups pending announced keys other workers have taken
			// (a worker leasing with its last result takes none): look once
			// more, for a key added since the look above, then wait.
			l, next, more, err = q.tryGet(ctx)
		}
		if err != nil {
			return Lease{}, err
		}
		if l.Key != "" {
			if more {
				q.wake.signal() // another worker takes the next one
			}
			return l, nil
		}
		wait := poll
		switch {
		case next.IsZero():
		case poll == 0:
			// One wake-up for the process, not one timer per worker.
			q.wake.wakeAt(next, next.Sub(q.opts.Clock()))
		case next.Sub(q.opts.Clock()) < wait:
			wait = max(next.Sub(q.opts.Clock()), time.Millisecond)
		}
		var t *time.Timer
		var timeout <-chan time.Time
		if wait > 0 {
			t = time.NewTimer(wait)
			timeout = t.C
		}
		select {
		case <-ctx.Done():
		case <-wake:
		case <-q.wake.one():
		case <-timeout:
		}
		if t != nil {
			t.Stop()
		}
		if ctx.Err() != nil {
			return Lease{}, fmt.Errorf("queue get: %w", ctx.Err())
		}
	}
}

// Recover returns the keys of all expired leases to the queue (or to the
// dead letters once their attempts are spent) and reports how many it moved.
func (q *Queue) Recover(ctx context.Context) (int, error) {
	total := 0
	const batch = 1000
	for {
		vals, err := leaseScript.Run(ctx, q.rdb, q.leaseKeys(), q.leaseArgs(q.opts.Clock(), batch, "0")...).Slice()
		if err != nil {
			return total, fmt.Errorf("queue recover: %w", err)
		}
		if len(vals) != 6 {
			return total, fmt.Errorf("queue recover: unexpected script result %v", vals)
		}
		reaped, _ := vals[3].(int64)
		killed, _ := vals[4].(int64)
		if killed > 0 {
			q.metrics.deadLetters.Add(float64(killed))
		}
		total += int(reaped + killed)
		if reaped+killed < batch {
			if total > 0 {
				q.wake.broadcast()
			}
			return total, nil
		}
	}
}

// recoverReady returns the keys of expired leases to the queue and counts
// the keys ready now.
func (q *Queue) recoverReady(ctx context.Context) (int64, error) {
	vals, err := leaseScript.Run(ctx, q.rdb, q.leaseKeys(), q.leaseArgs(q.opts.Clock(), 1000, "0")...).Slice()
	if err != nil {
		return 0, fmt.Errorf("queue idle poll: %w", err)
	}
	if len(vals) != 6 {
		return 0, fmt.Errorf("queue idle poll: unexpected script result %v", vals)
	}
	ready, _ := vals[1].(int64)
	if killed, _ := vals[4].(int64); killed > 0 {
		q.metrics.deadLetters.Add(float64(killed))
	}
	return ready, nil
}

// PauseUntil stops every process from handing out keys before t, e.g.
// while an upstream's daily quota is spent. Keys keep queueing meanwhile;
// an earlier t than a pause already set is ignored.
func (q inspection) PauseUntil(ctx context.Context, t time.Time) error {
	ms := t.UnixMilli()
	if err := pauseScript.Run(ctx, q.rdb, []string{q.k.paused}, ms).Err(); err != nil {
		return fmt.Errorf("queue pause until %s: %w", t.Format(time.RFC3339), err)
	}
	return nil
}

// Resume lifts a pause at once, on every replica.
func (q inspection) Resume(ctx context.Context) error {
	if _, err := q.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, q.k.paused)
		p.Publish(ctx, q.k.wake, q.origin)
		return nil
	}); err != nil {
		return fmt.Errorf("queue resume: %w", err)
	}
	q.wake.broadcast()
	return nil
}

// PausedUntil returns the end of the current pause; zero when not paused.
func (q inspection) PausedUntil(ctx context.Context) (time.Time, error) {
	ms, err := q.rdb.Get(ctx, q.k.paused).Int64()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("queue paused until: %w", err)
	}
	if t := time.UnixMilli(ms).UTC(); t.After(q.opts.Clock()) {
		return t, nil
	}
	return time.Time{}, nil
}

// Done ends a successful run: the key's attempts are forgotten, and if it
// was added while processing it is queued again.
func (q *Queue) Done(ctx context.Context, l Lease) error {
	res, err := doneScript.Run(ctx, q.rdb, q.doneKeys(), q.doneArgs(l)...).Int()
	if err != nil {
		return fmt.Errorf("queue done %q: %w", l.Key, err)
	}
	return q.done(l, res)
}

func (q *Queue) doneKeys() []string {
	return []string{q.k.ready, q.k.processing, q.k.leases, q.k.dirty, q.k.attempts, q.k.failing, q.k.after}
}

func (q *Queue) doneArgs(l Lease) []any { return []any{l.Key, l.Token, q.k.wake, q.origin} }

// done reads doneScript's answer.
func (q *Queue) done(l Lease, res int) error {
	if res == 0 {
		return fmt.Errorf("queue done %q (lease %d): %w", l.Key, l.Token, ErrLeaseLost)
	}
	q.observeWork(l)
	if res == 2 {
		q.wake.broadcast()
	}
	return nil
}

// Retry ends a failed run: the attempt is counted and the key runs again
// after an exponential backoff with jitter, capped at MaxDelay; a
// dead-letter key goes to the dead letters with cause once MaxAttempts is
// reached. minDelay (e.g. a server's Retry-After) raises the delay. An Add
// that arrived during the run is satisfied by the retry (the backoff is not
// cut short), or dropped with the key when it goes to the dead letters.
func (q *Queue) Retry(ctx context.Context, l Lease, cause error, minDelay time.Duration) (Outcome, error) {
	delay := max(q.Backoff(l.Attempts+1), minDelay)
	return q.requeue(ctx, "retry", l, cause, delay, modeRetry)
}

// Fail ends a run that will never succeed: the key goes straight to the
// dead letters with cause, whatever its prefix.
func (q *Queue) Fail(ctx context.Context, l Lease, cause error) error {
	_, err := q.requeue(ctx, "fail", l, cause, 0, modeKill)
	return err
}

// Defer puts the key back after delay without counting an attempt.
func (q *Queue) Defer(ctx context.Context, l Lease, delay time.Duration) error {
	_, err := q.requeue(ctx, "defer", l, nil, delay, modeDefer)
	return err
}

// Release gives the key back at once without counting an attempt, e.g. on
// shutdown.
func (q *Queue) Release(ctx context.Context, l Lease) error {
	return q.Defer(ctx, l, 0)
}

// requeue modes (requeueScript).
const (
	modeRetry  = "retry"
	modePark   = "park"
	modeKill   = "kill"
	modeDefer  = "defer"
	modeForget = "forget"
)

func (q *Queue) requeue(ctx context.Context, op string, l Lease, cause error, delay time.Duration, mode string) (Outcome, error) {
	vals, err := requeueScript.Run(ctx, q.rdb, q.requeueKeys(), q.requeueArgs(l, cause, delay, mode)...).Int64Slice()
	if err != nil {
		return 0, fmt.Errorf("queue %s %q: %w", op, l.Key, err)
	}
	return q.requeued(op, l, delay, mode, vals)
}

func (q *Queue) requeueKeys() []string {
	return []string{q.k.ready, q.k.processing, q.k.leases, q.k.dirty, q.k.attempts, q.k.dead, q.k.deadinfo, q.k.failing, q.k.after}
}

func (q *Queue) requeueArgs(l Lease, cause error, delay time.Duration, mode string) []any {
	msg := ""
	if cause != nil {
		msg = cause.Error()
	}
	maxAttempts := 0 // never dies
	if q.deadLetterKey(l.Key) {
		maxAttempts = q.opts.MaxAttempts
	}
	return []any{l.Key, l.Token, q.opts.Clock().UnixMilli(), delay.Milliseconds(), maxAttempts, msg, mode, q.k.wake, q.origin}
}

// requeued reads requeueScript's answer.
func (q *Queue) requeued(op string, l Lease, delay time.Duration, mode string, vals []int64) (Outcome, error) {
	if len(vals) != 2 {
		return 0, fmt.Errorf("queue %s %q: unexpected script result %v", op, l.Key, vals)
	}
	if vals[0] == 0 {
		return 0, fmt.Errorf("queue %s %q (lease %d): %w", op, l.Key, l.Token, ErrLeaseLost)
	}
	q.observeWork(l)
	switch vals[0] {
	case 2:
		q.metrics.deadLetters.Inc()
		return Dead, nil
	case 3:
		q.metrics.parked.Inc()
		return Parked, nil
	}
	if mode == modeRetry {
		q.metrics.retries.Inc()
	}
	if delay <= 0 {
		q.wake.broadcast()
	}
	switch mode {
	case modeForget:
		return Requeued, nil
	case modePark: // added during the run: it runs again
		q.metrics.parked.Inc()
		return Parked, nil
	}
	return Retried, nil
}

// Extend renews the lease for another Lease duration from now.
func (q *Queue) Extend(ctx context.Context, l Lease) error {
	expiry := q.opts.Clock().Add(q.opts.Lease).UnixMilli()
	res, err := extendScript.Run(ctx, q.rdb, []string{q.k.processing, q.k.leases}, l.Key, l.Token, expiry).Int()
	if err != nil {
		return fmt.Errorf("queue extend %q: %w", l.Key, err)
	}
	if res == 0 {
		return fmt.Errorf("queue extend %q (lease %d): %w", l.Key, l.Token, ErrLeaseLost)
	}
	return nil
}

// Backoff is the delay before retry number attempt (1 for the first
// retry): BaseDelay doubled per attempt, capped at MaxDelay, with "equal
// jitter" (uniform in [d/2, d)) so that keys failing together spread out.
func (q *Queue) Backoff(attempt int) time.Duration {
	d := q.opts.BaseDelay
	for i := 1; i < attempt && d < q.opts.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, q.opts.MaxDelay)
	half := d / 2
	return half + time.Duration(q.opts.Rand()*float64(d-half))
}

func (q *Queue) observeWork(l Lease) {
	if !l.Granted.IsZero() {
		q.metrics.work.Observe(q.opts.Clock().Sub(l.Granted).Seconds())
	}
}

// Depth counts keys by state.
type Depth struct {
	Ready      int64 `json:"ready"`      // due now
	Delayed    int64 `json:"delayed"`    // due later after a failed run (backoff, Retry-After)
	Scheduled  int64 `json:"scheduled"`  // due later as asked (AddAfter, a handler's RequeueAfter: a deadline, a quota pause)
	Processing int64 `json:"processing"` // leased
	Dead       int64 `json:"dead"`       // dead letters
	Dirty      int64 `json:"dirty"`      // processing and added again since
	Failing    int64 `json:"failing"`    // whose last run failed (retrying or parked), dead ones aside
}

// Depth reads the queue's size by state.
func (q inspection) Depth(ctx context.Context) (Depth, error) {
	vals, err := depthScript.Run(ctx, q.rdb,
		[]string{q.k.ready, q.k.processing, q.k.dead, q.k.dirty, q.k.failing},
		q.opts.Clock().UnixMilli()).Int64Slice()
	if err != nil {
		return Depth{}, fmt.Errorf("queue depth: %w", err)
	}
	return Depth{Ready: vals[0], Delayed: vals[1], Processing: vals[2], Dead: vals[3], Dirty: vals[4], Failing: vals[5], Scheduled: vals[6]}, nil
}

// Await makes waiter run once the current run of key ends, however it
// ends, and reports true; false (and nothing queued) when no worker runs
// key now.
func (q admission) Await(ctx context.Context, key, waiter string) (bool, error) {
	if key == "" || waiter == "" {
		return false, errors.New("queue await: empty key")
	}
	n, err := awaitScript.Run(ctx, q.rdb, []string{q.k.processing, q.k.after}, key, waiter).Int()
	if err != nil {
		return false, fmt.Errorf("queue await %q after %q: %w", waiter, key, err)
	}
	return n == 1, nil
}

// Waiting counts the keys starting with prefix that are queued (due now or
// later), run now or wait for another key's run (AddOr, Await). It scans
// the queue (ZSCAN): for tests, tools and occasional status, not for every
// run.
func (q inspection) Waiting(ctx context.Context, prefix string) (int64, error) {
	var n int64
	for _, set := range []string{q.k.ready, q.k.processing, q.k.after} {
		match := redisGlobEscape(prefix) + "*"
		if set == q.k.after {
			match = "*"
		}
		iter := q.rdb.ZScan(ctx, set, 0, match, 1000).Iterator()
		for i := 0; iter.Next(ctx); i++ {
			if i%2 == 1 { // members and scores alternate
				continue
			}
			if set == q.k.after && !strings.HasPrefix(waiterOf(iter.Val()), prefix) {
				continue
			}
			n++
		}
		if err := iter.Err(); err != nil {
			return 0, fmt.Errorf("queue: count keys %q*: %w", prefix, err)
		}
	}
	return n, nil
}

// waiterOf is the waiting key of a member of the after set,
// "<len>:<key><waiter>".
func waiterOf(member string) string {
	size, rest, ok := strings.Cut(member, ":")
	n, err := strconv.Atoi(size)
	if !ok || err != nil || n > len(rest) {
		return ""
	}
	return rest[n:]
}

// redisGlobEscape escapes the characters a Redis MATCH pattern reads.
func redisGlobEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\^-`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// DeadLetter is one dead-lettered key.
type DeadLetter struct {
	Key      string    `json:"key"`
	Error    string    `json:"error"`
	Attempts int       `json:"attempts"`
	At       time.Time `json:"at"`
}

// List returns up to limit dead letters, newest first.
func (q inspection) List(ctx context.Context, limit int) ([]DeadLetter, error) {
	if limit <= 0 {
		return nil, nil
	}
	ks, err := q.rdb.ZRevRange(ctx, q.k.dead, 0, int64(limit-1)).Result()
	if err != nil {
		return nil, fmt.Errorf("queue list dead letters: %w", err)
	}
	if len(ks) == 0 {
		return nil, nil
	}
	infos, err := q.rdb.HMGet(ctx, q.k.deadinfo, ks...).Result()
	if err != nil {
		return nil, fmt.Errorf("queue list dead letters: %w", err)
	}
	out := make([]DeadLetter, 0, len(ks))
	for i, k := range ks {
		s, _ := infos[i].(string)
		if s == "" {
			continue // dropped between the two reads
		}
		var info struct {
			Error    string  `json:"error"`
			Attempts int     `json:"attempts"`
			At       float64 `json:"at"`
		}
		if err := json.Unmarshal([]byte(s), &info); err != nil {
			return nil, fmt.Errorf("queue list dead letters: decode %q: %w", k, err)
		}
		out = append(out, DeadLetter{Key: k, Error: info.Error, Attempts: info.Attempts, At: time.UnixMilli(int64(info.At)).UTC()})
	}
	return out, nil
}

// Failure is a key whose last run failed and which is not dead: it is
// waiting out its backoff, or parked after a Terminal error until it is
// next added.
type Failure struct {
	Key      string    `json:"key"`
	Error    string    `json:"error"`
	Attempts int       `json:"attempts"` // failed runs since the last success
	At       time.Time `json:"at"`
	Parked   bool      `json:"parked"`
}

// Failing returns up to limit failing keys, in no particular order.
func (q inspection) Failing(ctx context.Context, limit int) ([]Failure, error) {
	var out []Failure
	var cursor uint64
	for limit > len(out) {
		kv, next, err := q.rdb.HScan(ctx, q.k.failing, cursor, "*", int64(max(limit, 10))).Result()
		if err != nil {
			return nil, fmt.Errorf("queue list failing keys: %w", err)
		}
		for i := 0; i+1 < len(kv) && len(out) < limit; i += 2 {
			var info struct {
				Error    string  `json:"error"`
				Attempts int     `json:"attempts"`
				At       float64 `json:"at"`
				Parked   bool    `json:"parked"`
			}
			if err := json.Unmarshal([]byte(kv[i+1]), &info); err != nil {
				return nil, fmt.Errorf("queue list failing keys: decode %q: %w", kv[i], err)
			}
			out = append(out, Failure{Key: kv[i], Error: info.Error, Attempts: info.Attempts, At: time.UnixMilli(int64(info.At)).UTC(), Parked: info.Parked})
		}
		if cursor = next; cursor == 0 {
			break
		}
	}
	return out, nil
}

// KeyState is where one key stands in the queue.
type KeyState struct {
	// Due is when the key runs next (zero: not waiting to run).
	Due        time.Time `json:"due,omitzero"`
	Processing bool      `json:"processing"`
	// Failure is its last failed run while it is retried or parked.
	Failure *Failure `json:"failure,omitempty"`
	// Dead is its dead letter, for a one-shot key the queue gave up on.
	Dead *DeadLetter `json:"dead,omitempty"`
}

// Processing reports which of keys a worker runs now (any replica's), in
// one round trip.
func (q inspection) Processing(ctx context.Context, keys []string) (map[string]bool, error) {
	cmds := make([]*redis.FloatCmd, len(keys))
	_, err := q.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			cmds[i] = p.ZScore(ctx, q.k.processing, k)
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("queue: which of %d keys run: %w", len(keys), err)
	}
	out := make(map[string]bool, len(keys))
	for i, c := range cmds {
		if c.Err() == nil {
			out[keys[i]] = true
		}
	}
	return out, nil
}

// State reads where key stands, in one round trip.
func (q inspection) State(ctx context.Context, key string) (KeyState, error) {
	var due, proc *redis.FloatCmd
	var failing, dead *redis.StringCmd
	_, err := q.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		due = p.ZScore(ctx, q.k.ready, key)
		proc = p.ZScore(ctx, q.k.processing, key)
		failing = p.HGet(ctx, q.k.failing, key)
		dead = p.HGet(ctx, q.k.deadinfo, key)
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return KeyState{}, fmt.Errorf("queue state of %q: %w", key, err)
	}
	var st KeyState
	if ms, err := due.Result(); err == nil {
		st.Due = time.UnixMilli(int64(ms)).UTC()
	}
	st.Processing = proc.Err() == nil
	var info struct {
		Error    string  `json:"error"`
		Attempts int     `json:"attempts"`
		At       float64 `json:"at"`
		Parked   bool    `json:"parked"`
	}
	if s, err := failing.Result(); err == nil {
		if err := json.Unmarshal([]byte(s), &info); err != nil {
			return KeyState{}, fmt.Errorf("queue state of %q: decode failure: %w", key, err)
		}
		st.Failure = &Failure{Key: key, Error: info.Error, Attempts: info.Attempts, At: time.UnixMilli(int64(info.At)).UTC(), Parked: info.Parked}
	}
	if s, err := dead.Result(); err == nil {
		if err := json.Unmarshal([]byte(s), &info); err != nil {
			return KeyState{}, fmt.Errorf("queue state of %q: decode dead letter: %w", key, err)
		}
		st.Dead = &DeadLetter{Key: key, Error: info.Error, Attempts: info.Attempts, At: time.UnixMilli(int64(info.At)).UTC()}
	}
	return st, nil
}

// Replay takes key out of the dead letters and queues it to run now with
// its attempts reset.
func (q inspection) Replay(ctx context.Context, key string) error {
	n, err := replayScript.Run(ctx, q.rdb, []string{q.k.ready, q.k.dead, q.k.deadinfo, q.k.attempts},
		key, q.opts.Clock().UnixMilli(), q.k.wake, q.origin).Int()
	if err != nil {
		return fmt.Errorf("queue replay %q: %w", key, err)
	}
	if n == 0 {
		return fmt.Errorf("queue replay %q: %w", key, ErrNotDead)
	}
	q.wake.broadcast()
	return nil
}

// Drop deletes key from the dead letters.
func (q inspection) Drop(ctx context.Context, key string) error {
	n, err := dropScript.Run(ctx, q.rdb, []string{q.k.dead, q.k.deadinfo}, key).Int()
	if err != nil {
		return fmt.Errorf("queue drop %q: %w", key, err)
	}
	if n == 0 {
		return fmt.Errorf("queue drop %q: %w", key, ErrNotDead)
	}
	return nil
}

// notifier wakes this process's waiting Get calls: when a key becomes ready
// here or on another replica (Run's subscription), and when the earliest
// delayed key falls due.
type notifier struct {
	mu     sync.Mutex
	ch     chan struct{}
	tokens chan struct{} // one token per added key: wakes one waiter, not all
	due    *time.Timer   // wakes one waiter at dueAt
	dueAt  time.Time
}

// wakeAt wakes one waiter after d (when the queue's clock reads at),
// unless a wake-up is pending for no later.
func (n *notifier) wakeAt(at time.Time, d time.Duration) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.due != nil {
		if !at.Before(n.dueAt) {
			return
		}
		n.due.Stop()
	}
	n.dueAt = at
	var t *time.Timer
	t = time.AfterFunc(max(d, time.Millisecond), func() {
		n.mu.Lock()
		if n.due == t {
			n.due = nil
		}
		n.mu.Unlock()
		n.signal()
	})
	n.due = t
}

// stopDue cancels the pending due wake-up.
func (n *notifier) stopDue() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.due != nil {
		n.due.Stop()
		n.due = nil
	}
}

// one returns the channel a waiting Get takes a single wake-up token from.
func (n *notifier) one() <-chan struct{} { return n.tokenChan() }

func (n *notifier) tokenChan() chan struct{} {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.tokens == nil {
		n.tokens = make(chan struct{}, 1024)
	}
	return n.tokens
}

// signal wakes one waiting Get (now or when it next waits). A burst of adds
// wakes about one worker per key instead of every idle worker per key.
func (n *notifier) signal() {
	select {
	case n.tokenChan() <- struct{}{}:
	default: // enough tokens pending: every waiter will look anyway
	}
}

// drain discards the pending wake-up tokens and reports how many there were.
func (n *notifier) drain() int {
	ch := n.tokenChan()
	for i := 0; ; i++ {
		select {
		case <-ch:
		default:
			return i
		}
	}
}

func (n *notifier) wait() <-chan struct{} {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ch == nil {
		n.ch = make(chan struct{})
	}
	return n.ch
}

func (n *notifier) broadcast() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ch != nil {
		close(n.ch)
		n.ch = nil
	}
}
