package e2e_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/internal/testenv"
	"github.com/carebridge/carebridge/internal/testkit"
)

// TestTwoDaemonsShareWorkPollOnceAndFailOver runs two daemon processes on
// one Redis: exactly one leads, polls and follows Salesforce's change events
// (the sandboxes see one poll per leader run and one subscription per topic;
// the follower runs no poll job and streams nothing), both work keys from a
// burst without duplicating a note, and when the leader is SIGKILLed the
// other takes over polling and the subscriptions once the lease runs out.
func TestTwoDaemonsShareWorkPollOnceAndFailOver(t *testing.T) {
	t.Parallel()
	const pollEvery = time.Second
	w := newWorld(t, testenv.Config{PollEvery: pollEvery})
	a, b := w.start(t), w.start(t)

	var leader, follower *testenv.Proc
	testkit.Eventually(t, startTimeout, "exactly one leader", func() (bool, string) {
		la, lb := a.MustMetrics().Value("carebridge_leader"), b.MustMetrics().Value("carebridge_leader")
		switch {
		case la == 1 && lb == 0:
			leader, follower = a, b
		case la == 0 && lb == 1:
			leader, follower = b, a
		default:
			return false, fmt.Sprintf("carebridge_leader: pid %d %v, pid %d %v", a.PID(), la, b.PID(), lb)
		}
		return true, ""
	})

	// One subscription to the change channel, the leader's.
	const topics = 1
	testkit.Eventually(t, startTimeout, "the leader streaming the channel", func() (bool, string) {
		up := leader.MustMetrics().Value("carebridge_salesforce_change_stream_up")
		return up == topics && w.sb.Salesforce.Subscriptions() == topics, fmt.Sprintf("leader streams %v topics; the sandbox has %d subscriptions", up, w.sb.Salesforce.Subscriptions())
	})
	if up := follower.MustMetrics().Value("carebridge_salesforce_change_stream_up"); up != 0 {
		t.Errorf("the follower (pid %d) streams %v topics", follower.PID(), up)
	}

	// A burst both replicas work on.
	l := escalateCases(t, w.sb, "pair_", 12)
	for r := range 4 {
		l.changes(t, r*24, (r+1)*24)
	}
	l.waitConverged(t, leader, syncTimeout)
	for _, p := range []*testenv.Proc{a, b} {
		if runs := p.MustMetrics().Value("carebridge_queue_work_duration_seconds"); runs == 0 {
			t.Errorf("pid %d processed no keys; the burst should be shared", p.PID())
		}
	}

	// Pollers run once: only the leader runs poll jobs, and Care sees one
	// listing per leader poll (two pollers would double it).
	runs0, calls0 := leader.MustMetrics().Value("carebridge_job_runs_total", "task", "poll_care"), w.sb.Care.Calls(caresim.OpListCases)
	waitPolls(t, leader, 5)
	runs, calls := leader.MustMetrics().Value("carebridge_job_runs_total", "task", "poll_care")-runs0, float64(w.sb.Care.Calls(caresim.OpListCases)-calls0)
	// A poll in flight at either end of the window is counted on one side only.
	if calls < runs-1 || calls > runs+1 {
		t.Errorf("Care saw %v case listings during %v Care polls of the leader; want one per poll", calls, runs)
	}
	if n := pollRuns(t, follower); n != 0 {
		t.Errorf("the follower (pid %d) ran %v polls", follower.PID(), n)
	}

	// The leader dies: the follower takes over within what was left of the
	// lease, plus one campaign interval (a third of the 15s lease) and one
	// poll interval.
	left := w.leaseTTL(t)
	killed := time.Now()
	leader.Kill()
	takeover := left + 5*time.Second + pollEvery + 2*time.Second
	testkit.Eventually(t, takeover, fmt.Sprintf("pid %d to lead and poll", follower.PID()), func() (bool, string) {
		m := follower.MustMetrics()
		polls := m.Value("carebridge_job_runs_total", "task", "poll_care", "result", "success")
		return m.Value("carebridge_leader") == 1 && polls > 0, fmt.Sprintf("leader %v, polls %v", m.Value("carebridge_leader"), polls)
	})
	t.Logf("follower polled %v after the leader's SIGKILL (lease had %v left)", time.Since(killed).Round(time.Millisecond), left)
	testkit.Eventually(t, startTimeout, "the new leader streaming the channel alone", func() (bool, string) {
		up := follower.MustMetrics().Value("carebridge_salesforce_change_stream_up")
		return up == topics && w.sb.Salesforce.Subscriptions() == topics, fmt.Sprintf("new leader streams %v topics; the sandbox has %d subscriptions", up, w.sb.Salesforce.Subscriptions())
	})

	// The survivor carries on alone.
	l.changes(t, 96, 144)
	l.waitConverged(t, follower, convergeTimeout)
}
