package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/internal/redistest"
)

// TestHelpExitsZeroAndNamesTheEnvironment: --help on every command that
// takes flags prints its usage, mentions the environment variables and
// exits 0.
func TestHelpExitsZeroAndNamesTheEnvironment(t *testing.T) {
	for _, args := range [][]string{{"run", "--help"}, {"check", "-h"}, {"deadletters", "list", "--help"}, {"deadletters", "--help"}, {"--help"}} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, nil, &out, &errOut); code != 0 {
			t.Errorf("carebridge %s: exit %d, want 0 (%s)", strings.Join(args, " "), code, errOut.String())
		}
		text := out.String() + errOut.String()
		if !strings.Contains(text, "Usage") && !strings.Contains(text, "usage") {
			t.Errorf("carebridge %s printed no usage: %q", strings.Join(args, " "), text)
		}
		if args[0] != "--help" && !strings.Contains(text, "CAREBRIDGE_CONFIG") {
			t.Errorf("carebridge %s does not mention the environment: %q", strings.Join(args, " "), text)
		}
		if strings.Contains(text, "flag: help requested") {
			t.Errorf("carebridge %s printed %q", strings.Join(args, " "), "flag: help requested")
		}
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
	if code, _, errOut := alerts("--help"); code != 0 || !strings.Contains(errOut, "Usage") || !strings.Contains(errOut, "CAREBRIDGE_RUNBOOK_BASE") {
		t.Errorf("alerts --help: exit %d, %q", code, errOut)
	}
}
