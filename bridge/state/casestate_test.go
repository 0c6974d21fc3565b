package state_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/internal/redistest"
)

// tripCounter counts the requests a client sends: a command or a whole
// pipeline is one.
type tripCounter struct{ n atomic.Int64 }

func (c *tripCounter) DialHook(next redis.DialHook) redis.DialHook { return next }
func (c *tripCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { c.n.Add(1); return next(ctx, cmd) }
}
func (c *tripCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { c.n.Add(1); return next(ctx, cmds) }
}

// TestACaseIsReadAndSavedInOneRoundTripEach: a reconcile reads a case's
// link, base, pending writes and mirror in one request, and ends with one
// (base and closed flag), even when Redis has just forgotten its scripts;
// a poll reads the state of a page of cases in one request.
func TestACaseIsReadAndSavedInOneRoundTripEach(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	trips := &tripCounter{}
	rdb.AddHook(trips)
	s := state.New(rdb, "")
	ctx := context.Background()
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

	count := func(what string, want int64, f func() error) {
		t.Helper()
		before := trips.n.Load()
		if err := f(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if n := trips.n.Load() - before; n != want {
			t.Errorf("%s took %d round trips, want %d", what, n, want)
		}
	}
	// The first use of each script teaches it to Redis (and the first
	// request opens the connection): not counted.
	if err := s.SaveCases(ctx, []state.CaseSave{{CareID: "care-0", LinkTo: "sf-0", SyncedAt: at, At: at}})[0]; err != nil {
		t.Fatal(err)
	}
	count("a new case saved", 1, func() error {
		return s.SaveCases(ctx, []state.CaseSave{{CareID: "care-1", LinkTo: "sf-1", Fields: map[string]string{"status": "open"}, SyncedAt: at, At: at}})[0]
	})
	count("its state read", 1, func() error {
		st, err := s.LoadCases(ctx, []string{"care-1"}, true)
		if err == nil && (st["care-1"].SalesforceID != "sf-1" || !st["care-1"].HasBase) {
			err = fmt.Errorf("read %+v", st["care-1"])
		}
		return err
	})
	count("the reconcile's end", 1, func() error {
		return s.SaveCases(ctx, []state.CaseSave{{CareID: "care-1", Fields: map[string]string{"status": "done"}, SyncedAt: at, Closed: true, At: at}})[0]
	})
	count("200 reconciles' ends", 1, func() error {
		saves := make([]state.CaseSave, 200)
		for i := range saves {
			saves[i] = state.CaseSave{CareID: fmt.Sprintf("care-%d", i), LinkTo: fmt.Sprintf("sf-%d", i), Fields: map[string]string{"status": "open"}, SyncedAt: at, At: at}
		}
		return errors.Join(s.SaveCases(ctx, saves)...)
	})
	ids := make([]string, 500)
	for i := range ids {
		ids[i] = fmt.Sprintf("care-%d", i)
	}
	count("a page of 500 cases read", 1, func() error { _, err := s.LoadCases(ctx, ids, false); return err })

	// After a Redis restart the script cache is empty: the save still
	// lands (its script loaded once, then the calls again: two round trips
	// more; the closed flag is a plain command).
	if err := rdb.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	count("a save after the scripts were forgotten", 3, func() error {
		return s.SaveCases(ctx, []state.CaseSave{{CareID: "care-1", Fields: map[string]string{"status": "open"}, SyncedAt: at, At: at}})[0]
	})
	b, _, err := s.LoadBase(ctx, "care-1")
	if err != nil || b.Fields["status"] != "open" {
		t.Fatalf("base after the save = %+v, %v", b, err)
	}
	if closed, err := s.ClosedBefore(ctx, at.Add(time.Hour), 0); err != nil || len(closed) != 0 {
		t.Fatalf("closed after reopening = %v, %v", closed, err)
	}
}
