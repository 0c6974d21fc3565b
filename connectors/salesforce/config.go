package salesforce

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
)

// Authentication methods for Auth.Method.
const (
	AuthClientCredentials = "client_credentials"
	AuthJWT               = "jwt"
	AuthRefreshToken      = "refresh_token"
	AuthPassword          = "password"
)

// Defaults applied by New.
const (
	DefaultAPIVersion  = "62.0"
	DefaultTimeout     = 30 * time.Second
	DefaultPollOverlap = 2 * time.Minute
)

// Config configures a Client. Secrets are given as values: the caller reads
// them from the environment or files.
type Config struct {
	// LoginURL is the base of the OAuth token endpoint, e.g.
	// https://login.salesforce.com, https://test.salesforce.com or the
	// org's My Domain URL.
	LoginURL string
	// InstanceURL is the REST base URL; empty: taken from the token response.
	InstanceURL string
	// APIVersion like "62.0" (default DefaultAPIVersion).
	APIVersion string
	Auth       Auth
	// Timeout bounds every HTTP request (default DefaultTimeout).
	Timeout time.Duration
	// PollOverlap is how far before the watermark Changed looks again, to
	// catch records committed late with an earlier SystemModstamp (default
	// DefaultPollOverlap).
	PollOverlap time.Duration
	// QueryBatchSize asks for pages of this many records
	// (Sforce-Query-Options: batchSize, 200..2000); 0: the server's default.
	QueryBatchSize int
}

// Auth chooses and configures one authentication method.
type Auth struct {
	// Method is one of "client_credentials", "jwt", "refresh_token",
	// "password" (the last is a deprecated fallback).
	Method       string
	ClientID     string
	ClientSecret string
	// Username is the JWT subject (jwt) or the login user (password).
	Username string
	Password string
	// RefreshToken for the refresh_token method.
	RefreshToken string
	// PrivateKeyPEM is the PEM text of the RSA key that signs JWT bearer
	// assertions (jwt).
	PrivateKeyPEM string
	// Audience of the JWT (default: LoginURL).
	Audience string
}

func (c *Config) applyDefaults() {
	if c.APIVersion == "" {
		c.APIVersion = DefaultAPIVersion
	}
	c.APIVersion = strings.TrimPrefix(c.APIVersion, "v")
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.PollOverlap == 0 {
		c.PollOverlap = DefaultPollOverlap
	}
	c.LoginURL = strings.TrimRight(c.LoginURL, "/")
	c.InstanceURL = strings.TrimRight(c.InstanceURL, "/")
	if c.Auth.Audience == "" {
		c.Auth.Audience = c.LoginURL
	}
}

// validate reports configuration mistakes; messages name fields, never
// secret values.
func (c *Config) validate() error {
	var errs []error
	if err := checkBaseURL("LoginURL", c.LoginURL); err != nil {
		errs = append(errs, err)
	}
	if c.InstanceURL != "" {
		if err := checkBaseURL("InstanceURL", c.InstanceURL); err != nil {
			errs = append(errs, err)
		}
	}
	if !validAPIVersion(c.APIVersion) {
		errs = append(errs, fmt.Errorf("APIVersion %q: want a version like 62.0", c.APIVersion))
	}
	if c.PollOverlap < 0 {
		errs = append(errs, errors.New("PollOverlap must not be negative"))
	}
	if c.QueryBatchSize != 0 && (c.QueryBatchSize < 200 || c.QueryBatchSize > 2000) {
		errs = append(errs, fmt.Errorf("QueryBatchSize %d: want 200..2000 or 0", c.QueryBatchSize))
	}
	a := c.Auth
	need := func(name, v string) {
		if v == "" {
			errs = append(errs, fmt.Errorf("auth method %s needs %s", a.Method, name))
		}
	}
	switch a.Method {
	case AuthClientCredentials:
		need("ClientID", a.ClientID)
		need("ClientSecret", a.ClientSecret)
	case AuthJWT:
		need("ClientID", a.ClientID)
		need("Username", a.Username)
		need("PrivateKeyPEM", a.PrivateKeyPEM)
	case AuthRefreshToken:
		need("ClientID", a.ClientID)
		need("RefreshToken", a.RefreshToken)
	case AuthPassword:
		need("ClientID", a.ClientID)
		need("Username", a.Username)
		need("Password", a.Password)
	default:
		errs = append(errs, fmt.Errorf("auth method %q: want one of %s, %s, %s, %s",
			a.Method, AuthClientCredentials, AuthJWT, AuthRefreshToken, AuthPassword))
	}
	return errors.Join(errs...)
}

func checkBaseURL(name, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.RawQuery != "" {
		return fmt.Errorf("%s %q: want an http(s) base URL without credentials or query", name, redactURL(raw))
	}
	return nil
}

// redactURL drops user info and query from a URL for messages.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	u.User = nil
	u.RawQuery = ""
	u.Fragment = ""
	return u.String()
}

func validAPIVersion(v string) bool {
	major, minor, ok := strings.Cut(v, ".")
	if !ok || major == "" || minor == "" {
		return false
	}
	for _, r := range major + minor {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// String shows the method and client id only, so a Config printed with %v
// or %+v never shows a secret.
func (a Auth) String() string {
	return fmt.Sprintf("{Method:%s ClientID:%s Username:%s secrets:redacted}", a.Method, a.ClientID, a.Username)
}

// GoString is String, for %#v.
func (a Auth) GoString() string { return a.String() }

// LogValue keeps secrets out of slog output.
func (a Auth) LogValue() slog.Value {
	return slog.GroupValue(slog.String("method", a.Method), slog.String("client_id", a.ClientID), slog.String("username", a.Username))
}
