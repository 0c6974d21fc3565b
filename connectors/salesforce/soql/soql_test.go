package soql

import (
	"errors"
	"math"
	"testing"
	"time"
	"unicode/utf8"
)

func TestBuild(t *testing.T) {
	at := time.Date(2026, 11, 25, 4, 55, 12, 345, time.FixedZone("CET", 3600))
	tests := []struct {
		name string
		q    Query
		want string
	}{
		{"fields only", Select("Id", "Subject").From("Case"), "SELECT Id, Subject FROM Case"},
		{"eq string", Select("Id").From("Case").Where(Eq("Care_Case_Id__c", "c-1")),
			"SELECT Id FROM Case WHERE Care_Case_Id__c = 'c-1'"},
		{"datetime in UTC, order, limit", Select("Id").From("Case").Where(Gt("SystemModstamp", at)).OrderBy("SystemModstamp", "Id").Limit(5),
			"SELECT Id FROM Case WHERE SystemModstamp > 2026-11-25T03:55:12Z ORDER BY SystemModstamp ASC, Id ASC LIMIT 5"},
		{"and or not null", Select("Id").From("Case").Where(And(Or(Eq("IsClosed", false), Ge("Priority__c", 2)), Not(IsNull("OwnerId")), nil)),
			"SELECT Id FROM Case WHERE ((IsClosed = false OR Priority__c >= 2) AND (NOT OwnerId = null))"},
		{"in with slice and variadic", Select("Id").From("Case").Where(And(In("Status", []string{"New", "On Hold"}), NotIn("Id", "a", "b"))),
			"SELECT Id FROM Case WHERE (Status IN ('New', 'On Hold') AND Id NOT IN ('a', 'b'))"},
		{"ne lt le relationship", Select("Owner.Email").From("Case").Where(And(Ne("Subject", "x"), Lt("Amount__c", 1.5), Le("Count__c", int64(-3)))).OrderByDesc("CreatedDate"),
			"SELECT Owner.Email FROM Case WHERE (Subject != 'x' AND Amount__c < 1.5 AND Count__c <= -3) ORDER BY CreatedDate DESC"},
		{"single-element and", Select("Id").From("Case").Where(And(IsNotNull("OwnerId"))), "SELECT Id FROM Case WHERE OwnerId != null"},
		{"date literal", Select("Id").From("Task").Where(Eq("ActivityDate", DateOf(at))), "SELECT Id FROM Task WHERE ActivityDate = 2026-11-25"},
		{"semi-join", Select("Id", "ParentId").From("CaseComment").Where(And(Ge("SystemModstamp", at),
			InSelect("ParentId", Select("Id").From("Case").Where(And(IsNotNull("Care_Case_Id__c"), Ne("Subject", "x'")))))),
			`SELECT Id, ParentId FROM CaseComment WHERE (SystemModstamp >= 2026-11-25T03:55:12Z AND ParentId IN (SELECT Id FROM Case WHERE (Care_Case_Id__c != null AND Subject != 'x\'')))`},
		{"injection stays a literal", Select("Id").From("Case").Where(Eq("Subject", `x' OR Subject != '`)),
			`SELECT Id FROM Case WHERE Subject = 'x\' OR Subject != \''`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.q.Build()
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			if got != tt.want {
				t.Errorf("Build =\n %s\nwant\n %s", got, tt.want)
			}
			if tt.q.String() != got {
				t.Errorf("String() = %q, Build() = %q", tt.q.String(), got)
			}
		})
	}
}

func TestBuildRejects(t *testing.T) {
	tests := []struct {
		name string
		q    Query
	}{
		{"no fields", Select().From("Case")},
		{"bad object", Select("Id").From("Case WHERE")},
		{"empty object", Select("Id")},
		{"bad field", Select("Id, Name").From("Case")},
		{"field starting with digit", Select("1Id").From("Case")},
		{"trailing dot", Select("Owner.").From("Case")},
		{"bad where field", Select("Id").From("Case").Where(Eq("Subject='x'", 1))},
		{"bad order field", Select("Id").From("Case").OrderBy("Id DESC")},
		{"unsupported value", Select("Id").From("Case").Where(Eq("Subject", struct{}{}))},
		{"NaN", Select("Id").From("Case").Where(Eq("X__c", math.NaN()))},
		{"empty IN", Select("Id").From("Case").Where(In("Id"))},
		{"empty AND", Select("Id").From("Case").Where(And())},
		{"NOT nil", Select("Id").From("Case").Where(Not(nil))},
		{"zero time", Select("Id").From("Case").Where(Gt("SystemModstamp", time.Time{}))},
		{"negative limit", Select("Id").From("Case").Limit(-1)},
		{"bad date", Select("Id").From("Task").Where(Eq("ActivityDate", Date{2026, 13, 1}))},
		{"semi-join of two fields", Select("Id").From("Task").Where(InSelect("WhatId", Select("Id", "Subject").From("Case")))},
		{"semi-join with a limit", Select("Id").From("Task").Where(InSelect("WhatId", Select("Id").From("Case").Limit(5)))},
		{"semi-join on a bad field", Select("Id").From("Task").Where(InSelect("WhatId)", Select("Id").From("Case")))},
		{"semi-join with a bad subquery", Select("Id").From("Task").Where(InSelect("WhatId", Select("Id").From("Case").Where(In("Id"))))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := tt.q.Build()
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Build = %q, %v; want ErrInvalid", s, err)
			}
			if tt.q.String() != "" {
				t.Errorf("String() = %q for an invalid query", tt.q.String())
			}
		})
	}
}

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{`it's`, `it\'s`},
		{`back\slash`, `back\\slash`},
		{`\'`, `\\\'`},
		{`say "hi"`, `say \"hi\"`},
		{"a\nb\rc\td\be\ff", `a\nb\rc\td\be\ff`},
		{"nul\x00bell\x07esc\x1bdel\x7f", `nul\u0000bell\u0007esc\u001Bdel\u007F`},
		{"sep\u2028", `sep\u2028`},
		{"bad\xffutf8", `bad\uFFFDutf8`},
		{"ünïcødé 🙂", "ünïcødé 🙂"},
	}
	for _, tt := range tests {
		if got := Escape(tt.in); got != tt.want {
			t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLiteral(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   any
		want string
	}{
		{nil, "null"}, {"a", "'a'"}, {true, "true"}, {false, "false"},
		{42, "42"}, {int32(-7), "-7"}, {uint64(9), "9"}, {2.5, "2.5"}, {float32(0.25), "0.25"},
		{at, "2026-01-02T03:04:05Z"}, {&at, "2026-01-02T03:04:05Z"}, {(*time.Time)(nil), "null"},
	}
	for _, tt := range tests {
		got, err := Literal(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Literal(%#v) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "plain", `it's`, `\`, `\'`, `'\`, "x' OR Name != '", "\x00\n\r\t\b\f\x7f", "\xff\xfe", "\u2028🙂", `\u0027`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		esc := Escape(s)
		if !utf8.ValidString(esc) {
			t.Fatalf("Escape(%q) = %q is not valid UTF-8", s, esc)
		}
		for _, c := range esc {
			if c < 0x20 || c == 0x7f {
				t.Fatalf("Escape(%q) = %q keeps control character %U", s, esc, c)
			}
		}
		// What a SOQL lexer makes of the literal is checked against the
		// Salesforce sandbox's own lexer: FuzzQuoteThroughTheSandbox.
	})
}
