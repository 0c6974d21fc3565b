package daemon_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/internal/browsertest"
	"github.com/carebridge/carebridge/internal/testkit"
)

// browser starts a headless Chromium with the admin UI's window for the
// test (browsertest.Start).
func browser(t *testing.T) context.Context { return browsertest.Start(t, 1400, 1000) }

// adminPage drives the admin UI of a world's daemon in a browser.
type adminPage struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func openAdmin(t *testing.T, w *world) *adminPage {
	t.Helper()
	ctx := browser(t)
	addr, err := w.d.Listen()
	if err != nil {
		t.Fatal(err)
	}
	p := &adminPage{t: t, ctx: ctx, base: "http://" + addr.String()}
	p.do("sign in", signIn(p.base, "/admin/")...)
	p.do("load the mapping",
		pageWaits(`document.getElementById("yaml").value.includes("fields:")`),
		pageWaits(`document.querySelectorAll("#fields fieldset").length > 0`))
	return p
}

// signIn opens path of the admin UI at base, which leads a browser not
// signed in to the sign-in page; it signs in there with the admin token
// and waits to be back on path, shown (the page is hidden until its
// session is confirmed). The waits are queries, which follow the
// navigations; a script polled meanwhile would be cut off by them.
func signIn(base, path string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + path),
		chromedp.WaitVisible(chromedp.CSS(`body[data-page="signin"] #token`)),
		chromedp.SendKeys(chromedp.CSS("#token"), adminToken),
		chromedp.Click(chromedp.CSS("#signIn")),
		chromedp.WaitVisible(chromedp.CSS(`body:not(.signing-in):not([data-page="signin"]) main`)),
		pageWaits(fmt.Sprintf(`location.pathname + location.search == %q`, path)),
	}
}

func pageWaits(js string) chromedp.Action[chromedp.Void] { return chromedp.Poll[chromedp.Void](js) }

func (p *adminPage) text(sel string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.TextContent(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("read %s: %v", sel, err)
	}
	return v
}

func (p *adminPage) value(sel string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("read the value of %s: %v", sel, err)
	}
	return v
}

func (p *adminPage) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		res, _ := chromedp.Run(p.ctx, chromedp.TextContent(chromedp.CSS("#result")))
		p.t.Fatalf("%s: %v (result line: %q)", what, err, res)
	}
}

// screenshot writes the page as name.png into $CAREBRIDGE_SCREENSHOTS
// (docs/img makes the pictures in docs/mapping.md); unset: nothing.
func (p *adminPage) screenshot(name string) {
	p.t.Helper()
	saveScreenshot(p.t, p.ctx, name)
}

// saveScreenshot writes the browser's page as name.png into
// $CAREBRIDGE_SCREENSHOTS (docs/img: the pictures of the docs); unset:
// nothing.
func saveScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("CAREBRIDGE_SCREENSHOTS")
	if dir == "" {
		return
	}
	// The window is made as tall as the page for the picture, so that what
	// stays in view (the mapping page's action bar) is drawn where it rests,
	// not across the page.
	size, err := chromedp.Run(ctx, chromedp.Evaluate[[]int64](`[window.innerWidth, window.innerHeight, document.documentElement.scrollHeight]`))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	png, err := chromedp.Run(ctx, chromedp.Action[[]byte](func(ctx context.Context, target *chromedp.Target) ([]byte, error) {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(size[0], max(size[1], size[2]))); err != nil {
			return nil, err
		}
		defer func() { _ = chromedp.Do(ctx, chromedp.EmulateViewport(size[0], size[1])) }()
		return chromedp.FullScreenshot(100)(ctx, target)
	}))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// publishedYAML is the YAML of a published version, read over the API.
func publishedYAML(t *testing.T, w *world, n int) string {
	t.Helper()
	code, body := w.admin(t, http.MethodGet, fmt.Sprintf("/admin/api/mapping/versions/%d", n), nil)
	if code != http.StatusOK {
		t.Fatalf("version %d: HTTP %d %v", n, code, body)
	}
	y, _ := body["yaml"].(string)
	return y
}

// TestAdminUIInABrowser drives the admin page as an admin would: connect
// with the token, validate a broken edit (the problem shows with its line),
// preview a fixed edit on a real case, review its diff, publish it, and see
// the daemon run the new version and the header say so.
func TestAdminUIInABrowser(t *testing.T) {
	w := startWorld(t, withAdmin)
	w.escalate(t, "ui_1", strPtr("agent_ana"))
	testkit.Eventually(t, 20*time.Second, "the Salesforce Case", func() (bool, string) { return w.sfCase("ui_1") != nil, "" })
	p := openAdmin(t, w)
	edit := withPriority(t, "Medium")
	broken := strings.Replace(edit, "    salesforce: Priority\n", "    salesforce: Priorty__c\n", 1)
	running := p.text("#running")

	p.do("validate a broken edit",
		chromedp.Click(chromedp.CSS("#tab-yaml")),
		chromedp.SetValue(chromedp.CSS("#yaml"), broken),
		chromedp.Click(chromedp.CSS("#validate")),
		pageWaits(`document.querySelectorAll("#problems li").length > 0`))
	problems := p.text("#problems")

	p.do("preview the fixed edit",
		chromedp.SetValue(chromedp.CSS("#yaml"), edit),
		chromedp.SendKeys(chromedp.CSS("#case"), "ui_1"),
		chromedp.Click(chromedp.CSS("#preview")),
		pageWaits(`document.querySelectorAll("#previewOut table").length == 2`))
	preview := p.text("#previewOut")

	p.do("review the edit",
		chromedp.SendKeys(chromedp.CSS("#author"), "Ana Admin"),
		chromedp.SendKeys(chromedp.CSS("#note"), "high is Medium for us"),
		chromedp.Click(chromedp.CSS("#publish")),
		pageWaits(`!document.getElementById("review").hidden`))
	diff := p.text("#reviewDiff")
	p.screenshot("mapping-review")
	p.do("publish",
		chromedp.Click(chromedp.CSS("#reviewConfirm")),
		pageWaits(`document.getElementById("result").textContent.includes("Published")`),
		pageWaits(`document.querySelectorAll("#versions tbody tr[data-version]").length == 1`))
	result := p.text("#result")

	if !strings.Contains(running, "default mapping") {
		t.Errorf("running line = %q, want it to name the default mapping", running)
	}
	if !strings.Contains(problems, "Priorty__c") || !strings.Contains(problems, "line ") {
		t.Errorf("problems shown = %q, want the unknown field with its line", problems)
	}
	if !strings.Contains(preview, "Salesforce Priority = Medium") {
		t.Errorf("preview = %q, want the Priority write of the edit", preview)
	}
	if marked := p.text(`#previewOut .change`); !strings.Contains(preview, "would do: priority") || !strings.Contains(marked, "Priority = Medium") || !strings.Contains(marked, "changed by your edit") {
		t.Errorf("preview = %q, marked %q; want the priority change named and marked", preview, marked)
	}
	if !strings.Contains(diff, "-        high: High") || !strings.Contains(diff, "+        high: Medium") {
		t.Errorf("diff before publishing = %q, want the one changed line", diff)
	}
	if !strings.Contains(result, "version 1") {
		t.Errorf("result = %q, want version 1", result)
	}
	testkit.Eventually(t, 20*time.Second, "the daemon to run version 1", func() (bool, string) { return runningVersion(t, w.d) == 1, "" })
	p.do("the header follows the replica", pageWaits(`document.getElementById("running").textContent.includes("Active: version 1") && document.getElementById("running").textContent.includes("This replica runs it")`))
}

// TestAdminUIRollbackThenPublishKeepsTheRolledBackVersion is issue 13's
// bug: after "Roll back to this" the editor held the newer version's YAML,
// so publishing from there brought back what was rolled back.
//
// The replica checks for new versions only hourly here, so it does not
// switch during the test: what the editor holds must come from the active
// version, not from what the replica happens to run.
func TestAdminUIRollbackThenPublishKeepsTheRolledBackVersion(t *testing.T) {
	w := startWorld(t, withAdmin, func(c *config.Config) { c.Mapping.ReloadInterval = time.Hour })
	for i, v := range []string{"Medium", "Low"} {
		if code, body := w.admin(t, http.MethodPost, "/admin/api/mapping/publish", map[string]any{"yaml": withPriority(t, v), "author": "ana", "note": "high is " + v, "based_on": i}); code != http.StatusCreated {
			t.Fatalf("publish %s: HTTP %d %v", v, code, body)
		}
	}
	p := openAdmin(t, w)
	p.do("roll back to version 1",
		chromedp.SendKeys(chromedp.CSS("#author"), "Carol"),
		chromedp.Click(chromedp.CSS(`#versions tr[data-version="1"] button[aria-label="Roll back to version 1"]`)),
		pageWaits(`!document.getElementById("review").hidden`))
	rollbackDiff := p.text("#reviewDiff")
	p.do("confirm the rollback",
		chromedp.Click(chromedp.CSS("#reviewConfirm")),
		pageWaits(`document.getElementById("result").textContent.includes("Version 1 is active again")`),
		pageWaits(`document.getElementById("running").textContent.includes("Active: version 1")`),
		// The history is drawn again after the rollback; a click before that
		// would open a row about to be replaced.
		pageWaits(`document.querySelector('#versions tr[data-version="1"]')?.classList.contains("active")`))
	header, editor := p.text("#running"), p.value("#yaml")
	if strings.Contains(header, "based on version 2") || !strings.Contains(header, "start from version 1") {
		t.Errorf("header after the rollback = %q; want edits to start from version 1", header)
	}
	if !strings.Contains(editor, "        high: Medium\n") || strings.Contains(editor, "        high: Low\n") {
		t.Errorf("the editor after the rollback does not hold version 1 (high: Medium)")
	}
	if !strings.Contains(rollbackDiff, "-        high: Low") || !strings.Contains(rollbackDiff, "+        high: Medium") {
		t.Errorf("rollback review = %q, want Low going back to Medium", rollbackDiff)
	}
	p.do("the history shows version 2's changes",
		chromedp.Click(chromedp.CSS(`#versions tr[data-version="2"] button[aria-label="Changes in version 2"]`)),
		pageWaits(`document.querySelector("#versions .diff") !== null`))
	if d := p.text("#versions .diff"); !strings.Contains(d, "-        high: Medium") || !strings.Contains(d, "+        high: Low") {
		t.Errorf("version 2's changes = %q", d)
	}
	p.screenshot("mapping-history")

	p.do("publish right after the rollback",
		chromedp.SendKeys(chromedp.CSS("#note"), "after the rollback"),
		chromedp.Click(chromedp.CSS("#publish")),
		pageWaits(`!document.getElementById("review").hidden`))
	if d := p.text("#reviewDiff"); !strings.Contains(d, "No changes") {
		t.Errorf("publishing the unchanged editor after the rollback would change: %q", d)
	}
	p.do("confirm the publish",
		chromedp.Click(chromedp.CSS("#reviewConfirm")),
		pageWaits(`document.getElementById("result").textContent.includes("Published as version 3")`),
		pageWaits(`document.getElementById("running").textContent.includes("Active: version 3")`))
	if y := publishedYAML(t, w, 3); !strings.Contains(y, "        high: Medium\n") || strings.Contains(y, "        high: Low\n") {
		t.Errorf("version 3 brought back what was rolled back:\n%s", y)
	}
	if header := p.text("#running"); !strings.Contains(header, "This replica still runs") || !strings.Contains(header, "switches to version 3") {
		t.Errorf("header after publishing = %q; want it to say the replica has yet to switch to version 3", header)
	}
}

// TestAdminUIValueMapThroughThePickers: an admin changes a value
// translation with the pickers (the Salesforce side offers the org's
// picklist values), reviews and publishes it; a value the org lacks is
// flagged.
func TestAdminUIValueMapThroughThePickers(t *testing.T) {
	w := startWorld(t, withAdmin)
	p := openAdmin(t, w)
	const row = `fieldset[data-field="priority"] .vm[data-dir="care_to_salesforce"] tr`
	const highSF = `[...document.querySelectorAll('` + row + `')].find((tr) => tr.querySelector("select.care") && tr.querySelector("select.care").value === "high").querySelector("select.sf")`
	p.do("find the priority translation", pageWaits(highSF+` !== undefined`))
	p.screenshot("mapping-form")
	options, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]string](`[...`+highSF+`.options].map((o) => o.value)`))
	if err != nil {
		t.Fatal(err)
	}
	if o := strings.Join(options, ","); !strings.Contains(o, "Medium") || !strings.Contains(o, "Low") || !strings.Contains(o, "High") {
		t.Errorf("the Salesforce side offers %v, want the org's Priority values", options)
	}
	p.do("pick Medium for high",
		chromedp.Focus(chromedp.CSS(`fieldset[data-field="priority"] select.sf`)),
		chromedp.Evaluate[chromedp.Void](`(() => { const s = `+highSF+`; s.value = "Medium"; s.dispatchEvent(new Event("change", { bubbles: true })); })()`),
		pageWaits(`document.getElementById("yaml").value.includes("        high: Medium\n")`))
	p.do("review and publish",
		chromedp.SendKeys(chromedp.CSS("#author"), "Ana Admin"),
		chromedp.Click(chromedp.CSS("#publish")),
		pageWaits(`!document.getElementById("review").hidden`))
	if d := p.text("#reviewDiff"); !strings.Contains(d, "-        high: High") || !strings.Contains(d, "+        high: Medium") || strings.Count(d, "+ ") != 1 {
		t.Errorf("diff = %q, want exactly high: High -> Medium", d)
	}
	p.do("publish", chromedp.Click(chromedp.CSS("#reviewConfirm")),
		pageWaits(`document.getElementById("result").textContent.includes("Published as version 1")`))
	if y := publishedYAML(t, w, 1); !strings.Contains(y, "        high: Medium\n") || !strings.Contains(y, "# carebridge field mapping") {
		t.Errorf("published YAML lacks the picked value or lost the comments:\n%s", y)
	}
	// A value the org's picklist lacks, typed in the YAML, is flagged in
	// the form.
	odd := strings.Replace(publishedYAML(t, w, 1), "        high: Medium\n", "        high: Urgentish\n", 1)
	p.do("flag a value the org lacks",
		chromedp.Click(chromedp.CSS("#tab-yaml")),
		chromedp.SetValue(chromedp.CSS("#yaml"), odd),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("yaml").dispatchEvent(new Event("input"))`),
		chromedp.Click(chromedp.CSS("#tab-form")),
		pageWaits(`[...document.querySelectorAll('fieldset[data-field="priority"] .missing')].some((e) => e.textContent.includes("Urgentish"))`))
	if flagged := p.text(`fieldset[data-field="priority"] .missing`); !strings.Contains(flagged, "not a value of Priority in the org") {
		t.Errorf("flag = %q", flagged)
	}
}

// TestAdminUILayout: at 800 and 1400 px nothing overflows its card (Replay
// and "Roll back to this" did), with versions listed and a diff open.
func TestAdminUILayout(t *testing.T) {
	w := startWorld(t, withAdmin)
	for i, v := range []string{"Medium", "Low", "High"} {
		note := "high is " + v + strings.Repeat(" and a long note that wraps", 4)
		if code, body := w.admin(t, http.MethodPost, "/admin/api/mapping/publish", map[string]any{"yaml": withPriority(t, v), "author": "Ana Administrator-Longname", "note": note, "based_on": i}); code != http.StatusCreated {
			t.Fatalf("publish %s: HTTP %d %v", v, code, body)
		}
	}
	p := openAdmin(t, w)
	p.do("open a version's changes",
		chromedp.Click(chromedp.CSS(`#versions tr[data-version="2"] button[aria-label="Changes in version 2"]`)),
		pageWaits(`document.querySelector("#versions .diff") !== null`))
	const overflow = `[...document.querySelectorAll("section, fieldset.field, header")].filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => (e.id || e.dataset.field || e.tagName) + " " + e.scrollWidth + ">" + e.clientWidth)
		.concat(document.documentElement.scrollWidth > document.documentElement.clientWidth ? ["page " + document.documentElement.scrollWidth + ">" + document.documentElement.clientWidth] : [])`
	for _, width := range []int64{800, 1400} {
		if _, err := chromedp.Run(p.ctx, chromedp.Steps(chromedp.EmulateViewport(width, 900), pageWaits(fmt.Sprintf("window.innerWidth == %d", width)))); err != nil {
			t.Fatal(err)
		}
		over, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]string](overflow))
		if err != nil {
			t.Fatal(err)
		}
		if len(over) > 0 {
			t.Errorf("at %d px these overflow: %v", width, over)
		}
		p.screenshot(fmt.Sprintf("mapping-%dpx", width))
	}
}

// browserCookies are the cookies the browser holds for its page.
func browserCookies(t *testing.T, ctx context.Context) []*network.Cookie {
	t.Helper()
	cookies, err := chromedp.Run(ctx, chromedp.Action[[]*network.Cookie](func(ctx context.Context, target *chromedp.Target) ([]*network.Cookie, error) {
		res, err := cdp.Call(ctx, target, network.GetCookies, network.GetCookiesParams{})
		return res.Cookies, err
	}))
	if err != nil {
		t.Fatal(err)
	}
	return cookies
}

// TestAdminSignInInABrowser: a page opened without a session leads to the
// sign-in page (nothing of it shows meanwhile); a wrong token is answered
// in plain words; the admin token leads back to the page with an HttpOnly,
// SameSite=Strict cookie; signing out leads to sign-in again. The demo's
// one-time link signs in once and leaves the address bar at once.
func TestAdminSignInInABrowser(t *testing.T) {
	w := startWorld(t, withAdmin)
	ctx := browser(t)
	addr, err := w.d.Listen()
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + addr.String()
	p := opsPage{t: t, ctx: ctx}
	p.do("open the health page without a session",
		chromedp.Navigate(base+"/admin/health"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-page="signin"] #token`)),
		pageWaits(`location.pathname + location.search == "/admin/signin?next=%2Fadmin%2Fhealth"`))
	p.do("a wrong token",
		chromedp.SendKeys(chromedp.CSS("#token"), "not-the-admin-token"),
		chromedp.Click(chromedp.CSS("#signIn")),
		pageWaits(`document.getElementById("say").textContent.includes("That is not the admin token")`))
	saveScreenshot(t, ctx, "admin-signin")
	p.do("the admin token",
		chromedp.Evaluate[chromedp.Void](`document.getElementById("token").value = ""`),
		chromedp.SendKeys(chromedp.CSS("#token"), adminToken),
		chromedp.Click(chromedp.CSS("#signIn")),
		chromedp.WaitVisible(chromedp.CSS(`body[data-page="health"]:not(.signing-in) main`)),
		pageWaits(`location.pathname == "/admin/health" && document.getElementById("sessionSay").textContent.includes("Signed in until")`))
	var session *network.Cookie
	for _, c := range browserCookies(t, ctx) {
		if c.Name == "carebridge_admin" {
			session = c
		}
	}
	if session == nil || !session.HTTPOnly || session.SameSite != network.CookieSameSiteStrict || session.Path != "/admin/" || session.Session {
		t.Errorf("session cookie = %+v; want HttpOnly, SameSite=Strict, for /admin/, with an expiry", session)
	}
	if p.eval(`document.cookie.includes("carebridge_admin")`) {
		t.Error("the page's script can read the session cookie")
	}
	p.do("sign out",
		chromedp.Click(chromedp.CSS("#signOut")),
		chromedp.WaitVisible(chromedp.CSS(`body[data-page="signin"] #token`)),
		pageWaits(`document.getElementById("say").textContent.includes("signed out")`),
		chromedp.Navigate(base+"/admin/cases"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-page="signin"] #token`)))

	code, err := w.d.AdminSignInCode(t.Context(), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	p.do("the one-time link",
		chromedp.Navigate(base+"/admin/signin#code="+code),
		chromedp.WaitVisible(chromedp.CSS(`body[data-page="mapping"]:not(.signing-in) main`)),
		pageWaits(`location.href == "`+base+`/admin/"`))
	p.do("the link again, in a browser signed out",
		chromedp.Click(chromedp.CSS("#signOut")),
		chromedp.WaitVisible(chromedp.CSS(`body[data-page="signin"] #token`)),
		chromedp.Navigate(base+"/admin/signin#code="+code),
		pageWaits(`document.getElementById("say").textContent.includes("already used") && location.hash == ""`))
}

// commentedMapping is the shipped mapping with more comments: one on a
// value's own line, and a block inside the status field's value map.
func commentedMapping(t *testing.T) string {
	t.Helper()
	m := string(configs.Mapping())
	for _, r := range [][2]string{
		{"        Working: open\n", "        # Tier-2 work is still open work.\n        Working: open   # agents are on it\n"},
		{"        low: Low\n", "        low: Low        # nobody is in a hurry\n"},
	} {
		if strings.Count(m, r[0]) != 1 {
			t.Fatalf("the shipped mapping no longer has %q once; update this test", r[0])
		}
		m = strings.Replace(m, r[0], r[1], 1)
	}
	return m
}

// TestAdminPublishesAFormEditOfACommentedMapping is issue 22's acceptance:
// an admin signs in through the sign-in page, changes one value of a
// commented mapping in the form, previews it (a case it does not touch is
// said to be untouched), reviews a diff of exactly one changed line and
// publishes a version that keeps every comment. The actions stay in view
// wherever the page is scrolled, and the page is not one long column.
func TestAdminPublishesAFormEditOfACommentedMapping(t *testing.T) {
	file := filepath.Join(t.TempDir(), "mapping.yaml")
	src := commentedMapping(t)
	if err := os.WriteFile(file, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	w := startWorld(t, withAdmin, func(c *config.Config) { c.Mapping.File = file })
	w.linked(t, "cm_1", strPtr("agent_ana"))
	p := openAdmin(t, w)

	const working = `[...document.querySelectorAll('fieldset[data-field="status"] .vm[data-dir="salesforce_to_care"] tr')].find((tr) => tr.querySelector("select.sf") && tr.querySelector("select.sf").value === "Working").querySelector("select.care")`
	p.do("pick pending for Working",
		pageWaits(working+` !== undefined`),
		chromedp.Evaluate[chromedp.Void](`(() => { const s = `+working+`; s.value = "pending"; s.dispatchEvent(new Event("change", { bubbles: true })); })()`),
		pageWaits(`document.getElementById("yaml").value.includes("        Working: pending   # agents are on it\n")`))

	const inView = `(() => { const r = document.getElementById("actionbar").getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight + 1 && r.height > 0; })()`
	for _, scroll := range []string{"window.scrollTo(0, 0)", "window.scrollTo(0, document.body.scrollHeight)", "window.scrollTo(0, document.body.scrollHeight / 2)"} {
		if _, err := chromedp.Run(p.ctx, chromedp.Evaluate[chromedp.Void](scroll)); err != nil {
			t.Fatal(err)
		}
		if ok, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](inView)); err != nil || !ok {
			t.Errorf("after %s the actions are out of view (%v)", scroll, err)
		}
	}
	if h, err := chromedp.Run(p.ctx, chromedp.Evaluate[float64](`document.documentElement.scrollHeight`)); err != nil || h > 2600 {
		t.Errorf("the page is %v px tall at 1400 px wide (%v); want the fields side by side, not one long column", h, err)
	}

	p.do("preview on a case the edit does not touch",
		chromedp.SendKeys(chromedp.CSS("#case"), "cm_1"),
		chromedp.Click(chromedp.CSS("#preview")),
		pageWaits(`document.querySelectorAll("#previewOut table").length == 2`))
	if s := p.text("#previewOut .say"); !strings.Contains(s, "changes nothing for case cm_1") {
		t.Errorf("preview summary = %q; want it to say the edit changes nothing for cm_1", s)
	}
	p.screenshot("mapping-preview")

	p.do("review",
		chromedp.SendKeys(chromedp.CSS("#author"), "Ana Admin"),
		chromedp.SendKeys(chromedp.CSS("#note"), "Working waits for the customer"),
		chromedp.Click(chromedp.CSS("#publish")),
		pageWaits(`!document.getElementById("review").hidden`))
	lines, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#reviewDiff .add, #reviewDiff .del")].map((d) => d.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"-        Working: open   # agents are on it", "+        Working: pending   # agents are on it"}; !slices.Equal(lines, want) {
		t.Errorf("the review shows the changed lines %q; want exactly %q", lines, want)
	}
	p.do("publish",
		chromedp.Click(chromedp.CSS("#reviewConfirm")),
		pageWaits(`document.getElementById("result").textContent.includes("Published as version 1")`))
	want := strings.Replace(src, "        Working: open   # agents are on it\n", "        Working: pending   # agents are on it\n", 1)
	if got := publishedYAML(t, w, 1); got != want {
		t.Errorf("version 1 is not the mapping file with one line changed:\n%s", got)
	}
}
