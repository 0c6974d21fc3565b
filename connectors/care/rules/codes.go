package rules

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Refusal codes. They are stable: machines (metrics labels, Salesforce
// Status_Code__c, the sandbox's error bodies) key on them.
const (
	CodeInvalidScenario           = "invalid_scenario"
	CodeCaseDeleted               = "case_deleted"
	CodeProfileRequired           = "profile_required"
	CodeProfileLocked             = "profile_locked"
	CodeNotAssigned               = "not_assigned"
	CodeUnassignedOnlyDelete      = "unassigned_only_delete"
	CodeDoneNeedsAssignee         = "done_needs_assignee"
	CodeActionNotSupported        = "action_not_supported"
	CodeContentNotSupported       = "content_not_supported"
	CodeReplyModeNotSupported     = "reply_mode_not_supported"
	CodeEmptyReply                = "empty_reply"
	CodeChooseMessagePublicOnly   = "choose_message_public_only"
	CodeReplyToHiddenComment      = "reply_to_hidden_comment"
	CodePrivateReplyWindowExpired = "private_reply_window_expired"
	CodePrivateReplyAlreadySent   = "private_reply_already_sent"
	CodePrivateReplyToPage        = "private_reply_to_page"
	CodePrivateReplyMedia         = "private_reply_media"
	CodeTwitterDMNeedsFollower    = "twitter_dm_needs_follower"
	CodeDMToPage                  = "dm_to_page"
	CodeDMNotAvailable            = "dm_not_available"
	CodeDMWindowExpired           = "dm_window_expired"
	CodeXReplyNeedsMention        = "x_reply_needs_mention"
	CodeTextTooLong               = "text_too_long"
	CodeHideNotComment            = "hide_not_comment"
	CodeUnhideHiddenWithParent    = "unhide_hidden_with_parent"
	CodeUnhideParentHidden        = "unhide_parent_hidden"
	CodeTooManyReplies            = "too_many_replies"
	CodeThreadTooDeep             = "thread_too_deep"
)

// Codes lists every refusal code Check can return, sorted, so that metrics
// can pre-create their label values.
func Codes() []string {
	codes := []string{
		CodeInvalidScenario, CodeCaseDeleted, CodeProfileRequired, CodeProfileLocked,
		CodeNotAssigned, CodeUnassignedOnlyDelete, CodeDoneNeedsAssignee,
		CodeActionNotSupported, CodeContentNotSupported, CodeReplyModeNotSupported,
		CodeEmptyReply, CodeChooseMessagePublicOnly, CodeReplyToHiddenComment,
		CodePrivateReplyWindowExpired, CodePrivateReplyAlreadySent, CodePrivateReplyToPage,
		CodePrivateReplyMedia, CodeTwitterDMNeedsFollower, CodeDMToPage, CodeDMNotAvailable,
		CodeDMWindowExpired, CodeXReplyNeedsMention, CodeTextTooLong, CodeHideNotComment,
		CodeUnhideHiddenWithParent, CodeUnhideParentHidden, CodeTooManyReplies, CodeThreadTooDeep,
	}
	sort.Strings(codes)
	return codes
}

func allow() Decision { return Decision{Allowed: true} }

func refuse(code, format string, args ...any) Decision {
	return Decision{Code: code, Reason: fmt.Sprintf(format, args...)}
}

// Name is the platform's name as agents know it.
func (p Platform) Name() string {
	switch p {
	case Facebook:
		return "Facebook"
	case Instagram:
		return "Instagram"
	case Twitter:
		return "Twitter"
	case LinkedIn:
		return "LinkedIn"
	case YouTube:
		return "YouTube"
	case TikTok:
		return "TikTok"
	}
	return string(p)
}

// label is the kind in words, as the documentation lists content types.
func (k Kind) label() string {
	switch k {
	case Post:
		return "post"
	case Comment:
		return "comment"
	case ReplyKind:
		return "reply"
	case AdComment:
		return "ad comment"
	case WallPost:
		return "wall post"
	case MentionInPost:
		return "mention in a post"
	case MentionInComment:
		return "mention in a comment"
	case MentionInQuotedTweet:
		return "mention in a quoted tweet"
	case ListeningMention:
		return "listening mention"
	case DirectMessageKind:
		return "direct message"
	}
	return string(k)
}

func (k Kind) plural() string {
	switch k {
	case MentionInPost:
		return "mentions in posts"
	case MentionInComment:
		return "mentions in comments"
	case MentionInQuotedTweet:
		return "mentions in quoted tweets"
	case ReplyKind:
		return "replies"
	}
	return k.label() + "s"
}

// label names the reply mode with its article: "a public reply".
func (m ReplyMode) label() string {
	switch m {
	case PublicReply:
		return "a public reply"
	case CommentOnPost:
		return "a comment on the post"
	case DirectMessage:
		return "a direct message"
	case PrivateReply:
		return "a private reply (reply with a direct message)"
	}
	return string(m)
}

func (a Action) verb() string {
	switch a {
	case Ban:
		return "ban the author of"
	case Unban:
		return "un-ban the author of"
	case Follow:
		return "follow the author of"
	case Unfollow:
		return "unfollow the author of"
	case Hide:
		return "hide"
	case Unhide:
		return "un-hide"
	}
	return string(a)
}

// formatTime renders a deadline for an agent: "18 Nov 2026 14:05 UTC".
func formatTime(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04 UTC") }

// joinNames renders a list for a sentence: "a, b and c".
func joinNames(names []string) string { return join(names, "and") }

// joinAlternatives renders choices for a sentence: "a, b or c".
func joinAlternatives(names []string) string { return join(names, "or") }

func join(names []string, conj string) string {
	switch len(names) {
	case 0:
		return "nothing"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " " + conj + " " + names[len(names)-1]
}
