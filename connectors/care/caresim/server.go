// Package caresim is a Care sandbox: a real HTTP server that serves
// carebridge's Care contract (connectors/care/openapi.yaml) with Care's
// envelope, Basic auth and rules. It refuses what Care refuses by asking the
// shared rules engine (connectors/care/rules), so the sandbox and the bridge
// cannot drift apart. Fault injection and signed webhooks with retries make
// it useful for failure tests.
//
// Its controls under /sandbox/ (and the same Go methods: Escalate,
// CustomerMessage, UIAssign...) drive it as customers and Care users would
// and show what the API did: they are documented in sandbox-openapi.yaml
// (every control, its body, its answers and an example, checked against
// the handlers by TestSandboxControlsMatchTheirDocument) and, with curl, in
// docs/sandboxes.md.
package caresim

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

// Options configure a sandbox.
type Options struct {
	Token, Secret string // Basic auth credentials (required)
	BearerToken   string // optional OAuth-style bearer token also accepted
	WebhookURL    string // where events are POSTed; empty: no webhooks
	WebhookSecret string // HMAC key of X-Care-Signature
	// WebhookBackoff is the first retry delay of a failed delivery; it
	// doubles up to WebhookMaxBackoff. Zero: 100ms and 5s.
	WebhookBackoff    time.Duration
	WebhookMaxBackoff time.Duration
	Rules             *rules.Engine    // nil: rules.Default()
	Clock             func() time.Time // nil: time.Now
	Logger            *slog.Logger     // nil: discard
	// NewPlatforms are platforms Care serves beyond the six the contract
	// lists, as when Care adds a network: cases on them exist and are
	// served, and no rule allows an action on them.
	NewPlatforms []rules.Platform
	// RateLimit, when positive, is the account's API budget in requests per
	// second (a token bucket holding RateBurst requests, at least 1): an
	// API call beyond it is refused with 429 and Retry-After, as Care
	// refuses a client that exceeds its account's limit. Sandbox control
	// calls are not counted.
	RateLimit float64
	RateBurst int
}

// RateLimited returns how many API calls the rate limit refused.
func (s *api) RateLimited() int64 { return s.limited.Load() }

// Operation names, the contract's operationIds.
const (
	OpListCases     = "listCases"
	OpGetCase       = "getCase"
	OpListMessages  = "listMessages"
	OpListNotes     = "listNotes"
	OpListAgents    = "listAgents"
	OpListProfiles  = "listProfiles"
	OpAssignCase    = "assignCase"
	OpSetCaseStatus = "setCaseStatus"
	OpSetProfile    = "setCaseProfile"
	OpAddNote       = "addNote"
	OpPostReply     = "postReply"
	OpMessageAction = "messageAction"
)

// maxBody bounds every request body.
const maxBody = 1 << 20

// Server is the Care sandbox. It is an http.Handler; Close stops webhook
// delivery.
//
// It is assembled from parts by area, each a type of its own, all sharing
// one *state and so its one mutex:
//
//   - state (state.go): cases, messages, notes, agents, profiles, accounts,
//     ids and stamps, guarded by mu; its methods are the ...Locked helpers
//     every part builds on, called with mu held (with now and check), each
//     in the file of the area it serves.
//   - api (api.go, actions.go): the contract's operations; and here, the
//     wrapper around them (auth, rate limit, faults, idempotency) and the
//     call counters.
//   - simulation (sandbox.go, authors.go, demo.go): the Go controls, what
//     customers, authors and Care users do (Escalate, CustomerMessage,
//     UIAssign...), and the demo seed.
//   - controlEndpoints (sandbox.go, authors.go): the /sandbox/ HTTP
//     endpoints over those controls.
//   - faultInjector (faults.go): injected failures and latency.
//   - webhooks (webhooks.go): signed event delivery with retries.
//
// Server embeds the parts, so their exported methods are Server's.
type Server struct {
	*state
	*api
	*simulation
	*faultInjector
	*controlEndpoints
	mux *http.ServeMux
}

// New builds a sandbox. With a webhook URL it starts the delivery goroutine;
// call Close to stop it.
func New(opts Options) (*Server, error) {
	if opts.Token == "" || opts.Secret == "" {
		return nil, errors.New("caresim: new: token and secret are required")
	}
	if opts.WebhookURL != "" && opts.WebhookSecret == "" {
		return nil, errors.New("caresim: new: a webhook URL needs a webhook secret")
	}
	st := &state{
		opts:      opts,
		rules:     opts.Rules,
		log:       opts.Logger,
		clock:     opts.Clock,
		cases:     map[string]*care.Case{},
		messages:  map[string]*care.Message{},
		convo:     map[string][]string{},
		notes:     map[string][]care.Note{},
		noteIDs:   map[string]bool{},
		replies:   map[string][]string{},
		banned:    map[string]bool{},
		following: map[string]bool{},
		accounts:  map[string]string{},
	}
	faults := &faultInjector{
		state: st,
		rng:   rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0x5eed)),
	}
	a := &api{
		state:    st,
		injector: faults,
		idem:     map[string]idemEntry{},
		calls:    map[string]int{},
	}
	sim := &simulation{state: st}
	s := &Server{
		state:            st,
		api:              a,
		simulation:       sim,
		faultInjector:    faults,
		controlEndpoints: &controlEndpoints{simulation: sim, faultInjector: faults, api: a},
	}
	if s.rules == nil {
		s.rules = rules.Default()
	}
	if opts.RateLimit > 0 {
		s.budget = rate.NewLimiter(rate.Limit(opts.RateLimit), max(opts.RateBurst, 1))
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	if opts.WebhookURL != "" {
		s.hooks = startWebhooks(opts, s.log)
	}
	s.routes()
	return s, nil
}

// Close stops webhook delivery. Undelivered events are dropped.
func (s *Server) Close() {
	if s.hooks != nil {
		s.hooks.stop()
	}
}

// ServeHTTP serves the contract and the /sandbox/ endpoints. A bug that
// panics answers 500 in the envelope instead of dropping the connection.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("care sandbox: handler panicked", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v))
			writeError(w, &apiError{status: http.StatusInternalServerError, msg: "internal error in the Care sandbox"})
		}
	}()
	s.mux.ServeHTTP(w, r)
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.Handle("GET /3/care/cases", s.op(OpListCases, false, s.listCases))
	m.Handle("GET /3/care/cases/{id}", s.op(OpGetCase, false, s.getCase))
	m.Handle("GET /3/care/cases/{id}/messages", s.op(OpListMessages, false, s.listMessages))
	m.Handle("GET /3/care/cases/{id}/notes", s.op(OpListNotes, false, s.listNotes))
	m.Handle("GET /3/care/agents", s.op(OpListAgents, false, s.listAgents))
	m.Handle("GET /3/care/profiles", s.op(OpListProfiles, false, s.listProfiles))
	m.Handle("POST /3/care/cases/{id}/assign", s.op(OpAssignCase, true, s.assignCase))
	m.Handle("POST /3/care/cases/{id}/status", s.op(OpSetCaseStatus, true, s.setStatus))
	m.Handle("POST /3/care/cases/{id}/profile", s.op(OpSetProfile, true, s.setProfile))
	m.Handle("POST /3/care/cases/{id}/notes", s.op(OpAddNote, true, s.addNote))
	m.Handle("POST /3/care/cases/{id}/replies", s.op(OpPostReply, true, s.postReply))
	m.Handle("POST /3/care/messages/{id}/actions", s.op(OpMessageAction, true, s.messageAction))
	s.sandboxRoutes(m)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, &apiError{status: http.StatusNotFound, msg: fmt.Sprintf("no such operation: %s %s", r.Method, r.URL.Path)})
	})
	s.mux = m
}

// handlerFunc serves one operation with s.mu held. body is the raw request
// body (nil for GET). It returns the HTTP status and the envelope's data, or
// an error (an *apiError for anything the caller did wrong).
type handlerFunc func(r *http.Request, body []byte) (int, any, error)

// op wraps an operation with call counting, auth, fault injection, body
// limits, idempotency and the envelope.
func (s *api) op(name string, write bool, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.countCall(name)
		if !s.authorized(r) {
			w.Header().Set("WWW-Authenticate", `Basic realm="care"`)
			writeError(w, &apiError{status: http.StatusUnauthorized, msg: "missing or invalid credentials"})
			return
		}
		if s.budget != nil && !s.budget.Allow() {
			s.limited.Add(1)
			writeError(w, &apiError{status: http.StatusTooManyRequests, msg: "API rate limit of the account exceeded", retryAfter: 1})
			return
		}
		faultErr, lost := s.injector.applyFaults(r, name)
		if faultErr != nil {
			writeError(w, faultErr)
			return
		}
		var body []byte
		if write {
			b, err := readBody(w, r)
			if err != nil {
				writeError(w, err)
				return
			}
			body = b
		}
		key := r.Header.Get(care.IdempotencyHeader)
		if len(key) > 255 {
			writeError(w, badRequest("%s header is longer than 255 characters", care.IdempotencyHeader))
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		fingerprint := name + " " + r.URL.Path + " " + canonicalJSON(body)
		if write && key != "" {
			if e, ok := s.idem[key]; ok {
				if e.fingerprint != fingerprint {
					writeError(w, &apiError{status: http.StatusConflict, msg: fmt.Sprintf("%s %q was already used for a different request", care.IdempotencyHeader, key)})
					return
				}
				w.Header().Set("Idempotent-Replayed", "true")
				writeRaw(w, e.status, e.body)
				return
			}
		}
		status, data, err := h(r, body)
		raw, status := render(status, data, err)
		if write && key != "" && storable(status) {
			s.idem[key] = idemEntry{fingerprint: fingerprint, status: status, body: raw}
		}
		if err != nil {
			s.log.Info("care sandbox refused request", "op", name, "path", r.URL.Path, "status", status, "err", err)
		}
		if lost != nil {
			writeError(w, lost)
			return
		}
		writeRaw(w, status, raw)
	})
}

// idemEntry is the first result of an Idempotency-Key.
type idemEntry struct {
	fingerprint string
	status      int
	body        []byte
}

// storable says whether a response is final for its idempotency key. Server
// failures and throttling are not: a retry with the same key must act.
func storable(status int) bool {
	switch {
	case status >= 500, status == http.StatusTooManyRequests, status == http.StatusUnauthorized:
		return false
	}
	return true
}

func (s *api) authorized(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	if tok, ok := strings.CutPrefix(h, "Bearer "); ok && s.opts.BearerToken != "" {
		return subtle.ConstantTimeCompare([]byte(tok), []byte(s.opts.BearerToken)) == 1
	}
	enc, ok := strings.CutPrefix(h, "Basic ")
	if !ok {
		return false
	}
	raw, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return false
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok {
		return false
	}
	u := subtle.ConstantTimeCompare([]byte(user), []byte(s.opts.Token))
	p := subtle.ConstantTimeCompare([]byte(pass), []byte(s.opts.Secret))
	return u&p == 1
}

func (s *api) countCall(op string) {
	s.mu.Lock()
	s.calls[op]++
	s.mu.Unlock()
}

var writeOps = map[string]bool{
	OpAssignCase: true, OpSetCaseStatus: true, OpSetProfile: true,
	OpAddNote: true, OpPostReply: true, OpMessageAction: true,
}

// Calls reports how many requests reached operation op (an operationId).
func (s *api) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

// TotalCalls reports the requests that reached any contract operation.
func (s *api) TotalCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		n += c
	}
	return n
}

// WriteCalls reports the requests that reached a write operation.
func (s *api) WriteCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for op, c := range s.calls {
		if writeOps[op] {
			n += c
		}
	}
	return n
}

// ResetCalls zeroes the call counters.
func (s *api) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.calls)
}

// canonicalJSON renders a body so that the same request written with other
// spacing or key order has the same idempotency fingerprint.
func canonicalJSON(body []byte) string {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return string(body)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return string(body)
	}
	return string(b)
}
