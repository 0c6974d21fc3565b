package daemon_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/internal/testkit"
)

// TestNewCarePlatformDoesNotStopACase: Care adds a network; its cases sync
// (Care_Platform__c is an unrestricted picklist) and no action is offered
// on them until the rules know the platform.
func TestNewCarePlatformDoesNotStopACase(t *testing.T) {
	w := startWorld(t, manualPolls)
	ctx := context.Background()
	w.care.AddProfile(care.Profile{ID: "prof_threads", Platform: newPlatform, Name: "Acme", Handle: "acme"})
	if _, err := w.care.Escalate(care.Case{ID: "new_1", Platform: newPlatform, ProfileID: strPtr("prof_threads"), AssigneeID: strPtr("agent_ana"), Subject: "Threads case",
		Customer: care.Customer{ID: "u1", Handle: "maria", Name: "Maria"}},
		[]care.Message{{ID: "c_new_1", Kind: rules.Comment, Text: "Hello from a new network"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.d.Engine().Triggers().PollCare(ctx); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "the Case and its message", func() (bool, string) {
		r := w.sfCase("new_1")
		return r != nil && len(w.mirror(r["Id"].(string))) == 1, fmt.Sprint(r)
	})
	r := w.sfCase("new_1")
	if r["Care_Platform__c"] != string(newPlatform) || r["Care_Sync_Status__c"] != "Synced" {
		t.Errorf("Care_Platform__c %v, sync %v (%v); want %s and Synced", r["Care_Platform__c"], r["Care_Sync_Status__c"], r["Care_Sync_Error__c"], newPlatform)
	}
	if r["Care_Allowed_Reply_Modes__c"] != nil {
		t.Errorf("reply modes %v offered on a platform the rules do not know", r["Care_Allowed_Reply_Modes__c"])
	}
	w.quiet(t)
}
