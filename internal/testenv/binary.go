// Package testenv runs carebridge as a real operating-system process against
// both sandboxes (served on loopback listeners inside the test process) and a
// real Redis (internal/redistest), so tests can SIGKILL it, restart it and run
// several replicas side by side.
//
// A typical test:
//
//	redis := redistest.Start(t)
//	sb := testenv.StartSandboxes(t)
//	cfg := testenv.WriteConfig(t, sb, testenv.Config{RedisAddr: redis.Addr()})
//	p := testenv.StartDaemon(t, cfg)
//	sb.Escalate(t, "case_1", rules.Facebook, nil)
//	testkit.Eventually(t, 20*time.Second, "the Salesforce Case", func() (bool, string) { ... })
//	p.Kill()
//
// Test packages that use BuildBinary should call RunTests from TestMain so the
// built binary is removed when the tests end.
package testenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// buildTimeout bounds `go build` of the daemon (a cold cache on a busy
// machine is slow, but not this slow).
const buildTimeout = 5 * time.Minute

// build is the binary built once per test process.
type build struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// binary is the per-process build cache. It is written once, under the
// sync.Once, and only read afterwards.
var binary build

// BuildBinary builds ./cmd/carebridge once per test process (later calls
// return the same path) and returns the binary's path. A build failure fails
// the test with the compiler's output.
func BuildBinary(t testing.TB) string {
	t.Helper()
	binary.once.Do(func() { binary.path, binary.dir, binary.err = buildCarebridge() })
	if binary.err != nil {
		t.Fatalf("testenv: %v", binary.err)
	}
	return binary.path
}

// RunTests runs the package's tests and then removes the binary that
// BuildBinary built. Use it from TestMain: os.Exit(testenv.RunTests(m)).
func RunTests(m *testing.M) int {
	code := m.Run()
	if binary.dir != "" {
		_ = os.RemoveAll(binary.dir)
	}
	return code
}

func buildCarebridge() (path, dir string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	root, err := moduleRoot(ctx)
	if err != nil {
		return "", "", err
	}
	dir, err = os.MkdirTemp("", "carebridge-testenv-")
	if err != nil {
		return "", "", fmt.Errorf("build carebridge: temp dir: %w", err)
	}
	path = filepath.Join(dir, "carebridge")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", path, "./cmd/carebridge")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		_ = os.RemoveAll(dir)
		return "", "", fmt.Errorf("go build ./cmd/carebridge: %w\n%s", err, out)
	}
	return path, dir, nil
}

// moduleRoot is the directory holding carebridge's go.mod.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("find module root: go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("find module root: not inside a Go module")
	}
	return filepath.Dir(gomod), nil
}
