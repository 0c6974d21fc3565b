package bridge

import (
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/mapping"
	"github.com/carebridge/carebridge/mapping/merge"
)

// boundMapper is the mapping bound to one identity snapshot. What every
// reconcile asks of it (the policies, the fields mapped to Care attributes)
// is worked out once, when it is bound.
type boundMapper struct {
	m         *mapping.Mapping
	id        *mapping.Identity
	policies  []merge.FieldPolicy
	canonical map[string]string // Care attribute -> canonical field
	writes    map[string]string // canonical field -> the Case field it writes
}

var _ Mapper = boundMapper{}

func bind(m *mapping.Mapping, id *mapping.Identity) boundMapper {
	b := boundMapper{m: m, id: id, policies: m.Policies(id), canonical: map[string]string{}, writes: map[string]string{}}
	for _, f := range m.Fields() {
		if _, seen := b.canonical[f.Care]; !seen {
			b.canonical[f.Care] = f.Name
		}
		if f.Direction.WritesSalesforce() {
			b.writes[f.Name] = f.Salesforce
		}
	}
	return b
}

func (b boundMapper) FromCare(c care.Case) map[string]string { return b.m.FromCare(c) }
func (b boundMapper) FromSalesforce(rec Record) map[string]string {
	return b.m.FromSalesforce(rec, b.id)
}
func (b boundMapper) ToSalesforce(v map[string]string) Record {
	return b.m.ToSalesforce(v, b.id)
}
func (b boundMapper) SalesforceFields() []string      { return b.m.SalesforceFields() }
func (b boundMapper) SalesforceField(c string) string { return b.writes[c] }
func (b boundMapper) Policies() []merge.FieldPolicy   { return b.policies }
func (b boundMapper) CareAgentFor(sfUserID string) string {
	a, _ := b.id.CareAgentFor(sfUserID)
	return a
}

func (b boundMapper) CanonicalFor(attr string) string { return b.canonical[attr] }

// Conversation is what the mirrored conversation keeps of deleted content.
func (b boundMapper) Conversation() mapping.Conversation { return b.m.Conversation() }

// keepsBrandDeleted reports whether the mapping behind m keeps the content
// of messages the brand deleted (conversation.brand_deleted: keep); a
// Mapper that does not say removes it.
func keepsBrandDeleted(m Mapper) bool {
	c, ok := m.(interface{ Conversation() mapping.Conversation })
	return ok && c.Conversation().KeepBrandDeleted
}

func (b boundMapper) KnowsAgent(careAgentID string) bool { return b.id.KnowsAgent(careAgentID) }
func (b boundMapper) KnowsUser(sfUserID string) bool     { return b.id.KnowsUser(sfUserID) }

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
		return bind(m, m.Identity(agents, us)), nil
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
