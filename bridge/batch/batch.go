// Package batch coalesces concurrent single-item calls into batched calls.
// Workers reconcile one key each; the Salesforce writes and reads they make
// meet here and leave as one sObject Collections call or one SOQL query, so
// a burst of N keys costs about N/200 API calls instead of N.
package batch

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Func executes one batch. It returns one result per item, in order, or an
// error that applies to the whole batch.
type Func[I, R any] func(ctx context.Context, items []I) ([]R, error)

// Batcher collects items until it holds max of them or linger has passed
// since the first one, then runs Func once for all of them. While a burst
// keeps arriving (items much closer together than linger) the window stays
// open, up to 8 lingers, so batches fill; a lone item waits only linger.
type Batcher[I, R any] struct {
	run     Func[I, R]
	max     int
	linger  time.Duration
	maxWait time.Duration
	timeout time.Duration

	mu      sync.Mutex
	pending []*call[I, R]
	first   time.Time // arrival of the first pending item
	last    time.Time // arrival of the latest pending item
	timer   *time.Timer
	closed  bool
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
	return &Batcher[I, R]{run: run, max: max, linger: linger, maxWait: 8 * linger, timeout: timeout}
}

// Do adds item to the current batch and waits for its result. If ctx ends
// first, Do returns ctx's error; the item may still be executed with its batch.
func (b *Batcher[I, R]) Do(ctx context.Context, item I) (R, error) {
	c := &call[I, R]{item: item, done: make(chan struct{})}
	var flush []*call[I, R]
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		var zero R
		return zero, fmt.Errorf("batch: closed")
	}
	b.pending = append(b.pending, c)
	switch {
	case len(b.pending) >= b.max:
		flush = b.take()
	case len(b.pending) == 1:
		b.first, b.last = time.Now(), time.Now()
		b.timer = time.AfterFunc(b.linger, b.flushTimer)
	default:
		// Items arriving in a burst (much closer together than linger) keep
		// the window open, up to maxWait, so the batch fills; a steady
		// trickle does not, so a lone change is not held back.
		now := time.Now()
		if now.Sub(b.last) < b.linger/5 {
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
	select {
	case <-c.done:
		return c.res, c.err
	case <-ctx.Done():
		var zero R
		return zero, ctx.Err()
	}
}

// take removes the pending batch; b.mu must be held.
func (b *Batcher[I, R]) take() []*call[I, R] {
	if b.timer != nil {
		b.timer.Stop()
		b.timer = nil
	}
	calls := b.pending
	b.pending = nil
	return calls
}

func (b *Batcher[I, R]) flushTimer() {
	b.mu.Lock()
	calls := b.take()
	b.mu.Unlock()
	if len(calls) > 0 {
		b.exec(calls)
	}
}

func (b *Batcher[I, R]) exec(calls []*call[I, R]) {
	ctx := context.Background()
	if b.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, b.timeout)
		defer cancel()
	}
	items := make([]I, len(calls))
	for i, c := range calls {
		items[i] = c.item
	}
	results, err := b.safeRun(ctx, items)
	if err == nil && len(results) != len(calls) {
		err = fmt.Errorf("batch: %d results for %d items", len(results), len(calls))
	}
	for i, c := range calls {
		if err != nil {
			c.err = err
		} else {
			c.res = results[i]
		}
		close(c.done)
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

// Close fails future calls; batches in flight finish.
func (b *Batcher[I, R]) Close() {
	b.mu.Lock()
	b.closed = true
	calls := b.take()
	b.mu.Unlock()
	if len(calls) > 0 {
		b.exec(calls)
	}
}
