package batch

import (
	"context"
	"sync"
	"testing"
	"time"
)

// TestDoAllSharesBatches: one caller's several items go in the current
// batch together, spilling into the next only when it is full.
func TestDoAllSharesBatches(t *testing.T) {
	var mu sync.Mutex
	var sizes []int
	b := New(2, time.Millisecond, 0, func(_ context.Context, items []int) ([]int, error) {
		mu.Lock()
		sizes = append(sizes, len(items))
		mu.Unlock()
		out := make([]int, len(items))
		for i, v := range items {
			out[i] = v * 10
		}
		return out, nil
	})
	res, errs := b.DoAll(t.Context(), []int{1, 2, 3})
	for i, err := range errs {
		if err != nil || res[i] != (i+1)*10 {
			t.Fatalf("item %d: %d, %v", i, res[i], err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sizes) != 2 || sizes[0] != 2 || sizes[1] != 1 {
		t.Fatalf("batches %v, want [2 1]", sizes)
	}
}
