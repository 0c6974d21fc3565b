package daemon_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/internal/testkit"
)

// TestEditDuringSendingAfterALostAnswerPostsOnce: Care posts a reply but
// its answer is lost; while the action waits to be retried, the agent edits
// Body__c. The retry sends the request frozen when the action was taken,
// so Care recognises it (same idempotency key, same body) and answers with
// its first result: the customer gets one reply, the action ends Sent, and
// the record says the edit was not sent. The shipped validation rule
// Locked_After_Queued refuses that edit; this org has deactivated it, and
// carebridge must not depend on it.
func TestEditDuringSendingAfterALostAnswerPostsOnce(t *testing.T) {
	t.Parallel()
	w := startActionWorld(t, nil)
	if !w.sf.RemoveValidationRule("Care_Action__c", "Locked_After_Queued") {
		t.Fatal("the shipped rule Locked_After_Queued is not in force")
	}
	sfID := w.conversation(t, "fz", rules.Facebook, strPtr("agent_ana"), care.Customer{},
		care.Message{ID: "post", Kind: rules.Post, Direction: care.Outbound, Text: "Launch", PostedAt: ago(3 * time.Hour)},
		care.Message{ID: "c1", Kind: rules.Comment, ParentID: strPtr("post"), Text: "Broken", PostedAt: ago(time.Hour)})
	w.quiet(t)
	// The first reply reaches Care and its answer is lost; later calls fail
	// until the test has made its edit, so the retry comes after the edit.
	w.care.InjectFault(caresim.Fault{Op: caresim.OpPostReply, LoseResponse: true, Times: 1})
	w.care.InjectFault(caresim.Fault{Op: caresim.OpPostReply, Status: 503, Rate: 1})
	id := w.act(t, sfID, map[string]any{"Type__c": "reply", "Reply_Mode__c": "public_reply", "Target_Message_Id__c": "fz_c1", "Body__c": "We are on it"})
	testkit.Eventually(t, 20*time.Second, "the reply posted with its answer lost, the action Sending", func() (bool, string) {
		rec, _ := w.sf.Record("Care_Action__c", id)
		return len(w.care.Replies("fz")) == 1 && rec["Status__c"] == "Sending" && w.care.Calls(caresim.OpPostReply) >= 2,
			fmt.Sprint(len(w.care.Replies("fz")), " replies, status ", rec["Status__c"])
	})
	if err := w.sf.Update("Care_Action__c", id, map[string]any{"Body__c": "We are on it, sorry for the wait"}); err != nil {
		t.Fatal(err)
	}
	w.care.ClearFaults()

	rec := w.finished(t, id)
	if rec["Status__c"] != "Sent" {
		t.Fatalf("ended %v %v: %v", rec["Status__c"], rec["Status_Code__c"], rec["Status_Reason__c"])
	}
	replies := w.care.Replies("fz")
	if len(replies) != 1 || replies[0].Text != "We are on it" || replies[0].ID != rec["Care_Result_Id__c"] {
		t.Fatalf("Care holds %v; want the one reply as first sent, reported on the action", replies)
	}
	if reason, _ := rec["Status_Reason__c"].(string); !strings.Contains(reason, "edit of Body was not sent") {
		t.Errorf("Status_Reason__c = %q; want the agent told the edit was not sent", reason)
	}
}
