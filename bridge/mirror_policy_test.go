package bridge

import (
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

// TestMirrorRecordHonoursThePlatformTerms: what the mirror keeps of a
// message. Deleted content (by its author, by anyone Care does not name,
// by the brand unless the mapping keeps what the brand deleted) and the
// content of a protected, deleted or suspended account or of an erased
// customer leave a tombstone: the message's place in the thread, who
// deleted it and when, no text, media, link, handle or name. An edit shows
// the current text and when it was edited.
func TestMirrorRecordHonoursThePlatformTerms(t *testing.T) {
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	base := care.Message{ID: "m1", Platform: rules.Twitter, Kind: rules.ReplyKind, Direction: care.Inbound, ParentID: strp("p1"), Depth: 1,
		Author: care.Author{ID: "u1", Handle: "maria", Name: "Maria", FollowsBrand: true, AccountState: care.AccountActive},
		Text:   "Still broken", Media: []string{"https://img.example/1"}, Permalink: "https://x.example/1", PostedAt: at.Add(-time.Hour)}
	with := func(change func(*care.Message)) care.Message {
		m := base
		change(&m)
		return m
	}
	deleted := func(by string) func(*care.Message) {
		return func(m *care.Message) {
			m.Deleted, m.DeletedAt = true, &at
			if by != "" {
				m.DeletedBy = &by
			}
		}
	}
	key := AuthorKey(rules.Twitter, "u1")
	erased := map[string]bool{state.MessageKey("m1"): true}
	tests := []struct {
		name     string
		msg      care.Message
		policy   mirrorPolicy
		content  bool // text, media, link, handle, name kept
		want     Record
		withheld string
	}{
		{name: "as it is", msg: base, content: true, want: Record{AuthorKeyField: key, DeletedByField: nil, "Deleted__c": false}},
		{name: "deleted by its author", msg: with(deleted(care.DeletedByAuthor)),
			want: Record{DeletedByField: "author", "Deleted_At__c": "2026-11-20T09:00:00.000+0000", "Deleted__c": true, AuthorKeyField: key,
				"Parent_Message_Id__c": "p1", "Thread_Depth__c": 1, "Posted_At__c": "2026-11-20T08:00:00.000+0000", "Author_Follows_Brand__c": false}},
		{name: "deleted by the brand", msg: with(deleted(care.DeletedByBrand)), want: Record{DeletedByField: "brand", "Deleted__c": true}},
		{name: "deleted by the brand, kept by the mapping", msg: with(deleted(care.DeletedByBrand)), policy: mirrorPolicy{keepBrandDeleted: true},
			content: true, want: Record{DeletedByField: "brand", "Deleted__c": true}},
		{name: "deleted by its author, the mapping keeps only the brand's", msg: with(deleted(care.DeletedByAuthor)), policy: mirrorPolicy{keepBrandDeleted: true},
			want: Record{DeletedByField: "author"}},
		{name: "deleted, Care does not say by whom", msg: with(deleted("")), policy: mirrorPolicy{keepBrandDeleted: true},
			want: Record{DeletedByField: nil, "Deleted__c": true}},
		{name: "edited", msg: with(func(m *care.Message) { m.Text, m.EditedAt = "Fixed now", &at }), content: true,
			want: Record{"Text__c": "Fixed now", "Edited_At__c": "2026-11-20T09:00:00.000+0000"}},
		{name: "protected account", msg: with(func(m *care.Message) { m.Author.AccountState = care.AccountProtected }),
			withheld: WithheldProtected, want: Record{"Deleted__c": false, AuthorKeyField: key}},
		{name: "deleted account", msg: with(func(m *care.Message) { m.Author.AccountState = care.AccountDeleted }), withheld: WithheldDeleted},
		{name: "suspended account", msg: with(func(m *care.Message) { m.Author.AccountState = care.AccountSuspended }), withheld: WithheldSuspended},
		{name: "the brand's own message is never withheld",
			msg: with(func(m *care.Message) {
				m.Author = care.Author{ID: "prof", Handle: "acme", Name: "Acme", IsBrand: true, AccountState: care.AccountProtected}
			}),
			content: true},
		{name: "erased", msg: base, policy: mirrorPolicy{erased: erased}, withheld: WithheldErased, want: Record{AuthorKeyField: nil}},
		{name: "erased wins over an account state", msg: with(func(m *care.Message) { m.Author.AccountState = care.AccountSuspended }),
			policy: mirrorPolicy{erased: erased}, withheld: WithheldErased},
	}
	contentFields := []string{"Text__c", "Media_URLs__c", "Permalink__c", "Author_Handle__c", "Author_Name__c"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := mirrorRecord(tt.msg, tt.policy)
			for _, f := range contentFields {
				if kept := rec[f] != nil; kept != tt.content {
					t.Errorf("%s = %v, want kept %v", f, rec[f], tt.content)
				}
			}
			if got := rec[WithheldField]; got != nilIfEmpty(tt.withheld) {
				t.Errorf("%s = %v, want %q", WithheldField, got, tt.withheld)
			}
			for f, v := range tt.want {
				if rec[f] != v {
					t.Errorf("%s = %v, want %v", f, rec[f], v)
				}
			}
			if rec[MessageIDField] != "m1" || rec["Kind__c"] == nil {
				t.Errorf("the tombstone lost its place: %v", rec)
			}
		})
	}
	if hashRecord(mirrorRecord(with(func(m *care.Message) { m.Author.AccountState = care.AccountProtected }), mirrorPolicy{})) == hashRecord(mirrorRecord(base, mirrorPolicy{})) {
		t.Error("a protected account's message hashes as the active one: it would not come back")
	}
}
