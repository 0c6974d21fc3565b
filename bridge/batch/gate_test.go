package batch

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/carebridge/carebridge/internal/testkit"
)

// sizes is a batch func that records the size of every batch it runs.
type sizes struct {
	mu  sync.Mutex
	got []int
}

func (s *sizes) run(_ context.Context, items []int) ([]int, error) {
	s.mu.Lock()
	s.got = append(s.got, len(items))
	s.mu.Unlock()
	return items, nil
}

func (s *sizes) batches() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.got...)
}

func pendingIn(b *Batcher[int, int]) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cur == nil {
		return 0
	}
	return len(b.cur.calls)
}

// TestGateSendsABatchOnceTheWorkInFlightArrived: with an hour of linger,
// a batch goes exactly when every unit in flight waits in it (or has
// left): one unit alone does not wait at all, and three wait for each
// other.
func TestGateSendsABatchOnceTheWorkInFlightArrived(t *testing.T) {
	s := &sizes{}
	g := NewGate(nil, 200)
	b := New(200, time.Hour, 0, s.run)
	b.Join(g, 0)
	ctx := t.Context()

	leave := g.Enter()
	if _, err := b.Do(ctx, 1); err != nil {
		t.Fatal(err)
	}
	leave()

	leaves := []func(){g.Enter(), g.Enter(), g.Enter()}
	done := make(chan int, 3)
	for i := range 2 {
		go func() {
			defer leaves[i]()
			v, _ := b.Do(ctx, 10+i)
			done <- v
		}()
	}
	testkit.Until(t, 10*time.Second, "two callers waiting in the batch", func() bool { return pendingIn(b) == 2 })
	select {
	case v := <-done:
		t.Fatalf("item %d sent before the third unit arrived or left", v)
	default:
	}
	leaves[2]() // the third unit needed no write: nobody else can come
	<-done
	<-done
	if got := s.batches(); len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Fatalf("batches %v, want [1 2]", got)
	}
}

// TestGateWaitsForEveryWorkerDuringABacklog: while work waits to start,
// a batch waits for every worker (a unit between two keys is still
// coming), so a burst's batches fill; once the backlog is gone, the units
// in flight are enough.
func TestGateWaitsForEveryWorkerDuringABacklog(t *testing.T) {
	s := &sizes{}
	var backlog atomic.Bool
	backlog.Store(true)
	g := NewGate(backlog.Load, 3)
	b := New(200, time.Hour, 0, s.run)
	b.Join(g, 0)
	ctx := t.Context()
	done := make(chan int, 3)
	for i := range 2 {
		leave := g.Enter()
		go func() {
			defer leave()
			v, _ := b.Do(ctx, i)
			done <- v
		}()
	}
	testkit.Until(t, 10*time.Second, "two callers waiting", func() bool { return pendingIn(b) == 2 })
	leave := g.Enter() // the third worker took its key
	go func() {
		defer leave()
		v, _ := b.Do(ctx, 2)
		done <- v
	}()
	for range 3 {
		<-done
	}
	if got := s.batches(); len(got) != 1 || got[0] != 3 {
		t.Fatalf("batches %v, want one of 3", got)
	}

	// No backlog: the two units in flight go without the third worker.
	// (Both are in flight before either calls: a unit alone goes alone.)
	backlog.Store(false)
	leaves := []func(){g.Enter(), g.Enter()}
	for i, leave := range leaves {
		go func() {
			defer leave()
			v, _ := b.Do(ctx, i)
			done <- v
		}()
	}
	<-done
	<-done
	if got := s.batches(); len(got) != 2 || got[1] != 2 {
		t.Fatalf("batches %v, want a second one of 2", got)
	}
}

// TestDoAllIsOneCaller: one unit's several items share a batch, and the
// gate counts the unit once.
func TestDoAllIsOneCaller(t *testing.T) {
	s := &sizes{}
	g := NewGate(nil, 200)
	b := New(200, time.Hour, 0, s.run)
	b.Join(g, 0)
	defer g.Enter()()
	res, errs := b.DoAll(t.Context(), []int{1, 2, 3})
	for i, err := range errs {
		if err != nil || res[i] != i+1 {
			t.Fatalf("item %d: %d, %v", i, res[i], err)
		}
	}
	if got := s.batches(); len(got) != 1 || got[0] != 3 {
		t.Fatalf("batches %v, want one of 3", got)
	}
}

// TestGateHoldsOnlyForAStreamThatFillsABatch: a batch waits for the units
// of a stream only when, at the stream's rate, it would be at least a
// sixth full by the end of the linger: a webhook burst fills batches,
// while 20 or 50 changes a second each go at once instead of waiting for a
// handful of companions.
func TestGateHoldsOnlyForAStreamThatFillsABatch(t *testing.T) {
	g := NewGate(nil, 400)
	g.SetLinger(250 * time.Millisecond)
	for _, tt := range []struct {
		what string
		gap  time.Duration
		size int
		want bool
	}{
		{"a burst of 500 a second", 2 * time.Millisecond, 1, true},
		{"50 a second", 20 * time.Millisecond, 1, false},
		{"20 a second", 50 * time.Millisecond, 1, false},
		{"50 a second into a batch almost a sixth full", 20 * time.Millisecond, 30, true},
		{"units further apart than a quarter of the linger", 100 * time.Millisecond, 150, false},
	} {
		now := time.Now()
		g.mu.Lock()
		g.gap, g.lastEnter = tt.gap, now
		g.mu.Unlock()
		if held, until := g.hold(now, now, tt.size, 200); held != tt.want {
			t.Errorf("%s: held %v (until %v), want %v", tt.what, held, until, tt.want)
		}
	}
}

// TestGateFollowsTheStreamAfterAPause: the pace of a burst that follows a
// pause is its own: its second unit already holds batches for the rest,
// while the first unit after the pause goes at once. That holds for a
// pause longer than the linger and for one shorter than it but long past
// the stream's pace (averaged in, such a pause made the burst's first units
// go alone until it wore off).
func TestGateFollowsTheStreamAfterAPause(t *testing.T) {
	for _, tt := range []struct {
		what              string
		linger, pause     time.Duration
		gapBeforeThePause time.Duration
	}{
		{"a pause longer than the linger", 250 * time.Millisecond, 5 * time.Second, 3 * time.Second},
		{"a 300 ms pause in a 5 ms stream", 500 * time.Millisecond, 300 * time.Millisecond, 5 * time.Millisecond},
	} {
		g := NewGate(nil, 400)
		g.SetLinger(tt.linger)
		g.mu.Lock()
		g.lastEnter, g.gap = time.Now().Add(-tt.pause), tt.gapBeforeThePause
		g.mu.Unlock()
		_, leave := g.EnterContext(t.Context())
		if held, _ := g.hold(time.Now(), time.Now(), 1, 200); held {
			t.Errorf("%s: the first unit after it was held back", tt.what)
		}
		_, leave2 := g.EnterContext(t.Context())
		if held, _ := g.hold(time.Now(), time.Now(), 2, 200); !held {
			g.mu.Lock()
			gap := g.gap
			g.mu.Unlock()
			t.Errorf("%s: the second unit of the burst after it did not hold the batch (gap %v)", tt.what, gap)
		}
		leave2()
		leave()
	}
}

// TestGateHoldsOnlyTheBatchesTheStreamJoins: while a stream of units
// arrives, a batch holds for it only when the stream's units join it: a
// batch of a later stage, whose units entered before the stream's last
// ones, has its companions held at the stage before and goes at once
// instead of waiting out its linger alone.
func TestGateHoldsOnlyTheBatchesTheStreamJoins(t *testing.T) {
	g := NewGate(nil, 400)
	g.SetLinger(500 * time.Millisecond)
	now := time.Now()
	g.mu.Lock()
	g.gap, g.lastEnter = 5*time.Millisecond, now
	g.mu.Unlock()
	if held, _ := g.hold(now.Add(-100*time.Millisecond), now, 20, 200); !held {
		t.Error("the batch the stream's units join was not held")
	}
	ahead := now.Add(-200 * time.Millisecond)
	if held, until := g.hold(ahead, ahead, 1, 200); held {
		t.Errorf("a batch of units ahead of the stream was held until %v", until)
	}
}

// twoStages is a gate with linger and two batchers joined at stages a and
// b, with the sizes of the batches each sends.
func twoStages(linger time.Duration, a, b int) (g *Gate, first, second *Batcher[int, int], firstSizes, secondSizes *sizes) {
	firstSizes, secondSizes = &sizes{}, &sizes{}
	g = NewGate(nil, 200)
	g.SetLinger(linger)
	first = New(200, time.Hour, 0, firstSizes.run)
	second = New(200, time.Hour, 0, secondSizes.run)
	first.Join(g, a)
	second.Join(g, b)
	return g, first, second, firstSizes, secondSizes
}

// TestGateKeepsABurstsStagesInStep: during a burst, a unit that got ahead
// of the others waits at its next stage for the units still at the stage
// before, so the stage goes as one batch; without a burst (no linger: a
// lone change never waits) it goes with the earlier stage's batch, alone.
func TestGateKeepsABurstsStagesInStep(t *testing.T) {
	for _, tt := range []struct {
		what   string
		linger time.Duration
		want   []int // the later stage's batches
	}{
		{"a burst", 500 * time.Millisecond, []int{3}},
		{"no stream", 0, []int{1, 2}},
	} {
		t.Run(tt.what, func(t *testing.T) {
			g, first, second, early, late := twoStages(tt.linger, 0, 1)
			ctx := t.Context()
			ahead, leaveAhead := g.EnterContext(ctx)
			behind := make([]context.Context, 2)
			leaves := make([]func(), 2)
			for i := range behind {
				behind[i], leaves[i] = g.EnterContext(ctx)
			}
			var wg sync.WaitGroup
			wg.Go(func() {
				defer leaveAhead()
				if _, err := second.Do(ahead, 0); err != nil {
					t.Error(err)
				}
			})
			testkit.Until(t, 10*time.Second, "the unit ahead waiting at the later stage", func() bool { return pendingIn(second) == 1 })
			for i := range behind {
				wg.Go(func() {
					defer leaves[i]()
					if _, err := first.Do(behind[i], i); err != nil {
						t.Error(err)
					}
					if _, err := second.Do(behind[i], i); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			if got := early.batches(); len(got) != 1 || got[0] != 2 {
				t.Errorf("earlier stage's batches %v, want one of 2", got)
			}
			if got := late.batches(); !slices.Equal(got, tt.want) {
				t.Errorf("later stage's batches %v, want %v", got, tt.want)
			}
		})
	}
}

// TestAnUnstagedBatchNeverWaitsForAStage: the sync state's writes go
// whenever the work in flight waits, during a burst too, while the reads
// of an earlier stage are pending beside them.
func TestAnUnstagedBatchNeverWaitsForAStage(t *testing.T) {
	g, read, save, _, _ := twoStages(500*time.Millisecond, 0, Unstaged)
	ctx := t.Context()
	saving, leaveSaving := g.EnterContext(ctx)
	defer leaveSaving()
	reading, leaveReading := g.EnterContext(ctx)
	g.mu.Lock()
	g.gap = time.Millisecond // the two arrived in a burst
	g.mu.Unlock()
	// ... long enough ago that no batch holds for the stream any more.
	long := unit{entered: time.Now().Add(-time.Minute)}
	saving, reading = context.WithValue(saving, unitKey{}, long), context.WithValue(reading, unitKey{}, long)
	done := make(chan error, 1)
	go func() {
		defer leaveReading()
		_, err := read.Do(reading, 1)
		done <- err
	}()
	testkit.Until(t, 10*time.Second, "a read pending", func() bool { return pendingIn(read) == 1 })
	wait := save.Start(saving, 1) // every unit waits now: the gate settles
	if n := pendingIn(save); n != 0 {
		t.Errorf("the save still pending (%d) while an earlier stage's read was sent", n)
	}
	if _, err := wait(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestALongBurstDoesNotStarveALaterStage: a later stage's batch waits for
// as many batches of the stages before it as there are (the units behind
// it pass each once), not for every batch a burst keeps bringing to the
// first stage.
func TestALongBurstDoesNotStarveALaterStage(t *testing.T) {
	g, first, second, early, _ := twoStages(500*time.Millisecond, 0, 1)
	// Units of a fast stream that entered long enough ago that no batch
	// holds for the stream any more.
	long := unit{entered: time.Now().Add(-time.Minute)}
	enter := func() (context.Context, func()) {
		ctx, leave := g.EnterContext(t.Context())
		g.mu.Lock()
		g.gap = time.Millisecond
		g.mu.Unlock()
		return context.WithValue(ctx, unitKey{}, long), leave
	}
	// One unit of the stream is behind the one ahead from the start, and
	// each next one enters before the one before it leaves.
	behind, leaveBehind := enter()
	ahead, leaveAhead := enter()
	done := make(chan error, 1)
	go func() {
		defer leaveAhead()
		_, err := second.Do(ahead, 0)
		done <- err
	}()
	testkit.Until(t, 10*time.Second, "the unit ahead waiting at the later stage", func() bool { return pendingIn(second) == 1 })
	for i := range 5 {
		if _, err := first.Do(behind, i); err != nil {
			t.Fatal(err)
		}
		if pendingIn(second) == 0 { // sent
			break
		}
		next, leaveNext := enter()
		leaveBehind()
		behind, leaveBehind = next, leaveNext
	}
	leaveBehind()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// It waits out the first stage's batch it met, and goes with the next.
	if got := early.batches(); len(got) > 2 {
		t.Errorf("the later stage went with the first stage's batch number %d, want the second at the latest", len(got))
	}
}
