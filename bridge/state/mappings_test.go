package state_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
)

func TestMappingVersionsPublishAndRollback(t *testing.T) {
	at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	s, _ := newStore(t, state.WithClock(func() time.Time { return at }))
	ctx := context.Background()

	if n, err := s.ActiveMappingNumber(ctx); err != nil || n != 0 {
		t.Fatalf("active before any publish: %d, %v; want 0", n, err)
	}
	first := state.MappingVersion{Digest: "d1", YAML: "fields: []  # ünïcode / \"quotes\"\n", Author: "ana", Note: "first"}
	n1, err := s.PublishMapping(ctx, first, 0)
	if err != nil || n1 != 1 {
		t.Fatalf("publish first: %d, %v", n1, err)
	}
	n2, err := s.PublishMapping(ctx, state.MappingVersion{Digest: "d2", YAML: "second", Author: "ben"}, n1)
	if err != nil || n2 != 2 {
		t.Fatalf("publish second: %d, %v", n2, err)
	}
	if n, _ := s.ActiveMappingNumber(ctx); n != 2 {
		t.Fatalf("active = %d, want 2", n)
	}
	// An edit that started from version 1 is refused: version 2 is active.
	if _, err := s.PublishMapping(ctx, state.MappingVersion{Digest: "d3", YAML: "stale"}, n1); !errors.Is(err, state.ErrMappingChanged) {
		t.Fatalf("stale publish: %v, want ErrMappingChanged", err)
	}
	got, err := s.MappingVersion(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := first
	want.Number, want.CreatedAt = 1, at
	if got != want {
		t.Fatalf("version 1 = %+v, want %+v (YAML kept byte for byte)", got, want)
	}

	if err := s.ActivateMapping(ctx, 1, "carol"); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.ActiveMappingNumber(ctx); n != 1 {
		t.Fatalf("active after rollback = %d, want 1", n)
	}
	if err := s.ActivateMapping(ctx, 9, "carol"); !errors.Is(err, state.ErrNoMappingVersion) {
		t.Fatalf("rollback to a version never published: %v", err)
	}
	list, err := s.MappingVersions(ctx)
	if err != nil || len(list) != 2 || list[0].Number != 2 || list[1].Number != 1 || list[0].YAML != "" {
		t.Fatalf("versions = %+v, %v; want 2 then 1 without YAML", list, err)
	}
	hist, err := s.MappingHistory(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	wantHist := []state.MappingEvent{{Number: 1, Action: "rollback", Author: "carol", At: at}, {Number: 2, Action: "publish", Author: "ben", At: at}, {Number: 1, Action: "publish", Author: "ana", At: at}}
	if len(hist) != len(wantHist) {
		t.Fatalf("history = %+v, want %+v", hist, wantHist)
	}
	for i := range hist {
		if hist[i] != wantHist[i] {
			t.Errorf("history[%d] = %+v, want %+v", i, hist[i], wantHist[i])
		}
	}
}

// TestConcurrentPublishesBasedOnOneVersion: of two admins who edited the same
// version, exactly one publishes; the other is told to reload.
func TestConcurrentPublishesBasedOnOneVersion(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	base, err := s.PublishMapping(ctx, state.MappingVersion{Digest: "d0", YAML: "base"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() { _, errs[i] = s.PublishMapping(ctx, state.MappingVersion{Digest: "x", YAML: "edit"}, base) })
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, state.ErrMappingChanged):
			t.Errorf("publish: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d concurrent publishes based on version %d succeeded, want 1", ok, base)
	}
}

func TestOldMappingVersionsArePruned(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	for range 205 {
		if _, err := s.PublishMapping(ctx, state.MappingVersion{Digest: "d", YAML: "y"}, -1); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.MappingVersions(ctx)
	if err != nil || len(list) != 200 || list[0].Number != 205 || list[199].Number != 6 {
		t.Fatalf("kept %d versions (%v), want 200: 205 down to 6", len(list), err)
	}
	if _, err := s.MappingVersion(ctx, 5); !errors.Is(err, state.ErrNoMappingVersion) {
		t.Fatalf("pruned version 5: %v", err)
	}
}
