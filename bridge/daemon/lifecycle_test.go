package daemon_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

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
