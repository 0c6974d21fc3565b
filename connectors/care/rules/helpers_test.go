package rules

import (
	"github.com/carebridge/carebridge/configs"
	"slices"
	"strings"
	"testing"
	"time"
)

// now is the fixed "current time" of the rule tests.
var testNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// scenario is a case where everything is allowed unless a test changes it:
// an assigned open case with a profile, a fresh comment from a person who
// follows and mentioned the brand, and a conversation with recent DMs.
func scenario(p Platform, a Action) Scenario {
	s := Scenario{
		Platform: p,
		Action:   a,
		Now:      testNow,
		Case:     CaseState{Assigned: true, HasProfile: true, Status: Open},
		Target:   Target{Kind: Comment, PostedAt: testNow.Add(-time.Hour), Depth: 1},
		Author:   Author{FollowsBrand: true, MentionedBrand: true},
		Conversation: Conversation{
			HasDirectMessages:     true,
			LastCustomerMessageAt: testNow.Add(-time.Hour),
		},
		Text: "Thanks for reaching out, we are on it.",
	}
	if a == Reply {
		s.ReplyMode = PublicReply
	}
	return s
}

func reply(p Platform, m ReplyMode) Scenario {
	s := scenario(p, Reply)
	s.ReplyMode = m
	return s
}

// ruleCase is one variant of a rule: the source it comes from (a quoted
// sentence of the Care documentation or a platform-rules.md reference), the
// change to the scenario, and the expected code ("" for allowed).
type ruleCase struct {
	name   string
	source string
	s      Scenario
	want   string
}

func with(s Scenario, edit func(*Scenario)) Scenario {
	edit(&s)
	return s
}

func runRuleCases(t *testing.T, e *Engine, cases []ruleCase) {
	t.Helper()
	allowed, refused := false, false
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.source == "" {
				t.Fatal("rule case names no source")
			}
			d := e.Check(tc.s)
			assertDecision(t, d, tc.want)
		})
		if tc.want == "" {
			allowed = true
		} else {
			refused = true
		}
	}
	if !allowed || !refused {
		t.Errorf("a rule test needs an allowed and a refused variant (allowed %v, refused %v)", allowed, refused)
	}
}

func assertDecision(t *testing.T, d Decision, want string) {
	t.Helper()
	if want == "" {
		if !d.Allowed {
			t.Fatalf("refused (%s: %s), want allowed", d.Code, d.Reason)
		}
		if d.Code != "" || d.Reason != "" {
			t.Fatalf("allowed decision carries code %q reason %q", d.Code, d.Reason)
		}
		return
	}
	if d.Allowed {
		t.Fatalf("allowed, want refused with %s", want)
	}
	if d.Code != want {
		t.Fatalf("code %q (%s), want %q", d.Code, d.Reason, want)
	}
	if !slices.Contains(Codes(), d.Code) {
		t.Fatalf("code %q is not listed in Codes()", d.Code)
	}
	if !strings.HasSuffix(d.Reason, ".") || len(d.Reason) < 20 {
		t.Fatalf("reason %q is not a sentence", d.Reason)
	}
}

func mustShipped(t *testing.T) []byte {
	t.Helper()
	return configs.Rules()
}
