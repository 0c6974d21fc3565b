// Package rules decides whether Care (and the social platform behind it)
// allows an agent's action on an escalated case. The Care sandbox enforces
// these rules and the bridge checks them before sending, so the two cannot
// drift apart.
//
// Where the rules are a table (platform x reply mode x content type, platform
// x moderation action x content type, assignment and profile needs) they are
// data: table.go transcribes Care's documentation, and configs/rules.yaml
// holds the platform refinements an admin may replace (config.go). Where
// they depend on state (time windows, one private reply per comment, follower,
// Facebook Page authors, hidden comments, thread depth, reply counts, the
// profile after the first interaction, case status) they are code
// (engine.go). Every refusal carries a stable code (Codes) and a sentence for
// the agent; ReplyOptions says what the agent can do now; RunCheck is
// `carebridge rules check`.
package rules

import "time"

// Platform is a social network a Care case comes from.
type Platform string

const (
	Facebook  Platform = "facebook"
	Instagram Platform = "instagram"
	Twitter   Platform = "twitter"
	LinkedIn  Platform = "linkedin"
	YouTube   Platform = "youtube"
	TikTok    Platform = "tiktok"
)

// Action is what an agent asks Care to do.
type Action string

const (
	Reply      Action = "reply"
	Like       Action = "like"
	Unlike     Action = "unlike"
	Delete     Action = "delete"
	Hide       Action = "hide"
	Unhide     Action = "unhide"
	Ban        Action = "ban"
	Unban      Action = "unban"
	Follow     Action = "follow"
	Unfollow   Action = "unfollow"
	SetProfile Action = "set_profile"
	SetStatus  Action = "set_status"
)

// ReplyMode is how a reply is posted.
type ReplyMode string

const (
	PublicReply   ReplyMode = "public_reply"
	CommentOnPost ReplyMode = "comment_on_post"
	DirectMessage ReplyMode = "direct_message"
	PrivateReply  ReplyMode = "private_reply" // "reply with a direct message"
)

// Kind is the content type of a message in a case conversation.
type Kind string

const (
	Post                 Kind = "post"
	Comment              Kind = "comment"
	ReplyKind            Kind = "reply" // a reply under a comment
	AdComment            Kind = "ad_comment"
	WallPost             Kind = "wall_post"
	MentionInPost        Kind = "mention_in_post"
	MentionInComment     Kind = "mention_in_comment"
	MentionInQuotedTweet Kind = "mention_in_quoted_tweet"
	ListeningMention     Kind = "listening_mention"
	DirectMessageKind    Kind = "direct_message"
)

// Status is a Care case status.
type Status string

const (
	Open    Status = "open"
	Pending Status = "pending"
	Done    Status = "done"
	Deleted Status = "deleted"
)

// Scenario is everything a decision depends on. Its JSON form is what
// `carebridge rules check` reads.
type Scenario struct {
	Platform     Platform     `json:"platform"`
	Action       Action       `json:"action"`
	ReplyMode    ReplyMode    `json:"reply_mode,omitempty"` // for Reply
	NewStatus    Status       `json:"new_status,omitempty"` // for SetStatus
	Now          time.Time    `json:"now"`
	Case         CaseState    `json:"case"`
	Target       Target       `json:"target"`
	Author       Author       `json:"author"`
	Conversation Conversation `json:"conversation"`
	Text         string       `json:"text"`
	Media        []string     `json:"media"`
}

// CaseState is the state of the Care case.
type CaseState struct {
	Assigned   bool   `json:"assigned"`
	HasProfile bool   `json:"has_profile"`
	Interacted bool   `json:"interacted"` // someone already replied or acted
	Status     Status `json:"status"`
}

// Target is the message the action is about (for a reply: the message
// replied to).
//
// Depth convention: 0 is a post (or a wall post, a DM, any top-level item),
// 1 a comment under a post, 2 a reply under a comment, 3 a reply to a reply,
// and so on. Care's "fourth level or deeper" (hide/un-hide limit) is
// Depth >= 4.
//
// Kind convention: the documentation's "Comments" in the like, delete, ban
// and follow lists covers both Comment and ReplyKind (a reply under a comment
// is itself a comment on the platforms' APIs), and the hide section says so
// explicitly ("comments under a post or replies under a comment").
type Target struct {
	Kind             Kind      `json:"kind"`
	PostedAt         time.Time `json:"posted_at"`
	Hidden           bool      `json:"hidden"`
	HiddenWithParent bool      `json:"hidden_with_parent"` // hidden because its comment was hidden (cascade)
	ParentHidden     bool      `json:"parent_hidden"`      // the comment it was posted to is hidden now
	Depth            int       `json:"depth"`              // 0 post, 1 comment, 2 reply, 3 reply to a reply...; see above
	Replies          int       `json:"replies"`            // replies under the target
	PrivateReplySent bool      `json:"private_reply_sent"`
	Chosen           bool      `json:"chosen"` // the agent picked this message explicitly
	// FromBrand is set when the message was posted by the brand (by an agent
	// through Care): "You can also delete messages posted to the case by you
	// or other Care users."
	FromBrand bool `json:"from_brand,omitempty"`
}

// Author is the customer who wrote the target message.
type Author struct {
	IsPage         bool `json:"is_page"`
	FollowsBrand   bool `json:"follows_brand"`
	MentionedBrand bool `json:"mentioned_brand"`
}

// Conversation is what the whole case conversation holds.
type Conversation struct {
	HasDirectMessages     bool      `json:"has_direct_messages"`
	LastCustomerMessageAt time.Time `json:"last_customer_message_at"`
}

// Decision is the verdict on a scenario. Code is stable (for machines and
// metrics); Reason is a sentence an agent understands.
type Decision struct {
	Allowed bool   `json:"allowed"`
	Code    string `json:"code,omitempty"`
	Reason  string `json:"reason,omitempty"`
}
