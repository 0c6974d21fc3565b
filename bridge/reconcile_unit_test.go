package bridge

import (
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

// TestNewCaseGetsItsSalesforceCase: the first reconcile of an escalated
// case creates its Case, owned by the Salesforce user of its Care
// assignee, with its conversation mirrored.
func TestNewCaseGetsItsSalesforceCase(t *testing.T) {
	w := newTestWorld(t)
	w.escalate("c1", rules.Facebook, strp("agent_ana"),
		care.Message{ID: "m1", Kind: rules.Comment, Direction: care.Inbound, Text: "Broken", PostedAt: w.clock.Now().Add(-time.Hour)})
	w.mustReconcile("c1")
	r := w.sfCase("c1")
	if r == nil {
		t.Fatal("no Case created")
	}
	if r["OwnerId"] != w.users["ana@example.com"] || r[SyncStatusField] != "Synced" {
		t.Errorf("Case owner %v, sync status %v; want Ana's user and Synced", r["OwnerId"], r[SyncStatusField])
	}
	if n := len(w.sf.records(MessageObject)); n != 1 {
		t.Errorf("%d mirrored messages, want 1", n)
	}
	if sfID, ok, err := w.store.SalesforceCase(w.ctx, "c1"); err != nil || !ok || sfID != r["Id"] {
		t.Errorf("link = %q, %v, %v; want the Case %v", sfID, ok, err, r["Id"])
	}
}
