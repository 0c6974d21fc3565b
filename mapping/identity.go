package mapping

import (
	"slices"
	"strings"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/salesforce/sfid"
)

// User is a Salesforce user as the identity map needs it.
type User struct {
	ID       string
	Email    string
	IsActive bool
}

// Identity matches Care agents with Salesforce users: by e-mail address
// (case-insensitive, active users only, ambiguous addresses skipped), then
// explicit overrides, which always win. It is immutable; a nil *Identity
// matches nobody.
type Identity struct {
	userFor   map[string]string // Care agent id -> Salesforce user id
	agentFor  map[string]string // sfid.Key(Salesforce user id) -> Care agent id
	ambiguous []string
	// agents and users are every Care agent and Salesforce user the map
	// was built from, matched or not (users by idKey).
	agents, users map[string]bool
}

// Identity builds the identity map for this mapping's identity section.
func (m *Mapping) Identity(agents []care.Agent, users []User) *Identity {
	return NewIdentity(agents, users, m.identity.MatchByEmail, m.identity.Overrides)
}

// NewIdentity builds an identity map. With matchByEmail, an agent and an
// active user with the same e-mail address match, unless the address belongs
// to more than one agent or active user (see Ambiguous). Overrides apply on
// top and replace any e-mail match of either party.
func NewIdentity(agents []care.Agent, users []User, matchByEmail bool, overrides []Override) *Identity {
	id := &Identity{userFor: map[string]string{}, agentFor: map[string]string{},
		agents: make(map[string]bool, len(agents)), users: make(map[string]bool, len(users))}
	for _, a := range agents {
		id.agents[a.ID] = true
	}
	for _, u := range users {
		id.users[sfid.Key(u.ID)] = true
	}
	if matchByEmail {
		agentsByEmail := map[string][]string{}
		for _, a := range agents {
			if e := normalEmail(a.Email); e != "" && a.ID != "" {
				agentsByEmail[e] = append(agentsByEmail[e], a.ID)
			}
		}
		usersByEmail := map[string][]string{}
		for _, u := range users {
			if e := normalEmail(u.Email); e != "" && u.IsActive && u.ID != "" {
				usersByEmail[e] = append(usersByEmail[e], u.ID)
			}
		}
		for e, as := range agentsByEmail {
			us := usersByEmail[e]
			switch {
			case len(us) == 0:
			case len(as) > 1 || len(us) > 1:
				id.ambiguous = append(id.ambiguous, e)
			default:
				id.link(as[0], us[0])
			}
		}
		slices.Sort(id.ambiguous)
	}
	for _, o := range overrides {
		if u, ok := id.userFor[o.CareAgent]; ok {
			delete(id.agentFor, sfid.Key(u))
		}
		if a, ok := id.agentFor[sfid.Key(o.SalesforceUser)]; ok {
			delete(id.userFor, a)
		}
		id.link(o.CareAgent, o.SalesforceUser)
	}
	return id
}

func (id *Identity) link(agent, user string) {
	id.userFor[agent] = user
	id.agentFor[sfid.Key(user)] = agent
}

// CareAgentFor returns the Care agent a Salesforce user id (15 or 18
// characters) stands for.
func (id *Identity) CareAgentFor(sfUserID string) (string, bool) {
	if id == nil || sfUserID == "" {
		return "", false
	}
	a, ok := id.agentFor[sfid.Key(sfUserID)]
	return a, ok
}

// KnowsAgent reports whether the Care agent was among the agents the map
// was built from (matched to a user or not): an agent added since is not.
func (id *Identity) KnowsAgent(careAgentID string) bool {
	return id != nil && id.agents[careAgentID]
}

// KnowsUser reports whether the Salesforce user (15 or 18 characters) was
// among the users the map was built from.
func (id *Identity) KnowsUser(sfUserID string) bool {
	return id != nil && id.users[sfid.Key(sfUserID)]
}

// SalesforceUserFor returns the Salesforce user id of a Care agent.
func (id *Identity) SalesforceUserFor(careAgentID string) (string, bool) {
	if id == nil || careAgentID == "" {
		return "", false
	}
	u, ok := id.userFor[careAgentID]
	return u, ok
}

// Ambiguous returns the e-mail addresses shared by several agents or several
// active users, which therefore matched nobody. Admins resolve them with
// overrides.
func (id *Identity) Ambiguous() []string {
	if id == nil {
		return nil
	}
	return slices.Clone(id.ambiguous)
}

func normalEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// isQueue reports whether a Salesforce owner id is a Group (queue).
func isQueue(ownerID string) bool { return strings.HasPrefix(ownerID, "00G") }
