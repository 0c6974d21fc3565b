package bridge

// The merge as a user sees it: after a change on one side, both sides, or
// neither, what the Salesforce Case and the Care case hold, what was
// written, and which conflicts were counted and audited.

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/mapping"
)

// caseWant is what a user checks on both sides after a reconcile. Fields
// left zero are not checked; nil in Case means the field is empty.
type caseWant struct {
	Case     Record       // Salesforce Case fields
	Status   rules.Status // Care status
	Assignee *string      // Care assignee ("" pointer: unassigned)
	// SFWrites and CareWrites are the write calls the reconcile made (-1:
	// not checked).
	SFWrites, CareWrites int
}

func (w *testWorld) check(careID string, want caseWant) {
	w.t.Helper()
	rec := w.sfCase(careID)
	for f, v := range want.Case {
		if got := rec[f]; got != v {
			w.t.Errorf("Case %s = %v, want %v", f, got, v)
		}
	}
	c := w.careCase(careID)
	if want.Status != "" && c.Status != want.Status {
		w.t.Errorf("Care status = %s, want %s", c.Status, want.Status)
	}
	if want.Assignee != nil && w.assigneeOf(careID) != *want.Assignee {
		w.t.Errorf("Care assignee = %q, want %q", w.assigneeOf(careID), *want.Assignee)
	}
	if want.SFWrites >= 0 && w.sfWrites() != want.SFWrites {
		w.t.Errorf("%d Salesforce write calls, want %d: %v", w.sfWrites(), want.SFWrites, w.writeCalls())
	}
	if want.CareWrites >= 0 && w.careWrites() != want.CareWrites {
		w.t.Errorf("%d Care write calls, want %d: %v", w.careWrites(), want.CareWrites, w.writeCalls())
	}
}

// TestChangeOnOneSideFlowsToTheOther: a change made on one side since the
// last sync reaches the other side, and nothing else is written.
func TestChangeOnOneSideFlowsToTheOther(t *testing.T) {
	tests := []struct {
		name   string
		change func(w *testWorld)
		want   func(w *testWorld) caseWant
	}{
		{
			name:   "nothing changed: no write to either side",
			change: func(w *testWorld) {},
			want: func(w *testWorld) caseWant {
				return caseWant{Case: Record{"Status": "New", "OwnerId": w.users["ana@example.com"], SyncStatusField: "Synced"}, Status: rules.Open, Assignee: strp("agent_ana")}
			},
		},
		{
			name:   "Care marks the case pending: the Case goes On Hold",
			change: func(w *testWorld) { w.care.editCase("c1", func(c *care.Case) { c.Status = rules.Pending }) },
			want: func(w *testWorld) caseWant {
				return caseWant{Case: Record{"Status": "On Hold"}, Status: rules.Pending, SFWrites: 1}
			},
		},
		{
			name:   "Care reassigns the case: the Case owner follows",
			change: func(w *testWorld) { w.care.editCase("c1", func(c *care.Case) { c.AssigneeID = strp("agent_ben") }) },
			want: func(w *testWorld) caseWant {
				return caseWant{Case: Record{"OwnerId": w.users["ben@example.com"]}, Assignee: strp("agent_ben"), SFWrites: 1}
			},
		},
		{
			name: "Care changes the subject and priority: the Case shows them",
			change: func(w *testWorld) {
				w.care.editCase("c1", func(c *care.Case) { c.Subject, c.Priority, c.Sentiment = "Refund please", "urgent", "negative" })
			},
			want: func(w *testWorld) caseWant {
				return caseWant{Case: Record{"Subject": "Refund please", "Priority": "High", "Care_Sentiment__c": "negative"}, SFWrites: 1}
			},
		},
		{
			name:   "Care deletes the case: the Case closes",
			change: func(w *testWorld) { w.care.editCase("c1", func(c *care.Case) { c.Status = rules.Deleted }) },
			want: func(w *testWorld) caseWant {
				return caseWant{Case: Record{"Status": "Closed", "IsClosed": true}, Status: rules.Deleted, SFWrites: 1}
			},
		},
		{
			name:   "Salesforce puts the Case on hold: Care marks the case pending",
			change: func(w *testWorld) { w.editSF("c1", Record{"Status": "On Hold"}) },
			want: func(w *testWorld) caseWant {
				return caseWant{Case: Record{"Status": "On Hold"}, Status: rules.Pending, CareWrites: 1}
			},
		},
		{
			name:   "Salesforce closes the Case: Care marks the case done",
			change: func(w *testWorld) { w.editSF("c1", Record{"Status": "Closed"}) },
			want: func(w *testWorld) caseWant {
				return caseWant{Case: Record{"Status": "Closed"}, Status: rules.Done, CareWrites: 1}
			},
		},
		{
			name:   "Salesforce moves the Case to Working: Care stays open, nothing written",
			change: func(w *testWorld) { w.editSF("c1", Record{"Status": "Working"}) },
			want: func(w *testWorld) caseWant {
				return caseWant{Case: Record{"Status": "Working"}, Status: rules.Open}
			},
		},
		{
			name:   "Salesforce hands the Case to Ben: Care assigns Ben",
			change: func(w *testWorld) { w.editSF("c1", Record{"OwnerId": w.users["ben@example.com"]}) },
			want: func(w *testWorld) caseWant {
				return caseWant{Case: Record{"OwnerId": w.users["ben@example.com"]}, Assignee: strp("agent_ben"), CareWrites: 1}
			},
		},
		{
			name:   "Salesforce edits the Care-owned subject: Care's subject is put back",
			change: func(w *testWorld) { w.editSF("c1", Record{"Subject": "typo"}) },
			want: func(w *testWorld) caseWant {
				return caseWant{Case: Record{"Subject": "Help c1"}, SFWrites: 1}
			},
		},
		{
			name: "both sides made the same change: no write, no conflict",
			change: func(w *testWorld) {
				w.care.editCase("c1", func(c *care.Case) { c.Status = rules.Pending })
				w.editSF("c1", Record{"Status": "On Hold"})
			},
			want: func(w *testWorld) caseWant {
				return caseWant{Case: Record{"Status": "On Hold"}, Status: rules.Pending}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newTestWorld(t)
			w.linked("c1", strp("agent_ana"))
			w.clock.Advance(2 * time.Second)
			tt.change(w)
			w.mustReconcile("c1")
			w.check("c1", tt.want(w))
			if n := w.metric("carebridge_conflicts_total"); n != 0 {
				t.Errorf("%v conflicts counted, want none", n)
			}
			// Settled: the next reconcile writes nothing.
			w.sf.resetCalls()
			w.care.resetCalls()
			w.clock.Advance(time.Second)
			w.mustReconcile("c1")
			if w.sfWrites() != 0 || w.careWrites() != 0 {
				t.Errorf("the reconcile after it wrote again: %d Salesforce, %d Care write calls", w.sfWrites(), w.careWrites())
			}
		})
	}
}

// TestBothSidesChangedConflictPolicyDecides: when Care and Salesforce both
// changed the status since the last sync, the field's conflict policy picks
// the value both sides end with; the conflict is counted and audited.
func TestBothSidesChangedConflictPolicyDecides(t *testing.T) {
	careFirst := func(w *testWorld, gap time.Duration) {
		w.care.editCase("c1", func(c *care.Case) { c.Status = rules.Pending })
		w.clock.Advance(gap)
		w.editSF("c1", Record{"Status": "Closed"})
	}
	salesforceFirst := func(w *testWorld, gap time.Duration) {
		w.editSF("c1", Record{"Status": "Closed"})
		w.clock.Advance(gap)
		w.care.editCase("c1", func(c *care.Case) { c.Status = rules.Pending })
	}
	careWins := caseWant{Case: Record{"Status": "On Hold"}, Status: rules.Pending, SFWrites: 1, CareWrites: 0}
	sfWins := caseWant{Case: Record{"Status": "Closed"}, Status: rules.Done, SFWrites: 0, CareWrites: 1}
	tests := []struct {
		name   string
		policy string // the status field's conflict policy
		change func(*testWorld)
		want   caseWant
		winner string // resolution label
	}{
		{"care_wins: Care's later change wins", "care_wins", func(w *testWorld) { salesforceFirst(w, 3*time.Second) }, careWins, "care_wins"},
		{"care_wins: Care's earlier change wins too", "care_wins", func(w *testWorld) { careFirst(w, 3*time.Second) }, careWins, "care_wins"},
		{"salesforce_wins: Salesforce's earlier change wins", "salesforce_wins", func(w *testWorld) { salesforceFirst(w, 3*time.Second) }, sfWins, "salesforce_wins"},
		{"salesforce_wins: Salesforce's later change wins", "salesforce_wins", func(w *testWorld) { careFirst(w, 3*time.Second) }, sfWins, "salesforce_wins"},
		{"newest_wins: Care changed seconds later and wins", "newest_wins", func(w *testWorld) { salesforceFirst(w, 3*time.Second) }, careWins, "care_wins"},
		{"newest_wins: Salesforce changed seconds later and wins", "newest_wins", func(w *testWorld) { careFirst(w, 3*time.Second) }, sfWins, "salesforce_wins"},
		// The Case was stamped at the whole second; Care's change came
		// 600ms later within that second: a tie, which goes to Salesforce.
		{"newest_wins: a tie within the same second goes to Salesforce", "newest_wins", func(w *testWorld) { salesforceFirst(w, 600*time.Millisecond) }, sfWins, "salesforce_wins"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m *mapping.Mapping
			if tt.policy != "newest_wins" {
				m = shippedMappingWith(t, "conflict: newest_wins", "conflict: "+tt.policy)
			}
			audit := &auditLog{}
			tweaks := []func(*Options){withAudit(audit)}
			if m != nil {
				tweaks = append(tweaks, withMapping(m))
			}
			w := newTestWorld(t, tweaks...)
			w.linked("c1", strp("agent_ana"))
			w.clock.Advance(2 * time.Second)
			tt.change(w)
			w.mustReconcile("c1")
			w.check("c1", tt.want)
			if n := w.metric("carebridge_conflicts_total", "field", "status", "resolution", tt.winner); n != 1 {
				t.Errorf("conflicts_total{status,%s} = %v, want 1", tt.winner, n)
			}
			side := tt.winner[:len(tt.winner)-len("_wins")]
			got := audit.find("c1", "conflict_"+side)
			if len(got) != 1 || got[0].Field != "status" || got[0].Policy != tt.policy || got[0].From != "open" {
				t.Errorf("audit conflict entries = %+v, want one for status from open under %s", got, tt.policy)
			}
			if b := w.base("c1"); b["status"] != string(tt.want.Status) {
				t.Errorf("base status = %q, want %q", b["status"], tt.want.Status)
			}
		})
	}
}

// TestCareStatusRulesHoldBackBlockedChanges: a status change from
// Salesforce that Care's rules refuse (an unassigned case can only be
// deleted) is not sent to Care; it is counted, audited and shown on the
// Case, and applied once the cause is fixed.
func TestCareStatusRulesHoldBackBlockedChanges(t *testing.T) {
	tests := []struct {
		name     string
		sfStatus string
		code     string // the rule that blocks it
		then     rules.Status
	}{
		{"closing the Case of an unassigned case", "Closed", rules.CodeDoneNeedsAssignee, rules.Done},
		{"putting the Case of an unassigned case on hold", "On Hold", rules.CodeUnassignedOnlyDelete, rules.Pending},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			audit := &auditLog{}
			w := newTestWorld(t, withAudit(audit))
			w.linked("c1", nil) // unassigned; the Case keeps its creator (no Care agent) as owner
			w.clock.Advance(2 * time.Second)
			w.editSF("c1", Record{"Status": tt.sfStatus})
			w.mustReconcile("c1")

			if st := w.careCase("c1").Status; st != rules.Open {
				t.Errorf("Care status = %s, want open (the change is blocked)", st)
			}
			if n := w.care.count(caresim.OpSetCaseStatus); n != 0 {
				t.Errorf("%d status writes sent to Care, want none", n)
			}
			rec := w.sfCase("c1")
			if rec[SyncStatusField] != "Error" || !containsAll(str(rec[SyncErrorField]), "Care did not accept status", "assign") {
				t.Errorf("Case sync status %v, error %q; want Error naming the blocked status", rec[SyncStatusField], rec[SyncErrorField])
			}
			if rec["Status"] != tt.sfStatus {
				t.Errorf("Case Status = %v: the agent's change must stay", rec["Status"])
			}
			if n := w.metric("carebridge_sync_blocked_total", "reason", tt.code); n != 1 {
				t.Errorf("sync_blocked_total{%s} = %v, want 1", tt.code, n)
			}
			if got := audit.find("c1", "blocked"); len(got) != 1 || got[0].Field != "status" {
				t.Errorf("blocked audit entries = %+v, want one for status", got)
			}
			if b := w.base("c1"); b["status"] != "open" {
				t.Errorf("base status = %q, want open kept so the change is retried", b["status"])
			}

			// It does not loop: a reconcile with nothing new writes nothing.
			w.sf.resetCalls()
			w.care.resetCalls()
			w.mustReconcile("c1")
			if w.sfWrites() != 0 || w.careWrites() != 0 {
				t.Errorf("a repeat reconcile wrote: %d Salesforce, %d Care calls", w.sfWrites(), w.careWrites())
			}

			// Fixed: the Case is given to Ben, a Care agent; the case is
			// assigned first, then the status applies and the error clears.
			w.clock.Advance(2 * time.Second)
			w.editSF("c1", Record{"OwnerId": w.users["ben@example.com"]})
			w.mustReconcile("c1")
			w.check("c1", caseWant{Case: Record{SyncStatusField: "Synced", SyncErrorField: nil}, Status: tt.then, Assignee: strp("agent_ben"), SFWrites: -1, CareWrites: -1})
			ops := []string{}
			for _, c := range w.care.calls() {
				if c.Request != nil {
					ops = append(ops, c.Op)
				}
			}
			if len(ops) != 2 || ops[0] != caresim.OpAssignCase || ops[1] != caresim.OpSetCaseStatus {
				t.Errorf("Care writes %v, want assign then status", ops)
			}
		})
	}
}

// TestClosingInSalesforceAssignsTheOwnersAgentFirst: an unassigned Care
// case whose Case an agent closes in Salesforce while owning it is
// assigned to that agent and then closed, since Care needs an assignee.
func TestClosingInSalesforceAssignsTheOwnersAgentFirst(t *testing.T) {
	tests := []struct {
		name     string
		assignee *string
		change   func(w *testWorld)
	}{
		{"Ana takes the unassigned case's Case and closes it", nil, func(w *testWorld) {
			w.editSF("c1", Record{"Status": "Closed", "OwnerId": w.users["ana@example.com"]})
		}},
		{"Care unassigns the case while Ana, the Case owner, closes it", strp("agent_ana"), func(w *testWorld) {
			w.care.editCase("c1", func(c *care.Case) { c.AssigneeID = nil })
			w.clock.Advance(time.Second)
			w.editSF("c1", Record{"Status": "Closed"})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newTestWorld(t)
			w.linked("c1", tt.assignee)
			w.clock.Advance(2 * time.Second)
			tt.change(w)
			w.mustReconcile("c1")
			w.check("c1", caseWant{Case: Record{SyncStatusField: "Synced", "OwnerId": w.users["ana@example.com"]}, Status: rules.Done, Assignee: strp("agent_ana"), SFWrites: 0, CareWrites: 2})
			if n := w.metric("carebridge_sync_blocked_total"); n != 0 {
				t.Errorf("%v blocked, want none", n)
			}
		})
	}
}

// TestAssigneeAndOwnerMatchByEmail: the Care assignee and the Case owner are
// the same person through their e-mail address; people without an active
// Salesforce user never make the sides flip.
func TestAssigneeAndOwnerMatchByEmail(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(w *testWorld) // before the case is first synced
		assignee *string            // the Care case's assignee when escalated
		change   func(w *testWorld) // after the first sync (nil: none)
		owner    func(w *testWorld) string
		want     string // Care assignee after
	}{
		{
			name: "an agent with a Salesforce user owns the Case", assignee: strp("agent_ana"),
			owner: func(w *testWorld) string { return w.users["ana@example.com"] }, want: "agent_ana",
		},
		{
			name: "an agent without a Salesforce user (Zoe): the owner stays, Zoe stays assigned", assignee: strp("agent_zoe"),
			owner: func(w *testWorld) string { return w.sf.integrationUser }, want: "agent_zoe",
		},
		{
			name:  "an agent whose Salesforce user is inactive: the owner stays, Ben stays assigned",
			setup: func(w *testWorld) { w.sf.edit("User", w.users["ben@example.com"], Record{"IsActive": false}) }, assignee: strp("agent_ben"),
			owner: func(w *testWorld) string { return w.sf.integrationUser }, want: "agent_ben",
		},
		{
			name:   "an inactive user given the Case in Salesforce is nobody in Care: the case is unassigned",
			setup:  func(w *testWorld) { w.sf.edit("User", w.users["ben@example.com"], Record{"IsActive": false}) },
			change: func(w *testWorld) { w.editSF("c1", Record{"OwnerId": w.users["ben@example.com"]}) }, assignee: strp("agent_ana"),
			owner: func(w *testWorld) string { return w.users["ben@example.com"] }, want: "",
		},
		{
			name:   "a Case given to a user who is no Care agent unassigns the case",
			change: func(w *testWorld) { w.editSF("c1", Record{"OwnerId": w.sf.agentUser}) }, assignee: strp("agent_ana"),
			owner: func(w *testWorld) string { return w.sf.agentUser }, want: "",
		},
		{
			name:   "a Case given to a queue unassigns the case",
			change: func(w *testWorld) { w.editSF("c1", Record{"OwnerId": "00GFk0000000001AAA"}) }, assignee: strp("agent_ana"),
			owner: func(w *testWorld) string { return "00GFk0000000001AAA" }, want: "",
		},
		{
			name: "e-mail addresses match regardless of case and spaces",
			setup: func(w *testWorld) {
				w.care.addAgent(care.Agent{ID: "agent_cy", Name: "Cy", Email: " Cy@Example.com"})
				w.users["cy"] = w.sf.addUser("cy@example.COM", true)
			},
			assignee: strp("agent_cy"),
			owner:    func(w *testWorld) string { return w.users["cy"] }, want: "agent_cy",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newTestWorld(t)
			if tt.setup != nil {
				tt.setup(w)
			}
			w.linked("c1", tt.assignee)
			if tt.change != nil {
				w.clock.Advance(2 * time.Second)
				tt.change(w)
			}
			w.clock.Advance(time.Second)
			w.mustReconcile("c1")
			if tt.change == nil && w.careWrites() != 0 {
				t.Errorf("Care written %v, want nothing: the Care assignment is as it was", w.writeCalls())
			}
			if got, want := w.sfCase("c1")["OwnerId"], tt.owner(w); got != want {
				t.Errorf("Case owner = %v, want %v", got, want)
			}
			if got := w.assigneeOf("c1"); got != tt.want {
				t.Errorf("Care assignee = %q, want %q", got, tt.want)
			}
			// Settled: the sides do not flip on the next reconcile.
			w.sf.resetCalls()
			w.care.resetCalls()
			w.clock.Advance(time.Second)
			w.mustReconcile("c1")
			if w.sfWrites() != 0 || w.careWrites() != 0 {
				t.Errorf("the next reconcile wrote %v", w.writeCalls())
			}
		})
	}
}

// TestIdentityChangesTakeEffect: identities are cached for IdentityTTL,
// but a case naming a Care agent or a Salesforce user the cache does not
// know (added since it was loaded) looks them up again at once, once; a
// new mapping applies from the next reconcile.
func TestIdentityChangesTakeEffect(t *testing.T) {
	t.Run("a Case given to a Salesforce user added since the identities were loaded: looked up at once, assigned to Ben", func(t *testing.T) {
		w := newTestWorld(t)
		w.sf.edit("User", w.users["ben@example.com"], Record{"IsActive": false})
		w.linked("c1", strp("agent_ana"))
		newBen := w.sf.addUser("ben@example.com", true)
		w.clock.Advance(2 * time.Second)
		w.editSF("c1", Record{"OwnerId": newBen})
		w.mustReconcile("c1")
		if got := w.assigneeOf("c1"); got != "agent_ben" {
			t.Errorf("Care assignee = %q, want agent_ben", got)
		}
	})
	t.Run("a Care case given to an agent added since: looked up at once, the Case goes to her user", func(t *testing.T) {
		w := newTestWorld(t)
		w.linked("c1", strp("agent_ana"))
		w.care.addAgent(care.Agent{ID: "agent_cy", Name: "Cy", Email: "cy@example.com"})
		cy := w.sf.addUser("cy@example.com", true)
		w.clock.Advance(2 * time.Second)
		w.care.editCase("c1", func(c *care.Case) { c.AssigneeID = strp("agent_cy") })
		w.mustReconcile("c1")
		if got := w.sfCase("c1")["OwnerId"]; got != cy {
			t.Errorf("Case owner = %v, want Cy's user %s", got, cy)
		}
	})
	t.Run("reconciles that meet the same new user at once share one lookup", func(t *testing.T) {
		w := newTestWorld(t)
		ids := make([]string, 20)
		for i := range ids {
			ids[i] = fmt.Sprintf("c%d", i)
			w.linked(ids[i], strp("agent_ana"))
		}
		w.sf.edit("User", w.users["ben@example.com"], Record{"IsActive": false})
		newBen := w.sf.addUser("ben@example.com", true)
		w.clock.Advance(2 * time.Second)
		for _, id := range ids {
			w.editSF(id, Record{"OwnerId": newBen})
		}
		reads := w.care.count(caresim.OpListAgents)
		var wg sync.WaitGroup
		for _, id := range ids {
			wg.Go(func() {
				if err := w.reconcile(id); err != nil {
					t.Errorf("reconcile %s: %v", id, err)
				}
			})
		}
		wg.Wait()
		if n := w.care.count(caresim.OpListAgents) - reads; n != 1 {
			t.Errorf("%d identity lookups for 20 reconciles meeting one new user, want 1", n)
		}
		for _, id := range ids {
			if got := w.assigneeOf(id); got != "agent_ben" {
				t.Errorf("%s: Care assignee = %q, want agent_ben", id, got)
			}
		}
	})
	t.Run("an owner no lookup finds is looked up once, not on every reconcile", func(t *testing.T) {
		w := newTestWorld(t)
		w.linked("c1", strp("agent_ana"))
		nobody := w.sf.addUser("nobody@example.com", true)
		w.clock.Advance(2 * time.Second)
		w.editSF("c1", Record{"OwnerId": nobody})
		reads := w.care.count(caresim.OpListAgents)
		w.mustReconcile("c1")
		w.clock.Advance(time.Second)
		w.mustReconcile("c1")
		if n := w.care.count(caresim.OpListAgents) - reads; n != 1 {
			t.Errorf("%d identity lookups for an owner that maps to no agent, want 1", n)
		}
		if got := w.assigneeOf("c1"); got != "" {
			t.Errorf("Care assignee = %q, want unassigned (the owner maps to no Care agent)", got)
		}
	})
	t.Run("the identity cache expires after IdentityTTL", func(t *testing.T) {
		w := newTestWorld(t)
		w.linked("c1", strp("agent_ana"))
		agentReads := w.care.count(caresim.OpListAgents)
		w.clock.Advance(4 * time.Minute)
		w.mustReconcile("c1")
		if n := w.care.count(caresim.OpListAgents); n != agentReads {
			t.Errorf("agents read again within the TTL (%d reads)", n)
		}
		w.clock.Advance(2 * time.Minute)
		w.mustReconcile("c1")
		if n := w.care.count(caresim.OpListAgents); n != agentReads+1 {
			t.Errorf("%d agent reads after the TTL, want one more", n-agentReads)
		}
	})
	t.Run("SetMapping: the next reconcile writes with the new mapping", func(t *testing.T) {
		w := newTestWorld(t)
		w.escalate("c1", rules.Facebook, strp("agent_ana"))
		w.care.editCase("c1", func(c *care.Case) { c.Priority = "urgent" })
		w.mustReconcile("c1")
		if got := w.sfCase("c1")["Priority"]; got != "High" {
			t.Fatalf("Priority = %v, want High", got)
		}
		w.engine.SetMapping(MappingSource(shippedMappingWith(t, "urgent: High", "urgent: Medium")))
		w.clock.Advance(time.Second)
		w.mustReconcile("c1")
		if got := w.sfCase("c1")["Priority"]; got != "Medium" {
			t.Errorf("Priority = %v after SetMapping, want Medium", got)
		}
	})
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// TestAgentWhoGetsASalesforceUserLaterStaysAssigned: Zoe is assigned in
// Care before she has a Salesforce user; once she has one and the
// identities reload, the Case becomes hers and she stays assigned in Care.
// Nobody changed anything in Salesforce.
func TestAgentWhoGetsASalesforceUserLaterStaysAssigned(t *testing.T) {
	w := newTestWorld(t)
	w.linked("c1", strp("agent_zoe"))
	zoe := w.sf.addUser("zoe@example.com", true)
	w.engine.InvalidateIdentities()
	w.clock.Advance(2 * time.Second)
	w.mustReconcile("c1")
	if got := w.assigneeOf("c1"); got != "agent_zoe" {
		t.Errorf("Care assignee = %q, want agent_zoe", got)
	}
	if got := w.sfCase("c1")["OwnerId"]; got != zoe {
		t.Errorf("Case owner = %v, want Zoe's user %s", got, zoe)
	}
}
