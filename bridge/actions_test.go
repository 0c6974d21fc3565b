package bridge

import (
	"context"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
)

func TestEngineFieldsExistInShippedMetadata(t *testing.T) {
	schema, err := metadata.Load(configs.SalesforceMetadata())
	if err != nil {
		t.Fatal(err)
	}
	for object, fields := range map[string][]string{
		"Case":        EngineCaseFields(),
		MessageObject: MessageFields(),
		ActionObject:  ActionFields(),
	} {
		if err := schema.Require(object, fields...); err != nil {
			t.Error(err)
		}
	}
}

func TestAgentsGuideListsEveryCode(t *testing.T) {
	guide, err := os.ReadFile("../docs/agents.md")
	if err != nil {
		t.Fatal(err)
	}
	codes := append(rules.Codes(), CodeInvalidAction, CodeTargetNotFound, CodeCaseNotSynced, CodeSendFailed, CodeRetriesExhausted, CodeUnconfirmed)
	for _, c := range codes {
		if !strings.Contains(string(guide), "| `"+c+"`") {
			t.Errorf("docs/agents.md has no table row for code %s", c)
		}
	}
}

func TestMessageRecord(t *testing.T) {
	posted := time.Date(2026, 11, 20, 8, 30, 15, 123456789, time.UTC)
	long := strings.Repeat("é", 300)
	tests := []struct {
		name string
		msg  care.Message
		want Record
	}{
		{
			name: "comment with media",
			msg: care.Message{ID: "m1", Platform: rules.Facebook, Kind: rules.Comment, Direction: care.Inbound, ParentID: ptr("p1"), Depth: 1,
				Author: care.Author{Handle: "maria", Name: "Maria", FollowsBrand: true}, Text: "Broken", Media: []string{"https://a", "https://b"},
				PostedAt: posted, Liked: true, Permalink: "https://fb.example/1"},
			want: Record{MessageIDField: "m1", "Platform__c": "facebook", "Kind__c": "comment", "Direction__c": "inbound",
				"Author_Handle__c": "maria", "Author_Name__c": "Maria", "Author_Is_Page__c": false, "Author_Follows_Brand__c": true,
				"Text__c": "Broken", "Media_URLs__c": "https://a\nhttps://b", "Parent_Message_Id__c": "p1", "Thread_Depth__c": 1,
				"Posted_At__c": "2026-11-20T08:30:15.000+0000", "Hidden__c": false, "Hidden_With_Parent__c": false, "Deleted__c": false,
				"Liked__c": true, "Private_Reply_Sent__c": false, "Permalink__c": "https://fb.example/1",
				AuthorKeyField: nil, DeletedByField: nil, "Deleted_At__c": nil, "Edited_At__c": nil, WithheldField: nil},
		},
		{
			name: "empty values are null; long values stay whole (they are cut when written)",
			msg:  care.Message{ID: "m2", Kind: rules.DirectMessageKind, Author: care.Author{Name: long}, Hidden: true, HiddenWithParent: true},
			want: Record{MessageIDField: "m2", "Platform__c": nil, "Kind__c": "direct_message", "Direction__c": nil,
				"Author_Handle__c": nil, "Author_Name__c": long, "Author_Is_Page__c": false, "Author_Follows_Brand__c": false,
				"Text__c": nil, "Media_URLs__c": nil, "Parent_Message_Id__c": nil, "Thread_Depth__c": 0,
				"Posted_At__c": nil, "Hidden__c": true, "Hidden_With_Parent__c": true, "Deleted__c": false,
				"Liked__c": false, "Private_Reply_Sent__c": false, "Permalink__c": nil,
				AuthorKeyField: nil, DeletedByField: nil, "Deleted_At__c": nil, "Edited_At__c": nil, WithheldField: nil},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := messageRecord(tt.msg)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("messageRecord:\n got %v\nwant %v", got, tt.want)
			}
			if hashRecord(got) != hashRecord(messageRecord(tt.msg)) {
				t.Error("hash of equal records differs")
			}
			changed := tt.msg
			changed.Hidden = !changed.Hidden
			if hashRecord(messageRecord(changed)) == hashRecord(got) {
				t.Error("hash ignores a change of Hidden")
			}
		})
	}
}

func ptr(s string) *string { return &s }

func TestUniqueBySendsEachRecordOnce(t *testing.T) {
	var sent []Record
	write := uniqueBy("Id", func(_ context.Context, recs []Record) ([]WriteResult, error) {
		sent = recs
		out := make([]WriteResult, len(recs))
		for i, r := range recs {
			out[i] = WriteResult{ID: r["Id"].(string) + "-ok"}
		}
		return out, nil
	})
	res, err := write(context.Background(), []Record{{"Id": "a", "v": 1}, {"Id": "b", "v": 1}, {"Id": "a", "v": 2}})
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != 2 || sent[0]["v"] != 2 || sent[1]["Id"] != "b" {
		t.Errorf("sent %v; want a (last write) and b once each", sent)
	}
	if got := []string{res[0].ID, res[1].ID, res[2].ID}; !reflect.DeepEqual(got, []string{"a-ok", "b-ok", "a-ok"}) {
		t.Errorf("results %v", got)
	}
	failing := uniqueBy("Id", func(context.Context, []Record) ([]WriteResult, error) { return nil, errors.New("down") })
	if _, err := failing(context.Background(), []Record{{"Id": "a"}}); err == nil {
		t.Error("a failed batch returned no error")
	}
}

func TestReplyOptionFieldsWriteOnlyWhatChanged(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	e := &caseReconciler{rules: rules.Default(), now: func() time.Time { return now }}
	profile := "prof"
	fb := care.Case{ID: "c", Platform: rules.Facebook, Status: rules.Open, ProfileID: &profile, AssigneeID: &profile}
	commentAt := now.Add(-48 * time.Hour)
	conversation := []care.Message{
		{ID: "post", Kind: rules.Post, Direction: care.Outbound, Author: care.Author{IsBrand: true}, PostedAt: now.Add(-72 * time.Hour)},
		{ID: "c1", Kind: rules.Comment, Direction: care.Inbound, ParentID: ptr("post"), Depth: 1, PostedAt: commentAt},
	}
	deadline := "2026-11-30T12:00:00.000+0000" // the comment's time + 7 days
	// Facebook's private reply goes out through the Send API (rules.yaml).
	limits := "private_reply:1999:characters"
	tests := []struct {
		name string
		c    care.Case
		msgs []care.Message
		rec  Record
		want Record
	}{
		{"first time", fb, conversation, Record{},
			Record{AllowedModesField: "public_reply;comment_on_post;private_reply", PrivateReplyDeadlineField: deadline,
				ReplyLimitsField: limits}},
		{"unchanged: nothing to write", fb, conversation,
			Record{AllowedModesField: "public_reply;comment_on_post;private_reply", PrivateReplyDeadlineField: deadline, DMDeadlineField: nil,
				ReplyLimitsField: limits},
			Record{}},
		{"a deadline that no longer applies is cleared", fb, conversation[:1],
			Record{AllowedModesField: "public_reply", PrivateReplyDeadlineField: deadline, ReplyLimitsField: limits},
			Record{AllowedModesField: nil, PrivateReplyDeadlineField: nil, ReplyLimitsField: nil}},
		{"no profile: no reply mode", care.Case{ID: "c", Platform: rules.Facebook, Status: rules.Open}, conversation,
			Record{AllowedModesField: "public_reply;comment_on_post;private_reply", PrivateReplyDeadlineField: deadline, ReplyLimitsField: limits},
			Record{AllowedModesField: nil, PrivateReplyDeadlineField: nil, ReplyLimitsField: nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next := &nextChange{now: now}
			if got := e.replyOptionFields(t.Context(), tt.c, tt.msgs, tt.rec, next); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			// The case is due again when its private reply window closes.
			want := time.Time{}
			if tt.msgs[len(tt.msgs)-1].ID == "c1" && tt.c.ProfileID != nil {
				want = parseTime(deadline)
			}
			if !next.at.Equal(want) {
				t.Errorf("next change at %v, want %v", next.at, want)
			}
		})
	}
}
