package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
)

// RedisLogger routes the Redis client's own log lines (connection pool
// trouble such as "failed to dial after 5 attempts") into log at warn, so
// that a JSON log stays JSON and the lines carry component=redis. The
// client's logger is process-wide: the command that builds the process's
// logger installs it once with redis.SetLogger.
func RedisLogger(log *slog.Logger) *RedisLog { return &RedisLog{log: log} }

// RedisLog is the Redis client's logger on slog.
type RedisLog struct{ log *slog.Logger }

// Printf logs one line of the Redis client.
func (l *RedisLog) Printf(ctx context.Context, format string, v ...any) {
	msg := strings.TrimPrefix(fmt.Sprintf(format, v...), "redis: ")
	l.log.WarnContext(ctx, msg)
}
