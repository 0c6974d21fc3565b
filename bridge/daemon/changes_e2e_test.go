package daemon_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/daemon"
	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/internal/testkit"
)

// channelTopic is the change channel the shipped metadata defines and the
// daemon follows by default.
const channelTopic = "/data/Carebridge__chn"

// TestSalesforceChangesArePushed: with changes: pubsub (the default) and the
// Salesforce poll an hour away, an agent's edit of a Case reaches Care and a new
// action is sent, both carried by change events; carebridge's own writes
// come back as echoes and cost nothing; a reset stream resumes without
// losing the next change.
func TestSalesforceChangesArePushed(t *testing.T) {
	t.Parallel()
	w := &actionWorld{startWorld(t, func(c *config.Config) {
		c.Schedule.PollSalesforce = "@every 1h"
	})}

	streaming := func(what string) {
		t.Helper()
		testkit.Eventually(t, 20*time.Second, what, func() (bool, string) {
			v := w.seriesValues(t, "carebridge_salesforce_change_stream_up", nil)
			return len(v) == 1 && v[0] == 1, fmt.Sprint(v)
		})
	}
	streaming("the change stream up")
	w.escalate(t, "push_1", strPtr("agent_ana"))
	testkit.Eventually(t, 20*time.Second, "the Salesforce Case", func() (bool, string) { return w.sfCase("push_1") != nil, "" })
	sfID := w.sfCase("push_1")["Id"].(string)
	testkit.Eventually(t, 20*time.Second, "carebridge's own Case writes seen as echoes", func() (bool, string) {
		n := w.metric(t, "carebridge_salesforce_echoes_skipped_total", map[string]string{"object": "Case"})
		return n > 0, fmt.Sprint(n)
	})

	// Salesforce -> Care by the stream alone: reassigning the Case.
	if err := w.sf.Update("Case", sfID, map[string]any{"OwnerId": w.users["ben@example.com"]}); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "Care assignee Ben", func() (bool, string) {
		c, _ := w.care.Case("push_1")
		return c.AssigneeID != nil && *c.AssigneeID == "agent_ben", fmt.Sprint(c.AssigneeID)
	})
	// An agent's reply is picked up by its change event.
	id := w.act(t, sfID, map[string]any{"Type__c": "reply", "Reply_Mode__c": "comment_on_post", "Body__c": "On it!"})
	if rec := w.finished(t, id); rec["Status__c"] != "Sent" {
		t.Fatalf("action %v: %v", rec["Status__c"], rec["Status_Reason__c"])
	}

	// The stream breaks; the subscription resumes after the last handled
	// replay id and the next change still arrives.
	starts := w.metricSum(t, "carebridge_salesforce_change_stream_starts_total", nil)
	if n := w.sf.ResetStreams(); n == 0 {
		t.Fatal("no open stream to reset")
	}
	testkit.Eventually(t, 20*time.Second, "the stream reconnected", func() (bool, string) {
		n := w.metricSum(t, "carebridge_salesforce_change_stream_starts_total", nil)
		return n >= starts+1, fmt.Sprint(n)
	})
	streaming("the change stream back")
	if err := w.sf.Update("Case", sfID, map[string]any{"Status": "Closed"}); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "Care done", func() (bool, string) {
		c, _ := w.care.Case("push_1")
		return c.Status == rules.Done, string(c.Status)
	})
	if n := w.metricSum(t, "carebridge_salesforce_change_events_total", nil); n == 0 {
		t.Error("no change event counted")
	}
	if at := w.metric(t, "carebridge_salesforce_change_last_event_timestamp_seconds", map[string]string{"topic": channelTopic}); at < float64(time.Now().Add(-time.Minute).Unix()) {
		t.Errorf("last Case change event at %v, want within the last minute", at)
	}
	if v := w.metric(t, "carebridge_job_runs_total", map[string]string{"task": "poll_salesforce"}); v != 0 {
		t.Errorf("the Salesforce poll ran %v times; the changes were to come by the stream alone", v)
	}
}

// restart stops the world's daemon and starts a new one on the same Redis
// and sandboxes, as a new leader after a deploy or a crash.
func (w *world) restart(t *testing.T) {
	t.Helper()
	w.stop()
	d, err := daemon.New(w.cfg, logger(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.d, w.cancel, w.done = d, cancel, make(chan error, 1)
	go func() { w.done <- d.Run(ctx) }()
}

// TestNewLeaderResumesFromTheStoredReplayID: changes made while no replica
// runs arrive when the next leader starts, from the replay id the last one
// stored, without a poll; when that replay id is older than Salesforce keeps
// events, the new leader starts from now and its catch-up poll brings them.
func TestNewLeaderResumesFromTheStoredReplayID(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		expired bool
	}{{"replay id kept", false}, {"replay id past retention", true}} {
		t.Run(tt.name, func(t *testing.T) {
			w := &actionWorld{startWorld(t, func(c *config.Config) {
				c.Schedule.PollSalesforce, c.Schedule.Sweep = "@every 24h", "@every 24h"
			})}
			w.escalate(t, "resume_1", strPtr("agent_ana"))
			testkit.Eventually(t, 20*time.Second, "the Salesforce Case", func() (bool, string) { return w.sfCase("resume_1") != nil, "" })
			cursors := state.New(w.redis.Client(t), w.cfg.Redis.Prefix)
			testkit.Eventually(t, 20*time.Second, "the channel's replay id stored", func() (bool, string) {
				v, ok, err := cursors.Cursor(context.Background(), "pubsub:"+channelTopic)
				return ok && v != "", fmt.Sprint(v, err)
			})
			w.quiet(t)
			w.stop()

			// While no replica runs, an agent reassigns the Case.
			if err := w.sf.Update("Case", w.sfCase("resume_1")["Id"].(string), map[string]any{"OwnerId": w.users["ben@example.com"]}); err != nil {
				t.Fatal(err)
			}
			if tt.expired {
				w.sf.ExpireEvents()
			}
			w.restart(t)
			testkit.Eventually(t, 20*time.Second, "Care assignee Ben", func() (bool, string) {
				c, _ := w.care.Case("resume_1")
				return c.AssigneeID != nil && *c.AssigneeID == "agent_ben", fmt.Sprint(c.AssigneeID)
			})
			if v := w.metric(t, "carebridge_job_runs_total", map[string]string{"task": "poll_salesforce"}); v != 0 {
				t.Errorf("the scheduled Salesforce poll ran %v times; the change was to come by the stream or its catch-up", v)
			}
			// Kept: the channel replayed from its stored id, no catch-up.
			// Expired: it started from now and caught up once.
			want := 0.0
			if tt.expired {
				want = 1
			}
			topic := map[string]string{"topic": channelTopic}
			if got := w.metric(t, "carebridge_salesforce_change_catchups_total", topic); got != want {
				t.Errorf("%v catch-up polls for the channel by the new leader, want %v", got, want)
			}
		})
	}
}
