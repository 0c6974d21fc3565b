package bridge

// The conversation mirror: every Care message as a Care_Message__c record
// under the Case, written when it is new or changed and never otherwise.

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

// mirrored returns the live Care_Message__c records by Care message id.
func (w *testWorld) mirrored() map[string]Record {
	out := map[string]Record{}
	for _, r := range w.sf.records(MessageObject) {
		out[str(r[MessageIDField])] = r
	}
	return out
}

// TestConversationIsMirroredOnce: messages appear under the Case once; an
// edited, moderated or deleted message is rewritten in place; unchanged
// ones are never written again.
func TestConversationIsMirroredOnce(t *testing.T) {
	tests := []struct {
		name   string
		change func(w *testWorld)
		// written are the messages whose records the reconcile writes; want
		// are field values of records after it, by message id.
		written int
		want    map[string]Record
		total   int
	}{
		{
			name: "nothing changed: nothing written", change: func(w *testWorld) {},
			written: 0, total: 2,
			want: map[string]Record{"m1": {"Text__c": "My order is late", "Direction__c": "inbound", "Kind__c": "post"}, "m2": {"Text__c": "Sorry!", "Direction__c": "outbound"}},
		},
		{
			name: "a new customer message is added",
			change: func(w *testWorld) {
				w.care.addMessage(care.Message{ID: "m3", CaseID: "c1", Kind: rules.Comment, Text: "Still waiting", ParentID: strp("m1"), Depth: 1})
			},
			written: 1, total: 3,
			want: map[string]Record{"m3": {"Text__c": "Still waiting", "Parent_Message_Id__c": "m1", "Thread_Depth__c": 1, "Kind__c": "comment"}},
		},
		{
			name:    "an edited message is rewritten",
			change:  func(w *testWorld) { w.editMessage("m1", func(m *care.Message) { m.Text = "My order is very late" }) },
			written: 1, total: 2,
			want: map[string]Record{"m1": {"Text__c": "My order is very late"}, "m2": {"Text__c": "Sorry!"}},
		},
		{
			name:    "a hidden message shows as hidden",
			change:  func(w *testWorld) { w.editMessage("m1", func(m *care.Message) { m.Hidden, m.Liked = true, true }) },
			written: 1, total: 2,
			want: map[string]Record{"m1": {"Hidden__c": true, "Liked__c": true}},
		},
		{
			name: "a message deleted in Care keeps its place without its content",
			change: func(w *testWorld) {
				w.editMessage("m1", func(m *care.Message) {
					at := w.clock.Now()
					m.Deleted, m.DeletedBy, m.DeletedAt = true, strp(care.DeletedByAuthor), &at
				})
			},
			written: 1, total: 2,
			want: map[string]Record{"m1": {"Deleted__c": true, DeletedByField: "author", "Text__c": nil, "Author_Handle__c": nil, "Author_Name__c": nil, "Kind__c": "post"},
				"m2": {"Deleted__c": false, "Text__c": "Sorry!", "Parent_Message_Id__c": "m1"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newTestWorld(t)
			posted := w.clock.Now().Add(-time.Hour)
			w.escalate("c1", rules.Facebook, strp("agent_ana"),
				care.Message{ID: "m1", Kind: rules.Post, Text: "My order is late", PostedAt: posted, Author: care.Author{Handle: "maria", Name: "Maria"}},
				care.Message{ID: "m2", Kind: rules.Comment, Direction: care.Outbound, Text: "Sorry!", ParentID: strp("m1"), Depth: 1, PostedAt: posted.Add(time.Minute)})
			w.mustReconcile("c1")
			first := w.mirrored()
			if len(first) != 2 {
				t.Fatalf("%d mirrored messages after the first reconcile, want 2", len(first))
			}
			for id, r := range first {
				if r[MessageCaseFld] != w.sfID("c1") {
					t.Errorf("message %s is under %v, want the Case", id, r[MessageCaseFld])
				}
			}
			w.clock.Advance(time.Minute)
			tt.change(w)
			w.sf.resetCalls()
			w.mustReconcile("c1")

			written := 0
			for _, c := range w.sf.calls() {
				if strings.EqualFold(c.Object, MessageObject) && c.Op != sfQuery {
					written += len(c.Records)
				}
			}
			if written != tt.written {
				t.Errorf("%d message records written, want %d: %v", written, tt.written, w.writeCalls())
			}
			after := w.mirrored()
			if len(after) != tt.total {
				t.Errorf("%d mirrored messages, want %d", len(after), tt.total)
			}
			for id, fields := range tt.want {
				for f, v := range fields {
					if after[id][f] != v {
						t.Errorf("message %s: %s = %v, want %v", id, f, after[id][f], v)
					}
				}
			}
			// Settled: a repeat writes nothing.
			w.sf.resetCalls()
			w.mustReconcile("c1")
			if n := w.sf.count(sfUpsert, MessageObject) + w.sf.count(sfUpdate, MessageObject); n != 0 {
				t.Errorf("the repeat reconcile made %d message writes", n)
			}
		})
	}
}

// TestMirrorRecoversLostState: when the store has lost which records
// mirror which messages, Salesforce refuses their creation and the
// existing records are found and updated, never duplicated; the links are
// stored again, so the next reconcile writes nothing.
func TestMirrorRecoversLostState(t *testing.T) {
	w := newTestWorld(t)
	w.escalate("c1", rules.Facebook, strp("agent_ana"), care.Message{ID: "m1", Text: "Hello"}, care.Message{ID: "m2", Text: "Anyone?"})
	w.mustReconcile("c1")
	if err := w.store.SetMessageMirror(w.ctx, "c1", nil); err != nil {
		t.Fatal(err)
	}
	w.editMessage("m1", func(m *care.Message) { m.Text = "Hello again" })
	w.mustReconcile("c1")
	got := w.mirrored()
	if len(got) != 2 || got["m1"]["Text__c"] != "Hello again" || got["m2"]["Text__c"] != "Anyone?" {
		t.Errorf("mirror = %v; want 2 records, m1 updated", got)
	}
	if n := w.sf.count(sfUpdate, MessageObject); n != 1 {
		t.Errorf("%d updates of messages, want 1: the records found are updated by id", n)
	}
	w.sf.resetCalls()
	w.editMessage("m2", func(m *care.Message) { m.Text = "Anyone there?" })
	w.mustReconcile("c1")
	if n, q := w.sf.count(sfUpsert, MessageObject), w.sf.count(sfQuery, MessageObject); n != 0 || q != 0 {
		t.Errorf("after the links were found again, an edit cost %d upserts and %d reads of the messages, want 0 and 0 (an update by id)", n, q)
	}
}

// racingSalesforce is Salesforce where another replica creates the
// mirror record of message racer just before this one's upsert, which
// then fails as a duplicate.
type racingSalesforce struct {
	*fakeSalesforce
	once  sync.Once
	racer string
	sfID  func() string
}

func (r *racingSalesforce) UpsertMany(ctx context.Context, object, extField string, recs []Record) ([]WriteResult, error) {
	raced := false
	if object == MessageObject {
		r.once.Do(func() {
			r.insert(MessageObject, Record{MessageIDField: r.racer, MessageCaseFld: r.sfID(), "Text__c": "by the other replica"})
			raced = true
		})
	}
	if !raced {
		return r.fakeSalesforce.UpsertMany(ctx, object, extField, recs)
	}
	res := make([]WriteResult, len(recs))
	var rest []Record
	var idx []int
	for i, rec := range recs {
		if rec[MessageIDField] == r.racer {
			res[i].Err = sfErr(sfUpsert, "DUPLICATE_VALUE", "duplicate value found")
			continue
		}
		rest, idx = append(rest, rec), append(idx, i)
	}
	out, err := r.fakeSalesforce.UpsertMany(ctx, object, extField, rest)
	for k, i := range idx {
		res[i] = out[k]
	}
	return res, err
}

// TestMirrorRecordCreatedMeanwhileIsUpdated: when another run created a
// message's record between this run's lookup and its create, the create
// fails and the record found is updated instead: one record, this run's
// values.
func TestMirrorRecordCreatedMeanwhileIsUpdated(t *testing.T) {
	var w *testWorld
	race := &racingSalesforce{racer: "m1"}
	w = newTestWorld(t, func(o *Options) {
		race.fakeSalesforce = o.Salesforce.(*fakeSalesforce)
		race.sfID = func() string { return w.sfID("c1") }
		o.Salesforce = race
	})
	w.escalate("c1", rules.Facebook, strp("agent_ana"), care.Message{ID: "m1", Text: "Hello"}, care.Message{ID: "m2", Text: "Anyone?"})
	w.mustReconcile("c1")
	got := w.mirrored()
	if n := len(w.sf.records(MessageObject)); n != 2 {
		t.Errorf("%d message records, want 2", n)
	}
	if got["m1"]["Text__c"] != "Hello" || got["m2"]["Text__c"] != "Anyone?" {
		t.Errorf("mirror = %v, want this run's values", got)
	}
	w.sf.resetCalls()
	w.mustReconcile("c1")
	if n := w.sf.count(sfUpsert, MessageObject) + w.sf.count(sfUpdate, MessageObject); n != 0 {
		t.Errorf("%d message writes on the repeat, want none", n)
	}
}

// TestMirrorWriteFailures: a message that cannot be mirrored fails the
// reconcile (counted) and is written by the next one; the others are kept.
func TestMirrorWriteFailures(t *testing.T) {
	w := newTestWorld(t)
	w.escalate("c1", rules.Facebook, strp("agent_ana"), care.Message{ID: "m1", Text: "Hello"}, care.Message{ID: "m2", Text: "Anyone?"})
	w.sf.rejectRecords(func(op, object string, rec Record) error {
		if object == MessageObject && rec[MessageIDField] == "m2" {
			return sfErr(op, "STRING_TOO_LONG", "too long")
		}
		return nil
	})
	if err := w.reconcile("c1"); err == nil || !strings.Contains(err.Error(), "m2") {
		t.Fatalf("reconcile = %v, want the failure of m2", err)
	}
	if n := w.metric("carebridge_sync_operations_total", "object", "message", "result", "failure"); n != 1 {
		t.Errorf("message failures counted %v, want 1", n)
	}
	if got := w.mirrored(); len(got) != 1 || got["m1"] == nil {
		t.Errorf("mirror = %v, want m1 only", got)
	}
	w.sf.clearFaults()
	w.sf.resetCalls()
	w.mustReconcile("c1")
	if got := w.mirrored(); len(got) != 2 {
		t.Errorf("mirror = %v, want both after the fix", got)
	}
	if n := w.sf.count(sfUpsert, MessageObject); n != 1 {
		t.Errorf("%d upserts after the fix, want 1 (m2 only)", n)
	}
	// The conversation changed but cannot be read: the reconcile fails.
	w.care.addMessage(care.Message{CaseID: "c1", ID: "m3", Text: "Still waiting"})
	w.care.failNext("listMessages", "c1", 1, nil)
	if err := w.reconcile("c1"); err == nil {
		t.Error("reconcile succeeded without the conversation")
	}
}

// TestMessageIDTooLongIsNotMirrored: a message whose id does not fit
// Care_Message_Id__c cannot be upserted; it is counted and left out, and
// the rest of the conversation is mirrored.
func TestMessageIDTooLongIsNotMirrored(t *testing.T) {
	describe := func(_ context.Context, object string) (map[string]FieldInfo, error) {
		if object == MessageObject {
			return map[string]FieldInfo{MessageIDField: {Type: "string", Length: 10}}, nil
		}
		return nil, nil
	}
	w := newTestWorld(t, func(o *Options) { o.DescribeFields = describe })
	w.escalate("c1", rules.Facebook, strp("agent_ana"), care.Message{ID: "m1", Text: "Hello"}, care.Message{ID: "m-with-a-very-long-id", Text: "Hi"})
	w.mustReconcile("c1")
	if got := w.mirrored(); len(got) != 1 || got["m1"] == nil {
		t.Errorf("mirror = %v, want m1 only", got)
	}
	if n := w.metric("carebridge_care_ids_refused_total"); n != 1 {
		t.Errorf("care_ids_refused_total = %v, want 1", n)
	}
}

// TestMirrorRecordDeletedInSalesforceIsCreatedAgain: a mirror record
// someone deleted in Salesforce fails its update once (the run is
// refused: it cannot be updated) and is created again by the next run.
func TestMirrorRecordDeletedInSalesforceIsCreatedAgain(t *testing.T) {
	w := newTestWorld(t)
	w.escalate("c1", rules.Facebook, strp("agent_ana"), care.Message{ID: "m1", Text: "Hello"}, care.Message{ID: "m2", Text: "Anyone?"})
	w.mustReconcile("c1")
	w.sf.remove(MessageObject, str(w.mirrored()["m2"]["Id"]))
	w.editMessage("m2", func(m *care.Message) { m.Liked = true })
	if err := w.reconcile("c1"); err == nil || !strings.Contains(err.Error(), "ENTITY_IS_DELETED") {
		t.Fatalf("reconcile = %v, want the deleted record's error", err)
	}
	w.mustReconcile("c1")
	got := w.mirrored()
	if len(got) != 2 || got["m2"]["Liked__c"] != true || got["m2"]["Text__c"] != "Anyone?" {
		t.Errorf("mirror = %v, want m2 created again with its values", got)
	}
}
