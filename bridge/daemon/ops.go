package daemon

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"

	"github.com/carebridge/carebridge/bridge"
	"github.com/carebridge/carebridge/bridge/admin"
	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/bridge/work"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/salesforce"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/connectors/upstream"
	"github.com/carebridge/carebridge/mapping"
	"github.com/carebridge/carebridge/mapping/merge"
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
	// CannotSync says why carebridge cannot sync this case (its id); then
	// Now plans no writes.
	CannotSync string `json:"cannot_sync,omitempty"`
	// Now is what each side holds, the base and what a sync now would do
	// (the engine's preview; nothing is written).
	Now *bridge.Preview `json:"now,omitempty"`
	// NowError says in plain words why Now is missing; NowErrorDetail is
	// the error itself.
	NowError       string `json:"now_error,omitempty"`
	NowErrorDetail string `json:"now_error_detail,omitempty"`
	// Fields are the mapped fields, each side in its own terms.
	Fields             []CaseField       `json:"fields"`
	Base               map[string]string `json:"base"`
	LastSync           time.Time         `json:"last_sync,omitzero"`
	CaseCreated        time.Time         `json:"salesforce_case_created,omitzero"`
	SyncStatus         string            `json:"sync_status,omitempty"` // Care_Sync_Status__c
	SyncError          string            `json:"sync_error,omitempty"`  // Care_Sync_Error__c
	Queue              queue.KeyState    `json:"queue"`
	Timeline           []Event           `json:"timeline"`
	Actions            []CaseAction      `json:"actions"`
	ActionsError       string            `json:"actions_error,omitempty"`
	ActionsErrorDetail string            `json:"actions_error_detail,omitempty"`
}

// CaseField is one mapped field of a case as each side shows it, and how
// the mapping translates between them.
type CaseField struct {
	Name string `json:"name"`
	// Care is the Care attribute; CareValue its value as Care shows it
	// (people and profiles by name, their ids beside).
	Care      string `json:"care"`
	CareValue string `json:"care_value"`
	// Salesforce is the Case field's API name and SalesforceValue its value
	// as stored (a picklist's API value, an owner's id); SalesforceShown is
	// the record's name where the value is a reference (the owner).
	Salesforce      string `json:"salesforce"`
	SalesforceValue string `json:"salesforce_value"`
	SalesforceShown string `json:"salesforce_shown,omitempty"`
	Direction       string `json:"direction"`
	Conflict        string `json:"conflict,omitempty"`
	// Mapping says in words how this case's values translate.
	Mapping    []string `json:"mapping"`
	LastSynced string   `json:"last_synced,omitempty"`
	// Write is what a sync now would write, if anything.
	Write string `json:"write,omitempty"`
}

// CaseAction is one agent action (Care_Action__c) of the case.
type CaseAction = bridge.ActionSummary

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

// careIDProblem says why carebridge cannot sync a case with this Care id
// ("" when it can): the id must be one a request to Care can carry
// (care.CheckID), hold no space (Care's ids never do, and a webhook with
// one is refused) and fit Care_Case_Id__c.
func (d *Daemon) careIDProblem(id string) string {
	if err := care.CheckID(id); err != nil {
		return err.Error() + ", so carebridge never sends it to Care"
	}
	if strings.ContainsFunc(id, unicode.IsSpace) {
		return "it holds a space, which no Care case id does (Care's webhooks are refused for one)"
	}
	if n := len(utf16.Encode([]rune(id))); d.careIDLen > 0 && n > d.careIDLen {
		return fmt.Sprintf("it is %d characters long and Salesforce's %s holds %d, so no Salesforce Case can carry it (lengthen the field in Salesforce and in configs/salesforce)",
			n, bridge.CareIDField, d.careIDLen)
	}
	return ""
}

// caseView gathers one case for the case explorer.
func (d *Daemon) caseView(ctx context.Context, id string) (any, error) {
	careID, sfID, err := d.resolveCase(ctx, id)
	if err != nil {
		return nil, err
	}
	if care.CheckID(careID) != nil {
		return nil, &admin.CannotSyncError{ID: careID, Reason: d.careIDProblem(careID)}
	}
	v := CaseView{CareCaseID: careID, SalesforceCaseID: sfID, Linked: sfID != "", CannotSync: d.careIDProblem(careID),
		Base: map[string]string{}, Fields: []CaseField{}, Timeline: []Event{}, Actions: []CaseAction{}}
	m, _ := d.mappings.Get()
	p, perr := d.engine.PreviewCase(ctx, careID, bridge.MappingSource(m))
	switch {
	case perr == nil:
		if v.CannotSync != "" {
			p.CreateCase, p.UpdateCase, p.SalesforceWrites, p.UpdateCare, p.Conflicts, p.Blocked = nil, nil, nil, nil, nil, ""
		}
		v.Now = &p
		if v.SalesforceCaseID == "" {
			v.SalesforceCaseID = p.SalesforceCaseID
		}
	case errors.Is(perr, bridge.ErrCaseNotFound):
		v.NowError = "Care does not know this case."
	default:
		v.NowError, v.NowErrorDetail = "Could not read the case: "+plainWords(perr), perr.Error()
	}
	base, found, err := d.store.LoadBase(ctx, careID)
	if err != nil {
		return nil, err
	}
	if found {
		v.LastSync = base.SyncedAt
		v.Base = bridge.BaseValues(base.Fields)
	}
	if v.Queue, err = d.queue.State(ctx, work.ForCase(careID)); err != nil {
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
	var rec salesforce.Record
	if v.SalesforceCaseID != "" {
		if rec, err = d.salesforceSide(ctx, m, &v); err != nil {
			v.ActionsError, v.ActionsErrorDetail = "Could not read the Case's actions: "+plainWords(err), err.Error()
		}
	}
	if v.Now != nil {
		v.Fields = d.caseFields(ctx, m, v.Now, rec)
	}
	return v, nil
}

// plainWords says in plain words what went wrong talking to Care or
// Salesforce; the error itself is shown beside it.
func plainWords(err error) string {
	var ue *upstream.Error
	if !errors.As(err, &ue) {
		return "carebridge could not read it (the details say why)."
	}
	system := sideName(ue.System)
	if ue.System == care.System {
		system = "Emplifi Care"
	}
	switch s := ue.Status; {
	case s == 0 && ue.Class == upstream.Retryable:
		return system + " did not answer in time; try again in a moment."
	case s == http.StatusUnauthorized || s == http.StatusForbidden:
		return system + " refused carebridge's credentials or permissions; `carebridge check` says which."
	case s == http.StatusTooManyRequests || ue.Code == "REQUEST_LIMIT_EXCEEDED":
		return system + " is over its API limit; carebridge waits and tries again."
	case s >= 500:
		return fmt.Sprintf("%s failed with a server error (HTTP %d); try again in a moment.", system, s)
	case s == http.StatusNotFound:
		return system + " does not know it."
	case s == 0:
		return system + " was not asked: " + ue.Message + "."
	}
	return fmt.Sprintf("%s refused the request (HTTP %d).", system, ue.Status)
}

// salesforceSide reads what the Case shows the agent (its sync status and
// mapped fields, the owner by name) and the agents' actions on it with
// their outcome. It returns the Case record (nil when it was not read).
func (d *Daemon) salesforceSide(ctx context.Context, m *mapping.Mapping, v *CaseView) (salesforce.Record, error) {
	fields := append([]string{"Id", "CreatedDate", bridge.SyncStatusField, bridge.SyncErrorField, "Owner.Name"}, m.SalesforceFields()...)
	slices.Sort(fields)
	cs, err := d.sf.Query(ctx, soql.Select(slices.Compact(fields)...).From("Case").Where(soql.Eq("Id", v.SalesforceCaseID)))
	if err != nil {
		return nil, err
	}
	var rec salesforce.Record
	if len(cs) > 0 {
		rec = cs[0]
		v.CaseCreated, _ = rec.Time("CreatedDate")
		v.SyncStatus, v.SyncError = rec.String(bridge.SyncStatusField), rec.String(bridge.SyncErrorField)
	}
	actions, err := bridge.ActionsOnCase(ctx, SalesforcePort(d.sf), v.SalesforceCaseID, 100)
	if err != nil {
		return rec, err
	}
	v.Actions = actions
	return rec, nil
}

// caseFields are the mapped fields of a case, each side in its own terms:
// Care's agents and profiles by name (read from Care; their ids when that
// fails), Salesforce's values as stored and the owner by name.
func (d *Daemon) caseFields(ctx context.Context, m *mapping.Mapping, p *bridge.Preview, rec salesforce.Record) []CaseField {
	names := map[string]string{}
	if agents, err := d.care.Agents(ctx); err == nil {
		for _, a := range agents {
			names[mapping.CareAssignee+"\x00"+a.ID] = a.Name
		}
	}
	if profiles, err := d.care.Profiles(ctx); err == nil {
		for _, pr := range profiles {
			names[mapping.CareProfile+"\x00"+pr.ID] = pr.Name
		}
	}
	owner := ""
	if o, ok := rec["Owner"].(map[string]any); ok {
		owner, _ = o["Name"].(string)
	}
	out := []CaseField{}
	for _, f := range m.Fields() {
		careVal, sfVal := p.Care[f.Name], rec.String(f.Salesforce)
		cf := CaseField{Name: f.Name, Care: f.Care, CareValue: careVal, Salesforce: f.Salesforce, SalesforceValue: sfVal,
			Direction: string(f.Direction), Conflict: string(f.Conflict), LastSynced: p.Base[f.Name], Mapping: []string{}}
		if n := names[f.Care+"\x00"+careVal]; n != "" {
			cf.CareValue = n + " (" + careVal + ")"
		}
		if f.Identity() && sfVal != "" {
			cf.SalesforceShown = owner
		}
		cf.Mapping = mappingWords(f, careVal, sfVal, p, rec != nil, func(id string) string { return names[mapping.CareAssignee+"\x00"+id] })
		switch {
		case p.CreateCase != nil && p.CreateCase[f.Salesforce] != nil:
			cf.Write = fmt.Sprintf("Salesforce (new Case) %s = %v", f.Salesforce, p.CreateCase[f.Salesforce])
		case p.SalesforceWrites[f.Name] != "":
			cf.Write = "Salesforce " + p.SalesforceWrites[f.Name]
		case p.UpdateCare != nil && p.UpdateCare[f.Name] != "":
			cf.Write = fmt.Sprintf("Care %s = %s", f.Care, p.UpdateCare[f.Name])
		}
		out = append(out, cf)
	}
	return out
}

// mappingWords says how a field's values translate for this case.
func mappingWords(f mapping.Field, careVal, sfVal string, p *bridge.Preview, haveCase bool, agentName func(id string) string) []string {
	var out []string
	if f.Direction == merge.Both {
		out = append(out, "when both sides changed it: "+strings.ReplaceAll(string(f.Conflict), "_", " "))
	}
	toSF, toCare := f.Direction != merge.SalesforceToCare, f.Direction != merge.CareToSalesforce
	switch {
	case f.Identity():
		if toCare && haveCase {
			if agent := p.Salesforce[f.Name]; agent != "" {
				out = append(out, "the owner is Care agent "+cmp.Or(agentName(agent), agent))
			} else if sfVal != "" {
				out = append(out, "the owner matches no Care agent: unassigned in Care")
			}
		}
		out = append(out, "agents and users are matched on the Identities page")
	default:
		if toSF && careVal != "" {
			out = append(out, translation("Care", careVal, "Salesforce", f.CareToSalesforce))
		}
		if toCare && haveCase && sfVal != "" {
			out = append(out, translation("Salesforce", sfVal, "Care", f.SalesforceToCare))
		}
	}
	return slices.Compact(out)
}

func translation(from, v, to string, m *mapping.ValueMap) string {
	if m == nil {
		return "the same value on both sides"
	}
	out, ok := m.Lookup(v)
	if !ok {
		return fmt.Sprintf("%s %q is not in the value map: sent to %s as it is", from, v, to)
	}
	return fmt.Sprintf("%s %q → %s %q", from, v, to, out)
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
	if why := d.careIDProblem(careID); why != "" {
		return "", &admin.CannotSyncError{ID: careID, Reason: why}
	}
	key := work.ForCase(careID)
	if _, err := d.queue.Add(ctx, key); err != nil {
		return "", err
	}
	return key, nil
}

// AdminSignInCode makes a one-time code that signs a browser in to the
// admin UI at /admin/signin#code=<code> (the demo prints such a link).
func (d *Daemon) AdminSignInCode(ctx context.Context, ttl time.Duration) (string, error) {
	return admin.NewSignInCode(ctx, d.store, d.cfg.Admin.Token, ttl)
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
