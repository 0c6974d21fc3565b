package caresim

import (
	"net/http"
	"strings"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/carerules"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

var replyModes = map[rules.ReplyMode]bool{
	rules.PublicReply: true, rules.CommentOnPost: true, rules.DirectMessage: true, rules.PrivateReply: true,
}

func (s *api) postReply(r *http.Request, body []byte) (int, any, error) {
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
func (s *state) replyLocked(caseID string, req care.ReplyRequest) (care.Message, error) {
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
	convo := s.messagesLocked(c.ID)
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
	} else if m := carerules.DefaultTarget(convo, req.Mode); m != nil {
		target = s.messages[m.ID]
	}
	if target == nil {
		return care.Message{}, badRequest("case %q has no message to reply to", c.ID)
	}
	sc := carerules.Scenario(*c, convo, rules.Reply, target, req.InReplyTo != "", s.now())
	sc.ReplyMode = req.Mode
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
		root := carerules.Root(convo, target)
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
		s.conversationChangedLocked(target)
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
func (s *state) addMessageLocked(m *care.Message) {
	m.UpdatedAt = s.stampLocked()
	s.conversationChangedLocked(m)
	if m.Media == nil {
		m.Media = []string{}
	}
	s.messages[m.ID] = m
	s.convo[m.CaseID] = append(s.convo[m.CaseID], m.ID)
	s.emitLocked(care.EventMessageCreated, m.CaseID, *m)
}

// conversationChangedLocked records on m's case that its conversation
// changed when m did.
func (s *state) conversationChangedLocked(m *care.Message) {
	if c, ok := s.cases[m.CaseID]; ok {
		t := m.UpdatedAt
		c.ConversationUpdatedAt = &t
	}
}

func (s *state) messageTakenLocked(id string) bool { _, ok := s.messages[id]; return ok }

func (s *state) brandAuthorLocked(c *care.Case) care.Author {
	a := care.Author{ID: "brand", Handle: "brand", Name: "Brand", IsBrand: true, AccountState: care.AccountActive}
	if c.ProfileID != nil {
		if p, ok := s.profileLocked(*c.ProfileID); ok {
			a = care.Author{ID: p.ID, Handle: p.Handle, Name: p.Name, IsBrand: true, AccountState: care.AccountActive}
		}
	}
	return a
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
func (s *state) cascadeLocked(m *care.Message) []*care.Message {
	var out []*care.Message
	for _, d := range carerules.Replies(s.messagesLocked(m.CaseID), m) {
		if len(out) == maxCascade {
			break
		}
		if d.Depth <= maxCascadeDepth {
			out = append(out, s.messages[d.ID])
		}
	}
	return out
}

func (s *api) messageAction(r *http.Request, body []byte) (int, any, error) {
	var req care.ActionRequest
	if err := decodeStrict(body, &req); err != nil {
		return 0, nil, err
	}
	res, err := s.actionLocked(req.CaseID, r.PathValue("id"), req.Action)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, res, nil
}

func (s *state) actionLocked(caseID, msgID, action string) (care.ActionResult, error) {
	a, ok := actions[action]
	if !ok {
		return care.ActionResult{}, badRequest("action %q must be one of like, unlike, delete, hide, unhide, ban_author, unban_author, follow_author, unfollow_author", action)
	}
	if caseID == "" {
		return care.ActionResult{}, badRequest("case_id is required: moderation acts on a message of one case")
	}
	m, ok := s.messages[msgID]
	if !ok || m.CaseID != caseID {
		// A message of another case is not found from this one, as in the
		// Care UI, where moderation is done from a case's conversation.
		return care.ActionResult{}, notFound("message %q not found in case %q", msgID, caseID)
	}
	if m.Deleted {
		return care.ActionResult{}, badRequest("message %q was deleted", msgID)
	}
	c := s.cases[m.CaseID]
	if err := s.check(carerules.Scenario(*c, s.messagesLocked(c.ID), a, m, true, s.now())); err != nil {
		return care.ActionResult{}, err
	}
	authorKey := string(m.Platform) + "/" + m.Author.ID
	switch a {
	case rules.Like, rules.Unlike:
		m.Liked = a == rules.Like
	case rules.Delete:
		// Care keeps what the brand deleted, as its record of the
		// moderation; who deleted it and when go with it.
		m.Deleted, m.DeletedBy = true, ptr(care.DeletedByBrand)
	case rules.Hide:
		m.Hidden, m.HiddenWithParent = true, false
		for _, d := range s.cascadeLocked(m) {
			if !d.Hidden {
				d.Hidden, d.HiddenWithParent = true, true
				d.UpdatedAt = s.stampLocked()
				s.conversationChangedLocked(d)
			}
		}
	case rules.Unhide:
		m.Hidden, m.HiddenWithParent = false, false
		for _, d := range s.cascadeLocked(m) {
			if d.HiddenWithParent {
				d.Hidden, d.HiddenWithParent = false, false
				d.UpdatedAt = s.stampLocked()
				s.conversationChangedLocked(d)
			}
		}
	case rules.Ban, rules.Unban:
		s.banned[authorKey] = a == rules.Ban
	case rules.Follow, rules.Unfollow:
		s.following[authorKey] = a == rules.Follow
	}
	m.UpdatedAt = s.stampLocked()
	if a == rules.Delete {
		at := m.UpdatedAt
		m.DeletedAt = &at
	}
	s.conversationChangedLocked(m)
	c.Interacted = true
	s.touchCaseLocked(c)
	return care.ActionResult{MessageID: m.ID, Action: action}, nil
}
