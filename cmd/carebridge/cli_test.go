package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/internal/redistest"
)

// TestEveryCommandAnswersHelp: every command and verb answers --help and
// -h with exit 0 on stdout, in one format: "Usage: carebridge <words> ...",
// what it does, then its verbs with their summaries or every flag it
// declares; the commands that read a configuration name the environment.
func TestEveryCommandAnswersHelp(t *testing.T) {
	commands := 0
	walk(root(), []string{"carebridge"}, func(c *command, path []string) {
		commands++
		for _, help := range []string{"--help", "-h"} {
			args := append(slices.Clone(path[1:]), help)
			name := strings.Join(append([]string{"carebridge"}, args...), " ")
			var out, errOut bytes.Buffer
			if code := run(context.Background(), args, strings.NewReader(""), &out, &errOut); code != 0 || errOut.Len() > 0 {
				t.Errorf("%s: exit %d, stderr %q; want 0 and nothing on stderr", name, code, errOut.String())
			}
			text := out.String()
			lines := strings.Split(text, "\n")
			if !strings.HasPrefix(lines[0], "Usage: "+strings.Join(path, " ")) || len(lines) < 4 || lines[1] != "" || lines[2] == "" {
				t.Errorf("%s: want a usage line naming the command, a blank line, then what it does; got\n%s", name, text)
			}
			for _, foreign := range []string{"Usage of", "flag: help requested", "unknown command", "unknown verb"} {
				if strings.Contains(text, foreign) {
					t.Errorf("%s prints %q:\n%s", name, foreign, text)
				}
			}
			if c.setup == nil {
				if !regexp.MustCompile(`\n(Commands|Verbs):\n`).MatchString(text) {
					t.Errorf("%s lists no verbs:\n%s", name, text)
				}
				for _, v := range c.verbs {
					if !regexp.MustCompile(`\n  ` + v.name + ` +` + regexp.QuoteMeta(v.summary) + `\n`).MatchString(text) {
						t.Errorf("%s does not list %s with its summary %q:\n%s", name, v.name, v.summary, text)
					}
				}
				continue
			}
			if !strings.Contains(text, "\nFlags:\n") || !strings.Contains(text, "  -h, --help\n") {
				t.Errorf("%s has no Flags section with -h, --help:\n%s", name, text)
			}
			fs := flag.NewFlagSet(name, flag.ContinueOnError)
			c.setup(fs, stdio{})
			fs.VisitAll(func(f *flag.Flag) {
				if !strings.Contains(text, "\n  --"+f.Name) {
					t.Errorf("%s does not list its flag --%s:\n%s", name, f.Name, text)
				}
			})
			if fs.Lookup("config") != nil && !strings.Contains(text, "CAREBRIDGE_CONFIG") {
				t.Errorf("%s does not say the configuration can come from the environment:\n%s", name, text)
			}
		}
	})
	if commands < 15 {
		t.Errorf("walked %d commands and verbs; the command line has at least 15", commands)
	}
}

// TestCommandLineMistakes: no command, an unknown command or verb, a
// missing verb and an unknown flag exit 2 with what went wrong and where to
// find the usage, on stderr.
func TestCommandLineMistakes(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "Usage: carebridge <command>"},
		{[]string{"bogus"}, `carebridge: unknown command "bogus": run, demo, check`},
		{[]string{"sandbox"}, "carebridge sandbox: which one? care or salesforce"},
		{[]string{"sandbox", "mysql"}, `carebridge sandbox: unknown verb "mysql": care or salesforce`},
		{[]string{"deadletters", "purge"}, `carebridge deadletters: unknown verb "purge": list or replay`},
		{[]string{"run", "--bogus"}, "carebridge run: flag provided but not defined: -bogus\nRun 'carebridge run --help' for usage."},
		{[]string{"run"}, "carebridge run: --config FILE is required"},
		{[]string{"deadletters", "replay", "--config", "x.yaml"}, "carebridge deadletters replay: replay needs at least one KEY"},
		{[]string{"version", "now"}, `carebridge version: unexpected arguments ["now"]`},
	} {
		t.Setenv("CAREBRIDGE_CONFIG", "")
		var out, errOut bytes.Buffer
		code := run(context.Background(), tt.args, strings.NewReader(""), &out, &errOut)
		if code != 2 || out.Len() > 0 || !strings.Contains(errOut.String(), tt.want) {
			t.Errorf("carebridge %s: exit %d, stdout %q, stderr %q; want 2 and %q on stderr", strings.Join(tt.args, " "), code, out.String(), errOut.String(), tt.want)
		}
	}
}

// TestRulesHelpExampleRuns: the example in `rules check --help` is a valid
// scenario, and the help describes every field of its input.
func TestRulesHelpExampleRuns(t *testing.T) {
	var help bytes.Buffer
	run(context.Background(), []string{"rules", "check", "--help"}, nil, &help, io.Discard)
	if !strings.Contains(help.String(), rulesExample) {
		t.Fatalf("the help does not show the example:\n%s", help.String())
	}
	for _, field := range []string{"platform", "action", "reply_mode", "new_status", "now", "case", "target", "author", "conversation", "text", "media"} {
		if !regexp.MustCompile(`\n  ` + field + `\b`).MatchString(help.String()) {
			t.Errorf("the help does not describe the field %s", field)
		}
	}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"rules", "check"}, strings.NewReader(rulesExample), &out, &errOut); code != 0 {
		t.Fatalf("the example: exit %d, %s", code, errOut.String())
	}
	var d struct {
		Allowed bool   `json:"allowed"`
		Code    string `json:"code"`
	}
	if err := json.Unmarshal(out.Bytes(), &d); err != nil || d.Allowed || d.Code != "private_reply_window_expired" {
		t.Fatalf("the example decided %s (%v); want the closed private-reply window", out.String(), err)
	}
}

// TestDeadLettersNeedOnlyRedis: with a config that names only Redis (no
// Care or Salesforce secrets), deadletters lists nothing with a sentence,
// then a dead action as a table and as JSON with the admin API's names,
// and replays it.
func TestDeadLettersNeedOnlyRedis(t *testing.T) {
	srv := redistest.Start(t, redistest.WithoutAOF())
	cfgFile := filepath.Join(t.TempDir(), "carebridge.yaml")
	if err := os.WriteFile(cfgFile, []byte("redis:\n  url: redis://"+srv.Addr()+"/0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cli := func(args ...string) (int, string) {
		var out, errOut bytes.Buffer
		code := run(context.Background(), args, nil, &out, &errOut)
		return code, out.String() + errOut.String()
	}
	if code, out := cli("deadletters", "list", "--config", cfgFile); code != 0 || strings.TrimSpace(out) != "no dead letters" {
		t.Fatalf("empty list: exit %d, %q", code, out)
	}

	q, err := queue.New(srv.Client(t), queue.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := q.Add(ctx, "action:a0X1"); err != nil {
		t.Fatal(err)
	}
	l, _, err := q.TryGet(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Fail(ctx, l, errors.New("care refused: window closed")); err != nil {
		t.Fatal(err)
	}
	code, out := cli("deadletters", "list", "--config", cfgFile)
	if code != 0 || !strings.Contains(out, "KEY") || !strings.Contains(out, "action:a0X1") || !strings.Contains(out, "window closed") {
		t.Fatalf("table: exit %d, %q", code, out)
	}
	code, out = cli("deadletters", "list", "--json", "--config", cfgFile)
	var dl map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &dl) != nil || dl["key"] != "action:a0X1" || dl["attempts"] != float64(1) {
		t.Fatalf("json: exit %d, %q", code, out)
	}
	if code, out := cli("deadletters", "replay", "--config", cfgFile, "action:a0X1"); code != 0 || !strings.Contains(out, "replayed 1") {
		t.Fatalf("replay: exit %d, %q", code, out)
	}
	if code, out := cli("deadletters", "list", "--config", cfgFile); code != 0 || strings.TrimSpace(out) != "no dead letters" {
		t.Fatalf("after replay: exit %d, %q", code, out)
	}
}

// TestHealthcheckAsksHealthz: the HEALTHCHECK subcommand exits 0 when the
// daemon's /healthz answers 200, 1 when it answers otherwise or not at all.
func TestHealthcheckAsksHealthz(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
	}))
	defer srv.Close()
	check := func() int {
		var out bytes.Buffer
		return run(context.Background(), []string{"healthcheck", "--url", srv.URL + "/healthz"}, nil, &out, &out)
	}
	if code := check(); code != 0 {
		t.Errorf("healthy daemon: exit %d, want 0", code)
	}
	status = http.StatusServiceUnavailable
	if code := check(); code != 1 {
		t.Errorf("unhealthy daemon: exit %d, want 1", code)
	}
	srv.Close()
	if code := check(); code != 1 {
		t.Errorf("no daemon: exit %d, want 1", code)
	}
	for listen, want := range map[string]string{
		"":             "http://127.0.0.1:8080/healthz",
		":9090":        "http://127.0.0.1:9090/healthz",
		"0.0.0.0:8081": "http://127.0.0.1:8081/healthz",
		"[::]:8082":    "http://127.0.0.1:8082/healthz",
		"10.1.2.3:80":  "http://10.1.2.3:80/healthz",
	} {
		if got := healthURL(listen); got != want {
			t.Errorf("healthURL(%q) = %q, want %q", listen, got, want)
		}
	}
}

// TestAlertsPrintsRulesWithTheRunbookBase: `carebridge alerts` prints the
// shipped rules, with --runbook-base (or CAREBRIDGE_RUNBOOK_BASE) in every
// runbook link; a relative base is a usage error.
func TestAlertsPrintsRulesWithTheRunbookBase(t *testing.T) {
	t.Setenv("CAREBRIDGE_RUNBOOK_BASE", "")
	alerts := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := run(context.Background(), append([]string{"alerts"}, args...), nil, &out, &errOut)
		return code, out.String(), errOut.String()
	}
	code, shipped, errOut := alerts()
	if code != 0 || !strings.Contains(shipped, "alert: CarebridgeDown") || !strings.Contains(shipped, "runbook_url: "+configs.RunbookBase+"#carebridgedown") {
		t.Fatalf("carebridge alerts: exit %d, %q; want the shipped rules (%s)", code, shipped, errOut)
	}
	const base = "https://wiki.example.com/carebridge"
	code, moved, errOut := alerts("--runbook-base", base)
	if code != 0 || strings.Contains(moved, configs.RunbookBase) ||
		strings.Count(moved, "runbook_url: "+base+"#") != strings.Count(shipped, "runbook_url: ") {
		t.Errorf("carebridge alerts --runbook-base %s: exit %d (%s); want every runbook_url under the base:\n%s", base, code, errOut, moved)
	}
	t.Setenv("CAREBRIDGE_RUNBOOK_BASE", base)
	if code, fromEnv, _ := alerts(); code != 0 || fromEnv != moved {
		t.Errorf("with CAREBRIDGE_RUNBOOK_BASE: exit %d, output differs from --runbook-base", code)
	}
	if code, _, errOut := alerts("--runbook-base", "docs/operations.md"); code != 2 || !strings.Contains(errOut, "absolute") {
		t.Errorf("relative base: exit %d, %q; want 2 and why", code, errOut)
	}
	if code, out, _ := alerts("--help"); code != 0 || !strings.Contains(out, "Usage") || !strings.Contains(out, "CAREBRIDGE_RUNBOOK_BASE") {
		t.Errorf("alerts --help: exit %d, %q", code, out)
	}
}
