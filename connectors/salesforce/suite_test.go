package salesforce

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/connectors/upstream"
)

// target is an org the suite runs against: the sandbox, or a real org.
type target struct {
	name    string
	client  *Client
	reg     *prometheus.Registry
	logs    *syncBuffer
	secrets []string // must never show in logs or errors
	// prefix makes the external ids and subjects of this run unique.
	prefix string
	// cleanup deletes what a subtest created (a real org keeps it).
	cleanup bool
	// grantViewSetup gives the integration user View Setup and
	// Configuration (nil on a real org: the suite does not change it).
	grantViewSetup func(t *testing.T)
}

// suite is the connector test suite; it runs against the sandbox and,
// when CAREBRIDGE_SF_* variables are set, against a real org.
func suite(t *testing.T, tg target) {
	ctx := t.Context()
	c := tg.client

	t.Run("CRUD", func(t *testing.T) {
		ext := tg.prefix + "-crud"
		id, err := c.Create(ctx, "Case", Record{"Subject": "crud " + tg.prefix, "Care_Case_Id__c": ext})
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		tg.deleteLater(t, "Case", id)
		got, err := c.Get(ctx, "Case", id, []string{"Id", "Subject", "Care_Case_Id__c", "SystemModstamp"})
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if got.ID() != id || got.String("Subject") != "crud "+tg.prefix || got.String("Care_Case_Id__c") != ext {
			t.Fatalf("Get = %v", got)
		}
		if mod, err := got.Time("SystemModstamp"); err != nil || mod.IsZero() {
			t.Fatalf("SystemModstamp %v: %v", got["SystemModstamp"], err)
		}
		if err := c.Update(ctx, "Case", id, Record{"Subject": "updated"}); err != nil {
			t.Fatalf("Update: %v", err)
		}
		byExt, err := c.GetByExternalID(ctx, "Case", "Care_Case_Id__c", ext, []string{"Id", "Subject"})
		if err != nil {
			t.Fatalf("GetByExternalID: %v", err)
		}
		if byExt.ID() != id || byExt.String("Subject") != "updated" {
			t.Fatalf("GetByExternalID = %v, want id %s with the update", byExt, id)
		}
		upID, created, err := c.Upsert(ctx, "Case", "Care_Case_Id__c", ext, Record{"Subject": "upserted"})
		if err != nil || created || upID != id {
			t.Fatalf("Upsert existing = %s, %v, %v; want %s, false", upID, created, err, id)
		}
		newExt := tg.prefix + "-crud-new"
		newID, created, err := c.Upsert(ctx, "Case", "Care_Case_Id__c", newExt, Record{"Subject": "fresh"})
		if err != nil || !created || newID == "" || newID == id {
			t.Fatalf("Upsert new = %s, %v, %v; want a new id, created", newID, created, err)
		}
		tg.deleteLater(t, "Case", newID)
		if r, err := c.Get(ctx, "Case", newID, []string{"Care_Case_Id__c"}); err != nil || r.String("Care_Case_Id__c") != newExt {
			t.Fatalf("Get upserted = %v, %v", r, err)
		}
		if err := c.Delete(ctx, "Case", newID); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		_, err = c.Get(ctx, "Case", newID, nil)
		if !IsNotFound(err) || upstream.ClassOf(err) != upstream.Permanent {
			t.Fatalf("Get deleted: %v; want a permanent not-found error", err)
		}
		if !strings.Contains(err.Error(), newID) {
			t.Errorf("error %q does not name the record", err)
		}
		odd := tg.prefix + " odd 'ext' id ü+%&?#"
		oddID, created, err := c.Upsert(ctx, "Case", "Care_Case_Id__c", odd, Record{"Subject": "odd"})
		if err != nil || !created {
			t.Fatalf("Upsert with an external id needing escapes = %s, %v, %v", oddID, created, err)
		}
		tg.deleteLater(t, "Case", oddID)
		if r, err := c.GetByExternalID(ctx, "Case", "Care_Case_Id__c", odd, []string{"Id", "Care_Case_Id__c"}); err != nil || r.ID() != oddID || r.String("Care_Case_Id__c") != odd {
			t.Fatalf("GetByExternalID(%q) = %v, %v", odd, r, err)
		}
		if _, err := c.GetByExternalID(ctx, "Case", "Care_Case_Id__c", tg.prefix+"-nobody", nil); !IsNotFound(err) {
			t.Fatalf("GetByExternalID of nothing: %v; want not found", err)
		}
	})

	t.Run("QueryPaging", func(t *testing.T) {
		const n = 450 // three pages of 200
		marker := tg.prefix + " paging"
		records := make([]Record, n)
		for i := range records {
			records[i] = Record{"Subject": marker, "Care_Case_Id__c": fmt.Sprintf("%s-page-%03d", tg.prefix, i)}
		}
		res, err := c.CreateMany(ctx, "Case", records)
		tg.deleteResultsLater(t, res)
		if err != nil {
			t.Fatalf("CreateMany: %v", err)
		}
		before := requests(t, tg.reg, OpQuery)
		got, err := c.Query(ctx, soql.Select("Id", "Care_Case_Id__c").From("Case").Where(soql.Eq("Subject", marker)).OrderBy("Care_Case_Id__c"))
		if err != nil {
			t.Fatalf("Query: %v", err)
		}
		if pages := requests(t, tg.reg, OpQuery) - before; pages < 3 {
			t.Errorf("query used %v pages, want >= 3", pages)
		}
		seen := map[string]bool{}
		for i, r := range got {
			if seen[r.ID()] {
				t.Fatalf("record %s returned twice", r.ID())
			}
			seen[r.ID()] = true
			if want := fmt.Sprintf("%s-page-%03d", tg.prefix, i); r.String("Care_Case_Id__c") != want {
				t.Fatalf("record %d is %s, want %s", i, r.String("Care_Case_Id__c"), want)
			}
		}
		if len(got) != n {
			t.Fatalf("Query returned %d records, want %d", len(got), n)
		}
	})

	t.Run("ChangedOverlap", func(t *testing.T) {
		marker := tg.prefix + " changed"
		where := soql.Eq("Subject", marker)
		var ids []string
		for i := range 3 {
			id, err := c.Create(ctx, "Case", Record{"Subject": marker, "Care_Case_Id__c": fmt.Sprintf("%s-chg-%d", tg.prefix, i)})
			if err != nil {
				t.Fatalf("Create: %v", err)
			}
			tg.deleteLater(t, "Case", id)
			ids = append(ids, id)
		}
		fields := []string{"Subject", "Description"}
		first, wm, err := c.Changed(ctx, "Case", fields, Watermark{Time: time.Now().Add(-time.Hour)}, where)
		if err != nil {
			t.Fatalf("Changed: %v", err)
		}
		if got := recordIDs(first); !sameSet(got, ids) {
			t.Fatalf("first poll = %v, want %v", got, ids)
		}
		before := requests(t, tg.reg, OpQuery)
		again, wm2, err := c.Changed(ctx, "Case", fields, wm, where)
		if err != nil {
			t.Fatalf("Changed again: %v", err)
		}
		if len(again) != 0 {
			t.Fatalf("second poll within the overlap returned %v, want nothing new", recordIDs(again))
		}
		if calls := requests(t, tg.reg, OpQuery) - before; calls != 1 {
			t.Errorf("empty poll cost %v query calls, want 1", calls)
		}
		// No waiting for the next second: an org stamps whole seconds, and
		// a selected value that changed is news even under the same stamp.
		if err := c.Update(ctx, "Case", ids[1], Record{"Description": "touched"}); err != nil {
			t.Fatalf("Update: %v", err)
		}
		third, _, err := c.Changed(ctx, "Case", fields, wm2, where)
		if err != nil {
			t.Fatalf("Changed third: %v", err)
		}
		if got := recordIDs(third); len(got) != 1 || got[0] != ids[1] {
			t.Fatalf("poll after one update = %v, want [%s]", got, ids[1])
		}
	})

	t.Run("CollectionsPartialFailure", func(t *testing.T) {
		taken := tg.prefix + "-coll-taken"
		takenID, err := c.Create(ctx, "Case", Record{"Subject": "taken", "Care_Case_Id__c": taken})
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		tg.deleteLater(t, "Case", takenID)

		res, err := c.CreateMany(ctx, "Case", []Record{
			{"Subject": "a", "Care_Case_Id__c": tg.prefix + "-coll-a"},
			{"Subject": "dup", "Care_Case_Id__c": taken},
			{"Subject": "c", "Care_Case_Id__c": tg.prefix + "-coll-c"},
		})
		tg.deleteResultsLater(t, res)
		if err != nil {
			t.Fatalf("CreateMany: %v", err)
		}
		if res[0].Err != nil || res[0].ID == "" || res[2].Err != nil || res[2].ID == "" {
			t.Fatalf("good records failed: %+v", res)
		}
		if Code(res[1].Err) != CodeDuplicateValue || upstream.ClassOf(res[1].Err) != upstream.Permanent {
			t.Fatalf("duplicate record result = %+v, want permanent DUPLICATE_VALUE", res[1])
		}
		if !strings.Contains(res[1].Err.Error(), "record 1") {
			t.Errorf("error %q does not say which record", res[1].Err)
		}
		for _, i := range []int{0, 2} {
			r, err := c.Get(ctx, "Case", res[i].ID, []string{"Subject"})
			if err != nil || r.String("Subject") != []string{"a", "", "c"}[i] {
				t.Fatalf("record %d in Salesforce = %v, %v", i, r, err)
			}
		}

		up, err := c.UpsertMany(ctx, "Case", "Care_Case_Id__c", []Record{
			{"Care_Case_Id__c": tg.prefix + "-coll-up-new", "Subject": "new"},
			{"Care_Case_Id__c": taken, "Subject": "taken, upserted"},
			{"Subject": "no external id"},
		})
		tg.deleteResultsLater(t, up)
		if err != nil {
			t.Fatalf("UpsertMany: %v", err)
		}
		if up[0].Err != nil || !up[0].Created || up[1].Err != nil || up[1].Created || up[1].ID != takenID {
			t.Fatalf("UpsertMany results = %+v", up)
		}
		if upstream.ClassOf(up[2].Err) != upstream.Permanent {
			t.Fatalf("record without external id: %v", up[2].Err)
		}

		if err := c.Delete(ctx, "Case", res[2].ID); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		upd, err := c.UpdateMany(ctx, "Case", []Record{
			{"Id": res[0].ID, "Subject": "a2"},
			{"Id": res[2].ID, "Subject": "deleted meanwhile"},
			{"Subject": "no id"},
			{"Id": takenID, "Subject": "taken2"},
		})
		if err != nil {
			t.Fatalf("UpdateMany: %v", err)
		}
		if upd[0].Err != nil || upd[3].Err != nil {
			t.Fatalf("good updates failed: %+v", upd)
		}
		if upstream.ClassOf(upd[1].Err) != upstream.Permanent || Code(upd[1].Err) != CodeEntityIsDeleted || !strings.Contains(upd[1].Err.Error(), res[2].ID) {
			t.Fatalf("update of a deleted record: %v", upd[1].Err)
		}
		if upstream.ClassOf(upd[2].Err) != upstream.Permanent {
			t.Fatalf("update without id: %v", upd[2].Err)
		}
		if r, err := c.Get(ctx, "Case", takenID, []string{"Subject"}); err != nil || r.String("Subject") != "taken2" {
			t.Fatalf("record after UpdateMany = %v, %v", r, err)
		}
	})

	t.Run("SOQLInjection", func(t *testing.T) {
		evil := `x' OR Subject != 'y`
		marker := tg.prefix + "-inj"
		var ids []string
		for i, subject := range []string{evil, "y", `back\slash`} {
			id, err := c.Create(ctx, "Case", Record{"Subject": subject, "Care_Case_Id__c": fmt.Sprintf("%s-%d", marker, i)})
			if err != nil {
				t.Fatalf("Create: %v", err)
			}
			tg.deleteLater(t, "Case", id)
			ids = append(ids, id)
		}
		mine := soql.In("Care_Case_Id__c", marker+"-0", marker+"-1", marker+"-2")
		tests := []struct {
			value string
			want  []string
		}{
			{evil, ids[:1]},
			{`nothing' OR Subject != '`, nil},
			{`back\slash`, ids[2:3]},
			{`y`, ids[1:2]},
		}
		for _, tt := range tests {
			got, err := c.Query(ctx, soql.Select("Id").From("Case").Where(soql.And(soql.Eq("Subject", tt.value), mine)))
			if err != nil {
				t.Fatalf("Query %q: %v", tt.value, err)
			}
			if !sameSet(recordIDs(got), tt.want) {
				t.Errorf("Subject = %q matched %v, want %v", tt.value, recordIDs(got), tt.want)
			}
		}
	})

	t.Run("Describe", func(t *testing.T) {
		d, err := c.Describe(ctx, "Case")
		if err != nil {
			t.Fatalf("Describe: %v", err)
		}
		ext, ok := d.Field("Care_Case_Id__c")
		if !ok || !ext.ExternalID || !ext.Updateable {
			t.Errorf("Care_Case_Id__c = %+v, %v; want an updateable external id", ext, ok)
		}
		status, ok := d.Field("Status")
		if !ok || status.Type != "picklist" || len(status.PicklistValues) == 0 {
			t.Errorf("Status = %+v; want a picklist with values", status)
		}
		if id, ok := d.Field("Id"); !ok || id.Updateable {
			t.Errorf("Id = %+v; want a read-only field", id)
		}
		if _, err := c.Describe(ctx, "No_Such_Object__c"); upstream.ClassOf(err) != upstream.Permanent {
			t.Errorf("Describe of a missing object: %v", err)
		}
	})

	t.Run("CaseStatuses", func(t *testing.T) {
		statuses, err := c.CaseStatuses(ctx)
		if err != nil {
			t.Fatalf("CaseStatuses: %v", err)
		}
		var defaults, closed, open int
		for _, s := range statuses {
			if s.Label == "" {
				t.Errorf("status without label: %+v", s)
			}
			if s.IsDefault {
				defaults++
			}
			if s.IsClosed {
				closed++
			} else {
				open++
			}
		}
		if defaults != 1 || closed == 0 || open == 0 {
			t.Errorf("statuses %+v: want one default, some closed, some open", statuses)
		}
	})

	t.Run("UserID", func(t *testing.T) {
		id, err := c.UserID(ctx)
		if err != nil || !ValidID(id) {
			t.Fatalf("UserID = %q, %v", id, err)
		}
		users, err := c.Query(ctx, soql.Select("Id", "IsActive").From("User").Where(soql.Eq("Id", id)))
		if err != nil || len(users) != 1 || !users[0].Bool("IsActive") {
			t.Fatalf("the integration user %s: %v, %v; want one active user", id, users, err)
		}
	})

	t.Run("LimitsAndUsage", func(t *testing.T) {
		used, max := c.Usage()
		if max <= 0 || used <= 0 || used > max {
			t.Errorf("Usage() = %d/%d after calls", used, max)
		}
		// Every response's Sforce-Limit-Info header feeds the gauges: no
		// call to /limits needed.
		if got, want := gauge(t, tg.reg, "carebridge_salesforce_api_usage_ratio"), float64(used)/float64(max); got != want {
			t.Errorf("usage ratio gauge = %v, want %v", got, want)
		}
		// /limits needs View Setup and Configuration, which the shipped
		// integration permission set does not grant (carebridge reads the
		// usage from the header above instead). A user with it gets the
		// limits; one without gets a permanent refusal, never a retry.
		limits, err := c.Limits(ctx)
		if err != nil {
			var ue *upstream.Error
			if !errors.As(err, &ue) || ue.Class != upstream.Permanent || (ue.Status != http.StatusForbidden && ue.Status != http.StatusBadRequest) {
				t.Fatalf("Limits without View Setup: %v; want a permanent 403 refusal", err)
			}
			t.Logf("Limits refused (the integration user lacks View Setup): %v", err)
			if tg.grantViewSetup == nil {
				return
			}
			tg.grantViewSetup(t)
			if limits, err = c.Limits(ctx); err != nil {
				t.Fatalf("Limits with View Setup: %v", err)
			}
		}
		daily, ok := limits["DailyApiRequests"]
		if !ok || daily.Max <= 0 || daily.Remaining > daily.Max {
			t.Fatalf("DailyApiRequests = %+v, %v", daily, ok)
		}
		if _, max := c.Usage(); max != daily.Max {
			t.Errorf("Usage max %d, limits max %d", max, daily.Max)
		}
		if got := gauge(t, tg.reg, "carebridge_salesforce_api_usage_limit"); got != float64(daily.Max) {
			t.Errorf("usage limit gauge = %v, want %d", got, daily.Max)
		}
	})

	t.Run("LocalValidation", func(t *testing.T) {
		tests := []struct {
			name string
			call func() error
		}{
			{"bad object", func() error { _, err := c.Get(ctx, "Case/../User", "500000000000000AAA", nil); return err }},
			{"bad id", func() error { _, err := c.Get(ctx, "Case", "../limits", nil); return err }},
			{"bad field", func() error { _, err := c.Get(ctx, "Case", "500000000000000AAA", []string{"Id,Name"}); return err }},
			{"bad body field", func() error { _, err := c.Create(ctx, "Case", Record{"Subject\"": "x"}); return err }},
			{"empty external id", func() error { _, _, err := c.Upsert(ctx, "Case", "Care_Case_Id__c", "", nil); return err }},
			{"bad query", func() error { _, err := c.Query(ctx, soql.Select("Id").From("Case;")); return err }},
		}
		for _, tt := range tests {
			before := requests(t, tg.reg, "")
			err := tt.call()
			if upstream.ClassOf(err) != upstream.Permanent {
				t.Errorf("%s: %v; want a permanent error", tt.name, err)
			}
			if requests(t, tg.reg, "") != before {
				t.Errorf("%s: a request was sent", tt.name)
			}
		}
	})

	t.Run("NoSecretInLogs", func(t *testing.T) {
		secrets := append([]string(nil), tg.secrets...)
		if tok := tg.client.auth.current.token; tok != "" {
			secrets = append(secrets, tok)
		}
		assertNoSecrets(t, tg.logs.String(), secrets)
	})
}

// deleteLater removes a record at the end of the test (real orgs only).
func (tg target) deleteLater(t *testing.T, object, id string) {
	if !tg.cleanup || id == "" {
		return
	}
	t.Cleanup(func() { _ = tg.client.Delete(context.Background(), object, id) })
}

func (tg target) deleteResultsLater(t *testing.T, res []Result) {
	for _, r := range res {
		if r.Err == nil {
			tg.deleteLater(t, "Case", r.ID)
		}
	}
}

// orgTarget builds the real-org target from CAREBRIDGE_SF_* variables.
func orgTarget(t *testing.T) (target, bool) {
	login := os.Getenv("CAREBRIDGE_SF_LOGIN_URL")
	if login == "" {
		return target{}, false
	}
	auth := Auth{
		Method:       envOr("CAREBRIDGE_SF_AUTH", AuthClientCredentials),
		ClientID:     os.Getenv("CAREBRIDGE_SF_CLIENT_ID"),
		ClientSecret: os.Getenv("CAREBRIDGE_SF_CLIENT_SECRET"),
		Username:     os.Getenv("CAREBRIDGE_SF_USERNAME"),
		Password:     os.Getenv("CAREBRIDGE_SF_PASSWORD"),
		RefreshToken: os.Getenv("CAREBRIDGE_SF_REFRESH_TOKEN"),
	}
	if f := os.Getenv("CAREBRIDGE_SF_PRIVATE_KEY_FILE"); f != "" {
		pem, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("CAREBRIDGE_SF_PRIVATE_KEY_FILE: %v", err)
		}
		auth.PrivateKeyPEM = string(pem)
	}
	cfg := Config{
		LoginURL:       login,
		InstanceURL:    os.Getenv("CAREBRIDGE_SF_INSTANCE_URL"),
		APIVersion:     os.Getenv("CAREBRIDGE_SF_API_VERSION"),
		Auth:           auth,
		Timeout:        60 * time.Second,
		QueryBatchSize: 200,
	}
	tg := newTarget(t, "org", cfg)
	tg.cleanup = true
	tg.secrets = nonEmpty(auth.ClientSecret, auth.Password, auth.RefreshToken, auth.PrivateKeyPEM)
	return tg, true
}

func newTarget(t *testing.T, name string, cfg Config) target {
	t.Helper()
	reg := prometheus.NewRegistry()
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := New(cfg, upstream.NewMetrics(reg), reg, log)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(c.Close)
	return target{
		name:   name,
		client: c,
		reg:    reg,
		logs:   logs,
		prefix: "cbt" + strconv.FormatInt(time.Now().UnixNano()%1e12, 36),
	}
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// requests sums carebridge_upstream_requests_total for Salesforce and op
// ("" for all operations).
func requests(t *testing.T, reg *prometheus.Registry, op string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	var sum float64
	for _, f := range families {
		if f.GetName() != "carebridge_upstream_requests_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["system"] == System && (op == "" || labels["operation"] == op) {
				sum += m.GetCounter().GetValue()
			}
		}
	}
	return sum
}

func gauge(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, f := range families {
		if f.GetName() == name && len(f.GetMetric()) == 1 {
			return f.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatalf("gauge %s not found", name)
	return 0
}

func recordIDs(rs []Record) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID()
	}
	return out
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		m[s]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

func assertNoSecrets(t *testing.T, text string, secrets []string) {
	t.Helper()
	if len(secrets) == 0 {
		t.Fatal("no secrets to look for")
	}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		if strings.Contains(text, s) {
			t.Errorf("secret %q... appears in output", s[:min(4, len(s))])
		}
	}
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
