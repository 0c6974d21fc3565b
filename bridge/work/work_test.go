package work_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/work"
	"github.com/carebridge/carebridge/connectors/care"
)

func TestKeysReadBackAsWritten(t *testing.T) {
	at := time.Date(2026, 12, 7, 21, 0, 0, 123456789, time.UTC)
	for _, tc := range []struct {
		key  string
		want work.Key
	}{
		{work.ForCase("c1"), work.Key{Kind: work.Case, ID: "c1"}},
		{work.ForCase("id: with colons"), work.Key{Kind: work.Case, ID: "id: with colons"}},
		{work.ForCase(""), work.Key{Kind: work.Case}}, // the engine refuses it, with the reason
		{work.ForAction("a0A5g00000000EiEAI"), work.Key{Kind: work.Action, ID: "a0A5g00000000EiEAI"}},
		{work.ForCheck("c:1", care.PartNotes, at), work.Key{Kind: work.Check, ID: "c:1", Part: care.PartNotes, At: at}},
	} {
		got, err := work.Parse(tc.key)
		if err != nil || got != tc.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", tc.key, got, err, tc.want)
		}
		if got.String() != tc.key {
			t.Errorf("Parse(%q).String() = %q", tc.key, got.String())
		}
	}
}

func TestOperatorsSeeStableKeys(t *testing.T) {
	// Keys are shown in the admin API and by `carebridge deadletters`, and
	// stored in Redis across upgrades: their text must not change.
	at := time.Unix(0, 42).UTC()
	for key, want := range map[string]string{
		work.ForCase("c1"):                             "case:c1",
		work.ForAction("a01"):                          "action:a01",
		work.ForCheck("c1", care.PartConversation, at): "check:conversation:42:c1",
	} {
		if key != want {
			t.Errorf("key %q, want %q", key, want)
		}
	}
}

func TestMalformedKeysAreRefusedWithTheReason(t *testing.T) {
	for key, reason := range map[string]string{
		"":                        "unknown key",
		"ticket:1":                "unknown key",
		"check:case:soon:c1":      "malformed check key",
		"check:case:42":           "malformed check key",
		"check:case:42:":          "malformed check key",
		"check:attachments:42:c1": "names no part of a case",
		"Case:c1":                 "unknown key",
	} {
		if _, err := work.Parse(key); err == nil || !strings.Contains(err.Error(), reason) {
			t.Errorf("Parse(%q) = %v; want an error saying %q", key, err, reason)
		}
	}
}

func TestOnlyActionsAreDeadLettered(t *testing.T) {
	if got := work.DeadLetterPrefixes(); !slices.Equal(got, []string{work.Action.Prefix()}) {
		t.Errorf("dead-letter prefixes %q; want the action kind's alone", got)
	}
	for _, k := range []work.Kind{work.Case, work.Check} {
		if k.DeadLetters() {
			t.Errorf("%s keys are dead-lettered; they must retry until their case syncs", k)
		}
	}
}
