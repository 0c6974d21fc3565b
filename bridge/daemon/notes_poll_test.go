package daemon_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/internal/testkit"
)

// TestNotesPollReadsOnlyNotesOfCareCases: the org's other Cases have
// comments too; the notes poll must not read them (every poll would
// otherwise read every comment changed anywhere in the org).
func TestNotesPollReadsOnlyNotesOfCareCases(t *testing.T) {
	w := startWorld(t, manualPolls)
	ctx := context.Background()
	careCase := w.linked(t, "notes_1", strPtr("agent_ana"))
	other, err := w.sf.Insert("Case", map[string]any{"Subject": "A phone call, not a social case"})
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := w.sf.Insert("CaseComment", map[string]any{"ParentId": other, "CommentBody": "called back", "IsPublished": false})
	if err != nil {
		t.Fatal(err)
	}
	ours, err := w.sf.Insert("CaseComment", map[string]any{"ParentId": careCase, "CommentBody": "checked the order", "IsPublished": false})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.d.Engine().Triggers().PollSalesforce(ctx); err != nil {
		t.Fatal(err)
	}
	raw, _, err := state.New(w.redis.Client(t), w.cfg.Redis.Prefix).Cursor(ctx, "salesforce:notes")
	if err != nil {
		t.Fatal(err)
	}
	var wm struct{ Seen map[string]any }
	if err := json.Unmarshal([]byte(raw), &wm); err != nil {
		t.Fatalf("notes watermark %q: %v", raw, err)
	}
	if _, ok := wm.Seen[ours]; !ok {
		t.Errorf("the poll did not read the note on the Care case (watermark %s)", raw)
	}
	if _, ok := wm.Seen[foreign]; ok {
		t.Errorf("the poll read a note on a Case without a Care id (watermark %s)", raw)
	}
	testkit.Eventually(t, 20*time.Second, "the Salesforce note in Care", func() (bool, string) {
		for _, n := range w.care.Notes("notes_1") {
			if n.Text == "checked the order" {
				return true, ""
			}
		}
		return false, ""
	})
}
