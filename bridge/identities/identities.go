// Package identities pairs Care agents with Salesforce users as the
// mapping's identity section says, for the admin API's identity page and
// `carebridge check` alike.
package identities

import (
	"slices"
	"strings"

	"github.com/carebridge/carebridge/bridge/admin"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/salesforce"
	"github.com/carebridge/carebridge/connectors/salesforce/sfid"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/mapping"
)

// UsersQuery reads the Salesforce users as Match needs them.
func UsersQuery() soql.Query { return soql.Select("Id", "Name", "Email", "IsActive").From("User") }

// Match pairs Care agents with Salesforce users as the mapping's identity
// section does (e-mail, then overrides).
func Match(m *mapping.Mapping, agents []care.Agent, users []salesforce.Record) admin.Identities {
	us := make([]mapping.User, 0, len(users))
	byID := map[string]salesforce.Record{}
	for _, u := range users {
		us = append(us, mapping.User{ID: u.ID(), Email: u.String("Email"), IsActive: u.Bool("IsActive")})
		byID[sfid.Key(u.ID())] = u
	}
	cfg := m.IdentityConfig()
	overridden := map[string]bool{}
	for _, o := range cfg.Overrides {
		overridden[o.CareAgent] = true
	}
	id := m.Identity(agents, us)
	out := admin.Identities{MatchByEmail: cfg.MatchByEmail, Agents: []admin.IdentityAgent{}, Users: []admin.IdentityUser{}, Ambiguous: id.Ambiguous()}
	if out.Ambiguous == nil {
		out.Ambiguous = []string{}
	}
	agentOf := map[string]care.Agent{}
	for _, a := range agents {
		agentOf[a.ID] = a
		ia := admin.IdentityAgent{ID: a.ID, Name: a.Name, Email: a.Email}
		if u, ok := id.SalesforceUserFor(a.ID); ok {
			ia.User, ia.MatchedBy = u, "email"
			if overridden[a.ID] {
				ia.MatchedBy = "override"
			}
			ia.UserName = byID[sfid.Key(u)].String("Name")
			out.Matched++
		}
		out.Agents = append(out.Agents, ia)
	}
	for _, u := range users {
		iu := admin.IdentityUser{ID: u.ID(), Name: u.String("Name"), Email: u.String("Email"), Active: u.Bool("IsActive")}
		if a, ok := id.CareAgentFor(u.ID()); ok {
			iu.Agent, iu.AgentName, iu.MatchedBy = a, agentOf[a].Name, "email"
			if overridden[a] {
				iu.MatchedBy = "override"
			}
		}
		out.Users = append(out.Users, iu)
	}
	slices.SortFunc(out.Agents, func(a, b admin.IdentityAgent) int { return strings.Compare(a.Name+a.ID, b.Name+b.ID) })
	slices.SortFunc(out.Users, func(a, b admin.IdentityUser) int { return strings.Compare(a.Name+a.ID, b.Name+b.ID) })
	return out
}
