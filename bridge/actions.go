package bridge

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"strings"
	"time"

	"github.com/carebridge/carebridge/bridge/batch"
	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/bridge/work"
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
	actionTargetRef   = "Target_Message__c"
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
	CodeUnconfirmed      = "unconfirmed"
)

// ActionFields lists the Care_Action__c fields the engine reads or writes.
func ActionFields() []string {
	return append([]string{"Id", "CreatedDate", actionCase, actionType, actionMode, actionTarget, actionTargetRef, actionBody, actionMedia,
		actionMarkPending, actionProfile}, ActionResultFields()...)
}

// ActionResultFields lists the Care_Action__c fields the engine writes: the
// outcome of an action.
func ActionResultFields() []string {
	return []string{actionStatus, actionCode, actionReason, actionResult, actionProcessedAt}
}

// ActionWrites lists every Care_Action__c field the engine writes: the
// outcome, and the target field an agent left empty, filled from the other.
func ActionWrites() []string {
	return append(ActionResultFields(), actionTarget, actionTargetRef)
}

// IdempotencyKey is the key an action is sent to Care with: the same for
// every attempt, so Care returns the first result instead of acting twice.
func IdempotencyKey(sfID string) string { return "cb-action-" + sfID }

// actionReconciler sends the agents' actions (Care_Action__c records) to
// Care: it checks each against the agent's rights, the case and the
// platform's reply rules, records the attempt durably before sending (so a
// crash never sends twice), and reports the outcome on the record.
type actionReconciler struct {
	care        Care
	sf          Salesforce
	store       actionStore
	queue       Enqueuer
	rules       *rules.Engine
	readActions *batch.Batcher[string, Record]
	updActions  *batch.Batcher[Record, WriteResult]
	log         *slog.Logger
	m           *Metrics
	now         func() time.Time
	giveUp      time.Duration // how long an action is retried before it fails for good
	started     time.Time     // when this process started: retries of older actions count from then
	maxIDLen    int
}

// ActionSummary is one agent action as the admin case explorer shows it.
type ActionSummary struct {
	ID        string `json:"id"`
	Created   string `json:"created"`
	Type      string `json:"type"`
	Mode      string `json:"reply_mode,omitempty"`
	Status    string `json:"status"`
	Code      string `json:"code,omitempty"`
	Reason    string `json:"reason,omitempty"`
	Processed string `json:"processed,omitempty"`
}

// ActionsOnCase lists the agents' actions on the Salesforce Case sfCaseID,
// oldest first, at most limit of them.
func ActionsOnCase(ctx context.Context, sf interface {
	Query(ctx context.Context, q soql.Query) ([]Record, error)
}, sfCaseID string, limit int) ([]ActionSummary, error) {
	recs, err := sf.Query(ctx, soql.Select("Id", "CreatedDate", actionType, actionMode, actionStatus, actionCode, actionReason, actionProcessedAt).
		From(ActionObject).Where(soql.Eq(actionCase, sfCaseID)).OrderBy("CreatedDate", "Id").Limit(limit))
	if err != nil {
		return nil, fmt.Errorf("read the actions on Case %s: %w", sfCaseID, err)
	}
	out := make([]ActionSummary, len(recs))
	for i, r := range recs {
		out[i] = ActionSummary{ID: str(r["Id"]), Created: str(r["CreatedDate"]), Type: str(r[actionType]), Mode: str(r[actionMode]),
			Status: str(r[actionStatus]), Code: str(r[actionCode]), Reason: str(r[actionReason]), Processed: str(r[actionProcessedAt])}
	}
	return out, nil
}

// actionPollLimit bounds one poll's list of unfinished actions.
const actionPollLimit = 2000

// pollSalesforceActions enqueues every action not finished yet: Queued ones
// and Sending ones (a crash between send and write-back leaves them so; the
// durable record finishes them without sending twice). Keys coalesce, and a
// key waiting out its backoff keeps it.
func (tr *Triggers) pollSalesforceActions(ctx context.Context) error {
	recs, err := tr.sf.Query(ctx, soql.Select("Id").From(ActionObject).
		Where(soql.In(actionStatus, StatusQueued, StatusSending)).OrderBy("CreatedDate", "Id").Limit(actionPollLimit))
	if err != nil {
		return fmt.Errorf("poll Salesforce %s: %w", ActionObject, err)
	}
	keys := make([]string, 0, len(recs))
	for _, r := range recs {
		if id := str(r["Id"]); id != "" {
			keys = append(keys, work.ForAction(id))
		}
	}
	if len(keys) == 0 {
		return nil
	}
	if err := tr.queue.Add(ctx, keys...); err != nil {
		return fmt.Errorf("enqueue %d actions: %w", len(keys), err)
	}
	return nil
}

// queryActions reads many actions in one query (batched).
func (ar *actionReconciler) queryActions(ctx context.Context, ids []string) ([]Record, error) {
	vals := make([]any, 0, len(ids))
	for _, id := range ids {
		vals = append(vals, id)
	}
	recs, err := ar.sf.Query(ctx, soql.Select(ActionFields()...).From(ActionObject).Where(soql.In("Id", vals...)))
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

// HandleAction runs one Care_Action__c through its stages:
//
//   - read: the record from Salesforce; a finished action ends here.
//   - claim: a new action is checked against Care's rules and, when
//     allowed, its exact request is frozen in the durable record
//     (BeginAction) before anything is sent; a begun one resumes from that
//     record.
//   - send: the frozen request goes to Care with the action's idempotency
//     key, so a repeat after a lost answer or a crash is the identical
//     request and Care answers with its first result.
//   - report: the outcome is written onto the record.
//
// The queue's lease gives the key to one worker at a time across replicas.
func (ar *actionReconciler) HandleAction(ctx context.Context, sfID string) error {
	if sfID == "" {
		return permanentf("empty action id")
	}
	rec, err := ar.readActions.Do(ctx, sfID)
	if err != nil {
		return fmt.Errorf("read action %s: %w", sfID, err)
	}
	if rec == nil {
		ar.log.Info("action no longer exists in Salesforce", "action", sfID)
		return nil
	}
	a := viewAction(rec)
	switch a.status {
	case StatusSent, StatusRejected, StatusFailed:
		return nil // finished; nothing to do
	}
	durable, found, err := ar.store.Action(ctx, sfID)
	if err != nil {
		return fmt.Errorf("read record of action %s: %w", sfID, err)
	}
	if found && durable.State != state.ActionSending {
		// Decided before a crash or a failed write-back: report only, as
		// the run that decided would have.
		var req careRequest
		if json.Unmarshal(durable.Request, &req) == nil && req.Type != "" {
			a.typ = req.Type
		}
		if err := ar.report(ctx, a, durable, req.Platform, nil); err != nil {
			return err
		}
		if durable.State == state.ActionFailed {
			return queue.Terminal(fmt.Errorf("action %s failed: %s", a.id, durable.Reason))
		}
		return nil
	}
	if a, err = ar.resolveTarget(ctx, a); err != nil {
		return ar.retryOrGiveUp(ctx, a, durable, err)
	}
	req, durable, err := ar.claim(ctx, a, durable, found)
	if err != nil || req == nil {
		return err
	}
	return ar.send(ctx, a, *req, durable)
}

// claim returns the frozen request of the action and its durable record:
// the one stored when the action was begun, or for a new action one made
// now, after the rules allowed it. A nil request means the action ended
// here (refused and reported).
func (ar *actionReconciler) claim(ctx context.Context, a actionView, durable state.ActionRecord, found bool) (*careRequest, state.ActionRecord, error) {
	if found && len(durable.Request) > 0 {
		var req careRequest
		if err := json.Unmarshal(durable.Request, &req); err != nil {
			return nil, durable, ar.fail(ctx, a, durable, "carebridge could not read the request it stored for this action; check the case in Care before creating a new action.", CodeSendFailed,
				fmt.Errorf("decode frozen request of action %s: %w", a.id, err))
		}
		return &req, durable, nil
	}
	var req careRequest
	if found {
		// Begun by carebridge (its durable record says so), but the request
		// was not kept (an older version began it): the action may have
		// reached Care, so it is rebuilt from the record and sent again
		// with the same key, never checked and sent afresh (Care's own rules
		// still apply). Only carebridge's own record is trusted here: a
		// Status__c of Sending is what anyone with edit access can write,
		// so an action found Sending without a record is checked in full.
		careID, err := ar.careCaseOf(ctx, a)
		if err != nil {
			return nil, durable, ar.retryOrGiveUp(ctx, a, durable, err)
		}
		req = requestFor(a, careID, "")
	} else {
		var refused bool
		var err error
		req, refused, err = ar.check(ctx, a)
		if err != nil || refused {
			return nil, durable, err
		}
	}
	frozen, err := json.Marshal(req)
	if err != nil {
		return nil, durable, permanentf("encode request of action %s: %v", a.id, err)
	}
	durable, _, err = ar.store.BeginAction(ctx, a.id, IdempotencyKey(a.id), frozen)
	if err != nil {
		return nil, durable, fmt.Errorf("begin action %s: %w", a.id, err)
	}
	if len(durable.Request) > 0 && !bytes.Equal(durable.Request, frozen) {
		// Begun meanwhile by another run: its request is the one to send.
		return ar.claim(ctx, a, durable, true)
	}
	if a.status != StatusSending {
		w := Record{"Id": a.id, actionStatus: StatusSending}
		maps.Copy(w, a.fill)
		if err := ar.writeAction(ctx, w); err != nil {
			return nil, durable, fmt.Errorf("mark action %s Sending: %w", a.id, err)
		}
	}
	return &req, durable, nil
}

// actionView is a Care_Action__c record read from Salesforce.
type actionView struct {
	id, caseSFID, target, body, profile string
	// targetRef is the Target_Message__c lookup; resolveTarget turns it
	// into target when that is empty, and targetGone says it points to no
	// message of the case.
	targetRef   string
	targetGone  bool
	typ         rules.Action
	mode        rules.ReplyMode
	media       []string
	markPending bool
	status      string
	created     time.Time
	// fill is what the first write back adds to the record: the target
	// field the agent left empty, from the other one.
	fill Record
}

func viewAction(r Record) actionView {
	v := actionView{
		id: str(r["Id"]), caseSFID: str(r[actionCase]), target: strings.TrimSpace(str(r[actionTarget])), targetRef: str(r[actionTargetRef]),
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

// careRequest is the exact request an action sends to Care, frozen in the
// durable record when the action is begun.
type careRequest struct {
	Type     rules.Action   `json:"type"`
	CaseID   string         `json:"case_id"`
	Platform rules.Platform `json:"platform,omitempty"`
	// Reply is the body of a reply.
	Reply *care.ReplyRequest `json:"reply,omitempty"`
	// MessageID and Action name a moderation action and its target.
	MessageID string `json:"message_id,omitempty"`
	Action    string `json:"action,omitempty"`
	ProfileID string `json:"profile_id,omitempty"`
}

// requestFor is the request the action's record asks for.
func requestFor(a actionView, careID string, platform rules.Platform) careRequest {
	req := careRequest{Type: a.typ, CaseID: careID, Platform: platform}
	switch a.typ {
	case rules.Reply:
		// in_reply_to only when the agent chose the message: Care takes it
		// as a choice (refused among direct messages) and otherwise picks
		// the message itself, as the rules check assumed.
		req.Reply = &care.ReplyRequest{Mode: a.mode, InReplyTo: a.target, Text: a.body, Media: a.media, MarkPending: a.markPending}
	case rules.SetProfile:
		req.ProfileID = a.profile
	default:
		req.MessageID, req.Action = a.target, careActions[a.typ]
	}
	return req
}

// editedSince says which of the action's fields were edited after its
// request was frozen ("" when none).
func (r careRequest) editedSince(a actionView) string {
	now := requestFor(a, r.CaseID, r.Platform)
	var edited []string
	switch {
	case r.Reply != nil && now.Reply != nil:
		if r.Reply.Text != now.Reply.Text {
			edited = append(edited, "Body")
		}
		if strings.Join(r.Reply.Media, "\n") != strings.Join(now.Reply.Media, "\n") {
			edited = append(edited, "Media URLs")
		}
		if r.Reply.Mode != now.Reply.Mode {
			edited = append(edited, "Reply Mode")
		}
		if r.Reply.InReplyTo != now.Reply.InReplyTo {
			edited = append(edited, "Target Message Id")
		}
		if r.Reply.MarkPending != now.Reply.MarkPending {
			edited = append(edited, "Mark Pending")
		}
	case r.Type != now.Type:
		edited = append(edited, "Type")
	case r.MessageID != now.MessageID:
		edited = append(edited, "Target Message Id")
	case r.ProfileID != now.ProfileID:
		edited = append(edited, "Profile Id")
	}
	return strings.Join(edited, ", ")
}

var errCaseNotSynced = errors.New("the action's Case is not linked to a Care case")

// careCaseOf returns the Care case id of the action's Case: the link
// carebridge stored when it synced the Case, never the Case's
// Care_Case_Id__c alone (a field anyone with edit access can write). A
// Case that names a Care case but is not linked (the sync state was lost)
// is reconciled first, which links it; the action waits for that.
func (ar *actionReconciler) careCaseOf(ctx context.Context, a actionView) (string, error) {
	if a.caseSFID == "" {
		return "", errCaseNotSynced
	}
	id, ok, err := ar.store.CareCase(ctx, a.caseSFID)
	if err != nil {
		return "", fmt.Errorf("find Care case of Case %s (action %s): %w", a.caseSFID, a.id, err)
	}
	if ok {
		return id, nil
	}
	recs, err := ar.sf.Query(ctx, soql.Select("Id", CareIDField).From("Case").Where(soql.Eq("Id", a.caseSFID)))
	if err != nil {
		return "", fmt.Errorf("read Case %s of action %s: %w", a.caseSFID, a.id, err)
	}
	if len(recs) == 0 || str(recs[0][CareIDField]) == "" {
		return "", errCaseNotSynced
	}
	named := str(recs[0][CareIDField])
	if checkCareID(ar.maxIDLen, named) != nil {
		return "", errCaseNotSynced
	}
	if err := ar.queue.Add(ctx, work.ForCase(named)); err != nil {
		return "", fmt.Errorf("enqueue Care case %s of action %s: %w", named, a.id, err)
	}
	return "", &upstream.Error{System: "carebridge", Op: "link_case", Class: upstream.Retryable,
		Message: fmt.Sprintf("the Case is not linked to Care case %s yet; carebridge syncs the case first", named)}
}

// check judges a new action: it finds the action's Care case and asks
// Care's rules about it. An action the rules refuse is reported Rejected
// (refused true); an allowed one gets its request.
func (ar *actionReconciler) check(ctx context.Context, a actionView) (careRequest, bool, error) {
	careID, err := ar.careCaseOf(ctx, a)
	if errors.Is(err, errCaseNotSynced) {
		return careRequest{}, true, ar.refuse(ctx, a, "", rules.Decision{Code: CodeCaseNotSynced,
			Reason: "This Case is not linked to a Care case, so carebridge cannot send the action; create actions only on Cases that came from Care."})
	}
	if err != nil {
		return careRequest{}, false, ar.retryOrGiveUp(ctx, a, state.ActionRecord{}, err)
	}
	d, platform, err := ar.decide(ctx, a, careID)
	if err != nil {
		return careRequest{}, false, ar.retryOrGiveUp(ctx, a, state.ActionRecord{}, err)
	}
	if !d.Allowed {
		if a.status == StatusSending {
			// The record says the action was begun, but carebridge has no
			// record of it (Redis lost it, or somebody wrote the status):
			// if Care shows it done, it was, and is reported as such;
			// otherwise the refusal stands and nothing is sent.
			return careRequest{}, true, ar.settleUnrecorded(ctx, a, requestFor(a, careID, platform), d)
		}
		return careRequest{}, true, ar.refuse(ctx, a, platform, d)
	}
	return requestFor(a, careID, platform), false, nil
}

// unrecordedNote ends the reason of a refused action that was marked
// Sending without carebridge's record of it.
const unrecordedNote = "(The action was marked Sending, but carebridge has no record of sending it and checked it again: if an earlier version of it was sent before carebridge lost its state, check the case's conversation in Care.)"

// settleUnrecorded ends an action found Sending without a durable record
// whose check refused it: Sent when Care shows its effect in the action's
// own case (it reached Care before the record was lost), else Rejected with
// the check's reason.
func (ar *actionReconciler) settleUnrecorded(ctx context.Context, a actionView, req careRequest, d rules.Decision) error {
	refuse := func() error {
		d.Reason = strings.TrimSpace(d.Reason) + " " + unrecordedNote
		return ar.refuse(ctx, a, req.Platform, d)
	}
	if d.Code == CodeTargetNotFound || d.Code == CodeInvalidAction {
		return refuse() // nothing of this case that Care could have done
	}
	found, err := ar.readBack(ctx, req, a.created)
	if err != nil {
		return ar.retryOrGiveUp(ctx, a, state.ActionRecord{}, fmt.Errorf("look for action %s in Care case %s: %w", a.id, req.CaseID, err))
	}
	if !found.done {
		return refuse()
	}
	ar.log.Info("action found done in Care without carebridge's record of it", "action", a.id, "care_case", req.CaseID)
	return ar.report(ctx, a, state.ActionRecord{State: state.ActionSent, CareMessageID: found.id,
		Reason: "carebridge had lost its record of this action; Care shows it was carried out."}, req.Platform, nil)
}

// decide builds the rules scenario of the action from the current Care case
// and conversation and asks the rules engine. Malformed actions are refused
// with CodeInvalidAction or CodeTargetNotFound.
func (ar *actionReconciler) decide(ctx context.Context, a actionView, careID string) (rules.Decision, rules.Platform, error) {
	c, err := ar.care.GetCase(ctx, careID)
	if err != nil {
		return rules.Decision{}, "", fmt.Errorf("read Care case %s for action %s: %w", careID, a.id, err)
	}
	msgs, err := ar.care.Messages(ctx, careID)
	if err != nil {
		return rules.Decision{}, c.Platform, fmt.Errorf("read conversation of Care case %s for action %s: %w", careID, a.id, err)
	}
	invalid := func(format string, args ...any) (rules.Decision, rules.Platform, error) {
		return rules.Decision{Code: CodeInvalidAction, Reason: fmt.Sprintf(format, args...)}, c.Platform, nil
	}
	var target *care.Message
	if a.targetGone {
		return rules.Decision{Code: CodeTargetNotFound, Reason: fmt.Sprintf(
			"The target message %s is not a message of this case's conversation; pick one from its Care Messages.", a.targetRef)}, c.Platform, nil
	}
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
		s := carerules.Scenario(c, msgs, rules.Reply, target, chosen, ar.now())
		s.ReplyMode, s.Text, s.Media = a.mode, a.body, a.media
		return ar.rules.Check(s), c.Platform, nil
	case rules.SetProfile:
		if a.profile == "" {
			return invalid("A set_profile action needs the Care profile id in Profile Id.")
		}
		s := carerules.Scenario(c, msgs, rules.SetProfile, nil, false, ar.now())
		return ar.rules.Check(s), c.Platform, nil
	case rules.Like, rules.Unlike, rules.Delete, rules.Hide, rules.Unhide, rules.Ban, rules.Unban, rules.Follow, rules.Unfollow:
		if target == nil {
			return invalid("A %s action needs the Care message id of its target in Target Message Id.", a.typ)
		}
		// Moderation concerns the target's own author (carerules.Scenario).
		s := carerules.Scenario(c, msgs, a.typ, target, true, ar.now())
		return ar.rules.Check(s), c.Platform, nil
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

// send carries out the frozen request in Care with the action's
// idempotency key, then records and reports the outcome.
func (ar *actionReconciler) send(ctx context.Context, a actionView, req careRequest, durable state.ActionRecord) error {
	key := durable.IdempotencyKey
	if key == "" {
		key = IdempotencyKey(a.id)
	}
	resultID, shown, err := ar.deliver(ctx, req, key)
	var outcome state.ActionOutcome
	switch class := upstream.ClassOf(err); {
	case err == nil:
		outcome = state.ActionOutcome{State: state.ActionSent, CareMessageID: resultID}
	case isKeyConflict(err):
		// Care already answered a first request with this key: what it did
		// is read back, never sent again.
		return ar.settle(ctx, a, req, durable, err)
	case class == upstream.Refused:
		code, reason := CodeSendFailed, "Care refused the action."
		var ue *upstream.Error
		if errors.As(err, &ue) {
			code, reason = ue.Code, ue.Message
		}
		outcome = state.ActionOutcome{State: state.ActionRejected, Code: code, Reason: reason}
	case class == upstream.Permanent:
		outcome = state.ActionOutcome{State: state.ActionFailed, Code: CodeSendFailed,
			Reason: fmt.Sprintf("Care did not accept the action: %s. Check the action's fields and create a new action.", upstreamMessage(err))}
	default:
		return ar.retryOrGiveUp(ctx, a, durable, fmt.Errorf("send action %s to Care case %s: %w", a.id, req.CaseID, err))
	}
	return ar.finish(ctx, a, req, outcome, err, shown)
}

// deliver makes the one Care call of a request. shown is the change of the
// case Care's answer shows (the reply's stamp, the case's after a profile
// change), nil when it shows none.
func (ar *actionReconciler) deliver(ctx context.Context, req careRequest, key string) (string, *careChange, error) {
	switch {
	case req.Type == rules.Reply && req.Reply != nil:
		m, err := ar.care.Reply(ctx, req.CaseID, *req.Reply, key)
		return m.ID, shownChange(req.CaseID, care.PartConversation, m.UpdatedAt), err
	case req.Type == rules.SetProfile:
		c, err := ar.care.SetProfile(ctx, req.CaseID, req.ProfileID, key)
		return req.ProfileID, shownChange(req.CaseID, care.PartCase, c.UpdatedAt), err
	case req.Action != "":
		res, err := ar.care.Act(ctx, req.CaseID, req.MessageID, req.Action, key)
		return res.MessageID, nil, err
	}
	return "", nil, permanentf("action type %q has no Care request", req.Type)
}

// shownChange is the change of a part of a case Care's answer shows as of
// at; nil when the answer carries no stamp.
func shownChange(careID string, part care.EventPart, at time.Time) *careChange {
	if at.IsZero() {
		return nil
	}
	return &careChange{careID: careID, part: part, at: at}
}

// isKeyConflict reports Care's 409: the idempotency key was already used
// for a different request.
func isKeyConflict(err error) bool {
	var ue *upstream.Error
	return errors.As(err, &ue) && ue.System == "care" && ue.Status == http.StatusConflict
}

// settle decides a begun action Care answered 409 for by reading back
// what Care did: the reply in the conversation, the moderation state of the
// target, the case's profile.
func (ar *actionReconciler) settle(ctx context.Context, a actionView, req careRequest, durable state.ActionRecord, conflict error) error {
	since := durable.StartedAt
	if !a.created.IsZero() && a.created.Before(since) {
		since = a.created
	}
	found, err := ar.readBack(ctx, req, since)
	if err != nil {
		return ar.retryOrGiveUp(ctx, a, durable, fmt.Errorf("read back action %s after Care's 409: %w", a.id, err))
	}
	if found.done {
		o := state.ActionOutcome{State: state.ActionSent, CareMessageID: found.id}
		if req.Reply != nil && found.text != req.Reply.Text {
			// Care acted on the request from before an edit.
			o.Reason = "Sent as Care received it first; the later edit of Body was not sent. Create a new action to send it."
		}
		return ar.finish(ctx, a, req, o, nil, nil)
	}
	return ar.finish(ctx, a, req, state.ActionOutcome{State: state.ActionFailed, Code: CodeUnconfirmed,
		Reason: "Care had already received this action once, but carebridge cannot find what it did in the case. Check the conversation in Care before creating a new action."}, conflict, nil)
}

// careEffect is what readBack found of an action in Care.
type careEffect struct {
	done bool
	id   string // the reply, the target message or the profile
	text string // a reply's text as Care has it
}

// readBack looks for the effect of req in Care: the brand's first reply
// posted since the action was created, the target's moderation state, the
// profile.
func (ar *actionReconciler) readBack(ctx context.Context, req careRequest, since time.Time) (careEffect, error) {
	switch {
	case req.Type == rules.Reply && req.Reply != nil:
		msgs, err := ar.care.Messages(ctx, req.CaseID)
		if err != nil {
			return careEffect{}, err
		}
		var found *care.Message
		for i, m := range msgs {
			if m.Direction != care.Outbound || !m.Author.IsBrand || m.PostedAt.Before(since.Add(-time.Minute)) || !replyShaped(m, *req.Reply, msgs) {
				continue
			}
			if found == nil || m.Text == req.Reply.Text && found.Text != req.Reply.Text {
				found = &msgs[i]
			}
		}
		if found == nil {
			return careEffect{}, nil
		}
		return careEffect{done: true, id: found.ID, text: found.Text}, nil
	case req.Type == rules.SetProfile:
		c, err := ar.care.GetCase(ctx, req.CaseID)
		if err != nil {
			return careEffect{}, err
		}
		return careEffect{done: c.ProfileID != nil && *c.ProfileID == req.ProfileID, id: req.ProfileID}, nil
	case req.Action != "":
		msgs, err := ar.care.Messages(ctx, req.CaseID)
		if err != nil {
			return careEffect{}, err
		}
		for _, m := range msgs {
			if m.ID == req.MessageID {
				return careEffect{done: moderated(m, req.Type), id: m.ID}, nil
			}
		}
	}
	return careEffect{}, nil
}

// replyShaped says whether m, a brand message, is what Care posts for the
// reply r: a public reply under its target, a comment on the post, or a
// direct message (for a private reply, one its target is marked with).
func replyShaped(m care.Message, r care.ReplyRequest, msgs []care.Message) bool {
	switch r.Mode {
	case rules.PrivateReply, rules.DirectMessage:
		if m.Kind != rules.DirectMessageKind {
			return false
		}
		if r.Mode == rules.PrivateReply && r.InReplyTo != "" {
			for _, t := range msgs {
				if t.ID == r.InReplyTo {
					return t.PrivateReplySent
				}
			}
			return false
		}
		return true
	case rules.CommentOnPost:
		return m.Kind == rules.Comment
	}
	return r.InReplyTo == "" || m.ParentID != nil && *m.ParentID == r.InReplyTo
}

// moderated says whether m shows the effect of a moderation action; false
// when the message does not tell (bans and follows are the author's).
func moderated(m care.Message, a rules.Action) bool {
	switch a {
	case rules.Like:
		return m.Liked
	case rules.Unlike:
		return !m.Liked
	case rules.Hide:
		return m.Hidden
	case rules.Unhide:
		return !m.Hidden
	case rules.Delete:
		return m.Deleted
	}
	return false
}

// finish records an outcome and reports it; a failure is Terminal for the
// queue, so the action key is dead-lettered for a person to look at.
func (ar *actionReconciler) finish(ctx context.Context, a actionView, req careRequest, o state.ActionOutcome, cause error, shown *careChange) error {
	if o.State == state.ActionSent && o.Reason == "" {
		if edited := req.editedSince(a); edited != "" {
			o.Reason = fmt.Sprintf("Sent as it was when carebridge took it; the later edit of %s was not sent. Create a new action to send it.", edited)
		}
	}
	if req.Type != "" {
		a.typ = req.Type // counted as what Care carried out
	}
	if err := ar.store.CompleteAction(ctx, a.id, o); err != nil {
		return fmt.Errorf("record outcome of action %s: %w", a.id, err)
	}
	if err := ar.report(ctx, a, recordOf(o), req.Platform, shown); err != nil {
		return err
	}
	if o.State == state.ActionFailed {
		return queue.Terminal(fmt.Errorf("action %s failed: %w", a.id, cause))
	}
	return nil
}

func recordOf(o state.ActionOutcome) state.ActionRecord {
	return state.ActionRecord{State: o.State, CareMessageID: o.CareMessageID, Code: o.Code, Reason: o.Reason}
}

// retryOrGiveUp returns a retryable error for the queue's backoff, or ends
// the action as Failed once it has been retried for ActionGiveUp.
func (ar *actionReconciler) retryOrGiveUp(ctx context.Context, a actionView, durable state.ActionRecord, err error) error {
	if upstream.ClassOf(err) == upstream.Permanent {
		return ar.fail(ctx, a, durable, fmt.Sprintf("carebridge could not process the action: %s. Create a new action to try again.", upstreamMessage(err)), CodeSendFailed, err)
	}
	from := durable.StartedAt
	if from.IsZero() {
		from = a.created
		if from.Before(ar.started) {
			from = ar.started
		}
	}
	if ar.now().Sub(from) < ar.giveUp {
		ar.m.actions.WithLabelValues(string(a.typ), resultRetry).Inc()
		return err
	}
	return ar.fail(ctx, a, durable, fmt.Sprintf("%s could not be reached for %s (%s); create a new action to try again.", systemOf(err), ar.giveUp, upstreamMessage(err)), CodeRetriesExhausted, err)
}

// fail ends an action as Failed (in the durable record too, when it was
// begun) and makes its key a dead letter.
func (ar *actionReconciler) fail(ctx context.Context, a actionView, durable state.ActionRecord, reason, code string, cause error) error {
	o := state.ActionOutcome{State: state.ActionFailed, Code: code, Reason: reason}
	if durable.State != "" {
		if err := ar.store.CompleteAction(ctx, a.id, o); err != nil {
			return fmt.Errorf("record failure of action %s: %w", a.id, err)
		}
	}
	if err := ar.report(ctx, a, recordOf(o), "", nil); err != nil {
		return err
	}
	return queue.Terminal(fmt.Errorf("action %s failed: %w", a.id, cause))
}

// refuse writes a rejection back; nothing was sent, so no durable record is
// needed (a repeat decides the same way).
func (ar *actionReconciler) refuse(ctx context.Context, a actionView, platform rules.Platform, d rules.Decision) error {
	return ar.report(ctx, a, state.ActionRecord{State: state.ActionRejected, Code: d.Code, Reason: d.Reason}, platform, nil)
}

// report writes an outcome onto the Care_Action__c record and counts it. A
// sent action's case is reconciled next (the conversation, the status and
// the reply options follow), unless a reconcile already read the change
// Care's answer showed (shown, when known: a webhook for it came first).
// platform labels the rejection metric ("" when not known).
func (ar *actionReconciler) report(ctx context.Context, a actionView, o state.ActionRecord, platform rules.Platform, shown *careChange) error {
	w := Record{"Id": a.id, actionProcessedAt: formatSFTime(ar.now())}
	maps.Copy(w, a.fill)
	switch o.State {
	case state.ActionSent:
		w[actionStatus], w[actionResult], w[actionCode], w[actionReason] = StatusSent, nilIfEmpty(o.CareMessageID), nil, nilIfEmpty(o.Reason)
	case state.ActionRejected:
		w[actionStatus], w[actionCode], w[actionReason] = StatusRejected, nilIfEmpty(o.Code), nilIfEmpty(o.Reason)
	default:
		w[actionStatus], w[actionCode], w[actionReason] = StatusFailed, nilIfEmpty(o.Code), nilIfEmpty(o.Reason)
	}
	if err := ar.writeAction(ctx, w); err != nil {
		return fmt.Errorf("write result %s of action %s: %w", o.State, a.id, err)
	}
	ar.countOutcome(a, o, platform)
	// A rejection has no durable record: nothing was sent. A failure to
	// mark it costs nothing but the flag (the record in Salesforce is final).
	if err := ar.store.MarkActionReported(ctx, a.id); err != nil && !errors.Is(err, state.ErrNoAction) {
		ar.log.Warn("marking action reported failed", "action", a.id, "err", err)
	}
	if o.State != state.ActionSent || a.caseSFID == "" {
		return nil
	}
	careID, ok, err := ar.store.CareCase(ctx, a.caseSFID)
	if err != nil || !ok {
		ar.log.Warn("case of a sent action not found; the poll catches up", "action", a.id, "case", a.caseSFID, "err", err)
		return nil
	}
	if shown == nil {
		shown = &careChange{}
	}
	if err := enqueueAfterAction(ctx, ar.queue, careID, *shown); err != nil {
		ar.log.Warn("enqueue case after action failed; the poll catches up", "action", a.id, "err", err)
	}
	return nil
}

// countOutcome counts and logs a reported outcome.
func (ar *actionReconciler) countOutcome(a actionView, o state.ActionRecord, platform rules.Platform) {
	result := map[state.ActionState]string{state.ActionSent: resultSent, state.ActionRejected: resultRejected}[o.State]
	if result == "" {
		result = resultFailed
	}
	ar.m.actions.WithLabelValues(string(a.typ), result).Inc()
	if !a.created.IsZero() {
		ar.m.actionLatency.WithLabelValues(result).Observe(max(ar.now().Sub(a.created).Seconds(), 0))
	}
	log := ar.log.With("action", a.id, "type", a.typ, "result", result)
	switch o.State {
	case state.ActionRejected:
		if platform == "" {
			platform = "unknown"
		}
		ar.m.rejected.WithLabelValues(string(platform), string(a.typ), o.Code).Inc()
		log.Info("action rejected", "code", o.Code)
	case state.ActionSent:
		log.Info("action sent", "care_result", o.CareMessageID)
	default:
		log.Warn("action failed", "code", o.Code, "reason", o.Reason)
	}
}

func (ar *actionReconciler) writeAction(ctx context.Context, w Record) error {
	res, err := ar.updActions.Do(ctx, w)
	if err == nil {
		err = res.Err
	}
	return err
}

// systemOf names the system whose call failed, for an agent.
func systemOf(err error) string {
	var ue *upstream.Error
	if errors.As(err, &ue) && ue.System == "salesforce" {
		return "Salesforce"
	}
	return "Care"
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

// resolveTarget reads the target from whichever of Target_Message_Id__c (the
// Care message id; what is sent) and Target_Message__c (the lookup the
// console fills) the agent set, the id first, and has the first write back
// fill the other field. The mirror maps one to the other without a
// Salesforce call; a lookup the mirror does not know is read from
// Salesforce.
func (ar *actionReconciler) resolveTarget(ctx context.Context, a actionView) (actionView, error) {
	if a.targetRef == "" && a.target == "" || a.targetRef != "" && a.target != "" {
		return a, nil
	}
	careID, err := ar.careCaseOf(ctx, a)
	if errors.Is(err, errCaseNotSynced) {
		return a, nil // refused as such by check
	}
	if err != nil {
		return a, err
	}
	mirror, err := ar.store.MessageMirror(ctx, careID)
	if err != nil {
		return a, fmt.Errorf("read message mirror of Care case %s for action %s: %w", careID, a.id, err)
	}
	if a.targetRef == "" {
		if m, ok := mirror[a.target]; ok && m.SalesforceID != "" {
			a.fill = Record{actionTargetRef: m.SalesforceID}
		}
		return a, nil
	}
	for id, m := range mirror {
		if m.SalesforceID == a.targetRef {
			a.target = id
		}
	}
	if a.target == "" {
		recs, err := ar.sf.Query(ctx, soql.Select("Id", MessageIDField, MessageCaseFld).From(MessageObject).Where(soql.Eq("Id", a.targetRef)))
		if err != nil {
			return a, fmt.Errorf("read target message %s of action %s: %w", a.targetRef, a.id, err)
		}
		if len(recs) > 0 && str(recs[0][MessageCaseFld]) == a.caseSFID {
			a.target = str(recs[0][MessageIDField])
		}
	}
	if a.target == "" {
		a.targetGone = true
		return a, nil
	}
	a.fill = Record{actionTarget: a.target}
	return a, nil
}
