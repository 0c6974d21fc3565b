package sfsim

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const jwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// maxSessions is when issuing a token starts pruning expired ones.
const maxSessions = 1000

// orgID is the sandbox org's id, used in identity URLs and tokens.
const orgID = "00D5g00000SIMORGEA"

type oauthError struct {
	status int
	code   string
	desc   string
}

func writeOAuthError(w http.ResponseWriter, e oauthError) {
	writeJSON(w, e.status, map[string]string{"error": e.code, "error_description": e.desc})
}

func errInvalidClientID() *oauthError {
	return &oauthError{http.StatusBadRequest, "invalid_client_id", "client identifier invalid"}
}

func errInvalidClient() *oauthError {
	return &oauthError{http.StatusBadRequest, "invalid_client", "invalid client credentials"}
}

func errAuthFailure() *oauthError {
	return &oauthError{http.StatusBadRequest, "invalid_grant", "authentication failure"}
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

// oauthServer issues and checks access tokens: the OAuth token endpoint,
// SOAP login and bearer tokens.
type oauthServer struct {
	*state
	*apiMeter // admit

	// guarded by the state's mutex
	refresh map[string]string // refresh token -> user id
	// failedLogins counts each user's wrong passwords (checkPassword).
	failedLogins map[string]failedLogins
}

// serveToken is POST /services/oauth2/token.
func (s *oauthServer) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeError(w, apiError(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "HTTP Method '%s' not allowed. Allowed are POST", r.Method))
		return
	}
	if _, ok := s.admit(w, r, OpToken, false); !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, oauthError{http.StatusBadRequest, "invalid_request", "cannot parse the request body"})
		return
	}
	clientID, clientSecret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		clientID, clientSecret = u, p
	}
	grant := r.PostForm.Get("grant_type")
	var (
		user string
		oerr *oauthError
	)
	switch grant {
	case "client_credentials":
		user, oerr = s.checkClient(clientID, clientSecret, true)
	case "password":
		if user, oerr = s.checkClient(clientID, clientSecret, true); oerr == nil {
			user, oerr = s.checkPassword(r.PostForm.Get("username"), r.PostForm.Get("password"))
		}
	case "refresh_token":
		if _, oerr = s.checkClient(clientID, clientSecret, false); oerr == nil {
			s.mu.Lock()
			u, ok := s.refresh[r.PostForm.Get("refresh_token")]
			s.mu.Unlock()
			if !ok {
				oerr = &oauthError{http.StatusBadRequest, "invalid_grant", "expired access/refresh token"}
			}
			user = u
		}
	case jwtBearerGrant:
		user, oerr = s.checkAssertion(r, r.PostForm.Get("assertion"))
	default:
		oerr = &oauthError{http.StatusBadRequest, "unsupported_grant_type", "grant type not supported"}
	}
	if oerr != nil {
		s.log.Info("salesforce sandbox refused a token request", "grant_type", grant, "error", oerr.code)
		writeOAuthError(w, *oerr)
		return
	}
	token := s.issue(user)
	issued := s.opts.Clock()
	base := instanceURL(r)
	id := base + "/id/" + orgID + "/" + user
	mac := hmac.New(sha256.New, []byte(s.opts.ClientSecret))
	mac.Write([]byte(id + strconv.FormatInt(issued.UnixMilli(), 10)))
	resp := map[string]string{
		"access_token": token,
		"instance_url": base,
		"id":           id,
		"token_type":   "Bearer",
		"issued_at":    strconv.FormatInt(issued.UnixMilli(), 10),
		"signature":    base64.StdEncoding.EncodeToString(mac.Sum(nil)),
		"scope":        "api",
	}
	writeJSON(w, http.StatusOK, resp)
}

// issue creates an access token for user.
func (s *oauthServer) issue(user string) string {
	token := orgID + "!" + randomToken(48)
	now := s.opts.Clock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.tokens) >= maxSessions {
		for t, sess := range s.tokens {
			if !now.Before(sess.expires) {
				delete(s.tokens, t)
			}
		}
	}
	s.tokens[token] = session{user: user, expires: now.Add(s.opts.TokenTTL)}
	return token
}

// IssueRefreshToken creates a refresh token for the integration user, as an
// admin would obtain one through the web-server flow.
func (s *oauthServer) IssueRefreshToken() string {
	token := "5Aep" + randomToken(48)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refresh[token] = s.integrationUser
	return token
}

func (s *oauthServer) checkClient(id, secret string, needSecret bool) (string, *oauthError) {
	if !equal(id, s.opts.ClientID) {
		return "", errInvalidClientID()
	}
	if (needSecret || secret != "") && !equal(secret, s.opts.ClientSecret) {
		return "", errInvalidClient()
	}
	return s.integrationUser, nil
}

// checkPassword signs in the integration user with Options.Password, or
// an active agent with Options.AgentPassword (the sandbox's agents share
// one password, so that people and tests can act as any of them). As an
// org's default password policy does, ten wrong passwords in a row lock the
// user out for 15 minutes, whichever way it signs in; a locked-out user's
// right password is refused too.
func (s *oauthServer) checkPassword(username, password string) (string, *oauthError) {
	user, want := s.integrationUser, s.opts.Password
	if !strings.EqualFold(username, s.opts.Username) {
		id, ok := s.userByUsername(username)
		if !ok {
			return "", errAuthFailure()
		}
		user, want = id, s.opts.AgentPassword
	}
	if want == "" {
		return "", errAuthFailure()
	}
	now := s.opts.Clock()
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.failedLogins[user]
	switch {
	case now.Before(f.lockedUntil):
		return "", errAuthFailure() // as an org answers: no more
	case !equal(password, want):
		f.count++
		if f.count >= maxLoginAttempts {
			f = failedLogins{lockedUntil: now.Add(lockoutPeriod)}
		}
		s.failedLogins[user] = f
		return "", errAuthFailure()
	}
	delete(s.failedLogins, user)
	return user, nil
}

// An org's default password policy: ten invalid sign-ins in a row lock a
// user out for 15 minutes.
const (
	maxLoginAttempts = 10
	lockoutPeriod    = 15 * time.Minute
)

// failedLogins are a user's wrong passwords in a row, and the end of its
// lockout once they reached maxLoginAttempts.
type failedLogins struct {
	count       int
	lockedUntil time.Time
}

// lockedOut reports whether the user with that username is locked out.
func (s *oauthServer) lockedOut(username string) bool {
	user := s.integrationUser
	if !strings.EqualFold(username, s.opts.Username) {
		id, ok := s.userByUsername(username)
		if !ok {
			return false
		}
		user = id
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts.Clock().Before(s.failedLogins[user].lockedUntil)
}

// userByUsername returns the id of an active user.
func (s *oauthServer) userByUsername(username string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	users, _ := s.store.table("User")
	for _, u := range users.records {
		name, _ := u.fields["Username"].(string)
		active, _ := u.fields["IsActive"].(bool)
		if !u.deleted && active && strings.EqualFold(name, username) {
			return u.id, true
		}
	}
	return "", false
}

// checkAssertion verifies a JWT bearer assertion: RS256 signed by the
// configured key, iss = client id, aud = a Salesforce login URL (or this
// server), sub = an active user's username, exp in the future.
func (s *oauthServer) checkAssertion(r *http.Request, assertion string) (string, *oauthError) {
	invalid := func(desc string) (string, *oauthError) {
		return "", &oauthError{http.StatusBadRequest, "invalid_grant", desc}
	}
	if s.opts.JWTPublicKey == nil {
		return invalid("JWT bearer flow is not enabled for this connected app")
	}
	claims := jwt.RegisteredClaims{}
	_, err := jwt.ParseWithClaims(assertion, &claims, func(*jwt.Token) (any, error) { return s.opts.JWTPublicKey, nil },
		jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(s.opts.Clock),
		jwt.WithLeeway(3*time.Minute),
	)
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return invalid("expired authorization code")
	case err != nil:
		return invalid("invalid assertion")
	}
	if !equal(claims.Issuer, s.opts.ClientID) {
		return "", errInvalidClientID()
	}
	audOK := false
	for _, aud := range claims.Audience {
		aud = strings.TrimSuffix(aud, "/")
		if aud == "https://login.salesforce.com" || aud == "https://test.salesforce.com" || aud == instanceURL(r) {
			audOK = true
		}
	}
	if !audOK {
		return invalid("audience is invalid")
	}
	user, ok := s.userByUsername(claims.Subject)
	if !ok {
		return invalid("user hasn't approved this consumer")
	}
	return user, nil
}

// serveSOAPLogin answers the SOAP login() call that simpleforce's
// LoginPassword makes (Salesforce retires it in 2027; kept as a fallback).
func (s *oauthServer) serveSOAPLogin(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeError(w, apiError(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "HTTP Method '%s' not allowed. Allowed are POST", r.Method))
		return
	}
	if _, ok := s.admit(w, r, OpLogin, false); !ok {
		return
	}
	var env struct {
		Username string `xml:"Body>login>username"`
		Password string `xml:"Body>login>password"`
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err == nil {
		err = xml.Unmarshal(body, &env)
	}
	user, oerr := s.checkPassword(env.Username, env.Password)
	if err != nil || oerr != nil {
		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>INVALID_LOGIN</faultcode><faultstring>INVALID_LOGIN: Invalid username, password, security token; or user locked out.</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`)
		return
	}
	token := s.issue(user)
	version := strings.TrimPrefix(r.URL.Path, "/services/Soap/u/")
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><loginResponse><result>`)
	fmt.Fprintf(&b, "<serverUrl>%s/services/Soap/u/%s/%s</serverUrl>", xmlEscape(instanceURL(r)), xmlEscape(version), orgID)
	fmt.Fprintf(&b, "<sessionId>%s</sessionId><userId>%s</userId>", xmlEscape(token), user)
	email, name, username := s.userInfo(user)
	fmt.Fprintf(&b, "<userInfo><userEmail>%s</userEmail><userFullName>%s</userFullName><userName>%s</userName></userInfo>", xmlEscape(email), xmlEscape(name), xmlEscape(username))
	b.WriteString(`</result></loginResponse></soapenv:Body></soapenv:Envelope>`)
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	_, _ = io.WriteString(w, b.String())
}

// userInfo returns a user's e-mail address, full name and username.
func (s *oauthServer) userInfo(id string) (email, name, username string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	users, _ := s.store.table("User")
	r, err := s.store.get(users, id)
	if err != nil {
		return "", "", ""
	}
	return str(r.fields["Email"]), str(r.fields["Name"]), str(r.fields["Username"])
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
