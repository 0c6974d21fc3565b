package bridge

// The engine's unit-test world: the engine wired to in-process fakes of
// Care and Salesforce (fake_*_test.go), the in-memory store that passes the
// Redis store's behaviour suite, the shipped mapping and a queue that
// records what the engine enqueues. Everything runs in memory and on a
// clock the test moves.

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/carebridge/carebridge/bridge/state/memstate"
	"github.com/carebridge/carebridge/bridge/work"
	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/internal/testkit"
	"github.com/carebridge/carebridge/mapping"
)

// recordingQueue is the engine's Enqueuer: it keeps every key added.
type recordingQueue struct {
	mu      sync.Mutex
	keys    []string
	failing []string // keys whose last run failed, as the queue lists them
	err     error    // returned by Add when set
}

func (q *recordingQueue) Add(_ context.Context, keys ...string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.err != nil {
		return q.err
	}
	q.keys = append(q.keys, keys...)
	return nil
}

// AddOr records keys: no key of the recording queue ever runs.
func (q *recordingQueue) AddOr(ctx context.Context, keys, _ []string) error {
	return q.Add(ctx, keys...)
}

// FailingKeys lists the keys a test marked failing.
func (q *recordingQueue) FailingKeys(context.Context) ([]string, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return slices.Clone(q.failing), nil
}

// take returns the keys added since the last take, without repeats, in order.
func (q *recordingQueue) take() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []string
	for _, k := range q.keys {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	q.keys = nil
	return out
}

type testWorld struct {
	t       *testing.T
	ctx     context.Context
	clock   *testkit.Clock
	care    *fakeCare
	sf      *fakeSalesforce
	store   *memstate.Store
	queue   *recordingQueue
	reg     *prometheus.Registry
	mapping *mapping.Mapping
	engine  *Engine
	users   map[string]string // email -> Salesforce user id
}

// newTestWorld builds an engine over fakes with the shipped mapping; tweak
// changes its options before it is built.
func newTestWorld(t *testing.T, tweaks ...func(*Options)) *testWorld {
	t.Helper()
	clock := newFakeClock()
	w := &testWorld{t: t, ctx: context.Background(), clock: clock, care: newFakeCare(clock.Now), sf: newFakeSalesforce(clock.Now),
		store: memstate.New(memstate.WithClock(clock.Now)), queue: &recordingQueue{}, reg: prometheus.NewRegistry(), users: map[string]string{}}
	schema, err := metadata.Load(configs.SalesforceMetadata())
	if err != nil {
		t.Fatalf("shipped metadata: %v", err)
	}
	m, err := mapping.Parse("mapping.yaml", configs.Mapping(), mapping.FromMetadata(schema))
	if err != nil {
		t.Fatalf("shipped mapping: %v", err)
	}
	w.mapping = m
	for _, a := range []care.Agent{
		{ID: "agent_ana", Name: "Ana Novak", Email: "ana@example.com"},
		{ID: "agent_ben", Name: "Ben Okafor", Email: "ben@example.com"},
		{ID: "agent_zoe", Name: "Zoe NoSalesforce", Email: "zoe@example.com"},
	} {
		w.care.addAgent(a)
	}
	for _, email := range []string{"ana@example.com", "ben@example.com"} {
		w.users[email] = w.sf.addUser(email, true)
	}
	o := Options{
		Care: w.care, Salesforce: w.sf, Store: w.store, Queue: w.queue,
		Mapping: MappingSource(m), Notes: NotesTargetOf(m), Rules: rules.Default(),
		Clock: clock.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: NewMetrics(w.reg),
		BatchLinger: time.Millisecond,
	}
	for _, tweak := range tweaks {
		tweak(&o)
	}
	w.engine, err = New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := w.engine.Shutdown(context.Background()); err != nil {
			t.Errorf("engine shutdown: %v", err)
		}
	})
	return w
}

// escalate puts a case into Care as escalated now.
func (w *testWorld) escalate(id string, platform rules.Platform, assignee *string, msgs ...care.Message) care.Case {
	w.t.Helper()
	c := w.care.putCase(care.Case{ID: id, Platform: platform, Status: rules.Open, AssigneeID: assignee, Subject: "Help " + id,
		Customer: care.Customer{ID: "u_" + id, Handle: "maria", Name: "Maria"}})
	for _, m := range msgs {
		m.CaseID = id
		w.care.addMessage(m)
	}
	return c
}

// reconcile runs the case key as the queue would and returns its error.
func (w *testWorld) reconcile(careID string) error {
	w.t.Helper()
	_, err := w.engine.Reconcile(w.ctx, work.ForCase(careID))
	return err
}

// mustReconcile reconciles a case and fails the test on an error.
func (w *testWorld) mustReconcile(careID string) {
	w.t.Helper()
	if err := w.reconcile(careID); err != nil {
		w.t.Fatalf("reconcile %s: %v", careID, err)
	}
}

// sfCase is the Salesforce Case of a Care case, nil when there is none.
func (w *testWorld) sfCase(careID string) Record {
	w.t.Helper()
	r, ok := w.sf.lookup("Case", CareIDField, careID)
	if !ok {
		return nil
	}
	return r
}

func strp(s string) *string { return &s }
