// Package redisscript sends several Lua script calls to Redis in one round
// trip.
package redisscript

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// Call is one script call: the script, its keys and its arguments. A Call
// without a script is a plain command: Args are the command and its
// arguments (Keys are not used), for a step that needs no script.
type Call struct {
	Script *redis.Script
	Keys   []string
	Args   []any
}

// Client is the part of a Redis client Pipeline needs.
type Client interface {
	redis.Scripter
	Pipelined(ctx context.Context, fn func(redis.Pipeliner) error) ([]redis.Cmder, error)
}

// Pipeline runs calls in order in one round trip by EVALSHA. When Redis
// does not know a script (its first use, or after a restart emptied the
// script cache), Pipeline loads the scripts that failed and runs the calls
// again from the first that failed, in order: a call after it that had
// succeeded runs twice, so such calls must be safe to repeat. It returns
// each call's answer in order, and the first error among them (a script
// that returned nothing is no error).
func Pipeline(ctx context.Context, rdb Client, calls []Call) ([]*redis.Cmd, error) {
	cmds := run(ctx, rdb, calls)
	first := -1
	for i, c := range cmds {
		if redis.HasErrorPrefix(c.Err(), "NOSCRIPT") {
			first = i
			break
		}
	}
	if first >= 0 {
		loaded := map[*redis.Script]bool{}
		for i := first; i < len(calls); i++ {
			s := calls[i].Script
			if s == nil || loaded[s] || !redis.HasErrorPrefix(cmds[i].Err(), "NOSCRIPT") {
				continue
			}
			if err := s.Load(ctx, rdb).Err(); err != nil {
				return cmds, fmt.Errorf("load a script: %w", err)
			}
			loaded[s] = true
		}
		again := run(ctx, rdb, calls[first:])
		copy(cmds[first:], again)
	}
	for _, c := range cmds {
		if cerr := c.Err(); cerr != nil && !errors.Is(cerr, redis.Nil) {
			return cmds, fmt.Errorf("%d script calls: %w", len(calls), cerr)
		}
	}
	return cmds, nil
}

// Load teaches Redis scripts before their first use, so that the first
// calls of a burst (every worker at once after a start) do not each meet
// NOSCRIPT, load the script and send their calls again. On a cluster every
// shard learns them.
func Load(ctx context.Context, rdb redis.Scripter, scripts ...*redis.Script) error {
	for _, s := range scripts {
		if err := s.Load(ctx, rdb).Err(); err != nil {
			return fmt.Errorf("load a script: %w", err)
		}
	}
	return nil
}

// run sends calls in one pipeline; each answer, a failure of the whole
// round trip included, is read from its command.
func run(ctx context.Context, rdb Client, calls []Call) []*redis.Cmd {
	cmds := make([]*redis.Cmd, len(calls))
	_, _ = rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, c := range calls {
			if c.Script == nil {
				cmds[i] = p.Do(ctx, c.Args...)
				continue
			}
			cmds[i] = c.Script.EvalSha(ctx, p, c.Keys, c.Args...)
		}
		return nil
	})
	return cmds
}
