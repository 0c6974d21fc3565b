package rules

// The tables below transcribe Care's documentation ("Respond to an
// Escalation in Care"). They are Care's own behaviour, not a setting: the
// Care sandbox refuses exactly what they refuse, so they live in code and
// change only with a release. The platform refinements an admin may change
// live in configs/rules.yaml (see config.go).

// kinds is a set of content types.
type kinds map[Kind]bool

func kindSet(ks ...Kind) kinds {
	s := make(kinds, len(ks))
	for _, k := range ks {
		s[k] = true
	}
	return s
}

// Kinds lists every content type, in the documentation's order.
func Kinds() []Kind {
	return []Kind{Post, Comment, ReplyKind, AdComment, WallPost, MentionInPost,
		MentionInComment, MentionInQuotedTweet, ListeningMention, DirectMessageKind}
}

// Platforms lists every platform Care handles, in the documentation's order.
func Platforms() []Platform {
	return []Platform{Facebook, Instagram, Twitter, LinkedIn, YouTube, TikTok}
}

// ReplyModes lists every reply mode, in the documentation's order.
func ReplyModes() []ReplyMode {
	return []ReplyMode{PublicReply, CommentOnPost, DirectMessage, PrivateReply}
}

func knownPlatform(p Platform) bool {
	for _, q := range Platforms() {
		if p == q {
			return true
		}
	}
	return false
}

func knownKind(k Kind) bool {
	for _, q := range Kinds() {
		if k == q {
			return true
		}
	}
	return false
}

func knownMode(m ReplyMode) bool {
	for _, q := range ReplyModes() {
		if m == q {
			return true
		}
	}
	return false
}

func knownStatus(s Status) bool {
	return s == Open || s == Pending || s == Done || s == Deleted
}

// anyPostOrComment: "available for any post/comment" (Facebook), "available
// for any tweet" (Twitter): every public content type.
func anyPostOrComment() kinds {
	return kindSet(Post, Comment, ReplyKind, AdComment, WallPost, MentionInPost,
		MentionInComment, MentionInQuotedTweet, ListeningMention)
}

// anyComment: "available for any comment" (Instagram, LinkedIn, YouTube,
// TikTok).
func anyComment() kinds { return kindSet(Comment, ReplyKind, AdComment, MentionInComment) }

// moderation is one row of the moderation table: the platforms that offer an
// action and the content types it applies to on each.
type moderation struct {
	kinds           map[Platform]kinds
	needsAssignment bool
	// needsProfile: the action is visible to the customer as the brand's
	// (a like, a follow), so Care needs the profile that performs it.
	needsProfile bool
}

// table is Care's documented rules as data.
type table struct {
	modes      map[Platform]map[ReplyMode]kinds
	moderation map[Action]moderation
}

func careTable() table {
	// "Reply options and limitations", per platform.
	modes := map[Platform]map[ReplyMode]kinds{
		Facebook: {
			PublicReply:   anyPostOrComment(),
			CommentOnPost: anyPostOrComment(),
			// "available when a direct message is in the conversation":
			// the condition is state, checked in code.
			DirectMessage: kindSet(Kinds()...),
			// "available as a response to a comment or a visitor's post on
			// your page within seven days of the message received"
			PrivateReply: kindSet(Comment, ReplyKind, AdComment, WallPost),
		},
		Instagram: {
			PublicReply:   anyComment(),
			CommentOnPost: anyComment(),
			DirectMessage: kindSet(Kinds()...),
			PrivateReply:  kindSet(Comment, ReplyKind, AdComment, WallPost),
		},
		Twitter: {
			PublicReply:   anyPostOrComment(),
			CommentOnPost: anyPostOrComment(),
			DirectMessage: kindSet(Kinds()...),
			// "Twitter allows replying with direct messages only if the
			// customer is following the brand's account." (state, in code)
			PrivateReply: anyPostOrComment(),
		},
		LinkedIn: {PublicReply: anyComment(), CommentOnPost: anyComment()},
		YouTube:  {PublicReply: anyComment(), CommentOnPost: anyComment()},
		TikTok:   {PublicReply: anyComment(), CommentOnPost: anyComment()},
	}

	comments := func() kinds { return kindSet(Comment, ReplyKind) }
	like := moderation{
		needsAssignment: true, // "You must be assigned to a case to be able to like/unlike a message"
		needsProfile:    true,
		kinds: map[Platform]kinds{
			Facebook: kindSet(Comment, ReplyKind, AdComment, WallPost, MentionInPost, MentionInComment, ListeningMention),
			LinkedIn: comments(),
			TikTok:   comments(),
			Twitter:  kindSet(Comment, ReplyKind, MentionInPost, MentionInComment, MentionInQuotedTweet, ListeningMention),
		},
	}
	del := moderation{
		needsAssignment: false, // "You do not have to be assigned to a case to be able to delete a message"
		kinds: map[Platform]kinds{
			Facebook:  kindSet(Comment, ReplyKind, AdComment, WallPost),
			Instagram: kindSet(Comment, ReplyKind, AdComment),
			LinkedIn:  comments(),
		},
	}
	hide := moderation{
		needsAssignment: true, // "You must be assigned to a case to be able to hide/un-hide a comment."
		// "You can hide only comments under a post or replies under a comment."
		kinds: map[Platform]kinds{
			Facebook:  kindSet(Comment, ReplyKind, AdComment),
			Instagram: kindSet(Comment, ReplyKind, AdComment),
		},
	}
	ban := moderation{
		needsAssignment: true, // "You must be assigned to a case to be able to ban/un-ban a user."
		kinds: map[Platform]kinds{
			Facebook: kindSet(Comment, ReplyKind, AdComment, WallPost, MentionInPost, MentionInComment, ListeningMention),
			YouTube:  comments(),
		},
	}
	follow := moderation{
		needsAssignment: true, // "You must be assigned to a case to be able to follow/unfollow a user."
		needsProfile:    true,
		kinds: map[Platform]kinds{
			Twitter: kindSet(Comment, ReplyKind, MentionInPost, MentionInComment, MentionInQuotedTweet, ListeningMention, DirectMessageKind),
		},
	}
	return table{
		modes: modes,
		moderation: map[Action]moderation{
			Like: like, Unlike: like,
			Delete: del,
			Hide:   hide, Unhide: hide,
			Ban: ban, Unban: ban,
			Follow: follow, Unfollow: follow,
		},
	}
}

// platformsFor lists the platforms that offer a moderation action, by name.
func (m moderation) platformNames() []string {
	var names []string
	for _, p := range Platforms() {
		if _, ok := m.kinds[p]; ok {
			names = append(names, p.Name())
		}
	}
	return names
}

// kindLabels lists a set's content types in words, in the documentation's order.
func (ks kinds) labels() []string {
	var out []string
	for _, k := range Kinds() {
		if ks[k] {
			out = append(out, k.plural())
		}
	}
	return out
}

// modeNames lists the reply modes a platform offers, in words.
func (t table) modeNames(p Platform) []string {
	var out []string
	for _, m := range ReplyModes() {
		if _, ok := t.modes[p][m]; ok {
			out = append(out, m.label())
		}
	}
	return out
}
