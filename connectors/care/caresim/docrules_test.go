package caresim

// One test per rule sentence of Care's documentation ("Respond to an
// Escalation in Care", shared/seed/care-respond-to-escalation.txt). Each
// entry quotes its sentence and shows, through the sandbox's HTTP API, a
// request the sentence allows and one it refuses, with the refusal's stable
// rule code. The expectations are written from the sentences, not from the
// rules package's tables.

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

// caseOpts shape a test case.
type caseOpts struct {
	assigned  bool
	noProfile bool
	customer  care.Customer
}

var person = care.Customer{ID: "cust", Handle: "cust", Name: "A Customer", MentionedBrand: true}

// newCase escalates a case on p holding msgs and returns its id. A case
// with noProfile must hold listening content, as in Care.
func (h *harness) newCase(p rules.Platform, o caseOpts, msgs ...care.Message) string {
	h.t.Helper()
	c := care.Case{Platform: p, Customer: o.customer}
	if c.Customer == (care.Customer{}) {
		c.Customer = person
	}
	if !o.noProfile {
		c.ProfileID = strp("prof_" + string(p))
	}
	if o.assigned {
		c.AssigneeID = strp("agent_1")
	}
	return h.escalate(c, msgs...).ID
}

// in is a customer message; parent "" for a top-level item.
func in(id string, k rules.Kind, parent string) care.Message {
	m := care.Message{ID: id, Kind: k, Text: "customer says " + id, Depth: depthOf(k)}
	if parent != "" {
		m.ParentID = strp(parent)
	}
	return m
}

// brandPost is the brand's post the customer comments on.
func brandPost(id string) care.Message {
	return care.Message{ID: id, Kind: rules.Post, Direction: care.Outbound, Text: "our post"}
}

func postedAgo(m care.Message, d time.Duration) care.Message {
	m.PostedAt = time.Now().Add(-d)
	return m
}

func hidden(m care.Message) care.Message {
	m.Hidden = true
	return m
}

func depthOf(k rules.Kind) int {
	switch k {
	case rules.Comment, rules.AdComment, rules.MentionInComment:
		return 1
	case rules.ReplyKind:
		return 2
	}
	return 0
}

// uid makes message ids unique per harness call.
func uid(prefix string, n int) string { return fmt.Sprintf("%s_%d", prefix, n) }

type sentenceTest struct {
	sentence string
	code     string
	allowed  func(t *testing.T, h *harness) response
	refused  func(t *testing.T, h *harness) response
}

func runSentences(t *testing.T, tests []sentenceTest) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.sentence, func(t *testing.T) {
			t.Run("allowed", func(t *testing.T) {
				h := newHarness(t, Options{})
				wantOK(t, "allowed variant", tt.allowed(t, h))
			})
			t.Run("refused", func(t *testing.T) {
				h := newHarness(t, Options{})
				wantRefused(t, "refused variant", tt.refused(t, h), tt.code)
			})
		})
	}
}

// replyTo sends a reply of mode to case id, optionally choosing target.
func replyTo(h *harness, caseID string, mode rules.ReplyMode, target string) response {
	return h.reply(caseID, care.ReplyRequest{Mode: mode, InReplyTo: target, Text: "Thanks for reaching out"})
}

// publicThread is a brand post with one customer comment "c".
func publicThread() []care.Message {
	return []care.Message{brandPost("p"), in("c", rules.Comment, "p")}
}

// TestDocProfileSentences: "Assign a profile to a case".
func TestDocProfileSentences(t *testing.T) {
	runSentences(t, []sentenceTest{
		{
			sentence: "To reply to an escalated case in Care, the case must be associated with a social media profile.",
			code:     rules.CodeProfileRequired,
			allowed: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(rules.Facebook, caseOpts{}, publicThread()...), rules.PublicReply, "")
			},
			refused: func(t *testing.T, h *harness) response {
				// Only listening content arrives without a profile.
				return replyTo(h, h.newCase(rules.Facebook, caseOpts{noProfile: true}, in("m", rules.ListeningMention, "")), rules.PublicReply, "")
			},
		},
		{
			sentence: "Listening content that lands in your inbox via automation is not associated with a profile. That means that you have to decide which profile you use to respond.",
			code:     rules.CodeProfileRequired,
			allowed: func(t *testing.T, h *harness) response {
				c := listening(t, h)
				wantOK(t, "choose a profile", h.do(http.MethodPost, "/3/care/cases/"+c.ID+"/profile", care.ProfileRequest{ProfileID: "prof_twitter"}, nil))
				return replyTo(h, c.ID, rules.PublicReply, "")
			},
			refused: func(t *testing.T, h *harness) response {
				return replyTo(h, listening(t, h).ID, rules.PublicReply, "")
			},
		},
		{
			sentence: "You can change the assigned profile only before you interact with the case.",
			code:     rules.CodeProfileLocked,
			allowed: func(t *testing.T, h *harness) response {
				id := h.newCase(rules.Facebook, caseOpts{}, publicThread()...)
				return h.do(http.MethodPost, "/3/care/cases/"+id+"/profile", care.ProfileRequest{ProfileID: "prof2_facebook"}, nil)
			},
			refused: func(t *testing.T, h *harness) response {
				id := h.newCase(rules.Facebook, caseOpts{}, publicThread()...)
				wantOK(t, "first reply", replyTo(h, id, rules.PublicReply, ""))
				return h.do(http.MethodPost, "/3/care/cases/"+id+"/profile", care.ProfileRequest{ProfileID: "prof2_facebook"}, nil)
			},
		},
		{
			sentence: "You can change the assigned profile only before you interact with the case. (a like is an interaction)",
			code:     rules.CodeProfileLocked,
			allowed: func(t *testing.T, h *harness) response {
				id := h.newCase(rules.Facebook, caseOpts{assigned: true}, publicThread()...)
				return h.do(http.MethodPost, "/3/care/cases/"+id+"/profile", care.ProfileRequest{ProfileID: "prof2_facebook"}, nil)
			},
			refused: func(t *testing.T, h *harness) response {
				id := h.newCase(rules.Facebook, caseOpts{assigned: true}, publicThread()...)
				wantOK(t, "like", h.action("c", care.ActionLike))
				return h.do(http.MethodPost, "/3/care/cases/"+id+"/profile", care.ProfileRequest{ProfileID: "prof2_facebook"}, nil)
			},
		},
	})
}

// listening escalates a Twitter listening mention the way automation does
// and checks it has no profile.
func listening(t *testing.T, h *harness) care.Case {
	t.Helper()
	resp := h.do(http.MethodPost, "/sandbox/listening", ListeningRequest{Platform: rules.Twitter, Customer: person, Text: "acme boots run small"}, nil)
	var c care.Case
	resp.data(t, &c)
	if c.ProfileID != nil {
		t.Fatalf("listening content escalated by automation has profile %q, want none", *c.ProfileID)
	}
	return c
}

// TestDocPostReplySentences: "Post a reply to a case".
func TestDocPostReplySentences(t *testing.T) {
	runSentences(t, []sentenceTest{
		{
			sentence: "Public reply adds a message as a reply to the last public reply or a comment in the conversation.",
			code:     rules.CodeReplyToHiddenComment, // the default target is the last comment, and it is hidden
			allowed: func(t *testing.T, h *harness) response {
				id := h.newCase(rules.Facebook, caseOpts{}, brandPost("p"), in("c1", rules.Comment, "p"), in("c2", rules.Comment, "p"), in("r2", rules.ReplyKind, "c2"))
				resp := replyTo(h, id, rules.PublicReply, "")
				var m care.Message
				resp.data(t, &m)
				if m.ParentID == nil || *m.ParentID != "r2" || m.Depth != 3 || m.Direction != care.Outbound {
					t.Fatalf("public reply went to parent %v depth %d, want the last reply r2 at depth 3", m.ParentID, m.Depth)
				}
				return resp
			},
			refused: func(t *testing.T, h *harness) response {
				id := h.newCase(rules.Facebook, caseOpts{}, brandPost("p"), in("c1", rules.Comment, "p"), hidden(in("c2", rules.Comment, "p")))
				return replyTo(h, id, rules.PublicReply, "")
			},
		},
		{
			sentence: "Comment on post adds a comment to the last parent post in the conversation.",
			code:     rules.CodeContentNotSupported, // a direct message has no post to comment on
			allowed: func(t *testing.T, h *harness) response {
				id := h.newCase(rules.Facebook, caseOpts{}, brandPost("p1"), in("c1", rules.Comment, "p1"), brandPost("p2"), in("c2", rules.Comment, "p2"), in("r2", rules.ReplyKind, "c2"))
				resp := replyTo(h, id, rules.CommentOnPost, "")
				var m care.Message
				resp.data(t, &m)
				if m.ParentID == nil || *m.ParentID != "p2" || m.Depth != 1 || m.Kind != rules.Comment {
					t.Fatalf("comment on post went to parent %v depth %d kind %s, want a comment on the last post p2", m.ParentID, m.Depth, m.Kind)
				}
				return resp
			},
			refused: func(t *testing.T, h *harness) response {
				id := h.newCase(rules.Facebook, caseOpts{}, in("dm1", rules.DirectMessageKind, ""))
				return replyTo(h, id, rules.CommentOnPost, "dm1")
			},
		},
		{
			sentence: "Direct message adds a new message to the direct conversation. This option only appears either under a direct message from the customer or if the platform offers the public-to-private workflow",
			code:     rules.CodeDMNotAvailable,
			allowed: func(t *testing.T, h *harness) response {
				id := h.newCase(rules.Facebook, caseOpts{}, brandPost("p"), in("c", rules.Comment, "p"), in("dm1", rules.DirectMessageKind, ""))
				resp := replyTo(h, id, rules.DirectMessage, "")
				var m care.Message
				resp.data(t, &m)
				if m.Kind != rules.DirectMessageKind || m.ParentID != nil {
					t.Fatalf("direct message created as %s under %v, want a new direct message", m.Kind, m.ParentID)
				}
				// "Care groups the interactions into a single case and combines
				// the public posts, comments, and replies with direct messages."
				if got := len(h.messages(id)); got != 4 {
					t.Fatalf("conversation holds %d messages, want post, comment and both DMs", got)
				}
				return resp
			},
			refused: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(rules.Facebook, caseOpts{}, publicThread()...), rules.DirectMessage, "")
			},
		},
		{
			sentence: "When posting a reply in a public thread, you can choose a specific message in the thread to reply to. This option is not available when replying to a thread of direct messages.",
			code:     rules.CodeChooseMessagePublicOnly,
			allowed: func(t *testing.T, h *harness) response {
				id := h.newCase(rules.Facebook, caseOpts{}, brandPost("p"), in("c1", rules.Comment, "p"), in("c2", rules.Comment, "p"))
				resp := replyTo(h, id, rules.PublicReply, "c1")
				var m care.Message
				resp.data(t, &m)
				if m.ParentID == nil || *m.ParentID != "c1" {
					t.Fatalf("reply went under %v, want the chosen c1", m.ParentID)
				}
				return resp
			},
			refused: func(t *testing.T, h *harness) response {
				id := h.newCase(rules.Facebook, caseOpts{}, in("dm1", rules.DirectMessageKind, ""), in("dm2", rules.DirectMessageKind, ""))
				return replyTo(h, id, rules.DirectMessage, "dm1")
			},
		},
	})
}

// kindCase is a message of kind k on p, in an assigned case with a profile,
// for the moderation content-type lists.
func kindCase(h *harness, p rules.Platform, k rules.Kind, assigned bool) string {
	h.t.Helper()
	msgs := []care.Message{}
	switch depthOf(k) {
	case 0:
		msgs = append(msgs, in("m", k, ""))
	case 1:
		msgs = append(msgs, brandPost("p"), in("m", k, "p"))
	default:
		msgs = append(msgs, brandPost("p"), in("c", rules.Comment, "p"), in("m", k, "c"))
	}
	h.newCase(p, caseOpts{assigned: assigned}, msgs...)
	return "m"
}

// moderationSentences builds the sentences of one moderation section.
type moderationDoc struct {
	action        string
	platforms     string // the "Supported platforms" sentence
	supported     rules.Platform
	unsupported   rules.Platform
	assignment    string // the "must be assigned" sentence
	content       map[rules.Platform][]rules.Kind
	notListed     [2]any // platform, kind not in the content list
	contentPhrase string
}

func (d moderationDoc) sentences() []sentenceTest {
	out := []sentenceTest{
		{
			sentence: d.platforms,
			code:     rules.CodeActionNotSupported,
			allowed: func(t *testing.T, h *harness) response {
				return h.action(kindCase(h, d.supported, rules.Comment, true), d.action)
			},
			refused: func(t *testing.T, h *harness) response {
				return h.action(kindCase(h, d.unsupported, rules.Comment, true), d.action)
			},
		},
		{
			sentence: d.assignment,
			code:     rules.CodeNotAssigned,
			allowed: func(t *testing.T, h *harness) response {
				return h.action(kindCase(h, d.supported, rules.Comment, true), d.action)
			},
			refused: func(t *testing.T, h *harness) response {
				return h.action(kindCase(h, d.supported, rules.Comment, false), d.action)
			},
		},
	}
	for p, ks := range d.content {
		for _, k := range ks {
			out = append(out, sentenceTest{
				sentence: fmt.Sprintf("%s: %s %s", d.contentPhrase, p, k),
				code:     rules.CodeContentNotSupported,
				allowed: func(t *testing.T, h *harness) response {
					return h.action(kindCase(h, p, k, true), d.action)
				},
				refused: func(t *testing.T, h *harness) response {
					return h.action(kindCase(h, d.notListed[0].(rules.Platform), d.notListed[1].(rules.Kind), true), d.action)
				},
			})
		}
	}
	return out
}

// TestDocLikeSentences: "Like a message".
func TestDocLikeSentences(t *testing.T) {
	doc := moderationDoc{
		action:      care.ActionLike,
		platforms:   "Like a message. Supported platforms: Facebook, LinkedIn, TikTok, Twitter",
		supported:   rules.TikTok,
		unsupported: rules.Instagram,
		assignment:  "You must be assigned to a case to be able to like/unlike a message within the case conversation.",
		content: map[rules.Platform][]rules.Kind{
			rules.Facebook: {rules.Comment, rules.AdComment, rules.WallPost, rules.MentionInPost, rules.MentionInComment, rules.ListeningMention},
			rules.LinkedIn: {rules.Comment},
			rules.TikTok:   {rules.Comment},
			rules.Twitter:  {rules.Comment, rules.MentionInPost, rules.MentionInComment, rules.MentionInQuotedTweet, rules.ListeningMention},
		},
		notListed:     [2]any{rules.LinkedIn, rules.MentionInPost},
		contentPhrase: "Depending on the social media platform, you can like/unlike the following types of content",
	}
	tests := doc.sentences()
	tests = append(tests, sentenceTest{
		sentence: "Depending on the social media platform, you can like/unlike the following types of content: not a Facebook direct message",
		code:     rules.CodeContentNotSupported,
		allowed: func(t *testing.T, h *harness) response {
			return h.action(kindCase(h, rules.Facebook, rules.WallPost, true), care.ActionUnlike)
		},
		refused: func(t *testing.T, h *harness) response {
			return h.action(kindCase(h, rules.Facebook, rules.DirectMessageKind, true), care.ActionLike)
		},
	})
	runSentences(t, tests)
}

// TestDocDeleteSentences: "Delete a message".
func TestDocDeleteSentences(t *testing.T) {
	doc := moderationDoc{
		action:      care.ActionDelete,
		platforms:   "Delete a message. Supported platforms: Facebook, Instagram, LinkedIn",
		supported:   rules.LinkedIn,
		unsupported: rules.Twitter,
		content: map[rules.Platform][]rules.Kind{
			rules.Facebook:  {rules.Comment, rules.AdComment, rules.WallPost},
			rules.Instagram: {rules.Comment, rules.AdComment},
			rules.LinkedIn:  {rules.Comment},
		},
		notListed:     [2]any{rules.Instagram, rules.MentionInPost},
		contentPhrase: "Depending on the social media platform, you can delete the following types of content",
	}
	all := doc.sentences()
	tests := append(all[:1:1], all[2:]...) // delete has no assignment sentence; see below
	tests = append(tests,
		sentenceTest{
			sentence: "You do not have to be assigned to a case to be able to delete a message from within the case conversation.",
			code:     rules.CodeNotAssigned, // hiding, unlike deleting, needs the assignment
			allowed: func(t *testing.T, h *harness) response {
				return h.action(kindCase(h, rules.Facebook, rules.Comment, false), care.ActionDelete)
			},
			refused: func(t *testing.T, h *harness) response {
				return h.action(kindCase(h, rules.Facebook, rules.Comment, false), care.ActionHide)
			},
		},
		sentenceTest{
			sentence: "You can also delete messages posted to the case by you or other Care users.",
			code:     rules.CodeContentNotSupported, // the same kind from the customer is not deletable
			allowed: func(t *testing.T, h *harness) response {
				h.newCase(rules.Facebook, caseOpts{}, brandPost("p"), in("c", rules.Comment, "p"))
				return h.action("p", care.ActionDelete)
			},
			refused: func(t *testing.T, h *harness) response {
				h.newCase(rules.Facebook, caseOpts{}, in("p", rules.Post, ""))
				return h.action("p", care.ActionDelete)
			},
		},
	)
	runSentences(t, tests)
}

// TestDocBanSentences: "Ban a user".
func TestDocBanSentences(t *testing.T) {
	doc := moderationDoc{
		action:      care.ActionBanAuthor,
		platforms:   "Ban a user. Supported platforms: Facebook, YouTube",
		supported:   rules.YouTube,
		unsupported: rules.Instagram,
		assignment:  "You must be assigned to a case to be able to ban/un-ban a user.",
		content: map[rules.Platform][]rules.Kind{
			rules.Facebook: {rules.Comment, rules.AdComment, rules.WallPost, rules.MentionInPost, rules.MentionInComment, rules.ListeningMention},
			rules.YouTube:  {rules.Comment},
		},
		notListed:     [2]any{rules.Facebook, rules.DirectMessageKind},
		contentPhrase: "Depending on the social media platform, you can ban/un-ban a user who posted the following types of content",
	}
	runSentences(t, doc.sentences())
}

// TestDocFollowSentences: "Follow a user".
func TestDocFollowSentences(t *testing.T) {
	doc := moderationDoc{
		action:      care.ActionFollowAuthor,
		platforms:   "Follow a user. Supported platform: Twitter",
		supported:   rules.Twitter,
		unsupported: rules.Facebook,
		assignment:  "You must be assigned to a case to be able to follow/unfollow a user.",
		content: map[rules.Platform][]rules.Kind{
			rules.Twitter: {rules.Comment, rules.MentionInPost, rules.MentionInComment, rules.MentionInQuotedTweet, rules.ListeningMention, rules.DirectMessageKind},
		},
		notListed:     [2]any{rules.Twitter, rules.AdComment},
		contentPhrase: "You can follow/unfollow a user who posted the following types of content",
	}
	runSentences(t, doc.sentences())
}

// hideThread is an assigned Facebook case: post p, comment c, replies r1, r2
// under c.
func hideThread(h *harness, assigned bool) string {
	return h.newCase(rules.Facebook, caseOpts{assigned: assigned}, brandPost("p"), in("c", rules.Comment, "p"),
		in("r1", rules.ReplyKind, "c"), in("r2", rules.ReplyKind, "c"))
}

// TestDocHideSentences: "Hide a comment under a post".
func TestDocHideSentences(t *testing.T) {
	runSentences(t, []sentenceTest{
		{
			sentence: "Hide a comment under a post. Supported platforms: Facebook, Instagram",
			code:     rules.CodeActionNotSupported,
			allowed: func(t *testing.T, h *harness) response {
				return h.action(kindCase(h, rules.Instagram, rules.Comment, true), care.ActionHide)
			},
			refused: func(t *testing.T, h *harness) response {
				return h.action(kindCase(h, rules.TikTok, rules.Comment, true), care.ActionHide)
			},
		},
		{
			sentence: "You must be assigned to a case to be able to hide/un-hide a comment.",
			code:     rules.CodeNotAssigned,
			allowed: func(t *testing.T, h *harness) response {
				hideThread(h, true)
				return h.action("c", care.ActionHide)
			},
			refused: func(t *testing.T, h *harness) response {
				hideThread(h, false)
				return h.action("c", care.ActionHide)
			},
		},
		{
			sentence: "You cannot reply to hidden comments.",
			code:     rules.CodeReplyToHiddenComment,
			allowed: func(t *testing.T, h *harness) response {
				return replyTo(h, hideThread(h, true), rules.PublicReply, "c")
			},
			refused: func(t *testing.T, h *harness) response {
				id := hideThread(h, true)
				wantOK(t, "hide", h.action("c", care.ActionHide))
				return replyTo(h, id, rules.PublicReply, "c")
			},
		},
		{
			sentence: "You can hide only comments under a post or replies under a comment. You cannot hide direct messages.",
			code:     rules.CodeHideNotComment,
			allowed: func(t *testing.T, h *harness) response {
				hideThread(h, true)
				return h.action("r1", care.ActionHide)
			},
			refused: func(t *testing.T, h *harness) response {
				h.newCase(rules.Facebook, caseOpts{assigned: true}, in("dm", rules.DirectMessageKind, ""))
				return h.action("dm", care.ActionHide)
			},
		},
		{
			sentence: "You can hide only comments under a post or replies under a comment. (not the post)",
			code:     rules.CodeHideNotComment,
			allowed: func(t *testing.T, h *harness) response {
				hideThread(h, true)
				return h.action("c", care.ActionHide)
			},
			refused: func(t *testing.T, h *harness) response {
				hideThread(h, true)
				return h.action("p", care.ActionHide)
			},
		},
		{
			sentence: "You cannot un-hide a reply that was hidden together with the comment to which the reply was posted.",
			code:     rules.CodeUnhideHiddenWithParent,
			allowed: func(t *testing.T, h *harness) response {
				hideThread(h, true)
				wantOK(t, "hide the reply", h.action("r1", care.ActionHide))
				return h.action("r1", care.ActionUnhide)
			},
			refused: func(t *testing.T, h *harness) response {
				hideThread(h, true)
				wantOK(t, "hide the comment", h.action("c", care.ActionHide))
				return h.action("r1", care.ActionUnhide)
			},
		},
		{
			sentence: "You can un-hide only a reply that you hid individually and only if the comment to which the reply was posted is not hidden.",
			code:     rules.CodeUnhideParentHidden,
			allowed: func(t *testing.T, h *harness) response {
				hideThread(h, true)
				wantOK(t, "hide the reply", h.action("r1", care.ActionHide))
				return h.action("r1", care.ActionUnhide)
			},
			refused: func(t *testing.T, h *harness) response {
				hideThread(h, true)
				wantOK(t, "hide the reply", h.action("r1", care.ActionHide))
				wantOK(t, "hide the comment", h.action("c", care.ActionHide))
				return h.action("r1", care.ActionUnhide)
			},
		},
		{
			sentence: "Up to 500 replies under an individual comment can be hidden/un-hidden.",
			code:     rules.CodeTooManyReplies,
			allowed: func(t *testing.T, h *harness) response {
				commentWithReplies(h, 500)
				return h.action("c", care.ActionHide)
			},
			refused: func(t *testing.T, h *harness) response {
				commentWithReplies(h, 501)
				return h.action("c", care.ActionHide)
			},
		},
		{
			sentence: "For a comment with multiple levels of replies, the replies posted directly through Instagram and Facebook on the fourth level or deeper cannot be hidden/un-hidden from Care.",
			code:     rules.CodeThreadTooDeep,
			allowed: func(t *testing.T, h *harness) response {
				deepThread(h)
				return h.action("l3", care.ActionHide)
			},
			refused: func(t *testing.T, h *harness) response {
				deepThread(h)
				return h.action("l4", care.ActionHide)
			},
		},
	})
}

// commentWithReplies escalates an assigned Instagram case whose comment "c"
// has n replies.
func commentWithReplies(h *harness, n int) {
	msgs := []care.Message{brandPost("p"), in("c", rules.Comment, "p")}
	for i := range n {
		msgs = append(msgs, in(uid("r", i), rules.ReplyKind, "c"))
	}
	h.newCase(rules.Instagram, caseOpts{assigned: true}, msgs...)
}

// deepThread escalates post p (level 0), comment l1, and replies l2, l3, l4
// each under the previous one.
func deepThread(h *harness) {
	h.newCase(rules.Facebook, caseOpts{assigned: true}, brandPost("p"), in("l1", rules.Comment, "p"),
		in("l2", rules.ReplyKind, "l1"), in("l3", rules.ReplyKind, "l2"), in("l4", rules.ReplyKind, "l3"))
}

// TestDocStatusSentences: "Change the status of a case".
func TestDocStatusSentences(t *testing.T) {
	setStatus := func(h *harness, id string, st rules.Status) response {
		return h.do(http.MethodPost, "/3/care/cases/"+id+"/status", care.StatusRequest{Status: st}, nil)
	}
	runSentences(t, []sentenceTest{
		{
			sentence: "If the case is not assigned, only the Delete option is visible",
			code:     rules.CodeUnassignedOnlyDelete,
			allowed: func(t *testing.T, h *harness) response {
				return setStatus(h, h.newCase(rules.Facebook, caseOpts{}, publicThread()...), rules.Deleted)
			},
			refused: func(t *testing.T, h *harness) response {
				return setStatus(h, h.newCase(rules.Facebook, caseOpts{}, publicThread()...), rules.Pending)
			},
		},
		{
			sentence: "If the case is not assigned, ... the Mark case as Done option is grayed out",
			code:     rules.CodeDoneNeedsAssignee,
			allowed: func(t *testing.T, h *harness) response {
				return setStatus(h, h.newCase(rules.Facebook, caseOpts{assigned: true}, publicThread()...), rules.Done)
			},
			refused: func(t *testing.T, h *harness) response {
				return setStatus(h, h.newCase(rules.Facebook, caseOpts{}, publicThread()...), rules.Done)
			},
		},
	})
}

// replyOptionSentences are the "Reply options and limitations" of a platform
// that offers only public replies and comments on posts.
func publicOnlyPlatform(p rules.Platform) []sentenceTest {
	name := strings.ToUpper(string(p[:1])) + string(p[1:])
	return []sentenceTest{
		{
			sentence: name + ": Public reply available for any comment",
			code:     rules.CodeReplyModeNotSupported, // no reply with a direct message
			allowed: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(p, caseOpts{}, publicThread()...), rules.PublicReply, "")
			},
			refused: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(p, caseOpts{}, publicThread()...), rules.PrivateReply, "")
			},
		},
		{
			sentence: name + ": Comment on post available for any comment",
			code:     rules.CodeDMNotAvailable, // no direct messages listed
			allowed: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(p, caseOpts{}, publicThread()...), rules.CommentOnPost, "")
			},
			refused: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(p, caseOpts{}, publicThread()...), rules.DirectMessage, "")
			},
		},
	}
}

// TestDocReplyOptionSentences: "Reply options and limitations".
func TestDocReplyOptionSentences(t *testing.T) {
	page := care.Customer{ID: "page", Handle: "somepage", Name: "Some Page", IsPage: true}
	private := func(h *harness, id, target string, media ...string) response {
		return h.reply(id, care.ReplyRequest{Mode: rules.PrivateReply, InReplyTo: target, Text: "Let's take this private", Media: media})
	}
	tests := []sentenceTest{
		{
			sentence: "Facebook: Public reply available for any post/comment",
			code:     rules.CodeContentNotSupported, // a direct message is not a post or comment
			allowed: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(rules.Facebook, caseOpts{}, in("w", rules.WallPost, "")), rules.PublicReply, "w")
			},
			refused: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(rules.Facebook, caseOpts{}, in("dm", rules.DirectMessageKind, "")), rules.PublicReply, "dm")
			},
		},
		{
			sentence: "Facebook: Comment on post available for any post/comment",
			code:     rules.CodeContentNotSupported,
			allowed: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(rules.Facebook, caseOpts{}, brandPost("p"), in("m", rules.MentionInComment, "p")), rules.CommentOnPost, "m")
			},
			refused: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(rules.Facebook, caseOpts{}, in("dm", rules.DirectMessageKind, "")), rules.CommentOnPost, "dm")
			},
		},
		{
			sentence: "Facebook: Direct message available when a direct message is in the conversation",
			code:     rules.CodeDMNotAvailable,
			allowed: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(rules.Facebook, caseOpts{}, in("dm", rules.DirectMessageKind, "")), rules.DirectMessage, "")
			},
			refused: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(rules.Facebook, caseOpts{}, publicThread()...), rules.DirectMessage, "")
			},
		},
		{
			sentence: "Limitation: You cannot send a direct message to a Facebook Page.",
			code:     rules.CodeDMToPage,
			allowed: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(rules.Facebook, caseOpts{}, in("dm", rules.DirectMessageKind, "")), rules.DirectMessage, "")
			},
			refused: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(rules.Facebook, caseOpts{customer: page}, in("dm", rules.DirectMessageKind, "")), rules.DirectMessage, "")
			},
		},
		{
			sentence: "Facebook: Reply with a direct message available as a response to a comment or a visitor's post on your page",
			code:     rules.CodeContentNotSupported, // a mention in someone else's post is neither
			allowed: func(t *testing.T, h *harness) response {
				return private(h, h.newCase(rules.Facebook, caseOpts{}, in("w", rules.WallPost, "")), "w")
			},
			refused: func(t *testing.T, h *harness) response {
				return private(h, h.newCase(rules.Facebook, caseOpts{}, in("m", rules.MentionInPost, "")), "m")
			},
		},
	}
	for _, p := range []rules.Platform{rules.Facebook, rules.Instagram} {
		tests = append(tests,
			sentenceTest{
				sentence: string(p) + ": Reply with a direct message ... within seven days of the message received",
				code:     rules.CodePrivateReplyWindowExpired,
				allowed: func(t *testing.T, h *harness) response {
					id := h.newCase(p, caseOpts{}, brandPost("p"), postedAgo(in("c", rules.Comment, "p"), 6*24*time.Hour))
					return private(h, id, "c")
				},
				refused: func(t *testing.T, h *harness) response {
					id := h.newCase(p, caseOpts{}, brandPost("p"), postedAgo(in("c", rules.Comment, "p"), 8*24*time.Hour))
					return private(h, id, "c")
				},
			},
			sentenceTest{
				sentence: string(p) + ": You can reply to a given comment in private only once.",
				code:     rules.CodePrivateReplyAlreadySent,
				allowed: func(t *testing.T, h *harness) response {
					id := h.newCase(p, caseOpts{}, brandPost("p"), in("c", rules.Comment, "p"))
					resp := private(h, id, "c")
					if m := h.messages(id)["c"]; resp.status == http.StatusCreated && !m.PrivateReplySent {
						t.Fatalf("the comment does not record that a private reply was sent")
					}
					return resp
				},
				refused: func(t *testing.T, h *harness) response {
					id := h.newCase(p, caseOpts{}, brandPost("p"), in("c", rules.Comment, "p"))
					wantOK(t, "first private reply", private(h, id, "c"))
					return private(h, id, "c")
				},
			},
			sentenceTest{
				sentence: string(p) + ": You cannot attach media to your reply. ... we support only a text message response.",
				code:     rules.CodePrivateReplyMedia,
				allowed: func(t *testing.T, h *harness) response {
					return private(h, h.newCase(p, caseOpts{}, publicThread()...), "c")
				},
				refused: func(t *testing.T, h *harness) response {
					return private(h, h.newCase(p, caseOpts{}, publicThread()...), "c", "https://example.com/voucher.png")
				},
			},
		)
	}
	tests = append(tests,
		sentenceTest{
			sentence: "You cannot reply if the customer sent a message from a Facebook Page.",
			code:     rules.CodePrivateReplyToPage,
			allowed: func(t *testing.T, h *harness) response {
				return private(h, h.newCase(rules.Facebook, caseOpts{}, publicThread()...), "c")
			},
			refused: func(t *testing.T, h *harness) response {
				return private(h, h.newCase(rules.Facebook, caseOpts{customer: page}, publicThread()...), "c")
			},
		},
		sentenceTest{
			sentence: "Instagram: Public reply available for any comment",
			code:     rules.CodeContentNotSupported,
			allowed: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(rules.Instagram, caseOpts{}, publicThread()...), rules.PublicReply, "c")
			},
			refused: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(rules.Instagram, caseOpts{}, in("m", rules.MentionInPost, "")), rules.PublicReply, "m")
			},
		},
		sentenceTest{
			sentence: "Instagram: Comment on post available for any comment",
			code:     rules.CodeContentNotSupported,
			allowed: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(rules.Instagram, caseOpts{}, publicThread()...), rules.CommentOnPost, "c")
			},
			refused: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(rules.Instagram, caseOpts{}, in("m", rules.MentionInPost, "")), rules.CommentOnPost, "m")
			},
		},
		sentenceTest{
			sentence: "Instagram: Direct message available when direct messages are in the conversation",
			code:     rules.CodeDMNotAvailable,
			allowed: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(rules.Instagram, caseOpts{}, brandPost("p"), in("c", rules.Comment, "p"), in("dm", rules.DirectMessageKind, "")), rules.DirectMessage, "")
			},
			refused: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(rules.Instagram, caseOpts{}, publicThread()...), rules.DirectMessage, "")
			},
		},
		sentenceTest{
			sentence: "Twitter: Public reply available for any tweet",
			code:     rules.CodeContentNotSupported,
			allowed: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(rules.Twitter, caseOpts{}, in("t", rules.MentionInPost, "")), rules.PublicReply, "t")
			},
			refused: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(rules.Twitter, caseOpts{}, in("dm", rules.DirectMessageKind, "")), rules.PublicReply, "dm")
			},
		},
		sentenceTest{
			sentence: "Twitter: Comment on post available for any tweet",
			code:     rules.CodeContentNotSupported,
			allowed: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(rules.Twitter, caseOpts{}, in("t", rules.MentionInQuotedTweet, "")), rules.CommentOnPost, "t")
			},
			refused: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(rules.Twitter, caseOpts{}, in("dm", rules.DirectMessageKind, "")), rules.CommentOnPost, "dm")
			},
		},
		sentenceTest{
			sentence: "Twitter: Direct message available when direct messages are in the conversation",
			code:     rules.CodeDMNotAvailable,
			allowed: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(rules.Twitter, caseOpts{}, in("t", rules.MentionInPost, ""), in("dm", rules.DirectMessageKind, "")), rules.DirectMessage, "")
			},
			refused: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(rules.Twitter, caseOpts{}, in("t", rules.MentionInPost, "")), rules.DirectMessage, "")
			},
		},
		sentenceTest{
			sentence: "Twitter allows replying with direct messages only if the customer is following the brand's account.",
			code:     rules.CodeTwitterDMNeedsFollower,
			allowed: func(t *testing.T, h *harness) response {
				follower := person
				follower.FollowsBrand = true
				return private(h, h.newCase(rules.Twitter, caseOpts{customer: follower}, in("t", rules.MentionInPost, "")), "t")
			},
			refused: func(t *testing.T, h *harness) response {
				return private(h, h.newCase(rules.Twitter, caseOpts{}, in("t", rules.MentionInPost, "")), "t")
			},
		},
	)
	for _, p := range []rules.Platform{rules.LinkedIn, rules.YouTube, rules.TikTok} {
		tests = append(tests, publicOnlyPlatform(p)...)
	}
	runSentences(t, tests)
}

// TestPlatformRefinements: the sandbox also applies the platform rules of
// shared/research/platform-rules.md, through the same engine.
func TestPlatformRefinements(t *testing.T) {
	quiet := care.Customer{ID: "q", Handle: "quiet", Name: "No Mention"}
	runSentences(t, []sentenceTest{
		{
			sentence: "X1: a public reply is accepted only if the original author @mentioned or quoted the brand's account",
			code:     rules.CodeXReplyNeedsMention,
			allowed: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(rules.Twitter, caseOpts{}, brandPost("p"), in("c", rules.Comment, "p")), rules.PublicReply, "c")
			},
			refused: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(rules.Twitter, caseOpts{customer: quiet}, brandPost("p"), in("c", rules.Comment, "p")), rules.PublicReply, "c")
			},
		},
		{
			sentence: "M2: a human agent's DM goes out within 7 days of the customer's last message",
			code:     rules.CodeDMWindowExpired,
			allowed: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(rules.Facebook, caseOpts{}, postedAgo(in("dm", rules.DirectMessageKind, ""), 6*24*time.Hour)), rules.DirectMessage, "")
			},
			refused: func(t *testing.T, h *harness) response {
				return replyTo(h, h.newCase(rules.Facebook, caseOpts{}, postedAgo(in("dm", rules.DirectMessageKind, ""), 8*24*time.Hour)), rules.DirectMessage, "")
			},
		},
		{
			sentence: "TikTok comments take at most 150 characters",
			code:     rules.CodeTextTooLong,
			allowed: func(t *testing.T, h *harness) response {
				id := h.newCase(rules.TikTok, caseOpts{}, publicThread()...)
				return h.reply(id, care.ReplyRequest{Mode: rules.PublicReply, Text: strings.Repeat("a", 150)})
			},
			refused: func(t *testing.T, h *harness) response {
				id := h.newCase(rules.TikTok, caseOpts{}, publicThread()...)
				return h.reply(id, care.ReplyRequest{Mode: rules.PublicReply, Text: strings.Repeat("a", 151)})
			},
		},
	})
}

// TestOptionsRules: the sandbox enforces the engine it is given.
func TestOptionsRules(t *testing.T) {
	data := strings.Replace(string(configs.Rules()), "account_tier: self_serve", "account_tier: enterprise", 1)
	engine, err := rules.Load([]byte(data))
	if err != nil {
		t.Fatalf("load rules: %v", err)
	}
	h := newHarness(t, Options{Rules: engine})
	quiet := care.Customer{ID: "q", Handle: "quiet", Name: "No Mention"}
	id := h.newCase(rules.Twitter, caseOpts{customer: quiet}, brandPost("p"), in("c", rules.Comment, "p"))
	wantOK(t, "enterprise tier reply without mention", replyTo(h, id, rules.PublicReply, "c"))
}
