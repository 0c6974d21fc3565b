package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
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
	return out, nil
}

func TestParseDemoOutput(t *testing.T) {
	var buf bytes.Buffer
	printDemo(&buf, "http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3", "TOKEN!x")
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
	deadline := time.Now().Add(demoDeadline)
	var last string
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		out, err := shell(ctx, look)
		cancel()
		if err == nil {
			ok, cerr := check(out)
			if ok {
				return
			}
			last = string(out)
			if cerr != nil {
				last = cerr.Error() + ": " + last
			}
		} else {
			last = err.Error()
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not happen within %s; last output of %q:\n%s", what, demoDeadline, look, last)
		}
		time.Sleep(250 * time.Millisecond) // poll interval, not synchronisation
	}
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
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed: the demo's printed commands use it (apt-get install curl; .ci/run installs it)")
	}
	bin := buildCarebridge(t)

	cmd := exec.Command(bin, "demo",
		"--listen", freeAddr(t), "--care-listen", freeAddr(t), "--salesforce-listen", freeAddr(t))
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
	stop := func() { // Ctrl-C, as the demo tells the user
		if stopped {
			return
		}
		stopped = true
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
	defer func() {
		if t.Failed() {
			t.Logf("demo log (last lines):\n%s", tail(stderr.String(), 40))
		}
	}()

	printed := readUntilPrompt(t, stdout)
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	demo, err := parseDemoOutput(printed)
	if err != nil {
		t.Fatalf("demo output: %v\n%s", err, printed)
	}

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
