package testenv

import (
	"fmt"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
)

// Sandbox credentials written into every config by WriteConfig.
const (
	CareToken          = "testenv-care-token"
	CareSecret         = "testenv-care-secret"
	SalesforceClientID = "testenv-sf-client"
	SalesforceSecret   = "testenv-sf-secret"
)

// Person is one agent known to both systems, matched by e-mail.
type Person struct {
	Email        string
	CareAgentID  string
	SalesforceID string // the Salesforce User id
}

// Sandboxes are the Care and Salesforce sandboxes, each served on its own
// loopback listener for the life of the test.
type Sandboxes struct {
	Care          *caresim.Server
	Salesforce    *sfsim.Server
	CareURL       string
	SalesforceURL string
	// PubSubAddr is where the Salesforce sandbox serves its change events
	// (the Pub/Sub API, plaintext gRPC).
	PubSubAddr string
	// People are the agents present in both systems (same e-mail), in a
	// stable order.
	People []Person
	// CareOnlyAgentID is a Care agent with no Salesforce user.
	CareOnlyAgentID string
}

// Platforms are the six social networks Care serves; StartSandboxes seeds
// one brand profile per platform with id ProfileID(platform).
var Platforms = []rules.Platform{rules.Facebook, rules.Instagram, rules.Twitter, rules.LinkedIn, rules.YouTube, rules.TikTok}

// ProfileID is the id of the seeded brand profile of platform p.
func ProfileID(p rules.Platform) string { return "prof_" + string(p) }

// StartSandboxes starts both sandboxes. Salesforce comes with its seeded
// active users; Care gets an agent with the same e-mail for each of them, one
// agent without a Salesforce user, and a brand profile per platform.
func StartSandboxes(t testing.TB) *Sandboxes {
	t.Helper()
	return StartSandboxesWith(t, SandboxOptions{})
}

// SandboxOptions change what StartSandboxes starts.
type SandboxOptions struct {
	// PubSubKeepAlive is how often the Salesforce sandbox sends an idle
	// change stream a keep-alive (default 270s, as Salesforce does): a
	// test with a short Config.ChangeStreamTimeout needs them sooner.
	PubSubKeepAlive time.Duration
}

// StartSandboxesWith is StartSandboxes with options.
func StartSandboxesWith(t testing.TB, o SandboxOptions) *Sandboxes {
	t.Helper()
	sf, err := sfsim.New(sfsim.Options{ClientID: SalesforceClientID, ClientSecret: SalesforceSecret, AgentPassword: AgentPassword, PubSubKeepAlive: o.PubSubKeepAlive})
	if err != nil {
		t.Fatalf("testenv: Salesforce sandbox: %v", err)
	}
	sfSrv := httptest.NewServer(sf)
	t.Cleanup(sfSrv.Close)
	t.Cleanup(sf.Close) // releases calls held by a Hang fault before the server closes
	pubsubAddr := ServePubSub(t, sf)

	cs, err := caresim.New(caresim.Options{Token: CareToken, Secret: CareSecret})
	if err != nil {
		t.Fatalf("testenv: Care sandbox: %v", err)
	}
	careSrv := httptest.NewServer(cs)
	t.Cleanup(careSrv.Close)
	t.Cleanup(cs.Close)

	sb := &Sandboxes{Care: cs, Salesforce: sf, CareURL: careSrv.URL, SalesforceURL: sfSrv.URL, PubSubAddr: pubsubAddr, CareOnlyAgentID: "agent_nosf"}
	for _, u := range sf.Users() {
		email, _ := u["Email"].(string)
		active, _ := u["IsActive"].(bool)
		id, _ := u["Id"].(string)
		if !active || email == "" || id == sf.IntegrationUserID() {
			continue
		}
		p := Person{Email: email, CareAgentID: "agent_" + strings.SplitN(email, "@", 2)[0], SalesforceID: id}
		name := fmt.Sprintf("%v %v", u["FirstName"], u["LastName"])
		cs.AddAgent(care.Agent{ID: p.CareAgentID, Name: name, Email: email})
		sb.People = append(sb.People, p)
	}
	if len(sb.People) < 2 {
		t.Fatalf("testenv: the Salesforce sandbox seeded %d active users; tests need at least 2", len(sb.People))
	}
	cs.AddAgent(care.Agent{ID: sb.CareOnlyAgentID, Name: "Nadia No-Salesforce", Email: "nadia@elsewhere.example"})
	for _, p := range Platforms {
		cs.AddProfile(care.Profile{ID: ProfileID(p), Platform: p, Name: "Acme " + string(p), Handle: "acme_" + string(p)})
	}
	return sb
}

// ServePubSub serves sf's change events (the Pub/Sub API, plaintext gRPC)
// on a loopback port for the life of the test and returns its address.
func ServePubSub(t testing.TB, sf *sfsim.Server) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testenv: Salesforce sandbox Pub/Sub listener: %v", err)
	}
	srv := sf.PubSubServer()
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(srv.Stop)
	return l.Addr().String()
}

// Escalate escalates a Facebook case with a brand post and the customer's
// comment on it, assigned to assignee (nil: unassigned).
func (sb *Sandboxes) Escalate(t testing.TB, id string, assignee *string) care.Case {
	t.Helper()
	profile := ProfileID(rules.Facebook)
	now := time.Now()
	parent := "post_" + id
	c, err := sb.Care.Escalate(care.Case{
		ID: id, Platform: rules.Facebook, ProfileID: &profile, AssigneeID: assignee,
		Subject: "Tent pole snapped (" + id + ")", Description: "The customer reports a broken pole.",
		Sentiment: "negative", Priority: "high",
		Customer: care.Customer{ID: "cust_" + id, Handle: "maria_" + id, Name: "Maria"},
	}, []care.Message{
		{ID: parent, Kind: rules.Post, Direction: care.Outbound, Text: "Our new tent is here!", PostedAt: now.Add(-time.Hour)},
		{ID: "comment_" + id, Kind: rules.Comment, ParentID: &parent, Text: "Mine broke on day one.", PostedAt: now.Add(-30 * time.Minute)},
	})
	if err != nil {
		t.Fatalf("testenv: escalate %s: %v", id, err)
	}
	return c
}

// Agent signs in the person with that e-mail address as a Salesforce
// agent (its username is its e-mail address in the sandbox).
func (sb *Sandboxes) Agent(t testing.TB, email string) *Agent {
	t.Helper()
	return SignInAgent(t, sb.SalesforceURL, SalesforceClientID, SalesforceSecret, email, AgentPassword)
}

// SalesforceCases returns every Salesforce Case linked to the Care case
// careID (more than one is a duplicate).
func (sb *Sandboxes) SalesforceCases(careID string) []map[string]any {
	var out []map[string]any
	for _, r := range sb.Salesforce.Records("Case") {
		if r["Care_Case_Id__c"] == careID {
			out = append(out, r)
		}
	}
	return out
}

// SalesforceCase returns the Salesforce Case of careID, or nil.
func (sb *Sandboxes) SalesforceCase(careID string) map[string]any {
	if cs := sb.SalesforceCases(careID); len(cs) > 0 {
		return cs[0]
	}
	return nil
}

// CaseComments returns the CaseComments of the Salesforce Case sfID.
func (sb *Sandboxes) CaseComments(sfID string) []map[string]any {
	var out []map[string]any
	for _, r := range sb.Salesforce.Records("CaseComment") {
		if r["ParentId"] == sfID {
			out = append(out, r)
		}
	}
	return out
}

// SalesforceWrites is the number of write calls Salesforce received.
func (sb *Sandboxes) SalesforceWrites() int {
	n := 0
	for _, op := range []string{sfsim.OpCreate, sfsim.OpUpdate, sfsim.OpUpsert, sfsim.OpDelete,
		sfsim.OpCollectionsCreate, sfsim.OpCollectionsUpdate, sfsim.OpCollectionsUpsert, sfsim.OpCollectionsDelete} {
		n += sb.Salesforce.Calls(op)
	}
	return n
}

// PersonByCareAgent finds the person with Care agent id id.
func (sb *Sandboxes) PersonByCareAgent(id string) (Person, bool) {
	for _, p := range sb.People {
		if p.CareAgentID == id {
			return p, true
		}
	}
	return Person{}, false
}

// PersonBySalesforceUser finds the person with Salesforce user id id.
func (sb *Sandboxes) PersonBySalesforceUser(id string) (Person, bool) {
	for _, p := range sb.People {
		if p.SalesforceID == id {
			return p, true
		}
	}
	return Person{}, false
}
