package bridge

// Internal notes both ways: a Care note becomes a private Case comment (or
// a Task), a Case comment becomes a Care note, once each, within the
// directions the mapping allows.

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/work"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

// notesWorld is a world with the notes section of the shipped mapping
// replaced by notes (nil: as shipped), and one linked case c1.
func notesWorld(t *testing.T, notes string) *testWorld {
	t.Helper()
	var tweaks []func(*Options)
	if notes != "" {
		tweaks = append(tweaks, withMapping(shippedMappingWith(t, "notes:\n  direction: both\n  salesforce_object: CaseComment\n  published: false\n", notes)))
	}
	w := newTestWorld(t, tweaks...)
	w.linked("c1", strp("agent_ana"))
	return w
}

// TestNotesAreCopiedBothWaysOnce: each note reaches the other side once,
// with its author, and a repeat reconcile copies nothing.
func TestNotesAreCopiedBothWaysOnce(t *testing.T) {
	const both = ""
	tests := []struct {
		name  string
		notes string // the mapping's notes section ("": as shipped)
		write func(w *testWorld)
		// what the other side shows
		wantSF   []Record // notes on the Case (object wantObj)
		wantObj  string
		wantCare []string // Care note texts, in order
		wantBy   []string // their Care authors
	}{
		{
			name:     "a Care note becomes a private Case comment naming its author",
			notes:    both,
			write:    func(w *testWorld) { w.careNote("c1", "agent_ana", "Customer is a VIP") },
			wantObj:  "CaseComment",
			wantSF:   []Record{{"CommentBody": "[Care note by Ana Novak, 2026-03-02 09:30 UTC]\nCustomer is a VIP", "IsPublished": false}},
			wantCare: []string{"Customer is a VIP"}, wantBy: []string{"agent_ana"},
		},
		{
			name:     "a Care note by nobody known names a Care user",
			notes:    both,
			write:    func(w *testWorld) { w.careNote("c1", "", "Automated triage") },
			wantObj:  "CaseComment",
			wantSF:   []Record{{"CommentBody": "[Care note by a Care user, 2026-03-02 09:30 UTC]\nAutomated triage"}},
			wantCare: []string{"Automated triage"}, wantBy: []string{""},
		},
		{
			name:  "a Case comment by Ben becomes Ben's Care note",
			notes: both,
			write: func(w *testWorld) {
				w.sf.insert("CaseComment", Record{"ParentId": w.sfID("c1"), "CommentBody": "Called the customer", "CreatedById": w.users["ben@example.com"]})
			},
			wantObj:  "CaseComment",
			wantSF:   []Record{{"CommentBody": "Called the customer"}},
			wantCare: []string{"Called the customer"}, wantBy: []string{"agent_ben"},
		},
		{
			name:  "a Case comment by a user who is no Care agent becomes an authorless Care note",
			notes: both,
			write: func(w *testWorld) {
				w.sf.insert("CaseComment", Record{"ParentId": w.sfID("c1"), "CommentBody": "Escalated to legal"})
			},
			wantObj:  "CaseComment",
			wantSF:   []Record{{"CommentBody": "Escalated to legal"}},
			wantCare: []string{"Escalated to legal"}, wantBy: []string{""},
		},
		{
			name:  "a copied note edited in Salesforce is not copied again either way",
			notes: both,
			write: func(w *testWorld) {
				w.careNote("c1", "agent_ana", "VIP")
				w.mustReconcile("c1")
				w.sf.edit("CaseComment", str(w.sf.records("CaseComment")[0]["Id"]), Record{"CommentBody": "VIP (checked)"})
			},
			wantObj:  "CaseComment",
			wantSF:   []Record{{"CommentBody": "VIP (checked)"}},
			wantCare: []string{"VIP"}, wantBy: []string{"agent_ana"},
		},
		{
			name:  "the bridge's copy of a Care note deleted from Care is not copied back",
			notes: both,
			write: func(w *testWorld) {
				w.sf.insert("CaseComment", Record{"ParentId": w.sfID("c1"), "CommentBody": careNoteHeader + "Ana Novak, 2026-03-01 08:00 UTC]\nold"})
			},
			wantObj:  "CaseComment",
			wantSF:   []Record{{"CommentBody": careNoteHeader + "Ana Novak, 2026-03-01 08:00 UTC]\nold"}},
			wantCare: nil,
		},
		{
			name:  "notes care_to_salesforce: Care notes go to Salesforce, Case comments stay there",
			notes: "notes:\n  direction: care_to_salesforce\n  salesforce_object: CaseComment\n  published: false\n",
			write: func(w *testWorld) {
				w.careNote("c1", "agent_ana", "From Care")
				w.sf.insert("CaseComment", Record{"ParentId": w.sfID("c1"), "CommentBody": "From Salesforce"})
			},
			wantObj:  "CaseComment",
			wantSF:   []Record{{"CommentBody": "From Salesforce"}, {"CommentBody": "[Care note by Ana Novak, 2026-03-02 09:30 UTC]\nFrom Care"}},
			wantCare: []string{"From Care"}, wantBy: []string{"agent_ana"},
		},
		{
			name:  "notes salesforce_to_care: Case comments go to Care, Care notes stay there",
			notes: "notes:\n  direction: salesforce_to_care\n  salesforce_object: CaseComment\n  published: false\n",
			write: func(w *testWorld) {
				w.careNote("c1", "agent_ana", "From Care")
				w.sf.insert("CaseComment", Record{"ParentId": w.sfID("c1"), "CommentBody": "From Salesforce", "CreatedById": w.users["ben@example.com"]})
			},
			wantObj:  "CaseComment",
			wantSF:   []Record{{"CommentBody": "From Salesforce"}},
			wantCare: []string{"From Care", "From Salesforce"}, wantBy: []string{"agent_ana", "agent_ben"},
		},
		{
			name:     "notes as Tasks: a Care note becomes a completed Task on the Case",
			notes:    "notes:\n  direction: both\n  salesforce_object: Task\n",
			write:    func(w *testWorld) { w.careNote("c1", "agent_ben", "Sent a voucher") },
			wantObj:  "Task",
			wantSF:   []Record{{"Description": "[Care note by Ben Okafor, 2026-03-02 09:30 UTC]\nSent a voucher", "Subject": "Care note", "Status": "Completed"}},
			wantCare: []string{"Sent a voucher"}, wantBy: []string{"agent_ben"},
		},
		{
			name:  "notes as Tasks: a Task on the Case becomes a Care note",
			notes: "notes:\n  direction: both\n  salesforce_object: Task\n",
			write: func(w *testWorld) {
				w.sf.insert("Task", Record{"WhatId": w.sfID("c1"), "Subject": "Call", "Description": "Left a voicemail", "CreatedById": w.users["ana@example.com"]})
			},
			wantObj:  "Task",
			wantSF:   []Record{{"Description": "Left a voicemail"}},
			wantCare: []string{"Left a voicemail"}, wantBy: []string{"agent_ana"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := notesWorld(t, tt.notes)
			tt.write(w)
			w.pollSalesforceNotes()  // Salesforce's notes change only as its poll says
			for i := 0; i < 2; i++ { // the second reconcile copies nothing
				w.sf.resetCalls()
				w.care.resetCalls()
				w.clock.Advance(time.Minute)
				w.mustReconcile("c1")
			}
			if n := w.sf.count(sfCreate, anyTarget) + w.care.count(caresim.OpAddNote); n != 0 {
				t.Errorf("the repeat reconcile made %d note writes, want none", n)
			}
			got := w.sf.records(tt.wantObj)
			if len(got) != len(tt.wantSF) {
				t.Fatalf("%d %s records, want %d: %v", len(got), tt.wantObj, len(tt.wantSF), got)
			}
			for i, want := range tt.wantSF {
				for f, v := range want {
					if got[i][f] != v {
						t.Errorf("%s %d: %s = %q, want %q", tt.wantObj, i, f, got[i][f], v)
					}
				}
				if got[i][map[string]string{"CaseComment": "ParentId", "Task": "WhatId"}[tt.wantObj]] != w.sfID("c1") {
					t.Errorf("%s %d is not on the Case: %v", tt.wantObj, i, got[i])
				}
			}
			notes := w.care.notesOf("c1")
			if len(notes) != len(tt.wantCare) {
				t.Fatalf("%d Care notes, want %d: %+v", len(notes), len(tt.wantCare), notes)
			}
			for i, n := range notes {
				if n.Text != tt.wantCare[i] || n.AuthorID != tt.wantBy[i] {
					t.Errorf("Care note %d = %q by %q, want %q by %q", i, n.Text, n.AuthorID, tt.wantCare[i], tt.wantBy[i])
				}
			}
		})
	}
}

// TestNotesAreNotCopiedAgainAfterTheirLinksAreLost: a retired case that
// reopens has lost its note links; its notes are recognised on both sides
// (the bridge's copies by their text, the originals by text, author and
// time) and nothing is copied twice.
func TestNotesAreNotCopiedAgainAfterTheirLinksAreLost(t *testing.T) {
	w := notesWorld(t, "")
	w.careNote("c1", "agent_ana", "From Care")
	w.sf.insert("CaseComment", Record{"ParentId": w.sfID("c1"), "CommentBody": "From Salesforce", "CreatedById": w.users["ben@example.com"]})
	w.mustReconcile("c1")
	// Closed on both sides, retired, then reopened in Care.
	w.care.editCase("c1", func(c *care.Case) { c.Status = rules.Done })
	w.mustReconcile("c1")
	w.clock.Advance(8 * 24 * time.Hour)
	if err := w.engine.Triggers().Sweep(w.ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := w.store.SalesforceCase(w.ctx, "c1"); ok {
		t.Fatal("the case was not retired")
	}
	w.care.editCase("c1", func(c *care.Case) { c.Status = rules.Open })
	w.sf.resetCalls()
	w.care.resetCalls()
	w.mustReconcile("c1")
	if n := w.sf.count(sfCreate, "CaseComment"); n != 0 {
		t.Errorf("%d comments created after the reopen, want none", n)
	}
	if n := w.care.count(caresim.OpAddNote); n != 0 {
		t.Errorf("%d Care notes added after the reopen, want none", n)
	}
	if n := len(w.sf.records("CaseComment")); n != 2 {
		t.Errorf("%d comments, want 2", n)
	}
	if n := len(w.care.notesOf("c1")); n != 2 {
		t.Errorf("%d Care notes, want 2", n)
	}
}

// TestNoteCopyFailures: a note that cannot be copied fails the reconcile
// (retried) and is copied once when the next one succeeds.
func TestNoteCopyFailures(t *testing.T) {
	tests := []struct {
		name  string
		write func(w *testWorld)
		fault func(w *testWorld)
		label []string // the failed sync operation
	}{
		{"Salesforce is down when a Care note is copied", func(w *testWorld) { w.careNote("c1", "agent_ana", "VIP") },
			func(w *testWorld) { w.sf.failNext(sfCreate, "CaseComment", 1, nil) }, []string{"direction", "care_to_salesforce", "object", "note", "result", "failure"}},
		{"Care is down when a Case comment is copied", func(w *testWorld) {
			w.sf.insert("CaseComment", Record{"ParentId": w.sfID("c1"), "CommentBody": "Called"})
		}, func(w *testWorld) { w.care.failNext(caresim.OpAddNote, "c1", 1, nil) }, []string{"direction", "salesforce_to_care", "object", "note", "result", "failure"}},
		{"Care's notes cannot be read", func(w *testWorld) { w.careNote("c1", "agent_ana", "VIP") },
			func(w *testWorld) { w.care.failNext(caresim.OpListNotes, "c1", 1, nil) }, nil},
		{"the Case's comments cannot be read", func(w *testWorld) { w.careNote("c1", "agent_ana", "VIP") },
			func(w *testWorld) { w.sf.failNext(sfQuery, "CaseComment", 1, nil) }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := notesWorld(t, "")
			tt.write(w)
			w.pollSalesforceNotes()
			tt.fault(w)
			if err := w.reconcile("c1"); err == nil {
				t.Fatal("the reconcile succeeded")
			}
			if tt.label != nil && w.metric("carebridge_sync_operations_total", tt.label...) != 1 {
				t.Errorf("sync_operations_total%v = %v, want 1", tt.label, w.metric("carebridge_sync_operations_total", tt.label...))
			}
			w.mustReconcile("c1")
			w.mustReconcile("c1")
			if n, m := len(w.sf.records("CaseComment")), len(w.care.notesOf("c1")); n != 1 || m != 1 {
				t.Errorf("%d comments and %d Care notes, want one of each", n, m)
			}
		})
	}
}

// TestLongCareNoteIsCutToFitOnce: a Care note longer than CommentBody
// holds is written cut, and the cut copy is recognised as the note's copy
// once its link is lost.
func TestLongCareNoteIsCutToFitOnce(t *testing.T) {
	describe := func(_ context.Context, object string) (map[string]FieldInfo, error) {
		if object == "CaseComment" {
			return map[string]FieldInfo{"CommentBody": {Type: "textarea", Length: 4000}}, nil
		}
		return nil, nil
	}
	w := newTestWorld(t, func(o *Options) { o.DescribeFields = describe })
	w.linked("c1", strp("agent_ana"))
	w.careNote("c1", "agent_ana", strings.Repeat("é", 3000)) // 3000 characters, 6000 bytes
	w.mustReconcile("c1")
	comments := w.sf.records("CaseComment")
	if len(comments) != 1 {
		t.Fatalf("%d comments, want 1", len(comments))
	}
	body := str(comments[0]["CommentBody"])
	if len(body) > 4000 || !strings.HasSuffix(body, CutMarker) {
		t.Errorf("comment of %d bytes ending %q; want at most 4000 bytes ending with the cut marker", len(body), body[len(body)-10:])
	}
	if n := w.metric("carebridge_salesforce_values_cut_total", "object", "CaseComment", "field", "CommentBody"); n != 1 {
		t.Errorf("values_cut_total{CaseComment,CommentBody} = %v, want 1", n)
	}
	// The links are lost (the case retired and reopened): the cut copy is
	// still recognised.
	w.care.editCase("c1", func(c *care.Case) { c.Status = rules.Done })
	w.editSF("c1", Record{"Status": "Closed"})
	w.mustReconcile("c1")
	w.clock.Advance(8 * 24 * time.Hour)
	if err := w.engine.Triggers().Sweep(w.ctx); err != nil {
		t.Fatal(err)
	}
	w.mustReconcile("c1")
	if n := len(w.sf.records("CaseComment")); n != 1 {
		t.Errorf("%d comments after the links were lost, want 1", n)
	}
}

// TestCareChangesWrittenWhileTheBridgeWritesCareAreSynced: an agent writes
// a Care note, or the customer a message, after the reconcile read the case,
// its notes and conversation, while the bridge's own write to Care is on its
// way. Care's answer to that write (its updated_at, its notes and
// conversation stamps) already covers the change, which the reconcile never
// read. The change reaches Salesforce by each of the triggers it sets off
// alone: Care's webhook for it, or the next Care poll when the webhook was
// lost.
func TestCareChangesWrittenWhileTheBridgeWritesCareAreSynced(t *testing.T) {
	races := []struct {
		name  string
		write string // the bridge's write to Care the change overtakes
		start func(w *testWorld)
	}{
		{"while a Case comment is copied to Care", caresim.OpAddNote, func(w *testWorld) {
			w.sf.insert("CaseComment", Record{"ParentId": w.sfID("c1"), "CommentBody": "Refund approved", "CreatedById": w.users["ben@example.com"]})
			w.pollSalesforceNotes()
		}},
		{"while an agent's status is written to Care", caresim.OpSetCaseStatus, func(w *testWorld) {
			w.editSF("c1", Record{"Status": "On Hold"})
		}},
	}
	changes := []struct {
		name string
		part care.EventPart
		make func(w *testWorld) time.Time // the change's stamp, as its webhook shows it
		// onCase counts the change's copies in Salesforce
		onCase func(w *testWorld) int
	}{
		{"a Care note", care.PartNotes, func(w *testWorld) time.Time {
			return w.careNote("c1", "agent_ana", "Customer called back").CreatedAt
		}, func(w *testWorld) (n int) {
			for _, r := range w.sf.records("CaseComment") {
				if strings.HasSuffix(str(r["CommentBody"]), "\nCustomer called back") {
					n++
				}
			}
			return n
		}},
		{"a customer message", care.PartConversation, func(w *testWorld) time.Time {
			return w.care.addMessage(care.Message{ID: "m_late", CaseID: "c1", Text: "Any news?"}).UpdatedAt
		}, func(w *testWorld) (n int) {
			for _, r := range w.sf.records(MessageObject) {
				if str(r[MessageIDField]) == "m_late" {
					n++
				}
			}
			return n
		}},
		{"a Care reassignment", care.PartCase, func(w *testWorld) time.Time {
			return w.care.editCase("c1", func(c *care.Case) { c.AssigneeID = strp("agent_ben") }).UpdatedAt
		}, func(w *testWorld) int {
			if w.sfCase("c1")["OwnerId"] == w.users["ben@example.com"] {
				return 1
			}
			return 0
		}},
	}
	triggers := []struct {
		name string
		fire func(w *testWorld, part care.EventPart, at time.Time) bool // reports whether the case was queued
	}{
		{"webhook", func(w *testWorld, part care.EventPart, at time.Time) bool {
			synced, err := w.engine.Triggers().SyncedAsOf(w.ctx, "c1", part, at)
			if err != nil {
				w.t.Fatal(err)
			}
			return !synced
		}},
		{"poll", func(w *testWorld, _ care.EventPart, _ time.Time) bool {
			w.queue.take()
			if err := w.engine.Triggers().PollCare(w.ctx); err != nil {
				w.t.Fatal(err)
			}
			return slices.Contains(w.queue.take(), work.ForCase("c1"))
		}},
	}
	for _, race := range races {
		for _, change := range changes {
			for _, trigger := range triggers {
				t.Run(change.name+" "+race.name+"/"+trigger.name, func(t *testing.T) {
					w := notesWorld(t, "")
					w.clock.Advance(time.Minute)
					race.start(w)
					var at time.Time
					w.care.beforeNext(race.write, func() {
						w.clock.Advance(time.Second)
						at = change.make(w)
						w.clock.Advance(time.Second)
					})
					w.mustReconcile("c1")
					if at.IsZero() {
						t.Fatalf("the reconcile made no %s write; calls: %v", race.write, w.writeCalls())
					}
					w.clock.Advance(time.Minute)
					if trigger.fire(w, change.part, at) {
						w.mustReconcile("c1")
					}
					if n := change.onCase(w); n != 1 {
						t.Errorf("%s written during the bridge's %s is in Salesforce %d times, want once", change.name, race.write, n)
					}
				})
			}
		}
	}
}
