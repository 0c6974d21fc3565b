package rules

import (
	"strings"
	"testing"
	"time"
)

const day = 24 * time.Hour

func TestReplyNeedsProfile(t *testing.T) {
	const src = `"To reply to an escalated case in Care, the case must be associated with a social media profile."`
	noProfile := func(s *Scenario) { s.Case.HasProfile = false }
	runRuleCases(t, Default(), []ruleCase{
		{"with profile", src, reply(Facebook, PublicReply), ""},
		{"listening content without profile", `"Listening content that lands in your inbox via automation is not associated with a profile."`,
			with(reply(Twitter, PublicReply), func(s *Scenario) { noProfile(s); s.Target.Kind = ListeningMention }), CodeProfileRequired},
		{"no profile", src, with(reply(Instagram, CommentOnPost), noProfile), CodeProfileRequired},
		{"like as the brand needs a profile", "a like goes out as the brand's profile", with(scenario(Facebook, Like), noProfile), CodeProfileRequired},
		{"follow as the brand needs a profile", "a follow goes out as the brand's profile", with(scenario(Twitter, Follow), noProfile), CodeProfileRequired},
		{"delete needs no profile", `"You do not have to be assigned to a case to be able to delete a message"`, with(scenario(Facebook, Delete), noProfile), ""},
	})
}

func TestProfileChangeableOnlyBeforeInteraction(t *testing.T) {
	const src = `"You can change the assigned profile only before you interact with the case."`
	runRuleCases(t, Default(), []ruleCase{
		{"before interaction", src, scenario(Facebook, SetProfile), ""},
		{"no profile yet", `"you have to decide which profile you use to respond"`,
			with(scenario(Twitter, SetProfile), func(s *Scenario) { s.Case.HasProfile = false }), ""},
		{"after interaction", src, with(scenario(Facebook, SetProfile), func(s *Scenario) { s.Case.Interacted = true }), CodeProfileLocked},
	})
}

func TestReplyModesPerPlatformAndKind(t *testing.T) {
	const fb = `Facebook: "Public reply - available for any post/comment", "Comment on post - available for any post/comment"`
	const ig = `Instagram: "Public reply - available for any comment"`
	const tw = `Twitter: "Public reply - available for any tweet"`
	const li = `LinkedIn/YouTube/TikTok: "Public reply - available for any comment", "Comment on post - available for any comment"`
	const pr = `"Reply with a direct message - available as a response to a comment or a visitor's post on your page"`
	const dm = `"Direct message adds a new message to the direct conversation."`
	kind := func(p Platform, m ReplyMode, k Kind) Scenario {
		return with(reply(p, m), func(s *Scenario) { s.Target.Kind = k; s.Target.Depth = 0 })
	}
	runRuleCases(t, Default(), []ruleCase{
		{"facebook public reply to a post", fb, kind(Facebook, PublicReply, Post), ""},
		{"facebook comment on post under a wall post", fb, kind(Facebook, CommentOnPost, WallPost), ""},
		{"facebook public reply to a DM", dm, kind(Facebook, PublicReply, DirectMessageKind), CodeContentNotSupported},
		{"instagram public reply to a comment", ig, kind(Instagram, PublicReply, Comment), ""},
		{"instagram public reply to a post", ig, kind(Instagram, PublicReply, Post), CodeContentNotSupported},
		{"twitter public reply to a quoted tweet", tw, kind(Twitter, PublicReply, MentionInQuotedTweet), ""},
		{"linkedin comment on post under a comment", li, kind(LinkedIn, CommentOnPost, Comment), ""},
		{"youtube public reply to a post", li, kind(YouTube, PublicReply, Post), CodeContentNotSupported},
		{"tiktok public reply to a comment", li, kind(TikTok, PublicReply, Comment), ""},
		{"linkedin has no direct messages", "LinkedIn offers only public reply and comment on post", kind(LinkedIn, DirectMessage, Comment), CodeDMNotAvailable},
		{"tiktok has no private reply", "TikTok offers only public reply and comment on post; T3: follow Care", kind(TikTok, PrivateReply, Comment), CodeReplyModeNotSupported},
		{"youtube has no private reply", "YouTube offers only public reply and comment on post", kind(YouTube, PrivateReply, Comment), CodeReplyModeNotSupported},
		{"facebook private reply to a wall post", pr, kind(Facebook, PrivateReply, WallPost), ""},
		{"facebook private reply to the brand's own post", pr, kind(Facebook, PrivateReply, Post), CodeContentNotSupported},
		{"private reply to the brand's own comment", pr, with(kind(Twitter, PrivateReply, Comment), func(s *Scenario) { s.Target.FromBrand = true }), CodeContentNotSupported},
		{"facebook private reply to a listening mention", pr, kind(Facebook, PrivateReply, ListeningMention), CodeContentNotSupported},
	})
}

func TestChooseMessageOnlyInPublicThreads(t *testing.T) {
	const src = `"When posting a reply in a public thread ..., you can choose a specific message in the thread to reply to. This option is not available when replying to a thread of direct messages."`
	chosen := func(s *Scenario) { s.Target.Chosen = true }
	runRuleCases(t, Default(), []ruleCase{
		{"chosen comment in a public thread", src, with(reply(Facebook, PublicReply), chosen), ""},
		{"chosen reply under a comment", src, with(reply(Instagram, PublicReply), func(s *Scenario) { chosen(s); s.Target.Kind = ReplyKind; s.Target.Depth = 2 }), ""},
		{"chosen DM in a DM thread", src, with(reply(Twitter, DirectMessage), func(s *Scenario) { chosen(s); s.Target.Kind = DirectMessageKind; s.Target.Depth = 0 }), CodeChooseMessagePublicOnly},
		{"chosen message for a direct message", src, with(reply(Facebook, DirectMessage), chosen), CodeChooseMessagePublicOnly},
		{"DM without choosing", src, with(reply(Facebook, DirectMessage), func(s *Scenario) { s.Target.Kind = DirectMessageKind; s.Target.Depth = 0 }), ""},
	})
}

func TestPrivateReplyOncePerComment(t *testing.T) {
	const src = `"You can reply to a given comment in private only once."`
	sent := func(s *Scenario) { s.Target.PrivateReplySent = true }
	runRuleCases(t, Default(), []ruleCase{
		{"facebook first private reply", src, reply(Facebook, PrivateReply), ""},
		{"facebook second private reply", src, with(reply(Facebook, PrivateReply), sent), CodePrivateReplyAlreadySent},
		{"instagram first private reply", src, reply(Instagram, PrivateReply), ""},
		{"instagram second private reply", src, with(reply(Instagram, PrivateReply), sent), CodePrivateReplyAlreadySent},
		{"public reply after a private reply", `"You can reply to the comments in the usual way"`, with(reply(Facebook, PublicReply), sent), ""},
	})
}

func TestPrivateReplyWithinSevenDays(t *testing.T) {
	const src = `"available as a response to a comment or a visitor's post on your page within seven days of the message received" (M5, M8)`
	age := func(d time.Duration) func(*Scenario) {
		return func(s *Scenario) { s.Target.PostedAt = testNow.Add(-d) }
	}
	runRuleCases(t, Default(), []ruleCase{
		{"facebook 6 days old", src, with(reply(Facebook, PrivateReply), age(6*day)), ""},
		{"facebook one minute before the deadline", src, with(reply(Facebook, PrivateReply), age(7*day-time.Minute)), ""},
		{"facebook exactly 7 days old", src, with(reply(Facebook, PrivateReply), age(7*day)), CodePrivateReplyWindowExpired},
		{"facebook 8 days old", src, with(reply(Facebook, PrivateReply), age(8*day)), CodePrivateReplyWindowExpired},
		{"instagram 8 days old", src, with(reply(Instagram, PrivateReply), age(8*day)), CodePrivateReplyWindowExpired},
		{"public reply to an 8 day old comment", `"Public reply - available for any post/comment"`, with(reply(Facebook, PublicReply), age(8*day)), ""},
		{"posted_at unknown", src, with(reply(Facebook, PrivateReply), func(s *Scenario) { s.Target.PostedAt = time.Time{} }), CodeInvalidScenario},
	})
	d := Default().Check(with(reply(Facebook, PrivateReply), age(8*day)))
	if want := "closed on 24 Nov 2026 12:00 UTC; reply publicly or wait for the customer to message you."; !strings.HasSuffix(d.Reason, want) {
		t.Errorf("reason %q does not end with %q", d.Reason, want)
	}
}

func TestPrivateReplyTextOnly(t *testing.T) {
	const src = `"You cannot attach media to your reply. Since you can privately reply to comments only once, we support only a text message response."`
	media := func(s *Scenario) { s.Media = []string{"https://cdn.example.com/a.png"} }
	runRuleCases(t, Default(), []ruleCase{
		{"facebook text", src, reply(Facebook, PrivateReply), ""},
		{"facebook with media", src, with(reply(Facebook, PrivateReply), media), CodePrivateReplyMedia},
		{"instagram with media", src, with(reply(Instagram, PrivateReply), media), CodePrivateReplyMedia},
		{"facebook public reply with media", `"Public reply - available for any post/comment"`, with(reply(Facebook, PublicReply), media), ""},
	})
}

func TestPrivateReplyNotToFacebookPage(t *testing.T) {
	const src = `"You cannot reply if the customer sent a message from a Facebook Page." (M5)`
	page := func(s *Scenario) { s.Author.IsPage = true }
	runRuleCases(t, Default(), []ruleCase{
		{"to a person", src, reply(Facebook, PrivateReply), ""},
		{"to a page", src, with(reply(Facebook, PrivateReply), page), CodePrivateReplyToPage},
		{"public reply to a page", `"Public reply - available for any post/comment"`, with(reply(Facebook, PublicReply), page), ""},
	})
}

func TestTwitterReplyWithDMNeedsFollower(t *testing.T) {
	const src = `"Twitter allows replying with direct messages only if the customer is following the brand's account."`
	runRuleCases(t, Default(), []ruleCase{
		{"follower", src, reply(Twitter, PrivateReply), ""},
		{"not a follower", src, with(reply(Twitter, PrivateReply), func(s *Scenario) { s.Author.FollowsBrand = false }), CodeTwitterDMNeedsFollower},
		{"no 7-day window on twitter", src, with(reply(Twitter, PrivateReply), func(s *Scenario) { s.Target.PostedAt = testNow.Add(-30 * day) }), ""},
	})
}

func TestDirectMessageOnlyWithDMsInConversation(t *testing.T) {
	const src = `"Direct message - available when a direct message is in the conversation"; "This option only appears either under a direct message from the customer or if the platform offers the public-to-private workflow"`
	noDMs := func(s *Scenario) { s.Conversation.HasDirectMessages = false }
	runRuleCases(t, Default(), []ruleCase{
		{"facebook with DMs", src, reply(Facebook, DirectMessage), ""},
		{"facebook without DMs", src, with(reply(Facebook, DirectMessage), noDMs), CodeDMNotAvailable},
		{"instagram without DMs", src, with(reply(Instagram, DirectMessage), noDMs), CodeDMNotAvailable},
		{"twitter without DMs", src, with(reply(Twitter, DirectMessage), noDMs), CodeDMNotAvailable},
		{"under a DM from the customer", src, with(reply(Twitter, DirectMessage), func(s *Scenario) {
			noDMs(s)
			s.Target.Kind = DirectMessageKind
			s.Target.Depth = 0
		}), ""},
		{"youtube never", "YouTube offers only public reply and comment on post", reply(YouTube, DirectMessage), CodeDMNotAvailable},
	})
}

func TestDirectMessageNotToFacebookPage(t *testing.T) {
	const src = `"You cannot send a direct message to a Facebook Page. The Facebook API allows Facebook Pages to reply only to a Facebook user, not another Facebook Page."`
	runRuleCases(t, Default(), []ruleCase{
		{"to a person", src, reply(Facebook, DirectMessage), ""},
		{"to a page", src, with(reply(Facebook, DirectMessage), func(s *Scenario) { s.Author.IsPage = true }), CodeDMToPage},
	})
}

func TestNoReplyToHiddenComment(t *testing.T) {
	const src = `"You cannot reply to hidden comments." (M14)`
	hidden := func(s *Scenario) { s.Target.Hidden = true }
	runRuleCases(t, Default(), []ruleCase{
		{"visible comment", src, reply(Facebook, PublicReply), ""},
		{"hidden comment", src, with(reply(Facebook, PublicReply), hidden), CodeReplyToHiddenComment},
		{"reply hidden with its comment", src, with(reply(Instagram, PublicReply), func(s *Scenario) {
			s.Target.Kind, s.Target.Depth, s.Target.HiddenWithParent = ReplyKind, 2, true
		}), CodeReplyToHiddenComment},
		{"private reply to a hidden comment", src, with(reply(Instagram, PrivateReply), hidden), CodeReplyToHiddenComment},
		{"comment on the post instead", `"Comment on post adds a comment to the last parent post in the conversation."`, with(reply(Facebook, CommentOnPost), hidden), ""},
	})
}

func TestReplyNeedsCaseNotDeleted(t *testing.T) {
	const src = `a deleted case is out of the inbox: "If the case is not assigned, only the Delete option is visible"`
	runRuleCases(t, Default(), []ruleCase{
		{"open case", src, reply(Facebook, PublicReply), ""},
		{"pending case", `"Doing so will put the case on hold until the customer replies."`, with(reply(Facebook, PublicReply), func(s *Scenario) { s.Case.Status = Pending }), ""},
		{"deleted case", src, with(reply(Facebook, PublicReply), func(s *Scenario) { s.Case.Status = Deleted }), CodeCaseDeleted},
	})
}

func TestModerationNeedsAssignmentExceptDelete(t *testing.T) {
	unassigned := func(s *Scenario) { s.Case.Assigned = false }
	runRuleCases(t, Default(), []ruleCase{
		{"like assigned", `"You must be assigned to a case to be able to like/unlike a message"`, scenario(Facebook, Like), ""},
		{"like unassigned", `"You must be assigned to a case to be able to like/unlike a message"`, with(scenario(LinkedIn, Like), unassigned), CodeNotAssigned},
		{"unlike unassigned", `"You must be assigned to a case to be able to like/unlike a message"`, with(scenario(TikTok, Unlike), unassigned), CodeNotAssigned},
		{"hide unassigned", `"You must be assigned to a case to be able to hide/un-hide a comment."`, with(scenario(Instagram, Hide), unassigned), CodeNotAssigned},
		{"unhide unassigned", `"You must be assigned to a case to be able to hide/un-hide a comment."`, with(scenario(Facebook, Unhide), unassigned), CodeNotAssigned},
		{"ban unassigned", `"You must be assigned to a case to be able to ban/un-ban a user."`, with(scenario(YouTube, Ban), unassigned), CodeNotAssigned},
		{"unban assigned", `"You must be assigned to a case to be able to ban/un-ban a user."`, scenario(YouTube, Unban), ""},
		{"follow unassigned", `"You must be assigned to a case to be able to follow/unfollow a user."`, with(scenario(Twitter, Follow), unassigned), CodeNotAssigned},
		{"unfollow assigned", `"You must be assigned to a case to be able to follow/unfollow a user."`, scenario(Twitter, Unfollow), ""},
		{"delete unassigned", `"You do not have to be assigned to a case to be able to delete a message from within the case conversation."`, with(scenario(Instagram, Delete), unassigned), ""},
	})
}

func TestModerationPlatformsAndContent(t *testing.T) {
	kind := func(p Platform, a Action, k Kind) Scenario {
		return with(scenario(p, a), func(s *Scenario) { s.Target.Kind = k })
	}
	runRuleCases(t, Default(), []ruleCase{
		{"like on facebook listening mention", `Like: "Facebook - Listening mentions"`, kind(Facebook, Like, ListeningMention), ""},
		{"like on instagram", `Like: "Supported platforms: Facebook, LinkedIn, TikTok, Twitter"`, kind(Instagram, Like, Comment), CodeActionNotSupported},
		{"like a twitter DM", `Like: Twitter lists no direct messages`, kind(Twitter, Like, DirectMessageKind), CodeContentNotSupported},
		{"delete an instagram ad comment", `Delete: "Instagram - Comments, Ad comments"`, kind(Instagram, Delete, AdComment), ""},
		{"delete on twitter", `Delete: "Supported platforms: Facebook, Instagram, LinkedIn"`, kind(Twitter, Delete, Comment), CodeActionNotSupported},
		{"delete a facebook mention", `Delete: Facebook lists comments, ad comments, wall posts`, kind(Facebook, Delete, MentionInPost), CodeContentNotSupported},
		{"delete the brand's own facebook post", `"You can also delete messages posted to the case by you or other Care users."`,
			with(kind(Facebook, Delete, Post), func(s *Scenario) { s.Target.FromBrand = true }), ""},
		{"ban a youtube commenter", `Ban: "YouTube - Comments"`, kind(YouTube, Ban, Comment), ""},
		{"ban on twitter", `Ban: "Supported platforms: Facebook, YouTube"`, kind(Twitter, Ban, Comment), CodeActionNotSupported},
		{"follow a twitter DM author", `Follow: "Direct messages"`, kind(Twitter, Follow, DirectMessageKind), ""},
		{"follow on facebook", `Follow: "Supported platform: Twitter"`, kind(Facebook, Follow, Comment), CodeActionNotSupported},
		{"hide on linkedin", `Hide: "Supported platforms: Facebook, Instagram"`, kind(LinkedIn, Hide, Comment), CodeActionNotSupported},
	})
}

func TestHideOnlyComments(t *testing.T) {
	const src = `"You can hide only comments under a post or replies under a comment. You cannot hide direct messages."`
	kind := func(p Platform, k Kind, depth int) Scenario {
		return with(scenario(p, Hide), func(s *Scenario) { s.Target.Kind, s.Target.Depth = k, depth })
	}
	runRuleCases(t, Default(), []ruleCase{
		{"facebook comment", src, kind(Facebook, Comment, 1), ""},
		{"instagram reply under a comment", src, kind(Instagram, ReplyKind, 2), ""},
		{"instagram ad comment", `"If you hide a comment on an Instagram ad post through Emplifi..."`, kind(Instagram, AdComment, 1), ""},
		{"facebook post", src, kind(Facebook, Post, 0), CodeHideNotComment},
		{"facebook wall post", src, kind(Facebook, WallPost, 0), CodeHideNotComment},
		{"instagram direct message", src, kind(Instagram, DirectMessageKind, 0), CodeHideNotComment},
	})
}

func TestUnhideLimits(t *testing.T) {
	const src = `"You cannot un-hide a reply that was hidden together with the comment to which the reply was posted. You can un-hide only a reply that you hid individually and only if the comment to which the reply was posted is not hidden."`
	r := func(edit func(*Scenario)) Scenario {
		return with(scenario(Facebook, Unhide), func(s *Scenario) {
			s.Target.Kind, s.Target.Depth, s.Target.Hidden = ReplyKind, 2, true
			edit(s)
		})
	}
	runRuleCases(t, Default(), []ruleCase{
		{"reply hidden individually", src, r(func(*Scenario) {}), ""},
		{"reply hidden with its comment", src, r(func(s *Scenario) { s.Target.HiddenWithParent = true }), CodeUnhideHiddenWithParent},
		{"reply whose comment is hidden", src, r(func(s *Scenario) { s.Target.ParentHidden = true }), CodeUnhideParentHidden},
		{"hide a reply whose comment is hidden", `"When you hide a comment that has replies, those replies will be automatically hidden too."`,
			with(r(func(s *Scenario) { s.Target.ParentHidden = true }), func(s *Scenario) { s.Action = Hide }), ""},
	})
}

func TestHideAtMost500Replies(t *testing.T) {
	const src = `"Up to 500 replies under an individual comment can be hidden/un-hidden."`
	replies := func(a Action, n int) Scenario {
		return with(scenario(Instagram, a), func(s *Scenario) { s.Target.Replies = n })
	}
	runRuleCases(t, Default(), []ruleCase{
		{"hide 500 replies", src, replies(Hide, 500), ""},
		{"hide 501 replies", src, replies(Hide, 501), CodeTooManyReplies},
		{"unhide 501 replies", src, replies(Unhide, 501), CodeTooManyReplies},
	})
}

func TestHideNotFourthLevel(t *testing.T) {
	const src = `"the replies posted directly through Instagram and Facebook on the fourth level or deeper cannot be hidden/un-hidden from Care"`
	depth := func(a Action, d int) Scenario {
		return with(scenario(Facebook, a), func(s *Scenario) { s.Target.Kind, s.Target.Depth = ReplyKind, d })
	}
	runRuleCases(t, Default(), []ruleCase{
		{"third level", src, depth(Hide, 3), ""},
		{"fourth level", src, depth(Hide, 4), CodeThreadTooDeep},
		{"sixth level unhide", src, depth(Unhide, 6), CodeThreadTooDeep},
	})
}

func TestStatusRules(t *testing.T) {
	const src = `"If the case is not assigned, only the Delete option is visible and the Mark case as Done option is grayed out"`
	status := func(to Status, assigned bool) Scenario {
		return with(scenario(Facebook, SetStatus), func(s *Scenario) { s.NewStatus, s.Case.Assigned = to, assigned })
	}
	runRuleCases(t, Default(), []ruleCase{
		{"unassigned delete", src, status(Deleted, false), ""},
		{"unassigned done", src, status(Done, false), CodeDoneNeedsAssignee},
		{"unassigned pending", src, status(Pending, false), CodeUnassignedOnlyDelete},
		{"unassigned open", src, status(Open, false), CodeUnassignedOnlyDelete},
		{"assigned done", src, status(Done, true), ""},
		{"assigned pending", `"You can also choose to mark the case as pending after replying."`, status(Pending, true), ""},
		{"platform and time not needed (the bridge's status check)", src,
			Scenario{Action: SetStatus, NewStatus: Done, Case: CaseState{Status: Open}}, CodeDoneNeedsAssignee},
		{"platform and time not needed, assigned", src,
			Scenario{Action: SetStatus, NewStatus: Done, Case: CaseState{Assigned: true}}, ""},
	})
	if d := Default().Check(Scenario{Action: SetStatus, NewStatus: Pending}); !strings.HasPrefix(d.Reason, "This case is not assigned") {
		t.Errorf("reason without a platform: %q", d.Reason)
	}
}

func TestEmptyReply(t *testing.T) {
	const src = "a reply carries a text or media"
	runRuleCases(t, Default(), []ruleCase{
		{"text", src, reply(LinkedIn, PublicReply), ""},
		{"media only", src, with(reply(Facebook, PublicReply), func(s *Scenario) { s.Text = ""; s.Media = []string{"https://cdn.example.com/a.png"} }), ""},
		{"blank", src, with(reply(Facebook, PublicReply), func(s *Scenario) { s.Text = " \n\t" }), CodeEmptyReply},
	})
}

func TestTextLimits(t *testing.T) {
	text := func(p Platform, m ReplyMode, text string) Scenario {
		return with(reply(p, m), func(s *Scenario) { s.Text = text })
	}
	runRuleCases(t, Default(), []ruleCase{
		{"messenger 1999 characters", "M4: under 2000 characters", text(Facebook, DirectMessage, strings.Repeat("é", 1999)), ""},
		{"messenger 2000 characters", "M4: under 2000 characters", text(Facebook, DirectMessage, strings.Repeat("a", 2000)), CodeTextTooLong},
		{"facebook private reply 2000 characters", "M4, M5: a private reply is a Send API message", text(Facebook, PrivateReply, strings.Repeat("a", 2000)), CodeTextTooLong},
		{"instagram DM 1000 bytes", "M9: 1000 bytes or less", text(Instagram, DirectMessage, strings.Repeat("a", 1000)), ""},
		{"instagram DM 500 two-byte characters", "M9: 1000 bytes or less", text(Instagram, DirectMessage, strings.Repeat("é", 500)), ""},
		{"instagram DM 501 two-byte characters", "M9: bytes, not characters", text(Instagram, DirectMessage, strings.Repeat("é", 501)), CodeTextTooLong},
		{"x 280 latin", "X3: 280 weighted characters", text(Twitter, PublicReply, strings.Repeat("a", 280)), ""},
		{"x 140 CJK", "X3: CJK counts 2", text(Twitter, PublicReply, strings.Repeat("日", 140)), ""},
		{"x 141 CJK", "X3: CJK counts 2", text(Twitter, PublicReply, strings.Repeat("日", 141)), CodeTextTooLong},
		{"x 141 emoji", "X3: emoji count 2", text(Twitter, CommentOnPost, strings.Repeat("👍🏽", 141)), CodeTextTooLong},
		{"x long URL", "X3: each URL counts 23", text(Twitter, PublicReply, strings.Repeat("a", 250)+" https://example.com/"+strings.Repeat("x", 200)), ""},
		{"x DM 10000", "X4: up to 10,000 characters", text(Twitter, DirectMessage, strings.Repeat("a", 10000)), ""},
		{"x DM 10001", "X4: up to 10,000 characters", text(Twitter, DirectMessage, strings.Repeat("a", 10001)), CodeTextTooLong},
		{"linkedin 1251", "L1 [3P]: 1,250", text(LinkedIn, PublicReply, strings.Repeat("a", 1251)), CodeTextTooLong},
		{"youtube 10001", "Y1: 10,000 characters", text(YouTube, CommentOnPost, strings.Repeat("a", 10001)), CodeTextTooLong},
		{"tiktok 150", "TikTok 150 characters [3P]", text(TikTok, PublicReply, strings.Repeat("a", 150)), ""},
		{"tiktok 151", "TikTok 150 characters [3P]", text(TikTok, PublicReply, strings.Repeat("a", 151)), CodeTextTooLong},
	})
}

func TestXWeightedLength(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"", 0},
		{"hello", 5},
		{"日本語", 6},
		{"👍", 2},
		{"👍🏽", 2},      // skin tone modifier: one emoji
		{"👨‍👩‍👧", 2},   // ZWJ family: one emoji
		{"🇨🇿", 2},      // flag: one emoji
		{"e\u0301", 1}, // NFC: é
		{"go https://example.com/a/very/long/path?x=1 now", 3 + 23 + 4},
		{"see www.example.org.", 4 + 23 + 1},
		{"http://", 7}, // no host: not a URL
		{"www...", 6},
		{"visit example.com/help today", 6 + 23 + 6},
		{"apple.com", 23},
		{"HTTPS://Example.COM", 23},
		{"mail me@example.com", 8 + 11},       // an e-mail address is not a URL
		{"foowww.example.com", 23},            // a bare domain under .com
		{"e.g. this", 9},                      // "g" is not a TLD
		{"file.txt", 8},                       // "txt" is not a TLD
		{"(see https://a.io/x).", 5 + 23 + 2}, // trailing punctuation
		{"https://a.io:8080/x?y=1#z end", 23 + 4},
		{"xhttps://a.io", 13}, // inside a word: not a URL
		{"’", 1},              // U+2019 is in a light range
		{"…", 2},              // U+2026 is not
	}
	for _, tt := range tests {
		if got := TextLength(tt.text, XWeighted); got != tt.want {
			t.Errorf("TextLength(%q, x_weighted) = %d, want %d", tt.text, got, tt.want)
		}
	}
}

func TestDMWindow(t *testing.T) {
	const src = "M1-M4: 24 h after the customer's last message; 7 days with the HUMAN_AGENT tag"
	last := func(p Platform, d time.Duration) Scenario {
		return with(reply(p, DirectMessage), func(s *Scenario) { s.Conversation.LastCustomerMessageAt = testNow.Add(-d) })
	}
	runRuleCases(t, Default(), []ruleCase{
		{"messenger 6 days (human agent tag on)", src, last(Facebook, 6*day), ""},
		{"messenger 7 days", src, last(Facebook, 7*day), CodeDMWindowExpired},
		{"instagram 8 days", src, last(Instagram, 8*day), CodeDMWindowExpired},
		{"twitter has no window", "X4-X6: no messaging window", last(Twitter, 30*day), ""},
		{"window from the target DM when the last message is unknown", src, with(last(Facebook, 0), func(s *Scenario) {
			s.Conversation.LastCustomerMessageAt = time.Time{}
			s.Target.Kind, s.Target.Depth, s.Target.PostedAt = DirectMessageKind, 0, testNow.Add(-8*day)
		}), CodeDMWindowExpired},
	})
	cfg := builtinConfig()
	cfg.DMWindow.HumanAgentTag = false
	e := &Engine{care: careTable(), cfg: cfg}
	runRuleCases(t, e, []ruleCase{
		{"messenger 23 hours without the tag", src, last(Facebook, 23*time.Hour), ""},
		{"messenger 25 hours without the tag", src, last(Facebook, 25*time.Hour), CodeDMWindowExpired},
	})
	if d := e.Check(last(Facebook, 25*time.Hour)); !strings.Contains(d.Reason, "24-hour") {
		t.Errorf("reason %q does not name the 24-hour window", d.Reason)
	}
}

func TestXPublicReplyNeedsMention(t *testing.T) {
	const src = "X1: on self-serve tiers a reply is accepted only if the original author @mentioned or quoted the brand's account (Enterprise exempt)"
	noMention := func(k Kind) func(*Scenario) {
		return func(s *Scenario) { s.Author.MentionedBrand = false; s.Target.Kind = k }
	}
	runRuleCases(t, Default(), []ruleCase{
		{"mentioned", src, reply(Twitter, PublicReply), ""},
		{"not mentioned", src, with(reply(Twitter, PublicReply), noMention(Comment)), CodeXReplyNeedsMention},
		{"comment on post, not mentioned", src, with(reply(Twitter, CommentOnPost), noMention(ListeningMention)), CodeXReplyNeedsMention},
		{"quoted tweet counts as quoting", src, with(reply(Twitter, PublicReply), noMention(MentionInQuotedTweet)), ""},
		{"reply to the brand's own tweet", src, with(reply(Twitter, PublicReply), func(s *Scenario) {
			noMention(Post)(s)
			s.Target.FromBrand, s.Target.Depth = true, 0
		}), ""},
		{"DM is not a public reply", src, with(reply(Twitter, DirectMessage), noMention(Comment)), ""},
		{"other platforms unaffected", src, with(reply(Facebook, PublicReply), noMention(Comment)), ""},
	})
	data := strings.Replace(string(mustShipped(t)), "account_tier: self_serve", "account_tier: enterprise", 1)
	e, err := Load([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	runRuleCases(t, e, []ruleCase{
		{"enterprise tier exempt", src, with(reply(Twitter, PublicReply), noMention(Comment)), ""},
		{"enterprise tier still follows Care", `"Twitter allows replying with direct messages only if the customer is following the brand's account."`,
			with(reply(Twitter, PrivateReply), func(s *Scenario) { s.Author.FollowsBrand = false }), CodeTwitterDMNeedsFollower},
	})
}

func TestInvalidScenario(t *testing.T) {
	const src = "a scenario that cannot be judged is refused, never guessed"
	runRuleCases(t, Default(), []ruleCase{
		{"valid", src, reply(Facebook, PublicReply), ""},
		{"unknown platform", src, with(reply(Facebook, PublicReply), func(s *Scenario) { s.Platform = "myspace" }), CodeInvalidScenario},
		{"no platform", src, with(reply(Facebook, PublicReply), func(s *Scenario) { s.Platform = "" }), CodeInvalidScenario},
		{"unknown action", src, with(reply(Facebook, PublicReply), func(s *Scenario) { s.Action = "poke" }), CodeInvalidScenario},
		{"unknown mode", src, with(reply(Facebook, PublicReply), func(s *Scenario) { s.ReplyMode = "shout" }), CodeInvalidScenario},
		{"unknown kind", src, with(reply(Facebook, PublicReply), func(s *Scenario) { s.Target.Kind = "story" }), CodeInvalidScenario},
		{"no now for a reply", src, with(reply(Facebook, PublicReply), func(s *Scenario) { s.Now = time.Time{} }), CodeInvalidScenario},
		{"no now for a like (no window involved)", src, with(scenario(Facebook, Like), func(s *Scenario) { s.Now = time.Time{} }), ""},
		{"no platform for a like", src, with(scenario(Facebook, Like), func(s *Scenario) { s.Platform = "" }), CodeInvalidScenario},
		{"no action", src, with(scenario(Facebook, Like), func(s *Scenario) { s.Action = "" }), CodeInvalidScenario},
		{"negative depth", src, with(scenario(Facebook, Hide), func(s *Scenario) { s.Target.Depth = -1 }), CodeInvalidScenario},
		{"unknown new status", src, with(scenario(Facebook, SetStatus), func(s *Scenario) { s.NewStatus = "archived" }), CodeInvalidScenario},
		{"unknown case status", src, with(scenario(Facebook, Like), func(s *Scenario) { s.Case.Status = "closed" }), CodeInvalidScenario},
	})
}
