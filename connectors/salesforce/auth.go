package salesforce

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/carebridge/carebridge/connectors/upstream"
)

const opToken = "token"

// session is an access token, the instance it is valid for and the user it
// acts as.
type session struct {
	token       string
	instanceURL string
	userID      string // from the token response's identity URL; "" if absent
	orgID       string // likewise
}

// tokenSource obtains and caches the session. Its lock is a one-slot
// channel so that waiting for a login in progress honours the context.
type tokenSource struct {
	cfg     Config
	key     *rsa.PrivateKey
	http    *http.Client
	metrics *upstream.Metrics
	log     *slog.Logger
	now     func() time.Time

	lock    chan struct{}
	current session // guarded by lock
}

func (ts *tokenSource) acquire(ctx context.Context) error {
	select {
	case ts.lock <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (ts *tokenSource) release() { <-ts.lock }

// session returns the cached session, logging in when there is none.
func (ts *tokenSource) session(ctx context.Context) (session, error) {
	if err := ts.acquire(ctx); err != nil {
		return session{}, transportError(opToken, err)
	}
	defer ts.release()
	if ts.current.token != "" {
		return ts.current, nil
	}
	return ts.loginLocked(ctx)
}

// refresh replaces the session that was rejected (stale). When another
// call has already replaced it, the newer session is returned unchanged.
func (ts *tokenSource) refresh(ctx context.Context, stale string) (session, error) {
	if err := ts.acquire(ctx); err != nil {
		return session{}, transportError(opToken, err)
	}
	defer ts.release()
	if ts.current.token != "" && ts.current.token != stale {
		return ts.current, nil
	}
	ts.current = session{}
	s, err := ts.loginLocked(ctx)
	if err == nil {
		ts.log.Info("salesforce session refreshed", "auth", ts.cfg.Auth.Method)
	}
	return s, err
}

func (ts *tokenSource) loginLocked(ctx context.Context) (session, error) {
	form, err := ts.grant()
	if err != nil {
		return session{}, localError(opToken, err)
	}
	ctx, cancel := context.WithTimeout(ctx, ts.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ts.cfg.LoginURL+"/services/oauth2/token", strings.NewReader(form.Encode()))
	if err != nil {
		return session{}, localError(opToken, errors.New("cannot build token request"))
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	start := time.Now()
	resp, err := ts.http.Do(req)
	if err != nil {
		ts.metrics.Observe(System, opToken, 0, time.Since(start))
		return session{}, transportError(opToken, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	ts.metrics.Observe(System, opToken, resp.StatusCode, time.Since(start))
	if err != nil {
		return session{}, transportError(opToken, err)
	}
	if resp.StatusCode != http.StatusOK {
		return session{}, newAPIError(opToken, resp.StatusCode, parseErrorBody(body))
	}
	var tr struct {
		AccessToken string `json:"access_token"`
		InstanceURL string `json:"instance_url"`
		ID          string `json:"id"` // https://login.salesforce.com/id/<org id>/<user id>
	}
	if err := json.Unmarshal(body, &tr); err != nil || tr.AccessToken == "" {
		return session{}, &upstream.Error{System: System, Op: opToken, Class: upstream.Retryable, Status: resp.StatusCode,
			Message: "token response without access_token"}
	}
	instance := ts.cfg.InstanceURL
	if instance == "" {
		instance = strings.TrimRight(tr.InstanceURL, "/")
		if err := checkBaseURL("instance_url", instance); err != nil {
			return session{}, &upstream.Error{System: System, Op: opToken, Class: upstream.Permanent, Status: resp.StatusCode, Err: err}
		}
	}
	ts.current = session{token: tr.AccessToken, instanceURL: instance, userID: identityUser(tr.ID), orgID: identityOrg(tr.ID)}
	ts.log.Debug("salesforce login", "auth", ts.cfg.Auth.Method, "instance", instance)
	return ts.current, nil
}

// identityUser is the user id at the end of an identity URL
// (.../id/<org id>/<user id>), or "".
func identityUser(idURL string) string {
	i := strings.LastIndex(idURL, "/id/")
	if i < 0 {
		return ""
	}
	_, user, ok := strings.Cut(idURL[i+len("/id/"):], "/")
	if !ok || !ValidID(user) {
		return ""
	}
	return user
}

// identityOrg is the org id of an identity URL (.../id/<org id>/<user id>),
// or "".
func identityOrg(idURL string) string {
	i := strings.LastIndex(idURL, "/id/")
	if i < 0 {
		return ""
	}
	org, _, ok := strings.Cut(idURL[i+len("/id/"):], "/")
	if !ok || !ValidID(org) {
		return ""
	}
	return org
}

// grant returns the token request form of the configured method.
func (ts *tokenSource) grant() (url.Values, error) {
	a := ts.cfg.Auth
	f := url.Values{}
	switch a.Method {
	case AuthClientCredentials:
		f.Set("grant_type", "client_credentials")
		f.Set("client_id", a.ClientID)
		f.Set("client_secret", a.ClientSecret)
	case AuthJWT:
		now := ts.now()
		claims := jwt.RegisteredClaims{
			Issuer:    a.ClientID,
			Subject:   a.Username,
			Audience:  jwt.ClaimStrings{a.Audience},
			ExpiresAt: jwt.NewNumericDate(now.Add(3 * time.Minute)),
			IssuedAt:  jwt.NewNumericDate(now),
		}
		assertion, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(ts.key)
		if err != nil {
			return nil, errors.New("cannot sign JWT bearer assertion")
		}
		f.Set("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
		f.Set("assertion", assertion)
	case AuthRefreshToken:
		f.Set("grant_type", "refresh_token")
		f.Set("refresh_token", a.RefreshToken)
		f.Set("client_id", a.ClientID)
		if a.ClientSecret != "" {
			f.Set("client_secret", a.ClientSecret)
		}
	case AuthPassword:
		f.Set("grant_type", "password")
		f.Set("client_id", a.ClientID)
		if a.ClientSecret != "" {
			f.Set("client_secret", a.ClientSecret)
		}
		f.Set("username", a.Username)
		f.Set("password", a.Password)
	default:
		return nil, fmt.Errorf("unknown auth method %q", a.Method)
	}
	return f, nil
}

// parsePrivateKey reads the JWT signing key; its errors never quote the key.
func parsePrivateKey(pemText string) (*rsa.PrivateKey, error) {
	key, err := jwt.ParseRSAPrivateKeyFromPEM([]byte(pemText))
	if err != nil {
		return nil, errors.New("PrivateKeyPEM: not a PEM-encoded RSA private key (PKCS #1 or PKCS #8)")
	}
	return key, nil
}
