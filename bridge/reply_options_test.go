package bridge

// The reply options on the Case: which reply modes Care allows now for the
// latest customer message, and until when the time-limited ones last.

import (
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/work"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

// TestCaseShowsTheReplyOptionsOfTheLatestCustomerMessage: the Case shows
// the allowed reply modes and deadlines as the conversation and the clock
// move; unchanged options are not written again.
func TestCaseShowsTheReplyOptionsOfTheLatestCustomerMessage(t *testing.T) {
	w := newTestWorld(t)
	posted := w.clock.Now().Add(-time.Hour)
	w.care.putCase(care.Case{ID: "c1", AssigneeID: strp("agent_ana"), ProfileID: strp("p_fb")})
	w.care.addMessage(care.Message{ID: "m1", CaseID: "c1", Kind: rules.Comment, Text: "Broken", Depth: 1, ParentID: strp("p0"), PostedAt: posted})
	steps := []struct {
		name         string
		change       func()
		modes        any // Care_Allowed_Reply_Modes__c (nil: empty)
		privateUntil any // Care_Private_Reply_Deadline__c
		dmUntil      any // Care_DM_Deadline__c
	}{
		{"a Facebook comment an hour old: a private reply is possible for 7 days", func() {},
			"public_reply;comment_on_post;private_reply", formatSFTime(posted.Add(7 * 24 * time.Hour)), nil},
		{"eight days later: the private reply window has closed", func() { w.clock.Advance(8 * 24 * time.Hour) },
			"public_reply;comment_on_post", nil, nil},
		{"the customer writes a direct message: a DM is possible for a week", func() {
			w.care.addMessage(care.Message{ID: "m2", CaseID: "c1", Kind: rules.DirectMessageKind, Text: "Hello?"})
		}, "direct_message", nil, formatSFTime(w.clock.Now().Add(8*24*time.Hour + 7*24*time.Hour))},
		{"the case is deleted in Care: no reply is possible", func() {
			w.care.editCase("c1", func(c *care.Case) { c.Status = rules.Deleted })
		}, nil, nil, nil},
	}
	for _, st := range steps {
		st.change()
		w.mustReconcile("c1")
		rec := w.sfCase("c1")
		if rec[AllowedModesField] != st.modes || rec[PrivateReplyDeadlineField] != st.privateUntil || rec[DMDeadlineField] != st.dmUntil {
			t.Errorf("%s: modes %v, private reply until %v, DM until %v; want %v, %v, %v", st.name,
				rec[AllowedModesField], rec[PrivateReplyDeadlineField], rec[DMDeadlineField], st.modes, st.privateUntil, st.dmUntil)
		}
		w.sf.resetCalls()
		w.mustReconcile("c1")
		if n := w.sf.count(sfUpdate, "Case"); n != 0 {
			t.Errorf("%s: the same options were written again (%d Case updates)", st.name, n)
		}
	}
}

// TestMessagesShowWhatTheAgentMayDoUntilTheWindowCloses: each mirrored
// message says which actions and reply modes it takes now, the Case the
// text limit of each allowed mode, and the case runs again just after the
// private reply window closes, to take the option away.
func TestMessagesShowWhatTheAgentMayDoUntilTheWindowCloses(t *testing.T) {
	w := newTestWorld(t)
	posted := w.clock.Now().Add(-time.Hour).Truncate(time.Second)
	w.care.putCase(care.Case{ID: "c1", AssigneeID: strp("agent_ana"), ProfileID: strp("p_fb")})
	w.care.addMessage(care.Message{ID: "m1", CaseID: "c1", Kind: rules.Comment, Direction: care.Inbound, Text: "Broken",
		Depth: 1, ParentID: strp("p0"), PostedAt: posted})
	w.care.addMessage(care.Message{ID: "m2", CaseID: "c1", Kind: rules.Comment, Direction: care.Inbound, Text: "gone",
		Depth: 1, ParentID: strp("p0"), PostedAt: posted, Deleted: true})

	check := func(when string, wantAfter time.Duration, actions, modes, limits any) {
		t.Helper()
		res, err := w.engine.Reconcile(w.ctx, work.ForCase("c1"))
		if err != nil {
			t.Fatalf("%s: reconcile: %v", when, err)
		}
		if res.RequeueAfter != wantAfter {
			t.Errorf("%s: runs again after %v, want %v", when, res.RequeueAfter, wantAfter)
		}
		m1, _ := w.sf.lookup(MessageObject, MessageIDField, "m1")
		if m1[MessageActionsField] != actions || m1[MessageModesField] != modes {
			t.Errorf("%s: message m1 allows %v with reply modes %v; want %v with %v", when,
				m1[MessageActionsField], m1[MessageModesField], actions, modes)
		}
		if m2, _ := w.sf.lookup(MessageObject, MessageIDField, "m2"); m2[MessageActionsField] != nil || m2[MessageModesField] != nil {
			t.Errorf("%s: the deleted message m2 allows %v with modes %v; want nothing", when, m2[MessageActionsField], m2[MessageModesField])
		}
		if got := w.sfCase("c1")[ReplyLimitsField]; got != limits {
			t.Errorf("%s: Case reply limits %v, want %v", when, got, limits)
		}
	}
	// The window closes 7 days after the comment; the run comes a second later.
	after := posted.Add(7*24*time.Hour).Sub(w.clock.Now()) + time.Second
	check("an hour after the comment", after,
		"reply;like;hide;delete;ban;unban", "public_reply;comment_on_post;private_reply", "private_reply:1999:characters")
	w.clock.Advance(after)
	check("when it runs again", 0, "reply;like;hide;delete;ban;unban", "public_reply;comment_on_post", nil)
}

// TestOptionsFollowTheCaseAsTheReconcileLeavesIt: a reconcile that assigns
// and closes the Care case (the agent took the Case and closed it) shows the
// options of the case as it left it (moderation needs an assignee) at once,
// so the next reconcile has nothing to write.
func TestOptionsFollowTheCaseAsTheReconcileLeavesIt(t *testing.T) {
	w := newTestWorld(t)
	w.escalate("c1", rules.Facebook, nil,
		care.Message{ID: "m1", Kind: rules.Comment, Direction: care.Inbound, Text: "Broken", Depth: 1, ParentID: strp("p0"), PostedAt: w.clock.Now().Add(-time.Hour)})
	w.care.editCase("c1", func(c *care.Case) { c.ProfileID = strp("p_fb") })
	w.mustReconcile("c1")
	before, _ := w.sf.lookup(MessageObject, MessageIDField, "m1")
	w.clock.Advance(time.Minute)
	w.sf.edit("Case", w.sfCase("c1")["Id"].(string), Record{"Status": "Closed", "OwnerId": w.users["ana@example.com"]})
	w.mustReconcile("c1")
	if c, _ := w.care.caseOf("c1"); c.Status != rules.Done || c.AssigneeID == nil {
		t.Fatalf("Care status %s, assignee %v; want done, Ana", c.Status, c.AssigneeID)
	}
	after, _ := w.sf.lookup(MessageObject, MessageIDField, "m1")
	if after[MessageActionsField] == before[MessageActionsField] && after[MessageModesField] == before[MessageModesField] {
		t.Fatalf("the message allows %v / %v as before the close; the close must change the options (test premise)", after[MessageActionsField], after[MessageModesField])
	}
	w.sf.resetCalls()
	w.mustReconcile("c1")
	if n := w.sf.count(sfUpdate, MessageObject) + w.sf.count(sfUpdate, "Case"); n != 0 {
		t.Errorf("the next reconcile wrote %d times; the options were stale after the close", n)
	}
}
