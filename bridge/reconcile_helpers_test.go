package bridge

// Helpers of the reconcile-side unit tests (reconcile_*_test.go,
// triggers_unit_test.go, notes_unit_test.go, mirror_unit_test.go): what a
// user checks after a reconcile, read from the test world.

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/bridge/state/memstate"
	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/mapping"
)

// metric returns the value of a counter or gauge series registered on the
// world's registry: the sum over the series whose labels include labels
// (name=value pairs). 0 when there is none.
func (w *testWorld) metric(name string, labels ...string) float64 {
	w.t.Helper()
	families, err := w.reg.Gather()
	if err != nil {
		w.t.Fatalf("gather metrics: %v", err)
	}
	var sum float64
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if !hasLabels(m, labels) {
				continue
			}
			switch {
			case m.Counter != nil:
				sum += m.GetCounter().GetValue()
			case m.Gauge != nil:
				sum += m.GetGauge().GetValue()
			case m.Histogram != nil:
				sum += float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return sum
}

func hasLabels(m *dto.Metric, pairs []string) bool {
	for i := 0; i+1 < len(pairs); i += 2 {
		found := false
		for _, l := range m.GetLabel() {
			if l.GetName() == pairs[i] && l.GetValue() == pairs[i+1] {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// sfWrites counts every Salesforce write call, on any object.
func (w *testWorld) sfWrites() int {
	return w.sf.count(sfUpdate, anyTarget) + w.sf.count(sfUpsert, anyTarget) + w.sf.count(sfCreate, anyTarget)
}

// careWrites counts every Care write call (assign, status, note, ...).
func (w *testWorld) careWrites() int {
	return w.care.countWhere(func(c careCall) bool { return c.Request != nil })
}

// careCase is the Care case as Care holds it now.
func (w *testWorld) careCase(id string) care.Case {
	w.t.Helper()
	c, ok := w.care.caseOf(id)
	if !ok {
		w.t.Fatalf("no Care case %s", id)
	}
	return c
}

// editSF changes the Salesforce Case of a Care case as an agent would.
func (w *testWorld) editSF(careID string, fields Record) {
	w.t.Helper()
	r := w.sfCase(careID)
	if r == nil {
		w.t.Fatalf("no Case of Care case %s", careID)
	}
	w.sf.edit("Case", r["Id"].(string), fields)
}

// base is the stored merge base of a case (nil: none).
func (w *testWorld) base(careID string) map[string]string {
	w.t.Helper()
	b, ok, err := w.store.LoadBase(w.ctx, careID)
	if err != nil {
		w.t.Fatal(err)
	}
	if !ok {
		return nil
	}
	return b.Fields
}

// pending is what a reconcile recorded before its writes and did not settle.
func (w *testWorld) pending(careID string) map[string]state.PendingWrite {
	w.t.Helper()
	p, err := w.store.PendingWrites(w.ctx, careID)
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

// assigneeOf is the Care assignee of a case, "" when unassigned.
func (w *testWorld) assigneeOf(id string) string {
	if a := w.careCase(id).AssigneeID; a != nil {
		return *a
	}
	return ""
}

// linked escalates an assigned case and reconciles it once, so that it has
// its Case and a base; the calls made so far are forgotten.
func (w *testWorld) linked(id string, assignee *string) {
	w.t.Helper()
	w.escalate(id, rules.Facebook, assignee)
	w.mustReconcile(id)
	w.sf.resetCalls()
	w.care.resetCalls()
}

// auditLog keeps the audit entries the engine writes (memstate drops them).
type auditLog struct {
	mu      sync.Mutex
	entries []state.AuditEntry
}

func (a *auditLog) all() []state.AuditEntry {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]state.AuditEntry(nil), a.entries...)
}

// find returns the entries of a case with a resolution.
func (a *auditLog) find(careID, resolution string) []state.AuditEntry {
	var out []state.AuditEntry
	for _, e := range a.all() {
		if e.Case == careID && e.Resolution == resolution {
			out = append(out, e)
		}
	}
	return out
}

// auditingStore is the world's store that also keeps the audit entries.
type auditingStore struct {
	*memstate.Store
	log *auditLog
}

func (s auditingStore) Audit(ctx context.Context, e state.AuditEntry) (string, error) {
	s.log.mu.Lock()
	s.log.entries = append(s.log.entries, e)
	s.log.mu.Unlock()
	return s.Store.Audit(ctx, e)
}

// withAudit is a world tweak that keeps the engine's audit entries in log.
func withAudit(log *auditLog) func(*Options) {
	return func(o *Options) {
		o.Store = auditingStore{Store: o.Store.(*memstate.Store), log: log}
	}
}

// shippedMappingWith is the shipped mapping with its YAML changed by edit
// (old -> new replacements, each of which must apply).
func shippedMappingWith(t *testing.T, replacements ...string) *mapping.Mapping {
	t.Helper()
	text := string(configs.Mapping())
	for i := 0; i+1 < len(replacements); i += 2 {
		if !strings.Contains(text, replacements[i]) {
			t.Fatalf("shipped mapping has no %q", replacements[i])
		}
		text = strings.ReplaceAll(text, replacements[i], replacements[i+1])
	}
	schema, err := metadata.Load(configs.SalesforceMetadata())
	if err != nil {
		t.Fatal(err)
	}
	m, err := mapping.Parse("mapping.yaml", []byte(text), mapping.FromMetadata(schema))
	if err != nil {
		t.Fatalf("edited mapping: %v", err)
	}
	return m
}

// withMapping is a world tweak that syncs with m (notes as m says).
func withMapping(m *mapping.Mapping) func(*Options) {
	return func(o *Options) {
		o.Mapping, o.Notes = MappingSource(m), NotesTargetOf(m)
	}
}

// editMessage changes a message of the conversation as Care would (an edit,
// a moderation) and stamps it.
func (w *testWorld) editMessage(id string, change func(*care.Message)) {
	w.t.Helper()
	f := w.care
	f.mu.Lock()
	defer f.mu.Unlock()
	m := f.messageLocked(id)
	if m == nil {
		w.t.Fatalf("no Care message %s", id)
	}
	change(m)
	m.UpdatedAt = f.stampLocked()
}

// sfID is the id of the Salesforce Case of a Care case.
func (w *testWorld) sfID(careID string) string {
	w.t.Helper()
	r := w.sfCase(careID)
	if r == nil {
		w.t.Fatalf("no Case of Care case %s", careID)
	}
	return r["Id"].(string)
}

// careNote writes a note in Care as an agent would.
func (w *testWorld) careNote(caseID, author, text string) care.Note {
	w.t.Helper()
	n, err := w.care.AddNote(w.ctx, caseID, care.NoteRequest{Text: text, AuthorID: author}, "")
	if err != nil {
		w.t.Fatal(err)
	}
	return n
}

// writeCalls lists the write calls made to both sides, for failure
// messages: "Salesforce UpdateMany Case [fields...]", "Care assignCase c1".
func (w *testWorld) writeCalls() []string {
	var out []string
	for _, c := range w.sf.calls() {
		if c.Op == sfQuery || c.Op == sfChanged {
			continue
		}
		for _, r := range c.Records {
			out = append(out, fmt.Sprintf("Salesforce %s %s %v", c.Op, c.Object, slices.Sorted(maps.Keys(r))))
		}
	}
	for _, c := range w.care.calls() {
		if c.Request != nil {
			out = append(out, fmt.Sprintf("Care %s %s %+v", c.Op, c.ID, c.Request))
		}
	}
	return out
}

// pollSalesforceNotes runs the Salesforce notes poll, as the scheduler does:
// a reconcile reads a Case's notes only when the poll says they changed.
func (w *testWorld) pollSalesforceNotes() {
	w.t.Helper()
	if err := w.engine.Triggers().pollSalesforceNotes(w.ctx); err != nil {
		w.t.Fatalf("poll Salesforce notes: %v", err)
	}
}
