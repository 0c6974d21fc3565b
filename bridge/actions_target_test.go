package bridge

import (
	"testing"

	"github.com/carebridge/carebridge/connectors/care/caresim"
)

// TestActionTargetByLookupOrByID: an action names its target by the
// Target_Message__c lookup (as the console and the quick actions do) or by
// the Care message id (as flows and older integrations do); either way the
// right message is acted on and the record ends with both fields filled. A
// lookup to a message of another case is refused, not sent to a default
// target.
func TestActionTargetByLookupOrByID(t *testing.T) {
	aw := newActionWorld(t)
	mirrored := func(careID, msgID string) string {
		t.Helper()
		r, ok := aw.sf.lookup(MessageObject, MessageIDField, msgID)
		if !ok || r[MessageCaseFld] != aw.cases[careID] {
			t.Fatalf("message %s of %s is not mirrored under its Case: %v", msgID, careID, r)
		}
		return str(r["Id"])
	}
	m1, tm1 := mirrored("c1", "m1"), mirrored("t1", "tm1")

	tests := []struct {
		name       string
		fields     Record
		wantTarget string // the Care message acted on; "" for a rejection
		wantRef    string
	}{
		{"by lookup", Record{actionType: "hide", actionTargetRef: m1}, "m1", m1},
		{"by Care message id", Record{actionType: "like", actionTarget: "m1"}, "m1", m1},
		{"a lookup to another case's message", Record{actionType: "like", actionTargetRef: tm1}, "", tm1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			aw.care.resetCalls()
			id := aw.act("", tt.fields)
			aw.mustRun(id)
			r := aw.record(id)
			writes := aw.careWrites()
			if tt.wantTarget == "" {
				aw.sees(t, id, agentSees{status: StatusRejected, code: CodeTargetNotFound, reason: "not a message of this case"})
				if len(writes) != 0 {
					t.Errorf("Care received %v for a refused action", writes)
				}
				return
			}
			aw.sees(t, id, agentSees{status: StatusSent, result: tt.wantTarget})
			if len(writes) != 1 || writes[0].Op != caresim.OpMessageAction || writes[0].ID != tt.wantTarget {
				t.Errorf("Care received %+v; want one message action on %s", writes, tt.wantTarget)
			}
			if r[actionTarget] != tt.wantTarget || r[actionTargetRef] != tt.wantRef {
				t.Errorf("the record names its target %v / %v; want %v / %v", r[actionTarget], r[actionTargetRef], tt.wantTarget, tt.wantRef)
			}
		})
	}
}
