package daemon_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/config"
)

// TestSlowClientsAreCutOffAndHealthStaysUp: clients that open a webhook
// request and then send its body a byte at a time (or not at all) are cut
// off after http.read_timeout instead of holding their connections for
// good, and /healthz and /readyz answer meanwhile.
func TestSlowClientsAreCutOffAndHealthStaysUp(t *testing.T) {
	w := startWorld(t, manualPolls, func(c *config.Config) { c.HTTP.ReadTimeout = time.Second })
	addr, err := w.d.Listen()
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) (int, error) { return getStatus(addr, path) }
	eventually(t, "the replica ready", func() (bool, string) {
		code, err := get("/readyz")
		return code == http.StatusOK, fmt.Sprint(code, err)
	})
	const n = 50
	conns := make([]net.Conn, n)
	for i := range conns {
		conns[i] = stallWebhook(t, addr)
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if code, err := get(path); err != nil || code != http.StatusOK {
			t.Fatalf("%s while %d clients stall: HTTP %d, %v", path, n, code, err)
		}
	}
	// The server closes each stalled connection once the read timeout has
	// passed (the deadline is 10 times that).
	for i, c := range conns {
		if err := c.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
			t.Fatal(err)
		}
		_, err := io.Copy(io.Discard, c)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("stalled connection %d still open after 10 s; the read timeout is 1 s", i)
		}
	}
}

// TestStalledWebhooksHoldOnlyTheirSlots: with http.max_webhook_requests
// at 5, 20 senders that stall mid-body hold 5 slots; the other 15 are
// answered 503 with Retry-After at once and their connections closed
// (nothing waits for the read timeout), health answers, and the refusals
// are counted.
func TestStalledWebhooksHoldOnlyTheirSlots(t *testing.T) {
	const max, n = 5, 20
	w := startWorld(t, manualPolls, func(c *config.Config) { c.HTTP.MaxWebhookRequests = max })
	addr, err := w.d.Listen()
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "the replica ready", func() (bool, string) {
		code, err := getStatus(addr, "/readyz")
		return code == http.StatusOK, fmt.Sprint(code, err)
	})
	answered := make(chan string, n)
	for range n {
		c := stallWebhook(t, addr)
		go func() {
			// A refused sender is answered and cut off at once; a held one
			// hears nothing before the read timeout (30 s), long after this
			// test has its answer.
			_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				answered <- "nothing: " + err.Error()
				return
			}
			resp.Body.Close()
			answered <- fmt.Sprint(resp.StatusCode, " retry-after=", resp.Header.Get("Retry-After"))
		}()
	}
	for i := range n - max {
		select {
		case a := <-answered:
			if a != "503 retry-after=1" {
				t.Fatalf("answer %d to a sender beyond the cap: %s, want 503 with Retry-After", i, a)
			}
		case <-time.After(15 * time.Second):
			t.Fatalf("%d of %d senders beyond the cap answered; the rest wait", i, n-max)
		}
	}
	if code, err := getStatus(addr, "/healthz"); err != nil || code != http.StatusOK {
		t.Fatalf("/healthz while %d senders stall: %d %v", max, code, err)
	}
	if got := (&actionWorld{w}).metric(t, "carebridge_webhook_requests_refused_total", nil); got != n-max {
		t.Errorf("carebridge_webhook_requests_refused_total = %v, want %d", got, n-max)
	}
}

// getStatus asks the daemon at addr for path and returns the HTTP status.
func getStatus(addr net.Addr, path string) (int, error) {
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get("http://" + addr.String() + path)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// stallWebhook opens a webhook request to addr that announces a body of
// 1,000 bytes and sends one; the connection closes with t.
func stallWebhook(t *testing.T, addr net.Addr) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := fmt.Fprintf(c, "POST /webhooks/care HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"); err != nil {
		t.Fatal(err)
	}
	return c
}
