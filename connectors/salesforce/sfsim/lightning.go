package sfsim

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
)

// The sandbox's Lightning Experience, for people: a sign-in page, the
// agent's Cases, and a Case record page that runs carebridge's real
// careConversation component. The component is compiled from
// configs/salesforce by `npm run build:console` into console/ (committed,
// embedded here); its Lightning Data Service calls the UI API of this
// sandbox (uiapi.go) with the signed-in user's session, so an agent sees
// and does what the org lets her: her Cases only, with her permission sets.
//
// A session is an access token held in the sid cookie (HttpOnly,
// SameSite=Strict). The page's UI API requests send the cookie and a
// per-session token in X-CSRF-Token; the cookie alone opens no API call.

//go:embed lightning.html lightning.css console/console.js console/slds.css
var lightningFiles embed.FS

var lightningPages = template.Must(template.ParseFS(lightningFiles, "lightning.html"))

const (
	// sessionCookie is the browser session's cookie, named as Salesforce
	// names it.
	sessionCookie = "sid"
	// csrfHeader carries the page's per-session token on UI API calls.
	csrfHeader = "X-CSRF-Token"
	// apiVersion is the REST API version the console's components call.
	consoleAPIVersion = "62.0"
	// maxHomeCases bounds the agent's Case list.
	maxHomeCases = 200
	// loginFailed is what Salesforce's sign-in page says to a wrong
	// username or password (it never says which).
	loginFailed = "Please check your username and password. If you still can't log in, contact your Salesforce administrator."
	// lockedOut is what it says to a user locked out by too many wrong
	// passwords.
	lockedOutUser = "Your account is locked: too many failed sign-ins. Try again in 15 minutes, or ask your Salesforce administrator to unlock it."
	// apiOnlyUser is what it says to a user whose profile allows the API only.
	apiOnlyUser  = "This user can't log in to the Salesforce user interface: its profile allows API access only."
	notAvailable = "This record isn't available to you. It may have been deleted, or you may not have access to it."
)

// staticFiles are the assets under /lightning/static/, by name.
var staticFiles = map[string]struct{ path, contentType string }{
	"console.js": {"console/console.js", "text/javascript; charset=utf-8"},
	"slds.css":   {"console/slds.css", "text/css; charset=utf-8"},
	"page.css":   {"lightning.css", "text/css; charset=utf-8"},
}

// ConsoleAsset returns an embedded file of the console by its name under
// /lightning/static/ (console.js, slds.css, page.css).
func ConsoleAsset(name string) ([]byte, bool) {
	f, ok := staticFiles[name]
	if !ok {
		return nil, false
	}
	b, err := lightningFiles.ReadFile(f.path)
	return b, err == nil
}

// console serves the Lightning console's pages to people.
type console struct {
	*state
	*oauthServer // sign-in
	*recordAPI   // Users
	*uiAPI       // readable

	csrfKey []byte // signs the pages' CSRF tokens
}

// serveLightning serves the sign-in page (/), the sign-out
// (/secur/logout.jsp) and /lightning/.
func (s *console) serveLightning(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/":
		s.serveLogin(w, r)
	case p == "/secur/logout.jsp":
		s.serveLogout(w, r)
	case strings.HasPrefix(p, "/lightning/static/"):
		serveStatic(w, r, strings.TrimPrefix(p, "/lightning/static/"))
	case p == "/lightning" || p == "/lightning/" || p == "/lightning/page/home":
		s.serveHome(w, r)
	case strings.HasPrefix(p, "/lightning/r/"):
		s.serveRecordPage(w, r, strings.Split(strings.TrimPrefix(p, "/lightning/r/"), "/"))
	default:
		s.renderPage(w, http.StatusNotFound, "unavailable", page{Title: "Page not found", Error: "The sandbox has no page at this address."})
	}
}

// page is what the templates render.
type page struct {
	Title, UserName, Error string
	StartURL, Username     string
	Cases                  []caseSummary
	Case                   caseSummary
	Config                 consoleConfig
}

// caseSummary is a Case as the pages show it, fields the user may not read
// left empty.
type caseSummary struct {
	ID, Number, Subject, Status, Priority, Owner string
}

// consoleConfig is what the record page hands its components.
type consoleConfig struct {
	RecordID   string `json:"recordId"`
	UserID     string `json:"userId"`
	CSRFToken  string `json:"csrfToken"`
	APIVersion string `json:"apiVersion"`
}

func (s *console) renderPage(w http.ResponseWriter, status int, name string, p page) {
	var buf bytes.Buffer
	if err := lightningPages.ExecuteTemplate(&buf, name, p); err != nil {
		s.log.Error("salesforce sandbox: render page", "page", name, "err", err)
		http.Error(w, "the page could not be rendered", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	// The components' synthetic shadow DOM writes <style> elements.
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func serveStatic(w http.ResponseWriter, r *http.Request, name string) {
	f, ok := staticFiles[name]
	b, err := lightningFiles.ReadFile(f.path)
	if !ok || err != nil {
		http.NotFound(w, r)
		return
	}
	sum := sha256.Sum256(b)
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

// csrfToken is the token a session's pages send with their UI API calls.
func (s *console) csrfToken(session string) string {
	mac := hmac.New(sha256.New, s.csrfKey)
	mac.Write([]byte(session))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// browserSession returns the user and token of the request's session
// cookie, if it holds a live session.
func (s *console) browserSession(r *http.Request) (user, token string, ok bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return "", "", false
	}
	s.mu.Lock()
	sess, known := s.tokens[c.Value]
	s.mu.Unlock()
	if !known || !s.opts.Clock().Before(sess.expires) {
		return "", "", false
	}
	return sess.user, c.Value, true
}

// cookieCaller authenticates a UI API call of a console page: a live
// session cookie and its CSRF token.
func (s *console) cookieCaller(r *http.Request) (string, bool) {
	user, token, ok := s.browserSession(r)
	if !ok {
		return "", false
	}
	return user, hmac.Equal([]byte(r.Header.Get(csrfHeader)), []byte(s.csrfToken(token)))
}

// safeStartURL keeps a startURL that stays on this server (a path, not
// //host or a scheme), else the home page.
func safeStartURL(v string) string {
	u, err := url.Parse(v)
	if err != nil || v == "" || !strings.HasPrefix(v, "/") || strings.HasPrefix(v, "//") || strings.HasPrefix(v, `/\`) ||
		u.Scheme != "" || u.Host != "" || strings.ContainsAny(v, "\r\n\\") {
		return "/lightning/page/home"
	}
	return v
}

// sameOrigin refuses a form posted from another site (Origin or Referer of
// another host); a request without either, as curl sends it, passes.
func sameOrigin(r *http.Request) bool {
	for _, h := range []string{r.Header.Get("Origin"), r.Header.Get("Referer")} {
		if h == "" {
			continue
		}
		u, err := url.Parse(h)
		return err == nil && u.Host == r.Host
	}
	return true
}

// serveLogin is Salesforce's sign-in page: GET shows the form (or goes on
// to startURL when signed in already), POST signs in with the username and
// password (username, pw) and goes on to startURL.
func (s *console) serveLogin(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		start := r.URL.Query().Get("startURL")
		if _, _, ok := s.browserSession(r); ok {
			http.Redirect(w, r, safeStartURL(start), http.StatusFound)
			return
		}
		s.renderPage(w, http.StatusOK, "login", page{Title: "Login", StartURL: start})
	case http.MethodPost:
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil || !sameOrigin(r) {
			s.renderPage(w, http.StatusBadRequest, "login", page{Title: "Login", Error: loginFailed})
			return
		}
		username, start := r.PostForm.Get("username"), r.PostForm.Get("startURL")
		refuse := func(msg string) {
			s.log.Info("salesforce sandbox refused a sign-in", "username", username)
			s.renderPage(w, http.StatusOK, "login", page{Title: "Login", Error: msg, StartURL: start, Username: username})
		}
		user, oerr := s.checkPassword(username, r.PostForm.Get("pw"))
		if oerr != nil {
			msg := loginFailed
			if s.lockedOut(username) {
				msg = lockedOutUser
			}
			refuse(msg)
			return
		}
		s.mu.Lock()
		apiOnly := user == s.integrationUser || s.accessFor(user).has(metadata.PermAPIUserOnly)
		s.mu.Unlock()
		if apiOnly {
			refuse(apiOnlyUser)
			return
		}
		token := s.issue(user)
		http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: r.TLS != nil,
			SameSite: http.SameSiteStrictMode, MaxAge: int(s.opts.TokenTTL / time.Second)})
		http.Redirect(w, r, safeStartURL(start), http.StatusSeeOther)
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// serveLogout ends the session and returns to the sign-in page.
func (s *console) serveLogout(w http.ResponseWriter, r *http.Request) {
	if _, token, ok := s.browserSession(r); ok {
		s.mu.Lock()
		delete(s.tokens, token)
		s.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteStrictMode, MaxAge: -1})
	http.Redirect(w, r, "/", http.StatusFound)
}

// signedIn returns the session's user, or sends the browser to the sign-in
// page with this page as its startURL.
func (s *console) signedIn(w http.ResponseWriter, r *http.Request) (string, string, bool) {
	user, token, ok := s.browserSession(r)
	if !ok {
		http.Redirect(w, r, "/?startURL="+url.QueryEscape(r.URL.RequestURI()), http.StatusFound)
		return "", "", false
	}
	return user, token, true
}

// serveHome lists the Cases the user can see, open ones first.
func (s *console) serveHome(w http.ResponseWriter, r *http.Request) {
	user, _, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	a := s.accessFor(user)
	t := s.store.tables["case"]
	var visible []*record
	for _, rec := range t.records {
		if !rec.deleted && a.canRead(s.store, t, rec) {
			visible = append(visible, rec)
		}
	}
	closed, _ := t.obj.Field("IsClosed")
	slices.SortStableFunc(visible, func(x, y *record) int {
		if cx, cy := x.value(closed) == true, y.value(closed) == true; cx != cy {
			return boolRank(cx) - boolRank(cy)
		}
		return y.seq - x.seq
	})
	cases := make([]caseSummary, 0, min(len(visible), maxHomeCases))
	for _, rec := range visible[:min(len(visible), maxHomeCases)] {
		cases = append(cases, s.summarize(t, rec, a))
	}
	name := s.userName(user)
	s.mu.Unlock()
	s.renderPage(w, http.StatusOK, "home", page{Title: "Cases", UserName: name, Cases: cases})
}

// serveRecordPage is /lightning/r/Case/{id}/view: the Case's highlights and
// the careConversation component. A Case the user cannot see is not there
// for her.
func (s *console) serveRecordPage(w http.ResponseWriter, r *http.Request, parts []string) {
	user, token, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	name := s.userName(user)
	var (
		summary caseSummary
		found   bool
	)
	if len(parts) == 3 && parts[0] == "Case" && parts[2] == "view" {
		a := s.accessFor(user)
		if t, rec, err := s.readable(parts[1], a); err == nil && t.obj.Name == "Case" {
			summary, found = s.summarize(t, rec, a), true
		}
	}
	s.mu.Unlock()
	if !found {
		s.renderPage(w, http.StatusNotFound, "unavailable", page{Title: "Record not available", UserName: name, Error: notAvailable})
		return
	}
	s.renderPage(w, http.StatusOK, "case", page{
		Title: "Case " + summary.Number, UserName: name, Case: summary,
		Config: consoleConfig{RecordID: summary.ID, UserID: user, CSRFToken: s.csrfToken(token), APIVersion: consoleAPIVersion},
	})
}

// summarize reads a Case's highlights as a sees them. The caller holds s.mu.
func (s *console) summarize(t *table, rec *record, a *access) caseSummary {
	get := func(name string) string {
		f, ok := t.obj.Field(name)
		if !ok || !a.readsField(t.obj, f) {
			return ""
		}
		v, _ := rec.value(f).(string)
		return v
	}
	owner := ""
	if _, o := s.store.recordByID(get("OwnerId")); o != nil {
		owner, _ = o.fields["Name"].(string)
	}
	return caseSummary{ID: rec.id, Number: get("CaseNumber"), Subject: get("Subject"), Status: get("Status"), Priority: get("Priority"), Owner: owner}
}

// userName is a user's full name. The caller holds s.mu.
func (s *console) userName(id string) string {
	users, _ := s.store.table("User")
	if u, err := s.store.get(users, id); err == nil {
		n, _ := u.fields["Name"].(string)
		return n
	}
	return ""
}

// agentUsernames are the usernames of the active agents.
func (s *console) agentUsernames() []string {
	var out []string
	for _, u := range s.Users() {
		if u["Id"] != s.integrationUser && u["IsActive"] == true {
			out = append(out, str(u["Username"]))
		}
	}
	return out
}
