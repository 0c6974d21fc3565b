package daemon_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
)

// TestMissingPermissionFailsWithAClearMessage: the suite runs the
// integration user with exactly the shipped permission set under private
// Case sharing. Take Modify All on Case away and a Case an agent owns can
// no longer be updated: the failure names the Salesforce refusal and what
// to do; with the permission back, the next sweep syncs the case.
func TestMissingPermissionFailsWithAClearMessage(t *testing.T) {
	w := startWorld(t, manualPolls)
	ctx := context.Background()
	w.linked(t, "perm_1", strPtr("agent_ben"))
	eventually(t, "the Case owned by Ben", func() (bool, string) {
		r := w.sfCase("perm_1")
		return r != nil && r["OwnerId"] == w.users["ben@example.com"], fmt.Sprint(r)
	})
	w.quiet(t)
	if err := w.sf.RevokePermission(sfsim.IntegrationPermissionSet, metadata.Permission{Object: "Case", Access: metadata.AccessModifyAll}); err != nil {
		t.Fatal(err)
	}
	if err := w.care.UISetStatus("perm_1", rules.Pending); err != nil {
		t.Fatal(err)
	}
	if err := w.d.Engine().PollCare(ctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the refusal listed with the failing keys", func() (bool, string) {
		failing, err := w.d.Queue().Failing(ctx, 10)
		if err != nil || len(failing) != 1 {
			return false, fmt.Sprint(failing, err)
		}
		msg := failing[0].Error
		return failing[0].Key == "case:perm_1" && failing[0].Parked && strings.Contains(msg, "INSUFFICIENT_ACCESS_OR_READONLY") && strings.Contains(msg, "carebridge check"), msg
	})
	if r := w.sfCase("perm_1"); r["Status"] != "New" {
		t.Fatalf("Status %v with the write refused", r["Status"])
	}

	w.sf.ResetPermissions()
	if err := w.d.Engine().Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the case synced once the permission is back", func() (bool, string) {
		r := w.sfCase("perm_1")
		return r["Status"] == "On Hold", fmt.Sprint(r["Status"])
	})
}
