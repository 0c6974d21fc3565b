// Package sfsim is a Salesforce sandbox: a real HTTP server that follows the
// Salesforce REST API closely enough for the unmodified simpleforce client
// and carebridge's Salesforce connector to run against it over loopback.
//
// It serves the OAuth token endpoint (client credentials, JWT bearer,
// refresh token, password), SOAP login, and under /services/data/vNN.N/:
// query and queryAll with paging, sObject create/get/update/delete, upsert
// by external id, sObject Collections, describe and limits; and, over gRPC,
// the Pub/Sub API's change events (pubsub.go: single-entity topics, the
// standard channel and the metadata's custom channels with their filters
// and enriched fields; the odd events a real org sends, on request). For
// people it serves a sign-in page at / and the agents' console: a Case
// page running carebridge's careConversation component on the User
// Interface API (lightning.go, uiapi.go). Its schema is
// carebridge's shipped metadata (configs/salesforce) plus the standard
// objects, and it refuses what Salesforce refuses with Salesforce's error
// codes. Tests steer it through the Go API (seeding, fault injection, call
// counting, permissions) or the same controls over HTTP under /sandbox/.
//
// Every API call runs as its user, with Salesforce's object permissions,
// field-level security and record sharing: the integration user holds the
// shipped Carebridge_Integration permission set (Options and the
// permission controls change that) on a profile that grants API access and
// nothing on data, and is a member of the shipped public group
// Carebridge_Integration; every other user is a service agent who holds
// Carebridge_Agent and sees only the Cases it owns, its queues own or a
// colleague shared with it. Case, Contact and Task are Private;
// Care_Message__c, Care_Action__c, CaseComment and Task follow their Case;
// User, Group and CaseStatus are public. The shipped metadata's sharing
// rules (evaluated on each record as it is now), validation rules
// (evaluated from their formulas) and required lookup filters apply to
// every API call and to Update; a rule or filter the sandbox cannot
// evaluate makes New fail. The Go API (Insert, Update, Delete, Record,
// Records) is the sandbox's own access: its permissions and sharing are
// never checked, and Insert skips the rules.
package sfsim

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
)

// Options configure a Server. Zero values get the documented defaults.
type Options struct {
	ClientID     string // connected app consumer key (required)
	ClientSecret string // consumer secret (required)
	Username     string // integration user's username (default integration@carebridge.example)
	Password     string // enables the password grant and SOAP login when set
	// AgentPassword, when set, signs in every active agent user (any user
	// but the integration user) with the password grant and SOAP login.
	AgentPassword string
	JWTPublicKey  *rsa.PublicKey // enables the JWT bearer grant when set
	TokenTTL      time.Duration  // access token lifetime (default 2h)
	// EventRetention is how long change events stay replayable (default
	// 72h, as Salesforce keeps them); older replay ids are refused.
	EventRetention time.Duration
	// PubSubKeepAlive is how often an idle subscription gets an empty
	// FetchResponse (default 270s, as Salesforce sends them).
	PubSubKeepAlive time.Duration
	DailyLimit      int // daily API request quota (default 100000)
	// DailyEventDeliveries is the org's event delivery allocation: change
	// events delivered to Pub/Sub API subscribers in any 24 hours, counted
	// per subscriber (default 50000, as Performance and Unlimited editions
	// have without the add-on).
	DailyEventDeliveries int
	Clock                func() time.Time
	Logger               *slog.Logger
	// IntegrationPermissionSets are the permission sets of the integration
	// user besides its profile's. nil assigns the shipped
	// Carebridge_Integration set; an empty, non-nil slice assigns none.
	IntegrationPermissionSets []metadata.PermissionSet
	// ParentLockLimit makes collections calls contend for parent records
	// (see SetParentLockLimit); 0, the default, turns it off.
	ParentLockLimit int
	// Metadata is the Salesforce DX project the sandbox loads (default:
	// the shipped configs/salesforce).
	Metadata fs.FS
}

// Server is the sandbox. It implements http.Handler.
//
// Server routes requests (ServeHTTP, serveData and the route tables) and
// serves the control API under /sandbox/ (control.go); everything else
// lives in the parts it embeds, one per area, whose methods it promotes:
//
//   - state: the org's shared state, guarded by its mutex (server.go)
//   - faultInjector: injected faults and parent lock contention (faults.go)
//   - apiMeter: call counting and the daily API quota (server.go)
//   - recordAPI: the Go API's record access, validation rules and
//     automation (server.go, validation.go, automation.go)
//   - permissions: the permission and group controls (permissions.go)
//   - eventAllowance: the daily event delivery allocation (deliveries.go)
//   - pubSub: the Pub/Sub API (pubsub.go, oddchanges.go)
//   - oauthServer: OAuth, SOAP login and access tokens (oauth.go)
//   - restAPI: the REST API's handlers (rest.go)
//   - uiAPI: the User Interface API's handlers (uiapi.go)
//   - console: the Lightning console pages (lightning.go)
//
// Every part shares the one state, and with it the one mutex.
type Server struct {
	*state
	*faultInjector
	*apiMeter
	*recordAPI
	*permissions
	*eventAllowance
	*pubSub
	*oauthServer
	*restAPI
	*uiAPI
	*console
}

// state is what the parts of a Server share: the options, the schema, the
// records and the org's settings, guarded by mu. Its methods are the
// helpers every part uses: Schema, Close, seed, editorMode and
// usersChanged here, accessFor and syncPermissionObjects in permissions.go.
type state struct {
	opts   Options
	schema *metadata.Schema
	log    *slog.Logger
	done   chan struct{} // closed by Close: releases hanging calls
	once   sync.Once

	mu         sync.Mutex
	store      *store
	tokens     map[string]session // access token -> session
	calls      map[string]int
	total      int
	used       int
	dailyLimit int
	assignTo   string   // Case assignment rule target ("" = off)
	autoAssign []string // Sforce-Auto-Assign header of each write call

	grants  *grants   // who holds which permission sets
	started time.Time // audit time of the permission objects

	integrationUser string
	editorUser      string // the "Salesforce user" of Update
	queueID         string
	groupIDs        map[string]string // lower-case developer name -> id of the shipped public groups
}

// apiMeter counts calls and applies the daily API quota and the injected
// faults to each (admit).
type apiMeter struct {
	*state
	*faultInjector
}

// recordAPI is the sandbox's own access to the records (Insert, Update,
// Record, ...), its validation rules and automation.
type recordAPI struct {
	*state
}

type session struct {
	user    string
	expires time.Time
}

// New builds a sandbox loaded with the shipped metadata and seed data:
// the integration user, a few active agents and an inactive one, one
// queue, and the Case status values.
func New(opts Options) (*Server, error) {
	if opts.ClientID == "" || opts.ClientSecret == "" {
		return nil, errors.New("sfsim: ClientID and ClientSecret are required")
	}
	if opts.Username == "" {
		opts.Username = "integration@carebridge.example"
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = 2 * time.Hour
	}
	if opts.EventRetention <= 0 {
		opts.EventRetention = 72 * time.Hour
	}
	if opts.PubSubKeepAlive <= 0 {
		opts.PubSubKeepAlive = 270 * time.Second
	}
	if opts.DailyLimit <= 0 {
		opts.DailyLimit = 100000
	}
	if opts.DailyEventDeliveries <= 0 {
		opts.DailyEventDeliveries = 50000
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Metadata == nil {
		opts.Metadata = configs.SalesforceMetadata()
	}
	schema, err := metadata.Load(opts.Metadata)
	if err != nil {
		return nil, fmt.Errorf("sfsim: %w", err)
	}
	g, err := newGrants(schema, opts.IntegrationPermissionSets)
	if err != nil {
		return nil, fmt.Errorf("sfsim: integration permission sets: %w", err)
	}
	st := &state{
		opts:       opts,
		schema:     schema,
		log:        opts.Logger,
		done:       make(chan struct{}),
		store:      newStore(schema, opts.Clock),
		tokens:     map[string]session{},
		calls:      map[string]int{},
		dailyLimit: opts.DailyLimit,
		grants:     g,
		started:    opts.Clock().UTC().Truncate(time.Second), // stamped as a real org stamps
	}
	faults := &faultInjector{
		lock:      &st.mu,
		logger:    opts.Logger,
		rand:      rand.New(rand.NewPCG(1, 2)),
		lockLimit: max(opts.ParentLockLimit, 0),
	}
	meter := &apiMeter{state: st, faultInjector: faults}
	records := &recordAPI{state: st}
	allowance := &eventAllowance{state: st}
	rest := &restAPI{state: st, faultInjector: faults, eventAllowance: allowance, cursors: map[string]*cursor{}}
	ui := &uiAPI{state: st, restAPI: rest}
	oauth := &oauthServer{state: st, apiMeter: meter, refresh: map[string]string{}, failedLogins: map[string]failedLogins{}}
	s := &Server{
		state:          st,
		faultInjector:  faults,
		apiMeter:       meter,
		recordAPI:      records,
		permissions:    &permissions{state: st, recordAPI: records},
		eventAllowance: allowance,
		pubSub:         &pubSub{state: st, faultInjector: faults, eventAllowance: allowance, subs: map[*subscription]struct{}{}},
		oauthServer:    oauth,
		restAPI:        rest,
		uiAPI:          ui,
		console:        &console{state: st, oauthServer: oauth, recordAPI: records, uiAPI: ui, csrfKey: []byte(randomToken(32))},
	}
	bus, err := newEventBus(schema)
	if err != nil {
		return nil, fmt.Errorf("sfsim: %w", err)
	}
	s.store.bus = bus
	if s.store.rules, err = compileValidationRules(schema); err != nil {
		return nil, fmt.Errorf("sfsim: the metadata: %w", err)
	}
	if s.store.filters, err = compileLookupFilters(schema); err != nil {
		return nil, fmt.Errorf("sfsim: the metadata: %w", err)
	}
	if err := s.store.loadChannels(schema); err != nil {
		return nil, fmt.Errorf("sfsim: %w", err)
	}
	if err := s.seed(); err != nil {
		return nil, fmt.Errorf("sfsim: seed: %w", err)
	}
	if s.store.sharing, err = compileSharingRules(schema, s.groupIDs); err != nil {
		return nil, fmt.Errorf("sfsim: the metadata: %w", err)
	}
	s.syncPermissionObjects()
	return s, nil
}

// Schema returns the schema the sandbox enforces.
func (s *state) Schema() *metadata.Schema { return s.schema }

// Close releases calls held by a Hang fault. The Server keeps serving.
func (s *state) Close() { s.once.Do(func() { close(s.done) }) }

// ServeHTTP routes a request. A bug in the sandbox answers 500
// UNKNOWN_EXCEPTION, as Salesforce does, instead of dropping the connection.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("salesforce sandbox: internal error", "panic", fmt.Sprint(v), "path", r.URL.Path)
			writeError(w, apiError(http.StatusInternalServerError, "UNKNOWN_EXCEPTION", "An unexpected error occurred. Please include this ErrorId if you contact support: 0-0 (sandbox)"))
		}
	}()
	switch p := r.URL.Path; {
	case p == "/services/oauth2/token":
		s.serveToken(w, r)
	case strings.HasPrefix(p, "/services/Soap/u/"):
		s.serveSOAPLogin(w, r)
	case strings.HasPrefix(p, "/services/data"):
		s.serveData(w, r)
	case strings.HasPrefix(p, "/sandbox/"):
		s.serveControl(w, r)
	case p == "/" || p == "/secur/logout.jsp" || p == "/lightning" || strings.HasPrefix(p, "/lightning/"):
		s.serveLightning(w, r)
	default:
		writeError(w, apiError(http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist"))
	}
}

// admit counts a call of op, applies the daily quota and injected faults.
// It returns false when it has answered the request itself. When a
// LoseResponse fault hit the call, it returns the error to answer with after
// the call was carried out.
func (s *apiMeter) admit(w http.ResponseWriter, r *http.Request, op string, quota bool) (*Error, bool) {
	s.mu.Lock()
	s.calls[op]++
	s.total++
	var quotaErr *Error
	if quota {
		if s.used >= s.dailyLimit {
			quotaErr = apiError(http.StatusForbidden, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
		} else {
			s.used++
		}
		w.Header().Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/%d", s.used, s.dailyLimit))
	}
	latency, hang, faultErr, lose := s.pickFault(op)
	if lose && (op == OpToken || op == OpLogin) {
		lose = false
	}
	s.mu.Unlock()

	s.log.Debug("salesforce sandbox call", "op", op, "method", r.Method)
	if quotaErr != nil {
		writeError(w, quotaErr)
		return nil, false
	}
	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return nil, false
		case <-s.done:
			t.Stop()
		}
	}
	if hang {
		select {
		case <-r.Context().Done():
		case <-s.done:
			writeError(w, apiError(http.StatusServiceUnavailable, "SERVER_UNAVAILABLE", "Server temporarily unavailable, please try again later"))
		}
		return nil, false
	}
	if faultErr != nil {
		if op == OpToken && faultErr.Code == strings.ToLower(faultErr.Code) {
			// OAuth error codes (invalid_grant, ...) are answered the OAuth way
			writeOAuthError(w, oauthError{status: faultErr.Status, code: faultErr.Code, desc: faultErr.Message})
			return nil, false
		}
		if lose {
			return faultErr, true
		}
		writeError(w, faultErr)
		return nil, false
	}
	return nil, true
}

// authenticate returns the user id of the request's bearer token; a UI API
// call of a console page may come with the page's session cookie and CSRF
// token instead (browser true: Salesforce's own pages spend no API quota).
func (s *Server) authenticate(r *http.Request) (user string, browser bool, err *Error) {
	h := r.Header.Get("Authorization")
	if h == "" && isUIAPI(r) {
		if user, ok := s.cookieCaller(r); ok {
			return user, true, nil
		}
	}
	user, err = s.bearer(h)
	return user, false, err
}

// isUIAPI reports whether r calls the User Interface API.
func isUIAPI(r *http.Request) bool {
	m := versionPath.FindStringSubmatch(r.URL.EscapedPath())
	return m != nil && strings.HasPrefix(m[2], "/ui-api/")
}

// bearer returns the user id of an Authorization header's access token.
func (s *oauthServer) bearer(h string) (string, *Error) {
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		token, ok = strings.CutPrefix(h, "OAuth ")
	}
	s.mu.Lock()
	sess, known := s.tokens[strings.TrimSpace(token)]
	s.mu.Unlock()
	if !ok || !known || !s.opts.Clock().Before(sess.expires) {
		return "", apiError(http.StatusUnauthorized, "INVALID_SESSION_ID", "Session expired or invalid")
	}
	return sess.user, nil
}

// ExpireTokens invalidates every access token issued so far and ends the
// open Pub/Sub subscriptions with UNAUTHENTICATED.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = map[string]session{}
	s.endStreamsLocked(status.Error(codes.Unauthenticated, "The session is invalid or has expired."))
}

// Calls returns how many calls of op arrived (see the Op constants).
func (s *apiMeter) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

// TotalCalls returns how many calls of any operation arrived.
func (s *apiMeter) TotalCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

// ResetCalls zeroes the call counters (not the API usage).
func (s *apiMeter) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = map[string]int{}
	s.total = 0
}

// SetDailyLimit changes the daily API quota.
func (s *apiMeter) SetDailyLimit(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dailyLimit = n
}

// ResetUsage starts a new quota day.
func (s *apiMeter) ResetUsage() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.used = 0
}

// Usage returns the API requests used and the daily quota.
func (s *apiMeter) Usage() (used, max int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.used, s.dailyLimit
}

// SetAssignmentRule turns the Case assignment rule on: Cases created with
// Sforce-Auto-Assign TRUE (or without the header) get ownerID as owner.
// An empty ownerID turns it off (the default).
func (s *recordAPI) SetAssignmentRule(ownerID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.assignTo = ownerID
}

// AutoAssignHeaders returns the Sforce-Auto-Assign header of every write
// call so far, in order ("" when the header was absent).
func (s *recordAPI) AutoAssignHeaders() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.autoAssign...)
}

// IntegrationUserID is the id of the user tokens run as.
func (s *recordAPI) IntegrationUserID() string { return s.integrationUser }

// QueueID is the id of the seeded queue (a Group with Type Queue).
func (s *recordAPI) QueueID() string { return s.queueID }

// GroupID is the id of a public group of the shipped metadata, by
// developer name.
func (s *recordAPI) GroupID(name string) (string, bool) {
	id, ok := s.groupIDs[strings.ToLower(name)]
	return id, ok
}

// editorMode is how the Go API's edits (Update, Delete, Undelete) write:
// as the editing user, with its custom permissions for validation rules.
// The caller holds s.mu.
func (s *state) editorMode() writeMode {
	return writeMode{actor: s.editorUser, custom: s.accessFor(s.editorUser).custom}
}

// Insert stores a record directly (seeding): no authentication, no call
// counting, and system fields such as CreatedDate may be set. Schema rules
// (unknown fields, types, lengths, picklists, required, unique) still apply.
func (s *recordAPI) Insert(object string, fields map[string]any) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.store.table(object)
	if err != nil {
		return "", fmt.Errorf("sfsim insert %s: %w", object, err)
	}
	r, err := s.store.create(t, fields, writeMode{system: true, actor: s.editorUser}, nil)
	if err != nil {
		return "", fmt.Errorf("sfsim insert %s: %w", object, err)
	}
	s.usersChanged(t)
	return r.id, nil
}

// usersChanged keeps PermissionSetAssignment in step with the users (a new
// user is an agent). The caller holds s.mu.
func (s *state) usersChanged(t *table) {
	if t.obj.Name == "User" {
		s.syncPermissionObjects()
	}
}

// Update edits a record as a Salesforce user would (bumps SystemModstamp,
// LastModifiedById is that user, read-only fields are refused).
func (s *recordAPI) Update(object, id string, fields map[string]any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.store.table(object)
	if err != nil {
		return fmt.Errorf("sfsim update %s %s: %w", object, id, err)
	}
	r, err := s.store.get(t, id)
	if err != nil {
		return fmt.Errorf("sfsim update %s %s: %w", object, id, err)
	}
	if err := s.store.update(t, r, fields, s.editorMode(), nil); err != nil {
		return fmt.Errorf("sfsim update %s %s: %w", object, id, err)
	}
	return nil
}

// Delete deletes a record as a Salesforce user would.
func (s *recordAPI) Delete(object, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.store.table(object)
	if err != nil {
		return fmt.Errorf("sfsim delete %s %s: %w", object, id, err)
	}
	r, err := s.store.get(t, id)
	if err != nil {
		return fmt.Errorf("sfsim delete %s %s: %w", object, id, err)
	}
	if err := s.store.remove(t, r, s.editorMode(), nil); err != nil {
		return fmt.Errorf("sfsim delete %s %s: %w", object, id, err)
	}
	s.usersChanged(t)
	return nil
}

// Undelete restores a deleted record from the recycle bin as a Salesforce
// user would (its change event is an UNDELETE).
func (s *recordAPI) Undelete(object, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.store.table(object)
	if err != nil {
		return fmt.Errorf("sfsim undelete %s %s: %w", object, id, err)
	}
	r, err := s.store.get(t, id)
	if err != nil {
		return fmt.Errorf("sfsim undelete %s %s: %w", object, id, err)
	}
	if err := s.store.undelete(t, r, s.editorMode()); err != nil {
		return fmt.Errorf("sfsim undelete %s %s: %w", object, id, err)
	}
	s.usersChanged(t)
	return nil
}

// Record returns a record's fields in wire form (datetimes as Salesforce
// strings), deleted records included (IsDeleted true).
func (s *recordAPI) Record(object, id string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.store.table(object)
	if err != nil {
		return nil, false
	}
	r, err := s.store.get(t, id)
	if err != nil {
		return nil, false
	}
	return t.plain(r), true
}

// Records returns every live (not deleted) record of object in creation
// order.
func (s *recordAPI) Records(object string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.store.table(object)
	if err != nil {
		return nil
	}
	var out []map[string]any
	for _, r := range t.records {
		if !r.deleted {
			out = append(out, t.plain(r))
		}
	}
	return out
}

// Count returns how many live records object holds, without copying them
// (a test watching a large backfill polls it).
func (s *recordAPI) Count(object string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.store.table(object)
	if err != nil {
		return 0
	}
	n := 0
	for _, r := range t.records {
		if !r.deleted {
			n++
		}
	}
	return n
}

// Users returns the User records.
func (s *recordAPI) Users() []map[string]any { return s.Records("User") }

func (s *state) seed() error {
	users, _ := s.store.table("User")
	integ, err := s.store.create(users, map[string]any{
		"Username": s.opts.Username, "FirstName": "Carebridge", "LastName": "Integration",
		"Email": "integration@carebridge.example", "Alias": "cbint", "IsActive": true,
	}, writeMode{system: true}, nil)
	if err != nil {
		return err
	}
	integ.fields["CreatedById"], integ.fields["LastModifiedById"] = integ.id, integ.id
	s.integrationUser = integ.id
	sys := writeMode{system: true, actor: integ.id}
	agents := []struct {
		first, last, email string
		active             bool
	}{
		{"Alice", "Archer", "alice@carebridge.example", true},
		{"Bob", "Baker", "bob@carebridge.example", true},
		{"Chloe", "Chen", "chloe@carebridge.example", true},
		{"Dan", "Dormant", "dan@carebridge.example", false},
	}
	for i, a := range agents {
		r, err := s.store.create(users, map[string]any{
			"Username": a.email, "FirstName": a.first, "LastName": a.last, "Email": a.email,
			"Alias": strings.ToLower(a.first), "IsActive": a.active,
		}, sys, nil)
		if err != nil {
			return err
		}
		if i == 0 {
			s.editorUser = r.id
		}
	}
	groups, _ := s.store.table("Group")
	q, err := s.store.create(groups, map[string]any{
		"Name": "Social Care", "DeveloperName": "Social_Care", "Type": "Queue", "Email": "social-care@carebridge.example",
	}, sys, nil)
	if err != nil {
		return err
	}
	s.queueID = q.id
	// The shipped public groups, as a deploy creates them; an admin adds
	// the integration user to its group (docs/salesforce-setup.md).
	s.groupIDs = map[string]string{}
	for _, g := range s.schema.Groups() {
		r, err := s.store.create(groups, map[string]any{"Name": g.Label, "DeveloperName": g.Name, "Type": "Regular"}, sys, nil)
		if err != nil {
			return err
		}
		s.groupIDs[strings.ToLower(g.Name)] = r.id
	}
	if id, ok := s.groupIDs[strings.ToLower(IntegrationGroup)]; ok {
		members, _ := s.store.table("GroupMember")
		if _, err := s.store.create(members, map[string]any{"GroupId": id, "UserOrGroupId": integ.id}, sys, nil); err != nil {
			return err
		}
	}
	statuses, _ := s.store.table("CaseStatus")
	for i, cs := range s.schema.CaseStatuses() {
		if _, err := s.store.create(statuses, map[string]any{
			"MasterLabel": cs.Label, "ApiName": cs.Label, "IsClosed": cs.IsClosed, "IsDefault": cs.IsDefault,
			"SortOrder": float64(i + 1),
		}, sys, nil); err != nil {
			return err
		}
	}
	return nil
}

// instanceURL is the base URL clients reached this server at.
func instanceURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
