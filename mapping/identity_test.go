package mapping

import (
	"reflect"
	"testing"

	"github.com/carebridge/carebridge/connectors/care"
)

func TestIdentity(t *testing.T) {
	agents := []care.Agent{
		{ID: "ag-ana", Name: "Ana", Email: "Ana@Example.com"},
		{ID: "ag-bo", Name: "Bo", Email: "bo@example.com"},
		{ID: "ag-cy", Name: "Cy", Email: "cy@example.com"},     // only an inactive user has this address
		{ID: "ag-dee", Name: "Dee", Email: "team@example.com"}, // shared address: ambiguous
		{ID: "ag-eve", Name: "Eve", Email: "team@example.com"},
		{ID: "ag-fay", Name: "Fay", Email: "fay@private.example"}, // matched by override only
	}
	users := []User{
		{ID: "005000000000ANAAAA", Email: " ana@example.com ", IsActive: true},
		{ID: "005000000000BOBAAA", Email: "bo@example.com", IsActive: true},
		{ID: "005000000000CYCAAA", Email: "cy@example.com", IsActive: false},
		{ID: "005000000000TEAAAA", Email: "team@example.com", IsActive: true},
		{ID: "005000000000FAYAAA", Email: "fay@corp.example", IsActive: true},
		{ID: "005000000000BO2AAA", Email: "bo.second@example.com", IsActive: true},
	}
	overrides := []Override{
		{CareAgent: "ag-fay", SalesforceUser: "005000000000FAY"},   // 15-character form
		{CareAgent: "ag-bo", SalesforceUser: "005000000000BO2AAA"}, // replaces Bo's e-mail match
	}
	id := NewIdentity(agents, users, true, overrides)

	toSF := []struct {
		agent, user string
		ok          bool
	}{
		{"ag-ana", "005000000000ANAAAA", true}, // e-mail, ignoring case and spaces
		{"ag-bo", "005000000000BO2AAA", true},  // override beats e-mail
		{"ag-cy", "", false},                   // inactive user
		{"ag-dee", "", false},                  // ambiguous address
		{"ag-fay", "005000000000FAY", true},    // override
		{"ag-unknown", "", false},              // no such agent
		{"", "", false},                        // unassigned
	}
	for _, tt := range toSF {
		if u, ok := id.SalesforceUserFor(tt.agent); u != tt.user || ok != tt.ok {
			t.Errorf("SalesforceUserFor(%q) = %q, %v; want %q, %v", tt.agent, u, ok, tt.user, tt.ok)
		}
	}
	toCare := []struct {
		user, agent string
		ok          bool
	}{
		{"005000000000ANAAAA", "ag-ana", true},
		{"005000000000ANA", "ag-ana", true},    // 15-character id
		{"005000000000BOBAAA", "", false},      // Bo's e-mail match was replaced by the override
		{"005000000000BO2AAA", "ag-bo", true},  // override
		{"005000000000FAYAAA", "ag-fay", true}, // override given as 15 characters, read as 18
		{"005000000000TEAAAA", "", false},      // ambiguous
		{"00G000000000QUEAAA", "", false},      // a queue
	}
	for _, tt := range toCare {
		if a, ok := id.CareAgentFor(tt.user); a != tt.agent || ok != tt.ok {
			t.Errorf("CareAgentFor(%q) = %q, %v; want %q, %v", tt.user, a, ok, tt.agent, tt.ok)
		}
	}
	if got, want := id.Ambiguous(), []string{"team@example.com"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Ambiguous = %v, want %v", got, want)
	}
}

func TestIdentityWithoutEmailMatching(t *testing.T) {
	id := NewIdentity([]care.Agent{{ID: "a1", Email: "x@example.com"}},
		[]User{{ID: "005000000000001AAA", Email: "x@example.com", IsActive: true}}, false, nil)
	if u, ok := id.SalesforceUserFor("a1"); ok {
		t.Errorf("matched %q by e-mail with matching switched off", u)
	}
	var none *Identity
	if _, ok := none.CareAgentFor("005000000000001AAA"); ok {
		t.Error("nil Identity matched someone")
	}
}
