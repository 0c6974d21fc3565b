package daemon

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/carebridge/carebridge/bridge/admin"
	"github.com/carebridge/carebridge/bridge/explorer"
	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/bridge/state"
)

// Replica heartbeats: every replica writes one every heartbeatEvery; one
// not seen for replicaTTL is gone.
const (
	heartbeatEvery = 5 * time.Second
	replicaTTL     = 3 * heartbeatEvery
)

// Sources of the sync health page's "last poll / last event".
const (
	sourceCare       = "care"
	sourceSalesforce = "salesforce"
	sourceChanges    = "salesforce_changes"
)

// replicaID names this process: host and pid as the leader lease does,
// and a random suffix so that two daemons in one process (tests) differ.
func replicaID() string {
	hostname, _ := os.Hostname()
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s/%d/%s", hostname, os.Getpid(), hex.EncodeToString(b))
}

// replica is this replica's heartbeat as of now.
func (d *Daemon) replica() state.Replica {
	version := d.cfg.Version
	if version == "" {
		version = "dev"
	}
	r := state.Replica{ID: d.id, Version: version, Started: d.started, LastSeen: time.Now().UTC(), Leader: d.elector.IsLeader(), Sources: map[string]time.Time{}}
	for _, s := range []string{sourceCare, sourceSalesforce} {
		if t := d.engine.LastPoll(s); !t.IsZero() {
			r.Sources[s] = t
		}
	}
	if d.changes != nil {
		if t := d.changes.LastEvent(); !t.IsZero() {
			r.Sources[sourceChanges] = t
		}
	}
	return r
}

// heartbeat tells the other replicas (and the admin pages) this one runs,
// one pipelined Redis round trip per period, until ctx ends; then it says
// goodbye.
func (d *Daemon) heartbeat(ctx context.Context) {
	t := time.NewTicker(heartbeatEvery)
	defer t.Stop()
	for {
		if err := d.store.Heartbeat(ctx, d.replica(), replicaTTL); err != nil && ctx.Err() == nil {
			d.log.Warn("replica heartbeat failed", "err", err)
		}
		if err := d.usage.record(ctx, d.store.CountCalls); err != nil && ctx.Err() == nil {
			d.log.Debug("counting API calls failed; they are counted with the next heartbeat", "err", err)
		}
		select {
		case <-ctx.Done():
			bye, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			defer cancel()
			if err := d.usage.record(bye, d.store.CountCalls); err != nil {
				d.log.Debug("counting the last API calls failed", "err", err)
			}
			if err := d.store.ForgetReplica(bye, d.id); err != nil {
				d.log.Debug("replica goodbye failed", "err", err)
			}
			return
		case <-t.C:
		}
	}
}

// replicas are the replicas seen lately; this one as of now.
func (d *Daemon) replicas(ctx context.Context) ([]state.Replica, error) {
	rs, err := d.store.Replicas(ctx, replicaTTL)
	if err != nil {
		return nil, err
	}
	me := d.replica()
	rs = slices.DeleteFunc(rs, func(r state.Replica) bool { return r.ID == me.ID })
	rs = append(rs, me)
	slices.SortFunc(rs, func(a, b state.Replica) int { return strings.Compare(a.ID, b.ID) })
	return rs, nil
}

// Status is what the sync health page shows (GET /admin/api/status).
type Status struct {
	Replica string      `json:"replica"`
	Leader  bool        `json:"leader"`
	Queue   queue.Depth `json:"queue"`
	// Failing are keys whose last run failed (at most 20).
	Failing     []queue.Failure `json:"failing_keys"`
	QuotaPaused *time.Time      `json:"salesforce_quota_paused_until,omitempty"`
	PauseReason string          `json:"pause_reason,omitempty"`
	// Dependencies are this replica's checks and the upstream systems, each
	// with its last error and when.
	Dependencies []Dependency `json:"dependencies"`
	// SalesforceAPI is the org's daily API budget as its last answer told.
	SalesforceAPI *APIBudget `json:"salesforce_api,omitempty"`
	// APICost is what carebridge spent of both upstreams' budgets in the
	// last 24 hours, per case synced.
	APICost *APICost `json:"api_cost"`
	// SalesforceChangeEvents is what carebridge's change stream spent of the
	// org's daily event delivery allocation (salesforce.changes: pubsub).
	SalesforceChangeEvents *ChangeEventUsage `json:"salesforce_change_events,omitempty"`
	Sources                []Source          `json:"sources"`
	// Problems are recent conflicts, blocked and refused syncs, newest first.
	Problems []explorer.Event `json:"recent_problems"`
	Mapping  RunningMapping   `json:"mapping"`
}

// APIBudget is Salesforce's daily API request budget.
type APIBudget struct {
	Used  int `json:"used"`
	Limit int `json:"limit"`
}

// ChangeEventUsage is how many change events Salesforce delivered to
// carebridge in the last 24 hours (every replica's), which count against
// the org's daily event delivery allocation.
type ChangeEventUsage struct {
	Delivered24h int64 `json:"delivered_24h"`
}

// Source is when one trigger source last delivered: the newest of every
// replica's (only the leader polls).
type Source struct {
	Name  string    `json:"name"`
	Label string    `json:"label"`
	Last  time.Time `json:"last,omitzero"`
	// Replica saw it last.
	Replica string `json:"replica,omitempty"`
	// Note says why there is nothing to show, when that is expected.
	Note string `json:"note,omitempty"`
}

// RunningMapping is the mapping this replica runs, without its YAML.
type RunningMapping struct {
	Source string `json:"source"`
	Number int64  `json:"number,omitempty"`
	Digest string `json:"digest"`
}

// problem reports whether an audit entry is worth an operator's look.
func problem(e state.AuditEntry) bool {
	switch e.Resolution {
	case "blocked", "held_back", "refused":
		return true
	}
	return strings.HasPrefix(e.Resolution, "conflict_")
}

func (d *Daemon) status(ctx context.Context) (any, error) {
	depth, err := d.queue.Depth(ctx)
	if err != nil {
		return nil, err
	}
	_, running := d.mappings.Get()
	s := Status{Replica: d.id, Leader: d.elector.IsLeader(), Queue: depth, Dependencies: d.ready.dependencies(),
		Mapping: RunningMapping{Source: running.Source, Number: running.Number, Digest: running.Digest}}
	if s.Failing, err = d.queue.Failing(ctx, 20); err != nil {
		return nil, err
	}
	if s.Failing == nil {
		s.Failing = []queue.Failure{}
	}
	until, err := d.engine.PausedUntil(ctx)
	if err != nil {
		return nil, err
	}
	if !until.IsZero() {
		s.QuotaPaused = &until
		s.PauseReason = "Salesforce refused calls because the org's daily API request limit is used up (REQUEST_LIMIT_EXCEEDED): every replica holds Salesforce polls and writes until then, and Care changes wait in the queue."
	}
	used, limit := d.sf.Usage()
	if limit > 0 {
		s.SalesforceAPI = &APIBudget{Used: used, Limit: limit}
	}
	if s.APICost, err = d.apiCost(ctx, limit); err != nil {
		return nil, err
	}
	if d.changes != nil {
		n, err := d.store.DeliveredChangeEvents(ctx, time.Now())
		if err != nil {
			return nil, err
		}
		s.SalesforceChangeEvents = &ChangeEventUsage{Delivered24h: n}
	}
	if s.Sources, err = d.sources(ctx); err != nil {
		return nil, err
	}
	recent, err := d.store.RecentAudit(ctx, 500)
	if err != nil {
		return nil, err
	}
	s.Problems = []explorer.Event{}
	for _, e := range recent {
		if problem(e) && len(s.Problems) < 20 {
			s.Problems = append(s.Problems, explorer.AuditEvent(e))
		}
	}
	return s, nil
}

// sources are the last poll or event per source, over every replica.
func (d *Daemon) sources(ctx context.Context) ([]Source, error) {
	rs, err := d.replicas(ctx)
	if err != nil {
		return nil, err
	}
	out := []Source{{Name: sourceCare, Label: "Care poll"}, {Name: sourceSalesforce, Label: "Salesforce poll"}, {Name: sourceChanges, Label: "Salesforce change events"}}
	for i := range out {
		for _, r := range rs {
			if t := r.Sources[out[i].Name]; t.After(out[i].Last) {
				out[i].Last, out[i].Replica = t, r.ID
			}
		}
		if out[i].Last.IsZero() {
			out[i].Note = "none yet (only the leader polls)"
		}
	}
	if d.cfg.Salesforce.Changes != "pubsub" {
		out[2].Note = "not used: salesforce.changes is poll"
	}
	return out, nil
}

// AdminSignInCode makes a one-time code that signs a browser in to the
// admin UI at /admin/signin#code=<code> (the demo prints such a link).
func (d *Daemon) AdminSignInCode(ctx context.Context, ttl time.Duration) (string, error) {
	return admin.NewSignInCode(ctx, d.store, d.cfg.Admin.Token, ttl)
}

// opsOptions wires the operations pages to this daemon.
func (d *Daemon) opsOptions() admin.Ops {
	cases := explorer.New(explorer.Options{Store: d.store, Queue: d.queue, Preview: d.engine, Mappings: d.mappings,
		Salesforce: SalesforcePort(d.sf), Care: d.care, CareIDLength: d.careIDLen})
	return admin.Ops{
		Replicas:   d.replicas,
		Identities: d.identities,
		Case:       func(ctx context.Context, id string) (any, error) { return cases.Case(ctx, id) },
		SyncCase:   cases.Sync,
	}
}
