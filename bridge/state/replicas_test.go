package state_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
)

// TestReplicaHeartbeats: replicas seen within the TTL are listed; one that
// stopped beating is dropped, one that said goodbye is gone at once.
func TestReplicaHeartbeats(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).UnixMilli())
	s, _ := newStore(t, state.WithClock(func() time.Time { return time.UnixMilli(now.Load()) }))
	ctx := context.Background()
	const ttl = 15 * time.Second
	must(t, s.Heartbeat(ctx, state.Replica{ID: "a", Version: "1.2", Leader: true, Sources: map[string]time.Time{"care": time.UnixMilli(now.Load()).UTC()}}, ttl))
	must(t, s.Heartbeat(ctx, state.Replica{ID: "b", Version: "1.2"}, ttl))
	rs, err := s.Replicas(ctx, ttl)
	if err != nil || len(rs) != 2 || rs[0].ID != "a" || !rs[0].Leader || rs[0].Sources["care"].IsZero() || rs[1].ID != "b" {
		t.Fatalf("replicas = %+v, %v; want a (leader, with its Care poll) and b", rs, err)
	}
	now.Add((10 * time.Second).Milliseconds())
	must(t, s.Heartbeat(ctx, state.Replica{ID: "b", Version: "1.2"}, ttl))
	now.Add((10 * time.Second).Milliseconds())
	if rs, err := s.Replicas(ctx, ttl); err != nil || len(rs) != 1 || rs[0].ID != "b" {
		t.Fatalf("replicas after a stopped beating = %+v, %v; want b only", rs, err)
	}
	must(t, s.ForgetReplica(ctx, "b"))
	if rs, err := s.Replicas(ctx, ttl); err != nil || len(rs) != 0 {
		t.Fatalf("replicas after goodbye = %+v, %v; want none", rs, err)
	}
}

// TestCaseTimeline: an audit entry of a case lands in the global stream
// and in the case's own capped timeline, newest first.
func TestCaseTimeline(t *testing.T) {
	s, srv := newStore(t, state.WithTimelineMaxLen(5))
	ctx := context.Background()
	for i, to := range []string{"pending", "open", "done"} {
		if _, err := s.Audit(ctx, state.AuditEntry{Case: "care-1", Field: "status", To: to, Side: "salesforce", Resolution: "applied", Time: time.Unix(int64(1000+i), 0)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Audit(ctx, state.AuditEntry{Case: "care-2", Field: "status", To: "open", Resolution: "applied"}); err != nil {
		t.Fatal(err)
	}
	tl, err := s.CaseTimeline(ctx, "care-1", 10)
	if err != nil || len(tl) != 3 || tl[0].To != "done" || tl[2].To != "pending" {
		t.Fatalf("timeline of care-1 = %+v, %v; want its three entries, newest first", tl, err)
	}
	if n, err := s.AuditLen(ctx); err != nil || n != 4 {
		t.Fatalf("audit stream holds %d, %v; want 4", n, err)
	}
	ttl, err := srv.Client(t).PTTL(ctx, "carebridge:{case:care-1}:timeline").Result()
	if err != nil || ttl <= 0 {
		t.Errorf("timeline TTL = %v, %v; want one", ttl, err)
	}
}
