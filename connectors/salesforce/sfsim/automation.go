package sfsim

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// Automation is the org's own automation (a record-triggered flow, an Apex
// trigger, an assignment rule): when a save of a record of Object changes
// WhenChanged (every save when ""), it sets the fields of Set on the record
// in the same transaction, as the user who saved. Its edit is part of that
// save: the save's one change event carries it, with the saver's
// changeOrigin and commitUser, and LastModifiedById stays the saver. It
// runs on every create and update through the API and through Update
// (people's edits); the sandbox's own seeding (Insert) and the changes of
// EmitChange's database jobs skip it.
type Automation struct {
	Name        string         `json:"name"`
	Object      string         `json:"object"`
	WhenChanged string         `json:"whenChanged,omitempty"`
	Set         map[string]any `json:"set"` // field -> value as JSON writes it (null clears)
	values      map[string]any // Set converted to stored values
}

// AddAutomation activates an automation (replacing one of the same name
// on the same object).
func (s *recordAPI) AddAutomation(a Automation) error {
	if a.Name == "" || len(a.Set) == 0 {
		return errors.New("sfsim automation: it needs a name and the fields it sets")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.store.table(a.Object)
	if err != nil {
		return fmt.Errorf("sfsim automation %s: %w", a.Name, err)
	}
	if a.WhenChanged != "" {
		f, ok := t.obj.Field(a.WhenChanged)
		if !ok {
			return fmt.Errorf("sfsim automation %s: %s has no field %s", a.Name, t.obj.Name, a.WhenChanged)
		}
		a.WhenChanged = f.Name
	}
	values, cerr := s.store.convert(t, maps.Clone(a.Set), false, writeMode{system: true})
	if cerr != nil {
		return fmt.Errorf("sfsim automation %s: %s", a.Name, cerr.Message)
	}
	a.Object, a.values = t.obj.Name, values
	s.store.flows = append(slices.DeleteFunc(s.store.flows, func(o Automation) bool {
		return o.Object == a.Object && o.Name == a.Name
	}), a)
	return nil
}

// Automations returns the active automations.
func (s *recordAPI) Automations() []Automation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.store.flows)
}

// ClearAutomations deactivates every automation.
func (s *recordAPI) ClearAutomations() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.store.flows = nil
}

// automate runs the automations of t on a record being saved (before is
// the record before the save, nil on create).
func (st *store) automate(t *table, r *record, before map[string]any) {
	for _, a := range st.flows {
		if a.Object != t.obj.Name {
			continue
		}
		if a.WhenChanged != "" && sameValue(before[a.WhenChanged], r.fields[a.WhenChanged]) {
			continue
		}
		for k, v := range a.values {
			if v == nil {
				delete(r.fields, k)
			} else {
				r.fields[k] = v
			}
		}
	}
}

// serveAutomations serves /sandbox/automations: GET lists them, POST adds
// one ({"name":"Escalate on hold","object":"Case","whenChanged":"Status",
// "set":{"Priority":"High"}}), DELETE removes them all.
func (s *Server) serveAutomations(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		out := []Automation{}
		out = append(out, s.Automations()...)
		writeJSON(w, http.StatusOK, out)
	case http.MethodPost:
		var in Automation
		if !decodeControl(w, r, "automation", &in) {
			return
		}
		if err := s.AddAutomation(in); err != nil {
			writeError(w, apiError(http.StatusBadRequest, "INVALID_FIELD", "%s", strings.TrimPrefix(err.Error(), "sfsim ")))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case http.MethodDelete:
		s.ClearAutomations()
		w.WriteHeader(http.StatusNoContent)
	default:
		writeError(w, methodNotAllowed(r.Method, "GET,POST,DELETE"))
	}
}
