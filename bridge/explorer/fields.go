package explorer

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/carebridge/carebridge/bridge"
	"github.com/carebridge/carebridge/connectors/salesforce"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/mapping"
	"github.com/carebridge/carebridge/mapping/merge"
)

// salesforceSide reads what the Case shows the agent (its sync status and
// mapped fields, the owner by name) and the agents' actions on it with
// their outcome. It returns the Case record (nil when it was not read).
func (x *Explorer) salesforceSide(ctx context.Context, m *mapping.Mapping, v *CaseView) (salesforce.Record, error) {
	fields := append([]string{"Id", "CreatedDate", bridge.SyncStatusField, bridge.SyncErrorField, "Owner.Name"}, m.SalesforceFields()...)
	slices.Sort(fields)
	cs, err := x.o.Salesforce.Query(ctx, soql.Select(slices.Compact(fields)...).From("Case").Where(soql.Eq("Id", v.SalesforceCaseID)))
	if err != nil {
		return nil, err
	}
	var rec salesforce.Record
	if len(cs) > 0 {
		rec = salesforce.Record(cs[0])
		v.CaseCreated, _ = rec.Time("CreatedDate")
		v.SyncStatus, v.SyncError = rec.String(bridge.SyncStatusField), rec.String(bridge.SyncErrorField)
	}
	actions, err := bridge.ActionsOnCase(ctx, x.o.Salesforce, v.SalesforceCaseID, 100)
	if err != nil {
		return rec, err
	}
	v.Actions = actions
	return rec, nil
}

// caseFields are the mapped fields of a case, each side in its own terms:
// Care's agents and profiles by name (read from Care; their ids when that
// fails), Salesforce's values as stored and the owner by name.
func (x *Explorer) caseFields(ctx context.Context, m *mapping.Mapping, p *bridge.Preview, rec salesforce.Record) []CaseField {
	names := map[string]string{}
	if agents, err := x.o.Care.Agents(ctx); err == nil {
		for _, a := range agents {
			names[mapping.CareAssignee+"\x00"+a.ID] = a.Name
		}
	}
	if profiles, err := x.o.Care.Profiles(ctx); err == nil {
		for _, pr := range profiles {
			names[mapping.CareProfile+"\x00"+pr.ID] = pr.Name
		}
	}
	owner := ""
	if o, ok := rec["Owner"].(map[string]any); ok {
		owner, _ = o["Name"].(string)
	}
	out := []CaseField{}
	for _, f := range m.Fields() {
		careVal, sfVal := p.Care[f.Name], rec.String(f.Salesforce)
		cf := CaseField{Name: f.Name, Care: f.Care, CareValue: careVal, Salesforce: f.Salesforce, SalesforceValue: sfVal,
			Direction: string(f.Direction), Conflict: string(f.Conflict), LastSynced: p.Base[f.Name], Mapping: []string{}}
		if n := names[f.Care+"\x00"+careVal]; n != "" {
			cf.CareValue = n + " (" + careVal + ")"
		}
		if f.Identity() && sfVal != "" {
			cf.SalesforceShown = owner
		}
		cf.Mapping = mappingWords(f, careVal, sfVal, p, rec != nil, func(id string) string { return names[mapping.CareAssignee+"\x00"+id] })
		switch {
		case p.CreateCase != nil && p.CreateCase[f.Salesforce] != nil:
			cf.Write = fmt.Sprintf("Salesforce (new Case) %s = %v", f.Salesforce, p.CreateCase[f.Salesforce])
		case p.SalesforceWrites[f.Name] != "":
			cf.Write = "Salesforce " + p.SalesforceWrites[f.Name]
		case p.UpdateCare != nil && p.UpdateCare[f.Name] != "":
			cf.Write = fmt.Sprintf("Care %s = %s", f.Care, p.UpdateCare[f.Name])
		}
		out = append(out, cf)
	}
	return out
}

// mappingWords says how a field's values translate for this case.
func mappingWords(f mapping.Field, careVal, sfVal string, p *bridge.Preview, haveCase bool, agentName func(id string) string) []string {
	var out []string
	if f.Direction == merge.Both {
		out = append(out, "when both sides changed it: "+strings.ReplaceAll(string(f.Conflict), "_", " "))
	}
	toSF, toCare := f.Direction != merge.SalesforceToCare, f.Direction != merge.CareToSalesforce
	switch {
	case f.Identity():
		if toCare && haveCase {
			if agent := p.Salesforce[f.Name]; agent != "" {
				out = append(out, "the owner is Care agent "+cmp.Or(agentName(agent), agent))
			} else if sfVal != "" {
				out = append(out, "the owner matches no Care agent: unassigned in Care")
			}
		}
		out = append(out, "agents and users are matched on the Identities page")
	default:
		if toSF && careVal != "" {
			out = append(out, translation("Care", careVal, "Salesforce", f.CareToSalesforce))
		}
		if toCare && haveCase && sfVal != "" {
			out = append(out, translation("Salesforce", sfVal, "Care", f.SalesforceToCare))
		}
	}
	return slices.Compact(out)
}

func translation(from, v, to string, m *mapping.ValueMap) string {
	if m == nil {
		return "the same value on both sides"
	}
	out, ok := m.Lookup(v)
	if !ok {
		return fmt.Sprintf("%s %q is not in the value map: sent to %s as it is", from, v, to)
	}
	return fmt.Sprintf("%s %q → %s %q", from, v, to, out)
}
