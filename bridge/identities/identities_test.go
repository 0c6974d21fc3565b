package identities

import (
	"testing"

	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/salesforce"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/mapping"
)

// TestMatchShowsWhoIsPairedWithWhom: under the shipped mapping (match by
// e-mail) the identity page shows each agent's user by name, the agents
// without one, and the users nobody matches.
func TestMatchShowsWhoIsPairedWithWhom(t *testing.T) {
	schema, err := metadata.Load(configs.SalesforceMetadata())
	if err != nil {
		t.Fatal(err)
	}
	m, err := mapping.Parse("mapping.yaml", configs.Mapping(), mapping.FromMetadata(schema))
	if err != nil {
		t.Fatal(err)
	}
	agents := []care.Agent{
		{ID: "agent_ana", Name: "Ana Novak", Email: "Ana@Example.com"},
		{ID: "agent_zoe", Name: "Zoe Nouser", Email: "zoe@example.com"},
	}
	users := []salesforce.Record{
		{"Id": "0055g00000AnaUsAAA", "Name": "Ana N.", "Email": "ana@example.com", "IsActive": true},
		{"Id": "0055g00000OldUsAAA", "Name": "Old Account", "Email": "old@example.com", "IsActive": false},
	}
	got := Match(m, agents, users)
	if !got.MatchByEmail || got.Matched != 1 {
		t.Fatalf("match by e-mail %v, %d matched; want true and 1", got.MatchByEmail, got.Matched)
	}
	byAgent := map[string]string{}
	for _, a := range got.Agents {
		byAgent[a.ID] = a.User + "|" + a.UserName + "|" + a.MatchedBy
	}
	if want := "0055g00000AnaUsAAA|Ana N.|email"; byAgent["agent_ana"] != want {
		t.Errorf("Ana's row %q, want %q (e-mail compared ignoring case)", byAgent["agent_ana"], want)
	}
	if byAgent["agent_zoe"] != "||" {
		t.Errorf("Zoe, who has no Salesforce user, shows %q", byAgent["agent_zoe"])
	}
	for _, u := range got.Users {
		if u.ID == "0055g00000OldUsAAA" && (u.Agent != "" || u.Active) {
			t.Errorf("the inactive user shows agent %q, active %v", u.Agent, u.Active)
		}
		if u.ID == "0055g00000AnaUsAAA" && u.Agent != "agent_ana" {
			t.Errorf("Ana's user shows agent %q", u.Agent)
		}
	}
	if len(got.Ambiguous) != 0 {
		t.Errorf("ambiguous %v, want none", got.Ambiguous)
	}
}
