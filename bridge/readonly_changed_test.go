package bridge

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/bridge/work"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

// The reconciles' API cost, counted in calls: a case costs what changed in
// it, not a full reread of both sides each time it is triggered.

// TestACaseAWebhookBroughtCostsTheNextPollNothing: a case reconciled when
// its webhook came is listed again by the next Care poll; the poll does not
// queue it, so it costs no Care read beyond the listing.
func TestACaseAWebhookBroughtCostsTheNextPollNothing(t *testing.T) {
	w := newTestWorld(t)
	w.escalate("c1", rules.Facebook, strp("agent_ana"), care.Message{ID: "m1", Text: "Broken"})
	w.escalate("c2", rules.Facebook, strp("agent_ana"))
	w.mustReconcile("c1") // the webhook's reconcile; c2's webhook was lost
	w.care.resetCalls()
	if err := w.engine.Triggers().PollCare(w.ctx); err != nil {
		t.Fatal(err)
	}
	if got := w.queue.take(); len(got) != 1 || got[0] != work.ForCase("c2") {
		t.Errorf("the poll queued %v; want only case:c2", got)
	}
	if n, listed := w.care.count(anyOp), w.care.count(caresim.OpListCases); n != listed {
		t.Errorf("the poll made %d Care calls, %d of them listings; want the listing only", n, listed)
	}
}

// TestTheEchoOfOwnWritesCostsOneReadOfEachSide: the bridge's own write to
// Care comes back (Care's webhook, the next poll) and the Case's sync
// fields are as it left them: the reconcile reads the Care case and the
// Case, finds both in step and reads or writes nothing else.
func TestTheEchoOfOwnWritesCostsOneReadOfEachSide(t *testing.T) {
	w := newTestWorld(t)
	w.escalate("c1", rules.Facebook, strp("agent_ana"), care.Message{ID: "m1", Text: "Broken"})
	w.mustReconcile("c1")
	w.clock.Advance(time.Minute)
	w.editSF("c1", Record{"Status": "On Hold"}) // an agent's edit: the bridge writes Care
	w.mustReconcile("c1")
	if got := w.careCase("c1").Status; got != rules.Pending {
		t.Fatalf("Care status %s after the agent's edit, want pending", got)
	}
	w.care.resetCalls()
	w.sf.resetCalls()
	w.clock.Advance(time.Second)
	w.mustReconcile("c1") // the echo
	if n, gets := w.care.count(anyOp), w.care.count(caresim.OpGetCase); n != 1 || gets != 1 {
		t.Errorf("the echo made %d Care calls (%d case reads); want one read of the case", n, gets)
	}
	if n := w.sf.count(anyOp, anyTarget); n != 1 {
		t.Errorf("the echo made %d Salesforce calls %v; want one read of the Case", n, w.sf.calls())
	}
	if got := w.metric("carebridge_case_reconciles_total", "outcome", "in_step"); got != 1 {
		t.Errorf("carebridge_case_reconciles_total{in_step} = %v, want 1", got)
	}
}

// TestAnUnchangedConversationIsNotReread: a change of the case that the
// conversation and the reply options do not depend on (Care's priority) is
// synced without reading the conversation or the notes again; a new message
// is mirrored, and reads the conversation only: in Salesforce it is one
// write, without reading the mirrored messages first.
func TestAnUnchangedConversationIsNotReread(t *testing.T) {
	w := newTestWorld(t)
	w.escalate("c1", rules.Facebook, strp("agent_ana"), care.Message{ID: "m1", Text: "Broken"})
	w.mustReconcile("c1")
	w.care.resetCalls()
	w.clock.Advance(time.Minute)
	w.care.editCase("c1", func(c *care.Case) { c.Priority = "urgent" })
	w.mustReconcile("c1")
	if got := w.sfCase("c1")["Priority"]; got != "High" {
		t.Errorf("Case priority %v, want High", got)
	}
	if n, m := w.care.count(caresim.OpListMessages), w.care.count(caresim.OpListNotes); n != 0 || m != 0 {
		t.Errorf("a priority change read the conversation %d times and the notes %d times; want neither", n, m)
	}
	w.care.resetCalls()
	w.sf.resetCalls()
	w.clock.Advance(time.Minute)
	w.care.addMessage(care.Message{CaseID: "c1", ID: "m2", Text: "Any news?"})
	w.mustReconcile("c1")
	if n, m := w.care.count(caresim.OpListMessages), w.care.count(caresim.OpListNotes); n != 1 || m != 0 {
		t.Errorf("a new message read the conversation %d times and the notes %d times; want 1 and 0", n, m)
	}
	if q, u := w.sf.count(sfQuery, MessageObject), w.sf.count(sfUpsert, MessageObject); q != 0 || u != 1 {
		t.Errorf("a new message cost %d reads and %d upserts of %s; want 0 and 1: %v", q, u, MessageObject, w.sf.calls())
	}
	if got := w.mirrored(); len(got) != 2 {
		t.Errorf("%d messages mirrored, want 2", len(got))
	}
}

// TestOnlyWhatTheOptionsDependOnRereadsTheConversation: the messages'
// allowed actions depend on whether the case is assigned, not on whom, and
// on whether it is deleted, not on open, pending or done. A handover to a
// colleague and a case put on hold cost no read of the conversation; an
// unassigned case (moderation needs an assignee) rereads it, and its
// messages show what is left.
func TestOnlyWhatTheOptionsDependOnRereadsTheConversation(t *testing.T) {
	w := newTestWorld(t)
	w.escalate("c1", rules.Facebook, strp("agent_ana"), care.Message{ID: "m1", Kind: rules.Comment, Text: "Broken", PostedAt: w.clock.Now()})
	w.mustReconcile("c1")
	actions := func() string { return str(w.mirrored()["m1"][MessageActionsField]) }
	assigned := actions()
	for _, change := range []struct {
		what  string
		edit  func(*care.Case)
		reads int
	}{
		{"handed over to Ben", func(c *care.Case) { c.AssigneeID = strp("agent_ben") }, 0},
		{"put on hold", func(c *care.Case) { c.Status = rules.Pending }, 0},
		{"closed", func(c *care.Case) { c.Status = rules.Done }, 0},
		{"unassigned", func(c *care.Case) { c.AssigneeID = nil }, 1},
	} {
		w.care.resetCalls()
		w.clock.Advance(time.Minute)
		w.care.editCase("c1", change.edit)
		w.mustReconcile("c1")
		if n := w.care.count(caresim.OpListMessages); n != change.reads {
			t.Errorf("%s: the conversation was read %d times, want %d", change.what, n, change.reads)
		}
	}
	if got := actions(); got == assigned || strings.Contains(got, "hide") {
		t.Errorf("the unassigned case's message allows %q (assigned: %q); want no moderation", got, assigned)
	}
}

// TestSweepFindsACareChangeItsLastReconcileDidNotSee: a message that came
// while a reconcile ran (after its read, before it stored its base), whose
// webhook was lost: the case's stamp tells the sweep that the reconcile
// synced an older Care change, whatever the clocks say.
func TestSweepFindsACareChangeItsLastReconcileDidNotSee(t *testing.T) {
	w := newTestWorld(t)
	w.escalate("c1", rules.Facebook, strp("agent_ana"), care.Message{ID: "m1", Text: "Broken"})
	w.mustReconcile("c1")
	w.queue.take()
	// Care's change is stamped before the base the reconcile stored.
	w.care.mu.Lock()
	w.care.convo["c1"][0].Text, w.care.convo["c1"][0].UpdatedAt = "Broken, and nobody answers", w.care.cases["c1"].UpdatedAt.Add(time.Microsecond)
	w.care.mu.Unlock()
	if err := w.engine.Triggers().Sweep(w.ctx); err != nil {
		t.Fatal(err)
	}
	if got := w.queue.take(); len(got) != 1 || got[0] != work.ForCase("c1") {
		t.Fatalf("the sweep queued %v; want case:c1", got)
	}
}

// runningQueue is the recording queue with keys a worker runs now.
type runningQueue struct {
	*recordingQueue
	running map[string]bool
}

func (q runningQueue) AddOr(ctx context.Context, keys, instead []string) error {
	out := slices.Clone(keys)
	for i, k := range keys {
		if q.running[k] {
			out[i] = instead[i]
		}
	}
	return q.Add(ctx, out...)
}

func (q runningQueue) Await(ctx context.Context, key, waiter string) (bool, error) {
	return q.running[key], nil
}

// TestAChangeListedDuringItsCasesReconcileIsCheckedAfterIt: a reconcile a
// webhook started is still running when the Care poll lists its case. The
// poll queues a check, not a second reconcile: the check waits for the
// running one to end, then queues the case only if that reconcile did not
// read the change (it began before it), and otherwise costs nothing.
func TestAChangeListedDuringItsCasesReconcileIsCheckedAfterIt(t *testing.T) {
	rq := runningQueue{recordingQueue: &recordingQueue{}, running: map[string]bool{work.ForCase("c1"): true}}
	w := newTestWorld(t, func(o *Options) { o.Queue = rq })
	w.queue = rq.recordingQueue
	w.escalate("c1", rules.Facebook, strp("agent_ana"))
	w.escalate("c2", rules.Facebook, strp("agent_ana"))
	if err := w.engine.Triggers().PollCare(w.ctx); err != nil {
		t.Fatal(err)
	}
	listed := careChange{careID: "c1", part: care.PartCase, at: w.careCase("c1").UpdatedAt}
	if got := w.queue.take(); !slices.Equal(got, []string{listed.checkKey(), work.ForCase("c2")}) {
		t.Fatalf("the poll queued %v; want a check of c1 and case:c2", got)
	}
	runCheck := func(what string) {
		t.Helper()
		if _, err := w.engine.Reconcile(w.ctx, listed.checkKey()); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	if runCheck("while c1 runs"); len(w.queue.take()) > 0 {
		t.Fatalf("the check ran while c1's reconcile runs; want it to wait for that run, queuing nothing")
	}
	rq.running[work.ForCase("c1")] = false
	if runCheck("after a reconcile that began before the change"); !slices.Equal(w.queue.take(), []string{work.ForCase("c1")}) {
		t.Fatalf("the change came after the reconcile's read, yet the check did not queue case:c1")
	}
	w.mustReconcile("c1")
	if runCheck("after a reconcile that read the change"); len(w.queue.take()) > 0 {
		t.Fatalf("the reconcile read the listed change, yet the check queued the case again")
	}
	if _, err := w.engine.Reconcile(w.ctx, work.Check.Prefix()+"case:soon:c1"); !queue.IsTerminal(err) {
		t.Fatalf("a malformed check key: %v; want a terminal error", err)
	}
}

// TestSyncedAsOfTellsWhatAReconcileAlreadyRead: the webhook receiver asks
// whether an event shows nothing a reconcile has not read: the case as
// synced, a message or a note at or before the stamps it synced; a later
// message is news.
func TestSyncedAsOfTellsWhatAReconcileAlreadyRead(t *testing.T) {
	w := newTestWorld(t)
	w.escalate("c1", rules.Facebook, strp("agent_ana"), care.Message{ID: "m1", Text: "Broken"})
	w.mustReconcile("c1")
	c := w.careCase("c1")
	m1 := w.care.conversation("c1")[0]
	for _, tt := range []struct {
		what string
		part care.EventPart
		at   time.Time
		want bool
	}{
		{"the case as synced", care.PartCase, c.UpdatedAt, true},
		{"the case a moment later", care.PartCase, c.UpdatedAt.Add(time.Microsecond), false},
		{"the message it mirrored", care.PartConversation, m1.UpdatedAt, true},
		{"a later message", care.PartConversation, m1.UpdatedAt.Add(time.Second), false},
		{"a note, while none was synced", care.PartNotes, c.UpdatedAt, false},
	} {
		got, err := w.engine.Triggers().SyncedAsOf(w.ctx, "c1", tt.part, tt.at)
		if err != nil || got != tt.want {
			t.Errorf("%s: SyncedAsOf = %v, %v; want %v", tt.what, got, err, tt.want)
		}
	}
	if got, _ := w.engine.Triggers().SyncedAsOf(w.ctx, "c2", care.PartCase, c.UpdatedAt); got {
		t.Error("a case never synced counts as synced")
	}
}
