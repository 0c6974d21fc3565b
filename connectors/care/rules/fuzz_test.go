package rules

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
	"time"
)

func FuzzCheck(f *testing.F) {
	f.Add("facebook", "reply", "private_reply", "comment", "open", "open", int64(3600), int64(86400), 1, 0, uint16(0xffff), "hi", true)
	f.Add("twitter", "hide", "", "reply", "pending", "", int64(0), int64(0), 5, 600, uint16(0), "", false)
	f.Add("myspace", "poke", "shout", "story", "closed", "archived", int64(-1), int64(-1), -3, -1, uint16(0x5555), "日本👍🏽 https://e.com", true)
	f.Add("instagram", "set_status", "", "direct_message", "deleted", "done", int64(1), int64(999999), 0, 0, uint16(0x0a0a), "x", false)
	engine := Default()
	f.Fuzz(func(t *testing.T, platform, action, mode, kind, status, newStatus string, ageSec, lastSec int64,
		depth, replies int, flags uint16, text string, media bool) {
		now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		bit := func(i int) bool { return flags&(1<<i) != 0 }
		s := Scenario{
			Platform: Platform(platform), Action: Action(action), ReplyMode: ReplyMode(mode),
			NewStatus: Status(newStatus), Now: now,
			Case: CaseState{Assigned: bit(0), HasProfile: bit(1), Interacted: bit(2), Status: Status(status)},
			Target: Target{
				Kind: Kind(kind), PostedAt: now.Add(-time.Duration(ageSec) * time.Second),
				Hidden: bit(3), HiddenWithParent: bit(4), ParentHidden: bit(5), Depth: depth, Replies: replies,
				PrivateReplySent: bit(6), Chosen: bit(7), FromBrand: bit(8),
			},
			Author:       Author{IsPage: bit(9), FollowsBrand: bit(10), MentionedBrand: bit(11)},
			Conversation: Conversation{HasDirectMessages: bit(12), LastCustomerMessageAt: now.Add(-time.Duration(lastSec) * time.Second)},
			Text:         text,
		}
		if bit(13) {
			s.Now = time.Time{}
		}
		if media {
			s.Media = []string{"https://cdn.example.com/a.png"}
		}
		d := engine.Check(s)
		if d.Allowed {
			if d.Code != "" || d.Reason != "" {
				t.Fatalf("allowed with code %q reason %q", d.Code, d.Reason)
			}
		} else if !slices.Contains(Codes(), d.Code) || d.Reason == "" {
			t.Fatalf("refused with code %q (listed: %v) reason %q", d.Code, slices.Contains(Codes(), d.Code), d.Reason)
		}
		for _, m := range engine.ReplyOptions(s).Modes {
			if !slices.Contains(ReplyModes(), m) {
				t.Fatalf("unknown option %q", m)
			}
		}
	})
}

func FuzzRunCheck(f *testing.F) {
	for _, seed := range []string{
		`{"platform":"facebook","action":"reply","reply_mode":"private_reply","now":"2026-11-25T12:00:00Z","case":{"assigned":true,"has_profile":true},"target":{"kind":"comment","posted_at":"2026-11-20T12:00:00Z"},"text":"hi"}`,
		`{"platform":"twitter","action":"follow","now":"2026-11-25T12:00:00Z","case":{},"target":{"kind":"direct_message"}}`,
		`{"action":"set_status","new_status":"done","case":{"assigned":false}}`,
		`{"case":{"x":1}}`, `[]`, `null`, `{"target":null}`, `{"now":"2026-13-45T99:00:00Z"}`,
	} {
		f.Add([]byte(seed))
	}
	engine := Default()
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		err := RunCheck(bytes.NewReader(in), &out, engine)
		if err != nil {
			if out.Len() != 0 {
				t.Fatalf("wrote %q and failed with %v", out.String(), err)
			}
			return
		}
		var d Decision
		dec := json.NewDecoder(&out)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&d); err != nil {
			t.Fatalf("output is not a decision: %v", err)
		}
		if d.Allowed == (d.Code != "") || d.Allowed == (d.Reason != "") {
			t.Fatalf("inconsistent decision %+v", d)
		}
	})
}
