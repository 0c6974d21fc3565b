// Package batch coalesces concurrent single-item calls into batched calls.
// Workers reconcile one key each; the Salesforce writes and reads they make
// meet here and leave as one sObject Collections call or one SOQL query, so
// a burst of N keys costs about N/200 API calls instead of N.
package batch

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrClosed is the error, wrapped, that Do returns once Shutdown or Close has
// been called, and the cause of the context cancellation a batch sees when
// shutdown cancels it. Items that shutdown fails without sending get an
// error wrapping it too.
var ErrClosed = errors.New("batcher closed")

// errAbandoned is the cancellation cause of a batch every caller of which
// has given up waiting.
var errAbandoned = errors.New("batch: every caller waiting on the batch gave up")

// burstSize is the size from which a batch counts as a burst: its window
// stays open while items keep coming within linger of each other (below
// it, only while they come five times faster), up to 8 lingers.
const burstSize = 8

// Func executes one batch. It returns one result per item, in order, or an
// error that applies to the whole batch. Its ctx is cancelled when the
// batcher is shut down (cause ErrClosed), when every caller waiting on the
// batch has given up, or when the batcher's per-batch timeout passes; Func
// should return promptly then, since Shutdown waits for it.
type Func[I, R any] func(ctx context.Context, items []I) ([]R, error)

// Batcher collects items until it holds max of them or linger has passed
// since the first one, then runs Func once for all of them. While a burst
// keeps arriving (items much closer together than linger) the window stays
// open, up to 8 lingers, so batches fill; a lone item waits only linger.
//
// A batcher is shut down with Shutdown (graceful, bounded by a context) or
// Close (cancel at once); either waits until every batch has returned.
type Batcher[I, R any] struct {
	run     Func[I, R]
	max     int
	linger  time.Duration
	maxWait time.Duration
	timeout time.Duration

	// ctx is the parent of every batch's context; cancel ends it at
	// shutdown, so cancelling every batch in flight (and any not yet sent).
	ctx    context.Context
	cancel context.CancelCauseFunc

	mu    sync.Mutex
	cur   *group[I, R] // the pending batch, nil when none
	first time.Time    // arrival of the first pending item
	last  time.Time    // arrival of the latest pending item
	timer *time.Timer
	// hold looks at the pending batch again when it was held back for
	// companions on their way (Gate.hold); nil when not held.
	hold    *time.Timer
	closed  bool
	running int           // batches taken from pending whose exec has not returned
	drained chan struct{} // closed once closed and running == 0
	gate    *Gate         // the work in flight; nil: linger alone decides
	stage   int           // where its calls come in a unit's work (Join)
}

// group is one batch: the calls in it and the callers still waiting on it.
// Its fields are guarded by the batcher's mu.
type group[I, R any] struct {
	calls   []*call[I, R]
	waiting int                     // callers whose Do has not given up
	cancel  context.CancelCauseFunc // set when the batch starts
	// oldest is when the oldest unit of work with an item in the batch
	// entered the gate (zero: none known, never held back).
	oldest time.Time
	// newest is when the newest of them entered.
	newest time.Time
	// pendingCallers are the callers the gate counts as waiting in this
	// batch while it is pending.
	pendingCallers int
	// deferred is 1 + the gate's count of sent staged batches when the
	// gate first let an earlier stage go before this batch (0: never): it
	// waits for as many such batches as there are stages before its own,
	// not for every one a long burst brings.
	deferred uint64
}

type call[I, R any] struct {
	item I
	done chan struct{}
	res  R
	err  error
}

// New returns a batcher. max is the largest batch; linger is how long a
// batch waits for its next item (the window closes at most 8 lingers after
// its first item); timeout bounds each batch call.
func New[I, R any](max int, linger, timeout time.Duration, run Func[I, R]) *Batcher[I, R] {
	if max < 1 {
		max = 1
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	return &Batcher[I, R]{
		run: run, max: max, linger: linger, maxWait: 8 * linger, timeout: timeout,
		ctx: ctx, cancel: cancel, drained: make(chan struct{}),
	}
}

// Do adds item to the current batch and waits for its result. If ctx ends
// first, Do returns ctx's error; the item may still be executed with its
// batch, but once every caller waiting on a batch has given up, the batch's
// context is cancelled (and a batch not yet sent is not sent at all). After
// Shutdown or Close, Do returns an error wrapping ErrClosed.
func (b *Batcher[I, R]) Do(ctx context.Context, item I) (R, error) {
	return b.Start(ctx, item)()
}

// Start adds item to the current batch, as Do does, and returns at once;
// wait waits for the result (Do is Start then wait). A caller with other
// work to do meanwhile (another read) needs no goroutine to wait in.
func (b *Batcher[I, R]) Start(ctx context.Context, item I) (wait func() (R, error)) {
	var zero R
	c := &call[I, R]{item: item, done: make(chan struct{})}
	var flush *group[I, R]
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return func() (R, error) { return zero, fmt.Errorf("batch: %w", ErrClosed) }
	}
	if b.cur == nil {
		b.cur = &group[I, R]{}
	}
	g := b.cur
	g.calls = append(g.calls, c)
	g.waiting++
	if b.gate != nil {
		g.pendingCallers++
		g.noteUnit(ctx)
		b.gate.addPending(1)
	}
	switch {
	case len(g.calls) >= b.max:
		flush = b.take()
	case len(g.calls) == 1 && b.gate != nil:
		// The gate sends the batch when the work it expects has arrived;
		// the timer only bounds the wait for a unit that is slow.
		b.first, b.last = time.Now(), time.Now()
		b.timer = time.AfterFunc(gatedMaxWait, func() { b.flushTimer(g) })
	case b.gate != nil:
	case len(g.calls) == 1:
		b.first, b.last = time.Now(), time.Now()
		b.timer = time.AfterFunc(b.linger, func() { b.flushTimer(g) })
	default:
		// Items arriving in a burst (much closer together than linger) keep
		// the window open, up to maxWait, so the batch fills; a steady
		// trickle does not, so a lone change is not held back.
		now := time.Now()
		if gap := now.Sub(b.last); gap < b.linger/5 || (len(g.calls) >= burstSize && gap < b.linger) {
			if wait := min(b.linger, b.maxWait-now.Sub(b.first)); wait > 0 {
				b.timer.Reset(wait)
			}
		}
		b.last = now
	}
	b.mu.Unlock()
	if flush != nil {
		go b.exec(flush)
	}
	if b.gate != nil {
		b.gate.settle()
	}
	return func() (R, error) {
		select {
		case <-c.done:
			return c.res, c.err
		case <-ctx.Done():
			b.giveUp(g)
			return zero, ctx.Err()
		}
	}
}

// DoAll adds items to the current batch (more than one batch when they do
// not fit) and waits for all their results: one caller with several items
// of one kind (a conversation's messages) shares calls with the others
// instead of racing itself. errs[i] is item i's error.
func (b *Batcher[I, R]) DoAll(ctx context.Context, items []I) (res []R, errs []error) {
	res, errs = make([]R, len(items)), make([]error, len(items))
	if len(items) == 0 {
		return res, errs
	}
	calls := make([]*call[I, R], len(items))
	groups := make([]*group[I, R], len(items))
	var flush []*group[I, R]
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		for i := range errs {
			errs[i] = fmt.Errorf("batch: %w", ErrClosed)
		}
		return res, errs
	}
	for i, item := range items {
		c := &call[I, R]{item: item, done: make(chan struct{})}
		if b.cur == nil {
			b.cur = &group[I, R]{}
		}
		g := b.cur
		g.calls = append(g.calls, c)
		if i == 0 || groups[i-1] != g {
			g.waiting++ // this caller waits on g once
			if b.gate != nil {
				g.pendingCallers++
				g.noteUnit(ctx)
				b.gate.addPending(1)
			}
		}
		calls[i], groups[i] = c, g
		switch {
		case len(g.calls) >= b.max:
			flush = append(flush, b.take())
		case len(g.calls) == 1:
			b.first, b.last = time.Now(), time.Now()
			wait := b.linger
			if b.gate != nil {
				wait = gatedMaxWait
			}
			b.timer = time.AfterFunc(wait, func() { b.flushTimer(g) })
		}
	}
	b.last = time.Now()
	b.mu.Unlock()
	for _, g := range flush {
		go b.exec(g)
	}
	if b.gate != nil {
		b.gate.settle()
	}
	for i, c := range calls {
		select {
		case <-c.done:
			res[i], errs[i] = c.res, c.err
		case <-ctx.Done():
			seen := map[*group[I, R]]bool{}
			for j := i; j < len(calls); j++ {
				if g := groups[j]; !seen[g] {
					seen[g] = true
					b.giveUp(g)
				}
				errs[j] = ctx.Err()
			}
			return res, errs
		}
	}
	return res, errs
}

// flushPending sends the pending batch now, if there is one.
func (b *Batcher[I, R]) flushPending() {
	b.mu.Lock()
	if b.closed || b.cur == nil { // shutdown sends or fails what is pending
		b.mu.Unlock()
		return
	}
	if held, until := b.gate.hold(b.cur.oldest, b.cur.newest, len(b.cur.calls), b.max); held {
		// Companions are on their way: look again when the batch's units
		// have waited long enough, or the stream seems to have stopped.
		if b.hold != nil {
			b.hold.Stop()
		}
		gate := b.gate
		b.hold = time.AfterFunc(time.Until(until), gate.settle)
		b.mu.Unlock()
		return
	}
	g := b.take()
	b.mu.Unlock()
	if g != nil {
		go b.exec(g)
	}
}

// noteUnit records the unit of work of the caller whose ctx joins g (see
// Gate.EnterContext): the batch is held back no longer than its oldest
// unit may wait.
func (g *group[I, R]) noteUnit(ctx context.Context) {
	u, ok := ctx.Value(unitKey{}).(unit)
	if !ok {
		return
	}
	if g.oldest.IsZero() || u.entered.Before(g.oldest) {
		g.oldest = u.entered
	}
	if u.entered.After(g.newest) {
		g.newest = u.entered
	}
}

// Join hands the batcher's timing to g: a pending batch goes when it is
// full, when the work g expects waits in pending batches (nothing else can
// arrive), or after gatedMaxWait; the linger no longer applies. stage is
// where the batcher's calls come in a unit's work (0 first; Unstaged: its
// batches never wait for another's): during a burst a batch waits while a
// batch of an earlier stage is pending, so that the units ahead of the
// burst meet it at each stage instead of going alone. Call it before the
// first Do.
func (b *Batcher[I, R]) Join(g *Gate, stage int) {
	b.gate, b.stage = g, stage
	g.mu.Lock()
	g.members = append(g.members, b)
	g.mu.Unlock()
}

// Unstaged is the stage of a batcher whose batches never wait for those of
// another (Join).
const Unstaged = -1

// member is a batcher as its gate sees it.
type member interface {
	flushPending()
	// pendingStage is the batcher's stage, and whether it has a pending
	// batch.
	pendingStage() (int, bool)
	// deferPending reports whether the pending batch still waits for the
	// earlier stages: it waits for as many of their batches as there are
	// stages before it (the units ahead of it pass each once), counted
	// from the first time it waited (sent is the gate's count of staged
	// batches sent when this settling began).
	deferPending(sent uint64) bool
}

func (b *Batcher[I, R]) pendingStage() (int, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stage, b.cur != nil && !b.closed
}

func (b *Batcher[I, R]) deferPending(sent uint64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cur == nil {
		return false
	}
	if b.cur.deferred == 0 {
		b.cur.deferred = sent + 1 // stored +1: 0 means never deferred
	}
	return sent+1-b.cur.deferred < uint64(b.stage)
}

// Gate tracks the units of work in flight (the reconciles running) for the
// batchers that joined it, so that batches are sized by the work, not by a
// clock: a batch waits while some unit may still come, and goes the moment
// none can. A unit may come unless it waits in a pending batch: one reading
// Care, or waiting for a batch already sent, goes on to its next stage
// afterwards. While there is a backlog (busy), every worker is expected to
// bring a unit, including one between two keys, so a burst moves through
// each stage in full batches; without one, the units in flight are all
// that can come, so a lone change never waits.
type Gate struct {
	mu       sync.Mutex
	active   int // units entered and not left
	pending  int // callers waiting in pending batches of joined batchers
	members  []member
	busy     func() bool
	capacity int
	// linger is the longest a unit waits for companions (SetLinger);
	// lastEnter and gap (a moving average of the gaps between units) tell
	// a stream of units from a lone one.
	linger    time.Duration
	lastEnter time.Time
	gap       time.Duration
	// sent counts the staged batches sent (see settle).
	sent uint64
}

// NewGate returns a gate with no work in flight. busy reports a backlog of
// work waiting to start (nil: never), and capacity is how many units run
// at most at once (the workers).
func NewGate(busy func() bool, capacity int) *Gate { return &Gate{busy: busy, capacity: capacity} }

// holdFill: a batch waits for a stream only when it would be at least
// 1/holdFill full by the end of the linger.
const holdFill = 6

// gatedMaxWait bounds how long a gated batch waits for a unit that is
// slow (a hung Care call, a starved machine).
const gatedMaxWait = 2 * time.Second

// Enter counts a unit of work in flight until the returned leave is called.
func (g *Gate) Enter() (leave func()) {
	_, leave = g.EnterContext(context.Background())
	return leave
}

// unitKey is the context key of a unit of work (unit).
type unitKey struct{}

// unit is a unit of work of a gate: when it entered.
type unit struct{ entered time.Time }

// EnterContext counts a unit of work in flight, as Enter does, and returns
// ctx marked with it: the batches its calls join (with that ctx) may wait
// for the units arriving after it, while a stream of them arrives, until it
// has waited the gate's linger (SetLinger).
func (g *Gate) EnterContext(ctx context.Context) (context.Context, func()) {
	now := time.Now()
	g.mu.Lock()
	g.active++
	if !g.lastEnter.IsZero() {
		switch gap := now.Sub(g.lastEnter); {
		case g.linger > 0 && (gap > g.linger || g.gap > 0 && gap > stopAfter(g.gap, g.linger)):
			// A pause (the stream had stopped, as hold sees it): the
			// stream that follows, if any, has its own pace.
			g.gap = 0
		case g.gap == 0:
			g.gap = gap
		default:
			g.gap += (gap - g.gap) / 5 // a moving average of the last few gaps
		}
	}
	g.lastEnter = now
	g.mu.Unlock()
	ctx = context.WithValue(ctx, unitKey{}, unit{entered: now})
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			g.mu.Lock()
			g.active--
			g.mu.Unlock()
			g.settle()
		})
	}
}

// SetLinger sets how long, at most, a unit of work waits in batches for
// the units arriving after it (0, the default: never). Only a stream holds
// batches back: units arriving closer together than a quarter of the
// linger, and fast enough to fill a batch at least a sixth within it. A
// lone unit, the first after a pause and a slow stream never wait; the
// stream counts as stopped when no unit came for eight of its gaps or a
// tenth of the linger (stopAfter), and the unit after such a pause starts
// a new stream with a pace of its own.
func (g *Gate) SetLinger(d time.Duration) {
	g.mu.Lock()
	g.linger = d
	g.mu.Unlock()
}

// hold says whether a batch of size calls (at most most) whose oldest unit
// entered at oldest waits for units on their way, and until when at most:
// while a stream of units arrives (see SetLinger), that unit has waited
// less than the linger, and the stream comes fast enough to fill the batch
// at least a sixth by then. A slower stream would make each change wait
// for a few companions only: its changes go at once instead.
func (g *Gate) hold(oldest, newest time.Time, size, most int) (bool, time.Time) {
	g.mu.Lock()
	linger, gap, last := g.linger, g.gap, g.lastEnter
	g.mu.Unlock()
	if linger <= 0 || oldest.IsZero() || gap <= 0 || gap > linger/4 {
		return false, time.Time{}
	}
	now := time.Now()
	if now.Sub(newest) > stopAfter(gap, linger) {
		// The stream's units join the batches of the stage they are at
		// when they arrive, not this one: its units are ahead of them, and
		// those behind come when the batches before this one go.
		return false, time.Time{}
	}
	if size+int(oldest.Add(linger).Sub(now)/gap) < most/holdFill {
		return false, time.Time{}
	}
	until, overdue := oldest.Add(linger), last.Add(stopAfter(gap, linger))
	if !now.Before(until) || !now.Before(overdue) {
		return false, time.Time{}
	}
	return true, minTime(until, overdue)
}

// stopAfter is how long after its last unit a stream of units gap apart
// counts as stopped: several of its usual gaps (arrivals jitter) or a tenth
// of the linger, whichever is longer.
func stopAfter(gap, linger time.Duration) time.Duration { return max(8*gap, linger/10) }

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func (g *Gate) addPending(n int) {
	g.mu.Lock()
	g.pending += n
	g.mu.Unlock()
}

// taken records a pending batch of callers sent (staged: of a stage).
func (g *Gate) taken(callers int, staged bool) {
	g.mu.Lock()
	g.pending -= callers
	if staged {
		g.sent++
	}
	g.mu.Unlock()
}

// settle sends the pending batches once the units expected all wait in
// pending batches: every one of them, except during a burst without a
// backlog, when only the earliest stage's go (Join) and a later one waits
// for the units that batch lets on: for as many batches of earlier stages
// as there are stages before its own, so a long burst does not starve it.
func (g *Gate) settle() {
	g.mu.Lock()
	expected, pending := g.active, g.pending
	members, busy, capacity := g.members, g.busy, g.capacity
	burst, sent := g.burstLocked(), g.sent
	g.mu.Unlock()
	if pending == 0 {
		return
	}
	backlog := busy != nil && busy()
	if backlog {
		expected = max(expected, capacity)
	}
	if pending < expected {
		return
	}
	first := Unstaged
	if burst && !backlog {
		// (With a backlog every worker is expected in a batch anyway: the
		// stages fill without waiting for each other.)
		for _, m := range members {
			if stage, ok := m.pendingStage(); ok && stage != Unstaged && (first == Unstaged || stage < first) {
				first = stage
			}
		}
	}
	for _, m := range members {
		if stage, ok := m.pendingStage(); first != Unstaged && ok && stage > first && m.deferPending(sent) {
			continue
		}
		m.flushPending()
	}
}

// burstUnits is how many units a stream must bring within the linger to
// count as a burst, whose stages go in step: about a sixth of a batch of
// 200, the fill from which a batch holds for a stream (holdFill).
const burstUnits = 200 / holdFill

// burstLocked reports whether the units arrive as a burst: a stream fast
// enough to bring burstUnits within the linger, as of its last unit (a
// pause after it resets the pace at the next unit). g.mu must be held.
func (g *Gate) burstLocked() bool {
	return g.linger > 0 && g.gap > 0 && g.gap <= g.linger/4 && int(g.linger/g.gap) >= burstUnits
}

// giveUp records that one caller waiting on g has stopped waiting; when it
// was the last, a running batch is cancelled.
func (b *Batcher[I, R]) giveUp(g *group[I, R]) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cur == g && b.gate != nil {
		g.pendingCallers--
		b.gate.addPending(-1)
	}
	g.waiting--
	if g.waiting == 0 && g.cancel != nil {
		g.cancel(errAbandoned)
	}
}

// take removes the pending batch and counts it as running; the caller must
// then run exec on it. b.mu must be held.
func (b *Batcher[I, R]) take() *group[I, R] {
	g := b.cur
	if g == nil {
		return nil
	}
	if b.timer != nil {
		b.timer.Stop()
		b.timer = nil
	}
	if b.hold != nil {
		b.hold.Stop()
		b.hold = nil
	}
	b.cur = nil
	b.running++
	if b.gate != nil {
		b.gate.taken(g.pendingCallers, b.stage != Unstaged)
	}
	return g
}

// flushTimer runs g when its linger window closes, unless g has already
// left (filled up, or flushed by shutdown).
func (b *Batcher[I, R]) flushTimer(g *group[I, R]) {
	b.mu.Lock()
	if b.cur != g {
		b.mu.Unlock()
		return
	}
	b.take()
	b.mu.Unlock()
	b.exec(g)
}

// exec runs one batch taken with take, delivers its results and then marks
// it finished.
func (b *Batcher[I, R]) exec(g *group[I, R]) {
	defer b.finished()
	ctx, cancel := context.WithCancelCause(b.ctx)
	defer cancel(nil)
	b.mu.Lock()
	g.cancel = cancel
	if g.waiting == 0 {
		cancel(errAbandoned)
	}
	b.mu.Unlock()
	if b.timeout > 0 {
		var cancelTimeout context.CancelFunc
		ctx, cancelTimeout = context.WithTimeout(ctx, b.timeout)
		defer cancelTimeout()
	}
	var results []R
	var err error
	if ctx.Err() != nil {
		// Shut down, or nobody waits any more: do not send it.
		err = fmt.Errorf("batch: not sent: %w", context.Cause(ctx))
	} else {
		items := make([]I, len(g.calls))
		for i, c := range g.calls {
			items[i] = c.item
		}
		results, err = b.safeRun(ctx, items)
		if err == nil && len(results) != len(g.calls) {
			err = fmt.Errorf("batch: %d results for %d items", len(results), len(g.calls))
		}
	}
	for i, c := range g.calls {
		if err != nil {
			c.err = err
		} else {
			c.res = results[i]
		}
		close(c.done)
	}
}

// finished counts a batch as returned.
func (b *Batcher[I, R]) finished() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.running--
	if b.closed && b.running == 0 {
		close(b.drained)
	}
}

func (b *Batcher[I, R]) safeRun(ctx context.Context, items []I) (res []R, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("batch: panic in batch call: %v", p)
		}
	}()
	return b.run(ctx, items)
}

// Shutdown stops the batcher gracefully. From the moment it is called, Do
// fails with ErrClosed. The pending batch, if any, is sent now (its items
// are not dropped), and Shutdown waits for every batch in flight to return
// and deliver its results. If ctx ends first, Shutdown cancels the context
// of every batch still running (cause ErrClosed) and waits for them to
// return, then reports ctx's cause; if ctx has already ended when Shutdown
// is called, the pending batch is not sent and its callers get an error
// wrapping ErrClosed. Shutdown returns nil when every batch finished
// before ctx ended.
//
// Shutdown always waits until no batch is running: a Func that ignores its
// context delays it (up to the per-batch timeout, if one is set). It may be
// called more than once and from several goroutines; each call waits.
func (b *Batcher[I, R]) Shutdown(ctx context.Context) error {
	var flush *group[I, R]
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		flush = b.take()
		if b.running == 0 {
			close(b.drained)
		}
	}
	b.mu.Unlock()
	if ctx.Err() != nil {
		b.cancel(ErrClosed)
	}
	if flush != nil {
		go b.exec(flush)
	}
	select {
	case <-b.drained:
		return nil
	default:
	}
	select {
	case <-b.drained:
		return nil
	case <-ctx.Done():
	}
	b.cancel(ErrClosed)
	<-b.drained
	return fmt.Errorf("batch: shutdown ended before batches finished; cancelled them: %w", context.Cause(ctx))
}

// Close shuts the batcher down at once: Do fails with ErrClosed, the
// pending batch is not sent (its callers get an error wrapping ErrClosed),
// batches in flight have their context cancelled, and Close returns once
// every one of them has returned. It is Shutdown with a context that has
// already ended.
func (b *Batcher[I, R]) Close() {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_ = b.Shutdown(ctx)
}
