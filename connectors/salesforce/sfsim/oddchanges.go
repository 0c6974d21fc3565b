package sfsim

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// Change events a real org sends besides one event per record write, which
// the sandbox produces on request (the Go API below, or POST
// /sandbox/changes):
//
//   - gap events (GAP_CREATE, GAP_UPDATE, GAP_DELETE, GAP_UNDELETE): the
//     header and the record ids, no field values. Salesforce sends one when
//     it cannot send the change event (larger than 1 MB, an internal error)
//     or when the change bypassed the application servers (a data cleanup
//     job in the database). A GAP_UPDATE may carry fields, which the sandbox
//     writes to the records directly, as such a job would.
//   - overflow (GAP_OVERFLOW): a transaction past 100,000 changes sends one
//     event per object for the changes beyond, naming the object but no
//     record. The sandbox writes the fields to the records without their
//     own events.
//   - wildcard: converting a custom field to an incompatible type nulls it in
//     every record of the object; one UPDATE event stands for them all, its
//     recordIds the object's key prefix and '*' (500*), without fields.
//   - merged: the same change to several records of one object in one
//     transaction comes as one event naming them all (recordIds). The
//     sandbox applies the fields to each record as an agent's mass edit.

// Kinds of OddChange.
const (
	OddGap      = "gap"
	OddOverflow = "overflow"
	OddWildcard = "wildcard"
	OddMerged   = "merged"
)

// OddChange asks for one of the change events above.
type OddChange struct {
	Kind   string `json:"kind"`   // OddGap, OddOverflow, OddWildcard, OddMerged
	Object string `json:"object"` // the object of the records
	// ChangeType of a gap event: GAP_CREATE, GAP_UPDATE (default),
	// GAP_DELETE or GAP_UNDELETE.
	ChangeType string `json:"changeType,omitempty"`
	// RecordIDs: a gap event's records (at least one), a merged event's (at
	// least two), an overflow's records to write Fields to.
	RecordIDs []string `json:"recordIds,omitempty"`
	// Fields are written to each of RecordIDs: a GAP_UPDATE's change, an
	// overflow's, a merged event's (required).
	Fields map[string]any `json:"fields,omitempty"`
	// Field is the custom field a wildcard's type conversion nulls.
	Field string `json:"field,omitempty"`
}

// EmitChange makes the change and sends its event; it returns the event's
// replay id.
func (s *pubSub) EmitChange(oc OddChange) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, terr := s.store.table(oc.Object)
	if terr != nil {
		return nil, fmt.Errorf("sfsim %s change: %w", oc.Kind, terr)
	}
	if !t.obj.HasChangeEvents() {
		return nil, fmt.Errorf("sfsim %s change: %s has no change events", oc.Kind, t.obj.Name)
	}
	recs, err := s.store.liveRecords(t, oc.RecordIDs)
	if err != nil {
		return nil, fmt.Errorf("sfsim %s change: %w", oc.Kind, err)
	}
	c := change{t: t, stamp: s.opts.Clock(), headerOnly: true}
	switch oc.Kind {
	case OddGap:
		c.typ = oc.ChangeType
		if c.typ == "" {
			c.typ = ChangeGapUpdate
		}
		if !slices.Contains([]string{ChangeGapCreate, ChangeGapUpdate, ChangeGapDelete, ChangeGapUndelete}, c.typ) {
			return nil, fmt.Errorf("sfsim gap change: changeType %q is not GAP_CREATE, GAP_UPDATE, GAP_DELETE or GAP_UNDELETE", clip(c.typ))
		}
		if len(recs) == 0 {
			return nil, errors.New("sfsim gap change: a gap event names its records (recordIds)")
		}
		if len(oc.Fields) > 0 && c.typ != ChangeGapUpdate {
			return nil, errors.New("sfsim gap change: only a GAP_UPDATE writes fields")
		}
		if err := s.store.writeDirect(t, recs, oc.Fields); err != nil {
			return nil, fmt.Errorf("sfsim gap change: %w", err)
		}
		c.ids = idsOf(recs)
	case OddOverflow:
		c.typ = ChangeGapOverflow
		if err := s.store.writeDirect(t, recs, oc.Fields); err != nil {
			return nil, fmt.Errorf("sfsim overflow: %w", err)
		}
		c.ids = []string{}
	case OddWildcard:
		f, ok := t.obj.Field(oc.Field)
		if !ok || !f.Custom {
			return nil, fmt.Errorf("sfsim wildcard change: %s has no custom field %q to convert", t.obj.Name, clip(oc.Field))
		}
		var all []*record
		for _, r := range t.records {
			if !r.deleted {
				all = append(all, r)
			}
		}
		if err := s.store.writeDirect(t, all, map[string]any{f.Name: nil}); err != nil {
			return nil, fmt.Errorf("sfsim wildcard change: %w", err)
		}
		c.typ, c.ids = ChangeUpdate, []string{t.obj.KeyPrefix + "*"}
	case OddMerged:
		if len(recs) < 2 || len(oc.Fields) == 0 {
			return nil, errors.New("sfsim merged change: a merged event needs two records or more (recordIds) and the fields of their change")
		}
		x := &tx{}
		mode := writeMode{actor: s.editorUser, silent: true}
		var changed []string
		for _, r := range recs {
			before := maps.Clone(r.fields)
			if err := s.store.update(t, r, maps.Clone(oc.Fields), mode, x); err != nil {
				x.rollback()
				return nil, fmt.Errorf("sfsim merged change of %s: %w", r.id, err)
			}
			changed = mergeFields(changed, changedFields(t, before, r.fields))
		}
		c = change{typ: ChangeUpdate, t: t, r: recs[0], others: recs[1:], ids: idsOf(recs), user: s.editorUser,
			stamp: s.opts.Clock(), changed: changed}
	default:
		return nil, fmt.Errorf("sfsim change: kind %q is not gap, overflow, wildcard or merged", clip(oc.Kind))
	}
	s.store.emit(c, nil)
	return replayBytes(s.store.bus.last), nil
}

// liveRecords finds records of t by id.
func (st *store) liveRecords(t *table, ids []string) ([]*record, error) {
	var out []*record
	for _, id := range ids {
		r, err := st.get(t, id)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %s", t.obj.Name, clip(id), err.Message)
		}
		if r.deleted {
			return nil, fmt.Errorf("%s %s is deleted", t.obj.Name, r.id)
		}
		out = append(out, r)
	}
	return out, nil
}

// writeDirect writes fields to records as a change made in the database
// would: no validation, no automation, no change event of its own; the
// stamps move.
func (st *store) writeDirect(t *table, recs []*record, fields map[string]any) error {
	if len(fields) == 0 {
		return nil
	}
	values, err := st.convert(t, fields, false, writeMode{system: true})
	if err != nil {
		return errors.New(err.Message)
	}
	stamp := st.nextStamp()
	for _, r := range recs {
		before := maps.Clone(r.fields)
		t.unindex(r)
		for k, v := range values {
			if v == nil {
				delete(r.fields, k)
			} else {
				r.fields[k] = v
			}
		}
		r.fields["LastModifiedDate"], r.fields["SystemModstamp"] = stamp, stamp
		st.derive(t, r, before)
		t.index(r)
	}
	return nil
}

func idsOf(recs []*record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.id
	}
	return out
}

// mergeFields adds the names of more to have, keeping the schema's order
// of first appearance.
func mergeFields(have, more []string) []string {
	for _, f := range more {
		if !slices.Contains(have, f) {
			have = append(have, f)
		}
	}
	return have
}

// serveChanges serves POST /sandbox/changes: an OddChange as JSON; it
// answers {"replayId": "<base64>"}.
func (s *Server) serveChanges(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeError(w, methodNotAllowed(r.Method, "POST"))
		return
	}
	var in OddChange
	if !decodeControl(w, r, "change", &in) {
		return
	}
	replay, err := s.EmitChange(in)
	if err != nil {
		writeError(w, apiError(http.StatusBadRequest, "INVALID_FIELD", "%s", strings.TrimPrefix(err.Error(), "sfsim ")))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"replayId": replay})
}
