package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/mapping"
	"github.com/carebridge/carebridge/mapping/merge"
)

// maxProblems is how many problems one answer lists; problem_count says how
// many there were.
const maxProblems = 100

// maxProblemLength bounds one problem's message (in bytes).
const maxProblemLength = 1000

// securityHeaders sets the headers every admin response carries; a page
// sets its own Content-Security-Policy over the default.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// SalesforceField is one field of a Salesforce object as the mapping editor
// shows it (from the org's describe).
type SalesforceField struct {
	Name       string   `json:"name"`
	Label      string   `json:"label"`
	Type       string   `json:"type"`
	Length     int      `json:"length,omitempty"`
	Updateable bool     `json:"updateable"`
	Picklist   []string `json:"picklist,omitempty"` // active values
	// PicklistLabels are the labels the org shows for its picklist values.
	PicklistLabels map[string]string `json:"picklist_labels,omitempty"`
	Restricted     bool              `json:"restricted,omitempty"`
}

// describeTTL is how long the org's describe is reused.
const describeTTL = 10 * time.Minute

type describeCache struct {
	mu      sync.Mutex
	entries map[string]describeEntry
}

type describeEntry struct {
	fields []SalesforceField
	at     time.Time
}

func (a *api) describe(ctx context.Context, object string, refresh bool) ([]SalesforceField, time.Time, error) {
	a.cache.mu.Lock()
	e, ok := a.cache.entries[object]
	a.cache.mu.Unlock()
	if ok && !refresh && time.Since(e.at) < describeTTL {
		return e.fields, e.at, nil
	}
	fields, err := a.o.DescribeFields(ctx, object)
	if err != nil {
		return nil, time.Time{}, err
	}
	e = describeEntry{fields: fields, at: time.Now()}
	a.cache.mu.Lock()
	a.cache.entries[object] = e
	a.cache.mu.Unlock()
	return e.fields, e.at, nil
}

var objectName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,79}$`)

// salesforceFields answers the fields of a Salesforce object from the
// org's describe (cached for ten minutes; refresh=1 reads it again).
func (a *api) salesforceFields(w http.ResponseWriter, r *http.Request) {
	object := r.URL.Query().Get("object")
	if object == "" {
		object = mapping.CaseObject
	}
	if !objectName.MatchString(object) {
		fail(w, http.StatusBadRequest, "%q is not a Salesforce object name", object)
		return
	}
	if a.o.DescribeFields == nil {
		fail(w, http.StatusNotImplemented, "this replica cannot read the Salesforce describe")
		return
	}
	fields, at, err := a.describe(r.Context(), object, r.URL.Query().Get("refresh") == "1")
	if err != nil {
		a.o.Logger.Warn("salesforce describe failed", "object", object, "err", err)
		fail(w, http.StatusBadGateway, "could not read the %s fields from Salesforce: %v", object, err)
		return
	}
	if fields == nil {
		fields = []SalesforceField{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"object": object, "fields": fields, "read_at": at.UTC().Format(time.RFC3339)})
}

// editing is the version an edit starts from: the active published version,
// or, before any was published, the mapping this replica runs.
type editing struct {
	Number    int64     `json:"number"` // 0: not a published version
	Source    string    `json:"source"` // published, file or default
	Digest    string    `json:"digest"`
	YAML      string    `json:"yaml"`
	Author    string    `json:"author,omitempty"`
	Note      string    `json:"note,omitempty"`
	CreatedAt time.Time `json:"created_at,omitzero"`
}

func (a *api) editing(ctx context.Context) (editing, error) {
	active, err := a.o.Mappings.ActiveMappingNumber(ctx)
	if err != nil {
		return editing{}, err
	}
	if active == 0 {
		run := a.o.Running()
		return editing{Source: run.Source, Digest: run.Digest, YAML: run.YAML}, nil
	}
	v, err := a.o.Mappings.MappingVersion(ctx, active)
	if err != nil {
		return editing{}, fmt.Errorf("active mapping version %d: %w", active, err)
	}
	return publishedEditing(active, v), nil
}

func publishedEditing(n int64, v state.MappingVersion) editing {
	return editing{Number: n, Source: "published", Digest: v.Digest, YAML: v.YAML, Author: v.Author, Note: v.Note, CreatedAt: v.CreatedAt}
}

type diffRequest struct {
	YAML string `json:"yaml"`
	// BasedOn is the version the edit started from (0: none was
	// published); nil: the active version.
	BasedOn *int64 `json:"based_on"`
}

// diff compares a proposed mapping with the version its edit started from,
// so that it shows what the admin changed, and says which version is
// active (a publish replaces it, and is refused when it is not the one
// the edit started from).
func (a *api) diff(w http.ResponseWriter, r *http.Request) {
	var req diffRequest
	if !decode(w, r, &req) {
		return
	}
	if req.BasedOn != nil && !basedOnGiven(w, req.BasedOn, "0 when none was published yet") {
		return
	}
	ctx := r.Context()
	active, err := a.editing(ctx)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	base := active
	if req.BasedOn != nil && *req.BasedOn != active.Number {
		base, err = a.startedFrom(ctx, *req.BasedOn)
		if errors.Is(err, state.ErrNoMappingVersion) {
			fail(w, http.StatusNotFound, "mapping version %d does not exist (never published, or pruned)", *req.BasedOn)
			return
		}
		if err != nil {
			a.internal(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"against": base.Number, "against_source": base.Source, "active": active.Number, "diff": lineDiff(base.YAML, req.YAML)})
}

// startedFrom is the mapping an edit based on version n started from that
// is no longer the active one: that version, or before any was published
// (0), the mapping file.
func (a *api) startedFrom(ctx context.Context, n int64) (editing, error) {
	if n == 0 {
		if a.o.File == nil {
			run := a.o.Running()
			return editing{Source: run.Source, Digest: run.Digest, YAML: run.YAML}, nil
		}
		name, data, err := a.o.File()
		if err != nil {
			return editing{}, err
		}
		return editing{Source: name, YAML: string(data)}, nil
	}
	v, err := a.o.Mappings.MappingVersion(ctx, n)
	if err != nil {
		return editing{}, err
	}
	return publishedEditing(n, v), nil
}

// versionDiff compares a version with its predecessor (version 1 with the
// mapping file).
func (a *api) versionDiff(w http.ResponseWriter, r *http.Request) {
	v, ok := a.pathVersion(w, r)
	if !ok {
		return
	}
	ctx, n := r.Context(), v.Number
	var before, source string
	prev, err := a.o.Mappings.MappingVersion(ctx, n-1)
	switch {
	case err == nil:
		before, source = prev.YAML, PublishedName(n-1)
	case errors.Is(err, state.ErrNoMappingVersion) && n == 1 && a.o.File != nil:
		name, data, ferr := a.o.File()
		if ferr != nil {
			a.internal(w, r, ferr)
			return
		}
		before, source = string(data), name
	case errors.Is(err, state.ErrNoMappingVersion):
		source = "nothing (the version before was pruned)"
	default:
		a.internal(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"number": n, "against": source, "diff": lineDiff(before, v.YAML)})
}

type restoreRequest struct {
	Author  string `json:"author"`
	Note    string `json:"note"`
	BasedOn *int64 `json:"based_on"`
	// Preview true answers the file and its diff without publishing.
	Preview bool `json:"preview"`
}

// restoreFile publishes the mapping file (or the shipped default) the
// replica was started with as a new version.
func (a *api) restoreFile(w http.ResponseWriter, r *http.Request) {
	var req restoreRequest
	if !decode(w, r, &req) {
		return
	}
	if a.o.File == nil {
		fail(w, http.StatusNotImplemented, "this replica has no mapping file to return to")
		return
	}
	name, data, err := a.o.File()
	if err != nil {
		a.internal(w, r, err)
		return
	}
	if req.Preview {
		base, err := a.editing(r.Context())
		if err != nil {
			a.internal(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"file": name, "yaml": string(data), "against": base.Number, "diff": lineDiff(base.YAML, string(data))})
		return
	}
	note := req.Note
	if strings.TrimSpace(note) == "" {
		note = "back to " + name
	}
	a.publishYAML(w, r, publishRequest{YAML: string(data), Author: req.Author, Note: note, BasedOn: req.BasedOn})
}

type formRequest struct {
	YAML string `json:"yaml"`
	// Fields, when present, are written into YAML; without them the
	// form is read from YAML.
	Fields *[]FormField `json:"fields"`
}

// form converts between a mapping's YAML and the editor's rows.
func (a *api) form(w http.ResponseWriter, r *http.Request) {
	var req formRequest
	if !decode(w, r, &req) {
		return
	}
	out := req.YAML
	if req.Fields != nil {
		var err error
		if out, err = writeForm([]byte(req.YAML), *req.Fields); err != nil {
			fail(w, http.StatusUnprocessableEntity, "%v", err)
			return
		}
		if len(out) > maxBody {
			fail(w, http.StatusRequestEntityTooLarge, "the mapping would be larger than %d bytes", maxBody)
			return
		}
	}
	fields, err := readForm([]byte(out))
	if err != nil {
		fail(w, http.StatusUnprocessableEntity, "%v", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"yaml": out, "fields": fields, "care_attributes": mapping.CareAttributes(),
		"directions": []merge.Direction{merge.Both, merge.CareToSalesforce, merge.SalesforceToCare},
		"policies":   []merge.Policy{merge.CareWins, merge.SalesforceWins, merge.NewestWins},
	})
}
