package carerules_test

import (
	"slices"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/carerules"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

// modes is the order of the want columns below.
var modes = []rules.ReplyMode{rules.PublicReply, rules.CommentOnPost, rules.DirectMessage, rules.PrivateReply}

func TestDefaultTarget(t *testing.T) {
	tests := []struct {
		name     string
		platform rules.Platform // the platform such a conversation comes from; the choice does not depend on it
		convo    []care.Message
		// want per mode, in the order of modes: public reply, comment on
		// post, direct message, private reply ("" for none).
		want [4]string
	}{
		{"empty conversation", rules.Facebook, nil, [4]string{}},
		{"Facebook: comments, a brand reply, a direct message, a deleted comment", rules.Facebook, []care.Message{
			out("post", rules.Post, "", 0),
			in("c1", rules.Comment, "post", 1),
			in("dm1", rules.DirectMessageKind, "", 0),
			out("r1", rules.ReplyKind, "c1", 2),
			deleted(in("c2", rules.Comment, "post", 1)),
		}, [4]string{"r1", "r1", "dm1", "c1"}},
		{"Facebook: the customer's reply under the brand's reply is the last public reply", rules.Facebook, []care.Message{
			out("post", rules.Post, "", 0),
			in("c1", rules.Comment, "post", 1),
			out("r1", rules.ReplyKind, "c1", 2),
			in("r2", rules.ReplyKind, "r1", 3),
		}, [4]string{"r2", "r2", "r2", "r2"}},
		{"Facebook: a later post without comments does not beat an earlier comment", rules.Facebook, []care.Message{
			out("p1", rules.Post, "", 0),
			in("c1", rules.Comment, "p1", 1),
			out("p2", rules.Post, "", 0),
		}, [4]string{"c1", "c1", "c1", "c1"}},
		{"Facebook: a visitor's wall post only", rules.Facebook, []care.Message{
			in("w", rules.WallPost, "", 0),
		}, [4]string{"w", "w", "w", "w"}},
		{"Instagram: only direct messages, the brand's last", rules.Instagram, []care.Message{
			in("dm1", rules.DirectMessageKind, "", 0),
			out("dm2", rules.DirectMessageKind, "", 0),
		}, [4]string{"", "", "dm2", "dm1"}},
		{"Instagram: the last direct message was deleted", rules.Instagram, []care.Message{
			in("dm1", rules.DirectMessageKind, "", 0),
			deleted(in("dm2", rules.DirectMessageKind, "", 0)),
		}, [4]string{"", "", "dm1", "dm1"}},
		{"Instagram: a comment after the direct messages", rules.Instagram, []care.Message{
			in("dm1", rules.DirectMessageKind, "", 0),
			in("c1", rules.Comment, "post", 1), // the post is not in the conversation
		}, [4]string{"c1", "c1", "dm1", "c1"}},
		{"Twitter: a mention in a tweet, no thread", rules.Twitter, []care.Message{
			in("t1", rules.MentionInPost, "", 0),
		}, [4]string{"t1", "t1", "t1", "t1"}},
		{"Twitter: listening mention escalated by automation", rules.Twitter, []care.Message{
			in("l1", rules.ListeningMention, "", 0),
			deleted(in("l2", rules.ListeningMention, "", 0)),
		}, [4]string{"l1", "l1", "l1", "l1"}},
		{"Twitter: the customer's public message is older than a direct message", rules.Twitter, []care.Message{
			in("t1", rules.MentionInPost, "", 0),
			in("dm1", rules.DirectMessageKind, "", 0),
		}, [4]string{"t1", "t1", "dm1", "t1"}},
		{"LinkedIn: the customer's comment was deleted, only the brand's post is left", rules.LinkedIn, []care.Message{
			out("post", rules.Post, "", 0),
			deleted(in("c1", rules.Comment, "post", 1)),
		}, [4]string{"post", "post", "", ""}},
		{"YouTube: only the brand's comments", rules.YouTube, []care.Message{
			out("c1", rules.Comment, "video", 1),
		}, [4]string{"c1", "c1", "", ""}},
		{"TikTok: everything deleted", rules.TikTok, []care.Message{
			deleted(in("c1", rules.Comment, "video", 1)),
			deleted(out("r1", rules.ReplyKind, "c1", 2)),
		}, [4]string{}},
	}
	for _, tt := range tests {
		for i, mode := range modes {
			t.Run(tt.name+"/"+string(mode), func(t *testing.T) {
				got := carerules.DefaultTarget(tt.convo, mode)
				if id(got) != tt.want[i] {
					t.Fatalf("%s case: %s answers %q, want %q", tt.platform, mode, id(got), tt.want[i])
				}
				if got != nil && indexOf(tt.convo, got) < 0 {
					t.Errorf("the target does not point into the conversation")
				}
			})
		}
	}
}

func TestLatestCustomerMessage(t *testing.T) {
	agent := care.Author{ID: "agent", IsBrand: true}
	tests := []struct {
		name  string
		convo []care.Message
		want  string
	}{
		{"empty", nil, ""},
		{"only the brand's", []care.Message{at(out("post", rules.Post, "", 0), 0)}, ""},
		{"latest by time, not by position", []care.Message{
			at(in("c1", rules.Comment, "post", 1), 2*time.Hour),
			at(in("dm1", rules.DirectMessageKind, "", 0), time.Hour),
		}, "c1"},
		{"a tie goes to the later message", []care.Message{
			at(in("c1", rules.Comment, "post", 1), time.Hour),
			at(in("c2", rules.Comment, "post", 1), time.Hour),
		}, "c2"},
		{"deleted messages do not count", []care.Message{
			at(in("c1", rules.Comment, "post", 1), time.Hour),
			deleted(at(in("c2", rules.Comment, "post", 1), 2*time.Hour)),
		}, "c1"},
		{"an inbound message by the brand does not count", []care.Message{
			at(in("c1", rules.Comment, "post", 1), time.Hour),
			by(at(in("c2", rules.Comment, "post", 1), 2*time.Hour), agent),
		}, "c1"},
		{"outbound messages do not count", []care.Message{
			at(in("c1", rules.Comment, "post", 1), time.Hour),
			at(out("r1", rules.ReplyKind, "c1", 2), 2*time.Hour),
		}, "c1"},
		{"another user's message counts", []care.Message{
			at(in("c1", rules.Comment, "post", 1), time.Hour),
			by(at(in("c2", rules.Comment, "post", 1), 2*time.Hour), care.Author{ID: "u2"}),
		}, "c2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := carerules.LatestCustomerMessage(tt.convo)
			if id(got) != tt.want {
				t.Fatalf("got %q, want %q", id(got), tt.want)
			}
			if got != nil && indexOf(tt.convo, got) < 0 {
				t.Errorf("the message does not point into the conversation")
			}
		})
	}
}

func TestRoot(t *testing.T) {
	thread := []care.Message{
		out("post", rules.Post, "", 0),
		in("c1", rules.Comment, "post", 1),
		out("r1", rules.ReplyKind, "c1", 2),
		in("r2", rules.ReplyKind, "r1", 3),
		deleted(in("c2", rules.Comment, "post", 1)),
		in("r3", rules.ReplyKind, "c2", 2),
		in("dm1", rules.DirectMessageKind, "", 0),
	}
	orphans := []care.Message{ // their post is not in the conversation
		in("c1", rules.Comment, "elsewhere", 1),
		in("r1", rules.ReplyKind, "c1", 2),
	}
	cycle := []care.Message{
		in("a", rules.ReplyKind, "b", 2),
		in("b", rules.ReplyKind, "a", 2),
		in("self", rules.ReplyKind, "self", 2),
	}
	tests := []struct {
		name       string
		convo      []care.Message
		from       int
		want       string
		wantParent string // the root's ParentID, "" for nil
	}{
		{"a post is its own root", thread, 0, "post", ""},
		{"comment", thread, 1, "post", ""},
		{"reply to a reply", thread, 3, "post", ""},
		{"through a deleted comment", thread, 5, "post", ""},
		{"a direct message is its own root", thread, 6, "dm1", ""},
		{"post outside the conversation: the comment, naming the post", orphans, 1, "c1", "elsewhere"},
		{"a cycle stops", cycle, 0, "b", "a"},
		{"a message that is its own parent", cycle, 2, "self", "self"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := carerules.Root(tt.convo, &tt.convo[tt.from])
			parent := ""
			if got.ParentID != nil {
				parent = *got.ParentID
			}
			if got.ID != tt.want || parent != tt.wantParent {
				t.Fatalf("root %q (parent %q), want %q (parent %q)", got.ID, parent, tt.want, tt.wantParent)
			}
			if indexOf(tt.convo, got) < 0 {
				t.Errorf("the root does not point into the conversation")
			}
		})
	}
	t.Run("a message outside the conversation", func(t *testing.T) {
		m := in("x", rules.ReplyKind, "r1", 3)
		if got := carerules.Root(thread, &m); got.ID != "post" {
			t.Fatalf("root %q, want post", got.ID)
		}
	})
}

func TestReplies(t *testing.T) {
	convo := []care.Message{
		out("post", rules.Post, "", 0),
		in("c1", rules.Comment, "post", 1),
		in("c2", rules.Comment, "post", 1),
		out("r1", rules.ReplyKind, "c1", 2),
		in("r2", rules.ReplyKind, "r1", 3),
		deleted(in("r3", rules.ReplyKind, "c1", 2)),
		in("r4", rules.ReplyKind, "r3", 3), // under a deleted reply
		hidden(in("r5", rules.ReplyKind, "c1", 2)),
		in("dm1", rules.DirectMessageKind, "", 0),
		in("a", rules.ReplyKind, "b", 2),
		in("b", rules.ReplyKind, "a", 2),
	}
	tests := []struct {
		name string
		of   int
		want []string
	}{
		{"post: breadth first, in conversation order", 0, []string{"c1", "c2", "r1", "r5", "r2"}},
		{"comment: live replies, hidden ones too, not under a deleted one", 1, []string{"r1", "r5", "r2"}},
		{"comment without replies", 2, []string{}},
		{"direct message", 8, []string{}},
		{"cycle: each message once, never the message itself", 9, []string{"b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := carerules.Replies(convo, &convo[tt.of])
			if !slices.Equal(ids(got), tt.want) {
				t.Fatalf("got %v, want %v", ids(got), tt.want)
			}
			for _, m := range got {
				if indexOf(convo, m) < 0 {
					t.Errorf("reply %s does not point into the conversation", m.ID)
				}
			}
		})
	}
}
