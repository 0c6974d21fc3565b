package pubsub_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/salesforce"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/connectors/salesforce/pubsub"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/internal/testkit"
)

const channelTopic = "/data/Carebridge__chn"

// TestCustomChannelCarriesCareCasesOnly: the shipped channel carries the
// change events of Cases with a Care case id (its member's filter) and of
// Care actions, and nothing else: a Case that is not Care's, edited or
// created, sends no event to the integration and spends none of the org's
// event delivery allocation. An update carries the enriched Care case id
// though it did not change.
func TestCustomChannelCarriesCareCasesOnly(t *testing.T) {
	e := newEnv(t, sfsim.Options{}, pubsub.Config{})
	ctx := context.Background()
	c := newCollector()
	e.run(t, channelTopic, e.sim.LatestReplayID(), c)

	other := e.createCase(t, "a phone call")
	care, err := e.sf.Create(ctx, "Case", salesforce.Record{"Subject": "from social", "Status": "New", "Care_Case_Id__c": "care_1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sf.Update(ctx, "Case", other, salesforce.Record{"Priority": "Low"}); err != nil {
		t.Fatal(err)
	}
	if err := e.sf.Update(ctx, "Case", care, salesforce.Record{"Priority": "Low"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.Insert("Task", map[string]any{"Subject": "call back", "Status": "Completed", "WhatId": care}); err != nil {
		t.Fatal(err)
	}
	action, err := e.sim.Insert("Care_Action__c", map[string]any{"Case__c": care, "Type__c": "like"})
	if err != nil {
		t.Fatal(err)
	}
	evs := c.wait(t, "3 events", func(evs []pubsub.ChangeEvent, _ int) bool { return len(evs) >= 3 })
	// The action was written last: every event before it has arrived.
	if len(evs) != 3 {
		t.Fatalf("%d events on the channel: %+v", len(evs), evs)
	}
	want := []struct{ entity, typ, id string }{{"Case", "CREATE", care}, {"Case", "UPDATE", care}, {"Care_Action__c", "CREATE", action}}
	for i, w := range want {
		if evs[i].Entity != w.entity || evs[i].ChangeType != w.typ || !slices.Equal(evs[i].RecordIDs, []string{w.id}) {
			t.Errorf("event %d: %s %s %v, want %s %s %s", i, evs[i].Entity, evs[i].ChangeType, evs[i].RecordIDs, w.entity, w.typ, w.id)
		}
	}
	up := evs[1]
	if up.Fields["Care_Case_Id__c"] != "care_1" || slices.Contains(up.ChangedFields, "Care_Case_Id__c") {
		t.Errorf("UPDATE fields %v, changed %v: want the enriched Care_Case_Id__c, not as a change", up.Fields, up.ChangedFields)
	}
	if _, err := e.sub.Topic(ctx, channelTopic); err != nil {
		t.Errorf("GetTopic(%s): %v", channelTopic, err)
	}
}

// TestOddChangeEventShapes: the sandbox sends the events a real org sends
// besides one per write (its control API): gap events with record ids and
// no fields, an overflow naming no record, a wildcard standing for every
// record of the object, and one event merging the same change to several
// records; each on the channel and on the object's own topic.
func TestOddChangeEventShapes(t *testing.T) {
	e := newEnv(t, sfsim.Options{}, pubsub.Config{})
	ctx := context.Background()
	var ids []string
	for _, careID := range []string{"c1", "c2"} {
		id, err := e.sf.Create(ctx, "Case", salesforce.Record{"Subject": careID, "Status": "New", "Care_Case_Id__c": careID})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	mark := e.sim.LatestReplayID()
	onChannel, onTopic := newCollector(), newCollector()
	e.run(t, channelTopic, mark, onChannel)
	e.run(t, caseTopic, mark, onTopic)

	for _, body := range []string{
		`{"kind":"gap","object":"Case","changeType":"GAP_UPDATE","recordIds":["` + ids[0] + `"],"fields":{"Priority":"Low"}}`,
		`{"kind":"overflow","object":"Case","recordIds":["` + ids[1] + `"],"fields":{"Priority":"Low"}}`,
		`{"kind":"wildcard","object":"Case","field":"Care_Sentiment__c"}`,
		`{"kind":"merged","object":"Case","recordIds":["` + ids[0] + `","` + ids[1] + `"],"fields":{"Status":"Working"}}`,
	} {
		control(t, e, "/sandbox/changes", body, http.StatusOK)
	}
	for name, c := range map[string]*collector{"channel": onChannel, "Case topic": onTopic} {
		evs := c.wait(t, "4 events on the "+name, func(evs []pubsub.ChangeEvent, _ int) bool { return len(evs) >= 4 })
		gap, overflow, wildcard, merged := evs[0], evs[1], evs[2], evs[3]
		if gap.ChangeType != "GAP_UPDATE" || !slices.Equal(gap.RecordIDs, ids[:1]) || len(gap.Fields) != 0 || len(gap.ChangedFields) != 0 {
			t.Errorf("%s: gap event %+v", name, gap)
		}
		if overflow.ChangeType != "GAP_OVERFLOW" || overflow.Entity != "Case" || len(overflow.RecordIDs) != 0 {
			t.Errorf("%s: overflow event %+v", name, overflow)
		}
		if wildcard.ChangeType != "UPDATE" || !slices.Equal(wildcard.RecordIDs, []string{"500*"}) || len(wildcard.Fields) != 0 {
			t.Errorf("%s: wildcard event %+v", name, wildcard)
		}
		if merged.ChangeType != "UPDATE" || !slices.Equal(merged.RecordIDs, ids) || merged.Fields["Status"] != "Working" ||
			!slices.Contains(merged.ChangedFields, "Status") {
			t.Errorf("%s: merged event %+v", name, merged)
		}
	}
	if r, _ := e.sim.Record("Case", ids[1]); r["Priority"] != "Low" || r["Status"] != "Working" || r["Care_Sentiment__c"] != nil {
		t.Errorf("the changes behind the events are not in the records: %v", r)
	}
	// Bad requests are refused with the reason.
	for _, body := range []string{
		`{"kind":"gap","object":"Case","changeType":"GAP_SOMETHING","recordIds":["` + ids[0] + `"]}`,
		`{"kind":"gap","object":"Case"}`,
		`{"kind":"wildcard","object":"Case","field":"Subject"}`,
		`{"kind":"merged","object":"Case","recordIds":["` + ids[0] + `"],"fields":{"Status":"Working"}}`,
		`{"kind":"gap","object":"CaseComment","recordIds":["` + ids[0] + `"]}`,
		`{"kind":"sideways","object":"Case"}`,
	} {
		control(t, e, "/sandbox/changes", body, http.StatusBadRequest)
	}
}

// TestAutomationEditsInTheSaversTransaction: an org's flow that reacts to a
// status change edits the Case in the same transaction: the one change
// event carries both edits, with the saver's changeOrigin.
func TestAutomationEditsInTheSaversTransaction(t *testing.T) {
	e := newEnv(t, sfsim.Options{}, pubsub.Config{})
	ctx := context.Background()
	control(t, e, "/sandbox/automations", `{"name":"Hold escalates","object":"Case","whenChanged":"Status","set":{"Priority":"High"}}`, http.StatusNoContent)
	// The flow runs on the create too (Status is set).
	id, err := e.sf.Create(ctx, "Case", salesforce.Record{"Subject": "s", "Status": "New", "Priority": "Low", "Care_Case_Id__c": "c1"})
	if err != nil {
		t.Fatal(err)
	}
	c := newCollector()
	e.run(t, channelTopic, e.sim.LatestReplayID(), c)
	if err := e.sf.Update(ctx, "Case", id, salesforce.Record{"Priority": "Low"}); err != nil {
		t.Fatal(err)
	}
	if err := e.sf.Update(ctx, "Case", id, salesforce.Record{"Status": "On Hold"}); err != nil {
		t.Fatal(err)
	}
	evs := c.wait(t, "2 events", func(evs []pubsub.ChangeEvent, _ int) bool { return len(evs) >= 2 })
	if evs[0].Fields["Priority"] != "Low" {
		t.Errorf("the flow ran on a save that left Status alone: %v", evs[0].Fields)
	}
	ev := evs[1]
	if !slices.Contains(ev.ChangedFields, "Status") || !slices.Contains(ev.ChangedFields, "Priority") || ev.Fields["Priority"] != "High" {
		t.Errorf("changed %v, fields %v: want Status and the flow's Priority High", ev.ChangedFields, ev.Fields)
	}
	if ev.ChangeOrigin != evs[0].ChangeOrigin || ev.ChangeOrigin == "" {
		t.Errorf("changeOrigin %q, want the saver's %q", ev.ChangeOrigin, evs[0].ChangeOrigin)
	}
	if r, _ := e.sim.Record("Case", id); r["Priority"] != "High" {
		t.Errorf("Priority %v after the flow", r["Priority"])
	}
	control(t, e, "/sandbox/automations", `{"name":"x","object":"Case","set":{"Nope__c":"1"}}`, http.StatusBadRequest)
}

// TestEventDeliveryAllocation: once the org's daily event delivery
// allocation is used up, subscriptions are refused (RESOURCE_EXHAUSTED) and
// /limits shows none left.
func TestEventDeliveryAllocation(t *testing.T) {
	var starts atomic.Int32
	e := newEnv(t, sfsim.Options{DailyEventDeliveries: 2}, pubsub.Config{OnStream: func(_ string, up bool) {
		if up {
			starts.Add(1)
		}
	}})
	c := newCollector()
	e.run(t, caseTopic, e.sim.LatestReplayID(), c)
	for _, s := range []string{"one", "two", "three"} {
		e.createCase(t, s)
	}
	testkit.Eventually(t, 20*time.Second, "2 events and refused resubscriptions", func() (bool, string) {
		evs, _ := c.snapshot()
		return len(evs) >= 2 && starts.Load() >= 3, fmt.Sprintf("%d events, %d subscriptions", len(evs), starts.Load())
	})
	if evs, _ := c.snapshot(); len(evs) != 2 {
		t.Errorf("%d events delivered, want the allocation's 2", len(evs))
	}
	if err := e.sim.GrantPermission(sfsim.IntegrationPermissionSet, metadata.Permission{User: metadata.PermViewSetup}); err != nil {
		t.Fatal(err)
	}
	limits, err := e.sf.Limits(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := limits["DailyDeliveredPlatformEvents"]; got.Max != 2 || got.Remaining != 0 {
		t.Errorf("DailyDeliveredPlatformEvents %v, want Max 2 Remaining 0", got)
	}
}

// TestStalledStreamResumes: a stream that goes silent (no events, no
// keep-alives) is ended after StallTimeout, reported, and resumed after the
// last replay id handled: the changes made meanwhile arrive once each. An
// idle stream whose keep-alives come is never taken for stalled.
func TestStalledStreamResumes(t *testing.T) {
	var stalls atomic.Int32
	e := newEnv(t, sfsim.Options{PubSubKeepAlive: 50 * time.Millisecond},
		pubsub.Config{StallTimeout: 400 * time.Millisecond, OnStalled: func(string) { stalls.Add(1) }})
	c := newCollector()
	e.run(t, caseTopic, e.sim.LatestReplayID(), c)
	c.wait(t, "20 keep-alives", func(_ []pubsub.ChangeEvent, ka int) bool { return ka >= 20 })
	if n := stalls.Load(); n != 0 {
		t.Fatalf("%d stalls reported on a stream that kept alive", n)
	}
	if n := e.sim.StallStreams(); n != 1 {
		t.Fatalf("stalled %d streams, want 1", n)
	}
	e.createCase(t, "during the stall")
	e.createCase(t, "also during the stall")
	c.wait(t, "the changes made during the stall", func(evs []pubsub.ChangeEvent, _ int) bool { return len(evs) >= 2 })
	if n := stalls.Load(); n != 1 {
		t.Errorf("%d stalls reported, want 1", n)
	}
	e.createCase(t, "after")
	evs := c.wait(t, "3 events", func(evs []pubsub.ChangeEvent, _ int) bool { return len(evs) >= 3 })
	if got, want := subjects(evs), []string{"during the stall", "also during the stall", "after"}; !slices.Equal(got, want) {
		t.Errorf("events %v, want %v once each", got, want)
	}
}

// TestWithFieldsDecodesChosenEvents: with HeaderOnly, only the events
// WithFields picks carry their values.
func TestWithFieldsDecodesChosenEvents(t *testing.T) {
	e := newEnv(t, sfsim.Options{}, pubsub.Config{HeaderOnly: true, WithFields: func(ev pubsub.ChangeEvent) bool { return ev.ChangeType == "UPDATE" }})
	c := newCollector()
	e.run(t, caseTopic, e.sim.LatestReplayID(), c)
	id := e.createCase(t, "a")
	if err := e.sf.Update(context.Background(), "Case", id, salesforce.Record{"Subject": "b"}); err != nil {
		t.Fatal(err)
	}
	evs := c.wait(t, "2 events", func(evs []pubsub.ChangeEvent, _ int) bool { return len(evs) >= 2 })
	if evs[0].Fields != nil || evs[1].Fields["Subject"] != "b" {
		t.Errorf("CREATE fields %v, UPDATE fields %v: want none, then the new Subject", evs[0].Fields, evs[1].Fields)
	}
}

// control sends a sandbox control request and checks its status.
func control(t *testing.T, e *env, path, body string, want int) {
	t.Helper()
	resp, err := http.Post(e.url+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("POST %s %s: %d %s, want %d", path, body, resp.StatusCode, got, want)
	}
}
