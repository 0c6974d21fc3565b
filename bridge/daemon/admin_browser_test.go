package daemon_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser starts a headless Chromium for the test, or skips the test when
// none is installed (CI installs Debian's chromium; set
// CAREBRIDGE_REQUIRE_BROWSER=1 to make a missing browser a failure).
func browser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("CAREBRIDGE_REQUIRE_BROWSER") != "" {
			t.Fatal("no Chromium on the PATH and CAREBRIDGE_REQUIRE_BROWSER is set: apt-get install chromium")
		}
		t.Skip("no Chromium on the PATH (apt-get install chromium): the admin UI is not tested in a browser")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.Flag("disable-dev-shm-usage", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// TestAdminUIInABrowser drives the admin page as an admin would: connect
// with the token, validate a broken edit (the problem shows with its line),
// preview a fixed edit on a real case, publish it, and see the daemon run
// the new version.
func TestAdminUIInABrowser(t *testing.T) {
	ctx := browser(t)
	w := startWorld(t, withAdmin)
	w.escalate(t, "ui_1", strPtr("agent_ana"))
	eventually(t, "the Salesforce Case", func() (bool, string) { return w.sfCase("ui_1") != nil, "" })
	addr, err := w.d.Listen()
	if err != nil {
		t.Fatal(err)
	}
	edit := withPriority(t, "Medium")
	broken := strings.Replace(edit, "    salesforce: Priority\n", "    salesforce: Priorty__c\n", 1)

	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return v
	}
	do := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v (result line: %q)", what, err, text("#result"))
		}
	}
	waitFor := func(js string) chromedp.Action[chromedp.Void] { return chromedp.Poll[chromedp.Void](js) }

	do("connect",
		chromedp.Navigate("http://"+addr.String()+"/admin/"),
		chromedp.SendKeys(chromedp.CSS("#token"), adminToken),
		chromedp.Click(chromedp.CSS("#connect")),
		waitFor(`document.getElementById("yaml").value.includes("fields:")`))
	running := text("#running")

	do("validate a broken edit",
		chromedp.SetValue(chromedp.CSS("#yaml"), broken),
		chromedp.Click(chromedp.CSS("#validate")),
		waitFor(`document.querySelectorAll("#problems li").length > 0`))
	problems := text("#problems")

	do("preview the fixed edit",
		chromedp.SetValue(chromedp.CSS("#yaml"), edit),
		chromedp.SendKeys(chromedp.CSS("#case"), "ui_1"),
		chromedp.Click(chromedp.CSS("#preview")),
		waitFor(`document.querySelectorAll("#previewOut table").length == 2`))
	preview := text("#previewOut")

	do("publish",
		chromedp.SendKeys(chromedp.CSS("#author"), "Ana Admin"),
		chromedp.SendKeys(chromedp.CSS("#note"), "high is Medium for us"),
		chromedp.Click(chromedp.CSS("#publish")),
		waitFor(`document.getElementById("result").textContent.includes("Published")`),
		waitFor(`document.querySelectorAll("#versions tbody tr").length == 1`))
	result := text("#result")

	if !strings.Contains(running, "default mapping") {
		t.Errorf("running line = %q, want it to name the default mapping", running)
	}
	if !strings.Contains(problems, "Priorty__c") || !strings.Contains(problems, "line ") {
		t.Errorf("problems shown = %q, want the unknown field with its line", problems)
	}
	if !strings.Contains(preview, "Salesforce Priority = Medium") {
		t.Errorf("preview = %q, want the Priority write of the edit", preview)
	}
	if !strings.Contains(result, "version 1") {
		t.Errorf("result = %q, want version 1", result)
	}
	eventually(t, "the daemon to run version 1", func() (bool, string) { return runningVersion(t, w.d) == 1, "" })
}
