package batch

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestConcurrentCallsShareBatches(t *testing.T) {
	var calls atomic.Int32
	var biggest atomic.Int32
	b := New(50, time.Hour, 0, func(_ context.Context, items []int) ([]int, error) {
		calls.Add(1)
		if n := int32(len(items)); n > biggest.Load() {
			biggest.Store(n)
		}
		out := make([]int, len(items))
		for i, v := range items {
			out[i] = v * 2
		}
		return out, nil
	})
	var wg sync.WaitGroup
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			got, err := b.Do(context.Background(), i)
			if err != nil || got != i*2 {
				t.Errorf("item %d: got %d, %v", i, got, err)
			}
		}(i)
	}
	wg.Wait()
	// With an hour of linger, only full batches can have flushed.
	if calls.Load() != 4 || biggest.Load() != 50 {
		t.Fatalf("want 4 calls of 50, got %d calls, biggest %d", calls.Load(), biggest.Load())
	}
}

func TestLingerFlushesPartialBatch(t *testing.T) {
	b := New(100, 5*time.Millisecond, 0, func(_ context.Context, items []string) ([]string, error) {
		return items, nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got, err := b.Do(ctx, "alone")
	if err != nil || got != "alone" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestBatchErrorReachesEveryCaller(t *testing.T) {
	boom := errors.New("boom")
	b := New(2, time.Hour, 0, func(context.Context, []int) ([]int, error) { return nil, boom })
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := b.Do(context.Background(), 1); !errors.Is(err, boom) {
				t.Errorf("want boom, got %v", err)
			}
		}()
	}
	wg.Wait()
}

func TestWrongResultCountAndPanicAreErrors(t *testing.T) {
	short := New(1, time.Hour, 0, func(context.Context, []int) ([]int, error) { return nil, nil })
	if _, err := short.Do(context.Background(), 1); err == nil {
		t.Fatal("want error for missing result")
	}
	panicky := New(1, time.Hour, 0, func(context.Context, []int) ([]int, error) { panic("oops") })
	if _, err := panicky.Do(context.Background(), 1); err == nil {
		t.Fatal("want error for panic")
	}
}

func TestCallerContextEndsWait(t *testing.T) {
	release := make(chan struct{})
	b := New(1, time.Hour, 0, func(context.Context, []int) ([]int, error) {
		<-release
		return []int{1}, nil
	})
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.Do(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("want canceled, got %v", err)
	}
}
