package e2e_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/internal/testenv"
	"github.com/carebridge/carebridge/internal/testkit"
)

// TestSIGKILLDuringActionsSendsEachOnce creates 200 agent actions
// (Care_Action__c replies on 20 cases, each made by its Case's owner over
// the REST API) and SIGKILLs the daemon at random
// points of their processing, restarting it each time. Salesforce writes are
// slowed down, so kills often land between Care accepting a reply and the
// result being written back. In the end every action has a final status,
// Care holds exactly one reply per Sent action (the one it reports), and of
// the two private replies to each comment exactly one was sent.
func TestSIGKILLDuringActionsSendsEachOnce(t *testing.T) {
	t.Parallel()
	const (
		cases    = 20
		perCase  = 10 // 7 public replies, 1 comment on the post, 2 private replies
		kills    = 5
		deadline = 120 * time.Second
	)
	w := newWorld(t, testenv.Config{Workers: 4})
	sf := w.sb.Salesforce
	p := w.start(t)
	l := escalateCases(t, w.sb, "act_", cases)

	type action struct {
		id, careCase, body, mode string
	}
	var actions []action
	agents := map[string]*testenv.Agent{} // by e-mail: each Case's owner acts on it
	for _, cs := range l.cases {
		if agents[cs.assignee.Email] == nil {
			agents[cs.assignee.Email] = w.sb.Agent(t, cs.assignee.Email)
		}
		for k := range perCase {
			mode, target := "public_reply", "comment_"+cs.careID
			switch {
			case k == 7:
				mode, target = "comment_on_post", ""
			case k >= 8:
				mode = "private_reply"
			}
			body := fmt.Sprintf("Reply %d to %s", k, cs.careID)
			fields := map[string]any{"Case__c": cs.sfID, "Type__c": "reply", "Reply_Mode__c": mode, "Body__c": body}
			if target != "" {
				fields["Target_Message_Id__c"] = target
			}
			id := agents[cs.assignee.Email].CreateAction(t, fields)
			actions = append(actions, action{id: id, careCase: cs.careID, body: body, mode: mode})
		}
	}
	// Every Salesforce write (the Sending mark, the write-back) takes a
	// while: the window between Care's answer and the write-back is wide.
	sf.InjectFault(sfsim.Fault{Op: sfsim.OpCollectionsUpdate, Latency: 40 * time.Millisecond})

	status := func(id string) string {
		r, _ := sf.Record("Care_Action__c", id)
		s, _ := r["Status__c"].(string)
		return s
	}
	finished := func() int {
		n := 0
		for _, a := range actions {
			switch status(a.id) {
			case "Sent", "Rejected", "Failed":
				n++
			}
		}
		return n
	}
	sendingAtKill := 0
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	for k := range kills {
		before := finished()
		if before == len(actions) {
			t.Logf("all actions finished after %d kills", k)
			break
		}
		step := 1 + rng.IntN(len(actions)/(kills+1))
		testkit.Eventually(t, deadline, fmt.Sprintf("%d more actions finished before kill %d", step, k+1), func() (bool, string) {
			n := finished()
			return n >= min(before+step, len(actions)), fmt.Sprintf("%d of %d finished", n, len(actions))
		})
		sending := func() int {
			n := 0
			for _, a := range actions {
				if status(a.id) == "Sending" {
					n++
				}
			}
			return n
		}
		if k%2 == 0 {
			// Aim at the window between the Sending mark and the
			// write-back, where Care may already hold the reply.
			testkit.Eventually(t, deadline, "an action Sending", func() (bool, string) {
				return sending() > 0 || finished() == len(actions), fmt.Sprintf("%d finished", finished())
			})
		}
		p.Kill()
		inFlight := sending()
		sendingAtKill += inFlight
		t.Logf("kill %d (pid %d) with %d of %d actions finished, %d Sending", k+1, p.PID(), finished(), len(actions), inFlight)
		p = w.start(t)
	}
	testkit.Eventually(t, deadline, "every action finished", func() (bool, string) {
		n := finished()
		return n == len(actions), fmt.Sprintf("%d of %d finished", n, len(actions))
	})

	if sendingAtKill == 0 {
		t.Error("no kill landed while an action was Sending: the crash window was not exercised")
	}
	sent := map[string]int{} // Care case -> Sent actions
	privateSent := map[string]int{}
	for _, a := range actions {
		r, _ := sf.Record("Care_Action__c", a.id)
		switch r["Status__c"] {
		case "Sent":
			sent[a.careCase]++
			if a.mode == "private_reply" {
				privateSent[a.careCase]++
			}
			found := 0
			for _, m := range w.sb.Care.Replies(a.careCase) {
				if m.ID == r["Care_Result_Id__c"] && m.Text == a.body {
					found++
				}
			}
			if found != 1 {
				t.Errorf("action %s (%s) is Sent with %v, but Care holds %d such reply", a.id, a.body, r["Care_Result_Id__c"], found)
			}
		case "Rejected":
			if a.mode != "private_reply" || r["Status_Code__c"] != "private_reply_already_sent" {
				t.Errorf("action %s (%s, %s) rejected: %v %v", a.id, a.body, a.mode, r["Status_Code__c"], r["Status_Reason__c"])
			}
		default:
			t.Errorf("action %s (%s) ended %v: %v %v", a.id, a.body, r["Status__c"], r["Status_Code__c"], r["Status_Reason__c"])
		}
	}
	for _, cs := range l.cases {
		replies := w.sb.Care.Replies(cs.careID)
		if len(replies) != sent[cs.careID] {
			t.Errorf("%s: Care holds %d replies for %d Sent actions", cs.careID, len(replies), sent[cs.careID])
		}
		texts := map[string]int{}
		for _, m := range replies {
			texts[m.Text]++
		}
		for text, n := range texts {
			if n > 1 {
				t.Errorf("%s: Care holds %q %d times", cs.careID, text, n)
			}
		}
		if privateSent[cs.careID] != 1 {
			t.Errorf("%s: %d private replies sent to one comment, want exactly 1", cs.careID, privateSent[cs.careID])
		}
	}
	sf.ClearFaults()
}
