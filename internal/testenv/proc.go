package testenv

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/carebridge/carebridge/internal/testkit"
)

// Time limits of process control.
const (
	startTimeout = 30 * time.Second // exec to /healthz answering
	killTimeout  = 10 * time.Second // SIGKILL to exit
)

// listenLine finds the address in the daemon's start-up log line.
var listenLine = regexp.MustCompile(`msg="carebridge running" listen=(\S+)`)

// Proc is one carebridge daemon process.
type Proc struct {
	t       testing.TB
	cmd     *exec.Cmd
	logPath string
	exited  chan struct{}
	waitErr error // set before exited closes
	// URL is the daemon's HTTP address, e.g. http://127.0.0.1:41234.
	URL    string
	client *http.Client
}

// StartDaemon runs `carebridge run --config cfgPath` as a child process
// (stdout and stderr to a log file in a test temp dir, printed when the test
// fails), waits until /healthz answers, and kills the process when the test
// ends if it is still running. CAREBRIDGE_* variables of the test's
// environment are not passed on, so the config file alone decides.
func StartDaemon(t testing.TB, cfgPath string) *Proc {
	t.Helper()
	bin := BuildBinary(t)
	dir := t.TempDir()
	logPath := filepath.Join(dir, "carebridge.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatalf("testenv: create daemon log: %v", err)
	}
	defer logFile.Close() // the child holds its own descriptor

	cmd := exec.Command(bin, "run", "--config", cfgPath)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Env = childEnv()
	if err := cmd.Start(); err != nil {
		t.Fatalf("testenv: start carebridge: %v", err)
	}
	p := &Proc{t: t, cmd: cmd, logPath: logPath, exited: make(chan struct{}), client: &http.Client{Timeout: 5 * time.Second}}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.signalAndWait(syscall.SIGKILL, killTimeout)
		if t.Failed() {
			t.Logf("testenv: log of carebridge pid %d (%s):\n%s", cmd.Process.Pid, logPath, p.Log())
		}
	})

	pid := cmd.Process.Pid
	testkit.Eventually(t, startTimeout, fmt.Sprintf("carebridge pid %d to log its listen address", pid), func() (bool, string) {
		if m := listenLine.FindStringSubmatch(p.Log()); m != nil {
			p.URL = "http://" + m[1]
			return true, ""
		}
		p.failIfExited("before listening")
		return false, "not in its log yet"
	})
	testkit.Eventually(t, startTimeout, fmt.Sprintf("carebridge pid %d to answer /healthz", pid), func() (bool, string) {
		code, _, err := p.get("/healthz")
		if err == nil && code == http.StatusOK {
			return true, ""
		}
		p.failIfExited("before /healthz answered")
		return false, fmt.Sprintf("HTTP %d, %v", code, err)
	})
	return p
}

// childEnv is the test's environment without CAREBRIDGE_* overrides.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CAREBRIDGE_") {
			env = append(env, kv)
		}
	}
	return env
}

func (p *Proc) failIfExited(when string) {
	p.t.Helper()
	select {
	case <-p.exited:
		p.t.Fatalf("testenv: carebridge pid %d exited %s: %v\n%s", p.PID(), when, p.waitErr, p.Log())
	default:
	}
}

// PID is the process id.
func (p *Proc) PID() int { return p.cmd.Process.Pid }

// Log returns what the process wrote to stdout and stderr so far.
func (p *Proc) Log() string {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return fmt.Sprintf("(cannot read log: %v)", err)
	}
	return string(b)
}

// Exited reports whether the process has ended.
func (p *Proc) Exited() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

// Kill sends SIGKILL and waits for the process to end: a crash, with no
// chance to release leases or finish work.
func (p *Proc) Kill() {
	p.t.Helper()
	if !p.signalAndWait(syscall.SIGKILL, killTimeout) {
		p.t.Fatalf("testenv: carebridge pid %d still running %s after SIGKILL", p.PID(), killTimeout)
	}
}

// Stop sends SIGTERM and fails the test unless the process exits cleanly
// (status 0) within limit. It returns how long the exit took.
func (p *Proc) Stop(limit time.Duration) time.Duration {
	p.t.Helper()
	start := time.Now()
	if !p.signalAndWait(syscall.SIGTERM, limit) {
		p.t.Fatalf("testenv: carebridge pid %d did not exit within %s of SIGTERM", p.PID(), limit)
	}
	took := time.Since(start)
	if p.waitErr != nil {
		p.t.Fatalf("testenv: carebridge pid %d exited after SIGTERM with %v; log:\n%s", p.PID(), p.waitErr, p.Log())
	}
	return took
}

// signalAndWait signals the process unless it has exited and reports whether
// it exited within limit.
func (p *Proc) signalAndWait(sig syscall.Signal, limit time.Duration) bool {
	if p.Exited() {
		return true
	}
	if err := p.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		p.t.Errorf("testenv: signal %v to pid %d: %v", sig, p.PID(), err)
	}
	select {
	case <-p.exited:
		return true
	case <-time.After(limit):
		return false
	}
}

// Ready asks /readyz: true when it answers 200. The second result is the
// body (which check failed and why) or the transport error.
func (p *Proc) Ready() (bool, string) {
	code, body, err := p.get("/readyz")
	if err != nil {
		return false, err.Error()
	}
	return code == http.StatusOK, strings.TrimSpace(body)
}

// Checks asks /readyz for the result of each readiness check: "ok" or why
// the dependency (redis, care, salesforce, mapping) is not usable.
func (p *Proc) Checks() (map[string]string, error) {
	_, body, err := p.get("/readyz")
	if err != nil {
		return nil, err
	}
	var r struct {
		Checks map[string]string `json:"checks"`
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		return nil, fmt.Errorf("/readyz of pid %d: %w: %q", p.PID(), err, body)
	}
	return r.Checks, nil
}

// Metrics scrapes and parses /metrics.
func (p *Proc) Metrics() (Metrics, error) {
	code, body, err := p.get("/metrics")
	if err != nil {
		return nil, err
	}
	if code != http.StatusOK {
		return nil, fmt.Errorf("GET /metrics: status %d", code)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("parse /metrics of pid %d: %w", p.PID(), err)
	}
	return Metrics(mfs), nil
}

// MustMetrics is Metrics that fails the test on error.
func (p *Proc) MustMetrics() Metrics {
	p.t.Helper()
	m, err := p.Metrics()
	if err != nil {
		p.t.Fatalf("testenv: %v", err)
	}
	return m
}

func (p *Proc) get(path string) (int, string, error) {
	if p.URL == "" {
		return 0, "", errors.New("the daemon has not started listening")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.URL+path, nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, "", fmt.Errorf("GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return 0, "", fmt.Errorf("GET %s: read body: %w", path, err)
	}
	return resp.StatusCode, string(b), nil
}

// Metrics are parsed metric families by name.
type Metrics map[string]*dto.MetricFamily

// Value sums the series of metric name whose labels include every
// name/value pair in labels (pass them as "job", "poll_care", ...). Counters,
// gauges and untyped metrics add their values; histograms and summaries add
// their sample counts. A metric that is absent is 0.
func (m Metrics) Value(name string, labels ...string) float64 {
	mf, ok := m[name]
	if !ok {
		return 0
	}
	var sum float64
	for _, metric := range mf.GetMetric() {
		if !hasLabels(metric, labels) {
			continue
		}
		switch {
		case metric.Counter != nil:
			sum += metric.GetCounter().GetValue()
		case metric.Gauge != nil:
			sum += metric.GetGauge().GetValue()
		case metric.Untyped != nil:
			sum += metric.GetUntyped().GetValue()
		case metric.Histogram != nil:
			sum += float64(metric.GetHistogram().GetSampleCount())
		case metric.Summary != nil:
			sum += float64(metric.GetSummary().GetSampleCount())
		}
	}
	return sum
}

func hasLabels(metric *dto.Metric, pairs []string) bool {
	for i := 0; i+1 < len(pairs); i += 2 {
		found := false
		for _, lp := range metric.GetLabel() {
			if lp.GetName() == pairs[i] && lp.GetValue() == pairs[i+1] {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// commandTimeout bounds a one-shot carebridge command such as check.
const commandTimeout = 90 * time.Second

// RunCommand runs the carebridge binary with args (for example "check",
// "--config", path) to completion and returns its combined stdout and
// stderr and its exit code. CAREBRIDGE_* variables are not passed on.
func RunCommand(t testing.TB, args ...string) (output string, exitCode int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, BuildBinary(t), args...)
	cmd.Env = childEnv()
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case ctx.Err() != nil:
		t.Fatalf("testenv: carebridge %s did not finish within %s:\n%s", strings.Join(args, " "), commandTimeout, out)
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	default:
		t.Fatalf("testenv: run carebridge %s: %v", strings.Join(args, " "), err)
	}
	return "", -1
}
