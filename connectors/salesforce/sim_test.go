package salesforce

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/connectors/upstream"
)

const (
	simClientID     = "carebridge-test-client"
	simClientSecret = "sim-secret-Zq8fW3nKp"
	simUsername     = "integration@carebridge.test"
	simPassword     = "sim-password-Hy7uB2"
)

type sandbox struct {
	sim *sfsim.Server
	url string
}

func newSandbox(t testing.TB, opts sfsim.Options) sandbox {
	t.Helper()
	if opts.ClientID == "" {
		opts.ClientID, opts.ClientSecret = simClientID, simClientSecret
	}
	if opts.Username == "" {
		opts.Username, opts.Password = simUsername, simPassword
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	sim, err := sfsim.New(opts)
	if err != nil {
		t.Fatalf("sfsim.New: %v", err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	t.Cleanup(sim.Close) // runs first: releases hanging calls
	return sandbox{sim: sim, url: srv.URL}
}

// allowDeletes grants the integration user Delete on Case, which the
// shipped set does not (carebridge deletes only its mirrored messages), for tests of the
// connector's Delete.
func (sb sandbox) allowDeletes(t testing.TB) {
	t.Helper()
	if err := sb.sim.GrantPermission(sfsim.IntegrationPermissionSet, metadata.Permission{Object: "Case", Access: metadata.AccessDelete}); err != nil {
		t.Fatal(err)
	}
}

func (sb sandbox) config() Config {
	return Config{
		LoginURL:       sb.url,
		Auth:           Auth{Method: AuthClientCredentials, ClientID: simClientID, ClientSecret: simClientSecret},
		Timeout:        5 * time.Second,
		QueryBatchSize: 200,
	}
}

func TestSuiteSandbox(t *testing.T) {
	sb := newSandbox(t, sfsim.Options{})
	sb.allowDeletes(t)
	tg := newTarget(t, "sandbox", sb.config())
	tg.secrets = []string{simClientSecret}
	tg.grantViewSetup = func(t *testing.T) {
		if err := sb.sim.GrantPermission(sfsim.IntegrationPermissionSet, metadata.Permission{User: metadata.PermViewSetup}); err != nil {
			t.Fatal(err)
		}
	}
	suite(t, tg)
}

// TestSuiteOrg runs the suite against a real org: CAREBRIDGE_SF_LOGIN_URL
// (and CAREBRIDGE_SF_INSTANCE_URL, _API_VERSION), CAREBRIDGE_SF_AUTH
// (client_credentials by default) with _CLIENT_ID, _CLIENT_SECRET,
// _USERNAME, _PASSWORD, _REFRESH_TOKEN or _PRIVATE_KEY_FILE. The suite
// exercises Delete and deletes what it creates, so its user needs Delete
// on Case, which the shipped Carebridge_Integration set does not grant
// (carebridge deletes only its mirrored messages): run it as a test user that has it.
func TestSuiteOrg(t *testing.T) {
	tg, ok := orgTarget(t)
	if !ok {
		t.Skip("CAREBRIDGE_SF_LOGIN_URL not set: no real org to test against")
	}
	suite(t, tg)
}

func TestEmptyPollCostsOneQueryCall(t *testing.T) {
	sb := newSandbox(t, sfsim.Options{})
	c := newTarget(t, "sandbox", sb.config()).client
	ctx := t.Context()
	if _, err := sb.sim.Insert("Case", map[string]any{"Subject": "old", "Care_Case_Id__c": "poll-1"}); err != nil {
		t.Fatal(err)
	}
	_, wm, err := c.Changed(ctx, "Case", []string{"Subject"}, Watermark{}, nil)
	if err != nil {
		t.Fatalf("first poll: %v", err)
	}
	sb.sim.ResetCalls()
	got, wm2, err := c.Changed(ctx, "Case", []string{"Subject"}, wm, nil)
	if err != nil {
		t.Fatalf("empty poll: %v", err)
	}
	if len(got) != 0 {
		t.Fatalf("empty poll returned %d records", len(got))
	}
	if q, all := sb.sim.Calls("query"), sb.sim.TotalCalls(); q != 1 || all != 1 {
		t.Errorf("empty poll cost %d query calls, %d calls in all; want 1 and 1", q, all)
	}
	if !wm2.Time.Equal(wm.Time) {
		t.Errorf("watermark moved from %v to %v on an empty poll", wm.Time, wm2.Time)
	}
}

// TestChangedOverlapWindow: records stamped inside the overlap before the
// watermark (committed late, so an earlier poll missed them) are returned
// unless the watermark has seen that version; older ones are not.
func TestChangedOverlapWindow(t *testing.T) {
	var mu sync.Mutex
	base := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
	now := base
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	set := func(t time.Time) { mu.Lock(); now = t; mu.Unlock() }
	sb := newSandbox(t, sfsim.Options{Clock: clock})
	c := newTarget(t, "sandbox", sb.config()).client // PollOverlap 2m
	ctx := t.Context()

	old, _ := sb.sim.Insert("Case", map[string]any{"Subject": "old", "Care_Case_Id__c": "win-old"})
	set(base.Add(3 * time.Minute))
	late, _ := sb.sim.Insert("Case", map[string]any{"Subject": "late", "Care_Case_Id__c": "win-late"})
	lateRec, _ := sb.sim.Record("Case", late)
	lateStamp, err := ParseTime(fmt.Sprint(lateRec["SystemModstamp"]))
	if err != nil {
		t.Fatalf("sandbox stamp %v: %v", lateRec["SystemModstamp"], err)
	}
	set(base.Add(5 * time.Minute))
	// A poller whose watermark already says 03:04 never saw "late"
	// (stamped 03:03): the overlap (from 03:02) brings it, not "old".
	wm := Watermark{Time: base.Add(4 * time.Minute)}
	_, first, err := c.Changed(ctx, "Case", nil, wm, nil)
	if err != nil {
		t.Fatal(err)
	}
	digest := first.Values[late]
	tests := []struct {
		name   string
		seen   map[string]time.Time
		values map[string]string
		want   []string
	}{
		{"late commit inside the overlap", nil, nil, []string{late}},
		{"already seen version", map[string]time.Time{late: lateStamp}, map[string]string{late: digest}, nil},
		{"seen an older version", map[string]time.Time{late: lateStamp.Add(-time.Second)}, map[string]string{late: digest}, []string{late}},
		{"seen the stamp with other values", map[string]time.Time{late: lateStamp}, map[string]string{late: "other"}, []string{late}},
		{"seen by a watermark without values", map[string]time.Time{late: lateStamp}, nil, []string{late}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wm.Seen, wm.Values = tt.seen, tt.values
			got, next, err := c.Changed(ctx, "Case", nil, wm, nil)
			if err != nil || !sameSet(recordIDs(got), tt.want) {
				t.Fatalf("Changed = %v, %v; want %v (not %s)", recordIDs(got), err, tt.want, old)
			}
			if !next.Time.Equal(wm.Time) {
				t.Errorf("watermark moved to %v; nothing newer than %v exists", next.Time, wm.Time)
			}
			if _, ok := next.Seen[late]; !ok {
				t.Errorf("next watermark forgot %s: %v", late, next.Seen)
			}
			again, _, err := c.Changed(ctx, "Case", nil, next, nil)
			if err != nil || len(again) != 0 {
				t.Fatalf("poll after that = %v, %v; want nothing", recordIDs(again), err)
			}
		})
	}
	// Once the watermark is more than the overlap past "late", it is
	// forgotten from Seen.
	set(base.Add(10 * time.Minute))
	newer, _ := sb.sim.Insert("Case", map[string]any{"Subject": "newer", "Care_Case_Id__c": "win-newer"})
	got, next, err := c.Changed(ctx, "Case", nil, Watermark{Time: base.Add(4 * time.Minute), Seen: map[string]time.Time{late: lateStamp}, Values: map[string]string{late: digest}}, nil)
	if err != nil || !sameSet(recordIDs(got), []string{newer}) {
		t.Fatalf("Changed = %v, %v; want [%s]", recordIDs(got), err, newer)
	}
	if _, ok := next.Seen[late]; ok || len(next.Seen) != 1 || len(next.Values) != 1 {
		t.Errorf("Seen not pruned to the window: %v %v", next.Seen, next.Values)
	}
}

// TestChangedSeesTwoEditsInOneSecond: a real org stamps whole seconds, so a
// record edited twice within one second keeps its stamp; a poll between the
// edits must not hide the second one.
func TestChangedSeesTwoEditsInOneSecond(t *testing.T) {
	second := time.Date(2026, 11, 25, 3, 0, 7, 0, time.UTC)
	now := second.Add(100 * time.Millisecond)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	sb := newSandbox(t, sfsim.Options{Clock: clock})
	c := newTarget(t, "sandbox", sb.config()).client
	ctx := t.Context()
	id, err := sb.sim.Insert("Case", map[string]any{"Subject": "s", "Status": "New", "Care_Case_Id__c": "sec-1"})
	if err != nil {
		t.Fatal(err)
	}
	fields := []string{"Status", "OwnerId"}
	_, wm, err := c.Changed(ctx, "Case", fields, Watermark{Time: second.Add(-time.Minute)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.sim.Update("Case", id, map[string]any{"Status": "Working"}); err != nil {
		t.Fatal(err)
	}
	got, wm, err := c.Changed(ctx, "Case", fields, wm, nil)
	if err != nil || !sameSet(recordIDs(got), []string{id}) {
		t.Fatalf("poll after the first edit = %v, %v; want [%s]", recordIDs(got), err, id)
	}
	mu.Lock()
	now = second.Add(900 * time.Millisecond)
	mu.Unlock()
	if err := sb.sim.Update("Case", id, map[string]any{"Status": "Escalated"}); err != nil {
		t.Fatal(err)
	}
	rec, _ := sb.sim.Record("Case", id)
	if rec["SystemModstamp"] != "2026-11-25T03:00:07.000+0000" {
		t.Fatalf("premise: both edits stamped %v, want the same second", rec["SystemModstamp"])
	}
	got, wm, err = c.Changed(ctx, "Case", fields, wm, nil)
	if err != nil || !sameSet(recordIDs(got), []string{id}) {
		t.Fatalf("poll after the second edit in the same second = %v, %v; want [%s]", recordIDs(got), err, id)
	}
	if got, _, err := c.Changed(ctx, "Case", fields, wm, nil); err != nil || len(got) != 0 {
		t.Fatalf("poll with nothing new = %v, %v; want nothing", recordIDs(got), err)
	}
}

func TestTokenRefreshMidRun(t *testing.T) {
	sb := newSandbox(t, sfsim.Options{})
	c := newTarget(t, "sandbox", sb.config()).client
	ctx := t.Context()
	records := make([]Record, 450)
	for i := range records {
		records[i] = Record{"Subject": "refresh", "Care_Case_Id__c": fmt.Sprintf("refresh-%03d", i)}
	}
	if _, err := c.CreateMany(ctx, "Case", records); err != nil {
		t.Fatalf("CreateMany: %v", err)
	}
	var got, pages int
	err := c.queryPages(ctx, soql.Select("Id").From("Case").Where(soql.Eq("Subject", "refresh")), func(page []Record) error {
		pages++
		got += len(page)
		if pages == 1 {
			sb.sim.ExpireTokens() // the session dies between pages
		}
		return nil
	})
	if err != nil || got != 450 || pages < 3 {
		t.Fatalf("query across expiry: %d records in %d pages, %v", got, pages, err)
	}
	if n := sb.sim.Calls("token"); n != 2 {
		t.Errorf("token calls = %d, want 2 (login + one refresh)", n)
	}
	sb.sim.ExpireTokens()
	if _, err := c.Create(ctx, "Case", Record{"Subject": "after expiry"}); err != nil {
		t.Fatalf("write after expiry (body replayed): %v", err)
	}
	if n := sb.sim.Calls("token"); n != 3 {
		t.Errorf("token calls = %d, want 3", n)
	}
}

func TestConcurrentRefreshLogsInOnce(t *testing.T) {
	sb := newSandbox(t, sfsim.Options{})
	c := newTarget(t, "sandbox", sb.config()).client
	ctx := t.Context()
	id, err := c.Create(ctx, "Case", Record{"Subject": "shared"})
	if err != nil {
		t.Fatal(err)
	}
	sb.sim.ExpireTokens()
	sb.sim.ResetCalls()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			if _, err := c.Get(ctx, "Case", id, []string{"Subject"}); err != nil {
				errs <- err
			}
			if _, err := c.Query(ctx, soql.Select("Id").From("Case").Limit(1)); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := sb.sim.Calls("token"); n != 1 {
		t.Errorf("16 goroutines hitting an expired session logged in %d times, want 1", n)
	}
}

// TestErrorClasses drives every error class through the sandbox: injected
// faults for what a sandbox cannot provoke, real conditions for the rest.
func TestErrorClasses(t *testing.T) {
	sb := newSandbox(t, sfsim.Options{})
	sb.allowDeletes(t)
	cfg := sb.config()
	cfg.Timeout = 300 * time.Millisecond
	c := newTarget(t, "sandbox", cfg).client
	ctx := t.Context()
	id, err := c.Create(ctx, "Case", Record{"Subject": "target", "Care_Case_Id__c": "cls-1"})
	if err != nil {
		t.Fatal(err)
	}
	deleted, err := c.Create(ctx, "Case", Record{"Subject": "gone", "Care_Case_Id__c": "cls-2"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, "Case", deleted); err != nil {
		t.Fatal(err)
	}
	update := func() error { return c.Update(ctx, "Case", id, Record{"Subject": "x"}) }
	tests := []struct {
		name   string
		fault  *sfsim.Fault
		call   func() error
		class  upstream.Class
		code   string
		status int
	}{
		{"503", &sfsim.Fault{Op: "update", Status: 503, Times: 1}, update, upstream.Retryable, CodeServerUnavailable, 503},
		{"500", &sfsim.Fault{Op: "update", Status: 500, ErrorCode: "UNKNOWN_EXCEPTION", Times: 1}, update, upstream.Retryable, "UNKNOWN_EXCEPTION", 500},
		{"lock", &sfsim.Fault{Op: "update", ErrorCode: CodeUnableToLockRow, Times: 1}, update, upstream.Retryable, CodeUnableToLockRow, 400},
		{"concurrency limit", &sfsim.Fault{Op: "update", ErrorCode: CodeRequestLimitExceeded, Message: "ConcurrentPerOrgLongTxn Limit exceeded.", Times: 1}, update, upstream.Retryable, CodeRequestLimitExceeded, 403},
		{"daily quota (injected)", &sfsim.Fault{Op: "update", ErrorCode: CodeRequestLimitExceeded, Message: "TotalRequests Limit exceeded.", Times: 1}, update, upstream.QuotaExhausted, CodeRequestLimitExceeded, 403},
		{"timeout", &sfsim.Fault{Op: "update", Hang: true, Times: 1}, update, upstream.Retryable, "", 0},
		{"validation rule", &sfsim.Fault{Op: "update", ErrorCode: CodeCustomValidation, Message: "Subject must not be x", Times: 1}, update, upstream.Permanent, CodeCustomValidation, 400},
		{"duplicate", nil, func() error {
			_, err := c.Create(ctx, "Case", Record{"Subject": "dup", "Care_Case_Id__c": "cls-1"})
			return err
		}, upstream.Permanent, CodeDuplicateValue, 400},
		{"deleted", nil, func() error { return c.Update(ctx, "Case", deleted, Record{"Subject": "x"}) }, upstream.Permanent, CodeEntityIsDeleted, 0},
		{"invalid field", nil, func() error { return c.Update(ctx, "Case", id, Record{"No_Such_Field__c": "x"}) }, upstream.Permanent, CodeInvalidField, 400},
		{"malformed query (injected)", &sfsim.Fault{Op: "query", ErrorCode: CodeMalformedQuery, Times: 1}, func() error {
			_, err := c.Query(ctx, soql.Select("Id").From("Case"))
			return err
		}, upstream.Permanent, CodeMalformedQuery, 400},
		{"latency within timeout is fine", &sfsim.Fault{Op: "update", Latency: 20 * time.Millisecond, Times: 1}, update, 0, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb.sim.ClearFaults()
			if tt.fault != nil {
				sb.sim.InjectFault(*tt.fault)
			}
			err := tt.call()
			if got := upstream.ClassOf(err); got != tt.class {
				t.Fatalf("class %v (%v), want %v", got, err, tt.class)
			}
			if err == nil {
				return
			}
			var ue *upstream.Error
			if !errors.As(err, &ue) || ue.System != System {
				t.Fatalf("%v is not a salesforce *upstream.Error", err)
			}
			if tt.code != "" && ue.Code != tt.code {
				t.Errorf("code %q, want %q", ue.Code, tt.code)
			}
			if tt.status != 0 && ue.Status != tt.status {
				t.Errorf("status %d, want %d", ue.Status, tt.status)
			}
		})
	}

	t.Run("daily quota spent", func(t *testing.T) {
		sb.sim.ClearFaults()
		used, _ := sb.sim.Usage()
		sb.sim.SetDailyLimit(used)
		err := update()
		if upstream.ClassOf(err) != upstream.QuotaExhausted || Code(err) != CodeRequestLimitExceeded {
			t.Fatalf("update with the quota spent: %v", err)
		}
		sb.sim.SetDailyLimit(1_000_000)
	})

	t.Run("wrong credentials", func(t *testing.T) {
		bad := sb.config()
		bad.Auth.ClientSecret = "wrong-secret-value"
		c := newTarget(t, "sandbox", bad).client
		_, err := c.Get(ctx, "Case", id, nil)
		// Retried with backoff (a rotation looks like this until both sides
		// hold the new secret), never given up on; the auth alert tells.
		if ue := (*upstream.Error)(nil); !errors.As(err, &ue) || ue.Class != upstream.Retryable || ue.Code != "invalid_client" {
			t.Fatalf("wrong secret: %v", err)
		}
		if strings.Contains(err.Error(), "wrong-secret-value") {
			t.Fatalf("error %q shows the secret", err)
		}
	})

	t.Run("token endpoint hangs", func(t *testing.T) {
		c := newTarget(t, "sandbox", cfg).client
		sb.sim.InjectFault(sfsim.Fault{Op: "token", Hang: true, Times: 1})
		_, err := c.Get(ctx, "Case", id, nil)
		if upstream.ClassOf(err) != upstream.Retryable || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("login against a hanging token endpoint: %v", err)
		}
		if _, err := c.Get(ctx, "Case", id, nil); err != nil {
			t.Fatalf("next call did not log in: %v", err)
		}
	})

	t.Run("cancelled context", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		before := sb.sim.TotalCalls()
		err := c.Update(cctx, "Case", id, Record{"Subject": "x"})
		if !errors.Is(err, context.Canceled) || sb.sim.TotalCalls() != before {
			t.Fatalf("cancelled update: %v", err)
		}
	})
}

func TestAuthMethods(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	sb := newSandbox(t, sfsim.Options{JWTPublicKey: &key.PublicKey})
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	refreshToken := sb.sim.IssueRefreshToken()
	otherPEM := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(other)}))

	tests := []struct {
		name    string
		auth    Auth
		ok      bool
		secrets []string
	}{
		{"client credentials", Auth{Method: AuthClientCredentials, ClientID: simClientID, ClientSecret: simClientSecret}, true, []string{simClientSecret}},
		{"jwt bearer", Auth{Method: AuthJWT, ClientID: simClientID, Username: simUsername, PrivateKeyPEM: keyPEM}, true, []string{keyPEM[40:80]}},
		{"jwt signed by another key", Auth{Method: AuthJWT, ClientID: simClientID, Username: simUsername, PrivateKeyPEM: otherPEM}, false, []string{otherPEM[40:80]}},
		{"refresh token", Auth{Method: AuthRefreshToken, ClientID: simClientID, RefreshToken: refreshToken}, true, []string{refreshToken}},
		{"revoked refresh token", Auth{Method: AuthRefreshToken, ClientID: simClientID, RefreshToken: "5Aep-not-issued-token"}, false, []string{"5Aep-not-issued-token"}},
		{"password fallback", Auth{Method: AuthPassword, ClientID: simClientID, ClientSecret: simClientSecret, Username: simUsername, Password: simPassword}, true, []string{simPassword, simClientSecret}},
		{"wrong password", Auth{Method: AuthPassword, ClientID: simClientID, ClientSecret: simClientSecret, Username: simUsername, Password: "not-the-password"}, false, []string{"not-the-password", simClientSecret}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := sb.config()
			cfg.Auth = tt.auth
			tg := newTarget(t, "sandbox", cfg)
			_, err := tg.client.Query(t.Context(), soql.Select("Id").From("Case").Limit(1))
			if tt.ok != (err == nil) {
				t.Fatalf("query: %v, want ok=%v", err, tt.ok)
			}
			out := tg.logs.String()
			if err != nil {
				out += err.Error()
			}
			assertNoSecrets(t, out, tt.secrets)
			if err == nil {
				// The session expires mid-run: the method logs in again.
				sb.sim.ExpireTokens()
				if _, err := tg.client.Query(t.Context(), soql.Select("Id").From("Case").Limit(1)); err != nil {
					t.Fatalf("query after expiry: %v", err)
				}
			}
			if tt.auth.Method == AuthPassword && !strings.Contains(tg.logs.String(), "2027") {
				t.Errorf("password login without the 2027 retirement warning; logs:\n%s", tg.logs.String())
			}
		})
	}
}

// TestNoSecretInLogsOrErrors runs a session with failures of every kind
// and checks that neither the logs (slog at debug, and the standard logger
// simpleforce writes to) nor the errors carry a secret or token.
func TestNoSecretInLogsOrErrors(t *testing.T) {
	var std bytes.Buffer
	stdOut, stdFlags := log.Writer(), log.Flags()
	log.SetOutput(&lockedWriter{w: &std})
	t.Cleanup(func() { log.SetOutput(stdOut); log.SetFlags(stdFlags) })

	sb := newSandbox(t, sfsim.Options{})
	tg := newTarget(t, "sandbox", sb.config())
	c := tg.client
	ctx := t.Context()
	var errs []string
	note := func(err error) {
		if err != nil {
			errs = append(errs, err.Error(), fmt.Sprintf("%+v", err))
		}
	}
	id, err := c.Create(ctx, "Case", Record{"Subject": "s", "Care_Case_Id__c": "sec-1"})
	note(err)
	_, err = c.Create(ctx, "Case", Record{"Subject": "s", "Care_Case_Id__c": "sec-1"})
	note(err)
	sb.sim.ExpireTokens()
	_, err = c.Get(ctx, "Case", id, nil)
	note(err)
	sb.sim.InjectFault(sfsim.Fault{Op: "query", Status: 503, Times: 1})
	_, err = c.Query(ctx, soql.Select("Id").From("Case").Where(soql.Eq("Subject", "needle")))
	note(err)
	sb.sim.InjectFault(sfsim.Fault{Op: "token", Status: 400, ErrorCode: "invalid_grant", Times: 1})
	sb.sim.ExpireTokens()
	_, err = c.Get(ctx, "Case", id, nil)
	note(err)
	if len(errs) < 3 {
		t.Fatalf("only %d failures provoked: %v", len(errs), errs)
	}
	token := c.auth.current.token
	_, err = c.Get(ctx, "Case", id, nil) // logs in again
	note(err)
	secrets := []string{simClientSecret, token, c.auth.current.token}
	out := tg.logs.String() + "\n" + std.String() + "\n" + strings.Join(errs, "\n")
	assertNoSecrets(t, out, secrets)
	if strings.Contains(tg.logs.String(), "needle") {
		t.Errorf("SOQL text reached the slog output")
	}
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// BenchmarkUpsertCases10k upserts 10,000 Cases through collections (5
// requests of 200 records a Composite call) and fails when that takes more
// than 10 write calls.
func BenchmarkUpsertCases10k(b *testing.B) {
	const n = 10000
	sb := newSandbox(b, sfsim.Options{DailyLimit: 100_000_000})
	c, err := New(sb.config(), nil, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	records := make([]Record, n)
	for i := range records {
		records[i] = Record{"Care_Case_Id__c": fmt.Sprintf("bench-%05d", i), "Subject": "bench", "Care_Platform__c": "facebook"}
	}
	ctx := context.Background()
	writes := func() int {
		return sb.sim.Calls("collections_upsert") + sb.sim.Calls("collections_create") + sb.sim.Calls("collections_update") +
			sb.sim.Calls("create") + sb.sim.Calls("update") + sb.sim.Calls("upsert") + sb.sim.Calls(sfsim.OpComposite)
	}
	sb.sim.ResetCalls()
	start := time.Now()
	b.ResetTimer()
	for b.Loop() {
		res, err := c.UpsertMany(ctx, "Case", "Care_Case_Id__c", records)
		if err != nil {
			b.Fatalf("UpsertMany: %v", err)
		}
		for i, r := range res {
			if r.Err != nil {
				b.Fatalf("record %d: %v", i, r.Err)
			}
		}
	}
	b.StopTimer()
	calls := float64(writes()) / float64(b.N)
	b.ReportMetric(calls, "calls/op")
	b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "records/s")
	if calls > 10 {
		b.Fatalf("%v write calls per 10,000 upserts, want <= 10", calls)
	}
}

// TestUpsert10kUsesTenCalls is the benchmark's bound as a test.
func TestUpsert10kUsesTenCalls(t *testing.T) {
	sb := newSandbox(t, sfsim.Options{DailyLimit: 1_000_000})
	c := newTarget(t, "sandbox", sb.config()).client
	records := make([]Record, 10000)
	for i := range records {
		records[i] = Record{"Care_Case_Id__c": fmt.Sprintf("bulk-%05d", i), "Subject": "bulk"}
	}
	if _, err := c.CaseStatuses(t.Context()); err != nil { // log in first
		t.Fatal(err)
	}
	sb.sim.ResetCalls()
	res, err := c.UpsertMany(t.Context(), "Case", "Care_Case_Id__c", records)
	if err != nil {
		t.Fatal(err)
	}
	created := 0
	for _, r := range res {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		if r.Created {
			created++
		}
	}
	if created != len(records) || len(sb.sim.Records("Case")) != len(records) {
		t.Fatalf("created %d, sandbox holds %d", created, len(sb.sim.Records("Case")))
	}
	// 200 records a collections request, 5 of them a Composite request:
	// 1,000 records an API call.
	if calls := sb.sim.Calls(sfsim.OpComposite); calls != 10 || sb.sim.TotalCalls() != 10 {
		t.Fatalf("%d composite calls (%d in all), want 10", calls, sb.sim.TotalCalls())
	}
}

// TestAutoAssignOff: every write says Sforce-Auto-Assign: FALSE, so an
// active assignment rule does not take the Case away from the owner the
// bridge wrote.
func TestAutoAssignOff(t *testing.T) {
	sb := newSandbox(t, sfsim.Options{})
	sb.sim.SetAssignmentRule(sb.sim.QueueID())
	c := newTarget(t, "sandbox", sb.config()).client
	ctx := t.Context()
	owner := sb.sim.IntegrationUserID()
	id, err := c.Create(ctx, "Case", Record{"Subject": "mine", "OwnerId": owner})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Update(ctx, "Case", id, Record{"Subject": "still mine"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Upsert(ctx, "Case", "Care_Case_Id__c", "aa-1", Record{"Subject": "x", "OwnerId": owner}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpsertMany(ctx, "Case", "Care_Case_Id__c", []Record{{"Care_Case_Id__c": "aa-2", "OwnerId": owner}}); err != nil {
		t.Fatal(err)
	}
	headers := sb.sim.AutoAssignHeaders()
	if len(headers) != 4 {
		t.Fatalf("sandbox saw %d writes, want 4: %v", len(headers), headers)
	}
	for i, h := range headers {
		if h != "FALSE" {
			t.Errorf("write %d sent Sforce-Auto-Assign %q", i, h)
		}
	}
	for _, r := range sb.sim.Records("Case") {
		if r["OwnerId"] != owner {
			t.Errorf("case %v owned by %v, want %s", r["Id"], r["OwnerId"], owner)
		}
	}
}

// TestDeleteManyInCollections: DeleteMany deletes by id through sObject
// Collections, 200 ids per call, with a result per id in the caller's
// order: an id that is not one is refused without a call, a record
// already deleted is ENTITY_IS_DELETED (permanent), and the shipped
// integration set may delete mirrored messages but not Cases.
func TestDeleteManyInCollections(t *testing.T) {
	sb := newSandbox(t, sfsim.Options{})
	c := newTarget(t, "sandbox", sb.config()).client
	ctx := t.Context()
	caseID, err := c.Create(ctx, "Case", Record{"Subject": "mirror", "Care_Case_Id__c": "del-1"})
	if err != nil {
		t.Fatal(err)
	}
	msgs := make([]Record, 201)
	for i := range msgs {
		msgs[i] = Record{"Care_Message_Id__c": fmt.Sprintf("m-%03d", i), "Case__c": caseID, "Text__c": "hello"}
	}
	res, err := c.UpsertMany(ctx, "Care_Message__c", "Care_Message_Id__c", msgs)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"not-an-id"}
	for _, r := range res {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		ids = append(ids, r.ID)
	}
	sb.sim.ResetCalls()
	out, err := c.DeleteMany(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(ids) || out[0].Err == nil || upstream.ClassOf(out[0].Err) != upstream.Permanent {
		t.Fatalf("results %d, first %+v; want one per id, the bad id refused as permanent", len(out), out[0])
	}
	for i, r := range out[1:] {
		if r.Err != nil || r.ID != ids[i+1] {
			t.Fatalf("result %d = %+v, want %s deleted", i+1, r, ids[i+1])
		}
	}
	if calls := sb.sim.Calls(sfsim.OpCollectionsDelete); calls != 2 || len(sb.sim.Records("Care_Message__c")) != 0 {
		t.Errorf("%d delete calls, %d messages left; want 2 calls (200 ids each) and none left", calls, len(sb.sim.Records("Care_Message__c")))
	}
	again, err := c.DeleteMany(ctx, []string{ids[1], caseID})
	if err != nil {
		t.Fatal(err)
	}
	var ue *upstream.Error
	if !errors.As(again[0].Err, &ue) || ue.Code != "ENTITY_IS_DELETED" || ue.Class != upstream.Permanent {
		t.Errorf("a deleted message again: %v, want a permanent ENTITY_IS_DELETED", again[0].Err)
	}
	if !errors.As(again[1].Err, &ue) || ue.Code != "INSUFFICIENT_ACCESS_OR_READONLY" {
		t.Errorf("a Case: %v, want INSUFFICIENT_ACCESS_OR_READONLY (the integration set may not delete Cases)", again[1].Err)
	}
}
