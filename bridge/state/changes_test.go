package state_test

import (
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
)

// TestDeliveredChangeEventsCountTheLastDay: SaveReplayID stores the replay
// id and counts the events delivered with it by the hour; the figure sums
// the last 24 hours, and the counts expire soon after.
func TestDeliveredChangeEventsCountTheLastDay(t *testing.T) {
	s, srv := newStore(t)
	ctx := t.Context()
	now := time.Date(2026, 3, 4, 12, 30, 0, 0, time.UTC)
	for _, d := range []struct {
		ago time.Duration
		n   int64
	}{{0, 3}, {time.Hour, 4}, {23 * time.Hour, 5}, {25 * time.Hour, 100}} {
		if err := s.SaveReplayID(ctx, "pubsub:/data/Carebridge__chn", "AAAA", d.n, now.Add(-d.ago)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveReplayID(ctx, "pubsub:/data/Carebridge__chn", "AAAB", 0, now); err != nil {
		t.Fatal(err)
	}
	got, err := s.DeliveredChangeEvents(ctx, now)
	if err != nil || got != 12 {
		t.Errorf("delivered in the last day = %d, %v; want 3+4+5", got, err)
	}
	if c, _, _ := s.Cursor(ctx, "pubsub:/data/Carebridge__chn"); c != "AAAB" {
		t.Errorf("replay id %q, want the last one saved", c)
	}
	keys, err := srv.Client(t).Keys(ctx, "carebridge:{changes}:delivered:*").Result()
	if err != nil || len(keys) == 0 {
		t.Fatalf("keys %v %v", keys, err)
	}
	for _, k := range keys {
		if ttl := srv.Client(t).PTTL(ctx, k).Val(); ttl <= 24*time.Hour || ttl > 25*time.Hour {
			t.Errorf("%s expires in %v, want a day and an hour", k, ttl)
		}
	}
}

// TestOwnWritesExpire: what carebridge wrote to a record is kept briefly.
func TestOwnWritesExpire(t *testing.T) {
	s, srv := newStore(t)
	ctx := t.Context()
	if err := s.NoteWrites(ctx, "Case", map[string]map[string]any{"500A": {"Status": "New"}}); err != nil {
		t.Fatal(err)
	}
	if ttl := srv.Client(t).PTTL(ctx, "carebridge:{ownwrite:Case:500A}").Val(); ttl <= 0 || ttl > state.OwnWriteTTL {
		t.Errorf("own write expires in %v, want within %v", ttl, state.OwnWriteTTL)
	}
}
