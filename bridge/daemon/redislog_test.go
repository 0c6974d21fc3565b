package daemon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/carebridge/carebridge/bridge/daemon"
)

// TestRedisLoggerWritesSlogRecords: a line of the Redis client becomes one
// JSON record at warn with the component, not a plain line in a JSON log.
func TestRedisLoggerWritesSlogRecords(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil)).With("component", "redis")
	daemon.RedisLogger(log).Printf(context.Background(), "redis: connection pool: failed to dial after %d attempts: %v", 5, "connection refused")
	var rec map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(buf.Bytes()), &rec); err != nil {
		t.Fatalf("not one JSON record: %q (%v)", buf.String(), err)
	}
	if rec["level"] != "WARN" || rec["component"] != "redis" || rec["msg"] != "connection pool: failed to dial after 5 attempts: connection refused" {
		t.Errorf("record %v", rec)
	}
}
