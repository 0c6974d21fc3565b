package bridge

import (
	"github.com/carebridge/carebridge/bridge/merge"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/mapping"
)

// boundMapper is the mapping bound to one identity snapshot.
type boundMapper struct {
	m  *mapping.Mapping
	id *mapping.Identity
}

var _ Mapper = boundMapper{}

func (b boundMapper) FromCare(c care.Case) map[string]string { return b.m.FromCare(c) }
func (b boundMapper) FromSalesforce(rec Record) map[string]string {
	return b.m.FromSalesforce(rec, b.id)
}
func (b boundMapper) ToSalesforce(v map[string]string) Record {
	return b.m.ToSalesforce(v, b.id)
}
func (b boundMapper) SalesforceFields() []string    { return b.m.SalesforceFields() }
func (b boundMapper) Policies() []merge.FieldPolicy { return b.m.Policies(b.id) }
func (b boundMapper) CareAgentFor(sfUserID string) string {
	a, _ := b.id.CareAgentFor(sfUserID)
	return a
}

func (b boundMapper) CanonicalFor(attr string) string { return CanonicalFor(b.m, attr) }

// CanonicalFor is the canonical field m maps to a Care case attribute
// (CareStatusAttribute, CareAssigneeAttribute), "" if none.
func CanonicalFor(m *mapping.Mapping, attr string) string {
	for _, f := range m.Fields() {
		if f.Care == attr {
			return f.Name
		}
	}
	return ""
}

// MappingSource binds an admin's mapping to the identities of the moment:
// Care agents and Salesforce users (Id, Email, IsActive).
func MappingSource(m *mapping.Mapping) MapperSource {
	return func(agents []care.Agent, users []Record) (Mapper, error) {
		us := make([]mapping.User, 0, len(users))
		for _, u := range users {
			active, _ := u["IsActive"].(bool)
			id, _ := u["Id"].(string)
			email, _ := u["Email"].(string)
			us = append(us, mapping.User{ID: id, Email: email, IsActive: active})
		}
		return boundMapper{m: m, id: m.Identity(agents, us)}, nil
	}
}

// NotesTargetOf says where the mapping keeps Care notes in Salesforce.
func NotesTargetOf(m *mapping.Mapping) NotesTarget {
	n := m.Notes()
	if n.Object == mapping.NotesTask {
		return NotesTarget{Object: "Task", ParentField: "WhatId", BodyField: "Description", Extra: Record{"Subject": "Care note", "Status": "Completed"}, Direction: n.Direction}
	}
	return NotesTarget{Object: "CaseComment", ParentField: "ParentId", BodyField: "CommentBody", Extra: Record{"IsPublished": n.Published}, Direction: n.Direction}
}
