package carerules_test

import (
	"slices"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/carerules"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

func TestMessageOptions(t *testing.T) {
	now := t0.Add(2 * time.Hour)
	agent, profile := "agent_1", "prof_fb"
	c := care.Case{ID: "case", Platform: rules.Facebook, Status: rules.Open, AssigneeID: &agent, ProfileID: &profile,
		Interacted: true, LastCustomerMessageAt: &now, Customer: care.Customer{ID: "u1"}}
	liked := at(in("c2", rules.Comment, "post", 1), time.Hour)
	liked.Liked = true
	convo := []care.Message{
		at(out("post", rules.Post, "", 0), 0),
		at(in("c1", rules.Comment, "post", 1), time.Hour),
		liked,
		at(hidden(in("c3", rules.Comment, "post", 1)), time.Hour),
		at(deleted(in("c4", rules.Comment, "post", 1)), time.Hour),
		at(in("dm1", rules.DirectMessageKind, "", 0), time.Hour),
		at(out("r1", rules.ReplyKind, "c1", 2), time.Hour),
	}
	tests := []struct {
		id      string
		actions []rules.Action
		modes   []rules.ReplyMode
	}{
		{"c1", []rules.Action{rules.Reply, rules.Like, rules.Hide, rules.Delete, rules.Ban, rules.Unban},
			[]rules.ReplyMode{rules.PublicReply, rules.CommentOnPost, rules.PrivateReply}},
		// liked: unlike instead of like
		{"c2", []rules.Action{rules.Reply, rules.Unlike, rules.Hide, rules.Delete, rules.Ban, rules.Unban},
			[]rules.ReplyMode{rules.PublicReply, rules.CommentOnPost, rules.PrivateReply}},
		// "You cannot reply to hidden comments": only a comment on the post.
		// A direct message never names a chosen message (it goes to the
		// conversation), so it is the Case's option, not a message's.
		{"c3", []rules.Action{rules.Reply, rules.Like, rules.Unhide, rules.Delete, rules.Ban, rules.Unban},
			[]rules.ReplyMode{rules.CommentOnPost}},
		{"c4", []rules.Action{}, []rules.ReplyMode{}},
		// a message among direct messages cannot be chosen as the target
		{"dm1", []rules.Action{}, []rules.ReplyMode{}},
		// the brand's own reply: deletable, never privately answered
		{"r1", []rules.Action{rules.Reply, rules.Like, rules.Hide, rules.Delete, rules.Ban, rules.Unban},
			[]rules.ReplyMode{rules.PublicReply, rules.CommentOnPost}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			m := &convo[slices.IndexFunc(convo, func(m care.Message) bool { return m.ID == tt.id })]
			got := carerules.MessageOptions(rules.Default(), c, convo, m, now)
			if !slices.Equal(got.Actions, tt.actions) {
				t.Errorf("actions %v, want %v", got.Actions, tt.actions)
			}
			if !slices.Equal(got.Modes, tt.modes) {
				t.Errorf("reply modes %v, want %v", got.Modes, tt.modes)
			}
		})
	}
}

// TestMessageOptionsAgreeWithCheck: on every platform and message kind, an
// action listed is one Check allows on the message chosen as target, and a
// reply mode listed is one Check allows for a reply to it.
func TestMessageOptionsAgreeWithCheck(t *testing.T) {
	now := t0.Add(time.Hour)
	profile := "prof"
	for _, p := range rules.Platforms() {
		for _, assigned := range []bool{false, true} {
			c := care.Case{ID: "case", Platform: p, Status: rules.Open, ProfileID: &profile, LastCustomerMessageAt: &now}
			if assigned {
				c.AssigneeID = &profile
			}
			convo := []care.Message{
				out("post", rules.Post, "", 0), in("c1", rules.Comment, "post", 1), out("r1", rules.ReplyKind, "c1", 2),
				in("dm1", rules.DirectMessageKind, "", 0), in("t1", rules.MentionInPost, "", 0), in("w1", rules.WallPost, "", 0),
			}
			for i := range convo {
				m := &convo[i]
				got := carerules.MessageOptions(rules.Default(), c, convo, m, now)
				for _, a := range got.Actions {
					if a == rules.Reply {
						continue
					}
					if d := rules.Default().Check(carerules.Scenario(c, convo, a, m, true, now)); !d.Allowed {
						t.Errorf("%s %s %s: %s listed but Check refuses it: %s", p, m.ID, m.Kind, a, d.Code)
					}
				}
				for _, mode := range got.Modes {
					s := carerules.Scenario(c, convo, rules.Reply, m, true, now)
					s.ReplyMode, s.Text = mode, "thanks"
					if d := rules.Default().Check(s); !d.Allowed {
						t.Errorf("%s %s %s: reply mode %s listed but Check refuses it: %s", p, m.ID, m.Kind, mode, d.Code)
					}
				}
				if slices.Contains(got.Actions, rules.Reply) != (len(got.Modes) > 0) {
					t.Errorf("%s %s: reply listed %v with modes %v", p, m.ID, got.Actions, got.Modes)
				}
			}
		}
	}
}
