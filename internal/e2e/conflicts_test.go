package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/internal/testenv"
	"github.com/carebridge/carebridge/internal/testkit"
)

// TestConflictingEditsAndUpstreamFaultsAcrossAKill has both sides change the
// status and assignment of the same cases between syncs (the owner to
// different people: a conflict), in rounds, while 5% of the calls to each
// system fail with 503, and SIGKILLs the daemon during the second round.
// After each round both sides agree on every case (whichever side the
// conflict policy picked) and each note exists once on each side; conflicts
// are counted and audited, nothing is dead-lettered, and quiet polls write
// nothing (no flip-flop).
func TestConflictingEditsAndUpstreamFaultsAcrossAKill(t *testing.T) {
	t.Parallel()
	w := newWorld(t, testenv.Config{})
	p := w.start(t)
	l := escalateCases(t, w.sb, "conflict_", 10)
	people := w.sb.People

	agree := func() (bool, string) {
		for _, cs := range l.cases {
			if problem := l.notesProblem(cs); problem != "" {
				return false, cs.careID + ": " + problem
			}
			if problem := agreement(w.sb, cs.careID); problem != "" {
				return false, cs.careID + ": " + problem
			}
		}
		return true, ""
	}

	w.sb.Salesforce.InjectFault(sfsim.Fault{Rate: 0.05, Status: 503})
	w.sb.Care.InjectFault(caresim.Fault{Rate: 0.05, Status: 503})
	const rounds, killRound = 4, 1
	var conflicts float64
	n := 0
	for r := range rounds {
		careStatus, sfStatus := rules.Pending, "Working"
		if r%2 == 1 {
			careStatus, sfStatus = rules.Open, "On Hold"
		}
		before, _ := l.notes()
		for _, cs := range l.cases {
			// Both sides agree on the owner (the last round converged); each
			// moves the case to a different other person: a conflict.
			c, _ := w.sb.Care.Case(cs.careID)
			var others []testenv.Person
			for _, p := range people {
				if c.AssigneeID == nil || p.CareAgentID != *c.AssigneeID {
					others = append(others, p)
				}
			}
			careAgent, sfOwner := others[0], others[1]
			if err := w.sb.Care.UISetStatus(cs.careID, careStatus); err != nil {
				t.Fatalf("Care status of %s: %v", cs.careID, err)
			}
			if err := w.sb.Care.UIAssign(cs.careID, &careAgent.CareAgentID); err != nil {
				t.Fatalf("Care assignment of %s: %v", cs.careID, err)
			}
			if err := w.sb.Salesforce.Update("Case", cs.sfID, map[string]any{"Status": sfStatus, "OwnerId": sfOwner.SalesforceID}); err != nil {
				t.Fatalf("Salesforce edit of %s: %v", cs.sfID, err)
			}
			l.careNote(t, cs, n, careAgent)
			l.salesforceComment(t, cs, n+1, sfOwner)
			n += 2
		}
		if r == killRound {
			testkit.Eventually(t, syncTimeout, "some of the round's notes to arrive", func() (bool, string) {
				arrived, total := l.notes()
				return arrived > before, fmt.Sprintf("%d of %d", arrived, total)
			})
			conflicts += p.MustMetrics().Value("carebridge_conflicts_total")
			p.Kill()
			p = w.start(t)
		}
		roundStart := time.Now()
		testkit.Eventually(t, convergeTimeout, fmt.Sprintf("both sides to agree after round %d", r), agree)
		t.Logf("round %d converged in %v", r, time.Since(roundStart))
	}
	w.sb.Salesforce.ClearFaults()
	w.sb.Care.ClearFaults()
	waitPolls(t, p, 2)
	sfWrites, careWrites := w.sb.SalesforceWrites(), w.sb.Care.WriteCalls()
	waitPolls(t, p, 5)
	if got := w.sb.SalesforceWrites() - sfWrites; got != 0 {
		t.Errorf("%d Salesforce writes in five quiet poll cycles", got)
	}
	if got := w.sb.Care.WriteCalls() - careWrites; got != 0 {
		t.Errorf("%d Care writes in five quiet poll cycles", got)
	}
	if ok, problem := agree(); !ok {
		t.Errorf("after the quiet cycles: %s", problem)
	}
	m := p.MustMetrics()
	if conflicts += m.Value("carebridge_conflicts_total"); conflicts == 0 {
		t.Errorf("no conflict counted although both sides assigned %d cases to different people between syncs, %d times", len(l.cases), rounds)
	}
	if dead := w.deadLetters(t); len(dead) != 0 {
		t.Errorf("dead letters (of every daemon, killed ones included): %v", dead)
	}
	audit, err := state.New(w.redis.Client(t), "carebridge:").RecentAudit(context.Background(), 10000)
	if err != nil {
		t.Fatal(err)
	}
	audited := 0
	for _, a := range audit {
		if a.Field == "assignee" && strings.HasPrefix(a.Resolution, "conflict_") && a.Policy == "newest_wins" {
			audited++
		}
	}
	if audited == 0 {
		t.Errorf("no assignee conflict in the audit stream (%d entries)", len(audit))
	}
	t.Logf("%v conflicts counted, %d assignee conflicts audited", conflicts, audited)
}

// agreement reports how the Care case and its Salesforce Case disagree on
// status and assignment, or "" when they agree.
func agreement(sb *testenv.Sandboxes, careID string) string {
	sfCases := sb.SalesforceCases(careID)
	if len(sfCases) != 1 {
		return fmt.Sprintf("%d Salesforce Cases, want exactly 1", len(sfCases))
	}
	c, ok := sb.Care.Case(careID)
	if !ok {
		return "the Care case is gone"
	}
	sfStatus, _ := sfCases[0]["Status"].(string)
	if canonicalStatus(sfStatus) != c.Status {
		return fmt.Sprintf("Care status %s, Salesforce Status %q", c.Status, sfStatus)
	}
	owner, _ := sfCases[0]["OwnerId"].(string)
	person, _ := sb.PersonBySalesforceUser(owner)
	if c.AssigneeID == nil || person.CareAgentID != *c.AssigneeID {
		return fmt.Sprintf("Care assignee %s, Salesforce owner %s", deref(c.AssigneeID), owner)
	}
	return ""
}
