package caresim

import (
	"net/http"
	"strings"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

var replyModes = map[rules.ReplyMode]bool{
	rules.PublicReply: true, rules.CommentOnPost: true, rules.DirectMessage: true, rules.PrivateReply: true,
}

func (s *Server) postReply(r *http.Request, body []byte) (int, any, error) {
	var req care.ReplyRequest
	if err := decodeStrict(body, &req); err != nil {
		return 0, nil, err
	}
	m, err := s.replyLocked(r.PathValue("id"), req)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, m, nil
}

// replyLocked checks a reply against Care's rules and, when allowed, appends
// the brand's message to the conversation.
func (s *Server) replyLocked(caseID string, req care.ReplyRequest) (care.Message, error) {
	if !replyModes[req.Mode] {
		return care.Message{}, badRequest("mode %q must be one of public_reply, comment_on_post, direct_message, private_reply", req.Mode)
	}
	if strings.TrimSpace(req.Text) == "" && len(req.Media) == 0 {
		return care.Message{}, badRequest("a reply needs text or media")
	}
	c, err := s.caseLocked(caseID)
	if err != nil {
		return care.Message{}, err
	}
	var target *care.Message
	if req.InReplyTo != "" {
		m, ok := s.messages[req.InReplyTo]
		if !ok || m.CaseID != c.ID {
			return care.Message{}, badRequest("in_reply_to %q is not a message of case %q", req.InReplyTo, c.ID)
		}
		if m.Deleted {
			return care.Message{}, badRequest("in_reply_to %q was deleted", req.InReplyTo)
		}
		target = m
	} else {
		target = s.defaultTargetLocked(c.ID, req.Mode)
	}
	if target == nil {
		return care.Message{}, badRequest("case %q has no message to reply to", c.ID)
	}
	sc := s.baseScenarioLocked(c, rules.Reply)
	sc.ReplyMode = req.Mode
	sc.Target = s.targetLocked(target, req.InReplyTo != "")
	sc.Author = s.authorLocked(c, target)
	sc.Text = req.Text
	sc.Media = req.Media
	if err := s.check(sc); err != nil {
		return care.Message{}, err
	}

	now := s.now()
	out := &care.Message{
		ID:        s.newIDLocked("msg", s.messageTakenLocked),
		CaseID:    c.ID,
		Platform:  c.Platform,
		Direction: care.Outbound,
		Author:    s.brandAuthorLocked(c),
		Text:      req.Text,
		Media:     append([]string{}, req.Media...),
		PostedAt:  now,
	}
	switch req.Mode {
	case rules.PublicReply:
		out.Kind = rules.ReplyKind
		if target.Depth == 0 {
			out.Kind = rules.Comment
		}
		out.ParentID = ptr(target.ID)
		out.Depth = target.Depth + 1
	case rules.CommentOnPost:
		root := s.rootLocked(target)
		out.Kind = rules.Comment
		out.Depth = 1
		switch {
		case root.ParentID != nil: // the post is not in the conversation
			out.ParentID = ptr(*root.ParentID)
		case root.Depth == 0:
			out.ParentID = ptr(root.ID)
		}
	default: // direct_message, private_reply
		out.Kind = rules.DirectMessageKind
	}
	if req.Mode == rules.PrivateReply {
		target.PrivateReplySent = true
		target.UpdatedAt = s.stampLocked()
	}
	s.addMessageLocked(out)
	s.replies[c.ID] = append(s.replies[c.ID], out.ID)
	c.Interacted = true
	if req.MarkPending {
		c.Status = rules.Pending
	}
	s.touchCaseLocked(c)
	return *out, nil
}

func ptr(s string) *string { return &s }

// addMessageLocked appends m to its case's conversation and emits
// message.created.
func (s *Server) addMessageLocked(m *care.Message) {
	m.UpdatedAt = s.stampLocked()
	if m.Media == nil {
		m.Media = []string{}
	}
	s.messages[m.ID] = m
	s.convo[m.CaseID] = append(s.convo[m.CaseID], m.ID)
	s.emitLocked(care.EventMessageCreated, m.CaseID, *m)
}

func (s *Server) messageTakenLocked(id string) bool { _, ok := s.messages[id]; return ok }

func (s *Server) brandAuthorLocked(c *care.Case) care.Author {
	a := care.Author{ID: "brand", Handle: "brand", Name: "Brand", IsBrand: true}
	if c.ProfileID != nil {
		if p, ok := s.profileLocked(*c.ProfileID); ok {
			a = care.Author{ID: p.ID, Handle: p.Handle, Name: p.Name, IsBrand: true}
		}
	}
	return a
}

// defaultTargetLocked picks the message a reply goes under when the agent
// chose none, as Care does: public reply -> the last public reply or
// comment; comment on post -> the last public message, whose parent post the
// comment goes on; direct message -> the direct-message thread; private
// reply -> the customer's last public message.
func (s *Server) defaultTargetLocked(caseID string, mode rules.ReplyMode) *care.Message {
	ids := s.convo[caseID]
	last := func(ok func(*care.Message) bool) *care.Message {
		for i := len(ids) - 1; i >= 0; i-- {
			if m := s.messages[ids[i]]; !m.Deleted && ok(m) {
				return m
			}
		}
		return nil
	}
	public := func(m *care.Message) bool { return m.Kind != rules.DirectMessageKind }
	switch mode {
	case rules.PublicReply:
		if m := last(func(m *care.Message) bool { return public(m) && m.Depth >= 1 }); m != nil {
			return m
		}
		return last(public)
	case rules.CommentOnPost:
		// The comment goes on the post of the last public message.
		if m := last(func(m *care.Message) bool { return public(m) && m.Depth >= 1 }); m != nil {
			return m
		}
		return last(public)
	case rules.DirectMessage:
		if m := last(func(m *care.Message) bool { return m.Kind == rules.DirectMessageKind }); m != nil {
			return m
		}
		return last(func(m *care.Message) bool { return m.Direction == care.Inbound })
	default: // private reply
		if m := last(func(m *care.Message) bool { return public(m) && m.Direction == care.Inbound }); m != nil {
			return m
		}
		return last(func(m *care.Message) bool { return m.Direction == care.Inbound })
	}
}

// rootLocked walks up the parents of m that are in the conversation.
func (s *Server) rootLocked(m *care.Message) *care.Message {
	for seen := 0; m.ParentID != nil && seen < 1000; seen++ {
		p, ok := s.messages[*m.ParentID]
		if !ok {
			break
		}
		m = p
	}
	return m
}

// targetLocked describes message m for the rules engine.
func (s *Server) targetLocked(m *care.Message, chosen bool) rules.Target {
	t := rules.Target{
		Kind:             m.Kind,
		PostedAt:         m.PostedAt,
		Hidden:           m.Hidden,
		HiddenWithParent: m.HiddenWithParent,
		Depth:            m.Depth,
		Replies:          len(s.descendantsLocked(m)),
		PrivateReplySent: m.PrivateReplySent,
		Chosen:           chosen,
		FromBrand:        m.Direction == care.Outbound || m.Author.IsBrand,
	}
	if m.ParentID != nil {
		if p, ok := s.messages[*m.ParentID]; ok {
			t.ParentHidden = p.Hidden
		}
	}
	return t
}

// authorLocked describes the customer behind target for the rules engine.
// A brand message stands for the case's customer.
func (s *Server) authorLocked(c *care.Case, target *care.Message) rules.Author {
	a := rules.Author{
		IsPage:         c.Customer.IsPage,
		FollowsBrand:   c.Customer.FollowsBrand,
		MentionedBrand: c.Customer.MentionedBrand,
	}
	if target.Direction == care.Inbound && !target.Author.IsBrand {
		a.IsPage = target.Author.IsPage
		a.FollowsBrand = target.Author.FollowsBrand || (target.Author.ID == c.Customer.ID && c.Customer.FollowsBrand)
	}
	return a
}

// descendantsLocked lists the live replies under m, breadth first.
func (s *Server) descendantsLocked(m *care.Message) []*care.Message {
	children := map[string][]*care.Message{}
	for _, id := range s.convo[m.CaseID] {
		x := s.messages[id]
		if x.ParentID != nil && !x.Deleted {
			children[*x.ParentID] = append(children[*x.ParentID], x)
		}
	}
	var out []*care.Message
	queue := []string{m.ID}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, ch := range children[id] {
			out = append(out, ch)
			queue = append(queue, ch.ID)
		}
	}
	return out
}

var actions = map[string]rules.Action{
	care.ActionLike: rules.Like, care.ActionUnlike: rules.Unlike, care.ActionDelete: rules.Delete,
	care.ActionHide: rules.Hide, care.ActionUnhide: rules.Unhide,
	care.ActionBanAuthor: rules.Ban, care.ActionUnbanAuthor: rules.Unban,
	care.ActionFollowAuthor: rules.Follow, care.ActionUnfollowAuthor: rules.Unfollow,
}

// Hiding a comment hides its replies with it, within Care's limits: "Up to
// 500 replies under an individual comment can be hidden/un-hidden" and
// "replies ... on the fourth level or deeper cannot be hidden/un-hidden from
// Care" (depth 4 and deeper; see rules.Target).
const (
	maxCascade      = 500
	maxCascadeDepth = 3
)

// cascadeLocked lists the replies hiding or un-hiding m also changes.
func (s *Server) cascadeLocked(m *care.Message) []*care.Message {
	var out []*care.Message
	for _, d := range s.descendantsLocked(m) {
		if len(out) == maxCascade {
			break
		}
		if d.Depth <= maxCascadeDepth {
			out = append(out, d)
		}
	}
	return out
}

func (s *Server) messageAction(r *http.Request, body []byte) (int, any, error) {
	var req care.ActionRequest
	if err := decodeStrict(body, &req); err != nil {
		return 0, nil, err
	}
	res, err := s.actionLocked(r.PathValue("id"), req.Action)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, res, nil
}

func (s *Server) actionLocked(msgID, action string) (care.ActionResult, error) {
	a, ok := actions[action]
	if !ok {
		return care.ActionResult{}, badRequest("action %q must be one of like, unlike, delete, hide, unhide, ban_author, unban_author, follow_author, unfollow_author", action)
	}
	m, ok := s.messages[msgID]
	if !ok {
		return care.ActionResult{}, notFound("message %q not found", msgID)
	}
	if m.Deleted {
		return care.ActionResult{}, badRequest("message %q was deleted", msgID)
	}
	c := s.cases[m.CaseID]
	sc := s.baseScenarioLocked(c, a)
	sc.Target = s.targetLocked(m, true)
	sc.Author = rules.Author{IsPage: m.Author.IsPage, FollowsBrand: m.Author.FollowsBrand, MentionedBrand: c.Customer.MentionedBrand}
	if err := s.check(sc); err != nil {
		return care.ActionResult{}, err
	}
	authorKey := string(m.Platform) + "/" + m.Author.ID
	switch a {
	case rules.Like, rules.Unlike:
		m.Liked = a == rules.Like
	case rules.Delete:
		m.Deleted = true
	case rules.Hide:
		m.Hidden, m.HiddenWithParent = true, false
		for _, d := range s.cascadeLocked(m) {
			if !d.Hidden {
				d.Hidden, d.HiddenWithParent = true, true
				d.UpdatedAt = s.stampLocked()
			}
		}
	case rules.Unhide:
		m.Hidden, m.HiddenWithParent = false, false
		for _, d := range s.cascadeLocked(m) {
			if d.HiddenWithParent {
				d.Hidden, d.HiddenWithParent = false, false
				d.UpdatedAt = s.stampLocked()
			}
		}
	case rules.Ban, rules.Unban:
		s.banned[authorKey] = a == rules.Ban
	case rules.Follow, rules.Unfollow:
		s.following[authorKey] = a == rules.Follow
	}
	m.UpdatedAt = s.stampLocked()
	c.Interacted = true
	s.touchCaseLocked(c)
	return care.ActionResult{MessageID: m.ID, Action: action}, nil
}
