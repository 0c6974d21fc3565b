package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/carebridge/carebridge/bridge"
	"github.com/carebridge/carebridge/bridge/merge"
	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/salesforce"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/connectors/upstream"
	"github.com/carebridge/carebridge/mapping"
)

// sfAdapter gives the engine the Salesforce calls it needs.
type sfAdapter struct{ c *salesforce.Client }

var _ bridge.Salesforce = sfAdapter{}

func (a sfAdapter) Query(ctx context.Context, q soql.Query) ([]bridge.Record, error) {
	recs, err := a.c.Query(ctx, q)
	return toBridge(recs), err
}

func (a sfAdapter) UpsertMany(ctx context.Context, object, extField string, recs []bridge.Record) ([]bridge.WriteResult, error) {
	res, err := a.c.UpsertMany(ctx, object, extField, toSalesforce(recs))
	return results(res), err
}

func (a sfAdapter) UpdateMany(ctx context.Context, object string, recs []bridge.Record) ([]bridge.WriteResult, error) {
	res, err := a.c.UpdateMany(ctx, object, toSalesforce(recs))
	return results(res), err
}

func (a sfAdapter) CreateMany(ctx context.Context, object string, recs []bridge.Record) ([]bridge.WriteResult, error) {
	res, err := a.c.CreateMany(ctx, object, toSalesforce(recs))
	return results(res), err
}

func (a sfAdapter) Changed(ctx context.Context, object string, fields []string, where soql.Cond, watermark string) ([]bridge.Record, string, error) {
	var wm salesforce.Watermark
	if watermark != "" {
		if err := json.Unmarshal([]byte(watermark), &wm); err != nil {
			// A damaged watermark re-reads everything: triggers are only
			// hints, so a full re-read costs calls but loses nothing.
			wm = salesforce.Watermark{}
		}
	}
	recs, next, err := a.c.Changed(ctx, object, fields, wm, where)
	if err != nil {
		return nil, watermark, err
	}
	b, err := json.Marshal(next)
	if err != nil {
		return nil, watermark, upstream.MarkPermanent(fmt.Errorf("encode watermark: %w", err))
	}
	return toBridge(recs), string(b), nil
}

// DescribeFields reads an object's field lengths and picklist values for the
// engine, which cuts values to fit.
func (a sfAdapter) DescribeFields(ctx context.Context, object string) (map[string]bridge.FieldInfo, error) {
	d, err := a.c.Describe(ctx, object)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bridge.FieldInfo, len(d.Fields))
	for _, f := range d.Fields {
		info := bridge.FieldInfo{Type: f.Type, Length: f.Length, Restricted: f.RestrictedPicklist}
		for _, v := range f.PicklistValues {
			if v.Active {
				info.Values = append(info.Values, v.Value)
			}
		}
		out[f.Name] = info
	}
	return out, nil
}

func toBridge(recs []salesforce.Record) []bridge.Record {
	out := make([]bridge.Record, len(recs))
	for i, r := range recs {
		out[i] = bridge.Record(r)
	}
	return out
}

func toSalesforce(recs []bridge.Record) []salesforce.Record {
	out := make([]salesforce.Record, len(recs))
	for i, r := range recs {
		out[i] = salesforce.Record(r)
	}
	return out
}

func results(res []salesforce.Result) []bridge.WriteResult {
	out := make([]bridge.WriteResult, len(res))
	for i, r := range res {
		out[i] = bridge.WriteResult{ID: r.ID, Created: r.Created, Err: r.Err}
	}
	return out
}

// enqueuer adapts the queue's Add to the engine's.
type enqueuer struct{ q *queue.Queue }

func (e enqueuer) Add(ctx context.Context, key string) error {
	_, err := e.q.Add(ctx, key)
	return err
}

// storeAdapter gives the engine the sync state it needs.
type storeAdapter struct {
	s   *state.Store
	now func() time.Time
}

var _ bridge.Store = storeAdapter{}

func (a storeAdapter) Link(ctx context.Context, careID string) (string, bool, error) {
	return a.s.SalesforceCase(ctx, careID)
}

func (a storeAdapter) SetLink(ctx context.Context, careID, sfID string) error {
	return a.s.LinkCase(ctx, careID, sfID)
}

func (a storeAdapter) CareIDFor(ctx context.Context, sfID string) (string, bool, error) {
	return a.s.CareCase(ctx, sfID)
}

func (a storeAdapter) Base(ctx context.Context, careID string) (map[string]string, bool, error) {
	b, ok, err := a.s.LoadBase(ctx, careID)
	return b.Fields, ok, err
}

func (a storeAdapter) SetBase(ctx context.Context, careID string, base map[string]string) error {
	return a.s.SaveBase(ctx, careID, base, a.now())
}

func (a storeAdapter) PendingWrites(ctx context.Context, careID string) (map[string]merge.Intent, error) {
	raw, err := a.s.PendingWrites(ctx, careID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]merge.Intent, len(raw))
	for f, w := range raw {
		out[f] = merge.Intent{Value: w.Value, Written: merge.Side(w.Side)}
	}
	return out, nil
}

func (a storeAdapter) SetPendingWrites(ctx context.Context, careID string, writes map[string]merge.Intent) error {
	raw := make(map[string]state.PendingWrite, len(writes))
	for f, w := range writes {
		raw[f] = state.PendingWrite{Value: w.Value, Side: string(w.Written)}
	}
	return a.s.SavePendingWrites(ctx, careID, raw)
}

func (a storeAdapter) NoteLinkByCare(ctx context.Context, careID, careNoteID string) (string, bool, error) {
	return a.s.SalesforceChild(ctx, careID, state.Notes, careNoteID)
}

func (a storeAdapter) NoteLinkBySalesforce(ctx context.Context, careID, sfID string) (string, bool, error) {
	return a.s.CareChild(ctx, careID, state.Notes, sfID)
}

func (a storeAdapter) SetNoteLink(ctx context.Context, careID, careNoteID, sfID string) error {
	return a.s.LinkChild(ctx, careID, state.Notes, careNoteID, sfID)
}

func (a storeAdapter) Audit(ctx context.Context, e bridge.AuditEntry) error {
	_, err := a.s.Audit(ctx, state.AuditEntry{Case: e.CaseID, Field: e.Field, From: e.From, To: e.To, Side: e.Side, Policy: e.Policy, Resolution: e.Resolution, Time: e.At})
	return err
}

func (a storeAdapter) Cursor(ctx context.Context, name string) (string, error) {
	c, _, err := a.s.Cursor(ctx, name)
	return c, err
}

func (a storeAdapter) SetCursor(ctx context.Context, name, value string) error {
	return a.s.SetCursor(ctx, name, value)
}

func (a storeAdapter) LinkedCases(ctx context.Context) ([]string, error) {
	var all []string
	var cursor uint64
	for {
		ids, next, err := a.s.LinkedCases(ctx, cursor, 1000)
		if err != nil {
			return nil, err
		}
		all = append(all, ids...)
		if next == 0 {
			return all, nil
		}
		cursor = next
	}
}

func (a storeAdapter) SetCaseClosed(ctx context.Context, careID string, closed bool, at time.Time) error {
	return a.s.SetCaseClosed(ctx, careID, closed, at)
}

func (a storeAdapter) ClosedBefore(ctx context.Context, t time.Time, n int64) ([]string, error) {
	return a.s.ClosedBefore(ctx, t, n)
}

func (a storeAdapter) RetireCase(ctx context.Context, careID string, cutoff time.Time, keepBase time.Duration) (map[string]string, bool, error) {
	base, err := a.s.RetireCase(ctx, careID, cutoff, keepBase)
	if errors.Is(err, state.ErrReopened) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return base.Fields, true, nil
}

func (a storeAdapter) MessageMirror(ctx context.Context, careID string) (map[string]bridge.MirroredMessage, error) {
	m, err := a.s.MessageMirror(ctx, careID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bridge.MirroredMessage, len(m))
	for id, v := range m {
		out[id] = bridge.MirroredMessage{SalesforceID: v.SalesforceID, Hash: v.Hash}
	}
	return out, nil
}

func (a storeAdapter) SetMessageMirror(ctx context.Context, careID string, msgs map[string]bridge.MirroredMessage) error {
	m := make(map[string]state.MirroredMessage, len(msgs))
	for id, v := range msgs {
		m[id] = state.MirroredMessage{SalesforceID: v.SalesforceID, Hash: v.Hash}
	}
	return a.s.SetMessageMirror(ctx, careID, m)
}

func (a storeAdapter) ClaimAction(ctx context.Context, actionID string, ttl time.Duration) (bool, error) {
	return a.s.Claim(ctx, actionID, ttl)
}

func (a storeAdapter) ReleaseAction(ctx context.Context, actionID string) error {
	return a.s.ReleaseClaim(ctx, actionID)
}

func (a storeAdapter) BeginAction(ctx context.Context, actionID, idemKey string) (bridge.ActionRecord, bool, error) {
	r, created, err := a.s.BeginAction(ctx, actionID, idemKey, nil)
	return actionRecord(r), created, err
}

func (a storeAdapter) CompleteAction(ctx context.Context, actionID string, o bridge.ActionRecord) error {
	return a.s.CompleteAction(ctx, actionID, state.ActionOutcome{State: state.ActionState(o.State), CareMessageID: o.CareResultID, Code: o.Code, Reason: o.Reason})
}

func (a storeAdapter) MarkActionReported(ctx context.Context, actionID string) error {
	return a.s.MarkActionReported(ctx, actionID)
}

func (a storeAdapter) ActionRecord(ctx context.Context, actionID string) (bridge.ActionRecord, bool, error) {
	r, ok, err := a.s.Action(ctx, actionID)
	return actionRecord(r), ok, err
}

func actionRecord(r state.ActionRecord) bridge.ActionRecord {
	return bridge.ActionRecord{State: bridge.ActionState(r.State), IdempotencyKey: r.IdempotencyKey, CareResultID: r.CareMessageID,
		Code: r.Code, Reason: r.Reason, StartedAt: r.StartedAt, Reported: r.Reported}
}

// boundMapper is the mapping bound to one identity snapshot.
type boundMapper struct {
	m  *mapping.Mapping
	id *mapping.Identity
}

var _ bridge.Mapper = boundMapper{}

func (b boundMapper) FromCare(c care.Case) map[string]string { return b.m.FromCare(c) }
func (b boundMapper) FromSalesforce(rec bridge.Record) map[string]string {
	return b.m.FromSalesforce(rec, b.id)
}
func (b boundMapper) ToSalesforce(v map[string]string) bridge.Record {
	return b.m.ToSalesforce(v, b.id)
}
func (b boundMapper) SalesforceFields() []string    { return b.m.SalesforceFields() }
func (b boundMapper) Policies() []merge.FieldPolicy { return b.m.Policies(b.id) }
func (b boundMapper) CareAgentFor(sfUserID string) string {
	a, _ := b.id.CareAgentFor(sfUserID)
	return a
}

func (b boundMapper) CanonicalFor(attr string) string {
	for _, f := range b.m.Fields() {
		if f.Care == attr {
			return f.Name
		}
	}
	return ""
}

func mapperSource(m *mapping.Mapping) bridge.MapperSource {
	return func(agents []care.Agent, users []bridge.Record) (bridge.Mapper, error) {
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

func notesTarget(m *mapping.Mapping) bridge.NotesTarget {
	n := m.Notes()
	if n.Object == mapping.NotesTask {
		return bridge.NotesTarget{Object: "Task", ParentField: "WhatId", BodyField: "Description", Extra: bridge.Record{"Subject": "Care note", "Status": "Completed"}, Direction: n.Direction}
	}
	return bridge.NotesTarget{Object: "CaseComment", ParentField: "ParentId", BodyField: "CommentBody", Extra: bridge.Record{"IsPublished": n.Published}, Direction: n.Direction}
}

// webhookDedupe remembers webhook event ids in Redis.
type webhookDedupe struct{ s *state.Store }

func (w webhookDedupe) FirstSeen(ctx context.Context, id string) (bool, error) {
	return w.s.FirstSeen(ctx, id)
}

func (w webhookDedupe) Forget(ctx context.Context, id string) error { return w.s.ForgetEvent(ctx, id) }
