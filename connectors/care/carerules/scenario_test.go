package carerules_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/carerules"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

func TestScenario(t *testing.T) {
	now := t0.Add(24 * time.Hour)
	last := t0.Add(3 * time.Hour)
	agent, profile := "agent_1", "prof_ig"
	page := care.Author{ID: "u2", IsPage: true}
	fan := care.Author{ID: "u3", FollowsBrand: true}
	c := care.Case{ID: "case", Platform: rules.Instagram, Status: rules.Pending, AssigneeID: &agent, ProfileID: &profile,
		Interacted: true, LastCustomerMessageAt: &last,
		Customer: care.Customer{ID: "u1", FollowsBrand: true, MentionedBrand: true}}
	convo := []care.Message{
		at(out("post", rules.Post, "", 0), 0),
		at(hidden(in("c1", rules.Comment, "post", 1)), time.Hour),
		by(at(func() care.Message {
			m := hidden(in("r1", rules.ReplyKind, "c1", 2))
			m.HiddenWithParent = true
			return m
		}(), 2*time.Hour), page),
		at(in("r2", rules.ReplyKind, "r1", 3), 3*time.Hour),
		deleted(in("r3", rules.ReplyKind, "c1", 2)),
		by(in("c2", rules.Comment, "post", 1), fan),
		out("r4", rules.ReplyKind, "c2", 2),
		func() care.Message { m := in("c3", rules.Comment, "post", 1); m.PrivateReplySent = true; return m }(),
		in("o1", rules.Comment, "elsewhere", 1), // its post is not in the conversation
	}
	withDM := append(append([]care.Message{}, convo...), deleted(in("dm1", rules.DirectMessageKind, "", 0)))
	msg := func(id string) *care.Message {
		for i := range convo {
			if convo[i].ID == id {
				return &convo[i]
			}
		}
		t.Fatalf("no message %s", id)
		return nil
	}
	caseState := rules.CaseState{Assigned: true, HasProfile: true, Interacted: true, Status: rules.Pending}
	conversation := rules.Conversation{LastCustomerMessageAt: last}
	customer := rules.Author{FollowsBrand: true, MentionedBrand: true}

	tests := []struct {
		name   string
		c      care.Case
		convo  []care.Message
		action rules.Action
		target *care.Message
		chosen bool
		want   rules.Scenario
	}{
		{"set_profile: the case alone, its customer", c, convo, rules.SetProfile, nil, false, rules.Scenario{
			Platform: rules.Instagram, Action: rules.SetProfile, Now: now, Case: caseState, Author: customer, Conversation: conversation}},
		{"set_status on a bare case", care.Case{Platform: rules.Facebook, Status: rules.Open}, nil, rules.SetStatus, nil, false, rules.Scenario{
			Platform: rules.Facebook, Action: rules.SetStatus, Now: now, Case: rules.CaseState{Status: rules.Open}}},
		{"a direct message in the conversation, even a deleted one", c, withDM, rules.SetProfile, nil, false, rules.Scenario{
			Platform: rules.Instagram, Action: rules.SetProfile, Now: now, Case: caseState, Author: customer,
			Conversation: rules.Conversation{HasDirectMessages: true, LastCustomerMessageAt: last}}},
		{"reply to a chosen hidden comment: live replies counted", c, convo, rules.Reply, msg("c1"), true, rules.Scenario{
			Platform: rules.Instagram, Action: rules.Reply, Now: now, Case: caseState, Conversation: conversation,
			Target: rules.Target{Kind: rules.Comment, PostedAt: t0.Add(time.Hour), Hidden: true, Depth: 1, Replies: 2, Chosen: true},
			Author: customer}},
		{"reply to the default target under a hidden reply: not chosen", c, convo, rules.Reply, msg("r2"), false, rules.Scenario{
			Platform: rules.Instagram, Action: rules.Reply, Now: now, Case: caseState, Conversation: conversation,
			Target: rules.Target{Kind: rules.ReplyKind, PostedAt: t0.Add(3 * time.Hour), ParentHidden: true, Depth: 3},
			Author: customer}},
		{"reply to a page's reply hidden with its comment: the page is the author", c, convo, rules.Reply, msg("r1"), true, rules.Scenario{
			Platform: rules.Instagram, Action: rules.Reply, Now: now, Case: caseState, Conversation: conversation,
			Target: rules.Target{Kind: rules.ReplyKind, PostedAt: t0.Add(2 * time.Hour), Hidden: true, HiddenWithParent: true,
				ParentHidden: true, Depth: 2, Replies: 1, Chosen: true},
			Author: rules.Author{IsPage: true, MentionedBrand: true}}},
		{"reply to another user who follows the brand", c, convo, rules.Reply, msg("c2"), false, rules.Scenario{
			Platform: rules.Instagram, Action: rules.Reply, Now: now, Case: caseState, Conversation: conversation,
			Target: rules.Target{Kind: rules.Comment, Depth: 1, Replies: 1},
			Author: rules.Author{FollowsBrand: true, MentionedBrand: true}}},
		{"reply to the brand's own reply: the case's customer stands behind it", c, convo, rules.Reply, msg("r4"), false, rules.Scenario{
			Platform: rules.Instagram, Action: rules.Reply, Now: now, Case: caseState, Conversation: conversation,
			Target: rules.Target{Kind: rules.ReplyKind, Depth: 2, FromBrand: true},
			Author: customer}},
		{"private reply already sent on the comment", c, convo, rules.Reply, msg("c3"), true, rules.Scenario{
			Platform: rules.Instagram, Action: rules.Reply, Now: now, Case: caseState, Conversation: conversation,
			Target: rules.Target{Kind: rules.Comment, Depth: 1, PrivateReplySent: true, Chosen: true},
			Author: customer}},
		{"parent outside the conversation: not known to be hidden", c, convo, rules.Reply, msg("o1"), true, rules.Scenario{
			Platform: rules.Instagram, Action: rules.Reply, Now: now, Case: caseState, Conversation: conversation,
			Target: rules.Target{Kind: rules.Comment, Depth: 1, Chosen: true},
			Author: customer}},
		{"hide the customer's comment: the message's own author, not the case's follow", c, convo, rules.Hide, msg("c1"), true, rules.Scenario{
			Platform: rules.Instagram, Action: rules.Hide, Now: now, Case: caseState, Conversation: conversation,
			Target: rules.Target{Kind: rules.Comment, PostedAt: t0.Add(time.Hour), Hidden: true, Depth: 1, Replies: 2, Chosen: true},
			Author: rules.Author{MentionedBrand: true}}},
		{"ban a page", c, convo, rules.Ban, msg("r1"), true, rules.Scenario{
			Platform: rules.Instagram, Action: rules.Ban, Now: now, Case: caseState, Conversation: conversation,
			Target: rules.Target{Kind: rules.ReplyKind, PostedAt: t0.Add(2 * time.Hour), Hidden: true, HiddenWithParent: true,
				ParentHidden: true, Depth: 2, Replies: 1, Chosen: true},
			Author: rules.Author{IsPage: true, MentionedBrand: true}}},
		{"follow a user who follows the brand", c, convo, rules.Follow, msg("c2"), true, rules.Scenario{
			Platform: rules.Instagram, Action: rules.Follow, Now: now, Case: caseState, Conversation: conversation,
			Target: rules.Target{Kind: rules.Comment, Depth: 1, Replies: 1, Chosen: true},
			Author: rules.Author{FollowsBrand: true, MentionedBrand: true}}},
		{"delete the brand's reply: the brand is the author", c, convo, rules.Delete, msg("r4"), true, rules.Scenario{
			Platform: rules.Instagram, Action: rules.Delete, Now: now, Case: caseState, Conversation: conversation,
			Target: rules.Target{Kind: rules.ReplyKind, Depth: 2, FromBrand: true, Chosen: true},
			Author: rules.Author{MentionedBrand: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := carerules.Scenario(tt.c, tt.convo, tt.action, tt.target, tt.chosen, now)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("scenario\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestModerationAuthor pins whose flags each action reads: every moderation
// action reads the target's own author; a reply reads the customer behind
// the target, which for the case's customer includes the case's flags, and
// for a message by the brand is the case's customer.
func TestModerationAuthor(t *testing.T) {
	c := care.Case{Platform: rules.Facebook, Status: rules.Open,
		Customer: care.Customer{ID: "u1", IsPage: true, FollowsBrand: true, MentionedBrand: true}}
	convo := []care.Message{
		in("c1", rules.Comment, "post", 1), // by u1, who follows the brand by the case, not by the message
		out("r1", rules.ReplyKind, "c1", 2),
		by(in("b1", rules.Comment, "post", 1), care.Author{ID: "prof", IsBrand: true, FollowsBrand: true}), // the brand, seen inbound
	}
	type authorCase struct {
		action rules.Action
		target int
		want   rules.Author
	}
	tests := []authorCase{
		{rules.Reply, 0, rules.Author{FollowsBrand: true, MentionedBrand: true}},
		{rules.Reply, 1, rules.Author{IsPage: true, FollowsBrand: true, MentionedBrand: true}},
		{rules.Reply, 2, rules.Author{IsPage: true, FollowsBrand: true, MentionedBrand: true}},
		{"", 0, rules.Author{FollowsBrand: true, MentionedBrand: true}}, // no action named: a reply's author
	}
	for _, a := range []rules.Action{rules.Like, rules.Unlike, rules.Delete, rules.Hide, rules.Unhide, rules.Ban, rules.Unban, rules.Follow, rules.Unfollow} {
		tests = append(tests,
			authorCase{a, 0, rules.Author{MentionedBrand: true}},
			authorCase{a, 1, rules.Author{MentionedBrand: true}},
			authorCase{a, 2, rules.Author{FollowsBrand: true, MentionedBrand: true}})
	}
	for _, tt := range tests {
		t.Run(string(tt.action)+"/"+convo[tt.target].ID, func(t *testing.T) {
			s := carerules.Scenario(c, convo, tt.action, &convo[tt.target], true, t0)
			if s.Author != tt.want {
				t.Errorf("author %+v, want %+v", s.Author, tt.want)
			}
			if wantBrand := tt.target != 0; s.Target.FromBrand != wantBrand {
				t.Errorf("target from the brand: %v, want %v", s.Target.FromBrand, wantBrand)
			}
		})
	}
}

// TestScenarioDecisions runs derived scenarios through the shipped rules:
// the derivation decides what Care answers.
func TestScenarioDecisions(t *testing.T) {
	engine := rules.Default()
	agent, profile := "agent_1", "prof"
	fb := care.Case{Platform: rules.Facebook, Status: rules.Open, AssigneeID: &agent, ProfileID: &profile,
		Customer: care.Customer{ID: "u1"}}
	hiddenThread := []care.Message{
		at(out("post", rules.Post, "", 0), 0),
		at(hidden(in("c1", rules.Comment, "post", 1)), time.Hour),
		at(in("r1", rules.ReplyKind, "c1", 2), 2*time.Hour),
	}
	hiddenThread[2].Hidden = true // hidden on its own while its comment is hidden
	deep := []care.Message{
		out("post", rules.Post, "", 0),
		in("c1", rules.Comment, "post", 1),
		in("r1", rules.ReplyKind, "c1", 2),
		in("r2", rules.ReplyKind, "r1", 3),
		in("r3", rules.ReplyKind, "r2", 4),
	}
	tests := []struct {
		name   string
		convo  []care.Message
		action rules.Action
		mode   rules.ReplyMode
		target string // "" for DefaultTarget's
		want   string // rule code, "" when allowed
	}{
		{"public reply by default goes to the hidden reply", hiddenThread, rules.Reply, rules.PublicReply, "", rules.CodeReplyToHiddenComment},
		{"public reply to the post is fine", hiddenThread, rules.Reply, rules.PublicReply, "post", ""},
		{"un-hide a reply under a hidden comment", hiddenThread, rules.Unhide, "", "r1", rules.CodeUnhideParentHidden},
		{"un-hide the comment", hiddenThread, rules.Unhide, "", "c1", ""},
		{"hide on the fourth level", deep, rules.Hide, "", "r3", rules.CodeThreadTooDeep},
		{"hide on the third level", deep, rules.Hide, "", "r2", ""},
	}
	now := t0.Add(3 * time.Hour)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var target *care.Message
			if tt.target == "" {
				target = carerules.DefaultTarget(tt.convo, tt.mode)
			}
			for i := range tt.convo {
				if tt.convo[i].ID == tt.target {
					target = &tt.convo[i]
				}
			}
			s := carerules.Scenario(fb, tt.convo, tt.action, target, tt.target != "", now)
			s.ReplyMode, s.Text = tt.mode, "Thanks!"
			if d := engine.Check(s); d.Code != tt.want {
				t.Errorf("decision %+v, want code %q", d, tt.want)
			}
		})
	}
}
