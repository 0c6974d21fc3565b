package care

import (
	"context"
	"sync"
	"time"
)

// MemoryDedupe is an in-process Dedupe that remembers ids for a TTL. It
// serves the demo and single-process tests; replicas sharing work need the
// Redis-backed one.
type MemoryDedupe struct {
	ttl   time.Duration
	clock func() time.Time

	mu        sync.Mutex
	seen      map[string]time.Time // id -> expiry
	nextSweep time.Time
}

var _ Dedupe = (*MemoryDedupe)(nil)

// NewMemoryDedupe returns an empty set keeping ids for ttl (clock nil:
// time.Now).
func NewMemoryDedupe(ttl time.Duration, clock func() time.Time) *MemoryDedupe {
	if clock == nil {
		clock = time.Now
	}
	return &MemoryDedupe{ttl: ttl, clock: clock, seen: make(map[string]time.Time)}
}

// FirstSeen records id and reports whether it was not already recorded.
func (d *MemoryDedupe) FirstSeen(ctx context.Context, id string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	now := d.clock()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.sweep(now)
	if exp, ok := d.seen[id]; ok && now.Before(exp) {
		return false, nil
	}
	d.seen[id] = now.Add(d.ttl)
	return true, nil
}

// Forget removes id.
func (d *MemoryDedupe) Forget(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.seen, id)
	return nil
}

// Len is the number of ids remembered (expired ones may linger until the
// next sweep).
func (d *MemoryDedupe) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.seen)
}

// sweep drops expired ids, at most once per ttl/4 so that FirstSeen stays
// cheap on average.
func (d *MemoryDedupe) sweep(now time.Time) {
	if now.Before(d.nextSweep) {
		return
	}
	for id, exp := range d.seen {
		if !now.Before(exp) {
			delete(d.seen, id)
		}
	}
	d.nextSweep = now.Add(d.ttl / 4)
}
