package bridge

// The reply options on the Case: which reply modes Care allows now for the
// latest customer message, and until when the time-limited ones last.

import (
	"testing"
	"time"

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
