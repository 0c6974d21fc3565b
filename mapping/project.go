package mapping

import (
	"strconv"
	"strings"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/mapping/merge"
)

// FromCare projects a Care case into canonical form: every mapped field,
// with Care's values as they are ("" for no value).
func (m *Mapping) FromCare(c care.Case) Canonical {
	out := make(Canonical, len(m.fields))
	for _, f := range m.fields {
		out[f.Name] = careValue(c, f.Care)
	}
	return out
}

func careValue(c care.Case, attribute string) string {
	switch attribute {
	case CareSubject:
		return c.Subject
	case CareDescription:
		return c.Description
	case CarePlatform:
		return string(c.Platform)
	case CareProfile:
		return deref(c.ProfileID)
	case CareSentiment:
		return c.Sentiment
	case CarePriority:
		return c.Priority
	case CareAssignee:
		return deref(c.AssigneeID)
	case CareStatus:
		return string(c.Status)
	}
	return ""
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// FromSalesforce projects a Salesforce Case record (as the REST API returns
// it: field API name -> JSON value) into canonical form. Values translate
// through salesforce_to_care; the owner becomes the Care agent it matches,
// or "" (unassigned) for a queue or an unmatched user.
func (m *Mapping) FromSalesforce(rec map[string]any, idents *Identity) Canonical {
	out := make(Canonical, len(m.fields))
	for _, f := range m.fields {
		out[f.Name] = m.canonicalFromSalesforce(f, recordValue(rec, f.Salesforce), idents)
	}
	return out
}

func (m *Mapping) canonicalFromSalesforce(f Field, raw string, idents *Identity) string {
	if f.Identity() {
		if raw == "" || isQueue(raw) {
			return ""
		}
		agent, _ := idents.CareAgentFor(raw)
		return agent
	}
	if raw == "" {
		return ""
	}
	v, _ := f.SalesforceToCare.Lookup(raw)
	return v
}

// recordValue reads a field of a record as text; field names match without
// regard to case, as in Salesforce.
func recordValue(rec map[string]any, field string) string {
	v, ok := rec[field]
	if !ok {
		for k, x := range rec {
			if strings.EqualFold(k, field) {
				v = x
				break
			}
		}
	}
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	default:
		return ""
	}
}

// ToSalesforce turns canonical values into Case field writes (API name ->
// value, nil to clear), for the given fields that may be written to
// Salesforce. Fields not in the mapping, or flowing only to Care, are
// ignored. An assignee with no Salesforce user, or no assignee, becomes the
// identity section's unassigned_owner, or no write when that is keep.
func (m *Mapping) ToSalesforce(fields map[string]string, idents *Identity) map[string]any {
	out := map[string]any{}
	for _, f := range m.fields {
		v, ok := fields[f.Name]
		if !ok || !f.Direction.WritesSalesforce() {
			continue
		}
		if sf, write := m.salesforceValue(f, v, idents); write {
			out[f.Salesforce] = sf
		}
	}
	return out
}

// salesforceValue is the Salesforce value of one canonical value; false
// means "leave the field as it is".
func (m *Mapping) salesforceValue(f Field, v string, idents *Identity) (any, bool) {
	if f.Identity() {
		if u, ok := idents.SalesforceUserFor(v); ok {
			return u, true
		}
		if m.identity.UnassignedOwner == KeepOwner {
			return nil, false
		}
		return m.identity.UnassignedOwner, true
	}
	if v == "" {
		return nil, true
	}
	out, ok := f.CareToSalesforce.Lookup(v)
	if !ok && f.CareToSalesforce != nil {
		// A value the mapping does not translate (a deleted case with no
		// deleted entry): Salesforce would refuse it, so leave the field.
		return nil, false
	}
	return out, true
}

// SalesforceImage is the canonical value Salesforce reads back after the
// canonical value v of field name was written to it. It differs from v when
// Salesforce cannot show v: an urgent priority that both urgent and high map
// to "High", or an agent with no Salesforce user (read back as unassigned).
func (m *Mapping) SalesforceImage(name, v string, idents *Identity) string {
	f, ok := m.Field(name)
	if !ok {
		return v
	}
	sf, write := m.salesforceValue(f, v, idents)
	switch {
	case !write && f.Identity():
		// keep: the owner stays; the best guess of what it reads back as
		// is "no agent Salesforce can show".
		return ""
	case !write:
		return v
	}
	raw, _ := sf.(string)
	return m.canonicalFromSalesforce(f, raw, idents)
}

// Policies returns the merge policy of every mapped field, with the
// Salesforce image so lossy translations never flip-flop.
func (m *Mapping) Policies(idents *Identity) []merge.FieldPolicy {
	out := make([]merge.FieldPolicy, 0, len(m.fields))
	for _, f := range m.fields {
		policy := f.Conflict
		if policy == "" {
			policy = merge.CareWins // one-way fields never conflict
		}
		name := f.Name
		out = append(out, merge.FieldPolicy{
			Name:            name,
			Direction:       f.Direction,
			Policy:          policy,
			SalesforceImage: func(v string) string { return m.SalesforceImage(name, v, idents) },
		})
	}
	return out
}

// CareUpdate is the writes to a Care case, as the Care API's request bodies;
// nil means no write. The caller orders them (Care refuses done without an
// assignee, so assign first).
type CareUpdate struct {
	Assign  *care.AssignRequest
	Status  *care.StatusRequest
	Profile *care.ProfileRequest
}

// Empty reports whether the update writes nothing.
func (u CareUpdate) Empty() bool { return u.Assign == nil && u.Status == nil && u.Profile == nil }

// ToCare turns canonical values into Care writes, for the given fields that
// may be written to Care. A profile cannot be cleared in Care, so an empty
// profile writes nothing.
func (m *Mapping) ToCare(fields map[string]string) CareUpdate {
	var u CareUpdate
	for _, f := range m.fields {
		v, ok := fields[f.Name]
		if !ok || !f.Direction.WritesCare() {
			continue
		}
		switch f.Care {
		case CareAssignee:
			r := &care.AssignRequest{}
			if v != "" {
				r.AgentID = &v
			}
			u.Assign = r
		case CareStatus:
			if v != "" {
				u.Status = &care.StatusRequest{Status: rules.Status(v)}
			}
		case CareProfile:
			if v != "" {
				u.Profile = &care.ProfileRequest{ProfileID: v}
			}
		}
	}
	return u
}
