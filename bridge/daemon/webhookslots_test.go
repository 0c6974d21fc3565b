package daemon

import (
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// TestWebhookClientAddress: a request counts against its peer's address,
// an IPv6 peer against its /64; behind a trusted proxy, against the nearest
// X-Forwarded-For entry that is not a trusted proxy (a client cannot hide
// behind entries it wrote itself further left), and against the proxy when
// the list is garbled.
func TestWebhookClientAddress(t *testing.T) {
	slots := newWebhookSlots(4, 2, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.7/32")}, prometheus.NewRegistry())
	tests := []struct {
		peer, forwarded, want string
	}{
		{"203.0.113.9:4000", "", "203.0.113.9/32"},
		{"203.0.113.9:4000", "198.51.100.1", "203.0.113.9/32"}, // not a trusted proxy: its header is ignored
		{"[2001:db8:1:2:3:4:5:6]:443", "", "2001:db8:1:2::/64"},
		{"10.1.2.3:80", "198.51.100.1", "198.51.100.1/32"},
		{"10.1.2.3:80", "1.1.1.1, 198.51.100.1, 192.168.1.7", "198.51.100.1/32"},
		{"10.1.2.3:80", "10.9.9.9", "10.9.9.9/32"}, // only proxies: the farthest one
		{"10.1.2.3:80", "not-an-ip", "10.1.2.3/32"},
		{"[::ffff:10.1.2.3]:80", "198.51.100.2", "198.51.100.2/32"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("POST", "/webhooks/care", nil)
		r.RemoteAddr = tt.peer
		if tt.forwarded != "" {
			r.Header.Set("X-Forwarded-For", tt.forwarded)
		}
		if got := slots.client(r); got.String() != tt.want {
			t.Errorf("peer %s, X-Forwarded-For %q: %s, want %s", tt.peer, tt.forwarded, got, tt.want)
		}
	}
	// Two slots per address, four in all; a released slot is free again.
	a, b, c := netip.MustParsePrefix("203.0.113.1/32"), netip.MustParsePrefix("203.0.113.2/32"), netip.MustParsePrefix("203.0.113.3/32")
	for i, step := range []struct {
		client netip.Prefix
		want   string
	}{{a, ""}, {a, ""}, {a, limitAddress}, {b, ""}, {b, ""}, {c, limitTotal}} {
		if got := slots.acquire(step.client); got != step.want {
			t.Fatalf("step %d: acquire(%s) refused by %q, want %q", i, step.client, got, step.want)
		}
	}
	slots.release(a)
	if got := slots.acquire(c); got != "" {
		t.Errorf("after a release: refused by %q", got)
	}
}
