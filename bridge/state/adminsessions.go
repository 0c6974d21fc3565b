package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// AdminSession is an admin signed in to the admin UI from a browser. The
// store keeps it under a keyed hash of the session's secret (the admin
// package computes it): Redis never holds a session id or a sign-in code
// that could be replayed.
type AdminSession struct {
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
}

func (s *AdminStore) adminSessionKey(hash string) string { return s.prefix + "{admin}:session:" + hash }
func (s *AdminStore) adminCodeKey(hash string) string    { return s.prefix + "{admin}:code:" + hash }

// SaveAdminSession stores a session until it expires; every replica finds
// it (AdminSession).
func (s *AdminStore) SaveAdminSession(ctx context.Context, hash string, sess AdminSession) error {
	ttl := sess.Expires.Sub(s.clock())
	if ttl <= 0 {
		return fmt.Errorf("save admin session: it expired at %s", sess.Expires.Format(time.RFC3339))
	}
	b, err := json.Marshal(sess)
	if err != nil {
		return fmt.Errorf("save admin session: %w", err)
	}
	if err := s.rdb.Set(ctx, s.adminSessionKey(hash), b, ttl).Err(); err != nil {
		return fmt.Errorf("save admin session: %w", err)
	}
	return nil
}

// AdminSession reads a session; false when there is none (never made,
// signed out or expired).
func (s *AdminStore) AdminSession(ctx context.Context, hash string) (AdminSession, bool, error) {
	b, err := s.rdb.Get(ctx, s.adminSessionKey(hash)).Bytes()
	if errors.Is(err, redis.Nil) {
		return AdminSession{}, false, nil
	}
	if err != nil {
		return AdminSession{}, false, fmt.Errorf("read admin session: %w", err)
	}
	var sess AdminSession
	if err := json.Unmarshal(b, &sess); err != nil {
		return AdminSession{}, false, fmt.Errorf("read admin session: %w", err)
	}
	if !sess.Expires.After(s.clock()) {
		return AdminSession{}, false, nil
	}
	return sess, true, nil
}

// EndAdminSession removes a session (sign-out): no replica accepts it
// again.
func (s *AdminStore) EndAdminSession(ctx context.Context, hash string) error {
	if err := s.rdb.Del(ctx, s.adminSessionKey(hash)).Err(); err != nil {
		return fmt.Errorf("end admin session: %w", err)
	}
	return nil
}

// SaveAdminSignInCode stores a one-time sign-in code for ttl.
func (s *AdminStore) SaveAdminSignInCode(ctx context.Context, hash string, ttl time.Duration) error {
	if err := s.rdb.Set(ctx, s.adminCodeKey(hash), s.clock().UTC().Format(time.RFC3339), ttl).Err(); err != nil {
		return fmt.Errorf("save admin sign-in code: %w", err)
	}
	return nil
}

// TakeAdminSignInCode uses up a sign-in code: true for the one call that
// finds it, false for every later one and for a code never made or
// expired.
func (s *AdminStore) TakeAdminSignInCode(ctx context.Context, hash string) (bool, error) {
	err := s.rdb.GetDel(ctx, s.adminCodeKey(hash)).Err()
	if errors.Is(err, redis.Nil) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("take admin sign-in code: %w", err)
	}
	return true, nil
}
