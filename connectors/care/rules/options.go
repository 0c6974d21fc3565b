package rules

import "time"

// Options is what an agent can do now on a target: the reply modes Check
// would allow, and when the time-limited ones close.
type Options struct {
	Modes []ReplyMode `json:"modes"`
	// PrivateReplyDeadline is when a reply with a direct message stops being
	// possible (nil when the mode is not available or has no window).
	PrivateReplyDeadline *time.Time `json:"private_reply_deadline,omitempty"`
	// DMDeadline is when the platform's messaging window closes (nil when a
	// direct message is not available or has no known window).
	DMDeadline *time.Time `json:"dm_deadline,omitempty"`
}

// ReplyOptions lists the reply modes Check would allow for the scenario's
// target and state, whatever s.Action, s.ReplyMode, text and media say.
func (e *Engine) ReplyOptions(s Scenario) Options {
	s.Target.Chosen = false
	return e.replyOptions(s)
}

// replyOptions is ReplyOptions for a target chosen or not, as s says.
func (e *Engine) replyOptions(s Scenario) Options {
	if e == nil {
		e = Default()
	}
	opts := Options{Modes: []ReplyMode{}}
	s.Action = Reply
	s.Text = "."
	s.Media = nil
	for _, m := range ReplyModes() {
		s.ReplyMode = m
		if !e.Check(s).Allowed {
			continue
		}
		opts.Modes = append(opts.Modes, m)
		switch m {
		case PrivateReply:
			if s.Platform != Twitter {
				d := s.Target.PostedAt.Add(privateReplyWindow)
				opts.PrivateReplyDeadline = &d
			}
		case DirectMessage:
			if d, ok := e.dmDeadline(s); ok {
				opts.DMDeadline = &d
			}
		}
	}
	return opts
}

// MessageOptions is what an agent can do now with one message of the
// conversation: the actions Check allows on it (Reply when a reply mode is)
// and the reply modes for a reply the agent addresses to it
// (ChosenReplyOptions).
type MessageOptions struct {
	Actions []Action `json:"actions"`
	Options
}

// MessageActions lists the actions on a single message, in the order an
// agent sees them.
func MessageActions() []Action {
	return []Action{Reply, Like, Unlike, Hide, Unhide, Delete, Ban, Unban, Follow, Unfollow}
}

// ChosenReplyOptions is ReplyOptions for a reply the agent addresses to
// s.Target by choosing it (a choice Care refuses among direct messages).
func (e *Engine) ChosenReplyOptions(s Scenario) Options {
	s.Target.Chosen = true
	return e.replyOptions(s)
}

// TextLimit returns the longest text mode m takes on platform p, when the
// rule data sets one.
func (e *Engine) TextLimit(p Platform, m ReplyMode) (TextLimit, bool) {
	if e == nil {
		e = Default()
	}
	return e.cfg.textLimit(p, m)
}
