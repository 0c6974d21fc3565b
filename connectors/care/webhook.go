package care

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
)

// Webhook receiver defaults.
const (
	DefaultWebhookTolerance   = 5 * time.Minute
	DefaultWebhookMaxBody     = 1 << 20 // 1 MiB
	DefaultWebhookBodyTimeout = 5 * time.Second

	maxSignatures = 8   // v1 entries accepted in one header (secret rotation)
	maxIDLength   = 256 // longest event or case id accepted
)

// Dedupe remembers webhook event ids. FirstSeen atomically records id and
// reports whether this is the first time it was seen (Redis: SET NX with a
// TTL). Forget removes the record again; the receiver calls it when the
// event could not be enqueued, so that Care's retry of the event is not
// taken for a duplicate (Redis: DEL).
type Dedupe interface {
	FirstSeen(ctx context.Context, eventID string) (bool, error)
	Forget(ctx context.Context, eventID string) error
}

// WebhookOptions configure a WebhookReceiver.
type WebhookOptions struct {
	// Secret is the shared HMAC secret. Empty: every delivery is refused
	// with 503, since nothing can be verified.
	Secret string
	// Tolerance is how far the signed timestamp may be from now, either
	// way (default 5m). Older deliveries are replays and refused.
	Tolerance time.Duration
	// MaxBody is the largest body accepted (default 1 MiB).
	MaxBody int64
	// BodyTimeout is how long the body may take to arrive once the
	// headers are in (default 5s); a slower sender is cut off with 408.
	// A delivery without a well-formed signature header is refused before
	// its body is read.
	BodyTimeout time.Duration
	// Dedupe records event ids (default: an in-memory set keeping ids for
	// 24h, fine for a single process and for tests).
	Dedupe Dedupe
	// Enqueue receives every new event whose case is not in step as it
	// shows it (Synced). An error makes the receiver answer 503 so that
	// Care retries.
	Enqueue func(ctx context.Context, ev CaseEvent) error
	// Synced, when set, reports whether the case was already synced as an
	// event shows it: a case event's data.updated_at (Part "case"), a
	// message event's (Part "conversation"), a note event's data.created_at
	// (Part "notes"); the echo of carebridge's own write, or a change a
	// reconcile already read. Such an event is acknowledged without queuing
	// (outcome in_step). An error queues the case as usual.
	Synced func(ctx context.Context, caseID string, part EventPart, at time.Time) (bool, error)
	// Clock returns now (default time.Now).
	Clock func() time.Time
	// Logger (default: discard).
	Logger *slog.Logger
	// Metrics counts deliveries by outcome (optional).
	Metrics *WebhookMetrics
	// MaxCaseIDLength makes the ids of cases longer than it unusable (the
	// length of the Salesforce field that carries them; 0: only the
	// receiver's own bound of 256 bytes). See CheckCaseID.
	MaxCaseIDLength int
	// Unusable records a case whose id cannot be used (optional), so that
	// the admin status can list it: caseID is the id for display (quoted,
	// escaped, cut short), reason says why. The event is acknowledged and
	// counted whether or not recording works (an error is logged): Care
	// delivers events in order, and redelivering this one could not change
	// it but would hold up every event behind it.
	Unusable func(ctx context.Context, caseID, reason string) error
	// Admit, when set, is asked before the body of a delivery that could
	// be authentic (its signature header is well-formed) is read: it
	// returns a release func, called when the delivery is done, and true;
	// or false once it has answered the request itself (too many
	// deliveries at once). Deliveries that cannot be authentic are refused
	// without it, so that they never take a slot.
	Admit func(w http.ResponseWriter, req *http.Request) (release func(), ok bool)
}

// WebhookReceiver is the http.Handler for Care's signed webhooks. It
// verifies the X-Care-Signature header, refuses replays and oversize or
// malformed bodies, drops duplicate event ids and hands each new event
// (its case, and the part and stamp it shows) to Enqueue. It never carries
// the change itself: the worker reads the current state of the case.
//
// Parsing: the body must be one JSON object with the string fields id,
// type (one of the known event types) and case_id; anything after the
// object is refused. Unknown fields are ignored on purpose: a field Care
// adds later must not make every delivery fail (Care would retry them
// forever), and the signature already proves the body came from Care.
type WebhookReceiver struct {
	secret      []byte
	tolerance   time.Duration
	maxBody     int64
	bodyTimeout time.Duration
	dedupe      Dedupe
	enqueue     func(ctx context.Context, ev CaseEvent) error
	synced      func(ctx context.Context, caseID string, part EventPart, at time.Time) (bool, error)
	clock       func() time.Time
	log         *slog.Logger
	metrics     *WebhookMetrics
	maxCaseID   int
	admit       func(w http.ResponseWriter, req *http.Request) (release func(), ok bool)
	unusable    func(ctx context.Context, caseID, reason string) error
}

var _ http.Handler = (*WebhookReceiver)(nil)

// NewWebhookReceiver returns a receiver with opts' defaults filled in.
func NewWebhookReceiver(opts WebhookOptions) *WebhookReceiver {
	r := &WebhookReceiver{
		secret:      []byte(opts.Secret),
		tolerance:   opts.Tolerance,
		maxBody:     opts.MaxBody,
		bodyTimeout: opts.BodyTimeout,
		dedupe:      opts.Dedupe,
		enqueue:     opts.Enqueue,
		synced:      opts.Synced,
		clock:       opts.Clock,
		log:         opts.Logger,
		metrics:     opts.Metrics,
		maxCaseID:   opts.MaxCaseIDLength,
		admit:       opts.Admit,
		unusable:    opts.Unusable,
	}
	if r.tolerance <= 0 {
		r.tolerance = DefaultWebhookTolerance
	}
	if r.maxBody <= 0 {
		r.maxBody = DefaultWebhookMaxBody
	}
	if r.bodyTimeout <= 0 {
		r.bodyTimeout = DefaultWebhookBodyTimeout
	}
	if r.clock == nil {
		r.clock = time.Now
	}
	if r.dedupe == nil {
		r.dedupe = NewMemoryDedupe(24*time.Hour, r.clock)
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	return r
}

// Webhook delivery outcomes, the label values of
// carebridge_care_webhook_deliveries_total.
const (
	OutcomeAccepted     = "accepted"
	OutcomeDuplicate    = "duplicate"
	OutcomeBadSignature = "bad_signature"
	OutcomeStale        = "stale"
	OutcomeTooLarge     = "too_large"
	OutcomeSlowBody     = "slow_body" // the body did not arrive within the body timeout
	OutcomeMalformed    = "malformed"
	OutcomeUnknownType  = "unknown_type"
	OutcomeBadMethod    = "bad_method"
	OutcomeUnavailable  = "unavailable" // dedupe or enqueue failed, or not configured
	// OutcomeUnusableCaseID: the case id cannot be used (see CheckCaseID;
	// or it is missing or not a string); acknowledged, since no
	// redelivery can change it, and recorded through Unusable.
	OutcomeUnusableCaseID = "unusable_case_id"
	// OutcomeInStep: a case event showing the case as carebridge already
	// synced it (see WebhookOptions.Synced); acknowledged, nothing queued.
	OutcomeInStep = "in_step"
	outcomeLabel  = "outcome"
)

// WebhookMetrics count webhook deliveries by outcome.
type WebhookMetrics struct {
	deliveries *prometheus.CounterVec
}

// NewWebhookMetrics registers carebridge_care_webhook_deliveries_total on
// reg (nil: not registered), with every outcome created at zero.
func NewWebhookMetrics(reg prometheus.Registerer) *WebhookMetrics {
	m := &WebhookMetrics{deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "carebridge",
		Name:      "care_webhook_deliveries_total",
		Help:      "Care webhook deliveries by outcome.",
	}, []string{outcomeLabel})}
	for _, o := range []string{OutcomeAccepted, OutcomeDuplicate, OutcomeBadSignature, OutcomeStale,
		OutcomeTooLarge, OutcomeSlowBody, OutcomeMalformed, OutcomeUnknownType, OutcomeBadMethod, OutcomeUnavailable, OutcomeUnusableCaseID, OutcomeInStep} {
		m.deliveries.WithLabelValues(o)
	}
	if reg != nil {
		reg.MustRegister(m.deliveries)
	}
	return m
}

func (m *WebhookMetrics) count(outcome string) {
	if m == nil {
		return
	}
	m.deliveries.WithLabelValues(outcome).Inc()
}

// webhookReject is a refused delivery: the status, the message the sender
// sees and the outcome counted.
type webhookReject struct {
	status  int
	outcome string
	msg     string
	// unread: the body was not read to its end, so the connection is
	// closed rather than kept for another request.
	unread bool
}

func (e *webhookReject) Error() string { return e.msg }

func reject(status int, outcome, format string, args ...any) *webhookReject {
	return &webhookReject{status: status, outcome: outcome, msg: fmt.Sprintf(format, args...)}
}

// webhookIgnored is a genuine delivery carebridge cannot use: it is
// acknowledged (a retry would not change anything), logged and counted.
type webhookIgnored struct {
	outcome string
	level   slog.Level
	msg     string
}

func (e *webhookIgnored) Error() string { return e.msg }

func ignore(level slog.Level, outcome, format string, args ...any) *webhookIgnored {
	return &webhookIgnored{outcome: outcome, level: level, msg: fmt.Sprintf(format, args...)}
}

// errAnswered is handle's error when Admit answered the request itself.
var errAnswered = errors.New("answered by Admit")

func (r *WebhookReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	outcome, err := r.handle(w, req)
	if errors.Is(err, errAnswered) {
		return
	}
	var ign *webhookIgnored
	if errors.As(err, &ign) {
		// Acknowledged so that Care does not retry an event that can never
		// be processed (Care retries every non-2xx answer).
		r.metrics.count(ign.outcome)
		r.log.LogAttrs(req.Context(), ign.level, "care webhook ignored", slog.String("outcome", ign.outcome), slog.String("reason", ign.msg))
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, ign.outcome+": "+ign.msg+"\n")
		return
	}
	if err == nil {
		r.metrics.count(outcome)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, outcome+"\n")
		return
	}
	var rej *webhookReject
	if !errors.As(err, &rej) {
		rej = reject(http.StatusInternalServerError, OutcomeUnavailable, "internal error")
	}
	r.metrics.count(rej.outcome)
	if rej.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", http.MethodPost)
	}
	if rej.unread {
		// Waiting for the rest of a body nobody will read would let the
		// sender hold the connection (Go's server would drain it).
		w.Header().Set("Connection", "close")
	}
	r.log.LogAttrs(req.Context(), slog.LevelWarn, "care webhook refused",
		slog.Int("status", rej.status), slog.String("outcome", rej.outcome), slog.String("reason", rej.msg))
	http.Error(w, rej.msg, rej.status)
}

// handle processes one delivery and returns its outcome, or a
// *webhookReject.
func (r *WebhookReceiver) handle(w http.ResponseWriter, req *http.Request) (string, error) {
	if req.Method != http.MethodPost {
		return "", reject(http.StatusMethodNotAllowed, OutcomeBadMethod, "method %s not allowed, use POST", req.Method)
	}
	if len(r.secret) == 0 || r.enqueue == nil {
		return "", reject(http.StatusServiceUnavailable, OutcomeUnavailable, "webhook receiver is not configured")
	}
	// What cannot be authentic is refused before its body is read: a
	// sender without the secret holds nothing.
	sig, rej := parseSignature(req.Header.Get(SignatureHeader))
	if rej != nil {
		rej.unread = true
		return "", rej
	}
	if req.ContentLength > r.maxBody {
		return "", &webhookReject{status: http.StatusRequestEntityTooLarge, outcome: OutcomeTooLarge,
			msg: fmt.Sprintf("body larger than %d bytes", r.maxBody), unread: true}
	}
	if r.admit != nil {
		release, ok := r.admit(w, req)
		if !ok {
			return "", errAnswered
		}
		defer release()
	}
	body, rej := r.readBody(w, req)
	if rej != nil {
		return "", rej
	}
	if err := r.verify(sig, body); err != nil {
		return "", err
	}
	ev, err := parseEvent(body)
	if err != nil {
		return "", err
	}
	if !knownEventType(ev.Type) {
		// Care may add event types; an unknown one is no reason for Care to
		// keep delivering it. The sweep and polls still see every change.
		return "", ignore(slog.LevelWarn, OutcomeUnknownType, "event %s: unknown event type %q (known: %s, %s, %s, %s)",
			ev.ID, truncate(ev.Type, 64), EventCaseCreated, EventCaseUpdated, EventMessageCreated, EventNoteCreated)
	}
	ctx := req.Context()
	if ev.caseIDProblem == nil {
		ev.caseIDProblem = CheckCaseID(ev.CaseID, r.maxCaseID)
	}
	if ev.caseIDProblem != nil {
		// No Salesforce Case can carry this id, now or after a retry.
		shown := displayCaseID(ev)
		if r.unusable != nil && !ev.caseIDMissing {
			if err := r.unusable(ctx, shown, ev.caseIDProblem.Error()); err != nil {
				r.log.LogAttrs(ctx, slog.LevelError, "care webhook: recording a case that cannot be synced failed",
					slog.String("event_id", ev.ID), slog.String("case_id", shown), slog.Any("error", err))
			}
		}
		return "", ignore(slog.LevelError, OutcomeUnusableCaseID, "event %s: case id %s %v; this case cannot be synced", ev.ID, shown, ev.caseIDProblem)
	}

	first, err := r.dedupe.FirstSeen(ctx, ev.ID)
	if err != nil {
		r.log.LogAttrs(ctx, slog.LevelError, "care webhook dedupe failed",
			slog.String("event_id", ev.ID), slog.Any("error", err))
		return "", reject(http.StatusServiceUnavailable, OutcomeUnavailable, "event %s: dedupe unavailable, retry later", ev.ID)
	}
	if !first {
		r.log.LogAttrs(ctx, slog.LevelDebug, "care webhook duplicate", slog.String("event_id", ev.ID))
		return OutcomeDuplicate, nil
	}
	if r.synced != nil && ev.stamp != nil {
		synced, err := r.synced(ctx, ev.CaseID, ev.part, *ev.stamp)
		if err != nil {
			r.log.LogAttrs(ctx, slog.LevelDebug, "care webhook: reading whether the case is in step failed; queued",
				slog.String("event_id", ev.ID), slog.Any("error", err))
		}
		if synced {
			return OutcomeInStep, nil
		}
	}
	if err := r.enqueue(ctx, CaseEvent{ID: ev.ID, Type: ev.Type, CaseID: ev.CaseID, Part: ev.part, At: ev.stamp}); err != nil {
		// Forget the id so that Care's retry is processed, not dropped.
		// The request context may be the reason enqueue failed.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if ferr := r.dedupe.Forget(fctx, ev.ID); ferr != nil {
			r.log.LogAttrs(ctx, slog.LevelError, "care webhook: forgetting event id failed; its retry will be taken for a duplicate",
				slog.String("event_id", ev.ID), slog.Any("error", ferr))
		}
		r.log.LogAttrs(ctx, slog.LevelError, "care webhook enqueue failed",
			slog.String("event_id", ev.ID), slog.String("case_id", ev.CaseID), slog.Any("error", err))
		return "", reject(http.StatusServiceUnavailable, OutcomeUnavailable, "event %s: enqueue failed, retry later", ev.ID)
	}
	r.log.LogAttrs(ctx, slog.LevelDebug, "care webhook accepted",
		slog.String("event_id", ev.ID), slog.String("type", ev.Type), slog.String("case_id", ev.CaseID))
	return OutcomeAccepted, nil
}

// readBody reads the body within the body timeout (the server's read
// timeout still bounds the whole request) and at most maxBody bytes.
func (r *WebhookReceiver) readBody(w http.ResponseWriter, req *http.Request) ([]byte, *webhookReject) {
	// Not every ResponseWriter supports deadlines (a recorder in tests):
	// the server's read timeout is the bound then.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(r.bodyTimeout))
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, r.maxBody))
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		return body, nil
	case errors.As(err, &tooBig):
		return nil, &webhookReject{status: http.StatusRequestEntityTooLarge, outcome: OutcomeTooLarge,
			msg: fmt.Sprintf("body larger than %d bytes", r.maxBody), unread: true}
	case errors.Is(err, os.ErrDeadlineExceeded):
		return nil, &webhookReject{status: http.StatusRequestTimeout, outcome: OutcomeSlowBody,
			msg: fmt.Sprintf("body not received within %s", r.bodyTimeout), unread: true}
	default:
		return nil, &webhookReject{status: http.StatusBadRequest, outcome: OutcomeMalformed, msg: "reading body failed", unread: true}
	}
}

// signature is a parsed X-Care-Signature header.
type signature struct {
	ts   string
	sigs [][]byte
}

// parseSignature reads the signature header; a missing or malformed one
// cannot belong to an authentic delivery.
func parseSignature(header string) (signature, *webhookReject) {
	if header == "" {
		return signature{}, reject(http.StatusUnauthorized, OutcomeBadSignature, "missing %s header", SignatureHeader)
	}
	ts, sigs, err := parseSignatureHeader(header)
	if err != nil {
		return signature{}, reject(http.StatusUnauthorized, OutcomeBadSignature, "malformed %s header: %v", SignatureHeader, err)
	}
	return signature{ts: ts, sigs: sigs}, nil
}

// verify checks sig against body: any of its v1 signatures may match
// (secret rotation). The comparison is constant-time. A correctly signed
// delivery whose timestamp is outside the tolerance is a replay.
func (r *WebhookReceiver) verify(sig signature, body []byte) error {
	mac := hmac.New(sha256.New, r.secret)
	mac.Write([]byte(sig.ts))
	mac.Write([]byte("."))
	mac.Write(body)
	want := mac.Sum(nil)
	ok := false
	for _, s := range sig.sigs {
		if hmac.Equal(want, s) {
			ok = true
		}
	}
	if !ok {
		return reject(http.StatusUnauthorized, OutcomeBadSignature, "signature does not match")
	}
	secs, _ := strconv.ParseInt(sig.ts, 10, 64) // checked by parseSignatureHeader
	if skew := r.clock().Sub(time.Unix(secs, 0)).Abs(); skew > r.tolerance {
		return reject(http.StatusBadRequest, OutcomeStale, "timestamp %s is outside the %s tolerance (replayed or clock skew)", sig.ts, r.tolerance)
	}
	return nil
}

// parseSignatureHeader splits "t=<unix seconds>,v1=<hex>[,v1=<hex>...]".
// Entries with other schemes are ignored.
func parseSignatureHeader(h string) (ts string, sigs [][]byte, err error) {
	for part := range strings.SplitSeq(h, ",") {
		k, v, found := strings.Cut(strings.TrimSpace(part), "=")
		if !found {
			return "", nil, errors.New("entry without '='")
		}
		switch k {
		case "t":
			if ts != "" {
				return "", nil, errors.New("more than one timestamp")
			}
			if _, perr := strconv.ParseInt(v, 10, 64); perr != nil || v == "" || v[0] == '+' || v[0] == '-' {
				return "", nil, errors.New("timestamp is not unix seconds")
			}
			ts = v
		case "v1":
			if len(sigs) == maxSignatures {
				return "", nil, fmt.Errorf("more than %d signatures", maxSignatures)
			}
			b, derr := hex.DecodeString(v)
			if derr != nil || len(b) != sha256.Size {
				return "", nil, errors.New("v1 is not a hex HMAC-SHA256")
			}
			sigs = append(sigs, b)
		}
	}
	if ts == "" {
		return "", nil, errors.New("no timestamp")
	}
	if len(sigs) == 0 {
		return "", nil, errors.New("no v1 signature")
	}
	return ts, sigs, nil
}

// webhookEvent is the part of an Event the receiver needs; pointers tell
// a missing field from an empty one, and the case id is read apart so that
// a case id of the wrong type is an unusable case id, not a malformed event.
type webhookEvent struct {
	ID     *string         `json:"id"`
	Type   *string         `json:"type"`
	CaseID json.RawMessage `json:"case_id"`
	// Data is the event's object; of a case event, only its updated_at is
	// read (an unreadable one is as good as none).
	Data json.RawMessage `json:"data"`
}

// EventPart is the part of a case an event is about, and whose stamp
// (Event data's updated_at or created_at) tells which state of it.
type EventPart string

// The parts of a case events are about.
const (
	PartCase         EventPart = "case"         // case.created, case.updated: data.updated_at
	PartConversation EventPart = "conversation" // message.created: data.updated_at
	PartNotes        EventPart = "notes"        // note.created: data.created_at
)

// CaseEvent is a new webhook event as the receiver hands it on: which case
// it is about and, when it says so, which part of the case and the stamp
// of that part it shows (Part empty and At nil when it carries none).
type CaseEvent struct {
	ID, Type, CaseID string
	Part             EventPart
	At               *time.Time
}

type parsedEvent struct {
	ID, Type, CaseID string
	// part and stamp say which state of which part of the case the event
	// shows; stamp is nil when the event carries none.
	part  EventPart
	stamp *time.Time
	// caseIDProblem says why the case id is unusable when that is known
	// from its form alone (missing, not a string).
	caseIDProblem error
	caseIDMissing bool // no case to list as unsyncable
}

func parseEvent(body []byte) (parsedEvent, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	var raw webhookEvent
	if err := dec.Decode(&raw); err != nil {
		return parsedEvent{}, reject(http.StatusBadRequest, OutcomeMalformed, "body is not a JSON event object: %v", jsonProblem(err))
	}
	if err := dec.Decode(&json.RawMessage{}); !errors.Is(err, io.EOF) {
		return parsedEvent{}, reject(http.StatusBadRequest, OutcomeMalformed, "body has data after the event object")
	}
	if raw.ID == nil || !validID(*raw.ID) {
		return parsedEvent{}, reject(http.StatusBadRequest, OutcomeMalformed, "event id is missing or invalid")
	}
	if raw.Type == nil || *raw.Type == "" {
		return parsedEvent{}, reject(http.StatusBadRequest, OutcomeMalformed, "event %s: type is missing", *raw.ID)
	}
	ev := parsedEvent{ID: *raw.ID, Type: *raw.Type}
	if !knownEventType(ev.Type) {
		return ev, nil // no case id required of an unknown type
	}
	var data struct {
		UpdatedAt *time.Time `json:"updated_at"`
		CreatedAt *time.Time `json:"created_at"`
	}
	if json.Unmarshal(raw.Data, &data) == nil {
		switch ev.Type {
		case EventCaseCreated, EventCaseUpdated:
			ev.part, ev.stamp = PartCase, data.UpdatedAt
		case EventMessageCreated:
			ev.part, ev.stamp = PartConversation, data.UpdatedAt
		case EventNoteCreated:
			ev.part, ev.stamp = PartNotes, data.CreatedAt
		}
	}
	switch v := bytes.TrimSpace(raw.CaseID); {
	case len(v) == 0 || string(v) == "null":
		ev.caseIDProblem, ev.caseIDMissing = errors.New("is missing"), true
	case v[0] != '"':
		ev.CaseID, ev.caseIDProblem = string(v), fmt.Errorf("is %s, not a string", jsonKind(v))
	default:
		_ = json.Unmarshal(v, &ev.CaseID) // a JSON string: the decoder checked it
	}
	return ev, nil
}

// CheckCaseID reports why carebridge cannot use a Care case id, or nil: it
// is empty, was not valid UTF-8 (a JSON decoder replaced bytes of it, so
// the id Care means is unknown), or is longer than maxLen UTF-16 code
// units, the length of Salesforce's Care_Case_Id__c (0: longer than 256
// bytes). Any other id is usable, spaces and control characters included:
// the engine syncs it, and the queue, Redis and the logs keep or escape it.
func CheckCaseID(id string, maxLen int) error {
	switch {
	case id == "":
		return errors.New("is empty")
	case maxLen > 0 && len(utf16.Encode([]rune(id))) > maxLen:
		return fmt.Errorf("is longer than the %d characters Salesforce's Care_Case_Id__c holds", maxLen)
	case maxLen <= 0 && len(id) > maxIDLength:
		return fmt.Errorf("is longer than %d bytes", maxIDLength)
	case strings.ContainsRune(id, utf8.RuneError) || !utf8.ValidString(id):
		return errors.New("is not valid UTF-8")
	}
	return nil
}

// displayCaseID is an event's case id as logs and the admin status show
// it: quoted, escaped and cut to 64 characters.
func displayCaseID(ev parsedEvent) string {
	if ev.caseIDMissing {
		return "(none)"
	}
	const show = 64
	if utf8.RuneCountInString(ev.CaseID) <= show {
		return strconv.QuoteToGraphic(ev.CaseID)
	}
	runes := []rune(ev.CaseID)
	return strconv.QuoteToGraphic(string(runes[:show])) + fmt.Sprintf("... (%d characters)", len(runes))
}

// jsonKind names the kind of a JSON value.
func jsonKind(v []byte) string {
	switch v[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	default:
		return "a number"
	}
}

func knownEventType(t string) bool {
	switch t {
	case EventCaseCreated, EventCaseUpdated, EventMessageCreated, EventNoteCreated:
		return true
	}
	return false
}

// jsonProblem describes a decoding error without echoing the body.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("syntax error at byte %d", syn.Offset)
	case errors.As(err, &typ) && typ.Field == "":
		return "not an object"
	case errors.As(err, &typ):
		return fmt.Sprintf("field %q must be a %s", typ.Field, typ.Type)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "unexpected end of body"
	default:
		return "invalid JSON"
	}
}

// validID accepts the ids Care uses: non-empty, bounded, printable, no
// spaces (they end up in queue keys and log lines).
func validID(s string) bool {
	if s == "" || len(s) > maxIDLength {
		return false
	}
	for _, c := range s {
		if c == unicode.ReplacementChar || !unicode.IsPrint(c) || unicode.IsSpace(c) {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
