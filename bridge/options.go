package bridge

import (
	"context"
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
)

// replyOptionFields computes the reply options for the latest customer
// message and returns the Case fields to write: only those whose value
// differs from what the Case holds, so an unchanged case writes nothing.
func (e *Engine) replyOptionFields(ctx context.Context, c care.Case, msgs []care.Message, rec Record) Record {
	var opts rules.Options
	if target := carerules.LatestCustomerMessage(msgs); target != nil && c.Status != rules.Deleted {
		s := carerules.Scenario(c, msgs, rules.Reply, target, false, e.now())
		opts = e.rules.ReplyOptions(s)
	}
	modes := make([]string, 0, len(opts.Modes))
	for _, m := range opts.Modes {
		modes = append(modes, string(m))
	}
	out := Record{}
	if want := e.fitValue(ctx, "Case", AllowedModesField, strings.Join(modes, ";")); str(rec[AllowedModesField]) != want {
		out[AllowedModesField] = nilIfEmpty(want)
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
