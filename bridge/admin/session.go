package admin

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
)

// Browser sessions. An admin signs in on /admin/signin with the admin token
// (or a one-time code the demo prints) and gets a session cookie: HttpOnly,
// SameSite=Strict, Secure when the request came over TLS, for SessionTTL.
// Sessions live in Redis (Sessions, bridge/state), so every replica knows
// them and signing out ends a session everywhere at once; a signed cookie
// could only be forgotten by the browser, and would stay good until it
// expired if it had been copied. Redis holds only keyed hashes (HMAC-SHA256
// under the admin token) of session ids and codes: a copy of Redis signs
// nobody in, and changing the admin token signs everybody out.
//
// A call made with the cookie that changes something must carry the
// session's CSRF token (X-CSRF-Token, from GET /admin/api/session) and come
// from the admin UI's own origin (http.CrossOriginProtection checks
// Sec-Fetch-Site and Origin). Scripts keep sending the admin token as a
// bearer token, which no other site can make a browser send.

// Sessions stores admin sessions and one-time sign-in codes
// (bridge/state.Store).
type Sessions interface {
	SaveAdminSession(ctx context.Context, hash string, s state.AdminSession) error
	AdminSession(ctx context.Context, hash string) (state.AdminSession, bool, error)
	EndAdminSession(ctx context.Context, hash string) error
	SaveAdminSignInCode(ctx context.Context, hash string, ttl time.Duration) error
	TakeAdminSignInCode(ctx context.Context, hash string) (bool, error)
}

// SessionTTL is how long a sign-in lasts.
const SessionTTL = 12 * time.Hour

const (
	sessionCookie = "carebridge_admin"
	csrfHeader    = "X-CSRF-Token"
	signInPath    = "/admin/signin"
)

// keyed is the hash under which a secret of kind ("session", "code",
// "csrf") is stored or compared: HMAC-SHA256 under the admin token.
func keyed(token, kind, secret string) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte(kind + "\x00" + secret))
	return hex.EncodeToString(m.Sum(nil))
}

// NewSignInCode makes a one-time sign-in code, good for ttl on every
// replica; /admin/signin#code=<code> exchanges it for a session.
func NewSignInCode(ctx context.Context, sessions Sessions, token string, ttl time.Duration) (string, error) {
	if token == "" {
		return "", errors.New("admin sign-in code: the admin API is off (no admin.token)")
	}
	code := rand.Text()
	if err := sessions.SaveAdminSignInCode(ctx, keyed(token, "code", code), ttl); err != nil {
		return "", err
	}
	return code, nil
}

// sessionCalls is the api's part for sign-in, sign-out and the session
// every call is checked against; api embeds it, and it reaches the rest of
// the api through the *api it embeds.
type sessionCalls struct{ *api }

// session is the caller's browser session, if its cookie names a live one.
func (a sessionCalls) session(r *http.Request) (id string, s state.AdminSession, ok bool, err error) {
	c, cerr := r.Cookie(sessionCookie)
	if cerr != nil || c.Value == "" || a.o.Sessions == nil {
		return "", state.AdminSession{}, false, nil
	}
	s, ok, err = a.o.Sessions.AdminSession(r.Context(), keyed(a.o.Token, "session", c.Value))
	return c.Value, s, ok, err
}

// bearer reports whether the request carries an Authorization header, and
// whether it holds the admin token.
func (a sessionCalls) bearer(r *http.Request) (sent, valid bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return false, false
	}
	token, ok := strings.CutPrefix(h, "Bearer ")
	return true, ok && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), []byte(a.o.Token)) == 1
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func (a sessionCalls) authenticated(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.o.Token == "" {
			apiOff(w)
			return
		}
		if sent, valid := a.bearer(r); sent {
			if !valid {
				a.unauthorized(w, "the admin API needs the admin token: Authorization: Bearer <admin.token>")
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		id, _, ok, err := a.session(r)
		switch {
		case err != nil:
			a.internal(w, r, err)
			return
		case !ok && id != "":
			a.unauthorized(w, "your admin session has ended (signed out, expired, or the admin token changed): sign in again at "+signInPath)
			return
		case !ok:
			a.unauthorized(w, "sign in at "+signInPath+" (or send the admin token: Authorization: Bearer <admin.token>)")
			return
		}
		if !safeMethod(r.Method) && subtle.ConstantTimeCompare([]byte(r.Header.Get(csrfHeader)), []byte(keyed(a.o.Token, "csrf", id))) != 1 {
			fail(w, http.StatusForbidden, "this call changes something and needs the admin page's %s header: reload the page and try again", csrfHeader)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// apiOff answers a call while no admin token is configured.
func apiOff(w http.ResponseWriter) {
	fail(w, http.StatusForbidden, "the admin API is off: set admin.token (or CAREBRIDGE_ADMIN_TOKEN) to turn it on")
}

func (a sessionCalls) unauthorized(w http.ResponseWriter, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="carebridge admin"`)
	writeJSON(w, http.StatusUnauthorized, map[string]string{"error": msg, "sign_in": signInPath})
}

type signInRequest struct {
	Token string `json:"token"`
	Code  string `json:"code"`
	// Next is the admin page to go to once signed in.
	Next string `json:"next"`
}

// signIn exchanges the admin token or a one-time code for a session
// cookie.
func (a sessionCalls) signIn(w http.ResponseWriter, r *http.Request) {
	var req signInRequest
	if !decode(w, r, &req) {
		return
	}
	switch {
	case a.o.Token == "":
		apiOff(w)
		return
	case a.o.Sessions == nil:
		fail(w, http.StatusNotImplemented, "this replica cannot keep sign-ins; send the admin token with each call instead")
		return
	case req.Code != "":
		ok, err := a.o.Sessions.TakeAdminSignInCode(r.Context(), keyed(a.o.Token, "code", req.Code))
		if err != nil {
			a.internal(w, r, err)
			return
		}
		if !ok {
			a.unauthorized(w, "This sign-in link was already used or has expired. Sign in with the admin token instead.")
			return
		}
	case subtle.ConstantTimeCompare([]byte(strings.TrimSpace(req.Token)), []byte(a.o.Token)) != 1:
		msg := "That is not the admin token. It is the admin.token setting (or CAREBRIDGE_ADMIN_TOKEN) of carebridge's configuration; the demo (carebridge demo) prints it."
		if strings.TrimSpace(req.Token) == "" {
			msg = "Enter the admin token: the admin.token setting (or CAREBRIDGE_ADMIN_TOKEN) of carebridge's configuration; the demo (carebridge demo) prints it."
		}
		a.o.Logger.Warn("admin sign-in refused: wrong token", "remote", r.RemoteAddr)
		a.unauthorized(w, msg)
		return
	}
	id := rand.Text()
	now := time.Now()
	sess := state.AdminSession{Created: now.UTC(), Expires: now.Add(SessionTTL).UTC()}
	if err := a.o.Sessions.SaveAdminSession(r.Context(), keyed(a.o.Token, "session", id), sess); err != nil {
		a.internal(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/admin/", Expires: sess.Expires, MaxAge: int(SessionTTL / time.Second),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: overTLS(r)})
	a.o.Logger.Info("admin signed in", "remote", r.RemoteAddr, "by_code", req.Code != "")
	out := sessionInfo(a.o.Token, id, sess)
	out["next"] = nextPage(req.Next)
	writeJSON(w, http.StatusCreated, out)
}

// overTLS reports whether the browser reached carebridge over TLS: directly,
// or through a proxy that says so.
func overTLS(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func sessionInfo(token, id string, s state.AdminSession) map[string]any {
	return map[string]any{"csrf_token": keyed(token, "csrf", id), "expires": s.Expires}
}

// sessionNow answers the caller's session: its CSRF token and expiry.
func (a sessionCalls) sessionNow(w http.ResponseWriter, r *http.Request) {
	if a.o.Token == "" {
		apiOff(w)
		return
	}
	id, s, ok, err := a.session(r)
	switch {
	case err != nil:
		a.internal(w, r, err)
	case !ok:
		a.unauthorized(w, "not signed in: sign in at "+signInPath)
	default:
		writeJSON(w, http.StatusOK, sessionInfo(a.o.Token, id, s))
	}
}

// signOut ends the caller's session on every replica and clears the
// cookie.
func (a sessionCalls) signOut(w http.ResponseWriter, r *http.Request) {
	a.authenticated(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id, _, ok, _ := a.session(r); ok {
			if err := a.o.Sessions.EndAdminSession(r.Context(), keyed(a.o.Token, "session", id)); err != nil {
				a.internal(w, r, err)
				return
			}
		}
		http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/admin/", MaxAge: -1,
			HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: overTLS(r)})
		writeJSON(w, http.StatusOK, map[string]any{"signed_out": true})
	})).ServeHTTP(w, r)
}

// crossOrigin refuses state-changing calls that a browser made from
// another site (Sec-Fetch-Site, Origin), with a JSON error.
func crossOrigin(next http.Handler) http.Handler {
	p := http.NewCrossOriginProtection()
	p.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fail(w, http.StatusForbidden, "cross-site calls to the admin API are refused: use the admin UI itself, or send the admin token from a script")
	}))
	return p.Handler(next)
}

// nextPage is where sign-in leads: a path of the admin UI, never another
// site.
func nextPage(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(raw, "//") || path.Clean(u.Path) != u.Path && u.Path != "/admin/" ||
		!strings.HasPrefix(u.Path, "/admin/") || strings.HasPrefix(u.Path, "/admin/api/") {
		return "/admin/"
	}
	return u.RequestURI()
}
