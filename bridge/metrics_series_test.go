package bridge

import (
	"testing"

	"github.com/carebridge/carebridge/connectors/care/rules"
)

// TestAlertedSeriesExistFromTheStart: the series the conflict and
// blocked-sync alerts and panels read exist at 0 before the first event,
// so increase() sees the first conflict or blocked status after a start.
func TestAlertedSeriesExistFromTheStart(t *testing.T) {
	w := newTestWorld(t)
	families, err := w.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	has := map[string]bool{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			key := f.GetName()
			for _, l := range m.GetLabel() {
				key += "," + l.GetName() + "=" + l.GetValue()
			}
			has[key] = true
		}
	}
	for _, want := range []string{
		"carebridge_conflicts_total,field=status,resolution=salesforce_wins",
		"carebridge_conflicts_total,field=assignee,resolution=care_wins",
		"carebridge_sync_blocked_total,reason=" + rules.CodeDoneNeedsAssignee,
		"carebridge_sync_blocked_total,reason=" + rules.CodeUnassignedOnlyDelete,
	} {
		if !has[want] {
			t.Errorf("no series %s at start-up", want)
		}
	}
}
