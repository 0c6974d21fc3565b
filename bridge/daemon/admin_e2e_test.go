package daemon_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/daemon"
	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/internal/testkit"
)

const adminToken = "test-admin-token-0123456789"

func withAdmin(c *config.Config) {
	c.Admin.Token = adminToken
	c.Mapping.ReloadInterval = 100 * time.Millisecond
}

// adminCall makes one admin API call against a running daemon and decodes
// the JSON answer into a map.
func adminCall(t *testing.T, d *daemon.Daemon, token, method, path string, body any) (int, map[string]any) {
	t.Helper()
	addr, err := d.Listen()
	if err != nil {
		t.Fatal(err)
	}
	return adminCallAt(t, addr.String(), token, method, path, body)
}

// adminCallAt is adminCall against the listener at addr.
func adminCallAt(t *testing.T, addr, token, method, path string, body any) (int, map[string]any) {
	t.Helper()
	raw := ""
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		raw = string(b)
	}
	resp, answer := adminRequestAt(t, addr, token, method, path, raw)
	out := map[string]any{}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(answer, &out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, answer)
		}
	} else {
		out["body"] = string(answer)
	}
	return resp.StatusCode, out
}

// adminRequest makes one call (body "" for none) and returns the response,
// redirects not followed, with its body.
func adminRequest(t *testing.T, d *daemon.Daemon, token, method, path, body string) (*http.Response, []byte) {
	t.Helper()
	addr, err := d.Listen()
	if err != nil {
		t.Fatal(err)
	}
	return adminRequestAt(t, addr.String(), token, method, path, body)
}

// adminRequestAt is adminRequest against the listener at addr.
func adminRequestAt(t *testing.T, addr, token, method, path, body string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, "http://"+addr+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	client := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, raw
}

func (w *world) admin(t *testing.T, method, path string, body any) (int, map[string]any) {
	t.Helper()
	return adminCall(t, w.d, adminToken, method, path, body)
}

// runningVersion is the published version number the daemon runs (0: the
// file or default mapping).
func runningVersion(t *testing.T, d *daemon.Daemon) float64 {
	t.Helper()
	_, m := adminCall(t, d, adminToken, http.MethodGet, "/admin/api/mapping", nil)
	running, _ := m["running"].(map[string]any)
	n, _ := running["number"].(float64)
	return n
}

// withPriority returns the shipped mapping with Care's "high" priority
// mapped to the Salesforce value v.
func withPriority(t *testing.T, v string) string {
	t.Helper()
	def := string(configs.Mapping())
	if strings.Count(def, "        high: High\n") != 1 {
		t.Fatal("the shipped mapping no longer maps high: High once; update this test")
	}
	return strings.Replace(def, "        high: High\n", "        high: "+v+"\n", 1)
}

// TestAdminOnItsOwnListener: with admin.listen set, /admin/ (UI and API)
// answers only there, and the public listener (webhooks, health, metrics)
// has no /admin/ at all, so a Service or network policy can keep the two
// apart (the Helm chart does).
func TestAdminOnItsOwnListener(t *testing.T) {
	w := startWorld(t, withAdmin, func(c *config.Config) { c.Admin.Listen = "127.0.0.1:0" })
	adminAddr, err := w.d.AdminListen()
	if err != nil {
		t.Fatal(err)
	}
	public, err := w.d.Listen()
	if err != nil {
		t.Fatal(err)
	}
	if adminAddr.String() == public.String() {
		t.Fatalf("admin and public listeners share %s", public)
	}
	if code, body := adminCallAt(t, adminAddr.String(), adminToken, http.MethodGet, "/admin/api/mapping", nil); code != http.StatusOK {
		t.Errorf("admin API on admin.listen: HTTP %d %v, want 200", code, body)
	}
	if code, page := adminCallAt(t, adminAddr.String(), "", http.MethodGet, "/admin/", nil); code != http.StatusOK || !strings.Contains(fmt.Sprint(page["body"]), "carebridge admin") {
		t.Errorf("admin UI on admin.listen: HTTP %d, want the page", code)
	}
	for _, path := range []string{"/", "/admin/", "/admin/api/mapping", "/admin/api/status"} {
		if code, _ := adminCallAt(t, public.String(), adminToken, http.MethodGet, path, nil); code != http.StatusNotFound {
			t.Errorf("%s on the public listener: HTTP %d, want 404", path, code)
		}
	}
	// The root leads to the admin UI where the UI is.
	if resp, _ := adminRequestAt(t, adminAddr.String(), "", http.MethodGet, "/", ""); resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/admin/" {
		t.Errorf("/ on the admin listener: HTTP %d to %q, want a redirect to /admin/", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, path := range []string{"/healthz", "/metrics"} {
		if code, _ := adminCallAt(t, public.String(), "", http.MethodGet, path, nil); code != http.StatusOK {
			t.Errorf("%s on the public listener: HTTP %d, want 200", path, code)
		}
		if code, _ := adminCallAt(t, adminAddr.String(), "", http.MethodGet, path, nil); code != http.StatusNotFound {
			t.Errorf("%s on the admin listener: HTTP %d, want 404", path, code)
		}
	}
	if _, err := startWorld(t).d.AdminListen(); err == nil {
		t.Error("AdminListen without admin.listen: want an error")
	}
}

func (w *world) sfWrites() int {
	n := 0
	for _, op := range []string{"create", "update", "upsert", "delete", "collections_create", "collections_update", "collections_upsert", "composite"} {
		n += w.sf.Calls(op)
	}
	return n
}

func TestAdminAPINeedsTheToken(t *testing.T) {
	off := startWorld(t)
	if code, body := adminCall(t, off.d, adminToken, http.MethodGet, "/admin/api/mapping", nil); code != http.StatusForbidden || !strings.Contains(fmt.Sprint(body["error"]), "admin.token") {
		t.Errorf("admin API without a configured token: %d %v, want 403 saying how to turn it on", code, body)
	}
	w := startWorld(t, withAdmin)
	for _, token := range []string{"", "wrong-token-wrong-token", adminToken + "x"} {
		if code, _ := adminCall(t, w.d, token, http.MethodGet, "/admin/api/mapping", nil); code != http.StatusUnauthorized {
			t.Errorf("token %q: HTTP %d, want 401", token, code)
		}
		if code, _ := adminCall(t, w.d, token, http.MethodPost, "/admin/api/mapping/publish", map[string]any{"yaml": "x", "author": "eve", "based_on": 0}); code != http.StatusUnauthorized {
			t.Errorf("publish with token %q: HTTP %d, want 401", token, code)
		}
	}
	code, page := adminCall(t, w.d, "", http.MethodGet, "/admin/", nil)
	if code != http.StatusOK || !strings.Contains(fmt.Sprint(page["body"]), "carebridge admin") {
		t.Errorf("admin UI: HTTP %d, want the page", code)
	}
	if strings.Contains(fmt.Sprint(page["body"]), adminToken) {
		t.Error("the admin UI page contains the token")
	}
}

func TestAdminValidatesMappings(t *testing.T) {
	w := startWorld(t, withAdmin)
	code, body := w.admin(t, http.MethodPost, "/admin/api/mapping/validate", map[string]any{"yaml": string(configs.Mapping())})
	if code != http.StatusOK || body["valid"] != true {
		t.Fatalf("the shipped mapping: %d %v, want valid", code, body)
	}
	bad := strings.Replace(string(configs.Mapping()), "    salesforce: Priority\n", "    salesforce: Priorty__c\n    colour: blue\n", 1)
	code, body = w.admin(t, http.MethodPost, "/admin/api/mapping/validate", map[string]any{"yaml": bad})
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("invalid mapping: HTTP %d %v, want 422", code, body)
	}
	problems, _ := body["problems"].([]any)
	text := fmt.Sprint(problems)
	if len(problems) < 2 || !strings.Contains(text, "Priorty__c") || !strings.Contains(text, "colour") || !strings.Contains(text, "line:") {
		t.Errorf("problems = %v; want the unknown Salesforce field and the unknown key, each with its line", text)
	}
	notes := strings.Replace(string(configs.Mapping()), "  salesforce_object: CaseComment\n", "  salesforce_object: Task\n", 1)
	code, body = w.admin(t, http.MethodPost, "/admin/api/mapping/publish", map[string]any{"yaml": notes, "author": "ana", "based_on": 0})
	if code != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(body["problems"]), "restart") {
		t.Errorf("moving notes while running: %d %v, want 422 saying it needs a restart", code, body)
	}
	for _, req := range []any{"not an object", map[string]any{"yaml": "x", "extra": 1}} {
		if code, _ := w.admin(t, http.MethodPost, "/admin/api/mapping/validate", req); code != http.StatusBadRequest {
			t.Errorf("body %v: HTTP %d, want 400", req, code)
		}
	}
	if code, _ := w.admin(t, http.MethodPost, "/admin/api/mapping/validate", map[string]any{"yaml": strings.Repeat("#", 2<<20)}); code != http.StatusRequestEntityTooLarge {
		t.Errorf("a 2 MiB mapping: HTTP %d, want 413", code)
	}
	if runningVersion(t, w.d) != 0 {
		t.Error("an invalid mapping was published")
	}
}

// TestAdminPreviewPublishRollback: an admin previews an edit on a real case
// (nothing is written), publishes it (the daemon switches and syncs by it),
// and rolls back (the earlier version syncs again); a replica started later
// runs the active version too.
func TestAdminPreviewPublishRollback(t *testing.T) {
	w := startWorld(t, withAdmin)
	w.escalate(t, "adm_1", strPtr("agent_ana"))
	testkit.Eventually(t, 20*time.Second, "the Salesforce Case", func() (bool, string) { return w.sfCase("adm_1") != nil, "" })
	w.quiet(t)
	ctx := context.Background()

	medium := withPriority(t, "Medium")
	sfBefore, careBefore := w.sfWrites(), w.care.WriteCalls()
	code, body := w.admin(t, http.MethodPost, "/admin/api/mapping/preview", map[string]any{"yaml": medium, "case": "adm_1"})
	if code != http.StatusOK {
		t.Fatalf("preview: HTTP %d %v", code, body)
	}
	current, _ := body["current"].(map[string]any)
	proposed, _ := body["proposed"].(map[string]any)
	if current["update_case"] != nil || current["update_care"] != nil {
		t.Errorf("preview under the running mapping plans writes on a synced case: %v", current)
	}
	if upd, _ := proposed["update_case"].(map[string]any); upd["Priority"] != "Medium" || len(upd) != 1 {
		t.Errorf("preview of the edit: update_case = %v, want exactly Priority=Medium", proposed["update_case"])
	}
	if w.sfWrites() != sfBefore || w.care.WriteCalls() != careBefore {
		t.Errorf("preview wrote: %d Salesforce and %d Care write calls", w.sfWrites()-sfBefore, w.care.WriteCalls()-careBefore)
	}
	if code, _ := w.admin(t, http.MethodPost, "/admin/api/mapping/preview", map[string]any{"yaml": medium, "case": "no_such_case"}); code != http.StatusNotFound {
		t.Errorf("preview of an unknown case: HTTP %d, want 404", code)
	}

	code, body = w.admin(t, http.MethodPost, "/admin/api/mapping/publish", map[string]any{"yaml": medium, "author": "ana", "note": "high is Medium for us", "based_on": 0})
	if code != http.StatusCreated || body["number"] != float64(1) {
		t.Fatalf("publish: HTTP %d %v, want 201 version 1", code, body)
	}
	testkit.Eventually(t, 20*time.Second, "the daemon to run version 1", func() (bool, string) { return runningVersion(t, w.d) == 1, "" })
	if err := w.d.Engine().ReconcileCase(ctx, "adm_1"); err != nil {
		t.Fatal(err)
	}
	if p := w.sfCase("adm_1")["Priority"]; p != "Medium" {
		t.Fatalf("after publishing: Priority %v, want Medium", p)
	}
	// Another admin's edit that began before version 1 is refused.
	if code, body := w.admin(t, http.MethodPost, "/admin/api/mapping/publish", map[string]any{"yaml": withPriority(t, "Low"), "author": "ben", "based_on": 0}); code != http.StatusConflict {
		t.Errorf("stale publish: HTTP %d %v, want 409", code, body)
	}
	if code, _ := w.admin(t, http.MethodPost, "/admin/api/mapping/publish", map[string]any{"yaml": withPriority(t, "Low"), "author": "ben", "based_on": 1}); code != http.StatusCreated {
		t.Fatalf("publish version 2: HTTP %d", code)
	}
	testkit.Eventually(t, 20*time.Second, "the daemon to run version 2", func() (bool, string) { return runningVersion(t, w.d) == 2, "" })
	if err := w.d.Engine().ReconcileCase(ctx, "adm_1"); err != nil {
		t.Fatal(err)
	}
	if p := w.sfCase("adm_1")["Priority"]; p != "Low" {
		t.Fatalf("after version 2: Priority %v, want Low", p)
	}

	if code, body := w.admin(t, http.MethodPost, "/admin/api/mapping/rollback", map[string]any{"number": 1, "author": "carol"}); code != http.StatusOK {
		t.Fatalf("rollback: HTTP %d %v", code, body)
	}
	testkit.Eventually(t, 20*time.Second, "the daemon to run version 1 again", func() (bool, string) { return runningVersion(t, w.d) == 1, "" })
	if err := w.d.Engine().ReconcileCase(ctx, "adm_1"); err != nil {
		t.Fatal(err)
	}
	if p := w.sfCase("adm_1")["Priority"]; p != "Medium" {
		t.Fatalf("after rolling back to version 1: Priority %v, want Medium", p)
	}
	if code, _ := w.admin(t, http.MethodPost, "/admin/api/mapping/rollback", map[string]any{"number": 7, "author": "carol"}); code != http.StatusNotFound {
		t.Errorf("rollback to a version never published: HTTP %d, want 404", code)
	}
	_, versions := w.admin(t, http.MethodGet, "/admin/api/mapping/versions", nil)
	hist, _ := versions["history"].([]any)
	if versions["active"] != float64(1) || len(hist) != 3 || !strings.Contains(fmt.Sprint(hist[0]), "carol") {
		t.Errorf("versions = %v; want version 1 active and three history entries, the rollback by carol first", versions)
	}

	// A replica started now runs the active version from its start.
	replica := w.startReplica(t)
	testkit.Eventually(t, 20*time.Second, "the new replica to run version 1", func() (bool, string) { return runningVersion(t, replica) == 1, "" })
}

func TestAdminStatusAndDeadLetters(t *testing.T) {
	w := startWorld(t, withAdmin, func(c *config.Config) { c.Queue.MaxAttempts = 1 })
	// A case Care does not know is listed as failing (parked until its
	// next trigger); an action that cannot be read ends, with
	// max_attempts 1, as a dead letter.
	if _, err := w.d.Queue().Add(context.Background(), "case:ghost"); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "the failing case in the status", func() (bool, string) {
		_, body := w.admin(t, http.MethodGet, "/admin/api/status", nil)
		f, _ := body["failing_keys"].([]any)
		return len(f) == 1 && strings.Contains(fmt.Sprint(f[0]), "key:case:ghost") && strings.Contains(fmt.Sprint(f[0]), "parked:true"), fmt.Sprint(body["failing_keys"])
	})
	_, status := w.admin(t, http.MethodGet, "/admin/api/status", nil)
	deps := map[string]map[string]any{}
	for _, d := range status["dependencies"].([]any) {
		d := d.(map[string]any)
		deps[fmt.Sprint(d["name"])] = d
	}
	// Care and Salesforce are judged by the requests made: both answered.
	for _, system := range []string{"care", "salesforce"} {
		if u := deps[system]; u["up"] != true || u["kind"] != "upstream" || u["last_success"] == nil {
			t.Errorf("status dependency %s = %v, want an upstream, up with a last success", system, u)
		}
	}
	w.sf.InjectFault(sfsim.Fault{Op: sfsim.OpQuery, Status: http.StatusServiceUnavailable, Times: 1})
	if _, err := w.d.Queue().Add(context.Background(), "action:a0Xghost"); err != nil {
		t.Fatal(err)
	}
	var dead []any
	testkit.Eventually(t, 20*time.Second, "the dead letter over HTTP", func() (bool, string) {
		_, body := w.admin(t, http.MethodGet, "/admin/api/deadletters", nil)
		dead, _ = body["dead_letters"].([]any)
		return len(dead) == 1, fmt.Sprint(body)
	})
	if d := dead[0].(map[string]any); d["key"] != "action:a0Xghost" || !strings.Contains(fmt.Sprint(d["error"]), "a0Xghost") {
		t.Errorf("dead letter = %v, want action:a0Xghost with its error", d)
	}
	_, status = w.admin(t, http.MethodGet, "/admin/api/status", nil)
	if q, _ := status["queue"].(map[string]any); q["dead"] != float64(1) {
		t.Errorf("status queue = %v, want one dead letter", status["queue"])
	}
	// The checks are the readiness probe's latest; one made before the
	// workers started says so until the next, a moment later.
	testkit.Eventually(t, 20*time.Second, "the redis, mapping and workers checks passing in the status", func() (bool, string) {
		_, status := w.admin(t, http.MethodGet, "/admin/api/status", nil)
		deps, _ := status["dependencies"].([]any)
		passing := 0
		for _, d := range deps {
			d, _ := d.(map[string]any)
			switch d["name"] {
			case "redis", "mapping", "workers":
				if d["up"] == true && d["kind"] == "check" {
					passing++
				}
			}
		}
		return passing == 3, fmt.Sprint(deps)
	})
	if _, ok := status["mapping"].(map[string]any)["yaml"]; ok {
		t.Errorf("status mapping %v carries the YAML", status["mapping"])
	}
	code, body := w.admin(t, http.MethodPost, "/admin/api/deadletters/replay", map[string]any{"keys": []string{"action:a0Xghost", "case:never"}})
	if code != http.StatusOK || fmt.Sprint(body["replayed"]) != "[action:a0Xghost]" || fmt.Sprint(body["not_dead"]) != "[case:never]" {
		t.Errorf("replay: HTTP %d %v", code, body)
	}
}

// TestAdminHardening: security headers on every admin answer, the root
// leads to the admin UI, and an alias bomb is refused fast with a short
// answer.
func TestAdminHardening(t *testing.T) {
	w := startWorld(t, withAdmin)
	for _, path := range []string{"/admin/", "/admin/api/mapping", "/admin/api/nothing"} {
		resp, _ := adminRequest(t, w.d, adminToken, http.MethodGet, path, "")
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "script-src 'unsafe-inline'") ||
			resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: headers %v, want CSP with frame-ancestors 'none' and no inline scripts by default, nosniff, no-referrer", path, resp.Header)
		}
	}
	resp, _ := adminRequest(t, w.d, adminToken, http.MethodGet, "/", "")
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/admin/" {
		t.Errorf("GET /: HTTP %d to %q, want a redirect to /admin/", resp.StatusCode, resp.Header.Get("Location"))
	}
	off := startWorld(t)
	if code, _ := adminCall(t, off.d, "", http.MethodGet, "/", nil); code != http.StatusNotFound {
		t.Errorf("GET / with the admin UI off: HTTP %d, want 404", code)
	}

	var bomb strings.Builder
	bomb.WriteString("fields:\n  - &f {name: x, care: nope, salesforce: Nope, direction: sideways}\n")
	for bomb.Len() < 800_000 {
		bomb.WriteString("  - *f\n")
	}
	body, _ := json.Marshal(map[string]string{"yaml": bomb.String()})
	start := time.Now()
	resp, raw := adminRequest(t, w.d, adminToken, http.MethodPost, "/admin/api/mapping/validate", string(body))
	took := time.Since(start)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(raw), "aliases") || len(raw) > 4096 {
		t.Errorf("alias bomb: HTTP %d, %d bytes: %.300s; want 422 naming the aliases in a short answer", resp.StatusCode, len(raw), raw)
	}
	if took > 5*time.Second {
		t.Errorf("alias bomb took %v", took)
	}
	// Many real problems: the first 100 and the count.
	var many strings.Builder
	many.WriteString("fields:\n")
	for i := range 500 {
		fmt.Fprintf(&many, "  - name: f%d\n    care: nope\n    salesforce: Nope\n    direction: sideways\n", i)
	}
	code, out := w.admin(t, http.MethodPost, "/admin/api/mapping/validate", map[string]any{"yaml": many.String()})
	if problems, _ := out["problems"].([]any); code != http.StatusUnprocessableEntity || len(problems) != 100 || out["problem_count"].(float64) <= 100 {
		t.Errorf("500 bad fields: HTTP %d, %d problems listed of %v; want the first 100 and the count", code, len(problems), out["problem_count"])
	}
}

// TestAdminMappingEditorAPI: the org's Case fields for the pickers, the
// form written into the YAML, the diff against the active version, each
// version's diff to its predecessor, and the return to the mapping file.
func TestAdminMappingEditorAPI(t *testing.T) {
	w := startWorld(t, withAdmin)
	code, body := w.admin(t, http.MethodGet, "/admin/api/salesforce/fields?object=Case", nil)
	fields, _ := body["fields"].([]any)
	var priority map[string]any
	for _, f := range fields {
		if m := f.(map[string]any); m["name"] == "Priority" {
			priority = m
		}
	}
	if code != http.StatusOK || priority == nil || !strings.Contains(fmt.Sprint(priority["picklist"]), "Medium") {
		t.Fatalf("Case fields: HTTP %d, Priority = %v; want the org's picklist values", code, priority)
	}
	describes := w.sf.Calls(sfsim.OpDescribe)
	w.admin(t, http.MethodGet, "/admin/api/salesforce/fields?object=Case", nil)
	if w.sf.Calls(sfsim.OpDescribe) != describes {
		t.Error("the describe is read again within its ten minutes")
	}

	shipped := string(configs.Mapping())
	code, body = w.admin(t, http.MethodPost, "/admin/api/mapping/form", map[string]any{"yaml": shipped})
	if code != http.StatusOK {
		t.Fatalf("form: HTTP %d %v", code, body)
	}
	rows, _ := body["fields"].([]any)
	for _, r := range rows {
		row := r.(map[string]any)
		if row["name"] != "priority" {
			continue
		}
		for _, p := range row["care_to_salesforce"].(map[string]any)["pairs"].([]any) {
			if pair := p.(map[string]any); pair["from"] == "high" {
				pair["to"] = "Medium"
			}
		}
	}
	code, body = w.admin(t, http.MethodPost, "/admin/api/mapping/form", map[string]any{"yaml": shipped, "fields": rows})
	edited, _ := body["yaml"].(string)
	if code != http.StatusOK || edited != withPriority(t, "Medium") {
		t.Fatalf("form written back: HTTP %d; want the shipped mapping with one line changed, got diff against it:\n%v", code, body["error"])
	}
	code, body = w.admin(t, http.MethodPost, "/admin/api/mapping/diff", map[string]any{"yaml": edited})
	if d, _ := body["diff"].(map[string]any); code != http.StatusOK || d["added"] != float64(1) || d["removed"] != float64(1) ||
		!strings.Contains(fmt.Sprint(d["unified"]), "-        high: High\n+        high: Medium\n") {
		t.Errorf("diff: HTTP %d %v", code, body)
	}
	if code, body := w.admin(t, http.MethodPost, "/admin/api/mapping/publish", map[string]any{"yaml": edited, "author": "ana", "based_on": 0}); code != http.StatusCreated {
		t.Fatalf("publish: HTTP %d %v", code, body)
	}
	_, body = w.admin(t, http.MethodGet, "/admin/api/mapping/versions/1/diff", nil)
	if d, _ := body["diff"].(map[string]any); !strings.Contains(fmt.Sprint(d["unified"]), "+        high: Medium") || !strings.Contains(fmt.Sprint(body["against"]), "configs/mapping.yaml") {
		t.Errorf("version 1's diff: %v; want the change against the shipped mapping", body)
	}
	_, body = w.admin(t, http.MethodGet, "/admin/api/mapping", nil)
	if ed, _ := body["editing"].(map[string]any); ed["number"] != float64(1) || ed["yaml"] != edited {
		t.Errorf("mapping: editing = %v; want version 1 and its YAML", body["editing"])
	}

	code, body = w.admin(t, http.MethodPost, "/admin/api/mapping/restore-file", map[string]any{"author": "ben", "based_on": 1})
	if code != http.StatusCreated || body["number"] != float64(2) {
		t.Fatalf("return to the mapping file: HTTP %d %v", code, body)
	}
	if _, v := w.admin(t, http.MethodGet, "/admin/api/mapping/versions/2", nil); v["yaml"] != shipped || !strings.Contains(fmt.Sprint(v["note"]), "back to") {
		t.Errorf("version 2 = %v; want the shipped mapping with a note saying so", v["note"])
	}
}

// TestAdminRefusesABasedOnThatIsNotAVersion is issue 25's hole: a negative
// "based_on" reached the store as "no check", so a publish, a return to
// the mapping file or an identity override from a stale page overwrote a
// version published meanwhile. Each is refused with 400 and nothing is
// published.
func TestAdminRefusesABasedOnThatIsNotAVersion(t *testing.T) {
	w := startWorld(t, withAdmin)
	if code, body := w.admin(t, http.MethodPost, "/admin/api/mapping/publish", map[string]any{"yaml": withPriority(t, "Medium"), "author": "ana", "based_on": 0}); code != http.StatusCreated {
		t.Fatalf("publish version 1: HTTP %d %v", code, body)
	}
	calls := []struct {
		path string
		body map[string]any
	}{
		{"/admin/api/mapping/publish", map[string]any{"yaml": withPriority(t, "Low"), "author": "eve"}},
		{"/admin/api/mapping/restore-file", map[string]any{"author": "eve"}},
		{"/admin/api/identities/overrides", map[string]any{"care_agent": "agent_zoe", "salesforce_user": w.users["ana@example.com"], "author": "eve"}},
	}
	for _, c := range calls {
		for _, basedOn := range []int64{-1, -7} {
			c.body["based_on"] = basedOn
			code, body := w.admin(t, http.MethodPost, c.path, c.body)
			if code != http.StatusBadRequest || !strings.Contains(fmt.Sprint(body["error"]), "not a version") {
				t.Errorf("%s with based_on %d: HTTP %d %v; want 400 saying it is not a version", c.path, basedOn, code, body)
			}
		}
	}
	_, versions := w.admin(t, http.MethodGet, "/admin/api/mapping/versions", nil)
	if vs, _ := versions["versions"].([]any); len(vs) != 1 || versions["active"] != float64(1) {
		t.Errorf("versions after the refused calls = %v; want version 1 alone, active", versions)
	}
}

// TestAdminDiffAnswerIsBounded is issue 25's: a 1 MB body made
// /admin/api/mapping/diff answer 30 MB. The diff of a large edit lists its
// first lines and counts the rest; a body past 1 MiB is refused with 413.
func TestAdminDiffAnswerIsBounded(t *testing.T) {
	w := startWorld(t, withAdmin)
	var lines strings.Builder
	for i := 0; lines.Len()+i < 1_000_000-100; i++ { // a body of about 1 MB: each line break is two bytes of JSON
		fmt.Fprintf(&lines, "# line %d\n", i)
	}
	body, _ := json.Marshal(map[string]string{"yaml": lines.String()})
	resp, raw := adminRequest(t, w.d, adminToken, http.MethodPost, "/admin/api/mapping/diff", string(body))
	var out struct {
		Diff struct {
			Added   int `json:"added"`
			Omitted int `json:"omitted"`
		} `json:"diff"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("a %d-byte body: HTTP %d %v %.300s", len(body), resp.StatusCode, err, raw)
	}
	if added := strings.Count(lines.String(), "\n"); len(raw) > 512<<10 || out.Diff.Added != added || out.Diff.Omitted == 0 {
		t.Errorf("diff of a %d-byte edit: %d bytes, %d lines added, %d omitted; want at most 512 KiB with all %d lines counted", len(body), len(raw), out.Diff.Added, out.Diff.Omitted, added)
	}
	body, _ = json.Marshal(map[string]string{"yaml": strings.Repeat("#", 1<<20)})
	if resp, raw := adminRequest(t, w.d, adminToken, http.MethodPost, "/admin/api/mapping/diff", string(body)); resp.StatusCode != http.StatusRequestEntityTooLarge || len(raw) > 4096 {
		t.Errorf("a %d-byte body: HTTP %d, %d bytes; want 413 in a short answer", len(body), resp.StatusCode, len(raw))
	}
}

// browserCall is one admin API call as the admin UI makes it: with the
// session cookie (nil: none), the CSRF token ("" : none) and extra
// headers.
func browserCall(t *testing.T, addr string, cookie *http.Cookie, csrf, method, path, body string, headers map[string]string) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+addr+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp, out
}

// TestAdminSignInSessions: the admin token (or a one-time code) signs a
// browser in with an HttpOnly, SameSite=Strict cookie, Secure behind TLS;
// the session works on every replica, changes need its CSRF token and come
// from the admin UI's own origin, a wrong token gets a plain answer, and
// signing out ends the session everywhere. Redis holds no session id.
func TestAdminSignInSessions(t *testing.T) {
	w := startWorld(t, withAdmin)
	other := w.startReplica(t)
	addr, _ := w.d.Listen()
	otherAddr, _ := other.Listen()
	a, b := addr.String(), otherAddr.String()

	resp, body := browserCall(t, a, nil, "", http.MethodPost, "/admin/api/session", `{"token":"not-the-token"}`, nil)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(fmt.Sprint(body["error"]), "That is not the admin token") || len(resp.Cookies()) != 0 {
		t.Errorf("a wrong token: HTTP %d %v; want 401 saying so plainly, and no cookie", resp.StatusCode, body)
	}
	resp, body = browserCall(t, a, nil, "", http.MethodPost, "/admin/api/session", `{"token":"`+adminToken+`","next":"https://evil.example/x"}`, nil)
	if resp.StatusCode != http.StatusCreated || len(resp.Cookies()) != 1 {
		t.Fatalf("sign in: HTTP %d %v", resp.StatusCode, body)
	}
	cookie, csrf := resp.Cookies()[0], fmt.Sprint(body["csrf_token"])
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Secure || cookie.Path != "/admin/" || cookie.MaxAge <= 0 || body["next"] != "/admin/" {
		t.Errorf("session cookie %+v, next %v; want HttpOnly, SameSite=Strict, not Secure over plain HTTP, for /admin/, with an expiry, and no way off the admin UI", cookie, body["next"])
	}
	if resp, _ := browserCall(t, a, nil, "", http.MethodPost, "/admin/api/session", `{"token":"`+adminToken+`"}`, map[string]string{"X-Forwarded-Proto": "https"}); len(resp.Cookies()) != 1 || !resp.Cookies()[0].Secure {
		t.Errorf("sign in behind TLS: cookies %v; want a Secure cookie", resp.Cookies())
	}
	keys, err := w.redis.Client(t).Keys(t.Context(), "*{admin}*").Result()
	if err != nil || len(keys) < 2 || strings.Contains(strings.Join(keys, " "), cookie.Value) {
		t.Errorf("Redis keys %v (%v); want sessions stored under hashes, never the session id", keys, err)
	}

	valid := `{"yaml":` + strconv.Quote(string(configs.Mapping())) + `}`
	for _, replica := range []string{a, b} {
		if resp, body := browserCall(t, replica, cookie, "", http.MethodGet, "/admin/api/mapping", "", nil); resp.StatusCode != http.StatusOK {
			t.Errorf("GET with the session on %s: HTTP %d %v", replica, resp.StatusCode, body)
		}
		if resp, body := browserCall(t, replica, cookie, csrf, http.MethodPost, "/admin/api/mapping/validate", valid, nil); resp.StatusCode != http.StatusOK {
			t.Errorf("a change with the session and its CSRF token on %s: HTTP %d %v", replica, resp.StatusCode, body)
		}
	}
	refused := []struct {
		name    string
		csrf    string
		headers map[string]string
	}{
		{"no CSRF token", "", nil},
		{"another session's CSRF token", strings.Repeat("0", 64), nil},
		{"from another site", csrf, map[string]string{"Origin": "http://evil.example"}},
		{"a cross-site fetch", csrf, map[string]string{"Sec-Fetch-Site": "cross-site"}},
	}
	for _, r := range refused {
		if resp, body := browserCall(t, a, cookie, r.csrf, http.MethodPost, "/admin/api/mapping/publish", `{"yaml":"fields: []","author":"eve","based_on":0}`, r.headers); resp.StatusCode != http.StatusForbidden {
			t.Errorf("publish with the cookie, %s: HTTP %d %v; want 403", r.name, resp.StatusCode, body)
		}
	}

	if resp, body := browserCall(t, b, cookie, csrf, http.MethodDelete, "/admin/api/session", "", nil); resp.StatusCode != http.StatusOK || len(resp.Cookies()) != 1 || resp.Cookies()[0].MaxAge >= 0 {
		t.Errorf("sign out on the other replica: HTTP %d %v, cookies %v; want the cookie cleared", resp.StatusCode, body, resp.Cookies())
	}
	if resp, body := browserCall(t, a, cookie, "", http.MethodGet, "/admin/api/mapping", "", nil); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(fmt.Sprint(body["error"]), "session has ended") {
		t.Errorf("the signed-out session on the first replica: HTTP %d %v; want 401 saying it ended", resp.StatusCode, body)
	}

	code, err := w.d.AdminSignInCode(t.Context(), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{http.StatusCreated, http.StatusUnauthorized} {
		resp, body := browserCall(t, b, nil, "", http.MethodPost, "/admin/api/session", `{"code":"`+code+`"}`, nil)
		if resp.StatusCode != want {
			t.Errorf("sign in with the one-time code, use %d: HTTP %d %v; want %d", i+1, resp.StatusCode, body, want)
		}
	}
}
