package state

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Usage: what carebridge spends of the upstreams' budgets, by the hour, for
// every replica together (the admin status shows the last 24 hours).
//
//	{usage}:calls:<system>:<hour>  STRING API calls made to system in that hour (unix hour), expiring
//	{usage}:cases:<hour>          HyperLogLog of the Care cases a reconcile synced in that hour, expiring

// usageKept is how long an hour's usage is kept: a day and the hour being
// counted.
const usageKept = 25 * time.Hour

func (s *UsageStore) callsKey(system string, hour int64) string {
	return s.prefix + "{usage}:calls:" + system + ":" + strconv.FormatInt(hour, 10)
}

func (s *conn) casesKey(hour int64) string {
	return s.prefix + "{usage}:cases:" + strconv.FormatInt(hour, 10)
}

// CountCalls adds the API calls a replica made to each system since it last
// counted (system -> calls) to the hour of at.
func (s *UsageStore) CountCalls(ctx context.Context, at time.Time, calls map[string]int64) error {
	hour := at.Unix() / 3600
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for system, n := range calls {
			if n <= 0 {
				continue
			}
			k := s.callsKey(system, hour)
			p.IncrBy(ctx, k, n)
			p.PExpire(ctx, k, usageKept)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("count API calls: %w", err)
	}
	return nil
}

// addSyncedCases counts the cases in the hour of at, in p.
func (s *conn) addSyncedCases(ctx context.Context, p redis.Pipeliner, at time.Time, careIDs []any) {
	k := s.casesKey(at.Unix() / 3600)
	p.PFAdd(ctx, k, careIDs...)
	p.PExpire(ctx, k, usageKept)
}

// Usage is what carebridge spent in the 24 hours before a time.
type Usage struct {
	Calls map[string]int64 // API calls by system
	Cases int64            // distinct Care cases synced (about: a HyperLogLog's count)
}

// Usage24h reads the usage of the 24 hours up to now (the current hour
// included), in one round trip.
func (s *UsageStore) Usage24h(ctx context.Context, now time.Time, systems ...string) (Usage, error) {
	hour := now.Unix() / 3600
	calls := map[string][]*redis.StringCmd{}
	var cases *redis.IntCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		keys := make([]string, 0, 24)
		for h := hour - 23; h <= hour; h++ {
			keys = append(keys, s.casesKey(h))
			for _, sys := range systems {
				calls[sys] = append(calls[sys], p.Get(ctx, s.callsKey(sys, h)))
			}
		}
		cases = p.PFCount(ctx, keys...)
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return Usage{}, fmt.Errorf("read the usage of the last 24 hours: %w", err)
	}
	u := Usage{Calls: map[string]int64{}, Cases: cases.Val()}
	for sys, cmds := range calls {
		for _, c := range cmds {
			n, err := c.Int64()
			if err != nil && !errors.Is(err, redis.Nil) {
				return Usage{}, fmt.Errorf("read the %s calls of the last 24 hours: %w", sys, err)
			}
			u.Calls[sys] += n
		}
	}
	return u, nil
}
