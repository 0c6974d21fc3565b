package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// testPrograms are the programs the tests need and their Debian packages,
// as the Makefile lists them.
var testPrograms = []struct{ program, pkg string }{
	{"redis-server", "redis-server"}, {"chromium", "chromium"}, {"promtool", "prometheus"},
	{"node", "nodejs"}, {"npm", "npm"}, {"curl", "curl"},
}

// makeWithPath runs make in the repository with only dir on the PATH.
func makeWithPath(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	makeBin, err := exec.LookPath("make")
	if err != nil {
		t.Skip("make is not installed: make test, which this test is about, needs it")
	}
	cmd := exec.Command(makeBin, append([]string{"-s", "-C", filepath.Join("..", "..")}, args...)...)
	cmd.Env = []string{"PATH=" + dir, "HOME=" + os.Getenv("HOME")}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// stubPrograms makes a directory holding a do-nothing program for each
// name.
func stubPrograms(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestMakeTestChecksItsProgramsFirst: on a machine without the programs
// the tests need, make test stops before anything else, naming the missing
// programs and the apt-get command that installs exactly their packages;
// ALLOW_SKIP=1 lets it run and says the run skips; with every program
// there it goes on, its tests required to find them (CAREBRIDGE_REQUIRE_*).
func TestMakeTestChecksItsProgramsFirst(t *testing.T) {
	var all []string
	for _, p := range testPrograms {
		all = append(all, p.program)
	}
	out, err := makeWithPath(t, t.TempDir(), "test")
	if err == nil || !strings.Contains(out, "not installed: redis-server chromium promtool node npm curl") ||
		!strings.Contains(out, "sudo apt-get install -y redis-server chromium prometheus nodejs npm curl") {
		t.Errorf("make test on a bare machine: %v\n%s\nwant a failure naming every program and the apt-get line", err, out)
	}
	if strings.Contains(out, "gofmt") || strings.Contains(out, "go vet") {
		t.Errorf("make test went on past the missing programs:\n%s", out)
	}

	some := stubPrograms(t, "redis-server", "chromium", "node", "npm")
	if out, err := makeWithPath(t, some, "tools"); err == nil || !strings.Contains(out, "not installed: promtool curl") ||
		!strings.Contains(out, "sudo apt-get install -y prometheus curl\n") {
		t.Errorf("make tools without promtool and curl: %v\n%s", err, out)
	}
	if out, err := makeWithPath(t, some, "missing-packages"); err != nil || out != "prometheus curl\n" {
		t.Errorf("make missing-packages: %v %q, want the two packages", err, out)
	}
	if out, err := makeWithPath(t, t.TempDir(), "tools", "ALLOW_SKIP=1"); err != nil || !strings.Contains(out, "SKIPPED") {
		t.Errorf("make tools ALLOW_SKIP=1 on a bare machine: %v\n%s\nwant a pass that says the run skips", err, out)
	}

	every := stubPrograms(t, all...)
	if out, err := makeWithPath(t, every, "tools"); err != nil || out != "" {
		t.Errorf("make tools with every program: %v %q, want a silent pass", err, out)
	}
	plan, err := makeWithPath(t, every, "-n", "test")
	if err != nil {
		t.Fatalf("make -n test: %v\n%s", err, plan)
	}
	gotest := regexp.MustCompile(`(?m)^(.*) go test -race .*$`).FindStringSubmatch(plan)
	if gotest == nil {
		t.Fatalf("make -n test runs no go test -race:\n%s", plan)
	}
	required := strings.Fields(gotest[1])
	if want := requiredByTests(t); !slices.Equal(sortedNames(required), want) {
		t.Errorf("make test sets %v; the tests read %v: every CAREBRIDGE_REQUIRE_ variable a test reads must be set to 1", required, want)
	}
	if strings.Index(plan, "missing=") > strings.Index(plan, "gofmt") {
		t.Errorf("make test checks its programs after it started linting:\n%s", plan)
	}
	if plan, _ := makeWithPath(t, every, "-n", "test", "ALLOW_SKIP=1"); strings.Contains(plan, "CAREBRIDGE_REQUIRE_") {
		t.Errorf("make test ALLOW_SKIP=1 still requires the programs:\n%s", plan)
	}
	ci := string(repoFile(t, ".ci/run"))
	if !strings.Contains(ci, "make -s missing-packages") || !strings.HasSuffix(strings.TrimSpace(ci), "make test") {
		t.Errorf(".ci/run should install what make missing-packages names, then run make test")
	}
}

// requiredByTests lists the CAREBRIDGE_REQUIRE_* variables the module's Go
// files read, each as NAME=1, sorted.
func requiredByTests(t *testing.T) []string {
	t.Helper()
	re := regexp.MustCompile(`CAREBRIDGE_REQUIRE_[A-Z]+`)
	seen := map[string]bool{}
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "makefile_test.go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, name := range re.FindAllString(string(data), -1) {
			seen[name+"=1"] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range seen {
		names = append(names, n)
	}
	return sortedNames(names)
}

func sortedNames(names []string) []string {
	out := slices.Clone(names)
	slices.Sort(out)
	return out
}
