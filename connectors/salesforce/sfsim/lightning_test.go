package sfsim_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
)

const agentPassword = "agent-pass"

// browser is a person's browser on the sandbox: it keeps cookies and does
// not follow redirects, so that a test sees where each answer sends it.
type browser struct {
	t      *testing.T
	base   string
	client *http.Client
}

func newBrowser(t *testing.T, e *env) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, base: e.ts.URL, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (b *browser) send(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.base+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.send(req)
}

// signIn posts the sign-in form; extra headers come in pairs.
func (b *browser) signIn(username, password, startURL string, header ...string) (*http.Response, string) {
	b.t.Helper()
	form := url.Values{"username": {username}, "pw": {password}, "startURL": {startURL}}
	req, err := http.NewRequest(http.MethodPost, b.base+"/", strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.send(req)
}

// api calls the UI API as the page's components do: the session cookie and,
// when csrf is not empty, the page's CSRF token.
func (b *browser) api(method, path, csrf string, payload any) (*http.Response, string) {
	b.t.Helper()
	var rd io.Reader
	if payload != nil {
		raw, _ := json.Marshal(payload)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, b.base+apiPrefix+path, rd)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	return b.send(req)
}

var pageConfig = regexp.MustCompile(`<script type="application/json" id="sfsim-config">(.*?)</script>`)

// csrfOf reads the CSRF token a Case page hands its components.
func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := pageConfig.FindStringSubmatch(page)
	var cfg struct {
		RecordID  string `json:"recordId"`
		CSRFToken string `json:"csrfToken"`
	}
	if m == nil || json.Unmarshal([]byte(m[1]), &cfg) != nil || cfg.CSRFToken == "" {
		t.Fatalf("the Case page hands its components no configuration:\n%s", page)
	}
	return cfg.CSRFToken
}

// TestConsoleSignIn: the sign-in page signs an active agent in with the
// agent password and a session cookie (HttpOnly, SameSite=Strict) and goes
// on to the page asked for; it refuses a wrong password, an unknown or
// inactive user, the API-only integration user and a form from another
// site, and never sends the browser off the sandbox.
func TestConsoleSignIn(t *testing.T) {
	w := newUIWorld(t, sfsim.Options{AgentPassword: agentPassword, Password: "integration-pass"})
	b := newBrowser(t, w.e)
	casePage := "/lightning/r/Case/" + w.alicesCase + "/view"

	resp, _ := b.get(casePage)
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/?startURL="+url.QueryEscape(casePage) {
		t.Fatalf("the Case page without a session: %d to %q, want the sign-in page", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, page := b.get(resp.Header.Get("Location")); resp.StatusCode != http.StatusOK || !strings.Contains(page, `name="pw"`) {
		t.Fatalf("the sign-in page: %d\n%s", resp.StatusCode, page)
	}

	for _, tt := range []struct{ who, username, password, want string }{
		{"a wrong password", "alice@carebridge.example", "nope", "Please check your username and password."},
		{"an unknown user", "zoe@carebridge.example", agentPassword, "Please check your username and password."},
		{"an inactive user", "dan@carebridge.example", agentPassword, "Please check your username and password."},
		{"the API-only integration user", "integration@carebridge.example", "integration-pass", "API access only"},
	} {
		resp, page := b.signIn(tt.username, tt.password, casePage)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, tt.want) || len(resp.Cookies()) != 0 {
			t.Errorf("%s: %d, cookies %v, want the sign-in page saying %q", tt.who, resp.StatusCode, resp.Cookies(), tt.want)
		}
	}
	if resp, _ := b.signIn("alice@carebridge.example", agentPassword, casePage, "Origin", "http://evil.example"); resp.StatusCode != http.StatusBadRequest || len(resp.Cookies()) != 0 {
		t.Errorf("a sign-in posted from another site: %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
	for _, start := range []string{"https://evil.example/", "//evil.example/x", `/\evil.example`} {
		if resp, _ := newBrowser(t, w.e).signIn("alice@carebridge.example", agentPassword, start); resp.Header.Get("Location") != "/lightning/page/home" {
			t.Errorf("startURL %q sends the browser to %q, want the home page", start, resp.Header.Get("Location"))
		}
	}

	resp, _ = b.signIn("alice@carebridge.example", agentPassword, casePage)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != casePage {
		t.Fatalf("Alice signs in: %d to %q, want the Case page", resp.StatusCode, resp.Header.Get("Location"))
	}
	cookies := resp.Cookies()
	if len(cookies) != 1 || cookies[0].Name != "sid" || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteStrictMode || cookies[0].Path != "/" {
		t.Fatalf("the session cookie: %+v, want sid, HttpOnly, SameSite=Strict, Path=/", cookies)
	}
	if resp, _ := b.get("/"); resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/lightning/page/home" {
		t.Errorf("the sign-in page with a session: %d to %q, want the home page", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestConsolePages: a signed-in agent's home lists her Cases only; her
// Case's page runs the console on it, with a CSRF token for its UI API
// calls and a Content-Security-Policy; another agent's Case is not there
// for her; after signing out the pages ask for the sign-in again.
func TestConsolePages(t *testing.T) {
	w := newUIWorld(t, sfsim.Options{AgentPassword: agentPassword})
	b := newBrowser(t, w.e)
	if resp, _ := b.signIn("alice@carebridge.example", agentPassword, ""); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("Alice signs in: %d", resp.StatusCode)
	}

	resp, home := b.get("/lightning/page/home")
	if resp.StatusCode != http.StatusOK || !strings.Contains(home, w.alicesCase) || strings.Contains(home, w.bobsCase) || !strings.Contains(home, "Alice Archer") {
		t.Errorf("Alice's home: %d, want her Case and not Bob's:\n%s", resp.StatusCode, home)
	}
	resp, page := b.get("/lightning/r/Case/" + w.alicesCase + "/view")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `data-component="c-care-conversation" data-record-id="`+w.alicesCase+`"`) ||
		!strings.Contains(page, `/lightning/static/console.js`) {
		t.Fatalf("Alice's Case page: %d\n%s", resp.StatusCode, page)
	}
	csrfOf(t, page)
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
	for _, path := range []string{"/lightning/r/Case/" + w.bobsCase + "/view", "/lightning/r/Case/500000000000000AAA/view", "/lightning/r/Contact/" + w.alicesCase + "/view"} {
		if resp, page := b.get(path); resp.StatusCode != http.StatusNotFound || !strings.Contains(page, "available to you") || strings.Contains(page, "sfsim-config") {
			t.Errorf("%s: %d, want the record not available", path, resp.StatusCode)
		}
	}

	if resp, _ := b.get("/secur/logout.jsp"); resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/" {
		t.Errorf("sign out: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := b.get("/lightning/page/home"); resp.StatusCode != http.StatusFound {
		t.Errorf("home after signing out: %d, want the sign-in page", resp.StatusCode)
	}
}

// TestConsoleUIAPISession: the page's UI API calls run as the signed-in
// agent with her session cookie and the page's CSRF token, and spend no
// API quota (Salesforce's own pages do not); the cookie without the token,
// or on any other API, opens nothing, and neither does an ended session.
func TestConsoleUIAPISession(t *testing.T) {
	w := newUIWorld(t, sfsim.Options{AgentPassword: agentPassword})
	b := newBrowser(t, w.e)
	b.signIn("alice@carebridge.example", agentPassword, "")
	_, page := b.get("/lightning/r/Case/" + w.alicesCase + "/view")
	csrf := csrfOf(t, page)
	record := "ui-api/records/" + w.alicesCase + "?fields=Case.Subject"

	used, _ := w.e.srv.Usage()
	if resp, body := b.api(http.MethodGet, record, csrf, nil); resp.StatusCode != http.StatusOK || !strings.Contains(body, "alice's") {
		t.Errorf("the page reads its Case: %d %s", resp.StatusCode, body)
	}
	resp, body := b.api(http.MethodPost, "ui-api/records", csrf, map[string]any{"apiName": "Care_Action__c", "fields": map[string]any{"Case__c": w.alicesCase, "Type__c": "like"}})
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("the page creates an action: %d %s", resp.StatusCode, body)
	} else if rec := decode[uiRecord](t, []byte(body)); rec.ID == "" {
		t.Errorf("created: %s", body)
	} else if stored, _ := w.e.srv.Record("Care_Action__c", rec.ID); stored["CreatedById"] != w.alice {
		t.Errorf("the action was created by %v, want Alice", stored["CreatedById"])
	}
	if resp, body := b.api(http.MethodGet, "ui-api/records/"+w.bobsCase+"?fields=Case.Subject", csrf, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the page reads Bob's Case: %d %s", resp.StatusCode, body)
	}
	if after, _ := w.e.srv.Usage(); after != used {
		t.Errorf("the console's calls spent %d API requests, want none", after-used)
	}

	for _, tt := range []struct{ what, path, csrf string }{
		{"the cookie without the CSRF token", record, ""},
		{"the cookie with another token", record, csrf + "x"},
		{"the cookie on the query API", "query?q=" + url.QueryEscape("SELECT Subject FROM Case"), csrf},
	} {
		if resp, body := b.api(http.MethodGet, tt.path, tt.csrf, nil); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "INVALID_SESSION_ID") {
			t.Errorf("%s: %d %s, want 401 INVALID_SESSION_ID", tt.what, resp.StatusCode, body)
		}
	}
	b.get("/secur/logout.jsp")
	if resp, _ := b.api(http.MethodGet, record, csrf, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the page's call after signing out: %d, want 401", resp.StatusCode)
	}
}

// TestConsoleAssets: the sandbox serves the embedded console bundle and
// stylesheet, and answers a revalidation with 304.
func TestConsoleAssets(t *testing.T) {
	w := newUIWorld(t, sfsim.Options{})
	b := newBrowser(t, w.e)
	for name, contentType := range map[string]string{"console.js": "text/javascript", "slds.css": "text/css", "page.css": "text/css"} {
		want, ok := sfsim.ConsoleAsset(name)
		resp, body := b.get("/lightning/static/" + name)
		if !ok || resp.StatusCode != http.StatusOK || body != string(want) || !strings.HasPrefix(resp.Header.Get("Content-Type"), contentType) {
			t.Errorf("%s: %d %s, %d bytes (embedded %d)", name, resp.StatusCode, resp.Header.Get("Content-Type"), len(body), len(want))
			continue
		}
		req, _ := http.NewRequest(http.MethodGet, b.base+"/lightning/static/"+name, nil)
		req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
		if resp, _ := b.send(req); resp.StatusCode != http.StatusNotModified {
			t.Errorf("%s revalidated: %d, want 304", name, resp.StatusCode)
		}
	}
	if js, _ := sfsim.ConsoleAsset("console.js"); !bytes.Contains(js, []byte("c-care-conversation")) {
		t.Error("the console bundle does not mount careConversation")
	}
	if resp, _ := b.get("/lightning/static/nothing.js"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown asset: %d", resp.StatusCode)
	}
}

// TestSignInLockout: as an org's default password policy, ten wrong
// passwords in a row lock a user out for 15 minutes, on the sign-in page
// and over the API alike: her right password is refused meanwhile (the
// page says why) and works again afterwards; a success in between starts
// the count over, and other users are not affected.
func TestSignInLockout(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	w := newUIWorld(t, sfsim.Options{AgentPassword: agentPassword, Clock: clock})
	b := newBrowser(t, w.e)
	grant := func(username, password string) int {
		status, _ := w.e.tokenRequest(url.Values{"grant_type": {"password"}, "client_id": {testClientID}, "client_secret": {testClientSecret},
			"username": {username}, "password": {password}})
		return status
	}
	const bob = "bob@carebridge.example"

	for range 9 {
		grant(bob, "nope")
	}
	if status := grant(bob, agentPassword); status != http.StatusOK {
		t.Fatalf("Bob's password after nine wrong ones: %d, want 200", status)
	}
	for range 10 {
		b.signIn(bob, "nope", "")
	}
	if resp, page := b.signIn(bob, agentPassword, ""); resp.StatusCode != http.StatusOK || len(resp.Cookies()) != 0 || !strings.Contains(page, "Your account is locked") {
		t.Errorf("Bob's password after ten wrong ones on the page: %d, cookies %v, want the page saying he is locked out", resp.StatusCode, resp.Cookies())
	}
	if status := grant(bob, agentPassword); status != http.StatusBadRequest {
		t.Errorf("Bob's password grant while locked out: %d, want 400", status)
	}
	if status := grant("alice@carebridge.example", agentPassword); status != http.StatusOK {
		t.Errorf("Alice while Bob is locked out: %d, want 200", status)
	}
	mu.Lock()
	now = now.Add(15 * time.Minute)
	mu.Unlock()
	if resp, _ := b.signIn(bob, agentPassword, ""); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("Bob 15 minutes later: %d, want signed in", resp.StatusCode)
	}
}
