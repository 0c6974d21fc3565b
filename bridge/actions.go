package bridge

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/carerules"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/connectors/upstream"
)

// Care_Action__c: agents ask Care to reply or moderate; carebridge owns the
// status fields.
const (
	ActionObject = "Care_Action__c"

	actionCase        = "Case__c"
	actionType        = "Type__c"
	actionMode        = "Reply_Mode__c"
	actionTarget      = "Target_Message_Id__c"
	actionBody        = "Body__c"
	actionMedia       = "Media_URLs__c"
	actionMarkPending = "Mark_Pending__c"
	actionProfile     = "Profile_Id__c"
	actionStatus      = "Status__c"
	actionCode        = "Status_Code__c"
	actionReason      = "Status_Reason__c"
	actionResult      = "Care_Result_Id__c"
	actionProcessedAt = "Processed_At__c"
)

// Status__c values.
const (
	StatusQueued   = "Queued"
	StatusSending  = "Sending"
	StatusSent     = "Sent"
	StatusRejected = "Rejected"
	StatusFailed   = "Failed"
)

// Codes carebridge itself gives actions it cannot judge or send (the rule
// codes come from package rules and from Care).
const (
	CodeInvalidAction    = "invalid_action"
	CodeTargetNotFound   = "target_not_found"
	CodeCaseNotSynced    = "case_not_synced"
	CodeSendFailed       = "send_failed"
	CodeRetriesExhausted = "retries_exhausted"
)

// ActionFields lists the Care_Action__c fields the engine reads or writes.
func ActionFields() []string {
	return append([]string{"Id", "CreatedDate", actionCase, actionType, actionMode, actionTarget, actionBody, actionMedia,
		actionMarkPending, actionProfile}, ActionResultFields()...)
}

// ActionResultFields lists the Care_Action__c fields the engine writes: the
// outcome of an action.
func ActionResultFields() []string {
	return []string{actionStatus, actionCode, actionReason, actionResult, actionProcessedAt}
}

// IdempotencyKey is the key an action is sent to Care with: the same for
// every attempt, so Care returns the first result instead of acting twice.
func IdempotencyKey(sfID string) string { return "cb-action-" + sfID }

// actionPollLimit bounds one poll's list of unfinished actions.
const actionPollLimit = 2000

// pollSalesforceActions enqueues every action not finished yet: Queued ones
// and Sending ones (a crash between send and write-back leaves them so; the
// durable record finishes them without sending twice). Keys coalesce, and a
// key waiting out its backoff keeps it.
func (e *Engine) pollSalesforceActions(ctx context.Context) error {
	recs, err := e.sf.Query(ctx, soql.Select("Id").From(ActionObject).
		Where(soql.In(actionStatus, StatusQueued, StatusSending)).OrderBy("CreatedDate", "Id").Limit(actionPollLimit))
	if err != nil {
		return fmt.Errorf("poll Salesforce %s: %w", ActionObject, err)
	}
	for _, r := range recs {
		if id := str(r["Id"]); id != "" {
			if err := e.queue.Add(ctx, ActionKey(id)); err != nil {
				return fmt.Errorf("enqueue action %s: %w", id, err)
			}
		}
	}
	return nil
}

// queryActions reads many actions in one query (batched).
func (e *Engine) queryActions(ctx context.Context, ids []string) ([]Record, error) {
	vals := make([]any, 0, len(ids))
	for _, id := range ids {
		vals = append(vals, id)
	}
	recs, err := e.sf.Query(ctx, soql.Select(ActionFields()...).From(ActionObject).Where(soql.In("Id", vals...)))
	if err != nil {
		return nil, fmt.Errorf("read %d %s records: %w", len(ids), ActionObject, err)
	}
	by := make(map[string]Record, len(recs))
	for _, r := range recs {
		by[str(r["Id"])] = r
	}
	out := make([]Record, len(ids))
	for i, id := range ids {
		out[i] = by[id] // nil: deleted
	}
	return out, nil
}

// HandleAction runs the pipeline of one Care_Action__c: claim -> rules check
// -> send with the action's idempotency key -> write the result back. The
// durable record in the store makes every step safe to repeat after a
// crash: an action that may have reached Care is sent again only with the
// same key (Care answers with the first result), never checked and sent
// afresh.
func (e *Engine) HandleAction(ctx context.Context, sfID string) error {
	if sfID == "" {
		return permanentf("empty action id")
	}
	ok, err := e.store.ClaimAction(ctx, sfID, e.claimTTL)
	if err != nil {
		return fmt.Errorf("claim action %s: %w", sfID, err)
	}
	if !ok {
		return &upstream.Error{System: "carebridge", Op: "claim_action", Class: upstream.Retryable,
			Message: fmt.Sprintf("action %s is being processed by another worker", sfID), RetryAfter: e.claimTTL}
	}
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := e.store.ReleaseAction(rctx, sfID); err != nil {
			e.log.Warn("releasing action claim failed; it expires by itself", "action", sfID, "err", err)
		}
	}()
	// The run ends before the claim does, so two workers never overlap.
	ctx, cancel := context.WithTimeout(ctx, e.claimTTL*9/10)
	defer cancel()
	return e.runAction(ctx, sfID)
}

// actionView is a Care_Action__c record read from Salesforce.
type actionView struct {
	id, caseSFID, target, body, profile string
	typ                                 rules.Action
	mode                                rules.ReplyMode
	media                               []string
	markPending                         bool
	status                              string
	created                             time.Time
}

func viewAction(r Record) actionView {
	v := actionView{
		id: str(r["Id"]), caseSFID: str(r[actionCase]), target: strings.TrimSpace(str(r[actionTarget])),
		body: str(r[actionBody]), profile: strings.TrimSpace(str(r[actionProfile])),
		typ: rules.Action(str(r[actionType])), mode: rules.ReplyMode(str(r[actionMode])),
		status: str(r[actionStatus]), created: parseTime(r["CreatedDate"]),
	}
	v.markPending, _ = r[actionMarkPending].(bool)
	for _, line := range strings.Split(str(r[actionMedia]), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			v.media = append(v.media, line)
		}
	}
	return v
}

func (e *Engine) runAction(ctx context.Context, sfID string) error {
	rec, err := e.readActions.Do(ctx, sfID)
	if err != nil {
		return fmt.Errorf("read action %s: %w", sfID, err)
	}
	if rec == nil {
		e.log.Info("action no longer exists in Salesforce", "action", sfID)
		return nil
	}
	a := viewAction(rec)
	switch a.status {
	case StatusSent, StatusRejected, StatusFailed:
		return nil // finished; nothing to do
	}
	durable, found, err := e.store.ActionRecord(ctx, sfID)
	if err != nil {
		return fmt.Errorf("read record of action %s: %w", sfID, err)
	}
	switch {
	case found && durable.State != ActionSending:
		// Decided before a crash or a failed write-back: report only.
		return e.report(ctx, a, durable, "")
	case found || a.status == StatusSending:
		// Sending is marked only after the rules check passed and the
		// record was begun; without the record, Redis lost it. Either way
		// the action may have reached Care: resend it with the same key,
		// never check and send afresh (Care's own rules still apply).
		return e.resend(ctx, a)
	}
	return e.firstRun(ctx, a)
}

// resend sends a begun action again with its idempotency key.
func (e *Engine) resend(ctx context.Context, a actionView) error {
	durable, _, err := e.store.BeginAction(ctx, a.id, IdempotencyKey(a.id))
	if err != nil {
		return fmt.Errorf("resume action %s: %w", a.id, err)
	}
	careID, err := e.careCaseOf(ctx, a)
	if err != nil {
		return e.retryOrGiveUp(ctx, a, durable.StartedAt, err)
	}
	return e.send(ctx, a, careID, durable, "")
}

// firstRun checks a new action against the rules and sends it when allowed.
func (e *Engine) firstRun(ctx context.Context, a actionView) error {
	careID, err := e.careCaseOf(ctx, a)
	if errors.Is(err, errCaseNotSynced) {
		return e.refuse(ctx, a, "", rules.Decision{Code: CodeCaseNotSynced,
			Reason: "This Case is not linked to a Care case, so carebridge cannot send the action; create actions only on Cases that came from Care."})
	}
	if err != nil {
		return e.retryOrGiveUp(ctx, a, time.Time{}, err)
	}
	d, platform, err := e.check(ctx, a, careID)
	if err != nil {
		return e.retryOrGiveUp(ctx, a, time.Time{}, err)
	}
	if !d.Allowed {
		return e.refuse(ctx, a, platform, d)
	}
	durable, _, err := e.store.BeginAction(ctx, a.id, IdempotencyKey(a.id))
	if err != nil {
		return fmt.Errorf("begin action %s: %w", a.id, err)
	}
	if err := e.writeAction(ctx, Record{"Id": a.id, actionStatus: StatusSending}); err != nil {
		return fmt.Errorf("mark action %s Sending: %w", a.id, err)
	}
	return e.send(ctx, a, careID, durable, platform)
}

var errCaseNotSynced = errors.New("the action's Case is not linked to a Care case")

// careCaseOf returns the Care case id of the action's Case.
func (e *Engine) careCaseOf(ctx context.Context, a actionView) (string, error) {
	if a.caseSFID == "" {
		return "", errCaseNotSynced
	}
	id, ok, err := e.store.CareIDFor(ctx, a.caseSFID)
	if err != nil {
		return "", fmt.Errorf("find Care case of Case %s (action %s): %w", a.caseSFID, a.id, err)
	}
	if ok {
		return id, nil
	}
	recs, err := e.sf.Query(ctx, soql.Select("Id", CareIDField).From("Case").Where(soql.Eq("Id", a.caseSFID)))
	if err != nil {
		return "", fmt.Errorf("read Case %s of action %s: %w", a.caseSFID, a.id, err)
	}
	if len(recs) == 0 || str(recs[0][CareIDField]) == "" {
		return "", errCaseNotSynced
	}
	return str(recs[0][CareIDField]), nil
}

// check builds the rules scenario of the action from the current Care case
// and conversation and asks the rules engine. Malformed actions are refused
// with CodeInvalidAction or CodeTargetNotFound.
func (e *Engine) check(ctx context.Context, a actionView, careID string) (rules.Decision, rules.Platform, error) {
	c, err := e.care.GetCase(ctx, careID)
	if err != nil {
		return rules.Decision{}, "", fmt.Errorf("read Care case %s for action %s: %w", careID, a.id, err)
	}
	msgs, err := e.care.Messages(ctx, careID)
	if err != nil {
		return rules.Decision{}, c.Platform, fmt.Errorf("read conversation of Care case %s for action %s: %w", careID, a.id, err)
	}
	invalid := func(format string, args ...any) (rules.Decision, rules.Platform, error) {
		return rules.Decision{Code: CodeInvalidAction, Reason: fmt.Sprintf(format, args...)}, c.Platform, nil
	}
	var target *care.Message
	if a.target != "" {
		for i := range msgs {
			if msgs[i].ID == a.target {
				target = &msgs[i]
			}
		}
		if target == nil || target.Deleted {
			what := "is not a message of this case"
			if target != nil {
				what = "was deleted"
			}
			return rules.Decision{Code: CodeTargetNotFound, Reason: fmt.Sprintf(
				"The target message %q %s; pick a message from the case's conversation (Care Messages related list).", a.target, what)}, c.Platform, nil
		}
	}
	switch a.typ {
	case rules.Reply:
		if !knownReplyMode(a.mode) {
			return invalid("A reply needs a reply mode: public_reply, comment_on_post, direct_message or private_reply (got %q).", a.mode)
		}
		chosen := target != nil
		if target == nil {
			target = carerules.DefaultTarget(msgs, a.mode)
		}
		if target == nil {
			return rules.Decision{Code: CodeTargetNotFound, Reason: "This case has no message to reply to yet."}, c.Platform, nil
		}
		s := carerules.Scenario(c, msgs, rules.Reply, target, chosen, e.now())
		s.ReplyMode, s.Text, s.Media = a.mode, a.body, a.media
		return e.rules.Check(s), c.Platform, nil
	case rules.SetProfile:
		if a.profile == "" {
			return invalid("A set_profile action needs the Care profile id in Profile Id.")
		}
		s := carerules.Scenario(c, msgs, rules.SetProfile, nil, false, e.now())
		return e.rules.Check(s), c.Platform, nil
	case rules.Like, rules.Unlike, rules.Delete, rules.Hide, rules.Unhide, rules.Ban, rules.Unban, rules.Follow, rules.Unfollow:
		if target == nil {
			return invalid("A %s action needs the Care message id of its target in Target Message Id.", a.typ)
		}
		// Moderation concerns the target's own author (carerules.Scenario).
		s := carerules.Scenario(c, msgs, a.typ, target, true, e.now())
		return e.rules.Check(s), c.Platform, nil
	}
	return invalid("Unknown action type %q; use reply, like, unlike, delete, hide, unhide, ban, unban, follow, unfollow or set_profile.", a.typ)
}

func knownReplyMode(m rules.ReplyMode) bool {
	for _, k := range rules.ReplyModes() {
		if k == m {
			return true
		}
	}
	return false
}

// careActions maps action types to the Care moderation action names.
var careActions = map[rules.Action]string{
	rules.Like: care.ActionLike, rules.Unlike: care.ActionUnlike, rules.Delete: care.ActionDelete,
	rules.Hide: care.ActionHide, rules.Unhide: care.ActionUnhide,
	rules.Ban: care.ActionBanAuthor, rules.Unban: care.ActionUnbanAuthor,
	rules.Follow: care.ActionFollowAuthor, rules.Unfollow: care.ActionUnfollowAuthor,
}

// send carries out a begun action in Care with its idempotency key and
// records and reports the outcome. The request is built from the Salesforce
// record alone, so a resend after a crash is the identical request.
// platform labels metrics ("" when not known on a resume).
func (e *Engine) send(ctx context.Context, a actionView, careID string, durable ActionRecord, platform rules.Platform) error {
	key := durable.IdempotencyKey
	if key == "" {
		key = IdempotencyKey(a.id)
	}
	var resultID string
	var err error
	switch a.typ {
	case rules.Reply:
		// in_reply_to only when the agent chose the message: Care takes it
		// as a choice (refused among direct messages) and otherwise picks
		// the message itself, as the rules check assumed.
		req := care.ReplyRequest{Mode: a.mode, InReplyTo: a.target, Text: a.body, Media: a.media, MarkPending: a.markPending}
		var m care.Message
		m, err = e.care.Reply(ctx, careID, req, key)
		resultID = m.ID
	case rules.SetProfile:
		_, err = e.care.SetProfile(ctx, careID, a.profile, key)
		resultID = a.profile
	default:
		name, ok := careActions[a.typ]
		if !ok {
			err = permanentf("action %s: unknown type %q", a.id, a.typ)
			break
		}
		var res care.ActionResult
		res, err = e.care.Act(ctx, a.target, name, key)
		resultID = res.MessageID
	}
	var outcome ActionRecord
	switch upstream.ClassOf(err) {
	case 0:
		outcome = ActionRecord{State: ActionSent, CareResultID: resultID}
	case upstream.Refused:
		code, reason := CodeSendFailed, "Care refused the action."
		var ue *upstream.Error
		if errors.As(err, &ue) {
			code, reason = ue.Code, ue.Message
		}
		outcome = ActionRecord{State: ActionRejected, Code: code, Reason: reason}
	case upstream.Permanent:
		outcome = ActionRecord{State: ActionFailed, Code: CodeSendFailed,
			Reason: fmt.Sprintf("Care did not accept the action: %s. Check the action's fields and create a new action.", upstreamMessage(err))}
	default:
		return e.retryOrGiveUp(ctx, a, durable.StartedAt, fmt.Errorf("send action %s to Care case %s: %w", a.id, careID, err))
	}
	if err := e.store.CompleteAction(ctx, a.id, outcome); err != nil {
		return fmt.Errorf("record outcome of action %s: %w", a.id, err)
	}
	if rerr := e.report(ctx, a, outcome, platform); rerr != nil {
		return rerr
	}
	if outcome.State == ActionFailed {
		return upstream.MarkPermanent(fmt.Errorf("action %s failed: %w", a.id, err))
	}
	return nil
}

// retryOrGiveUp returns a retryable error for the queue's backoff, or ends
// the action as Failed once it has been retried for ActionGiveUp.
func (e *Engine) retryOrGiveUp(ctx context.Context, a actionView, started time.Time, err error) error {
	if upstream.ClassOf(err) == upstream.Permanent {
		return e.fail(ctx, a, fmt.Sprintf("carebridge could not process the action: %s. Create a new action to try again.", upstreamMessage(err)), CodeSendFailed, err)
	}
	from := started
	if from.IsZero() {
		from = a.created
		if from.Before(e.started) {
			from = e.started
		}
	}
	if e.now().Sub(from) < e.giveUp {
		e.m.actions.WithLabelValues(string(a.typ), resultRetry).Inc()
		return err
	}
	return e.fail(ctx, a, fmt.Sprintf("Care could not be reached for %s (%s); create a new action to try again.", e.giveUp, upstreamMessage(err)), CodeRetriesExhausted, err)
}

// fail ends an action as Failed and dead-letters its key.
func (e *Engine) fail(ctx context.Context, a actionView, reason, code string, cause error) error {
	outcome := ActionRecord{State: ActionFailed, Code: code, Reason: reason}
	if _, found, err := e.store.ActionRecord(ctx, a.id); err == nil && found {
		if err := e.store.CompleteAction(ctx, a.id, outcome); err != nil {
			return fmt.Errorf("record failure of action %s: %w", a.id, err)
		}
	}
	if err := e.report(ctx, a, outcome, ""); err != nil {
		return err
	}
	return upstream.MarkPermanent(fmt.Errorf("action %s failed: %w", a.id, cause))
}

// refuse writes a rejection back; nothing was sent, so no durable record is
// needed (a repeat decides the same way).
func (e *Engine) refuse(ctx context.Context, a actionView, platform rules.Platform, d rules.Decision) error {
	return e.report(ctx, a, ActionRecord{State: ActionRejected, Code: d.Code, Reason: d.Reason}, platform)
}

// report writes an outcome onto the Care_Action__c record. platform labels
// the rejection metric ("" when not known).
func (e *Engine) report(ctx context.Context, a actionView, o ActionRecord, platform rules.Platform) error {
	w := Record{"Id": a.id, actionProcessedAt: formatSFTime(e.now())}
	switch o.State {
	case ActionSent:
		w[actionStatus], w[actionResult], w[actionCode], w[actionReason] = StatusSent, nilIfEmpty(o.CareResultID), nil, nil
	case ActionRejected:
		w[actionStatus], w[actionCode], w[actionReason] = StatusRejected, nilIfEmpty(o.Code), nilIfEmpty(o.Reason)
	default:
		w[actionStatus], w[actionCode], w[actionReason] = StatusFailed, nilIfEmpty(o.Code), nilIfEmpty(o.Reason)
	}
	if err := e.writeAction(ctx, w); err != nil {
		return fmt.Errorf("write result %s of action %s: %w", o.State, a.id, err)
	}
	if _, found, err := e.store.ActionRecord(ctx, a.id); err == nil && found {
		if err := e.store.MarkActionReported(ctx, a.id); err != nil {
			e.log.Warn("marking action reported failed", "action", a.id, "err", err)
		}
	}
	result := map[ActionState]string{ActionSent: resultSent, ActionRejected: resultRejected}[o.State]
	if result == "" {
		result = resultFailed
	}
	e.m.actions.WithLabelValues(string(a.typ), result).Inc()
	log := e.log.With("action", a.id, "type", a.typ, "result", result)
	switch o.State {
	case ActionRejected:
		if platform == "" {
			platform = "unknown"
		}
		e.m.rejected.WithLabelValues(string(platform), string(a.typ), o.Code).Inc()
		log.Info("action rejected", "code", o.Code)
	case ActionSent:
		log.Info("action sent", "care_result", o.CareResultID)
	default:
		log.Warn("action failed", "code", o.Code, "reason", o.Reason)
	}
	if o.State == ActionSent && a.caseSFID != "" {
		// The conversation, the case status (mark pending) and the reply
		// options follow on the case's next reconcile.
		if careID, ok, err := e.store.CareIDFor(ctx, a.caseSFID); err == nil && ok {
			if err := e.queue.Add(ctx, CaseKey(careID)); err != nil {
				e.log.Warn("enqueue case after action failed; the poll catches up", "action", a.id, "err", err)
			}
		}
	}
	return nil
}

func (e *Engine) writeAction(ctx context.Context, w Record) error {
	res, err := e.updActions.Do(ctx, w)
	if err == nil {
		err = res.Err
	}
	return err
}

// upstreamMessage is the readable part of an error for an agent: the
// upstream's message when there is one.
func upstreamMessage(err error) string {
	var ue *upstream.Error
	if errors.As(err, &ue) && ue.Message != "" {
		if ue.Status != 0 {
			return fmt.Sprintf("%s (HTTP %d)", strings.TrimSuffix(ue.Message, "."), ue.Status)
		}
		return strings.TrimSuffix(ue.Message, ".")
	}
	return "an internal error"
}
