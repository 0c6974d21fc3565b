package bridge

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/carebridge/carebridge/connectors/care/rules"
)

// Metrics are the engine's series.
type Metrics struct {
	syncOps   *prometheus.CounterVec
	lag       *prometheus.HistogramVec
	conflicts *prometheus.CounterVec
	blocked   *prometheus.CounterVec
	lastPoll  *prometheus.GaugeVec
	rejected  *prometheus.CounterVec
	actions   *prometheus.CounterVec
	// actionLatency is the time from an agent creating an action to its
	// outcome on the record, by result.
	actionLatency *prometheus.HistogramVec
	retired       prometheus.Counter
	// mirrorRemoved counts mirrored messages removed from Salesforce or
	// made tombstones, by why.
	mirrorRemoved *prometheus.CounterVec
	cut           *prometheus.CounterVec
	refused       *prometheus.CounterVec
	refusedIDs    prometheus.Counter
	// caseRefusals counts Case updates Salesforce refused, by error code.
	caseRefusals *prometheus.CounterVec
	echoes       *prometheus.CounterVec
	swept        *prometheus.CounterVec
	// idsRestored counts linked Cases whose Care_Case_Id__c somebody
	// changed and carebridge put back.
	idsRestored prometheus.Counter
	// reconciles counts case reconciles by outcome: in_step (nothing
	// changed on either side: the two reads and nothing else) or synced.
	reconciles *prometheus.CounterVec
	// checks counts the checks of changes Care reported during the
	// reconcile of their case (work.Check) by outcome: in_step or
	// queued.
	checks *prometheus.CounterVec
}

// Outcomes of a case reconcile, the outcome label of
// carebridge_case_reconciles_total.
const (
	outcomeInStep = "in_step"
	outcomeSynced = "synced"
	checkQueued   = "queued"
)

// Action results, the result label of carebridge_actions_total.
const (
	resultSent     = "sent"
	resultRejected = "rejected"
	resultFailed   = "failed"
	resultRetry    = "retry"
)

// actionTypes are the Care_Action__c Type__c values.
var actionTypes = []rules.Action{rules.Reply, rules.Like, rules.Unlike, rules.Delete, rules.Hide, rules.Unhide,
	rules.Ban, rules.Unban, rules.Follow, rules.Unfollow, rules.SetProfile}

var platforms = []rules.Platform{rules.Facebook, rules.Instagram, rules.Twitter, rules.LinkedIn, rules.YouTube, rules.TikTok}

// NewMetrics registers the engine metrics on reg (nil: unregistered).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		syncOps: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "sync_operations_total",
			Help: "Writes applied by the sync, by direction (care_to_salesforce, salesforce_to_care), object and result (success, failure).",
		}, []string{"direction", "object", "result"}),
		lag: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "carebridge", Name: "sync_lag_seconds",
			Help:    "Time from a change on one side to its write on the other.",
			Buckets: []float64{.1, .25, .5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600},
		}, []string{"direction"}),
		conflicts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "conflicts_total",
			Help: "Fields changed on both sides between syncs, by field and the side that won.",
		}, []string{"field", "resolution"}),
		blocked: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "sync_blocked_total",
			Help: "Changes that Care's rules prevented from being applied, by reason.",
		}, []string{"reason"}),
		lastPoll: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "carebridge", Name: "last_successful_poll_timestamp_seconds",
			Help: "Unix time of the last successful poll per source.",
		}, []string{"source"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "rule_rejections_total",
			Help: "Agent actions refused by a platform rule (by carebridge before sending, or by Care), by platform, action and rule code.",
		}, []string{"platform", "action", "code"}),
		actions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "actions_total",
			Help: "Agent actions (Care_Action__c) processed, by type and result (sent, rejected, failed, retry).",
		}, []string{"type", "result"}),
		actionLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "carebridge", Name: "action_latency_seconds",
			Help:    "Time from an agent creating an action (Care_Action__c CreatedDate) to carebridge writing its outcome on the record, by result (sent, rejected, failed).",
			Buckets: []float64{.25, .5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600},
		}, []string{"result"}),
		cut: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "salesforce_values_cut_total",
			Help: "Text values longer than their Salesforce field, written cut to fit (ending in " + CutMarker + "), by object and field.",
		}, []string{"object", "field"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "salesforce_values_refused_total",
			Help: "Values not written because a restricted Salesforce picklist lacks them, by object and field.",
		}, []string{"object", "field"}),
		refusedIDs: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "care_ids_refused_total",
			Help: "Care case and message ids longer than their Salesforce external id field (Care_Case_Id__c, Care_Message_Id__c): they cannot be synced.",
		}),
		caseRefusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "salesforce_case_refusals_total",
			Help: "Case updates Salesforce refused for good (validation rules, permissions, values), by Salesforce error code; each is shown on the Case (Care_Sync_Status__c = Error).",
		}, []string{"code"}),
		echoes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "salesforce_echoes_skipped_total",
			Help: "Salesforce changes found to be carebridge's own writes (by the polls: last modified by the integration user, nothing else changed; by change events: their origin is carebridge's client), by object; not reconciled again.",
		}, []string{"object"}),
		swept: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "sweep_cases_total",
			Help: "Linked cases the sweep looked at, by result: drifted (enqueued: changed on either side since its last sync, or no longer listed by Care) or in_step.",
		}, []string{"result"}),
		reconciles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "case_reconciles_total",
			Help: "Case reconciles by outcome: in_step (both sides as the last sync left them: the echo of carebridge's own write, a poll listing a case a webhook brought; one read of each side and nothing else) or synced (something changed: only the changed parts are read).",
		}, []string{"outcome"}),
		checks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "care_change_checks_total",
			Help: "Changes Care reported (a webhook, a poll listing) while a worker reconciled their case, checked once that reconcile ended, by outcome: in_step (the reconcile had read the change: no second reconcile) or queued (the change came after its read: the case is reconciled again).",
		}, []string{"outcome"}),
		idsRestored: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "care_case_ids_restored_total",
			Help: "Linked Cases whose Care_Case_Id__c was changed or cleared in Salesforce and that carebridge restored (instead of creating a second Case for the Care case).",
		}),
		retired: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "cases_retired_total",
			Help: "Cases closed on both sides for longer than retention.closed_cases that the sweep retired (no longer swept; their per-case state left Redis).",
		}),
		mirrorRemoved: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "carebridge", Name: "mirror_messages_removed_total",
			Help: "Mirrored messages (Care_Message__c) whose content left Salesforce, by reason: retention (deleted with the rest of a case closed longer than retention.mirrored_messages) or erasure (made tombstones by carebridge erase).",
		}, []string{"reason"}),
	}
	for _, r := range []string{"retention", "erasure"} {
		m.mirrorRemoved.WithLabelValues(r)
	}
	for _, d := range []string{"care_to_salesforce", "salesforce_to_care"} {
		m.lag.WithLabelValues(d)
		for _, r := range []string{"success", "failure"} {
			m.syncOps.WithLabelValues(d, "case", r)
			m.syncOps.WithLabelValues(d, "note", r)
		}
	}
	for _, r := range []string{"success", "failure"} {
		m.syncOps.WithLabelValues("care_to_salesforce", "message", r)
	}
	for _, s := range []string{"care", "salesforce"} {
		m.lastPoll.WithLabelValues(s)
	}
	for _, o := range []string{"Case", "CaseComment", "Task"} {
		m.echoes.WithLabelValues(o)
	}
	for _, r := range []string{"drifted", "in_step"} {
		m.swept.WithLabelValues(r)
	}
	for _, o := range []string{outcomeInStep, outcomeSynced} {
		m.reconciles.WithLabelValues(o)
	}
	for _, o := range []string{outcomeInStep, checkQueued} {
		m.checks.WithLabelValues(o)
	}
	// Every series an alert or panel reads exists from the start, so that
	// increase() sees the first event after a restart.
	for _, c := range rules.Codes() {
		m.blocked.WithLabelValues(c)
	}
	for _, a := range actionTypes {
		for _, r := range []string{resultSent, resultRejected, resultFailed, resultRetry} {
			m.actions.WithLabelValues(string(a), r)
		}
	}
	for _, r := range []string{resultSent, resultRejected, resultFailed} {
		m.actionLatency.WithLabelValues(r)
	}
	// Replies are most of the actions and carry most of the rules: their
	// series exist from the start (6 platforms x the codes).
	for _, p := range platforms {
		for _, c := range rules.Codes() {
			m.rejected.WithLabelValues(string(p), string(rules.Reply), c)
		}
	}
	if reg != nil {
		reg.MustRegister(m.syncOps, m.lag, m.conflicts, m.blocked, m.lastPoll, m.rejected, m.actions, m.actionLatency, m.retired, m.mirrorRemoved, m.cut, m.refused, m.refusedIDs, m.caseRefusals, m.echoes, m.swept, m.idsRestored, m.reconciles, m.checks)
	}
	return m
}
