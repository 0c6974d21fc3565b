package salesforce

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/simpleforce/simpleforce"

	"github.com/carebridge/carebridge/connectors/upstream"
)

// simpleforceClientID names carebridge in simpleforce's client options; it
// is not an OAuth client id and never used for login.
const simpleforceClientID = "carebridge"

// Client talks to one Salesforce org. It is safe for concurrent use: every
// call builds its own small simpleforce.Client over a transport bound to
// the call's context, so nothing mutable is shared with simpleforce.
type Client struct {
	cfg     Config
	log     *slog.Logger
	metrics *upstream.Metrics
	auth    *tokenSource
	base    http.RoundTripper
	now     func() time.Time

	usedGauge  prometheus.Gauge
	limitGauge prometheus.Gauge
	ratioGauge prometheus.Gauge

	mu        sync.Mutex
	usageUsed int // guarded by mu
	usageMax  int // guarded by mu

	collections // CreateMany, UpdateMany, UpsertMany, DeleteMany
}

// New checks cfg and returns a Client. It does not touch the network: the
// first call logs in. m may be shared with other connectors; reg receives
// the API usage gauges (nil: not registered); log nil discards.
func New(cfg Config, m *upstream.Metrics, reg prometheus.Registerer, log *slog.Logger) (*Client, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg.applyDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("salesforce config: %w", err)
	}
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.MaxIdleConnsPerHost = 64 // many workers share one org
	c := &Client{
		cfg:     cfg,
		log:     log.With("system", System),
		metrics: m,
		base:    base,
		now:     time.Now,
		usedGauge: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "carebridge", Subsystem: "salesforce", Name: "api_usage_used",
			Help: "Salesforce daily API requests used, from the last Sforce-Limit-Info header or /limits.",
		}),
		limitGauge: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "carebridge", Subsystem: "salesforce", Name: "api_usage_limit",
			Help: "Salesforce daily API request limit, from the last Sforce-Limit-Info header or /limits.",
		}),
		ratioGauge: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "carebridge", Subsystem: "salesforce", Name: "api_usage_ratio",
			Help: "Share of the Salesforce daily API request limit used (0 to 1), from the Sforce-Limit-Info header every response carries.",
		}),
	}
	c.collections = collections{c}
	if reg != nil {
		for _, col := range []prometheus.Collector{c.usedGauge, c.limitGauge, c.ratioGauge} {
			if err := reg.Register(col); err != nil {
				return nil, fmt.Errorf("salesforce metrics: %w", err)
			}
		}
	}
	c.auth = &tokenSource{
		cfg:     cfg,
		http:    &http.Client{Transport: base, Timeout: cfg.Timeout},
		metrics: m,
		log:     c.log,
		now:     c.now,
		lock:    make(chan struct{}, 1),
	}
	if cfg.Auth.Method == AuthJWT {
		key, err := parsePrivateKey(cfg.Auth.PrivateKeyPEM)
		if err != nil {
			return nil, fmt.Errorf("salesforce config: %w", err)
		}
		c.auth.key = key
	}
	if cfg.Auth.Method == AuthPassword {
		c.log.Warn("salesforce password login is a deprecated fallback: Salesforce retires SOAP and username-password logins in 2027; switch to client_credentials or jwt",
			"auth", cfg.Auth.Method)
	}
	return c, nil
}

// Close releases idle connections.
func (c *Client) Close() {
	if t, ok := c.base.(*http.Transport); ok {
		t.CloseIdleConnections()
	}
}

// Usage returns the daily API usage from the last Sforce-Limit-Info header
// (or Limits call); zeros before the first call.
func (c *Client) Usage() (used, max int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.usageUsed, c.usageMax
}

func (c *Client) recordUsage(header string) {
	used, max, ok := parseLimitInfo(header)
	if !ok {
		return
	}
	c.setUsage(used, max)
}

func (c *Client) setUsage(used, max int) {
	c.mu.Lock()
	c.usageUsed, c.usageMax = used, max
	c.mu.Unlock()
	c.usedGauge.Set(float64(used))
	c.limitGauge.Set(float64(max))
	if max > 0 {
		c.ratioGauge.Set(float64(used) / float64(max))
	}
}

// UserID returns the id of the user carebridge acts as (the integration
// user), logging in when needed.
func (c *Client) UserID(ctx context.Context) (string, error) {
	s, err := c.auth.session(ctx)
	if err != nil {
		return "", err
	}
	if s.userID == "" {
		return "", &upstream.Error{System: System, Op: opToken, Class: upstream.Permanent, Message: "the token response names no user (no identity URL in \"id\")"}
	}
	return s.userID, nil
}

// Session is the OAuth session the Client calls Salesforce with, for the
// APIs beside REST: the Pub/Sub API authenticates with the same access
// token, instance URL and org id. Its String method leaves the token out.
type Session struct {
	AccessToken string
	InstanceURL string
	OrgID       string // from the token response's identity URL; "" if absent
	UserID      string // likewise
}

func (s Session) String() string {
	return fmt.Sprintf("salesforce session (instance %s, org %s, user %s)", s.InstanceURL, s.OrgID, s.UserID)
}

func exported(s session) Session {
	return Session{AccessToken: s.token, InstanceURL: s.instanceURL, OrgID: s.orgID, UserID: s.userID}
}

// Session returns the current session, logging in when there is none.
func (c *Client) Session(ctx context.Context) (Session, error) {
	s, err := c.auth.session(ctx)
	if err != nil {
		return Session{}, err
	}
	return exported(s), nil
}

// RefreshSession replaces the session whose access token stale was
// refused; when another caller already replaced it, the newer session is
// returned without logging in again.
func (c *Client) RefreshSession(ctx context.Context, stale string) (Session, error) {
	s, err := c.auth.refresh(ctx, stale)
	if err != nil {
		return Session{}, err
	}
	return exported(s), nil
}

// call runs fn with a fresh simpleforce client whose requests carry ctx
// (bounded by the configured timeout) and the session. It returns the HTTP
// status of the last response and the classified error.
func (c *Client) call(ctx context.Context, op string, fn func(sf *simpleforce.Client) error) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, transportError(op, err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	s, err := c.auth.session(ctx)
	if err != nil {
		return 0, err
	}
	rt := &callTransport{c: c, ctx: ctx, op: op, session: s}
	sf := simpleforce.NewClient(s.instanceURL, simpleforceClientID, c.cfg.APIVersion)
	sf.SetSidLoc(s.token, s.instanceURL)
	sf.SetHttpClient(&http.Client{Transport: rt, CheckRedirect: noRedirects})
	start := time.Now()
	err = fn(sf)
	if rt.failure != nil {
		c.log.Debug("salesforce call failed", "op", op, "status", rt.status, "code", rt.failure.Code, "class", rt.failure.Class.String(), "duration", time.Since(start))
		return rt.status, rt.failure
	}
	if err != nil {
		// simpleforce failed after a good response (e.g. decoding).
		return rt.status, &upstream.Error{System: System, Op: op, Class: upstream.Retryable, Status: rt.status,
			Message: "unreadable response", Err: err}
	}
	c.log.Debug("salesforce call", "op", op, "status", rt.status, "duration", time.Since(start))
	return rt.status, nil
}

func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// path returns the REST path (relative to the instance) of a data API
// resource, for ApexREST.
func (c *Client) path(format string, args ...any) string {
	return "services/data/v" + c.cfg.APIVersion + "/" + fmt.Sprintf(format, args...)
}
