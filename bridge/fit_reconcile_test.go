package bridge

// Values that do not fit the org's fields, as the org describes them
// (Options.DescribeFields): text is cut with the marker, values a
// restricted picklist lacks are held back and shown on the Case.

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

// orgFields is a describe the test changes as an admin would change the
// org's metadata.
type orgFields struct {
	mu      sync.Mutex
	objects map[string]map[string]FieldInfo
	err     error
	calls   int
}

func (o *orgFields) describe(_ context.Context, object string) (map[string]FieldInfo, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls++
	if o.err != nil {
		return nil, o.err
	}
	return o.objects[object], nil
}

func (o *orgFields) set(object, field string, info FieldInfo) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.objects[object] == nil {
		o.objects[object] = map[string]FieldInfo{}
	}
	o.objects[object][field] = info
}

func fitWorld(t *testing.T, org *orgFields) *testWorld {
	return newTestWorld(t, func(o *Options) { o.DescribeFields = org.describe })
}

// TestTextTooLongForItsFieldIsCut: a Care value longer than its Salesforce
// field is written cut, ending with the marker, counted once per write, and
// not rewritten while it stays the same.
func TestTextTooLongForItsFieldIsCut(t *testing.T) {
	long := strings.Repeat("x", 30)
	tests := []struct {
		name    string
		field   FieldInfo
		object  string
		sfField string
		setup   func(w *testWorld)
		check   func(w *testWorld) string // the value as written
		want    string
	}{
		{
			name: "a long Care subject on a new Case", object: "Case", sfField: "Subject", field: FieldInfo{Type: "string", Length: 20},
			setup: func(w *testWorld) { w.care.putCase(care.Case{ID: "c1", Subject: long, AssigneeID: strp("agent_ana")}) },
			check: func(w *testWorld) string { return str(w.sfCase("c1")["Subject"]) },
			want:  strings.Repeat("x", 20-len([]rune(CutMarker))) + CutMarker,
		},
		{
			name: "a long Care description after an edit", object: "Case", sfField: "Description", field: FieldInfo{Type: "textarea", Length: 12},
			setup: func(w *testWorld) {
				w.linked("c1", strp("agent_ana"))
				w.care.editCase("c1", func(c *care.Case) { c.Description = "A very long description" })
			},
			check: func(w *testWorld) string { return str(w.sfCase("c1")["Description"]) },
			want:  "A very" + CutMarker,
		},
		{
			name: "a long message text", object: MessageObject, sfField: "Text__c", field: FieldInfo{Type: "textarea", Length: 10},
			setup: func(w *testWorld) {
				w.escalate("c1", rules.Facebook, strp("agent_ana"), care.Message{ID: "m1", Text: "Where is my parcel?"})
			},
			check: func(w *testWorld) string { return str(w.sf.records(MessageObject)[0]["Text__c"]) },
			want:  "Wher" + CutMarker,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			org := &orgFields{objects: map[string]map[string]FieldInfo{}}
			org.set(tt.object, tt.sfField, tt.field)
			w := fitWorld(t, org)
			tt.setup(w)
			w.mustReconcile("c1")
			if got := tt.check(w); got != tt.want {
				t.Errorf("written %q, want %q", got, tt.want)
			}
			if n := w.metric("carebridge_salesforce_values_cut_total", "object", tt.object, "field", tt.sfField); n != 1 {
				t.Errorf("values_cut_total{%s,%s} = %v, want 1", tt.object, tt.sfField, n)
			}
			w.sf.resetCalls()
			w.clock.Advance(time.Minute)
			w.mustReconcile("c1")
			if n := w.sfWrites(); n != 0 {
				t.Errorf("the cut value was written again: %d write calls", n)
			}
		})
	}
}

// TestRestrictedPicklistValueIsHeldBack: a value the org's restricted
// picklist lacks is not sent (Salesforce would refuse the whole record);
// the rest is written, the Case says why, and the value is written once
// the admin adds it to the picklist.
func TestRestrictedPicklistValueIsHeldBack(t *testing.T) {
	tests := []struct {
		name   string
		update bool
		setup  func(w *testWorld) // ends with the Care case's sentiment negative
	}{
		{"on the new Case", false, func(w *testWorld) {
			w.care.putCase(care.Case{ID: "c1", Subject: "Broken", Sentiment: "negative", AssigneeID: strp("agent_ana")})
		}},
		{"on an update", true, func(w *testWorld) {
			w.care.putCase(care.Case{ID: "c1", Subject: "Broken", Sentiment: "neutral", AssigneeID: strp("agent_ana")})
			w.mustReconcile("c1")
			w.clock.Advance(time.Second)
			w.care.editCase("c1", func(c *care.Case) { c.Sentiment, c.Subject = "negative", "Still broken" })
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			org := &orgFields{objects: map[string]map[string]FieldInfo{}}
			org.set("Case", "Care_Sentiment__c", FieldInfo{Type: "picklist", Restricted: true, Values: []string{"positive", "neutral"}})
			w := fitWorld(t, org)
			tt.setup(w)
			w.mustReconcile("c1")
			rec := w.sfCase("c1")
			if rec["Care_Sentiment__c"] == "negative" {
				t.Errorf("Care_Sentiment__c = negative: the refused value was sent")
			}
			if !strings.HasPrefix(str(rec["Subject"]), "Broken") && rec["Subject"] != "Still broken" {
				t.Errorf("Subject = %v: the rest of the record must be written", rec["Subject"])
			}
			if rec[SyncStatusField] != "Error" || !containsAll(str(rec[SyncErrorField]), `"negative"`, "Care_Sentiment__c", "restricted picklist") {
				t.Errorf("sync status %v, error %q; want Error naming the value and the field", rec[SyncStatusField], rec[SyncErrorField])
			}
			if n := w.metric("carebridge_salesforce_values_refused_total", "object", "Case", "field", "Care_Sentiment__c"); n < 1 {
				t.Errorf("values_refused_total{Case,Care_Sentiment__c} = %v, want counted", n)
			}
			if b := w.base("c1"); tt.update && b["sentiment"] != "neutral" {
				t.Errorf("base sentiment = %q, want neutral kept: the value was never written", b["sentiment"])
			}
			// The admin adds the value; the describe is read again a day later.
			org.set("Case", "Care_Sentiment__c", FieldInfo{Type: "picklist", Restricted: true, Values: []string{"positive", "neutral", "negative"}})
			w.clock.Advance(25 * time.Hour)
			w.mustReconcile("c1")
			rec = w.sfCase("c1")
			if rec["Care_Sentiment__c"] != "negative" || rec[SyncStatusField] != "Synced" || rec[SyncErrorField] != nil {
				t.Errorf("after the fix: sentiment %v, sync %v, error %v; want negative, Synced, none", rec["Care_Sentiment__c"], rec[SyncStatusField], rec[SyncErrorField])
			}
		})
	}
}

// TestRestrictedPicklistOnMessagesLeavesTheValueOut: a mirrored message
// whose value a restricted picklist lacks is written without it.
func TestRestrictedPicklistOnMessagesLeavesTheValueOut(t *testing.T) {
	org := &orgFields{objects: map[string]map[string]FieldInfo{}}
	org.set(MessageObject, "Kind__c", FieldInfo{Type: "picklist", Restricted: true, Values: []string{"post"}})
	w := fitWorld(t, org)
	w.escalate("c1", rules.Facebook, strp("agent_ana"), care.Message{ID: "m1", Kind: rules.Comment, Text: "Hi"})
	w.mustReconcile("c1")
	recs := w.sf.records(MessageObject)
	if len(recs) != 1 || recs[0]["Kind__c"] != nil || recs[0]["Text__c"] != "Hi" {
		t.Errorf("mirror = %v, want the message without Kind__c", recs)
	}
	if n := w.metric("carebridge_salesforce_values_refused_total", "object", MessageObject, "field", "Kind__c"); n != 1 {
		t.Errorf("values_refused_total = %v, want 1", n)
	}
}

// TestFieldsUnknownWhenTheDescribeFails: without the org's field lengths,
// values are written as they are (Salesforce decides); the describe is
// tried again a minute later, and read once a day after it worked.
func TestFieldsUnknownWhenTheDescribeFails(t *testing.T) {
	org := &orgFields{objects: map[string]map[string]FieldInfo{}, err: errors.New("describe failed")}
	org.set("Case", "Subject", FieldInfo{Type: "string", Length: 10})
	w := fitWorld(t, org)
	w.care.putCase(care.Case{ID: "c1", Subject: "A subject longer than ten", AssigneeID: strp("agent_ana")})
	w.mustReconcile("c1")
	if got := w.sfCase("c1")["Subject"]; got != "A subject longer than ten" {
		t.Errorf("Subject = %v, want written whole", got)
	}
	org.mu.Lock()
	org.err = nil
	before := org.calls
	org.mu.Unlock()
	w.clock.Advance(2 * time.Minute)
	w.care.editCase("c1", func(c *care.Case) { c.Subject = "Another long subject" })
	w.mustReconcile("c1")
	if got := w.sfCase("c1")["Subject"]; got != "Anot"+CutMarker {
		t.Errorf("Subject = %v after the describe works, want cut", got)
	}
	org.mu.Lock()
	after := org.calls
	org.mu.Unlock()
	w.mustReconcile("c1")
	org.mu.Lock()
	defer org.mu.Unlock()
	if after == before || org.calls != after {
		t.Errorf("describe calls: %d before, %d after the retry, %d after another reconcile; want a retry and then the cache", before, after, org.calls)
	}
}

// TestStatusRefusedOnANewCaseLeavesCareAsItIs: a Care case escalated as
// pending whose Salesforce status (On Hold) the org's restricted Status
// picklist lacks gets its Case without the status and an error saying
// why; Care's status stays pending.
func TestStatusRefusedOnANewCaseLeavesCareAsItIs(t *testing.T) {
	org := &orgFields{objects: map[string]map[string]FieldInfo{}}
	org.set("Case", "Status", FieldInfo{Type: "picklist", Restricted: true, Values: []string{"New", "Working", "Escalated", "Closed"}})
	w := fitWorld(t, org)
	w.care.putCase(care.Case{ID: "c1", Subject: "Broken", Status: rules.Pending, AssigneeID: strp("agent_ana")})
	w.mustReconcile("c1")
	if st := w.careCase("c1").Status; st != rules.Pending {
		t.Errorf("Care status = %s, want pending (nobody changed it)", st)
	}
	rec := w.sfCase("c1")
	if rec[SyncStatusField] != "Error" || !strings.Contains(str(rec[SyncErrorField]), "On Hold") {
		t.Errorf("Case sync status %v, error %q; want Error naming On Hold", rec[SyncStatusField], rec[SyncErrorField])
	}
}
