package state_test

import (
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
)

// TestRedactHistoryRemovesOnlyWhatNamesTheErased: RedactHistory counts
// (dry) or removes the audit-stream and timeline entries of the named
// cases whose values match, and nothing of other cases or other values;
// ForgetStamps drops single stamps of a case.
func TestRedactHistoryRemovesOnlyWhatNamesTheErased(t *testing.T) {
	s, _ := newStore(t)
	ctx := t.Context()
	at := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	for _, e := range []state.AuditEntry{
		{Case: "c1", Field: "description", From: "from maria", To: "x", Resolution: "conflict_care"},
		{Case: "c1", Field: "status", From: "open", To: "done", Resolution: "applied"},
		{Case: "c2", Field: "description", From: "from maria", To: "x", Resolution: "conflict_care"},
		{Case: "c1", Field: "subject", From: "a", To: "maria again", Resolution: "applied"},
	} {
		e.Time = at
		if _, err := s.Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	match := func(v string) bool { return strings.Contains(v, "maria") }
	n, err := s.RedactHistory(ctx, []string{"c1"}, match, false)
	if err != nil || n != 4 {
		t.Fatalf("dry run: %d, %v; want 4 (two audit entries of c1 and their two timeline entries)", n, err)
	}
	if all, _ := s.AuditSince(ctx, "", 100); len(all) != 4 {
		t.Fatalf("the dry run removed entries: %d left", len(all))
	}
	if n, err := s.RedactHistory(ctx, []string{"c1"}, match, true); err != nil || n != 4 {
		t.Fatalf("redact: %d, %v", n, err)
	}
	all, err := s.AuditSince(ctx, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Field != "status" || all[1].Case != "c2" {
		t.Errorf("audit after redaction = %+v, want c1's status entry and c2's entry", all)
	}
	if tl, err := s.CaseTimeline(ctx, "c1", 10); err != nil || len(tl) != 1 || tl[0].Field != "status" {
		t.Errorf("c1's timeline after redaction = %+v, %v", tl, err)
	}
	if tl, _ := s.CaseTimeline(ctx, "c2", 10); len(tl) != 1 {
		t.Errorf("c2's timeline changed: %+v", tl)
	}

	if errs := s.SaveStamps(ctx, []state.StampSave{{CareID: "c1", Stamps: map[string]string{"options": "x", "care": "y"}}}); errs[0] != nil {
		t.Fatal(errs[0])
	}
	if err := s.ForgetStamps(ctx, "c1", "options"); err != nil {
		t.Fatal(err)
	}
	st, err := s.LoadCases(ctx, []string{"c1"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := st["c1"].Sync["options"]; ok || st["c1"].Sync["care"] != "y" {
		t.Errorf("stamps after forgetting options: %v", st["c1"].Sync)
	}
}
