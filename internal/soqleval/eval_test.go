package soqleval

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/salesforce/soql"
)

// The conformance with the Salesforce sandbox is TestEvalMatchesSandbox;
// these cover what the sandbox cannot show.

func TestEvalCaseSensitiveFields(t *testing.T) {
	rows := func(string) []map[string]any {
		return []map[string]any{{"Id": "a", "Ext__c": "ABC"}, {"Id": "b", "Ext__c": "abc"}}
	}
	q := soql.Select("Ext__c").From("Obj__c").Where(soql.Eq("Ext__c", "abc"))
	got, err := Eval(q, rows)
	if err != nil || len(got) != 2 {
		t.Fatalf("case-insensitive Eval = %v, %v; want both records", got, err)
	}
	e := Evaluator{Rows: rows, CaseSensitive: func(object, field string) bool { return object == "Obj__c" && field == "Ext__c" }}
	got, err = e.Eval(q)
	if err != nil || len(got) != 1 || got[0]["Id"] != "b" {
		t.Fatalf("case-sensitive Eval = %v, %v; want record b", got, err)
	}
}

func TestEvalGoValuesAndDeletedRecords(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	rows := func(object string) []map[string]any {
		if object != "Case" {
			return nil
		}
		return []map[string]any{
			{"Id": "1", "Stamp": at, "N": 3, "IsDeleted": false},
			{"Id": "2", "Stamp": at.Add(time.Second).Format(time.RFC3339), "N": int64(4)},
			{"Id": "3", "Stamp": at.Add(2 * time.Second), "IsDeleted": true},
		}
	}
	got, err := Eval(soql.Select("N").From("Case").Where(soql.Ge("Stamp", at.Add(400*time.Millisecond))).OrderByDesc("Stamp"), rows)
	want := []map[string]any{{"Id": "2", "N": int64(4)}, {"Id": "1", "N": 3}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("Eval = %v, %v; want %v (the literal cut to the second, the deleted record left out)", got, err, want)
	}
	if got, err := Eval(soql.Select("Id").From("Nothing"), rows); err != nil || len(got) != 0 {
		t.Errorf("Eval of an object without rows = %v, %v", got, err)
	}
	if got, err := Eval(soql.Select("Id").From("Case"), nil); err != nil || len(got) != 0 {
		t.Errorf("Eval without Rows = %v, %v", got, err)
	}
}

func TestEvalRefuses(t *testing.T) {
	rows := func(string) []map[string]any { return []map[string]any{{"Id": "1", "OwnerId": "x"}} }
	for _, q := range []soql.Query{
		soql.Select("Owner.Email").From("Case"),
		soql.Select("Id").From("Case").OrderBy("Owner.Name"),
		soql.Select("Id").From("Case").Where(soql.InSelect("OwnerId", soql.Select("OwnerId").From("Case"))),
	} {
		if _, err := Eval(q, rows); !errors.Is(err, ErrEval) {
			t.Errorf("Eval(%s) error = %v, want ErrEval", q, err)
		}
	}
	if _, err := Eval(soql.Select("Id").From("Case").Where(soql.In("Id")), rows); !errors.Is(err, soql.ErrInvalid) {
		t.Errorf("Eval of a query that does not build: %v, want soql.ErrInvalid", err)
	}
}

func TestMatch(t *testing.T) {
	e := Evaluator{}
	rec := map[string]any{"Id": "1", "Subject": "Hello", "Count__c": 2.0}
	for _, tt := range []struct {
		c    soql.Cond
		want bool
	}{
		{nil, true},
		{soql.Eq("subject", "HELLO"), true},
		{soql.And(soql.Gt("Count__c", 1), soql.Lt("Count__c", 3)), true},
		{soql.Or(soql.IsNull("Subject"), soql.Ne("Count__c", 2)), false},
		{soql.Not(soql.In("Subject", "x", "y")), true},
	} {
		got, err := e.Match("Case", tt.c, rec)
		if err != nil || got != tt.want {
			t.Errorf("Match(%v) = %v, %v; want %v", tt.c, got, err, tt.want)
		}
	}
	if _, err := e.Match("Case", soql.In("Subject"), rec); !errors.Is(err, soql.ErrInvalid) {
		t.Errorf("Match of an invalid condition: %v, want soql.ErrInvalid", err)
	}
}
