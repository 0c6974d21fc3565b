// Package browsertest starts a headless Chromium for tests that drive a page
// the way a person does (github.com/chromedp/chromedp, over the DevTools
// protocol), and saves the screenshots the docs show.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Start starts a headless Chromium with a window of width x height for the
// test and returns its context (bounded to four minutes), or skips the test
// when none is installed (CI installs Debian's chromium); with
// CAREBRIDGE_REQUIRE_BROWSER set a missing browser fails the test instead.
func Start(t testing.TB, width, height int) context.Context {
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
		t.Skip("no Chromium on the PATH (apt-get install chromium): the page is not tested in a browser")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(width, height))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	// The first action on a context starts the browser and ties it to that
	// context: start it here, so that callers may bound their steps with
	// contexts of their own.
	if err := chromedp.Do(ctx); err != nil {
		cancelCtx()
		cancelAlloc()
		t.Fatalf("start Chromium: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// Screenshot writes the browser's page as name.png into
// $CAREBRIDGE_SCREENSHOTS (docs/img: the pictures of the docs); unset:
// nothing.
func Screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("CAREBRIDGE_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
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
