package bridge

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"strings"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

// A reconcile reads and writes only what changed since the case was last
// synced. It keeps, in the case's sync hash (state.CaseState.Sync), stamps
// of what it synced: the Care case's updated_at as it left it, the
// conversation's and the notes' stamps of Care it mirrored, the hints of
// Salesforce's notes it consumed, and what the reply options depend on.
// The next reconcile of the case compares them with what Care says now and
// what the triggers counted: a case in step on both sides costs one read of
// each side and nothing else (the echo of carebridge's own write, a poll
// listing a case a webhook already brought); otherwise only the changed
// parts are read.
const (
	stampCare         = "care"
	stampConversation = "conversation"
	stampNotes        = "notes"
	stampSFNotes      = "sf_notes"
	stampOptions      = "options"
	stampOptionsUntil = "options_until"
	stampClosed       = "closed"
)

// closedStamp is the closed stamp of a case closed on both sides or not.
func closedStamp(closed bool) string {
	if closed {
		return "1"
	}
	return "0"
}

// hintSFNotes is the hint the Salesforce notes poll counts for a case whose
// notes changed in Salesforce (Case comments have no stamp on the Case).
const hintSFNotes = "sf_notes"

// stampOf is a Care time as a stamp ("none" for no time yet).
func stampOf(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "none"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// hintOf is the value of a trigger's hint ("0" before the first).
func hintOf(sync map[string]string, hint string) string {
	if v := sync[state.HintPrefix+hint]; v != "" {
		return v
	}
	return "0"
}

// optionsKey is what the reply options and the messages' allowed actions
// depend on besides the conversation and the clock (the facts of the case
// carerules.Scenario gives the rules): when it changes, the conversation
// is read again to show them as they are. Only the facts count, not the
// values behind them: who the assignee is, which profile, or whether an
// open case went pending or done changes no option, so a reassignment or a
// closing costs no read of the conversation.
func optionsKey(c care.Case) string {
	flag := func(b bool) string {
		if b {
			return "1"
		}
		return "0"
	}
	status := string(c.Status)
	switch c.Status {
	case rules.Open, rules.Pending, rules.Done:
		status = "live" // the rules treat them alike; a deleted or unknown status differs
	}
	return strings.Join([]string{string(c.Platform), status, flag(c.ProfileID != nil), flag(c.AssigneeID != nil),
		flag(c.Customer.IsPage), flag(c.Customer.FollowsBrand), flag(c.Customer.MentionedBrand),
		stampOf(c.LastCustomerMessageAt), c.Customer.ID}, "|")
}

// optionsStamp is what the options stamp keeps of a case: a hash of its
// optionsKey and of what the mirror keeps of deleted content (the
// mapping's conversation section), so that a change of either reads the
// conversation again. A hash, not the values: they hold the customer's id,
// and the store keeps no identifier of a customer.
func optionsStamp(c care.Case, keepBrandDeleted bool) string {
	keep := "remove"
	if keepBrandDeleted {
		keep = "keep"
	}
	sum := sha256.Sum256([]byte(optionsKey(c) + "|brand_deleted=" + keep))
	return hex.EncodeToString(sum[:16])
}

// optionsDue reports whether the reply options change by the clock (a
// reply window closes) at or before now, going by the stored stamp.
func optionsDue(sync map[string]string, now time.Time) (due bool, until time.Time) {
	v := sync[stampOptionsUntil]
	if v == "" {
		return false, time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return true, time.Time{}
	}
	return !now.Before(t), t
}

// reads says which parts of a case a reconcile reads.
type reads struct {
	conversation bool // Care's messages, and the mirror is brought up to date
	notes        bool // the notes of both sides
}

// readsFor decides what a reconcile of c reads, given its stored state
// (created: a Case is about to be created, so everything is read).
// options is the case's optionsStamp now.
func readsFor(c care.Case, st state.CaseState, created bool, now time.Time, options string) reads {
	if created {
		// A new Case has no notes yet: only Care's, if it has any.
		return reads{conversation: true, notes: c.NotesUpdatedAt != nil}
	}
	if !st.HasBase {
		return reads{conversation: true, notes: true}
	}
	due, _ := optionsDue(st.Sync, now)
	return reads{
		conversation: due || st.Sync[stampConversation] != stampOf(c.ConversationUpdatedAt) || st.Sync[stampOptions] != options,
		notes: st.Sync[stampNotes] != stampOf(c.NotesUpdatedAt) ||
			st.Sync[stampSFNotes] != hintOf(st.Sync, hintSFNotes),
	}
}

// inStepWith reports whether a reconcile of a linked case has nothing to
// do: Care's case is as the last reconcile left it (its conversation and
// notes included), no trigger counted a change of its Salesforce notes, no
// reply window closed since, what its options and mirror depend on did not
// change (the mapping's conversation section included), and the merge of
// the two sides as read (p, under the mapping and identities of now)
// writes nothing, decides no
// conflict, holds nothing back, leaves the base and the Case's sync fields
// as they are and the case as closed or open as it was. Then the reconcile
// only waits for the next reply window (until).
func inStepWith(m Mapper, c care.Case, rec Record, st state.CaseState, p casePlan, now time.Time) (ok bool, until time.Time) {
	switch {
	case !st.HasBase, len(st.Pending) > 0,
		st.Sync[stampCare] != stampOf(&c.UpdatedAt),
		p.plan.HasWrites(), len(p.plan.Conflicts) > 0, p.blocked != "", p.refused != "",
		!maps.Equal(withSeen(p.plan, p.sfVals, p.policies, p.held), st.Base.Fields),
		len(caseWrite(m, rec, p.plan, "")) > 0,
		st.Sync[stampClosed] != closedStamp(closedOnBothSides(p.cf, c, rec, p.plan, p.blocked)):
		return false, time.Time{}
	}
	// Nothing to read either: no Salesforce notes counted, no options or
	// reply window changed, the conversation and notes as last read (Care's
	// updated_at may be the answer to the bridge's own write, which shows a
	// message or note written after the read too).
	if need := readsFor(c, st, false, now, optionsStamp(c, keepsBrandDeleted(m))); need.conversation || need.notes {
		return false, time.Time{}
	}
	_, until = optionsDue(st.Sync, now)
	return true, until
}

// saveStamps stores what a reconcile synced; the saves of reconciles
// running together share one round trip. A failure costs the next
// reconcile a full read, nothing else: it is logged, not returned.
func (cr *caseReconciler) saveStamps(ctx context.Context, careID string, stamps map[string]string) {
	errs, err := cr.stamps.Do(ctx, state.StampSave{CareID: careID, Stamps: stamps})
	if err == nil {
		err = errs
	}
	if err != nil {
		cr.log.Warn("storing the sync stamps failed; the next reconcile of the case reads it all", "care_case", careID, "err", err)
	}
}
