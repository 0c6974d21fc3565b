package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
	"go.yaml.in/yaml/v3"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/daemon"
	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/internal/redistest"
	"github.com/carebridge/carebridge/internal/testenv"
	"github.com/carebridge/carebridge/internal/testkit"
)

// demoDeadline bounds how long one printed change may take to arrive on the
// other side. The demo polls every 2s and Care sends webhooks, so a healthy
// demo needs a few seconds.
const demoDeadline = 30 * time.Second

// syncedBuffer is an io.Writer the test can read while the process writes.
type syncedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// freeAddr returns a loopback address nobody listens on right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatalf("release port %s: %v", addr, err)
	}
	return addr
}

// buildCarebridge builds this command once, as `go build` would for a user.
func buildCarebridge(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build carebridge: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "carebridge")
	cmd := exec.Command(goBin, "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/carebridge: %v\n%s", err, out)
	}
	return bin
}

// demoOutput is what `carebridge demo` printed before "Press Ctrl-C".
type demoOutput struct {
	text string
	// listCases is the unnumbered command that lists the Salesforce Cases.
	listCases string
	// steps are the numbered sections; each holds its commands in order:
	// first the change, then the look at the other side.
	steps map[int][]string
}

var stepHeader = regexp.MustCompile(`^(\d+)\. `)

// parseDemoOutput finds the copy-paste commands in the demo's output. A
// command starts with "curl" and continues over lines ending in a backslash.
func parseDemoOutput(text string) (demoOutput, error) {
	out := demoOutput{text: text, steps: map[int][]string{}}
	step := 0 // 0: before the numbered steps
	var cont *string
	for line := range strings.Lines(text) {
		line = strings.TrimRight(line, "\r\n")
		trimmed := strings.TrimSpace(line)
		if cont != nil {
			*cont += "\n" + line
			if !strings.HasSuffix(trimmed, `\`) {
				cont = nil
			}
			continue
		}
		if m := stepHeader.FindStringSubmatch(line); m != nil {
			fmt.Sscan(m[1], &step)
			continue
		}
		if !strings.HasPrefix(trimmed, "curl ") {
			continue
		}
		var target *string
		if step == 0 {
			if out.listCases != "" {
				return out, fmt.Errorf("more than one command before the numbered steps: %q", trimmed)
			}
			out.listCases = trimmed
			target = &out.listCases
		} else {
			out.steps[step] = append(out.steps[step], trimmed)
			target = &out.steps[step][len(out.steps[step])-1]
		}
		if strings.HasSuffix(trimmed, `\`) {
			cont = target
		}
	}
	if out.listCases == "" {
		return out, errors.New("no command that lists the Salesforce Cases")
	}
	for i := 1; i <= 3; i++ {
		if len(out.steps[i]) != 2 {
			return out, fmt.Errorf("step %d has %d commands, want 2 (change, then look)", i, len(out.steps[i]))
		}
	}
	if len(out.steps[4]) != 1 {
		return out, fmt.Errorf("step 4 has %d commands, want 1 (the admin status)", len(out.steps[4]))
	}
	if len(out.steps[5]) != 2 {
		return out, fmt.Errorf("step 5 has %d commands, want 2 (the agent's reply, then its status)", len(out.steps[5]))
	}
	return out, nil
}

func TestParseDemoOutput(t *testing.T) {
	var buf bytes.Buffer
	printDemo(&buf, "http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3", "TOKEN!x", "ADMIN", "CODE",
		demoAgent{Name: "Ana", Username: "ana@example.com", Password: "pw", Token: "AGENT!y", CareCase: "case_fb_1", CaseID: "500000000000001AAA"})
	out, err := parseDemoOutput(buf.String())
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if !strings.Contains(out.steps[1][0], "\n") || !strings.Contains(out.steps[1][0], `{"Status":"Closed"}`) {
		t.Errorf("step 1's continued command was not joined: %q", out.steps[1][0])
	}
	for i, cmds := range out.steps {
		for _, c := range cmds {
			if !strings.Contains(c, "http://127.0.0.1:") {
				t.Errorf("step %d command names no sandbox URL: %q", i, c)
			}
		}
	}
	if _, err := parseDemoOutput("1. only a header\n"); err == nil {
		t.Error("output without commands parsed without error")
	}
}

// shell runs one printed command the way a user pastes it into a shell.
func shell(ctx context.Context, command string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("sh -c %q: %w: %s", command, err, stderr.String())
	}
	return out, nil
}

// until runs look until check accepts its output or the deadline passes.
func until(t *testing.T, what, look string, check func([]byte) (bool, error)) {
	t.Helper()
	testkit.EventuallyEvery(t, demoDeadline, 250*time.Millisecond, what, func() (bool, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		out, err := shell(ctx, look)
		if err != nil {
			return false, err.Error()
		}
		ok, cerr := check(out)
		if cerr != nil {
			return ok, fmt.Sprintf("%v; the output of %q: %s", cerr, look, out)
		}
		return ok, fmt.Sprintf("the output of %q: %s", look, out)
	})
}

// sfRecords decodes a Salesforce query response.
func sfRecords(out []byte) ([]map[string]any, error) {
	var body struct {
		Records []map[string]any `json:"records"`
	}
	if err := json.Unmarshal(out, &body); err != nil {
		return nil, fmt.Errorf("not a Salesforce query response: %w", err)
	}
	return body.Records, nil
}

// careCaseStatus decodes a Care case envelope.
func careCaseStatus(out []byte) (string, error) {
	var env struct {
		Success bool `json:"success"`
		Data    struct {
			Status string `json:"status"`
		} `json:"data"`
	}
	if err := json.Unmarshal(out, &env); err != nil {
		return "", fmt.Errorf("not a Care envelope: %w", err)
	}
	if !env.Success {
		return "", errors.New("Care answered success=false")
	}
	return env.Data.Status, nil
}

// runOK runs a change command and fails the test when it or the system it
// talks to reports an error.
func runOK(t *testing.T, command string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := shell(ctx, command)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte(`"success":false`)) || bytes.Contains(out, []byte(`"errorCode"`)) {
		t.Fatalf("command %q was refused:\n%s", command, out)
	}
	return out
}

// TestDemoPrintedCommandsSync starts `carebridge demo` as the README says,
// runs the three numbered copy-paste commands through sh and curl, and
// checks that each change arrives on the other side.
func TestDemoPrintedCommandsSync(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the carebridge binary")
	}
	requireCurl(t) // the demo's printed commands use it
	demo, stop := startDemo(t)

	// The seeded cases reach Salesforce (the demo's first promise).
	seeded := []string{"case_fb_1", "case_fb_2", "case_fb_3", "case_ig_1", "case_tw_1", "case_li_1", "case_yt_1", "case_tt_1"}
	until(t, "the seeded cases in Salesforce", demo.listCases, func(out []byte) (bool, error) {
		recs, err := sfRecords(out)
		if err != nil {
			return false, err
		}
		have := map[string]bool{}
		for _, r := range recs {
			id, _ := r["Care_Case_Id__c"].(string)
			have[id] = true
		}
		for _, id := range seeded {
			if !have[id] {
				return false, fmt.Errorf("%s missing", id)
			}
		}
		return true, nil
	})
	// The demo's Salesforce behaves like an org: it stamps whole seconds.
	if out, err := shell(context.Background(), demo.listCases); err != nil {
		t.Fatal(err)
	} else if recs, err := sfRecords(out); err != nil {
		t.Fatal(err)
	} else {
		for _, r := range recs {
			if stamp, _ := r["SystemModstamp"].(string); !strings.HasSuffix(stamp, ".000+0000") {
				t.Errorf("Case %v SystemModstamp %q, want whole seconds (.000+0000) as a real org stamps", r["Id"], stamp)
			}
		}
	}

	// The demo follows the sandbox's change events: Salesforce's side of the
	// steps below is pushed, the 2 s poll being only the fallback.
	metricsURL := regexp.MustCompile(`carebridge\s+(http://\S+/metrics)`).FindStringSubmatch(demo.text)
	if metricsURL == nil {
		t.Fatalf("the demo prints no /metrics address:\n%s", demo.text)
	}
	testkit.Until(t, 30*time.Second, "the change stream up on /metrics", func() bool {
		resp, err := http.Get(metricsURL[1])
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return bytes.Contains(body, []byte(`carebridge_salesforce_change_stream_up{topic="/data/Carebridge__chn"} 1`))
	})
	t.Run("1 Salesforce close marks the Care case done", func(t *testing.T) {
		change, look := demo.steps[1][0], demo.steps[1][1]
		before, err := shell(context.Background(), look)
		if err != nil {
			t.Fatal(err)
		}
		if st, err := careCaseStatus(before); err != nil || st == "done" {
			t.Fatalf("before the change the Care case is %q (%v); the step would prove nothing", st, err)
		}
		runOK(t, change)
		until(t, "Care status done", look, func(out []byte) (bool, error) {
			st, err := careCaseStatus(out)
			return st == "done", err
		})
	})
	t.Run("2 Care pending puts the Salesforce Case On Hold", func(t *testing.T) {
		change, look := demo.steps[2][0], demo.steps[2][1]
		onHold := func(out []byte) (bool, error) {
			recs, err := sfRecords(out)
			if err != nil || len(recs) != 1 {
				return false, fmt.Errorf("want one Case, got %d (%v)", len(recs), err)
			}
			return recs[0]["Status"] == "On Hold", nil
		}
		before, err := shell(context.Background(), look)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := onHold(before); ok || err != nil {
			t.Fatalf("before the change: on hold=%v (%v); the step would prove nothing:\n%s", ok, err, before)
		}
		runOK(t, change)
		until(t, "Salesforce Status On Hold", look, onHold)
	})
	t.Run("3 Care note becomes a private CaseComment", func(t *testing.T) {
		change, look := demo.steps[3][0], demo.steps[3][1]
		text := noteText(t, change)
		hasNote := func(out []byte) (bool, error) {
			recs, err := sfRecords(out)
			if err != nil {
				return false, err
			}
			for _, r := range recs {
				body, _ := r["CommentBody"].(string)
				if strings.Contains(body, text) {
					if r["IsPublished"] != false {
						return false, fmt.Errorf("comment is published: %v", r)
					}
					return true, nil
				}
			}
			return false, nil
		}
		before, err := shell(context.Background(), look)
		if err != nil {
			t.Fatal(err)
		}
		if ok, _ := hasNote(before); ok {
			t.Fatalf("the note is in Salesforce before it was written:\n%s", before)
		}
		runOK(t, change)
		until(t, "the note as a private CaseComment", look, hasNote)
		// The comment arrives once, not once per poll.
		out, err := shell(context.Background(), look)
		if err != nil {
			t.Fatal(err)
		}
		if n := bytes.Count(out, []byte(text)); n != 1 {
			t.Fatalf("the note is in Salesforce %d times:\n%s", n, out)
		}
	})
	t.Run("4 the admin API answers with the printed token", func(t *testing.T) {
		out := runOK(t, demo.steps[4][0])
		var status struct {
			Queue   map[string]any `json:"queue"`
			Mapping map[string]any `json:"mapping"`
			Deps    []struct {
				Name string `json:"name"`
				Up   bool   `json:"up"`
			} `json:"dependencies"`
		}
		if err := json.Unmarshal(out, &status); err != nil || status.Queue == nil || status.Queue["ready"] == nil || status.Mapping["source"] != "default" || len(status.Deps) == 0 {
			t.Fatalf("admin status: %v\n%s", err, out)
		}
		for _, page := range []string{"/admin/", "/admin/health", "/admin/identities", "/admin/cases"} {
			if !strings.Contains(demo.text, page) {
				t.Errorf("the demo does not print the address of %s", page)
			}
		}
		// The printed sign-in link signs a browser in once.
		link := regexp.MustCompile(`(http://\S+)/admin/signin#code=(\S+)`).FindStringSubmatch(demo.text)
		if link == nil {
			t.Fatalf("the demo prints no sign-in link:\n%s", demo.text)
		}
		for i, want := range []int{http.StatusCreated, http.StatusUnauthorized} {
			resp, err := http.Post(link[1]+"/admin/api/session", "application/json", strings.NewReader(`{"code":"`+link[2]+`"}`))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != want || (want == http.StatusCreated) != (len(resp.Cookies()) == 1) {
				t.Errorf("sign-in with the printed link, use %d: HTTP %d with %d cookies; want %d", i+1, resp.StatusCode, len(resp.Cookies()), want)
			}
		}
	})
	stop()
}

// noteText is the text of the note a step-3 command writes.
func noteText(t *testing.T, change string) string {
	t.Helper()
	m := regexp.MustCompile(`"text":"([^"]+)"`).FindStringSubmatch(change)
	if m == nil {
		t.Fatalf("step 3 writes no note text: %q", change)
	}
	return m[1]
}

// startDemo builds carebridge and starts `carebridge demo` as the README
// says, on free ports, and returns what it printed. stop (also run when
// the test ends) stops it with Ctrl-C, as the demo tells the user, and
// requires a clean exit.
func startDemo(t *testing.T) (demo demoOutput, stop func()) {
	t.Helper()
	bin := buildCarebridge(t)
	cmd := exec.Command(bin, "demo",
		// Port 0 everywhere: the demo binds free ports itself and prints
		// them, so no other test can take a port between a pick and a bind.
		"--listen", "127.0.0.1:0", "--care-listen", "127.0.0.1:0", "--salesforce-listen", "127.0.0.1:0", "--pubsub-listen", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &syncedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start carebridge demo: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		if t.Failed() {
			t.Logf("demo log (last lines):\n%s", tail(stderr.String(), 40))
		}
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			t.Errorf("interrupt carebridge demo: %v", err)
		}
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("carebridge demo did not exit cleanly on Ctrl-C: %v\n%s", err, tail(stderr.String(), 20))
			}
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			t.Errorf("carebridge demo still running 20s after Ctrl-C; killed it")
		}
	}
	t.Cleanup(stop)
	printed := readUntilPrompt(t, stdout)
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	demo, err = parseDemoOutput(printed)
	if err != nil {
		t.Fatalf("demo output: %v\n%s", err, printed)
	}
	return demo, stop
}

// readUntilPrompt reads the demo's stdout up to "Press Ctrl-C to stop.".
func readUntilPrompt(t *testing.T, r io.Reader) string {
	t.Helper()
	type result struct {
		text string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		var b strings.Builder
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			b.WriteString(sc.Text() + "\n")
			if strings.Contains(sc.Text(), "Press Ctrl-C to stop.") {
				done <- result{text: b.String()}
				return
			}
		}
		done <- result{text: b.String(), err: fmt.Errorf("output ended before the prompt: %v", sc.Err())}
	}()
	select {
	case res := <-done:
		if res.err != nil {
			t.Fatalf("carebridge demo: %v\n%s", res.err, res.text)
		}
		return res.text
	case <-time.After(60 * time.Second):
		t.Fatal("carebridge demo printed no instructions within 60s")
		return ""
	}
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// startUpSeries runs a daemon in-process against both sandboxes and a real
// Redis and returns the series of its first /metrics page once it is ready
// (what Prometheus sees right after a start, before any sync, conflict or
// failure), and of a later page once it has polled both systems.
func startUpSeries(t *testing.T) (atStart, afterPolls []labels.Labels) {
	t.Helper()
	rds := redistest.Start(t)
	sf, err := sfsim.New(sfsim.Options{ClientID: "cid", ClientSecret: "csecret"})
	if err != nil {
		t.Fatal(err)
	}
	sfSrv := httptest.NewServer(sf)
	t.Cleanup(sfSrv.Close)
	cs, err := caresim.New(caresim.Options{Token: "tok", Secret: "sec"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cs.Close)
	careSrv := httptest.NewServer(cs)
	t.Cleanup(careSrv.Close)

	cfg := config.Defaults()
	cfg.Listen = "127.0.0.1:0"
	cfg.Redis.URL = "redis://" + rds.Addr() + "/0"
	cfg.Care.BaseURL, cfg.Care.Token, cfg.Care.Secret, cfg.Care.WebhookSecret = careSrv.URL, "tok", "sec", "whsec"
	cfg.Salesforce.LoginURL, cfg.Salesforce.ClientID, cfg.Salesforce.ClientSecret = sfSrv.URL, "cid", "csecret"
	cfg.Salesforce.PubSubEndpoint, cfg.Salesforce.PubSubInsecure = testenv.ServePubSub(t, sf), true
	cfg.Workers = 4
	cfg.Schedule.PollCare, cfg.Schedule.PollSalesforce = "@every 1s", "@every 1s"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	d, err := daemon.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	addr, err := d.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	base := "http://" + addr.String()
	testkit.Until(t, 30*time.Second, "/readyz 200", func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	atStart = scrapeSeries(t, base+"/metrics")
	testkit.Until(t, 30*time.Second, "requests to both systems on /metrics", func() bool {
		afterPolls = scrapeSeries(t, base+"/metrics")
		systems := map[string]bool{}
		for _, ls := range afterPolls {
			if ls.Get("__name__") == "carebridge_upstream_requests_total" {
				systems[ls.Get("system")] = true
			}
		}
		return systems["care"] && systems["salesforce"]
	})
	return atStart, afterPolls
}

// bornWithFirstEvent are the metrics whose series cannot exist before
// their first event: a label holds what the event brings (the HTTP status of
// an upstream's answer, the operation), or a zero would be a lie (the time of
// a job's last success). Their alerts and panels do not need them earlier:
// the auth and error alerts fire on repeated failures (alerts_test.yaml).
// The test asks only that the daemon exports them once it has polled.
var bornWithFirstEvent = map[string]bool{
	"carebridge_upstream_requests_total":                  true,
	"carebridge_upstream_request_duration_seconds_bucket": true,
	"carebridge_job_last_success_timestamp_seconds":       true,
}

// scrapeSeries reads a Prometheus text page and returns its series, each
// with its name in __name__ (histograms as their _bucket, _sum and _count
// series, as Prometheus stores them).
func scrapeSeries(t *testing.T, url string) []labels.Labels {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("scrape %s: %v", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape %s: HTTP %d", url, resp.StatusCode)
	}
	p := parser.NewParser(parser.Options{})
	var out []labels.Labels
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		// name{labels} value: the value follows the last "}" (label values
		// may hold spaces), or the name when there are no labels.
		cut := strings.LastIndexByte(line, '}') + 1
		if cut == 0 {
			cut = strings.IndexByte(line, ' ')
		}
		if cut <= 0 {
			t.Fatalf("scrape %s: line %q", url, line)
		}
		ls, err := p.ParseMetric(line[:cut])
		if err != nil {
			t.Fatalf("scrape %s: line %q: %v", url, line, err)
		}
		out = append(out, ls)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("scrape %s: %v", url, err)
	}
	return out
}

// promSelectors returns the series selectors of a PromQL expression
// (Grafana's $__rate_interval read as 5m), or the parser's error.
func promSelectors(expr string) ([]*parser.VectorSelector, error) {
	e, err := parser.NewParser(parser.Options{}).ParseExpr(strings.ReplaceAll(expr, "$__rate_interval", "5m"))
	if err != nil {
		return nil, fmt.Errorf("parse %q: %w", expr, err)
	}
	var out []*parser.VectorSelector
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			out = append(out, vs)
		}
		return nil
	})
	return out, nil
}

// selects says whether the selector picks ls, leaving out matchers on job
// and instance: Prometheus adds those labels at the scrape.
func selects(vs *parser.VectorSelector, ls labels.Labels) bool {
	for _, m := range vs.LabelMatchers {
		if m.Name == "job" || m.Name == "instance" {
			continue
		}
		if !m.Matches(ls.Get(m.Name)) {
			return false
		}
	}
	return true
}

func TestSelects(t *testing.T) {
	series := []labels.Labels{
		labels.FromStrings("__name__", "carebridge_job_runs_total", "task", "sweep", "result", "failure"),
		labels.FromStrings("__name__", "carebridge_sync_lag_seconds_bucket", "direction", "care_to_salesforce", "le", "60"),
	}
	for expr, want := range map[string]bool{
		`sum by (task) (increase(carebridge_job_runs_total{result="failure"}[30m]))`:                                 true,
		`carebridge_job_runs_total{job="sweep"}`:                                                                     true, // job is the scrape's
		`carebridge_job_runs_total{task="poll_care"}`:                                                                false,
		`histogram_quantile(0.9, rate(carebridge_sync_lag_seconds_bucket{instance=~"$instance"}[$__rate_interval]))`: true,
		`carebridge_sync_lag_seconds{direction="care_to_salesforce"}`:                                                false,
	} {
		vss, err := promSelectors(expr)
		if err != nil || len(vss) != 1 {
			t.Fatalf("promSelectors(%s) = %v, %v; want one", expr, vss, err)
		}
		if got := slices.ContainsFunc(series, func(ls labels.Labels) bool { return selects(vss[0], ls) }); got != want {
			t.Errorf("%s selects a series: %v, want %v", expr, got, want)
		}
	}
}

// repoFile reads a file relative to the repository root.
func repoFile(t *testing.T, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// alertRules is the Prometheus rule file format (strictly decoded).
type alertRules struct {
	Groups []struct {
		Name     string `yaml:"name"`
		Interval string `yaml:"interval"`
		Rules    []struct {
			Alert       string            `yaml:"alert"`
			Record      string            `yaml:"record"`
			Expr        string            `yaml:"expr"`
			For         string            `yaml:"for"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

// markdownAnchors returns the GitHub anchors of a Markdown file's headings.
func markdownAnchors(md []byte) map[string]bool {
	anchors := map[string]bool{}
	keep := regexp.MustCompile(`[^a-z0-9 _-]`)
	for line := range strings.Lines(string(md)) {
		if !strings.HasPrefix(line, "#") {
			continue
		}
		h := strings.TrimSpace(strings.TrimLeft(line, "#"))
		a := keep.ReplaceAllString(strings.ToLower(h), "")
		anchors[strings.ReplaceAll(a, " ", "-")] = true
	}
	return anchors
}

// promtoolCheck runs `promtool check rules` on a rule file when promtool is
// installed (the Debian package prometheus ships it): it parses PromQL for
// real. Without it the Go checks below still run.
func promtoolCheck(t *testing.T, file string) {
	t.Helper()
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CAREBRIDGE_REQUIRE_PROMTOOL") == "1" {
			t.Fatalf("promtool not found and CAREBRIDGE_REQUIRE_PROMTOOL=1: %v", err)
		}
		t.Logf("promtool not installed (Debian package prometheus); PromQL syntax not checked by promtool")
		return
	}
	if out, err := exec.Command(promtool, "check", "rules", file).CombinedOutput(); err != nil {
		t.Fatalf("promtool check rules %s: %v\n%s", file, err, out)
	}
}

// TestOpsArtefacts checks configs/prometheus/alerts.yaml and
// configs/grafana/carebridge-dashboard.json against a daemon that has just
// started: every series selector of every alert and panel picks at least one
// series from its first /metrics page (the metric is exported, and its
// labelled series exist before the first event, so increase() and rate()
// see that event), every alert has a severity and a runbook section in
// docs/operations.md, and the dashboard is valid Grafana JSON covering the
// sync, queue, upstream, API budget, agent actions, leader and poll
// freshness.
func TestOpsArtefacts(t *testing.T) {
	series, later := startUpSeries(t)
	anchors := markdownAnchors(repoFile(t, "docs/operations.md"))
	checkNames := func(t *testing.T, where, expr string) []string {
		t.Helper()
		vss, err := promSelectors(expr)
		if err != nil {
			t.Errorf("%s: %v", where, err)
			return nil
		}
		if len(vss) == 0 {
			t.Errorf("%s: expression %q selects no metric", where, expr)
		}
		var names []string
		for _, vs := range vss {
			names = append(names, vs.Name)
			if bornWithFirstEvent[vs.Name] {
				if !slices.ContainsFunc(later, func(ls labels.Labels) bool { return ls.Get("__name__") == vs.Name }) {
					t.Errorf("%s: %s: the daemon does not export %s", where, vs, vs.Name)
				}
				continue
			}
			if !slices.ContainsFunc(series, func(ls labels.Labels) bool { return selects(vs, ls) }) {
				t.Errorf("%s: %s selects no series on the daemon's /metrics at start-up", where, vs)
			}
		}
		return names
	}

	t.Run("alerts", func(t *testing.T) {
		const file = "configs/prometheus/alerts.yaml"
		var rf alertRules
		dec := yaml.NewDecoder(bytes.NewReader(repoFile(t, file)))
		dec.KnownFields(true)
		if err := dec.Decode(&rf); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		promtoolCheck(t, filepath.Join("..", "..", file))
		seen := map[string]bool{}
		n := 0
		for _, g := range rf.Groups {
			if g.Name == "" || len(g.Rules) == 0 {
				t.Errorf("group %q: needs a name and rules", g.Name)
			}
			for _, r := range g.Rules {
				n++
				where := file + ": alert " + r.Alert
				if r.Alert == "" || r.Record != "" {
					t.Errorf("%s: every rule is an alert (got alert %q, record %q)", file, r.Alert, r.Record)
				}
				if seen[r.Alert] {
					t.Errorf("%s: defined twice", where)
				}
				seen[r.Alert] = true
				if r.For != "" {
					if _, err := time.ParseDuration(r.For); err != nil {
						t.Errorf("%s: for %q: %v", where, r.For, err)
					}
				}
				switch r.Labels["severity"] {
				case "critical", "warning", "info":
				default:
					t.Errorf("%s: severity %q, want critical, warning or info", where, r.Labels["severity"])
				}
				for _, a := range []string{"summary", "description", "runbook_url"} {
					if r.Annotations[a] == "" {
						t.Errorf("%s: annotation %s missing", where, a)
					}
				}
				anchor, ok := strings.CutPrefix(r.Annotations["runbook_url"], configs.RunbookBase+"#")
				if !ok || !anchors[anchor] {
					t.Errorf("%s: runbook_url %q is not a section of docs/operations.md", where, r.Annotations["runbook_url"])
				}
				checkNames(t, where, r.Expr)
			}
		}
		if n < 10 {
			t.Errorf("%s: %d alerts; the runbook covers more", file, n)
		}
	})

	t.Run("dashboard", func(t *testing.T) {
		const file = "configs/grafana/carebridge-dashboard.json"
		var dash struct {
			Title         string `json:"title"`
			UID           string `json:"uid"`
			SchemaVersion int    `json:"schemaVersion"`
			Templating    struct {
				List []struct {
					Name  string          `json:"name"`
					Type  string          `json:"type"`
					Query json.RawMessage `json:"query"`
				} `json:"list"`
			} `json:"templating"`
			Panels []struct {
				ID         int    `json:"id"`
				Type       string `json:"type"`
				Title      string `json:"title"`
				Datasource struct {
					Type string `json:"type"`
					UID  string `json:"uid"`
				} `json:"datasource"`
				GridPos struct{ H, W, X, Y int } `json:"gridPos"`
				Targets []struct {
					RefID string `json:"refId"`
					Expr  string `json:"expr"`
				} `json:"targets"`
			} `json:"panels"`
		}
		dec := json.NewDecoder(bytes.NewReader(repoFile(t, file)))
		if err := dec.Decode(&dash); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if dash.Title == "" || dash.UID == "" || dash.SchemaVersion < 30 {
			t.Errorf("%s: title %q, uid %q, schemaVersion %d", file, dash.Title, dash.UID, dash.SchemaVersion)
		}
		dsVar := false
		for _, v := range dash.Templating.List {
			dsVar = dsVar || (v.Name == "datasource" && v.Type == "datasource" && string(v.Query) == `"prometheus"`)
		}
		if !dsVar {
			t.Errorf("%s: no Prometheus datasource variable", file)
		}
		ids := map[int]bool{}
		used := map[string]bool{}
		var exprs []string
		for _, p := range dash.Panels {
			where := fmt.Sprintf("%s: panel %d %q", file, p.ID, p.Title)
			if ids[p.ID] {
				t.Errorf("%s: duplicate id", where)
			}
			ids[p.ID] = true
			if p.GridPos.W < 1 || p.GridPos.X+p.GridPos.W > 24 || p.GridPos.H < 1 {
				t.Errorf("%s: gridPos %+v outside the 24-column grid", where, p.GridPos)
			}
			if p.Type == "row" {
				continue
			}
			if p.Title == "" || p.Datasource.UID != "${datasource}" || len(p.Targets) == 0 {
				t.Errorf("%s: needs a title, the ${datasource} variable and targets", where)
			}
			for _, tg := range p.Targets {
				if tg.RefID == "" {
					t.Errorf("%s: target without refId", where)
				}
				exprs = append(exprs, tg.Expr)
				for _, n := range checkNames(t, where, tg.Expr) {
					used[n] = true
				}
			}
		}
		for _, want := range []string{
			"carebridge_sync_operations_total", "carebridge_sync_lag_seconds_bucket", "carebridge_queue_depth",
			"carebridge_queue_retries_total", "carebridge_queue_dead_letters_total", "carebridge_conflicts_total",
			"carebridge_upstream_requests_total", "carebridge_upstream_request_duration_seconds_bucket",
			"carebridge_salesforce_api_usage_used", "carebridge_salesforce_api_usage_limit", "carebridge_leader",
			"carebridge_last_successful_poll_timestamp_seconds", "carebridge_actions_total",
			"carebridge_action_latency_seconds_bucket",
		} {
			if !used[want] {
				t.Errorf("%s: no panel shows %s", file, want)
			}
		}
		// promtool parses the panels' PromQL too, as recording rules.
		var rules strings.Builder
		rules.WriteString("groups:\n  - name: dashboard\n    rules:\n")
		for i, e := range exprs {
			e = strings.ReplaceAll(e, "$__rate_interval", "5m")
			fmt.Fprintf(&rules, "      - record: dashboard:expr_%d\n        expr: %q\n", i, e)
		}
		tmp := filepath.Join(t.TempDir(), "dashboard-rules.yaml")
		if err := os.WriteFile(tmp, []byte(rules.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		promtoolCheck(t, tmp)
	})
}
