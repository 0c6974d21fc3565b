package bridge

// The sync state's store (Redis) failing: every trigger and reconcile
// reports the failure for a retry (never Terminal: Redis comes back), and
// a reconcile that cannot record its pending writes writes nothing.

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/bridge/state/memstate"
	"github.com/carebridge/carebridge/bridge/work"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

var errStoreDown = errors.New("redis: connection refused")

// faultyStore is the in-memory store whose named methods fail once armed.
type faultyStore struct {
	*memstate.Store
	mu     sync.Mutex
	failOn string
}

func (s *faultyStore) arm(method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failOn = method
}

func (s *faultyStore) fails(method string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failOn == method {
		return errStoreDown
	}
	return nil
}

func (s *faultyStore) LinkCase(ctx context.Context, careID, sfID string) error {
	if err := s.fails("LinkCase"); err != nil {
		return err
	}
	return s.Store.LinkCase(ctx, careID, sfID)
}

func (s *faultyStore) SalesforceCase(ctx context.Context, careID string) (string, bool, error) {
	if err := s.fails("SalesforceCase"); err != nil {
		return "", false, err
	}
	return s.Store.SalesforceCase(ctx, careID)
}

func (s *faultyStore) CareCase(ctx context.Context, sfID string) (string, bool, error) {
	if err := s.fails("CareCase"); err != nil {
		return "", false, err
	}
	return s.Store.CareCase(ctx, sfID)
}

func (s *faultyStore) LinkedCases(ctx context.Context, cursor uint64, count int64) ([]string, uint64, error) {
	if err := s.fails("LinkedCases"); err != nil {
		return nil, 0, err
	}
	return s.Store.LinkedCases(ctx, cursor, count)
}

func (s *faultyStore) LoadBase(ctx context.Context, careID string) (state.Base, bool, error) {
	if err := s.fails("LoadBase"); err != nil {
		return state.Base{}, false, err
	}
	return s.Store.LoadBase(ctx, careID)
}

func (s *faultyStore) SaveBase(ctx context.Context, careID string, fields map[string]string, at time.Time) error {
	if err := s.fails("SaveBase"); err != nil {
		return err
	}
	return s.Store.SaveBase(ctx, careID, fields, at)
}

func (s *faultyStore) PendingWrites(ctx context.Context, careID string) (map[string]state.PendingWrite, error) {
	if err := s.fails("PendingWrites"); err != nil {
		return nil, err
	}
	return s.Store.PendingWrites(ctx, careID)
}

func (s *faultyStore) SavePendingWrites(ctx context.Context, careID string, w map[string]state.PendingWrite) error {
	if err := s.fails("SavePendingWrites"); err != nil {
		return err
	}
	return s.Store.SavePendingWrites(ctx, careID, w)
}

func (s *faultyStore) LinkChild(ctx context.Context, careCaseID string, kind state.Kind, careChildID, sfID string) error {
	if err := s.fails("LinkChild"); err != nil {
		return err
	}
	return s.Store.LinkChild(ctx, careCaseID, kind, careChildID, sfID)
}

func (s *faultyStore) SalesforceChild(ctx context.Context, careCaseID string, kind state.Kind, careChildID string) (string, bool, error) {
	if err := s.fails("SalesforceChild"); err != nil {
		return "", false, err
	}
	return s.Store.SalesforceChild(ctx, careCaseID, kind, careChildID)
}

func (s *faultyStore) CareChild(ctx context.Context, careCaseID string, kind state.Kind, sfID string) (string, bool, error) {
	if err := s.fails("CareChild"); err != nil {
		return "", false, err
	}
	return s.Store.CareChild(ctx, careCaseID, kind, sfID)
}

func (s *faultyStore) Audit(ctx context.Context, e state.AuditEntry) (string, error) {
	if err := s.fails("Audit"); err != nil {
		return "", err
	}
	return s.Store.Audit(ctx, e)
}

func (s *faultyStore) Cursor(ctx context.Context, source string) (string, bool, error) {
	if err := s.fails("Cursor"); err != nil {
		return "", false, err
	}
	return s.Store.Cursor(ctx, source)
}

func (s *faultyStore) SetCursor(ctx context.Context, source, cursor string) error {
	if err := s.fails("SetCursor"); err != nil {
		return err
	}
	return s.Store.SetCursor(ctx, source, cursor)
}

func (s *faultyStore) SetCaseClosed(ctx context.Context, careID string, closed bool, at time.Time) error {
	if err := s.fails("SetCaseClosed"); err != nil {
		return err
	}
	return s.Store.SetCaseClosed(ctx, careID, closed, at)
}

func (s *faultyStore) ClosedBefore(ctx context.Context, t time.Time, n int64) ([]string, error) {
	if err := s.fails("ClosedBefore"); err != nil {
		return nil, err
	}
	return s.Store.ClosedBefore(ctx, t, n)
}

func (s *faultyStore) RetireCase(ctx context.Context, careID string, cutoff time.Time, keep time.Duration) (state.Base, error) {
	if err := s.fails("RetireCase"); err != nil {
		return state.Base{}, err
	}
	return s.Store.RetireCase(ctx, careID, cutoff, keep)
}

func (s *faultyStore) MessageMirror(ctx context.Context, careID string) (map[string]state.MirroredMessage, error) {
	if err := s.fails("MessageMirror"); err != nil {
		return nil, err
	}
	return s.Store.MessageMirror(ctx, careID)
}

func (s *faultyStore) SetMessageMirror(ctx context.Context, careID string, msgs map[string]state.MirroredMessage) error {
	if err := s.fails("SetMessageMirror"); err != nil {
		return err
	}
	return s.Store.SetMessageMirror(ctx, careID, msgs)
}

func (s *faultyStore) LoadCases(ctx context.Context, careIDs []string, withMirror bool) (map[string]state.CaseState, error) {
	if err := s.fails("LoadCases"); err != nil {
		return nil, err
	}
	return s.Store.LoadCases(ctx, careIDs, withMirror)
}

func (s *faultyStore) SaveCases(ctx context.Context, saves []state.CaseSave) []error {
	if err := s.fails("SaveCases"); err != nil {
		errs := make([]error, len(saves))
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	return s.Store.SaveCases(ctx, saves)
}

// TestStoreFailuresAreRetried: whatever part of the sync state cannot be
// read or written, the trigger or reconcile fails with a retryable error.
func TestStoreFailuresAreRetried(t *testing.T) {
	reconcileC1 := func(w *testWorld) error { _, err := w.engine.Reconcile(w.ctx, work.ForCase("c1")); return err }
	reconcileNew := func(w *testWorld) error {
		w.escalate("c2", rules.Facebook, strp("agent_ben"))
		_, err := w.engine.Reconcile(w.ctx, work.ForCase("c2"))
		return err
	}
	sweep := func(w *testWorld) error { return w.engine.Triggers().Sweep(w.ctx) }
	tests := []struct {
		method string
		during string
		run    func(w *testWorld) error
		// noWrites: the reconcile wrote to neither side.
		noWrites bool
	}{
		{"LoadCases", "a reconcile", reconcileC1, true},
		{"SavePendingWrites", "a reconcile", reconcileC1, true},
		{"SaveCases", "a reconcile", reconcileC1, false},
		{"SaveCases", "the first reconcile of a case", reconcileNew, false},
		{"SalesforceChild", "a reconcile", reconcileC1, false},
		{"CareChild", "a reconcile", reconcileC1, false},
		{"LinkChild", "a reconcile", reconcileC1, false},
		{"SetMessageMirror", "a reconcile", reconcileC1, false},
		{"Cursor", "the Care poll", func(w *testWorld) error { return w.engine.Triggers().PollCare(w.ctx) }, true},
		{"SetCursor", "the Care poll", func(w *testWorld) error { return w.engine.Triggers().PollCare(w.ctx) }, true},
		{"Cursor", "the Salesforce poll", func(w *testWorld) error { return w.engine.Triggers().PollSalesforce(w.ctx) }, true},
		{"CareCase", "the Salesforce poll", func(w *testWorld) error { return w.engine.Triggers().PollSalesforce(w.ctx) }, true},
		{"LinkedCases", "the sweep", sweep, true},
		{"LoadCases", "the sweep", sweep, true},
		{"ClosedBefore", "the sweep", sweep, true},
		{"RetireCase", "the sweep", sweep, true},
	}
	for _, tt := range tests {
		t.Run(tt.method+" fails during "+tt.during, func(t *testing.T) {
			fs := &faultyStore{}
			w := newTestWorld(t, func(o *Options) { fs.Store = o.Store.(*memstate.Store); o.Store = fs },
				func(o *Options) { o.RetireClosedAfter = time.Hour })
			w.linked("c1", strp("agent_ana"))
			w.linked("c3", strp("agent_ana"))
			w.closeOnBothSides("c3")
			// Work for every part of a reconcile: both sides changed, a
			// note on each side, a new message.
			w.clock.Advance(2 * time.Hour)
			w.care.editCase("c1", func(c *care.Case) { c.Status = rules.Pending })
			w.editSF("c1", Record{"OwnerId": w.users["ben@example.com"]})
			w.careNote("c1", "agent_ana", "VIP")
			w.sf.insert("CaseComment", Record{"ParentId": w.sfID("c1"), "CommentBody": "Called"})
			w.care.addMessage(care.Message{CaseID: "c1", Text: "Hello?"})
			w.sf.resetCalls()
			w.care.resetCalls()

			fs.arm(tt.method)
			err := tt.run(w)
			if !errors.Is(err, errStoreDown) || queue.IsTerminal(queueError(err)) {
				t.Fatalf("error %v; want the store's error, retryable", err)
			}
			if tt.noWrites && (w.sfWrites() != 0 || w.careWrites() != 0) {
				t.Errorf("wrote %v though the state could not be kept", w.writeCalls())
			}
			fs.arm("")
			if err := tt.run(w); err != nil {
				t.Errorf("after the store is back: %v", err)
			}
		})
	}
}

// TestAuditFailureDoesNotFailTheSync: the audit is a record, not a step of
// the sync: when it cannot be written, the sync still completes.
func TestAuditFailureDoesNotFailTheSync(t *testing.T) {
	fs := &faultyStore{}
	w := newTestWorld(t, func(o *Options) { fs.Store = o.Store.(*memstate.Store); o.Store = fs },
		func(o *Options) { o.RetireClosedAfter = time.Hour })
	w.linked("c1", strp("agent_ana"))
	fs.arm("Audit")
	w.care.editCase("c1", func(c *care.Case) { c.Status = rules.Done })
	w.mustReconcile("c1")
	if got := w.sfCase("c1")["Status"]; got != "Closed" {
		t.Errorf("Case Status = %v, want Closed", got)
	}
	w.clock.Advance(2 * time.Hour)
	if err := w.engine.Triggers().Sweep(w.ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := w.store.SalesforceCase(w.ctx, "c1"); ok {
		t.Error("the case was not retired")
	}
}
