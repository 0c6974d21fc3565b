// Package testkit holds the small helpers every package's tests share: one
// wait for a condition with a deadline, and one clock tests move by hand.
// It imports nothing of carebridge's, so any test may use it.
package testkit

import (
	"sync"
	"testing"
	"time"
)

// Poll intervals of Eventually: it looks again at once, then less and less
// often, so a condition that holds a millisecond later is seen a
// millisecond later and a long wait costs little.
const (
	firstPoll = time.Millisecond
	lastPoll  = 50 * time.Millisecond
)

// Eventually looks at cond until it reports true, and fails t, naming what
// was awaited and cond's last description of the state, when timeout
// passes first. It synchronises on the condition, never on the time: the
// timeout only bounds a wait that would otherwise hang.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	wait(t, timeout, 0, what, cond)
}

// EventuallyEvery is Eventually looking every interval: for a condition
// that is costly to evaluate (it counts thousands of records) or a
// benchmark that times the wait to a known precision.
func EventuallyEvery(t testing.TB, timeout, interval time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	wait(t, timeout, interval, what, cond)
}

// wait is Eventually's loop; interval 0 polls at firstPoll, then less and
// less often, up to lastPoll.
func wait(t testing.TB, timeout, interval time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	poll := interval
	if poll <= 0 {
		poll = firstPoll
	}
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			if state == "" {
				t.Fatalf("timed out after %s waiting for %s", timeout, what)
			}
			t.Fatalf("timed out after %s waiting for %s; last state: %s", timeout, what, state)
		}
		time.Sleep(poll) // the polling interval of a wait with a deadline
		if interval <= 0 {
			poll = min(2*poll, lastPoll)
		}
	}
}

// Until is Eventually for a condition with no state to describe.
func Until(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	Eventually(t, timeout, what, func() (bool, string) { return cond(), "" })
}

// Clock is a clock tests move by hand, safe for concurrent use. Its Now
// fits the WithClock/Now options of the packages under test.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock showing start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
