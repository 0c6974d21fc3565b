package carerules

import (
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

// DefaultTarget is the message a reply in mode answers when the agent chose
// none, a pointer into convo, or nil when the conversation has none. Deleted
// messages are never a target.
//
//   - Public reply and comment on post: "Public reply adds a message as a
//     reply to the last public reply or a comment in the conversation", so
//     the last public comment or reply (depth 1 or more); else the last public
//     message. A comment on post then goes on that message's post (Root).
//   - Direct message: "adds a new message to the direct conversation", so the
//     last direct message, brand's or customer's; else the customer's last
//     message.
//   - Private reply ("reply with a direct message", "a response to a comment
//     or a visitor's post"): the customer's last public message; else the
//     customer's last message.
func DefaultTarget(convo []care.Message, mode rules.ReplyMode) *care.Message {
	last := func(ok func(*care.Message) bool) *care.Message {
		for i := len(convo) - 1; i >= 0; i-- {
			if m := &convo[i]; !m.Deleted && ok(m) {
				return m
			}
		}
		return nil
	}
	public := func(m *care.Message) bool { return m.Kind != rules.DirectMessageKind }
	inbound := func(m *care.Message) bool { return m.Direction == care.Inbound }
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
		return last(inbound)
	default: // private reply
		if m := last(func(m *care.Message) bool { return public(m) && inbound(m) }); m != nil {
			return m
		}
		return last(inbound)
	}
}

// LatestCustomerMessage is the customer's most recent live message: inbound,
// not the brand's, not deleted; the later one in convo on a tie. It is the
// message the bridge's reply options on the Salesforce Case describe. nil
// when the customer has none.
func LatestCustomerMessage(convo []care.Message) *care.Message {
	var best *care.Message
	for i := range convo {
		m := &convo[i]
		if m.Deleted || m.Direction != care.Inbound || m.Author.IsBrand {
			continue
		}
		if best == nil || !m.PostedAt.Before(best.PostedAt) {
			best = m
		}
	}
	return best
}

// Root is the top of m's thread within the conversation: m's parents are
// followed while they are in convo (deleted ones too). The result is m
// itself or a pointer into convo; when its ParentID is set, the thread's
// post is not in the conversation and ParentID names it.
func Root(convo []care.Message, m *care.Message) *care.Message {
	byID := index(convo)
	seen := map[string]bool{m.ID: true}
	for m.ParentID != nil {
		p, ok := byID[*m.ParentID]
		if !ok || seen[p.ID] {
			break
		}
		seen[p.ID] = true
		m = p
	}
	return m
}

// Replies lists the live replies under m, breadth first in conversation
// order, as pointers into convo: the messages whose chain of parents reaches
// m without passing a deleted message. Hiding m hides these (within Care's
// limits) and rules.Target.Replies counts them.
func Replies(convo []care.Message, m *care.Message) []*care.Message {
	children := map[string][]*care.Message{}
	for i := range convo {
		x := &convo[i]
		if x.ParentID != nil && !x.Deleted {
			children[*x.ParentID] = append(children[*x.ParentID], x)
		}
	}
	var out []*care.Message
	seen := map[string]bool{m.ID: true}
	queue := []string{m.ID}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, ch := range children[id] {
			if seen[ch.ID] {
				continue
			}
			seen[ch.ID] = true
			out = append(out, ch)
			queue = append(queue, ch.ID)
		}
	}
	return out
}

// index maps the conversation's message ids to the messages; a repeated id
// is the later message.
func index(convo []care.Message) map[string]*care.Message {
	byID := make(map[string]*care.Message, len(convo))
	for i := range convo {
		byID[convo[i].ID] = &convo[i]
	}
	return byID
}
