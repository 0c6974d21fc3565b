package configs_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/carebridge/carebridge/configs"
)

// ruleFile is the part of a Prometheus rule file these tests read.
type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Alert       string            `yaml:"alert"`
			Expr        string            `yaml:"expr"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

func parseRules(t *testing.T, data []byte) ruleFile {
	t.Helper()
	var rf ruleFile
	if err := yaml.Unmarshal(data, &rf); err != nil {
		t.Fatalf("alert rules: %v", err)
	}
	return rf
}

// runbookURLs returns every alert's runbook_url, by alert name.
func runbookURLs(t *testing.T, data []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, g := range parseRules(t, data).Groups {
		for _, r := range g.Rules {
			out[r.Alert] = r.Annotations["runbook_url"]
		}
	}
	return out
}

// headingAnchors returns the GitHub anchors of a Markdown file's headings.
func headingAnchors(md []byte) map[string]bool {
	anchors := map[string]bool{}
	drop := regexp.MustCompile(`[^a-z0-9 _-]`)
	inFence := false
	for line := range strings.Lines(string(md)) {
		if strings.HasPrefix(line, "```") {
			inFence = !inFence
		}
		if inFence || !strings.HasPrefix(line, "#") {
			continue
		}
		h := strings.TrimSpace(strings.TrimLeft(line, "#"))
		anchors[strings.ReplaceAll(drop.ReplaceAllString(strings.ToLower(h), ""), " ", "-")] = true
	}
	return anchors
}

// TestAlertRunbooksAreSectionsOfOperations: the embedded rules are the
// file in the repository, and every alert links with an absolute URL to a
// heading of docs/operations.md, so the link opens from Alertmanager,
// Grafana or a pager.
func TestAlertRunbooksAreSectionsOfOperations(t *testing.T) {
	shipped, err := configs.AlertRules("")
	if err != nil {
		t.Fatal(err)
	}
	onDisk, err := os.ReadFile(filepath.Join("prometheus", "alerts.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(shipped, onDisk) {
		t.Fatal("configs.AlertRules(\"\") differs from configs/prometheus/alerts.yaml")
	}
	md, err := os.ReadFile(filepath.Join("..", "docs", "operations.md"))
	if err != nil {
		t.Fatal(err)
	}
	anchors := headingAnchors(md)
	urls := runbookURLs(t, shipped)
	if len(urls) < 10 {
		t.Fatalf("%d alerts in alerts.yaml; want the whole set", len(urls))
	}
	for alert, u := range urls {
		anchor, ok := strings.CutPrefix(u, configs.RunbookBase+"#")
		if !ok {
			t.Errorf("%s: runbook_url %q does not start with %s#", alert, u, configs.RunbookBase)
			continue
		}
		if !anchors[anchor] {
			t.Errorf("%s: runbook_url %q: docs/operations.md has no heading with anchor %q", alert, u, anchor)
		}
		if anchor != strings.ToLower(alert) {
			t.Errorf("%s: runbook_url %q; want the section named after the alert (#%s)", alert, u, strings.ToLower(alert))
		}
	}
}

// TestAlertRulesWithAnotherRunbookBase: ops point the runbook links at
// their own copy of the runbook; nothing else in the rules changes.
func TestAlertRulesWithAnotherRunbookBase(t *testing.T) {
	shipped, err := configs.AlertRules("")
	if err != nil {
		t.Fatal(err)
	}
	const base = "https://wiki.example.com/ops/carebridge/"
	for _, arg := range []string{base, base + "#"} {
		moved, err := configs.AlertRules(arg)
		if err != nil {
			t.Fatalf("AlertRules(%q): %v", arg, err)
		}
		urls := runbookURLs(t, moved)
		for alert, u := range runbookURLs(t, shipped) {
			want := base + "#" + strings.TrimPrefix(u, configs.RunbookBase+"#")
			if urls[alert] != want {
				t.Errorf("AlertRules(%q): %s links to %q; want %q", arg, alert, urls[alert], want)
			}
		}
		if back := bytes.ReplaceAll(moved, []byte(base+"#"), []byte(configs.RunbookBase+"#")); !bytes.Equal(back, shipped) {
			t.Errorf("AlertRules(%q) changed more than the runbook links", arg)
		}
	}
	for _, bad := range []string{"docs/operations.md", "ftp://example.com/ops", "https://", "https://example.com/a#b", "https://example.com/a b"} {
		if _, err := configs.AlertRules(bad); err == nil {
			t.Errorf("AlertRules(%q) accepted", bad)
		}
	}
}

// promtool returns the promtool binary (Debian package prometheus), or
// skips the test when it is missing, unless CAREBRIDGE_REQUIRE_PROMTOOL=1
// (CI) makes that a failure.
func promtool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("promtool")
	if err == nil {
		return p
	}
	if os.Getenv("CAREBRIDGE_REQUIRE_PROMTOOL") == "1" {
		t.Fatalf("promtool not found and CAREBRIDGE_REQUIRE_PROMTOOL=1: %v", err)
	}
	t.Skip("promtool not installed (apt-get install prometheus); set CAREBRIDGE_REQUIRE_PROMTOOL=1 to fail instead")
	return ""
}

// ruleTests is the part of a promtool rule test file these tests read.
type ruleTests struct {
	RuleFiles []string `yaml:"rule_files"`
	Tests     []struct {
		Name       string `yaml:"name"`
		AlertTests []struct {
			Alertname string `yaml:"alertname"`
			ExpAlerts []any  `yaml:"exp_alerts"`
		} `yaml:"alert_rule_test"`
	} `yaml:"tests"`
}

// TestAlertRulesPassPromtool: promtool accepts the rules and their unit
// tests pass, and the unit tests cover every alert both ways: one case
// where it fires and one where it stays quiet.
func TestAlertRulesPassPromtool(t *testing.T) {
	testFiles, err := filepath.Glob(filepath.Join("prometheus", "*_test.yaml"))
	if err != nil || len(testFiles) == 0 {
		t.Fatalf("no rule tests in configs/prometheus (%v)", err)
	}
	fires, quiet := map[string]bool{}, map[string]bool{}
	for _, f := range testFiles {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var rt ruleTests
		if err := yaml.Unmarshal(data, &rt); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !slices.Contains(rt.RuleFiles, "alerts.yaml") {
			t.Errorf("%s: rule_files %v; want alerts.yaml", f, rt.RuleFiles)
		}
		for _, tc := range rt.Tests {
			for _, at := range tc.AlertTests {
				if len(at.ExpAlerts) > 0 {
					fires[at.Alertname] = true
				} else {
					quiet[at.Alertname] = true
				}
			}
		}
	}
	shipped, err := configs.AlertRules("")
	if err != nil {
		t.Fatal(err)
	}
	for alert := range runbookURLs(t, shipped) {
		if !fires[alert] {
			t.Errorf("alert %s: no rule test where it fires", alert)
		}
		if !quiet[alert] {
			t.Errorf("alert %s: no rule test where it stays quiet", alert)
		}
	}

	bin := promtool(t)
	if out, err := exec.Command(bin, "check", "rules", filepath.Join("prometheus", "alerts.yaml")).CombinedOutput(); err != nil {
		t.Errorf("promtool check rules: %v\n%s", err, out)
	}
	args := append([]string{"test", "rules"}, testFiles...)
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Errorf("promtool test rules: %v\n%s", err, out)
	}
}
