package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/mapping"
)

// Ops are the operations pages' dependencies: sync health (/admin/health),
// identities (/admin/identities) and the case explorer (/admin/cases). A
// nil function leaves its API call answering 404.
type Ops struct {
	// Replicas are the replicas seen lately (their heartbeats).
	Replicas func(ctx context.Context) ([]state.Replica, error)
	// Identities are Care's agents and Salesforce's users as the running
	// mapping matches them.
	Identities func(ctx context.Context) (Identities, error)
	// Case shows one case by its Care case id or Salesforce Case id;
	// ErrNotFound when neither side nor the bridge knows it.
	Case func(ctx context.Context, id string) (any, error)
	// SyncCase queues the case (Care case id or Salesforce Case id) to
	// reconcile now and returns its queue key.
	SyncCase func(ctx context.Context, id string) (string, error)
}

// CannotSyncError says why carebridge cannot sync a case by the id given
// (Ops.Case and Ops.SyncCase return it).
type CannotSyncError struct {
	ID     string
	Reason string
}

func (e *CannotSyncError) Error() string {
	return fmt.Sprintf("carebridge cannot sync a case by the id %q: %s", e.ID, e.Reason)
}

// cannotSync answers a *CannotSyncError in err with 422; false when err is
// none.
func cannotSync(w http.ResponseWriter, err error) bool {
	var cs *CannotSyncError
	if !errors.As(err, &cs) {
		return false
	}
	fail(w, http.StatusUnprocessableEntity, "%s", cs.Error())
	return true
}

// Identities is the identity page: who matches whom.
type Identities struct {
	MatchByEmail bool            `json:"match_by_email"`
	Agents       []IdentityAgent `json:"agents"`
	Users        []IdentityUser  `json:"users"`
	// Matched counts the agents with a Salesforce user.
	Matched int `json:"matched"`
	// Ambiguous are e-mail addresses of several agents or several active
	// users, which therefore match nobody.
	Ambiguous []string `json:"ambiguous"`
	// Active is the active published mapping version (the based_on of an
	// override edit).
	Active int64 `json:"active"`
}

// IdentityAgent is a Care agent and the Salesforce user it matches.
type IdentityAgent struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	User     string `json:"salesforce_user,omitempty"`
	UserName string `json:"salesforce_user_name,omitempty"`
	// MatchedBy is "email" or "override"; "" when unmatched.
	MatchedBy string `json:"matched_by,omitempty"`
}

// IdentityUser is a Salesforce user and the Care agent it matches.
type IdentityUser struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	Active    bool   `json:"active"`
	Agent     string `json:"care_agent,omitempty"`
	AgentName string `json:"care_agent_name,omitempty"`
	MatchedBy string `json:"matched_by,omitempty"`
}

// opsCalls is the api's part for the operations pages' calls (replicas,
// identities, the case explorer); api embeds it, and it reaches the rest
// of the api through the *api it embeds.
type opsCalls struct{ *api }

// registerOps adds the operations pages' API calls to api.
func (a opsCalls) registerOps(api *http.ServeMux) {
	api.HandleFunc("GET /admin/api/replicas", a.replicas)
	api.HandleFunc("GET /admin/api/identities", a.heavy(a.identities))
	api.HandleFunc("POST /admin/api/identities/overrides", a.heavy(a.setOverride))
	api.HandleFunc("GET /admin/api/cases/{id}", a.heavy(a.caseView))
	api.HandleFunc("POST /admin/api/cases/{id}/sync", a.heavy(a.syncCase))
}

func notAvailable(w http.ResponseWriter) {
	fail(w, http.StatusNotFound, "this replica does not offer this call")
}

func (a opsCalls) replicas(w http.ResponseWriter, r *http.Request) {
	if a.o.Ops.Replicas == nil {
		notAvailable(w)
		return
	}
	rs, err := a.o.Ops.Replicas(r.Context())
	if err != nil {
		a.internal(w, r, err)
		return
	}
	if rs == nil {
		rs = []state.Replica{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"replicas": rs})
}

func (a opsCalls) identities(w http.ResponseWriter, r *http.Request) {
	if a.o.Ops.Identities == nil {
		notAvailable(w)
		return
	}
	ctx := r.Context()
	ids, err := a.o.Ops.Identities(ctx)
	if err != nil {
		a.o.Logger.Warn("identities unavailable", "err", err)
		fail(w, http.StatusBadGateway, "could not read the agents and users: %v", err)
		return
	}
	if ids.Active, err = a.o.Mappings.ActiveMappingNumber(ctx); err != nil {
		a.internal(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ids)
}

type overrideRequest struct {
	CareAgent      string `json:"care_agent"`
	SalesforceUser string `json:"salesforce_user"` // "": remove the agent's override
	Author         string `json:"author"`
	Note           string `json:"note"`
	BasedOn        *int64 `json:"based_on"`
}

// setOverride publishes the mapping the edit started from with one
// identity override set or removed: a mapping change like any other, with
// its author, note and history.
func (a opsCalls) setOverride(w http.ResponseWriter, r *http.Request) {
	var req overrideRequest
	if !decode(w, r, &req) {
		return
	}
	req.CareAgent, req.SalesforceUser = strings.TrimSpace(req.CareAgent), strings.TrimSpace(req.SalesforceUser)
	switch {
	case req.CareAgent == "":
		fail(w, http.StatusBadRequest, "say which Care agent: \"care_agent\"")
		return
	case strings.TrimSpace(req.Author) == "":
		fail(w, http.StatusBadRequest, "say who changes the override: \"author\" goes into the mapping history")
		return
	case !basedOnGiven(w, req.BasedOn, "the identities' \"active\""):
		return
	}
	ctx := r.Context()
	var yaml string
	if *req.BasedOn > 0 {
		v, err := a.o.Mappings.MappingVersion(ctx, *req.BasedOn)
		if errors.Is(err, state.ErrNoMappingVersion) {
			fail(w, http.StatusConflict, "mapping version %d no longer exists; reload and try again", *req.BasedOn)
			return
		}
		if err != nil {
			a.internal(w, r, err)
			return
		}
		yaml = v.YAML
	} else {
		yaml = a.o.Running().YAML
	}
	edited, err := mapping.SetOverride([]byte(yaml), req.CareAgent, req.SalesforceUser)
	if err != nil {
		fail(w, http.StatusUnprocessableEntity, "cannot edit the mapping's overrides: %v", err)
		return
	}
	digest, ok := a.valid(w, r, string(edited))
	if !ok {
		return
	}
	note := req.Note
	if strings.TrimSpace(note) == "" {
		note = "identity override: " + req.CareAgent + " = " + req.SalesforceUser
		if req.SalesforceUser == "" {
			note = "identity override of " + req.CareAgent + " removed"
		}
	}
	n, err := a.o.Mappings.PublishMapping(ctx, state.MappingVersion{Digest: digest, YAML: string(edited), Author: req.Author, Note: note}, *req.BasedOn)
	if errors.Is(err, state.ErrMappingChanged) {
		fail(w, http.StatusConflict, "someone published another mapping version since you loaded this page (from version %d); reload and try again", *req.BasedOn)
		return
	}
	if err != nil {
		a.internal(w, r, err)
		return
	}
	a.o.Logger.Info("identity override published", "version", n, "care_agent", req.CareAgent, "salesforce_user", req.SalesforceUser, "author", req.Author)
	writeJSON(w, http.StatusCreated, map[string]any{"number": n, "digest": digest})
}

func (a opsCalls) caseView(w http.ResponseWriter, r *http.Request) {
	if a.o.Ops.Case == nil {
		notAvailable(w)
		return
	}
	id := strings.TrimSpace(r.PathValue("id"))
	v, err := a.o.Ops.Case(r.Context(), id)
	if cannotSync(w, err) {
		return
	}
	if errors.Is(err, ErrNotFound) {
		fail(w, http.StatusNotFound, "neither Care, Salesforce nor carebridge knows a case %q (give a Care case id or a Salesforce Case id)", id)
		return
	}
	if err != nil {
		a.internal(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (a opsCalls) syncCase(w http.ResponseWriter, r *http.Request) {
	if a.o.Ops.SyncCase == nil {
		notAvailable(w)
		return
	}
	id := strings.TrimSpace(r.PathValue("id"))
	key, err := a.o.Ops.SyncCase(r.Context(), id)
	if cannotSync(w, err) {
		return
	}
	if errors.Is(err, ErrNotFound) {
		fail(w, http.StatusNotFound, "no case %q to sync", id)
		return
	}
	if err != nil {
		a.internal(w, r, err)
		return
	}
	a.o.Logger.Info("case queued from the admin API", "key", key)
	writeJSON(w, http.StatusAccepted, map[string]any{"key": key, "queued": true})
}
