package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/upstream"
)

// dependency is one readiness check: something this replica needs to take
// webhooks and work keys (Redis, the mapping, its own loops). Upstream
// systems are not checked here: an upstream outage must not take every
// replica out of its Service, and probing them would spend their API
// budget around the clock.
type dependency struct {
	Name string
	Func func(ctx context.Context) error
}

// upstreamSystems are the systems whose health the readiness view reports
// from the requests carebridge makes anyway.
var upstreamSystems = []string{"care", "salesforce"}

// readiness runs checks in the background and serves the last results, so a
// slow dependency never makes /readyz slow.
type readiness struct {
	checks    []dependency
	upstreams *upstream.Metrics
	mu        sync.Mutex
	state     map[string]string // name -> "" (ok) or the error
	// history keeps each check's last error and when it last passed and
	// failed, for the sync health page.
	history map[string]upstream.SystemHealth
	now     func() time.Time
	gauge   *prometheus.GaugeVec
}

func newReadiness(checks []dependency, upstreams *upstream.Metrics, reg prometheus.Registerer) *readiness {
	r := &readiness{checks: checks, upstreams: upstreams, state: map[string]string{}, history: map[string]upstream.SystemHealth{}, now: time.Now, gauge: prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: "carebridge", Name: "dependency_up",
		Help: "1 when a dependency is usable: redis, mapping and workers as this replica's readiness check last found them; care and salesforce when this replica's most recent request to them got a usable answer (no probes).",
	}, []string{"dependency"})}
	for _, c := range checks {
		r.state[c.Name] = "not checked yet"
		r.gauge.WithLabelValues(c.Name)
	}
	for _, s := range upstreamSystems {
		r.gauge.WithLabelValues(s).Set(1)
	}
	reg.MustRegister(r.gauge)
	return r
}

// run re-checks every interval until ctx ends.
func (r *readiness) run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		r.checkAll(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (r *readiness) checkAll(ctx context.Context) {
	var wg sync.WaitGroup
	for _, c := range r.checks {
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			err := c.Func(cctx)
			r.mu.Lock()
			defer r.mu.Unlock()
			h := r.history[c.Name]
			if err != nil {
				r.state[c.Name] = err.Error()
				h.LastFailure, h.LastError = r.now(), err.Error()
				r.gauge.WithLabelValues(c.Name).Set(0)
			} else {
				r.state[c.Name] = ""
				h.LastSuccess = r.now()
				r.gauge.WithLabelValues(c.Name).Set(1)
			}
			r.history[c.Name] = h
		})
	}
	wg.Wait()
	health := r.upstreams.Health()
	for _, s := range upstreamSystems {
		up := 0.0
		if health[s].Up() {
			up = 1
		}
		r.gauge.WithLabelValues(s).Set(up)
	}
}

// report returns each check's last result: "ok" or the error.
func (r *readiness) report() map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]string, len(r.state))
	for name, s := range r.state {
		if s == "" {
			s = "ok"
		}
		out[name] = s
	}
	return out
}

// Dependency is one thing carebridge depends on as the sync health page
// shows it: this replica's own checks (redis, mapping, workers) and the
// upstream systems as this replica's requests found them.
type Dependency struct {
	Name string `json:"name"`
	// Kind is "check" (this replica's readiness check) or "upstream" (Care
	// and Salesforce, judged by the requests made anyway, not probed).
	Kind        string    `json:"kind"`
	Up          bool      `json:"up"`
	Error       string    `json:"error,omitempty"` // why it is down now
	LastSuccess time.Time `json:"last_success,omitzero"`
	LastFailure time.Time `json:"last_failure,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
}

// dependencies lists every dependency with its last error and when.
func (r *readiness) dependencies() []Dependency {
	r.mu.Lock()
	out := make([]Dependency, 0, len(r.checks)+len(upstreamSystems))
	for _, c := range r.checks {
		h := r.history[c.Name]
		out = append(out, Dependency{Name: c.Name, Kind: "check", Up: r.state[c.Name] == "", Error: r.state[c.Name],
			LastSuccess: h.LastSuccess, LastFailure: h.LastFailure, LastError: h.LastError})
	}
	r.mu.Unlock()
	health := r.upstreams.Health()
	for _, s := range upstreamSystems {
		h := health[s]
		d := Dependency{Name: s, Kind: "upstream", Up: h.Up(), LastSuccess: h.LastSuccess, LastFailure: h.LastFailure, LastError: h.LastError}
		if !d.Up {
			d.Error = h.LastError
		}
		out = append(out, d)
	}
	return out
}

// upstreamHealth is how each upstream system answered this replica's
// requests.
type upstreamHealth struct {
	Up bool `json:"up"`
	upstream.SystemHealth
}

func (r *readiness) upstreamReport() map[string]upstreamHealth {
	health := r.upstreams.Health()
	out := make(map[string]upstreamHealth, len(upstreamSystems))
	for _, s := range upstreamSystems {
		out[s] = upstreamHealth{Up: health[s].Up(), SystemHealth: health[s]}
	}
	return out
}

func (r *readiness) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	ok := r.Ready()
	w.Header().Set("Content-Type", "application/json")
	if !ok {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"ready": ok, "checks": r.report(), "upstreams": r.upstreamReport()})
}

// Ready reports whether every check passed at its last run.
func (r *readiness) Ready() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.state {
		if s != "" {
			return false
		}
	}
	return true
}

func metricsHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
}

// webhookHandler is POST /webhooks/care: Care's signed webhooks, within
// the webhook slots.
func (d *Daemon) webhookHandler(cfg config.Config, maxCaseID int, log *slog.Logger) (http.Handler, error) {
	trusted := make([]netip.Prefix, 0, len(cfg.HTTP.TrustedProxies))
	for _, p := range cfg.HTTP.TrustedProxies {
		r, err := config.ParseAddressRange(p)
		if err != nil {
			return nil, fmt.Errorf("http.trusted_proxies: %w", err)
		}
		trusted = append(trusted, r)
	}
	slots := newWebhookSlots(cfg.HTTP.MaxWebhookRequests, cfg.HTTP.MaxWebhookRequestsPerAddress, trusted, d.reg)
	return care.NewWebhookReceiver(care.WebhookOptions{
		Secret: cfg.Care.WebhookSecret,
		// The body timeout shortens the read timeout, never extends it.
		BodyTimeout:     min(cfg.HTTP.WebhookBodyTimeout, cfg.HTTP.ReadTimeout),
		Dedupe:          webhookDedupe{d.store},
		Enqueue:         d.engine.Triggers().EnqueueCareEvent,
		Synced:          d.engine.Triggers().SyncedAsOf,
		MaxCaseIDLength: maxCaseID,
		Logger:          log,
		Metrics:         care.NewWebhookMetrics(d.reg),
		Admit:           slots.admit,
		// Listed by the admin status (state.Store.UnsyncableCases).
		Unusable: func(ctx context.Context, caseID, reason string) error {
			return d.store.NoteUnsyncableCase(ctx, state.UnsyncableCase{ID: caseID, Reason: reason, Source: "webhook"})
		},
	}), nil
}

// Which limit refused a webhook request, the label values of
// carebridge_webhook_requests_refused_total.
const (
	limitTotal   = "total"
	limitAddress = "address"
)

// webhookSlots admit at most total webhook deliveries at once, and at most
// perAddress (0: no cap) of one client address, so that senders that
// stall mid-body from one address cannot take the slots of everyone else.
// The receiver asks for a slot once a delivery could be authentic (its
// signature header is well-formed), before reading its body. One more is
// answered 503 with Retry-After at once and its connection closed without
// reading its body: a sender that stalls holds a slot until the webhook
// body timeout, never every connection the process can open.
type webhookSlots struct {
	total, perAddress int
	trusted           []netip.Prefix
	refused           *prometheus.CounterVec

	mu       sync.Mutex
	inFlight int
	held     map[netip.Prefix]int // client address -> slots it holds
}

func newWebhookSlots(total, perAddress int, trusted []netip.Prefix, reg prometheus.Registerer) *webhookSlots {
	s := &webhookSlots{total: total, perAddress: perAddress, trusted: trusted, held: map[netip.Prefix]int{},
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "webhook_requests_refused_total",
			Help: "Webhook requests answered 503 at once because http.max_webhook_requests were being handled (limit=total) or http.max_webhook_requests_per_address of one client address (limit=address); Care delivers them again.",
		}, []string{"limit"})}
	for _, l := range []string{limitTotal, limitAddress} {
		s.refused.WithLabelValues(l)
	}
	reg.MustRegister(s.refused)
	return s
}

// admit is the receiver's Admit.
func (s *webhookSlots) admit(w http.ResponseWriter, r *http.Request) (release func(), ok bool) {
	client := s.client(r)
	if refusedBy := s.acquire(client); refusedBy != "" {
		s.refused.WithLabelValues(refusedBy).Inc()
		w.Header().Set("Connection", "close")
		w.Header().Set("Retry-After", "1")
		http.Error(w, "too many webhook requests at once; retry", http.StatusServiceUnavailable)
		return nil, false
	}
	return func() { s.release(client) }, true
}

// acquire takes a slot for client, or says which limit refused it.
func (s *webhookSlots) acquire(client netip.Prefix) (refusedBy string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.perAddress > 0 && s.held[client] >= s.perAddress:
		return limitAddress
	case s.inFlight >= s.total:
		return limitTotal
	}
	s.inFlight++
	s.held[client]++
	return ""
}

func (s *webhookSlots) release(client netip.Prefix) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight--
	if s.held[client]--; s.held[client] <= 0 {
		delete(s.held, client)
	}
}

// client is the address a request counts against: its peer's, or, when
// the peer is a trusted proxy, the nearest address in X-Forwarded-For that
// is not one. An IPv6 client is its /64, which one host can fill at will.
func (s *webhookSlots) client(r *http.Request) netip.Prefix {
	addr, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Prefix{} // not TCP (a test's recorder): one shared address
	}
	ip := addr.Addr().Unmap()
	if s.isTrusted(ip) {
		forwarded := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(forwarded) - 1; i >= 0; i-- {
			hop, err := netip.ParseAddr(strings.TrimSpace(forwarded[i]))
			if err != nil {
				break // a garbled list: count the request against the proxy
			}
			ip = hop.Unmap()
			if !s.isTrusted(ip) {
				break
			}
		}
	}
	bits := 32
	if ip.Is6() {
		bits = 64
	}
	p, _ := ip.Prefix(bits)
	return p
}

func (s *webhookSlots) isTrusted(ip netip.Addr) bool {
	for _, p := range s.trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
