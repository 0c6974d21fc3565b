package queue

import "sync/atomic"

// backlogFlag is whether the queue's latest look left keys ready: a lease
// that found more keys than it took, or a look that found none. Workers
// look at once and their answers arrive in any order, so each look takes a
// number before it asks Redis and an answer counts only when no later look
// has answered yet: a worker that leased the next-to-last key (more: true)
// and stored that after the worker that leased the last one (more: false)
// would otherwise leave the queue backlogged with nothing ready, and the
// batches waiting on every worker (batch.Gate) would wait for their bound.
// A look that reports more keys wakes a worker, whose later look settles
// the flag.
type backlogFlag struct {
	looks atomic.Uint64 // numbers handed out
	state atomic.Uint64 // number of the latest answer << 1 | more
}

// look numbers a look at the queue about to be made.
func (b *backlogFlag) look() uint64 { return b.looks.Add(1) }

// set records the answer of look n: more keys were ready, or not.
func (b *backlogFlag) set(n uint64, more bool) {
	v := n << 1
	if more {
		v |= 1
	}
	for {
		old := b.state.Load()
		if old>>1 >= n || b.state.CompareAndSwap(old, v) {
			return
		}
	}
}

// get reports whether the latest answer left keys ready.
func (b *backlogFlag) get() bool { return b.state.Load()&1 == 1 }
