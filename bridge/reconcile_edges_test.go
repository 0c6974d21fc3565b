package bridge

// Reconciles at the edges: a case deleted before its first sync, a Case
// that cannot be created, an agent editing a side while it is reconciled,
// a mapping that does not bind or syncs no status, and the engine's
// required dependencies.

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/bridge/work"
	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/connectors/upstream"
	"github.com/carebridge/carebridge/mapping/merge"
)

func TestCaseDeletedBeforeItsFirstSyncGetsNoCase(t *testing.T) {
	w := newTestWorld(t)
	w.escalate("c1", rules.Facebook, strp("agent_ana"))
	w.care.editCase("c1", func(c *care.Case) { c.Status = rules.Deleted })
	w.mustReconcile("c1")
	if w.sfCase("c1") != nil || w.sfWrites() != 0 {
		t.Errorf("a Case was written for a deleted Care case")
	}
	if _, ok, _ := w.store.SalesforceCase(w.ctx, "c1"); ok {
		t.Error("the deleted case was linked")
	}
}

// TestCaseThatCannotBeCreated: Salesforce refuses the new Case; the key is
// Terminal, counted, nothing is linked, and the next trigger creates it.
func TestCaseThatCannotBeCreated(t *testing.T) {
	tests := []struct {
		name     string
		fault    func(w *testWorld)
		terminal bool
	}{
		{"a validation rule refuses it", func(w *testWorld) {
			w.sf.rejectRecords(func(op, object string, _ Record) error {
				if op == sfUpsert && object == "Case" {
					return sfErr(op, salesforce.CodeCustomValidation, "Subject is required")
				}
				return nil
			})
		}, true},
		{"Salesforce is down", func(w *testWorld) { w.sf.failNext(sfUpsert, "Case", 1, nil) }, false},
		{"the answer of the create is lost", func(w *testWorld) { w.sf.loseNext(sfUpsert, "Case", 1) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newTestWorld(t)
			w.escalate("c1", rules.Facebook, strp("agent_ana"))
			tt.fault(w)
			err := w.reconcile("c1")
			if err == nil || queue.IsTerminal(err) != tt.terminal {
				t.Fatalf("reconcile = %v, terminal %v; want terminal %v", err, queue.IsTerminal(err), tt.terminal)
			}
			if n := w.metric("carebridge_sync_operations_total", "direction", "care_to_salesforce", "object", "case", "result", "failure"); n != 1 {
				t.Errorf("case failures = %v, want 1", n)
			}
			if _, ok, _ := w.store.SalesforceCase(w.ctx, "c1"); ok || w.base("c1") != nil {
				t.Error("a Case whose create failed is linked or has a base")
			}
			w.sf.clearFaults()
			w.mustReconcile("c1")
			if w.sfCase("c1") == nil || len(w.sf.records("Case")) != 1 {
				t.Errorf("%d Cases after the retry, want 1", len(w.sf.records("Case")))
			}
		})
	}
	t.Run("the new Case cannot be read back: the retry finds it, no second Case", func(t *testing.T) {
		w := newTestWorld(t)
		w.escalate("c1", rules.Facebook, strp("agent_ana"))
		reads := 0
		w.sf.failWith(func(op, object string) error {
			if op == sfQuery && object == "Case" {
				if reads++; reads == 2 { // the read after the create
					return sfUnavailable(op)
				}
			}
			return nil
		})
		if err := w.reconcile("c1"); err == nil || queue.IsTerminal(err) {
			t.Fatalf("reconcile = %v, want a retryable error", err)
		}
		w.sf.clearFaults()
		w.mustReconcile("c1")
		if n := len(w.sf.records("Case")); n != 1 {
			t.Errorf("%d Cases, want 1", n)
		}
		if _, ok, _ := w.store.SalesforceCase(w.ctx, "c1"); !ok {
			t.Error("not linked after the retry")
		}
	})
}

// editingCare is Care where an agent edits case c1 just before the
// reconcile's re-read of it (the second read of the case); order (if set)
// hears of each read that answered.
type editingCare struct {
	*fakeCare
	mu    sync.Mutex
	reads int
	edit  func()
	order *readOrder
}

func (c *editingCare) GetCase(ctx context.Context, id string) (care.Case, error) {
	c.mu.Lock()
	c.reads++
	edit := c.reads == 2 && c.edit != nil
	c.mu.Unlock()
	if edit {
		c.edit()
	}
	got, err := c.fakeCare.GetCase(ctx, id)
	if c.order != nil {
		c.order.answered()
	}
	return got, err
}

// editingSalesforce is Salesforce where an agent edits the Case of c1 just
// before the reconcile's re-read of it (the second Case query), or, with
// editAfterFirst, right after the first Case query answered; order (if set)
// hears of the first answer then.
type editingSalesforce struct {
	*fakeSalesforce
	mu             sync.Mutex
	reads          int
	edit           func()
	editAfterFirst bool
	order          *readOrder
}

func (s *editingSalesforce) Query(ctx context.Context, q soql.Query) ([]Record, error) {
	if !strings.EqualFold(q.Object(), "Case") {
		return s.fakeSalesforce.Query(ctx, q)
	}
	s.mu.Lock()
	s.reads++
	n, after := s.reads, s.editAfterFirst
	edit := s.edit != nil && (n == 2 && !after || n == 1 && after)
	s.mu.Unlock()
	if edit && !after {
		s.edit()
	}
	recs, err := s.fakeSalesforce.Query(ctx, q)
	if n == 1 {
		if edit {
			s.edit()
		}
		if s.order != nil {
			s.order.answered()
		}
	}
	return recs, err
}

// readOrder makes the reads of one side answer after the other side's:
// once armed, a read that waits on it answers only after the other side's
// next read answered and the reconcile took that answer's time (watch), so
// the answer times are in the order of the answers whatever the scheduler
// does.
type readOrder struct {
	mu    sync.Mutex
	ch    chan struct{}
	given bool // the other side answered; its answer time is next
}

// watch has w's reconciles tell the order when they take an answer time.
func (o *readOrder) watch(w *testWorld) {
	w.engine.cases.answerTime = func() time.Time {
		at := time.Now()
		o.mu.Lock()
		if o.given && o.ch != nil {
			close(o.ch)
			o.ch, o.given = nil, false
		}
		o.mu.Unlock()
		return at
	}
}

func (o *readOrder) arm() {
	o.mu.Lock()
	o.ch, o.given = make(chan struct{}), false
	o.mu.Unlock()
}

func (o *readOrder) answered() {
	o.mu.Lock()
	if o.ch != nil {
		o.given = true
	}
	o.mu.Unlock()
}

func (o *readOrder) wait(ctx context.Context) error {
	o.mu.Lock()
	ch := o.ch
	o.mu.Unlock()
	if ch == nil {
		return nil
	}
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// careAnsweringAfter is Care whose reads of a case answer after
// Salesforce's (order).
type careAnsweringAfter struct {
	*fakeCare
	order *readOrder
}

func (c *careAnsweringAfter) GetCase(ctx context.Context, id string) (care.Case, error) {
	if err := c.order.wait(ctx); err != nil {
		return care.Case{}, err
	}
	return c.fakeCare.GetCase(ctx, id)
}

// salesforceAnsweringAfter is Salesforce whose Case queries answer after
// Care's read of the case (editingCare with the same order).
type salesforceAnsweringAfter struct {
	*fakeSalesforce
	order *readOrder
}

func (s *salesforceAnsweringAfter) Query(ctx context.Context, q soql.Query) ([]Record, error) {
	if strings.EqualFold(q.Object(), "Case") {
		if err := s.order.wait(ctx); err != nil {
			return nil, err
		}
	}
	return s.fakeSalesforce.Query(ctx, q)
}

// TestASideReadLastIsWrittenWithoutAReRead: a reconcile re-reads a side
// before writing it only when something else answered after that side's
// read; when the side answered last, a re-read would leave the same window
// before the write open as the read did, and costs a call and a round trip.
// The decision is made on when each read answered (answered), given here:
// which goroutine records its answer time first is up to the scheduler, so
// a test that orders the answers with real calls cannot tell the two
// apart.
func TestASideReadLastIsWrittenWithoutAReRead(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	later := t0.Add(time.Millisecond)
	tests := []struct {
		name                 string
		got                  answered
		careReads, sfQueries int
	}{
		{"the Care case answered last", answered{care: later, salesforce: t0}, 0, 1},
		{"the Case answered last", answered{care: t0, salesforce: later}, 1, 0},
		{"both at once", answered{care: t0, salesforce: t0}, 0, 1},
		{"the conversation answered after both", answered{care: t0, salesforce: t0, other: later}, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newTestWorld(t)
			w.linked("c1", strp("agent_ana"))
			m, err := w.engine.ids.current(w.ctx)
			if err != nil {
				t.Fatal(err)
			}
			c, rec := w.careCase("c1"), w.sfCase("c1")
			plan := merge.Plan{ToCare: map[string]string{"status": string(rules.Pending)}, ToSalesforce: map[string]string{"status": "pending"}}
			careReads, sfQueries := w.care.count(caresim.OpGetCase), w.sf.count(sfQuery, "Case")
			if err := w.engine.cases.checkUnchanged(w.ctx, m, c, rec, plan, tt.got); err != nil {
				t.Fatalf("nothing changed, yet: %v", err)
			}
			if n := w.care.count(caresim.OpGetCase) - careReads; n != tt.careReads {
				t.Errorf("%d re-reads of the Care case, want %d", n, tt.careReads)
			}
			if n := w.sf.count(sfQuery, "Case") - sfQueries; n != tt.sfQueries {
				t.Errorf("%d re-reads of the Case, want %d", n, tt.sfQueries)
			}
		})
	}
}

// careAnsweringLast is a world with case c1 linked whose Care reads answer
// after Salesforce's once order is armed, and whose Salesforce can edit the
// Case (es).
func careAnsweringLast(t *testing.T) (*testWorld, *editingSalesforce, *readOrder) {
	t.Helper()
	order := &readOrder{}
	es := &editingSalesforce{order: order}
	w := newTestWorld(t, func(o *Options) {
		es.fakeSalesforce = o.Salesforce.(*fakeSalesforce)
		o.Salesforce = es
		o.Care = &careAnsweringAfter{fakeCare: o.Care.(*fakeCare), order: order}
	})
	order.watch(w)
	w.linked("c1", strp("agent_ana"))
	return w, es, order
}

// TestSideEditedDuringTheReconcileIsNotOverwritten: when an agent changes
// a side between the reconcile's read and its write, nothing is written
// from the old read; the reconcile is retried and then merges the edit.
func TestSideEditedDuringTheReconcileIsNotOverwritten(t *testing.T) {
	t.Run("an agent edits the Care case", func(t *testing.T) {
		// Salesforce answers after Care: the Care read is not the last.
		order := &readOrder{}
		ec := &editingCare{order: order}
		w := newTestWorld(t, func(o *Options) {
			ec.fakeCare = o.Care.(*fakeCare)
			o.Care = ec
			o.Salesforce = &salesforceAnsweringAfter{fakeSalesforce: o.Salesforce.(*fakeSalesforce), order: order}
		})
		order.watch(w)
		w.linked("c1", strp("agent_ana"))
		ec.mu.Lock()
		ec.reads = 0
		ec.edit = func() { w.care.editCase("c1", func(c *care.Case) { c.Status = rules.Pending }) }
		ec.mu.Unlock()
		order.arm()
		w.clock.Advance(2 * time.Second)
		w.editSF("c1", Record{"Status": "Closed"})
		err := w.reconcile("c1")
		if err == nil || queue.IsTerminal(err) || !strings.Contains(err.Error(), "changed while it was reconciled") {
			t.Fatalf("reconcile = %v, want a retryable 'changed' error", err)
		}
		if w.careWrites() != 0 || w.sfWrites() != 0 || len(w.pending("c1")) != 0 {
			t.Errorf("wrote %d Care, %d Salesforce calls, pending %v; want nothing", w.careWrites(), w.sfWrites(), w.pending("c1"))
		}
		w.mustReconcile("c1") // a conflict now: both changed the status
		if n := w.metric("carebridge_conflicts_total", "field", "status"); n != 1 {
			t.Errorf("%v status conflicts, want the agent's edit merged as one", n)
		}
	})
	t.Run("an agent edits the Case", func(t *testing.T) {
		// Care answers after Salesforce: the Case read is not the last, and
		// the edit lands between it and the write.
		w, es, order := careAnsweringLast(t)
		es.mu.Lock()
		es.reads = 0
		es.edit = func() { w.editSF("c1", Record{"Subject": "Edited meanwhile", "Status": "Working"}) }
		es.editAfterFirst = true
		es.mu.Unlock()
		order.arm()
		w.clock.Advance(2 * time.Second)
		w.care.editCase("c1", func(c *care.Case) { c.Status = rules.Pending })
		err := w.reconcile("c1")
		if err == nil || queue.IsTerminal(err) || !strings.Contains(err.Error(), "changed while it was reconciled") {
			t.Fatalf("reconcile = %v, want a retryable 'changed' error", err)
		}
		if w.sf.count(sfUpdate, "Case") != 0 || w.careWrites() != 0 {
			t.Error("the reconcile wrote after the Case changed")
		}
		w.mustReconcile("c1")
		if rec := w.sfCase("c1"); rec["Status"] != "On Hold" || rec["Subject"] != "Help c1" {
			t.Errorf("Case Status %v, Subject %v; want Care's pending and subject", rec["Status"], rec["Subject"])
		}
	})
}

// TestMappingThatDoesNotBind: a mapping source that fails to bind stops
// reconciles for good (Terminal) and the Salesforce poll with an error.
func TestMappingThatDoesNotBind(t *testing.T) {
	w := newTestWorld(t)
	w.linked("c1", strp("agent_ana"))
	w.engine.SetMapping(func([]care.Agent, []Record) (Mapper, error) { return nil, errors.New("unknown field") })
	if err := w.reconcile("c1"); !queue.IsTerminal(err) || !strings.Contains(err.Error(), "bind mapping") {
		t.Errorf("reconcile = %v, want Terminal 'bind mapping'", err)
	}
	if err := w.engine.Triggers().PollSalesforce(w.ctx); upstream.ClassOf(err) != upstream.Permanent {
		t.Errorf("PollSalesforce = %v, want a permanent error", err)
	}
}

// TestMappingWithoutStatusStillRetiresClosedCases: with no status in the
// mapping, a case is closed on both sides when Care's case is done and the
// Case is closed, each side on its own.
func TestMappingWithoutStatusStillRetiresClosedCases(t *testing.T) {
	text := string(configs.Mapping())
	start, end := strings.Index(text, "  - name: status\n"), strings.Index(text, "# Internal notes")
	if start < 0 || end < start {
		t.Fatal("the shipped mapping has no status block before the notes")
	}
	m := shippedMappingWith(t, text[start:end], "\n")
	w := newTestWorld(t, withMapping(m), func(o *Options) { o.RetireClosedAfter = time.Hour })
	w.linked("c1", strp("agent_ana"))
	w.care.editCase("c1", func(c *care.Case) { c.Status = rules.Done })
	w.mustReconcile("c1")
	if w.sfCase("c1")["Status"] == "Closed" {
		t.Fatal("the status was synced without a status mapping")
	}
	w.clock.Advance(2 * time.Hour)
	if err := w.engine.Triggers().Sweep(w.ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := w.store.SalesforceCase(w.ctx, "c1"); !ok {
		t.Fatal("retired while the Case is open")
	}
	w.editSF("c1", Record{"Status": "Closed"})
	w.mustReconcile("c1")
	w.clock.Advance(2 * time.Hour)
	if err := w.engine.Triggers().Sweep(w.ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := w.store.SalesforceCase(w.ctx, "c1"); ok {
		t.Error("not retired though closed on both sides for longer than RetireClosedAfter")
	}
	if w.careCase("c1").Status != rules.Done {
		t.Error("Care's status was changed")
	}
	if n := w.care.count(caresim.OpSetCaseStatus); n != 0 {
		t.Errorf("%d Care status writes, want none", n)
	}
}

func TestNewRequiresItsDependencies(t *testing.T) {
	w := newTestWorld(t)
	full := Options{Care: w.care, Salesforce: w.sf, Store: w.store, Queue: w.queue, Mapping: MappingSource(w.mapping)}
	tests := []struct {
		name string
		drop func(*Options)
	}{
		{"no Care", func(o *Options) { o.Care = nil }},
		{"no Salesforce", func(o *Options) { o.Salesforce = nil }},
		{"no Store", func(o *Options) { o.Store = nil }},
		{"no Queue", func(o *Options) { o.Queue = nil }},
		{"no Mapping", func(o *Options) { o.Mapping = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := full
			tt.drop(&o)
			if _, err := New(o); err == nil {
				t.Error("New accepted missing dependencies")
			}
		})
	}
	t.Run("defaults for the rest", func(t *testing.T) {
		e, err := New(full)
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			if err := e.Shutdown(context.Background()); err != nil {
				t.Error(err)
			}
		}()
		if e.notes.Object != "CaseComment" || e.ids.ttl != 5*time.Minute || e.triggers.retireAfter != 7*24*time.Hour || e.triggers.keepRetired != 90*24*time.Hour || e.actions.giveUp != 10*time.Minute {
			t.Errorf("defaults: notes %s, TTL %v, retire %v, keep %v, give up %v", e.notes.Object, e.ids.ttl, e.triggers.retireAfter, e.triggers.keepRetired, e.actions.giveUp)
		}
	})
}

// TestNewCaseKeepsItsBaseWhenItsFirstReconcileFails: the first reconcile
// of a case creates its Case, then fails because an agent edited the Care
// case meanwhile (while another edited the new Case in Salesforce). The
// Case's link and base are stored all the same, so the retry merges both
// edits as changes; without a base, one of them would lose as a conflict.
func TestNewCaseKeepsItsBaseWhenItsFirstReconcileFails(t *testing.T) {
	ec, es := &editingCare{}, &editingSalesforce{}
	w := newTestWorld(t, func(o *Options) {
		ec.fakeCare, es.fakeSalesforce = o.Care.(*fakeCare), o.Salesforce.(*fakeSalesforce)
		o.Care, o.Salesforce = ec, es
	})
	w.escalate("c9", rules.Facebook, strp("agent_ana"))
	ec.mu.Lock()
	ec.reads = 0
	ec.edit = func() { w.care.editCase("c9", func(c *care.Case) { c.AssigneeID = strp("agent_ben") }) }
	ec.mu.Unlock()
	es.mu.Lock()
	es.reads = 0
	// The second Case query reads the new Case back: an agent has just
	// put it on hold.
	es.edit = func() { w.editSF("c9", Record{"Status": "On Hold"}) }
	es.mu.Unlock()
	err := w.reconcile("c9")
	if err == nil || queue.IsTerminal(err) || !strings.Contains(err.Error(), "changed while it was reconciled") {
		t.Fatalf("first reconcile = %v, want a retryable 'changed' error", err)
	}
	if _, ok, _ := w.store.SalesforceCase(w.ctx, "c9"); !ok {
		t.Error("the new Case is not linked after the failed reconcile")
	}
	if b := w.base("c9"); b["status"] != string(rules.Open) {
		t.Fatalf("base after the failed reconcile = %v, want the escalated case's values (status open)", b)
	}
	w.mustReconcile("c9")
	if c, _ := w.care.caseOf("c9"); c.Status != rules.Pending {
		t.Errorf("Care status %s, want pending: the agent's hold in Salesforce was lost", c.Status)
	}
	if owner := w.sfCase("c9")["OwnerId"]; owner != w.users["ben@example.com"] {
		t.Errorf("Case owner %v, want agent_ben's user %v: the Care reassignment was lost", owner, w.users["ben@example.com"])
	}
}

// TestLostStateKeepsSalesforceEditsOrRecordsAConflict: agents edit Cases,
// then the sync state is lost (a Redis wipe) before the bridge saw the
// edits. Without a base nothing tells which side changed: each field that
// differs is a conflict decided by its policy and recorded, never a silent
// revert. newest_wins keeps the agents' later edits; care_wins puts Care's
// value back, recorded as a conflict.
func TestLostStateKeepsSalesforceEditsOrRecordsAConflict(t *testing.T) {
	log := &auditLog{}
	m := shippedMappingWith(t, "    salesforce: Status\n    direction: both\n    conflict: newest_wins",
		"    salesforce: Status\n    direction: both\n    conflict: care_wins")
	w := newTestWorld(t, withAudit(log), withMapping(m))
	w.linked("kept", strp("agent_ana"))
	w.linked("reverted", strp("agent_ana"))
	w.clock.Advance(time.Minute)
	// Ben takes one Case over (owner: newest_wins), and puts the other on
	// hold (status: care_wins in this mapping).
	w.editSF("kept", Record{"OwnerId": w.users["ben@example.com"]})
	w.editSF("reverted", Record{"Status": "On Hold"})
	w.store.Flush()

	w.mustReconcile("kept")
	w.mustReconcile("reverted")
	if got := w.assigneeOf("kept"); got != "agent_ben" {
		t.Errorf("Care assignee after the wipe = %q, want agent_ben (the agent's later edit survives)", got)
	}
	if got := w.sfCase("kept")["OwnerId"]; got != w.users["ben@example.com"] {
		t.Errorf("Case owner after the wipe = %v, want Ben's user", got)
	}
	if got := w.sfCase("reverted")["Status"]; got != "New" {
		t.Errorf("Case status after the wipe = %v, want New (care_wins decided the conflict)", got)
	}
	for careID, resolution := range map[string]string{"kept": "conflict_no_base_salesforce", "reverted": "conflict_no_base_care"} {
		if got := log.find(careID, resolution); len(got) != 1 {
			t.Errorf("%s: %d %s entries in the audit, want 1 (all: %+v)", careID, len(got), resolution, log.all())
		}
	}
	if got := w.metric("carebridge_conflicts_total"); got != 2 {
		t.Errorf("carebridge_conflicts_total = %v, want 2", got)
	}
	// The next reconcile finds both sides in step with the new base.
	w.sf.resetCalls()
	w.care.resetCalls()
	w.mustReconcile("kept")
	w.mustReconcile("reverted")
	if n, c := w.sfWrites(), w.careWrites(); n != 0 || c != 0 {
		t.Errorf("%d Salesforce and %d Care writes after the conflicts were decided, want none", n, c)
	}
}

// TestEditedCareIDIsRestoredNotForked: an agent changes or clears
// Care_Case_Id__c of a linked Case. The next sync neither creates a second
// Case for the Care case nor loses the link: it puts the id back, says so on
// the Case and in the case's timeline, and the Case keeps syncing.
func TestEditedCareIDIsRestoredNotForked(t *testing.T) {
	for name, edited := range map[string]any{"changed": "not-a-care-case", "cleared": nil} {
		t.Run(name, func(t *testing.T) {
			log := &auditLog{}
			w := newTestWorld(t, withAudit(log))
			w.linked("c1", strp("agent_ana"))
			sfID := w.sfID("c1")
			w.sf.edit("Case", sfID, Record{CareIDField: edited})
			w.care.editCase("c1", func(c *care.Case) { c.Status = rules.Pending })
			w.mustReconcile("c1")
			if n := len(w.sf.records("Case")); n != 1 {
				t.Fatalf("%d Cases after the edit; want the one, restored", n)
			}
			rec := w.sfCase("c1")
			if rec == nil || rec["Id"] != sfID {
				t.Fatalf("the Case of c1 is %v; want %s with its Care id back", rec, sfID)
			}
			if rec["Status"] != "On Hold" || !strings.Contains(str(rec[SyncErrorField]), `carebridge put back "c1"`) {
				t.Errorf("Case status %v, sync error %q; want On Hold and the notice", rec["Status"], rec[SyncErrorField])
			}
			if got := log.find("c1", "restored"); len(got) != 1 {
				t.Errorf("%d restored entries in the timeline, want 1", len(got))
			}
			if got := w.metric("carebridge_care_case_ids_restored_total"); got != 1 {
				t.Errorf("carebridge_care_case_ids_restored_total = %v, want 1", got)
			}
		})
	}
}

// TestSweepFindsACaseWhoseCareIDWasChanged: the poll finds Cases by their
// Care id, so a Case whose Care id was cleared is not polled; the sweep
// notices that no Case holds a linked Care id and reconciles that case,
// which restores it.
func TestSweepFindsACaseWhoseCareIDWasChanged(t *testing.T) {
	w := newTestWorld(t)
	w.linked("c1", strp("agent_ana"))
	w.linked("c2", strp("agent_ana"))
	w.queue.take()
	w.sf.edit("Case", w.sfID("c1"), Record{CareIDField: nil})
	if err := w.engine.Triggers().Sweep(w.ctx); err != nil {
		t.Fatal(err)
	}
	if got := w.queue.take(); !slices.Equal(got, []string{work.ForCase("c1")}) {
		t.Fatalf("the sweep enqueued %v; want only case:c1", got)
	}
}
