package state_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
)

func TestRetireCase(t *testing.T) {
	s, srv := newStore(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	seed := func(careID, sfID string) {
		t.Helper()
		must(t, s.LinkCase(ctx, careID, sfID))
		must(t, s.SaveBase(ctx, careID, map[string]string{"status": "done", "assignee": "agent_ana"}, t0))
		must(t, s.LinkChild(ctx, careID, state.Notes, "n1", "00a1"))
		must(t, s.LinkChild(ctx, careID, state.Messages, "m1", "a0B1"))
		must(t, s.SetMessageMirror(ctx, careID, map[string]state.MirroredMessage{"m1": {SalesforceID: "a0B1", Hash: "h"}}))
	}
	seed("old", "500OLD")
	seed("recent", "500REC")
	seed("open", "500OPN")
	must(t, s.SetCaseClosed(ctx, "old", true, t0))
	must(t, s.SetCaseClosed(ctx, "recent", true, t0.Add(6*24*time.Hour)))
	// Seen closed again later: the first closing time stays.
	must(t, s.SetCaseClosed(ctx, "old", true, t0.Add(5*24*time.Hour)))
	must(t, s.SetCaseClosed(ctx, "open", false, t0))

	cutoff := t0.Add(24 * time.Hour)
	due, err := s.ClosedBefore(ctx, cutoff, 100)
	if err != nil || !slices.Equal(due, []string{"old"}) {
		t.Fatalf("closed before %v = %v, %v; want [old]", cutoff, due, err)
	}
	base, err := s.RetireCase(ctx, "old", cutoff, 90*24*time.Hour)
	if err != nil || base.Fields["status"] != "done" {
		t.Fatalf("retire: base %v, %v", base, err)
	}
	if _, ok, _ := s.SalesforceCase(ctx, "old"); ok {
		t.Error("a retired case is still linked")
	}
	if _, ok, _ := s.CareCase(ctx, "500OLD"); ok {
		t.Error("a retired case's Salesforce Case is still linked")
	}
	if ids, _, _ := s.LinkedCases(ctx, 0, 100); slices.Contains(ids, "old") || len(ids) != 2 {
		t.Errorf("linked cases after retiring = %v", ids)
	}
	// What remains of it in Redis: the base snapshot, expiring.
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
	// A reopen links it again and the next sync stores its base for good.
	must(t, s.LinkCase(ctx, "old", "500OLD"))
	if b, ok, err := s.LoadBase(ctx, "old"); err != nil || !ok || b.Fields["assignee"] != "agent_ana" {
		t.Fatalf("base of the reopened case = %v, %v, %v", b, ok, err)
	}
	must(t, s.SaveBase(ctx, "old", map[string]string{"status": "open"}, t0.Add(100*24*time.Hour)))
	if ttl := rdb.PTTL(ctx, "carebridge:{case:old}:base").Val(); ttl != -1 {
		t.Errorf("base of a reopened case expires in %v, want never", ttl)
	}

	// A case that reopened after it was listed is not retired.
	must(t, s.SetCaseClosed(ctx, "recent", false, t0))
	if _, err := s.RetireCase(ctx, "recent", t0.Add(30*24*time.Hour), time.Hour); !errors.Is(err, state.ErrReopened) {
		t.Errorf("retire a reopened case: %v, want ErrReopened", err)
	}
	if _, ok, _ := s.SalesforceCase(ctx, "recent"); !ok {
		t.Error("a reopened case lost its link")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
