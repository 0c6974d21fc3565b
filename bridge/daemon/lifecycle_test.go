package daemon_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/carebridge/carebridge/bridge/daemon"
)

// TestRunReturnsWhenItsListenerFails: the HTTP server losing its listener
// stops the whole daemon with the cause, instead of leaving a process that
// runs workers but can take no webhook or probe.
func TestRunReturnsWhenItsListenerFails(t *testing.T) {
	w := startWorld(t) // builds the sandboxes and a config
	w.stop()
	d, err := daemon.New(w.cfg, logger(t))
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Serve(l); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	eventually(t, "the daemon serving", func() (bool, string) {
		c, err := net.Dial("tcp", l.Addr().String())
		if err == nil {
			c.Close()
		}
		return err == nil, ""
	})
	l.Close()
	select {
	case err := <-done:
		if err == nil || !errors.Is(err, net.ErrClosed) {
			t.Fatalf("Run returned %v, want the listener's failure", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after its listener failed")
	}
}

// TestNoGoroutineOutlivesRun: a daemon that worked (webhooks, polls,
// workers, batched calls, the leader lease) and was stopped leaves no
// goroutine behind, so a process embedding it, or a test run of many, does
// not leak.
func TestNoGoroutineOutlivesRun(t *testing.T) {
	w := startWorld(t) // builds the sandboxes and a config
	w.stop()
	// The sandboxes, Redis and their clients stay; the snapshot excludes them.
	ignore := goleak.IgnoreCurrent()

	d, err := daemon.New(w.cfg, logger(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	w.d = d
	w.linked(t, "leak_1", strPtr("agent_ana"))
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return")
	}
	if err := goleak.Find(ignore); err != nil {
		t.Fatalf("goroutines outlived Run: %v", err)
	}
}
