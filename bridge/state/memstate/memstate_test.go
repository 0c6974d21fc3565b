package memstate_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/bridge/state/memstate"
	"github.com/carebridge/carebridge/bridge/state/statetest"
	"github.com/carebridge/carebridge/internal/testkit"
)

var _ statetest.Store = (*memstate.Store)(nil)

func TestBehaviour(t *testing.T) {
	statetest.Run(t, func(*testing.T) statetest.Store { return memstate.New() })
}

// newClock is a settable time source for WithClock.
func newClock() *testkit.Clock {
	return testkit.NewClock(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestKeptBaseExpires(t *testing.T) {
	c := newClock()
	s := memstate.New(memstate.WithClock(c.Now))
	ctx := t.Context()
	for _, id := range []string{"c1", "c2"} {
		must(t, s.LinkCase(ctx, id, "500"+id))
		must(t, s.SaveBase(ctx, id, map[string]string{"status": "done"}, c.Now()))
		must(t, s.SetCaseClosed(ctx, id, true, c.Now()))
		if _, err := s.RetireCase(ctx, id, c.Now(), time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	// c2 reopens and syncs: its base is kept for good.
	must(t, s.LinkCase(ctx, "c2", "500c2"))
	must(t, s.SaveBase(ctx, "c2", map[string]string{"status": "open"}, c.Now()))

	c.Advance(time.Hour)
	if _, found, _ := s.LoadBase(ctx, "c1"); !found {
		t.Fatal("base gone at keepBase")
	}
	c.Advance(time.Millisecond)
	if b, found, _ := s.LoadBase(ctx, "c1"); found {
		t.Fatalf("base %+v outlived keepBase", b)
	}
	if b, found, _ := s.LoadBase(ctx, "c2"); !found || b.Fields["status"] != "open" {
		t.Fatalf("base of the reopened case = %+v, %v; want kept", b, found)
	}
}

func TestActionRecordStampsAndExpiry(t *testing.T) {
	c := newClock()
	s := memstate.New(memstate.WithClock(c.Now), memstate.WithActionTTL(48*time.Hour))
	ctx := t.Context()
	start := c.Now()
	rec, created, err := s.BeginAction(ctx, "a1", "cb-a1", []byte("req"))
	if err != nil || !created || !rec.StartedAt.Equal(start) || !rec.UpdatedAt.Equal(start) {
		t.Fatalf("begin = %+v, %v, %v", rec, created, err)
	}
	c.Advance(47 * time.Hour)
	must(t, s.CompleteAction(ctx, "a1", state.ActionOutcome{State: state.ActionSent, CareMessageID: "m1"}))
	completed := c.Now()
	c.Advance(time.Hour)
	must(t, s.MarkActionReported(ctx, "a1")) // does not extend the record's life
	rec, found, err := s.Action(ctx, "a1")
	if err != nil || !found || !rec.StartedAt.Equal(start) || !rec.UpdatedAt.Equal(c.Now()) || !rec.Reported {
		t.Fatalf("record = %+v, %v, %v", rec, found, err)
	}
	c.Advance(47 * time.Hour)
	if _, found, _ := s.Action(ctx, "a1"); !found {
		t.Fatal("record gone before its ttl from completion")
	}
	c.Advance(completed.Add(48*time.Hour + time.Millisecond).Sub(c.Now()))
	if rec, found, _ := s.Action(ctx, "a1"); found {
		t.Fatalf("record %+v outlived its ttl", rec)
	}
	if err := s.MarkActionReported(ctx, "a1"); !errors.Is(err, state.ErrNoAction) {
		t.Fatalf("mark an expired action reported: %v, want ErrNoAction", err)
	}
	// It can be begun anew, with a new request.
	rec, created, err = s.BeginAction(ctx, "a1", "cb-a1", []byte("new"))
	if err != nil || !created || string(rec.Request) != "new" {
		t.Fatalf("begin after expiry = %+v, %v, %v", rec, created, err)
	}
}

func TestLinkedCasesPagesInLinkOrder(t *testing.T) {
	s := memstate.New()
	ctx := t.Context()
	for _, id := range []string{"c", "a", "b"} {
		must(t, s.LinkCase(ctx, id, "500"+id))
	}
	ids, next, err := s.LinkedCases(ctx, 0, 2)
	if err != nil || len(ids) != 2 || ids[0] != "c" || ids[1] != "a" || next == 0 {
		t.Fatalf("first page = %v, %d, %v", ids, next, err)
	}
	ids, next, err = s.LinkedCases(ctx, next, 2)
	if err != nil || len(ids) != 1 || ids[0] != "b" || next != 0 {
		t.Fatalf("last page = %v, %d, %v", ids, next, err)
	}
}

func TestCancelledContext(t *testing.T) {
	s := memstate.New()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.LinkCase(ctx, "c1", "500c1"); !errors.Is(err, context.Canceled) {
		t.Fatalf("link with a cancelled context: %v, want context.Canceled", err)
	}
	if _, ok, _ := s.SalesforceCase(t.Context(), "c1"); ok {
		t.Fatal("linked with a cancelled context")
	}
}

// TestConcurrentUse gives the race detector (go test -race) something to
// look at.
func TestConcurrentUse(t *testing.T) {
	s := memstate.New()
	ctx := t.Context()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			id := string(rune('a' + i))
			for range 200 {
				_ = s.LinkCase(ctx, id, "500"+id)
				_ = s.SaveBase(ctx, id, map[string]string{"f": id}, time.Now())
				_, _, _ = s.LoadBase(ctx, id)
				_, _, _ = s.LinkedCases(ctx, 0, 3)
				_ = s.SetCaseClosed(ctx, id, true, time.Now())
				_, _ = s.ClosedBefore(ctx, time.Now(), 5)
				_, _ = s.RetireCase(ctx, id, time.Now(), time.Hour)
				_, _, _ = s.BeginAction(ctx, "shared", "k", []byte(id))
				_, _ = s.Audit(ctx, state.AuditEntry{Case: id})
			}
		})
	}
	wg.Wait()
}
