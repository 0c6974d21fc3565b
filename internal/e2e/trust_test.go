package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/internal/redistest"
	"github.com/carebridge/carebridge/internal/testenv"
	"github.com/carebridge/carebridge/internal/testkit"
)

// TestAgentsActOnlyWithinTheirCases tries, as an agent signed in to
// Salesforce with the shipped permissions, every way to act on a case that
// is not hers, against the real binary: an action on another agent's Case,
// an action on her own Case aimed at a message of another case (by id, and
// by a lookup Salesforce refuses), an action that claims to be Sending already (in an org whose
// admin let agents write Status__c), and a change of her Case's Care id.
// Salesforce refuses what its permissions refuse; carebridge rejects the
// rest; Care is never asked to moderate anything.
func TestAgentsActOnlyWithinTheirCases(t *testing.T) {
	t.Parallel()
	w := newWorld(t, testenv.Config{})
	w.start(t)
	sf, ana, ben := w.sb.Salesforce, w.sb.People[0], w.sb.People[1]
	w.sb.Escalate(t, "hers", &ana.CareAgentID)
	w.sb.Escalate(t, "his", &ben.CareAgentID)
	var hers, his, hisMessage string
	testkit.Eventually(t, syncTimeout, "both Cases with their mirrored messages", func() (bool, string) {
		h, o := w.sb.SalesforceCase("hers"), w.sb.SalesforceCase("his")
		if h == nil || o == nil {
			return false, "a Case is missing"
		}
		hers, his = h["Id"].(string), o["Id"].(string)
		for _, m := range sf.Records("Care_Message__c") {
			if m["Care_Message_Id__c"] == "comment_his" {
				hisMessage = m["Id"].(string)
			}
		}
		return hisMessage != "", "his comment is not mirrored yet"
	})
	agent := w.sb.Agent(t, ana.Email)

	status, body := agent.Do(t, http.MethodPost, "sobjects/Care_Action__c", map[string]any{"Case__c": his, "Type__c": "hide", "Target_Message_Id__c": "comment_his"})
	if status != http.StatusBadRequest || !strings.Contains(string(body), "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY") {
		t.Errorf("an action on another agent's Case: HTTP %d %s; want INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", status, body)
	}
	status, body = agent.Do(t, http.MethodPost, "sobjects/Care_Action__c", map[string]any{"Case__c": hers, "Type__c": "delete", "Target_Message_Id__c": "comment_his", "Status__c": "Sending"})
	if status != http.StatusBadRequest || !strings.Contains(string(body), "INVALID_FIELD_FOR_INSERT_UPDATE") {
		t.Errorf("an action created as Sending: HTTP %d %s; want INVALID_FIELD_FOR_INSERT_UPDATE", status, body)
	}
	status, body = agent.Do(t, http.MethodPatch, "sobjects/Case/"+hers, map[string]any{"Care_Case_Id__c": "his"})
	if status != http.StatusBadRequest || !strings.Contains(string(body), "INVALID_FIELD_FOR_INSERT_UPDATE") {
		t.Errorf("a change of the Care id: HTTP %d %s; want INVALID_FIELD_FOR_INSERT_UPDATE", status, body)
	}

	status, body = agent.Do(t, http.MethodPost, "sobjects/Care_Action__c", map[string]any{"Case__c": hers, "Type__c": "hide", "Target_Message__c": hisMessage})
	if status != http.StatusBadRequest || !strings.Contains(string(body), "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY") {
		t.Errorf("a lookup to a message of a Case she cannot see: HTTP %d %s; want INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", status, body)
	}

	byID := agent.CreateAction(t, map[string]any{"Case__c": hers, "Type__c": "hide", "Target_Message_Id__c": "comment_his"})
	// An org whose admin let agents write Status__c: the action claims a
	// send carebridge never began.
	claimed, err := sf.Insert("Care_Action__c", map[string]any{"Case__c": hers, "Type__c": "delete", "Target_Message_Id__c": "comment_his", "Status__c": "Sending"})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{byID, claimed} {
		testkit.Eventually(t, syncTimeout, "action "+id+" rejected", func() (bool, string) {
			r, _ := sf.Record("Care_Action__c", id)
			return r["Status__c"] == "Rejected" && r["Status_Code__c"] == "target_not_found", fmt.Sprint(r["Status__c"], " ", r["Status_Code__c"], " ", r["Status_Reason__c"])
		})
	}
	if n := w.sb.Care.Calls(caresim.OpMessageAction); n != 0 {
		t.Errorf("Care got %d moderation requests, want none", n)
	}
	for _, m := range w.sb.Care.Messages("his") {
		if m.Hidden || m.Deleted {
			t.Errorf("his message %s changed: hidden %v, deleted %v", m.ID, m.Hidden, m.Deleted)
		}
	}
	if n := len(w.sb.SalesforceCases("hers")) + len(w.sb.SalesforceCases("his")); n != 2 {
		t.Errorf("%d Cases for the two Care cases, want 2", n)
	}
}

// TestRedisWipeKeepsAgentsUnsyncedEdits: agents edit their Cases while the
// daemon is down, and Redis comes back empty, so no base says which side
// changed. Each differing field is a conflict the field's policy decides
// (newest_wins in the shipped mapping: the agents' later edits), recorded in
// the case's timeline; no edit is reverted silently.
func TestRedisWipeKeepsAgentsUnsyncedEdits(t *testing.T) {
	t.Parallel()
	const n = 8
	w := newWorld(t, testenv.Config{}, redistest.WithoutAOF())
	p := w.start(t)
	l := escalateCases(t, w.sb, "wipe_", n)
	testkit.Eventually(t, syncTimeout, "every Case owned by its agent", func() (bool, string) {
		for _, cs := range l.cases {
			if r := w.sb.SalesforceCase(cs.careID); r["OwnerId"] != cs.assignee.SalesforceID {
				return false, cs.careID + " not assigned yet"
			}
		}
		return true, ""
	})
	p.Kill()
	for i, cs := range l.cases {
		// The owner puts the Case on hold, or gives it to a colleague.
		owner, edit := cs.assignee, map[string]any{"Status": "On Hold"}
		if i%2 == 1 {
			cs.assignee = w.sb.People[(i+1)%len(w.sb.People)]
			edit = map[string]any{"OwnerId": cs.assignee.SalesforceID}
		}
		if status, body := w.sb.Agent(t, owner.Email).Do(t, http.MethodPatch, "sobjects/Case/"+cs.sfID, edit); status != http.StatusNoContent {
			t.Fatalf("the agent edits %s: HTTP %d %s", cs.careID, status, body)
		}
	}
	w.redis.Restart() // comes back empty
	w.start(t)
	testkit.Eventually(t, convergeTimeout, "every agent's edit in Care", func() (bool, string) {
		for i, cs := range l.cases {
			c, ok := w.sb.Care.Case(cs.careID)
			switch {
			case !ok:
				return false, cs.careID + " missing in Care"
			case i%2 == 0 && c.Status != "pending":
				return false, fmt.Sprintf("%s is %s in Care, want pending", cs.careID, c.Status)
			case i%2 == 1 && (c.AssigneeID == nil || *c.AssigneeID != cs.assignee.CareAgentID):
				return false, fmt.Sprintf("%s is assigned to %v in Care, want %s", cs.careID, deref(c.AssigneeID), cs.assignee.CareAgentID)
			}
		}
		return true, ""
	})
	store := state.New(w.redis.Client(t), "")
	for i, cs := range l.cases {
		if r := w.sb.SalesforceCase(cs.careID); i%2 == 0 && r["Status"] != "On Hold" || i%2 == 1 && r["OwnerId"] != cs.assignee.SalesforceID {
			t.Errorf("%s: the agent's edit was reverted in Salesforce: status %v, owner %v", cs.careID, r["Status"], r["OwnerId"])
		}
		timeline, err := store.CaseTimeline(context.Background(), cs.careID, 50)
		if err != nil {
			t.Fatal(err)
		}
		var recorded bool
		for _, e := range timeline {
			recorded = recorded || e.Resolution == "conflict_no_base_salesforce"
		}
		if !recorded {
			t.Errorf("%s: no conflict_no_base_salesforce in its timeline: %+v", cs.careID, timeline)
		}
	}
}
