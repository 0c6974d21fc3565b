package admin

import (
	"strings"
	"testing"

	"github.com/carebridge/carebridge/configs"
)

// TestFormRoundTrip: reading the shipped mapping into the form and writing
// it back unchanged gives the same text; one value changed in the form
// changes that field's lines only; fields can be added and removed.
func TestFormRoundTrip(t *testing.T) {
	shipped := string(configs.Mapping())
	form, err := readForm([]byte(shipped))
	if err != nil {
		t.Fatal(err)
	}
	if len(form) < 8 || form[0].Name != "subject" {
		t.Fatalf("form = %+v", form)
	}
	same, err := writeForm([]byte(shipped), form)
	if err != nil || same != shipped {
		t.Fatalf("unchanged form wrote a different YAML (%v):\n%s", err, lineDiff(shipped, same).Unified)
	}
	var prio *FormField
	for i := range form {
		if form[i].Name == "priority" {
			prio = &form[i]
		}
	}
	for i, p := range prio.CareToSF.Pairs {
		if p.From == "high" {
			prio.CareToSF.Pairs[i].To = "Medium"
		}
	}
	edited, err := writeForm([]byte(shipped), form)
	if err != nil {
		t.Fatal(err)
	}
	d := lineDiff(shipped, edited)
	if d.Added != 1 || d.Removed != 1 || !strings.Contains(d.Unified, "-        high: High\n+        high: Medium\n") {
		t.Errorf("one value changed gives:\n%s", d.Unified)
	}
	form = append(form[1:], FormField{Orig: -1, Name: "care id", Care: "subject", Salesforce: "Care_Note__c", Direction: "care_to_salesforce",
		CareToSF: &FormValueMap{Pairs: []FormPair{{From: "yes", To: "a: b"}}}})
	edited, err = writeForm([]byte(shipped), form)
	if err != nil {
		t.Fatal(err)
	}
	back, err := readForm([]byte(edited))
	if err != nil {
		t.Fatal(err)
	}
	last := back[len(back)-1]
	if back[0].Name != "description" || last.Name != "care id" || last.CareToSF.Pairs[0] != (FormPair{From: "yes", To: "a: b"}) {
		t.Errorf("after removing the first field and adding one: %+v ... %+v\n%s", back[0], last, edited)
	}
	if !strings.Contains(edited, "\nnotes:") || !strings.Contains(edited, "# carebridge field mapping") {
		t.Error("the other sections or the comments were lost")
	}
	for _, bad := range []string{"fields: [{name: a}]", "fields: 3", "{", "notes: {}"} {
		if _, err := readForm([]byte(bad)); err == nil {
			t.Errorf("readForm(%q) = nil error, want the form to refuse it", bad)
		}
	}
}
