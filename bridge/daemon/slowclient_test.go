package daemon_test

import (
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
	get := func(path string) (int, error) {
		resp, err := (&http.Client{Timeout: 5 * time.Second}).Get("http://" + addr.String() + path)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	eventually(t, "the replica ready", func() (bool, string) {
		code, err := get("/readyz")
		return code == http.StatusOK, fmt.Sprint(code, err)
	})
	const n = 50
	conns := make([]net.Conn, n)
	for i := range conns {
		c, err := net.Dial("tcp", addr.String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if _, err := fmt.Fprintf(c, "POST /webhooks/care HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"); err != nil {
			t.Fatal(err)
		}
		conns[i] = c
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
