package state_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
)

// TestUnsyncableCases: a case noted again moves to the front instead of
// being listed twice, and only the newest 100 are kept.
func TestUnsyncableCases(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	s, _ := newStore(t, state.WithClock(func() time.Time { return now }))
	ctx := context.Background()
	note := func(id string) {
		t.Helper()
		now = now.Add(time.Second)
		must(t, s.NoteUnsyncableCase(ctx, state.UnsyncableCase{ID: id, Reason: "too long", Source: "webhook"}))
	}
	note(`"a"`)
	note(`"b"`)
	note(`"a"`)
	got, err := s.UnsyncableCases(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != `"a"` || got[1].ID != `"b"` || !got[0].Seen.Equal(now) || got[0].Reason != "too long" || got[0].Source != "webhook" {
		t.Fatalf("listed %+v, want a (seen %s) then b", got, now)
	}
	for i := range 150 {
		note(fmt.Sprint(i))
	}
	got, err = s.UnsyncableCases(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 100 || got[0].ID != "149" || got[99].ID != "50" {
		t.Errorf("%d listed, first %s, last %s; want the newest 100, 149 to 50", len(got), got[0].ID, got[len(got)-1].ID)
	}
}
