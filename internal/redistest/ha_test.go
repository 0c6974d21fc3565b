package redistest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/carebridge/carebridge/internal/redistest"
	"github.com/carebridge/carebridge/internal/testkit"
)

// TestSentinelFailoverPromotesTheReplica: a write acknowledged by the
// master and replicated survives the master's SIGKILL; the Sentinels
// promote the replica and a Sentinel-aware client writes to it.
func TestSentinelFailoverPromotesTheReplica(t *testing.T) {
	ctx := context.Background()
	s := redistest.StartSentinel(t)
	c := s.Client(t)
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	// WAIT 1: the replica has it before the master dies.
	if n, err := c.Do(ctx, "WAIT", 1, 10000).Int(); err != nil || n != 1 {
		t.Fatalf("WAIT 1 = %d, %v", n, err)
	}
	old := s.Master()
	old.Kill()
	promoted := s.WaitFailover(old)
	if promoted == old {
		t.Fatal("the killed master is still master")
	}
	testkit.Eventually(t, 30*time.Second, "a write through the Sentinel client after the failover", func() (bool, string) {
		// The client's pool drops its connections to the old master.
		if err := c.Set(ctx, "after", "1", 0).Err(); err != nil {
			return false, err.Error()
		}
		return true, ""
	})
	if got, err := c.Get(ctx, "k").Result(); err != nil || got != "v" {
		t.Fatalf("get after failover = %q, %v; want v", got, err)
	}
	direct := promoted.Client(t)
	if got, err := direct.Get(ctx, "after").Result(); err != nil || got != "1" {
		t.Fatalf("the write after the failover is not on the promoted server: %q, %v", got, err)
	}
}

// TestClusterSpreadsSlotsOverThreeMasters: each of the three nodes owns a
// third of the slots, a Cluster client reaches keys in all of them, and a
// script over keys in different slots is refused (so tests on it prove the
// hash tags).
func TestClusterSpreadsSlotsOverThreeMasters(t *testing.T) {
	ctx := context.Background()
	cl := redistest.StartCluster(t, 3)
	c := cl.Client(t)
	for i := range 30 {
		if err := c.Set(ctx, fmt.Sprintf("k%d", i), i, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range cl.Nodes {
		keys, err := n.Client(t).DBSize(ctx).Result()
		if err != nil || keys == 0 {
			t.Errorf("node %s holds %d keys (%v); want some of the 30", n.Addr(), keys, err)
		}
	}
	err := redis.NewScript(`return redis.call('MGET', KEYS[1], KEYS[2])`).Run(ctx, c, []string{"a", "b"}).Err()
	if err == nil || !strings.Contains(err.Error(), "CROSSSLOT") {
		t.Fatalf("a script over two slots: %v; want CROSSSLOT", err)
	}
}
