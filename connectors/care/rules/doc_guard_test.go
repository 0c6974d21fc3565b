package rules_test

// This file guards the rules engine with the Care documentation alone
// (shared/seed/care-respond-to-escalation.txt). It does not use the engine's
// tables: the lists below are transcribed from the documentation, every
// content type a list names must be allowed, and every one it does not name
// must be refused.

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/care/rules"
)

// The documentation's names for content types. "Comments" covers comments
// and replies under comments (the hide section: "comments under a post or
// replies under a comment"; see the kind convention in scenario.go).
var docKinds = map[string][]rules.Kind{
	"Comments":                  {"comment", "reply"},
	"Ad comments":               {"ad_comment"},
	"Wall posts":                {"wall_post"},
	"Mentions in posts":         {"mention_in_post"},
	"Mentions in comments":      {"mention_in_comment"},
	"Mentions in quoted tweets": {"mention_in_quoted_tweet"},
	"Listening mentions":        {"listening_mention"},
	"Direct messages":           {"direct_message"},
	// Reply options: "any post/comment" and "any tweet" are every public
	// message; "any comment" is every comment; "a comment or a visitor's post
	// on your page" is a comment on the page or a wall post.
	"any post/comment": {"post", "comment", "reply", "ad_comment", "wall_post", "mention_in_post",
		"mention_in_comment", "mention_in_quoted_tweet", "listening_mention"},
	"any tweet": {"post", "comment", "reply", "ad_comment", "wall_post", "mention_in_post",
		"mention_in_comment", "mention_in_quoted_tweet", "listening_mention"},
	"any comment": {"comment", "reply", "ad_comment", "mention_in_comment"},
	"a comment or a visitor's post on your page": {"comment", "reply", "ad_comment", "wall_post"},
	"any message": {"post", "comment", "reply", "ad_comment", "wall_post", "mention_in_post", "mention_in_comment", "mention_in_quoted_tweet", "listening_mention", "direct_message"},
}

var everyPlatform = []rules.Platform{"facebook", "instagram", "twitter", "linkedin", "youtube", "tiktok"}

var everyKind = []rules.Kind{"post", "comment", "reply", "ad_comment", "wall_post", "mention_in_post",
	"mention_in_comment", "mention_in_quoted_tweet", "listening_mention", "direct_message"}

// docList parses a transcribed list: one "Platform: item, item" per line.
func docList(t *testing.T, text string) map[rules.Platform]map[rules.Kind]bool {
	t.Helper()
	out := map[rules.Platform]map[rules.Kind]bool{}
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		platform, items, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			t.Fatalf("bad list line %q", line)
		}
		p := rules.Platform(strings.ToLower(platform))
		out[p] = map[rules.Kind]bool{}
		for _, item := range strings.Split(items, ",") {
			kinds, ok := docKinds[strings.TrimSpace(item)]
			if !ok {
				t.Fatalf("unknown documentation item %q", item)
			}
			for _, k := range kinds {
				out[p][k] = true
			}
		}
	}
	return out
}

var docNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// permissive is a scenario in which no state rule stands in the way: an
// assigned open case with a profile, a fresh visible message from a person
// who follows and mentioned the brand, a conversation with recent DMs.
func permissive(p rules.Platform, a rules.Action, k rules.Kind) rules.Scenario {
	depth := 0
	switch k {
	case "comment", "ad_comment", "mention_in_comment":
		depth = 1
	case "reply":
		depth = 2
	}
	return rules.Scenario{
		Platform: p, Action: a, Now: docNow,
		Case:   rules.CaseState{Assigned: true, HasProfile: true, Status: "open"},
		Target: rules.Target{Kind: k, Depth: depth, PostedAt: docNow.Add(-time.Hour)},
		Author: rules.Author{FollowsBrand: true, MentionedBrand: true},
		Conversation: rules.Conversation{
			HasDirectMessages: true, LastCustomerMessageAt: docNow.Add(-time.Hour),
		},
		Text: "Hello",
	}
}

func guardList(t *testing.T, sentence string, actions []rules.Action, list string, edit func(*rules.Scenario)) {
	t.Helper()
	allowed := docList(t, list)
	for _, a := range actions {
		for _, p := range everyPlatform {
			for _, k := range everyKind {
				s := permissive(p, a, k)
				if edit != nil {
					edit(&s)
				}
				want := allowed[p][k]
				t.Run(fmt.Sprintf("%s/%s/%s", a, p, k), func(t *testing.T) {
					d := rules.Default().Check(s)
					if d.Allowed != want {
						t.Errorf("%s %s on %s: allowed=%v (%s), want %v per %s", a, k, p, d.Allowed, d.Code, want, sentence)
					}
					if !d.Allowed && d.Code == "" {
						t.Error("refused without a code")
					}
				})
			}
		}
	}
}

func TestDocLikeList(t *testing.T) {
	guardList(t, `"Like a message ... Supported platforms: Facebook, LinkedIn, TikTok, Twitter"`,
		[]rules.Action{"like", "unlike"}, `
Facebook: Comments, Ad comments, Wall posts, Mentions in posts, Mentions in comments, Listening mentions
LinkedIn: Comments
TikTok: Comments
Twitter: Comments, Mentions in posts, Mentions in comments, Mentions in quoted tweets, Listening mentions`, nil)
}

func TestDocDeleteList(t *testing.T) {
	unassigned := func(s *rules.Scenario) { s.Case.Assigned = false }
	guardList(t, `"Delete a message ... Supported platforms: Facebook, Instagram, LinkedIn"; "You do not have to be assigned"`,
		[]rules.Action{"delete"}, `
Facebook: Comments, Ad comments, Wall posts
Instagram: Comments, Ad comments
LinkedIn: Comments`, unassigned)
}

func TestDocHideList(t *testing.T) {
	guardList(t, `"Supported platforms: Facebook, Instagram"; "You can hide only comments under a post or replies under a comment. You cannot hide direct messages."`,
		[]rules.Action{"hide", "unhide"}, `
Facebook: Comments, Ad comments
Instagram: Comments, Ad comments`, nil)
}

func TestDocBanList(t *testing.T) {
	guardList(t, `"Ban a user ... Supported platforms: Facebook, YouTube"`,
		[]rules.Action{"ban", "unban"}, `
Facebook: Comments, Ad comments, Wall posts, Mentions in posts, Mentions in comments, Listening mentions
YouTube: Comments`, nil)
}

func TestDocFollowList(t *testing.T) {
	guardList(t, `"Follow a user ... Supported platform: Twitter"`,
		[]rules.Action{"follow", "unfollow"}, `
Twitter: Comments, Mentions in posts, Mentions in comments, Mentions in quoted tweets, Listening mentions, Direct messages`, nil)
}

func TestDocAssignmentSentences(t *testing.T) {
	for _, tc := range []struct {
		sentence string
		p        rules.Platform
		a        rules.Action
		needs    bool
	}{
		{"You must be assigned to a case to be able to like/unlike a message within the case conversation.", "facebook", "like", true},
		{"You must be assigned to a case to be able to like/unlike a message within the case conversation.", "twitter", "unlike", true},
		{"You do not have to be assigned to a case to be able to delete a message from within the case conversation.", "linkedin", "delete", false},
		{"You must be assigned to a case to be able to hide/un-hide a comment.", "instagram", "hide", true},
		{"You must be assigned to a case to be able to hide/un-hide a comment.", "facebook", "unhide", true},
		{"You must be assigned to a case to be able to ban/un-ban a user.", "youtube", "unban", true},
		{"You must be assigned to a case to be able to follow/unfollow a user.", "twitter", "follow", true},
	} {
		s := permissive(tc.p, tc.a, "comment")
		if d := rules.Default().Check(s); !d.Allowed {
			t.Errorf("%q: assigned %s on %s refused: %s", tc.sentence, tc.a, tc.p, d.Code)
		}
		s.Case.Assigned = false
		if d := rules.Default().Check(s); d.Allowed == tc.needs {
			t.Errorf("%q: unassigned %s on %s allowed=%v", tc.sentence, tc.a, tc.p, d.Allowed)
		}
	}
}

func TestDocReplyOptions(t *testing.T) {
	// "Reply options and limitations", per platform, transcribed.
	lists := map[rules.ReplyMode]string{
		"public_reply": `
Facebook: any post/comment
Instagram: any comment
Twitter: any tweet
LinkedIn: any comment
YouTube: any comment
TikTok: any comment`,
		"comment_on_post": `
Facebook: any post/comment
Instagram: any comment
Twitter: any tweet
LinkedIn: any comment
YouTube: any comment
TikTok: any comment`,
		// "available when a direct message is in the conversation" (the
		// permissive scenario has one); no other platform lists it.
		"direct_message": `
Facebook: any message
Instagram: any message
Twitter: any message`,
		// Facebook, Instagram: "available as a response to a comment or a
		// visitor's post on your page within seven days"; Twitter: "only if
		// the customer is following the brand's account" (permissive: follows).
		"private_reply": `
Facebook: a comment or a visitor's post on your page
Instagram: a comment or a visitor's post on your page
Twitter: any tweet`,
	}
	for mode, list := range lists {
		t.Run(string(mode), func(t *testing.T) {
			guardList(t, "Reply options and limitations: "+string(mode), []rules.Action{"reply"}, list,
				func(s *rules.Scenario) { s.ReplyMode = mode })
		})
	}
}

func TestDocStatusSentence(t *testing.T) {
	// "If the case is not assigned, only the Delete option is visible and
	// the Mark case as Done option is grayed out"
	for _, to := range []rules.Status{"open", "pending", "done", "deleted"} {
		s := permissive("facebook", "set_status", "comment")
		s.NewStatus = to
		s.Case.Assigned = false
		if d := rules.Default().Check(s); d.Allowed != (to == "deleted") {
			t.Errorf("unassigned case to %s: allowed=%v (%s)", to, d.Allowed, d.Code)
		}
		s.Case.Assigned = true
		if d := rules.Default().Check(s); !d.Allowed {
			t.Errorf("assigned case to %s refused: %s", to, d.Code)
		}
	}
}

func TestDocStateSentences(t *testing.T) {
	type check struct {
		sentence string
		s        rules.Scenario
		allowed  bool
	}
	reply := func(p rules.Platform, m rules.ReplyMode, k rules.Kind, edit func(*rules.Scenario)) rules.Scenario {
		s := permissive(p, "reply", k)
		s.ReplyMode = m
		if edit != nil {
			edit(&s)
		}
		return s
	}
	for _, c := range []check{
		{"To reply to an escalated case in Care, the case must be associated with a social media profile.",
			reply("facebook", "public_reply", "comment", func(s *rules.Scenario) { s.Case.HasProfile = false }), false},
		{"You can change the assigned profile only before you interact with the case.",
			func() rules.Scenario {
				s := permissive("facebook", "set_profile", "comment")
				s.Case.Interacted = true
				return s
			}(), false},
		{"You can change the assigned profile only before you interact with the case.",
			permissive("facebook", "set_profile", "comment"), true},
		{"This option is not available when replying to a thread of direct messages.",
			reply("facebook", "direct_message", "direct_message", func(s *rules.Scenario) { s.Target.Chosen = true }), false},
		{"you can choose a specific message in the thread to reply to",
			reply("facebook", "public_reply", "reply", func(s *rules.Scenario) { s.Target.Chosen = true }), true},
		{"Limitation: You cannot send a direct message to a Facebook Page.",
			reply("facebook", "direct_message", "direct_message", func(s *rules.Scenario) { s.Author.IsPage = true }), false},
		{"available when a direct message is in the conversation",
			reply("instagram", "direct_message", "comment", func(s *rules.Scenario) { s.Conversation.HasDirectMessages = false }), false},
		{"within seven days of the message received",
			reply("facebook", "private_reply", "comment", func(s *rules.Scenario) { s.Target.PostedAt = docNow.Add(-8 * 24 * time.Hour) }), false},
		{"within seven days of the message received",
			reply("instagram", "private_reply", "comment", func(s *rules.Scenario) { s.Target.PostedAt = docNow.Add(-6 * 24 * time.Hour) }), true},
		{"Once you send a private message as a reply to a comment, you cannot send another private message.",
			reply("instagram", "private_reply", "comment", func(s *rules.Scenario) { s.Target.PrivateReplySent = true }), false},
		{"You cannot attach media to your reply.",
			reply("facebook", "private_reply", "comment", func(s *rules.Scenario) { s.Media = []string{"https://x.test/a.gif"} }), false},
		{"You cannot reply if the customer sent a message from a Facebook Page.",
			reply("facebook", "private_reply", "comment", func(s *rules.Scenario) { s.Author.IsPage = true }), false},
		{"Twitter allows replying with direct messages only if the customer is following the brand's account.",
			reply("twitter", "private_reply", "comment", func(s *rules.Scenario) { s.Author.FollowsBrand = false }), false},
		{"You cannot reply to hidden comments.",
			reply("instagram", "public_reply", "comment", func(s *rules.Scenario) { s.Target.Hidden = true }), false},
		{"You cannot un-hide a reply that was hidden together with the comment to which the reply was posted.",
			func() rules.Scenario {
				s := permissive("facebook", "unhide", "reply")
				s.Target.Hidden, s.Target.HiddenWithParent = true, true
				return s
			}(), false},
		{"You can un-hide only a reply that you hid individually and only if the comment to which the reply was posted is not hidden.",
			func() rules.Scenario {
				s := permissive("instagram", "unhide", "reply")
				s.Target.Hidden, s.Target.ParentHidden = true, true
				return s
			}(), false},
		{"You can un-hide only a reply that you hid individually",
			func() rules.Scenario {
				s := permissive("instagram", "unhide", "reply")
				s.Target.Hidden = true
				return s
			}(), true},
		{"Up to 500 replies under an individual comment can be hidden/un-hidden.",
			func() rules.Scenario {
				s := permissive("facebook", "hide", "comment")
				s.Target.Replies = 500
				return s
			}(), true},
		{"If a comment has more than 500 replies, you need to hide/un-hide the remaining replies directly on Facebook/Instagram.",
			func() rules.Scenario {
				s := permissive("facebook", "hide", "comment")
				s.Target.Replies = 501
				return s
			}(), false},
		{"the replies ... on the fourth level or deeper cannot be hidden/un-hidden from Care",
			func() rules.Scenario { s := permissive("instagram", "hide", "reply"); s.Target.Depth = 4; return s }(), false},
	} {
		d := rules.Default().Check(c.s)
		if d.Allowed != c.allowed {
			t.Errorf("%q: allowed=%v (%s: %s), want %v", c.sentence, d.Allowed, d.Code, d.Reason, c.allowed)
		}
	}
}
