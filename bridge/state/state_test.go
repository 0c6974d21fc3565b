package state_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/bridge/state/statetest"
	"github.com/carebridge/carebridge/internal/redistest"
	"github.com/carebridge/carebridge/internal/testkit"
)

func newStore(t *testing.T, opts ...state.Option) (*state.Store, *redistest.Server) {
	t.Helper()
	srv := redistest.Start(t)
	return state.New(srv.Client(t), "", opts...), srv
}

// TestBehaviour runs the behaviour suite against the Redis store: one
// server, flushed before each behaviour (they run one at a time).
func TestBehaviour(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	statetest.Run(t, func(t *testing.T) statetest.Store {
		if err := rdb.FlushAll(t.Context()).Err(); err != nil {
			t.Fatalf("flush: %v", err)
		}
		return state.New(rdb, "")
	})
}

func TestUnlinkCase(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	must(t, s.LinkCase(ctx, "care-1", "500A1"))
	if ok, err := s.UnlinkCase(ctx, "care-1"); err != nil || !ok {
		t.Fatalf("unlink = %v, %v", ok, err)
	}
	if _, ok, _ := s.SalesforceCase(ctx, "care-1"); ok {
		t.Error("link survived unlink")
	}
	if _, ok, _ := s.CareCase(ctx, "500A1"); ok {
		t.Error("back link survived unlink")
	}
	if ok, err := s.UnlinkCase(ctx, "care-1"); err != nil || ok {
		t.Errorf("second unlink = %v, %v; want false", ok, err)
	}
	if err := s.LinkCase(ctx, "care-1", "500B2"); err != nil {
		t.Errorf("relink after unlink: %v", err)
	}
}

func TestCountLinkedCases(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	for i := range 250 {
		must(t, s.LinkCase(ctx, fmt.Sprintf("care-%d", i), fmt.Sprintf("500%05d", i)))
	}
	if n, err := s.CountLinkedCases(ctx); err != nil || n != 250 {
		t.Errorf("count = %d, %v; want 250", n, err)
	}
}

func TestChildren(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	must(t, s.LinkChild(ctx, "care-1", state.Notes, "note-1", "00a1"))
	must(t, s.LinkChild(ctx, "care-1", state.Notes, "note-2", "00a2"))
	must(t, s.LinkChild(ctx, "care-1", state.Messages, "note-1", "a0M1"))
	notes, err := s.Children(ctx, "care-1", state.Notes)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"note-1": "00a1", "note-2": "00a2"}; !maps.Equal(notes, want) {
		t.Errorf("notes = %v, want %v", notes, want)
	}
}

func TestDeleteBase(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	must(t, s.SaveBase(ctx, "care-1", map[string]string{"status": "open"}, time.Now()))
	must(t, s.SavePendingWrites(ctx, "care-1", map[string]state.PendingWrite{"status": {Value: "pending", Side: "care"}}))
	must(t, s.DeleteBase(ctx, "care-1"))
	if _, found, _ := s.LoadBase(ctx, "care-1"); found {
		t.Fatal("base survived delete")
	}
	if w, _ := s.PendingWrites(ctx, "care-1"); len(w) != 0 {
		t.Fatalf("pending writes survived delete: %v", w)
	}
}

func TestWatermarks(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	steps := []struct {
		set, want time.Time
	}{
		{t0, t0},
		{t0.Add(time.Minute), t0.Add(time.Minute)},
		{t0, t0.Add(time.Minute)}, // a late write from a former leader
		{t0.Add(2 * time.Minute), t0.Add(2 * time.Minute)},
	}
	for i, st := range steps {
		got, err := s.AdvanceWatermark(ctx, "salesforce", st.set)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(st.want) {
			t.Errorf("step %d: advance to %v left %v, want %v", i, st.set, got, st.want)
		}
	}
	if w, ok, err := s.Watermark(ctx, "salesforce"); err != nil || !ok || !w.Equal(t0.Add(2*time.Minute)) {
		t.Errorf("watermark = %v, %v, %v", w, ok, err)
	}
	if _, ok, _ := s.Watermark(ctx, "care"); ok {
		t.Error("watermarks of sources are not separate")
	}
}

func TestAuditStream(t *testing.T) {
	s, _ := newStore(t, state.WithAuditMaxLen(10))
	ctx := context.Background()
	at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	var ids []string
	for i := range 500 {
		id, err := s.Audit(ctx, state.AuditEntry{
			Case: fmt.Sprintf("care-%d", i), Field: "status", From: "open", To: "pending",
			Side: "salesforce", Policy: "newest_wins", Resolution: "conflict:care_won", Time: at.Add(time.Duration(i) * time.Second),
		})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	n, err := s.AuditLen(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 || n >= 250 {
		t.Fatalf("audit stream holds %d entries after 500 with cap ~10", n)
	}
	recent, err := s.RecentAudit(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := state.AuditEntry{
		ID: ids[499], Case: "care-499", Field: "status", From: "open", To: "pending",
		Side: "salesforce", Policy: "newest_wins", Resolution: "conflict:care_won", Time: at.Add(499 * time.Second),
	}
	if len(recent) != 3 || recent[0] != want {
		t.Fatalf("newest entry = %+v, want %+v", recent, want)
	}
	if recent[1].Case != "care-498" {
		t.Errorf("recent not newest first: %+v", recent[1])
	}
	page, err := s.AuditSince(ctx, ids[496], 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(page); got != 3 || page[0].Case != "care-497" {
		t.Fatalf("entries after #496 = %+v, want #497..#499", page)
	}
}

func TestFirstSeen(t *testing.T) {
	s, _ := newStore(t, state.WithEventTTL(200*time.Millisecond))
	ctx := context.Background()
	if ok, err := s.FirstSeen(ctx, "evt-1"); err != nil || !ok {
		t.Fatalf("first delivery = %v, %v; want true", ok, err)
	}
	if ok, err := s.FirstSeen(ctx, "evt-1"); err != nil || ok {
		t.Fatalf("redelivery = %v, %v; want false", ok, err)
	}
	if ok, _ := s.FirstSeen(ctx, "evt-2"); !ok {
		t.Fatal("another event counted as seen")
	}
	testkit.Eventually(t, 5*time.Second, "the first event id to expire", func() (bool, string) {
		ok, err := s.FirstSeen(ctx, "evt-1")
		if err != nil {
			t.Fatal(err)
		}
		return ok, "still seen"
	})
	if _, err := s.FirstSeen(ctx, ""); err == nil {
		t.Error("empty event id accepted")
	}
	// Handling failed: forget the id so the redelivery is handled.
	if ok, _ := s.FirstSeen(ctx, "evt-3"); !ok {
		t.Fatal("evt-3 not first")
	}
	if err := s.ForgetEvent(ctx, "evt-3"); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.FirstSeen(ctx, "evt-3"); err != nil || !ok {
		t.Fatalf("redelivery after ForgetEvent = %v, %v; want first", ok, err)
	}
}

// TestActionRecordInRedis: the record's layout, TTL and time stamps from
// the store's clock, and its survival of a Redis restart.
func TestActionRecordInRedis(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	s, srv := newStore(t, state.WithClock(func() time.Time { return now }), state.WithActionTTL(48*time.Hour))
	rdb := srv.Client(t)
	ctx := context.Background()
	const key = "carebridge:{action:a0X1}:record"
	req := []byte("{\"body\":\"On its way\"}\x00\xff")

	rec, created, err := s.BeginAction(ctx, "a0X1", "carebridge-a0X1", req)
	if err != nil || !created {
		t.Fatalf("begin = %v, %v", created, err)
	}
	if !rec.StartedAt.Equal(now) || !rec.UpdatedAt.Equal(now) {
		t.Fatalf("new record stamped %v / %v, want the clock's %v", rec.StartedAt, rec.UpdatedAt, now)
	}
	fields, err := rdb.HGetAll(ctx, key).Result()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"state": "sending", "idempotency_key": "carebridge-a0X1", "started_at": "1795597200000",
		"updated_at": "1795597200000", "request": string(req)}
	if !maps.Equal(fields, want) {
		t.Errorf("record hash = %q, want %q", fields, want)
	}
	if ttl := rdb.PTTL(ctx, key).Val(); ttl <= 47*time.Hour || ttl > 48*time.Hour {
		t.Errorf("record expires in %v, want 48h", ttl)
	}

	// A crash after the send: the retry finds the record, with the stored
	// key and request, after a Redis restart.
	srv.Restart()
	rec, created, err = s.BeginAction(ctx, "a0X1", "some-other-key", []byte("rebuilt"))
	if err != nil || created {
		t.Fatalf("begin again = %v, %v; want the existing record", created, err)
	}
	if rec.State != state.ActionSending || rec.IdempotencyKey != "carebridge-a0X1" || !bytes.Equal(rec.Request, req) {
		t.Fatalf("resumed record = %+v", rec)
	}

	now = now.Add(time.Minute)
	must(t, s.CompleteAction(ctx, "a0X1", state.ActionOutcome{State: state.ActionSent, CareMessageID: "msg-9"}))
	must(t, s.MarkActionReported(ctx, "a0X1"))
	rec, found, err := s.Action(ctx, "a0X1")
	if err != nil || !found {
		t.Fatalf("read = %v, %v", found, err)
	}
	if rec.State != state.ActionSent || rec.CareMessageID != "msg-9" || !rec.Reported || !rec.StartedAt.Equal(now.Add(-time.Minute)) ||
		!rec.UpdatedAt.Equal(now) || !bytes.Equal(rec.Request, req) {
		t.Fatalf("record = %+v", rec)
	}
}

// TestActionRecordWithoutRequest: a record written before requests were
// frozen reads back with no request, and BeginAction does not add one.
func TestActionRecordWithoutRequest(t *testing.T) {
	s, srv := newStore(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	must(t, rdb.HSet(ctx, "carebridge:{action:old}:record", "state", "sending", "idempotency_key", "cb-old",
		"started_at", "1795597200000", "updated_at", "1795597200000").Err())
	rec, created, err := s.BeginAction(ctx, "old", "cb-new", []byte("new request"))
	if err != nil || created {
		t.Fatalf("begin = %v, %v; want the existing record", created, err)
	}
	if rec.IdempotencyKey != "cb-old" || rec.Request != nil {
		t.Fatalf("record = %+v, want key cb-old and no request", rec)
	}
	if n := rdb.HLen(ctx, "carebridge:{action:old}:record").Val(); n != 4 {
		t.Errorf("record hash has %d fields after begin, want the 4 it had", n)
	}
}

func TestStateSurvivesRestart(t *testing.T) {
	s, srv := newStore(t)
	ctx := context.Background()
	if err := s.LinkCase(ctx, "care-1", "500A1"); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveBase(ctx, "care-1", map[string]string{"status": "open"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	srv.Kill()
	if err := s.LinkCase(ctx, "care-2", "500A2"); err == nil {
		t.Fatal("link succeeded with Redis down")
	}
	srv.Restart()
	if sf, ok, err := s.SalesforceCase(ctx, "care-1"); err != nil || !ok || sf != "500A1" {
		t.Fatalf("link after restart = %q, %v, %v", sf, ok, err)
	}
	b, found, err := s.LoadBase(ctx, "care-1")
	if err != nil || !found || b.Fields["status"] != "open" {
		t.Fatalf("base after restart = %+v, %v, %v", b, found, err)
	}
}

func TestPrefixSeparatesStores(t *testing.T) {
	srv := redistest.Start(t)
	a, b := state.New(srv.Client(t), "tenant-a:"), state.New(srv.Client(t), "tenant-b:")
	ctx := context.Background()
	if err := a.LinkCase(ctx, "care-1", "500A1"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := b.SalesforceCase(ctx, "care-1"); ok {
		t.Fatal("prefix did not separate the stores")
	}
	keys, err := srv.Client(t).Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(keys)
	if want := []string{"tenant-a:{links}:care2sf", "tenant-a:{links}:sf2care"}; !slices.Equal(keys, want) {
		t.Fatalf("keys = %v, want %v", keys, want)
	}
}

// TestOnRedisCluster runs every multi-key operation once on a Redis Cluster
// node, which refuses commands and scripts whose keys span slots.
func TestOnRedisCluster(t *testing.T) {
	srv := redistest.Start(t, redistest.WithCluster(), redistest.WithoutAOF())
	s := state.New(srv.ClusterClient(t), "")
	ctx := context.Background()
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s on cluster: %v", what, err)
		}
	}
	step("link case", s.LinkCase(ctx, "care-1", "500A1"))
	_, _, err := s.LinkedCases(ctx, 0, 10)
	step("list linked", err)
	_, err = s.UnlinkCase(ctx, "care-1")
	step("unlink", err)
	step("link note", s.LinkChild(ctx, "care-1", state.Notes, "n1", "00a1"))
	step("save base", s.SaveBase(ctx, "care-1", map[string]string{"status": "open"}, time.Now()))
	_, _, err = s.LoadBase(ctx, "care-1")
	step("load base", err)
	step("delete base", s.DeleteBase(ctx, "care-1"))
	step("set mirror", s.SetMessageMirror(ctx, "care-1", map[string]state.MirroredMessage{"m1": {SalesforceID: "a0M1", Hash: "h"}}))
	step("set cursor", s.SetCursor(ctx, "care", "c1"))
	_, err = s.AdvanceWatermark(ctx, "care", time.Now())
	step("advance watermark", err)
	_, err = s.Audit(ctx, state.AuditEntry{Case: "care-1", Field: "status"})
	step("audit", err)
	_, err = s.FirstSeen(ctx, "evt-1")
	step("first seen", err)
	_, _, err = s.BeginAction(ctx, "a1", "k1", []byte("request"))
	step("begin action", err)
	step("complete action", s.CompleteAction(ctx, "a1", state.ActionOutcome{State: state.ActionSent, CareMessageID: "m1"}))
	step("mark reported", s.MarkActionReported(ctx, "a1"))
}
