package rules

import (
	"slices"
	"testing"
	"time"
)

func TestReplyOptions(t *testing.T) {
	at := func(d time.Duration) *time.Time { x := testNow.Add(d); return &x }
	tests := []struct {
		name         string
		s            Scenario
		want         []ReplyMode
		privateUntil *time.Time
		dmUntil      *time.Time
	}{
		{
			name:         "fresh facebook comment with DMs",
			s:            reply(Facebook, PublicReply),
			want:         []ReplyMode{PublicReply, CommentOnPost, DirectMessage, PrivateReply},
			privateUntil: at(7*day - time.Hour),
			dmUntil:      at(7*day - time.Hour),
		},
		{
			name: "8-day-old facebook comment, no DMs",
			s: with(reply(Facebook, PrivateReply), func(s *Scenario) {
				s.Target.PostedAt = testNow.Add(-8 * day)
				s.Conversation = Conversation{}
			}),
			want: []ReplyMode{PublicReply, CommentOnPost},
		},
		{
			name: "facebook comment by a page after a private reply",
			s: with(reply(Facebook, PublicReply), func(s *Scenario) {
				s.Author.IsPage = true
				s.Target.PrivateReplySent = true
			}),
			want: []ReplyMode{PublicReply, CommentOnPost},
		},
		{
			name: "hidden instagram comment",
			s:    with(reply(Instagram, PublicReply), func(s *Scenario) { s.Target.Hidden = true }),
			want: []ReplyMode{CommentOnPost, DirectMessage},
			// DM window: last customer message an hour ago, 7 days with the human-agent tag.
			dmUntil: at(7*day - time.Hour),
		},
		{
			name: "twitter DM from a non-follower",
			s: with(reply(Twitter, DirectMessage), func(s *Scenario) {
				s.Target.Kind, s.Target.Depth = DirectMessageKind, 0
				s.Author.FollowsBrand = false
			}),
			want: []ReplyMode{DirectMessage},
		},
		{
			name: "tiktok comment",
			s:    reply(TikTok, DirectMessage),
			want: []ReplyMode{PublicReply, CommentOnPost},
		},
		{
			name: "no profile: nothing",
			s:    with(reply(LinkedIn, PublicReply), func(s *Scenario) { s.Case.HasProfile = false }),
			want: []ReplyMode{},
		},
		{
			name: "ignores action, text, media and chosen",
			s: with(scenario(Facebook, Hide), func(s *Scenario) {
				s.Text = ""
				s.Media = []string{"https://cdn.example.com/a.png"}
				s.Target.Chosen = true
			}),
			want:         []ReplyMode{PublicReply, CommentOnPost, DirectMessage, PrivateReply},
			privateUntil: at(7*day - time.Hour),
			dmUntil:      at(7*day - time.Hour),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Default().ReplyOptions(tt.s)
			if !slices.Equal(got.Modes, tt.want) {
				t.Errorf("modes %v, want %v", got.Modes, tt.want)
			}
			checkTime(t, "private reply deadline", got.PrivateReplyDeadline, tt.privateUntil)
			checkTime(t, "DM deadline", got.DMDeadline, tt.dmUntil)
			for _, m := range got.Modes {
				s := tt.s
				s.Action, s.ReplyMode, s.Text, s.Media, s.Target.Chosen = Reply, m, "ok", nil, false
				if d := Default().Check(s); !d.Allowed {
					t.Errorf("option %s is refused by Check: %s", m, d.Code)
				}
			}
		})
	}
}

func checkTime(t *testing.T, what string, got, want *time.Time) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil:
		t.Errorf("%s = %v, want %v", what, got, want)
	case !got.Equal(*want):
		t.Errorf("%s = %v, want %v", what, *got, *want)
	}
}
