package bridge

import (
	"context"
	"strings"
	"time"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

// Case fields that tell the agent what can be done now.
const (
	AllowedModesField         = "Care_Allowed_Reply_Modes__c"
	PrivateReplyDeadlineField = "Care_Private_Reply_Deadline__c"
	DMDeadlineField           = "Care_DM_Deadline__c"
)

// replyOptionFields computes the reply options for the latest customer
// message and returns the Case fields to write: only those whose value
// differs from what the Case holds, so an unchanged case writes nothing.
func (e *Engine) replyOptionFields(ctx context.Context, c care.Case, msgs []care.Message, rec Record) Record {
	var opts rules.Options
	if target := latestCustomerMessage(msgs); target != nil && c.Status != rules.Deleted {
		s := scenarioFor(c, msgs, target, false, e.now())
		opts = e.rules.ReplyOptions(s)
	}
	modes := make([]string, 0, len(opts.Modes))
	for _, m := range opts.Modes {
		modes = append(modes, string(m))
	}
	out := Record{}
	if want := e.fitValue(ctx, "Case", AllowedModesField, strings.Join(modes, ";")); str(rec[AllowedModesField]) != want {
		out[AllowedModesField] = nilIfEmpty(want)
	}
	for field, want := range map[string]*time.Time{PrivateReplyDeadlineField: opts.PrivateReplyDeadline, DMDeadlineField: opts.DMDeadline} {
		have := parseTime(rec[field])
		switch {
		case want == nil && !have.IsZero():
			out[field] = nil
		case want != nil && !want.UTC().Truncate(time.Second).Equal(have):
			out[field] = formatSFTime(*want)
		}
	}
	return out
}

// latestCustomerMessage is the customer's most recent live message.
func latestCustomerMessage(msgs []care.Message) *care.Message {
	var best *care.Message
	for i := range msgs {
		m := &msgs[i]
		if m.Deleted || m.Direction != care.Inbound || m.Author.IsBrand {
			continue
		}
		if best == nil || !m.PostedAt.Before(best.PostedAt) {
			best = m
		}
	}
	return best
}

// scenarioFor describes an action on target for the rules engine, the way
// Care itself does: the case's state, the target message, its author and
// the conversation.
func scenarioFor(c care.Case, msgs []care.Message, target *care.Message, chosen bool, now time.Time) rules.Scenario {
	s := rules.Scenario{
		Platform: c.Platform,
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
	for _, m := range msgs {
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
	byID := make(map[string]*care.Message, len(msgs))
	children := map[string][]string{}
	for i := range msgs {
		m := &msgs[i]
		byID[m.ID] = m
		if m.ParentID != nil && !m.Deleted {
			children[*m.ParentID] = append(children[*m.ParentID], m.ID)
		}
	}
	s.Target = rules.Target{
		Kind:             target.Kind,
		PostedAt:         target.PostedAt,
		Hidden:           target.Hidden,
		HiddenWithParent: target.HiddenWithParent,
		Depth:            target.Depth,
		Replies:          countDescendants(children, target.ID),
		PrivateReplySent: target.PrivateReplySent,
		Chosen:           chosen,
		FromBrand:        target.Direction == care.Outbound || target.Author.IsBrand,
	}
	if target.ParentID != nil {
		if p, ok := byID[*target.ParentID]; ok {
			s.Target.ParentHidden = p.Hidden
		}
	}
	if target.Direction == care.Inbound && !target.Author.IsBrand {
		s.Author.IsPage = target.Author.IsPage
		s.Author.FollowsBrand = target.Author.FollowsBrand || (target.Author.ID == c.Customer.ID && c.Customer.FollowsBrand)
	}
	return s
}

func countDescendants(children map[string][]string, id string) int {
	n := 0
	queue := []string{id}
	for len(queue) > 0 && n <= 100000 {
		next := queue[0]
		queue = queue[1:]
		n += len(children[next])
		queue = append(queue, children[next]...)
	}
	return n
}

// defaultTarget is the message Care replies to when the agent chose none
// (as Care does): a public reply or a comment on the post goes under the
// last public comment or reply (else the last public message), a direct
// message into the direct-message thread, a private reply to the customer's
// last public message.
func defaultTarget(msgs []care.Message, mode rules.ReplyMode) *care.Message {
	last := func(ok func(*care.Message) bool) *care.Message {
		for i := len(msgs) - 1; i >= 0; i-- {
			if m := &msgs[i]; !m.Deleted && ok(m) {
				return m
			}
		}
		return nil
	}
	public := func(m *care.Message) bool { return m.Kind != rules.DirectMessageKind }
	switch mode {
	case rules.PublicReply, rules.CommentOnPost:
		if m := last(func(m *care.Message) bool { return public(m) && m.Depth >= 1 }); m != nil {
			return m
		}
		return last(public)
	case rules.DirectMessage:
		if m := last(func(m *care.Message) bool { return m.Kind == rules.DirectMessageKind }); m != nil {
			return m
		}
		return last(func(m *care.Message) bool { return m.Direction == care.Inbound })
	default:
		if m := last(func(m *care.Message) bool { return public(m) && m.Direction == care.Inbound }); m != nil {
			return m
		}
		return last(func(m *care.Message) bool { return m.Direction == care.Inbound })
	}
}
