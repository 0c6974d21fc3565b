package rules

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestEveryCodeIsReachable pairs each listed code with a scenario that
// produces it, so Codes() holds no dead code and every refusal is listed.
func TestEveryCodeIsReachable(t *testing.T) {
	examples := map[string]Scenario{
		CodeInvalidScenario:           with(reply(Facebook, PublicReply), func(s *Scenario) { s.Platform = "myspace" }),
		CodeCaseDeleted:               with(reply(Facebook, PublicReply), func(s *Scenario) { s.Case.Status = Deleted }),
		CodeProfileRequired:           with(reply(Facebook, PublicReply), func(s *Scenario) { s.Case.HasProfile = false }),
		CodeProfileLocked:             with(scenario(Facebook, SetProfile), func(s *Scenario) { s.Case.Interacted = true }),
		CodeNotAssigned:               with(scenario(Facebook, Like), func(s *Scenario) { s.Case.Assigned = false }),
		CodeUnassignedOnlyDelete:      with(scenario(Facebook, SetStatus), func(s *Scenario) { s.Case.Assigned, s.NewStatus = false, Pending }),
		CodeDoneNeedsAssignee:         with(scenario(Facebook, SetStatus), func(s *Scenario) { s.Case.Assigned, s.NewStatus = false, Done }),
		CodeActionNotSupported:        scenario(Instagram, Like),
		CodeContentNotSupported:       with(scenario(Facebook, Like), func(s *Scenario) { s.Target.Kind = DirectMessageKind }),
		CodeReplyModeNotSupported:     reply(LinkedIn, PrivateReply),
		CodeEmptyReply:                with(reply(Facebook, PublicReply), func(s *Scenario) { s.Text = "" }),
		CodeChooseMessagePublicOnly:   with(reply(Facebook, DirectMessage), func(s *Scenario) { s.Target.Chosen = true }),
		CodeReplyToHiddenComment:      with(reply(Facebook, PublicReply), func(s *Scenario) { s.Target.Hidden = true }),
		CodePrivateReplyWindowExpired: with(reply(Facebook, PrivateReply), func(s *Scenario) { s.Target.PostedAt = testNow.Add(-8 * day) }),
		CodePrivateReplyAlreadySent:   with(reply(Facebook, PrivateReply), func(s *Scenario) { s.Target.PrivateReplySent = true }),
		CodePrivateReplyToPage:        with(reply(Facebook, PrivateReply), func(s *Scenario) { s.Author.IsPage = true }),
		CodePrivateReplyMedia:         with(reply(Facebook, PrivateReply), func(s *Scenario) { s.Media = []string{"m"} }),
		CodeTwitterDMNeedsFollower:    with(reply(Twitter, PrivateReply), func(s *Scenario) { s.Author.FollowsBrand = false }),
		CodeDMToPage:                  with(reply(Facebook, DirectMessage), func(s *Scenario) { s.Author.IsPage = true }),
		CodeDMNotAvailable:            reply(YouTube, DirectMessage),
		CodeDMWindowExpired:           with(reply(Instagram, DirectMessage), func(s *Scenario) { s.Conversation.LastCustomerMessageAt = testNow.Add(-30 * day) }),
		CodeXReplyNeedsMention:        with(reply(Twitter, PublicReply), func(s *Scenario) { s.Author.MentionedBrand = false }),
		CodeTextTooLong:               with(reply(TikTok, PublicReply), func(s *Scenario) { s.Text = strings.Repeat("a", 151) }),
		CodeHideNotComment:            with(scenario(Facebook, Hide), func(s *Scenario) { s.Target.Kind = Post }),
		CodeUnhideHiddenWithParent:    with(scenario(Facebook, Unhide), func(s *Scenario) { s.Target.HiddenWithParent = true }),
		CodeUnhideParentHidden:        with(scenario(Facebook, Unhide), func(s *Scenario) { s.Target.ParentHidden = true }),
		CodeTooManyReplies:            with(scenario(Facebook, Hide), func(s *Scenario) { s.Target.Replies = 501 }),
		CodeThreadTooDeep:             with(scenario(Facebook, Hide), func(s *Scenario) { s.Target.Depth = 4 }),
	}
	codes := Codes()
	if !slices.IsSorted(codes) || len(slices.Compact(slices.Clone(codes))) != len(codes) {
		t.Errorf("Codes() is not sorted and unique: %v", codes)
	}
	snake := regexp.MustCompile(`^[a-z]+(_[a-z]+)*$`)
	for _, code := range codes {
		if !snake.MatchString(code) {
			t.Errorf("code %q is not snake_case", code)
		}
		s, ok := examples[code]
		if !ok {
			t.Errorf("no example produces %q", code)
			continue
		}
		assertDecision(t, Default().Check(s), code)
	}
	if len(examples) != len(codes) {
		t.Errorf("%d examples for %d codes", len(examples), len(codes))
	}
}

// TestReasonsNameThePlatform: an agent reads which platform's rule it is.
func TestReasonsNameThePlatform(t *testing.T) {
	for _, s := range []Scenario{
		with(reply(Instagram, PrivateReply), func(s *Scenario) { s.Target.PostedAt = testNow.Add(-10 * day) }),
		with(reply(Facebook, DirectMessage), func(s *Scenario) { s.Conversation.HasDirectMessages = false }),
		with(scenario(YouTube, Like), func(s *Scenario) {}),
		with(scenario(Instagram, Hide), func(s *Scenario) { s.Target.Replies = 900 }),
		with(reply(LinkedIn, PublicReply), func(s *Scenario) { s.Text = strings.Repeat("a", 2000) }),
		with(reply(TikTok, CommentOnPost), func(s *Scenario) { s.Target.Kind = Post }),
	} {
		d := Default().Check(s)
		if d.Allowed || !strings.Contains(d.Reason, s.Platform.Name()) {
			t.Errorf("%s %s: reason %q does not name %s", s.Platform, s.Action, d.Reason, s.Platform.Name())
		}
	}
}
