package state

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Replica is the heartbeat of one carebridge process: who it is, since when
// it runs, whether it leads, and what it saw last (the leader polls and
// follows the change stream, so its times are the bridge's).
type Replica struct {
	ID       string    `json:"id"`
	Version  string    `json:"version"`
	Started  time.Time `json:"started"`
	LastSeen time.Time `json:"last_seen"`
	Leader   bool      `json:"leader"`
	// Sources are the last successful poll or event per source ("care",
	// "salesforce", "salesforce_changes"); absent when never.
	Sources map[string]time.Time `json:"sources,omitempty"`
}

func (s *ReplicaStore) replicasKey() string { return s.prefix + "{replicas}" }

// Heartbeat stores r (LastSeen set to now) as alive for ttl. It is one
// round trip: the hash field and the key's expiry are pipelined, so the
// hash disappears once every replica stopped beating.
func (s *ReplicaStore) Heartbeat(ctx context.Context, r Replica, ttl time.Duration) error {
	r.LastSeen = s.clock().UTC()
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("heartbeat of replica %q: %w", r.ID, err)
	}
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.replicasKey(), r.ID, b)
		p.PExpire(ctx, s.replicasKey(), ttl)
		return nil
	})
	if err != nil {
		return fmt.Errorf("heartbeat of replica %q: %w", r.ID, err)
	}
	return nil
}

// ForgetReplica removes a replica's heartbeat (a clean shutdown).
func (s *ReplicaStore) ForgetReplica(ctx context.Context, id string) error {
	if err := s.rdb.HDel(ctx, s.replicasKey(), id).Err(); err != nil {
		return fmt.Errorf("forget replica %q: %w", id, err)
	}
	return nil
}

// Replicas returns the replicas seen within ttl, by id. Heartbeats older
// than that (a replica that died without saying goodbye) are dropped.
func (s *ReplicaStore) Replicas(ctx context.Context, ttl time.Duration) ([]Replica, error) {
	raw, err := s.rdb.HGetAll(ctx, s.replicasKey()).Result()
	if err != nil {
		return nil, fmt.Errorf("read replica heartbeats: %w", err)
	}
	cutoff := s.clock().Add(-ttl)
	out := make([]Replica, 0, len(raw))
	var stale []string
	for id, v := range raw {
		var r Replica
		if err := json.Unmarshal([]byte(v), &r); err != nil {
			return nil, fmt.Errorf("read heartbeat of replica %q: %w", id, err)
		}
		if r.LastSeen.Before(cutoff) {
			stale = append(stale, id)
			continue
		}
		out = append(out, r)
	}
	if len(stale) > 0 {
		if err := s.rdb.HDel(ctx, s.replicasKey(), stale...).Err(); err != nil {
			return nil, fmt.Errorf("drop stale replica heartbeats: %w", err)
		}
	}
	slices.SortFunc(out, func(a, b Replica) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}
