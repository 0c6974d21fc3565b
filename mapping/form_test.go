package mapping

import (
	"slices"
	"strings"
	"testing"

	"github.com/carebridge/carebridge/configs"
)

// changedLines lists the lines only in a and only in b, sorted (a
// multiset difference: enough to see what an edit touched).
func changedLines(a, b string) (removed, added []string) {
	count := map[string]int{}
	for _, l := range strings.Split(a, "\n") {
		count[l]++
	}
	for _, l := range strings.Split(b, "\n") {
		if count[l] > 0 {
			count[l]--
			continue
		}
		added = append(added, l)
	}
	for l, n := range count {
		for range n {
			removed = append(removed, l)
		}
	}
	slices.Sort(removed)
	slices.Sort(added)
	return removed, added
}

func field(t *testing.T, form []FormField, name string) *FormField {
	t.Helper()
	for i := range form {
		if form[i].Name == name {
			return &form[i]
		}
	}
	t.Fatalf("no field %q in the form", name)
	return nil
}

// TestWriteFormEditsOnlyWhatChanged: form edits of the shipped mapping
// change exactly the lines they must, in the file's own layout, and keep
// every comment, the status field's inner comments included (the form
// used to write a changed field anew, dropping them).
func TestWriteFormEditsOnlyWhatChanged(t *testing.T) {
	shipped := string(configs.Mapping())
	tests := []struct {
		name           string
		edit           func(form []FormField) []FormField
		removed, added []string
	}{
		{"a value in a map with comments", func(f []FormField) []FormField {
			st := field(t, f, "status")
			for i := range st.SFToCare.Pairs {
				if st.SFToCare.Pairs[i].From == "Working" {
					st.SFToCare.Pairs[i].To = "pending"
				}
			}
			return f
		}, []string{"        Working: open"}, []string{"        Working: pending"}},
		{"a key renamed in place", func(f []FormField) []FormField {
			st := field(t, f, "status")
			st.SFToCare.Pairs[2].From = "Escalated to tier 2"
			return f
		}, []string{"        Escalated: open"}, []string{"        Escalated to tier 2: open"}},
		{"a pair added goes before the comments of else", func(f []FormField) []FormField {
			st := field(t, f, "status")
			st.SFToCare.Pairs = append(st.SFToCare.Pairs, FormPair{From: "Waiting on Customer", To: "pending", Orig: -1})
			return f
		}, nil, []string{"        Waiting on Customer: pending"}},
		{"a pair removed", func(f []FormField) []FormField {
			st := field(t, f, "status")
			st.SFToCare.Pairs = slices.Delete(st.SFToCare.Pairs, 1, 2)
			return f
		}, []string{"        Working: open"}, nil},
		{"else changed", func(f []FormField) []FormField {
			*field(t, f, "status").SFToCare.Else = "pending"
			return f
		}, []string{"        else: open"}, []string{"        else: pending"}},
		{"a scalar changed", func(f []FormField) []FormField {
			field(t, f, "assignee").Conflict = "care_wins"
			return f
		}, []string{"    conflict: newest_wins"}, []string{"    conflict: care_wins"}},
		{"a key added after its predecessor", func(f []FormField) []FormField {
			p := field(t, f, "priority")
			p.Direction, p.Conflict = "both", "salesforce_wins"
			return f
		}, []string{"    direction: care_to_salesforce"}, []string{"    conflict: salesforce_wins", "    direction: both"}},
		{"a value map added", func(f []FormField) []FormField {
			s := field(t, f, "sentiment")
			s.CareToSF = &FormValueMap{Pairs: []FormPair{{From: "negative", To: "Negative", Orig: -1}}}
			return f
		}, nil, []string{"        negative: Negative", "      care_to_salesforce:", "    values:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form, err := ReadForm([]byte(shipped))
			if err != nil {
				t.Fatal(err)
			}
			form = tt.edit(form)
			out, err := WriteForm([]byte(shipped), form)
			if err != nil {
				t.Fatal(err)
			}
			removed, added := changedLines(shipped, string(out))
			if !slices.Equal(removed, tt.removed) || !slices.Equal(added, tt.added) {
				t.Errorf("removed %q added %q; want removed %q added %q\n%s", removed, added, tt.removed, tt.added, out)
			}
			back, err := ReadForm(out)
			if err != nil || !sameForm(back, form) {
				t.Errorf("the written YAML reads back as another form (%v)", err)
			}
			if _, err := Parse("edited", out, nil); err != nil && strings.Contains(err.Error(), "yaml") {
				t.Errorf("the result is not YAML the parser reads: %v", err)
			}
		})
	}
	// The added pair stands before the comments that lead to else.
	form, _ := ReadForm([]byte(shipped))
	st := field(t, form, "status")
	st.SFToCare.Pairs = append(st.SFToCare.Pairs, FormPair{From: "Waiting", To: "pending", Orig: -1})
	out, _ := WriteForm([]byte(shipped), form)
	if !strings.Contains(string(out), "        Closed: done\n        Waiting: pending\n        # Any other (open) status") {
		t.Errorf("the new pair is not after the last pair:\n%s", out)
	}
}

// TestWriteFormKeepsQuotingAndLayout: a value is rewritten in its own
// quoting, with its line comment, in a file indented its own way;
// characters before it on the line are counted as characters.
func TestWriteFormKeepsQuotingAndLayout(t *testing.T) {
	src := `fields:
- name: "prio"   # the priority
  care: priority
  salesforce: 'Priority'
  direction: care_to_salesforce
  values:
    care_to_salesforce:
      "höch": 'High'   # was urgent once
      low: Low


      else: "Medium"
notes: {direction: both}
`
	form, err := ReadForm([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	f := &form[0]
	f.Name = "priority"
	f.Salesforce = "Care_Priority__c"
	f.CareToSF.Pairs[0].To = "Urgent 'one'"
	f.CareToSF.Pairs[1].To = "a: b"
	*f.CareToSF.Else = "Low"
	out, err := WriteForm([]byte(src), form)
	if err != nil {
		t.Fatal(err)
	}
	want := `fields:
- name: "priority"   # the priority
  care: priority
  salesforce: 'Care_Priority__c'
  direction: care_to_salesforce
  values:
    care_to_salesforce:
      "höch": 'Urgent ''one'''   # was urgent once
      low: 'a: b'


      else: "Low"
notes: {direction: both}
`
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

// TestWriteFormFallsBackWhereNodesCannotBeEdited: a field written in flow
// style is written anew in place, and the result still says what the
// form says.
func TestWriteFormFallsBackWhereNodesCannotBeEdited(t *testing.T) {
	src := "fields:\n  - name: p\n    care: priority\n    salesforce: Priority\n    direction: care_to_salesforce\n    values: {care_to_salesforce: {high: High}}\n  - name: s\n    care: subject\n    salesforce: Subject\n    direction: care_to_salesforce\n"
	form, err := ReadForm([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	form[0].CareToSF.Pairs[0].To = "Medium"
	out, err := WriteForm([]byte(src), form)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ReadForm(out)
	if err != nil || !sameForm(back, form) || !strings.HasSuffix(string(out), "  - name: s\n    care: subject\n    salesforce: Subject\n    direction: care_to_salesforce\n") {
		t.Errorf("flow-style field rewritten as:\n%s", out)
	}
}

// FuzzWriteForm: whatever the YAML, reading it into the form, changing
// the form (a value, a pair added or removed, a field removed) and writing
// it back never panics, and what is written reads back as the form that
// was written.
func FuzzWriteForm(f *testing.F) {
	f.Add(configs.Mapping(), uint8(0), "Medium")
	f.Add([]byte("fields:\n- name: \"p\"  # c\n  care: priority\n  values:\n    care_to_salesforce:\n      'a''b': \"x\\\"y\"\n      else: z\n"), uint8(1), "new")
	f.Add([]byte("fields:\n  - name: p\n    values: {care_to_salesforce: {a: b}}\n  - {name: q}\n"), uint8(2), "v")
	f.Add([]byte("fields:\n  - name: p\n    care: |\n      folded\n    salesforce: >\n      x\n"), uint8(3), "")
	f.Fuzz(func(t *testing.T, data []byte, how uint8, value string) {
		form, err := ReadForm(data)
		if err != nil || len(form) == 0 || strings.ContainsAny(value, "\r\n") {
			return
		}
		value = strings.TrimSpace(value) // the form's values are trimmed (the page trims what is typed)
		fld := &form[int(how)%len(form)]
		switch how % 5 {
		case 0:
			fld.Salesforce = value
		case 1:
			if fld.CareToSF == nil {
				fld.CareToSF = &FormValueMap{}
			}
			fld.CareToSF.Pairs = append(fld.CareToSF.Pairs, FormPair{From: "k" + value, To: value, Orig: -1})
		case 2:
			if fld.SFToCare != nil && len(fld.SFToCare.Pairs) > 0 {
				fld.SFToCare.Pairs = fld.SFToCare.Pairs[1:]
			} else {
				fld.Conflict = value
			}
		case 3:
			form = slices.Delete(form, int(how)%len(form), int(how)%len(form)+1)
		case 4:
			fld.Name, fld.Direction = value, "both"
		}
		out, err := WriteForm(data, form)
		if err != nil || len(form) == 0 { // no field left: "fields:" is empty, which the form does not show
			return
		}
		back, err := ReadForm(out)
		if err != nil || !sameForm(back, form) {
			t.Fatalf("written YAML reads back as another form (%v):\n%s", err, out)
		}
	})
}
