package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/internal/redistest"
	"github.com/carebridge/carebridge/internal/testenv"
	"github.com/carebridge/carebridge/internal/testkit"
)

// chaosTimeout bounds each wait of the chaos test: 300 cases through two
// replicas under faults, on a loaded 2-core machine.
const chaosTimeout = 5 * time.Minute

// TestChaosLosesNothingAndDuplicatesNothing runs two replicas of the real
// binary on a Redis behind Sentinel against both sandboxes, with 300 cases
// with conversations, and throws everything at once: upstream 503s,
// Salesforce refusing single rows of collection calls (UNABLE_TO_LOCK_ROW)
// and locking parents, change streams reset and stalled, daemons SIGKILLed,
// the Redis master killed (a Sentinel failover) and Redis wiped, while both
// sides keep changing: notes both ways, agents' status and assignment edits
// in Salesforce, Care's in Care, customers writing, agents replying from
// Salesforce. In the end every Case, mirrored message, note, reply and edit
// is present exactly once, or the edit lost to the wipe is a conflict the
// field's policy decided, recorded in the case's timeline.
func TestChaosLosesNothingAndDuplicatesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("the chaos test takes minutes")
	}
	t.Parallel()
	const (
		n       = 300
		replies = 60 // cases an agent answers from Salesforce
		writes  = 60 // cases whose customer writes again
	)
	ha := redistest.StartSentinel(t)
	sb := testenv.StartSandboxesWith(t, testenv.SandboxOptions{PubSubKeepAlive: time.Second})
	cfg := testenv.WriteConfig(t, sb, testenv.Config{SentinelAddrs: ha.Addrs(), Workers: 16, SweepEvery: 20 * time.Second,
		ChangeStreamTimeout: 5 * time.Second, Timeout: 10 * time.Second})
	start := func() *testenv.Proc {
		p := testenv.StartDaemon(t, cfg)
		testkit.Eventually(t, chaosTimeout, fmt.Sprintf("daemon pid %d ready", p.PID()), p.Ready)
		return p
	}
	replicas := []*testenv.Proc{start(), start()}
	kill := func(i int) {
		replicas[i].Kill()
		replicas[i] = start()
	}

	sf, cs := sb.Salesforce, sb.Care
	sf.InjectFault(sfsim.Fault{Rate: 0.02, Status: 503})
	sf.InjectFault(sfsim.Fault{Op: sfsim.OpCollectionsUpsert, ErrorCode: "UNABLE_TO_LOCK_ROW", PerRecord: true, Rate: 0.05})
	sf.InjectFault(sfsim.Fault{Op: sfsim.OpCollectionsCreate, ErrorCode: "UNABLE_TO_LOCK_ROW", PerRecord: true, Rate: 0.05})
	sf.SetParentLockLimit(2)
	cs.InjectFault(caresim.Fault{Rate: 0.02, Status: 503})

	l := chaosLedger(t, sb, n)
	actions := map[string]string{} // action id -> Care case
	round := func(r int) {
		t.Helper()
		l.changes(t, r*n, (r+1)*n)
		for k := range replies / 4 {
			c := l.cases[(r*replies/4+k)%n]
			id, err := sf.Insert("Care_Action__c", map[string]any{"Case__c": c.sfID, "Type__c": "reply", "Reply_Mode__c": "public_reply",
				"Target_Message_Id__c": "comment_" + c.careID, "Body__c": fmt.Sprintf("Answer %d to %s", r, c.careID),
				"CreatedById": c.assignee.SalesforceID})
			if err != nil {
				t.Fatalf("round %d: reply on %s: %v", r, c.careID, err)
			}
			actions[id] = c.careID
		}
		for k := range writes / 4 {
			// Customers write on cases whose status Care sets itself:
			// Care reopens a pending case when its customer writes, and
			// on a case made pending in Salesforce the outcome would
			// depend on whether that status reached Care first.
			c := l.cases[n-2*(r*writes/4+k+1)]
			parent := "comment_" + c.careID
			if _, err := cs.CustomerMessage(c.careID, care.Message{ID: fmt.Sprintf("again_%d_%s", r, c.careID), Kind: rules.ReplyKind,
				ParentID: &parent, Text: fmt.Sprintf("Still broken (%d)", r)}); err != nil {
				t.Fatalf("round %d: customer message on %s: %v", r, c.careID, err)
			}
			if c.status == rules.Pending {
				c.status = rules.Open
			}
		}
	}

	round(0)
	kill(0)
	round(1)
	// A new leader follows the change stream once the killed one's lease
	// ran out; then the stream is cut, and the next one stalled.
	testkit.Eventually(t, chaosTimeout, "the leader following the change stream", func() (bool, string) {
		return sf.Subscriptions() > 0, "no subscription"
	})
	sf.ResetStreams()
	testkit.Eventually(t, chaosTimeout, "the stream opened again", func() (bool, string) {
		return sf.Subscriptions() > 0, "no subscription"
	})
	sf.StallStreams()
	old := ha.Master()
	old.Kill()
	ha.WaitFailover(old)
	old.Restart() // back as a replica of the new master
	round(2)
	if err := ha.Client(t).FlushAll(context.Background()).Err(); err != nil {
		t.Fatalf("wipe Redis: %v", err)
	}
	kill(1)
	round(3)
	sf.StallStreams()

	sf.ClearFaults()
	sf.SetParentLockLimit(0)
	cs.ClearFaults()
	store := state.New(ha.Client(t), "carebridge:")
	testkit.Eventually(t, chaosTimeout, "every change on both sides exactly once", func() (bool, string) {
		for _, c := range l.cases {
			if problem := l.caseProblem(c); problem != "" && !decidedByPolicy(t, store, sb, c.careID, problem) {
				return false, c.careID + ": " + problem
			}
			if problem := mirrorProblem(sb, c.careID, c.sfID); problem != "" {
				return false, c.careID + ": " + problem
			}
		}
		for id, careID := range actions {
			if problem := replyProblem(sb, id, careID); problem != "" {
				return false, problem
			}
		}
		return true, ""
	})
	for careID, want := range repliesByCase(actions) {
		if got := len(cs.Replies(careID)); got != want {
			t.Errorf("%s: %d replies in Care for %d actions Sent", careID, got, want)
		}
	}
	decided, lost := 0, 0
	for _, c := range l.cases {
		if l.caseProblem(c) != "" {
			lost++ // an edit the wipe left without a base, decided against by its policy
		}
		timeline, err := store.CaseTimeline(context.Background(), c.careID, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range timeline {
			if strings.HasPrefix(e.Resolution, "conflict_no_base_") {
				decided++
				break
			}
		}
	}
	t.Logf("%d cases had a field decided by its policy after the wipe (%d of them against the last edit); %d replies, %d changes", decided, lost, len(actions), l.made)
}

// chaosLedger escalates n cases and waits, with chaosTimeout, until each
// has its Salesforce Case.
func chaosLedger(t *testing.T, sb *testenv.Sandboxes, n int) *ledger {
	t.Helper()
	l := &ledger{sb: sb}
	for i := range n {
		first := sb.People[i%len(sb.People)]
		c := &caseState{careID: fmt.Sprintf("chaos_%03d", i), careDriven: i%2 == 0, status: rules.Open, assignee: first}
		sb.Escalate(t, c.careID, &first.CareAgentID)
		l.cases = append(l.cases, c)
	}
	testkit.Eventually(t, chaosTimeout, "a Salesforce Case for every escalated case", func() (bool, string) {
		missing := 0
		for _, c := range l.cases {
			if r := sb.SalesforceCase(c.careID); r != nil {
				c.sfID, _ = r["Id"].(string)
			} else {
				missing++
			}
		}
		return missing == 0, fmt.Sprintf("%d of %d missing", missing, n)
	})
	return l
}

// decidedByPolicy reports whether a case that does not show the ledger's
// status or assignment shows a conflict on that field its policy decided after the sync
// state was wiped: recorded in its timeline, with both sides agreeing.
func decidedByPolicy(t *testing.T, store *state.Store, sb *testenv.Sandboxes, careID, problem string) bool {
	var field string
	switch {
	case strings.Contains(problem, "status") || strings.Contains(problem, "Status"):
		field = "status"
	case strings.Contains(problem, "assignee") || strings.Contains(problem, "owner"):
		field = "assignee"
	default:
		return false // notes and Cases have no policy: they must be there, once
	}
	if agreement(sb, careID) != "" {
		return false
	}
	timeline, err := store.CaseTimeline(context.Background(), careID, 100)
	if err != nil {
		t.Logf("timeline of %s: %v", careID, err)
		return false
	}
	for _, e := range timeline {
		if e.Field == field && strings.HasPrefix(e.Resolution, "conflict_no_base_") {
			return true
		}
	}
	return false
}

// mirrorProblem reports a message of the Care case that is not mirrored
// exactly once under its Case.
func mirrorProblem(sb *testenv.Sandboxes, careID, sfID string) string {
	mirrored := map[string]int{}
	for _, r := range sb.Salesforce.Records("Care_Message__c") {
		if r["Case__c"] == sfID {
			id, _ := r["Care_Message_Id__c"].(string)
			mirrored[id]++
		}
	}
	msgs := sb.Care.Messages(careID)
	for _, m := range msgs {
		if mirrored[m.ID] != 1 {
			return fmt.Sprintf("message %s mirrored %d times", m.ID, mirrored[m.ID])
		}
	}
	if len(mirrored) != len(msgs) {
		return fmt.Sprintf("%d messages mirrored, Care holds %d", len(mirrored), len(msgs))
	}
	return ""
}

// replyProblem reports an agent's reply that did not end Sent with a reply
// Care holds.
func replyProblem(sb *testenv.Sandboxes, actionID, careID string) string {
	r, _ := sb.Salesforce.Record("Care_Action__c", actionID)
	if r["Status__c"] != "Sent" {
		return fmt.Sprintf("action %s on %s: %v %v %v", actionID, careID, r["Status__c"], r["Status_Code__c"], r["Status_Reason__c"])
	}
	for _, m := range sb.Care.Replies(careID) {
		if m.ID == r["Care_Result_Id__c"] {
			return ""
		}
	}
	return fmt.Sprintf("action %s on %s: Sent as %v, which Care does not hold", actionID, careID, r["Care_Result_Id__c"])
}

// repliesByCase counts the reply actions of each case.
func repliesByCase(actions map[string]string) map[string]int {
	out := map[string]int{}
	for _, careID := range actions {
		out[careID]++
	}
	return out
}
