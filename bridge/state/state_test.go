package state_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/internal/redistest"
)

func newStore(t *testing.T, opts ...state.Option) (*state.Store, *redistest.Server) {
	t.Helper()
	srv := redistest.Start(t)
	return state.New(srv.Client(t), "", opts...), srv
}

func TestLinkCase(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	if err := s.LinkCase(ctx, "care-1", "500A1"); err != nil {
		t.Fatalf("link: %v", err)
	}
	if err := s.LinkCase(ctx, "care-1", "500A1"); err != nil {
		t.Fatalf("linking the same pair again: %v", err)
	}
	if sf, ok, err := s.SalesforceCase(ctx, "care-1"); err != nil || !ok || sf != "500A1" {
		t.Fatalf("salesforce case of care-1 = %q, %v, %v", sf, ok, err)
	}
	if c, ok, err := s.CareCase(ctx, "500A1"); err != nil || !ok || c != "care-1" {
		t.Fatalf("care case of 500A1 = %q, %v, %v", c, ok, err)
	}

	conflicts := []struct{ name, care, sf string }{
		{"care case to another salesforce case", "care-1", "500B2"},
		{"salesforce case to another care case", "care-2", "500A1"},
		{"empty id", "care-3", ""},
	}
	for _, c := range conflicts {
		t.Run(c.name, func(t *testing.T) {
			if err := s.LinkCase(ctx, c.care, c.sf); err == nil {
				t.Fatalf("link %q <-> %q succeeded", c.care, c.sf)
			}
			// Nothing half-written.
			if _, ok, _ := s.CareCase(ctx, c.sf); ok && c.sf != "500A1" {
				t.Errorf("%q got a back link", c.sf)
			}
			if sf, _, _ := s.SalesforceCase(ctx, "care-1"); sf != "500A1" {
				t.Errorf("care-1 now links to %q", sf)
			}
		})
	}
	if err := s.LinkCase(ctx, "care-1", "500B2"); !errors.Is(err, state.ErrLinkConflict) {
		t.Errorf("conflicting link: %v, want ErrLinkConflict", err)
	}

	if ok, err := s.UnlinkCase(ctx, "care-1"); err != nil || !ok {
		t.Fatalf("unlink = %v, %v", ok, err)
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

func TestLinkedCasesPaging(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	want := map[string]bool{}
	for i := range 250 {
		id := fmt.Sprintf("care-%d", i)
		want[id] = true
		if err := s.LinkCase(ctx, id, fmt.Sprintf("500%05d", i)); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]bool{}
	var cursor uint64
	pages := 0 // HSCAN's count is a hint: small hashes come back whole
	for {
		ids, next, err := s.LinkedCases(ctx, cursor, 50)
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		for _, id := range ids {
			got[id] = true
		}
		pages++
		if cursor = next; cursor == 0 {
			break
		}
	}
	if !maps.Equal(got, want) {
		t.Fatalf("sweep saw %d cases, want %d", len(got), len(want))
	}
	if n, err := s.CountLinkedCases(ctx); err != nil || n != 250 {
		t.Errorf("count = %d, %v; want 250", n, err)
	}
}

func TestChildLinks(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	if err := s.LinkChild(ctx, "care-1", state.Notes, "note-1", "00a1"); err != nil {
		t.Fatal(err)
	}
	if err := s.LinkChild(ctx, "care-1", state.Notes, "note-2", "00a2"); err != nil {
		t.Fatal(err)
	}
	if err := s.LinkChild(ctx, "care-1", state.Messages, "note-1", "a0M1"); err != nil {
		t.Fatalf("same id under another kind: %v", err)
	}
	if err := s.LinkChild(ctx, "care-1", state.Notes, "note-3", "00a1"); !errors.Is(err, state.ErrLinkConflict) {
		t.Errorf("comment linked to a second note: %v, want ErrLinkConflict", err)
	}
	if id, ok, err := s.CareChild(ctx, "care-1", state.Notes, "00a2"); err != nil || !ok || id != "note-2" {
		t.Errorf("care note of 00a2 = %q, %v, %v", id, ok, err)
	}
	if id, ok, err := s.SalesforceChild(ctx, "care-1", state.Messages, "note-1"); err != nil || !ok || id != "a0M1" {
		t.Errorf("message record of note-1 = %q, %v, %v", id, ok, err)
	}
	if _, ok, _ := s.SalesforceChild(ctx, "care-2", state.Notes, "note-1"); ok {
		t.Error("note link leaked to another case")
	}
	notes, err := s.Children(ctx, "care-1", state.Notes)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"note-1": "00a1", "note-2": "00a2"}; !maps.Equal(notes, want) {
		t.Errorf("notes = %v, want %v", notes, want)
	}
}

func TestBaseSnapshot(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	if _, found, err := s.LoadBase(ctx, "care-1"); err != nil || found {
		t.Fatalf("base of unsynced case: found=%v, %v", found, err)
	}
	at := time.Date(2026, 11, 25, 9, 30, 0, 123_000_000, time.UTC)
	first := map[string]string{"status": "open", "assignee": "ann@example.org", "subject": "Refund", "empty": ""}
	if err := s.SaveBase(ctx, "care-1", first, at); err != nil {
		t.Fatal(err)
	}
	b, found, err := s.LoadBase(ctx, "care-1")
	if err != nil || !found {
		t.Fatalf("load: found=%v, %v", found, err)
	}
	if !maps.Equal(b.Fields, first) || !b.SyncedAt.Equal(at) {
		t.Fatalf("base = %+v, want %v at %v", b, first, at)
	}
	second := map[string]string{"status": "pending"}
	if err := s.SaveBase(ctx, "care-1", second, at.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if b, _, _ := s.LoadBase(ctx, "care-1"); !maps.Equal(b.Fields, second) {
		t.Fatalf("base after replace = %v, want %v (old fields dropped)", b.Fields, second)
	}
	if err := s.SaveBase(ctx, "care-1", nil, at); err != nil {
		t.Fatal(err)
	}
	if b, found, _ := s.LoadBase(ctx, "care-1"); !found || len(b.Fields) != 0 {
		t.Fatalf("empty snapshot: %+v found=%v; want found with no fields", b, found)
	}
	if err := s.DeleteBase(ctx, "care-1"); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := s.LoadBase(ctx, "care-1"); found {
		t.Fatal("base survived delete")
	}
}

// TestPendingWritesLiveUntilTheBaseIsSaved: what a reconcile is about to
// write survives (a crash) until SaveBase settles it.
func TestPendingWritesLiveUntilTheBaseIsSaved(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	if got, err := s.PendingWrites(ctx, "care-1"); err != nil || len(got) != 0 {
		t.Fatalf("pending writes of an unsynced case: %v, %v", got, err)
	}
	want := map[string]state.PendingWrite{
		"status":   {Value: "pending", Side: "salesforce"},
		"assignee": {Value: "", Side: "care"},
		"subject":  {Value: "a\x00b with a NUL", Side: ""},
	}
	if err := s.SavePendingWrites(ctx, "care-1", want); err != nil {
		t.Fatal(err)
	}
	got, err := s.PendingWrites(ctx, "care-1")
	if err != nil || !maps.Equal(got, want) {
		t.Fatalf("pending writes = %v, %v; want %v", got, err, want)
	}
	if err := s.SavePendingWrites(ctx, "care-1", map[string]state.PendingWrite{"status": {Value: "open", Side: "care"}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.PendingWrites(ctx, "care-1"); len(got) != 1 || got["status"].Value != "open" {
		t.Fatalf("pending writes after replace = %v, want only status=open", got)
	}
	if err := s.SaveBase(ctx, "care-1", map[string]string{"status": "open"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if got, err := s.PendingWrites(ctx, "care-1"); err != nil || len(got) != 0 {
		t.Fatalf("pending writes after SaveBase = %v, %v; want none", got, err)
	}
}

func TestCursorsAndWatermarks(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	if _, ok, err := s.Cursor(ctx, "care"); err != nil || ok {
		t.Fatalf("unset cursor: %v, %v", ok, err)
	}
	if err := s.SetCursor(ctx, "care", "page-7"); err != nil {
		t.Fatal(err)
	}
	if c, ok, err := s.Cursor(ctx, "care"); err != nil || !ok || c != "page-7" {
		t.Fatalf("cursor = %q, %v, %v", c, ok, err)
	}

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
	deadline := time.Now().Add(5 * time.Second)
	for {
		ok, err := s.FirstSeen(ctx, "evt-1")
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("event id never expired")
		}
		time.Sleep(20 * time.Millisecond) // polling interval for the TTL to pass
	}
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

func TestMessageMirror(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	if m, err := s.MessageMirror(ctx, "care-1"); err != nil || len(m) != 0 {
		t.Fatalf("empty mirror = %v, %v", m, err)
	}
	first := map[string]state.MirroredMessage{"m1": {"a0M1", "h1"}, "m2": {"a0M2", ""}}
	if err := s.SetMessageMirror(ctx, "care-1", first); err != nil {
		t.Fatal(err)
	}
	if m, err := s.MessageMirror(ctx, "care-1"); err != nil || !maps.Equal(m, first) {
		t.Fatalf("mirror = %v, %v; want %v", m, err, first)
	}
	second := map[string]state.MirroredMessage{"m2": {"a0M2", "h2 with spaces"}}
	if err := s.SetMessageMirror(ctx, "care-1", second); err != nil {
		t.Fatal(err)
	}
	if m, _ := s.MessageMirror(ctx, "care-1"); !maps.Equal(m, second) {
		t.Fatalf("mirror after replace = %v, want %v", m, second)
	}
	if err := s.SetMessageMirror(ctx, "care-1", map[string]state.MirroredMessage{"m3": {"a 0", "h"}}); err == nil {
		t.Error("salesforce id with a space accepted")
	}
}

func TestClaimIsExclusiveAcrossClients(t *testing.T) {
	srv := redistest.Start(t)
	stores := []*state.Store{state.New(srv.Client(t), ""), state.New(srv.Client(t), "")}
	ctx := context.Background()
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			ok, err := stores[i%2].Claim(ctx, "a0X1", time.Minute)
			if err != nil {
				t.Error(err)
			}
			if ok {
				wins.Add(1)
			}
		})
	}
	wg.Wait()
	if n := wins.Load(); n != 1 {
		t.Fatalf("%d claims won, want exactly 1", n)
	}
	if err := stores[0].ReleaseClaim(ctx, "a0X1"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := stores[1].Claim(ctx, "a0X1", time.Minute); !ok {
		t.Fatal("claim not available after release")
	}
}

func TestActionRecord(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	s, srv := newStore(t, state.WithClock(func() time.Time { return now }))
	ctx := context.Background()

	rec, created, err := s.BeginAction(ctx, "a0X1", "carebridge-a0X1", []byte("request\x00\xff"))
	if err != nil || !created {
		t.Fatalf("begin = %v, %v", created, err)
	}
	if rec.State != state.ActionSending || rec.IdempotencyKey != "carebridge-a0X1" || string(rec.Request) != "request\x00\xff" || !rec.StartedAt.Equal(now) {
		t.Fatalf("new record = %+v", rec)
	}

	// A crash after the send: the retry finds the record and must reuse
	// the stored idempotency key and request; the record survives a Redis
	// restart.
	srv.Restart()
	rec, created, err = s.BeginAction(ctx, "a0X1", "some-other-key", []byte("rebuilt"))
	if err != nil || created {
		t.Fatalf("begin again = %v, %v; want the existing record", created, err)
	}
	if rec.State != state.ActionSending || rec.IdempotencyKey != "carebridge-a0X1" || string(rec.Request) != "request\x00\xff" {
		t.Fatalf("resumed record = %+v", rec)
	}

	if err := s.CompleteAction(ctx, "a0X1", state.ActionOutcome{State: state.ActionSending}); err == nil {
		t.Error("completing with a non-final state accepted")
	}
	if err := s.CompleteAction(ctx, "a0X1", state.ActionOutcome{State: state.ActionSent, CareMessageID: "msg-9"}); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkActionReported(ctx, "a0X1"); err != nil {
		t.Fatal(err)
	}
	rec, found, err := s.Action(ctx, "a0X1")
	if err != nil || !found {
		t.Fatalf("read = %v, %v", found, err)
	}
	want := state.ActionRecord{ID: "a0X1", State: state.ActionSent, IdempotencyKey: "carebridge-a0X1", CareMessageID: "msg-9",
		StartedAt: now, UpdatedAt: now, Reported: true, Request: []byte("request\x00\xff")}
	if !reflect.DeepEqual(rec, want) {
		t.Fatalf("record = %+v, want %+v", rec, want)
	}

	for _, op := range []func() error{
		func() error { return s.CompleteAction(ctx, "nope", state.ActionOutcome{State: state.ActionFailed}) },
		func() error { return s.MarkActionReported(ctx, "nope") },
	} {
		if err := op(); !errors.Is(err, state.ErrNoAction) {
			t.Errorf("on a missing action: %v, want ErrNoAction", err)
		}
	}
	if _, _, err := s.BeginAction(ctx, "a0X2", "", nil); err == nil {
		t.Error("empty idempotency key accepted")
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
	_, err = s.Claim(ctx, "a1", time.Minute)
	step("claim", err)
	_, _, err = s.BeginAction(ctx, "a1", "k1", []byte("request"))
	step("begin action", err)
	step("complete action", s.CompleteAction(ctx, "a1", state.ActionOutcome{State: state.ActionSent, CareMessageID: "m1"}))
	step("mark reported", s.MarkActionReported(ctx, "a1"))
}
