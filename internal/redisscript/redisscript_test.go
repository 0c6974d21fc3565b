package redisscript_test

import (
	"context"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/carebridge/carebridge/internal/redisscript"
	"github.com/carebridge/carebridge/internal/redistest"
)

var incrBy = redis.NewScript(`return redis.call('INCRBY', KEYS[1], ARGV[1])`)

// TestPipelineAnswersInOrderAndTeachesRedisItsScripts: the calls' answers
// come back in order, the first time (Redis does not know the script:
// it is sent) and after Redis forgot it.
func TestPipelineAnswersInOrderAndTeachesRedisItsScripts(t *testing.T) {
	rdb := redistest.Start(t, redistest.WithoutAOF()).Client(t)
	ctx := context.Background()
	calls := []redisscript.Call{
		{Script: incrBy, Keys: []string{"{t}:a"}, Args: []any{2}},
		{Script: incrBy, Keys: []string{"{t}:b"}, Args: []any{5}},
	}
	for round, flush := range []bool{false, false, true} {
		if flush {
			if err := rdb.ScriptFlush(ctx).Err(); err != nil {
				t.Fatal(err)
			}
		}
		cmds, err := redisscript.Pipeline(ctx, rdb, calls)
		if err != nil {
			t.Fatal(err)
		}
		// When Redis did not know the script, both calls failed and ran
		// again once: each ran once per round.
		a, _ := cmds[0].Int()
		b, _ := cmds[1].Int()
		if a%2 != 0 || b%5 != 0 || a/2 != b/5 || a < 2*(round+1) {
			t.Fatalf("round %d: answers %d, %d out of order or missing", round, a, b)
		}
	}
	// Redis learnt each script once (SCRIPT LOAD), not with every call.
	if stats, err := rdb.Info(ctx, "commandstats").Result(); err != nil || strings.Contains(stats, "cmdstat_eval:") {
		t.Fatalf("scripts sent with their calls (EVAL) instead of loaded once: %v\n%s", err, stats)
	}
	if _, err := redisscript.Pipeline(ctx, rdb, []redisscript.Call{{Script: redis.NewScript(`return redis.error_reply('refused')`)}}); err == nil {
		t.Fatal("a script's error is not returned")
	}
}
