package batch

import (
	"context"
	"slices"
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
	// The full batch and the spill run concurrently: either may finish
	// first.
	slices.Sort(sizes)
	if !slices.Equal(sizes, []int{1, 2}) {
		t.Fatalf("batches of %v items, want one of 2 and one of 1", sizes)
	}
}
