package queue

import (
	"sync"
	"testing"
)

// TestBacklogFollowsTheLatestLook: the queue is backlogged as its latest
// look at Redis left it, whatever order the answers are recorded in: a
// lease that saw one more key ready, recorded after the lease that took
// that key and saw none, leaves no backlog behind (a stale one held every
// batch of a burst for the gate's 2 s bound).
func TestBacklogFollowsTheLatestLook(t *testing.T) {
	var b backlogFlag
	if b.get() {
		t.Fatal("a queue nobody looked at is backlogged")
	}
	earlier, later := b.look(), b.look()
	b.set(later, false)
	b.set(earlier, true)
	if b.get() {
		t.Error("the answer of an earlier look, recorded last, left the queue backlogged")
	}
	b.set(b.look(), true)
	if !b.get() {
		t.Error("the latest look found more keys ready, yet no backlog")
	}

	// Many workers at once: the latest look's answer wins.
	var wg sync.WaitGroup
	looks := make([]uint64, 400)
	for i := range looks {
		looks[i] = b.look()
	}
	for i, n := range looks {
		wg.Go(func() { b.set(n, i == len(looks)-1) })
	}
	wg.Wait()
	if !b.get() {
		t.Error("400 answers recorded at once: the latest (more keys ready) lost")
	}
}
