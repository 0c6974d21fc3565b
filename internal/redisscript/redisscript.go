// Package redisscript sends several Lua script calls to Redis in one round
// trip.
package redisscript

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// Call is one script call: the script, its keys and its arguments.
type Call struct {
	Script *redis.Script
	Keys   []string
	Args   []any
}

// Pipeliner is the part of a Redis client Pipeline needs.
type Pipeliner interface {
	Pipelined(ctx context.Context, fn func(redis.Pipeliner) error) ([]redis.Cmder, error)
}

// Pipeline runs calls in one round trip by EVALSHA. When Redis does not
// know one of the scripts (its first use, or after a restart emptied the
// script cache) it runs them all once more by EVAL, so every call must be
// safe to repeat. It returns each call's answer in order, and the first
// error among them (a script that returned nothing is no error).
func Pipeline(ctx context.Context, rdb Pipeliner, calls []Call) ([]*redis.Cmd, error) {
	cmds, err := run(ctx, rdb, calls, func(c Call, p redis.Pipeliner) *redis.Cmd {
		return c.Script.EvalSha(ctx, p, c.Keys, c.Args...)
	})
	for _, c := range cmds {
		if redis.HasErrorPrefix(c.Err(), "NOSCRIPT") {
			cmds, err = run(ctx, rdb, calls, func(c Call, p redis.Pipeliner) *redis.Cmd {
				return c.Script.Eval(ctx, p, c.Keys, c.Args...)
			})
			break
		}
	}
	if err != nil && !errors.Is(err, redis.Nil) {
		return cmds, fmt.Errorf("%d script calls: %w", len(calls), err)
	}
	return cmds, nil
}

func run(ctx context.Context, rdb Pipeliner, calls []Call, eval func(Call, redis.Pipeliner) *redis.Cmd) ([]*redis.Cmd, error) {
	cmds := make([]*redis.Cmd, len(calls))
	_, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, c := range calls {
			cmds[i] = eval(c, p)
		}
		return nil
	})
	return cmds, err
}
