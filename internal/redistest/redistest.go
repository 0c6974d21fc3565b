// Package redistest starts real redis-server processes for tests.
//
// Every test that involves Redis uses a real server, started on a free
// loopback port with its data in t.TempDir(). When redis-server is not on
// PATH the test is skipped, unless CAREBRIDGE_REQUIRE_REDIS=1 (CI sets it), in
// which case it fails.
package redistest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// RequireEnv names the environment variable that turns a missing
// redis-server from a skip into a failure.
const RequireEnv = "CAREBRIDGE_REQUIRE_REDIS"

// startTimeout bounds how long a server may take to answer PING.
const startTimeout = 15 * time.Second

// config is what Options change.
type config struct {
	appendOnly bool
	cluster    bool
	// clusterMember: cluster mode without claiming slots (StartCluster
	// hands them out).
	clusterMember bool
	// sentinel, when set, runs a Sentinel with these monitor lines
	// instead of a Redis server.
	sentinel []string
	args     []string
}

// Option changes how the server is started.
type Option func(*config)

// WithoutAOF starts the server without persistence (no AOF, no RDB): a
// Restart then comes back empty.
func WithoutAOF() Option { return func(c *config) { c.appendOnly = false } }

// WithCluster starts the server in cluster mode as a one-node cluster that
// owns every slot. Redis then refuses multi-key commands and scripts whose
// keys span slots (CROSSSLOT), so tests on it prove the hash tags are
// right. Use ClusterClient to talk to it.
func WithCluster() Option { return func(c *config) { c.cluster = true } }

// WithArgs adds raw redis-server arguments, e.g. "--maxmemory", "10mb".
func WithArgs(args ...string) Option {
	return func(c *config) { c.args = append(c.args, args...) }
}

// Server is one redis-server process owned by a test.
type Server struct {
	t    testing.TB
	bin  string
	dir  string
	port int
	cfg  config
	// confPort is the port the Sentinel's config file was written for.
	confPort int
	mu       sync.Mutex
	cmd      *exec.Cmd
	exited   chan struct{}
}

// Start runs a redis-server for t on a free loopback port, waits until it
// answers PING and stops it when the test ends. By default it runs with
// `--save "" --appendonly yes --appendfsync always`, the settings carebridge
// needs for its no-loss promise (docs/operations.md): every write a client
// saw acknowledged is in the AOF, so Kill and Restart keep it. (With
// `appendfsync everysec` Redis may hold back acknowledged writes while an
// fsync is slow, and a SIGKILL loses them: a test killing such a server
// would test nothing.)
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if v := os.Getenv(RequireEnv); v != "" && v != "0" {
			t.Fatalf("redistest: redis-server not found on PATH and %s is set: install redis-server (Debian package redis-server)", RequireEnv)
		}
		t.Skipf("redistest: redis-server not found on PATH; install it or set %s=1 to make this a failure", RequireEnv)
	}
	cfg := config{appendOnly: true}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{t: t, bin: bin, dir: t.TempDir(), cfg: cfg}
	t.Cleanup(s.stop)

	var lastErr error
	for range 5 { // another process may grab the free port between probe and bind
		port, err := freePort()
		if err != nil {
			t.Fatalf("redistest: find free port: %v", err)
		}
		s.port = port
		if lastErr = s.launch(); lastErr == nil {
			return s
		}
	}
	t.Fatalf("redistest: start redis-server: %v", lastErr)
	return nil
}

// NewClient starts a server for t and returns a client for it: the short
// form for tests that need nothing else.
func NewClient(t testing.TB, opts ...Option) *redis.Client {
	t.Helper()
	return Start(t, opts...).Client(t)
}

// ClusterClient returns a go-redis cluster client for a server started
// WithCluster, closed when t ends.
func (s *Server) ClusterClient(t testing.TB) *redis.ClusterClient {
	t.Helper()
	if !s.cfg.cluster {
		t.Fatal("redistest: ClusterClient needs a server started WithCluster")
	}
	return clusterClient(t, []string{s.Addr()})
}

func clusterClient(t testing.TB, addrs []string) *redis.ClusterClient {
	c := redis.NewClusterClient(&redis.ClusterOptions{
		Addrs:        addrs,
		DialTimeout:  2 * time.Second,
		ReadTimeout:  2 * time.Second,
		WriteTimeout: 2 * time.Second,
	})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// claimSlots gives the one node every slot (unless nodes.conf kept them
// from before a restart) and waits for the cluster to report ok.
func (s *Server) claimSlots(deadline time.Time) error {
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: s.Addr(), DialTimeout: time.Second})
	defer c.Close()
	info, err := c.ClusterInfo(ctx).Result()
	if err != nil {
		return fmt.Errorf("cluster info: %w", err)
	}
	if strings.Contains(info, "cluster_slots_assigned:0") {
		if err := c.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", 0, 16383).Err(); err != nil {
			return fmt.Errorf("cluster addslotsrange: %w", err)
		}
	}
	for {
		info, err := c.ClusterInfo(ctx).Result()
		if err == nil && strings.Contains(info, "cluster_state:ok") {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("cluster not ok by deadline: %v %s", err, info)
		}
		time.Sleep(10 * time.Millisecond) // polling interval while the cluster settles
	}
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// Dir is the server's data directory.
func (s *Server) Dir() string { return s.dir }

// Client returns a go-redis client for the server, closed when t ends.
func (s *Server) Client(t testing.TB) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{
		Addr:         s.Addr(),
		DialTimeout:  2 * time.Second,
		ReadTimeout:  2 * time.Second,
		WriteTimeout: 2 * time.Second,
	})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Kill stops the server with SIGKILL and waits for it to exit. Every write
// acknowledged before it is in the AOF (appendfsync always); a later Restart
// brings it back.
func (s *Server) Kill() {
	s.t.Helper()
	s.stop()
}

// Restart kills the server if it is running and starts it again on the same
// port with the same data directory.
func (s *Server) Restart() {
	s.t.Helper()
	s.stop()
	deadline := time.Now().Add(startTimeout)
	for {
		err := s.launch()
		if err == nil {
			return
		}
		// The port may linger for a moment after the kill.
		if time.Now().After(deadline) || !strings.Contains(err.Error(), "in use") {
			s.t.Fatalf("redistest: restart redis-server on %s: %v", s.Addr(), err)
		}
		time.Sleep(50 * time.Millisecond) // back-off between bind attempts, not synchronisation
	}
}

func (s *Server) args() ([]string, error) {
	if s.cfg.sentinel != nil {
		return s.sentinelArgs()
	}
	a := []string{
		"--port", strconv.Itoa(s.port),
		"--bind", "127.0.0.1",
		"--dir", s.dir,
		"--logfile", "redis.log",
		"--daemonize", "no",
		"--save", "",
	}
	if s.cfg.cluster || s.cfg.clusterMember {
		a = append(a, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf")
	}
	if s.cfg.appendOnly {
		a = append(a, "--appendonly", "yes", "--appendfsync", "always")
	} else {
		a = append(a, "--appendonly", "no")
	}
	return append(a, s.cfg.args...), nil
}

func (s *Server) launch() error {
	args, err := s.args()
	if err != nil {
		return err
	}
	cmd := exec.Command(s.bin, args...)
	cmd.Dir = s.dir
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("exec %s: %w", s.bin, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	s.mu.Lock()
	s.cmd, s.exited = cmd, exited
	s.mu.Unlock()

	deadline := time.Now().Add(startTimeout)
	for {
		select {
		case <-exited:
			s.mu.Lock()
			s.cmd, s.exited = nil, nil
			s.mu.Unlock()
			return fmt.Errorf("redis-server exited during start-up: %s", s.logTail())
		default:
		}
		if ping(s.Addr()) == nil {
			if s.cfg.cluster {
				return s.claimSlots(deadline)
			}
			return nil
		}
		if time.Now().After(deadline) {
			s.stop()
			return fmt.Errorf("no PONG from %s within %s: %s", s.Addr(), startTimeout, s.logTail())
		}
		time.Sleep(10 * time.Millisecond) // polling interval while waiting for PONG
	}
}

func (s *Server) stop() {
	s.mu.Lock()
	cmd, exited := s.cmd, s.exited
	s.cmd, s.exited = nil, nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Kill()
	<-exited
}

func (s *Server) logTail() string {
	b, err := os.ReadFile(filepath.Join(s.dir, "redis.log"))
	if err != nil {
		return "(no log)"
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 5 {
		lines = lines[len(lines)-5:]
	}
	return strings.Join(lines, " | ")
}

// ping sends an inline PING and expects +PONG (a server still loading its
// AOF answers -LOADING, which counts as not ready).
func ping(addr string) error {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Second))
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(conn).ReadBytes('\n')
	if err != nil {
		return err
	}
	if !bytes.HasPrefix(line, []byte("+PONG")) {
		return errors.New(strings.TrimSpace(string(line)))
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
