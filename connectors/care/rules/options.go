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
	if e == nil {
		e = Default()
	}
	opts := Options{Modes: []ReplyMode{}}
	s.Action = Reply
	s.Text = "."
	s.Media = nil
	s.Target.Chosen = false
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
