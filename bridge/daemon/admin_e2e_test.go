package daemon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/daemon"
	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
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
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, "http://"+addr+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	} else {
		out["body"] = string(raw)
	}
	return resp.StatusCode, out
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
	for _, path := range []string{"/admin/", "/admin/api/mapping", "/admin/api/status"} {
		if code, _ := adminCallAt(t, public.String(), adminToken, http.MethodGet, path, nil); code != http.StatusNotFound {
			t.Errorf("%s on the public listener: HTTP %d, want 404", path, code)
		}
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
	for _, op := range []string{"create", "update", "upsert", "delete", "collections_create", "collections_update", "collections_upsert"} {
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
	eventually(t, "the Salesforce Case", func() (bool, string) { return w.sfCase("adm_1") != nil, "" })
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
	eventually(t, "the daemon to run version 1", func() (bool, string) { return runningVersion(t, w.d) == 1, "" })
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
	eventually(t, "the daemon to run version 2", func() (bool, string) { return runningVersion(t, w.d) == 2, "" })
	if err := w.d.Engine().ReconcileCase(ctx, "adm_1"); err != nil {
		t.Fatal(err)
	}
	if p := w.sfCase("adm_1")["Priority"]; p != "Low" {
		t.Fatalf("after version 2: Priority %v, want Low", p)
	}

	if code, body := w.admin(t, http.MethodPost, "/admin/api/mapping/rollback", map[string]any{"number": 1, "author": "carol"}); code != http.StatusOK {
		t.Fatalf("rollback: HTTP %d %v", code, body)
	}
	eventually(t, "the daemon to run version 1 again", func() (bool, string) { return runningVersion(t, w.d) == 1, "" })
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
	replica, err := daemon.New(w.cfg, logger(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := replica.Listen(); err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- replica.Run(rctx) }()
	t.Cleanup(func() { cancel(); <-done })
	eventually(t, "the new replica to run version 1", func() (bool, string) { return runningVersion(t, replica) == 1, "" })
}

func TestAdminStatusAndDeadLetters(t *testing.T) {
	w := startWorld(t, withAdmin, func(c *config.Config) { c.Queue.MaxAttempts = 1 })
	// A case Care does not know is listed as failing (parked until its
	// next trigger); an action that cannot be read ends, with
	// max_attempts 1, as a dead letter.
	if _, err := w.d.Queue().Add(context.Background(), "case:ghost"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the failing case in the status", func() (bool, string) {
		_, body := w.admin(t, http.MethodGet, "/admin/api/status", nil)
		f, _ := body["failing_keys"].([]any)
		return len(f) == 1 && strings.Contains(fmt.Sprint(f[0]), "key:case:ghost") && strings.Contains(fmt.Sprint(f[0]), "parked:true"), fmt.Sprint(body["failing_keys"])
	})
	_, status := w.admin(t, http.MethodGet, "/admin/api/status", nil)
	// Care and Salesforce are judged by the requests made: both answered.
	for _, system := range []string{"care", "salesforce"} {
		u, _ := status["upstreams"].(map[string]any)[system].(map[string]any)
		if u["up"] != true || u["last_success"] == nil {
			t.Errorf("status upstreams[%s] = %v, want up with a last success", system, u)
		}
	}
	w.sf.InjectFault(sfsim.Fault{Op: sfsim.OpQuery, Status: http.StatusServiceUnavailable, Times: 1})
	if _, err := w.d.Queue().Add(context.Background(), "action:a0Xghost"); err != nil {
		t.Fatal(err)
	}
	var dead []any
	eventually(t, "the dead letter over HTTP", func() (bool, string) {
		_, body := w.admin(t, http.MethodGet, "/admin/api/deadletters", nil)
		dead, _ = body["dead_letters"].([]any)
		return len(dead) == 1, fmt.Sprint(body)
	})
	if d := dead[0].(map[string]any); d["key"] != "action:a0Xghost" || !strings.Contains(fmt.Sprint(d["error"]), "a0Xghost") {
		t.Errorf("dead letter = %v, want action:a0Xghost with its error", d)
	}
	_, status = w.admin(t, http.MethodGet, "/admin/api/status", nil)
	if q, _ := status["queue"].(map[string]any); q["Dead"] != float64(1) {
		t.Errorf("status queue = %v, want one dead letter", status["queue"])
	}
	if deps, _ := status["dependencies"].(map[string]any); len(deps) != 3 || deps["redis"] != "ok" || deps["workers"] != "ok" {
		t.Errorf("status dependencies = %v, want redis, mapping and workers ok", status["dependencies"])
	}
	code, body := w.admin(t, http.MethodPost, "/admin/api/deadletters/replay", map[string]any{"keys": []string{"action:a0Xghost", "case:never"}})
	if code != http.StatusOK || fmt.Sprint(body["replayed"]) != "[action:a0Xghost]" || fmt.Sprint(body["not_dead"]) != "[case:never]" {
		t.Errorf("replay: HTTP %d %v", code, body)
	}
}
