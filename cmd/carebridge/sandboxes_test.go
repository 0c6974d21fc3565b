package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/internal/redistest"
	"github.com/carebridge/carebridge/internal/testkit"
)

// sandboxDoc is what docs/sandboxes.md asks a reader to run: the commands
// that start the sandboxes and the daemon, then the example scripts, in
// order.
type sandboxDoc struct {
	start   []string // one command per line, continuations joined
	scripts []string // the other sh blocks
}

// runSection is the heading of the section whose first sh block starts
// everything.
const runSection = "## Run carebridge against the sandboxes"

var shBlock = regexp.MustCompile("(?s)```sh\n(.*?)```")

func parseSandboxDoc(md string) (sandboxDoc, error) {
	var doc sandboxDoc
	at := strings.Index(md, runSection)
	if at < 0 {
		return doc, fmt.Errorf("no section %q", runSection)
	}
	for _, loc := range shBlock.FindAllStringSubmatchIndex(md, -1) {
		block := md[loc[2]:loc[3]]
		if loc[0] > at && doc.start == nil {
			doc.start = strings.Split(strings.TrimSpace(strings.ReplaceAll(block, "\\\n", "")), "\n")
			continue
		}
		doc.scripts = append(doc.scripts, block)
	}
	if doc.start == nil || len(doc.scripts) == 0 {
		return doc, errors.New("no sh block to start the sandboxes with, or no examples")
	}
	return doc, nil
}

// TestRunAgainstTheSandboxesAsDocumented follows docs/sandboxes.md with the
// built binary: it starts both sandboxes and `carebridge run` with
// configs/carebridge.sandbox.yaml exactly as the page says (on free ports
// instead of the page's, and the test's own Redis), waits until the
// escalated case of the page's first example reaches Salesforce and the
// daemon follows the sandbox's change events (salesforce.pubsub_insecure),
// and runs every other example of the page, each of which must succeed.
func TestRunAgainstTheSandboxesAsDocumented(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the carebridge binary")
	}
	requireCurl(t)
	md, cfg := string(repoFile(t, "docs/sandboxes.md")), string(repoFile(t, "configs/carebridge.sandbox.yaml"))
	rds := redistest.Start(t, redistest.WithoutAOF())
	ports := map[string]string{ // the page's addresses and this run's
		"127.0.0.1:8701": freeAddr(t), "127.0.0.1:8702": freeAddr(t), "127.0.0.1:8703": freeAddr(t),
		"127.0.0.1:8080": freeAddr(t), "127.0.0.1:6379": rds.Addr(),
	}
	for page, here := range ports {
		md, cfg = strings.ReplaceAll(md, page, here), strings.ReplaceAll(cfg, page, here)
	}
	doc, err := parseSandboxDoc(md)
	if err != nil {
		t.Fatalf("docs/sandboxes.md: %v", err)
	}
	cfgFile := filepath.Join(t.TempDir(), "carebridge.sandbox.yaml")
	if err := os.WriteFile(cfgFile, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	bin := buildCarebridge(t)
	env := []string{"PATH=" + filepath.Dir(bin) + string(os.PathListSeparator) + os.Getenv("PATH")}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PATH=") && !strings.HasPrefix(kv, "CAREBRIDGE_") {
			env = append(env, kv)
		}
	}

	started := 0
	for _, line := range doc.start {
		switch {
		case strings.HasPrefix(line, "redis-server "):
			continue // the test's own Redis stands in
		case strings.HasPrefix(line, "carebridge "):
			startDocumented(t, strings.ReplaceAll(line, "configs/carebridge.sandbox.yaml", cfgFile), env)
			started++
		default:
			t.Fatalf("docs/sandboxes.md starts %q, which the test does not know how to run", line)
		}
	}
	if started != 3 {
		t.Fatalf("docs/sandboxes.md starts %d carebridge commands; want both sandboxes and run", started)
	}
	bridge := "http://" + ports["127.0.0.1:8080"]
	testkit.Eventually(t, time.Minute, "carebridge run ready", func() (bool, string) {
		resp, err := http.Get(bridge + "/readyz")
		if err != nil {
			return false, err.Error()
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, resp.Status
	})
	testkit.Eventually(t, time.Minute, "the change stream up", func() (bool, string) {
		body := get(t, bridge+"/metrics")
		return strings.Contains(body, `carebridge_salesforce_change_stream_up{topic="/data/Carebridge__chn"} 1`), "stream down"
	})

	for i, script := range doc.scripts {
		// Any answer but a 2xx fails the script, as a reader would notice.
		script = strings.ReplaceAll(script, "curl -s ", "curl -sS --fail-with-body ")
		if strings.Contains(script, "FROM+Case") { // the page says: lists case_fb_9 once carebridge copied it
			testkit.Eventually(t, time.Minute, "case_fb_9 in the Salesforce query of the page", func() (bool, string) {
				out, err := runScript(script, env)
				return err == nil && strings.Contains(out, `"Care_Case_Id__c":"case_fb_9"`), fmt.Sprint(out, err)
			})
			continue
		}
		out, err := runScript(script, env)
		if err != nil {
			t.Fatalf("example %d of docs/sandboxes.md failed: %v\n%s\n%s", i+1, err, script, out)
		}
		if strings.Contains(out, `"success":false`) {
			t.Fatalf("example %d of docs/sandboxes.md was refused:\n%s\n%s", i+1, script, out)
		}
	}
}

// requireCurl skips without curl, or fails when CAREBRIDGE_REQUIRE_CURL=1
// (make test sets it) says it must be there.
func requireCurl(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("curl"); err != nil {
		if os.Getenv("CAREBRIDGE_REQUIRE_CURL") == "1" {
			t.Fatal("curl is not installed and CAREBRIDGE_REQUIRE_CURL=1: apt-get install curl")
		}
		t.Skip("curl is not installed (apt-get install curl); set CAREBRIDGE_REQUIRE_CURL=1 to fail instead")
	}
}

// startDocumented starts a long-running command of the page through sh,
// as a reader pastes it, and stops it with Ctrl-C when the test ends; it
// must then exit cleanly.
func startDocumented(t *testing.T, line string, env []string) {
	t.Helper()
	cmd := exec.Command("sh", "-c", "exec "+line)
	cmd.Env = env
	out := &syncedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("%s did not exit cleanly on Ctrl-C: %v\n%s", line, err, tail(out.String(), 20))
			}
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			t.Errorf("%s still running 20s after Ctrl-C; killed it", line)
		}
		if t.Failed() {
			t.Logf("%s:\n%s", line, tail(out.String(), 30))
		}
	})
}

// runScript runs a block of the page with sh -e, as a reader pastes it.
func runScript(script string, env []string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-e", "-c", script)
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// get returns the body of a GET, "" when it fails.
func get(t *testing.T, u string) string {
	t.Helper()
	if _, err := url.Parse(u); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(u)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return b.String()
}
