package e2e_test

import (
	"fmt"
	"testing"

	"github.com/carebridge/carebridge/internal/testenv"
	"github.com/carebridge/carebridge/internal/testkit"
)

// TestSIGKILLDuringBurstLosesNothingAndDuplicatesNothing makes 500 changes
// on both sides (Care notes, Salesforce CaseComments, statuses and
// assignments) in rounds of 50 while the daemon works, SIGKILLs it in the
// middle of a round (while cases escalated in that round are being created
// in Salesforce), makes more changes while it is down, restarts it and
// finishes the burst. Salesforce resets the change streams in the middle of
// an earlier round. Every change must arrive, none twice, and no Care case
// gets a second Salesforce Case.
func TestSIGKILLDuringBurstLosesNothingAndDuplicatesNothing(t *testing.T) {
	t.Parallel()
	const (
		cases      = 20
		total      = 500
		round      = 50
		killRound  = 4 // 0-based: the round during which the daemon dies
		downRounds = 2 // rounds made while no daemon runs
	)
	w := newWorld(t, testenv.Config{})
	p := w.start(t)
	l := escalateCases(t, w.sb, "kill_", cases)

	i := 0
	waitSomeOfRound := func(p *testenv.Proc, before int) {
		t.Helper()
		testkit.Eventually(t, convergeTimeout, fmt.Sprintf("a note of changes %d-%d to arrive at pid %d", i-round, i, p.PID()), func() (bool, string) {
			arrived, total := l.notes()
			return arrived > before, fmt.Sprintf("%d of %d notes arrived", arrived, total)
		})
	}

	// Cases escalated in the kill round: their Salesforce Cases are being
	// created when the daemon dies.
	var late []string
	for r := 0; r <= killRound; r++ {
		before, _ := l.notes()
		if r == killRound {
			for k := range 5 {
				id := fmt.Sprintf("kill_late_%d", k)
				w.sb.Escalate(t, id, &w.sb.People[k%len(w.sb.People)].CareAgentID)
				late = append(late, id)
			}
		}
		l.changes(t, i, i+round/2)
		if r == 1 && w.sb.Salesforce.ResetStreams() == 0 {
			t.Fatal("no change stream to reset")
		}
		l.changes(t, i+round/2, i+round)
		i += round
		waitSomeOfRound(p, before)
	}
	// In the middle of the round: some of its changes have arrived, others
	// are queued or being written.
	p.Kill()
	arrived, notes := l.notes()
	t.Logf("killed pid %d after %d changes; %d of %d notes had arrived", p.PID(), i, arrived, notes)
	if arrived == 0 || arrived == notes {
		t.Fatalf("the kill must land in the middle of the burst: %d of %d notes had arrived", arrived, notes)
	}

	// Changes keep coming while no daemon runs.
	l.changes(t, i, i+downRounds*round)
	i += downRounds * round

	p = w.start(t)
	for i < total {
		before, _ := l.notes()
		l.changes(t, i, i+round)
		i += round
		waitSomeOfRound(p, before)
	}
	if l.made != total {
		t.Fatalf("made %d changes, want %d", l.made, total)
	}
	l.waitConverged(t, p, convergeTimeout)
	testkit.Eventually(t, syncTimeout, "the late cases in Salesforce", func() (bool, string) {
		for _, id := range late {
			if w.sb.SalesforceCase(id) == nil {
				return false, id + " missing"
			}
		}
		return true, ""
	})
	for _, id := range late {
		if n := len(w.sb.SalesforceCases(id)); n != 1 {
			t.Errorf("%s escalated during the kill has %d Salesforce Cases, want 1", id, n)
		}
	}
	if dead := w.deadLetters(t); len(dead) != 0 {
		t.Errorf("dead letters (of every daemon, killed ones included): %v", dead)
	}
}
