package batch

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// These tests run in synctest bubbles: synctest.Wait returns once every
// other goroutine of the test is blocked, so "Close has not returned" and
// "the batch was not cancelled" are checked at a point where they can no
// longer change by themselves, and the deadlines in recv run on the
// bubble's fake clock (they pass only when everything else is stuck).

// result is what one Do call returned.
type result[R any] struct {
	res R
	err error
}

// do runs b.Do in a goroutine and returns a channel with its result.
func do[I, R any](ctx context.Context, b *Batcher[I, R], item I) <-chan result[R] {
	ch := make(chan result[R], 1)
	go func() {
		r, err := b.Do(ctx, item)
		ch <- result[R]{r, err}
	}()
	return ch
}

// recv waits for a value from ch, failing the test if none comes in a
// minute (of the bubble's clock, in a bubble).
func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Minute):
		t.Fatalf("no %s", what)
		panic("unreachable")
	}
}

// inBackground runs f (Close, Shutdown) in a goroutine and returns a
// channel closed when it returns.
func inBackground(f func()) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	return done
}

// releaser returns a channel and an idempotent func closing it; the test
// closes it when it ends too, so a failing test leaves no batch blocked.
func releaser(t *testing.T) (<-chan struct{}, func()) {
	ch := make(chan struct{})
	release := sync.OnceFunc(func() { close(ch) })
	t.Cleanup(release)
	return ch, release
}

func returned(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// blockingBatch is a Func that reports its start, then waits for its
// context to end (recording the cause) or for stop, which the test closes
// when it ends, so a batch that is never cancelled does not outlive it.
type blockingBatch struct {
	started chan struct{}
	cause   chan error
	stop    chan struct{}
}

func newBlockingBatch(t *testing.T) *blockingBatch {
	bb := &blockingBatch{started: make(chan struct{}, 10), cause: make(chan error, 10), stop: make(chan struct{})}
	t.Cleanup(func() { close(bb.stop) })
	return bb
}

func (bb *blockingBatch) run(ctx context.Context, items []int) ([]int, error) {
	bb.started <- struct{}{}
	select {
	case <-ctx.Done():
		bb.cause <- context.Cause(ctx)
		return nil, ctx.Err()
	case <-bb.stop:
		return nil, errors.New("batch never cancelled")
	}
}

func TestCloseCancelsInFlightBatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bb := newBlockingBatch(t)
		b := New(1, time.Hour, 0, bb.run)
		res := do(context.Background(), b, 1)
		recv(t, bb.started, "batch start")
		closed := inBackground(b.Close)
		recv(t, closed, "return from Close")
		// Close has returned, so the batch has returned.
		select {
		case cause := <-bb.cause:
			if !errors.Is(cause, ErrClosed) {
				t.Errorf("batch context cancelled with cause %v, want ErrClosed", cause)
			}
		default:
			t.Fatal("Close returned but the batch's context was not cancelled")
		}
		if r := recv(t, res, "result"); !errors.Is(r.err, context.Canceled) {
			t.Errorf("caller got %v, want the batch's context.Canceled", r.err)
		}
	})
}

func TestCloseWaitsForInFlightBatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		released, release := releaser(t)
		// The batch ignores its context: Close must still wait for it.
		b := New(1, time.Hour, 0, func(_ context.Context, items []int) ([]int, error) {
			<-released
			return items, nil
		})
		res := do(context.Background(), b, 7)
		synctest.Wait() // the batch is running, blocked on release
		closed := inBackground(b.Close)
		synctest.Wait()
		if returned(closed) {
			t.Fatal("Close returned while a batch was still running")
		}
		release()
		recv(t, closed, "return from Close")
		if r := recv(t, res, "result"); r.err != nil || r.res != 7 {
			t.Fatalf("got %d, %v; want 7", r.res, r.err)
		}
	})
}

func TestShutdownRunsPendingAndWaitsForInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		released, release := releaser(t)
		b := New(2, time.Hour, 0, func(ctx context.Context, items []int) ([]int, error) {
			if len(items) == 2 { // batch [1 2] stays in flight until released
				select {
				case <-released:
				case <-ctx.Done():
					return nil, context.Cause(ctx)
				}
			}
			return items, nil
		})
		r1, r2 := do(context.Background(), b, 1), do(context.Background(), b, 2)
		synctest.Wait() // batch [1 2] is in flight
		r3 := do(context.Background(), b, 3)
		synctest.Wait() // 3 is pending (an hour of linger)
		var err error
		shut := inBackground(func() { err = b.Shutdown(context.Background()) })
		synctest.Wait()
		// The pending batch ran, but [1 2] is still running, so Shutdown waits.
		if r := recv(t, r3, "result of the pending item"); r.err != nil || r.res != 3 {
			t.Fatalf("pending item: got %d, %v; want 3", r.res, r.err)
		}
		if returned(shut) {
			t.Fatal("Shutdown returned while a batch was still running")
		}
		if _, err := b.Do(context.Background(), 4); !errors.Is(err, ErrClosed) {
			t.Fatalf("Do during Shutdown: got %v, want ErrClosed", err)
		}
		release()
		recv(t, shut, "return from Shutdown")
		if err != nil {
			t.Fatalf("Shutdown: %v", err)
		}
		for i, ch := range []<-chan result[int]{r1, r2} {
			if r := recv(t, ch, "result"); r.err != nil || r.res != i+1 {
				t.Fatalf("item %d: got %d, %v", i+1, r.res, r.err)
			}
		}
	})
}

func TestShutdownCancelsBatchesWhenItsContextEnds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bb := newBlockingBatch(t)
		b := New(1, time.Hour, 0, bb.run)
		res := do(context.Background(), b, 1)
		recv(t, bb.started, "batch start")
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		err := b.Shutdown(ctx) // waits its minute, then cancels the batch
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Shutdown: got %v, want DeadlineExceeded", err)
		}
		select {
		case cause := <-bb.cause:
			if !errors.Is(cause, ErrClosed) {
				t.Errorf("batch context cancelled with cause %v, want ErrClosed", cause)
			}
		default:
			t.Fatal("Shutdown returned but the batch's context was not cancelled")
		}
		if r := recv(t, res, "result"); !errors.Is(r.err, context.Canceled) {
			t.Fatalf("caller got %v, want context.Canceled", r.err)
		}
	})
}

func TestAbandonedBatchIsCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bb := newBlockingBatch(t)
		b := New(1, time.Hour, 0, bb.run)
		defer b.Close()
		ctx, cancel := context.WithCancel(context.Background())
		res := do(ctx, b, 1)
		recv(t, bb.started, "batch start")
		cancel()
		if r := recv(t, res, "result"); !errors.Is(r.err, context.Canceled) {
			t.Fatalf("caller got %v, want its own context.Canceled", r.err)
		}
		if cause := recv(t, bb.cause, "cancellation of the batch"); !errors.Is(cause, errAbandoned) {
			t.Fatalf("batch context cancelled with cause %v, want errAbandoned", cause)
		}
	})
}

func TestBatchRunsWhileOneCallerStillWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bb := newBlockingBatch(t)
		b := New(2, time.Hour, 0, bb.run)
		defer b.Close()
		ctxA, cancelA := context.WithCancel(context.Background())
		ctxB, cancelB := context.WithCancel(context.Background())
		defer cancelB()
		resA, resB := do(ctxA, b, 1), do(ctxB, b, 2)
		recv(t, bb.started, "batch start")
		cancelA()
		if r := recv(t, resA, "result for A"); !errors.Is(r.err, context.Canceled) {
			t.Fatalf("A got %v, want context.Canceled", r.err)
		}
		synctest.Wait()
		select {
		case cause := <-bb.cause:
			t.Fatalf("batch cancelled (%v) while B still waits for it", cause)
		default:
		}
		// When B gives up too, nobody waits: the batch is cancelled.
		cancelB()
		recv(t, resB, "result for B")
		if cause := recv(t, bb.cause, "cancellation of the batch"); !errors.Is(cause, errAbandoned) {
			t.Fatalf("batch context cancelled with cause %v, want errAbandoned", cause)
		}
	})
}

func TestAbandonedPendingBatchIsNotSent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sent := make(chan []int, 1)
		b := New(10, time.Hour, 0, func(_ context.Context, items []int) ([]int, error) {
			sent <- items
			return items, nil
		})
		ctx, cancel := context.WithCancel(context.Background())
		res := do(ctx, b, 1)
		synctest.Wait() // 1 is pending
		cancel()
		recv(t, res, "result")
		if err := b.Shutdown(context.Background()); err != nil { // flushes the pending batch
			t.Fatalf("Shutdown: %v", err)
		}
		select {
		case items := <-sent:
			t.Fatalf("batch %v sent though nobody waits for it", items)
		default:
		}
	})
}

func TestDoAfterCloseReturnsErrClosed(t *testing.T) {
	b := New(1, time.Hour, 0, func(_ context.Context, items []int) ([]int, error) { return items, nil })
	b.Close()
	if _, err := b.Do(context.Background(), 1); !errors.Is(err, ErrClosed) {
		t.Fatalf("Do after Close: got %v, want ErrClosed", err)
	}
	if err := b.Shutdown(context.Background()); err != nil {
		t.Fatalf("Shutdown after Close: %v", err)
	}
}

func TestClosedPendingItemsFailWithErrClosed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sent := make(chan []int, 1)
		b := New(10, time.Hour, 0, func(_ context.Context, items []int) ([]int, error) {
			sent <- items
			return items, nil
		})
		r1, r2 := do(context.Background(), b, 1), do(context.Background(), b, 2)
		synctest.Wait() // both are pending
		b.Close()
		for _, ch := range []<-chan result[int]{r1, r2} {
			if r := recv(t, ch, "result of a pending item"); !errors.Is(r.err, ErrClosed) {
				t.Fatalf("pending item: got %d, %v; want ErrClosed", r.res, r.err)
			}
		}
		select {
		case items := <-sent:
			t.Fatalf("batch %v sent after Close", items)
		default:
		}
	})
}

func TestBatchTimeoutStillApplies(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bb := newBlockingBatch(t)
		b := New(1, time.Hour, 30*time.Second, bb.run)
		defer b.Close()
		if _, err := b.Do(context.Background(), 1); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v, want DeadlineExceeded", err)
		}
	})
}
