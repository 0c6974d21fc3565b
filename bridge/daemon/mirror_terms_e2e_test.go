package daemon_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/bridge"
	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/daemon"
	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/internal/testkit"
)

// The mirror under the platforms' terms and the customer's rights, end to
// end: the Care sandbox as customers and Care change content, the daemon,
// the Salesforce sandbox and a real Redis.

// maria and tom write on the brand's Facebook page.
var (
	maria = care.Customer{ID: "fb_maria", Handle: "maria.k", Name: "Maria Kovacs"}
	tom   = care.Author{ID: "fb_tom", Handle: "tom.h", Name: "Tom Hart"}
)

// thread is a brand post, maria's comment (with media and a link) and
// tom's reply to it.
func thread() []care.Message {
	return []care.Message{
		{ID: "p", Kind: rules.Post, Direction: care.Outbound, Text: "Our new tent", PostedAt: time.Now().Add(-2 * time.Hour)},
		{ID: "c", Kind: rules.Comment, ParentID: strPtr("p"), Text: "Pole snapped on night one", Media: []string{"https://cdn.example/pole.jpg"},
			Permalink: "https://facebook.example/acme/posts/1?c=1", PostedAt: time.Now().Add(-time.Hour)},
		{ID: "r", Kind: rules.ReplyKind, ParentID: strPtr("c"), Text: "Same here", Author: tom, PostedAt: time.Now().Add(-30 * time.Minute)},
	}
}

// syncOnce runs one Care poll and waits until the work it queued is done:
// what changed in Care is in Salesforce after one sync.
func (w *world) syncOnce(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	if err := w.d.Engine().Triggers().PollCare(ctx); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "the sync queued by the poll done", func() (bool, string) {
		d, err := w.d.Queue().Depth(ctx)
		return err == nil && d.Ready == 0 && d.Processing == 0 && d.Delayed == 0, fmt.Sprintf("%+v", d)
	})
}

// escalateAndSync escalates a conversation of maria's and syncs it once.
func (w *actionWorld) escalateAndSync(t *testing.T, id string, msgs ...care.Message) string {
	t.Helper()
	w.escalateConversation(t, id, rules.Facebook, strPtr("agent_ana"), maria, msgs...)
	w.syncOnce(t)
	return w.mirrored(t, id, len(msgs))
}

// contentOf is what a mirrored message shows of its content and author.
func contentOf(r map[string]any) string {
	var parts []string
	for _, f := range []string{"Text__c", "Media_URLs__c", "Permalink__c", "Author_Handle__c", "Author_Name__c"} {
		if v, ok := r[f]; ok && v != nil {
			parts = append(parts, fmt.Sprintf("%s=%v", f, v))
		}
	}
	return strings.Join(parts, " ")
}

// TestDeletedAndEditedContentFollowsThePlatform: a customer edits their
// comment and the mirror shows the new text only, marked edited; they
// delete it and, after one sync, its record holds no text, media, link,
// handle or name, says who deleted it and when, and keeps its place (the
// reply under it still answers it); the brand deletes the reply through
// Salesforce and it becomes a tombstone "deleted by the brand" too.
func TestDeletedAndEditedContentFollowsThePlatform(t *testing.T) {
	w := startActionWorld(t, manualPolls)
	sfID := w.escalateAndSync(t, "del", thread()...)

	if _, err := w.care.AuthorEdit("del", "del_c", "Pole snapped, shop replaced it", nil); err != nil {
		t.Fatal(err)
	}
	w.syncOnce(t)
	m := w.mirror(sfID)
	if c := m["del_c"]; c["Text__c"] != "Pole snapped, shop replaced it" || c["Edited_At__c"] == nil || c["Deleted__c"] != false {
		t.Errorf("edited comment mirrored as %v", c)
	}
	for _, r := range w.sf.Records("Care_Message__c") {
		if strings.Contains(fmt.Sprint(r), "Pole snapped on night one") {
			t.Errorf("the original text is still in Salesforce: %v", r)
		}
	}

	if _, err := w.care.AuthorDelete("del", "del_c"); err != nil {
		t.Fatal(err)
	}
	w.syncOnce(t)
	m = w.mirror(sfID)
	c := m["del_c"]
	if got := contentOf(c); got != "" || c["Deleted__c"] != true || c["Deleted_By__c"] != "author" || c["Deleted_At__c"] == nil {
		t.Errorf("comment its author deleted: content %q, record %v; want none, deleted by its author, when", got, c)
	}
	if len(m) != 3 || m["del_r"]["Parent_Message_Id__c"] != "del_c" || m["del_r"]["Text__c"] != "Same here" || m["del_c"]["Kind__c"] != "comment" {
		t.Errorf("the thread did not stay in place: %d records, reply %v", len(m), m["del_r"])
	}

	action := w.act(t, sfID, map[string]any{"Type__c": "delete", "Target_Message_Id__c": "del_r"})
	if err := w.d.Engine().Triggers().PollSalesforce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if rec := w.finished(t, action); rec["Status__c"] != "Sent" {
		t.Fatalf("the brand's delete ended %v", rec)
	}
	w.syncOnce(t)
	r := w.mirror(sfID)["del_r"]
	if got := contentOf(r); got != "" || r["Deleted_By__c"] != "brand" || r["Deleted_At__c"] == nil {
		t.Errorf("reply the brand deleted: content %q, record %v; want none, deleted by the brand", got, r)
	}
	if n := len(w.sf.Records("Care_Message__c")); n != 3 {
		t.Errorf("%d mirrored messages, want 3: tombstones keep their place", n)
	}
	w.quiet(t)
}

// TestBrandDeletedContentStaysWhenTheMappingKeepsIt: an org whose
// agreements let it keep moderated content says so in the mapping; a
// message the brand deletes then keeps its content, marked deleted by the
// brand, while one its author deletes still leaves.
func TestBrandDeletedContentStaysWhenTheMappingKeepsIt(t *testing.T) {
	file := filepath.Join(t.TempDir(), "mapping.yaml")
	keep := strings.Replace(string(configs.Mapping()), "brand_deleted: remove", "brand_deleted: keep", 1)
	if err := os.WriteFile(file, []byte(keep), 0o600); err != nil {
		t.Fatal(err)
	}
	w := startActionWorld(t, func(c *config.Config) { manualPolls(c); c.Mapping.File = file })
	sfID := w.escalateAndSync(t, "keep", thread()...)
	action := w.act(t, sfID, map[string]any{"Type__c": "delete", "Target_Message_Id__c": "keep_r"})
	if err := w.d.Engine().Triggers().PollSalesforce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if rec := w.finished(t, action); rec["Status__c"] != "Sent" {
		t.Fatalf("the brand's delete ended %v", rec)
	}
	if _, err := w.care.AuthorDelete("keep", "keep_c"); err != nil {
		t.Fatal(err)
	}
	w.syncOnce(t)
	m := w.mirror(sfID)
	if r := m["keep_r"]; r["Text__c"] != "Same here" || r["Author_Handle__c"] != "tom.h" || r["Deleted_By__c"] != "brand" || r["Deleted__c"] != true {
		t.Errorf("brand-deleted reply under brand_deleted: keep: %v", r)
	}
	if got := contentOf(m["keep_c"]); got != "" {
		t.Errorf("the comment its author deleted kept %q", got)
	}
}

// TestWithheldAccountsAreHiddenAndComeBack: when Care reports a customer's
// account protected, every message of theirs in every case loses its
// content in Salesforce (others' stay); when the account is public again,
// the content comes back.
func TestWithheldAccountsAreHiddenAndComeBack(t *testing.T) {
	w := startActionWorld(t, manualPolls)
	a := w.escalateAndSync(t, "wa", thread()...)
	b := w.escalateAndSync(t, "wb", care.Message{ID: "dm", Kind: rules.DirectMessageKind, Text: "Order 1042?"})

	if _, err := w.care.SetAccountState(rules.Facebook, maria.ID, care.AccountProtected); err != nil {
		t.Fatal(err)
	}
	w.syncOnce(t)
	ma, mb := w.mirror(a), w.mirror(b)
	for _, r := range []map[string]any{ma["wa_c"], mb["wb_dm"]} {
		if got := contentOf(r); got != "" || r["Withheld__c"] != "account_protected" || r["Deleted__c"] != false {
			t.Errorf("a protected account's message: content %q, record %v", got, r)
		}
	}
	if ma["wa_r"]["Text__c"] != "Same here" || ma["wa_p"]["Text__c"] != "Our new tent" || len(ma) != 3 {
		t.Errorf("others' messages changed: %v / %v", ma["wa_r"], ma["wa_p"])
	}

	if _, err := w.care.SetAccountState(rules.Facebook, maria.ID, care.AccountActive); err != nil {
		t.Fatal(err)
	}
	w.syncOnce(t)
	if c := w.mirror(a)["wa_c"]; c["Text__c"] != "Pole snapped on night one" || c["Author_Handle__c"] != "maria.k" || c["Withheld__c"] != nil {
		t.Errorf("public again: %v", c)
	}
	if dm := w.mirror(b)["wb_dm"]; dm["Text__c"] != "Order 1042?" {
		t.Errorf("public again: %v", dm)
	}
	w.quiet(t)
}

// TestRetentionRemovesOnlyTheMessagesOfLongClosedCases: once a case has
// been closed on both sides for retention.mirrored_messages (and retired),
// the sweep deletes its mirrored messages from Salesforce; its Case, notes
// and actions stay, and an open case's messages are untouched.
func TestRetentionRemovesOnlyTheMessagesOfLongClosedCases(t *testing.T) {
	w := startActionWorld(t, func(c *config.Config) {
		manualPolls(c)
		c.Retention.ClosedCases, c.Retention.MirroredMessages = time.Second, 2*time.Second
	})
	ctx := context.Background()
	old := w.escalateAndSync(t, "old", thread()...)
	open := w.escalateAndSync(t, "open", thread()...)
	if _, err := w.care.UIAddNote("old", "agent_ana", "Replacement pole sent"); err != nil {
		t.Fatal(err)
	}
	action := w.act(t, old, map[string]any{"Type__c": "like", "Target_Message_Id__c": "old_c"})
	if err := w.d.Engine().Triggers().PollSalesforce(ctx); err != nil {
		t.Fatal(err)
	}
	if rec := w.finished(t, action); rec["Status__c"] != "Sent" {
		t.Fatalf("like ended %v", rec)
	}
	if err := w.care.UISetStatus("old", rules.Done); err != nil {
		t.Fatal(err)
	}
	w.syncOnce(t)
	if r := w.sfCase("old"); r["Status"] != "Closed" {
		t.Fatalf("old Case %v, want Closed", r["Status"])
	}
	comments := func() int {
		n := 0
		for _, r := range w.sf.Records("CaseComment") {
			if r["ParentId"] == old {
				n++
			}
		}
		return n
	}
	if comments() != 1 {
		t.Fatalf("%d notes on the old Case, want 1", comments())
	}
	testkit.Eventually(t, 20*time.Second, "the old case's messages removed by the sweep", func() (bool, string) {
		if err := w.d.Engine().Triggers().Sweep(ctx); err != nil {
			return false, err.Error()
		}
		return len(w.mirror(old)) == 0, fmt.Sprintf("%d left", len(w.mirror(old)))
	})
	if w.sfCase("old") == nil || comments() != 1 {
		t.Errorf("the Case or its note went with the messages")
	}
	if rec, ok := w.sf.Record("Care_Action__c", action); !ok || rec["Status__c"] != "Sent" || rec["Target_Message_Id__c"] != "old_c" {
		t.Errorf("the action went with the messages: %v", rec)
	}
	if m := w.mirror(open); len(m) != 3 || m["open_c"]["Text__c"] != "Pole snapped on night one" {
		t.Errorf("the open case's mirror changed: %d records", len(m))
	}
	if n := w.metric(t, "carebridge_mirror_messages_removed_total", map[string]string{"reason": "retention"}); n != 3 {
		t.Errorf("carebridge_mirror_messages_removed_total{reason=retention} = %v, want 3", n)
	}
	// Sweeping again removes nothing more.
	if err := w.d.Engine().Triggers().Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if m := w.mirror(open); len(m) != 3 {
		t.Errorf("a second sweep touched the open case: %d records", len(m))
	}
}

// TestErasureRemovesOneCustomerAndNobodyElse: a dry run lists maria's
// mirrored messages and changes nothing; the erasure (through the admin
// API) empties every one of them in Salesforce, in her cases and in
// another customer's thread she wrote in, drops every identifier of hers
// from Redis and records the erasure without naming her; tom's messages
// and history stay. A case of hers that was closed and retired reopens
// with a new message: it syncs again, the new message appears, and the
// erased ones stay erased.
func TestErasureRemovesOneCustomerAndNobodyElse(t *testing.T) {
	w := startActionWorld(t, func(c *config.Config) {
		manualPolls(c)
		withAdmin(c)
		c.Retention.ClosedCases = time.Second
	})
	ctx := context.Background()
	st := state.New(w.redis.Client(t), w.cfg.Redis.Prefix)
	gone := w.escalateAndSync(t, "er1", thread()...)
	dm := w.escalateAndSync(t, "er2", care.Message{ID: "dm", Kind: rules.DirectMessageKind, Text: "Order 1042?", Media: []string{"https://cdn.example/receipt.png"}})
	// Tom's own case, where maria answers him.
	w.escalateConversation(t, "er3", rules.Facebook, strPtr("agent_ana"), care.Customer{ID: tom.ID, Handle: tom.Handle, Name: tom.Name},
		care.Message{ID: "t", Kind: rules.Comment, Text: "Where is my refund?"},
		care.Message{ID: "m", Kind: rules.ReplyKind, ParentID: strPtr("t"), Text: "Ask for Lee at the shop", Author: care.Author{ID: maria.ID, Handle: maria.Handle, Name: maria.Name}})
	w.syncOnce(t)
	toms := w.mirrored(t, "er3", 2)
	// History that names them: a conflict on the description of each.
	for _, e := range []state.AuditEntry{{Case: "er1", Field: "description", From: "Complaint from Maria Kovacs", To: "complaint", Resolution: "conflict_care"},
		{Case: "er3", Field: "description", From: "Complaint from tom.h", To: "complaint", Resolution: "conflict_care"}} {
		if _, err := st.Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	// er1 closes and is retired before the erasure.
	if err := w.care.UISetStatus("er1", rules.Done); err != nil {
		t.Fatal(err)
	}
	w.syncOnce(t)
	testkit.Eventually(t, 20*time.Second, "er1 retired", func() (bool, string) {
		if err := w.d.Engine().Triggers().Sweep(ctx); err != nil {
			return false, err.Error()
		}
		_, linked, err := st.SalesforceCase(ctx, "er1")
		return err == nil && !linked, ""
	})

	before := w.sf.Records("Care_Message__c")
	dry, err := daemon.Erase(ctx, w.cfg, bridge.ErasureRequest{Platform: rules.Facebook, Handle: "@maria.k", DryRun: true}, logger(t))
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, c := range dry.Cases {
		listed = append(listed, c.Messages...)
	}
	slices.Sort(listed)
	if !dry.DryRun || dry.Messages != 3 || !slices.Equal(listed, []string{"er1_c", "er2_dm", "er3_m"}) || dry.HistoryEntries != 2 || dry.ID != "" {
		t.Errorf("dry run = %+v, want maria's 3 messages in 3 Cases and 2 history entries (the audit stream's and the case timeline's)", dry)
	}
	if after := w.sf.Records("Care_Message__c"); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Error("the dry run changed Salesforce")
	}

	code, rep := adminCall(t, w.d, adminToken, http.MethodPost, "/admin/api/erasure", map[string]any{"platform": "facebook", "customer_id": maria.ID})
	if code != http.StatusOK || rep["messages"] != float64(3) || rep["id"] == "" || rep["dry_run"] != false {
		t.Fatalf("erasure: %d %v", code, rep)
	}
	if code, bad := adminCall(t, w.d, adminToken, http.MethodPost, "/admin/api/erasure", map[string]any{"platform": "facebook"}); code != http.StatusBadRequest || !strings.Contains(fmt.Sprint(bad["error"]), "customer") {
		t.Errorf("an erasure naming nobody: %d %v, want 400 saying what is missing", code, bad)
	}
	for id, r := range map[string]map[string]any{"er1_c": w.mirror(gone)["er1_c"], "er2_dm": w.mirror(dm)["er2_dm"], "er3_m": w.mirror(toms)["er3_m"]} {
		if got := contentOf(r); got != "" || r["Withheld__c"] != "erased" || r["Author_Key__c"] != nil {
			t.Errorf("%s after the erasure: content %q, record %v", id, got, r)
		}
	}
	if m := w.mirror(toms); m["er3_t"]["Text__c"] != "Where is my refund?" || m["er3_t"]["Author_Handle__c"] != "tom.h" || m["er3_m"]["Parent_Message_Id__c"] != "er3_t" {
		t.Errorf("tom's message changed: %v", m["er3_t"])
	}
	if m := w.mirror(gone); m["er1_r"]["Text__c"] != "Same here" || m["er1_p"]["Text__c"] != "Our new tent" {
		t.Errorf("others' messages in maria's case changed: %v %v", m["er1_r"], m["er1_p"])
	}
	w.quiet(t) // the queued cases sync; nothing comes back
	names := []string{maria.ID, maria.Handle, maria.Name, "Maria"}
	for _, r := range w.sf.Records("Care_Message__c") {
		for _, n := range names {
			if strings.Contains(fmt.Sprint(r), n) {
				t.Errorf("Salesforce still names maria (%q): %v", n, r)
			}
		}
	}
	redisNames(t, w, names, true)
	redisNames(t, w, []string{"tom.h"}, false)
	audit, err := st.RecentAudit(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	erased := 0
	for _, a := range audit {
		if a.Resolution == "erased" {
			erased++
			if a.Case != "" || !strings.Contains(a.To, fmt.Sprint(rep["id"])) {
				t.Errorf("erasure audit entry %+v: want the erasure id and no case", a)
			}
		}
	}
	if erased != 1 {
		t.Errorf("%d erasure entries in the audit, want 1", erased)
	}

	// The retired case reopens: maria writes again.
	if _, err := w.care.CustomerMessage("er1", care.Message{ID: "er1_c2", Kind: rules.Comment, ParentID: strPtr("er1_p"), Text: "Any news on the pole?"}); err != nil {
		t.Fatal(err)
	}
	w.syncOnce(t)
	testkit.Eventually(t, 20*time.Second, "er1 linked and syncing again", func() (bool, string) {
		m := w.mirror(gone)
		return m["er1_c2"]["Text__c"] == "Any news on the pole?", fmt.Sprint(m["er1_c2"])
	})
	if c := w.mirror(gone)["er1_c"]; contentOf(c) != "" || c["Withheld__c"] != "erased" {
		t.Errorf("the reopened case brought erased content back: %v", c)
	}
	if dm := w.mirror(dm)["er2_dm"]; contentOf(dm) != "" {
		t.Errorf("the erased DM came back: %v", dm)
	}
}

// redisNames fails t unless every value in Redis is free of the names
// (absent) or one of them shows somewhere (present).
func redisNames(t *testing.T, w *actionWorld, names []string, absent bool) {
	t.Helper()
	ctx := context.Background()
	rdb := w.redis.Client(t)
	keys, err := rdb.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	var dump strings.Builder
	for _, k := range keys {
		typ, err := rdb.Type(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		var v any
		switch typ {
		case "string":
			v, err = rdb.Get(ctx, k).Result()
		case "hash":
			v, err = rdb.HGetAll(ctx, k).Result()
		case "set":
			v, err = rdb.SMembers(ctx, k).Result()
		case "zset":
			v, err = rdb.ZRange(ctx, k, 0, -1).Result()
		case "list":
			v, err = rdb.LRange(ctx, k, 0, -1).Result()
		case "stream":
			v, err = rdb.XRange(ctx, k, "-", "+").Result()
		}
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&dump, "%s %v\n", k, v)
	}
	for _, n := range names {
		if found := strings.Contains(dump.String(), n); found == absent {
			t.Errorf("Redis holds %q: %v, want %v", n, found, !absent)
		}
	}
}
