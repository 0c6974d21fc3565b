// Package admin is carebridge's admin surface: a JSON API and a small web UI
// (served at /admin/) for the people who run the bridge. Admins edit the
// field mapping, validate it, preview it on a real case, publish it as a new
// version and roll back to an earlier one; ops read sync status and replay
// dead letters. People sign in with the admin token and work with a session
// cookie; scripts send the admin token as a bearer token (session.go). The
// API is off when no token is configured.
package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/carebridge/carebridge/bridge/state"
)

// Mappings stores the published mapping versions (bridge/state.Store).
type Mappings interface {
	PublishMapping(ctx context.Context, v state.MappingVersion, basedOn int64) (int64, error)
	ActivateMapping(ctx context.Context, number int64, author string) error
	ActiveMappingNumber(ctx context.Context) (int64, error)
	MappingVersion(ctx context.Context, number int64) (state.MappingVersion, error)
	MappingVersions(ctx context.Context) ([]state.MappingVersion, error)
	MappingHistory(ctx context.Context, limit int64) ([]state.MappingEvent, error)
}

// DeadLetters lists and replays dead-lettered keys (bridge/queue.Queue).
type DeadLetters interface {
	List(ctx context.Context, limit int) ([]DeadLetter, error)
	Replay(ctx context.Context, key string) error
}

// DeadLetter is one key the queue gave up on.
type DeadLetter struct {
	Key      string `json:"key"`
	Error    string `json:"error"`
	Attempts int    `json:"attempts"`
	At       string `json:"at"`
}

// Running describes the mapping this replica runs.
type Running struct {
	// Source is "published" (a version from the store), "file"
	// (mapping.file) or "default" (the shipped mapping).
	Source string `json:"source"`
	Number int64  `json:"number,omitempty"` // the version, when published
	Digest string `json:"digest"`
	YAML   string `json:"yaml"`
}

// Problem is one thing wrong with a proposed mapping.
type Problem struct {
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// InvalidError is returned by Validate for a mapping that cannot be used.
type InvalidError struct{ Problems []Problem }

func (e *InvalidError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Message
	}
	return "invalid mapping: " + strings.Join(msgs, "; ")
}

// ErrNotFound is returned by Preview for a case that does not exist.
var ErrNotFound = errors.New("admin: not found")

// Options are the admin surface's dependencies.
type Options struct {
	// Token is the admin token: scripts send it as a bearer token, people
	// sign in with it (session.go); "" turns the API off.
	Token string
	// Sessions keeps sign-ins (nil: only the bearer token works).
	Sessions Sessions
	Mappings Mappings
	// Validate checks a proposed mapping against the Salesforce metadata and
	// what a running daemon can change; it returns the mapping's digest, or
	// an *InvalidError.
	Validate func(yaml []byte) (digest string, err error)
	// Preview shows what reconciling the Care case would do under the
	// proposed mapping (yaml nil: the running one), writing nothing. A
	// proposed mapping that is not valid gives an *InvalidError.
	Preview func(ctx context.Context, careID string, yaml []byte) (any, error)
	// Running is the mapping this replica runs now.
	Running func() Running
	// Status is the sync status shown to ops.
	Status      func(ctx context.Context) (any, error)
	DeadLetters DeadLetters
	// File reads the mapping file the replica was started with (or the
	// shipped default): its name and YAML, for "return to the mapping
	// file". Nil: no return.
	File func() (name string, yaml []byte, err error)
	// DescribeFields reads the fields of a Salesforce object from the org
	// for the mapping editor's pickers. Nil: no pickers.
	DescribeFields func(ctx context.Context, object string) ([]SalesforceField, error)
	// Ops are the sync health, identity and case explorer pages (ops.go).
	Ops Ops
	// HeavyCalls bounds the admin calls that parse, compare or render
	// mappings or read Care and Salesforce, running at once on this
	// replica (0: DefaultHeavyCalls). A call beyond it is answered 503 with
	// Retry-After at once, so that a burst of large requests cannot take
	// the daemon's memory.
	HeavyCalls int
	// Erase erases one customer (erasure.go). Nil: no erasure endpoint.
	Erase  EraseFunc
	Logger *slog.Logger
}

// DefaultHeavyCalls is how many heavy admin calls run at once by default.
const DefaultHeavyCalls = 4

// maxBody bounds a request body (a mapping is a few kilobytes, the
// shipped one 5 KB); what a call answers is bounded on its own (a diff
// lists at most maxDiffLines lines, problems at most maxProblems).
const maxBody = 1 << 20

// Handler returns the admin surface: the pages under /admin/ (sign-in at
// /admin/signin) and the API under /admin/api/.
func Handler(o Options) http.Handler {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.HeavyCalls <= 0 {
		o.HeavyCalls = DefaultHeavyCalls
	}
	a := &api{o: o, cache: &describeCache{entries: map[string]describeEntry{}}, heavySlots: make(chan struct{}, o.HeavyCalls)}
	a.sessionCalls = sessionCalls{a}
	a.opsCalls = opsCalls{a}
	mux := http.NewServeMux()
	registerPages(mux)
	api := http.NewServeMux()
	api.HandleFunc("GET /admin/api/mapping", a.mapping)
	api.HandleFunc("GET /admin/api/mapping/versions", a.versions)
	api.HandleFunc("GET /admin/api/mapping/versions/{number}", a.version)
	api.HandleFunc("POST /admin/api/mapping/validate", a.heavy(a.validate))
	api.HandleFunc("POST /admin/api/mapping/preview", a.heavy(a.preview))
	api.HandleFunc("POST /admin/api/mapping/publish", a.heavy(a.publish))
	api.HandleFunc("POST /admin/api/mapping/rollback", a.heavy(a.rollback))
	api.HandleFunc("GET /admin/api/mapping/versions/{number}/diff", a.heavy(a.versionDiff))
	api.HandleFunc("POST /admin/api/mapping/diff", a.heavy(a.diff))
	api.HandleFunc("POST /admin/api/mapping/form", a.heavy(a.form))
	api.HandleFunc("POST /admin/api/mapping/restore-file", a.heavy(a.restoreFile))
	api.HandleFunc("GET /admin/api/salesforce/fields", a.heavy(a.salesforceFields))
	api.HandleFunc("GET /admin/api/status", a.status)
	api.HandleFunc("GET /admin/api/deadletters", a.deadLetters)
	api.HandleFunc("POST /admin/api/deadletters/replay", a.replay)
	api.HandleFunc("POST /admin/api/erasure", a.erasure)
	a.registerOps(api)
	mux.Handle("/admin/api/", a.authenticated(api))
	mux.HandleFunc("POST /admin/api/session", a.signIn)
	mux.HandleFunc("GET /admin/api/session", a.sessionNow)
	mux.HandleFunc("DELETE /admin/api/session", a.signOut)
	return securityHeaders(crossOrigin(mux))
}

type api struct {
	o     Options
	cache *describeCache
	// heavySlots holds one token per heavy call running (heavy).
	heavySlots chan struct{}

	sessionCalls // sign-in, sign-out, the session check (session.go)
	opsCalls     // the operations pages (ops.go)
}

// heavy runs h when fewer than Options.HeavyCalls heavy calls run, and
// otherwise answers 503 with Retry-After at once: waiting would hold the
// request's memory all the same.
func (a *api) heavy(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case a.heavySlots <- struct{}{}:
			defer func() { <-a.heavySlots }()
			h(w, r)
		default:
			w.Header().Set("Retry-After", "1")
			fail(w, http.StatusServiceUnavailable, "carebridge is busy with %d other admin calls that check, compare or preview mappings or read cases; try again in a second", cap(a.heavySlots))
		}
	}
}

// apiError is the body of every failed call.
type apiError struct {
	Error    string    `json:"error"`
	Problems []Problem `json:"problems,omitempty"`
	// ProblemCount is how many problems there were when more than the
	// first maxProblems are listed.
	ProblemCount int `json:"problem_count,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func fail(w http.ResponseWriter, status int, format string, args ...any) {
	writeJSON(w, status, apiError{Error: fmt.Sprintf(format, args...)})
}

// basedOnGiven checks the version an edit says it started from: it is
// what keeps two admins from overwriting each other's work, so it must be
// there and name a version (0: none was published yet). Otherwise it
// answers the request and returns false.
func basedOnGiven(w http.ResponseWriter, basedOn *int64, hint string) bool {
	switch {
	case basedOn == nil:
		fail(w, http.StatusBadRequest, "say which version the edit started from: \"based_on\" (%s), so two admins cannot overwrite each other's work", hint)
		return false
	case *basedOn < 0:
		fail(w, http.StatusBadRequest, "\"based_on\" is %d, which is not a version: give the version the edit started from (%s), so two admins cannot overwrite each other's work", *basedOn, hint)
		return false
	}
	return true
}

// decode reads a JSON body strictly into v.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			fail(w, http.StatusRequestEntityTooLarge, "the request body is larger than %d bytes", maxBody)
			return false
		}
		fail(w, http.StatusBadRequest, "the request body is not the expected JSON: %v", err)
		return false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		fail(w, http.StatusBadRequest, "the request body holds more than one JSON value")
		return false
	}
	return true
}

// internal answers an unexpected failure without details (they go to the log).
func (a *api) internal(w http.ResponseWriter, r *http.Request, err error) {
	a.o.Logger.Error("admin API call failed", "path", r.URL.Path, "err", err)
	fail(w, http.StatusInternalServerError, "internal error (see the carebridge log)")
}

// writeProblems answers a mapping that is not valid.
func writeProblems(w http.ResponseWriter, ie *InvalidError) {
	e := apiError{Error: "the mapping is not valid"}
	shown := ie.Problems
	if len(shown) > maxProblems {
		shown = shown[:maxProblems]
		e.ProblemCount = len(ie.Problems)
		e.Error = fmt.Sprintf("the mapping is not valid: %d problems, the first %d listed", e.ProblemCount, maxProblems)
	}
	e.Problems = make([]Problem, len(shown))
	for i, p := range shown {
		// A message quotes what the mapping says, which can be long.
		if len(p.Message) > maxProblemLength {
			p.Message = strings.ToValidUTF8(p.Message[:maxProblemLength], "") + "…"
		}
		e.Problems[i] = p
	}
	writeJSON(w, http.StatusUnprocessableEntity, e)
}

// valid validates a proposed mapping; when it is not valid (or the check
// failed) it answers the request and returns false.
func (a *api) valid(w http.ResponseWriter, r *http.Request, yaml string) (digest string, ok bool) {
	digest, err := a.o.Validate([]byte(yaml))
	var ie *InvalidError
	switch {
	case errors.As(err, &ie):
		writeProblems(w, ie)
		return "", false
	case err != nil:
		a.internal(w, r, err)
		return "", false
	}
	return digest, true
}

// mapping answers what this replica runs and what an edit starts from: the
// active version (which a replica runs within its reload interval).
func (a *api) mapping(w http.ResponseWriter, r *http.Request) {
	ed, err := a.editing(r.Context())
	if err != nil {
		a.internal(w, r, err)
		return
	}
	out := map[string]any{"running": a.o.Running(), "active": ed.Number, "editing": ed}
	if a.o.File != nil {
		if name, _, err := a.o.File(); err == nil {
			out["file"] = name
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *api) versions(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	vs, err := a.o.Mappings.MappingVersions(ctx)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	hist, err := a.o.Mappings.MappingHistory(ctx, 50)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	active, err := a.o.Mappings.ActiveMappingNumber(ctx)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"active": active, "versions": vs, "history": hist})
}

func (a *api) version(w http.ResponseWriter, r *http.Request) {
	if v, ok := a.pathVersion(w, r); ok {
		writeJSON(w, http.StatusOK, v)
	}
}

// pathVersion reads the version the path names; when there is none it
// answers the request and returns false.
func (a *api) pathVersion(w http.ResponseWriter, r *http.Request) (state.MappingVersion, bool) {
	n, err := strconv.ParseInt(r.PathValue("number"), 10, 64)
	if err != nil || n <= 0 {
		fail(w, http.StatusBadRequest, "version %q is not a version number", r.PathValue("number"))
		return state.MappingVersion{}, false
	}
	v, err := a.o.Mappings.MappingVersion(r.Context(), n)
	if errors.Is(err, state.ErrNoMappingVersion) {
		fail(w, http.StatusNotFound, "mapping version %d does not exist (never published, or pruned)", n)
		return state.MappingVersion{}, false
	}
	if err != nil {
		a.internal(w, r, err)
		return state.MappingVersion{}, false
	}
	v.Number = n
	return v, true
}

type validateRequest struct {
	YAML string `json:"yaml"`
}

func (a *api) validate(w http.ResponseWriter, r *http.Request) {
	var req validateRequest
	if !decode(w, r, &req) {
		return
	}
	digest, ok := a.valid(w, r, req.YAML)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"valid": true, "digest": digest})
}

type previewRequest struct {
	YAML string `json:"yaml"`
	Case string `json:"case"`
}

func (a *api) preview(w http.ResponseWriter, r *http.Request) {
	var req previewRequest
	if !decode(w, r, &req) {
		return
	}
	if strings.TrimSpace(req.Case) == "" {
		fail(w, http.StatusBadRequest, "say which Care case to preview: \"case\": \"<Care case id>\"")
		return
	}
	ctx := r.Context()
	proposed, err := a.o.Preview(ctx, req.Case, []byte(req.YAML))
	var current any
	if err == nil {
		current, err = a.o.Preview(ctx, req.Case, nil)
	}
	var ie *InvalidError
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, map[string]any{"case": req.Case, "current": current, "proposed": proposed})
	case errors.As(err, &ie):
		writeProblems(w, ie)
	case errors.Is(err, ErrNotFound):
		fail(w, http.StatusNotFound, "Care case %q does not exist", req.Case)
	default:
		a.o.Logger.Warn("mapping preview failed", "case", req.Case, "err", err)
		fail(w, http.StatusBadGateway, "could not read case %q from Care and Salesforce: %v", req.Case, err)
	}
}

type publishRequest struct {
	YAML    string `json:"yaml"`
	Author  string `json:"author"`
	Note    string `json:"note"`
	BasedOn *int64 `json:"based_on"`
}

func (a *api) publish(w http.ResponseWriter, r *http.Request) {
	var req publishRequest
	if !decode(w, r, &req) {
		return
	}
	a.publishYAML(w, r, req)
}

func (a *api) publishYAML(w http.ResponseWriter, r *http.Request, req publishRequest) {
	if strings.TrimSpace(req.Author) == "" {
		fail(w, http.StatusBadRequest, "say who publishes: \"author\" goes into the mapping history")
		return
	}
	if !basedOnGiven(w, req.BasedOn, "0 when none was published yet") {
		return
	}
	digest, ok := a.valid(w, r, req.YAML)
	if !ok {
		return
	}
	n, err := a.o.Mappings.PublishMapping(r.Context(), state.MappingVersion{Digest: digest, YAML: req.YAML, Author: req.Author, Note: req.Note}, *req.BasedOn)
	if errors.Is(err, state.ErrMappingChanged) {
		fail(w, http.StatusConflict, "someone published another version since your edit began (from version %d); reload, redo your change and publish again", *req.BasedOn)
		return
	}
	if err != nil {
		a.internal(w, r, err)
		return
	}
	a.o.Logger.Info("mapping published", "version", n, "digest", digest, "author", req.Author)
	writeJSON(w, http.StatusCreated, map[string]any{"number": n, "digest": digest})
}

type rollbackRequest struct {
	Number int64  `json:"number"`
	Author string `json:"author"`
}

func (a *api) rollback(w http.ResponseWriter, r *http.Request) {
	var req rollbackRequest
	if !decode(w, r, &req) {
		return
	}
	if strings.TrimSpace(req.Author) == "" {
		fail(w, http.StatusBadRequest, "say who rolls back: \"author\" goes into the mapping history")
		return
	}
	ctx := r.Context()
	v, err := a.o.Mappings.MappingVersion(ctx, req.Number)
	if errors.Is(err, state.ErrNoMappingVersion) {
		fail(w, http.StatusNotFound, "mapping version %d does not exist (never published, or pruned)", req.Number)
		return
	}
	if err != nil {
		a.internal(w, r, err)
		return
	}
	// The version was valid when published; the Salesforce metadata may have
	// changed since.
	if _, ok := a.valid(w, r, v.YAML); !ok {
		return
	}
	if err := a.o.Mappings.ActivateMapping(ctx, req.Number, req.Author); err != nil {
		if errors.Is(err, state.ErrNoMappingVersion) {
			fail(w, http.StatusNotFound, "mapping version %d does not exist (never published, or pruned)", req.Number)
			return
		}
		a.internal(w, r, err)
		return
	}
	a.o.Logger.Info("mapping rolled back", "version", req.Number, "author", req.Author)
	writeJSON(w, http.StatusOK, map[string]any{"number": req.Number, "digest": v.Digest})
}

func (a *api) status(w http.ResponseWriter, r *http.Request) {
	s, err := a.o.Status(r.Context())
	if err != nil {
		a.internal(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s)
}

func (a *api) deadLetters(w http.ResponseWriter, r *http.Request) {
	dl, err := a.o.DeadLetters.List(r.Context(), 1000)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	if dl == nil {
		dl = []DeadLetter{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"dead_letters": dl})
}

type replayRequest struct {
	Keys []string `json:"keys"`
}

func (a *api) replay(w http.ResponseWriter, r *http.Request) {
	var req replayRequest
	if !decode(w, r, &req) {
		return
	}
	if len(req.Keys) == 0 {
		fail(w, http.StatusBadRequest, "say which dead letters to replay: \"keys\": [...]")
		return
	}
	replayed, missing := []string{}, []string{}
	for _, k := range req.Keys {
		if err := a.o.DeadLetters.Replay(r.Context(), k); err != nil {
			if errors.Is(err, ErrNotFound) {
				missing = append(missing, k)
				continue
			}
			a.internal(w, r, err)
			return
		}
		replayed = append(replayed, k)
	}
	a.o.Logger.Info("dead letters replayed", "keys", replayed)
	writeJSON(w, http.StatusOK, map[string]any{"replayed": replayed, "not_dead": missing})
}
