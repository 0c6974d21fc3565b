package state_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
)

// TestAdminSessionsLiveUntilTheyExpireOrEnd: a session is found until its
// expiry (Redis drops it then) or until it is ended; a sign-in code is
// taken once, however many replicas try at once.
func TestAdminSessionsLiveUntilTheyExpireOrEnd(t *testing.T) {
	s, srv := newStore(t)
	ctx := t.Context()
	now := time.Now()
	sess := state.AdminSession{Created: now.UTC().Truncate(time.Second), Expires: now.Add(time.Hour).UTC().Truncate(time.Second)}
	if err := s.SaveAdminSession(ctx, "h1", sess); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.AdminSession(ctx, "h1")
	if err != nil || !ok || !got.Expires.Equal(sess.Expires) || !got.Created.Equal(sess.Created) {
		t.Fatalf("session = %+v %v %v; want %+v", got, ok, err, sess)
	}
	if ttl := srv.Client(t).PTTL(ctx, "carebridge:{admin}:session:h1").Val(); ttl <= 0 || ttl > time.Hour {
		t.Errorf("session key TTL = %v, want up to its expiry", ttl)
	}
	if _, ok, _ := s.AdminSession(ctx, "h2"); ok {
		t.Error("a session never saved was found")
	}
	if err := s.EndAdminSession(ctx, "h1"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.AdminSession(ctx, "h1"); ok {
		t.Error("an ended session was found")
	}
	if err := s.SaveAdminSession(ctx, "old", state.AdminSession{Created: now.Add(-2 * time.Hour), Expires: now.Add(-time.Hour)}); err == nil {
		t.Error("an expired session was saved")
	}

	if err := s.SaveAdminSignInCode(ctx, "c1", time.Minute); err != nil {
		t.Fatal(err)
	}
	var taken atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if ok, err := s.TakeAdminSignInCode(ctx, "c1"); err != nil {
				t.Error(err)
			} else if ok {
				taken.Add(1)
			}
		})
	}
	wg.Wait()
	if taken.Load() != 1 {
		t.Errorf("the code was taken %d times, want once", taken.Load())
	}
	if ok, _ := s.TakeAdminSignInCode(ctx, "never"); ok {
		t.Error("a code never saved was taken")
	}
}
