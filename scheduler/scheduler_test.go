package scheduler

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/robfig/cron/v3"

	"github.com/carebridge/carebridge/internal/testkit"
)

// handElector elects when told to and revokes leadership when told to.
type handElector struct {
	elect  chan context.Context
	exited chan struct{}
}

func (h *handElector) Run(ctx context.Context, onElected func(context.Context)) {
	defer close(h.exited)
	select {
	case lctx := <-h.elect:
		onElected(lctx)
	case <-ctx.Done():
	}
}

func TestJobsRunOnlyWhileLeading(t *testing.T) {
	var ok, failing atomic.Int32
	reg := prometheus.NewRegistry()
	parser := cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	s, err := New([]Job{
		{Name: "poll", Spec: "@every 1s", Run: func(context.Context) error { ok.Add(1); return nil }},
		{Name: "broken", Spec: "@every 1s", Run: func(context.Context) error { failing.Add(1); return errors.New("upstream down") }},
	}, parser, reg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	el := &handElector{elect: make(chan context.Context), exited: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Run(ctx, el)

	if ok.Load() != 0 {
		t.Fatal("job ran before election")
	}
	lead, lose := context.WithCancel(ctx)
	el.elect <- lead
	testkit.Until(t, 10*time.Second, "two successful runs", func() bool { return ok.Load() >= 2 })
	testkit.Until(t, 10*time.Second, "a failed run", func() bool { return failing.Load() >= 1 })
	lose()
	<-el.exited
	after := ok.Load()
	if got := testutil.ToFloat64(s.runs.WithLabelValues("poll", "success")); got < 2 {
		t.Fatalf("success counter %v", got)
	}
	if got := testutil.ToFloat64(s.runs.WithLabelValues("broken", "failure")); got < 1 {
		t.Fatalf("failure counter %v", got)
	}
	if got := testutil.ToFloat64(s.last.WithLabelValues("poll")); got < float64(time.Now().Add(-time.Minute).Unix()) {
		t.Fatalf("last success not recorded: %v", got)
	}
	// After leadership ended the cron is stopped: Run has returned, so no job
	// can start any more.
	if ok.Load() != after {
		t.Fatalf("job ran after leadership ended")
	}
}

// TestWorkAlongsideRunsWhileLeading: the leader's continuous work (the
// change stream) starts on election, ends with the leadership, and the
// leadership is given up only once it has returned.
func TestWorkAlongsideRunsWhileLeading(t *testing.T) {
	parser := cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	s, err := New(nil, parser, prometheus.NewRegistry(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	var running, stopped atomic.Int32
	stream := func(ctx context.Context) {
		running.Add(1)
		<-ctx.Done()
		stopped.Add(1)
	}
	el := &handElector{elect: make(chan context.Context), exited: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Run(ctx, el, stream)
	if running.Load() != 0 {
		t.Fatal("the work ran before election")
	}
	lead, lose := context.WithCancel(ctx)
	el.elect <- lead
	testkit.Until(t, 10*time.Second, "the work to start on election", func() bool { return running.Load() == 1 })
	lose()
	<-el.exited
	if stopped.Load() != 1 {
		t.Fatal("leadership was given up before the work alongside returned")
	}
}

func TestInvalidSpecIsRejected(t *testing.T) {
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	_, err := New([]Job{{Name: "x", Spec: "whenever", Run: func(context.Context) error { return nil }}}, parser, nil, slog.Default())
	if err == nil {
		t.Fatal("want error")
	}
}

func TestPanickingJobIsAFailure(t *testing.T) {
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	j := Job{Name: "p", Spec: "@hourly", Run: func(context.Context) error { panic("bad") }}
	s, err := New([]Job{j}, parser, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	s.RunNow(context.Background(), j)
	if got := testutil.ToFloat64(s.runs.WithLabelValues("p", "failure")); got != 1 {
		t.Fatalf("failure counter %v", got)
	}
}
