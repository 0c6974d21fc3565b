package admin

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestOpsPagesAreServedWhole: each operations page comes in the shared
// shell with its own nav link marked, under a CSP without inline script;
// their API calls need the token.
func TestOpsPagesAreServedWhole(t *testing.T) {
	h := Handler(Options{Token: "secret-token-0123456789"})
	for path, title := range map[string]string{"/admin/health": "Sync health", "/admin/identities": "Identities", "/admin/cases": "Cases"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		body := rec.Body.String()
		if rec.Code != http.StatusOK || strings.Contains(body, "{{") || !strings.Contains(body, "<title>"+title) ||
			!strings.Contains(body, `href="`+path+`" aria-current="page"`) || strings.Count(body, "aria-current") != 1 {
			t.Errorf("%s: HTTP %d, page not rendered whole:\n%s", path, rec.Code, body)
		}
		if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
	}
	for _, path := range []string{"/admin/assets/ops.js", "/admin/assets/ops.css"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK || rec.Body.Len() == 0 {
			t.Errorf("%s: HTTP %d", path, rec.Code)
		}
	}
	for _, c := range []struct{ method, path string }{{"GET", "/admin/api/replicas"}, {"GET", "/admin/api/identities"}, {"GET", "/admin/api/cases/x"}, {"POST", "/admin/api/cases/x/sync"}, {"POST", "/admin/api/identities/overrides"}} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, nil))
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("%s %s without the token: HTTP %d, want 401", c.method, c.path, rec.Code)
		}
	}
}
