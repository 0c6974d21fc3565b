package merge

import (
	"maps"
	"testing"
)

// TestSettleAfterACrashBetweenWriteAndBase replays a reconcile that died
// after writing one side and before storing its base, followed by a later
// change, and checks the next merge against the settled base.
func TestSettleAfterACrashBetweenWriteAndBase(t *testing.T) {
	status := FieldPolicy{Name: "status", Direction: Both, Policy: NewestWins}
	owner := FieldPolicy{Name: "owner", Direction: Both, Policy: NewestWins, SalesforceImage: unassignedInSalesforce}
	fields := []FieldPolicy{status, owner}
	base := map[string]string{"status": "open", "owner": "ana"}

	tests := []struct {
		name string
		// before the crash
		care, sf map[string]string
		// what landed of the plan's writes, then changes made while down
		landed       bool
		careAfter    map[string]string
		sfAfter      map[string]string
		wantToCare   map[string]string
		wantToSF     map[string]string
		wantConflict bool
	}{
		{
			name: "Salesforce write landed, Care changed back: Care's change goes to Salesforce",
			care: map[string]string{"status": "pending", "owner": "ana"}, sf: map[string]string{"status": "open", "owner": "ana"},
			landed:    true,
			careAfter: map[string]string{"status": "open"},
			wantToSF:  map[string]string{"status": "open"},
		},
		{
			name: "Salesforce write lost, Care changed again: Care's latest value goes to Salesforce",
			care: map[string]string{"status": "pending", "owner": "ana"}, sf: map[string]string{"status": "open", "owner": "ana"},
			careAfter: map[string]string{"status": "done"},
			wantToSF:  map[string]string{"status": "done"},
		},
		{
			name: "Salesforce write lost, nothing else changed: the write is made again",
			care: map[string]string{"status": "pending", "owner": "ana"}, sf: map[string]string{"status": "open", "owner": "ana"},
			wantToSF: map[string]string{"status": "pending"},
		},
		{
			name: "Care write landed, Salesforce changed back: Salesforce's change goes to Care",
			care: map[string]string{"status": "open", "owner": "ana"}, sf: map[string]string{"status": "open", "owner": "bob"},
			landed:     true,
			sfAfter:    map[string]string{"owner": "ana"},
			wantToCare: map[string]string{"owner": "ana"},
		},
		{
			name: "Care write landed, nothing else changed: no writes",
			care: map[string]string{"status": "open", "owner": "ana"}, sf: map[string]string{"status": "open", "owner": "bob"},
			landed: true,
		},
		{
			name: "lossy image: an owner Salesforce cannot show landed as unassigned",
			care: map[string]string{"status": "open", "owner": "agent-nosf"}, sf: map[string]string{"status": "open", "owner": "ana"},
			landed:    true,
			careAfter: map[string]string{"owner": "ana"},
			wantToSF:  map[string]string{"owner": "ana"},
		},
		{
			name: "landed, then both sides changed differently: a real conflict",
			care: map[string]string{"status": "pending", "owner": "ana"}, sf: map[string]string{"status": "open", "owner": "ana"},
			landed:       true,
			careAfter:    map[string]string{"status": "open"},
			sfAfter:      map[string]string{"status": "done"},
			wantToCare:   map[string]string{"status": "done"}, // Salesforce is newer in this test
			wantConflict: true,
		},
		{
			// Indistinguishable from the case below: the later edit is taken
			// as made after the write.
			name: "lost, then Salesforce changed by someone: Salesforce's change goes to Care",
			care: map[string]string{"status": "pending", "owner": "ana"}, sf: map[string]string{"status": "open", "owner": "ana"},
			sfAfter:    map[string]string{"status": "done"},
			wantToCare: map[string]string{"status": "done"},
		},
		{
			name: "landed, then Salesforce changed by someone: Salesforce's change goes to Care",
			care: map[string]string{"status": "pending", "owner": "ana"}, sf: map[string]string{"status": "open", "owner": "ana"},
			landed:     true,
			sfAfter:    map[string]string{"status": "done"},
			wantToCare: map[string]string{"status": "done"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first := Merge(base, tt.care, tt.sf, fields, older, older)
			intents := first.Intents(base)
			care, sf := maps.Clone(tt.care), maps.Clone(tt.sf)
			if tt.landed {
				for f, v := range first.ToSalesforce {
					sf[f] = FieldPolicy.sfImage(fieldNamed(fields, f), v)
				}
				for f, v := range first.ToCare {
					care[f] = v
				}
			}
			maps.Copy(care, tt.careAfter)
			maps.Copy(sf, tt.sfAfter)

			settled := Settle(base, intents, care, sf, fields)
			next := Merge(settled, care, sf, fields, older, newer)
			if !maps.Equal(next.ToCare, orEmpty(tt.wantToCare)) || !maps.Equal(next.ToSalesforce, orEmpty(tt.wantToSF)) {
				t.Errorf("after settling base %v: writes Care %v, Salesforce %v; want Care %v, Salesforce %v",
					settled, next.ToCare, next.ToSalesforce, orEmpty(tt.wantToCare), orEmpty(tt.wantToSF))
			}
			if got := len(next.Conflicts) > 0; got != tt.wantConflict {
				t.Errorf("conflicts %v, want conflict %v", next.Conflicts, tt.wantConflict)
			}
			if base["status"] != "open" || base["owner"] != "ana" {
				t.Errorf("Settle modified the stored base: %v", base)
			}
		})
	}
}

// TestIntentsRecordOnlyWhatChanges: fields the plan leaves alone are not
// recorded; a field both sides changed alike is recorded without a side.
func TestIntentsRecordOnlyWhatChanges(t *testing.T) {
	fields := []FieldPolicy{
		{Name: "status", Direction: Both, Policy: CareWins},
		{Name: "owner", Direction: Both, Policy: CareWins},
		{Name: "subject", Direction: CareToSalesforce},
	}
	base := map[string]string{"status": "open", "owner": "ana", "subject": "hi"}
	care := map[string]string{"status": "pending", "owner": "bob", "subject": "hi"}
	sf := map[string]string{"status": "open", "owner": "bob", "subject": "hi"}
	got := Merge(base, care, sf, fields, older, older).Intents(base)
	want := map[string]Intent{"status": {Value: "pending", Written: Salesforce}, "owner": {Value: "bob"}}
	if !maps.Equal(got, want) {
		t.Errorf("Intents = %v, want %v", got, want)
	}
}

func fieldNamed(fields []FieldPolicy, name string) FieldPolicy {
	for _, f := range fields {
		if f.Name == name {
			return f
		}
	}
	return FieldPolicy{Name: name}
}
