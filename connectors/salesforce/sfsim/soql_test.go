package sfsim

import (
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/salesforce/sfid"
)

func TestLexStringEscapes(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{`'plain'`, "plain"},
		{`'it\'s'`, "it's"},
		{`'back\\slash'`, `back\\slash`}, // kept escaped: see below
		{`'q\"d'`, `q"d`},
		{`'a\nb\rc\td\be\ff'`, "a\nb\rc\td\be\ff"},
		{`'\u00e9t\u00E9'`, "été"},
		{`'50\%'`, `50\%`}, // kept for LIKE
		{`'x\_y'`, `x\_y`},
		{`''`, ""},
		{`'ünïcödé'`, "ünïcödé"},
		{`'\\%'`, `\\%`}, // a backslash, then a percent sign: not the same as '\%'
	}
	for _, tt := range tests {
		toks, err := lex(tt.src)
		if err != nil {
			t.Errorf("lex(%s): %v", tt.src, err)
			continue
		}
		if toks[0].kind != tokString || toks[0].text != tt.want {
			t.Errorf("lex(%s) = %q, want %q", tt.src, toks[0].text, tt.want)
		}
	}
	// What an equality compares with: every escape resolved.
	for lexed, plain := range map[string]string{`back\\slash`: `back\slash`, `50\%`: `50%`, `\\%`: `\%`, `\\\%`: `\%`} {
		if got := plainString(lexed); got != plain {
			t.Errorf("plainString(%q) = %q, want %q", lexed, got, plain)
		}
	}
	for _, bad := range []string{`'open`, `'bad\q'`, `'\u12'`, `'\uZZZZ'`, `'trailing\`} {
		if _, err := lex(bad); err == nil {
			t.Errorf("lex(%s) accepted a malformed string", bad)
		}
	}
}

func TestLexLiterals(t *testing.T) {
	tests := []struct {
		src  string
		kind tokenKind
		when time.Time
		num  float64
	}{
		{"2026-11-25T03:55:12Z", tokDateTime, time.Date(2026, 11, 25, 3, 55, 12, 0, time.UTC), 0},
		{"2026-11-25T03:55:12.345Z", tokDateTime, time.Date(2026, 11, 25, 3, 55, 12, 345e6, time.UTC), 0},
		{"2026-11-25T05:55:12+02:00", tokDateTime, time.Date(2026, 11, 25, 3, 55, 12, 0, time.UTC), 0},
		{"2026-11-24T22:55:12.5-05:00", tokDateTime, time.Date(2026, 11, 25, 3, 55, 12, 5e8, time.UTC), 0},
		{"2026-11-25", tokDate, time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), 0},
		{"42", tokNumber, time.Time{}, 42},
		{"-3.5", tokNumber, time.Time{}, -3.5},
		{"2026", tokNumber, time.Time{}, 2026},
	}
	for _, tt := range tests {
		toks, err := lex(tt.src)
		if err != nil {
			t.Errorf("lex(%s): %v", tt.src, err)
			continue
		}
		got := toks[0]
		if got.kind != tt.kind || !got.time.Equal(tt.when) || got.num != tt.num {
			t.Errorf("lex(%s) = kind %d time %v num %v", tt.src, got.kind, got.time, got.num)
		}
	}
	for _, bad := range []string{"2026-13-45", "2026-11-25T99:00:00Z", "12abc", "2026-11-25T03:55"} {
		if _, err := lex(bad); err == nil {
			t.Errorf("lex(%s) accepted a malformed literal", bad)
		}
	}
}

func TestParseSOQL(t *testing.T) {
	tests := []struct {
		soql  string
		check func(*query) bool
	}{
		{"SELECT Id FROM Case", func(q *query) bool {
			return q.object == "Case" && len(q.fields) == 1 && q.where == nil && q.limit == -1
		}},
		{"select id, Owner.Email from case where Status = 'New' limit 5", func(q *query) bool {
			return len(q.fields) == 2 && q.fields[1].String() == "Owner.Email" && q.limit == 5
		}},
		{"SELECT COUNT() FROM Case", func(q *query) bool { return q.count && len(q.fields) == 0 }},
		{"SELECT Id FROM Case WHERE A = 1 OR (B = 2 AND C = 3)", func(q *query) bool {
			or, ok := q.where.(orExpr)
			_, rightIsAnd := or.right.(andExpr)
			return ok && rightIsAnd
		}},
		{"SELECT Id FROM Case WHERE A = 1 OR B = 2 OR C = 3", func(q *query) bool {
			or, ok := q.where.(orExpr)
			_, leftIsOr := or.left.(orExpr)
			return ok && leftIsOr
		}},
		{"SELECT Id FROM Case WHERE (A = 1 OR B = 2) AND NOT C = 3", func(q *query) bool {
			and, ok := q.where.(andExpr)
			_, leftIsOr := and.left.(orExpr)
			_, rightIsNot := and.right.(notExpr)
			return ok && leftIsOr && rightIsNot
		}},
		{"SELECT Id FROM Case WHERE Status IN ('New', 'Working') AND Priority NOT IN ('Low')", func(q *query) bool {
			and := q.where.(andExpr)
			return and.left.(cmpExpr).op == "IN" && len(and.left.(cmpExpr).values) == 2 && and.right.(cmpExpr).op == "NOT IN"
		}},
		{"SELECT Id FROM Case WHERE Subject LIKE 'Refund%' AND Subject <> null", func(q *query) bool {
			and := q.where.(andExpr)
			return and.left.(cmpExpr).op == "LIKE" && and.right.(cmpExpr).op == "!=" && and.right.(cmpExpr).values[0].kind == litNull
		}},
		{"SELECT Id FROM Case WHERE SystemModstamp >= 2026-11-25T03:55:12.000+00:00 ORDER BY SystemModstamp ASC, Id DESC NULLS FIRST LIMIT 200 OFFSET 10", func(q *query) bool {
			c := q.where.(cmpExpr)
			return c.op == ">=" && c.values[0].kind == litDateTime && len(q.orderBy) == 2 &&
				!q.orderBy[0].desc && !q.orderBy[0].nullsLast && q.orderBy[1].desc && !q.orderBy[1].nullsLast &&
				q.limit == 200 && q.offset == 10
		}},
		{"SELECT Id FROM Case ORDER BY CreatedDate DESC", func(q *query) bool { return q.orderBy[0].desc && q.orderBy[0].nullsLast }},
		{"SELECT Id FROM Case WHERE IsClosed = false AND Thread_Depth__c < 2.5", func(q *query) bool {
			and := q.where.(andExpr)
			return and.left.(cmpExpr).values[0].kind == litBool && and.right.(cmpExpr).values[0].num == 2.5
		}},
		{"SELECT Id, Name FROM Group WHERE Type = 'Queue'", func(q *query) bool { return q.object == "Group" }},
		{"SELECT Field FROM FieldPermissions WHERE (ParentId IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId = '005x')) AND PermissionsEdit = true", func(q *query) bool {
			c := q.where.(andExpr).left.(cmpExpr)
			return c.op == "IN" && c.values == nil && c.sub.object == "PermissionSetAssignment" && c.sub.fields[0].String() == "PermissionSetId" &&
				c.sub.where.(cmpExpr).field.String() == "AssigneeId"
		}},
		{"SELECT Id FROM Case WHERE Id NOT IN (SELECT ParentId FROM CaseComment)", func(q *query) bool {
			return q.where.(cmpExpr).op == "NOT IN" && q.where.(cmpExpr).sub.object == "CaseComment"
		}},
	}
	for _, tt := range tests {
		q, err := parseSOQL(tt.soql)
		if err != nil {
			t.Errorf("parseSOQL(%q): %v", tt.soql, err)
			continue
		}
		if !tt.check(q) {
			t.Errorf("parseSOQL(%q) = %+v: not the expected tree", tt.soql, q)
		}
	}
}

func TestParseSOQLRejectsMalformed(t *testing.T) {
	for _, soql := range []string{
		"", "SELECT", "SELECT FROM Case", "SELECT Id Case", "SELECT Id FROM", "SELECT Id, FROM Case",
		"SELECT Id FROM Case WHERE", "SELECT Id FROM Case WHERE Status", "SELECT Id FROM Case WHERE Status = ",
		"SELECT Id FROM Case WHERE (Status = 'New'", "SELECT Id FROM Case WHERE Status = 'New')",
		"SELECT Id FROM Case LIMIT -1", "SELECT Id FROM Case LIMIT 1.5", "SELECT Id FROM Case LIMIT x",
		"SELECT Id FROM Case ORDER BY", "SELECT Id FROM Case ORDER BY Id NULLS", "SELECT Id FROM Case extra",
		"SELECT Id FROM Case WHERE Status IN ()", "SELECT Id FROM Case WHERE Status IN 'New'",
		"SELECT Id FROM Case WHERE Subject LIKE 5", "SELECT Id FROM Case WHERE Status == 'x'",
		"SELECT Id FROM Case WHERE Status = 'x' AND", "DELETE FROM Case", "SELECT Id FROM Case; DROP",
		"SELECT Id FROM Case WHERE Status != 'x' OR OR", "SELECT Id FROM WHERE", "SELECT select FROM Case",
		"SELECT Id FROM Case WHERE A = 1 OR B = 2 AND C = 3", "SELECT Id FROM Case WHERE A = 1 AND B = 2 OR C = 3",
		"SELECT Id FROM Case WHERE " + strings.Repeat("(", 500) + "Id = null" + strings.Repeat(")", 500),
		"SELECT Id FROM Case WHERE Subject = '" + strings.Repeat("x", 100000) + "'",
		"SELECT Id FROM Case WHERE Id IN (SELECT ParentId FROM CaseComment LIMIT 1)",
		"SELECT Id FROM Case WHERE Id IN (SELECT ParentId FROM CaseComment ORDER BY ParentId)",
		"SELECT Id FROM Case WHERE Id IN (SELECT COUNT() FROM CaseComment)",
		"SELECT Id FROM Case WHERE Id IN (SELECT ParentId FROM CaseComment WHERE ParentId IN (SELECT Id FROM Case))",
		"SELECT Id FROM Case WHERE Id IN (SELECT ParentId FROM CaseComment", "SELECT Id FROM Case WHERE Id = (SELECT Id FROM Case)",
	} {
		if _, err := parseSOQL(soql); err == nil {
			t.Errorf("parseSOQL(%q) accepted malformed SOQL", soql)
		}
	}
}

func TestLikePattern(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"Refund%", "refund please", true},
		{"Refund%", "a refund", false},
		{"%fund%", "a REFUND now", true},
		{"a_c", "abc", true},
		{"a_c", "abbc", false},
		{`50\%`, "50%", true},
		{`50\%`, "500", false},
		{`x\_y`, "x_y", true},
		{`x\_y`, "xzy", false},
		{"(.*)", "(.*)", true},
		{"(.*)", "anything", false},
	}
	for _, tt := range tests {
		if got := likePattern(tt.pattern).MatchString(tt.s); got != tt.want {
			t.Errorf("LIKE %q on %q = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

func TestIDs(t *testing.T) {
	if got := sfid.To18("500000000000ABC"); got != "500000000000ABCAA2" {
		t.Errorf("sfid.To18 = %s, want 500000000000ABCAA2", got)
	}
	id := newID("a0A", 123456789)
	if len(id) != 18 || !strings.HasPrefix(id, "a0A") {
		t.Fatalf("newID = %s", id)
	}
	for _, in := range []string{id, id[:15], id[:15] + strings.ToLower(id[15:])} {
		if got, ok := sfid.Normalize(in); !ok || got != id {
			t.Errorf("sfid.Normalize(%s) = %s, %v; want %s", in, got, ok, id)
		}
	}
	for _, bad := range []string{"", "short", id[:15] + "ZZZ", id[:14] + "!", "500000000000ABCAA2x"} {
		if _, ok := sfid.Normalize(bad); ok {
			t.Errorf("sfid.Normalize(%q) accepted a bad id", bad)
		}
	}
	if newID("500", 1) == newID("500", 2) {
		t.Error("ids repeat")
	}
}

// FuzzParseSOQL: the lexer and parser never panic, and whatever parses can
// be compiled and run against the seeded sandbox without panicking.
func FuzzParseSOQL(f *testing.F) {
	for _, seed := range []string{
		"SELECT Id FROM Case",
		"SELECT Id, Owner.Email, Care_Case_Id__c FROM Case WHERE SystemModstamp > 2026-11-25T03:55:12Z ORDER BY SystemModstamp, Id LIMIT 200",
		"SELECT Id FROM Case WHERE Care_Case_Id__c IN ('a', 'b\\'c') AND NOT (Status = 'Closed' OR IsClosed = true)",
		"SELECT COUNT() FROM Care_Message__c WHERE Thread_Depth__c >= 1 AND Posted_At__c < 2026-01-01T00:00:00.000+01:00",
		"SELECT Id FROM User WHERE Email LIKE '%\\_x%' ORDER BY Name DESC NULLS LAST OFFSET 1",
		"SELECT Id FROM Task WHERE ActivityDate = 2026-11-25",
		"SELECT Id FROM Case WHERE Id = '500000000000ABC'",
		"SELECT SobjectType FROM ObjectPermissions WHERE ParentId IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE Assignee.Username LIKE 'int%')",
		"SELECT Id FROM Care_Message__c WHERE Case__c NOT IN (SELECT Id FROM Case WHERE IsClosed = true)",
		"'\\u00",
	} {
		f.Add(seed)
	}
	s, err := New(Options{ClientID: "id", ClientSecret: "secret"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, soql string) {
		q, err := parseSOQL(soql)
		if err != nil {
			if describeQueryError(err).Code != "MALFORMED_QUERY" {
				t.Fatalf("parse error not MALFORMED_QUERY")
			}
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		c, cerr := s.store.soql().compile(q, s.accessFor(s.integrationUser))
		if cerr != nil {
			return
		}
		for _, r := range s.store.soql().run(c, true) {
			s.store.soql().project(c, r, "62.0")
		}
	})
}

// TestLookupFieldsAreIndexed: a query for the children of some records
// (a lookup field = or IN) is answered from the lookup's index, as an org
// does, with the same records a scan finds, 15- or 18-character ids alike,
// and the index follows deletes.
func TestLookupFieldsAreIndexed(t *testing.T) {
	s, err := New(Options{ClientID: "id", ClientSecret: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	var cases, comments []string
	for i := range 3 {
		id, err := s.Insert("Case", map[string]any{"Subject": "case"})
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, id)
		for range i + 1 {
			c, err := s.Insert("CaseComment", map[string]any{"ParentId": id, "CommentBody": "note"})
			if err != nil {
				t.Fatal(err)
			}
			comments = append(comments, c)
		}
	}
	if err := s.Delete("CaseComment", comments[len(comments)-1]); err != nil {
		t.Fatal(err)
	}
	ids := func(soql string, wantIndexed bool) []string {
		t.Helper()
		q, err := parseSOQL(soql)
		if err != nil {
			t.Fatal(err)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		c, cerr := s.store.soql().compile(q, s.accessFor(s.integrationUser))
		if cerr != nil {
			t.Fatal(cerr)
		}
		if got := c.candidates != nil; got != wantIndexed {
			t.Fatalf("%s: answered from an index %v, want %v", soql, got, wantIndexed)
		}
		var out []string
		for _, r := range s.store.soql().run(c, false) {
			out = append(out, r.id)
		}
		return out
	}
	in := "'" + cases[1][:15] + "', '" + cases[2] + "'"
	indexed := ids("SELECT Id FROM CaseComment WHERE ParentId IN ("+in+")", true)
	scanned := ids("SELECT Id FROM CaseComment WHERE ParentId IN ("+in+") OR CommentBody = 'none'", false)
	if want := comments[1:5]; strings.Join(indexed, ",") != strings.Join(want, ",") || strings.Join(scanned, ",") != strings.Join(want, ",") {
		t.Fatalf("children of two Cases: index %v, scan %v, want %v (the deleted one left out)", indexed, scanned, want)
	}
}
