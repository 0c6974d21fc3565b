package daemon_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/internal/testkit"
)

// TestMissingPermissionFailsWithAClearMessage: the suite runs the
// integration user with exactly the shipped permission set under private
// Case sharing, as a member of the Carebridge_Integration group that the
// shipped sharing rule shares Care's Cases with. Take it out of the group
// and a Case an agent owns can no longer be updated: the failure names the
// Salesforce refusal and what to do; back in the group, the next sweep
// syncs the case.
func TestMissingPermissionFailsWithAClearMessage(t *testing.T) {
	w := startWorld(t, manualPolls)
	ctx := context.Background()
	w.linkedToBen(t, "perm_1")
	group, ok := w.sf.GroupID(sfsim.IntegrationGroup)
	if !ok || !w.sf.RemoveGroupMember(group, w.sf.IntegrationUserID()) {
		t.Fatal("the integration user is not in the shipped Carebridge_Integration group")
	}
	if err := w.care.UISetStatus("perm_1", rules.Pending); err != nil {
		t.Fatal(err)
	}
	if err := w.d.Engine().Triggers().PollCare(ctx); err != nil {
		t.Fatal(err)
	}
	w.wantParked(t, "case:perm_1", "INSUFFICIENT_ACCESS_OR_READONLY")
	if r := w.sfCase("perm_1"); r["Status"] != "New" {
		t.Fatalf("Status %v with the write refused", r["Status"])
	}

	if err := w.sf.AddQueueMember(group, w.sf.IntegrationUserID()); err != nil {
		t.Fatal(err)
	}
	if err := w.d.Engine().Triggers().Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "the case synced once the integration user is back in the group", func() (bool, string) {
		r := w.sfCase("perm_1")
		return r["Status"] == "On Hold", fmt.Sprint(r["Status"])
	})
}

// TestReassignmentNeedsTransferCases: the sharing rule gives carebridge
// read/write access to Care's Cases, which does not include changing the
// owner of a Case an agent owns; the shipped set grants Transfer Cases for
// Care's reassignments. Without it a reassignment from Ben to Ana is
// refused with a clear message; with it back, the sweep moves the Case.
func TestReassignmentNeedsTransferCases(t *testing.T) {
	w := startWorld(t, manualPolls)
	ctx := context.Background()
	w.linkedToBen(t, "perm_2")
	if err := w.sf.RevokePermission(sfsim.IntegrationPermissionSet, metadata.Permission{User: metadata.PermTransferAnyCase}); err != nil {
		t.Fatal(err)
	}
	if err := w.care.UIAssign("perm_2", strPtr("agent_ana")); err != nil {
		t.Fatal(err)
	}
	if err := w.d.Engine().Triggers().PollCare(ctx); err != nil {
		t.Fatal(err)
	}
	w.wantParked(t, "case:perm_2", "INSUFFICIENT_ACCESS_OR_READONLY")
	if r := w.sfCase("perm_2"); r["OwnerId"] != w.users["ben@example.com"] {
		t.Fatalf("owner %v with the transfer refused", r["OwnerId"])
	}

	w.sf.ResetPermissions()
	if err := w.d.Engine().Triggers().Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "the Case given to Ana once Transfer Cases is back", func() (bool, string) {
		r := w.sfCase("perm_2")
		return r["OwnerId"] == w.users["ana@example.com"], fmt.Sprint(r["OwnerId"])
	})
}

// linkedToBen escalates a Care case assigned to Ben and waits until its
// Case is Ben's and the world is quiet; it returns the Case's id.
func (w *world) linkedToBen(t *testing.T, careID string) string {
	t.Helper()
	sfID := w.linked(t, careID, strPtr("agent_ben"))
	testkit.Eventually(t, 20*time.Second, "the Case owned by Ben", func() (bool, string) {
		r := w.sfCase(careID)
		return r != nil && r["OwnerId"] == w.users["ben@example.com"], fmt.Sprint(r)
	})
	w.quiet(t)
	return sfID
}

// wantParked waits until key is the one failing key, parked with a
// Salesforce refusal naming code and pointing to carebridge check.
func (w *world) wantParked(t *testing.T, key, code string) {
	t.Helper()
	testkit.Eventually(t, 20*time.Second, "the refusal listed with the failing keys", func() (bool, string) {
		failing, err := w.d.Queue().Failing(context.Background(), 10)
		if err != nil || len(failing) != 1 {
			return false, fmt.Sprint(failing, err)
		}
		msg := failing[0].Error
		return failing[0].Key == key && failing[0].Parked && strings.Contains(msg, code) && strings.Contains(msg, "carebridge check"), msg
	})
}

// TestClearedCareIDOnAnAgentsCaseIsNotForked: an admin clears Care Case Id
// of a Case an agent owns. The sharing rule no longer gives carebridge
// edit access to it, so carebridge cannot put the id back, as in a real
// org; it still reads the Case (View All on Case), so it reports the case
// with what to do instead of creating a second Case. Once the admin puts
// the id back, the sweep syncs the case again.
func TestClearedCareIDOnAnAgentsCaseIsNotForked(t *testing.T) {
	w := startWorld(t, manualPolls)
	ctx := context.Background()
	sfID := w.linkedToBen(t, "perm_3")
	if err := w.sf.Update("Case", sfID, map[string]any{"Care_Case_Id__c": nil}); err != nil {
		t.Fatal(err)
	}
	if err := w.care.UISetStatus("perm_3", rules.Pending); err != nil {
		t.Fatal(err)
	}
	if err := w.d.Engine().Triggers().PollCare(ctx); err != nil {
		t.Fatal(err)
	}
	w.wantParked(t, "case:perm_3", `an admin must put "perm_3" back into Care Case Id of Case `+sfID)
	if n := w.sf.Count("Case"); n != 1 {
		t.Fatalf("%d Cases: the case was forked", n)
	}

	if err := w.sf.Update("Case", sfID, map[string]any{"Care_Case_Id__c": "perm_3"}); err != nil {
		t.Fatal(err)
	}
	if err := w.d.Engine().Triggers().Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "the case synced once the admin put its Care id back", func() (bool, string) {
		r := w.sfCase("perm_3")
		return r["Status"] == "On Hold", fmt.Sprint(r["Status"])
	})
}
