package care

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/time/rate"

	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/upstream"
)

// System is the "system" of Care's upstream errors and metrics.
const System = "care"

// Client defaults.
const (
	DefaultTimeout     = 30 * time.Second
	DefaultMaxResponse = 8 << 20 // 8 MiB
	maxIdempotencyKey  = 255
	maxErrorMessage    = 1000
)

// Config configures a Client. Exactly one way to authenticate: Token and
// Secret (HTTP Basic, Emplifi's API token:secret) or BearerToken (OAuth 2.0).
type Config struct {
	BaseURL     string
	Token       string
	Secret      string
	BearerToken string
	// Timeout bounds each call, reading the response included (default 30s).
	Timeout time.Duration
	// MaxResponse bounds a response body in bytes (default 8 MiB).
	MaxResponse int64
	// PageSize is the page size ChangedCases asks for (default 100, at
	// most MaxPageSize).
	PageSize int
	// HTTPClient sends the requests (nil: a dedicated client). Its own
	// redirect policy is replaced: the client never follows redirects.
	HTTPClient *http.Client
	// RateLimit, when positive, keeps this client within the account's API
	// budget: at most RateLimit requests per second, in bursts of at most
	// RateBurst (default: one second's worth). A call waits for its turn
	// (bounded by its context) instead of being refused with 429.
	RateLimit float64
	RateBurst int
	// IdleConnections is how many open connections to Care the client keeps
	// for its next calls (default 64). Set it to the calls made at once
	// (the daemon: three per worker): a connection the pool cannot keep is
	// closed, and the next call pays a new TCP and TLS handshake.
	IdleConnections int
}

// String redacts the credentials, so a logged or printed Config is safe.
func (c Config) String() string {
	return fmt.Sprintf("care.Config{BaseURL: %q, Token: %s, Secret: %s, BearerToken: %s, Timeout: %s}",
		c.BaseURL, redacted(c.Token), redacted(c.Secret), redacted(c.BearerToken), c.Timeout)
}

// LogValue redacts the credentials in slog output.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("base_url", c.BaseURL),
		slog.String("token", redacted(c.Token)),
		slog.String("secret", redacted(c.Secret)),
		slog.String("bearer_token", redacted(c.BearerToken)),
		slog.Duration("timeout", c.Timeout),
	)
}

func redacted(s string) string {
	if s == "" {
		return `""`
	}
	return "[redacted]"
}

// Client is a typed client of the Care contract (openapi.yaml). Every call
// takes a context and has its own timeout; every failure is an
// *upstream.Error (wrapped with the record's identity) whose Class says
// what to do: Retryable (5xx, 429 with RetryAfter, timeouts, network, and
// 401/403: credentials being rotated clear up, and the auth alert says
// when they do not), Refused (422 with a Care rule code: show Message to
// the agent, never retry), Permanent (any other 4xx, bad local input and
// unreadable responses).
type Client struct {
	base        *url.URL
	auth        string // the Authorization header value; never logged
	timeout     time.Duration
	maxResponse int64
	pageSize    int
	http        *http.Client
	metrics     *upstream.Metrics
	log         *slog.Logger
	budget      *rate.Limiter // nil: no client-side limit
}

// New returns a client for cfg. m and log may be nil.
func New(cfg Config, m *upstream.Metrics, log *slog.Logger) (*Client, error) {
	base, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	switch {
	case cfg.BaseURL == "":
		return nil, errors.New("care: new client: base URL is required")
	case err != nil:
		return nil, errors.New("care: new client: base URL is not a URL")
	case base.Scheme != "http" && base.Scheme != "https", base.Host == "":
		return nil, errors.New("care: new client: base URL must be an absolute http(s) URL")
	case base.User != nil:
		return nil, errors.New("care: new client: base URL must not carry credentials; use token and secret")
	case base.RawQuery != "" || base.Fragment != "":
		return nil, errors.New("care: new client: base URL must not have a query or fragment")
	}
	var auth string
	switch {
	case cfg.BearerToken != "" && (cfg.Token != "" || cfg.Secret != ""):
		return nil, errors.New("care: new client: at most one of bearer token & token/secret")
	case cfg.BearerToken != "":
		auth = "Bearer " + cfg.BearerToken
	case cfg.Token == "" || cfg.Secret == "":
		return nil, errors.New("care: new client: token and secret (or a bearer token) are required")
	default:
		auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(cfg.Token+":"+cfg.Secret))
	}
	if strings.ContainsAny(auth, "\r\n") {
		return nil, errors.New("care: new client: credentials contain a line break")
	}
	c := &Client{
		budget:      budget(cfg.RateLimit, cfg.RateBurst),
		base:        base,
		auth:        auth,
		timeout:     cfg.Timeout,
		maxResponse: cfg.MaxResponse,
		pageSize:    cfg.PageSize,
		metrics:     m,
		log:         log,
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.maxResponse <= 0 {
		c.maxResponse = DefaultMaxResponse
	}
	if c.pageSize <= 0 || c.pageSize > MaxPageSize {
		c.pageSize = defaultPageSize
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		*hc = *cfg.HTTPClient
	} else {
		// Many workers call Care at once: keep their connections instead of
		// the default two idle ones per host (and 100 in all).
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 64
		if cfg.IdleConnections > 0 {
			t.MaxIdleConnsPerHost = cfg.IdleConnections
		}
		t.MaxIdleConns = 0 // no limit beyond the one per host
		hc.Transport = t
	}
	hc.Timeout = 0 // the per-call context bounds each call
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.http = hc
	return c, nil
}

// budget is the token bucket of a rate limit (nil when there is none).
func budget(perSecond float64, burst int) *rate.Limiter {
	if perSecond <= 0 {
		return nil
	}
	if burst <= 0 {
		burst = max(int(perSecond), 1)
	}
	return rate.NewLimiter(rate.Limit(perSecond), burst)
}

// Close drops the client's idle connections. Calls in flight are not
// affected; call it once nothing uses the client any more.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// String describes the client without its credentials.
func (c *Client) String() string { return "care.Client{" + c.base.String() + "}" }

// LogValue describes the client without its credentials.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

// ListCases returns one page of the cases changed since since (inclusive;
// zero: all), continuing after cursor when it is not empty. limit 0 means
// the server's default. Most callers want ChangedCases.
func (c *Client) ListCases(ctx context.Context, since time.Time, cursor string, limit int) (CasePage, error) {
	if limit < 0 || limit > MaxPageSize {
		return CasePage{}, localError(contract(opListCases), fmt.Sprintf("limit %d must be between 0 and %d", limit, MaxPageSize))
	}
	q := url.Values{}
	if !since.IsZero() {
		q.Set(paramUpdatedSince, since.UTC().Format(time.RFC3339Nano))
	}
	if cursor != "" {
		q.Set(paramCursor, cursor)
	}
	if limit > 0 {
		q.Set(paramLimit, strconv.Itoa(limit))
	}
	var page CasePage
	if err := c.call(ctx, opListCases, "", q, "", nil, &page); err != nil {
		return CasePage{}, err
	}
	return page, nil
}

// GetCase returns one case.
func (c *Client) GetCase(ctx context.Context, caseID string) (Case, error) {
	var out Case
	return out, wrapCase(caseID, c.call(ctx, opGetCase, caseID, nil, "", nil, &out))
}

// Messages returns a case's conversation, oldest first.
func (c *Client) Messages(ctx context.Context, caseID string) ([]Message, error) {
	var out []Message
	return out, wrapCase(caseID, c.call(ctx, opListMessages, caseID, nil, "", nil, &out))
}

// Notes returns a case's internal notes, oldest first.
func (c *Client) Notes(ctx context.Context, caseID string) ([]Note, error) {
	var out []Note
	return out, wrapCase(caseID, c.call(ctx, opListNotes, caseID, nil, "", nil, &out))
}

// Agents returns the Care users.
func (c *Client) Agents(ctx context.Context) ([]Agent, error) {
	var out []Agent
	return out, c.call(ctx, opListAgents, "", nil, "", nil, &out)
}

// Profiles returns the brand's social profiles.
func (c *Client) Profiles(ctx context.Context) ([]Profile, error) {
	var out []Profile
	return out, c.call(ctx, opListProfiles, "", nil, "", nil, &out)
}

// Assign assigns the case to agentID, or unassigns it when agentID is nil.
// idemKey ("" for none) makes the call safe to repeat.
func (c *Client) Assign(ctx context.Context, caseID string, agentID *string, idemKey string) (Case, error) {
	var out Case
	return out, wrapCase(caseID, c.call(ctx, opAssignCase, caseID, nil, idemKey, AssignRequest{AgentID: agentID}, &out))
}

// SetStatus changes the case's status.
func (c *Client) SetStatus(ctx context.Context, caseID string, status rules.Status, idemKey string) (Case, error) {
	var out Case
	return out, wrapCase(caseID, c.call(ctx, opSetCaseStatus, caseID, nil, idemKey, StatusRequest{Status: status}, &out))
}

// SetProfile chooses the profile the case is answered with.
func (c *Client) SetProfile(ctx context.Context, caseID, profileID string, idemKey string) (Case, error) {
	var out Case
	return out, wrapCase(caseID, c.call(ctx, opSetCaseProfile, caseID, nil, idemKey, ProfileRequest{ProfileID: profileID}, &out))
}

// AddNote writes an internal note on the case.
func (c *Client) AddNote(ctx context.Context, caseID string, note NoteRequest, idemKey string) (Note, error) {
	var out Note
	return out, wrapCase(caseID, c.call(ctx, opAddNote, caseID, nil, idemKey, note, &out))
}

// Reply posts a reply to the case conversation. idemKey is required: the
// same key returns the first result and never posts twice.
func (c *Client) Reply(ctx context.Context, caseID string, reply ReplyRequest, idemKey string) (Message, error) {
	var out Message
	return out, wrapCase(caseID, c.call(ctx, opPostReply, caseID, nil, idemKey, reply, &out))
}

// Act carries out a moderation action (ActionLike, ActionHide, ...) on a
// message of case caseID (Care refuses a message of another case).
// idemKey is required.
func (c *Client) Act(ctx context.Context, caseID, messageID, action, idemKey string) (ActionResult, error) {
	var out ActionResult
	op := contract(opMessageAction)
	switch {
	case !knownAction(action):
		return out, fmt.Errorf("message %s: %w", messageID, localError(op, fmt.Sprintf("unknown action %q", action)))
	case caseID == "":
		return out, fmt.Errorf("message %s: %w", messageID, localError(op, "the message's case id is empty"))
	}
	err := c.call(ctx, opMessageAction, messageID, nil, idemKey, ActionRequest{Action: action, CaseID: caseID}, &out)
	if err != nil {
		return out, fmt.Errorf("message %s: %w", messageID, err)
	}
	return out, nil
}

func knownAction(a string) bool {
	switch a {
	case ActionLike, ActionUnlike, ActionDelete, ActionHide, ActionUnhide,
		ActionBanAuthor, ActionUnbanAuthor, ActionFollowAuthor, ActionUnfollowAuthor:
		return true
	}
	return false
}

func wrapCase(caseID string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("case %s: %w", caseID, err)
}

// localError is a request refused before it was sent: it would fail the
// same way every time.
func localError(op operation, msg string) *upstream.Error {
	return &upstream.Error{System: System, Op: op.Name, Class: upstream.Permanent, Message: msg}
}

// call performs one operation: id fills the path, query and body are sent,
// the envelope's data is decoded into out.
func (c *Client) call(ctx context.Context, id opID, recordID string, query url.Values, idemKey string, body, out any) error {
	op := contract(id)
	if c.budget != nil {
		if err := c.budget.Wait(ctx); err != nil {
			return &upstream.Error{System: System, Op: op.Name, Class: upstream.Retryable, Message: "waiting for the API budget: " + err.Error(), Err: err}
		}
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := c.newRequest(ctx, op, recordID, query, idemKey, body)
	if err != nil {
		return err
	}

	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		c.metrics.Observe(System, op.Name, 0, time.Since(start))
		return c.transportError(ctx, op, err)
	}
	defer resp.Body.Close()
	raw, readErr := io.ReadAll(io.LimitReader(resp.Body, c.maxResponse+1))
	elapsed := time.Since(start)
	c.metrics.Observe(System, op.Name, resp.StatusCode, elapsed)
	c.log.LogAttrs(ctx, slog.LevelDebug, "care call",
		slog.String("op", op.Name), slog.String("id", recordID), slog.Int("status", resp.StatusCode),
		slog.Duration("duration", elapsed), slog.Bool("replayed", resp.Header.Get("Idempotent-Replayed") == "true"))
	if readErr != nil {
		return c.transportError(ctx, op, readErr)
	}
	if int64(len(raw)) > c.maxResponse {
		return &upstream.Error{System: System, Op: op.Name, Class: upstream.Permanent, Status: resp.StatusCode,
			Message: fmt.Sprintf("response larger than %d bytes", c.maxResponse)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return responseError(op, resp, raw)
	}
	if err := decodeData(raw, out); err != nil {
		return &upstream.Error{System: System, Op: op.Name, Class: upstream.Permanent, Status: resp.StatusCode,
			Message: "unreadable response: " + err.Error()}
	}
	return nil
}

func (c *Client) newRequest(ctx context.Context, op operation, recordID string, query url.Values, idemKey string, body any) (*http.Request, error) {
	path, rawPath := op.Path, op.Path
	if strings.Contains(op.Path, "{id}") {
		if err := CheckID(recordID); err != nil {
			return nil, localError(op, err.Error())
		}
		path = strings.Replace(op.Path, "{id}", recordID, 1)
		rawPath = strings.Replace(op.Path, "{id}", url.PathEscape(recordID), 1)
	}
	if op.NeedsKey && idemKey == "" {
		return nil, localError(op, "an idempotency key is required")
	}
	if len(idemKey) > maxIdempotencyKey || !printableASCII(idemKey) {
		return nil, localError(op, fmt.Sprintf("idempotency key must be at most %d printable ASCII characters", maxIdempotencyKey))
	}
	u := *c.base
	u.Path = c.base.Path + path
	u.RawPath = c.base.EscapedPath() + rawPath
	u.RawQuery = query.Encode()

	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, localError(op, "encoding the request failed: "+err.Error())
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, op.Method, u.String(), rd)
	if err != nil {
		return nil, localError(op, "building the request failed")
	}
	req.Header.Set("Authorization", c.auth)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if idemKey != "" {
		req.Header.Set(IdempotencyHeader, idemKey)
	}
	return req, nil
}

// CheckID says why id cannot name a Care record in a request path (nil
// when it can). Every id is sent as one escaped path segment; what
// escaping cannot keep in its segment is refused: an empty id, the dot
// segments "." and ".." (servers and proxies resolve them, so the request
// would reach another endpoint), ids with "/" or "\" (many servers and
// proxies decode %2F and split the segment, or treat "\" as "/") and ids
// with control characters. Care's own ids never hold any of these.
func CheckID(id string) error {
	switch {
	case id == "":
		return errors.New("id is empty")
	case id == "." || id == "..":
		return fmt.Errorf("id %q is a path step, not a Care id", id)
	case strings.ContainsAny(id, `/\`):
		return fmt.Errorf("id %q holds a slash, which no Care id does", id)
	case strings.ContainsFunc(id, unicode.IsControl):
		return fmt.Errorf("id %q holds a control character, which no Care id does", id)
	}
	return nil
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// transportError classifies a call that got no (complete) response: the
// work may or may not have been done, and retrying is the way to find out
// (writes carry idempotency keys).
func (c *Client) transportError(ctx context.Context, op operation, err error) error {
	msg := "network error"
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded):
		msg = "timed out"
	case errors.Is(ctx.Err(), context.Canceled):
		msg = "cancelled"
	}
	return &upstream.Error{System: System, Op: op.Name, Class: upstream.Retryable, Message: msg, Err: err}
}

// responseError turns a non-2xx response into a classified error.
func responseError(op operation, resp *http.Response, raw []byte) error {
	e := &upstream.Error{System: System, Op: op.Name, Status: resp.StatusCode}
	var env Envelope
	if decodeEnvelope(raw, &env) == nil && !env.Success && len(env.Errors) > 0 {
		var msgs []string
		for _, item := range env.Errors {
			if e.Code == "" && item.Rule != "" {
				e.Code = item.Rule
			}
			msgs = append(msgs, item.Errors...)
		}
		e.Message = truncate(strings.Join(msgs, " "), maxErrorMessage)
	}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	switch s := resp.StatusCode; {
	case s == http.StatusTooManyRequests, s >= 500, s == http.StatusRequestTimeout:
		e.Class = upstream.Retryable
		e.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), time.Now())
	case s == http.StatusUnauthorized, s == http.StatusForbidden:
		// A secret rotation in progress looks like this; it is retried with
		// backoff instead of giving up on the work.
		e.Class = upstream.Retryable
	case s == http.StatusUnprocessableEntity && e.Code != "":
		e.Class = upstream.Refused
	default: // 404, 409, 400, 422 without a rule, redirects
		e.Class = upstream.Permanent
	}
	return e
}

// retryAfter parses a Retry-After header: delay seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(min(secs, 86400)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), 24*time.Hour)
	}
	return 0
}

// decodeEnvelope parses the envelope strictly: one JSON object with only
// the envelope's fields.
func decodeEnvelope(raw []byte, env *Envelope) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(env); err != nil {
		return fmt.Errorf("envelope: %s", jsonProblem(err))
	}
	if err := dec.Decode(&json.RawMessage{}); !errors.Is(err, io.EOF) {
		return errors.New("envelope: data after the JSON object")
	}
	return nil
}

// decodeData checks a success envelope and decodes its data into out. The
// data itself may carry fields this client does not know (Care adds fields
// over time); they are ignored.
func decodeData(raw []byte, out any) error {
	var env Envelope
	if err := decodeEnvelope(raw, &env); err != nil {
		return err
	}
	if !env.Success {
		return errors.New("envelope: success is false on a 2xx response")
	}
	if out == nil {
		return nil
	}
	if len(env.Data) == 0 || string(env.Data) == "null" {
		return errors.New("envelope: data is missing")
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return fmt.Errorf("data: %s", jsonProblem(err))
	}
	return nil
}
