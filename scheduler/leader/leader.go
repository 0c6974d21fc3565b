// Package leader elects one replica to run pollers and cron jobs, with a
// lease in Redis: SET NX PX with a random token to acquire, a Lua
// compare-and-pexpire to renew, a compare-and-del to release. Every
// acquisition also takes a fencing token from a counter (INCR) that only
// grows, so a write made by a former leader can be told from the current
// leader's.
package leader

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

// acquireScript: KEYS lease, fence. ARGV token, ttl ms.
// Returns the new fencing token, or 0 when the lease is held.
var acquireScript = redis.NewScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return 0
`)

// renewScript: KEYS lease. ARGV token, ttl ms. Returns 1 renewed, 0 lost.
var renewScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`)

// releaseScript: KEYS lease. ARGV token. Returns 1 released, 0 not held.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

// Elector campaigns for one leader lease. Create one per replica and role.
type Elector struct {
	rdb      redis.UniversalClient
	leaseKey string
	fenceKey string
	ttl      time.Duration
	id       string
	log      *slog.Logger
	gauge    prometheus.Gauge
	leader   atomic.Bool
	fence    atomic.Int64
}

// New returns an elector for the lease at key (e.g. "carebridge:{leader}";
// a key without a hash tag is wrapped in one so its lease and fencing
// counter share a Cluster slot). ttl is how long a lease lives without
// renewal: a crashed leader is replaced within about ttl. id names this
// replica in logs and in the lease value. The carebridge_leader gauge is
// registered on reg when reg is not nil.
func New(rdb redis.UniversalClient, key string, ttl time.Duration, id string, logger *slog.Logger, reg prometheus.Registerer) (*Elector, error) {
	if key == "" {
		return nil, errors.New("leader: empty key")
	}
	if ttl < 30*time.Millisecond {
		return nil, fmt.Errorf("leader %s: ttl %v too short (at least 30ms)", key, ttl)
	}
	if logger == nil {
		logger = slog.Default()
	}
	if !strings.Contains(key, "{") {
		key = "{" + key + "}"
	}
	e := &Elector{
		rdb:      rdb,
		leaseKey: key + ":lease",
		fenceKey: key + ":fence",
		ttl:      ttl,
		id:       id,
		log:      logger.With("lease", key, "replica", id),
		gauge: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "carebridge", Name: "leader",
			Help: "1 while this replica holds the leader lease, else 0.",
		}),
	}
	if reg != nil {
		if err := reg.Register(e.gauge); err != nil {
			return nil, fmt.Errorf("leader %s: register metric: %w", key, err)
		}
	}
	return e, nil
}

// IsLeader reports whether this elector holds the lease now.
func (e *Elector) IsLeader() bool { return e.leader.Load() }

// Fence returns the fencing token of the current leadership, 0 when not
// leading.
func (e *Elector) Fence() int64 {
	if !e.leader.Load() {
		return 0
	}
	return e.fence.Load()
}

type fenceKey struct{}

// FenceFromContext returns the fencing token carried by the context passed
// to onElected.
func FenceFromContext(ctx context.Context) (int64, bool) {
	f, ok := ctx.Value(fenceKey{}).(int64)
	return f, ok
}

// Run campaigns until ctx ends. Whenever this replica wins the lease it
// calls onElected with a context that is cancelled when the leadership is
// lost (renewal refused, or renewals failing for longer than the lease can
// bear) or ctx ends; onElected must return promptly then. When onElected
// returns on its own the lease is released and the campaign goes on. Run
// releases the lease before returning, so a successor takes over at once.
func (e *Elector) Run(ctx context.Context, onElected func(ctx context.Context)) {
	retry := e.ttl / 3
	failing := false
	for {
		// The lease can only have been taken after this instant, so
		// counting its life from here is safe.
		sent := time.Now()
		fence, token, err := e.acquire(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			if !failing { // log an outage once, not every try
				e.log.WarnContext(ctx, "leader: campaign failed", "err", err)
				failing = true
			}
		case fence > 0:
			failing = false
			e.lead(ctx, fence, token, sent.Add(e.ttl), onElected)
		default:
			failing = false
		}
		if !wait(ctx, retry) {
			return
		}
	}
}

func (e *Elector) acquire(ctx context.Context) (fence int64, token string, err error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return 0, "", fmt.Errorf("leader %s: random token: %w", e.leaseKey, err)
	}
	token = e.id + "/" + hex.EncodeToString(b)
	actx, cancel := context.WithTimeout(ctx, e.ttl/3)
	defer cancel()
	fence, err = acquireScript.Run(actx, e.rdb, []string{e.leaseKey, e.fenceKey}, token, e.ttl.Milliseconds()).Int64()
	if err != nil {
		return 0, "", fmt.Errorf("leader %s: acquire: %w", e.leaseKey, err)
	}
	return fence, token, nil
}

// lead runs onElected while renewing the lease.
func (e *Elector) lead(ctx context.Context, fence int64, token string, validUntil time.Time, onElected func(context.Context)) {
	e.fence.Store(fence)
	e.leader.Store(true)
	e.gauge.Set(1)
	e.log.InfoContext(ctx, "leader: elected", "fence", fence)

	lctx, cancel := context.WithCancel(context.WithValue(ctx, fenceKey{}, fence))
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		defer func() {
			// A panicking job must not take the process down: step down
			// and let the campaign go on.
			if p := recover(); p != nil {
				e.log.ErrorContext(ctx, "leader: onElected panicked; stepping down", "panic", fmt.Sprint(p))
			}
		}()
		onElected(lctx)
	}()

	reason := e.renewLoop(lctx, token, validUntil, finished)
	e.leader.Store(false)
	e.gauge.Set(0)
	cancel()
	<-finished

	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), e.ttl/3)
	defer rcancel()
	if err := releaseScript.Run(rctx, e.rdb, []string{e.leaseKey}, token).Err(); err != nil {
		e.log.WarnContext(ctx, "leader: release failed; the lease will expire", "err", err)
	}
	e.log.InfoContext(ctx, "leader: stepped down", "fence", fence, "reason", reason)
}

// renewLoop renews every ttl/3 until ctx ends, onElected returns, or the
// lease is lost, and says why it stopped. A renewal error is retried, but
// never past the moment the lease could expire (less a margin for clock
// drift), because another replica may take it from then on.
func (e *Elector) renewLoop(ctx context.Context, token string, validUntil time.Time, finished <-chan struct{}) string {
	every := e.ttl / 3
	margin := e.ttl / 4
	next := every
	failing := false
	for {
		stepDown := time.Until(validUntil.Add(-margin))
		if stepDown <= 0 {
			return "renewal failed"
		}
		t := time.NewTimer(min(next, stepDown))
		select {
		case <-ctx.Done():
			t.Stop()
			return "shutdown"
		case <-finished:
			t.Stop()
			return "work finished"
		case <-t.C:
		}
		sent := time.Now()
		deadline := validUntil.Add(-margin)
		if deadline.Sub(sent) <= 0 {
			e.log.ErrorContext(ctx, "leader: renewal failing; stepping down before the lease expires")
			return "renewal failed"
		}
		if d := sent.Add(every); d.Before(deadline) {
			deadline = d
		}
		rctx, cancel := context.WithDeadline(ctx, deadline)
		ok, err := renewScript.Run(rctx, e.rdb, []string{e.leaseKey}, token, e.ttl.Milliseconds()).Int()
		cancel()
		switch {
		case err == nil && ok == 1:
			validUntil = sent.Add(e.ttl)
			next = every
			failing = false
		case err == nil:
			e.log.WarnContext(ctx, "leader: lease lost to another replica")
			return "lease lost"
		case ctx.Err() != nil:
			return "shutdown"
		default:
			if !failing {
				e.log.WarnContext(ctx, "leader: renewal failed; retrying", "err", err)
				failing = true
			}
			next = every / 4
		}
	}
}

// wait sleeps d or until ctx ends; it reports whether ctx is still live.
func wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
