// Package merge is the pure per-field three-way merge the reconciler runs for
// every linked case: given the base snapshot (canonical values as of the last
// successful sync) and the current canonical values of both sides, it plans
// the writes to each side, reports conflicts and computes the new base.
//
// Rules, per field:
//   - Only Care changed since base: write Salesforce.
//   - Only Salesforce changed since base: write Care.
//   - Both changed to the same value: no write, just advance base.
//   - Both changed to different values: a conflict, resolved by the field's
//     policy. NewestWins compares the change times of the two records to the
//     whole second, the precision of Salesforce's stamps; changes within the
//     same second are a tie, and a tie goes to Salesforce (see resolve).
//   - A care_to_salesforce field never writes Care: Care is its source of
//     truth, so when Salesforce drifted (someone edited the field there) the
//     Care value is written back to Salesforce. A salesforce_to_care field is
//     the mirror image.
//   - No base value for a two-way field (lost sync state, a Case created
//     by a run that died before storing its base, or a field added to the
//     mapping later): nothing tells which side changed. Equal values (as
//     each side shows them) just become the base; different values are a
//     conflict (NoBase), resolved by the field's policy like any other, so
//     an agent's edit made while the state was lost is never reverted
//     silently. One-way fields follow their direction as always.
//
// Lossy mappings: a side may be unable to show every canonical value (for
// example an agent with no Salesforce user: the Case owner reads back as
// "unassigned"). Each FieldPolicy may carry image functions saying what a
// side reads back after a value is written to it. "Changed" means "differs
// from the image of base", so a value a side cannot show is not mistaken for a
// change and nothing flips back and forth.
package merge

import "time"

// Direction says which way a field flows.
type Direction string

const (
	Both             Direction = "both"
	CareToSalesforce Direction = "care_to_salesforce"
	SalesforceToCare Direction = "salesforce_to_care"
)

// Valid reports whether d is one of the known directions.
func (d Direction) Valid() bool {
	return d == Both || d == CareToSalesforce || d == SalesforceToCare
}

// WritesCare reports whether the field may be written to Care.
func (d Direction) WritesCare() bool { return d == Both || d == SalesforceToCare }

// WritesSalesforce reports whether the field may be written to Salesforce.
func (d Direction) WritesSalesforce() bool { return d == Both || d == CareToSalesforce }

// Policy decides a conflict: both sides changed a field differently.
type Policy string

const (
	CareWins       Policy = "care_wins"
	SalesforceWins Policy = "salesforce_wins"
	NewestWins     Policy = "newest_wins"
)

// Valid reports whether p is one of the known policies.
func (p Policy) Valid() bool {
	return p == CareWins || p == SalesforceWins || p == NewestWins
}

// Side names a system.
type Side string

const (
	Care       Side = "care"
	Salesforce Side = "salesforce"
)

// FieldPolicy is how one canonical field merges.
type FieldPolicy struct {
	Name      string
	Direction Direction
	Policy    Policy
	// SalesforceImage returns the canonical value Salesforce reads back after
	// the canonical value v was written to it. nil means v itself. It must be
	// idempotent: SalesforceImage(SalesforceImage(v)) == SalesforceImage(v).
	SalesforceImage func(v string) string
	// CareImage is the same for Care. nil means v itself.
	CareImage func(v string) string
	// SalesforceSeen, when not nil, is what Salesforce showed of the field
	// once the base was stored. It stands in for the image of the base when
	// telling whether Salesforce changed, so that a change of the image
	// itself (an agent who has a Salesforce user since) is not taken for an
	// edit made in Salesforce; Salesforce is then brought to the new image.
	SalesforceSeen *string
}

func (f FieldPolicy) sfImage(v string) string {
	if f.SalesforceImage == nil {
		return v
	}
	return f.SalesforceImage(v)
}

func (f FieldPolicy) careImage(v string) string {
	if f.CareImage == nil {
		return v
	}
	return f.CareImage(v)
}

// Conflict is a field both sides changed to different values since base.
type Conflict struct {
	Field      string
	Base       string
	Care       string
	Salesforce string
	Policy     Policy
	Winner     Side
	// NoBase says there was no base value: the sides differed, and which
	// of them changed could not be told.
	NoBase bool
}

// Plan is the outcome of a merge. Values are canonical; the caller maps them
// to each system's fields. Base is the snapshot to store once every write
// succeeded.
type Plan struct {
	ToSalesforce map[string]string
	ToCare       map[string]string
	Conflicts    []Conflict
	Base         map[string]string
}

// HasWrites reports whether the plan writes to either side.
func (p Plan) HasWrites() bool { return len(p.ToSalesforce) > 0 || len(p.ToCare) > 0 }

// Merge plans one reconcile of a linked pair. base may be nil (first sync). A
// field absent from care or sf counts as the empty value. careChangedAt and
// sfChangedAt are the last modification times of the two records; only
// NewestWins uses them. Fields not listed in fields are ignored and dropped
// from the new base.
func Merge(base, care, sf map[string]string, fields []FieldPolicy, careChangedAt, sfChangedAt time.Time) Plan {
	p := Plan{
		ToSalesforce: map[string]string{},
		ToCare:       map[string]string{},
		Base:         make(map[string]string, len(fields)),
	}
	for _, f := range fields {
		b, hadBase := base[f.Name]
		c, s := care[f.Name], sf[f.Name]
		switch {
		case f.Direction == CareToSalesforce:
			p.toSalesforce(f, c, s)
		case f.Direction == SalesforceToCare:
			p.toCare(f, c, s)
		case !hadBase:
			p.mergeWithoutBase(f, c, s, careChangedAt, sfChangedAt)
		default:
			p.mergeBoth(f, b, c, s, careChangedAt, sfChangedAt)
		}
	}
	return p
}

// toSalesforce makes Salesforce show Care's value c.
func (p *Plan) toSalesforce(f FieldPolicy, c, s string) {
	if f.sfImage(c) != s {
		p.ToSalesforce[f.Name] = c
	}
	p.Base[f.Name] = c
}

// toCare makes Care show Salesforce's value s.
func (p *Plan) toCare(f FieldPolicy, c, s string) {
	if f.careImage(s) != c {
		p.ToCare[f.Name] = s
	}
	p.Base[f.Name] = s
}

func (p *Plan) mergeBoth(f FieldPolicy, b, c, s string, careAt, sfAt time.Time) {
	careChanged := c != f.careImage(b)
	image := f.sfImage(b)
	seen := image
	if f.SalesforceSeen != nil {
		seen = *f.SalesforceSeen
	}
	sfChanged := s != seen
	switch {
	case !careChanged && !sfChanged && s != image:
		// Nobody changed anything, but Salesforce can show the base better
		// than it did (the image moved): show it.
		p.toSalesforce(f, c, s)
	case !careChanged && !sfChanged:
		p.Base[f.Name] = b
	case careChanged && !sfChanged:
		p.toSalesforce(f, c, s)
	case !careChanged && sfChanged:
		p.toCare(f, c, s)
	case f.careImage(s) == c:
		// Both changed to the same value (as Care shows it).
		p.Base[f.Name] = s
	case f.sfImage(c) == s:
		// Both changed to the same value (as Salesforce shows it).
		p.Base[f.Name] = c
	default:
		winner := resolve(f.Policy, careAt, sfAt)
		p.Conflicts = append(p.Conflicts, Conflict{
			Field: f.Name, Base: b, Care: c, Salesforce: s,
			Policy: f.Policy, Winner: winner,
		})
		if winner == Care {
			p.toSalesforce(f, c, s)
		} else {
			p.toCare(f, c, s)
		}
	}
}

// mergeWithoutBase merges a two-way field that has no base value: equal
// values become the base, different ones are a conflict decided by the
// field's policy.
func (p *Plan) mergeWithoutBase(f FieldPolicy, c, s string, careAt, sfAt time.Time) {
	switch {
	case f.sfImage(c) == s:
		p.toSalesforce(f, c, s) // no write: Salesforce shows Care's value
	case f.careImage(s) == c:
		p.Base[f.Name] = s
	default:
		winner := resolve(f.Policy, careAt, sfAt)
		p.Conflicts = append(p.Conflicts, Conflict{Field: f.Name, Care: c, Salesforce: s, Policy: f.Policy, Winner: winner, NoBase: true})
		if winner == Care {
			p.toSalesforce(f, c, s)
		} else {
			p.toCare(f, c, s)
		}
	}
}

// resolve picks the winner of a conflict.
//
// NewestWins compares whole seconds. Salesforce stamps a change with the
// second it happened in, so a Salesforce change stamped S happened somewhere
// in [S, S+1): a Care change within that same second cannot be ordered
// against it. Such a tie goes to Salesforce: the change there was made by an
// agent handling the case, and reverting it silently (for example re-opening
// a Case the agent just closed) is the worse error. Any unknown policy lets
// Care win.
func resolve(policy Policy, careAt, sfAt time.Time) Side {
	switch policy {
	case SalesforceWins:
		return Salesforce
	case NewestWins:
		if !careAt.Truncate(time.Second).After(sfAt.Truncate(time.Second)) {
			return Salesforce
		}
	}
	return Care
}
