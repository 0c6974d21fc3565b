package daemon_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/daemon"
	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/pubsub"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/internal/redistest"
	"github.com/carebridge/carebridge/internal/testenv"
	"github.com/carebridge/carebridge/internal/testkit"
)

// world is a running carebridge against both sandboxes and a real Redis.
type world struct {
	care   *caresim.Server
	sf     *sfsim.Server
	redis  *redistest.Server
	d      *daemon.Daemon
	cancel context.CancelFunc
	done   chan error
	users  map[string]string // e-mail -> Salesforce user id
	// careURL and sfURL are where the sandboxes listen.
	careURL, sfURL string
	// cfg is the daemon's configuration.
	cfg config.Config
	// sfFrozen, when set, is the time the Salesforce sandbox stamps every
	// write with (see freezeSalesforceClock).
	sfFrozen atomic.Pointer[time.Time]
}

// agentPassword signs in every agent of the Salesforce sandbox.
const agentPassword = "agent-password"

// freezeSalesforceClock makes the Salesforce sandbox stamp every write from
// now on with the second at: as in a real org, all of them then share one
// SystemModstamp.
func (w *world) freezeSalesforceClock(at time.Time) { w.sfFrozen.Store(&at) }

func (w *world) salesforceNow() time.Time {
	if at := w.sfFrozen.Load(); at != nil {
		return *at
	}
	return time.Now()
}

func logger(t *testing.T) *slog.Logger {
	if os.Getenv("CAREBRIDGE_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func startWorld(t *testing.T, tweaks ...func(*config.Config)) *world {
	t.Helper()
	rds := redistest.Start(t)
	return startWorldOn(t, rds, config.Redis{URL: "redis://" + rds.Addr() + "/0"}, tweaks...)
}

// startWorldOn is startWorld on a Redis of the caller's: rds (nil when it
// is not one server) and the settings that reach it; the key prefix stays
// the default.
func startWorldOn(t *testing.T, rds *redistest.Server, on config.Redis, tweaks ...func(*config.Config)) *world {
	t.Helper()
	return startWorldWith(t, rds, on, worldOptions{}, tweaks...)
}

// worldOptions are choices about a world beyond the daemon's
// configuration.
type worldOptions struct {
	// careWebhooks: the Care sandbox delivers its webhooks (signed with the
	// daemon's care.webhook_secret) to the daemon's /webhooks/care.
	careWebhooks bool
}

// startWebhookWorld is startWorld whose Care sandbox delivers webhooks to
// the daemon.
func startWebhookWorld(t *testing.T, tweaks ...func(*config.Config)) *world {
	t.Helper()
	rds := redistest.Start(t)
	return startWorldWith(t, rds, config.Redis{URL: "redis://" + rds.Addr() + "/0"}, worldOptions{careWebhooks: true}, tweaks...)
}

func startWorldWith(t *testing.T, rds *redistest.Server, on config.Redis, opts worldOptions, tweaks ...func(*config.Config)) *world {
	t.Helper()
	w := &world{redis: rds, users: map[string]string{}}
	// The sandbox keeps idle change streams alive as a real org does (every
	// 270 s), or often enough for a test's shorter
	// salesforce.change_stream_timeout.
	probe := config.Defaults()
	for _, tweak := range tweaks {
		tweak(&probe)
	}
	var keepAlive time.Duration
	if timeout := probe.Salesforce.ChangeStreamTimeout; timeout < pubsub.KeepAliveInterval {
		keepAlive = timeout / 4
	}
	var err error
	w.sf, err = sfsim.New(sfsim.Options{ClientID: "cid", ClientSecret: "csecret", AgentPassword: agentPassword, Clock: w.salesforceNow, PubSubKeepAlive: keepAlive})
	if err != nil {
		t.Fatal(err)
	}
	sfSrv := httptest.NewServer(w.sf)
	t.Cleanup(sfSrv.Close)
	w.sfURL = sfSrv.URL
	for _, u := range []struct{ email, last string }{{"ana@example.com", "Novak"}, {"ben@example.com", "Okafor"}} {
		id, err := w.sf.Insert("User", map[string]any{"Username": u.email + ".sf", "Email": u.email, "LastName": u.last, "IsActive": true})
		if err != nil {
			t.Fatal(err)
		}
		w.users[u.email] = id
	}
	// Care serves one platform the contract does not list yet (see
	// TestNewCarePlatformDoesNotStopACase).
	careOpts := caresim.Options{Token: "tok", Secret: "sec", NewPlatforms: []rules.Platform{newPlatform}}
	var listener net.Listener
	if opts.careWebhooks {
		// The daemon's address must be known before the Care sandbox is.
		if listener, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { listener.Close() })
		careOpts.WebhookURL, careOpts.WebhookSecret = "http://"+listener.Addr().String()+"/webhooks/care", "whsec"
	}
	w.care, err = caresim.New(careOpts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.care.Close)
	careSrv := httptest.NewServer(w.care)
	t.Cleanup(careSrv.Close)
	w.care.AddAgent(care.Agent{ID: "agent_ana", Name: "Ana Novak", Email: "ana@example.com"})
	w.care.AddAgent(care.Agent{ID: "agent_ben", Name: "Ben Okafor", Email: "ben@example.com"})
	w.care.AddAgent(care.Agent{ID: "agent_zoe", Name: "Zoe NoSalesforce", Email: "zoe@example.com"})
	for p, id := range profiles {
		w.care.AddProfile(care.Profile{ID: id, Platform: p, Name: "Acme " + p.Name(), Handle: "acme"})
	}
	w.careURL = careSrv.URL

	cfg := config.Defaults()
	cfg.Listen = "127.0.0.1:0"
	on.Prefix = cfg.Redis.Prefix
	cfg.Redis = on
	cfg.Care.BaseURL, cfg.Care.Token, cfg.Care.Secret, cfg.Care.WebhookSecret = careSrv.URL, "tok", "sec", "whsec"
	cfg.Salesforce.LoginURL, cfg.Salesforce.ClientID, cfg.Salesforce.ClientSecret = sfSrv.URL, "cid", "csecret"
	cfg.Salesforce.PubSubEndpoint, cfg.Salesforce.PubSubInsecure = testenv.ServePubSub(t, w.sf), true
	cfg.Schedule.PollCare, cfg.Schedule.PollSalesforce, cfg.Schedule.Sweep = "@every 1s", "@every 1s", "@every 1h"
	cfg.Workers = 8
	for _, tweak := range tweaks {
		tweak(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	w.cfg = cfg
	w.d, err = daemon.New(cfg, logger(t))
	if err != nil {
		t.Fatal(err)
	}
	if listener != nil {
		if err := w.d.Serve(listener); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.cancel, w.done = cancel, make(chan error, 1)
	go func() { w.done <- w.d.Run(ctx) }()
	t.Cleanup(w.stop)
	return w
}

// startReplica runs another daemon on the world's configuration (same
// Redis, same sandboxes), listening on a port of its own, until t ends.
func (w *world) startReplica(t *testing.T) *daemon.Daemon {
	t.Helper()
	d, err := daemon.New(w.cfg, logger(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return d
}

func (w *world) stop() {
	if w.cancel == nil {
		return
	}
	w.cancel()
	<-w.done
	w.cancel = nil
}

func (w *world) sfCase(careID string) map[string]any {
	for _, r := range w.sf.Records("Case") {
		if r["Care_Case_Id__c"] == careID {
			return r
		}
	}
	return nil
}

func (w *world) escalate(t *testing.T, id string, assignee *string) {
	t.Helper()
	profile := "prof_fb"
	_, err := w.care.Escalate(care.Case{
		ID: id, Platform: rules.Facebook, ProfileID: &profile, AssigneeID: assignee,
		Subject: "Tent pole snapped " + id, Description: "Customer reports a broken pole", Sentiment: "negative", Priority: "high",
		Customer: care.Customer{ID: "u_" + id, Handle: "maria", Name: "Maria"},
	}, []care.Message{{ID: "post_" + id, Kind: rules.Post, Direction: care.Outbound, Text: "New tent!", PostedAt: time.Now().Add(-time.Hour)},
		{ID: "c_" + id, Kind: rules.Comment, ParentID: strPtr("post_" + id), Text: "Mine broke", PostedAt: time.Now().Add(-30 * time.Minute)}})
	if err != nil {
		t.Fatal(err)
	}
}

// customerEditsTheirComment edits, as its author, the customer's comment
// of a case escalate made: the conversation changes, the case's status
// does not.
func (w *world) customerEditsTheirComment(t *testing.T, id string) {
	t.Helper()
	if _, err := w.care.AuthorEdit(id, "c_"+id, "Mine broke on the first night", nil); err != nil {
		t.Fatal(err)
	}
}

// linked escalates a Care case (as escalate does), lets the Care poll
// bring it to Salesforce and returns the id of its Case.
func (w *world) linked(t *testing.T, id string, assignee *string) string {
	t.Helper()
	w.escalate(t, id, assignee)
	if err := w.d.Engine().Triggers().PollCare(context.Background()); err != nil {
		t.Fatal(err)
	}
	var sfID string
	testkit.Eventually(t, 20*time.Second, "the Salesforce Case of "+id, func() (bool, string) {
		if r := w.sfCase(id); r != nil {
			sfID, _ = r["Id"].(string)
		}
		return sfID != "", ""
	})
	// The Case shows in Salesforce a moment before its reconcile has
	// stored the link and base: a test that goes on at once would race it.
	testkit.Eventually(t, 20*time.Second, "the reconcile of "+id+" done", func() (bool, string) {
		d, err := w.d.Queue().Depth(context.Background())
		return err == nil && d.Ready == 0 && d.Processing == 0, fmt.Sprintf("%+v, %v", d, err)
	})
	return sfID
}

func strPtr(s string) *string { return &s }

// newPlatform is a network Care added after carebridge's rules were written.
const newPlatform rules.Platform = "threads"

func TestEscalatedCareCaseAppearsInSalesforceWithMappedFields(t *testing.T) {
	w := startWorld(t)
	w.escalate(t, "case_1", strPtr("agent_ana"))
	testkit.Eventually(t, 20*time.Second, "the Salesforce Case", func() (bool, string) {
		r := w.sfCase("case_1")
		return r != nil && r["OwnerId"] == w.users["ana@example.com"], fmt.Sprint(r)
	})
	r := w.sfCase("case_1")
	want := map[string]any{"Subject": "Tent pole snapped case_1", "Description": "Customer reports a broken pole",
		"Care_Platform__c": "facebook", "Care_Sentiment__c": "negative", "Care_Profile__c": "prof_fb", "Status": "New", "Priority": "High"}
	for k, v := range want {
		if r[k] != v {
			t.Errorf("%s = %v, want %v", k, r[k], v)
		}
	}
	// Replaying the key (a retry) never duplicates the Case.
	if _, err := w.d.Queue().Add(context.Background(), "case:case_1"); err != nil {
		t.Fatal(err)
	}
	if err := w.d.Engine().ReconcileCase(context.Background(), "case_1"); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range w.sf.Records("Case") {
		if r["Care_Case_Id__c"] == "case_1" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d Cases for case_1, want 1", n)
	}
}

func TestStatusAndAssignmentSyncBothWays(t *testing.T) {
	w := startWorld(t)
	w.escalate(t, "case_2", strPtr("agent_ana"))
	testkit.Eventually(t, 20*time.Second, "the Salesforce Case", func() (bool, string) { return w.sfCase("case_2") != nil, "" })

	// Care -> Salesforce: pending in Care puts the Case On Hold.
	if err := w.care.UISetStatus("case_2", rules.Pending); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "Status On Hold", func() (bool, string) {
		r := w.sfCase("case_2")
		return r["Status"] == "On Hold", fmt.Sprint(r["Status"])
	})
	// Salesforce -> Care: reassigning the Case to Ben assigns Ben in Care.
	r := w.sfCase("case_2")
	if err := w.sf.Update("Case", r["Id"].(string), map[string]any{"OwnerId": w.users["ben@example.com"]}); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "Care assignee Ben", func() (bool, string) {
		c, _ := w.care.Case("case_2")
		return c.AssigneeID != nil && *c.AssigneeID == "agent_ben", fmt.Sprint(c.AssigneeID)
	})
	// A customer reply on the pending case reopens it in Care and in Salesforce.
	if _, err := w.care.CustomerMessage("case_2", care.Message{Kind: rules.ReplyKind, ParentID: strPtr("c_case_2"), Text: "Still waiting"}); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "reopened in Salesforce", func() (bool, string) {
		c, _ := w.care.Case("case_2")
		r := w.sfCase("case_2")
		return c.Status == rules.Open && r["Status"] != "On Hold" && r["IsClosed"] == false, fmt.Sprint(c.Status, r["Status"])
	})
	// Salesforce -> Care: closing the Case marks the Care case done.
	if err := w.sf.Update("Case", r["Id"].(string), map[string]any{"Status": "Closed"}); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "Care done", func() (bool, string) {
		c, _ := w.care.Case("case_2")
		return c.Status == rules.Done, string(c.Status)
	})
}

func TestClosingUnassignedCaseAssignsOwnerOrExplains(t *testing.T) {
	w := startWorld(t)
	w.escalate(t, "case_3", nil)
	w.escalate(t, "case_4", nil)
	testkit.Eventually(t, 20*time.Second, "both Cases", func() (bool, string) { return w.sfCase("case_3") != nil && w.sfCase("case_4") != nil, "" })

	// Owner maps to a Care agent: Care is assigned first, then done.
	r3 := w.sfCase("case_3")
	if err := w.sf.Update("Case", r3["Id"].(string), map[string]any{"OwnerId": w.users["ana@example.com"], "Status": "Closed"}); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "case_3 assigned and done", func() (bool, string) {
		c, _ := w.care.Case("case_3")
		return c.Status == rules.Done && c.AssigneeID != nil && *c.AssigneeID == "agent_ana", fmt.Sprint(c.Status, c.AssigneeID)
	})
	// Owner is the integration user (no Care agent): the reason is on the Case.
	r4 := w.sfCase("case_4")
	if err := w.sf.Update("Case", r4["Id"].(string), map[string]any{"Status": "Closed"}); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "sync error on case_4", func() (bool, string) {
		r := w.sfCase("case_4")
		e, _ := r["Care_Sync_Error__c"].(string)
		return r["Care_Sync_Status__c"] == "Error" && e != "", e
	})
	c, _ := w.care.Case("case_4")
	if c.Status == rules.Done {
		t.Fatal("unassigned Care case was closed")
	}
	// Nothing loops: with nothing changing, no further writes happen.
	w.quiet(t)
}

// quiet asserts that ten poll cycles make no writes on either side.
func (w *world) quiet(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	// Let in-flight work settle: the queue drains.
	testkit.Eventually(t, 20*time.Second, "an idle queue", func() (bool, string) {
		d, err := w.d.Queue().Depth(ctx)
		return err == nil && d.Ready == 0 && d.Processing == 0 && d.Delayed == 0, fmt.Sprintf("%+v", d)
	})
	sfWrites := w.sfWrites
	sfBefore, careBefore := sfWrites(), w.care.WriteCalls()
	for i := 0; i < 10; i++ {
		if err := w.d.Engine().Triggers().PollCare(ctx); err != nil {
			t.Fatal(err)
		}
		if err := w.d.Engine().Triggers().PollSalesforce(ctx); err != nil {
			t.Fatal(err)
		}
		if err := w.d.Engine().Triggers().Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		testkit.Eventually(t, 20*time.Second, "an idle queue", func() (bool, string) {
			d, err := w.d.Queue().Depth(ctx)
			return err == nil && d.Ready == 0 && d.Processing == 0, fmt.Sprintf("%+v", d)
		})
	}
	if got := sfWrites() - sfBefore; got != 0 {
		t.Errorf("%d Salesforce writes while nothing changed", got)
	}
	if got := w.care.WriteCalls() - careBefore; got != 0 {
		t.Errorf("%d Care writes while nothing changed", got)
	}
}

func TestNotesSyncBothWaysWithoutDuplicates(t *testing.T) {
	w := startWorld(t)
	w.escalate(t, "case_5", strPtr("agent_ana"))
	testkit.Eventually(t, 20*time.Second, "the Salesforce Case", func() (bool, string) { return w.sfCase("case_5") != nil, "" })
	if _, err := w.care.UIAddNote("case_5", "agent_ana", "Asked the warehouse about batch 42."); err != nil {
		t.Fatal(err)
	}
	sfID := w.sfCase("case_5")["Id"].(string)
	comments := func() []map[string]any {
		var out []map[string]any
		for _, r := range w.sf.Records("CaseComment") {
			if r["ParentId"] == sfID {
				out = append(out, r)
			}
		}
		return out
	}
	testkit.Eventually(t, 20*time.Second, "the note as a private CaseComment", func() (bool, string) {
		cs := comments()
		return len(cs) == 1 && cs[0]["IsPublished"] == false, fmt.Sprint(cs)
	})
	if _, err := w.sf.Insert("CaseComment", map[string]any{"ParentId": sfID, "CommentBody": "Refund approved by finance.", "IsPublished": false}); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "the comment as a Care note", func() (bool, string) {
		for _, n := range w.care.Notes("case_5") {
			if n.Text == "Refund approved by finance." {
				return true, ""
			}
		}
		return false, fmt.Sprint(w.care.Notes("case_5"))
	})
	w.quiet(t)
	if got := len(comments()); got != 2 {
		t.Fatalf("%d comments, want 2", got)
	}
	if got := len(w.care.Notes("case_5")); got != 2 {
		t.Fatalf("%d Care notes, want 2", got)
	}
}

func TestNotesDirectionIsHonoured(t *testing.T) {
	mappingFile := filepath.Join(t.TempDir(), "mapping.yaml")
	oneWay := strings.Replace(string(configs.Mapping()), "notes:\n  direction: both", "notes:\n  direction: care_to_salesforce", 1)
	if oneWay == string(configs.Mapping()) {
		t.Fatal("shipped mapping has no notes direction to change")
	}
	if err := os.WriteFile(mappingFile, []byte(oneWay), 0o600); err != nil {
		t.Fatal(err)
	}
	w := startWorld(t, func(c *config.Config) { c.Mapping.File = mappingFile })
	w.escalate(t, "case_6", strPtr("agent_ana"))
	testkit.Eventually(t, 20*time.Second, "the Salesforce Case", func() (bool, string) { return w.sfCase("case_6") != nil, "" })
	sfID := w.sfCase("case_6")["Id"].(string)
	if _, err := w.sf.Insert("CaseComment", map[string]any{"ParentId": sfID, "CommentBody": "Salesforce-only remark", "IsPublished": false}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.care.UIAddNote("case_6", "agent_ana", "From Care"); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "the Care note in Salesforce", func() (bool, string) {
		for _, r := range w.sf.Records("CaseComment") {
			if b, _ := r["CommentBody"].(string); r["ParentId"] == sfID && strings.HasSuffix(b, "From Care") {
				return true, ""
			}
		}
		return false, ""
	})
	w.quiet(t)
	for _, n := range w.care.Notes("case_6") {
		if n.Text == "Salesforce-only remark" {
			t.Fatal("a Salesforce comment reached Care although notes flow care_to_salesforce only")
		}
	}
}

// Care's status rules follow the fields mapped to Care's status and assignee,
// whatever the admin named them.
func TestStatusRulesFollowRenamedFields(t *testing.T) {
	renamed := strings.NewReplacer("- name: status\n", "- name: case_status\n", "- name: assignee\n", "- name: owner\n").Replace(string(configs.Mapping()))
	if renamed == string(configs.Mapping()) {
		t.Fatal("shipped mapping has no status/assignee fields to rename")
	}
	mappingFile := filepath.Join(t.TempDir(), "mapping.yaml")
	if err := os.WriteFile(mappingFile, []byte(renamed), 0o600); err != nil {
		t.Fatal(err)
	}
	w := startWorld(t, func(c *config.Config) { c.Mapping.File = mappingFile })
	w.escalate(t, "case_7", nil)
	testkit.Eventually(t, 20*time.Second, "the Salesforce Case", func() (bool, string) { return w.sfCase("case_7") != nil, "" })
	r := w.sfCase("case_7")
	if err := w.sf.Update("Case", r["Id"].(string), map[string]any{"OwnerId": w.users["ana@example.com"], "Status": "Closed"}); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "case_7 assigned, then done", func() (bool, string) {
		c, _ := w.care.Case("case_7")
		return c.Status == rules.Done && c.AssigneeID != nil && *c.AssigneeID == "agent_ana", fmt.Sprint(c.Status, c.AssigneeID)
	})
}

// TestLeaderLeaseIsConfigurable: the leader holds its lease for leader.lease.
func TestLeaderLeaseIsConfigurable(t *testing.T) {
	w := startWorld(t, func(c *config.Config) { c.Leader.Lease = 4 * time.Second })
	rdb := w.redis.Client(t)
	testkit.Eventually(t, 20*time.Second, "a leader lease of at most 4s", func() (bool, string) {
		ttl, err := rdb.PTTL(context.Background(), "carebridge:{leader}:lease").Result()
		return err == nil && ttl > 0 && ttl <= 4*time.Second, fmt.Sprint(ttl, err)
	})
}
