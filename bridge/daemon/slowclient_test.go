package daemon_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/internal/testenv"
	"github.com/carebridge/carebridge/internal/testkit"
)

// TestSlowClientsAreCutOffAndHealthStaysUp: clients that open a webhook
// request and then send its body a byte at a time (or not at all) are cut
// off after http.read_timeout instead of holding their connections for
// good, and /healthz and /readyz answer meanwhile.
func TestSlowClientsAreCutOffAndHealthStaysUp(t *testing.T) {
	w := startWorld(t, manualPolls, func(c *config.Config) { c.HTTP.ReadTimeout = time.Second })
	addr := w.listenReady(t)
	get := func(path string) (int, error) { return getStatus(addr, path) }
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
// at 5, 20 senders (with a well-formed signature header, so they are read
// until their body is in) that stall mid-body hold 5 slots; the other 15 are
// answered 503 with Retry-After at once and their connections closed
// (nothing waits for the read timeout), health answers, and the refusals
// are counted.
func TestStalledWebhooksHoldOnlyTheirSlots(t *testing.T) {
	const max, n = 5, 20
	w := startWorld(t, manualPolls, func(c *config.Config) {
		c.HTTP.MaxWebhookRequests, c.HTTP.WebhookBodyTimeout = max, time.Minute
	})
	addr := w.listenReady(t)
	answered := make(chan string, n)
	for range n {
		c := stallWebhook(t, addr)
		go func() {
			// A refused sender is answered and cut off at once; a held one
			// hears nothing before the read timeout (30 s; the body timeout
			// is longer), long after this test has its answer.
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
	if got := (&actionWorld{w}).metric(t, "carebridge_webhook_requests_refused_total", map[string]string{"limit": "total"}); got != n-max {
		t.Errorf("carebridge_webhook_requests_refused_total{limit=total} = %v, want %d", got, n-max)
	}
}

// listenReady binds the daemon's address and waits until it answers
// /readyz with 200.
func (w *world) listenReady(t *testing.T) net.Addr {
	t.Helper()
	addr, err := w.d.Listen()
	if err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "the replica ready", func() (bool, string) {
		code, err := getStatus(addr, "/readyz")
		return code == http.StatusOK, fmt.Sprint(code, err)
	})
	return addr
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

// stallWebhook opens a webhook request to addr that carries a well-formed
// but forged signature (so the receiver reads on), announces a body of
// 1,000 bytes and sends one; the connection closes with t.
func stallWebhook(t *testing.T, addr net.Addr) net.Conn {
	return stallWebhookFrom(t, addr, nil, forgedSignature())
}

// stallWebhookFrom is stallWebhook from the local address from (nil: the
// system's choice) with the signature header sig ("": none).
func stallWebhookFrom(t *testing.T, addr net.Addr, from net.Addr, sig string) net.Conn {
	t.Helper()
	var headers []string
	if sig != "" {
		headers = append(headers, care.SignatureHeader+": "+sig)
	}
	return testenv.StallRequest(t, addr.String(), from, "/webhooks/care", headers...)
}

// forgedSignature is an X-Care-Signature header of the right form that no
// secret made: the receiver reads the body before it can tell.
func forgedSignature() string {
	return fmt.Sprintf("t=%d,v1=%s", time.Now().Unix(), strings.Repeat("ab", 32))
}

// TestStalledSendersFromOneAddressLeaveWebhooksThrough: 64 connections from
// one address that stall mid-body cannot keep Care's webhooks out. Those
// without a signature header, or with a malformed one, are refused with 401
// before their body is read and hold nothing; those with a forged but
// well-formed header hold at most http.max_webhook_requests_per_address
// slots, the rest are answered 503 at once. While the held ones still
// stall (the body timeout is long here), a signed webhook of the Care
// sandbox, from another address, is accepted.
func TestStalledSendersFromOneAddressLeaveWebhooksThrough(t *testing.T) {
	const max, perAddress, stalls = 8, 2, 64
	w := startWebhookWorld(t, manualPolls, func(c *config.Config) {
		c.HTTP.MaxWebhookRequests, c.HTTP.MaxWebhookRequestsPerAddress = max, perAddress
		c.HTTP.ReadTimeout, c.HTTP.WebhookBodyTimeout = 5*time.Minute, 5*time.Minute
	})
	addr := w.listenReady(t)
	// The stalls come from 127.0.0.2, the Care sandbox from 127.0.0.1.
	attacker := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}
	type answer struct {
		i    int
		text string
	}
	answered := make(chan answer, stalls)
	conns := make([]net.Conn, stalls)
	for i := range conns {
		sig := ""
		switch i % 4 {
		case 1:
			sig = "sha256=deadbeef" // malformed
		case 2, 3:
			sig = forgedSignature()
		}
		conns[i] = stallWebhookFrom(t, addr, attacker, sig)
		go func(c net.Conn) {
			_ = c.SetReadDeadline(time.Now().Add(time.Minute))
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				answered <- answer{i, "nothing: " + err.Error()}
				return
			}
			resp.Body.Close()
			answered <- answer{i, fmt.Sprint(resp.StatusCode)}
		}(conns[i])
	}
	held := map[int]bool{}
	for i := range conns {
		held[i] = true
	}
	// check checks an answer to a stalled sender.
	check := func(a answer) {
		delete(held, a.i)
		want := "503"
		if a.i%4 < 2 {
			want = "401"
		}
		if a.text != want {
			t.Errorf("stalled sender %d: %s, want %s at once", a.i, a.text, want)
		}
	}
	// However many slots the stalls hold, all of them have arrived once
	// all but max were answered.
	for range stalls - max {
		select {
		case a := <-answered:
			check(a)
		case <-time.After(30 * time.Second):
			t.Fatalf("%d of %d stalled senders still wait for an answer", len(held), stalls)
		}
	}

	aw := &actionWorld{w}
	accepted := func() float64 {
		return aw.metric(t, "carebridge_care_webhook_deliveries_total", map[string]string{"outcome": care.OutcomeAccepted})
	}
	w.escalate(t, "through_1", strPtr("agent_ana"))
	testkit.Eventually(t, 20*time.Second, "the Care sandbox's webhooks accepted while the stalls are held", func() (bool, string) {
		delivered, failed, pending := w.care.WebhookStats()
		return accepted() >= 1, fmt.Sprintf("accepted %v; sandbox: %d delivered, %d failed attempts, %d pending", accepted(), delivered, failed, pending)
	})
	for len(held) > perAddress {
		select {
		case a := <-answered:
			check(a)
		case <-time.After(30 * time.Second):
			t.Fatalf("%d of %d stalled senders still wait for an answer, want %d", len(held), stalls, perAddress)
		}
	}
	for i := range held {
		if i%4 < 2 {
			t.Errorf("a sender without a well-formed signature (%d) holds a slot", i)
		}
	}
	// The held ones still stall: nothing answered them meanwhile.
	select {
	case a := <-answered:
		t.Errorf("a held sender was answered: %d %s", a.i, a.text)
	default:
	}
	if got := aw.metric(t, "carebridge_webhook_requests_refused_total", map[string]string{"limit": "address"}); got != stalls/2-perAddress {
		t.Errorf("carebridge_webhook_requests_refused_total{limit=address} = %v, want %d", got, stalls/2-perAddress)
	}
	if got := aw.metric(t, "carebridge_care_webhook_deliveries_total", map[string]string{"outcome": care.OutcomeBadSignature}); got != stalls/2 {
		t.Errorf("bad_signature deliveries %v, want %d", got, stalls/2)
	}
}
