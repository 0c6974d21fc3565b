package daemon_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/internal/testenv"
	"github.com/carebridge/carebridge/internal/testkit"
)

// profiles are the brand's Care profiles, one per platform.
var profiles = map[rules.Platform]string{
	rules.Facebook: "prof_fb", rules.Instagram: "prof_ig", rules.Twitter: "prof_tw",
	rules.LinkedIn: "prof_li", rules.YouTube: "prof_yt", rules.TikTok: "prof_tt",
}

// startActionWorld is startWorld with quick retries and a config the test
// may adjust further (rules file, timeouts).
func startActionWorld(t *testing.T, adjust func(*config.Config)) *actionWorld {
	t.Helper()
	tweaks := []func(*config.Config){func(c *config.Config) {
		c.Queue.BaseDelay, c.Queue.MaxDelay = 100*time.Millisecond, time.Second
	}}
	if adjust != nil {
		tweaks = append(tweaks, adjust)
	}
	return &actionWorld{world: startWorld(t, tweaks...)}
}

// actionWorld is the world the action tests share helpers on.
type actionWorld struct{ *world }

// seriesValues returns, in the registry's order, the values of the
// counter or gauge series of a metric whose labels match labels.
func (w *actionWorld) seriesValues(t *testing.T, name string, labels map[string]string) []float64 {
	t.Helper()
	families, err := w.d.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	var out []float64
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	series:
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if v, ok := labels[l.GetName()]; ok && v != l.GetValue() {
					continue series
				}
			}
			if c := m.GetCounter(); c != nil {
				out = append(out, c.GetValue())
			} else {
				out = append(out, m.GetGauge().GetValue())
			}
		}
	}
	return out
}

// metric returns the value of one counter or gauge series of the daemon's
// registry (0 when absent).
func (w *actionWorld) metric(t *testing.T, name string, labels map[string]string) float64 {
	t.Helper()
	if v := w.seriesValues(t, name, labels); len(v) > 0 {
		return v[0]
	}
	return 0
}

// metricSum adds up every series of a metric whose labels match labels.
func (w *actionWorld) metricSum(t *testing.T, name string, labels map[string]string) float64 {
	t.Helper()
	var sum float64
	for _, v := range w.seriesValues(t, name, labels) {
		sum += v
	}
	return sum
}

// conversation escalates a case on platform p whose conversation is msgs
// (ids are prefixed with the case id) and waits until its Case exists and
// the whole conversation is mirrored.
func (w *actionWorld) conversation(t *testing.T, id string, p rules.Platform, assignee *string, customer care.Customer, msgs ...care.Message) string {
	t.Helper()
	w.escalateConversation(t, id, p, assignee, customer, msgs...)
	return w.mirrored(t, id, len(msgs))
}

// escalateConversation escalates the case without waiting for the sync.
func (w *actionWorld) escalateConversation(t *testing.T, id string, p rules.Platform, assignee *string, customer care.Customer, msgs ...care.Message) {
	t.Helper()
	profile := profiles[p]
	if customer.ID == "" {
		customer = care.Customer{ID: "u_" + id, Handle: "maria", Name: "Maria"}
	}
	for i := range msgs {
		msgs[i].ID = id + "_" + msgs[i].ID
		if msgs[i].ParentID != nil {
			msgs[i].ParentID = strPtr(id + "_" + *msgs[i].ParentID)
		}
	}
	if _, err := w.care.Escalate(care.Case{ID: id, Platform: p, ProfileID: &profile, AssigneeID: assignee,
		Subject: "Help " + id, Customer: customer}, msgs); err != nil {
		t.Fatal(err)
	}
}

// mirrored waits until the case's Case exists with n mirrored messages and
// returns the Case id.
func (w *actionWorld) mirrored(t *testing.T, id string, n int) string {
	t.Helper()
	var sfID string
	testkit.Eventually(t, 20*time.Second, "Case and mirror of "+id, func() (bool, string) {
		r := w.sfCase(id)
		if r == nil {
			return false, "no Case"
		}
		sfID = r["Id"].(string)
		got := len(w.mirror(sfID))
		return got == n, fmt.Sprintf("%d of %d messages mirrored", got, n)
	})
	return sfID
}

// mirror returns the Care_Message__c records of a Case by Care message id.
func (w *world) mirror(sfCaseID string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, r := range w.sf.Records("Care_Message__c") {
		if r["Case__c"] == sfCaseID {
			out[r["Care_Message_Id__c"].(string)] = r
		}
	}
	return out
}

// act creates a Care_Action__c on a Case as an agent would.
func (w *world) act(t *testing.T, sfCaseID string, fields map[string]any) string {
	t.Helper()
	if _, ok := fields["Status__c"]; ok {
		t.Fatal("act: agents cannot write Status__c; stage carebridge's own past with stageAction")
	}
	owner, _ := w.sf.Record("Case", sfCaseID)
	agent := ""
	for email, id := range w.users {
		if id == owner["OwnerId"] {
			agent = email
		}
	}
	if agent == "" {
		// Nobody of the world owns the Case (a queue, or unassigned): Ana
		// covers it, with the Case shared read-only with her.
		agent = "ana@example.com"
		if err := w.sf.ShareCase(sfCaseID, w.users[agent], "Read"); err != nil {
			t.Fatal(err)
		}
	}
	fields["Case__c"] = sfCaseID
	return w.actAs(t, agent, fields)
}

// actAs creates a Care_Action__c over the REST API signed in as the agent
// with that e-mail address, with the shipped Carebridge_Agent permissions
// and the org's sharing, and fails the test when Salesforce refuses it.
func (w *world) actAs(t *testing.T, email string, fields map[string]any) string {
	t.Helper()
	return w.agent(t, email).CreateAction(t, fields)
}

// agent signs in the world's user with that e-mail address as an agent.
func (w *world) agent(t *testing.T, email string) *testenv.Agent {
	t.Helper()
	return testenv.SignInAgent(t, w.sfURL, "cid", "csecret", email+".sf", agentPassword)
}

// stageAction writes an action as the sandbox's own access, for tests that
// stage what carebridge itself wrote before a crash (Status__c Sending),
// which no agent can write.
func (w *world) stageAction(t *testing.T, sfCaseID string, fields map[string]any) string {
	t.Helper()
	fields["Case__c"] = sfCaseID
	id, err := w.sf.Insert("Care_Action__c", fields)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// finished waits until an action has a final status and returns it.
func (w *world) finished(t *testing.T, id string) map[string]any {
	t.Helper()
	var rec map[string]any
	testkit.Eventually(t, 20*time.Second, "action "+id+" finished", func() (bool, string) {
		rec, _ = w.sf.Record("Care_Action__c", id)
		switch rec["Status__c"] {
		case "Sent", "Rejected", "Failed":
			return true, ""
		}
		return false, fmt.Sprint(rec["Status__c"], " ", rec["Status_Code__c"], " ", rec["Status_Reason__c"])
	})
	return rec
}

func (w *world) careMessage(caseID, msgID string) care.Message {
	for _, m := range w.care.Messages(caseID) {
		if m.ID == msgID {
			return m
		}
	}
	return care.Message{}
}

func ago(d time.Duration) time.Time { return time.Now().Add(-d).UTC().Truncate(time.Millisecond) }

func TestAgentRepliesFromSalesforceArriveInCareAndEndSent(t *testing.T) {
	t.Parallel()
	w := startActionWorld(t, nil)
	sfID := w.conversation(t, "r1", rules.Facebook, strPtr("agent_ana"), care.Customer{},
		care.Message{ID: "post", Kind: rules.Post, Direction: care.Outbound, Text: "New tent!", PostedAt: ago(2 * time.Hour)},
		care.Message{ID: "c1", Kind: rules.Comment, ParentID: strPtr("post"), Text: "Mine broke", PostedAt: ago(time.Hour)},
		care.Message{ID: "dm", Kind: rules.DirectMessageKind, Text: "Order 42, please help", PostedAt: ago(30 * time.Minute)},
	)
	tests := []struct {
		mode, target, text string
		wantKind           rules.Kind
		wantParent         string
	}{
		{mode: "public_reply", target: "r1_c1", text: "Sorry to hear that!", wantKind: rules.ReplyKind, wantParent: "r1_c1"},
		{mode: "comment_on_post", text: "Everyone: a fix is coming.", wantKind: rules.Comment, wantParent: "r1_post"},
		{mode: "direct_message", text: "Could you send a photo?", wantKind: rules.DirectMessageKind},
		{mode: "private_reply", target: "r1_c1", text: "We sent you a message.", wantKind: rules.DirectMessageKind},
	}
	ids := make([]string, len(tests))
	for i, tt := range tests {
		f := map[string]any{"Type__c": "reply", "Reply_Mode__c": tt.mode, "Body__c": tt.text}
		if tt.target != "" {
			f["Target_Message_Id__c"] = tt.target
		}
		ids[i] = w.act(t, sfID, f)
	}
	for i, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			rec := w.finished(t, ids[i])
			if rec["Status__c"] != "Sent" || rec["Processed_At__c"] == nil {
				t.Fatalf("status %v (%v: %v), processed %v", rec["Status__c"], rec["Status_Code__c"], rec["Status_Reason__c"], rec["Processed_At__c"])
			}
			msgID, _ := rec["Care_Result_Id__c"].(string)
			var got *care.Message
			for _, m := range w.care.Replies("r1") {
				if m.ID == msgID {
					got = &m
				}
			}
			if got == nil {
				t.Fatalf("Care_Result_Id__c %q is not a reply in the Care conversation: %v", msgID, w.care.Replies("r1"))
			}
			if got.Text != tt.text || got.Kind != tt.wantKind {
				t.Errorf("Care holds %q (%s), want %q (%s)", got.Text, got.Kind, tt.text, tt.wantKind)
			}
			if tt.wantParent != "" && (got.ParentID == nil || *got.ParentID != tt.wantParent) {
				t.Errorf("reply parent %v, want %s", got.ParentID, tt.wantParent)
			}
			testkit.Eventually(t, 20*time.Second, "the reply in the mirror", func() (bool, string) {
				m := w.mirror(sfID)[msgID]
				return m != nil && m["Direction__c"] == "outbound" && m["Text__c"] == tt.text, fmt.Sprint(m)
			})
		})
	}
	if n := len(w.care.Replies("r1")); n != len(tests) {
		t.Errorf("Care holds %d replies, want %d", n, len(tests))
	}
	if got := w.metric(t, "carebridge_actions_total", map[string]string{"type": "reply", "result": "sent"}); got != float64(len(tests)) {
		t.Errorf("carebridge_actions_total{reply,sent} = %v, want %d", got, len(tests))
	}
	// The private reply is marked on the comment in the mirror.
	testkit.Eventually(t, 20*time.Second, "Private_Reply_Sent__c on the comment", func() (bool, string) {
		m := w.mirror(sfID)["r1_c1"]
		return m["Private_Reply_Sent__c"] == true, fmt.Sprint(m)
	})
	w.quiet(t)
}

func TestMirrorFollowsCareAndHidingCascades(t *testing.T) {
	t.Parallel()
	w := startActionWorld(t, nil)
	sfID := w.conversation(t, "m1", rules.Facebook, strPtr("agent_ana"), care.Customer{},
		care.Message{ID: "post", Kind: rules.Post, Direction: care.Outbound, Text: "New tent!", PostedAt: ago(2 * time.Hour),
			Permalink: "https://facebook.example/acme/posts/1"},
		care.Message{ID: "c1", Kind: rules.Comment, ParentID: strPtr("post"), Text: "Mine broke", PostedAt: ago(time.Hour),
			Media: []string{"https://cdn.example/a.jpg", "https://cdn.example/b.jpg"}},
		care.Message{ID: "r1", Kind: rules.ReplyKind, ParentID: strPtr("c1"), Text: "Same here",
			Author: care.Author{ID: "u_other", Handle: "joe", Name: "Joe", FollowsBrand: true}, PostedAt: ago(50 * time.Minute)},
	)
	m := w.mirror(sfID)
	c1, r1 := m["m1_c1"], m["m1_r1"]
	want := map[string]any{"Platform__c": "facebook", "Kind__c": "comment", "Direction__c": "inbound", "Author_Handle__c": "maria",
		"Author_Name__c": "Maria", "Text__c": "Mine broke", "Media_URLs__c": "https://cdn.example/a.jpg\nhttps://cdn.example/b.jpg",
		"Parent_Message_Id__c": "m1_post", "Thread_Depth__c": float64(1), "Hidden__c": false, "Deleted__c": false, "Liked__c": false}
	for k, v := range want {
		if c1[k] != v {
			t.Errorf("comment %s = %#v, want %#v", k, c1[k], v)
		}
	}
	if r1["Author_Handle__c"] != "joe" || r1["Author_Follows_Brand__c"] != true || r1["Thread_Depth__c"] != float64(2) || r1["Kind__c"] != "reply" {
		t.Errorf("reply mirrored as %v", r1)
	}
	if m["m1_post"]["Permalink__c"] != "https://facebook.example/acme/posts/1" || m["m1_post"]["Direction__c"] != "outbound" {
		t.Errorf("post mirrored as %v", m["m1_post"])
	}
	if posted := c1["Posted_At__c"].(string); !strings.HasPrefix(posted, ago(time.Hour).Format("2006-01-02T15")) {
		t.Errorf("Posted_At__c %s", posted)
	}

	// Hiding the comment from Salesforce hides its reply with it.
	id := w.act(t, sfID, map[string]any{"Type__c": "hide", "Target_Message_Id__c": "m1_c1"})
	if rec := w.finished(t, id); rec["Status__c"] != "Sent" || rec["Care_Result_Id__c"] != "m1_c1" {
		t.Fatalf("hide ended %v", rec)
	}
	testkit.Eventually(t, 20*time.Second, "hidden comment and reply in the mirror", func() (bool, string) {
		m := w.mirror(sfID)
		return m["m1_c1"]["Hidden__c"] == true && m["m1_r1"]["Hidden__c"] == true && m["m1_r1"]["Hidden_With_Parent__c"] == true &&
			m["m1_c1"]["Hidden_With_Parent__c"] == false, fmt.Sprint(m["m1_c1"]["Hidden__c"], m["m1_r1"]["Hidden__c"], m["m1_r1"]["Hidden_With_Parent__c"])
	})
	// A new customer message in Care appears in the mirror.
	if _, err := w.care.CustomerMessage("m1", care.Message{ID: "m1_c2", Kind: rules.Comment, ParentID: strPtr("m1_post"), Text: "Any news?"}); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "the new comment in the mirror", func() (bool, string) {
		return w.mirror(sfID)["m1_c2"]["Text__c"] == "Any news?", ""
	})
	// Nothing changes: ten poll cycles write nothing (messages included).
	w.quiet(t)
	if n := len(w.sf.Records("Care_Message__c")); n != 4 {
		t.Errorf("%d Care_Message__c records, want 4 (no duplicates)", n)
	}
}

func TestForbiddenPrivateRepliesAreRejectedAndNothingReachesCare(t *testing.T) {
	t.Parallel()
	w := startActionWorld(t, nil)
	old := w.conversation(t, "p_old", rules.Facebook, strPtr("agent_ana"), care.Customer{},
		care.Message{ID: "post", Kind: rules.Post, Direction: care.Outbound, Text: "Sale", PostedAt: ago(10 * 24 * time.Hour)},
		care.Message{ID: "c1", Kind: rules.Comment, ParentID: strPtr("post"), Text: "Price?", PostedAt: ago(8 * 24 * time.Hour)})
	page := w.conversation(t, "p_page", rules.Facebook, strPtr("agent_ana"), care.Customer{ID: "page_1", Handle: "shop", Name: "Shop Page", IsPage: true},
		care.Message{ID: "post", Kind: rules.Post, Direction: care.Outbound, Text: "Sale", PostedAt: ago(2 * time.Hour)},
		care.Message{ID: "c1", Kind: rules.Comment, ParentID: strPtr("post"), Text: "Partner?", PostedAt: ago(time.Hour)})
	twice := w.conversation(t, "p_twice", rules.Facebook, strPtr("agent_ana"), care.Customer{},
		care.Message{ID: "post", Kind: rules.Post, Direction: care.Outbound, Text: "Sale", PostedAt: ago(2 * time.Hour)},
		care.Message{ID: "c1", Kind: rules.Comment, ParentID: strPtr("post"), Text: "Broken", PostedAt: ago(time.Hour)})
	first := w.act(t, twice, map[string]any{"Type__c": "reply", "Reply_Mode__c": "private_reply", "Target_Message_Id__c": "p_twice_c1", "Body__c": "Check your inbox"})
	if rec := w.finished(t, first); rec["Status__c"] != "Sent" {
		t.Fatalf("first private reply ended %v: %v", rec["Status__c"], rec["Status_Reason__c"])
	}

	writesBefore, repliesBefore := w.care.WriteCalls(), w.care.Calls(caresim.OpPostReply)
	tests := []struct {
		name, sfCase, target, code, sentence string
	}{
		{"8 days old", old, "p_old_c1", rules.CodePrivateReplyWindowExpired, "The 7-day window for a private reply to this Facebook comment closed on"},
		{"to a Facebook Page", page, "p_page_c1", rules.CodePrivateReplyToPage, "This Facebook comment was posted by a Facebook Page"},
		{"a second one", twice, "p_twice_c1", rules.CodePrivateReplyAlreadySent, "A private reply has already been sent to this Facebook comment"},
	}
	ids := make([]string, len(tests))
	for i, tt := range tests {
		ids[i] = w.act(t, tt.sfCase, map[string]any{"Type__c": "reply", "Reply_Mode__c": "private_reply", "Target_Message_Id__c": tt.target, "Body__c": "Hello in private"})
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := w.finished(t, ids[i])
			reason, _ := rec["Status_Reason__c"].(string)
			if rec["Status__c"] != "Rejected" || rec["Status_Code__c"] != tt.code || !strings.HasPrefix(reason, tt.sentence) {
				t.Fatalf("ended %v %v %q; want Rejected %s %q...", rec["Status__c"], rec["Status_Code__c"], reason, tt.code, tt.sentence)
			}
			if rec["Care_Result_Id__c"] != nil || rec["Processed_At__c"] == nil {
				t.Errorf("result id %v, processed at %v", rec["Care_Result_Id__c"], rec["Processed_At__c"])
			}
		})
	}
	if got := w.care.WriteCalls() - writesBefore; got != 0 {
		t.Errorf("%d Care writes for rejected actions", got)
	}
	if got := w.care.Calls(caresim.OpPostReply) - repliesBefore; got != 0 {
		t.Errorf("%d reply calls reached Care", got)
	}
	if n := len(w.care.Replies("p_old")) + len(w.care.Replies("p_page")); n != 0 {
		t.Errorf("%d replies in Care", n)
	}
	if n := len(w.care.Replies("p_twice")); n != 1 {
		t.Errorf("%d replies on p_twice, want 1", n)
	}
	// The outcome is counted just after it is written to the action record,
	// which the test has seen: wait for the count.
	testkit.Eventually(t, 20*time.Second, "the expired window counted once", func() (bool, string) {
		got := w.metric(t, "carebridge_rule_rejections_total",
			map[string]string{"platform": "facebook", "action": "reply", "code": rules.CodePrivateReplyWindowExpired})
		return got == 1, fmt.Sprintf("rule_rejections_total{private_reply_window_expired} = %v, want 1", got)
	})
}

func TestModerationFromSalesforceOnEachPlatform(t *testing.T) {
	t.Parallel()
	w := startActionWorld(t, nil)
	type row struct {
		platform rules.Platform
		action   string
		assigned bool
		code     string // "" means Sent
		check    func(m care.Message) bool
	}
	liked := func(m care.Message) bool { return m.Liked }
	hidden := func(m care.Message) bool { return m.Hidden }
	deleted := func(m care.Message) bool { return m.Deleted }
	rows := []row{
		{rules.Facebook, "like", true, "", liked},
		{rules.Facebook, "hide", true, "", hidden},
		{rules.Facebook, "delete", true, "", deleted},
		{rules.Facebook, "ban", true, "", nil},
		{rules.Facebook, "follow", true, rules.CodeActionNotSupported, nil},
		{rules.Facebook, "like", false, rules.CodeNotAssigned, nil},
		{rules.Facebook, "delete", false, "", deleted},
		{rules.Instagram, "hide", true, "", hidden},
		{rules.Instagram, "delete", true, "", deleted},
		{rules.Instagram, "like", true, rules.CodeActionNotSupported, nil},
		{rules.Twitter, "like", true, "", liked},
		{rules.Twitter, "follow", true, "", nil},
		{rules.Twitter, "hide", true, rules.CodeActionNotSupported, nil},
		{rules.LinkedIn, "like", true, "", liked},
		{rules.LinkedIn, "delete", true, "", deleted},
		{rules.YouTube, "ban", true, "", nil},
		{rules.YouTube, "like", true, rules.CodeActionNotSupported, nil},
		{rules.TikTok, "like", true, "", liked},
		{rules.TikTok, "ban", true, rules.CodeActionNotSupported, nil},
	}
	type started struct {
		row
		caseID, sfCase, action string
	}
	var all []started
	for i, r := range rows {
		caseID := fmt.Sprintf("mod%d", i)
		var assignee *string
		if r.assigned {
			assignee = strPtr("agent_ana")
		}
		w.escalateConversation(t, caseID, r.platform, assignee, care.Customer{},
			care.Message{ID: "post", Kind: rules.Post, Direction: care.Outbound, Text: "Launch", PostedAt: ago(3 * time.Hour)},
			care.Message{ID: "c1", Kind: rules.Comment, ParentID: strPtr("post"), Text: "Nice", PostedAt: ago(time.Hour)})
		all = append(all, started{row: r, caseID: caseID})
	}
	for i := range all {
		all[i].sfCase = w.mirrored(t, all[i].caseID, 2)
		all[i].action = w.act(t, all[i].sfCase, map[string]any{"Type__c": all[i].row.action, "Target_Message_Id__c": all[i].caseID + "_c1"})
	}
	for _, s := range all {
		name := fmt.Sprintf("%s %s assigned=%v", s.platform, s.row.action, s.assigned)
		t.Run(name, func(t *testing.T) {
			rec := w.finished(t, s.action)
			if s.code == "" {
				if rec["Status__c"] != "Sent" || rec["Care_Result_Id__c"] != s.caseID+"_c1" {
					t.Fatalf("ended %v %v %v", rec["Status__c"], rec["Status_Code__c"], rec["Status_Reason__c"])
				}
				if s.check != nil && !s.check(w.careMessage(s.caseID, s.caseID+"_c1")) {
					t.Errorf("Care message after %s: %+v", s.row.action, w.careMessage(s.caseID, s.caseID+"_c1"))
				}
				return
			}
			reason, _ := rec["Status_Reason__c"].(string)
			if rec["Status__c"] != "Rejected" || rec["Status_Code__c"] != s.code || !strings.Contains(reason, s.platform.Name()) {
				t.Fatalf("ended %v %v %q, want Rejected %s naming %s", rec["Status__c"], rec["Status_Code__c"], reason, s.code, s.platform.Name())
			}
		})
	}
	// Refused actions changed nothing in Care.
	for _, s := range all {
		if s.code == "" {
			continue
		}
		if m := w.careMessage(s.caseID, s.caseID+"_c1"); m.Liked || m.Hidden || m.Deleted {
			t.Errorf("%s: refused %s changed the Care message: %+v", s.caseID, s.row.action, m)
		}
	}
	// The mirror follows: liked, hidden and deleted show on the records.
	for _, s := range all {
		if s.code != "" || s.check == nil {
			continue
		}
		field := map[string]string{"like": "Liked__c", "hide": "Hidden__c", "delete": "Deleted__c"}[s.row.action]
		testkit.Eventually(t, 20*time.Second, s.caseID+" "+field+" in the mirror", func() (bool, string) {
			r := w.mirror(s.sfCase)[s.caseID+"_c1"]
			return r[field] == true, fmt.Sprint(r[field])
		})
	}
}

func TestCareRefusalOfAnAllowedActionEndsRejected(t *testing.T) {
	t.Parallel()
	// carebridge's rule data says the brand's X tier needs no mention; Care
	// (the sandbox, default data) still requires one and refuses.
	data, err := os.ReadFile(filepath.Join("..", "..", "configs", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "rules.yaml")
	if err := os.WriteFile(file, []byte(strings.Replace(string(data), "account_tier: self_serve", "account_tier: enterprise", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	w := startActionWorld(t, func(c *config.Config) { c.Rules.File = file })
	sfID := w.conversation(t, "x1", rules.Twitter, strPtr("agent_ana"), care.Customer{},
		care.Message{ID: "t1", Kind: rules.Post, Text: "my tent broke", PostedAt: ago(time.Hour)})
	id := w.act(t, sfID, map[string]any{"Type__c": "reply", "Reply_Mode__c": "public_reply", "Target_Message_Id__c": "x1_t1", "Body__c": "Sorry!"})
	rec := w.finished(t, id)
	reason, _ := rec["Status_Reason__c"].(string)
	if rec["Status__c"] != "Rejected" || rec["Status_Code__c"] != rules.CodeXReplyNeedsMention || !strings.HasPrefix(reason, "X accepts a public reply") {
		t.Fatalf("ended %v %v %q", rec["Status__c"], rec["Status_Code__c"], reason)
	}
	if w.care.Calls(caresim.OpPostReply) != 1 || len(w.care.Replies("x1")) != 0 {
		t.Errorf("reply calls %d, replies %d; want 1 refused call and no reply", w.care.Calls(caresim.OpPostReply), len(w.care.Replies("x1")))
	}
}

func TestReplyWithMarkPendingGoesPendingOnBothSides(t *testing.T) {
	t.Parallel()
	w := startActionWorld(t, nil)
	sfID := w.conversation(t, "mp", rules.Facebook, strPtr("agent_ana"), care.Customer{},
		care.Message{ID: "post", Kind: rules.Post, Direction: care.Outbound, Text: "Launch", PostedAt: ago(3 * time.Hour)},
		care.Message{ID: "c1", Kind: rules.Comment, ParentID: strPtr("post"), Text: "Where is my order?", PostedAt: ago(time.Hour)})
	id := w.act(t, sfID, map[string]any{"Type__c": "reply", "Reply_Mode__c": "public_reply", "Target_Message_Id__c": "mp_c1",
		"Body__c": "It ships tomorrow; tell us if it does not arrive.", "Mark_Pending__c": true})
	if rec := w.finished(t, id); rec["Status__c"] != "Sent" {
		t.Fatalf("ended %v: %v", rec["Status__c"], rec["Status_Reason__c"])
	}
	testkit.Eventually(t, 20*time.Second, "pending in Care and On Hold in Salesforce", func() (bool, string) {
		c, _ := w.care.Case("mp")
		r := w.sfCase("mp")
		return c.Status == rules.Pending && r["Status"] == "On Hold", fmt.Sprint(c.Status, " ", r["Status"])
	})
}

func TestCaseShowsWhatTheAgentCanDoNow(t *testing.T) {
	t.Parallel()
	w := startActionWorld(t, nil)
	posted := ago(48 * time.Hour)
	w.conversation(t, "o1", rules.Facebook, strPtr("agent_ana"), care.Customer{},
		care.Message{ID: "post", Kind: rules.Post, Direction: care.Outbound, Text: "Launch", PostedAt: ago(72 * time.Hour)},
		care.Message{ID: "c1", Kind: rules.Comment, ParentID: strPtr("post"), Text: "Broken", PostedAt: posted})
	testkit.Eventually(t, 20*time.Second, "reply options on the Case", func() (bool, string) {
		r := w.sfCase("o1")
		return r["Care_Allowed_Reply_Modes__c"] == "public_reply;comment_on_post;private_reply", fmt.Sprint(r["Care_Allowed_Reply_Modes__c"])
	})
	r := w.sfCase("o1")
	// Salesforce datetimes hold whole seconds: the deadline is cut (never
	// later than the real one).
	if want := posted.Add(7 * 24 * time.Hour).Truncate(time.Second).Format("2006-01-02T15:04:05.000+0000"); r["Care_Private_Reply_Deadline__c"] != want {
		t.Errorf("private reply deadline %v, want %s", r["Care_Private_Reply_Deadline__c"], want)
	}
	if r["Care_DM_Deadline__c"] != nil {
		t.Errorf("DM deadline %v without direct messages", r["Care_DM_Deadline__c"])
	}
	// The customer writes a direct message: now only a direct message
	// answers the latest message, within Messenger's window.
	dmAt := ago(time.Minute)
	if _, err := w.care.CustomerMessage("o1", care.Message{ID: "o1_dm", Kind: rules.DirectMessageKind, Text: "Hello?", PostedAt: dmAt}); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "direct message options", func() (bool, string) {
		r := w.sfCase("o1")
		return r["Care_Allowed_Reply_Modes__c"] == "direct_message" && r["Care_DM_Deadline__c"] != nil && r["Care_Private_Reply_Deadline__c"] == nil,
			fmt.Sprint(r["Care_Allowed_Reply_Modes__c"], r["Care_DM_Deadline__c"], r["Care_Private_Reply_Deadline__c"])
	})
	deadline, err := time.Parse("2006-01-02T15:04:05.000-0700", w.sfCase("o1")["Care_DM_Deadline__c"].(string))
	if err != nil || !deadline.After(dmAt) || deadline.After(dmAt.Add(7*24*time.Hour)) {
		t.Errorf("DM deadline %v (%v), want within 7 days of %v", deadline, err, dmAt)
	}
	w.quiet(t)
}

// TestConsoleActionsAreSent: the mirror tells the console what each message
// allows, and actions created as the console (lookup and Care id) and the
// quick actions on a message (lookup only) create them are sent, with both
// target fields filled in the end.
func TestConsoleActionsAreSent(t *testing.T) {
	t.Parallel()
	w := startActionWorld(t, nil)
	sfID := w.conversation(t, "lw", rules.Facebook, strPtr("agent_ana"), care.Customer{},
		care.Message{ID: "post", Kind: rules.Post, Direction: care.Outbound, Text: "Launch", PostedAt: ago(3 * time.Hour)},
		care.Message{ID: "c1", Kind: rules.Comment, ParentID: strPtr("post"), Text: "Broken", PostedAt: ago(time.Hour)})
	comment := w.mirror(sfID)["lw_c1"]
	if comment["Allowed_Actions__c"] != "reply;like;hide;delete;ban;unban" ||
		comment["Allowed_Reply_Modes__c"] != "public_reply;comment_on_post;private_reply" {
		t.Errorf("the comment's mirror allows %v with reply modes %v", comment["Allowed_Actions__c"], comment["Allowed_Reply_Modes__c"])
	}
	if r := w.sfCase("lw"); r["Care_Reply_Limits__c"] != "private_reply:1999:characters" {
		t.Errorf("Case reply limits %v", r["Care_Reply_Limits__c"])
	}
	commentID := comment["Id"].(string)
	reply := w.act(t, sfID, map[string]any{"Type__c": "reply", "Reply_Mode__c": "public_reply", "Target_Message__c": commentID,
		"Target_Message_Id__c": "lw_c1", "Body__c": "Sorry! A new one is on its way.", "Media_URLs__c": "https://cdn.example.com/label.png",
		"Mark_Pending__c": true})
	like := w.act(t, sfID, map[string]any{"Type__c": "like", "Target_Message__c": commentID})
	rec := w.finished(t, reply)
	if rec["Status__c"] != "Sent" {
		t.Fatalf("console reply %v: %v %v", rec["Status__c"], rec["Status_Code__c"], rec["Status_Reason__c"])
	}
	got := w.careMessage("lw", rec["Care_Result_Id__c"].(string))
	if got.ParentID == nil || *got.ParentID != "lw_c1" || got.Text != "Sorry! A new one is on its way." || len(got.Media) != 1 {
		t.Errorf("Care holds the reply %+v", got)
	}
	rec = w.finished(t, like)
	if rec["Status__c"] != "Sent" || rec["Target_Message_Id__c"] != "lw_c1" {
		t.Fatalf("quick-action like %v (%v), target id %v", rec["Status__c"], rec["Status_Reason__c"], rec["Target_Message_Id__c"])
	}
	if !w.careMessage("lw", "lw_c1").Liked {
		t.Error("the comment is not liked in Care")
	}
	// The mirror follows: a liked comment offers unlike instead.
	testkit.Eventually(t, 20*time.Second, "unlike offered on the liked comment", func() (bool, string) {
		a := w.mirror(sfID)["lw_c1"]["Allowed_Actions__c"]
		return a == "reply;unlike;hide;delete;ban;unban", fmt.Sprint(a)
	})
	w.quiet(t)
}

func TestResendAfterCrashReturnsTheFirstReply(t *testing.T) {
	t.Parallel()
	w := startActionWorld(t, nil)
	sfID := w.conversation(t, "cr", rules.Facebook, strPtr("agent_ana"), care.Customer{},
		care.Message{ID: "post", Kind: rules.Post, Direction: care.Outbound, Text: "Launch", PostedAt: ago(3 * time.Hour)},
		care.Message{ID: "c1", Kind: rules.Comment, ParentID: strPtr("post"), Text: "Broken", PostedAt: ago(time.Hour)})
	ctx := context.Background()
	// A previous run marked the action Sending, recorded it and sent it to
	// Care, then died before writing the result back. The daemon must pick
	// it up, resend with the same key and get the first reply back.
	// Salesforce refuses queries until that past is in place, so the bridge
	// cannot read the new action first.
	w.sf.InjectFault(sfsim.Fault{Op: sfsim.OpQuery, Status: 503, Rate: 1})
	id := w.stageAction(t, sfID, map[string]any{"Type__c": "reply", "Reply_Mode__c": "public_reply", "Target_Message_Id__c": "cr_c1",
		"Body__c": "On its way", "Status__c": "Sending"})
	rdb := w.redis.Client(t)
	if _, _, err := state.New(rdb, "").BeginAction(ctx, id, "cb-action-"+id, nil); err != nil {
		t.Fatal(err)
	}
	client, err := care.New(care.Config{BaseURL: w.careURL, Token: "tok", Secret: "sec"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	first, err := client.Reply(ctx, "cr", care.ReplyRequest{Mode: rules.PublicReply, InReplyTo: "cr_c1", Text: "On its way"}, "cb-action-"+id)
	if err != nil {
		t.Fatal(err)
	}
	w.sf.ClearFaults()
	rec := w.finished(t, id)
	if rec["Status__c"] != "Sent" || rec["Care_Result_Id__c"] != first.ID {
		t.Fatalf("ended %v with result %v, want Sent %s", rec["Status__c"], rec["Care_Result_Id__c"], first.ID)
	}
	if n := len(w.care.Replies("cr")); n != 1 {
		t.Fatalf("Care holds %d replies, want exactly 1", n)
	}
}

func TestWriteBackFailureNeverSendsTwice(t *testing.T) {
	t.Parallel()
	w := startActionWorld(t, nil)
	sfID := w.conversation(t, "wb", rules.Facebook, strPtr("agent_ana"), care.Customer{},
		care.Message{ID: "post", Kind: rules.Post, Direction: care.Outbound, Text: "Launch", PostedAt: ago(3 * time.Hour)},
		care.Message{ID: "c1", Kind: rules.Comment, ParentID: strPtr("post"), Text: "Broken", PostedAt: ago(time.Hour)})
	w.quiet(t)
	// Salesforce refuses the next writes: the Sending mark and the result
	// write-back fail a few times after Care accepted the reply.
	w.sf.InjectFault(sfsim.Fault{Op: sfsim.OpCollectionsUpdate, Status: 503, Times: 3})
	id := w.act(t, sfID, map[string]any{"Type__c": "reply", "Reply_Mode__c": "public_reply", "Target_Message_Id__c": "wb_c1", "Body__c": "Fixed"})
	rec := w.finished(t, id)
	if rec["Status__c"] != "Sent" {
		t.Fatalf("ended %v: %v", rec["Status__c"], rec["Status_Reason__c"])
	}
	if n := len(w.care.Replies("wb")); n != 1 || w.care.Replies("wb")[0].ID != rec["Care_Result_Id__c"] {
		t.Fatalf("Care holds %d replies (%v), want exactly the one reported", n, w.care.Replies("wb"))
	}
	if len(w.sf.Faults()) != 0 {
		t.Errorf("the injected write failures were not all hit: %v", w.sf.Faults())
	}
}

func TestPermanentCareErrorEndsFailedWithDeadLetter(t *testing.T) {
	t.Parallel()
	w := startActionWorld(t, nil)
	sfID := w.conversation(t, "pf", rules.Facebook, strPtr("agent_ana"), care.Customer{},
		care.Message{ID: "post", Kind: rules.Post, Direction: care.Outbound, Text: "Launch", PostedAt: ago(3 * time.Hour)},
		care.Message{ID: "c1", Kind: rules.Comment, ParentID: strPtr("post"), Text: "Broken", PostedAt: ago(time.Hour)})
	w.care.InjectFault(caresim.Fault{Op: caresim.OpPostReply, Status: 400, Times: 1})
	id := w.act(t, sfID, map[string]any{"Type__c": "reply", "Reply_Mode__c": "public_reply", "Target_Message_Id__c": "pf_c1", "Body__c": "Hi"})
	rec := w.finished(t, id)
	reason, _ := rec["Status_Reason__c"].(string)
	if rec["Status__c"] != "Failed" || rec["Status_Code__c"] != "send_failed" || !strings.Contains(reason, "HTTP 400") {
		t.Fatalf("ended %v %v %q", rec["Status__c"], rec["Status_Code__c"], reason)
	}
	testkit.Eventually(t, 20*time.Second, "the action's dead letter", func() (bool, string) {
		dead, err := w.d.Queue().List(context.Background(), 10)
		for _, d := range dead {
			if d.Key == "action:"+id {
				return true, ""
			}
		}
		return false, fmt.Sprint(dead, err)
	})
	if n := len(w.care.Replies("pf")); n != 0 {
		t.Errorf("%d replies in Care", n)
	}
}

func TestInvalidActionsAreRejectedWithAReason(t *testing.T) {
	t.Parallel()
	w := startActionWorld(t, nil)
	sfID := w.conversation(t, "iv", rules.Facebook, strPtr("agent_ana"), care.Customer{},
		care.Message{ID: "post", Kind: rules.Post, Direction: care.Outbound, Text: "Launch", PostedAt: ago(3 * time.Hour)},
		care.Message{ID: "c1", Kind: rules.Comment, ParentID: strPtr("post"), Text: "Broken", PostedAt: ago(time.Hour)})
	tests := []struct {
		name   string
		fields map[string]any
		code   string
	}{
		{"reply without mode", map[string]any{"Type__c": "reply", "Body__c": "Hi"}, "invalid_action"},
		{"hide without target", map[string]any{"Type__c": "hide"}, "invalid_action"},
		{"unknown target", map[string]any{"Type__c": "like", "Target_Message_Id__c": "nope"}, "target_not_found"},
		{"empty reply", map[string]any{"Type__c": "reply", "Reply_Mode__c": "public_reply", "Target_Message_Id__c": "iv_c1"}, rules.CodeEmptyReply},
		{"profile before any interaction", map[string]any{"Type__c": "set_profile", "Profile_Id__c": "prof_fb"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := w.finished(t, w.act(t, sfID, tt.fields))
			if tt.code == "" {
				if rec["Status__c"] != "Sent" {
					t.Fatalf("ended %v %v %v", rec["Status__c"], rec["Status_Code__c"], rec["Status_Reason__c"])
				}
				return
			}
			if rec["Status__c"] != "Rejected" || rec["Status_Code__c"] != tt.code || rec["Status_Reason__c"] == nil {
				t.Fatalf("ended %v %v %v, want Rejected %s", rec["Status__c"], rec["Status_Code__c"], rec["Status_Reason__c"], tt.code)
			}
		})
	}
}

// TestCareAuthRefusalIsRetried: Care answering 401 or 403 for a while (its
// credentials being rotated) delays a reply; it does not fail it.
func TestCareAuthRefusalIsRetried(t *testing.T) {
	t.Parallel()
	w := startActionWorld(t, nil)
	sfID := w.conversation(t, "au", rules.Facebook, strPtr("agent_ana"), care.Customer{},
		care.Message{ID: "post", Kind: rules.Post, Direction: care.Outbound, Text: "Launch", PostedAt: ago(3 * time.Hour)},
		care.Message{ID: "c1", Kind: rules.Comment, ParentID: strPtr("post"), Text: "Broken", PostedAt: ago(time.Hour)})
	w.care.InjectFault(caresim.Fault{Op: caresim.OpPostReply, Status: 403, Times: 1})
	w.care.InjectFault(caresim.Fault{Op: caresim.OpPostReply, Status: 401, Times: 1})
	id := w.act(t, sfID, map[string]any{"Type__c": "reply", "Reply_Mode__c": "public_reply", "Target_Message_Id__c": "au_c1", "Body__c": "On it"})
	rec := w.finished(t, id)
	if rec["Status__c"] != "Sent" {
		t.Fatalf("ended %v: %v", rec["Status__c"], rec["Status_Reason__c"])
	}
	if calls, replies := w.care.Calls(caresim.OpPostReply), len(w.care.Replies("au")); calls != 3 || replies != 1 {
		t.Errorf("%d reply calls and %d replies; want two refused calls, then one reply", calls, replies)
	}
}

func TestRetryableCareFailuresBackOffThenSendOnce(t *testing.T) {
	t.Parallel()
	w := startActionWorld(t, nil)
	sfID := w.conversation(t, "rt", rules.Facebook, strPtr("agent_ana"), care.Customer{},
		care.Message{ID: "post", Kind: rules.Post, Direction: care.Outbound, Text: "Launch", PostedAt: ago(3 * time.Hour)},
		care.Message{ID: "c1", Kind: rules.Comment, ParentID: strPtr("post"), Text: "Broken", PostedAt: ago(time.Hour)})
	w.care.InjectFault(caresim.Fault{Op: caresim.OpPostReply, Status: 503, Times: 3})
	id := w.act(t, sfID, map[string]any{"Type__c": "reply", "Reply_Mode__c": "public_reply", "Target_Message_Id__c": "rt_c1", "Body__c": "Fixed soon"})
	rec := w.finished(t, id)
	if rec["Status__c"] != "Sent" {
		t.Fatalf("ended %v: %v", rec["Status__c"], rec["Status_Reason__c"])
	}
	if calls, replies := w.care.Calls(caresim.OpPostReply), len(w.care.Replies("rt")); calls != 4 || replies != 1 {
		t.Errorf("%d reply calls and %d replies; want 3 failed calls, then one reply", calls, replies)
	}
	if got := w.metric(t, "carebridge_actions_total", map[string]string{"type": "reply", "result": "retry"}); got != 3 {
		t.Errorf("carebridge_actions_total{reply,retry} = %v, want 3", got)
	}
}

func TestActionFailsWhenCareStaysUnreachable(t *testing.T) {
	t.Parallel()
	w := startActionWorld(t, nil)
	sfID := w.conversation(t, "gu", rules.Facebook, strPtr("agent_ana"), care.Customer{},
		care.Message{ID: "post", Kind: rules.Post, Direction: care.Outbound, Text: "Launch", PostedAt: ago(3 * time.Hour)},
		care.Message{ID: "c1", Kind: rules.Comment, ParentID: strPtr("post"), Text: "Broken", PostedAt: ago(time.Hour)})
	// The action has been trying for 11 minutes (its durable record says
	// so) and Care still answers 503. Salesforce refuses queries until that
	// record is written, so the bridge cannot read the new action first.
	w.care.InjectFault(caresim.Fault{Op: caresim.OpPostReply, Status: 503, Rate: 1})
	w.sf.InjectFault(sfsim.Fault{Op: sfsim.OpQuery, Status: 503, Rate: 1})
	id := w.stageAction(t, sfID, map[string]any{"Type__c": "reply", "Reply_Mode__c": "public_reply", "Target_Message_Id__c": "gu_c1",
		"Body__c": "Hello", "Status__c": "Sending"})
	started := time.Now().Add(-11 * time.Minute)
	_, created, err := state.New(w.redis.Client(t), "", state.WithClock(func() time.Time { return started })).
		BeginAction(context.Background(), id, "cb-action-"+id, nil)
	if err != nil || !created {
		t.Fatalf("begin action: created %v, %v", created, err)
	}
	w.sf.ClearFaults()
	rec := w.finished(t, id)
	reason, _ := rec["Status_Reason__c"].(string)
	if rec["Status__c"] != "Failed" || rec["Status_Code__c"] != "retries_exhausted" || !strings.Contains(reason, "could not be reached") {
		t.Fatalf("ended %v %v %q", rec["Status__c"], rec["Status_Code__c"], reason)
	}
	if n := len(w.care.Replies("gu")); n != 0 {
		t.Errorf("%d replies in Care", n)
	}
}

// TestSendingActionWithoutRecordIsCheckedThenSettledByWhatCareDid: a
// private reply reached Care, then Redis lost the action's record. Sending
// on the record is not trusted without carebridge's own record: the action
// is checked in full, and the rules now refuse it (the comment has its
// private reply); Care shows the reply was posted, so the action ends Sent
// with that reply, and nothing is posted twice.
func TestSendingActionWithoutRecordIsCheckedThenSettledByWhatCareDid(t *testing.T) {
	t.Parallel()
	w := startActionWorld(t, nil)
	sfID := w.conversation(t, "lr", rules.Facebook, strPtr("agent_ana"), care.Customer{},
		care.Message{ID: "post", Kind: rules.Post, Direction: care.Outbound, Text: "Launch", PostedAt: ago(3 * time.Hour)},
		care.Message{ID: "c1", Kind: rules.Comment, ParentID: strPtr("post"), Text: "Broken", PostedAt: ago(time.Hour)})
	// Salesforce refuses queries until the reply exists, so the bridge
	// cannot read the new action first.
	w.sf.InjectFault(sfsim.Fault{Op: sfsim.OpQuery, Status: 503, Rate: 1})
	id := w.stageAction(t, sfID, map[string]any{"Type__c": "reply", "Reply_Mode__c": "private_reply", "Target_Message_Id__c": "lr_c1",
		"Body__c": "Check your inbox", "Status__c": "Sending"})
	client, err := care.New(care.Config{BaseURL: w.careURL, Token: "tok", Secret: "sec"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	first, err := client.Reply(context.Background(), "lr", care.ReplyRequest{Mode: rules.PrivateReply, InReplyTo: "lr_c1", Text: "Check your inbox"}, "cb-action-"+id)
	if err != nil {
		t.Fatal(err)
	}
	w.sf.ClearFaults()
	rec := w.finished(t, id)
	if rec["Status__c"] != "Sent" || rec["Care_Result_Id__c"] != first.ID {
		t.Fatalf("ended %v %v %v, want Sent %s", rec["Status__c"], rec["Status_Code__c"], rec["Care_Result_Id__c"], first.ID)
	}
	if n := len(w.care.Replies("lr")); n != 1 {
		t.Fatalf("Care holds %d replies, want 1", n)
	}
}
