package daemon_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/internal/testkit"
)

// list reads a JSON array of objects from an admin API answer.
func list(v any) []map[string]any {
	var out []map[string]any
	items, _ := v.([]any)
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// TestHealthAPIShowsReplicasQueueAndSources: the status speaks lowercase
// JSON, every replica heartbeats (one leader among them), and the last
// polls come from whichever replica polled.
func TestHealthAPIShowsReplicasQueueAndSources(t *testing.T) {
	w := startWorld(t, withAdmin)
	w.escalate(t, "hl_1", strPtr("agent_ana"))
	testkit.Eventually(t, 20*time.Second, "the Salesforce Case", func() (bool, string) { return w.sfCase("hl_1") != nil, "" })
	replica := w.startReplica(t)

	testkit.Eventually(t, 20*time.Second, "two replicas, one leader", func() (bool, string) {
		_, body := adminCall(t, replica, adminToken, http.MethodGet, "/admin/api/replicas", nil)
		rs := list(body["replicas"])
		leaders := 0
		for _, r := range rs {
			if r["leader"] == true {
				leaders++
			}
		}
		return len(rs) == 2 && leaders == 1, fmt.Sprint(body)
	})
	code, status := w.admin(t, http.MethodGet, "/admin/api/status", nil)
	if code != http.StatusOK {
		t.Fatalf("status: HTTP %d %v", code, status)
	}
	q, _ := status["queue"].(map[string]any)
	for _, k := range []string{"ready", "delayed", "scheduled", "processing", "dead", "dirty", "failing"} {
		if _, ok := q[k]; !ok {
			t.Errorf("status queue %v lacks %q", q, k)
		}
	}
	if _, ok := q["Ready"]; ok {
		t.Errorf("status queue %v still has Go field names", q)
	}
	testkit.Eventually(t, 20*time.Second, "the last Care and Salesforce polls in the status", func() (bool, string) {
		_, status := adminCall(t, replica, adminToken, http.MethodGet, "/admin/api/status", nil)
		seen := 0
		for _, s := range list(status["sources"]) {
			if (s["name"] == "care" || s["name"] == "salesforce") && s["last"] != nil {
				seen++
			}
		}
		return seen == 2, fmt.Sprint(status["sources"])
	})
	if api, _ := status["salesforce_api"].(map[string]any); api["limit"] == nil || api["limit"].(float64) <= 0 {
		t.Errorf("status salesforce_api = %v, want the org's daily limit", status["salesforce_api"])
	}
}

// TestExplorerShowsTheTimelineOfACase: after a sync the case explorer
// shows the write, found by either id; after Salesforce refuses an update
// it shows the refusal and the failing key; "sync now" queues the case.
func TestExplorerShowsTheTimelineOfACase(t *testing.T) {
	w := startWorld(t, manualPolls, withAdmin)
	ctx := context.Background()
	sfID := w.linked(t, "ex_1", strPtr("agent_ana"))
	w.quiet(t)
	if err := w.care.UISetStatus("ex_1", rules.Pending); err != nil {
		t.Fatal(err)
	}
	if err := w.d.Engine().Triggers().PollCare(ctx); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "the Case on hold", func() (bool, string) { return w.sfCase("ex_1")["Status"] == "On Hold", "" })
	var view map[string]any
	testkit.Eventually(t, 20*time.Second, "the status write in the timeline", func() (bool, string) {
		_, view = w.admin(t, http.MethodGet, "/admin/api/cases/"+sfID, nil)
		return strings.Contains(fmt.Sprint(view["timeline"]), "status written to Salesforce"), fmt.Sprint(view)
	})
	if view["care_case_id"] != "ex_1" || view["salesforce_case_id"] != sfID || view["linked"] != true || view["last_sync"] == nil {
		t.Errorf("case view by Case id = %v, want ex_1 linked to %s with its last sync", view, sfID)
	}
	if base, _ := view["base"].(map[string]any); base["status"] != "pending" {
		t.Errorf("base = %v, want status pending", view["base"])
	}

	// A validation rule refuses the next update: the timeline says so.
	if err := w.sf.AddValidationRule(sfsim.ValidationRule{Object: "Case", Name: "Open_Needs_Reason", Field: "Reason", Message: "Reopening needs a reason.",
		Violated: func(r map[string]any) bool { return r["Status"] != "On Hold" && r["Reason"] == nil }}); err != nil {
		t.Fatal(err)
	}
	if err := w.care.UISetStatus("ex_1", rules.Open); err != nil {
		t.Fatal(err)
	}
	code, body := w.admin(t, http.MethodPost, "/admin/api/cases/ex_1/sync", nil)
	if code != http.StatusAccepted || body["key"] != "case:ex_1" {
		t.Fatalf("sync now: HTTP %d %v", code, body)
	}
	testkit.Eventually(t, 20*time.Second, "the refusal in the timeline and the queue", func() (bool, string) {
		_, view = w.admin(t, http.MethodGet, "/admin/api/cases/ex_1", nil)
		q, _ := view["queue"].(map[string]any)
		return strings.Contains(fmt.Sprint(view["timeline"]), "Reopening needs a reason.") && q["failure"] != nil, fmt.Sprint(view["timeline"], q)
	})
	if view["sync_status"] != "Error" || !strings.Contains(fmt.Sprint(view["sync_error"]), "Reopening needs a reason.") {
		t.Errorf("sync status shown = %v %v, want the refusal", view["sync_status"], view["sync_error"])
	}
	code, status := w.admin(t, http.MethodGet, "/admin/api/status", nil)
	if code != http.StatusOK || !strings.Contains(fmt.Sprint(status["recent_problems"]), "ex_1") {
		t.Errorf("status recent problems = %v, want the refusal of ex_1", status["recent_problems"])
	}
	if code, _ := w.admin(t, http.MethodGet, "/admin/api/cases/"+url.PathEscape("nobody_knows"), nil); code != http.StatusNotFound {
		t.Errorf("unknown case: HTTP %d, want 404", code)
	}
}

// TestIdentitiesAPIFlagsTheUnmatchedAndPublishesOverrides: agent_zoe has
// no Salesforce user; an override (a published mapping version) matches
// her with a user whose e-mail differs.
func TestIdentitiesAPIFlagsTheUnmatchedAndPublishesOverrides(t *testing.T) {
	w := startWorld(t, withAdmin)
	zoeUser, err := w.sf.Insert("User", map[string]any{"Username": "zoe.sf", "Email": "zoe@corp.example", "LastName": "Zoe Corp", "IsActive": true})
	if err != nil {
		t.Fatal(err)
	}
	code, ids := w.admin(t, http.MethodGet, "/admin/api/identities", nil)
	if code != http.StatusOK || ids["matched"] != float64(2) {
		t.Fatalf("identities: HTTP %d %v, want 2 matched", code, ids)
	}
	agentOf := func(ids map[string]any, id string) map[string]any {
		for _, a := range list(ids["agents"]) {
			if a["id"] == id {
				return a
			}
		}
		return nil
	}
	if zoe := agentOf(ids, "agent_zoe"); zoe == nil || zoe["salesforce_user"] != nil {
		t.Errorf("agent_zoe = %v, want listed without a Salesforce user", zoe)
	}
	if ana := agentOf(ids, "agent_ana"); ana["matched_by"] != "email" || ana["salesforce_user"] != w.users["ana@example.com"] {
		t.Errorf("agent_ana = %v, want matched by e-mail", ana)
	}
	code, body := w.admin(t, http.MethodPost, "/admin/api/identities/overrides", map[string]any{"care_agent": "agent_zoe", "salesforce_user": zoeUser, "author": "Ida Admin", "based_on": ids["active"]})
	if code != http.StatusCreated || body["number"] != float64(1) {
		t.Fatalf("override: HTTP %d %v", code, body)
	}
	testkit.Eventually(t, 20*time.Second, "agent_zoe matched by override", func() (bool, string) {
		_, ids = w.admin(t, http.MethodGet, "/admin/api/identities", nil)
		zoe := agentOf(ids, "agent_zoe")
		return zoe["matched_by"] == "override" && zoe["salesforce_user"] == zoeUser && ids["matched"] == float64(3), fmt.Sprint(zoe)
	})
	_, versions := w.admin(t, http.MethodGet, "/admin/api/mapping/versions", nil)
	if !strings.Contains(fmt.Sprint(versions["history"]), "Ida Admin") || !strings.Contains(fmt.Sprint(versions["versions"]), "identity override: agent_zoe") {
		t.Errorf("history = %v, want the override by Ida Admin", versions)
	}
	// Publishing from a stale page is refused, not silently merged.
	if code, _ := w.admin(t, http.MethodPost, "/admin/api/identities/overrides", map[string]any{"care_agent": "agent_zoe", "salesforce_user": "", "author": "Ida Admin", "based_on": 0}); code != http.StatusConflict {
		t.Errorf("stale override: HTTP %d, want 409", code)
	}
}

// recordCarePaths puts a recorder in front of the Care sandbox: every
// request path (as sent, escaped) that reaches it is kept.
func recordCarePaths(t *testing.T, paths *[]string, mu *sync.Mutex) func(*config.Config) {
	return func(c *config.Config) {
		target, err := url.Parse(c.Care.BaseURL)
		if err != nil {
			t.Fatal(err)
		}
		proxy := httputil.NewSingleHostReverseProxy(target)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			*paths = append(*paths, r.URL.EscapedPath())
			mu.Unlock()
			proxy.ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		c.Care.BaseURL = srv.URL
	}
}

// TestCaseExplorerNeverSendsAnIdToCareAsAPath is issue 25's: a case id
// typed into the case explorer or "sync now" reached Care as path steps
// ("../agents" as /3/care/cases/..%2Fagents, which Care's server resolves
// to /3/care/agents). Such an id is refused in plain words, nothing
// carrying it reaches the Care sandbox, and nothing is queued.
func TestCaseExplorerNeverSendsAnIdToCareAsAPath(t *testing.T) {
	var (
		mu    sync.Mutex
		paths []string
	)
	w := startWorld(t, manualPolls, withAdmin, recordCarePaths(t, &paths, &mu))
	w.linked(t, "px_1", strPtr("agent_ana"))
	// "." and ".." never reach the admin API as an id: HTTP servers (and
	// browsers) resolve them in its own path.
	for _, id := range []string{".", ".."} {
		if code, body := w.admin(t, http.MethodGet, "/admin/api/cases/"+id, nil); code < 300 {
			t.Errorf("look up %q: HTTP %d %v", id, code, body)
		}
	}
	for _, id := range []string{"../agents", "px_1/../../agents", `..\agents`, "a/b", "../.."} {
		code, body := w.admin(t, http.MethodGet, "/admin/api/cases/"+url.PathEscape(id), nil)
		if code != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(body["error"]), "cannot sync") {
			t.Errorf("look up %q: HTTP %d %v; want 422 saying carebridge cannot sync it", id, code, body)
		}
		code, body = w.admin(t, http.MethodPost, "/admin/api/cases/"+url.PathEscape(id)+"/sync", nil)
		if code != http.StatusUnprocessableEntity {
			t.Errorf("sync %q now: HTTP %d %v; want 422", id, code, body)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range paths {
		steps := strings.Split(p, "/")
		if slices.Contains(steps, "..") || slices.Contains(steps, ".") || strings.Contains(strings.ToLower(p), "%2f") || strings.Contains(strings.ToLower(p), "%5c") {
			t.Errorf("Care was asked for %s", p)
		}
	}
	if d, _ := w.d.Queue().Depth(context.Background()); d.Ready+d.Delayed+d.Processing != 0 {
		t.Errorf("queue after the refused syncs: %+v, want nothing queued", d)
	}
}

// TestCaseExplorerSaysPlainlyWhenACaseCannotSync is issue 25's item 8: for
// a Care case whose id carebridge cannot use (a space, longer than
// Care_Case_Id__c) the explorer claimed a sync would create its Case. It
// says it cannot sync and why, plans nothing, and "sync now" is refused.
func TestCaseExplorerSaysPlainlyWhenACaseCannotSync(t *testing.T) {
	w := startWorld(t, manualPolls, withAdmin)
	long := strings.Repeat("x", 70)
	for id, why := range map[string]string{"sp ace": "space", long: "Care_Case_Id__c holds 64"} {
		w.escalate(t, id, nil)
		code, view := w.admin(t, http.MethodGet, "/admin/api/cases/"+url.PathEscape(id), nil)
		if code != http.StatusOK || !strings.Contains(fmt.Sprint(view["cannot_sync"]), why) {
			t.Errorf("look up %q: HTTP %d, cannot_sync %q; want it to say %q", id, code, view["cannot_sync"], why)
		}
		if now, _ := view["now"].(map[string]any); now == nil || now["create_case"] != nil || now["update_case"] != nil {
			t.Errorf("look up %q: now = %v; want what each side holds and no writes planned", id, view["now"])
		}
		if code, body := w.admin(t, http.MethodPost, "/admin/api/cases/"+url.PathEscape(id)+"/sync", nil); code != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(body["error"]), why) {
			t.Errorf("sync %q now: HTTP %d %v; want 422 saying why", id, code, body)
		}
	}
}

// TestCaseExplorerShowsEachSideInItsOwnTerms: the explorer shows Care's
// values as Care has them (its agent by name) and the Case's as Salesforce
// stores them (Status "On Hold", the owner by name), with the mapping
// between them; when Care fails, it says so in plain words first, the raw
// error beside.
func TestCaseExplorerShowsEachSideInItsOwnTerms(t *testing.T) {
	w := startWorld(t, manualPolls, withAdmin)
	ctx := context.Background()
	w.linked(t, "st_1", strPtr("agent_ana"))
	if err := w.care.UISetStatus("st_1", rules.Pending); err != nil {
		t.Fatal(err)
	}
	if err := w.d.Engine().ReconcileCase(ctx, "st_1"); err != nil {
		t.Fatal(err)
	}
	code, view := w.admin(t, http.MethodGet, "/admin/api/cases/st_1", nil)
	if code != http.StatusOK {
		t.Fatalf("case view: HTTP %d %v", code, view)
	}
	fields := map[string]map[string]any{}
	for _, f := range list(view["fields"]) {
		fields[fmt.Sprint(f["name"])] = f
	}
	if st := fields["status"]; st["care_value"] != "pending" || st["salesforce_value"] != "On Hold" ||
		!strings.Contains(fmt.Sprint(st["mapping"]), `Care "pending" → Salesforce "On Hold"`) || !strings.Contains(fmt.Sprint(st["mapping"]), `Salesforce "On Hold" → Care "pending"`) {
		t.Errorf("status row = %v; want pending in Care, On Hold in Salesforce and the value maps between them", st)
	}
	if as := fields["assignee"]; as["care_value"] != "Ana Novak (agent_ana)" || as["salesforce_value"] != w.users["ana@example.com"] || as["salesforce_shown"] != "Novak" ||
		!strings.Contains(fmt.Sprint(as["mapping"]), "Care agent Ana Novak") {
		t.Errorf("assignee row = %v; want the agent and the owner by name", as)
	}
	w.care.InjectFault(caresim.Fault{Op: caresim.OpGetCase, Status: http.StatusServiceUnavailable, Times: 1})
	_, view = w.admin(t, http.MethodGet, "/admin/api/cases/st_1", nil)
	if plain, raw := fmt.Sprint(view["now_error"]), fmt.Sprint(view["now_error_detail"]); !strings.Contains(plain, "Emplifi Care failed with a server error (HTTP 503)") ||
		strings.Contains(plain, "getCase") || !strings.Contains(raw, "getCase") {
		t.Errorf("now_error = %q, detail %q; want a plain sentence and the raw error beside it", plain, raw)
	}
}
