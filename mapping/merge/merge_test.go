package merge

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

var (
	t0    = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	older = t0
	newer = t0.Add(time.Minute)
)

// unassignedInSalesforce models an agent with no Salesforce user: Salesforce
// can only show them as unassigned.
func ptr(s string) *string { return &s }

func unassignedInSalesforce(v string) string {
	if v == "agent-nosf" {
		return ""
	}
	return v
}

func TestMerge(t *testing.T) {
	both := func(p Policy) FieldPolicy { return FieldPolicy{Name: "status", Direction: Both, Policy: p} }
	tests := []struct {
		name          string
		field         FieldPolicy
		base          map[string]string // nil: first sync
		care, sf      string
		careAt, sfAt  time.Time
		wantSF        map[string]string
		wantCare      map[string]string
		wantBase      string
		wantConflict  bool
		wantWinner    Side
		wantNoWriteAt bool
	}{
		{name: "nothing changed", field: both(CareWins), base: m("open"), care: "open", sf: "open",
			wantBase: "open"},
		{name: "only care changed writes salesforce", field: both(SalesforceWins), base: m("open"), care: "pending", sf: "open",
			wantSF: m("pending"), wantBase: "pending"},
		{name: "only salesforce changed writes care", field: both(CareWins), base: m("open"), care: "open", sf: "done",
			wantCare: m("done"), wantBase: "done"},
		{name: "both changed to the same value advances base", field: both(CareWins), base: m("open"), care: "done", sf: "done",
			wantBase: "done"},
		{name: "conflict care_wins", field: both(CareWins), base: m("open"), care: "pending", sf: "done", careAt: older, sfAt: newer,
			wantSF: m("pending"), wantBase: "pending", wantConflict: true, wantWinner: Care},
		{name: "conflict salesforce_wins", field: both(SalesforceWins), base: m("open"), care: "pending", sf: "done", careAt: newer, sfAt: older,
			wantCare: m("done"), wantBase: "done", wantConflict: true, wantWinner: Salesforce},
		{name: "conflict newest_wins salesforce newer", field: both(NewestWins), base: m("open"), care: "pending", sf: "done", careAt: older, sfAt: newer,
			wantCare: m("done"), wantBase: "done", wantConflict: true, wantWinner: Salesforce},
		{name: "conflict newest_wins care newer", field: both(NewestWins), base: m("open"), care: "pending", sf: "done", careAt: newer, sfAt: older,
			wantSF: m("pending"), wantBase: "pending", wantConflict: true, wantWinner: Care},
		{name: "conflict newest_wins tie goes to salesforce", field: both(NewestWins), base: m("open"), care: "pending", sf: "done", careAt: t0, sfAt: t0,
			wantCare: m("done"), wantBase: "done", wantConflict: true, wantWinner: Salesforce},
		// Salesforce stamps whole seconds: its change stamped t0 may have
		// come after Care's change at t0+600ms. Within one second it is a
		// tie, and the tie goes to Salesforce.
		{name: "conflict newest_wins care later within salesforce's second is a tie", field: both(NewestWins), base: m("open"), care: "pending", sf: "done",
			careAt: t0.Add(600 * time.Millisecond), sfAt: t0,
			wantCare: m("done"), wantBase: "done", wantConflict: true, wantWinner: Salesforce},
		{name: "conflict newest_wins care in the next second wins", field: both(NewestWins), base: m("open"), care: "pending", sf: "done",
			careAt: t0.Add(time.Second + time.Millisecond), sfAt: t0,
			wantSF: m("pending"), wantBase: "pending", wantConflict: true, wantWinner: Care},
		{name: "conflict newest_wins salesforce in the next second wins", field: both(NewestWins), base: m("open"), care: "pending", sf: "done",
			careAt: t0.Add(999 * time.Millisecond), sfAt: t0.Add(time.Second),
			wantCare: m("done"), wantBase: "done", wantConflict: true, wantWinner: Salesforce},
		{name: "no base, values differ: a conflict salesforce_wins decides", field: both(SalesforceWins), base: nil, care: "pending", sf: "done",
			wantCare: m("done"), wantBase: "done", wantConflict: true, wantWinner: Salesforce},
		{name: "no base, values differ: a conflict care_wins decides", field: both(CareWins), base: nil, care: "pending", sf: "done",
			wantSF: m("pending"), wantBase: "pending", wantConflict: true, wantWinner: Care},
		{name: "no base, values differ: newest_wins takes the Salesforce edit made later", field: both(NewestWins), base: nil, care: "open", sf: "done",
			careAt: older, sfAt: newer, wantCare: m("done"), wantBase: "done", wantConflict: true, wantWinner: Salesforce},
		{name: "no base, values differ: newest_wins takes the Care change made later", field: both(NewestWins), base: nil, care: "pending", sf: "done",
			careAt: newer, sfAt: older, wantSF: m("pending"), wantBase: "pending", wantConflict: true, wantWinner: Care},
		{name: "no base, Salesforce shows Care's value as it can: no conflict",
			field: FieldPolicy{Name: "status", Direction: Both, Policy: SalesforceWins, SalesforceImage: unassignedInSalesforce},
			base:  nil, care: "agent-nosf", sf: "", wantBase: "agent-nosf"},
		{name: "first sync equal values writes nothing", field: both(SalesforceWins), base: nil, care: "done", sf: "done",
			wantBase: "done"},
		{name: "care_to_salesforce drift is written back", field: FieldPolicy{Name: "status", Direction: CareToSalesforce, Policy: SalesforceWins},
			base: m("open"), care: "open", sf: "edited", wantSF: m("open"), wantBase: "open"},
		{name: "care_to_salesforce never writes care", field: FieldPolicy{Name: "status", Direction: CareToSalesforce, Policy: SalesforceWins},
			base: m("open"), care: "pending", sf: "done", careAt: older, sfAt: newer, wantSF: m("pending"), wantBase: "pending"},
		{name: "salesforce_to_care never writes salesforce", field: FieldPolicy{Name: "status", Direction: SalesforceToCare, Policy: CareWins},
			base: m("open"), care: "pending", sf: "done", wantCare: m("done"), wantBase: "done"},
		{name: "salesforce_to_care first sync takes salesforce", field: FieldPolicy{Name: "status", Direction: SalesforceToCare, Policy: CareWins},
			base: nil, care: "pending", sf: "done", wantCare: m("done"), wantBase: "done"},
		{name: "value salesforce cannot show is not a salesforce change",
			field: FieldPolicy{Name: "status", Direction: Both, Policy: CareWins, SalesforceImage: unassignedInSalesforce},
			base:  m("agent-nosf"), care: "agent-nosf", sf: "", wantBase: "agent-nosf"},
		{name: "care assigns an agent salesforce cannot show: one write, base is the agent",
			field: FieldPolicy{Name: "status", Direction: Both, Policy: CareWins, SalesforceImage: unassignedInSalesforce},
			base:  m("agent-1"), care: "agent-nosf", sf: "agent-1", wantSF: m("agent-nosf"), wantBase: "agent-nosf"},
		{name: "both changed, same as salesforce shows it",
			field: FieldPolicy{Name: "status", Direction: Both, Policy: SalesforceWins, SalesforceImage: unassignedInSalesforce},
			base:  m("agent-1"), care: "agent-nosf", sf: "", wantBase: "agent-nosf"},
		{name: "an agent who got a salesforce user since: salesforce is brought to the agent, care is left alone",
			field: FieldPolicy{Name: "status", Direction: Both, Policy: CareWins, SalesforceSeen: ptr("")},
			base:  m("agent-nosf"), care: "agent-nosf", sf: "", wantSF: m("agent-nosf"), wantBase: "agent-nosf"},
		{name: "an agent who got a salesforce user since, then salesforce reassigned: a salesforce change",
			field: FieldPolicy{Name: "status", Direction: Both, Policy: CareWins, SalesforceSeen: ptr("")},
			base:  m("agent-nosf"), care: "agent-nosf", sf: "agent-2", wantCare: m("agent-2"), wantBase: "agent-2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Merge(tt.base, m(tt.care), m(tt.sf), []FieldPolicy{tt.field}, tt.careAt, tt.sfAt)
			if want := orEmpty(tt.wantSF); !reflect.DeepEqual(p.ToSalesforce, want) {
				t.Errorf("ToSalesforce = %v, want %v", p.ToSalesforce, want)
			}
			if want := orEmpty(tt.wantCare); !reflect.DeepEqual(p.ToCare, want) {
				t.Errorf("ToCare = %v, want %v", p.ToCare, want)
			}
			if got := p.Base["status"]; got != tt.wantBase {
				t.Errorf("Base = %q, want %q", got, tt.wantBase)
			}
			if got := len(p.Conflicts) == 1; got != tt.wantConflict {
				t.Fatalf("conflicts = %+v, want conflict %v", p.Conflicts, tt.wantConflict)
			}
			if tt.wantConflict {
				c := p.Conflicts[0]
				want := Conflict{Field: "status", Base: tt.base["status"], Care: tt.care, Salesforce: tt.sf,
					Policy: tt.field.Policy, Winner: tt.wantWinner, NoBase: tt.base == nil}
				if c != want {
					t.Errorf("conflict = %+v, want %+v", c, want)
				}
			}
		})
	}
}

func TestMergeIgnoresUnlistedFieldsAndTreatsMissingAsEmpty(t *testing.T) {
	fields := []FieldPolicy{{Name: "assignee", Direction: Both, Policy: CareWins}}
	p := Merge(map[string]string{"assignee": "a1", "gone": "x"}, map[string]string{"other": "y"}, map[string]string{"assignee": "a1"},
		fields, t0, t0)
	if want := map[string]string{"assignee": ""}; !reflect.DeepEqual(p.ToSalesforce, want) {
		t.Errorf("ToSalesforce = %v, want %v (Care unassigned the case)", p.ToSalesforce, want)
	}
	if want := map[string]string{"assignee": ""}; !reflect.DeepEqual(p.Base, want) {
		t.Errorf("Base = %v, want %v", p.Base, want)
	}
}

// TestMergeNoFlipFlop is the property the reconciler relies on: after the
// plan's writes are applied, merging again against the plan's base writes
// nothing and reports no conflict, for random bases, values, policies,
// directions, change times and lossy images.
func TestMergeNoFlipFlop(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	values := []string{"", "a", "b", "c", "d", "e"}
	directions := []Direction{Both, Both, CareToSalesforce, SalesforceToCare}
	policies := []Policy{CareWins, SalesforceWins, NewestWins}
	for i := range 20000 {
		nFields := 1 + rng.IntN(4)
		var fields []FieldPolicy
		base, care, sf := map[string]string{}, map[string]string{}, map[string]string{}
		for j := range nFields {
			f := FieldPolicy{
				Name:      fmt.Sprintf("f%d", j),
				Direction: directions[rng.IntN(len(directions))],
				Policy:    policies[rng.IntN(len(policies))],
			}
			sfImg, careImg := randomProjection(rng, values), randomProjection(rng, values)
			if rng.IntN(2) == 0 {
				f.SalesforceImage = sfImg
			}
			if rng.IntN(3) == 0 {
				f.CareImage = careImg
			}
			fields = append(fields, f)
			if rng.IntN(4) != 0 {
				base[f.Name] = values[rng.IntN(len(values))]
			}
			// A side only ever shows values in its image.
			care[f.Name] = f.careImage(values[rng.IntN(len(values))])
			sf[f.Name] = f.sfImage(values[rng.IntN(len(values))])
		}
		if rng.IntN(5) == 0 {
			base = nil
		}
		careAt := t0.Add(time.Duration(rng.IntN(3)) * time.Second)
		sfAt := t0.Add(time.Duration(rng.IntN(3)) * time.Second)

		p1 := Merge(base, care, sf, fields, careAt, sfAt)
		care2, sf2 := maps.Clone(care), maps.Clone(sf)
		for _, f := range fields {
			if v, ok := p1.ToCare[f.Name]; ok {
				if !f.Direction.WritesCare() {
					t.Fatalf("case %d: plan writes %s (%s) to Care", i, f.Name, f.Direction)
				}
				care2[f.Name] = f.careImage(v)
			}
			if v, ok := p1.ToSalesforce[f.Name]; ok {
				if !f.Direction.WritesSalesforce() {
					t.Fatalf("case %d: plan writes %s (%s) to Salesforce", i, f.Name, f.Direction)
				}
				sf2[f.Name] = f.sfImage(v)
			}
		}
		// Later change times: the bridge's own writes bump them.
		p2 := Merge(p1.Base, care2, sf2, fields, careAt.Add(time.Hour), sfAt.Add(2*time.Hour))
		if p2.HasWrites() || len(p2.Conflicts) > 0 || !reflect.DeepEqual(p2.Base, p1.Base) {
			t.Fatalf("case %d: second merge is not a no-op\nfields %+v\nbase %v care %v sf %v\nplan1 %+v\nplan2 %+v",
				i, describe(fields), base, care, sf, p1, p2)
		}
	}
}

// randomProjection returns an idempotent function onto a random subset of
// values: each value maps to a representative, representatives to themselves.
func randomProjection(rng *rand.Rand, values []string) func(string) string {
	reps := []string{values[rng.IntN(len(values))]}
	for _, v := range values {
		if rng.IntN(2) == 0 {
			reps = append(reps, v)
		}
	}
	img := map[string]string{}
	for _, r := range reps {
		img[r] = r
	}
	for _, v := range values {
		if _, ok := img[v]; !ok {
			img[v] = reps[rng.IntN(len(reps))]
		}
	}
	return func(v string) string {
		if r, ok := img[v]; ok {
			return r
		}
		return v
	}
}

func describe(fields []FieldPolicy) []string {
	var out []string
	for _, f := range fields {
		out = append(out, fmt.Sprintf("%s:%s:%s:sfimg=%v:careimg=%v", f.Name, f.Direction, f.Policy, f.SalesforceImage != nil, f.CareImage != nil))
	}
	return out
}

func m(status string) map[string]string { return map[string]string{"status": status} }

func orEmpty(v map[string]string) map[string]string {
	if v == nil {
		return map[string]string{}
	}
	return v
}
