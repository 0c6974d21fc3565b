package bridge

// PreviewCase: what a reconcile would do under a mapping, computed from
// both sides and the sync state, writing nothing.

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/upstream"
)

func TestPreviewCaseShowsWhatAReconcileWouldDo(t *testing.T) {
	tests := []struct {
		name string
		// setup leaves c1 as the preview finds it.
		setup func(w *testWorld)
		// other is the mapping previewed (nil: the engine's).
		other func(t *testing.T) MapperSource
		check func(t *testing.T, w *testWorld, p Preview)
	}{
		{
			name:  "a case not in Salesforce yet: the Case it would create",
			setup: func(w *testWorld) { w.escalate("c1", rules.Instagram, strp("agent_ana")) },
			check: func(t *testing.T, w *testWorld, p Preview) {
				want := Record{CareIDField: "c1", "Subject": "Help c1", "Status": "New", "OwnerId": w.users["ana@example.com"], "Care_Platform__c": "instagram", SyncStatusField: "Synced"}
				for f, v := range want {
					if p.CreateCase[f] != v {
						t.Errorf("CreateCase %s = %v, want %v", f, p.CreateCase[f], v)
					}
				}
				if p.SalesforceCaseID != "" || p.UpdateCase != nil || p.Care["status"] != "open" {
					t.Errorf("preview = %+v", p)
				}
			},
		},
		{
			name: "a case deleted before it reached Salesforce: nothing to create",
			setup: func(w *testWorld) {
				w.escalate("c1", rules.Facebook, strp("agent_ana"))
				w.care.editCase("c1", func(c *care.Case) { c.Status = rules.Deleted })
			},
			check: func(t *testing.T, w *testWorld, p Preview) {
				if p.CreateCase != nil || p.UpdateCase != nil {
					t.Errorf("preview = %+v, want nothing to write", p)
				}
			},
		},
		{
			name: "a linked case changed on both sides",
			setup: func(w *testWorld) {
				w.linked("c1", strp("agent_ana"))
				w.clock.Advance(2 * time.Second)
				w.care.editCase("c1", func(c *care.Case) { c.Priority = "high"; c.Status = rules.Pending })
				w.editSF("c1", Record{"OwnerId": w.users["ben@example.com"], "Status": "Closed"})
			},
			check: func(t *testing.T, w *testWorld, p Preview) {
				if p.SalesforceCaseID != w.sfID("c1") || p.Base["status"] != "open" || p.Salesforce["assignee"] != "agent_ben" {
					t.Errorf("preview ids/base/sides = %q %v %v", p.SalesforceCaseID, p.Base, p.Salesforce)
				}
				if !reflect.DeepEqual(p.SalesforceWrites, map[string]string{"priority": "Priority = High"}) {
					t.Errorf("SalesforceWrites = %v", p.SalesforceWrites)
				}
				if !reflect.DeepEqual(p.UpdateCare, map[string]string{"assignee": "agent_ben", "status": "done"}) {
					t.Errorf("UpdateCare = %v", p.UpdateCare)
				}
				if len(p.Conflicts) != 1 || p.Conflicts[0].Field != "status" || p.Conflicts[0].Winner != "salesforce" {
					t.Errorf("Conflicts = %+v, want status won by Salesforce", p.Conflicts)
				}
				if p.UpdateCase["Priority"] != "High" {
					t.Errorf("UpdateCase = %v", p.UpdateCase)
				}
			},
		},
		{
			name: "a status change Care's rules block",
			setup: func(w *testWorld) {
				w.linked("c1", nil)
				w.clock.Advance(2 * time.Second)
				w.editSF("c1", Record{"Status": "Closed"})
			},
			check: func(t *testing.T, w *testWorld, p Preview) {
				if p.Blocked == "" || p.UpdateCare != nil || p.UpdateCase[SyncStatusField] != "Error" {
					t.Errorf("Blocked %q, UpdateCare %v, UpdateCase %v; want the block shown and nothing for Care", p.Blocked, p.UpdateCare, p.UpdateCase)
				}
			},
		},
		{
			name:  "a linked case with nothing to do",
			setup: func(w *testWorld) { w.linked("c1", strp("agent_ana")) },
			check: func(t *testing.T, w *testWorld, p Preview) {
				if p.UpdateCase != nil || p.UpdateCare != nil || p.SalesforceWrites != nil || len(p.Conflicts) != 0 {
					t.Errorf("preview = %+v, want nothing to write", p)
				}
			},
		},
		{
			name: "under a new mapping: what it would change",
			setup: func(w *testWorld) {
				w.escalate("c1", rules.Facebook, strp("agent_ana"))
				w.care.editCase("c1", func(c *care.Case) { c.Priority = "urgent" })
				w.mustReconcile("c1")
			},
			other: func(t *testing.T) MapperSource {
				return MappingSource(shippedMappingWith(t, "urgent: High", "urgent: Medium"))
			},
			check: func(t *testing.T, w *testWorld, p Preview) {
				if p.UpdateCase["Priority"] != "Medium" {
					t.Errorf("UpdateCase = %v, want Priority Medium", p.UpdateCase)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newTestWorld(t)
			tt.setup(w)
			src := MappingSource(w.mapping)
			if tt.other != nil {
				src = tt.other(t)
			}
			base, pending := w.base("c1"), w.pending("c1")
			w.sf.resetCalls()
			w.care.resetCalls()
			p, err := w.engine.PreviewCase(w.ctx, "c1", src)
			if err != nil {
				t.Fatal(err)
			}
			if p.CareCaseID != "c1" {
				t.Errorf("CareCaseID = %q", p.CareCaseID)
			}
			tt.check(t, w, p)
			if w.sfWrites() != 0 || w.careWrites() != 0 {
				t.Errorf("the preview wrote: %d Salesforce, %d Care calls", w.sfWrites(), w.careWrites())
			}
			if !reflect.DeepEqual(w.base("c1"), base) || !reflect.DeepEqual(w.pending("c1"), pending) {
				t.Error("the preview changed the sync state")
			}
		})
	}
}

func TestPreviewCaseErrors(t *testing.T) {
	tests := []struct {
		name     string
		id       string
		fault    func(w *testWorld)
		src      MapperSource // nil: the shipped mapping
		notFound bool
	}{
		{name: "an empty id", id: ""},
		{name: "a Care case that does not exist", id: "nope", notFound: true},
		{name: "Care is down", id: "c1", fault: func(w *testWorld) { w.care.failNext(caresim.OpGetCase, "c1", 1, nil) }},
		{name: "the identities cannot be read", id: "c1", fault: func(w *testWorld) { w.care.failNext(caresim.OpListAgents, anyTarget, 1, nil) }},
		{name: "the Case cannot be read", id: "c1", fault: func(w *testWorld) { w.sf.failNext(sfQuery, "Case", 1, nil) }},
		{name: "the mapping does not bind", id: "c1", src: func([]care.Agent, []Record) (Mapper, error) { return nil, errors.New("bad mapping") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newTestWorld(t)
			w.linked("c1", strp("agent_ana"))
			if tt.fault != nil {
				tt.fault(w)
			}
			src := tt.src
			if src == nil {
				src = MappingSource(w.mapping)
			}
			_, err := w.engine.PreviewCase(w.ctx, tt.id, src)
			if err == nil {
				t.Fatal("the preview succeeded")
			}
			if errors.Is(err, ErrCaseNotFound) != tt.notFound {
				t.Errorf("error %v: not found = %v, want %v", err, errors.Is(err, ErrCaseNotFound), tt.notFound)
			}
			if tt.id == "" && upstream.ClassOf(err) != upstream.Permanent {
				t.Errorf("empty id: class %v, want permanent", upstream.ClassOf(err))
			}
		})
	}
}
