package bridge

// What Reconcile tells the work queue, what a refused Case update shows
// the agent, how a reconcile that died between its writes is settled, and
// that an identity reload does not hold up other reconciles.

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/bridge/work"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce"
	"github.com/carebridge/carebridge/connectors/upstream"
	"github.com/carebridge/carebridge/internal/testkit"
	"github.com/carebridge/carebridge/mapping/merge"
)

// isQueueMarked reports whether err carries the queue's own marks
// (queue.Terminal or queue.RetryAfter) rather than being a plain error.
func isQueueMarked(err error) bool {
	return fmt.Sprintf("%T", err) == fmt.Sprintf("%T", queue.Terminal(errors.New("x")))
}

// carriesRetryAfter reports whether err is queue.RetryAfter(cause, d).
func carriesRetryAfter(err error, d time.Duration) bool {
	return isQueueMarked(err) && reflect.DeepEqual(err, queue.RetryAfter(errors.Unwrap(err), d))
}

// TestReconcileTellsTheQueueWhatToDo: a failure that may clear up is
// retried (no sooner than the upstream's Retry-After), one that cannot is
// Terminal, and a spent Salesforce quota requeues the key after the pause
// without an error.
func TestReconcileTellsTheQueueWhatToDo(t *testing.T) {
	retryAfter := func(e *upstream.Error, d time.Duration) *upstream.Error { e.RetryAfter = d; return e }
	type outcome int
	const (
		retry outcome = iota
		retryAfterDelay
		terminal
		requeue
	)
	tests := []struct {
		name   string
		key    string
		maxID  int
		inject func(w *testWorld)
		want   outcome
		delay  time.Duration // Retry-After or RequeueAfter
	}{
		{name: "Salesforce 503 on the Case read: retried with backoff", key: work.ForCase("c1"),
			inject: func(w *testWorld) { w.sf.failNext(sfQuery, "Case", 1, nil) }, want: retry},
		{name: "Salesforce 503 with Retry-After: retried no sooner", key: work.ForCase("c1"),
			inject: func(w *testWorld) {
				w.sf.failNext(sfQuery, "Case", 1, retryAfter(sfUnavailable(sfQuery), 40*time.Second))
			}, want: retryAfterDelay, delay: 40 * time.Second},
		{name: "Care 429 with Retry-After: retried no sooner", key: work.ForCase("c1"),
			inject: func(w *testWorld) {
				w.care.failNext(caresim.OpGetCase, "c1", 1, careRateLimited(caresim.OpGetCase, 20*time.Second))
			}, want: retryAfterDelay, delay: 20 * time.Second},
		{name: "a lost answer from Salesforce's Case update: retried", key: work.ForCase("c1"),
			inject: func(w *testWorld) { w.sf.loseNext(sfUpdate, "Case", 1) }, want: retry},
		{name: "Care agents cannot be read: retried", key: work.ForCase("c1"),
			inject: func(w *testWorld) { w.care.failNext(caresim.OpListAgents, anyTarget, 1, nil) }, want: retry},
		{name: "Salesforce users cannot be read: retried", key: work.ForCase("c1"),
			inject: func(w *testWorld) { w.sf.failNext(sfQuery, "User", 1, nil) }, want: retry},
		{name: "REQUEST_LIMIT_EXCEEDED: requeued after the quota pause, no error", key: work.ForCase("c1"),
			inject: func(w *testWorld) { w.sf.failNext(sfQuery, "Case", 1, sfQuotaExhausted(sfQuery)) }, want: requeue, delay: QuotaPause},
		{name: "REQUEST_LIMIT_EXCEEDED with Retry-After: requeued after it", key: work.ForCase("c1"),
			inject: func(w *testWorld) {
				w.sf.failNext(sfUpdate, "Case", 1, retryAfter(sfQuotaExhausted(sfUpdate), 5*time.Minute))
			}, want: requeue, delay: 5 * time.Minute},
		{name: "a Care case that does not exist: terminal", key: work.ForCase("nope"), want: terminal},
		{name: "Care refuses the status by its rules: terminal", key: work.ForCase("c1"),
			inject: func(w *testWorld) {
				w.care.failNext(caresim.OpSetCaseStatus, "c1", 1, careRefused(caresim.OpSetCaseStatus, rules.CodeDoneNeedsAssignee, "no"))
			}, want: terminal},
		{name: "an unknown key prefix: terminal", key: "ticket:c1", want: terminal},
		{name: "an empty Care case id: terminal", key: work.ForCase(""), want: terminal},
		{name: "a Care id longer than Care_Case_Id__c: terminal", key: work.ForCase("c1-much-too-long"), maxID: 8, want: terminal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newTestWorld(t, func(o *Options) { o.MaxCareIDLength = tt.maxID })
			w.linked("c1", strp("agent_ana"))
			w.engine.InvalidateIdentities()
			w.clock.Advance(2 * time.Second)
			// A change each way, so that the reconcile writes both sides.
			w.care.editCase("c1", func(c *care.Case) { c.Subject = "changed in Care" })
			w.editSF("c1", Record{"Status": "Closed"})
			if tt.inject != nil {
				tt.inject(w)
			}
			res, err := w.engine.Reconcile(w.ctx, tt.key)
			paused, perr := w.engine.PausedUntil(w.ctx)
			if perr != nil {
				t.Fatal(perr)
			}
			switch tt.want {
			case retry:
				if err == nil || isQueueMarked(err) || res != (queue.Result{}) {
					t.Errorf("Reconcile = %+v, %v (%T); want a plain retryable error", res, err, err)
				}
			case retryAfterDelay:
				if !carriesRetryAfter(err, tt.delay) || queue.IsTerminal(err) {
					t.Errorf("Reconcile error %v (%T); want queue.RetryAfter(%v)", err, err, tt.delay)
				}
			case terminal:
				if !queue.IsTerminal(err) {
					t.Errorf("Reconcile error %v; want Terminal", err)
				}
			case requeue:
				if err != nil || res.RequeueAfter != tt.delay {
					t.Errorf("Reconcile = %+v, %v; want RequeueAfter %v and no error", res, err, tt.delay)
				}
				if want := w.clock.Now().Add(tt.delay); !paused.Equal(want) {
					t.Errorf("PausedUntil = %v, want %v", paused, want)
				}
			}
			if tt.want != requeue && !paused.IsZero() {
				t.Errorf("paused until %v without a quota error", paused)
			}
		})
	}
}

// TestQuotaPauseStopsSalesforcePolls: while the quota pause lasts, the
// Salesforce poll makes no call; after it, polls resume.
func TestQuotaPauseStopsSalesforcePolls(t *testing.T) {
	w := newTestWorld(t)
	w.linked("c1", strp("agent_ana"))
	w.sf.failNext(sfChanged, "Case", 1, sfQuotaExhausted(sfChanged))
	if err := w.engine.Triggers().PollSalesforce(w.ctx); upstream.ClassOf(err) != upstream.QuotaExhausted {
		t.Fatalf("PollSalesforce = %v, want the quota error", err)
	}
	until, _ := w.engine.PausedUntil(w.ctx)
	if want := w.clock.Now().Add(QuotaPause); !until.Equal(want) {
		t.Fatalf("paused until %v, want %v", until, want)
	}
	for _, step := range []struct {
		after     time.Duration
		wantCalls bool
	}{{0, false}, {QuotaPause - time.Second, false}, {2 * time.Second, true}} {
		w.clock.Advance(step.after)
		w.sf.resetCalls()
		if err := w.engine.Triggers().PollSalesforce(w.ctx); err != nil {
			t.Fatalf("PollSalesforce: %v", err)
		}
		if got := w.sf.count(anyOp, anyTarget) > 0; got != step.wantCalls {
			t.Errorf("at %v: Salesforce called = %v, want %v", w.clock.Now().Sub(fakeEpoch), got, step.wantCalls)
		}
	}
}

// failingPause is a shared pause that cannot be written.
type failingPause struct{}

func (failingPause) PauseUntil(context.Context, time.Time) error { return errors.New("redis down") }
func (failingPause) PausedUntil(context.Context) (time.Time, error) {
	return time.Time{}, errors.New("redis down")
}

// TestQuotaPauseThatCannotBeStored: the key is still requeued for after
// the pause, and the Salesforce poll reports that it cannot read the pause.
func TestQuotaPauseThatCannotBeStored(t *testing.T) {
	w := newTestWorld(t, func(o *Options) { o.Pause = failingPause{} })
	w.escalate("c1", rules.Facebook, strp("agent_ana"))
	w.sf.failNext(sfQuery, "Case", 1, sfQuotaExhausted(sfQuery))
	res, err := w.engine.Reconcile(w.ctx, work.ForCase("c1"))
	if err != nil || res.RequeueAfter != QuotaPause {
		t.Errorf("Reconcile = %+v, %v; want RequeueAfter %v", res, err, QuotaPause)
	}
	w.sf.resetCalls()
	if err := w.engine.Triggers().PollSalesforce(w.ctx); err == nil || w.sf.count(anyOp, anyTarget) != 0 {
		t.Errorf("PollSalesforce = %v with %d calls; want the pause's error and no call", err, w.sf.count(anyOp, anyTarget))
	}
}

// TestRefusedCaseUpdateIsShownOnTheCase: when Salesforce refuses the
// bridge's Case update for good (a validation rule, a permission), the
// Case says so in its sync fields, the key is Terminal, and the next
// reconcile after the fix syncs and clears the error.
func TestRefusedCaseUpdateIsShownOnTheCase(t *testing.T) {
	const rule = "Closed Cases need a reason"
	// refuseMergeWrite refuses Case updates carrying a merged field (the
	// update showing the error carries only the sync fields).
	refuseMergeWrite := func(code string) func(w *testWorld) {
		return func(w *testWorld) {
			w.sf.rejectRecords(func(op, object string, rec Record) error {
				if op == sfUpdate && object == "Case" && rec["Status"] != nil {
					return sfErr(op, code, rule)
				}
				return nil
			})
		}
	}
	tests := []struct {
		name     string
		refuse   func(w *testWorld)
		code     string
		shown    bool   // the Case shows the refusal
		terminal bool   // the key stops until its next trigger
		hint     string // in the error, "" for none
	}{
		{"a validation rule refuses the record", refuseMergeWrite(salesforce.CodeCustomValidation), salesforce.CodeCustomValidation, true, true, ""},
		{"a validation rule fails the whole call", func(w *testWorld) {
			w.sf.failNext(sfUpdate, "Case", 1, sfErr(sfUpdate, salesforce.CodeCustomValidation, rule))
		}, salesforce.CodeCustomValidation, true, true, ""},
		{"the integration user lacks a permission", refuseMergeWrite("INSUFFICIENT_ACCESS_OR_READONLY"), "INSUFFICIENT_ACCESS_OR_READONLY", true, true, "carebridge check"},
		{"a locked row clears up by itself: not shown", refuseMergeWrite(salesforce.CodeUnableToLockRow), salesforce.CodeUnableToLockRow, false, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newTestWorld(t)
			w.linked("c1", strp("agent_ana"))
			w.clock.Advance(2 * time.Second)
			w.care.editCase("c1", func(c *care.Case) { c.Status = rules.Done })
			tt.refuse(w)
			err := w.reconcile("c1")
			if err == nil || queue.IsTerminal(err) != tt.terminal {
				t.Fatalf("Reconcile error %v, terminal %v; want terminal %v", err, queue.IsTerminal(err), tt.terminal)
			}
			if !strings.Contains(err.Error(), tt.hint) {
				t.Errorf("error %q does not say %q", err, tt.hint)
			}
			rec := w.sfCase("c1")
			shown := rec[SyncStatusField] == "Error" && containsAll(str(rec[SyncErrorField]), tt.code, rule)
			if shown != tt.shown {
				t.Errorf("Case sync status %v, error %q; shown = %v, want %v", rec[SyncStatusField], rec[SyncErrorField], shown, tt.shown)
			}
			if rec["Status"] != "New" {
				t.Errorf("Case Status = %v: the refused update must not apply", rec["Status"])
			}
			wantCount := 0.0
			if tt.shown {
				wantCount = 1
			}
			if n := w.metric("carebridge_salesforce_case_refusals_total", "code", tt.code); n != wantCount {
				t.Errorf("case_refusals_total{%s} = %v, want %v", tt.code, n, wantCount)
			}
			// Still refused: shown once, not written again.
			w.sf.resetCalls()
			tt.refuse(w)
			if err := w.reconcile("c1"); err == nil {
				t.Fatal("the second reconcile succeeded while Salesforce still refuses")
			}
			if tt.shown && w.sf.count(sfUpdate, "Case") != 1 {
				t.Errorf("%d Case updates on the second refusal, want 1 (the error is already shown)", w.sf.count(sfUpdate, "Case"))
			}
			// Fixed: the next reconcile syncs and clears the error.
			w.sf.clearFaults()
			w.mustReconcile("c1")
			rec = w.sfCase("c1")
			if rec["Status"] != "Closed" || rec[SyncStatusField] != "Synced" || rec[SyncErrorField] != nil {
				t.Errorf("after the fix: Status %v, sync status %v, error %v; want Closed, Synced, none", rec["Status"], rec[SyncStatusField], rec[SyncErrorField])
			}
		})
	}
}

// TestReconcileThatDiedBetweenItsWritesSettles: a reconcile records what
// it is about to write; when it fails after a write landed, the next run
// takes that write for the bridge's own, not for someone's change: later
// edits merge as plain changes, with no conflict.
func TestReconcileThatDiedBetweenItsWritesSettles(t *testing.T) {
	tests := []struct {
		name        string
		first       func(w *testWorld) // the changes the failing reconcile merges
		fault       func(w *testWorld)
		wantPending map[string]state.PendingWrite
		then        func(w *testWorld) // a change made before the next run
		want        func(w *testWorld) caseWant
	}{
		{
			name:  "Care's status written, the answer lost; then Salesforce changes the status again",
			first: func(w *testWorld) { w.editSF("c1", Record{"Status": "Closed"}) },
			fault: func(w *testWorld) { w.care.loseNext(caresim.OpSetCaseStatus, "c1", 1) },
			wantPending: map[string]state.PendingWrite{
				"status": {Value: "done", Side: string(merge.Care)},
			},
			then: func(w *testWorld) { w.editSF("c1", Record{"Status": "On Hold"}) },
			want: func(w *testWorld) caseWant {
				return caseWant{Case: Record{"Status": "On Hold"}, Status: rules.Pending, SFWrites: 0, CareWrites: 1}
			},
		},
		{
			name:  "the Case written, the answer lost; then Care changes the status again",
			first: func(w *testWorld) { w.care.editCase("c1", func(c *care.Case) { c.Status = rules.Pending }) },
			fault: func(w *testWorld) { w.sf.loseNext(sfUpdate, "Case", 1) },
			wantPending: map[string]state.PendingWrite{
				"status": {Value: "pending", Side: string(merge.Salesforce)},
			},
			then: func(w *testWorld) {
				w.care.editCase("c1", func(c *care.Case) { c.Status = rules.Done })
			},
			want: func(w *testWorld) caseWant {
				return caseWant{Case: Record{"Status": "Closed"}, Status: rules.Done, SFWrites: 1, CareWrites: 0}
			},
		},
		{
			name: "Care written, then the Case update failed; then Salesforce changes the status again",
			first: func(w *testWorld) {
				w.editSF("c1", Record{"Status": "Closed"})
				w.care.editCase("c1", func(c *care.Case) { c.AssigneeID = strp("agent_ben") })
			},
			fault: func(w *testWorld) { w.sf.failNext(sfUpdate, "Case", 1, nil) },
			wantPending: map[string]state.PendingWrite{
				"status":   {Value: "done", Side: string(merge.Care)},
				"assignee": {Value: "agent_ben", Side: string(merge.Salesforce)},
			},
			then: func(w *testWorld) { w.editSF("c1", Record{"Status": "On Hold"}) },
			want: func(w *testWorld) caseWant {
				return caseWant{Case: Record{"Status": "On Hold", "OwnerId": w.users["ben@example.com"]}, Status: rules.Pending, Assignee: strp("agent_ben"), SFWrites: 1, CareWrites: 1}
			},
		},
		{
			name: "Care refused the write before acting: the next run makes every write again",
			first: func(w *testWorld) {
				w.editSF("c1", Record{"Status": "Closed"})
				w.care.editCase("c1", func(c *care.Case) { c.AssigneeID = strp("agent_ben") })
			},
			fault: func(w *testWorld) { w.care.failNext(caresim.OpSetCaseStatus, "c1", 1, nil) },
			wantPending: map[string]state.PendingWrite{
				"status":   {Value: "done", Side: string(merge.Care)},
				"assignee": {Value: "agent_ben", Side: string(merge.Salesforce)},
			},
			then: func(w *testWorld) {},
			want: func(w *testWorld) caseWant {
				return caseWant{Case: Record{"Status": "Closed", "OwnerId": w.users["ben@example.com"]}, Status: rules.Done, Assignee: strp("agent_ben"), SFWrites: 1, CareWrites: 1}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newTestWorld(t)
			w.linked("c1", strp("agent_ana"))
			w.clock.Advance(2 * time.Second)
			tt.first(w)
			tt.fault(w)
			if err := w.reconcile("c1"); err == nil {
				t.Fatal("the reconcile with the fault succeeded")
			}
			if got := w.pending("c1"); !reflect.DeepEqual(got, tt.wantPending) {
				t.Errorf("pending writes = %v, want %v", got, tt.wantPending)
			}
			if w.base("c1")["status"] != "open" {
				t.Errorf("base status = %q: the failed reconcile must not store its base", w.base("c1")["status"])
			}
			w.care.clearFaults()
			w.sf.clearFaults()
			w.clock.Advance(2 * time.Second)
			tt.then(w)
			w.sf.resetCalls()
			w.care.resetCalls()
			w.mustReconcile("c1")
			w.check("c1", tt.want(w))
			if n := w.metric("carebridge_conflicts_total"); n != 0 {
				t.Errorf("%v conflicts: the bridge's own write was taken for a change", n)
			}
			if p := w.pending("c1"); len(p) != 0 {
				t.Errorf("pending writes left after a good reconcile: %v", p)
			}
		})
	}
}

// gatedCare is the fake Care whose Agents call can be held: the identity
// reload of a reconcile stops there until the test lets it go. (The fake's
// own failWith hook runs under its lock, which would stop every Care call.)
type gatedCare struct {
	*fakeCare
	mu      sync.Mutex
	gate    chan struct{} // Agents waits for it to close; nil: no wait
	entered chan struct{} // closed when an Agents call starts waiting
	calls   int
}

// hold makes the next Agents call wait until release is called.
func (g *gatedCare) hold() (entered <-chan struct{}, release func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.gate, g.entered = make(chan struct{}), make(chan struct{})
	gate := g.gate
	return g.entered, func() { close(gate) }
}

func (g *gatedCare) Agents(ctx context.Context) ([]care.Agent, error) {
	g.mu.Lock()
	gate, entered := g.gate, g.entered
	g.gate, g.entered = nil, nil
	g.calls++
	g.mu.Unlock()
	if gate != nil {
		close(entered)
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return g.fakeCare.Agents(ctx)
}

func (g *gatedCare) agentCalls() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.calls
}

// reconcileAsync reconciles a case in a goroutine; the channel gets its
// error.
func (w *testWorld) reconcileAsync(careID string) <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := w.engine.Reconcile(w.ctx, work.ForCase(careID))
		done <- err
	}()
	return done
}

// await waits for ch, failing the test after a deadline.
func await[T any](t *testing.T, what string, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: still waiting after 10s", what)
		panic("unreachable")
	}
}

// awaitIdentityWaiter returns once a goroutine waits for the identity
// reload in flight (its stack is parked in a select in identityCache.get,
// not loading the identities itself).
func awaitIdentityWaiter(t *testing.T) {
	t.Helper()
	buf := make([]byte, 1<<20)
	testkit.Until(t, 10*time.Second, "a reconcile waiting for the identity reload", func() bool {
		n := runtime.Stack(buf, true)
		for _, g := range strings.Split(string(buf[:n]), "\n\n") {
			if strings.Contains(g, "[select") && strings.Contains(g, "(*identityCache).get") && !strings.Contains(g, "(*identityCache).load") {
				return true
			}
		}
		return false
	})
}

// TestIdentityReloadDoesNotBlockOtherReconciles: while one reconcile reloads
// the identities, the others go on with the mapper they have; with none yet,
// they wait for the reload and use its result.
func TestIdentityReloadDoesNotBlockOtherReconciles(t *testing.T) {
	t.Run("a mapper exists: another reconcile completes during the reload", func(t *testing.T) {
		gc := &gatedCare{}
		w := newTestWorld(t, func(o *Options) { gc.fakeCare = o.Care.(*fakeCare); o.Care = gc })
		w.linked("c1", strp("agent_ana"))
		w.linked("c2", strp("agent_ben"))
		w.engine.InvalidateIdentities()
		entered, release := gc.hold()
		first := w.reconcileAsync("c1")
		await(t, "the reload of the first reconcile", entered)

		w.care.editCase("c2", func(c *care.Case) { c.Status = rules.Pending })
		if err := await(t, "the second reconcile during the reload", w.reconcileAsync("c2")); err != nil {
			t.Fatalf("second reconcile: %v", err)
		}
		if got := w.sfCase("c2")["Status"]; got != "On Hold" {
			t.Errorf("c2's Case Status = %v, want On Hold", got)
		}
		select {
		case err := <-first:
			t.Fatalf("the first reconcile ended (%v) before its reload was released", err)
		default:
		}
		release()
		if err := await(t, "the first reconcile after the release", first); err != nil {
			t.Fatalf("first reconcile: %v", err)
		}
		if n := gc.agentCalls(); n != 2 {
			t.Errorf("%d agent reads, want 2 (the first load and one reload)", n)
		}
	})
	t.Run("no mapper yet: another reconcile waits for the reload and then succeeds", func(t *testing.T) {
		gc := &gatedCare{}
		w := newTestWorld(t, func(o *Options) { gc.fakeCare = o.Care.(*fakeCare); o.Care = gc })
		w.escalate("c1", rules.Facebook, strp("agent_ana"))
		w.escalate("c2", rules.Facebook, strp("agent_ben"))
		entered, release := gc.hold()
		first := w.reconcileAsync("c1")
		await(t, "the first identity load", entered)
		second := w.reconcileAsync("c2")
		awaitIdentityWaiter(t)
		select {
		case err := <-second:
			t.Fatalf("the second reconcile ended (%v) without identities", err)
		default:
		}
		if n := w.care.count(caresim.OpGetCase); n != 0 {
			t.Errorf("%d Care case reads before any identities, want 0", n)
		}
		release()
		for name, ch := range map[string]<-chan error{"first": first, "second": second} {
			if err := await(t, name+" reconcile", ch); err != nil {
				t.Errorf("%s reconcile: %v", name, err)
			}
		}
		if n := gc.agentCalls(); n != 1 {
			t.Errorf("%d agent reads, want 1: the waiting reconcile uses the reload's result", n)
		}
		if w.sfCase("c2")["OwnerId"] != w.users["ben@example.com"] {
			t.Errorf("c2's Case owner = %v, want Ben's user", w.sfCase("c2")["OwnerId"])
		}
	})
	t.Run("SetMapping during a reload: its result is not kept", func(t *testing.T) {
		gc := &gatedCare{}
		w := newTestWorld(t, func(o *Options) { gc.fakeCare = o.Care.(*fakeCare); o.Care = gc })
		w.linked("c1", strp("agent_ana"))
		w.engine.InvalidateIdentities()
		entered, release := gc.hold()
		first := w.reconcileAsync("c1")
		await(t, "the reload", entered)
		w.engine.SetMapping(MappingSource(shippedMappingWith(t, "urgent: High", "urgent: Medium")))
		release()
		if err := await(t, "the reconcile", first); err != nil {
			t.Fatal(err)
		}
		w.care.editCase("c1", func(c *care.Case) { c.Priority = "urgent" })
		w.mustReconcile("c1")
		if got := w.sfCase("c1")["Priority"]; got != "Medium" {
			t.Errorf("Priority = %v, want Medium (the new mapping)", got)
		}
		if n := gc.agentCalls(); n != 3 {
			t.Errorf("%d agent reads, want 3 (the reload under the old mapping is not kept)", n)
		}
	})
	t.Run("a reconcile waiting for identities gives up with its context", func(t *testing.T) {
		gc := &gatedCare{}
		w := newTestWorld(t, func(o *Options) { gc.fakeCare = o.Care.(*fakeCare); o.Care = gc })
		w.escalate("c1", rules.Facebook, strp("agent_ana"))
		entered, release := gc.hold()
		first := w.reconcileAsync("c1")
		await(t, "the first identity load", entered)
		ctx, cancel := context.WithCancel(w.ctx)
		second := make(chan error, 1)
		go func() { _, err := w.engine.Reconcile(ctx, work.ForCase("c1")); second <- err }()
		awaitIdentityWaiter(t)
		cancel()
		if err := await(t, "the cancelled reconcile", second); !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled reconcile = %v, want context.Canceled", err)
		}
		release()
		if err := await(t, "the first reconcile", first); err != nil {
			t.Error(err)
		}
	})
}
