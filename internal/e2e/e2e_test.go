package e2e_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/internal/redistest"
	"github.com/carebridge/carebridge/internal/testenv"
	"github.com/carebridge/carebridge/internal/testkit"
)

func TestMain(m *testing.M) { os.Exit(testenv.RunTests(m)) }

// Deadlines of the waits. The leader lease of a killed daemon lives up to
// 15s and a follower campaigns every 5s, so anything that waits for polls
// after a SIGKILL gets convergeTimeout.
const (
	startTimeout    = 20 * time.Second
	syncTimeout     = 30 * time.Second
	convergeTimeout = 60 * time.Second
)

// leaseKey is the leader lease's Redis key under the default prefix.
const leaseKey = "carebridge:{leader}:lease"

// world is one Redis and both sandboxes, plus a config for daemons.
type world struct {
	redis *redistest.Server
	sb    *testenv.Sandboxes
	cfg   string
}

func newWorld(t *testing.T, c testenv.Config, redisOpts ...redistest.Option) *world {
	t.Helper()
	w := &world{redis: redistest.Start(t, redisOpts...), sb: testenv.StartSandboxes(t)}
	c.RedisAddr = w.redis.Addr()
	w.cfg = testenv.WriteConfig(t, w.sb, c)
	return w
}

// deadLetters reads the dead letters from Redis: unlike a process's
// counter, it sees what every daemon of the test dead-lettered, killed ones
// included.
func (w *world) deadLetters(t *testing.T) []queue.DeadLetter {
	t.Helper()
	q, err := queue.New(w.redis.Client(t), queue.Options{Prefix: "carebridge:"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	dead, err := q.List(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	return dead
}

// start runs a daemon and waits until it is ready.
func (w *world) start(t *testing.T) *testenv.Proc {
	t.Helper()
	p := testenv.StartDaemon(t, w.cfg)
	testkit.Eventually(t, startTimeout, fmt.Sprintf("daemon pid %d ready", p.PID()), p.Ready)
	return p
}

// caseState is what one case should look like on both sides once every
// change made so far has arrived.
type caseState struct {
	careID     string
	sfID       string
	careDriven bool // status and assignment change in Care (else in Salesforce)
	status     rules.Status
	assignee   testenv.Person
	careNotes  []string // texts of notes written in Care
	sfComments []string // texts of CaseComments written in Salesforce
}

// ledger makes changes on both sides and knows what must come of them.
type ledger struct {
	sb    *testenv.Sandboxes
	cases []*caseState
	made  int
}

// escalateCases escalates n cases named prefix00, prefix01, ... (even ones
// driven from Care, odd ones from Salesforce), waits until each has its
// Salesforce Case and returns the ledger.
func escalateCases(t *testing.T, sb *testenv.Sandboxes, prefix string, n int) *ledger {
	t.Helper()
	l := &ledger{sb: sb}
	for i := range n {
		first := sb.People[i%len(sb.People)]
		cs := &caseState{careID: fmt.Sprintf("%s%02d", prefix, i), careDriven: i%2 == 0, status: rules.Open, assignee: first}
		sb.Escalate(t, cs.careID, &first.CareAgentID)
		l.cases = append(l.cases, cs)
	}
	testkit.Eventually(t, syncTimeout, "a Salesforce Case for every escalated case", func() (bool, string) {
		missing := 0
		for _, cs := range l.cases {
			if r := sb.SalesforceCase(cs.careID); r != nil {
				cs.sfID, _ = r["Id"].(string)
			} else {
				missing++
			}
		}
		return missing == 0, fmt.Sprintf("%d of %d missing", missing, n)
	})
	return l
}

// change makes change number i: a Care note, a Salesforce CaseComment, a
// status change or an assignment, on case i mod the number of cases, status
// and assignment on the side that drives the case.
func (l *ledger) change(t *testing.T, i int) {
	t.Helper()
	cs := l.cases[i%len(l.cases)]
	people := l.sb.People
	author := people[i%len(people)]
	switch (i / len(l.cases)) % 4 {
	case 0:
		l.careNote(t, cs, i, author)
	case 1:
		l.salesforceComment(t, cs, i, author)
	case 2:
		next := rules.Pending
		if cs.status == rules.Pending {
			next = rules.Open
		}
		var err error
		if cs.careDriven {
			err = l.sb.Care.UISetStatus(cs.careID, next)
		} else {
			err = l.sb.Salesforce.Update("Case", cs.sfID, map[string]any{"Status": map[rules.Status]string{rules.Open: "Working", rules.Pending: "On Hold"}[next]})
		}
		if err != nil {
			t.Fatalf("change %d: status %s on %s: %v", i, next, cs.careID, err)
		}
		cs.status = next
	case 3:
		next := people[0]
		for k, p := range people {
			if p == cs.assignee {
				next = people[(k+1)%len(people)]
			}
		}
		var err error
		if cs.careDriven {
			err = l.sb.Care.UIAssign(cs.careID, &next.CareAgentID)
		} else {
			err = l.sb.Salesforce.Update("Case", cs.sfID, map[string]any{"OwnerId": next.SalesforceID})
		}
		if err != nil {
			t.Fatalf("change %d: assign %s to %s: %v", i, cs.careID, next.Email, err)
		}
		cs.assignee = next
	}
	l.made++
}

// careNote writes note number i on cs in Care as author.
func (l *ledger) careNote(t *testing.T, cs *caseState, i int, author testenv.Person) {
	t.Helper()
	text := fmt.Sprintf("Care note %d on %s", i, cs.careID)
	if _, err := l.sb.Care.UIAddNote(cs.careID, author.CareAgentID, text); err != nil {
		t.Fatalf("change %d: Care note on %s: %v", i, cs.careID, err)
	}
	cs.careNotes = append(cs.careNotes, text)
}

// salesforceComment writes CaseComment number i on cs in Salesforce as author.
func (l *ledger) salesforceComment(t *testing.T, cs *caseState, i int, author testenv.Person) {
	t.Helper()
	text := fmt.Sprintf("Salesforce comment %d on %s", i, cs.careID)
	if _, err := l.sb.Salesforce.Insert("CaseComment", map[string]any{
		"ParentId": cs.sfID, "CommentBody": text, "IsPublished": false, "CreatedById": author.SalesforceID,
	}); err != nil {
		t.Fatalf("change %d: CaseComment on %s: %v", i, cs.sfID, err)
	}
	cs.sfComments = append(cs.sfComments, text)
}

// changes makes changes from (inclusive) to to (exclusive).
func (l *ledger) changes(t *testing.T, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		l.change(t, i)
	}
}

// notes counts the notes written so far and how many of them have arrived
// on the other side (at least once).
func (l *ledger) notes() (arrived, total int) {
	for _, cs := range l.cases {
		comments := l.sb.CaseComments(cs.sfID)
		for _, text := range cs.careNotes {
			total++
			for _, c := range comments {
				if body, _ := c["CommentBody"].(string); strings.HasSuffix(body, "\n"+text) {
					arrived++
					break
				}
			}
		}
		careNotes := l.sb.Care.Notes(cs.careID)
		for _, text := range cs.sfComments {
			total++
			for _, n := range careNotes {
				if n.Text == text {
					arrived++
					break
				}
			}
		}
	}
	return arrived, total
}

// converged reports whether both sides show every change exactly once, and
// otherwise the first difference found.
func (l *ledger) converged() (bool, string) {
	for _, cs := range l.cases {
		if problem := l.caseProblem(cs); problem != "" {
			return false, cs.careID + ": " + problem
		}
	}
	return true, ""
}

func (l *ledger) caseProblem(cs *caseState) string {
	sfCases := l.sb.SalesforceCases(cs.careID)
	if len(sfCases) != 1 {
		return fmt.Sprintf("%d Salesforce Cases, want exactly 1", len(sfCases))
	}
	if problem := l.notesProblem(cs); problem != "" {
		return problem
	}
	sfCase := sfCases[0]
	c, ok := l.sb.Care.Case(cs.careID)
	if !ok {
		return "the Care case is gone"
	}
	if c.Status != cs.status {
		return fmt.Sprintf("Care status %s, want %s", c.Status, cs.status)
	}
	sfStatus, _ := sfCase["Status"].(string)
	if got := canonicalStatus(sfStatus); got != cs.status {
		return fmt.Sprintf("Salesforce Status %q (%s), want %s", sfStatus, got, cs.status)
	}
	if c.AssigneeID == nil || *c.AssigneeID != cs.assignee.CareAgentID {
		return fmt.Sprintf("Care assignee %v, want %s", deref(c.AssigneeID), cs.assignee.CareAgentID)
	}
	if owner, _ := sfCase["OwnerId"].(string); owner != cs.assignee.SalesforceID {
		return fmt.Sprintf("Salesforce owner %s, want %s (%s)", owner, cs.assignee.SalesforceID, cs.assignee.Email)
	}
	return ""
}

// notesProblem reports the first note of cs that is missing or duplicated
// on either side, or a note nobody wrote.
func (l *ledger) notesProblem(cs *caseState) string {
	comments := map[string]int{} // body -> count
	for _, c := range l.sb.CaseComments(cs.sfID) {
		body, _ := c["CommentBody"].(string)
		comments[body]++
	}
	careNotes := map[string]int{} // text -> count
	for _, n := range l.sb.Care.Notes(cs.careID) {
		careNotes[n.Text]++
	}
	want := len(cs.careNotes) + len(cs.sfComments)
	if got := sum(comments); got != want {
		return fmt.Sprintf("%d CaseComments, want %d", got, want)
	}
	if got := sum(careNotes); got != want {
		return fmt.Sprintf("%d Care notes, want %d", got, want)
	}
	for _, text := range cs.careNotes {
		n := 0
		for body, count := range comments {
			if strings.HasSuffix(body, "\n"+text) {
				n += count
			}
		}
		if n != 1 || careNotes[text] != 1 {
			return fmt.Sprintf("Care note %q: %d in Care, %d copies in Salesforce; want 1 and 1", text, careNotes[text], n)
		}
	}
	for _, text := range cs.sfComments {
		if comments[text] != 1 || careNotes[text] != 1 {
			return fmt.Sprintf("CaseComment %q: %d in Salesforce, %d copies in Care; want 1 and 1", text, comments[text], careNotes[text])
		}
	}
	return ""
}

// canonicalStatus maps a Salesforce Status to Care's, as the shipped mapping
// does.
func canonicalStatus(sf string) rules.Status {
	switch sf {
	case "On Hold":
		return rules.Pending
	case "Closed":
		return rules.Done
	default:
		return rules.Open
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func deref(s *string) string {
	if s == nil {
		return "<unassigned>"
	}
	return *s
}

// waitConverged waits until every change has arrived exactly once, then
// checks that the picture holds over further poll cycles of p (nothing
// arrives late, twice).
func (l *ledger) waitConverged(t *testing.T, p *testenv.Proc, timeout time.Duration) {
	t.Helper()
	testkit.Eventually(t, timeout, fmt.Sprintf("all %d changes on both sides exactly once", l.made), l.converged)
	waitPolls(t, p, 3)
	if ok, problem := l.converged(); !ok {
		t.Fatalf("after three more poll cycles: %s", problem)
	}
}

// pollRuns is how many Care and Salesforce polls p has run (either result).
func pollRuns(t *testing.T, p *testenv.Proc) float64 {
	t.Helper()
	m := p.MustMetrics()
	return m.Value("carebridge_job_runs_total", "task", "poll_care") + m.Value("carebridge_job_runs_total", "task", "poll_salesforce")
}

// waitPolls waits until p has completed n more successful polls of each
// system.
func waitPolls(t *testing.T, p *testenv.Proc, n float64) {
	t.Helper()
	ok := func(m testenv.Metrics, job string) float64 {
		return m.Value("carebridge_job_runs_total", "task", job, "result", "success")
	}
	m := p.MustMetrics()
	care0, sf0 := ok(m, "poll_care"), ok(m, "poll_salesforce")
	testkit.Eventually(t, convergeTimeout, fmt.Sprintf("%v more polls of each system by pid %d", n, p.PID()), func() (bool, string) {
		m := p.MustMetrics()
		c, s := ok(m, "poll_care")-care0, ok(m, "poll_salesforce")-sf0
		return c >= n && s >= n, fmt.Sprintf("care %v, salesforce %v", c, s)
	})
}

// leaseTTL is the remaining life of the leader lease in Redis.
func (w *world) leaseTTL(t *testing.T) time.Duration {
	t.Helper()
	d, err := w.redis.Client(t).PTTL(context.Background(), leaseKey).Result()
	if err != nil {
		t.Fatalf("PTTL %s: %v", leaseKey, err)
	}
	return d
}
