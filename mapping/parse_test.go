package mapping

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// testSchema is a small Salesforce schema: field -> picklist values (nil for
// a non-picklist field); readOnly lists fields the integration cannot write.
type testSchema struct {
	fields   map[string]map[string][]string // object -> field -> picklist
	readOnly map[string]bool                // "Object.Field"
}

func (s testSchema) HasField(object, field string) bool {
	_, ok := s.fields[object][field]
	return ok
}

func (s testSchema) Picklist(object, field string) ([]string, bool) {
	v := s.fields[object][field]
	return v, v != nil
}

func (s testSchema) Updateable(object, field string) bool {
	return s.HasField(object, field) && !s.readOnly[object+"."+field]
}

func newTestSchema() testSchema {
	return testSchema{
		fields: map[string]map[string][]string{
			"Case": {
				"Subject":           nil,
				"Description":       nil,
				"OwnerId":           nil,
				"CaseNumber":        nil,
				"IsClosed":          nil,
				"Care_Profile__c":   nil,
				"Status":            {"New", "Working", "Escalated", "On Hold", "Closed"},
				"Priority":          {"High", "Medium", "Low"},
				"Care_Platform__c":  {"facebook", "instagram", "twitter", "linkedin", "youtube", "tiktok"},
				"Care_Sentiment__c": {"positive", "neutral", "negative"},
			},
			"CaseComment": {"ParentId": nil, "CommentBody": nil, "IsPublished": nil},
			"Task":        {"WhatId": nil, "Subject": nil, "Description": nil},
		},
		readOnly: map[string]bool{"Case.CaseNumber": true, "Case.IsClosed": true},
	}
}

// statusField is a valid two-way status field; tests replace parts of it.
const statusField = `  - name: status
    care: status
    salesforce: Status
    direction: both
    conflict: newest_wins
    values:
      care_to_salesforce:
        open: New
        pending: On Hold
        done: Closed
      salesforce_to_care:
        New: open
        Working: open
        Escalated: open
        On Hold: pending
        Closed: done
`

func TestParseValid(t *testing.T) {
	src := "fields:\n" + statusField + `  - name: assignee
    care: assignee_id
    salesforce: OwnerId
    direction: both
    conflict: care_wins
notes:
  salesforce_object: Task
identity:
  match_by_email: false
  overrides:
    - care_agent: agent-1
      salesforce_user: 005000000000001AAA
  unassigned_owner: 00G000000000001
conversation:
  brand_deleted: keep
`
	m, err := Parse("mapping.yaml", []byte(src), newTestSchema())
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if !m.Conversation().KeepBrandDeleted {
		t.Errorf("conversation = %+v, want brand-deleted content kept", m.Conversation())
	}
	if got := strings.Join(m.SalesforceFields(), ","); got != "OwnerId,Status" {
		t.Errorf("SalesforceFields = %s", got)
	}
	if n := m.Notes(); n.Object != NotesTask || n.Published {
		t.Errorf("notes = %+v", n)
	}
	id := m.IdentityConfig()
	if id.MatchByEmail || id.UnassignedOwner != "00G000000000001" || len(id.Overrides) != 1 || id.Overrides[0].CareAgent != "agent-1" {
		t.Errorf("identity = %+v", id)
	}
	if m.Version() == "" {
		t.Error("empty version")
	}
	other, err := Parse("mapping.yaml", []byte(src+"# a comment\n"), newTestSchema())
	if err != nil {
		t.Fatal(err)
	}
	if other.Version() == m.Version() {
		t.Error("a different file has the same version")
	}
	again, _ := Parse("other.yaml", []byte(src), newTestSchema())
	if again.Version() != m.Version() {
		t.Error("the same content has a different version")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // "line: text the message contains", in order
	}{
		{name: "not YAML", src: "fields:\n  - name: status\n    care: status: x\n",
			want: []string{"3: the file is not valid YAML: mapping values are not allowed in this context"}},
		{name: "tab indentation", src: "fields:\n  - name: status\n    care: status\n\tsalesforce: Status\n",
			want: []string{"4: the line is indented with a tab; indent with spaces only"}},
		{name: "empty file", src: "",
			want: []string{"0: the file is empty"}},
		{name: "fields missing", src: "notes:\n  direction: both\n",
			want: []string{"1: the fields section is missing"}},
		{name: "fields empty", src: "fields: []\n",
			want: []string{"1: fields: the list is empty"}},
		{name: "fields not a list", src: "fields:\n  status: x\n",
			want: []string{`2: fields: expected a list of fields`}},
		{name: "unknown top-level key", src: "fields:\n" + statusField + "mappings: {}\n",
			want: []string{`18: unknown key "mappings"; expected one of fields, notes, identity, conversation`}},
		{name: "unknown field key", src: "fields:\n" + strings.Replace(statusField, "direction: both", "directon: both", 1),
			want: []string{`2: field "status": direction is missing`, `5: field "status": unknown key "directon"`}},
		{name: "repeated key", src: "fields:\n" + strings.Replace(statusField, "    care: status\n", "    care: status\n    care: status\n", 1),
			want: []string{`4: field "status": key "care" appears twice (first on line 3)`}},
		{name: "missing name care salesforce", src: "fields:\n  - direction: care_to_salesforce\n",
			want: []string{"2: field #1: name is missing", "2: field #1: care is missing", "2: field #1: salesforce is missing"}},
		{name: "two fields without names", src: "fields:\n  - care: subject\n    salesforce: Subject\n    direction: care_to_salesforce\n  - care: description\n    salesforce: Description\n    direction: care_to_salesforce\n",
			want: []string{"2: field #1: name is missing", "5: field #2: name is missing"}},
		{name: "unknown care attribute", src: "fields:\n  - name: mood\n    care: mood\n    salesforce: Subject\n    direction: care_to_salesforce\n",
			want: []string{`3: field "mood": Care has no case attribute "mood"; use one of subject,`}},
		{name: "Salesforce field absent from metadata", src: "fields:\n  - name: subject\n    care: subject\n    salesforce: Subjekt\n    direction: care_to_salesforce\n",
			want: []string{`4: field "subject": the Salesforce metadata has no Case field "Subjekt"`}},
		{name: "unknown direction", src: "fields:\n  - name: subject\n    care: subject\n    salesforce: Subject\n    direction: sideways\n",
			want: []string{`5: field "subject": direction "sideways" is unknown`}},
		{name: "two-way field without conflict policy", src: "fields:\n" + strings.Replace(statusField, "    conflict: newest_wins\n", "", 1),
			want: []string{`2: field "status": conflict is missing`}},
		{name: "unknown conflict policy", src: "fields:\n" + strings.Replace(statusField, "newest_wins", "loudest_wins", 1),
			want: []string{`6: field "status": conflict "loudest_wins" is unknown`}},
		{name: "conflict policy on a one-way field", src: "fields:\n  - name: subject\n    care: subject\n    salesforce: Subject\n    direction: care_to_salesforce\n    conflict: care_wins\n",
			want: []string{`6: field "subject": conflict applies only to two-way fields`}},
		{name: "two-way field on read-only Salesforce field", src: "fields:\n  - name: closed\n    care: status\n    salesforce: IsClosed\n    direction: both\n    conflict: care_wins\n",
			want: []string{`5: field "closed": Salesforce field Case.IsClosed is read-only, so carebridge cannot write it (direction both)`}},
		{name: "care_to_salesforce into CaseNumber", src: "fields:\n  - name: number\n    care: subject\n    salesforce: CaseNumber\n    direction: care_to_salesforce\n",
			want: []string{`5: field "number": Salesforce field Case.CaseNumber is read-only`}},
		{name: "read-only Care attribute written from Salesforce", src: "fields:\n  - name: platform\n    care: platform\n    salesforce: Care_Platform__c\n    direction: salesforce_to_care\n",
			want: []string{`5: field "platform": carebridge cannot change the Care attribute platform, so it cannot come from Salesforce (direction salesforce_to_care)`}},
		{name: "Care status without Salesforce value", src: "fields:\n" + strings.Replace(statusField, "        pending: On Hold\n", "", 1),
			want: []string{`8: field "status": Care status "pending" has no Salesforce value; add it under values.care_to_salesforce or set an else value`}},
		{name: "Salesforce status without Care value", src: "fields:\n" + strings.Replace(statusField, "        Escalated: open\n", "", 1),
			want: []string{`12: field "status": Salesforce Status "Escalated" has no Care value; add it under values.salesforce_to_care or set an else value`}},
		{name: "else covers the missing Salesforce status", src: "fields:\n" + strings.Replace(statusField, "        Escalated: open\n", "        else: open\n", 1)},
		{name: "Care value that does not exist", src: "fields:\n" + strings.Replace(statusField, "        open: New\n", "        open: New\n        opne: New\n", 1),
			want: []string{`10: field "status": values.care_to_salesforce: Care has no status "opne"; use one of open, pending, done`}},
		{name: "Salesforce value that does not exist", src: "fields:\n" + strings.Replace(statusField, "done: Closed", "done: Closed - Resolved", 1),
			want: []string{`11: field "status": values.care_to_salesforce: Salesforce Status has no value "Closed - Resolved"`}},
		{name: "value that would flip", src: "fields:\n" + strings.Replace(statusField, "        New: open\n", "        New: pending\n", 1),
			want: []string{`7: field "status": Care status "open" goes to Salesforce as "New", which comes back as "pending"`}},
		{name: "Care value not in Salesforce picklist and no values", src: "fields:\n  - name: priority\n    care: priority\n    salesforce: Priority\n    direction: care_to_salesforce\n",
			want: []string{`4: field "priority": Care priority "low" is not a value of Salesforce Priority; add values.care_to_salesforce`,
				`4: field "priority": Care priority "normal"`, `4: field "priority": Care priority "high"`, `4: field "priority": Care priority "urgent"`}},
		{name: "values on the assignment", src: "fields:\n  - name: assignee\n    care: assignee_id\n    salesforce: OwnerId\n    direction: both\n    conflict: care_wins\n    values:\n      care_to_salesforce:\n        a: b\n",
			want: []string{`7: field "assignee": the assignment is translated by the identity section, not by values`}},
		{name: "values not a section", src: "fields:\n  - name: subject\n    care: subject\n    salesforce: Subject\n    direction: care_to_salesforce\n    values: [a]\n",
			want: []string{`6: field "subject": values: expected a section of "key: value" lines, found a list`}},
		{name: "duplicate field name", src: "fields:\n  - name: subject\n    care: subject\n    salesforce: Subject\n    direction: care_to_salesforce\n  - name: subject\n    care: description\n    salesforce: Description\n    direction: care_to_salesforce\n",
			want: []string{`6: field "subject": the name is used twice (first on line 2)`}},
		{name: "two sources for one Salesforce field", src: "fields:\n  - name: subject\n    care: subject\n    salesforce: Subject\n    direction: care_to_salesforce\n  - name: about\n    care: description\n    salesforce: Subject\n    direction: care_to_salesforce\n",
			want: []string{`8: field "about": Salesforce field Subject is already written by field "subject" (line 2)`}},
		{name: "notes object", src: "fields:\n" + statusField + "notes:\n  salesforce_object: FeedItem\n",
			want: []string{`19: notes: salesforce_object "FeedItem" is not supported; use CaseComment or Task`}},
		{name: "published Task notes", src: "fields:\n" + statusField + "notes:\n  salesforce_object: Task\n  published: true\n",
			want: []string{`20: notes: published applies only to CaseComment notes`}},
		{name: "brand_deleted unknown", src: "fields:\n" + statusField + "conversation:\n  brand_deleted: archive\n",
			want: []string{`19: conversation: brand_deleted "archive" is unknown; use remove`}},
		{name: "conversation unknown key", src: "fields:\n" + statusField + "conversation:\n  author_deleted: keep\n",
			want: []string{`19: conversation: unknown key "author_deleted"`}},
		{name: "published not a boolean", src: "fields:\n" + statusField + "notes:\n  published: nope\n",
			want: []string{`19: notes: published must be true or false, found "nope"`}},
		{name: "override with a queue id", src: "fields:\n" + statusField + "identity:\n  overrides:\n    - care_agent: a1\n      salesforce_user: 00G000000000001AAA\n",
			want: []string{`21: identity.overrides: salesforce_user "00G000000000001AAA" is not a Salesforce User id`}},
		{name: "agent overridden twice", src: "fields:\n" + statusField + "identity:\n  overrides:\n    - care_agent: a1\n      salesforce_user: 005000000000001\n    - care_agent: a1\n      salesforce_user: 005000000000002\n",
			want: []string{`22: identity.overrides: Care agent "a1" is overridden twice (first on line 20)`}},
		{name: "bad unassigned owner", src: "fields:\n" + statusField + "identity:\n  unassigned_owner: the support team\n",
			want: []string{`19: identity: unassigned_owner "the support team" is neither keep nor a Salesforce User id`}},
		{name: "every problem reported, in line order",
			src: "fields:\n  - name: subject\n    care: subjekt\n    salesforce: Subject\n    direction: care_to_salesforce\n  - name: closed\n    care: status\n    salesforce: IsClosed\n    direction: both\n    conflict: care_wins\nnotes:\n  salesforce_object: Feed\n",
			want: []string{`3: field "subject": Care has no case attribute "subjekt"`, `9: field "closed": Salesforce field Case.IsClosed is read-only`,
				`12: notes: salesforce_object "Feed" is not supported`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse("mapping.yaml", []byte(tt.src), newTestSchema())
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Parse succeeded (%d fields), want %d problems", len(m.Fields()), len(tt.want))
			}
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("error %T is not a *ValidationError: %v", err, err)
			}
			if len(verr.Problems) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(verr.Problems), len(tt.want), err)
			}
			for i, w := range tt.want {
				line, text, _ := strings.Cut(w, ": ")
				p := verr.Problems[i]
				if got := fmt.Sprint(p.Line); got != line || !strings.Contains(p.Message, text) || p.File != "mapping.yaml" {
					t.Errorf("problem %d = %s\nwant line %s containing %q", i, p, line, text)
				}
			}
			if want := "mapping.yaml:"; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error %q does not start with %q", err, want)
			}
		})
	}
}

// TestParseErrorsAgainstShippedMetadata checks the Salesforce-side checks
// with the real metadata: the shipped Status picklist and read-only fields.
func TestParseErrorsAgainstShippedMetadata(t *testing.T) {
	src := "fields:\n" + strings.Replace(statusField, "        Escalated: open\n", "", 1) +
		"  - name: number\n    care: subject\n    salesforce: CaseNumber\n    direction: care_to_salesforce\n"
	_, err := Parse("mapping.yaml", []byte(src), FromMetadata(shippedSchema(t)))
	want := "mapping.yaml:12: field \"status\": Salesforce Status \"Escalated\" has no Care value; add it under values.salesforce_to_care or set an else value\n" +
		"mapping.yaml:20: field \"number\": Salesforce field Case.CaseNumber is read-only, so carebridge cannot write it (direction care_to_salesforce); use direction salesforce_to_care or another field"
	if err == nil || err.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}
}

// TestParseRefusesAliasBombs: a small file of aliases standing for a huge
// mapping is refused before it is read, quickly and with one problem.
func TestParseRefusesAliasBombs(t *testing.T) {
	var many strings.Builder
	many.WriteString("fields:\n  - &f {name: x, care: nope, salesforce: Nope, direction: sideways}\n")
	for many.Len() < 800_000 {
		many.WriteString("  - *f\n")
	}
	// Billion laughs: each level doubles the one before.
	var laughs strings.Builder
	laughs.WriteString("a0: &a0 [x, x]\n")
	for i := 1; i < 40; i++ {
		fmt.Fprintf(&laughs, "a%d: &a%d [*a%d, *a%d]\n", i, i, i-1, i-1)
	}
	laughs.WriteString("fields: *a39\n")
	var deep strings.Builder
	deep.WriteString("fields:\n")
	for i := range 60 {
		fmt.Fprintf(&deep, "%s- \n", strings.Repeat("  ", i+1))
	}
	for name, doc := range map[string]string{"many aliases": many.String(), "billion laughs": laughs.String(), "deep": deep.String()} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("bomb.yaml", []byte(doc), nil)
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) != 1 {
				t.Fatalf("err = %v; want one problem", err)
			}
			if msg := ve.Problems[0].Message; !strings.Contains(msg, "alias") && !strings.Contains(msg, "levels") {
				t.Errorf("problem %q; want it to name the aliases or the nesting", msg)
			}
		})
	}
}
