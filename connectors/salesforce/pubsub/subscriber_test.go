package pubsub_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/salesforce"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/connectors/salesforce/pubsub"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
)

const (
	clientID     = "pubsub-test-client"
	clientSecret = "pubsub-test-secret-9Jk2"
	caseTopic    = "/data/CaseChangeEvent"
)

// env is the sandbox serving REST and the Pub/Sub API over loopback, a
// connector client (the token source) and a subscriber.
type env struct {
	sim *sfsim.Server
	sf  *salesforce.Client
	sub *pubsub.Subscriber
	url string // the sandbox's REST and control endpoint
}

func newEnv(t *testing.T, opts sfsim.Options, cfg pubsub.Config) *env {
	t.Helper()
	return newEnvHook(t, opts, cfg, func(string) {})
}

func newEnvHook(t *testing.T, opts sfsim.Options, cfg pubsub.Config, endpoint func(string)) *env {
	t.Helper()
	opts.ClientID, opts.ClientSecret = clientID, clientSecret
	opts.Logger = slog.New(slog.DiscardHandler)
	if opts.PubSubKeepAlive == 0 {
		opts.PubSubKeepAlive = time.Hour // tests that want keep-alives set it
	}
	sim, err := sfsim.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	rest := httptest.NewServer(sim)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gs := sim.PubSubServer()
	go func() { _ = gs.Serve(ln) }()
	endpoint(ln.Addr().String())
	t.Cleanup(rest.Close)
	t.Cleanup(gs.Stop)
	t.Cleanup(sim.Close)
	sf, err := salesforce.New(salesforce.Config{
		LoginURL: rest.URL,
		Auth:     salesforce.Auth{Method: salesforce.AuthClientCredentials, ClientID: clientID, ClientSecret: clientSecret},
		Timeout:  10 * time.Second,
	}, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sf.Close)
	cfg.Endpoint, cfg.Plaintext = ln.Addr().String(), true
	if cfg.MinBackoff == 0 {
		cfg.MinBackoff, cfg.MaxBackoff = 10*time.Millisecond, 100*time.Millisecond
	}
	sub, err := pubsub.New(cfg, sf, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sub.Close() })
	return &env{sim: sim, sf: sf, sub: sub, url: rest.URL}
}

// collector records what Run hands over; wait blocks until a condition on
// it holds.
type collector struct {
	mu         sync.Mutex
	events     []pubsub.ChangeEvent
	keepAlives int
	latest     []byte
	changed    chan struct{}
	onBatch    func(n int) // called after a batch with events, with the count so far
}

func newCollector() *collector { return &collector{changed: make(chan struct{}, 1)} }

func (c *collector) handle(_ context.Context, batch []pubsub.ChangeEvent, latest []byte) error {
	c.mu.Lock()
	c.events = append(c.events, batch...)
	if len(batch) == 0 {
		c.keepAlives++
	}
	c.latest = latest
	n, hook := len(c.events), c.onBatch
	c.mu.Unlock()
	if hook != nil && len(batch) > 0 {
		hook(n)
	}
	select {
	case c.changed <- struct{}{}:
	default:
	}
	return nil
}

func (c *collector) snapshot() ([]pubsub.ChangeEvent, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.events), c.keepAlives
}

func (c *collector) wait(t *testing.T, what string, cond func(events []pubsub.ChangeEvent, keepAlives int) bool) []pubsub.ChangeEvent {
	t.Helper()
	deadline := time.NewTimer(20 * time.Second)
	defer deadline.Stop()
	for {
		evs, ka := c.snapshot()
		if cond(evs, ka) {
			return evs
		}
		select {
		case <-c.changed:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s; have %d events, %d keep-alives", what, len(evs), ka)
		}
	}
}

// run starts Run in the background; the returned function cancels it and
// returns Run's error.
func (e *env) run(t *testing.T, topic string, from []byte, c *collector) func() error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.sub.Run(ctx, topic, from, c.handle) }()
	stop := func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(20 * time.Second):
			t.Fatal("Run did not return after cancel")
			return nil
		}
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

func (e *env) createCase(t *testing.T, subject string) string {
	t.Helper()
	id, err := e.sf.Create(context.Background(), "Case", salesforce.Record{"Subject": subject, "Status": "New", "Description": "seen on social"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func subjects(evs []pubsub.ChangeEvent) []string {
	var out []string
	for _, ev := range evs {
		s, _ := ev.Fields["Subject"].(string)
		out = append(out, s)
	}
	return out
}

func TestChangeEventsOfCreateUpdateDelete(t *testing.T) {
	t.Run("full", func(t *testing.T) { testChangeEvents(t, false) })
	// HeaderOnly: the same header, no record values.
	t.Run("header only", func(t *testing.T) { testChangeEvents(t, true) })
}

func testChangeEvents(t *testing.T, headerOnly bool) {
	e := newEnv(t, sfsim.Options{}, pubsub.Config{HeaderOnly: headerOnly})
	// The shipped set grants no Delete on Case (carebridge deletes only its mirrored messages); this
	// client deletes a Case to see its DELETE event.
	if err := e.sim.GrantPermission(sfsim.IntegrationPermissionSet, metadata.Permission{Object: "Case", Access: metadata.AccessDelete}); err != nil {
		t.Fatal(err)
	}
	c := newCollector()
	e.run(t, caseTopic, e.sim.LatestReplayID(), c)
	ctx := context.Background()

	id := e.createCase(t, "printer on fire")
	if err := e.sf.Update(ctx, "Case", id, salesforce.Record{"Subject": "printer still on fire", "Description": nil}); err != nil {
		t.Fatal(err)
	}
	if err := e.sf.Delete(ctx, "Case", id); err != nil {
		t.Fatal(err)
	}
	evs := c.wait(t, "3 events", func(evs []pubsub.ChangeEvent, _ int) bool { return len(evs) >= 3 })
	if len(evs) != 3 {
		t.Fatalf("got %d events, want 3", len(evs))
	}
	user, err := e.sf.UserID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"CREATE", "UPDATE", "DELETE"} {
		ev := evs[i]
		if ev.ChangeType != want || ev.Entity != "Case" || !slices.Equal(ev.RecordIDs, []string{id}) {
			t.Errorf("event %d: %s %s %v, want %s Case [%s]", i, ev.ChangeType, ev.Entity, ev.RecordIDs, want, id)
		}
		if ev.ChangeOrigin != "com/salesforce/api/rest/"+salesforce.DefaultAPIVersion+";client=carebridge" {
			t.Errorf("event %d: changeOrigin %q", i, ev.ChangeOrigin)
		}
		if ev.CommitUser != user {
			t.Errorf("event %d: commitUser %q, want the integration user %q", i, ev.CommitUser, user)
		}
		if ev.CommitTimestamp.IsZero() || len(ev.ReplayID) == 0 {
			t.Errorf("event %d: no commit time or replay id", i)
		}
	}
	if headerOnly {
		for i, ev := range evs {
			if ev.Fields != nil {
				t.Errorf("event %d: header only, but fields %v", i, ev.Fields)
			}
		}
	} else if got := evs[0].Fields["Subject"]; got != "printer on fire" {
		t.Errorf("CREATE Subject = %v", got)
	}
	if len(evs[0].ChangedFields) != 0 {
		t.Errorf("CREATE changedFields = %v, want none", evs[0].ChangedFields)
	}
	up := evs[1]
	for _, f := range []string{"Subject", "Description", "LastModifiedDate"} {
		if !slices.Contains(up.ChangedFields, f) {
			t.Errorf("UPDATE changedFields %v lacks %s", up.ChangedFields, f)
		}
	}
	if slices.Contains(up.ChangedFields, "Status") {
		t.Errorf("UPDATE changedFields %v names the unchanged Status", up.ChangedFields)
	}
	if !slices.Equal(up.NulledFields, []string{"Description"}) {
		t.Errorf("UPDATE nulledFields = %v, want [Description]", up.NulledFields)
	}
	if !headerOnly && (up.Fields["Subject"] != "printer still on fire" || up.Fields["Status"] != nil) {
		t.Errorf("UPDATE fields = %v: want the new Subject and unchanged fields null", up.Fields)
	}
	if len(evs[2].Fields) != 0 {
		t.Errorf("DELETE fields = %v, want none", evs[2].Fields)
	}
	for i := 1; i < len(evs); i++ {
		if bytes.Compare(evs[i-1].ReplayID, evs[i].ReplayID) >= 0 {
			t.Errorf("replay ids not increasing: %x then %x", evs[i-1].ReplayID, evs[i].ReplayID)
		}
	}
}

func TestCompoundNameAndGoAPIChanges(t *testing.T) {
	e := newEnv(t, sfsim.Options{}, pubsub.Config{})
	c := newCollector()
	e.run(t, "/data/ContactChangeEvent", e.sim.LatestReplayID(), c)
	id, err := e.sim.Insert("Contact", map[string]any{"FirstName": "Ada", "LastName": "Lovelace"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sim.Update("Contact", id, map[string]any{"FirstName": "Augusta"}); err != nil {
		t.Fatal(err)
	}
	evs := c.wait(t, "2 events", func(evs []pubsub.ChangeEvent, _ int) bool { return len(evs) >= 2 })
	name, _ := evs[0].Fields["Name"].(map[string]any)
	if name["FirstName"] != "Ada" || name["LastName"] != "Lovelace" {
		t.Errorf("CREATE Name = %v", evs[0].Fields["Name"])
	}
	if !slices.Contains(evs[1].ChangedFields, "Name.FirstName") || slices.Contains(evs[1].ChangedFields, "Name.LastName") {
		t.Errorf("UPDATE changedFields = %v, want Name.FirstName only of the name", evs[1].ChangedFields)
	}
	if evs[1].ChangeOrigin != "" {
		t.Errorf("a change in the org (not the API) has changeOrigin %q", evs[1].ChangeOrigin)
	}
}

func TestReplayFromStoredID(t *testing.T) {
	e := newEnv(t, sfsim.Options{}, pubsub.Config{})
	e.createCase(t, "before-1")
	mark := e.sim.LatestReplayID()
	for _, s := range []string{"after-1", "after-2", "after-3"} {
		e.createCase(t, s)
	}
	c := newCollector()
	e.run(t, caseTopic, mark, c)
	e.createCase(t, "after-4")
	evs := c.wait(t, "4 events", func(evs []pubsub.ChangeEvent, _ int) bool { return len(evs) >= 4 })
	if got, want := subjects(evs), []string{"after-1", "after-2", "after-3", "after-4"}; !slices.Equal(got, want) {
		t.Fatalf("replayed %v, want %v", got, want)
	}
}

func TestExpiredReplayID(t *testing.T) {
	e := newEnv(t, sfsim.Options{}, pubsub.Config{})
	e.createCase(t, "old")
	mark := e.sim.LatestReplayID()
	e.createCase(t, "lost")
	e.sim.ExpireEvents()
	err := e.sub.Run(context.Background(), caseTopic, mark, newCollector().handle)
	if !errors.Is(err, pubsub.ErrReplayIDInvalid) {
		t.Fatalf("Run = %v, want ErrReplayIDInvalid", err)
	}
	if pubsub.IsRetryable(err) {
		t.Error("a refused replay id is classified retryable")
	}
}

func TestRetentionWindow(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := newEnv(t, sfsim.Options{Clock: clock, EventRetention: time.Hour, TokenTTL: 1000 * time.Hour}, pubsub.Config{})
	e.createCase(t, "old")
	mark := e.sim.LatestReplayID()
	e.createCase(t, "kept")
	mu.Lock()
	now = now.Add(2 * time.Hour)
	mu.Unlock()
	err := e.sub.Run(context.Background(), caseTopic, mark, newCollector().handle)
	if !errors.Is(err, pubsub.ErrReplayIDInvalid) {
		t.Fatalf("Run after the retention window = %v, want ErrReplayIDInvalid", err)
	}
}

func TestTokenExpiryMidStream(t *testing.T) {
	e := newEnv(t, sfsim.Options{}, pubsub.Config{})
	c := newCollector()
	e.run(t, caseTopic, e.sim.LatestReplayID(), c)
	var want []string
	create := func(from, to int) {
		for i := from; i < to; i++ {
			s := "case-" + string(rune('a'+i))
			want = append(want, s)
			e.createCase(t, s) // the REST client refreshes the shared session too
		}
	}
	create(0, 3)
	c.wait(t, "3 events", func(evs []pubsub.ChangeEvent, _ int) bool { return len(evs) >= 3 })
	if n := e.sim.Subscriptions(); n != 1 {
		t.Fatalf("%d open subscriptions, want 1", n)
	}
	e.sim.ExpireTokens() // ends the open stream with UNAUTHENTICATED
	create(3, 10)
	evs := c.wait(t, "10 events", func(evs []pubsub.ChangeEvent, _ int) bool { return len(evs) >= 10 })
	if got := subjects(evs); !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v (no loss, no duplicates)", got, want)
	}
	if n := e.sim.Calls(sfsim.OpToken); n < 2 {
		t.Errorf("%d token requests: the session was not refreshed", n)
	}
	if n := e.sim.Calls(sfsim.OpSubscribe); n < 2 {
		t.Errorf("%d Subscribe calls: the stream was not resumed with the new session", n)
	}
}

func TestStreamResetResumes(t *testing.T) {
	e := newEnv(t, sfsim.Options{}, pubsub.Config{BatchSize: 2})
	c := newCollector()
	resets := 0
	c.onBatch = func(n int) {
		if n%3 == 0 && resets < 3 {
			resets++
			e.sim.ResetStreams()
		}
	}
	e.run(t, caseTopic, e.sim.LatestReplayID(), c)
	var want []string
	for i := range 12 {
		s := "reset-" + string(rune('a'+i))
		want = append(want, s)
		e.createCase(t, s)
	}
	evs := c.wait(t, "12 events", func(evs []pubsub.ChangeEvent, _ int) bool { return len(evs) >= 12 })
	if got := subjects(evs); !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v (no loss, no duplicates)", got, want)
	}
	if e.sim.Calls(sfsim.OpSubscribe) < 2 {
		t.Errorf("%d Subscribe calls: the stream was never resumed", e.sim.Calls(sfsim.OpSubscribe))
	}
}

func TestUnavailableFaultRetries(t *testing.T) {
	e := newEnv(t, sfsim.Options{}, pubsub.Config{})
	e.sim.InjectFault(sfsim.Fault{Op: sfsim.OpSubscribe, Status: 503, Times: 2})
	e.sim.InjectFault(sfsim.Fault{Op: sfsim.OpDeliver, Status: 503, Times: 1})
	mark := e.sim.LatestReplayID()
	e.createCase(t, "one")
	e.createCase(t, "two")
	c := newCollector()
	e.run(t, caseTopic, mark, c)
	evs := c.wait(t, "2 events", func(evs []pubsub.ChangeEvent, _ int) bool { return len(evs) >= 2 })
	if got := subjects(evs); !slices.Equal(got, []string{"one", "two"}) {
		t.Fatalf("events %v", got)
	}
	if n := e.sim.Calls(sfsim.OpSubscribe); n < 4 {
		t.Errorf("%d Subscribe calls, want at least 4 (2 refused, 1 reset before delivery, 1 good)", n)
	}
}

func TestFlowControlBatches(t *testing.T) {
	e := newEnv(t, sfsim.Options{}, pubsub.Config{BatchSize: 3})
	mark := e.sim.LatestReplayID()
	for i := range 10 {
		e.createCase(t, "flow-"+string(rune('a'+i)))
	}
	c := newCollector()
	var mu sync.Mutex
	var sizes []int
	handle := c.handle
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- e.sub.Run(ctx, caseTopic, mark, func(ctx context.Context, batch []pubsub.ChangeEvent, latest []byte) error {
			mu.Lock()
			sizes = append(sizes, len(batch))
			mu.Unlock()
			return handle(ctx, batch, latest)
		})
	}()
	c.wait(t, "10 events", func(evs []pubsub.ChangeEvent, _ int) bool { return len(evs) >= 10 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run after cancel = %v, want context.Canceled", err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, n := range sizes {
		if n > 3 {
			t.Fatalf("batch sizes %v: more than num_requested (3) delivered at once", sizes)
		}
	}
}

func TestKeepAliveReachesHandler(t *testing.T) {
	e := newEnv(t, sfsim.Options{PubSubKeepAlive: 20 * time.Millisecond}, pubsub.Config{})
	c := newCollector()
	e.run(t, caseTopic, nil, c)
	c.wait(t, "a keep-alive", func(_ []pubsub.ChangeEvent, ka int) bool { return ka >= 1 })
	c.mu.Lock()
	latest := c.latest
	c.mu.Unlock()
	if len(latest) == 0 {
		t.Fatal("keep-alive without a latest replay id")
	}
	// Events of other objects move the latest replay id on, so that a
	// resubscription need not scan them again.
	before := slices.Clone(latest)
	if _, err := e.sim.Insert("Contact", map[string]any{"LastName": "Other"}); err != nil {
		t.Fatal(err)
	}
	c.wait(t, "a keep-alive past the Contact event", func(_ []pubsub.ChangeEvent, _ int) bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return bytes.Compare(c.latest, before) > 0
	})
}

func TestHandlerErrorEndsRun(t *testing.T) {
	e := newEnv(t, sfsim.Options{}, pubsub.Config{})
	mark := e.sim.LatestReplayID()
	e.createCase(t, "x")
	boom := errors.New("redis down")
	err := e.sub.Run(context.Background(), caseTopic, mark, func(context.Context, []pubsub.ChangeEvent, []byte) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("Run = %v, want the handler's error", err)
	}
}

func TestUnknownTopicAndNoCDCForCaseComment(t *testing.T) {
	e := newEnv(t, sfsim.Options{}, pubsub.Config{})
	for _, topic := range []string{"/data/CaseCommentChangeEvent", "/data/NoSuchChangeEvent"} {
		err := e.sub.Run(context.Background(), topic, nil, newCollector().handle)
		if err == nil || pubsub.IsRetryable(err) {
			t.Errorf("Run(%s) = %v, want a permanent error", topic, err)
		}
	}
	for _, topic := range []string{"/data/TaskChangeEvent", "/data/Care_Action__ChangeEvent", "/data/Care_Message__ChangeEvent"} {
		if _, err := e.sub.Topic(context.Background(), topic); err != nil {
			t.Errorf("Topic(%s): %v", topic, err)
		}
	}
}
