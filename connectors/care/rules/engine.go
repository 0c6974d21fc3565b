package rules

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/carebridge/carebridge/configs"
)

// Engine checks scenarios against Care's documented rules (table.go and the
// state checks below) and the platform refinements of its rule data
// (configs/rules.yaml). An Engine is immutable and safe for concurrent use.
type Engine struct {
	care table
	cfg  Config
}

// privateReplyWindow: "within seven days of the message received" (Facebook
// and Instagram reply with a direct message; M5, M8).
const privateReplyWindow = 7 * 24 * time.Hour

// Hide limits, Care's own (platform-rules.md, refinement 4).
const (
	maxHideReplies = 500 // "Up to 500 replies under an individual comment can be hidden/un-hidden."
	maxHideDepth   = 3   // "the replies ... on the fourth level or deeper cannot be hidden/un-hidden"
)

// Load builds an engine from rule data in the configs/rules.yaml format.
func Load(data []byte) (*Engine, error) {
	cfg, err := ParseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("load rules: %w", err)
	}
	return &Engine{care: careTable(), cfg: cfg}, nil
}

// Default returns an engine with the rule data shipped with carebridge
// (configs/rules.yaml). It never panics: should the embedded file be bad (a
// test guards against that), it falls back to the built-in equivalent.
//
// The engine is built once and shared: it is immutable, so this is a cached
// value rather than mutable state, and callers may write
// rules.Default().Check(s) on a hot path.
func Default() *Engine { return shipped() }

var shipped = sync.OnceValue(func() *Engine {
	if e, err := Load(configs.Rules()); err == nil {
		return e
	}
	return &Engine{care: careTable(), cfg: builtinConfig()}
})

// builtinConfig mirrors configs/rules.yaml; TestShippedRuleDataLoads keeps
// the two equal.
func builtinConfig() Config {
	return Config{
		Version: 1,
		TextLimits: []TextLimit{
			{Platform: Facebook, Modes: []ReplyMode{DirectMessage, PrivateReply}, Max: 1999, Unit: Characters},
			{Platform: Instagram, Modes: []ReplyMode{DirectMessage, PrivateReply}, Max: 1000, Unit: Bytes},
			{Platform: Twitter, Modes: []ReplyMode{PublicReply, CommentOnPost}, Max: 280, Unit: XWeighted},
			{Platform: Twitter, Modes: []ReplyMode{DirectMessage, PrivateReply}, Max: 10000, Unit: Characters},
			{Platform: LinkedIn, Modes: []ReplyMode{PublicReply, CommentOnPost}, Max: 1250, Unit: Characters},
			{Platform: YouTube, Modes: []ReplyMode{PublicReply, CommentOnPost}, Max: 10000, Unit: Characters},
			{Platform: TikTok, Modes: []ReplyMode{PublicReply, CommentOnPost}, Max: 150, Unit: Characters},
		},
		DMWindow: DMWindow{
			Platforms:      []Platform{Facebook, Instagram},
			StandardHours:  24,
			HumanAgentTag:  true,
			HumanAgentDays: 7,
		},
		XPublicReply: XPublicReply{
			AccountTier:     "self_serve",
			MentionRequired: map[string]bool{"self_serve": true, "enterprise": false},
		},
	}
}

// Config returns a copy of the engine's platform rule data.
func (e *Engine) Config() Config {
	c := e.cfg
	c.TextLimits = append([]TextLimit(nil), c.TextLimits...)
	c.DMWindow.Platforms = append([]Platform(nil), c.DMWindow.Platforms...)
	m := make(map[string]bool, len(c.XPublicReply.MentionRequired))
	for k, v := range c.XPublicReply.MentionRequired {
		m[k] = v
	}
	c.XPublicReply.MentionRequired = m
	return c
}

// Check decides whether the scenario's action is allowed. A refusal always
// carries a code from Codes() and a sentence for the agent.
func (e *Engine) Check(s Scenario) Decision {
	if e == nil {
		e = Default()
	}
	if d := validate(s); !d.Allowed {
		return d
	}
	switch s.Action {
	case Reply:
		return e.checkReply(s)
	case SetStatus:
		return checkStatus(s)
	case SetProfile:
		return checkProfile(s)
	}
	return e.checkModeration(s)
}

// validate refuses scenarios that cannot be judged.
func validate(s Scenario) Decision {
	bad := func(format string, args ...any) Decision {
		return refuse(CodeInvalidScenario, "The request cannot be checked: "+format+".", args...)
	}
	caseOnly := s.Action == SetStatus || s.Action == SetProfile
	switch {
	case s.Platform == "" && caseOnly: // status and profile rules are the same on every platform
	case s.Platform == "":
		return bad("the platform is missing")
	case !knownPlatform(s.Platform):
		return bad("unknown platform %q", s.Platform)
	}
	if s.Case.Status != "" && !knownStatus(s.Case.Status) {
		return bad("unknown case status %q", s.Case.Status)
	}
	switch s.Action {
	case SetStatus:
		if !knownStatus(s.NewStatus) {
			return bad("unknown new status %q", s.NewStatus)
		}
		return allow()
	case SetProfile:
		return allow()
	case Reply:
		if !knownMode(s.ReplyMode) {
			return bad("unknown reply mode %q", s.ReplyMode)
		}
		// Replies depend on time windows.
		if s.Now.IsZero() {
			return bad("the current time (now) is missing")
		}
	case Like, Unlike, Delete, Hide, Unhide, Ban, Unban, Follow, Unfollow:
	case "":
		return bad("the action is missing")
	default:
		return bad("unknown action %q", s.Action)
	}
	if !knownKind(s.Target.Kind) {
		return bad("unknown message kind %q", s.Target.Kind)
	}
	if s.Target.Depth < 0 || s.Target.Replies < 0 {
		return bad("thread depth and reply count cannot be negative")
	}
	return allow()
}

func checkStatus(s Scenario) Decision {
	// "If the case is not assigned, only the Delete option is visible and
	// the Mark case as Done option is grayed out"
	if s.NewStatus == Deleted || s.Case.Assigned {
		return allow()
	}
	if s.NewStatus == Done {
		return refuse(CodeDoneNeedsAssignee,
			"%s cannot be marked done while nobody is assigned; assign it to an agent first.", thisCase(s.Platform))
	}
	return refuse(CodeUnassignedOnlyDelete,
		"%s is not assigned, so its status can only be changed to deleted; assign it to an agent first to mark it %s.",
		thisCase(s.Platform), s.NewStatus)
}

// thisCase names the case in a sentence: "This Facebook case", or "This
// case" when the platform is not known.
func thisCase(p Platform) string {
	if p == "" {
		return "This case"
	}
	return "This " + p.Name() + " case"
}

func checkProfile(s Scenario) Decision {
	// "You can change the assigned profile only before you interact with the case."
	if s.Case.Interacted {
		return refuse(CodeProfileLocked,
			"The profile of %s can no longer be changed because someone has already interacted with the case; keep replying with the current profile.",
			strings.ToLower(thisCase(s.Platform)[:1])+thisCase(s.Platform)[1:])
	}
	return allow()
}

func (e *Engine) checkModeration(s Scenario) Decision {
	p, k := s.Platform, s.Target.Kind
	rule := e.care.moderation[s.Action]
	supported, ok := rule.kinds[p]
	if !ok {
		return refuse(CodeActionNotSupported,
			"Care cannot %s a message on %s; it offers this only on %s.",
			s.Action.verb(), p.Name(), joinNames(rule.platformNames()))
	}
	// "You can also delete messages posted to the case by you or other Care users."
	brandsOwn := s.Action == Delete && s.Target.FromBrand && k != DirectMessageKind
	if !supported[k] && !brandsOwn {
		if s.Action == Hide || s.Action == Unhide {
			alt := ""
			if e.care.moderation[Delete].kinds[p][k] {
				alt = "; delete it instead if it must go"
			}
			return refuse(CodeHideNotComment,
				"Only comments under a post and replies under a comment can be hidden on %s, not a %s%s.",
				p.Name(), k.label(), alt)
		}
		return refuse(CodeContentNotSupported,
			"Care cannot %s a %s on %s; on %s it can do this only for %s.",
			s.Action.verb(), k.label(), p.Name(), p.Name(), joinNames(supported.labels()))
	}
	if rule.needsAssignment && !s.Case.Assigned {
		return refuse(CodeNotAssigned,
			"You must be assigned to this %s case to %s a message; assign the case to yourself first.",
			p.Name(), s.Action.verb())
	}
	if rule.needsProfile && !s.Case.HasProfile {
		return refuse(CodeProfileRequired,
			"This %s case has no social media profile to %s the message with; select a profile for the case first.",
			p.Name(), s.Action.verb())
	}
	if s.Action == Hide || s.Action == Unhide {
		return checkHide(s)
	}
	return allow()
}

func checkHide(s Scenario) Decision {
	p, t := s.Platform.Name(), s.Target
	if s.Action == Unhide && t.HiddenWithParent {
		return refuse(CodeUnhideHiddenWithParent,
			"This %s reply was hidden together with its comment and cannot be un-hidden on its own; un-hide the comment, which un-hides its replies.", p)
	}
	if s.Action == Unhide && t.ParentHidden {
		return refuse(CodeUnhideParentHidden,
			"This %s reply cannot be un-hidden while the comment it was posted to is hidden; un-hide the comment first.", p)
	}
	if t.Depth > maxHideDepth {
		return refuse(CodeThreadTooDeep,
			"This %s reply is on level %d of the thread; Care can %s replies only down to the third level, so %s it directly on %s.",
			p, t.Depth, s.Action.verb(), s.Action.verb(), p)
	}
	if t.Replies > maxHideReplies {
		return refuse(CodeTooManyReplies,
			"This %s comment has %d replies; Care can %s at most %d replies under a comment, so %s it directly on %s.",
			p, t.Replies, s.Action.verb(), maxHideReplies, s.Action.verb(), p)
	}
	return allow()
}

func (e *Engine) checkReply(s Scenario) Decision {
	p, m, t := s.Platform, s.ReplyMode, s.Target
	if s.Case.Status == Deleted {
		return refuse(CodeCaseDeleted, "This %s case has been deleted, so nobody can reply to it; reopen the case first.", p.Name())
	}
	// "To reply to an escalated case in Care, the case must be associated
	// with a social media profile."
	if !s.Case.HasProfile {
		return refuse(CodeProfileRequired,
			"This %s case has no social media profile to reply with; select a profile for the case first.", p.Name())
	}
	modes := e.care.modes[p]
	kindsForMode, offered := modes[m]
	if !offered {
		if m == DirectMessage {
			return refuse(CodeDMNotAvailable,
				"Care offers no direct messages on %s; use %s instead.", p.Name(), joinAlternatives(e.care.modeNames(p)))
		}
		return refuse(CodeReplyModeNotSupported,
			"Care offers no %s on %s; use %s instead.", strings.TrimPrefix(m.label(), "a "), p.Name(), joinAlternatives(e.care.modeNames(p)))
	}
	if !kindsForMode[t.Kind] {
		if t.Kind == DirectMessageKind {
			return refuse(CodeContentNotSupported,
				"A %s direct message can only be answered with a direct message, not with %s.", p.Name(), m.label())
		}
		return refuse(CodeContentNotSupported,
			"A %s on %s cannot be answered with %s; on %s that is available only for %s.",
			t.Kind.label(), p.Name(), m.label(), p.Name(), joinNames(kindsForMode.labels()))
	}
	// "available as a response to a comment or a visitor's post": a private
	// reply goes to the customer who wrote the message, never to the brand.
	if m == PrivateReply && t.FromBrand {
		return refuse(CodeContentNotSupported,
			"A private reply goes to the customer who wrote the message, and this %s %s was posted by the brand; choose the customer's message instead.",
			p.Name(), t.Kind.label())
	}
	// "you can choose a specific message in the thread to reply to. This
	// option is not available when replying to a thread of direct messages."
	if t.Chosen && (m == DirectMessage || t.Kind == DirectMessageKind) {
		return refuse(CodeChooseMessagePublicOnly,
			"On %s you can pick a specific message to reply to only in a public thread, not among direct messages; send the direct message without choosing a message.",
			p.Name())
	}
	// "You cannot reply to hidden comments."
	if (t.Hidden || t.HiddenWithParent) && (m == PublicReply || m == PrivateReply) {
		return refuse(CodeReplyToHiddenComment,
			"This %s comment is hidden and cannot be replied to; un-hide it first, or comment on the post instead.", p.Name())
	}
	var d Decision
	switch m {
	case PrivateReply:
		d = e.checkPrivateReply(s)
	case DirectMessage:
		d = e.checkDirectMessage(s)
	default:
		d = e.checkPublicReply(s)
	}
	if !d.Allowed {
		return d
	}
	if strings.TrimSpace(s.Text) == "" && len(s.Media) == 0 {
		return refuse(CodeEmptyReply, "The reply to this %s %s is empty; write a text or attach media.", p.Name(), t.Kind.label())
	}
	if l, ok := e.cfg.textLimit(p, m); ok {
		if n := TextLength(s.Text, l.Unit); n > l.Max {
			return refuse(CodeTextTooLong,
				"The text is too long for %s on %s: %d %s, at most %d allowed; shorten it.",
				m.label(), p.Name(), n, unitWord(l.Unit), l.Max)
		}
	}
	return allow()
}

func unitWord(u Unit) string {
	switch u {
	case Bytes:
		return "bytes"
	case XWeighted:
		return "weighted characters (emoji and CJK count 2, links 23)"
	}
	return "characters"
}

func (e *Engine) checkPrivateReply(s Scenario) Decision {
	p, t := s.Platform, s.Target
	if p == Twitter {
		// "Twitter allows replying with direct messages only if the
		// customer is following the brand's account."
		if !s.Author.FollowsBrand {
			return refuse(CodeTwitterDMNeedsFollower,
				"Twitter allows replying with a direct message only if the customer follows the brand's account, and this customer does not; reply publicly instead.")
		}
		return allow()
	}
	// "You cannot reply if the customer sent a message from a Facebook Page."
	if p == Facebook && s.Author.IsPage {
		return refuse(CodePrivateReplyToPage,
			"This Facebook %s was posted by a Facebook Page, and Facebook lets a Page reply in private only to a person; reply publicly instead.",
			t.Kind.label())
	}
	// "You can reply to a given comment in private only once."
	if t.PrivateReplySent {
		return refuse(CodePrivateReplyAlreadySent,
			"A private reply has already been sent to this %s %s, and only one is allowed; reply publicly or wait for the customer to answer in a direct message.",
			p.Name(), t.Kind.label())
	}
	// "within seven days of the message received"
	if t.PostedAt.IsZero() {
		return refuse(CodeInvalidScenario,
			"The request cannot be checked: the time the %s %s was posted (target.posted_at) is missing.", p.Name(), t.Kind.label())
	}
	if deadline := t.PostedAt.Add(privateReplyWindow); !s.Now.Before(deadline) {
		return refuse(CodePrivateReplyWindowExpired,
			"The 7-day window for a private reply to this %s %s closed on %s; reply publicly or wait for the customer to message you.",
			p.Name(), t.Kind.label(), formatTime(deadline))
	}
	// "You cannot attach media to your reply."
	if len(s.Media) > 0 {
		return refuse(CodePrivateReplyMedia,
			"A private reply to a %s %s can only be text, because only one private message is allowed; remove the attachment, or send it later in a direct message once the customer writes back.",
			p.Name(), t.Kind.label())
	}
	return allow()
}

func (e *Engine) checkDirectMessage(s Scenario) Decision {
	p := s.Platform
	// "You cannot send a direct message to a Facebook Page."
	if p == Facebook && s.Author.IsPage {
		return refuse(CodeDMToPage,
			"This customer is a Facebook Page, and Facebook lets a Page send direct messages only to a person; reply publicly instead.")
	}
	// "available when a direct message is in the conversation"
	if !s.Conversation.HasDirectMessages && s.Target.Kind != DirectMessageKind {
		alt := "reply publicly instead"
		if _, ok := e.care.modes[p][PrivateReply]; ok {
			alt = "reply publicly or reply with a direct message instead"
		}
		return refuse(CodeDMNotAvailable,
			"There are no direct messages in this %s conversation, so Care offers no direct message; %s.", p.Name(), alt)
	}
	// Meta's messaging window (M1-M4).
	if deadline, ok := e.dmDeadline(s); ok && !s.Now.Before(deadline) {
		window, _ := e.cfg.dmWindow(p)
		return refuse(CodeDMWindowExpired,
			"The %s window for a %s direct message after the customer's last message closed on %s; reply publicly or wait for the customer to message you.",
			windowText(window), p.Name(), formatTime(deadline))
	}
	return allow()
}

// dmDeadline is when the platform's messaging window closes, if the platform
// has one and the customer's last message is known (the conversation's last
// customer message, else the target DM's time).
func (e *Engine) dmDeadline(s Scenario) (time.Time, bool) {
	window, ok := e.cfg.dmWindow(s.Platform)
	if !ok {
		return time.Time{}, false
	}
	last := s.Conversation.LastCustomerMessageAt
	if last.IsZero() && s.Target.Kind == DirectMessageKind {
		last = s.Target.PostedAt
	}
	if last.IsZero() {
		return time.Time{}, false
	}
	return last.Add(window), true
}

func (e *Engine) checkPublicReply(s Scenario) Decision {
	if s.Platform != Twitter || !e.cfg.xMentionRequired() {
		return allow()
	}
	// X1: on self-serve API tiers a reply is accepted only if the author
	// @mentioned or quoted the brand.
	switch s.Target.Kind {
	case MentionInPost, MentionInComment, MentionInQuotedTweet:
		return allow()
	}
	// Replying to the brand's own tweet is not replying to someone else.
	if s.Author.MentionedBrand || s.Target.FromBrand {
		return allow()
	}
	alt := "wait for the customer to mention the brand or message you"
	switch {
	case s.Conversation.HasDirectMessages:
		alt = "send a direct message instead"
	case s.Author.FollowsBrand:
		alt = "reply with a direct message instead"
	}
	return refuse(CodeXReplyNeedsMention,
		"X accepts a public reply from the brand's account only when the customer mentioned or quoted the brand, and this customer did not; %s.", alt)
}
