package bridge

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/carerules"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

// Case fields that tell the agent what can be done now.
const (
	AllowedModesField         = "Care_Allowed_Reply_Modes__c"
	PrivateReplyDeadlineField = "Care_Private_Reply_Deadline__c"
	DMDeadlineField           = "Care_DM_Deadline__c"
	ReplyLimitsField          = "Care_Reply_Limits__c"
)

// Care_Message__c fields that tell the agent what can be done now with one
// message.
const (
	MessageActionsField = "Allowed_Actions__c"
	MessageModesField   = "Allowed_Reply_Modes__c"
)

// nextChange is the earliest moment after now when what an agent may do
// changes by the clock alone (a reply window closes); zero when none is
// known. The case is reconciled again then, so the options on the Case and
// on its messages never outlive their deadline.
type nextChange struct {
	now, at time.Time
}

func (n *nextChange) add(t *time.Time) {
	if t == nil || !t.After(n.now) {
		return
	}
	if n.at.IsZero() || t.Before(n.at) {
		n.at = *t
	}
}

// replyOptionFields computes the reply options for the latest customer
// message and returns the Case fields to write: only those whose value
// differs from what the Case holds, so an unchanged case writes nothing.
func (cr *caseReconciler) replyOptionFields(ctx context.Context, c care.Case, msgs []care.Message, rec Record, next *nextChange) Record {
	var opts rules.Options
	if target := carerules.LatestCustomerMessage(msgs); target != nil && c.Status != rules.Deleted {
		s := carerules.Scenario(c, msgs, rules.Reply, target, false, next.now)
		opts = cr.rules.ReplyOptions(s)
	}
	next.add(opts.PrivateReplyDeadline)
	next.add(opts.DMDeadline)
	out := Record{}
	for field, want := range map[string]string{
		AllowedModesField: joinModes(opts.Modes),
		ReplyLimitsField:  cr.replyLimits(c.Platform, opts.Modes),
	} {
		if want = cr.fit.value(ctx, "Case", field, want); str(rec[field]) != want {
			out[field] = nilIfEmpty(want)
		}
	}
	for field, want := range map[string]*time.Time{PrivateReplyDeadlineField: opts.PrivateReplyDeadline, DMDeadlineField: opts.DMDeadline} {
		have := parseTime(rec[field])
		switch {
		case want == nil && !have.IsZero():
			out[field] = nil
		case want != nil && !want.UTC().Truncate(time.Second).Equal(have):
			out[field] = formatSFTime(*want)
		}
	}
	return out
}

// replyLimits is the Care_Reply_Limits__c value: mode:max:unit for each
// mode with a text limit on platform p, semicolon separated.
func (cr *caseReconciler) replyLimits(p rules.Platform, modes []rules.ReplyMode) string {
	var parts []string
	for _, m := range modes {
		if l, ok := cr.rules.TextLimit(p, m); ok {
			parts = append(parts, fmt.Sprintf("%s:%d:%s", m, l.Max, l.Unit))
		}
	}
	return strings.Join(parts, ";")
}

// messageOptionFields is what an agent may do now with message m, as the
// Care_Message__c fields that say it.
func (cr *caseReconciler) messageOptionFields(c care.Case, msgs []care.Message, m *care.Message, next *nextChange) Record {
	opts := carerules.MessageOptions(cr.rules, c, msgs, m, next.now)
	next.add(opts.PrivateReplyDeadline)
	next.add(opts.DMDeadline)
	actions := make([]string, 0, len(opts.Actions))
	for _, a := range opts.Actions {
		actions = append(actions, string(a))
	}
	return Record{MessageActionsField: nilIfEmpty(strings.Join(actions, ";")), MessageModesField: nilIfEmpty(joinModes(opts.Modes))}
}

func joinModes(modes []rules.ReplyMode) string {
	out := make([]string, 0, len(modes))
	for _, m := range modes {
		out = append(out, string(m))
	}
	return strings.Join(out, ";")
}
