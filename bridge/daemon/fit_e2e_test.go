package daemon_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/carebridge/carebridge/bridge"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/internal/testkit"
)

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// TestLongTextIsCutToFitNotFailed: a Care subject longer than Case.Subject
// holds and a note longer than a CaseComment holds no longer fail the case:
// they arrive cut, with a visible marker, counted, and nothing is rewritten
// on later syncs.
func TestLongTextIsCutToFitNotFailed(t *testing.T) {
	w := startWorld(t, manualPolls)
	ctx := context.Background()
	subject := strings.Repeat("Tent pole snapped again and again ", 12) // 408 characters
	profile := "prof_fb"
	if _, err := w.care.Escalate(care.Case{ID: "long_1", Platform: rules.Facebook, ProfileID: &profile, AssigneeID: strPtr("agent_ana"),
		Subject: subject, Customer: care.Customer{ID: "u1", Handle: "maria", Name: "Maria"}},
		[]care.Message{{ID: "c_long_1", Kind: rules.Comment, Text: "Mine broke"}}); err != nil {
		t.Fatal(err)
	}
	note := strings.Repeat("Ünïcödé note ", 400) // 5,200 characters, 7,600 bytes
	if _, err := w.care.UIAddNote("long_1", "agent_ana", note); err != nil {
		t.Fatal(err)
	}
	if err := w.d.Engine().Triggers().PollCare(ctx); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "the Case with its message and note", func() (bool, string) {
		r := w.sfCase("long_1")
		if r == nil {
			return false, "no Case"
		}
		return len(w.mirror(r["Id"].(string))) == 1 && len(w.notesOf(r["Id"].(string))) == 1, fmt.Sprint(r["Care_Sync_Status__c"])
	})
	r := w.sfCase("long_1")
	got, _ := r["Subject"].(string)
	if utf16Len(got) != 255 || !strings.HasSuffix(got, bridge.CutMarker) || !strings.HasPrefix(subject, strings.TrimSuffix(got, bridge.CutMarker)) {
		t.Errorf("Subject = %q (%d characters), want the first characters of Care's subject, 255 in all, ending in %q", got, utf16Len(got), bridge.CutMarker)
	}
	if r["Care_Sync_Status__c"] != "Synced" {
		t.Errorf("sync status %v (%v)", r["Care_Sync_Status__c"], r["Care_Sync_Error__c"])
	}
	body := w.notesOf(r["Id"].(string))[0]
	if len(body) > 4000 || !strings.HasSuffix(body, bridge.CutMarker) {
		t.Errorf("note body is %d bytes, ends %q; want at most 4,000 bytes ending in the marker", len(body), body[max(0, len(body)-20):])
	}
	aw := &actionWorld{w}
	if n := aw.metric(t, "carebridge_salesforce_values_cut_total", map[string]string{"object": "Case", "field": "Subject"}); n != 1 {
		t.Errorf("Subject cuts counted %v, want 1", n)
	}
	if n := aw.metric(t, "carebridge_salesforce_values_cut_total", map[string]string{"object": "CaseComment", "field": "CommentBody"}); n != 1 {
		t.Errorf("note cuts counted %v, want 1", n)
	}
	// Later syncs write nothing: the cut value read back is no change, and
	// the cut note is recognised as the copy of the Care note.
	w.quiet(t)
	if n := len(w.notesOf(r["Id"].(string))); n != 1 {
		t.Errorf("%d notes after more syncs, want 1", n)
	}
}

// TestCareIDTooLongIsRefusedWhereItEnters: a Care case whose id cannot fit
// Care_Case_Id__c is refused by the poll (logged and counted) and never
// blocks other cases.
func TestCareIDTooLongIsRefusedWhereItEnters(t *testing.T) {
	w := startWorld(t, manualPolls)
	ctx := context.Background()
	long := "case_" + strings.Repeat("x", 70)
	w.escalate(t, long, strPtr("agent_ana"))
	w.escalate(t, "short_1", strPtr("agent_ana"))
	if err := w.d.Engine().Triggers().PollCare(ctx); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "the case with a short id", func() (bool, string) { return w.sfCase("short_1") != nil, "" })
	w.quiet(t)
	if w.sfCase(long) != nil {
		t.Error("a Case exists for an id Salesforce cannot hold")
	}
	if n := (&actionWorld{w}).metric(t, "carebridge_care_ids_refused_total", nil); n < 1 {
		t.Errorf("refused ids counted %v, want at least 1", n)
	}
	if d, err := w.d.Queue().Depth(ctx); err != nil || d.Dead != 0 {
		t.Errorf("queue %+v, %v: a refused id must not become a dead letter", d, err)
	}
}

// notesOf returns the bodies of the CaseComments of a Case.
func (w *world) notesOf(sfCaseID string) []string {
	var out []string
	for _, r := range w.sf.Records("CaseComment") {
		if r["ParentId"] == sfCaseID {
			b, _ := r["CommentBody"].(string)
			out = append(out, b)
		}
	}
	return out
}
