package salesforce

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/upstream"
)

// Bodies as real Salesforce returns them (REST API developer guide, errors
// seen in orgs).
func TestClassifyRecordedErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		code   string
		class  upstream.Class
	}{
		{"lock", 400, `[{"message":"unable to obtain exclusive access to this record or 1 records: 500xx","errorCode":"UNABLE_TO_LOCK_ROW","fields":[]}]`, CodeUnableToLockRow, upstream.Retryable},
		{"server unavailable", 503, `[{"message":"Server temporarily unavailable","errorCode":"SERVER_UNAVAILABLE"}]`, CodeServerUnavailable, upstream.Retryable},
		{"5xx without body", 502, ``, "", upstream.Retryable},
		{"5xx html body", 500, `<html><body>Internal error</body></html>`, "", upstream.Retryable},
		{"concurrent limit", 403, `[{"message":"ConcurrentPerOrgLongTxn Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`, CodeRequestLimitExceeded, upstream.Retryable},
		{"concurrent requests wording", 403, `[{"message":"Too many concurrent requests","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`, CodeRequestLimitExceeded, upstream.Retryable},
		{"daily quota", 403, `[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`, CodeRequestLimitExceeded, upstream.QuotaExhausted},
		{"duplicate", 400, `[{"message":"duplicate value found: Care_Case_Id__c duplicates value on record with id: 500xx","errorCode":"DUPLICATE_VALUE","fields":[]}]`, CodeDuplicateValue, upstream.Permanent},
		{"deleted", 400, `[{"message":"entity is deleted","errorCode":"ENTITY_IS_DELETED","fields":[]}]`, CodeEntityIsDeleted, upstream.Permanent},
		{"validation rule", 400, `[{"message":"Subject is required","errorCode":"FIELD_CUSTOM_VALIDATION_EXCEPTION","fields":["Subject"]}]`, CodeCustomValidation, upstream.Permanent},
		{"invalid field", 400, `[{"message":"No such column 'Foo__c' on entity 'Case'.","errorCode":"INVALID_FIELD"}]`, CodeInvalidField, upstream.Permanent},
		{"malformed query", 400, `[{"message":"unexpected token: 'FORM'","errorCode":"MALFORMED_QUERY"}]`, CodeMalformedQuery, upstream.Permanent},
		{"not found", 404, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`, CodeNotFound, upstream.Permanent},
		{"other 4xx", 400, `[{"message":"Json Deserialization failed","errorCode":"JSON_PARSER_ERROR"}]`, "JSON_PARSER_ERROR", upstream.Permanent},
		{"empty array does not panic", 400, `[]`, "", upstream.Permanent},
		{"null body", 500, `null`, "", upstream.Retryable},
		{"oauth error outside a login", 400, `{"error":"invalid_grant","error_description":"authentication failure"}`, "invalid_grant", upstream.Permanent},
		{"session refused after the refresh", 401, `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`, CodeInvalidSession, upstream.Retryable},
		{"timeout status", 408, ``, "", upstream.Retryable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newAPIError("update", tt.status, parseErrorBody([]byte(tt.body)))
			if e.Code != tt.code || e.Class != tt.class || e.Status != tt.status {
				t.Fatalf("got code %q class %v status %d; want %q %v %d", e.Code, e.Class, e.Status, tt.code, tt.class, tt.status)
			}
			if got := upstream.ClassOf(errors.Join(errors.New("context"), e)); got != tt.class {
				t.Errorf("ClassOf through wrapping = %v", got)
			}
		})
	}
}

// TestRefusedLoginIsRetried: a token call refused during a credential
// rotation (or an identity provider blip) must not make work give up.
func TestRefusedLoginIsRetried(t *testing.T) {
	for _, body := range []string{
		`{"error":"invalid_client","error_description":"invalid client credentials"}`,
		`{"error":"invalid_grant","error_description":"authentication failure"}`,
	} {
		if e := newAPIError(opToken, 400, parseErrorBody([]byte(body))); e.Class != upstream.Retryable {
			t.Errorf("login refused with %s: %v, want retryable", body, e.Class)
		}
	}
}

func TestCollectionRecordErrorsClassifiedWithoutStatus(t *testing.T) {
	tests := []struct {
		code, msg string
		want      upstream.Class
	}{
		{CodeUnableToLockRow, "locked", upstream.Retryable},
		{CodeDuplicateValue, "dup", upstream.Permanent},
		{"REQUIRED_FIELD_MISSING", "Required fields are missing: [Subject]", upstream.Permanent},
		{CodeAllOrNoneRolledBack, "rolled back", upstream.Retryable},
	}
	for _, tt := range tests {
		if got := classify(0, tt.code, tt.msg); got != tt.want {
			t.Errorf("classify(0, %s) = %v, want %v", tt.code, got, tt.want)
		}
	}
}

func TestTransportErrorHidesURL(t *testing.T) {
	e := transportError("query", &url.Error{Op: "Get", URL: "https://x.my.salesforce.com/services/data/v62.0/query?q=SELECT+Id", Err: errTimeout})
	if e.Class != upstream.Retryable {
		t.Fatalf("class %v", e.Class)
	}
	if got := e.Error(); got != "salesforce query: retryable: i/o timeout" {
		t.Errorf("Error() = %q", got)
	}
}

func TestParseTime(t *testing.T) {
	want := time.Date(2026, 11, 25, 3, 55, 12, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2026-11-25T03:55:12.000+0000", want},
		{"2026-11-25T04:55:12.000+0100", want},
		{"2026-11-25T03:55:12.123+0000", want.Add(123 * time.Millisecond)},
		{"2026-11-25T03:55:12+0000", want},
		{"2026-11-25T03:55:12Z", want},
		{"2026-11-25T03:55:12.5Z", want.Add(500 * time.Millisecond)},
		{"2026-11-24T22:55:12-05:00", want},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in)
		if err != nil || !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) = %v, %v; want %v UTC", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "2026-11-25", "25/11/2026 03:55", "2026-11-25T03:55:12", "2026-13-25T03:55:12Z"} {
		if _, err := ParseTime(bad); err == nil {
			t.Errorf("ParseTime(%q) accepted", bad)
		}
	}
	if got := FormatTime(want.Add(123 * time.Millisecond)); got != "2026-11-25T03:55:12.123+0000" {
		t.Errorf("FormatTime = %q", got)
	}
}

func TestParseLimitInfo(t *testing.T) {
	tests := []struct {
		in        string
		used, max int
		ok        bool
	}{
		{"api-usage=10018/100000", 10018, 100000, true},
		{"api-usage=18/5000, per-app-api-usage=17/250(appName=sample)", 18, 5000, true},
		{"per-app-api-usage=17/250(appName=sample), api-usage=3/15000", 3, 15000, true},
		{"", 0, 0, false},
		{"api-usage=x/5", 0, 0, false},
		{"api-usage=5", 0, 0, false},
	}
	for _, tt := range tests {
		u, m, ok := parseLimitInfo(tt.in)
		if u != tt.used || m != tt.max || ok != tt.ok {
			t.Errorf("parseLimitInfo(%q) = %d, %d, %v", tt.in, u, m, ok)
		}
	}
}

func TestConfigValidation(t *testing.T) {
	base := func() Config {
		return Config{LoginURL: "https://login.example.com", Auth: Auth{Method: AuthClientCredentials, ClientID: "id", ClientSecret: "s3cr3t-value"}}
	}
	tests := []struct {
		name   string
		mutate func(*Config)
		ok     bool
	}{
		{"client credentials", func(*Config) {}, true},
		{"missing secret", func(c *Config) { c.Auth.ClientSecret = "" }, false},
		{"unknown method", func(c *Config) { c.Auth.Method = "saml" }, false},
		{"jwt without key", func(c *Config) { c.Auth = Auth{Method: AuthJWT, ClientID: "id", Username: "u"} }, false},
		{"jwt with garbage key", func(c *Config) {
			c.Auth = Auth{Method: AuthJWT, ClientID: "id", Username: "u", PrivateKeyPEM: "-----BEGIN RSA PRIVATE KEY-----\nnot-a-key\n-----END RSA PRIVATE KEY-----"}
		}, false},
		{"refresh token", func(c *Config) { c.Auth = Auth{Method: AuthRefreshToken, ClientID: "id", RefreshToken: "rt"} }, true},
		{"password", func(c *Config) { c.Auth = Auth{Method: AuthPassword, ClientID: "id", Username: "u", Password: "p"} }, true},
		{"login url with credentials", func(c *Config) { c.LoginURL = "https://user:s3cr3t-value@login.example.com" }, false},
		{"no login url", func(c *Config) { c.LoginURL = "" }, false},
		{"bad api version", func(c *Config) { c.APIVersion = "latest" }, false},
		{"v-prefixed api version", func(c *Config) { c.APIVersion = "v61.0" }, true},
		{"batch size too small", func(c *Config) { c.QueryBatchSize = 10 }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base()
			tt.mutate(&cfg)
			c, err := New(cfg, nil, nil, nil)
			if tt.ok != (err == nil) {
				t.Fatalf("New err = %v, want ok=%v", err, tt.ok)
			}
			if err != nil {
				for _, secret := range []string{"s3cr3t-value", "not-a-key"} {
					if strings.Contains(err.Error(), secret) {
						t.Errorf("error %q reveals a secret", err)
					}
				}
				return
			}
			if c.cfg.Timeout != DefaultTimeout || c.cfg.PollOverlap != DefaultPollOverlap || c.cfg.APIVersion[0] == 'v' {
				t.Errorf("defaults not applied: %+v", c.cfg)
			}
		})
	}
}

var errTimeout = errors.New("i/o timeout")

func TestConfigPrintsNoSecrets(t *testing.T) {
	cfg := Config{LoginURL: "https://login.example.com", Auth: Auth{Method: AuthPassword, ClientID: "id",
		ClientSecret: "cs-Secret1", Password: "pw-Secret2", RefreshToken: "rt-Secret3", PrivateKeyPEM: "pem-Secret4"}}
	var logs strings.Builder
	slog.New(slog.NewTextHandler(&logs, nil)).Info("config", "auth", cfg.Auth, "cfg", cfg)
	out := fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg.Auth) + logs.String()
	for _, s := range []string{"cs-Secret1", "pw-Secret2", "rt-Secret3", "pem-Secret4"} {
		if strings.Contains(out, s) {
			t.Errorf("%s shows in %s", s, out)
		}
	}
	if !strings.Contains(out, "password") {
		t.Errorf("method missing from %s", out)
	}
}
