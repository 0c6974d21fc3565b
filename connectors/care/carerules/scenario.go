package carerules

import (
	"time"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

// Scenario describes action a on target for the rules engine, at now: case
// c's state, its conversation convo, the target message (nil for an action
// on the case alone, such as set_profile or set_status) and whether the agent
// chose the target (false when it is DefaultTarget's choice). The caller adds
// what the request itself says: reply mode, text and media, new status.
//
// The author is the customer behind the target. For a reply that is the
// target's author when the customer wrote it, and the case's customer when
// the brand did; a customer is known to follow the brand when the message or
// the case says so. Moderation (like, delete, hide, ban, follow and their
// undoing) concerns the target's own author, whoever wrote it. Whether the
// customer mentioned the brand is the case's.
func Scenario(c care.Case, convo []care.Message, a rules.Action, target *care.Message, chosen bool, now time.Time) rules.Scenario {
	s := rules.Scenario{
		Platform: c.Platform,
		Action:   a,
		Now:      now,
		Case: rules.CaseState{
			Assigned:   c.AssigneeID != nil,
			HasProfile: c.ProfileID != nil,
			Interacted: c.Interacted,
			Status:     c.Status,
		},
		Author: rules.Author{
			IsPage:         c.Customer.IsPage,
			FollowsBrand:   c.Customer.FollowsBrand,
			MentionedBrand: c.Customer.MentionedBrand,
		},
	}
	for _, m := range convo {
		// "available when a direct message is in the conversation"
		if m.Kind == rules.DirectMessageKind {
			s.Conversation.HasDirectMessages = true
		}
	}
	if c.LastCustomerMessageAt != nil {
		s.Conversation.LastCustomerMessageAt = *c.LastCustomerMessageAt
	}
	if target == nil {
		return s
	}
	s.Target = Target(convo, target, chosen)
	switch {
	case moderation(a):
		s.Author.IsPage = target.Author.IsPage
		s.Author.FollowsBrand = target.Author.FollowsBrand
	case target.Direction == care.Inbound && !target.Author.IsBrand:
		s.Author.IsPage = target.Author.IsPage
		s.Author.FollowsBrand = target.Author.FollowsBrand || (target.Author.ID == c.Customer.ID && c.Customer.FollowsBrand)
	}
	return s
}

// Target describes message m of the conversation for the rules engine; chosen
// says the agent picked it. Its parent's hidden state is known when the
// parent is in convo.
func Target(convo []care.Message, m *care.Message, chosen bool) rules.Target {
	t := rules.Target{
		Kind:             m.Kind,
		PostedAt:         m.PostedAt,
		Hidden:           m.Hidden,
		HiddenWithParent: m.HiddenWithParent,
		Depth:            m.Depth,
		Replies:          len(Replies(convo, m)),
		PrivateReplySent: m.PrivateReplySent,
		Chosen:           chosen,
		// "You can also delete messages posted to the case by you or other
		// Care users."
		FromBrand: m.Direction == care.Outbound || m.Author.IsBrand,
	}
	if m.ParentID != nil {
		if p, ok := index(convo)[*m.ParentID]; ok {
			t.ParentHidden = p.Hidden
		}
	}
	return t
}

// moderation reports whether a acts on a message for its author's sake
// rather than answering it.
func moderation(a rules.Action) bool {
	switch a {
	case rules.Like, rules.Unlike, rules.Delete, rules.Hide, rules.Unhide,
		rules.Ban, rules.Unban, rules.Follow, rules.Unfollow:
		return true
	}
	return false
}

// MessageOptions lists what an agent can do now with message m of case c,
// by rules e: each action of rules.MessageActions that Check allows on m
// chosen as the target (each judged with its own scenario, so moderation
// concerns m's author), less what m's state makes pointless (liking a liked
// message, anything on a deleted one), and the reply modes for a reply
// addressed to m.
func MessageOptions(e *rules.Engine, c care.Case, convo []care.Message, m *care.Message, now time.Time) rules.MessageOptions {
	out := rules.MessageOptions{Actions: []rules.Action{}, Options: rules.Options{Modes: []rules.ReplyMode{}}}
	if m.Deleted {
		return out
	}
	out.Options = e.ChosenReplyOptions(Scenario(c, convo, rules.Reply, m, true, now))
	for _, a := range rules.MessageActions() {
		switch {
		case a == rules.Reply:
			if len(out.Modes) == 0 {
				continue
			}
		case a == rules.Like && m.Liked, a == rules.Unlike && !m.Liked,
			a == rules.Hide && m.Hidden, a == rules.Unhide && !m.Hidden:
			continue
		case !e.Check(Scenario(c, convo, a, m, true, now)).Allowed:
			continue
		}
		out.Actions = append(out.Actions, a)
	}
	return out
}
