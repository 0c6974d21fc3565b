package state_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
)

// TestRetireCaseInRedis: what a retired case leaves in Redis (its base,
// expiring after keepBase) and that a sync after a reopen stores the base
// for good. The behaviour itself is in the suite (statetest).
func TestRetireCaseInRedis(t *testing.T) {
	s, srv := newStore(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	must(t, s.LinkCase(ctx, "old", "500OLD"))
	must(t, s.SaveBase(ctx, "old", map[string]string{"status": "done", "assignee": "agent_ana"}, t0))
	must(t, s.SavePendingWrites(ctx, "old", map[string]state.PendingWrite{"status": {Value: "done"}}))
	must(t, s.LinkChild(ctx, "old", state.Notes, "n1", "00a1"))
	must(t, s.LinkChild(ctx, "old", state.Messages, "m1", "a0B1"))
	must(t, s.SetMessageMirror(ctx, "old", map[string]state.MirroredMessage{"m1": {SalesforceID: "a0B1", Hash: "h"}}))
	must(t, s.SetCaseClosed(ctx, "old", true, t0))

	if _, err := s.RetireCase(ctx, "old", t0.Add(24*time.Hour), 90*24*time.Hour); err != nil {
		t.Fatalf("retire: %v", err)
	}
	keys, err := rdb.Keys(ctx, "carebridge:{case:old}*").Result()
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(keys)
	if want := []string{"carebridge:{case:old}:base", "carebridge:{case:old}:base_at"}; !slices.Equal(keys, want) {
		t.Errorf("keys left of a retired case = %v, want %v", keys, want)
	}
	for _, k := range keys {
		if ttl := rdb.PTTL(ctx, k).Val(); ttl <= 89*24*time.Hour || ttl > 90*24*time.Hour {
			t.Errorf("%s expires in %v, want 90 days", k, ttl)
		}
	}
	if n := rdb.Exists(ctx, "carebridge:{links}:closed").Val(); n != 0 {
		t.Errorf("the closed set outlived its only case")
	}
	// A reopen links it again and the next sync stores its base for good.
	must(t, s.LinkCase(ctx, "old", "500OLD"))
	must(t, s.SaveBase(ctx, "old", map[string]string{"status": "open"}, t0.Add(100*24*time.Hour)))
	for _, k := range keys {
		if ttl := rdb.PTTL(ctx, k).Val(); ttl != -1 {
			t.Errorf("%s of a reopened case expires in %v, want never", k, ttl)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
