package daemon_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/daemon"
	"github.com/carebridge/carebridge/internal/testkit"
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
	testkit.Eventually(t, 20*time.Second, "the daemon serving", func() (bool, string) {
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

	// With the admin UI on its own listener, whose server stops too.
	w.cfg.Admin.Listen = "127.0.0.1:0"
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

// TestMetricsUseNoLabelPrometheusReserves: a scrape adds job and instance
// to every series; a metric label of either name would be stored as
// exported_job or exported_instance, and alerts and panels that use it
// would never match.
func TestMetricsUseNoLabelPrometheusReserves(t *testing.T) {
	w := startWorld(t, manualPolls)
	families, err := w.d.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "job" || l.GetName() == "instance" {
					t.Errorf("%s has a label %q, which Prometheus reserves for the scrape", f.GetName(), l.GetName())
				}
			}
		}
	}
}

// TestBuildInfoSaysTheBinarysVersion: carebridge_build_info carries the
// version the binary was built with, as `carebridge version` prints it.
func TestBuildInfoSaysTheBinarysVersion(t *testing.T) {
	w := startWorld(t, manualPolls, func(c *config.Config) { c.Version = "1.2.3-test" })
	families, err := w.d.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "carebridge_build_info" {
			continue
		}
		for _, l := range f.GetMetric()[0].GetLabel() {
			if l.GetName() == "version" && l.GetValue() != "1.2.3-test" {
				t.Errorf("build_info version = %q, want 1.2.3-test", l.GetValue())
			}
		}
		return
	}
	t.Fatal("no carebridge_build_info")
}
