package bridge

// Unit tests of the action pipeline (actions.go): HandleAction through
// claim, check and decide, send and deliver, settle and readBack, finish,
// report, fail and retryOrGiveUp, run by the queue's handler
// (Engine.Reconcile) in the action world (actions_world_test.go). Each
// table is one behaviour; each row says what the agent sees on the
// Care_Action__c.

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/bridge/state/memstate"
	"github.com/carebridge/carebridge/bridge/work"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/upstream"
)

// replyAction is a reply action's fields.
func replyAction(mode rules.ReplyMode, body string) Record {
	return Record{actionType: string(rules.Reply), actionMode: string(mode), actionBody: body}
}

// moderationAction is a moderation action's fields.
func moderationAction(a rules.Action, target string) Record {
	return Record{actionType: string(a), actionTarget: target}
}

// profileAction is a set_profile action's fields.
func profileAction(profile string) Record {
	return Record{actionType: string(rules.SetProfile), actionProfile: profile}
}

// withFields returns r with more fields.
func withFields(r Record, kv ...any) Record {
	out := Record{}
	for k, v := range r {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

// TestActionSent: an action Care's rules allow is sent once with the
// action's idempotency key, and the agent sees it Sent with what Care made
// of it; the durable record says sent and reported, the case is reconciled
// next.
func TestActionSent(t *testing.T) {
	tests := []struct {
		name   string
		on     string // Care case ("": c1)
		setup  func(aw *actionWorld)
		fields Record
		// op, id and request are the one write Care carries out.
		op, id  string
		request any
		result  string // Care_Result_Id__c (theReply: the reply's id)
		effect  func(t *testing.T, aw *actionWorld)
	}{
		{
			name: "public reply: under the latest comment", fields: replyAction(rules.PublicReply, "We are on it"),
			op: caresim.OpPostReply, id: "c1", request: care.ReplyRequest{Mode: rules.PublicReply, Text: "We are on it"}, result: theReply,
			effect: func(t *testing.T, aw *actionWorld) {
				m := aw.newMessages("c1")[0]
				if m.Direction != care.Outbound || m.ParentID == nil || *m.ParentID != "m1" || m.Text != "We are on it" {
					t.Errorf("Care posted %+v; want the brand's reply under m1", m)
				}
			},
		},
		{
			name: "public reply: under the message the agent chose", fields: withFields(replyAction(rules.PublicReply, "Thanks all"), actionTarget, "p1"),
			op: caresim.OpPostReply, id: "c1", request: care.ReplyRequest{Mode: rules.PublicReply, InReplyTo: "p1", Text: "Thanks all"}, result: theReply,
			effect: func(t *testing.T, aw *actionWorld) {
				if m := aw.newMessages("c1")[0]; m.ParentID == nil || *m.ParentID != "p1" || m.Kind != rules.Comment {
					t.Errorf("Care posted %+v; want a comment under p1", m)
				}
			},
		},
		{
			name: "comment on post", fields: replyAction(rules.CommentOnPost, "Update: fixed"),
			op: caresim.OpPostReply, id: "c1", request: care.ReplyRequest{Mode: rules.CommentOnPost, Text: "Update: fixed"}, result: theReply,
			effect: func(t *testing.T, aw *actionWorld) {
				if m := aw.newMessages("c1")[0]; m.ParentID == nil || *m.ParentID != "p1" || m.Depth != 1 {
					t.Errorf("Care posted %+v; want a comment on the post p1", m)
				}
			},
		},
		{
			name: "direct message: in the customer's DM thread",
			setup: func(aw *actionWorld) {
				aw.care.addMessage(care.Message{ID: "dm1", CaseID: "c1", Kind: rules.DirectMessageKind, Author: care.Author{ID: "u_c1"}, Text: "Hello?", PostedAt: aw.ago(30 * time.Minute)})
			},
			fields: replyAction(rules.DirectMessage, "Please send your order number"),
			op:     caresim.OpPostReply, id: "c1", request: care.ReplyRequest{Mode: rules.DirectMessage, Text: "Please send your order number"}, result: theReply,
			effect: func(t *testing.T, aw *actionWorld) {
				if m := aw.newMessages("c1")[0]; m.Kind != rules.DirectMessageKind {
					t.Errorf("Care posted %+v; want a direct message", m)
				}
			},
		},
		{
			name: "private reply: to the customer's comment within its 7 days", fields: replyAction(rules.PrivateReply, "Sorry, DM us"),
			op: caresim.OpPostReply, id: "c1", request: care.ReplyRequest{Mode: rules.PrivateReply, Text: "Sorry, DM us"}, result: theReply,
			effect: func(t *testing.T, aw *actionWorld) {
				if !aw.message(t, "c1", "m1").PrivateReplySent {
					t.Error("m1 has no private reply")
				}
			},
		},
		{
			name: "reply with media that marks the case pending",
			fields: withFields(replyAction(rules.PublicReply, "See the manual"), actionMedia, " https://cdn.example/a.png\n\nhttps://cdn.example/b.png \n",
				actionMarkPending, true),
			op: caresim.OpPostReply, id: "c1", result: theReply,
			request: care.ReplyRequest{Mode: rules.PublicReply, Text: "See the manual",
				Media: []string{"https://cdn.example/a.png", "https://cdn.example/b.png"}, MarkPending: true},
			effect: func(t *testing.T, aw *actionWorld) {
				if c, _ := aw.care.caseOf("c1"); c.Status != rules.Pending {
					t.Errorf("case status %s; want pending", c.Status)
				}
				if m := aw.newMessages("c1")[0]; len(m.Media) != 2 {
					t.Errorf("Care posted media %v; want both", m.Media)
				}
			},
		},
		{
			name: "like", fields: moderationAction(rules.Like, "m1"),
			op: caresim.OpMessageAction, id: "m1", request: care.ActionRequest{Action: care.ActionLike, CaseID: "c1"}, result: "m1",
			effect: func(t *testing.T, aw *actionWorld) {
				if !aw.message(t, "c1", "m1").Liked {
					t.Error("m1 not liked")
				}
			},
		},
		{
			name: "unlike", fields: moderationAction(rules.Unlike, "m2"),
			op: caresim.OpMessageAction, id: "m2", request: care.ActionRequest{Action: care.ActionUnlike, CaseID: "c1"}, result: "m2",
			effect: func(t *testing.T, aw *actionWorld) {
				if aw.message(t, "c1", "m2").Liked {
					t.Error("m2 still liked")
				}
			},
		},
		{
			name: "hide", fields: moderationAction(rules.Hide, "m1"),
			op: caresim.OpMessageAction, id: "m1", request: care.ActionRequest{Action: care.ActionHide, CaseID: "c1"}, result: "m1",
			effect: func(t *testing.T, aw *actionWorld) {
				if !aw.message(t, "c1", "m1").Hidden {
					t.Error("m1 not hidden")
				}
			},
		},
		{
			name: "unhide", fields: moderationAction(rules.Unhide, "m2"),
			op: caresim.OpMessageAction, id: "m2", request: care.ActionRequest{Action: care.ActionUnhide, CaseID: "c1"}, result: "m2",
			effect: func(t *testing.T, aw *actionWorld) {
				if aw.message(t, "c1", "m2").Hidden {
					t.Error("m2 still hidden")
				}
			},
		},
		{
			name: "delete", fields: moderationAction(rules.Delete, "m2"),
			op: caresim.OpMessageAction, id: "m2", request: care.ActionRequest{Action: care.ActionDelete, CaseID: "c1"}, result: "m2",
			effect: func(t *testing.T, aw *actionWorld) {
				if !aw.message(t, "c1", "m2").Deleted {
					t.Error("m2 not deleted")
				}
			},
		},
		{
			name: "ban the author", fields: moderationAction(rules.Ban, "m2"),
			op: caresim.OpMessageAction, id: "m2", request: care.ActionRequest{Action: care.ActionBanAuthor, CaseID: "c1"}, result: "m2",
			effect: func(t *testing.T, aw *actionWorld) {
				if !aw.care.isBanned(rules.Facebook, "u_joe") {
					t.Error("Joe not banned")
				}
			},
		},
		{
			name: "unban the author",
			setup: func(aw *actionWorld) {
				if _, err := aw.care.Act(aw.ctx, "c1", "m2", care.ActionBanAuthor, "banned-in-care"); err != nil {
					aw.t.Fatal(err)
				}
				aw.care.resetCalls()
			},
			fields: moderationAction(rules.Unban, "m2"),
			op:     caresim.OpMessageAction, id: "m2", request: care.ActionRequest{Action: care.ActionUnbanAuthor, CaseID: "c1"}, result: "m2",
			effect: func(t *testing.T, aw *actionWorld) {
				if aw.care.isBanned(rules.Facebook, "u_joe") {
					t.Error("Joe still banned")
				}
			},
		},
		{
			name: "follow the author (Twitter)", on: "t1", fields: moderationAction(rules.Follow, "tm1"),
			op: caresim.OpMessageAction, id: "tm1", request: care.ActionRequest{Action: care.ActionFollowAuthor, CaseID: "t1"}, result: "tm1",
			effect: func(t *testing.T, aw *actionWorld) {
				if !aw.care.isFollowed(rules.Twitter, "u_t1") {
					t.Error("Tom not followed")
				}
			},
		},
		{
			name: "unfollow the author (Twitter)", on: "t1",
			setup: func(aw *actionWorld) {
				if _, err := aw.care.Act(aw.ctx, "t1", "tm1", care.ActionFollowAuthor, "followed-in-care"); err != nil {
					aw.t.Fatal(err)
				}
				aw.care.resetCalls()
			},
			fields: moderationAction(rules.Unfollow, "tm1"),
			op:     caresim.OpMessageAction, id: "tm1", request: care.ActionRequest{Action: care.ActionUnfollowAuthor, CaseID: "t1"}, result: "tm1",
			effect: func(t *testing.T, aw *actionWorld) {
				if aw.care.isFollowed(rules.Twitter, "u_t1") {
					t.Error("Tom still followed")
				}
			},
		},
		{
			name: "set profile before anyone interacted", fields: profileAction(fbOtherProfile),
			op: caresim.OpSetProfile, id: "c1", request: care.ProfileRequest{ProfileID: fbOtherProfile}, result: fbOtherProfile,
			effect: func(t *testing.T, aw *actionWorld) {
				if c, _ := aw.care.caseOf("c1"); c.ProfileID == nil || *c.ProfileID != fbOtherProfile {
					t.Errorf("case profile %v; want %s", c.ProfileID, fbOtherProfile)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			aw := newActionWorld(t)
			if tt.setup != nil {
				tt.setup(aw)
			}
			on := cmp.Or(tt.on, "c1")
			id := aw.act(tt.on, tt.fields)
			aw.mustRun(id)

			aw.sees(t, id, agentSees{status: StatusSent, result: tt.result})
			writes := aw.careWrites()
			if len(writes) != 1 || aw.care.applied(anyOp) != 1 {
				t.Fatalf("Care got writes %+v; want one, carried out", writes)
			}
			if c := writes[0]; c.Op != tt.op || c.ID != tt.id || c.Key != IdempotencyKey(id) || !reflect.DeepEqual(c.Request, tt.request) {
				t.Errorf("Care got %s %s key %q %#v; want %s %s key %q %#v", c.Op, c.ID, c.Key, c.Request, tt.op, tt.id, IdempotencyKey(id), tt.request)
			}
			tt.effect(t, aw)
			if got := aw.statuses(id); !slices.Equal(got, []string{StatusSending, StatusSent}) {
				t.Errorf("Status__c went %v; want Sending then Sent", got)
			}
			rec, ok := aw.durable(id)
			if !ok || rec.State != state.ActionSent || rec.CareMessageID != str(aw.record(id)[actionResult]) || !rec.Reported ||
				rec.IdempotencyKey != IdempotencyKey(id) || len(rec.Request) == 0 {
				t.Errorf("durable record %+v (found %v); want sent, reported, with the key and the request", rec, ok)
			}
			checkSeries(t, "carebridge_actions_total", aw.outcomes(str(tt.fields[actionType])), seriesOf(resultSent, 1))
			checkSeries(t, "carebridge_rule_rejections_total", aw.rejections(), nil)
			if got := aw.queue.take(); !slices.Equal(got, []string{work.ForCase(on)}) {
				t.Errorf("enqueued %v; want the case %s", got, work.ForCase(on))
			}
		})
	}
}

// TestActionRejectedBeforeSending: an action Care's rules refuse, an
// invalid one, one whose target is not in the case and one on a Case not
// from Care end Rejected with the code and the reason, without anything
// sent, shown Sending or kept; the queue is done with the key.
func TestActionRejectedBeforeSending(t *testing.T) {
	tests := []struct {
		name     string
		on       string
		setup    func(aw *actionWorld)
		fields   Record
		code     string
		reason   string
		platform string // the rule_rejections_total label
	}{
		{
			name: "private reply after the 7-day window",
			setup: func(aw *actionWorld) {
				aw.care.addMessage(care.Message{ID: "old", CaseID: "c1", Kind: rules.Comment, ParentID: strp("p1"), Depth: 1,
					Author: care.Author{ID: "u_c1"}, Text: "Still broken", PostedAt: aw.ago(8 * 24 * time.Hour)})
			},
			fields: withFields(replyAction(rules.PrivateReply, "Sorry"), actionTarget, "old"),
			code:   rules.CodePrivateReplyWindowExpired, reason: "The 7-day window for a private reply", platform: "facebook",
		},
		{
			name: "private reply to a Facebook Page",
			setup: func(aw *actionWorld) {
				aw.care.addMessage(care.Message{ID: "page", CaseID: "c1", Kind: rules.Comment, ParentID: strp("p1"), Depth: 1,
					Author: care.Author{ID: "u_shop", IsPage: true}, Text: "We sell cases", PostedAt: aw.ago(time.Minute)})
			},
			fields: withFields(replyAction(rules.PrivateReply, "Hi"), actionTarget, "page"),
			code:   rules.CodePrivateReplyToPage, reason: "posted by a Facebook Page", platform: "facebook",
		},
		{
			name: "direct message without a DM in the conversation", fields: replyAction(rules.DirectMessage, "Hi"),
			code: rules.CodeDMNotAvailable, reason: "no direct messages in this Facebook conversation", platform: "facebook",
		},
		{
			name: "reply on a case without a profile", setup: func(aw *actionWorld) {
				aw.care.editCase("c1", func(c *care.Case) { c.ProfileID = nil })
			},
			fields: replyAction(rules.PublicReply, "Hi"),
			code:   rules.CodeProfileRequired, reason: "no social media profile", platform: "facebook",
		},
		{
			name: "empty reply", fields: replyAction(rules.PublicReply, "  "),
			code: rules.CodeEmptyReply, reason: "is empty", platform: "facebook",
		},
		{
			name: "like on an unassigned case", setup: func(aw *actionWorld) {
				aw.care.editCase("c1", func(c *care.Case) { c.AssigneeID = nil })
			},
			fields: moderationAction(rules.Like, "m1"),
			code:   rules.CodeNotAssigned, reason: "You must be assigned", platform: "facebook",
		},
		{
			name: "follow on Facebook", fields: moderationAction(rules.Follow, "m1"),
			code: rules.CodeActionNotSupported, reason: "Care cannot follow the author of a message on Facebook", platform: "facebook",
		},
		{
			name: "hide a post", fields: moderationAction(rules.Hide, "p1"),
			code: rules.CodeHideNotComment, reason: "not a post", platform: "facebook",
		},
		{
			name: "set profile after someone interacted", setup: func(aw *actionWorld) {
				aw.care.editCase("c1", func(c *care.Case) { c.Interacted = true })
			},
			fields: profileAction(fbOtherProfile),
			code:   rules.CodeProfileLocked, reason: "can no longer be changed", platform: "facebook",
		},
		{
			name: "invalid: unknown type", fields: Record{actionType: "retweet", actionTarget: "m1"},
			code: CodeInvalidAction, reason: `Unknown action type "retweet"`, platform: "facebook",
		},
		{
			name: "invalid: reply without a mode", fields: Record{actionType: "reply", actionBody: "Hi"},
			code: CodeInvalidAction, reason: "A reply needs a reply mode", platform: "facebook",
		},
		{
			name: "invalid: reply in an unknown mode", fields: replyAction("shout", "Hi"),
			code: CodeInvalidAction, reason: `(got "shout")`, platform: "facebook",
		},
		{
			name: "invalid: moderation without a target", fields: moderationAction(rules.Delete, ""),
			code: CodeInvalidAction, reason: "A delete action needs the Care message id of its target", platform: "facebook",
		},
		{
			name: "invalid: set_profile without a profile", fields: profileAction(" "),
			code: CodeInvalidAction, reason: "needs the Care profile id in Profile Id", platform: "facebook",
		},
		{
			name: "target not in the case", fields: moderationAction(rules.Like, "nope"),
			code: CodeTargetNotFound, reason: `"nope" is not a message of this case`, platform: "facebook",
		},
		{
			name: "target in another case", fields: withFields(replyAction(rules.PublicReply, "Hi"), actionTarget, "tm1"),
			code: CodeTargetNotFound, reason: `"tm1" is not a message of this case`, platform: "facebook",
		},
		{
			name: "target deleted",
			setup: func(aw *actionWorld) {
				aw.care.addMessage(care.Message{ID: "gone", CaseID: "c1", Kind: rules.Comment, ParentID: strp("p1"), Depth: 1, Deleted: true})
			},
			fields: moderationAction(rules.Hide, "gone"),
			code:   CodeTargetNotFound, reason: `"gone" was deleted`, platform: "facebook",
		},
		{
			name: "reply in a case with no message yet", on: "c3",
			setup:  func(aw *actionWorld) { aw.addCase("c3", rules.Facebook, fbProfile) },
			fields: replyAction(rules.PublicReply, "Hi"),
			code:   CodeTargetNotFound, reason: "no message to reply to yet", platform: "facebook",
		},
		{
			name: "case not synced: a Case without a Care case", on: unsyncedCase, fields: replyAction(rules.PublicReply, "Hi"),
			code: CodeCaseNotSynced, reason: "not linked to a Care case", platform: "unknown",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			aw := newActionWorld(t)
			if tt.setup != nil {
				tt.setup(aw)
			}
			id := aw.act(tt.on, tt.fields)
			aw.mustRun(id)

			aw.sees(t, id, agentSees{status: StatusRejected, code: tt.code, reason: tt.reason})
			if w := aw.careWrites(); len(w) != 0 {
				t.Errorf("Care got writes %+v; want none", w)
			}
			if got := aw.statuses(id); !slices.Equal(got, []string{StatusRejected}) {
				t.Errorf("Status__c went %v; want straight to Rejected", got)
			}
			if rec, ok := aw.durable(id); ok {
				t.Errorf("durable record %+v; want none (nothing was sent)", rec)
			}
			typ := str(tt.fields[actionType])
			checkSeries(t, "carebridge_actions_total", aw.outcomes(typ), seriesOf(resultRejected, 1))
			checkSeries(t, "carebridge_rule_rejections_total", aw.rejections(), seriesOf(typ+"/"+tt.code+"/"+tt.platform, 1))
			if got := aw.queue.take(); len(got) != 0 {
				t.Errorf("enqueued %v after a rejection", got)
			}
		})
	}
}

// TestActionCareAnswersAtTheSend: what Care answers the send itself ends
// the action: a refusal by one of Care's rules (422) Rejected with Care's
// code and reason, a permanent error Failed with send_failed and Care's
// message, and the queue dead-letters what Failed.
func TestActionCareAnswersAtTheSend(t *testing.T) {
	tests := []struct {
		name     string
		fields   Record
		inject   func(aw *actionWorld)
		want     agentSees
		durable  state.ActionState // "": no durable record
		statuses []string
		counted  string // carebridge_actions_total result
		rejected map[string]float64
		terminal bool
	}{
		{
			name: "Care refuses the reply by its rule: Rejected with Care's code and reason", fields: replyAction(rules.PrivateReply, "Sorry"),
			inject: func(aw *actionWorld) {
				aw.care.failNext(caresim.OpPostReply, "c1", 1, careRefused(caresim.OpPostReply, rules.CodePrivateReplyAlreadySent,
					"A private reply has already been sent to this comment."))
			},
			want:    agentSees{status: StatusRejected, code: rules.CodePrivateReplyAlreadySent, reason: "A private reply has already been sent to this comment."},
			durable: state.ActionRejected, statuses: []string{StatusSending, StatusRejected}, counted: resultRejected,
			rejected: seriesOf("reply/private_reply_already_sent/facebook", 1),
		},
		{
			name: "Care refuses the like by its rule: Rejected", fields: moderationAction(rules.Like, "m1"),
			inject: func(aw *actionWorld) {
				aw.care.failNext(caresim.OpMessageAction, "m1", 1, careRefused(caresim.OpMessageAction, rules.CodeNotAssigned, "You must be assigned."))
			},
			want:    agentSees{status: StatusRejected, code: rules.CodeNotAssigned, reason: "You must be assigned."},
			durable: state.ActionRejected, statuses: []string{StatusSending, StatusRejected}, counted: resultRejected,
			rejected: seriesOf("like/not_assigned/facebook", 1),
		},
		{
			name: "Care does not accept the reply (400): Failed send_failed quoting Care", fields: replyAction(rules.PublicReply, "Visit spam.example"),
			inject: func(aw *actionWorld) {
				aw.care.failNext(caresim.OpPostReply, "c1", 1, careError(caresim.OpPostReply, 400, "", "text contains a blocked link"))
			},
			want: agentSees{status: StatusFailed, code: CodeSendFailed,
				reason: "Care did not accept the action: text contains a blocked link (HTTP 400). Check the action's fields and create a new action."},
			durable: state.ActionFailed, statuses: []string{StatusSending, StatusFailed}, counted: resultFailed, terminal: true,
		},
		{
			name: "set_profile to a profile Care does not have: Failed send_failed", fields: profileAction("prof_nope"),
			want:    agentSees{status: StatusFailed, code: CodeSendFailed, reason: `profile "prof_nope" does not exist (HTTP 400)`},
			durable: state.ActionFailed, statuses: []string{StatusSending, StatusFailed}, counted: resultFailed, terminal: true,
		},
		{
			name: "the target vanished from Care before the send (404): Failed send_failed", fields: moderationAction(rules.Hide, "m1"),
			inject: func(aw *actionWorld) {
				aw.care.failNext(caresim.OpMessageAction, "m1", 1, careError(caresim.OpMessageAction, 404, "", `message "m1" not found`))
			},
			want:    agentSees{status: StatusFailed, code: CodeSendFailed, reason: `message "m1" not found (HTTP 404)`},
			durable: state.ActionFailed, statuses: []string{StatusSending, StatusFailed}, counted: resultFailed, terminal: true,
		},
		{
			name: "the Care case is gone when the action is checked (404): Failed send_failed, nothing begun", fields: moderationAction(rules.Like, "m1"),
			inject: func(aw *actionWorld) {
				aw.care.failNext(caresim.OpGetCase, "c1", 1, careError(caresim.OpGetCase, 404, "", `case "c1" not found`))
			},
			want:     agentSees{status: StatusFailed, code: CodeSendFailed, reason: `carebridge could not process the action: case "c1" not found (HTTP 404)`},
			statuses: []string{StatusFailed}, counted: resultFailed, terminal: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			aw := newActionWorld(t)
			if tt.inject != nil {
				tt.inject(aw)
			}
			id := aw.act("", tt.fields)
			res, err := aw.run(id)
			if res != (queue.Result{}) || (err != nil) != tt.terminal || (err != nil && !queue.IsTerminal(err)) {
				t.Errorf("Reconcile = %+v, %v (terminal %v); want terminal %v", res, err, queue.IsTerminal(err), tt.terminal)
			}
			aw.sees(t, id, tt.want)
			if n := aw.care.applied(anyOp); n != 0 {
				t.Errorf("Care carried out %d writes; want none", n)
			}
			if got := aw.statuses(id); !slices.Equal(got, tt.statuses) {
				t.Errorf("Status__c went %v; want %v", got, tt.statuses)
			}
			rec, ok := aw.durable(id)
			switch {
			case tt.durable == "" && ok:
				t.Errorf("durable record %+v; want none", rec)
			case tt.durable != "" && (!ok || rec.State != tt.durable || rec.Code != tt.want.code || !rec.Reported):
				t.Errorf("durable record %+v (found %v); want %s with code %s, reported", rec, ok, tt.durable, tt.want.code)
			}
			checkSeries(t, "carebridge_actions_total", aw.outcomes(str(tt.fields[actionType])), seriesOf(tt.counted, 1))
			checkSeries(t, "carebridge_rule_rejections_total", aw.rejections(), tt.rejected)
			if got := aw.queue.take(); len(got) != 0 {
				t.Errorf("enqueued %v; want nothing (nothing was sent)", got)
			}
		})
	}
}

// TestActionRetriedUntilCareIsGivenUpOn: while Care cannot be reached the
// action is retried (a plain error for the queue's backoff, counted
// retry); once it has been retried for ActionGiveUp it ends Failed with
// retries_exhausted, never carried out.
func TestActionRetriedUntilCareIsGivenUpOn(t *testing.T) {
	tests := []struct {
		name   string
		fields Record
		inject func(aw *actionWorld)
		// begun: the failure came after the request was frozen, so the
		// action shows Sending and has its durable record.
		begun  bool
		reason string
	}{
		{
			name: "Care answers 503 to the reply", fields: replyAction(rules.PublicReply, "Hi"), begun: true,
			inject: func(aw *actionWorld) { aw.care.failNext(caresim.OpPostReply, "c1", -1, nil) },
			reason: "Care could not be reached for 10m0s (Service Unavailable (HTTP 503)); create a new action to try again.",
		},
		{
			name: "Care throttles the like (429)", fields: moderationAction(rules.Like, "m1"), begun: true,
			inject: func(aw *actionWorld) {
				aw.care.failNext(caresim.OpMessageAction, "m1", -1, careRateLimited(caresim.OpMessageAction, time.Second))
			},
			reason: "Care could not be reached for 10m0s (Too Many Requests (HTTP 429))",
		},
		{
			name: "the connection to Care drops before set_profile reaches it", fields: profileAction(fbOtherProfile), begun: true,
			inject: func(aw *actionWorld) {
				aw.care.failNext(caresim.OpSetProfile, "c1", -1, lostAnswer(care.System, caresim.OpSetProfile))
			},
			reason: "Care could not be reached for 10m0s (network error)",
		},
		{
			name: "Care answers 503 when the case is read for the check", fields: replyAction(rules.PublicReply, "Hi"),
			inject: func(aw *actionWorld) { aw.care.failNext(caresim.OpGetCase, "c1", -1, nil) },
			reason: "Care could not be reached for 10m0s (Service Unavailable (HTTP 503))",
		},
		{
			name: "Salesforce cannot be read for the Case Redis lost the link of", fields: moderationAction(rules.Like, "m1"),
			inject: func(aw *actionWorld) {
				fresh := memstate.New(memstate.WithClock(aw.clock.Now))
				aw.store, aw.opts.Store = fresh, fresh
				aw.restart()
				aw.sf.failNext(sfQuery, "Case", -1, nil)
			},
			reason: "could not be reached for 10m0s (Server temporarily unavailable (HTTP 503))",
		},
		{
			name: "Care answers 503 when the conversation is read for the check", fields: moderationAction(rules.Hide, "m1"),
			inject: func(aw *actionWorld) { aw.care.failNext(caresim.OpListMessages, "c1", -1, nil) },
			reason: "Care could not be reached for 10m0s",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			aw := newActionWorld(t)
			tt.inject(aw)
			id := aw.act("", tt.fields)
			typ := str(tt.fields[actionType])
			retried := func(attempt int) {
				t.Helper()
				res, err := aw.run(id)
				if err == nil || queue.IsTerminal(err) || res != (queue.Result{}) {
					t.Fatalf("attempt %d: Reconcile = %+v, %v; want a retryable error", attempt, res, err)
				}
				want := agentSees{status: StatusQueued}
				if tt.begun {
					want.status = StatusSending
				}
				aw.sees(t, id, want)
				rec, ok := aw.durable(id)
				if tt.begun != ok || (ok && (rec.State != state.ActionSending || len(rec.Request) == 0)) {
					t.Errorf("attempt %d: durable record %+v (found %v); want one sending with its request: %v", attempt, rec, ok, tt.begun)
				}
				checkSeries(t, "carebridge_actions_total", aw.outcomes(typ), seriesOf(resultRetry, attempt))
			}
			retried(1)
			aw.clock.Advance(aw.engine.actions.giveUp - time.Millisecond)
			retried(2)
			aw.clock.Advance(time.Millisecond)
			if _, err := aw.run(id); err == nil {
				t.Fatal("Reconcile after ActionGiveUp = nil; want the action failed")
			}
			aw.sees(t, id, agentSees{status: StatusFailed, code: CodeRetriesExhausted, reason: tt.reason})
			if n := aw.care.applied(anyOp); n != 0 {
				t.Errorf("Care carried out %d writes; want none", n)
			}
			rec, ok := aw.durable(id)
			if tt.begun != ok || (ok && (rec.State != state.ActionFailed || rec.Code != CodeRetriesExhausted)) {
				t.Errorf("durable record %+v (found %v); want it failed: %v", rec, ok, tt.begun)
			}
			checkSeries(t, "carebridge_actions_total", aw.outcomes(typ), seriesOf(resultRetry, 2, resultFailed, 1))
		})
	}
}

// TestActionWhoseAnswerWasLostIsSentOnce: Care carried the action out but
// its answer was lost, and the agent edited the action before the retry.
// The retry sends the request frozen when the action was taken with the
// same key, so Care answers with its first result: Care acted once, the
// action ends Sent with what Care did, and the reason tells the agent the
// edit was not sent.
func TestActionWhoseAnswerWasLostIsSentOnce(t *testing.T) {
	tests := []struct {
		name    string
		on      string
		fields  Record
		op, id  string // the call whose answer is lost
		edit    Record
		result  string
		edited  string // the fields the reason names ("": no reason)
		request any    // what Care carried out
	}{
		{
			name: "reply, Body edited", fields: replyAction(rules.PublicReply, "We are on it"), op: caresim.OpPostReply, id: "c1",
			edit: Record{actionBody: "We are on it, sorry for the wait"}, result: theReply, edited: "the later edit of Body was not sent",
			request: care.ReplyRequest{Mode: rules.PublicReply, Text: "We are on it"},
		},
		{
			name: "reply, Media URLs edited", fields: replyAction(rules.PublicReply, "See"), op: caresim.OpPostReply, id: "c1",
			edit: Record{actionMedia: "https://cdn.example/a.png"}, result: theReply, edited: "the later edit of Media URLs was not sent",
			request: care.ReplyRequest{Mode: rules.PublicReply, Text: "See"},
		},
		{
			name: "reply, Reply Mode edited", fields: replyAction(rules.PublicReply, "Hi"), op: caresim.OpPostReply, id: "c1",
			edit: Record{actionMode: string(rules.PrivateReply)}, result: theReply, edited: "the later edit of Reply Mode was not sent",
			request: care.ReplyRequest{Mode: rules.PublicReply, Text: "Hi"},
		},
		{
			name: "reply, Target Message Id edited", fields: withFields(replyAction(rules.PublicReply, "Hi"), actionTarget, "m1"), op: caresim.OpPostReply, id: "c1",
			edit: Record{actionTarget: "p1"}, result: theReply, edited: "the later edit of Target Message Id was not sent",
			request: care.ReplyRequest{Mode: rules.PublicReply, InReplyTo: "m1", Text: "Hi"},
		},
		{
			name: "reply, Mark Pending edited", fields: replyAction(rules.PublicReply, "Hi"), op: caresim.OpPostReply, id: "c1",
			edit: Record{actionMarkPending: true}, result: theReply, edited: "the later edit of Mark Pending was not sent",
			request: care.ReplyRequest{Mode: rules.PublicReply, Text: "Hi"},
		},
		{
			name: "reply, Body and Media URLs edited", fields: replyAction(rules.PublicReply, "Hi"), op: caresim.OpPostReply, id: "c1",
			edit: Record{actionBody: "Hello", actionMedia: "https://cdn.example/a.png"}, result: theReply,
			edited: "the later edit of Body, Media URLs was not sent", request: care.ReplyRequest{Mode: rules.PublicReply, Text: "Hi"},
		},
		{
			name: "reply, not edited: no reason", fields: replyAction(rules.PublicReply, "Hi"), op: caresim.OpPostReply, id: "c1",
			result: theReply, request: care.ReplyRequest{Mode: rules.PublicReply, Text: "Hi"},
		},
		{
			name: "like, Target Message Id edited", fields: moderationAction(rules.Like, "m1"), op: caresim.OpMessageAction, id: "m1",
			edit: Record{actionTarget: "p1"}, result: "m1", edited: "the later edit of Target Message Id was not sent",
			request: care.ActionRequest{Action: care.ActionLike, CaseID: "c1"},
		},
		{
			name: "like, Type edited to unlike", fields: moderationAction(rules.Like, "m1"), op: caresim.OpMessageAction, id: "m1",
			edit: Record{actionType: string(rules.Unlike)}, result: "m1", edited: "the later edit of Type was not sent",
			request: care.ActionRequest{Action: care.ActionLike, CaseID: "c1"},
		},
		{
			name: "follow, not edited", on: "t1", fields: moderationAction(rules.Follow, "tm1"), op: caresim.OpMessageAction, id: "tm1",
			result: "tm1", request: care.ActionRequest{Action: care.ActionFollowAuthor, CaseID: "t1"},
		},
		{
			name: "set_profile, Profile Id edited", fields: profileAction(fbOtherProfile), op: caresim.OpSetProfile, id: "c1",
			edit: Record{actionProfile: fbThirdProfile}, result: fbOtherProfile, edited: "the later edit of Profile Id was not sent",
			request: care.ProfileRequest{ProfileID: fbOtherProfile},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			aw := newActionWorld(t)
			aw.care.loseNext(tt.op, tt.id, 1)
			id := aw.act(tt.on, tt.fields)
			if res, err := aw.run(id); err == nil || queue.IsTerminal(err) || res != (queue.Result{}) {
				t.Fatalf("Reconcile with the answer lost = %+v, %v; want a retryable error", res, err)
			}
			aw.sees(t, id, agentSees{status: StatusSending})
			if n := aw.care.applied(tt.op); n != 1 {
				t.Fatalf("Care carried out %d writes with the answer lost; want 1", n)
			}
			if tt.edit != nil {
				aw.sf.edit(ActionObject, id, tt.edit)
			}
			aw.mustRun(id)

			aw.sees(t, id, agentSees{status: StatusSent, result: tt.result, reason: tt.edited})
			writes := aw.careWrites()
			if aw.care.applied(anyOp) != 1 || len(writes) != 2 || !writes[1].Replayed {
				t.Fatalf("Care got %+v; want the write carried out once, then replayed", writes)
			}
			for _, c := range writes {
				if c.Op != tt.op || c.ID != tt.id || c.Key != IdempotencyKey(id) || !reflect.DeepEqual(c.Request, tt.request) {
					t.Errorf("Care got %s %s key %q %#v; want the frozen %s %s %#v with key %q", c.Op, c.ID, c.Key, c.Request, tt.op, tt.id, tt.request, IdempotencyKey(id))
				}
			}
			rec, ok := aw.durable(id)
			if !ok || rec.State != state.ActionSent || !rec.Reported || rec.CareMessageID != str(aw.record(id)[actionResult]) {
				t.Errorf("durable record %+v (found %v); want sent and reported", rec, ok)
			}
			// Summed over the types: see TestActionCountedUnderTheTypeCareCarriedOut.
			checkSeries(t, "carebridge_actions_total", aw.outcomesOfAllTypes(), seriesOf(resultRetry, 1, resultSent, 1))
		})
	}
}

// TestActionCountedUnderTheTypeCareCarriedOut: an action whose Type was
// edited after its request was frozen is counted under the type Care
// carried out, the frozen one.
func TestActionCountedUnderTheTypeCareCarriedOut(t *testing.T) {

	aw := newActionWorld(t)
	aw.care.loseNext(caresim.OpMessageAction, "m1", 1)
	id := aw.act("", moderationAction(rules.Like, "m1"))
	_, _ = aw.run(id)
	aw.sf.edit(ActionObject, id, Record{actionType: string(rules.Unlike)})
	aw.mustRun(id)
	checkSeries(t, "carebridge_actions_total{type=like}", aw.outcomes("like"), seriesOf(resultRetry, 1, resultSent, 1))
	checkSeries(t, "carebridge_actions_total{type=unlike}", aw.outcomes("unlike"), nil)
}

// TestActionResumedAfterACrashSendsItsFrozenRequest: an action begun
// (its request frozen in the durable record) whose first attempt did not
// reach Care is resumed by the next run, on a restarted engine, with the
// identical request and key, whatever the agent edited meanwhile.
func TestActionResumedAfterACrashSendsItsFrozenRequest(t *testing.T) {
	tests := []struct {
		name     string
		fields   Record
		inject   func(aw *actionWorld) // makes the first run fail after BeginAction
		edit     Record
		op, id   string
		request  any
		result   string
		reason   string
		statuses []string
	}{
		{
			name: "reply, Care unavailable, then Body edited: the first text is posted", fields: replyAction(rules.PublicReply, "We are on it"),
			inject: func(aw *actionWorld) { aw.care.failNext(caresim.OpPostReply, "c1", 1, nil) },
			edit:   Record{actionBody: "Edited"}, op: caresim.OpPostReply, id: "c1",
			request: care.ReplyRequest{Mode: rules.PublicReply, Text: "We are on it"}, result: theReply,
			reason: "the later edit of Body was not sent", statuses: []string{StatusSending, StatusSent},
		},
		{
			name: "like, Care unavailable, then Target edited: the first target is liked", fields: moderationAction(rules.Like, "m1"),
			inject: func(aw *actionWorld) { aw.care.failNext(caresim.OpMessageAction, "m1", 1, nil) },
			edit:   Record{actionTarget: "p1"}, op: caresim.OpMessageAction, id: "m1",
			request: care.ActionRequest{Action: care.ActionLike, CaseID: "c1"}, result: "m1",
			reason: "the later edit of Target Message Id was not sent", statuses: []string{StatusSending, StatusSent},
		},
		{
			name: "set_profile, Care unavailable, then Profile Id edited", fields: profileAction(fbOtherProfile),
			inject: func(aw *actionWorld) { aw.care.failNext(caresim.OpSetProfile, "c1", 1, nil) },
			edit:   Record{actionProfile: fbThirdProfile}, op: caresim.OpSetProfile, id: "c1",
			request: care.ProfileRequest{ProfileID: fbOtherProfile}, result: fbOtherProfile,
			reason: "the later edit of Profile Id was not sent", statuses: []string{StatusSending, StatusSent},
		},
		{
			name: "reply, the Sending mark failed after the request was frozen, then Body edited", fields: replyAction(rules.PublicReply, "We are on it"),
			inject: func(aw *actionWorld) { aw.sf.failNext(sfUpdate, ActionObject, 1, nil) },
			edit:   Record{actionBody: "Edited"}, op: caresim.OpPostReply, id: "c1",
			request: care.ReplyRequest{Mode: rules.PublicReply, Text: "We are on it"}, result: theReply,
			reason: "the later edit of Body was not sent", statuses: []string{StatusSent},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			aw := newActionWorld(t)
			tt.inject(aw)
			id := aw.act("", tt.fields)
			if res, err := aw.run(id); err == nil || queue.IsTerminal(err) || res != (queue.Result{}) {
				t.Fatalf("first run = %+v, %v; want a retryable error", res, err)
			}
			rec, ok := aw.durable(id)
			if !ok || rec.State != state.ActionSending || len(rec.Request) == 0 {
				t.Fatalf("durable record after the first run %+v (found %v); want sending with its request", rec, ok)
			}
			if n := aw.care.applied(anyOp); n != 0 {
				t.Fatalf("Care carried out %d writes in the first run; want none", n)
			}
			aw.sf.edit(ActionObject, id, tt.edit)
			aw.restart()
			aw.mustRun(id)

			aw.sees(t, id, agentSees{status: StatusSent, result: tt.result, reason: tt.reason})
			if n := aw.care.applied(anyOp); n != 1 {
				t.Errorf("Care carried out %d writes; want 1", n)
			}
			var sent []careCall
			for _, c := range aw.careWrites() {
				if c.Op == tt.op {
					sent = append(sent, c)
				}
			}
			if len(sent) == 0 {
				t.Fatal("Care got no request")
			}
			for _, c := range sent {
				if c.ID != tt.id || c.Key != IdempotencyKey(id) || !reflect.DeepEqual(c.Request, tt.request) {
					t.Errorf("Care got %s %s key %q %#v; want the frozen %s %#v with key %q", c.Op, c.ID, c.Key, c.Request, tt.id, tt.request, IdempotencyKey(id))
				}
			}
			if got := aw.statuses(id); !slices.Equal(got, tt.statuses) {
				t.Errorf("Status__c went %v; want %v", got, tt.statuses)
			}
		})
	}
}

// TestActionDecidedButNotReportedIsOnlyReported: Care answered, the
// outcome is in the durable record, and writing it onto the action failed.
// The next run (on a restarted engine) only writes the outcome: no second
// call to Care, however long the write-back takes.
func TestActionDecidedButNotReportedIsOnlyReported(t *testing.T) {
	tests := []struct {
		name    string
		fields  Record
		inject  func(aw *actionWorld)
		failing int // how many write-backs fail
		durable state.ActionState
		want    agentSees
		counted string
	}{
		{
			name: "sent reply", fields: replyAction(rules.PublicReply, "We are on it"), failing: 1,
			durable: state.ActionSent, want: agentSees{status: StatusSent, result: theReply}, counted: resultSent,
		},
		{
			name: "sent reply, the write-back failing for longer than ActionGiveUp", fields: replyAction(rules.PublicReply, "We are on it"), failing: 3,
			durable: state.ActionSent, want: agentSees{status: StatusSent, result: theReply}, counted: resultSent,
		},
		{
			name: "sent hide", fields: moderationAction(rules.Hide, "m1"), failing: 1,
			durable: state.ActionSent, want: agentSees{status: StatusSent, result: "m1"}, counted: resultSent,
		},
		{
			name: "refused by Care", fields: replyAction(rules.PrivateReply, "Sorry"), failing: 1,
			inject: func(aw *actionWorld) {
				aw.care.failNext(caresim.OpPostReply, "c1", 1, careRefused(caresim.OpPostReply, rules.CodePrivateReplyAlreadySent, "Already sent."))
			},
			durable: state.ActionRejected, want: agentSees{status: StatusRejected, code: rules.CodePrivateReplyAlreadySent, reason: "Already sent."},
			counted: resultRejected,
		},
		{
			name: "failed at Care (400)", fields: replyAction(rules.PublicReply, "Hi"), failing: 1,
			inject: func(aw *actionWorld) {
				aw.care.failNext(caresim.OpPostReply, "c1", 1, careError(caresim.OpPostReply, 400, "", "bad text"))
			},
			durable: state.ActionFailed, want: agentSees{status: StatusFailed, code: CodeSendFailed, reason: "bad text (HTTP 400)"},
			counted: resultFailed,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			aw := newActionWorld(t)
			if tt.inject != nil {
				tt.inject(aw)
			}
			aw.whenCareActs(func() { aw.sf.failNext(sfUpdate, ActionObject, tt.failing, nil) })
			id := aw.act("", tt.fields)
			var calls int // Care's writes before the outcome was decided
			for attempt := 1; attempt <= tt.failing; attempt++ {
				res, err := aw.run(id)
				if err == nil || queue.IsTerminal(err) || res != (queue.Result{}) {
					t.Fatalf("run %d with the write-back failing = %+v, %v; want a retryable error", attempt, res, err)
				}
				aw.sees(t, id, agentSees{status: StatusSending})
				rec, ok := aw.durable(id)
				if !ok || rec.State != tt.durable || rec.Reported {
					t.Fatalf("run %d: durable record %+v (found %v); want %s, not reported", attempt, rec, ok, tt.durable)
				}
				if attempt == 1 {
					calls = len(aw.careWrites())
					aw.restart()
				}
				aw.clock.Advance(aw.engine.actions.giveUp)
			}
			// A Failed one's answer to the queue is TestActionThatEndsFailedIsDeadLettered's.
			if _, err := aw.run(id); err != nil && tt.durable != state.ActionFailed {
				t.Fatalf("reporting run = %v; want nil", err)
			}
			aw.sees(t, id, tt.want)
			if got := len(aw.careWrites()); got != calls {
				t.Errorf("Care got %d writes after the outcome was decided; want none", got-calls)
			}
			if tt.durable == state.ActionSent && aw.care.applied(anyOp) != 1 {
				t.Errorf("Care carried out %d writes; want 1", aw.care.applied(anyOp))
			}
			if rec, _ := aw.durable(id); !rec.Reported {
				t.Errorf("durable record %+v; want it reported", rec)
			}
			checkSeries(t, "carebridge_actions_total", aw.outcomes(str(tt.fields[actionType])), seriesOf(tt.counted, 1))
		})
	}
}

// TestActionWhoseWriteBackAnswerWasLostIsLeftAsWritten: Salesforce took
// the outcome but its answer was lost; the next run finds the action
// finished and does nothing: Care is not called again.
func TestActionWhoseWriteBackAnswerWasLostIsLeftAsWritten(t *testing.T) {
	aw := newActionWorld(t)
	aw.whenCareActs(func() { aw.sf.loseNext(sfUpdate, ActionObject, 1) })
	id := aw.act("", replyAction(rules.PublicReply, "We are on it"))
	if _, err := aw.run(id); err == nil || queue.IsTerminal(err) {
		t.Fatalf("run with the write-back's answer lost = %v; want a retryable error", err)
	}
	aw.sees(t, id, agentSees{status: StatusSent, result: theReply})
	aw.care.resetCalls()
	aw.sf.resetCalls()
	aw.mustRun(id)
	if n := aw.care.count(anyOp); n != 0 {
		t.Errorf("Care got %d calls for a finished action", n)
	}
	if n := aw.actionWrites(); n != 0 {
		t.Errorf("%d writes onto a finished action", n)
	}
	aw.sees(t, id, agentSees{status: StatusSent, result: theReply})
}

// TestActionRedisLostIsSettledByWhatCareDid: Care carried the action out
// and its answer was lost; then Redis lost the durable record, so the
// action shows Sending with nothing frozen. The next run rebuilds the
// request from the record and resends it with the same key: unedited, Care
// replays its answer; edited, Care answers 409 and the engine reads back
// what Care did (the reply in the conversation, the state of the target,
// the case's profile). Found: Sent with the found id; not found: Failed
// unconfirmed, telling the agent to check the conversation. Care never
// acts twice.
func TestActionRedisLostIsSettledByWhatCareDid(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(aw *actionWorld)
		fields Record
		op, id string // the first call, whose answer is lost
		edit   Record
		// meanwhile changes Care after the record was lost.
		meanwhile func(aw *actionWorld)
		// olderVersion: the record is back, begun by an older version
		// that kept no request.
		olderVersion bool
		// readBackFails: Care cannot be read for the first read-back.
		readBackFails bool
		conflict      bool // Care answers the resend 409
		// unrecorded: the full check refuses the action; it ends without
		// a durable record, nothing sent again.
		unrecorded bool
		want       agentSees
		terminal   bool
		counted    map[string]float64
	}{
		{
			name: "reply not edited: Care replays its answer: Sent", fields: replyAction(rules.PublicReply, "We are on it"),
			op: caresim.OpPostReply, id: "c1",
			want: agentSees{status: StatusSent, result: theReply}, counted: seriesOf(resultRetry, 1, resultSent, 1),
		},
		{
			name: "reply, Body edited: 409, the reply is in the conversation: Sent with its id", fields: replyAction(rules.PublicReply, "We are on it"),
			op: caresim.OpPostReply, id: "c1", edit: Record{actionBody: "We are on it, sorry"}, conflict: true,
			want: agentSees{status: StatusSent, result: theReply, reason: "edit of Body was not sent"}, counted: seriesOf(resultRetry, 1, resultSent, 1),
		},
		{
			name:   "reply to a chosen message, Body edited: 409, found under that message: Sent",
			fields: withFields(replyAction(rules.PublicReply, "We are on it"), actionTarget, "m1"),
			op:     caresim.OpPostReply, id: "c1", edit: Record{actionBody: "We are on it, sorry"}, conflict: true,
			want: agentSees{status: StatusSent, result: theReply, reason: "edit of Body was not sent"}, counted: seriesOf(resultRetry, 1, resultSent, 1),
		},
		{
			name:   "reply, Target and Body edited: 409, no reply under the new target: Failed unconfirmed",
			fields: withFields(replyAction(rules.PublicReply, "We are on it"), actionTarget, "m1"),
			op:     caresim.OpPostReply, id: "c1", edit: Record{actionBody: "Sorry", actionTarget: "p1"}, conflict: true,
			want: agentSees{status: StatusFailed, code: CodeUnconfirmed,
				reason: "carebridge cannot find what it did in the case. Check the conversation in Care before creating a new action."},
			terminal: true, counted: seriesOf(resultRetry, 1, resultFailed, 1),
		},
		{
			name:   "reply, Body edited, begun again by an older version without its request: 409, found: Sent",
			fields: replyAction(rules.PublicReply, "We are on it"), op: caresim.OpPostReply, id: "c1",
			edit: Record{actionBody: "We are on it, sorry"}, olderVersion: true, conflict: true,
			want: agentSees{status: StatusSent, result: theReply, reason: "edit of Body was not sent"}, counted: seriesOf(resultRetry, 1, resultSent, 1),
		},
		{
			name: "reply, Body edited, the read-back fails once: retried, then Sent", fields: replyAction(rules.PublicReply, "We are on it"),
			op: caresim.OpPostReply, id: "c1", edit: Record{actionBody: "We are on it, sorry"}, readBackFails: true, conflict: true,
			want: agentSees{status: StatusSent, result: theReply, reason: "edit of Body was not sent"}, counted: seriesOf(resultRetry, 2, resultSent, 1),
		},
		{
			name: "hide, Target edited to a reply hidden with it: 409, the target is hidden: Sent with it",
			setup: func(aw *actionWorld) {
				aw.care.addMessage(care.Message{ID: "r1", CaseID: "c1", Kind: rules.ReplyKind, ParentID: strp("m1"), Depth: 2,
					Author: care.Author{ID: "u_c1"}, Text: "Anyone?", PostedAt: aw.ago(time.Minute)})
			},
			fields: moderationAction(rules.Hide, "m1"), op: caresim.OpMessageAction, id: "m1", edit: Record{actionTarget: "r1"}, conflict: true,
			want: agentSees{status: StatusSent, result: "r1"}, counted: seriesOf(resultRetry, 1, resultSent, 1),
		},
		{
			name: "like, Target edited to a reply not liked: 409: Failed unconfirmed", setup: addReply("r1", "m1"),
			fields: moderationAction(rules.Like, "m1"), op: caresim.OpMessageAction, id: "m1", edit: Record{actionTarget: "r1"}, conflict: true,
			want:     agentSees{status: StatusFailed, code: CodeUnconfirmed, reason: "Check the conversation in Care"},
			terminal: true, counted: seriesOf(resultRetry, 1, resultFailed, 1),
		},
		{
			name: "ban, Target edited: 409, a message does not show a ban: Failed unconfirmed", setup: addReply("r1", "m1"),
			fields: moderationAction(rules.Ban, "m1"), op: caresim.OpMessageAction, id: "m1", edit: Record{actionTarget: "r1"}, conflict: true,
			want:     agentSees{status: StatusFailed, code: CodeUnconfirmed, reason: "Check the conversation in Care"},
			terminal: true, counted: seriesOf(resultRetry, 1, resultFailed, 1),
		},
		{
			// Without carebridge's record, Sending is only what the record
			// says: the action is checked in full, and the rules refuse it.
			name:   "like, Target edited to a post the rules refuse: Rejected, nothing sent again",
			fields: moderationAction(rules.Like, "m1"), op: caresim.OpMessageAction, id: "m1", edit: Record{actionTarget: "p1"},
			want:       agentSees{status: StatusRejected, code: rules.CodeContentNotSupported, reason: "carebridge has no record of sending it"},
			unrecorded: true, counted: seriesOf(resultRetry, 1, resultRejected, 1),
		},
		{
			name:   "like, Type edited to one Care does not know: Rejected invalid_action",
			fields: moderationAction(rules.Like, "m1"), op: caresim.OpMessageAction, id: "m1", edit: Record{actionType: "retweet"},
			want:       agentSees{status: StatusRejected, code: CodeInvalidAction, reason: "carebridge has no record of sending it"},
			unrecorded: true, counted: seriesOf(resultRetry, 1),
		},
		{
			name:   "set_profile, Profile Id edited: 409, the case has the first profile: Failed unconfirmed",
			fields: profileAction(fbOtherProfile), op: caresim.OpSetProfile, id: "c1", edit: Record{actionProfile: fbThirdProfile}, conflict: true,
			want:     agentSees{status: StatusFailed, code: CodeUnconfirmed, reason: "Check the conversation in Care"},
			terminal: true, counted: seriesOf(resultRetry, 1, resultFailed, 1),
		},
		{
			name:   "set_profile, Profile Id edited and set so in Care meanwhile: 409, the case has it: Sent",
			fields: profileAction(fbOtherProfile), op: caresim.OpSetProfile, id: "c1", edit: Record{actionProfile: fbThirdProfile}, conflict: true,
			meanwhile: func(aw *actionWorld) {
				aw.care.editCase("c1", func(c *care.Case) { c.ProfileID = strp(fbThirdProfile) })
			},
			want: agentSees{status: StatusSent, result: fbThirdProfile}, counted: seriesOf(resultRetry, 1, resultSent, 1),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			aw := newActionWorld(t)
			if tt.setup != nil {
				tt.setup(aw)
			}
			aw.care.loseNext(tt.op, tt.id, 1)
			id := aw.act("", tt.fields)
			if _, err := aw.run(id); err == nil || queue.IsTerminal(err) {
				t.Fatalf("first run with the answer lost = %v; want a retryable error", err)
			}
			aw.loseActionRecords()
			if tt.olderVersion {
				if _, _, err := aw.store.BeginAction(aw.ctx, id, IdempotencyKey(id), nil); err != nil {
					t.Fatal(err)
				}
			}
			if _, ok := aw.durable(id); ok != tt.olderVersion {
				t.Fatalf("durable record found %v after Redis lost it", ok)
			}
			aw.sees(t, id, agentSees{status: StatusSending})
			if tt.edit != nil {
				aw.sf.edit(ActionObject, id, tt.edit)
			}
			if tt.meanwhile != nil {
				tt.meanwhile(aw)
			}
			if tt.readBackFails {
				aw.care.failNext(caresim.OpListMessages, "c1", 1, nil)
				if res, err := aw.run(id); err == nil || queue.IsTerminal(err) || res != (queue.Result{}) {
					t.Fatalf("run with the read-back failing = %+v, %v; want a retryable error", res, err)
				}
				aw.sees(t, id, agentSees{status: StatusSending})
			}
			res, err := aw.run(id)
			if res != (queue.Result{}) || (err != nil) != tt.terminal || (err != nil && !queue.IsTerminal(err)) {
				t.Errorf("Reconcile = %+v, %v; want terminal: %v", res, err, tt.terminal)
			}
			aw.sees(t, id, tt.want)
			if n := aw.care.applied(anyOp); n != 1 {
				t.Errorf("Care carried out %d writes; want 1", n)
			}
			writes := aw.careWrites()
			last := writes[len(writes)-1]
			if conflict := isKeyConflict(last.Err); conflict != tt.conflict || last.Key != IdempotencyKey(id) {
				t.Errorf("the resend with key %q got %v; want a 409: %v", last.Key, last.Err, tt.conflict)
			}
			rec, ok := aw.durable(id)
			wantState := state.ActionSent
			if tt.want.status == StatusFailed {
				wantState = state.ActionFailed
			}
			switch {
			case tt.unrecorded && ok:
				t.Errorf("durable record %+v after a refusal; want none", rec)
			case !tt.unrecorded && (!ok || rec.State != wantState || rec.Code != tt.want.code || !rec.Reported):
				t.Errorf("durable record %+v (found %v); want %s, reported", rec, ok, wantState)
			}
			checkSeries(t, "carebridge_actions_total", aw.outcomes(str(tt.fields[actionType])), tt.counted)
		})
	}
}

// addReply adds a customer's reply under parent to case c1.
func addReply(id, parent string) func(aw *actionWorld) {
	return func(aw *actionWorld) {
		aw.care.addMessage(care.Message{ID: id, CaseID: "c1", Kind: rules.ReplyKind, ParentID: strp(parent), Depth: 2,
			Author: care.Author{ID: "u_c1"}, Text: "Anyone?", PostedAt: aw.ago(time.Minute)})
	}
}

// TestActionNeedingNothingIsLeftAlone: an action deleted from Salesforce
// or already finished is not touched: no call to Care, no write onto it,
// nothing counted, and the queue is done with the key.
func TestActionNeedingNothingIsLeftAlone(t *testing.T) {
	tests := []struct {
		name   string
		action func(aw *actionWorld) string
	}{
		{"deleted by the agent before carebridge took it", func(aw *actionWorld) string {
			id := aw.act("", replyAction(rules.PublicReply, "Hi"))
			aw.sf.remove(ActionObject, id)
			return id
		}},
		{"an id Salesforce never had", func(*actionWorld) string { return newSFID("a0A", 999999) }},
		{"Sent", func(aw *actionWorld) string {
			return aw.act("", withFields(replyAction(rules.PublicReply, "Hi"), actionStatus, StatusSent, actionResult, "msg_9"))
		}},
		{"Rejected", func(aw *actionWorld) string {
			return aw.act("", withFields(moderationAction(rules.Like, "m1"), actionStatus, StatusRejected, actionCode, rules.CodeNotAssigned))
		}},
		{"Failed", func(aw *actionWorld) string {
			return aw.act("", withFields(profileAction(fbOtherProfile), actionStatus, StatusFailed, actionCode, CodeSendFailed))
		}},
		{"Failed by an admin while its durable record says sending", func(aw *actionWorld) string {
			id := aw.act("", withFields(replyAction(rules.PublicReply, "Hi"), actionStatus, StatusFailed))
			req, _ := json.Marshal(careRequest{Type: rules.Reply, CaseID: "c1", Reply: &care.ReplyRequest{Mode: rules.PublicReply, Text: "Hi"}})
			if _, _, err := aw.store.BeginAction(aw.ctx, id, IdempotencyKey(id), req); err != nil {
				aw.t.Fatal(err)
			}
			return id
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			aw := newActionWorld(t)
			id := tt.action(aw)
			before, _ := aw.sf.record(ActionObject, id)
			aw.mustRun(id)
			if n := aw.care.count(anyOp); n != 0 {
				t.Errorf("Care got %d calls; want none", n)
			}
			if n := aw.actionWrites(); n != 0 {
				t.Errorf("%d writes onto the action; want none", n)
			}
			if after, _ := aw.sf.record(ActionObject, id); !reflect.DeepEqual(after, before) {
				t.Errorf("the action changed:\n%v\n%v", before, after)
			}
			checkSeries(t, "carebridge_actions_total", aw.series("carebridge_actions_total"), nil)
			if got := aw.queue.take(); len(got) != 0 {
				t.Errorf("enqueued %v", got)
			}
		})
	}
}

// TestActionWithAnEmptyIDIsDeadLettered: a key without an action id cannot
// be run; the queue dead-letters it.
func TestActionWithAnEmptyIDIsDeadLettered(t *testing.T) {
	aw := newActionWorld(t)
	res, err := aw.engine.Reconcile(aw.ctx, work.ForAction(""))
	if !queue.IsTerminal(err) || res != (queue.Result{}) {
		t.Errorf("Reconcile(%q) = %+v, %v; want terminal", work.ForAction(""), res, err)
	}
	if n := aw.care.count(anyOp) + aw.sf.count(anyOp, anyTarget); n != 0 {
		t.Errorf("%d calls for an empty id", n)
	}
}

// TestActionWaitsOutTheSalesforceQuota: Salesforce's daily API quota is
// spent at some step of an action: Reconcile asks the queue to run the key
// again after the quota pause, with no error, and every replica pauses;
// the run after the pause goes on from where the action is, and Care acts
// once.
func TestActionWaitsOutTheSalesforceQuota(t *testing.T) {
	tests := []struct {
		name     string
		inject   func(aw *actionWorld)
		after    agentSees // what the agent sees during the pause
		begun    bool
		applied  int // Care's writes during the pause
		statuses []string
	}{
		{
			name:   "reading the action",
			inject: func(aw *actionWorld) { aw.sf.failNext(sfQuery, ActionObject, 1, sfQuotaExhausted(sfQuery)) },
			after:  agentSees{status: StatusQueued}, statuses: []string{StatusSending, StatusSent},
		},
		{
			name:   "marking it Sending",
			inject: func(aw *actionWorld) { aw.sf.failNext(sfUpdate, ActionObject, 1, sfQuotaExhausted(sfUpdate)) },
			after:  agentSees{status: StatusQueued}, begun: true, statuses: []string{StatusSent},
		},
		{
			name: "writing back what Care did",
			inject: func(aw *actionWorld) {
				aw.whenCareActs(func() { aw.sf.failNext(sfUpdate, ActionObject, 1, sfQuotaExhausted(sfUpdate)) })
			},
			after: agentSees{status: StatusSending}, begun: true, applied: 1, statuses: []string{StatusSending, StatusSent},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			aw := newActionWorld(t)
			tt.inject(aw)
			id := aw.act("", replyAction(rules.PublicReply, "We are on it"))
			res, err := aw.run(id)
			if err != nil || res.RequeueAfter != QuotaPause {
				t.Fatalf("Reconcile = %+v, %v; want RequeueAfter %v and no error", res, err, QuotaPause)
			}
			if until, err := aw.engine.PausedUntil(aw.ctx); err != nil || !until.Equal(aw.clock.Now().Add(QuotaPause)) {
				t.Errorf("PausedUntil = %v, %v; want %v", until, err, aw.clock.Now().Add(QuotaPause))
			}
			aw.sees(t, id, tt.after)
			if rec, ok := aw.durable(id); ok != tt.begun {
				t.Errorf("durable record %+v (found %v); want begun: %v", rec, ok, tt.begun)
			}
			if n := aw.care.applied(anyOp); n != tt.applied {
				t.Errorf("Care carried out %d writes during the pause; want %d", n, tt.applied)
			}
			aw.clock.Advance(QuotaPause)
			aw.mustRun(id)
			aw.sees(t, id, agentSees{status: StatusSent, result: theReply})
			if n := aw.care.applied(anyOp); n != 1 {
				t.Errorf("Care carried out %d writes; want 1", n)
			}
			if got := aw.statuses(id); !slices.Equal(got, tt.statuses) {
				t.Errorf("Status__c went %v; want %v", got, tt.statuses)
			}
			checkSeries(t, "carebridge_actions_total", aw.outcomes("reply"), seriesOf(resultSent, 1))
		})
	}
}

// TestActionThatEndsFailedIsDeadLettered: whichever way an action ends
// Failed, Reconcile returns a Terminal error, so that the queue
// dead-letters the key for a person to look at.
func TestActionThatEndsFailedIsDeadLettered(t *testing.T) {
	tests := []struct {
		name  string
		drive func(aw *actionWorld) (string, queue.Result, error)
		code  string
	}{
		{
			name: "Care did not accept it (400)", code: CodeSendFailed,
			drive: func(aw *actionWorld) (string, queue.Result, error) {
				aw.care.failNext(caresim.OpPostReply, "c1", 1, careError(caresim.OpPostReply, 400, "", "bad"))
				id := aw.act("", replyAction(rules.PublicReply, "Hi"))
				res, err := aw.run(id)
				return id, res, err
			},
		},
		{
			name: "the stored request cannot be read", code: CodeSendFailed,
			drive: func(aw *actionWorld) (string, queue.Result, error) {
				id := aw.act("", withFields(replyAction(rules.PublicReply, "Hi"), actionStatus, StatusSending))
				if _, _, err := aw.store.BeginAction(aw.ctx, id, IdempotencyKey(id), []byte("{not json")); err != nil {
					aw.t.Fatal(err)
				}
				res, err := aw.run(id)
				return id, res, err
			},
		},
		{
			name: "Care's 409 and nothing found: unconfirmed", code: CodeUnconfirmed,
			drive: func(aw *actionWorld) (string, queue.Result, error) {
				addReply("r1", "m1")(aw)
				aw.care.loseNext(caresim.OpMessageAction, "m1", 1)
				id := aw.act("", moderationAction(rules.Like, "m1"))
				_, _ = aw.run(id)
				aw.loseActionRecords()
				aw.sf.edit(ActionObject, id, Record{actionTarget: "r1"})
				res, err := aw.run(id)
				return id, res, err
			},
		},
		{
			name: "retries exhausted after it was begun",
			code: CodeRetriesExhausted,
			drive: func(aw *actionWorld) (string, queue.Result, error) {
				aw.care.failNext(caresim.OpPostReply, "c1", -1, nil)
				id := aw.act("", replyAction(rules.PublicReply, "Hi"))
				_, _ = aw.run(id)
				aw.clock.Advance(aw.engine.actions.giveUp)
				res, err := aw.run(id)
				return id, res, err
			},
		},
		{
			name: "retries exhausted before it was begun",
			code: CodeRetriesExhausted,
			drive: func(aw *actionWorld) (string, queue.Result, error) {
				aw.care.failNext(caresim.OpGetCase, "c1", -1, nil)
				id := aw.act("", moderationAction(rules.Like, "m1"))
				_, _ = aw.run(id)
				aw.clock.Advance(aw.engine.actions.giveUp)
				res, err := aw.run(id)
				return id, res, err
			},
		},
		{
			name: "Failed at Care, reported by the next run after the write-back failed",
			code: CodeSendFailed,
			drive: func(aw *actionWorld) (string, queue.Result, error) {
				aw.care.failNext(caresim.OpPostReply, "c1", 1, careError(caresim.OpPostReply, 400, "", "bad"))
				aw.whenCareActs(func() { aw.sf.failNext(sfUpdate, ActionObject, 1, nil) })
				id := aw.act("", replyAction(rules.PublicReply, "Hi"))
				_, _ = aw.run(id)
				res, err := aw.run(id)
				return id, res, err
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			aw := newActionWorld(t)
			id, res, err := tt.drive(aw)
			if r := aw.record(id); r[actionStatus] != StatusFailed || r[actionCode] != tt.code {
				t.Fatalf("the agent sees %v %v; want Failed %s", r[actionStatus], r[actionCode], tt.code)
			}
			if !queue.IsTerminal(err) || res != (queue.Result{}) {
				t.Errorf("Reconcile = %+v, %v (terminal %v); want a Terminal error", res, err, queue.IsTerminal(err))
			}
		})
	}
}

// racingStore is a store where another run begins the action with its own
// request just before this run does.
type racingStore struct {
	*memstate.Store
	other []byte
	raced bool
}

func (s *racingStore) BeginAction(ctx context.Context, actionID, key string, request []byte) (state.ActionRecord, bool, error) {
	if !s.raced {
		s.raced = true
		if _, _, err := s.Store.BeginAction(ctx, actionID, key, s.other); err != nil {
			return state.ActionRecord{}, false, err
		}
	}
	return s.Store.BeginAction(ctx, actionID, key, request)
}

// TestActionBegunByAnotherRunSendsThatRunsRequest: two runs took the same
// action, the other one before the agent's edit and first to freeze its
// request: this run sends the other's frozen request, so that Care acts on
// one request only, and the record says the edit was not sent.
func TestActionBegunByAnotherRunSendsThatRunsRequest(t *testing.T) {
	aw := newActionWorld(t)
	other, err := json.Marshal(careRequest{Type: rules.Reply, CaseID: "c1", Platform: rules.Facebook,
		Reply: &care.ReplyRequest{Mode: rules.PublicReply, Text: "We are on it"}})
	if err != nil {
		t.Fatal(err)
	}
	rs := &racingStore{Store: aw.store, other: other}
	aw.opts.Store = rs
	aw.restart()
	id := aw.act("", replyAction(rules.PublicReply, "We are on it, sorry"))
	aw.mustRun(id)
	aw.sees(t, id, agentSees{status: StatusSent, result: theReply, reason: "the later edit of Body was not sent"})
	writes := aw.careWrites()
	if len(writes) != 1 || !reflect.DeepEqual(writes[0].Request, care.ReplyRequest{Mode: rules.PublicReply, Text: "We are on it"}) {
		t.Errorf("Care got %+v; want the other run's request", writes)
	}
}

// TestActionOnACaseRedisForgotWaitsForTheCaseToBeLinked: the store lost
// the case's link. The Case's Care_Case_Id__c is not trusted on its own (an
// agent may be able to write it): the case named there is reconciled,
// which links it, and the action waits; once linked, it is checked and sent
// on that case.
func TestActionOnACaseRedisForgotWaitsForTheCaseToBeLinked(t *testing.T) {
	aw := newActionWorld(t)
	fresh := memstate.New(memstate.WithClock(aw.clock.Now))
	aw.store, aw.opts.Store = fresh, fresh
	aw.restart()
	id := aw.act("", moderationAction(rules.Like, "m1"))
	if _, err := aw.run(id); err == nil || queue.IsTerminal(err) {
		t.Fatalf("run before the case is linked = %v; want a retryable error", err)
	}
	if n := aw.care.applied(anyOp); n != 0 {
		t.Fatalf("Care carried out %d writes before the case was linked", n)
	}
	if got := aw.queue.take(); !slices.Contains(got, work.ForCase("c1")) {
		t.Fatalf("enqueued %v; want the case c1 to be reconciled", got)
	}
	aw.mustReconcile("c1")
	aw.mustRun(id)
	aw.sees(t, id, agentSees{status: StatusSent, result: "m1"})
	if !aw.message(t, "c1", "m1").Liked {
		t.Error("m1 not liked")
	}
}

// TestActionSettledAfterRedisLostMinutesLaterFindsTheReply: Care posted
// the reply, its answer was lost, and the durable record was lost; the
// resend (body edited) comes five minutes later and gets Care's 409. The
// reply Care posted for this action is in the conversation: the action
// is Sent with its id.
func TestActionSettledAfterRedisLostMinutesLaterFindsTheReply(t *testing.T) {

	aw := newActionWorld(t)
	aw.care.loseNext(caresim.OpPostReply, "c1", 1)
	id := aw.act("", replyAction(rules.PublicReply, "We are on it"))
	_, _ = aw.run(id)
	aw.loseActionRecords()
	aw.sf.edit(ActionObject, id, Record{actionBody: "We are on it, sorry"})
	aw.clock.Advance(5 * time.Minute)
	res, err := aw.run(id)
	aw.sees(t, id, agentSees{status: StatusSent, result: theReply, reason: "Body"})
	if err != nil || res != (queue.Result{}) {
		t.Errorf("Reconcile = %+v, %v; want done", res, err)
	}
}

// TestActionSettledAfterRedisLostSaysTheEditWasNotSent: the durable record
// was lost and the agent edited Body; Care's 409 proves Care acted on a
// different request, the one before the edit. The action is Sent, and the
// reason tells the agent that Body, as the record shows it now, was not
// what Care posted.
func TestActionSettledAfterRedisLostSaysTheEditWasNotSent(t *testing.T) {

	aw := newActionWorld(t)
	aw.care.loseNext(caresim.OpPostReply, "c1", 1)
	id := aw.act("", replyAction(rules.PublicReply, "We are on it"))
	_, _ = aw.run(id)
	aw.loseActionRecords()
	aw.sf.edit(ActionObject, id, Record{actionBody: "We are on it, sorry"})
	aw.mustRun(id)
	aw.sees(t, id, agentSees{status: StatusSent, result: theReply, reason: "Body"})
}

// TestActionRefusedByCareReportedLateKeepsItsPlatform: Care refused the
// action; the write-back failed, and the next run reports it: the
// rejection is counted under the case's platform, as the first run would
// have counted it.
func TestActionRefusedByCareReportedLateKeepsItsPlatform(t *testing.T) {

	aw := newActionWorld(t)
	aw.care.failNext(caresim.OpPostReply, "c1", 1, careRefused(caresim.OpPostReply, rules.CodePrivateReplyAlreadySent, "Already sent."))
	aw.whenCareActs(func() { aw.sf.failNext(sfUpdate, ActionObject, 1, nil) })
	id := aw.act("", replyAction(rules.PrivateReply, "Sorry"))
	_, _ = aw.run(id)
	aw.mustRun(id)
	checkSeries(t, "carebridge_rule_rejections_total", aw.rejections(), seriesOf("reply/private_reply_already_sent/facebook", 1))
}

// TestAgentsGuideExplainsEveryActionCode: docs/agents.md has a row for
// every code an agent can find in Status_Code__c, unconfirmed included.
func TestAgentsGuideExplainsEveryActionCode(t *testing.T) {

	guide, err := os.ReadFile("../docs/agents.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(guide), "| `"+CodeUnconfirmed+"`") {
		t.Errorf("docs/agents.md has no table row for code %s", CodeUnconfirmed)
	}
}

// TestActionReasonNamesTheSystemThatCouldNotBeReached: an action given up
// on because Salesforce could not be read (not Care) says so.
func TestActionReasonNamesTheSystemThatCouldNotBeReached(t *testing.T) {

	aw := newActionWorld(t)
	fresh := memstate.New(memstate.WithClock(aw.clock.Now))
	aw.store, aw.opts.Store = fresh, fresh
	aw.restart()
	aw.sf.failNext(sfQuery, "Case", -1, nil)
	id := aw.act("", moderationAction(rules.Like, "m1"))
	_, _ = aw.run(id)
	aw.clock.Advance(aw.engine.actions.giveUp)
	_, _ = aw.run(id)
	if reason := str(aw.record(id)[actionReason]); strings.Contains(reason, "Care could not be reached") {
		t.Errorf("Status_Reason__c = %q; want it to name Salesforce, which could not be read", reason)
	}
}

// TestActionPollEnqueuesWhatIsNotFinished: the Salesforce poll enqueues
// every action Queued or Sending (a Sending one is finished from its
// durable record), oldest first, and none finished or deleted; a spent
// quota fails the poll with the quota's class, so that every replica
// pauses.
func TestActionPollEnqueuesWhatIsNotFinished(t *testing.T) {
	aw := newActionWorld(t)
	var want []string
	for _, status := range []string{StatusQueued, StatusSent, StatusSending, StatusRejected, StatusFailed, StatusQueued} {
		id := aw.act("", withFields(replyAction(rules.PublicReply, "Hi"), actionStatus, status))
		if status == StatusQueued || status == StatusSending {
			want = append(want, work.ForAction(id))
		}
	}
	aw.sf.remove(ActionObject, aw.act("", replyAction(rules.PublicReply, "Deleted")))
	if err := aw.engine.Triggers().pollSalesforceActions(aw.ctx); err != nil {
		t.Fatal(err)
	}
	if got := aw.queue.take(); !slices.Equal(got, want) {
		t.Errorf("enqueued %v; want %v", got, want)
	}
	aw.sf.failNext(sfQuery, ActionObject, 1, sfQuotaExhausted(sfQuery))
	if err := aw.engine.Triggers().pollSalesforceActions(aw.ctx); upstream.ClassOf(err) != upstream.QuotaExhausted {
		t.Errorf("poll with the quota spent = %v; want a quota error", err)
	}
	aw.queue.err = errors.New("queue down")
	if err := aw.engine.Triggers().pollSalesforceActions(aw.ctx); err == nil {
		t.Error("poll with the queue down = nil; want its error")
	}
}

// TestActionReadBackSeesModerationOnTheMessage: after Care's 409, a
// moderation action is confirmed by the state of its target message: liked,
// not liked, hidden, not hidden, deleted; bans and follows are the
// author's and never show on a message.
func TestActionReadBackSeesModerationOnTheMessage(t *testing.T) {
	tests := []struct {
		action rules.Action
		msg    care.Message
		want   bool
	}{
		{rules.Like, care.Message{Liked: true}, true},
		{rules.Like, care.Message{}, false},
		{rules.Unlike, care.Message{}, true},
		{rules.Unlike, care.Message{Liked: true}, false},
		{rules.Hide, care.Message{Hidden: true}, true},
		{rules.Hide, care.Message{}, false},
		{rules.Unhide, care.Message{}, true},
		{rules.Unhide, care.Message{Hidden: true}, false},
		{rules.Delete, care.Message{Deleted: true}, true},
		{rules.Delete, care.Message{}, false},
		{rules.Ban, care.Message{Liked: true, Hidden: true, Deleted: true}, false},
		{rules.Unban, care.Message{}, false},
		{rules.Follow, care.Message{}, false},
		{rules.Unfollow, care.Message{}, false},
	}
	for _, tt := range tests {
		if got := moderated(tt.msg, tt.action); got != tt.want {
			t.Errorf("moderated(%+v, %s) = %v; want %v", tt.msg, tt.action, got, tt.want)
		}
	}
}

// TestActionMarkedSendingIsCheckedInFull: Status__c is what anyone who may
// edit the record can write. An action created as Sending, with no record
// of carebridge's that it began it, is checked like a new one: a moderation
// aimed at a message of another case (t1's, from an action on c1's Case)
// or one the rules refuse is Rejected and never reaches Care, whatever
// Sending claims.
func TestActionMarkedSendingIsCheckedInFull(t *testing.T) {
	tests := []struct {
		name   string
		fields Record
		code   string
	}{
		{"hide of another case's message", withFields(moderationAction(rules.Hide, "tm1"), actionStatus, StatusSending), CodeTargetNotFound},
		{"delete of another case's message", withFields(moderationAction(rules.Delete, "tm1"), actionStatus, StatusSending), CodeTargetNotFound},
		{"like of a post, which Facebook does not allow", withFields(moderationAction(rules.Like, "p1"), actionStatus, StatusSending), rules.CodeContentNotSupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			aw := newActionWorld(t)
			id := aw.act("", tt.fields)
			aw.mustRun(id)
			aw.sees(t, id, agentSees{status: StatusRejected, code: tt.code, reason: "carebridge has no record of sending it"})
			if writes := aw.careWrites(); len(writes) != 0 {
				t.Errorf("Care got %+v; want nothing", writes)
			}
			if m := aw.message(t, "t1", "tm1"); m.Hidden || m.Deleted {
				t.Errorf("the other case's message changed: %+v", m)
			}
		})
	}
}
