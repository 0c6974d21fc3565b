package mapping

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/mapping/merge"
)

const (
	userAna = "005000000000ANAAAA"
	userBob = "005000000000BOBAAA" // matches no Care agent
	queue   = "00G000000000QUEAAA"
)

func defaultMapping(t *testing.T) *Mapping {
	t.Helper()
	m, err := Default(FromMetadata(shippedSchema(t)))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func testIdentity(m *Mapping) *Identity {
	return m.Identity(
		[]care.Agent{{ID: "ag-ana", Email: "ana@example.com"}, {ID: "ag-nosf", Email: "nosf@example.com"}},
		[]User{{ID: userAna, Email: "ana@example.com", IsActive: true}, {ID: userBob, Email: "bob@example.com", IsActive: true}},
	)
}

func ptr(s string) *string { return &s }

// asRecord passes Case writes through JSON, as the REST API would return them.
func asRecord(t *testing.T, writes map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(writes)
	if err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestProjectionRoundTrip(t *testing.T) {
	m := defaultMapping(t)
	idents := testIdentity(m)
	cases := []struct {
		name string
		c    care.Case
		// lossy lists fields Salesforce shows differently, with what it shows.
		lossy map[string]string
	}{
		{name: "open, assigned, full", c: care.Case{ID: "c1", Platform: rules.Instagram, Status: rules.Open, AssigneeID: ptr("ag-ana"),
			ProfileID: ptr("prof-9"), Sentiment: "negative", Priority: "high", Subject: "Order late", Description: "Where is my order?"}},
		{name: "pending, unassigned, no profile", c: care.Case{ID: "c2", Platform: rules.Facebook, Status: rules.Pending,
			Sentiment: "", Priority: "normal", Subject: "Hi"}},
		{name: "done", c: care.Case{ID: "c3", Platform: rules.TikTok, Status: rules.Done, AssigneeID: ptr("ag-ana"), Priority: "low"}},
		{name: "urgent shows as High", c: care.Case{ID: "c4", Platform: rules.Twitter, Status: rules.Open, Priority: "urgent"},
			lossy: map[string]string{"priority": "High"}},
		{name: "agent without Salesforce user shows as unassigned", c: care.Case{ID: "c5", Platform: rules.YouTube, Status: rules.Open,
			AssigneeID: ptr("ag-nosf"), Priority: "normal"}, lossy: map[string]string{"assignee": ""}},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			canon := m.FromCare(tt.c)
			writes := m.ToSalesforce(canon, idents)
			back := m.FromSalesforce(asRecord(t, writes), idents)
			for _, f := range m.Fields() {
				want := canon[f.Name]
				if v, ok := tt.lossy[f.Name]; ok {
					want = v
				} else if f.Name == "priority" {
					want, _ = f.CareToSalesforce.Lookup(want) // one-way: read back as Salesforce shows it
				}
				if back[f.Name] != want {
					t.Errorf("%s: Care %q -> Salesforce %v -> %q, want %q", f.Name, canon[f.Name], writes[f.Salesforce], back[f.Name], want)
				}
				if img := m.SalesforceImage(f.Name, canon[f.Name], idents); img != back[f.Name] {
					t.Errorf("%s: SalesforceImage(%q) = %q, but Salesforce reads back %q", f.Name, canon[f.Name], img, back[f.Name])
				}
			}
		})
	}
}

func TestToSalesforceWrites(t *testing.T) {
	m := defaultMapping(t)
	idents := testIdentity(m)
	c := care.Case{Platform: rules.LinkedIn, Status: rules.Pending, AssigneeID: ptr("ag-ana"), Priority: "urgent", Subject: "S", Description: "D"}
	got := m.ToSalesforce(m.FromCare(c), idents)
	want := map[string]any{
		"Subject": "S", "Description": "D", "Care_Platform__c": "linkedin", "Care_Profile__c": nil,
		"Care_Sentiment__c": nil, "Priority": "High", "OwnerId": userAna, "Status": "On Hold",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ToSalesforce = %v\nwant %v", got, want)
	}
	// Only the given fields are written.
	if got := m.ToSalesforce(map[string]string{"status": "done", "unknown": "x"}, idents); !reflect.DeepEqual(got, map[string]any{"Status": "Closed"}) {
		t.Errorf("ToSalesforce(status done) = %v", got)
	}
}

func TestFromSalesforce(t *testing.T) {
	m := defaultMapping(t)
	idents := testIdentity(m)
	tests := []struct {
		name             string
		rec              map[string]any
		status, assignee string
	}{
		{"New is open", map[string]any{"Status": "New", "OwnerId": userAna}, "open", "ag-ana"},
		{"Working is open", map[string]any{"Status": "Working", "OwnerId": userAna}, "open", "ag-ana"},
		{"Escalated is open", map[string]any{"Status": "Escalated"}, "open", ""},
		{"On Hold is pending", map[string]any{"Status": "On Hold"}, "pending", ""},
		{"Closed is done", map[string]any{"Status": "Closed"}, "done", ""},
		{"a status added later falls to else", map[string]any{"Status": "Waiting on Vendor"}, "open", ""},
		{"queue owner is unassigned", map[string]any{"Status": "New", "OwnerId": queue}, "open", ""},
		{"unmatched user is unassigned", map[string]any{"Status": "New", "OwnerId": userBob}, "open", ""},
		{"15-character owner id", map[string]any{"Status": "New", "OwnerId": userAna[:15]}, "open", "ag-ana"},
		{"field names ignore case", map[string]any{"status": "Closed", "ownerid": userAna}, "done", "ag-ana"},
		{"null owner", map[string]any{"Status": "New", "OwnerId": nil}, "open", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := m.FromSalesforce(tt.rec, idents)
			if got["status"] != tt.status || got["assignee"] != tt.assignee {
				t.Errorf("status %q assignee %q, want %q %q", got["status"], got["assignee"], tt.status, tt.assignee)
			}
		})
	}
}

func TestToCare(t *testing.T) {
	m := defaultMapping(t)
	tests := []struct {
		name   string
		fields map[string]string
		want   CareUpdate
	}{
		{"assign and close", map[string]string{"assignee": "ag-ana", "status": "done"},
			CareUpdate{Assign: &care.AssignRequest{AgentID: ptr("ag-ana")}, Status: &care.StatusRequest{Status: rules.Done}}},
		{"unassign", map[string]string{"assignee": ""}, CareUpdate{Assign: &care.AssignRequest{}}},
		{"pending", map[string]string{"status": "pending"}, CareUpdate{Status: &care.StatusRequest{Status: rules.Pending}}},
		{"one-way fields never write Care", map[string]string{"subject": "x", "priority": "high", "profile": "p"}, CareUpdate{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := m.ToCare(tt.fields)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ToCare = %s, want %s", show(got), show(tt.want))
			}
			if got.Empty() != tt.want.Empty() {
				t.Errorf("Empty = %v", got.Empty())
			}
		})
	}
}

func show(u CareUpdate) string {
	b, _ := json.Marshal(u)
	return string(b)
}

func TestUnassignedOwner(t *testing.T) {
	src := strings.Replace(string(configs.Mapping()), "unassigned_owner: keep", "unassigned_owner: "+queue, 1)
	m, err := Parse("mapping.yaml", []byte(src), FromMetadata(shippedSchema(t)))
	if err != nil {
		t.Fatal(err)
	}
	idents := testIdentity(m)
	keep := defaultMapping(t)
	tests := []struct {
		name     string
		m        *Mapping
		assignee string
		want     map[string]any
	}{
		{"keep: unassigned leaves the owner", keep, "", map[string]any{}},
		{"keep: agent without user leaves the owner", keep, "ag-nosf", map[string]any{}},
		{"keep: matched agent", keep, "ag-ana", map[string]any{"OwnerId": userAna}},
		{"queue: unassigned goes to the queue", m, "", map[string]any{"OwnerId": queue}},
		{"queue: agent without user goes to the queue", m, "ag-nosf", map[string]any{"OwnerId": queue}},
		{"queue: matched agent", m, "ag-ana", map[string]any{"OwnerId": userAna}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.m.ToSalesforce(map[string]string{"assignee": tt.assignee}, idents)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ToSalesforce = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestMergeWithMappingIsQuiet runs the mapping and the merge together over
// ten sync cycles of a case whose values Salesforce shows lossily (urgent ->
// High, an agent without a Salesforce user): nothing is written after the
// first cycle. Then a Salesforce close arrives in Care as done.
func TestMergeWithMappingIsQuiet(t *testing.T) {
	m := defaultMapping(t)
	idents := testIdentity(m)
	policies := m.Policies(idents)
	c := care.Case{ID: "c1", Platform: rules.Facebook, Status: rules.Open, AssigneeID: ptr("ag-nosf"), Priority: "urgent", Subject: "S"}
	sfRec := map[string]any{"OwnerId": queue, "Status": "New"}
	var base map[string]string
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	for cycle := range 10 {
		plan := merge.Merge(base, m.FromCare(c), m.FromSalesforce(sfRec, idents), policies, now, now)
		if cycle > 0 && (plan.HasWrites() || len(plan.Conflicts) > 0) {
			t.Fatalf("cycle %d writes: %+v", cycle, plan)
		}
		for k, v := range m.ToSalesforce(plan.ToSalesforce, idents) {
			sfRec[k] = v
		}
		if !m.ToCare(plan.ToCare).Empty() {
			t.Fatalf("cycle %d writes Care: %+v", cycle, plan.ToCare)
		}
		base = plan.Base
	}
	if sfRec["Priority"] != "High" || sfRec["Status"] != "New" || sfRec["OwnerId"] != queue {
		t.Errorf("Salesforce record = %v", sfRec)
	}
	// An agent closes the Case in Salesforce and takes it.
	sfRec["Status"], sfRec["OwnerId"] = "Closed", userAna
	plan := merge.Merge(base, m.FromCare(c), m.FromSalesforce(sfRec, idents), policies, now, now.Add(time.Minute))
	want := CareUpdate{Assign: &care.AssignRequest{AgentID: ptr("ag-ana")}, Status: &care.StatusRequest{Status: rules.Done}}
	if got := m.ToCare(plan.ToCare); !reflect.DeepEqual(got, want) || len(plan.ToSalesforce) > 0 {
		t.Errorf("plan = %+v, Care update %s, want %s", plan, show(got), show(want))
	}
}

// TestDeletedCareCase: a case deleted in Care closes the Salesforce Case and
// stays quiet afterwards; without a deleted entry the status is left alone.
func TestDeletedCareCase(t *testing.T) {
	m := defaultMapping(t)
	idents := testIdentity(m)
	if got := m.ToSalesforce(map[string]string{"status": "deleted"}, idents); !reflect.DeepEqual(got, map[string]any{"Status": "Closed"}) {
		t.Errorf("ToSalesforce(deleted) = %v, want Status Closed", got)
	}
	if img := m.SalesforceImage("status", "deleted", idents); img != "done" {
		t.Errorf("SalesforceImage(deleted) = %q, want done (Closed reads back as done)", img)
	}
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	base := map[string]string{"status": "open"}
	careVals := map[string]string{"status": "deleted"}
	sfRec := map[string]any{"Status": "New"}
	for cycle := range 3 {
		plan := merge.Merge(base, careVals, m.FromSalesforce(sfRec, idents), m.Policies(idents), now, now)
		if cycle > 0 && plan.HasWrites() {
			t.Fatalf("cycle %d writes %+v", cycle, plan)
		}
		for k, v := range m.ToSalesforce(plan.ToSalesforce, idents) {
			sfRec[k] = v
		}
		base = plan.Base
	}
	if sfRec["Status"] != "Closed" {
		t.Errorf("Salesforce status = %v, want Closed", sfRec["Status"])
	}

	src := strings.Replace(string(configs.Mapping()), "        deleted: Closed\n", "", 1)
	without, err := Parse("mapping.yaml", []byte(src), FromMetadata(shippedSchema(t)))
	if err != nil {
		t.Fatal(err)
	}
	if got := without.ToSalesforce(map[string]string{"status": "deleted"}, idents); len(got) != 0 {
		t.Errorf("without a deleted entry ToSalesforce(deleted) = %v, want no write", got)
	}
}
