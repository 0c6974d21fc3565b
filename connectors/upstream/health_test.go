package upstream

import (
	"testing"
	"time"
)

func TestHealthFollowsTheLastRequest(t *testing.T) {
	m := NewMetrics(nil)
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	m.health.now = func() time.Time { return now }
	if h := m.Health()["salesforce"]; !h.Up() {
		t.Fatalf("a system never called counts as up: %+v", h)
	}
	steps := []struct {
		status int
		up     bool
		err    string
	}{
		{200, true, ""},
		{400, true, ""}, // an answer about one request, not an outage
		{404, true, ""},
		{503, false, "HTTP 503 Service Unavailable to query"},
		{0, false, "no answer to query"},
		{401, false, "HTTP 401 Unauthorized to query"},
		{403, false, "HTTP 403 Forbidden to query"},
		{201, true, "HTTP 403 Forbidden to query"}, // the last error stays for ops to read
	}
	for i, s := range steps {
		now = now.Add(time.Second)
		m.Observe("salesforce", "query", s.status, time.Millisecond)
		h := m.Health()["salesforce"]
		if h.Up() != s.up || h.LastError != s.err {
			t.Fatalf("step %d (HTTP %d): %+v, up %v; want up %v, error %q", i, s.status, h, h.Up(), s.up, s.err)
		}
	}
	if h := m.Health()["care"]; !h.LastSuccess.IsZero() || !h.Up() {
		t.Errorf("systems are tracked apart: care %+v", h)
	}
}
