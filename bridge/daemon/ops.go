package daemon

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/carebridge/carebridge/bridge"
	"github.com/carebridge/carebridge/bridge/admin"
	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
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
		if t := d.changes.lastEvent(); !t.IsZero() {
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
		select {
		case <-ctx.Done():
			bye, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			defer cancel()
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
	// SalesforceChangeEvents is what carebridge's change stream spent of the
	// org's daily event delivery allocation (salesforce.changes: pubsub).
	SalesforceChangeEvents *ChangeEventUsage `json:"salesforce_change_events,omitempty"`
	Sources                []Source          `json:"sources"`
	// Problems are recent conflicts, blocked and refused syncs, newest first.
	Problems []Event        `json:"recent_problems"`
	Mapping  RunningMapping `json:"mapping"`
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

// Event is one audit entry as the admin pages show it: the raw fields and
// a sentence.
type Event struct {
	ID         string    `json:"id"`
	Time       time.Time `json:"time"`
	Case       string    `json:"case"`
	Field      string    `json:"field,omitempty"`
	Side       string    `json:"side,omitempty"`
	Resolution string    `json:"resolution"`
	From       string    `json:"from,omitempty"`
	To         string    `json:"to,omitempty"`
	Policy     string    `json:"policy,omitempty"`
	// Kind groups resolutions: "write", "conflict", "blocked", "error",
	// "retired".
	Kind string `json:"kind"`
	Text string `json:"text"`
}

func sideName(side string) string {
	switch side {
	case "care":
		return "Care"
	case "salesforce":
		return "Salesforce"
	}
	return side
}

// event describes an audit entry in words.
func event(e state.AuditEntry) Event {
	ev := Event{ID: e.ID, Time: e.Time, Case: e.Case, Field: e.Field, Side: e.Side, Resolution: e.Resolution, From: e.From, To: e.To, Policy: e.Policy}
	switch r := e.Resolution; {
	case r == "applied":
		ev.Kind = "write"
		ev.Text = fmt.Sprintf("%s written to %s: %q → %q", e.Field, sideName(e.Side), e.From, e.To)
	case strings.HasPrefix(r, "conflict_"):
		ev.Kind = "conflict"
		ev.Text = fmt.Sprintf("Conflict on %s: both sides changed it since %q (%s); %s won by the field's policy %s", e.Field, e.From, e.To, sideName(e.Side), e.Policy)
	case r == "blocked":
		ev.Kind = "blocked"
		ev.Text = fmt.Sprintf("Change of %s held back by Care's rules: %s", e.Field, e.To)
	case r == "held_back":
		ev.Kind = "blocked"
		ev.Text = "Salesforce writes held back: " + e.To
	case r == "refused":
		ev.Kind = "error"
		ev.Text = "Salesforce refused carebridge's update of the Case: " + e.To
	case r == "retired":
		ev.Kind = "retired"
		ev.Text = "Case retired (closed on both sides); last synced values: " + e.To
	default:
		ev.Kind = r
		ev.Text = fmt.Sprintf("%s %s %s → %s", r, e.Field, e.From, e.To)
	}
	return ev
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
	if used, limit := d.sf.Usage(); limit > 0 {
		s.SalesforceAPI = &APIBudget{Used: used, Limit: limit}
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
	s.Problems = []Event{}
	for _, e := range recent {
		if problem(e) && len(s.Problems) < 20 {
			s.Problems = append(s.Problems, event(e))
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

// CaseView is what the case explorer shows of one case.
type CaseView struct {
	CareCaseID       string `json:"care_case_id"`
	SalesforceCaseID string `json:"salesforce_case_id,omitempty"`
	Linked           bool   `json:"linked"`
	// Now is what each side holds, the base and what a sync now would do
	// (the engine's preview; nothing is written).
	Now          *bridge.Preview   `json:"now,omitempty"`
	NowError     string            `json:"now_error,omitempty"`
	Base         map[string]string `json:"base"`
	LastSync     time.Time         `json:"last_sync,omitzero"`
	CaseCreated  time.Time         `json:"salesforce_case_created,omitzero"`
	SyncStatus   string            `json:"sync_status,omitempty"` // Care_Sync_Status__c
	SyncError    string            `json:"sync_error,omitempty"`  // Care_Sync_Error__c
	Queue        queue.KeyState    `json:"queue"`
	Timeline     []Event           `json:"timeline"`
	Actions      []CaseAction      `json:"actions"`
	ActionsError string            `json:"actions_error,omitempty"`
}

// CaseAction is one agent action (Care_Action__c) of the case.
type CaseAction struct {
	ID        string `json:"id"`
	Created   string `json:"created"`
	Type      string `json:"type"`
	Mode      string `json:"reply_mode,omitempty"`
	Status    string `json:"status"`
	Code      string `json:"code,omitempty"`
	Reason    string `json:"reason,omitempty"`
	Processed string `json:"processed,omitempty"`
}

// resolveCase finds the Care case id of a Care case id or Salesforce Case
// id, and its Case id when linked.
func (d *Daemon) resolveCase(ctx context.Context, id string) (careID, sfID string, err error) {
	id = strings.TrimSpace(id)
	if careID, ok, err := d.store.CareCase(ctx, id); err != nil {
		return "", "", err
	} else if ok {
		return careID, id, nil
	}
	sfID, _, err = d.store.SalesforceCase(ctx, id)
	return id, sfID, err
}

// caseView gathers one case for the case explorer.
func (d *Daemon) caseView(ctx context.Context, id string) (any, error) {
	careID, sfID, err := d.resolveCase(ctx, id)
	if err != nil {
		return nil, err
	}
	v := CaseView{CareCaseID: careID, SalesforceCaseID: sfID, Linked: sfID != "", Base: map[string]string{}, Timeline: []Event{}, Actions: []CaseAction{}}
	m, _ := d.mappings.Get()
	p, perr := d.engine.PreviewCase(ctx, careID, bridge.MappingSource(m))
	switch {
	case perr == nil:
		v.Now = &p
		if v.SalesforceCaseID == "" {
			v.SalesforceCaseID = p.SalesforceCaseID
		}
	case errors.Is(perr, bridge.ErrCaseNotFound):
		v.NowError = "Care does not know this case."
	default:
		v.NowError = "Could not read both sides: " + perr.Error()
	}
	base, found, err := d.store.LoadBase(ctx, careID)
	if err != nil {
		return nil, err
	}
	if found {
		v.LastSync = base.SyncedAt
		v.Base = bridge.BaseValues(base.Fields)
	}
	if v.Queue, err = d.queue.State(ctx, bridge.CaseKey(careID)); err != nil {
		return nil, err
	}
	entries, err := d.store.CaseTimeline(ctx, careID, 100)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		v.Timeline = append(v.Timeline, event(e))
	}
	if errors.Is(perr, bridge.ErrCaseNotFound) && !v.Linked && !found && len(entries) == 0 && v.Queue.Failure == nil && v.Queue.Dead == nil {
		return nil, fmt.Errorf("%w: no Care case or Salesforce Case %q is known", admin.ErrNotFound, id)
	}
	if v.SalesforceCaseID != "" {
		if err := d.salesforceSide(ctx, &v); err != nil {
			v.ActionsError = "Could not read the Case's actions from Salesforce: " + err.Error()
		}
	}
	return v, nil
}

// salesforceSide reads what the Case shows the agent (its sync status) and
// the agents' actions on it with their outcome.
func (d *Daemon) salesforceSide(ctx context.Context, v *CaseView) error {
	cs, err := d.sf.Query(ctx, soql.Select("Id", "CreatedDate", bridge.SyncStatusField, bridge.SyncErrorField).From("Case").Where(soql.Eq("Id", v.SalesforceCaseID)))
	if err != nil {
		return err
	}
	if len(cs) > 0 {
		v.CaseCreated, _ = cs[0].Time("CreatedDate")
		v.SyncStatus, v.SyncError = cs[0].String(bridge.SyncStatusField), cs[0].String(bridge.SyncErrorField)
	}
	as, err := d.sf.Query(ctx, soql.Select("Id", "CreatedDate", "Type__c", "Reply_Mode__c", "Status__c", "Status_Code__c", "Status_Reason__c", "Processed_At__c").
		From("Care_Action__c").Where(soql.Eq("Case__c", v.SalesforceCaseID)).OrderBy("CreatedDate", "Id").Limit(100))
	if err != nil {
		return err
	}
	for _, a := range as {
		v.Actions = append(v.Actions, CaseAction{ID: a.ID(), Created: a.String("CreatedDate"), Type: a.String("Type__c"), Mode: a.String("Reply_Mode__c"),
			Status: a.String("Status__c"), Code: a.String("Status_Code__c"), Reason: a.String("Status_Reason__c"), Processed: a.String("Processed_At__c")})
	}
	return nil
}

// syncCase queues a case to reconcile now ("sync now").
func (d *Daemon) syncCase(ctx context.Context, id string) (string, error) {
	careID, _, err := d.resolveCase(ctx, id)
	if err != nil {
		return "", err
	}
	if careID == "" {
		return "", fmt.Errorf("%w: no case id", admin.ErrNotFound)
	}
	key := bridge.CaseKey(careID)
	if _, err := d.queue.Add(ctx, key); err != nil {
		return "", err
	}
	return key, nil
}

// opsOptions wires the operations pages to this daemon.
func (d *Daemon) opsOptions() admin.Ops {
	return admin.Ops{
		Replicas:   d.replicas,
		Identities: d.identities,
		Case:       d.caseView,
		SyncCase:   d.syncCase,
	}
}
