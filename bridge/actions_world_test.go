package bridge

// The world of the action pipeline's unit tests (actions_unit_test.go): the
// unit-test world (world_test.go) with two linked cases whose conversations
// the tests act on, and helpers that read what the agent sees on a
// Care_Action__c, what Care did, the durable record and the metrics.

import (
	"context"
	"maps"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/bridge/state/memstate"
	"github.com/carebridge/carebridge/bridge/work"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

// The Care profiles of the action world.
const (
	fbProfile      = "prof_fb"  // c1's profile
	fbOtherProfile = "prof_fb2" // a set_profile target
	fbThirdProfile = "prof_fb3" // another one
	twProfile      = "prof_tw"  // t1's profile
)

// unsyncedCase names, as an action's case, a Salesforce Case that did not
// come from Care (no Care_Case_Id__c, no link).
const unsyncedCase = "(a Case not from Care)"

// theReply stands, in an expected Care_Result_Id__c, for the id of the one
// reply Care posted in the case since the action was created.
const theReply = "(the reply Care posted)"

// actionWorld is the unit-test world with two linked cases:
//
//   - c1 on Facebook, assigned to Ana, profile prof_fb, not interacted: the
//     brand's post p1 (3h ago) with two comments, m2 by Joe (2h ago, liked
//     and hidden) and m1 by the customer Maria (u_c1, 1h ago).
//   - t1 on Twitter, assigned, profile prof_tw: the brand's tweet tp1 and the
//     customer's (u_t1) comment tm1 (1h ago).
type actionWorld struct {
	*testWorld
	// opts are the engine's options; restart builds a new engine from them.
	opts Options
	// cases are the linked cases: Care id -> Salesforce Case id.
	cases map[string]string
	// seen are the Care message ids that existed when the last action was
	// created (newMessages is what came after).
	seen map[string]bool
}

func newActionWorld(t *testing.T, tweaks ...func(*Options)) *actionWorld {
	t.Helper()
	aw := &actionWorld{cases: map[string]string{}}
	aw.testWorld = newTestWorld(t, append(tweaks, func(o *Options) { aw.opts = *o })...)
	for _, p := range []care.Profile{
		{ID: fbProfile, Platform: rules.Facebook, Name: "Brand", Handle: "brand"},
		{ID: fbOtherProfile, Platform: rules.Facebook, Name: "Brand Support", Handle: "brandsupport"},
		{ID: fbThirdProfile, Platform: rules.Facebook, Name: "Brand Sales", Handle: "brandsales"},
		{ID: twProfile, Platform: rules.Twitter, Name: "Brand", Handle: "brand"},
	} {
		aw.care.addProfile(p)
	}
	brand := care.Author{ID: "brand", Handle: "brand", Name: "Brand", IsBrand: true}
	aw.addCase("c1", rules.Facebook, fbProfile,
		care.Message{ID: "p1", Kind: rules.Post, Direction: care.Outbound, Author: brand, Text: "Our new phone is out", PostedAt: aw.ago(3 * time.Hour)},
		care.Message{ID: "m2", Kind: rules.Comment, ParentID: strp("p1"), Depth: 1, Author: care.Author{ID: "u_joe", Handle: "joe", Name: "Joe"},
			Text: "Buy followers here", PostedAt: aw.ago(2 * time.Hour), Liked: true, Hidden: true},
		care.Message{ID: "m1", Kind: rules.Comment, ParentID: strp("p1"), Depth: 1, Author: care.Author{ID: "u_c1", Handle: "maria", Name: "Maria"},
			Text: "Mine arrived broken", PostedAt: aw.ago(time.Hour)})
	aw.addCase("t1", rules.Twitter, twProfile,
		care.Message{ID: "tp1", Kind: rules.Post, Direction: care.Outbound, Author: brand, Text: "Our new phone is out", PostedAt: aw.ago(3 * time.Hour)},
		care.Message{ID: "tm1", Kind: rules.Comment, ParentID: strp("tp1"), Depth: 1, Author: care.Author{ID: "u_t1", Handle: "tom", Name: "Tom"},
			Text: "Mine too", PostedAt: aw.ago(time.Hour)})
	return aw
}

// ago is the clock's time d ago.
func (aw *actionWorld) ago(d time.Duration) time.Time { return aw.clock.Now().Add(-d) }

// addCase escalates a case assigned to Ana with profile ("": none) and
// its conversation, reconciles it so that it is linked, and forgets the
// calls and keys that took.
func (aw *actionWorld) addCase(id string, platform rules.Platform, profile string, msgs ...care.Message) {
	aw.t.Helper()
	aw.escalate(id, platform, strp("agent_ana"), msgs...)
	if profile != "" {
		aw.care.editCase(id, func(c *care.Case) { c.ProfileID = strp(profile) })
	}
	aw.mustReconcile(id)
	r := aw.sfCase(id)
	if r == nil {
		aw.t.Fatalf("case %s has no Salesforce Case", id)
	}
	aw.cases[id] = r["Id"].(string)
	aw.queue.take()
	aw.care.resetCalls()
	aw.sf.resetCalls()
}

// act creates a Care_Action__c as an agent does, on the Salesforce Case of
// Care case on ("": c1; unsyncedCase: a Case that did not come from Care),
// and returns its id.
func (aw *actionWorld) act(on string, fields Record) string {
	aw.t.Helper()
	rec := maps.Clone(fields)
	switch on {
	case "":
		rec[actionCase] = aw.cases["c1"]
	case unsyncedCase:
		rec[actionCase] = aw.sf.insert("Case", Record{"Subject": "A phone call", "Status": "New"})
	default:
		sfID, ok := aw.cases[on]
		if !ok {
			aw.t.Fatalf("no linked case %s", on)
		}
		rec[actionCase] = sfID
	}
	id := aw.sf.insert(ActionObject, rec)
	aw.seen = map[string]bool{}
	for careID := range aw.cases {
		for _, m := range aw.care.conversation(careID) {
			aw.seen[m.ID] = true
		}
	}
	return id
}

// run runs the action's key as the queue does.
func (aw *actionWorld) run(id string) (queue.Result, error) {
	return aw.engine.Reconcile(aw.ctx, work.ForAction(id))
}

// mustRun runs the action's key and fails the test unless the queue is
// told the key is done.
func (aw *actionWorld) mustRun(id string) {
	aw.t.Helper()
	if res, err := aw.run(id); err != nil || res != (queue.Result{}) {
		aw.t.Fatalf("Reconcile(action) = %+v, %v; want done", res, err)
	}
}

// restart replaces the engine by a new one on the same Care, Salesforce,
// store and metrics, as a crash and restart of the daemon does: the engine
// keeps nothing of an action in memory.
func (aw *actionWorld) restart() {
	aw.t.Helper()
	e, err := New(aw.opts)
	if err != nil {
		aw.t.Fatal(err)
	}
	aw.t.Cleanup(func() {
		if err := e.Shutdown(context.Background()); err != nil {
			aw.t.Errorf("engine shutdown: %v", err)
		}
	})
	aw.engine = e
}

// loseActionRecords is Redis losing the durable records of actions (a
// failover to a replica behind, a restore): a new store that keeps only the
// case links, and an engine restarted on it.
func (aw *actionWorld) loseActionRecords() {
	aw.t.Helper()
	fresh := memstate.New(memstate.WithClock(aw.clock.Now))
	for careID, sfID := range aw.cases {
		if err := fresh.LinkCase(aw.ctx, careID, sfID); err != nil {
			aw.t.Fatal(err)
		}
	}
	aw.store, aw.opts.Store = fresh, fresh
	aw.restart()
}

// whenCareActs runs do once, just before Care carries out the first write
// (a reply, a moderation action, a profile change) that reaches it: a fault
// injected there fails what the engine does after Care acted, such as the
// write-back of the outcome.
func (aw *actionWorld) whenCareActs(do func()) {
	done := false // guarded by the fake's mutex, which holds while the hook runs
	aw.care.failWith(func(op, _ string) error {
		switch op {
		case caresim.OpPostReply, caresim.OpMessageAction, caresim.OpSetProfile:
			if !done {
				done = true
				do()
			}
		}
		return nil
	})
}

// record is the action as Salesforce holds it.
func (aw *actionWorld) record(id string) Record {
	aw.t.Helper()
	r, ok := aw.sf.record(ActionObject, id)
	if !ok {
		aw.t.Fatalf("no action %s", id)
	}
	return r
}

// durable is the durable record of the action.
func (aw *actionWorld) durable(id string) (state.ActionRecord, bool) {
	aw.t.Helper()
	rec, ok, err := aw.store.Action(aw.ctx, id)
	if err != nil {
		aw.t.Fatal(err)
	}
	return rec, ok
}

// agentSees is what an agent reads on a Care_Action__c: Status__c,
// Status_Code__c, Care_Result_Id__c, and a phrase of Status_Reason__c ("":
// no reason at all).
type agentSees struct {
	status, code, result, reason string
}

// sees checks what the agent sees on the action, and that Processed_At__c
// is the time of the run that finished it (absent while it is not).
func (aw *actionWorld) sees(t *testing.T, id string, want agentSees) {
	t.Helper()
	r := aw.record(id)
	if want.result == theReply {
		want.result = aw.posted(t)
	}
	got := agentSees{status: str(r[actionStatus]), code: str(r[actionCode]), result: str(r[actionResult]), reason: str(r[actionReason])}
	if got.status != want.status || got.code != want.code || got.result != want.result {
		t.Errorf("the agent sees Status %q, Code %q, Result %q (reason %q); want %q, %q, %q",
			got.status, got.code, got.result, got.reason, want.status, want.code, want.result)
	}
	switch {
	case want.reason == "" && got.reason != "":
		t.Errorf("Status_Reason__c = %q; want none", got.reason)
	case !strings.Contains(got.reason, want.reason):
		t.Errorf("Status_Reason__c = %q; want it to say %q", got.reason, want.reason)
	}
	switch want.status {
	case StatusSent, StatusRejected, StatusFailed:
		if at := formatSFTime(aw.clock.Now()); r[actionProcessedAt] != at {
			t.Errorf("Processed_At__c = %v; want %v", r[actionProcessedAt], at)
		}
	default:
		if r[actionProcessedAt] != nil {
			t.Errorf("Processed_At__c = %v on an action not finished", r[actionProcessedAt])
		}
	}
}

// newMessages are the messages of a case's conversation that came after
// the last action was created.
func (aw *actionWorld) newMessages(careID string) []care.Message {
	var out []care.Message
	for _, m := range aw.care.conversation(careID) {
		if !aw.seen[m.ID] {
			out = append(out, m)
		}
	}
	return out
}

// posted is the id of the one message Care posted (in any case) since the
// last action was created.
func (aw *actionWorld) posted(t *testing.T) string {
	t.Helper()
	var ids []string
	for careID := range aw.cases {
		for _, m := range aw.newMessages(careID) {
			ids = append(ids, m.ID)
		}
	}
	if len(ids) != 1 {
		t.Fatalf("Care posted %v since the action was created; want one reply", ids)
	}
	return ids[0]
}

// message is a message as Care holds it now.
func (aw *actionWorld) message(t *testing.T, careID, id string) care.Message {
	t.Helper()
	for _, m := range aw.care.conversation(careID) {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("case %s has no message %s", careID, id)
	return care.Message{}
}

// careWrites are the write calls Care received (replays, refusals and
// failures included), oldest first.
func (aw *actionWorld) careWrites() []careCall {
	var out []careCall
	for _, c := range aw.care.calls() {
		if c.Request != nil {
			out = append(out, c)
		}
	}
	return out
}

// statuses are the Status__c values the engine wrote onto the action and
// Salesforce took, in order.
func (aw *actionWorld) statuses(id string) []string {
	var out []string
	for _, c := range aw.sf.calls() {
		if c.Op != sfUpdate || c.Object != ActionObject {
			continue
		}
		for i, r := range c.Records {
			if r["Id"] == id && r[actionStatus] != nil && i < len(c.Results) && c.Results[i].Err == nil {
				out = append(out, str(r[actionStatus]))
			}
		}
	}
	return out
}

// actionWrites counts the engine's writes onto actions.
func (aw *actionWorld) actionWrites() int { return aw.sf.count(sfUpdate, ActionObject) }

// series returns the non-zero series of a metric family in aw.reg, by
// their label values joined with "/" in the family's label order.
func (aw *actionWorld) series(name string) map[string]float64 {
	aw.t.Helper()
	mfs, err := aw.reg.Gather()
	if err != nil {
		aw.t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if v := sampleValue(m); v != 0 {
				var labels []string
				for _, l := range m.GetLabel() {
					labels = append(labels, l.GetValue())
				}
				out[strings.Join(labels, "/")] = v
			}
		}
	}
	return out
}

func sampleValue(m *dto.Metric) float64 {
	switch {
	case m.GetCounter() != nil:
		return m.GetCounter().GetValue()
	case m.GetGauge() != nil:
		return m.GetGauge().GetValue()
	}
	return 0
}

// outcomes are carebridge_actions_total's non-zero counts of an action
// type, by result (sent, rejected, failed, retry).
func (aw *actionWorld) outcomes(typ string) map[string]float64 {
	out := map[string]float64{}
	for k, v := range aw.series("carebridge_actions_total") {
		// labels sorted by name: result, type
		result, t, _ := strings.Cut(k, "/")
		if t == typ {
			out[result] = v
		}
	}
	return out
}

// outcomesOfAllTypes are carebridge_actions_total's non-zero counts summed
// over the action types, by result.
func (aw *actionWorld) outcomesOfAllTypes() map[string]float64 {
	out := map[string]float64{}
	for k, v := range aw.series("carebridge_actions_total") {
		result, _, _ := strings.Cut(k, "/")
		out[result] += v
	}
	return out
}

// rejections are carebridge_rule_rejections_total's non-zero counts, keyed
// "action/code/platform" (the labels sorted by name).
func (aw *actionWorld) rejections() map[string]float64 {
	return aw.series("carebridge_rule_rejections_total")
}

// checkSeries compares counts, reporting what differs.
func checkSeries(t *testing.T, what string, got, want map[string]float64) {
	t.Helper()
	if want == nil {
		want = map[string]float64{}
	}
	if !maps.Equal(got, want) {
		t.Errorf("%s = %v; want %v", what, got, want)
	}
}

// seriesOf builds an expected count map from key, value pairs.
func seriesOf(kv ...any) map[string]float64 {
	out := map[string]float64{}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = float64(kv[i+1].(int))
	}
	return out
}
