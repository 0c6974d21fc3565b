package redistest_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/carebridge/carebridge/internal/redistest"
)

func TestRestartKeepsAOFData(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	c := srv.Client(t)
	// The premise of every test that kills Redis: an acknowledged write is
	// on disk before the reply.
	if got, err := c.ConfigGet(ctx, "appendfsync").Result(); err != nil || got["appendfsync"] != "always" {
		t.Fatalf("appendfsync = %v, %v; want always", got, err)
	}
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("set: %v", err)
	}
	srv.Kill()
	if err := c.Ping(ctx).Err(); err == nil {
		t.Fatal("ping after Kill succeeded; want an error")
	}
	srv.Restart()
	got, err := c.Get(ctx, "k").Result()
	if err != nil {
		t.Fatalf("get after restart: %v", err)
	}
	if got != "v" {
		t.Fatalf("get after restart = %q, want %q", got, "v")
	}
}

func TestWithoutAOFRestartIsEmpty(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, redistest.WithoutAOF())
	c := srv.Client(t)
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("set: %v", err)
	}
	srv.Restart()
	n, err := c.Exists(ctx, "k").Result()
	if err != nil {
		t.Fatalf("exists after restart: %v", err)
	}
	if n != 0 {
		t.Fatalf("key survived a restart without persistence")
	}
}

func TestTwoServersAreIndependent(t *testing.T) {
	ctx := context.Background()
	a, b := redistest.NewClient(t), redistest.NewClient(t)
	if a.Options().Addr == b.Options().Addr {
		t.Fatalf("both servers on %s", a.Options().Addr)
	}
	if err := a.Set(ctx, "only-a", "1", 0).Err(); err != nil {
		t.Fatalf("set: %v", err)
	}
	n, err := b.Exists(ctx, "only-a").Result()
	if err != nil || n != 0 {
		t.Fatalf("exists on b = %d, %v; want 0, nil", n, err)
	}
}

// TestMissingServer runs this test binary again with an empty PATH, once
// without and once with CAREBRIDGE_REQUIRE_REDIS, and checks that a missing
// redis-server skips or fails.
func TestMissingServer(t *testing.T) {
	if os.Getenv("REDISTEST_CHILD") == "1" {
		redistest.Start(t)
		t.Fatal("Start returned without a redis-server on PATH")
	}
	tests := []struct {
		name    string
		require string
		wantErr bool
		want    string
	}{
		{name: "skips", require: "", wantErr: false, want: "SKIP"},
		{name: "fails when required", require: "1", wantErr: true, want: "redis-server not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestMissingServer$", "-test.v")
			cmd.Env = append(os.Environ(), "PATH="+t.TempDir(), "REDISTEST_CHILD=1", redistest.RequireEnv+"="+tt.require)
			out, err := cmd.CombinedOutput()
			if (err != nil) != tt.wantErr {
				t.Fatalf("child err = %v, want error %v; output:\n%s", err, tt.wantErr, out)
			}
			if !strings.Contains(string(out), tt.want) {
				t.Fatalf("child output lacks %q:\n%s", tt.want, out)
			}
		})
	}
}

func TestClusterRefusesCrossSlotAndSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, redistest.WithCluster())
	c := srv.ClusterClient(t)
	if err := c.Set(ctx, "{a}:1", "v", 0).Err(); err != nil {
		t.Fatalf("set: %v", err)
	}
	if err := srv.Client(t).Eval(ctx, "return redis.call('GET', KEYS[1])", []string{"{a}:1", "{b}:1"}).Err(); err == nil ||
		!strings.Contains(err.Error(), "CROSSSLOT") {
		t.Fatalf("script over two slots: %v, want CROSSSLOT", err)
	}
	srv.Restart()
	got, err := c.Get(ctx, "{a}:1").Result()
	if err != nil || got != "v" {
		t.Fatalf("get after restart = %q, %v", got, err)
	}
}
