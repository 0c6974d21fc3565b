package daemon_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/internal/testkit"
)

// opsPage drives one admin page in the browser.
type opsPage struct {
	t   *testing.T
	ctx context.Context
}

func (p opsPage) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		body, _ := chromedp.Run(p.ctx, chromedp.Text(chromedp.CSS("main")))
		p.t.Fatalf("%s: %v (page shows: %q)", what, err, body)
	}
}

func (p opsPage) text(sel string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("read %s: %v", sel, err)
	}
	return v
}

func (p opsPage) eval(js string) bool {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](js))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

func pageShows(js string) chromedp.Action[chromedp.Void] { return chromedp.Poll[chromedp.Void](js) }

// openOpsPage signs in to an admin page through the sign-in page.
func openOpsPage(t *testing.T, w *world, path, ready string) opsPage {
	t.Helper()
	p := opsPage{t: t, ctx: browser(t)}
	addr, err := w.d.Listen()
	if err != nil {
		t.Fatal(err)
	}
	p.do("open "+path, chromedp.EmulateViewport(1280, 900))
	p.do("sign in to "+path, signIn("http://"+addr.String(), path)...)
	p.do("load "+path, pageShows(ready))
	return p
}

// fitsAt800 asserts the page has no horizontal overflow 800 px wide, then
// returns to the wide view.
func (p opsPage) fitsAt800() {
	p.t.Helper()
	p.do("narrow the window", chromedp.EmulateViewport(800, 900))
	if !p.eval(`document.documentElement.scrollWidth <= document.documentElement.clientWidth`) {
		wide, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`(() => { for (const e of document.querySelectorAll("body *")) { if (e.getBoundingClientRect().right > document.documentElement.clientWidth + 1) return e.tagName + "#" + e.id + "." + e.className + ": " + e.textContent.slice(0, 80); } return ""; })()`))
		p.t.Errorf("the page overflows 800 px horizontally; the first element that sticks out: %s", wide)
	}
	p.do("widen the window", chromedp.EmulateViewport(1280, 900))
}

// screenshot writes the page to $CAREBRIDGE_SCREENSHOTS/<name>.png when
// that is set (see docs/operations.md).
func (p opsPage) screenshot(name string) {
	p.t.Helper()
	saveScreenshot(p.t, p.ctx, name)
}

// TestHealthPageInABrowser: with two replicas running, the sync health page
// lists both (one leader), the queue depths by readable names, every
// dependency, and fits 800 px.
func TestHealthPageInABrowser(t *testing.T) {
	w := startWorld(t, withAdmin)
	w.escalate(t, "hp_1", strPtr("agent_ana"))
	testkit.Eventually(t, 20*time.Second, "the Salesforce Case", func() (bool, string) { return w.sfCase("hp_1") != nil, "" })
	w.startReplica(t)
	p := openOpsPage(t, w, "/admin/health", `document.querySelectorAll("#replicas tbody tr").length == 2`)
	p.do("the leader shown", pageShows(`[...document.querySelectorAll("#replicas tbody tr")].filter(r => r.textContent.includes("leader") && !r.textContent.includes("follower")).length == 1`))

	replicas, queue, deps, sources := p.text("#replicas"), p.text("#queue"), p.text("#deps"), p.text("#sources")
	if !strings.Contains(replicas, "(this one)") {
		t.Errorf("replicas = %q, want this replica marked", replicas)
	}
	for _, label := range []string{"Ready to run", "Being worked on", "Waiting to retry after a failure", "Scheduled for later", "Dead letters"} {
		if !strings.Contains(queue, label) {
			t.Errorf("queue = %q, want %q", queue, label)
		}
	}
	for _, name := range []string{"Redis", "Queue workers", "Emplifi Care", "Salesforce"} {
		if !strings.Contains(deps, name) {
			t.Errorf("dependencies = %q, want %q", deps, name)
		}
	}
	if !strings.Contains(sources, "Care poll") || !strings.Contains(sources, "Salesforce poll") {
		t.Errorf("sources = %q, want the Care and Salesforce polls", sources)
	}
	if main := p.text("main"); strings.Contains(main, `":`) || strings.Contains(main, "{\"") {
		t.Errorf("the page shows raw JSON: %q", main)
	}
	p.fitsAt800()
	p.screenshot("admin-health")
}

// TestIdentityPageFlagsTheUnmatchedAgent: agent_zoe has no Salesforce
// user; the page flags her, and an override saved from the page matches
// her.
func TestIdentityPageFlagsTheUnmatchedAgent(t *testing.T) {
	w := startWorld(t, withAdmin)
	zoeUser, err := w.sf.Insert("User", map[string]any{"Username": "zoe.sf", "Email": "zoe@corp.example", "LastName": "Zoe Corp", "IsActive": true})
	if err != nil {
		t.Fatal(err)
	}
	p := openOpsPage(t, w, "/admin/identities", `document.querySelectorAll("#agents tbody tr").length == 3`)
	if !p.eval(`document.querySelector('#agents tr[data-agent="agent_zoe"]').classList.contains("unmatched")`) {
		t.Errorf("agent_zoe's row is not flagged unmatched")
	}
	if !p.eval(`document.querySelector('#users tr[data-user="` + zoeUser + `"]').classList.contains("unmatched")`) {
		t.Errorf("the user without an agent is not flagged unmatched")
	}
	if zoe := p.text(`#agents tr[data-agent="agent_zoe"]`); !strings.Contains(zoe, "no Salesforce user") {
		t.Errorf("agent_zoe's row = %q, want it to say she has no Salesforce user", zoe)
	}
	if s := p.text("#summary"); !strings.Contains(s, "2 of 3 Care agents") {
		t.Errorf("summary = %q, want 2 of 3", s)
	}
	if p.eval(`document.querySelector('#agents tr[data-agent="agent_ana"]').classList.contains("unmatched")`) {
		t.Errorf("agent_ana, matched by e-mail, is flagged")
	}
	p.fitsAt800()
	p.screenshot("admin-identities")

	p.do("save an override",
		chromedp.SetValue(chromedp.CSS("#ovAgent"), "agent_zoe"),
		chromedp.SetValue(chromedp.CSS("#ovUser"), zoeUser),
		chromedp.SendKeys(chromedp.CSS("#author"), "Ida Admin"),
		chromedp.Click(chromedp.CSS("#saveOverride")),
		pageShows(`document.getElementById("ovSay").textContent.includes("Published as mapping version 1")`))
	testkit.Eventually(t, 20*time.Second, "the override in force", func() (bool, string) {
		_, ids := w.admin(t, http.MethodGet, "/admin/api/identities", nil)
		return ids["matched"] == float64(3), fmt.Sprint(ids["matched"])
	})
	// The page shows agent_zoe matched by the override, unflagged (one
	// check, since a reload replaces the rows).
	p.do("reload and see agent_zoe matched by override", chromedp.Reload(),
		pageShows(`(() => { const r = document.querySelector('#agents tr[data-agent="agent_zoe"]');
			return r !== null && !r.classList.contains("unmatched") && r.textContent.includes("override") && r.textContent.includes("Zoe Corp"); })()`))
}

// TestCaseExplorerShowsTheTimeline: the case explorer, looked up by the
// Salesforce Case id, shows the status write after a sync; after
// Salesforce refuses an update (a validation rule) and "Sync now", it shows
// the refusal in the timeline and on the Case.
func TestCaseExplorerShowsTheTimeline(t *testing.T) {
	w := startWorld(t, manualPolls, withAdmin)
	ctx := context.Background()
	sfID := w.linked(t, "cx_1", strPtr("agent_ana"))
	w.quiet(t)
	if err := w.care.UISetStatus("cx_1", rules.Pending); err != nil {
		t.Fatal(err)
	}
	if err := w.d.Engine().Triggers().PollCare(ctx); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "the Case on hold", func() (bool, string) { return w.sfCase("cx_1")["Status"] == "On Hold", "" })
	testkit.Eventually(t, 20*time.Second, "the base saved", func() (bool, string) {
		_, v := w.admin(t, http.MethodGet, "/admin/api/cases/cx_1", nil)
		return strings.Contains(fmt.Sprint(v["timeline"]), "status"), ""
	})

	p := openOpsPage(t, w, "/admin/cases?case="+sfID, `document.querySelectorAll('#timeline tr[data-kind="write"]').length > 0`)
	timeline, facts := p.text("#timeline"), p.text("#facts")
	if !strings.Contains(timeline, "status written to Salesforce") || !strings.Contains(timeline, "pending") {
		t.Errorf("timeline = %q, want the status write", timeline)
	}
	if !strings.Contains(facts, "cx_1") || !strings.Contains(facts, sfID) {
		t.Errorf("facts = %q, want both ids", facts)
	}
	if fields := p.text("#fields"); !strings.Contains(fields, "status") || !strings.Contains(fields, "pending") {
		t.Errorf("fields = %q, want the mapped status", fields)
	}
	// Each side in its own terms: Salesforce's status as the org shows it,
	// the owner and the Care agent by name, and the value map between.
	if status, owner := p.text(`#fields tr[data-field="status"]`), p.text(`#fields tr[data-field="assignee"]`); !strings.Contains(status, "On Hold") ||
		!strings.Contains(status, `Care "pending" → Salesforce "On Hold"`) || !strings.Contains(owner, "Ana Novak") || !strings.Contains(owner, "Novak") {
		t.Errorf("status row = %q, assignee row = %q; want each side in its own terms and the mapping between", status, owner)
	}
	p.fitsAt800()

	// Salesforce refuses the next update; the agent asks why.
	if err := w.sf.AddValidationRule(sfsim.ValidationRule{Object: "Case", Name: "Open_Needs_Reason", Field: "Reason", Message: "Reopening needs a reason.",
		Violated: func(r map[string]any) bool { return r["Status"] != "On Hold" && r["Reason"] == nil }}); err != nil {
		t.Fatal(err)
	}
	if err := w.care.UISetStatus("cx_1", rules.Open); err != nil {
		t.Fatal(err)
	}
	p.do("sync now", chromedp.Click(chromedp.CSS("#syncNow")),
		pageShows(`document.getElementById("caseSay").textContent.includes("Queued case:cx_1")`))
	testkit.Eventually(t, 20*time.Second, "the refusal recorded", func() (bool, string) {
		_, v := w.admin(t, http.MethodGet, "/admin/api/cases/cx_1", nil)
		q, _ := v["queue"].(map[string]any)
		return strings.Contains(fmt.Sprint(v["timeline"]), "Reopening needs a reason.") && q["failure"] != nil, ""
	})
	p.do("look up again", chromedp.Click(chromedp.CSS("#lookup")),
		pageShows(`document.querySelectorAll('#timeline tr[data-kind="error"]').length > 0`))
	timeline, facts = p.text("#timeline"), p.text("#facts")
	if !strings.Contains(timeline, "Salesforce refused") || !strings.Contains(timeline, "Reopening needs a reason.") {
		t.Errorf("timeline = %q, want the refusal", timeline)
	}
	if !strings.Contains(facts, "Reopening needs a reason.") || !strings.Contains(facts, "parked after a failure") {
		t.Errorf("facts = %q, want the error shown on the Case and the parked key", facts)
	}
	// The queue's error in plain words, the raw text behind a disclosure.
	raw, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.querySelector("#facts dd .problem-box details pre").textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(facts, "a validation rule of the org does not allow it") || !strings.Contains(raw, "FIELD_CUSTOM_VALIDATION_EXCEPTION") ||
		p.eval(`document.querySelector("#facts dd .problem-box details").open`) {
		t.Errorf("facts = %q, raw %q; want the plain sentence shown and the raw error behind a closed disclosure", facts, raw)
	}
	p.fitsAt800()
	p.screenshot("admin-cases")
}
